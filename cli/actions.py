"""What caseworkers do to a case: the chairman forwards, decides and signs; a member
votes. Each is signed with the caseworker's own key and sent as the workflow's update,
whose answer (taken, or why not) is printed."""

from __future__ import annotations

import base64
from datetime import date, datetime
from functools import partial
from typing import Annotated

import typer

from cli import temporal
from cli.context import (
    REFUSED,
    ActorOpt,
    AppArg,
    Fail,
    JsonOpt,
    LangOpt,
    actor,
    app_id,
    context,
    run,
)
from cli.render import step_name
from documents.identity import sign_document
from documents.store import Corrupted, DocumentStore
from models.case import Step, revised
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
    ResultSigning,
)
from texts import Lang, t

GroundOpt = Annotated[int | None, typer.Option("--ground", min=1, max=2)]


def forward_cmd(
    app: AppArg,
    member: Annotated[list[str] | None, typer.Option("--member")] = None,
    who: ActorOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        case, me = app_id(app, ctx.lang), actor(who, ctx.lang)
        cmd = partial(Forward, actor=me, members=list(member) if member else None)

        def done(s: object) -> str:
            members = ", ".join(getattr(s, "forwarded_to", []))
            return t("done_forward", ctx.lang, app=case, members=members)

        await temporal.act(ctx, case, "forward", cmd, done)

    run(ctx, work)


def vote_cmd(
    app: AppArg,
    vote: Annotated[MemberVerdict, typer.Argument(show_default=False)],
    ground: GroundOpt = None,
    details: Annotated[str | None, typer.Option("--details")] = None,
    who: ActorOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        case, me = app_id(app, ctx.lang), actor(who, ctx.lang)
        # The workflow judges the combination (e.g. agree with a ground), so that the
        # caseworker gets its one wording of every rule.
        cmd = partial(
            MemberDecision, actor=me, verdict=vote, refusal_ground=ground, details=details
        )
        key = "done_agree" if vote == MemberVerdict.agree else "done_refuse"
        await temporal.act(ctx, case, "member_decision", cmd, lambda s: t(key, ctx.lang, app=case))

    run(ctx, work)


def decide_cmd(
    app: AppArg,
    verdict: Annotated[ChairmanVerdict, typer.Argument(show_default=False)],
    until: Annotated[datetime | None, typer.Option("--until", formats=["%Y-%m-%d"])] = None,
    reason: Annotated[list[str] | None, typer.Option("--reason")] = None,
    ground: GroundOpt = None,
    who: ActorOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        case, me = app_id(app, ctx.lang), actor(who, ctx.lang)
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
        await temporal.act(
            ctx, case, "chairman_decision", cmd, lambda s: t(key, ctx.lang, app=case)
        )

    run(ctx, work)


def sign_cmd(
    app: AppArg, who: ActorOpt = None, as_json: JsonOpt = False, lang: LangOpt = Lang.kk
) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        case, me = app_id(app, ctx.lang), actor(who, ctx.lang)
        client = await temporal.open_client(ctx)
        identity = temporal.personal_key(ctx, me)
        _, status = await temporal.fetch_case(ctx, client, case)
        if status is None or status.step != Step.sign or status.result is None:
            step = step_name(status.step, ctx.lang) if status else "-"
            raise Fail(REFUSED, t("sign_not_now", ctx.lang, app=case, step=step))
        # A case decided again after a complaint issues its document under a kind of its
        # own (conclusion.r1); the revoked one keeps the plain kind.
        revision = status.reopened.revision if status.reopened else 0
        kind = revised(status.result.kind.value, revision)
        sha = next((d.sha256 for d in status.documents if d.kind == kind), None)
        if sha is None:
            raise Fail(REFUSED, t("sign_no_document", ctx.lang, app=case))
        # He signs the very bytes the case issued, read from the document store.
        try:
            pdf = DocumentStore(ctx.settings.docs_dir).get(sha)
        except (OSError, Corrupted) as e:
            message = t("sign_no_document", ctx.lang, app=case)
            raise Fail(REFUSED, message, detail=str(e)) from None
        cms = base64.b64encode(sign_document(pdf, identity)).decode("ascii")
        make = partial(ResultSigning, actor=me, document_sha256=sha, cms_base64=cms)
        done = t("done_sign", ctx.lang, app=case, sha=sha[:16])
        await temporal.act(ctx, case, "sign_result", make, lambda s: done, identity)

    run(ctx, work)


def register(app: typer.Typer) -> None:
    app.command("forward")(forward_cmd)
    app.command("vote")(vote_cmd)
    app.command("decide")(decide_cmd)
    app.command("sign")(sign_cmd)
