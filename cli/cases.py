"""The caseworkers' commands: submit, inbox, show, forward, vote, decide, history, and
the supervisors' `overdue`.

Every action goes through the workflow's update, so the caseworker learns at once
whether it was taken or exactly why not. Lists come from the visibility store (search
attributes only), never from a scan or from querying each case; only `overdue` describes
the cases it lists (a bounded number), for a jammed workflow task is not visible there.
`show` asks the server how the run stands too, so that a case stopped from outside is
shown as stopped, not as the open case its last state describes.

Exit status: 0 done; 1 refused by the workflow; 2 bad usage or input (unknown case
included); 3 the Temporal server (or the worker behind a case) cannot be reached; 4 the
case cannot be read with the keys at hand (no key ring, or not the key it was sealed with).

Messages about a case are in Kazakh by default, the state language the documents are
issued in; `--lang ru` or SHAQYRU_LANG=ru switches a Russian-speaking office over."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.text import Text
from temporalio.api.history.v1 import HistoryEvent
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
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

import settings as config
from cli import present
from cli.present import CaseRow, Entry, Execution, t, when
from codec import CodecError
from documents.identity import (
    IdentityError,
    PersonalKey,
    load_personal_key,
    personal_key_path,
    sign_command,
    sign_document,
)
from documents.store import Corrupted, DocumentStore
from models.case import CaseStatus, Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
    ResultSigning,
)
from rules.check import read_application
from rules.signatures import signer
from workflows import search
from workflows.application import WORKFLOW_NAME, workflow_id

CONNECT_TIMEOUT = 5.0
"""Seconds to reach the server; a caseworker must not sit before a hung terminal."""
CALL_TIMEOUT = timedelta(seconds=10)
"""Bound of one call that needs a worker (query, update): the worker may be down."""

OK, REFUSED, BAD_INPUT, UNREACHABLE, KEYS = 0, 1, 2, 3, 4

_ACTOR = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # models.roster.Person.id
_APP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_PREFIX = workflow_id("")


class Lang(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang",
        envvar="SHAQYRU_LANG",
        help="Language of messages about the case (default kk, the state language).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output for scripts.")]
ActorOpt = Annotated[
    str | None,
    typer.Option("--as", envvar="SHAQYRU_USER", help="Your caseworker id.", show_default=False),
]
AppArg = Annotated[
    str, typer.Argument(metavar="APP", help="Portal application id (or application-<id>).")
]


class Fail(Exception):
    """Ends a command with an exit status, a message and, for --json, a payload."""

    def __init__(self, code: int, message: str, payload: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.payload = code, message, payload


@dataclass(frozen=True)
class Ctx:
    lang: str
    as_json: bool
    settings: config.Settings


def _run(ctx: Ctx, work: Callable[[], Awaitable[None]]) -> None:
    try:
        asyncio.run(work())
    except Fail as f:
        if ctx.as_json:
            typer.echo(json.dumps(f.payload or {"error": f.message}, ensure_ascii=False))
        typer.echo(f.message, err=True)
        raise typer.Exit(f.code) from None
    except ValidationError as e:
        # A caseworker's own text that the command's rules refuse (too long, a control
        # character): named by its field, before anything is sent.
        problem = e.errors(include_url=False)[0]
        field = ".".join(str(p) for p in problem["loc"])
        typer.echo(t("bad_field", ctx.lang, field=field, rule=problem["msg"]), err=True)
        raise typer.Exit(BAD_INPUT) from None
    except CodecError as e:
        if ctx.as_json:
            typer.echo(json.dumps({"error": "keys", "detail": str(e)}, ensure_ascii=False))
        typer.echo(t("no_keys", ctx.lang, error=e), err=True)
        raise typer.Exit(KEYS) from None


def _ctx(lang: Lang, as_json: bool) -> Ctx:
    return Ctx(lang.value, as_json, config.load())


def _app_id(raw: str, lang: str) -> str:
    app = raw.strip().removeprefix(_PREFIX)
    if not _APP.match(app):
        raise typer.BadParameter(t("bad_app", lang, app=raw), param_hint="APP")
    return app


def _actor(raw: str | None, lang: str) -> str:
    if not raw:
        raise typer.BadParameter(t("need_actor", lang), param_hint="'--as'")
    if not _ACTOR.match(raw):
        raise typer.BadParameter(t("bad_actor", lang, actor=raw), param_hint="'--as'")
    return raw


def _now() -> datetime:
    return datetime.now(UTC)


# ---- reaching Temporal -----------------------------------------------------------------


async def open_client(ctx: Ctx) -> Client:
    from connection import connect

    address = ctx.settings.temporal_address
    try:
        # Client.connect already makes a cheap call (system info), so an answer means
        # the server is really there; the bound keeps a black-holed address from hanging.
        return await asyncio.wait_for(connect(ctx.settings), CONNECT_TIMEOUT)
    except TimeoutError:
        error = f"no answer in {CONNECT_TIMEOUT:g} s"
    except (RuntimeError, RPCError, OSError) as e:
        error = str(e).splitlines()[0] if str(e) else type(e).__name__
    raise Fail(
        UNREACHABLE,
        t("unreachable", ctx.lang, address=address, error=error),
        {"error": "unreachable", "address": address, "detail": error},
    )


def _unreachable(ctx: Ctx, e: RPCError) -> Fail:
    address = ctx.settings.temporal_address
    return Fail(
        UNREACHABLE,
        t("unreachable", ctx.lang, address=address, error=e.message),
        {"error": "unreachable", "address": address, "detail": e.message},
    )


def _unknown(ctx: Ctx, app: str) -> Fail:
    return Fail(BAD_INPUT, t("unknown_app", ctx.lang, app=app), {"error": "unknown", "app": app})


def _no_worker(ctx: Ctx, app: str) -> Fail:
    seconds = int(CALL_TIMEOUT.total_seconds())
    return Fail(
        UNREACHABLE,
        t("no_worker", ctx.lang, app=app, seconds=seconds),
        {"error": "no_worker", "app": app},
    )


async def _describe(ctx: Ctx, handle: WorkflowHandle, app: str) -> WorkflowExecutionDescription:
    try:
        return await handle.describe(rpc_timeout=CALL_TIMEOUT)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise _unknown(ctx, app) from None
        raise _unreachable(ctx, e) from None


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


async def _close_cause(client: Client, event: HistoryEvent) -> tuple[str | None, str | None]:
    """Who closed the run and why, as its close event says."""
    kind = event.WhichOneof("attributes")
    if kind == "workflow_execution_terminated_event_attributes":
        attrs = event.workflow_execution_terminated_event_attributes
        return attrs.identity, attrs.reason
    if kind == "workflow_execution_failed_event_attributes":
        return None, await _failure_message(
            client, event.workflow_execution_failed_event_attributes.failure
        )
    return None, None


async def _failure_message(client: Client, failure: Any) -> str:
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
            by, reason = await _close_cause(client, event)
    except RPCError as e:
        raise _unreachable(ctx, e) from None
    return Execution(state, run.closed_at, present.outside_text(by), present.outside_text(reason))


async def fetch_case(ctx: Ctx, client: Client, app: str) -> tuple[Execution, CaseStatus | None]:
    """The run as the server sees it and the case's state as the case gives it. The state
    is None when a stopped or jammed case cannot give it: the run then says why."""
    handle = client.get_workflow_handle(workflow_id(app), result_type=CaseStatus)
    run = await execution(ctx, client, handle, await _describe(ctx, handle, app))
    if run.jammed:
        return run, None  # a query needs the very replay that keeps failing
    try:
        if run.state == "completed":
            # A closed case's status is its result, read from history: no worker needed.
            return run, await handle.result(rpc_timeout=CALL_TIMEOUT)
        status = await handle.query("status", result_type=CaseStatus, rpc_timeout=CALL_TIMEOUT)
        return run, status
    except (RPCError, WorkflowQueryFailedError) as e:
        if run.stopped or run.jammed:
            return run, None
        # A query the case fails, or one refused because its workflow task has failed.
        if isinstance(e, WorkflowQueryFailedError) or e.status == RPCStatusCode.FAILED_PRECONDITION:
            raise Fail(
                UNREACHABLE,
                t("run_no_state", ctx.lang, error=present.outside_text(str(e))),
                {"error": "query_failed", "app": app},
            ) from None
        if e.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
            raise _no_worker(ctx, app) from None
        raise _unreachable(ctx, e) from None


# ---- lists from the visibility store ------------------------------------------------


def _quote(value: str) -> str:
    # Ids are checked against a strict pattern first; quoting is a second line of defence.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _open_cases(where: str) -> str:
    return f"WorkflowType = {_quote(WORKFLOW_NAME)} AND ExecutionStatus = 'Running' AND {where}"


async def list_cases(client: Client, query: str) -> list[CaseRow]:
    """The cases a visibility query matches, from their search attributes and memo."""
    rows: list[CaseRow] = []
    async for ex in client.list_workflows(query, page_size=1000, rpc_timeout=CALL_TIMEOUT):
        sa = ex.typed_search_attributes
        memo = await ex.memo()
        rows.append(
            CaseRow(
                application_id=ex.id.removeprefix(_PREFIX),
                service=sa.get(search.SERVICE) or str(memo.get("service", "")),
                ground=sa.get(search.GROUND),
                district=sa.get(search.DISTRICT) or str(memo.get("district", "")),
                step=sa.get(search.STEP) or "",
                deadline=sa.get(search.DEADLINE),
                overdue=bool(sa.get(search.OVERDUE)),
                waiting_for=list(sa.get(search.WAITING_FOR) or []),
                registration_number=memo.get("registration_number"),
                findings=sa.get(search.FINDINGS) or 0,
            )
        )
    return rows


def _by_deadline(row: CaseRow) -> tuple[bool, datetime]:
    # ORDER BY is not available on every visibility store (SQL ones lack it): sort here.
    return row.deadline is None, row.deadline or datetime.max.replace(tzinfo=UTC)


async def inbox(client: Client, actor: str) -> list[CaseRow]:
    """The open cases that wait for `actor`, soonest deadline first: one list call."""
    rows = await list_cases(client, _open_cases(f"{search.WAITING_FOR.name} = {_quote(actor)}"))
    return sorted(rows, key=_by_deadline)


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
    client: Client, district: str | None = None, now: datetime | None = None
) -> tuple[list[CaseRow], int]:
    """Open cases past a deadline, and how many of them were checked for a jam.

    A case whose workflow task fails cannot flag itself overdue, so a deadline already
    past counts as much as the flag."""
    stamp = (now or _now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    where = f"({search.OVERDUE.name} = true OR {search.DEADLINE.name} < {_quote(stamp)})"
    if district:
        where += f" AND {search.DISTRICT.name} = {_quote(district)}"
    rows = sorted(await list_cases(client, _open_cases(where)), key=_by_deadline)
    checked = rows[:JAM_CHECK_LIMIT]
    await mark_jammed(client, checked)
    rows.sort(key=lambda r: (r.district, r.step, *_by_deadline(r)))
    return rows, len(checked)


# ---- actions through the workflow's updates ------------------------------------------


def personal_key(ctx: Ctx, actor: str) -> PersonalKey:
    """The caseworker's own key, which proves an action is his: unlocked (his password
    asked for, at a terminal) before anything is sent."""
    try:
        return load_personal_key(personal_key_path(actor, ctx.settings))
    except IdentityError as e:
        raise Fail(BAD_INPUT, t("no_personal_key", ctx.lang, actor=actor, error=e)) from None


async def act(
    ctx: Ctx,
    app: str,
    update: str,
    make: Callable[[], Any],
    done: Callable[[CaseStatus], str],
    identity: PersonalKey | None = None,
) -> CaseStatus:
    """Build the caseworker's command (its own checks may refuse his text), sign it with
    his key and send it as the update; the case's answer is printed."""
    cmd = make()
    identity = identity or personal_key(ctx, cmd.actor)
    client = await open_client(ctx)
    handle = client.get_workflow_handle(workflow_id(app))
    try:
        status = await handle.execute_update(
            update,
            sign_command(identity, app, update, cmd),
            result_type=CaseStatus,
            rpc_timeout=CALL_TIMEOUT,
        )
    except WorkflowUpdateFailedError as e:
        raise _refusal(ctx, e.cause) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise _no_worker(ctx, app) from None
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            # Either no such case, or one that is closed: the caseworker needs to know which.
            await _describe(ctx, handle, app)
            raise Fail(
                REFUSED,
                t("case_closed", ctx.lang, app=app),
                {"accepted": False, "code": "case.closed"},
            ) from None
        raise _unreachable(ctx, e) from None
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
    reason = present.refusal_text(texts, str(cause), ctx.lang)
    message = t("refused", ctx.lang, reason=reason) + "\n" + t("unchanged", ctx.lang)
    payload = {"accepted": False, "code": code}
    payload.update({k: v for k, v in texts.items() if k in ("kk", "ru", "en")})
    return Fail(REFUSED, message, payload)


# ---- history in people's terms ------------------------------------------------------

_ACTION_STEP = {
    "forward": Step.forward,
    "member_decision": Step.review,
    "chairman_decision": Step.decide,
    "sign_result": Step.sign,
}
_COMMANDS: dict[str, type] = {
    "forward": Forward,
    "member_decision": MemberDecision,
    "chairman_decision": ChairmanDecision,
    "sign_result": ResultSigning,
}
_ACTIVITIES_SHOWN = {
    "register_application",
    "issue_result",
    "deliver_to_cabinet",
    "deliver_to_military_body",
}


def _action_text(action: str, cmd: Any, lang: str) -> str:
    text = _what_was_done(action, cmd, lang)
    block = getattr(cmd, "signature", None)
    if block is None:
        return text
    # Who signed, as his certificate names him; `shaqyru audit` re-checks it offline.
    who = signer(block)
    name = who.get("name") or who.get("subject", "?")
    return text + " " + t("h_signed_by", lang, subject=name, serial=who.get("serial", "?")[:16])


def _what_was_done(action: str, cmd: Any, lang: str) -> str:
    if isinstance(cmd, ResultSigning):
        return t("h_sign", lang)
    if isinstance(cmd, Forward):
        if cmd.members:
            return t("h_forward", lang, members=", ".join(cmd.members))
        return t("h_forward_all", lang)
    if isinstance(cmd, MemberDecision):
        if cmd.verdict == MemberVerdict.agree:
            return t("h_agree", lang)
        return t("h_refuse", lang, ground=cmd.refusal_ground or "-", details=cmd.details or "-")
    if isinstance(cmd, ChairmanDecision):
        if cmd.verdict == ChairmanVerdict.grant:
            if cmd.until:
                return t("h_grant_until", lang, until=cmd.until.isoformat())
            return t("h_grant", lang)
        reasons = "; ".join(f"{i}) {r}" for i, r in enumerate(cmd.reasons, 1))
        return t("h_deny", lang, reasons=reasons)
    return action


def _against(status: CaseStatus | None, action: str, at: datetime, lang: str) -> tuple[str, bool]:
    """Which deadline an action was held to, and whether it came in time."""
    step = _ACTION_STEP.get(action)
    if status is None or step is None:
        return "", False
    d = next((d for d in status.deadlines if d.step == step), None)
    if d is None:
        return "", False
    left = present.working_left(d.due_at, at)
    if at <= d.due_at:
        state = t("to_spare", lang, left=present.span(left, lang))
    else:
        state = t("late_by", lang, late=present.span(-left, lang))
    return t("h_against", lang, due=when(d.due_at), state=state), at > d.due_at


async def timeline(
    client: Client, events: list[HistoryEvent], status: CaseStatus | None, lang: str
) -> list[Entry]:
    """The case's history, event by event, in the words of the people who run it."""
    conv = client.data_converter
    system, portal = t("system", lang), t("portal", lang)
    scheduled: dict[int, str] = {}
    timers: dict[str, str] = {}
    updates: dict[str, tuple[datetime, str, Any]] = {}
    rejections = list(status.rejections) if status else []
    entries: list[Entry] = []
    last_step: str | None = None

    async def decode(payloads: Any, hint: type | None) -> Any:
        if not payloads:
            return None
        try:
            return (await conv.decode(list(payloads), [hint] if hint else None))[0]
        except Exception:  # an old or foreign payload must not stop the timeline
            return None

    for ev in events:
        at = ev.event_time.ToDatetime(tzinfo=UTC)
        kind = ev.WhichOneof("attributes")
        if kind == "workflow_execution_started_event_attributes":
            # The input holds personal data: take the submission time from the status.
            submitted = when(status.submitted_at) if status else when(at)
            entries.append(Entry(at, portal, t("h_started", lang, submitted=submitted), "start"))
        elif kind == "upsert_workflow_search_attributes_event_attributes":
            fields = ev.upsert_workflow_search_attributes_event_attributes.search_attributes
            step = _keyword(fields.indexed_fields.get(search.STEP.name))
            if step and step != last_step:
                last_step = step
                if step in (Step.accept, Step.done):
                    continue
                due = (
                    next((d for d in status.deadlines if d.step == step), None) if status else None
                )
                name = present.step_name(step, lang)
                text = (
                    t("h_step_due", lang, step=name, due=when(due.due_at))
                    if due
                    else t("h_step", lang, step=name)
                )
                entries.append(Entry(at, system, text, "step"))
        elif kind == "activity_task_scheduled_event_attributes":
            name = ev.activity_task_scheduled_event_attributes.activity_type.name
            scheduled[ev.event_id] = name
        elif kind == "activity_task_completed_event_attributes":
            name = scheduled.get(ev.activity_task_completed_event_attributes.scheduled_event_id)
            if name in _ACTIVITIES_SHOWN:
                entries.append(Entry(at, system, _activity_text(name, status, lang), "activity"))
        elif kind == "timer_started_event_attributes":
            summary = (
                await decode([ev.user_metadata.summary], str)
                if ev.HasField("user_metadata") and ev.user_metadata.HasField("summary")
                else None
            )
            timers[ev.timer_started_event_attributes.timer_id] = summary or ""
        elif kind == "timer_fired_event_attributes":
            summary = timers.get(ev.timer_fired_event_attributes.timer_id, "")
            entries.append(Entry(at, system, _timer_text(summary, status, lang), "timer"))
        elif kind == "workflow_execution_signaled_event_attributes":
            attrs = ev.workflow_execution_signaled_event_attributes
            cmd = await decode(attrs.input.payloads, _COMMANDS.get(attrs.signal_name))
            actor = getattr(cmd, "actor", "?")
            rejected = next(
                (
                    r
                    for r in rejections
                    if r.action == attrs.signal_name
                    and r.actor == actor
                    and r.at >= at - timedelta(seconds=1)
                ),
                None,
            )
            if rejected is not None:
                rejections.remove(rejected)
                reason = getattr(rejected, lang, rejected.en)
                action = t(f"a_{attrs.signal_name}", lang)
                entries.append(
                    Entry(
                        at, actor, t("h_rejected", lang, action=action, reason=reason), "rejected"
                    )
                )
            else:
                against, late = _against(status, attrs.signal_name, at, lang)
                text = _action_text(attrs.signal_name, cmd, lang)
                entries.append(Entry(at, actor, text, "action", against, late))
        elif kind == "workflow_execution_update_accepted_event_attributes":
            req = ev.workflow_execution_update_accepted_event_attributes.accepted_request
            cmd = await decode(req.input.args.payloads, _COMMANDS.get(req.input.name))
            updates[req.meta.update_id] = (at, req.input.name, cmd)
        elif kind == "workflow_execution_update_completed_event_attributes":
            attrs = ev.workflow_execution_update_completed_event_attributes
            accepted = updates.get(attrs.meta.update_id)
            if accepted is None:
                continue
            when_accepted, name, cmd = accepted
            actor = getattr(cmd, "actor", "?")
            if attrs.outcome.HasField("failure"):
                failure = attrs.outcome.failure
                details = await decode(failure.application_failure_info.details.payloads, None)
                reason = present.refusal_text(
                    details, await _failure_message(client, failure), lang
                )
                action = t(f"a_{name}", lang) if f"a_{name}" in present.TEXTS else name
                entries.append(
                    Entry(
                        when_accepted,
                        actor,
                        t("h_rejected", lang, action=action, reason=reason),
                        "rejected",
                    )
                )
            else:
                against, late = _against(status, name, when_accepted, lang)
                text = _action_text(name, cmd, lang)
                entries.append(Entry(when_accepted, actor, text, "action", against, late))
        elif kind == "workflow_execution_completed_event_attributes":
            entries.append(Entry(at, system, t("h_closed", lang), "closed"))
        elif kind in _STOPPED_EVENTS:
            state = t(f"run_{_STOPPED_EVENTS[kind]}", lang)
            by, reason = await _close_cause(client, ev)
            reason = present.outside_text(reason)
            text = (
                t("h_stopped_reason", lang, state=state, reason=reason)
                if reason
                else t("h_stopped", lang, state=state)
            )
            entries.append(Entry(at, present.outside_text(by) or system, text, "closed"))

    # Escalations are decisions of the workflow itself, kept in its state: the history
    # holds only the timer that caused them.
    for e in status.escalations if status else []:
        what = present.escalation_text(e.kind, e.note, lang)
        entries.append(Entry(e.at, system, t("h_escalation", lang, what=what), "escalation"))
    entries.sort(key=lambda e: e.at)
    return entries


_STOPPED_EVENTS = {
    "workflow_execution_failed_event_attributes": "failed",
    "workflow_execution_terminated_event_attributes": "terminated",
    "workflow_execution_timed_out_event_attributes": "timed_out",
    "workflow_execution_canceled_event_attributes": "canceled",
}


def _keyword(payload: Any) -> str | None:
    # Read one keyword by hand: the SDK's typed decoder rejects the whole upsert when
    # another attribute in it is being unset (a null Datetime).
    if payload is None or not payload.data:
        return None
    try:
        value = json.loads(payload.data)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _activity_text(name: str, status: CaseStatus | None, lang: str) -> str:
    if name == "register_application":
        number = status.registration.number if status and status.registration else "?"
        return t("h_registered", lang, number=number)
    if name == "issue_result":
        refused = status is not None and status.outcome == "refused"
        return t("h_issued_refusal" if refused else "h_issued_conclusion", lang)
    addressee = "cabinet" if name == "deliver_to_cabinet" else "military"
    sent = (
        next((d for d in status.deliveries if d.addressee == addressee), None) if status else None
    )
    if sent is not None and sent.state == "queued":
        return t(f"h_queued_{addressee}", lang)
    return t(f"h_delivered_{addressee}", lang)


def _timer_text(summary: str, status: CaseStatus | None, lang: str) -> str:
    if summary.startswith("wait for the next working moment"):
        return t("h_accepted", lang)
    if summary.startswith("deadline ") and status is not None:
        try:
            due = datetime.fromisoformat(summary.removeprefix("deadline ").strip())
        except ValueError:
            return t("h_timer", lang)
        for d in status.deadlines:
            if d.due_at == due:
                return t("h_deadline", lang, step=present.step_name(d.step, lang))
        if status.term_due_at == due or status.term_breached:
            return t("h_deadline", lang, step=t("term", lang))
    return t("h_timer", lang)


async def start_case(client: Client, app: Any, settings: config.Settings) -> Any:
    import starter

    return await starter.submit(client, app, settings)


# ---- the commands ---------------------------------------------------------------------


def _read(file: str, lang: str) -> bytes:
    try:
        return read_application(file)
    except OSError as e:
        raise Fail(
            BAD_INPUT,
            t("cannot_read", lang, file=file, error=e.strerror or e),
            {"error": "cannot_read", "file": file},
        ) from None


def register(app: typer.Typer) -> None:  # noqa: C901 - one closure per command
    @app.command("submit")
    def submit_cmd(
        file: Annotated[
            str, typer.Argument(metavar="FILE", help="Application JSON, or - for stdin.")
        ],
        as_json: JsonOpt = False,
        lang: LangOpt = Lang.kk,
    ) -> None:
        """Start the case of a portal application; prints the applicant's receipt."""
        ctx = _ctx(lang, as_json)

        async def work() -> None:
            from starter import AlreadySubmitted, Invalid, validate

            raw = _read(file, ctx.lang)
            try:
                application = validate(raw, ctx.settings)
            except Invalid as bad:
                lines = [t("invalid", ctx.lang, n=len(bad.problems))]
                lines += [
                    f"{i:>3}. {p.message(ctx.lang)}  [{p.field or '-'}; {p.rule}]"  # type: ignore[arg-type]
                    for i, p in enumerate(bad.problems, 1)
                ]
                raise Fail(
                    BAD_INPUT,
                    "\n".join(lines),
                    {"accepted": False, "problems": [p.model_dump() for p in bad.problems]},
                ) from None
            client = await open_client(ctx)
            try:
                receipt = await start_case(client, application, ctx.settings)
            except AlreadySubmitted:
                raise Fail(
                    REFUSED,
                    t("duplicate", ctx.lang, app=application.application_id),
                    {"accepted": False, "code": "duplicate"},
                ) from None
            except RPCError as e:
                raise _unreachable(ctx, e) from None
            if ctx.as_json:
                typer.echo(json.dumps({"accepted": True, **receipt.as_dict()}, ensure_ascii=False))
                return
            typer.echo(t("receipt", ctx.lang, app=receipt.application_id))
            typer.echo(f"  {t('receipt_registration', ctx.lang)}: {when(receipt.accepted_at)}")
            typer.echo(f"  {t('receipt_due', ctx.lang)}: {when(receipt.result_due_at)}")

        _run(ctx, work)

    @app.command("inbox")
    def inbox_cmd(
        actor: ActorOpt = None, as_json: JsonOpt = False, lang: LangOpt = Lang.kk
    ) -> None:
        """The cases that wait for you now, soonest deadline first; overdue ones in red."""
        ctx = _ctx(lang, as_json)
        me = _actor(actor, ctx.lang)

        async def work() -> None:
            client = await open_client(ctx)
            try:
                rows = await inbox(client, me)
            except RPCError as e:
                raise _unreachable(ctx, e) from None
            now = _now()
            if ctx.as_json:
                typer.echo(json.dumps([r.as_json(now) for r in rows], ensure_ascii=False))
            elif not rows:
                typer.echo(t("inbox_empty", ctx.lang, actor=me))
            else:
                title = t("inbox_title", ctx.lang, actor=me, n=len(rows))
                present.render_cases(rows, now, ctx.lang, title, present.console())

        _run(ctx, work)

    @app.command("overdue")
    def overdue_cmd(
        district: Annotated[
            str | None, typer.Option(help="Only this district's commission.")
        ] = None,
        as_json: JsonOpt = False,
        lang: LangOpt = Lang.kk,
    ) -> None:
        """For supervisors: every overdue open case, grouped by district and step."""
        ctx = _ctx(lang, as_json)
        if district is not None and not _ACTOR.match(district):
            raise typer.BadParameter(district, param_hint="'--district'")

        async def work() -> None:
            client = await open_client(ctx)
            now = _now()
            try:
                rows, checked = await overdue(client, district, now)
            except RPCError as e:
                raise _unreachable(ctx, e) from None
            groups: dict[tuple[str, str], list[CaseRow]] = {}
            for r in rows:
                groups.setdefault((r.district, r.step), []).append(r)
            if ctx.as_json:
                out = [
                    {"district": d, "step": s, "cases": [r.as_json(now) for r in g]}
                    for (d, s), g in groups.items()
                ]
                typer.echo(json.dumps(out, ensure_ascii=False))
                return
            if not rows:
                typer.echo(t("overdue_empty", ctx.lang))
                return
            con = present.console()
            con.print(t("overdue_title", ctx.lang, n=len(rows)), style="bold red")
            for (d, s), group in groups.items():
                title = t(
                    "overdue_group",
                    ctx.lang,
                    district=d,
                    step=present.step_name(s, ctx.lang),
                    n=len(group),
                )
                present.render_cases(group, now, ctx.lang, title, con)
            if checked < len(rows):
                con.print(t("jam_check_limited", ctx.lang, n=checked), style="dim")
            con.print(t("visibility_note", ctx.lang), style="dim")

        _run(ctx, work)

    @app.command("show")
    def show_cmd(app_id: AppArg, as_json: JsonOpt = False, lang: LangOpt = Lang.kk) -> None:
        """The case: step, deadlines and working time left, answers, decision, result."""
        ctx = _ctx(lang, as_json)
        app_ = _app_id(app_id, ctx.lang)

        async def work() -> None:
            client = await open_client(ctx)
            run, status = await fetch_case(ctx, client, app_)
            now = _now()
            if ctx.as_json:
                typer.echo(json.dumps(present.status_json(status, now, run), ensure_ascii=False))
            elif status is None:
                con = present.console()
                con.print(Text(app_, style="bold"))
                present.render_run(run, ctx.lang, con)
            else:
                present.render_status(status, now, ctx.lang, present.console(), run)

        _run(ctx, work)

    @app.command("history")
    def history_cmd(app_id: AppArg, as_json: JsonOpt = False, lang: LangOpt = Lang.kk) -> None:
        """The case's timeline: who did what, when, against which deadline."""
        ctx = _ctx(lang, as_json)
        app_ = _app_id(app_id, ctx.lang)

        async def work() -> None:
            client = await open_client(ctx)
            handle = client.get_workflow_handle(workflow_id(app_))
            await _describe(ctx, handle, app_)
            try:
                _, status = await fetch_case(ctx, client, app_)
            except Fail as f:
                if f.code != UNREACHABLE:
                    raise
                status = None  # no worker: the history alone still tells most of it
            try:
                history = await handle.fetch_history(rpc_timeout=CALL_TIMEOUT)
            except RPCError as e:
                raise _unreachable(ctx, e) from None
            entries = await timeline(client, list(history.events), status, ctx.lang)
            if ctx.as_json:
                typer.echo(json.dumps([e.as_json() for e in entries], ensure_ascii=False))
            else:
                present.render_history(app_, entries, ctx.lang, present.console())

        _run(ctx, work)

    @app.command("forward")
    def forward_cmd(
        app_id: AppArg,
        member: Annotated[
            list[str] | None,
            typer.Option("--member", help="A member to review (repeat); all when omitted."),
        ] = None,
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
        lang: LangOpt = Lang.kk,
    ) -> None:
        """Chairman: send the application to the commission's members."""
        ctx = _ctx(lang, as_json)
        app_, me = _app_id(app_id, ctx.lang), _actor(actor, ctx.lang)
        cmd = partial(Forward, actor=me, members=list(member) if member else None)

        async def work() -> None:
            await act(
                ctx,
                app_,
                "forward",
                cmd,
                lambda s: t("done_forward", ctx.lang, app=app_, members=", ".join(s.forwarded_to)),
            )

        _run(ctx, work)

    @app.command("vote")
    def vote_cmd(
        app_id: AppArg,
        vote: Annotated[MemberVerdict, typer.Argument(metavar="agree|refuse", help="Your answer.")],
        ground: Annotated[
            int | None,
            typer.Option("--ground", min=1, max=2, help="Refusal ground of para. 9 (1 or 2)."),
        ] = None,
        details: Annotated[
            str | None, typer.Option("--details", help="Why you refuse (required to refuse).")
        ] = None,
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
        lang: LangOpt = Lang.kk,
    ) -> None:
        """Member: agree to the deferral/exemption, or refuse on a ground of para. 9."""
        ctx = _ctx(lang, as_json)
        app_, me = _app_id(app_id, ctx.lang), _actor(actor, ctx.lang)
        # The workflow judges the combination (e.g. agree with a ground), so that the
        # caseworker gets its one wording of every rule.
        cmd = partial(
            MemberDecision, actor=me, verdict=vote, refusal_ground=ground, details=details
        )
        key = "done_agree" if vote == MemberVerdict.agree else "done_refuse"

        async def work() -> None:
            await act(ctx, app_, "member_decision", cmd, lambda s: t(key, ctx.lang, app=app_))

        _run(ctx, work)

    @app.command("decide")
    def decide_cmd(
        app_id: AppArg,
        verdict: Annotated[
            ChairmanVerdict, typer.Argument(metavar="grant|refuse", help="The decision.")
        ],
        until: Annotated[
            datetime | None,
            typer.Option("--until", formats=["%Y-%m-%d"], help="Last day of a deferral."),
        ] = None,
        reason: Annotated[
            list[str] | None,
            typer.Option("--reason", help="A reason of a refusal (repeat for each)."),
        ] = None,
        ground: Annotated[
            int | None,
            typer.Option("--ground", min=1, max=2, help="Refusal ground of para. 9 (1 or 2)."),
        ] = None,
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
        lang: LangOpt = Lang.kk,
    ) -> None:
        """Chairman: grant (a deferral needs --until) or refuse with --reason."""
        ctx = _ctx(lang, as_json)
        app_, me = _app_id(app_id, ctx.lang), _actor(actor, ctx.lang)
        end: date | None = until.date() if until else None
        cmd = partial(
            ChairmanDecision,
            actor=me,
            verdict=verdict,
            until=end,
            reasons=list(reason or []),
            refusal_ground=ground,
        )
        key = "done_grant" if verdict == ChairmanVerdict.grant else "done_deny"

        async def work() -> None:
            await act(ctx, app_, "chairman_decision", cmd, lambda s: t(key, ctx.lang, app=app_))

        _run(ctx, work)

    @app.command("sign")
    def sign_cmd(
        app_id: AppArg, actor: ActorOpt = None, as_json: JsonOpt = False, lang: LangOpt = Lang.kk
    ) -> None:
        """Chairman: sign the issued conclusion or refusal notice with your own key."""
        ctx = _ctx(lang, as_json)
        app_, me = _app_id(app_id, ctx.lang), _actor(actor, ctx.lang)

        async def work() -> None:
            identity = personal_key(ctx, me)
            _, status = await fetch_case(ctx, await open_client(ctx), app_)
            if status is None or status.step != Step.sign or status.result is None:
                step = present.step_name(status.step, ctx.lang) if status else "-"
                raise Fail(REFUSED, t("sign_not_now", ctx.lang, app=app_, step=step))
            kind = status.result.kind.value
            sha = next(d.sha256 for d in status.documents if d.kind == kind)
            # He signs the very bytes the case issued, read from the document store.
            try:
                pdf = DocumentStore(ctx.settings.docs_dir).get(sha)
            except (OSError, Corrupted) as e:
                raise Fail(REFUSED, t("sign_no_document", ctx.lang, app=app_, error=e)) from None
            cms = base64.b64encode(sign_document(pdf, identity)).decode("ascii")
            make = partial(ResultSigning, actor=me, document_sha256=sha, cms_base64=cms)
            done = t("done_sign", ctx.lang, app=app_, sha=sha[:16])
            await act(ctx, app_, "sign_result", make, lambda s: done, identity)

        _run(ctx, work)
