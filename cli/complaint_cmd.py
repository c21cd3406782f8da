"""`shaqyru complaint ...`: complaints against the commission's acts (para. 14; APPK
art. 91-92, docs/complaints.md). `file` is the portal's side, like `submit`; the
commission chairman and the reviewing body act with `--as`.

Signing: in this first version complaint actions are not signed with personal keys (the
application's actions are, documents/identity.py); the reviewing body has no key or
roster entry yet. The complaint checks who acts against the ids it was started with."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from cli import render
from cli.context import (
    BAD_INPUT,
    REFUSED,
    UNREACHABLE,
    ActorOpt,
    Ctx,
    Fail,
    JsonOpt,
    LangOpt,
    os_error,
)
from cli.context import actor as _actor
from cli.context import context as _ctx
from cli.context import run as _run
from cli.temporal import CALL_TIMEOUT, no_worker, open_client, unreachable
from models.case import CaseStatus
from models.complaint import Complaint, ComplaintStart, ComplaintStatus, snapshot
from rules.complaint import CaseFacts, admissible
from rules.refusal import Refusal
from texts import Lang, t
from workflows import search
from workflows.application import ApplicationWorkflow
from workflows.application import workflow_id as application_workflow_id
from workflows.checks import rule_of
from workflows.complaint import ComplaintWorkflow, workflow_id

complaint_app = typer.Typer(no_args_is_help=True)


def _refused(cause: BaseException | None, lang: str) -> str:
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        return str(cause.details[0].get(lang, cause.message))
    return str(cause)


async def _query(ctx: Ctx, handle: WorkflowHandle, query: Any, name: str, unknown: Fail) -> Any:
    """A workflow's status; how it cannot be had is said like the case commands say it."""
    try:
        return await handle.query(query, rpc_timeout=CALL_TIMEOUT)
    except WorkflowQueryFailedError as e:
        raise _no_state(ctx, name, e) from None
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise unknown from None
        if e.status == RPCStatusCode.FAILED_PRECONDITION:
            raise _no_state(ctx, name, e) from None
        if e.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
            raise no_worker(ctx, name) from None
        raise unreachable(ctx, e) from None


def _no_state(ctx: Ctx, name: str, e: Exception) -> Fail:
    payload = {"error": "query_failed", "id": name}
    return Fail(
        UNREACHABLE, t("run_no_state", ctx.lang), payload, t("hint_worker", ctx.lang), str(e)
    )


async def _case(ctx: Ctx, client: Client, app: str) -> CaseStatus:
    handle = client.get_workflow_handle(application_workflow_id(app))
    unknown = Fail(BAD_INPUT, t("complaint_no_case", ctx.lang, app=app))
    status: CaseStatus = await _query(ctx, handle, ApplicationWorkflow.status, app, unknown)
    return status


def _read(file: str, lang: str) -> Complaint:
    """The portal's complaint file (or stdin, `-`), read and checked field by field."""
    try:
        raw = typer.get_binary_stream("stdin").read() if file == "-" else Path(file).read_bytes()
    except OSError as e:
        message = t("cannot_read", lang, file=file, error=os_error(e, lang))
        raise Fail(
            BAD_INPUT, message, {"error": "cannot_read", "file": file}, detail=str(e)
        ) from None
    try:
        return Complaint.model_validate_json(raw)
    except ValidationError as e:
        problem = e.errors(include_url=False)[0]
        payload = {"accepted": False, "error": "invalid", "file": file}
        if problem["type"] == "json_invalid":
            raise Fail(BAD_INPUT, t("complaint_not_json", lang, file=file), payload) from None
        field = ".".join(str(p) for p in problem["loc"]) or "-"
        rule = t(f"command_rule.{rule_of(problem)}", lang)
        message = t("complaint_bad_field", lang, file=file, field=field, rule=rule)
        raise Fail(BAD_INPUT, message, {**payload, "field": field}, detail=problem["msg"]) from None


def _bad_start(ctx: Ctx, file: str, begin: ComplaintStart, refusal: Refusal) -> Fail:
    payload = {"accepted": False, "code": refusal.code}
    if refusal.code == "complaint.reviewer_in_commission":
        message = t("complaint_reviewer_own", ctx.lang, reviewer=begin.reviewer)
    else:
        message = t("complaint_bad_file", ctx.lang, file=file, why=refusal.text(ctx.lang))
    return Fail(BAD_INPUT, message, payload)


@complaint_app.command("file")
def file_cmd(
    file: Annotated[str, typer.Argument(show_default=False)],
    reviewer: Annotated[str, typer.Option("--reviewer", envvar="SHAQYRU_REVIEWER")],
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    """File a complaint from the portal: checked against the application's case first."""
    ctx = _ctx(lang, as_json)

    async def work() -> None:
        complaint = _read(file, ctx.lang)
        client = await open_client(ctx)
        case = snapshot(await _case(ctx, client, complaint.application_id))
        begin = ComplaintStart(complaint=complaint, case=case, reviewer=_actor(reviewer, ctx.lang))
        if (refusal := begin.refused()) is not None:
            raise _bad_start(ctx, file, begin, refusal)
        facts = CaseFacts(case.finished, case.result_kind, case.term_breached)
        # The workflow would answer the same in writing; the portal can say it at once.
        if (refusal := admissible(complaint.act, facts)) is not None:
            raise Fail(REFUSED, refusal.text(ctx.lang), {"accepted": False, "code": refusal.code})
        wid = workflow_id(complaint.complaint_id)
        try:
            await client.start_workflow(
                ComplaintWorkflow.run,
                begin,
                id=wid,
                task_queue=ctx.settings.task_queue,
                # A complaint id is filed once: a second run of a closed one would answer
                # under the first one's document and outbox keys, and never be delivered.
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                # The case's screen lists its complaints by this; the act is not in
                # visibility, so the memo keeps it for the list.
                search_attributes=TypedSearchAttributes(
                    [SearchAttributePair(search.APPLICATION, complaint.application_id)]
                ),
                memo={"act": complaint.act.value},
            )
        except WorkflowAlreadyStartedError:
            message = t("complaint_exists", ctx.lang, id=complaint.complaint_id)
            raise Fail(REFUSED, message, {"accepted": False, "code": "complaint.exists"}) from None
        except RPCError as e:
            raise unreachable(ctx, e) from None
        if ctx.as_json:
            typer.echo(json.dumps({"accepted": True, "workflow_id": wid}))
        else:
            typer.echo(t("complaint_filed", ctx.lang, id=complaint.complaint_id))

    _run(ctx, work)


async def _status(ctx: Ctx, client: Client, complaint_id: str) -> ComplaintStatus:
    handle = client.get_workflow_handle(workflow_id(complaint_id))
    unknown = Fail(BAD_INPUT, t("complaint_unknown", ctx.lang, id=complaint_id))
    status: ComplaintStatus = await _query(
        ctx, handle, ComplaintWorkflow.status, complaint_id, unknown
    )
    return status


@complaint_app.command("show")
def show_cmd(complaint_id: str, as_json: JsonOpt = False, lang: LangOpt = Lang.kk) -> None:
    """The complaint's status: step, terms, decision, answer."""
    ctx = _ctx(lang, as_json)

    async def work() -> None:
        s = await _status(ctx, await open_client(ctx), complaint_id)
        if as_json:
            typer.echo(s.model_dump_json())
        else:
            # rich, and the renderer built on it, only for a screen (as in cli.render).
            from cli import render_complaint

            render_complaint.render(s, ctx.lang, render.console())

    _run(ctx, work)


def _update(
    ctx: Ctx,
    complaint_id: str,
    update: UpdateMethodMultiParam[..., ComplaintStatus],
    cmd: dict,
    done: Callable[[ComplaintStatus], str],
) -> None:
    async def work() -> None:
        client = await open_client(ctx)
        await _status(ctx, client, complaint_id)
        handle = client.get_workflow_handle(workflow_id(complaint_id))
        try:
            s: ComplaintStatus = await handle.execute_update(update, cmd, rpc_timeout=CALL_TIMEOUT)
        except WorkflowUpdateFailedError as e:
            raise Fail(REFUSED, _refused(e.cause, ctx.lang), {"accepted": False}) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise no_worker(ctx, complaint_id) from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                # It answered the status query just now: it is there, but closed.
                message = t("complaint_closed", ctx.lang, id=complaint_id)
                raise Fail(
                    REFUSED, message, {"accepted": False, "code": "complaint.closed"}
                ) from None
            raise unreachable(ctx, e) from None
        if ctx.as_json:
            typer.echo(s.model_dump_json())
        else:
            typer.echo(done(s))

    _run(ctx, work)


def _decided(s: ComplaintStatus, lang: str) -> str:
    outcome = t(f"complaint_outcome.{s.decided.outcome}", lang) if s.decided else "?"
    return t("complaint_done_decided", lang, id=s.complaint_id, outcome=outcome)


ReasonOpt = Annotated[str, typer.Option("--reason")]


@complaint_app.command("satisfy")
def satisfy_cmd(
    complaint_id: str, reason: ReasonOpt = "", actor: ActorOpt = None, lang: LangOpt = Lang.kk
) -> None:
    """The commission chairman satisfies the complaint himself (APPK art. 91 p. 4)."""
    ctx = _ctx(lang, False)
    cmd = {"actor": _actor(actor, ctx.lang), "action": "satisfy", "reason": reason}
    _update(ctx, complaint_id, ComplaintWorkflow.body_action, cmd, lambda s: _decided(s, ctx.lang))


@complaint_app.command("pass")
def pass_cmd(complaint_id: str, actor: ActorOpt = None, lang: LangOpt = Lang.kk) -> None:
    """The commission chairman passes the complaint to the reviewing body."""
    ctx = _ctx(lang, False)
    cmd = {"actor": _actor(actor, ctx.lang), "action": "pass"}

    def done(s: ComplaintStatus) -> str:
        return t("complaint_done_pass", ctx.lang, id=s.complaint_id, reviewer=s.reviewer)

    _update(ctx, complaint_id, ComplaintWorkflow.body_action, cmd, done)


@complaint_app.command("decide")
def decide_cmd(
    complaint_id: str,
    verdict: Annotated[str, typer.Argument(show_default=False)],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    lang: LangOpt = Lang.kk,
) -> None:
    """The reviewing body decides: upheld (the act is revoked) or dismissed."""
    ctx = _ctx(lang, False)
    cmd = {"actor": _actor(actor, ctx.lang), "verdict": verdict, "reason": reason}
    _update(
        ctx, complaint_id, ComplaintWorkflow.review_decision, cmd, lambda s: _decided(s, ctx.lang)
    )


def register(app: typer.Typer) -> None:
    app.add_typer(complaint_app, name="complaint")
