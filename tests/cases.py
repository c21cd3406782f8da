"""Helpers to drive a case in tests as the caseworkers would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from models.application import Application
from models.case import CaseStatus, Step
from rules import calendar
from rules.timezone import ALMATY
from workflows.application import ApplicationWorkflow, workflow_id


def working_day_at(after: datetime, at: time, min_days: int = 2) -> datetime:
    """The first working day at least `min_days` after `after`, at local time `at`."""
    day = after.astimezone(ALMATY).date() + timedelta(days=min_days)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, at, ALMATY)


def weekday_at(after: datetime, weekday: int, at: time, min_days: int = 2) -> datetime:
    """The first day of `weekday` (Monday 0) at least `min_days` after `after`, at `at`.

    Only days whose neighbourhood is ordinary are taken, so the expected values of a test
    do not depend on which week the suite runs in."""
    day = after.astimezone(ALMATY).date() + timedelta(days=min_days)
    while True:
        if day.weekday() == weekday and all(
            calendar.is_working_day(day + timedelta(days=d))
            == ((day + timedelta(days=d)).weekday() < 5)
            for d in range(-3, 12)
        ):
            return datetime.combine(day, at, ALMATY)
        day += timedelta(days=1)


async def start(client: Client, app: Application, task_queue: str) -> WorkflowHandle:
    return await client.start_workflow(
        ApplicationWorkflow.run, app, id=workflow_id(app.application_id), task_queue=task_queue
    )


async def status(handle: WorkflowHandle) -> CaseStatus:
    return await handle.query("status", result_type=CaseStatus)


async def until(
    handle: WorkflowHandle, test: Callable[[CaseStatus], bool], what: str, tries: int = 400
) -> CaseStatus:
    """Poll the case until `test` holds: the worker runs activities in real time, and
    a query only sees what it has finished."""
    for _ in range(tries):
        s = await status(handle)
        if test(s):
            return s
        await asyncio.sleep(0.025)
    raise AssertionError(f"case never reached: {what}; last status: {s.model_dump_json(indent=1)}")


async def at_step(handle: WorkflowHandle, step: Step) -> CaseStatus:
    return await until(handle, lambda s: s.step == step, f"step {step.value}")


async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    now = await env.get_current_time()
    if moment > now:
        await env.sleep(moment - now)


def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:8]}"


HISTORIES = __import__("pathlib").Path(__file__).parent / "histories"


async def keep_history(handle: WorkflowHandle, name: str) -> None:
    """With SHAQYRU_RECORD_HISTORIES=1, save the case's history for the replay test.

    Recorded histories are committed; CI replays them, so a change that would break a
    case already open fails the build."""
    import os

    if os.environ.get("SHAQYRU_RECORD_HISTORIES") != "1":
        return
    import codec

    history = await handle.fetch_history()
    # Recorded under the session's throwaway key: kept in clear so that replay needs none.
    codec.decrypt_in_place(history.events, codec.default_keys())
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json(), encoding="utf-8")


def holiday_at(after: datetime, at: time) -> datetime:
    """The first public holiday on a weekday after `after`, at local time `at`."""
    day = after.astimezone(ALMATY).date() + timedelta(days=2)
    while day.weekday() >= 5 or calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, at, ALMATY)
