"""Starts the case of one application, as the portal would on submission.

    python starter.py FILE|-        (the same as `shaqyru submit FILE|-`)

It validates first and starts nothing when anything is wrong; then it prints what the
applicant's personal cabinet shows: the application is accepted, when it will be
registered, and the date the result is due.

Exit status as the CLI's: 0 started; 1 already submitted; 2 unreadable or invalid input;
3 the Temporal server cannot be reached or refused the start; 4 no usable key ring."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

import settings as config
from codec import CodecError
from models.application import Application
from rules import calendar, regulation
from rules.check import ApplicationInvalid, Problem, parse_application, read_application
from rules.roster import load_roster
from texts import t
from workflows import search
from workflows.application import TERM_WORKING_DAYS, WORKFLOW_NAME, workflow_id
from workflows.details import both, local, summary


class Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class AlreadySubmitted(Exception):
    pass


@dataclass(frozen=True)
class Receipt:
    application_id: str
    workflow_id: str
    accepted_at: datetime
    result_due_at: datetime

    def as_dict(self) -> dict:
        return {
            "application_id": self.application_id,
            "workflow_id": self.workflow_id,
            "registration_at": self.accepted_at.isoformat(),
            "result_due_at": self.result_due_at.isoformat(),
            "result_due_on": self.result_due_at.date().isoformat(),
        }


def validate(raw: str | bytes, settings: config.Settings) -> Application:
    # The model comes from the same parse that was checked (BOM dropped, limits applied),
    # never from a second reading of the raw text.
    try:
        return parse_application(raw, load_roster(settings.roster_path))
    except ApplicationInvalid as bad:
        raise Invalid(bad.problems) from None


async def submit(client: Client, app: Application, settings: config.Settings) -> Receipt:
    accepted = calendar.acceptance_moment(app.submitted_at)
    due = calendar.add_working_days(accepted, TERM_WORKING_DAYS)
    service = regulation.service_rules(app.service)
    wid = workflow_id(app.application_id)
    try:
        await client.start_workflow(
            WORKFLOW_NAME,
            app,
            id=wid,
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            memo={
                "service": app.service.value,
                "ground": app.ground,
                "district": app.applicant.district,
            },
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(search.SERVICE, app.service.value),
                    SearchAttributePair(search.GROUND, app.ground),
                    SearchAttributePair(search.DISTRICT, app.applicant.district),
                    SearchAttributePair(search.STEP, "accept"),
                ]
            ),
            # What a supervisor reads in the UI's list: no names, no IIN.
            static_summary=summary(
                service.name.kk, service.name.ru, app.ground, app.applicant.district
            ),
            static_details=f"{both('ui.due')}: {local(due)}",
        )
    except WorkflowAlreadyStartedError as exists:
        raise AlreadySubmitted(
            f"application {app.application_id} was already submitted (workflow {wid}); "
            "no second case was started"
        ) from exists
    return Receipt(app.application_id, wid, accepted, due)


def print_receipt(receipt: Receipt, as_json: bool) -> None:
    if as_json:
        print(json.dumps(receipt.as_dict(), ensure_ascii=False))
        return
    print(f"Application {receipt.application_id} accepted.")
    print(f"Registration: {receipt.accepted_at.isoformat()}")
    print(f"Result due:   {receipt.result_due_at.isoformat()}")


async def _main(path: str, as_json: bool) -> int:
    from connection import connect

    settings = config.load()
    try:
        raw = read_application(path)
    except OSError as e:
        print(f"{path}: cannot read the file: {e.strerror or e}", file=sys.stderr)
        return 2
    try:
        app = validate(raw, settings)
    except Invalid as bad:
        for p in bad.problems:
            print(f"{p.field}: {p.rule}: {p.en}", file=sys.stderr)
        return 2
    try:
        client = await connect(settings)
    except CodecError as e:
        # Not 1: that says "already submitted", and a portal would take it for done.
        for line in (t("no_keys", "en"), t("detail", "en", detail=e), t("hint_keys", "en")):
            print(line, file=sys.stderr)
        return 4
    except RuntimeError as down:
        print(f"cannot reach Temporal at {settings.temporal_address}: {down}", file=sys.stderr)
        return 3
    try:
        receipt = await submit(client, app, settings)
    except AlreadySubmitted as dup:
        print(str(dup), file=sys.stderr)
        return 1
    except RPCError as e:
        print(f"Temporal at {settings.temporal_address} refused the start: {e}", file=sys.stderr)
        return 3
    print_receipt(receipt, as_json)
    return 0


if __name__ == "__main__":
    import os

    if len(sys.argv) != 2:
        print("usage: python starter.py FILE|-", file=sys.stderr)
        os._exit(2)
    code = asyncio.run(_main(sys.argv[1], as_json=False))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
