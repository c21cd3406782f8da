"""Reaching Temporal for the case commands: the client, how a case's run stands, the lists
from the visibility store, and the caseworker's actions as the workflow's updates.

Every action goes through the workflow's update, so the caseworker learns at once
whether it was taken or exactly why not. Lists come from the visibility store (search
attributes only), never from a scan or from querying each case; only `overdue` describes
the cases it lists (a bounded number), for a jammed workflow task is not visible there.
`show` asks the server how the run stands too, so that a case stopped from outside is
shown as stopped, not as the open case its last state describes."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import typer
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflow.v1 import WorkflowExecutionInfo
from temporalio.api.workflowservice.v1 import ListWorkflowExecutionsRequest
from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistoryEventFilterType,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import SearchAttributeKey
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from cli.context import BAD_INPUT, PREFIX, REFUSED, UNREACHABLE, Ctx, Fail
from cli.render import outside_text, refusal_text
from cli.rows import CaseRow, ComplaintRow, Execution
from documents.identity import (
    IdentityError,
    PersonalKey,
    load_personal_key,
    personal_key_path,
    sign_command,
)
from models.case import CaseJournal, CaseStatus, Step
from texts import t
from workflows import search
from workflows.application import WORKFLOW_NAME, ApplicationWorkflow, workflow_id
from workflows.complaint import WORKFLOW_NAME as COMPLAINT

CONNECT_TIMEOUT = 5.0
"""Seconds to reach the server; a caseworker must not sit before a hung terminal."""
CALL_TIMEOUT = timedelta(seconds=10)
"""Bound of one call that needs a worker (query, update): the worker may be down."""


def now() -> datetime:
    return datetime.now(UTC)


async def open_client(ctx: Ctx) -> Client:
    from connection import connect

    try:
        # Client.connect already makes a cheap call (system info), so an answer means
        # the server is really there; the bound keeps a black-holed address from hanging.
        return await asyncio.wait_for(connect(ctx.settings), CONNECT_TIMEOUT)
    except TimeoutError:
        error = f"no answer in {CONNECT_TIMEOUT:g} s"
    except (RuntimeError, RPCError, OSError) as e:
        error = str(e) or type(e).__name__
    raise _down(ctx, error)


def _down(ctx: Ctx, error: str) -> Fail:
    address = ctx.settings.temporal_address
    return Fail(
        UNREACHABLE,
        t("unreachable", ctx.lang, address=address),
        {"error": "unreachable", "address": address, "detail": error.splitlines()[0]},
        t("hint_start_server", ctx.lang),
        error,
    )


def unreachable(ctx: Ctx, e: RPCError) -> Fail:
    return _down(ctx, e.message)


def unknown(ctx: Ctx, app: str) -> Fail:
    payload = {"error": "unknown", "app": app}
    hint = t("hint_check_id", ctx.lang)
    return Fail(BAD_INPUT, t("unknown_app", ctx.lang, app=app), payload, hint)


def no_worker(ctx: Ctx, app: str) -> Fail:
    seconds = int(CALL_TIMEOUT.total_seconds())
    return Fail(
        UNREACHABLE,
        t("no_worker", ctx.lang, app=app, seconds=seconds),
        {"error": "no_worker", "app": app},
        t("hint_worker", ctx.lang),
    )


async def describe(ctx: Ctx, handle: WorkflowHandle, app: str) -> WorkflowExecutionDescription:
    try:
        return await handle.describe(rpc_timeout=CALL_TIMEOUT)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise unknown(ctx, app) from None
        raise unreachable(ctx, e) from None


_STATES = {
    WorkflowExecutionStatus.RUNNING: "running",
    WorkflowExecutionStatus.COMPLETED: "completed",
    WorkflowExecutionStatus.TERMINATED: "terminated",
    WorkflowExecutionStatus.FAILED: "failed",
    WorkflowExecutionStatus.TIMED_OUT: "timed_out",
    WorkflowExecutionStatus.CANCELED: "canceled",
    WorkflowExecutionStatus.CONTINUED_AS_NEW: "continued_as_new",
}


def _task_attempt(description: WorkflowExecutionDescription) -> int:
    raw = description.raw_description
    return raw.pending_workflow_task.attempt if raw.HasField("pending_workflow_task") else 0


async def close_cause(client: Client, event: HistoryEvent) -> tuple[str | None, str | None]:
    """Who closed the run and why, as its close event says."""
    kind = event.WhichOneof("attributes")
    if kind == "workflow_execution_terminated_event_attributes":
        attrs = event.workflow_execution_terminated_event_attributes
        return attrs.identity, attrs.reason
    if kind == "workflow_execution_failed_event_attributes":
        return None, await failure_message(
            client, event.workflow_execution_failed_event_attributes.failure
        )
    return None, None


async def failure_message(client: Client, failure: Any) -> str:
    """A failure's message; the codec keeps it encrypted in history like any payload."""
    try:
        return str(await client.data_converter.decode_failure(failure))
    except Exception:  # a failure the keys at hand cannot open still has its outer text
        return failure.message


async def execution(
    ctx: Ctx, client: Client, handle: WorkflowHandle, description: WorkflowExecutionDescription
) -> Execution:
    state = _STATES.get(description.status, "running") if description.status else "running"
    run = Execution(state, description.close_time, task_attempt=_task_attempt(description))
    if not run.stopped:
        return run
    # describe() does not carry the reason: the close event, alone, does.
    by = reason = None
    try:
        async for event in handle.fetch_history_events(
            event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT,
            rpc_timeout=CALL_TIMEOUT,
        ):
            by, reason = await close_cause(client, event)
    except RPCError as e:
        raise unreachable(ctx, e) from None
    return Execution(state, run.closed_at, outside_text(by), outside_text(reason))


async def fetch_case(ctx: Ctx, client: Client, app: str) -> tuple[Execution, CaseStatus | None]:
    """The run as the server sees it and the case's state as the case gives it. The state
    is None when a stopped or jammed case cannot give it: the run then says why."""
    handle = client.get_workflow_handle(workflow_id(app), result_type=CaseStatus)
    run = await execution(ctx, client, handle, await describe(ctx, handle, app))
    if run.jammed:
        return run, None  # a query needs the very replay that keeps failing
    try:
        if run.state == "completed":
            # A closed case's status is its result, read from history: no worker needed.
            return run, await handle.result(rpc_timeout=CALL_TIMEOUT)
        return run, await handle.query(ApplicationWorkflow.status, rpc_timeout=CALL_TIMEOUT)
    except (RPCError, WorkflowQueryFailedError) as e:
        if run.stopped or run.jammed:
            return run, None
        raise _unanswered(ctx, app, e) from None


async def fetch_journal(
    ctx: Ctx, client: Client, app: str, run: Execution, status: CaseStatus | None
) -> CaseJournal | None:
    """The journal the case keeps of itself: in a closed case's result, else from the case
    (a worker answers). None when a stopped or jammed case cannot give it."""
    if status is not None and status.journal is not None:
        return status.journal
    if run.jammed:
        return None
    handle = client.get_workflow_handle(workflow_id(app))
    try:
        return await handle.query(ApplicationWorkflow.journal, rpc_timeout=CALL_TIMEOUT)
    except (RPCError, WorkflowQueryFailedError) as e:
        if run.stopped:
            return None
        raise _unanswered(ctx, app, e) from None


def _unanswered(ctx: Ctx, app: str, e: RPCError | WorkflowQueryFailedError) -> Fail:
    # A query the case fails, or one refused because its workflow task has failed.
    if isinstance(e, WorkflowQueryFailedError) or e.status == RPCStatusCode.FAILED_PRECONDITION:
        return Fail(
            UNREACHABLE,
            t("run_no_state", ctx.lang),
            {"error": "query_failed", "app": app},
            t("hint_worker", ctx.lang),
            outside_text(str(e)),
        )
    if e.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
        return no_worker(ctx, app)
    return unreachable(ctx, e)


# ---- lists from the visibility store ------------------------------------------------


def _quote(value: str) -> str:
    # Ids are checked against a strict pattern first; quoting is a second line of defence.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _open_cases(where: str) -> str:
    return f"WorkflowType = {_quote(WORKFLOW_NAME)} AND ExecutionStatus = 'Running' AND {where}"


async def list_cases(client: Client, query: str, limit: int | None = None) -> list[CaseRow]:
    """The cases a visibility query matches (the first `limit` the server gives), from
    their search attributes and memo; a complaint among them is a row of the case it is
    about."""
    found = await _list(client, query, limit)
    rows: list[CaseRow] = []
    for info, memo in zip(found, await _memos(client, found), strict=True):
        sa = _Attributes(info)
        wid, complaint = info.execution.workflow_id, info.type.name == COMPLAINT
        rows.append(
            CaseRow(
                application_id=(
                    (sa.text(search.APPLICATION) or "?") if complaint else wid.removeprefix(PREFIX)
                ),
                complaint_id=wid.removeprefix("complaint-") if complaint else None,
                act=str(memo["act"]) if complaint and "act" in memo else None,
                service=sa.text(search.SERVICE) or str(memo.get("service", "")),
                ground=sa.number(search.GROUND),
                district=sa.text(search.DISTRICT) or str(memo.get("district", "")),
                step=sa.text(search.STEP) or "",
                deadline=sa.moment(search.DEADLINE),
                overdue=sa.value(search.OVERDUE) is True,
                waiting_for=sa.texts(search.WAITING_FOR),
                registration_number=_text(memo.get("registration_number")),
                findings=sa.number(search.FINDINGS) or 0,
            )
        )
    return rows


async def _list(
    client: Client, query: str, limit: int | None = None
) -> list[WorkflowExecutionInfo]:
    """Every page of the list call (up to `limit` rows), as the server sends it. The SDK's
    own listing decodes each of a row's dozen attributes twice, which for thousands of
    rows cost more than the call itself; the rows here read only the few they show."""
    size = 1000 if limit is None else max(1, min(limit, 1000))
    request = ListWorkflowExecutionsRequest(namespace=client.namespace, query=query, page_size=size)
    found: list[WorkflowExecutionInfo] = []
    while limit is None or len(found) < limit:
        page = await client.workflow_service.list_workflow_executions(
            request, retry=True, timeout=CALL_TIMEOUT
        )
        found.extend(page.executions)
        if not page.next_page_token:
            return found
        request.next_page_token = page.next_page_token
    return found[:limit]


class _Attributes:
    """A listed row's search attributes, each read on its own and checked for its type:
    a value of another type (set by hand, or by an older version) reads as absent."""

    def __init__(self, info: WorkflowExecutionInfo) -> None:
        self.fields = info.search_attributes.indexed_fields

    def value(self, key: SearchAttributeKey[Any]) -> Any:
        payload = self.fields.get(key.name)
        if payload is None or not payload.data:
            return None
        try:
            return json.loads(payload.data)
        except ValueError:
            return None

    def text(self, key: SearchAttributeKey[Any]) -> str | None:
        return _text(self.value(key))

    def texts(self, key: SearchAttributeKey[Any]) -> list[str]:
        value = self.value(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def number(self, key: SearchAttributeKey[Any]) -> int | None:
        value = self.value(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def moment(self, key: SearchAttributeKey[Any]) -> datetime | None:
        value = self.value(key)
        if not isinstance(value, str):
            return None
        try:
            # Some visibility stores write nanoseconds; Python reads six digits.
            at = datetime.fromisoformat(_NANOS.sub(r"\1", value))
        except ValueError:
            return None
        return at if at.tzinfo else at.replace(tzinfo=UTC)


_NANOS = re.compile(r"(\.\d{6})\d+")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def _memos(client: Client, found: list[WorkflowExecutionInfo]) -> list[dict[str, Any]]:
    """Every listed case's memo, decoded in one call to the codec."""
    keys = [list(info.memo.fields) for info in found]
    payloads = [info.memo.fields[k] for info, ks in zip(found, keys, strict=True) for k in ks]
    values = iter(await client.data_converter.decode(payloads) if payloads else [])
    return [{k: next(values) for k in ks} for ks in keys]


def _by_deadline(row: CaseRow) -> tuple[bool, datetime]:
    # ORDER BY is not available on every visibility store (SQL ones lack it): sort here.
    return row.deadline is None, row.deadline or datetime.max.replace(tzinfo=UTC)


def _waiting_for(actor: str) -> str:
    types = f"{_quote(WORKFLOW_NAME)}, {_quote(COMPLAINT)}"
    return (
        f"WorkflowType IN ({types}) AND ExecutionStatus = 'Running' "
        f"AND {search.WAITING_FOR.name} = {_quote(actor)}"
    )


async def inbox(client: Client, actor: str) -> list[CaseRow]:
    """The open cases and complaints that wait for `actor`, soonest deadline first."""
    return sorted(await list_cases(client, _waiting_for(actor)), key=_by_deadline)


# Deadline windows for the soonest rows, in hours from now: a case's step has one working
# day, so most of an inbox is due within the first ones.
WINDOWS = (2, 8, 32, 128, 512, 2048)
# Deadlines closer than this are taken as equal: cases opened together (a weekend's, say)
# are due at the very same moment, and any of them may come first.
TIED = timedelta(seconds=1)


async def inbox_soonest(
    client: Client, actor: str, n: int, now: datetime
) -> tuple[list[CaseRow], int]:
    """The `n` rows of `actor`'s inbox with the soonest deadlines, and how many rows it
    has. The visibility store cannot sort (no ORDER BY on SQL stores) and a row costs
    far more to list than to count, so counts find the moment by which the n-th row is
    due (widening windows, then halving the one that holds it) and only the rows due by
    then are listed: every row due before the moment, and as many as are missing of
    those due at it."""
    query = _waiting_for(actor)
    deadline = search.DEADLINE.name

    def before(at: datetime) -> str:
        return f"{query} AND {deadline} < {_quote(at.isoformat())}"

    async def due_before(at: datetime) -> int:
        return (await client.count_workflows(before(at), rpc_timeout=CALL_TIMEOUT)).count

    total = (await client.count_workflows(query, rpc_timeout=CALL_TIMEOUT)).count
    if total <= n:
        return sorted(await list_cases(client, query), key=_by_deadline)[:n], total
    # Fewer than n rows (`early` of them) are due before low; n or more (`late`) before high.
    low: datetime | None = None
    high: datetime | None = None
    early = late = 0
    for hours in WINDOWS:
        at = now + timedelta(hours=hours)
        if (count := await due_before(at)) >= n:
            high, late = at, count
            break
        low, early = at, count
    if high is None:  # most rows have no deadline soon: all of them
        return sorted(await list_cases(client, query), key=_by_deadline)[:n], total
    step = timedelta(hours=WINDOWS[0])
    while low is None:  # the first window holds n already: how far back are they due?
        back = high - step
        if (count := await due_before(back)) < n or step > timedelta(days=3650):
            low, early = back, count
        step *= 4
    while late > 2 * n and high - low > TIED:
        middle = low + (high - low) / 2
        if (count := await due_before(middle)) >= n:
            high, late = middle, count
        else:
            low, early = middle, count
    if late <= 2 * n:
        rows = await list_cases(client, before(high))
    else:  # tied: all due before low, and the rest of n from those due at the moment
        since = f" AND {deadline} >= {_quote(low.isoformat())}"
        rows = await list_cases(client, before(low)) if early else []
        rows += await list_cases(client, before(high) + since, n - len(rows))
    return sorted(rows, key=_by_deadline)[:n], total


async def complaints_of(client: Client, app: str) -> list[ComplaintRow]:
    """Every complaint about the case, open or closed, in the order filed."""
    query = f"WorkflowType = {_quote(COMPLAINT)} AND {search.APPLICATION.name} = {_quote(app)}"
    found = []
    async for ex in client.list_workflows(query, page_size=100, rpc_timeout=CALL_TIMEOUT):
        sa, memo = ex.typed_search_attributes, await ex.memo()
        found.append(
            (
                ex.start_time,
                ComplaintRow(
                    complaint_id=ex.id.removeprefix("complaint-"),
                    act=str(memo["act"]) if "act" in memo else None,
                    step=(sa.get(search.STEP) or "").removeprefix("complaint-"),
                    outcome=(sa.get(search.OUTCOME) or "").removeprefix("complaint-") or None,
                    waiting_for=list(sa.get(search.WAITING_FOR) or []),
                    open=ex.status == WorkflowExecutionStatus.RUNNING,
                ),
            )
        )
    return [row for _, row in sorted(found, key=lambda f: f[0])]


JAM_CHECK_LIMIT = 200
"""Overdue cases described, soonest deadline first, to find a failing workflow task: the
visibility store does not know of one, so each costs a call."""
_DESCRIBING = 16
"""Describe calls in flight at once."""


async def mark_jammed(client: Client, rows: list[CaseRow]) -> None:
    """Set `task_attempt` of each row from describe(); a case closed since it was listed
    has nothing pending and is left as it is."""
    gate = asyncio.Semaphore(_DESCRIBING)

    async def one(row: CaseRow) -> None:
        async with gate:
            try:
                handle = client.get_workflow_handle(workflow_id(row.application_id))
                description = await handle.describe(rpc_timeout=CALL_TIMEOUT)
            except RPCError as e:
                if e.status == RPCStatusCode.NOT_FOUND:
                    return
                raise
        row.task_attempt = _task_attempt(description)

    await asyncio.gather(*(one(r) for r in rows))


async def overdue(
    client: Client, district: str | None = None, at: datetime | None = None
) -> tuple[list[CaseRow], int]:
    """Open cases past a deadline, and how many of them were checked for a jam.

    A case whose workflow task fails cannot flag itself overdue, so a deadline already
    past counts as much as the flag."""
    stamp = (at or now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    where = f"({search.OVERDUE.name} = true OR {search.DEADLINE.name} < {_quote(stamp)})"
    if district:
        where += f" AND {search.DISTRICT.name} = {_quote(district)}"
    rows = sorted(await list_cases(client, _open_cases(where)), key=_by_deadline)
    checked = rows[:JAM_CHECK_LIMIT]
    await mark_jammed(client, checked)
    rows.sort(key=lambda r: (r.district, r.step, *_by_deadline(r)))
    return rows, len(checked)


# ---- actions through the workflow's updates ------------------------------------------

UPDATES: dict[str, UpdateMethodMultiParam[..., Any]] = {
    "forward": ApplicationWorkflow.forward_update,
    "member_decision": ApplicationWorkflow.member_decision_update,
    "chairman_decision": ApplicationWorkflow.chairman_decision_update,
    "sign_result": ApplicationWorkflow.sign_result_update,
}
"""Each action by the update that takes it. The action's name is what the caseworker
signs, so it stays a word of its own rather than being read off the method. (The SDK
types an async update's result as its coroutine, hence Any; each returns CaseStatus.)"""


def personal_key(ctx: Ctx, actor: str) -> PersonalKey:
    """The caseworker's own key, which proves an action is his: unlocked (his password
    asked for, at a terminal) before anything is sent."""
    try:
        return load_personal_key(personal_key_path(actor, ctx.settings))
    except IdentityError as e:
        message = t("no_personal_key", ctx.lang, actor=actor)
        raise Fail(BAD_INPUT, message, None, t("hint_personal_key", ctx.lang), str(e)) from None


async def act(
    ctx: Ctx,
    app: str,
    action: str,
    make: Callable[[], Any],
    done: Callable[[CaseStatus], str],
    identity: PersonalKey | None = None,
) -> CaseStatus:
    """Build the caseworker's command (its own checks may refuse his text), sign it with
    his key and send it as the update; the case's answer is printed."""
    cmd = make()
    # The server first: a password is not asked for an action that cannot be sent.
    client = await open_client(ctx)
    identity = identity or personal_key(ctx, cmd.actor)
    handle = client.get_workflow_handle(workflow_id(app))
    try:
        status: CaseStatus = await handle.execute_update(
            UPDATES[action],
            sign_command(identity, app, action, cmd),
            rpc_timeout=CALL_TIMEOUT,
        )
    except WorkflowUpdateFailedError as e:
        raise _refusal(ctx, e.cause) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise no_worker(ctx, app) from None
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            # Either no such case, or one that is closed: the caseworker needs to know which.
            await describe(ctx, handle, app)
            raise Fail(
                REFUSED,
                t("case_closed", ctx.lang, app=app),
                {"accepted": False, "code": "case.closed"},
            ) from None
        raise unreachable(ctx, e) from None
    if ctx.as_json:
        typer.echo(
            json.dumps(
                {"accepted": True, "status": status.model_dump(mode="json")}, ensure_ascii=False
            )
        )
    else:
        typer.echo(done(status))
        if status.waiting_for and status.step == Step.review:
            typer.echo(t("still_waiting", ctx.lang, who=", ".join(status.waiting_for)))
    return status


def _refusal(ctx: Ctx, cause: BaseException | None) -> Fail:
    code, texts = "refused", {}
    if isinstance(cause, ApplicationError):
        code = cause.type or code
        if cause.details and isinstance(cause.details[0], dict):
            texts = cause.details[0]
    reason = refusal_text(texts, str(cause), ctx.lang)
    message = t("refused", ctx.lang, reason=reason) + "\n" + t("unchanged", ctx.lang)
    payload = {"accepted": False, "code": code}
    payload.update({k: v for k, v in texts.items() if k in ("kk", "ru", "en")})
    return Fail(REFUSED, message, payload)
