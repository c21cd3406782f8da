"""`shaqyru complaint ...`: complaints against the commission's acts (para. 14; APPK
art. 91-92, docs/complaints.md). `file` is the portal's side, like `submit`; the
commission chairman and the reviewing body act with `--as`.

Signing: in this first version complaint actions are not signed with personal keys (the
application's actions are, documents/identity.py); the reviewing body has no key or
roster entry yet. The complaint checks who acts against the ids it was started with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from cli.context import BAD_INPUT, REFUSED, ActorOpt, Fail, JsonOpt, LangOpt
from cli.context import actor as _actor
from cli.context import context as _ctx
from cli.context import run as _run
from cli.temporal import open_client
from models.case import CaseStatus
from models.complaint import Complaint, ComplaintStart, ComplaintStatus, snapshot
from rules.complaint import CaseFacts, admissible
from texts import Lang, t
from workflows.application import workflow_id as application_workflow_id
from workflows.complaint import workflow_id

complaint_app = typer.Typer(no_args_is_help=True)


def _t(key: str, lang: str, **kw: str) -> str:
    return t(f"complaint_{key}", lang, **kw)


def _refused(cause: BaseException | None, lang: str) -> str:
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        return str(cause.details[0].get(lang, cause.message))
    return str(cause)


async def _case(client: Client, app: str, lang: str) -> CaseStatus:
    handle = client.get_workflow_handle(application_workflow_id(app))
    try:
        return await handle.query("status", result_type=CaseStatus)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Fail(BAD_INPUT, _t("no_case", lang, app=app)) from None
        raise


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
        stdin = typer.get_binary_stream("stdin")
        raw = stdin.read() if file == "-" else Path(file).read_bytes()
        complaint = Complaint.model_validate_json(raw)
        client = await open_client(ctx)
        case = snapshot(await _case(client, complaint.application_id, ctx.lang))
        facts = CaseFacts(case.finished, case.result_kind, case.term_breached)
        # The workflow would answer the same in writing; the portal can say it at once.
        if (refusal := admissible(complaint.act, facts)) is not None:
            raise Fail(REFUSED, refusal.text(ctx.lang), {"accepted": False, "code": refusal.code})
        begin = ComplaintStart(complaint=complaint, case=case, reviewer=_actor(reviewer, ctx.lang))
        wid = workflow_id(complaint.complaint_id)
        try:
            await client.start_workflow(
                "Complaint", begin, id=wid, task_queue=ctx.settings.task_queue
            )
        except RPCError as e:
            if e.status == RPCStatusCode.ALREADY_EXISTS:
                raise Fail(REFUSED, _t("exists", ctx.lang, id=complaint.complaint_id)) from None
            raise
        if ctx.as_json:
            typer.echo(json.dumps({"accepted": True, "workflow_id": wid}))
        else:
            typer.echo(_t("filed", ctx.lang, id=complaint.complaint_id))

    _run(ctx, work)


async def _status(client: Client, complaint_id: str, lang: str) -> ComplaintStatus:
    try:
        return await client.get_workflow_handle(workflow_id(complaint_id)).query(
            "status", result_type=ComplaintStatus
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Fail(BAD_INPUT, _t("unknown", lang, id=complaint_id)) from None
        raise


@complaint_app.command("show")
def show_cmd(complaint_id: str, as_json: JsonOpt = False, lang: LangOpt = Lang.kk) -> None:
    """The complaint's status: step, terms, decision, answer."""
    ctx = _ctx(lang, as_json)

    async def work() -> None:
        s = await _status(await open_client(ctx), complaint_id, ctx.lang)
        typer.echo(s.model_dump_json(indent=None if as_json else 2))

    _run(ctx, work)


def _update(ctx, complaint_id: str, name: str, cmd: dict) -> None:
    async def work() -> None:
        client = await open_client(ctx)
        await _status(client, complaint_id, ctx.lang)
        handle = client.get_workflow_handle(workflow_id(complaint_id))
        try:
            s = await handle.execute_update(name, cmd, result_type=ComplaintStatus)
        except WorkflowUpdateFailedError as e:
            raise Fail(REFUSED, _refused(e.cause, ctx.lang), {"accepted": False}) from None
        if ctx.as_json:
            typer.echo(s.model_dump_json())
        else:
            typer.echo(_t("done", ctx.lang, what=f"{name} → {s.step.value}"))

    _run(ctx, work)


ReasonOpt = Annotated[str, typer.Option("--reason")]


@complaint_app.command("satisfy")
def satisfy_cmd(
    complaint_id: str, reason: ReasonOpt = "", actor: ActorOpt = None, lang: LangOpt = Lang.kk
) -> None:
    """The commission chairman satisfies the complaint himself (APPK art. 91 p. 4)."""
    ctx = _ctx(lang, False)
    cmd = {"actor": _actor(actor, ctx.lang), "action": "satisfy", "reason": reason}
    _update(ctx, complaint_id, "body_action", cmd)


@complaint_app.command("pass")
def pass_cmd(complaint_id: str, actor: ActorOpt = None, lang: LangOpt = Lang.kk) -> None:
    """The commission chairman passes the complaint to the reviewing body."""
    ctx = _ctx(lang, False)
    _update(ctx, complaint_id, "body_action", {"actor": _actor(actor, ctx.lang), "action": "pass"})


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
    _update(ctx, complaint_id, "review_decision", cmd)


def register(app: typer.Typer) -> None:
    app.add_typer(complaint_app, name="complaint")
