"""Cases driven through the whole process while the faults happen, and the census that
says afterwards what became of each.

A case is driven as the portal and the caseworkers would: `shaqyru sample`'s
application is submitted (and submitted again while the server does not acknowledge
it), then, reading the case's status, the chairman forwards it, the three members
agree, the chairman grants the deferral and signs the issued conclusion, every action
signed with its sender's development key. Every call may fail while a fault lasts;
the driver then reads the status again, so an action that was taken before its answer
got lost is never taken twice."""

from __future__ import annotations

import asyncio
import inspect
import json
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic

from pydantic import BaseModel
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

import starter
from cli.sample_cmd import EXAMPLES, latest_working_moment
from documents.store import DocumentStore
from faults.stack import Stack
from models.case import CaseStatus, Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
)
from rules.regulation import in_acceptance_period
from rules.timezone import ALMATY
from settings import Settings
from workflows.application import workflow_id

CALL = timedelta(seconds=10)  # one call's bound: a call into a dead worker must return
PAUSE = 1.0  # seconds between two looks at a case that waits for the system
RECOVERY_BOUND = 120.0  # seconds for every case to finish once the faults are over
UNHANDLED_COMMAND = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND
MAX_ROUNDS = 2000  # a driver's loop ends by itself even if nobody stops it
TRANSIENT = (
    RPCError,
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    asyncio.TimeoutError,
    RuntimeError,  # the client's "connection refused" while the server is down
)


def submitted_at(now: datetime) -> datetime:
    """`shaqyru sample`'s date, the latest working moment; between two conscription
    periods, the latest one inside the last period, so the suite runs all year."""
    moment = latest_working_moment(now)
    for _ in range(120):  # the longest gap between two periods is about two months
        day = moment.astimezone(ALMATY).date()
        if in_acceptance_period(day):
            return moment
        moment = latest_working_moment(datetime.combine(day, time.min, ALMATY))
    raise ValueError(f"no acceptance period in the 120 working moments before {now}")


def application_json(app_id: str) -> bytes:
    """What `shaqyru sample deferral-5-student --id APP` prints."""
    data = json.loads((EXAMPLES / "deferral-5-student.json").read_text(encoding="utf-8"))
    data["application_id"] = app_id
    data["submitted_at"] = submitted_at(datetime.now(UTC)).isoformat()
    return json.dumps(data, ensure_ascii=False).encode()


def next_action(stack: Stack, s: CaseStatus) -> tuple[str, BaseModel] | None:
    """The one action the case waits for, as its caseworkers would take it."""
    if s.registration is None:
        return None
    chair = s.registration.commission.chairman.id
    if s.step == Step.forward and not s.forwarded_to:
        return "forward", Forward(actor=chair)
    if s.step in (Step.forward, Step.review):
        for a in s.answers:
            if a.answer is None and not a.no_answer:
                return "member_decision", MemberDecision(
                    actor=a.member_id, verdict=MemberVerdict.agree
                )
    if s.step == Step.decide and s.decision is None:
        until = date(date.today().year + 2, 6, 30)
        return "chairman_decision", ChairmanDecision(
            actor=chair, verdict=ChairmanVerdict.grant, until=until
        )
    if s.step == Step.sign and s.chairman_signature is None and s.result is not None:
        return "sign_result", stack.result_signing(chair, s)
    return None


@dataclass
class Case:
    app_id: str
    acknowledged: bool = False
    reached_done: bool = False
    last_error: str = ""
    step: str = ""


@dataclass
class Drive:
    """Every case of one scenario; `stop` ends all drivers."""

    stack: Stack
    cases: list[Case]
    before_forward: Callable[[Case], Awaitable[None]] | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def client(self) -> Client:
        assert self.stack.client is not None
        return self.stack.client

    async def submit(self, case: Case) -> None:
        settings = Settings(task_queue=self.stack.task_queue)
        app = starter.validate(application_json(case.app_id), settings)
        for _ in range(MAX_ROUNDS):
            if self.stop.is_set():
                return
            try:
                await starter.submit(self.client, app, settings)
                case.acknowledged = True
                return
            except starter.AlreadySubmitted:
                # An earlier try reached the server though its answer did not reach us.
                case.acknowledged = True
                return
            except TRANSIENT as e:
                case.last_error = f"submit: {e}"
                await asyncio.sleep(PAUSE)

    async def drive(self, case: Case) -> None:
        await self.submit(case)
        handle = self.client.get_workflow_handle(workflow_id(case.app_id))
        jammed = self.before_forward is None
        for _ in range(MAX_ROUNDS):
            if self.stop.is_set() or not case.acknowledged:
                return
            try:
                s = await handle.query("status", result_type=CaseStatus, rpc_timeout=CALL)
            except TRANSIENT as e:
                case.last_error = f"status: {e}"
                await asyncio.sleep(PAUSE)
                continue
            case.step = s.step.value
            if s.step == Step.done:
                # Done once the workflow has closed; it still writes its journal first.
                if await self._completed(handle):
                    case.reached_done = True
                    return
                await asyncio.sleep(PAUSE)
                continue
            if not jammed and s.step == Step.forward and self.before_forward:
                jammed = True
                await self.before_forward(case)
                continue
            action = next_action(self.stack, s)
            if action is None:
                await asyncio.sleep(PAUSE)
                continue
            name, cmd = action
            signed = self.stack.sign(case.app_id, name, cmd)
            try:
                await handle.execute_update(name, signed, result_type=CaseStatus, rpc_timeout=CALL)
            except WorkflowUpdateFailedError as e:
                # Refused: most likely an earlier try was taken after all; look again.
                case.last_error = f"{name} refused: {e.cause}"
            except TRANSIENT as e:
                case.last_error = f"{name}: {e}"
                await asyncio.sleep(PAUSE)

    @staticmethod
    async def _completed(handle: WorkflowHandle) -> bool:
        try:
            d = await handle.describe(rpc_timeout=CALL)
        except TRANSIENT:
            return False  # asked again after a pause
        return d.status == WorkflowExecutionStatus.COMPLETED

    async def run(self, fault: Callable[[], Awaitable[None]]) -> None:
        """Drive every case while `fault` runs; once it is over, give them the bound."""
        drivers = [asyncio.create_task(self.drive(c)) for c in self.cases]
        try:
            await fault()
            await asyncio.wait(drivers, timeout=RECOVERY_BOUND)
        finally:
            self.stop.set()
            ended = await asyncio.gather(*drivers, return_exceptions=True)
        for case, end in zip(self.cases, ended, strict=True):
            if isinstance(end, Exception):
                case.last_error = f"the driver broke: {end!r}"  # the harness's own fault


# ---- waiting for a moment to strike ---------------------------------------------------


async def until_true(check: Callable[[], Awaitable[bool] | bool], at_most: float) -> bool:
    """Poll `check` until it holds or `at_most` seconds have passed."""
    began = monotonic()
    while monotonic() - began < at_most:
        got = check()
        if inspect.isawaitable(got):
            got = await got
        if got:
            return True
        await asyncio.sleep(0.1)
    return False


# ---- the census -----------------------------------------------------------------------


@dataclass
class Tally:
    scenario: str
    started: int = 0
    finished: int = 0
    lost: int = 0
    duplicated: int = 0
    stuck: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.stuck)


async def census(stack: Stack, scenario: str, cases: list[Case]) -> Tally:
    tally = Tally(scenario, started=len(cases))
    client = stack.client
    assert client is not None
    receipts = [e.by_key() for e in stack.endpoints]
    failed_tasks, first_failure = 0, ""
    with read_model(stack) as db:
        for c in cases:
            handle = client.get_workflow_handle(workflow_id(c.app_id), result_type=CaseStatus)
            try:
                d = await handle.describe(rpc_timeout=CALL)
            except RPCError as e:
                if e.status == RPCStatusCode.NOT_FOUND and c.acknowledged:
                    tally.lost += 1
                    tally.notes.append(f"{c.app_id}: acknowledged, but no workflow exists")
                else:
                    tally.stuck += 1
                    tally.notes.append(f"{c.app_id}: never started ({c.last_error[:160]})")
                continue
            history = await handle.fetch_history()
            for event in history.events:
                failure = event.workflow_task_failed_event_attributes
                # UnhandledCommand is the server's ordinary race (an event came in while
                # the worker answered): a new task follows; any other cause is news.
                if (
                    event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
                    and failure.cause != UNHANDLED_COMMAND
                ):
                    failed_tasks += 1
                    why = failure.failure.message[:200]
                    first_failure = first_failure or f"first, {c.app_id}: {why}"
                    break
            status: CaseStatus | None = None
            if d.status == WorkflowExecutionStatus.COMPLETED:
                status = await handle.result(rpc_timeout=CALL)
            if status is not None and status.step == Step.done:
                tally.finished += 1
            else:
                tally.stuck += 1
                state = d.status.name if d.status else "?"
                tally.notes.append(
                    f"{c.app_id}: {state} at step {c.step or '?'}; last: {c.last_error[:200]}"
                )
            twins = duplicates(db, c.app_id, status, receipts)
            if twins:
                tally.duplicated += 1
                tally.notes.append(f"{c.app_id}: " + "; ".join(twins))
        orphans = orphan_files(db, stack)
    if failed_tasks:
        tally.notes.append(
            f"{failed_tasks} case(s) had a failed workflow task in history; {first_failure}"
        )
    if orphans:
        tally.notes.append(
            f"{len(orphans)} file(s) in the document store that no document row names"
            f" (e.g. {orphans[0]})"
        )
    if not stack.worker_alive():
        tally.notes.append("the worker was no longer running at the census")
    return tally


def read_model(stack: Stack) -> closing[sqlite3.Connection]:
    """The worker's read model (models/tables.py), read-only. Only clear columns are
    read: the sealed ones need the worker's key ring and say nothing a count needs."""
    path = stack.data / "shaqyru.db"
    if not path.is_file():
        # No database yet: an empty one, so every question finds no table and counts 0.
        return closing(sqlite3.connect(":memory:"))
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30))


def _column(db: sqlite3.Connection, sql: str, app_id: str) -> list:
    try:
        return [row[0] for row in db.execute(sql, (app_id,))]
    except sqlite3.OperationalError:
        return []  # the worker never made the table: nothing of the kind exists


RESULT_KINDS = ("conclusion", "refusal")


def duplicates(
    db: sqlite3.Connection, app_id: str, status: CaseStatus | None, receipts: list[dict]
) -> list[str]:
    """What this case has more than one of, where it must have exactly one."""
    found: list[str] = []
    numbers = set(
        _column(db, "SELECT registration_number FROM applications WHERE application_id = ?", app_id)
    )
    results = _column(
        db, "SELECT registration_number FROM results WHERE application_id = ?", app_id
    )
    numbers |= set(results)
    docs = _column(
        db,
        "SELECT sha256 FROM documents WHERE application_id = ?"
        " AND kind IN ('conclusion', 'refusal')",
        app_id,
    )
    result_docs = set(docs)
    addressees = _column(db, "SELECT addressee FROM outbox WHERE application_id = ?", app_id)
    result_docs |= set(
        _column(db, "SELECT document_sha256 FROM outbox WHERE application_id = ?", app_id)
    )
    if len(results) > 1 or len(docs) > 1:
        found.append(f"{len(results)} results, {len(docs)} result documents")
    if len(addressees) != len(set(addressees)):
        found.append(f"outbox rows {addressees}")
    if status is not None:
        if status.registration:
            numbers.add(status.registration.number)
        if status.result:
            numbers.add(status.result.registration_number)
        result_docs |= {d.sha256 for d in status.documents if d.kind in RESULT_KINDS}
    for by_key in receipts:
        for key, got in by_key.items():
            if not key.startswith(f"{app_id}:"):
                continue
            if len({r.body_sha256 for r in got}) > 1:
                found.append(f"{key} delivered {len(got)} times with different content")
            numbers |= {r.registration_number for r in got if r.registration_number}
            result_docs |= {r.pdf_sha256 for r in got if r.pdf_sha256}
    numbers.discard(None)
    result_docs.discard(None)
    if len(numbers) > 1:
        found.append(f"registration numbers {sorted(numbers)}")
    if len(result_docs) > 1:
        found.append(f"{len(result_docs)} different result PDFs")
    return found


def orphan_files(db: sqlite3.Connection, stack: Stack) -> list[str]:
    """Files in the content-addressed store that no document row refers to."""
    root = stack.data / "documents"
    if not root.is_dir():
        return []
    named: set[str] = set()
    try:
        for row in db.execute("SELECT sha256, signature_sha256, json_sha256 FROM documents"):
            named |= set(row)
    except sqlite3.OperationalError:
        pass
    store = DocumentStore(root)
    orphans = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name not in named or store.path(path.name) != path:
            orphans.append(str(path.relative_to(root)))
    return orphans


def count_rows(stack: Stack, sql: str) -> int:
    """One number from the worker's read model; 0 while the database is not there yet."""
    try:
        with read_model(stack) as db:
            return int(db.execute(sql).fetchone()[0] or 0)
    except sqlite3.OperationalError:
        return 0  # no such table yet, or busy: ask again on the next look
