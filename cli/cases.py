"""The caseworkers' reading commands and the portal's `submit`: submit, inbox, overdue
(for supervisors), show and history. The actions on a case are in `cli.actions`.

Messages about a case are in Kazakh by default, the state language the documents are
issued in; `--lang ru` or SHAQYRU_LANG=ru switches a Russian-speaking office over."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from temporalio.service import RPCError

from cli import render, temporal
from cli.context import (
    ACTOR_PATTERN,
    BAD_INPUT,
    REFUSED,
    SHOWN_ROWS,
    ActorOpt,
    AllOpt,
    AppArg,
    Ctx,
    Fail,
    JsonOpt,
    LangOpt,
    actor,
    app_id,
    context,
    os_error,
    run,
)
from cli.journal import timeline
from cli.rows import CaseRow
from cli.temporal import inbox as inbox
from rules.check import read_application
from texts import Lang, t


def _read(file: str, lang: str) -> bytes:
    try:
        return read_application(file)
    except OSError as e:
        raise Fail(
            BAD_INPUT,
            t("cannot_read", lang, file=file, error=os_error(e, lang)),
            {"error": "cannot_read", "file": file},
            detail=str(e),
        ) from None


def _invalid(ctx: Ctx, problems: list[Any]) -> Fail:
    lines = [t("invalid", ctx.lang, n=len(problems))]
    lines += [
        f"{i:>3}. {p.message(ctx.lang)}  [{p.field or '-'}; {p.rule}]"
        for i, p in enumerate(problems, 1)
    ]
    payload = {"accepted": False, "problems": [p.model_dump() for p in problems]}
    return Fail(BAD_INPUT, "\n".join(lines), payload)


def submit_cmd(
    file: Annotated[str, typer.Argument(show_default=False)],
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    """The portal's side: start the case; the receipt is what the applicant is given."""
    ctx = context(lang, as_json)

    async def work() -> None:
        from starter import AlreadySubmitted, Invalid, submit, validate

        try:
            application = validate(_read(file, ctx.lang), ctx.settings)
        except Invalid as bad:
            raise _invalid(ctx, bad.problems) from None
        client = await temporal.open_client(ctx)
        try:
            receipt = await submit(client, application, ctx.settings)
        except AlreadySubmitted:
            app = application.application_id
            payload = {"accepted": False, "code": "duplicate"}
            raise Fail(REFUSED, t("duplicate", ctx.lang, app=app), payload) from None
        except RPCError as e:
            raise temporal.unreachable(ctx, e) from None
        if ctx.as_json:
            typer.echo(json.dumps({"accepted": True, **receipt.as_dict()}, ensure_ascii=False))
            return
        typer.echo(t("receipt", ctx.lang, app=receipt.application_id))
        typer.echo(f"  {t('receipt_registration', ctx.lang)}: {render.when(receipt.accepted_at)}")
        typer.echo(f"  {t('receipt_due', ctx.lang)}: {render.when(receipt.result_due_at)}")

    run(ctx, work)


def inbox_cmd(
    who: ActorOpt = None,
    show_all: AllOpt = False,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        me = actor(who, ctx.lang)
        client = await temporal.open_client(ctx)
        now = temporal.now()
        try:
            if ctx.as_json or show_all:
                rows = await temporal.inbox(client, me)
                total = len(rows)
            else:
                rows, total = await temporal.inbox_soonest(client, me, SHOWN_ROWS, now)
        except RPCError as e:
            raise temporal.unreachable(ctx, e) from None
        if ctx.as_json:
            typer.echo(json.dumps([r.as_json(now) for r in rows], ensure_ascii=False))
        elif not rows:
            typer.echo(t("inbox_empty", ctx.lang, actor=me))
        else:
            title = t("inbox_title", ctx.lang, actor=me, n=total)
            render.render_cases(rows, now, ctx.lang, title, render.console(), total)

    run(ctx, work)


def overdue_cmd(
    district: Annotated[str | None, typer.Option("--district")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.kk,
) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        if district is not None and not ACTOR_PATTERN.match(district):
            raise Fail(BAD_INPUT, t("bad_district", ctx.lang, district=district))
        client = await temporal.open_client(ctx)
        now = temporal.now()
        try:
            rows, checked = await temporal.overdue(client, district, now)
        except RPCError as e:
            raise temporal.unreachable(ctx, e) from None
        groups: dict[tuple[str, str], list[CaseRow]] = {}
        for r in rows:
            groups.setdefault((r.district, r.step), []).append(r)
        if ctx.as_json:
            out = [
                {"district": d, "step": s, "cases": [r.as_json(now) for r in g]}
                for (d, s), g in groups.items()
            ]
            typer.echo(json.dumps(out, ensure_ascii=False))
        elif not rows:
            typer.echo(t("overdue_empty", ctx.lang))
        else:
            _print_overdue(ctx, groups, len(rows), checked, now)

    run(ctx, work)


def _print_overdue(
    ctx: Ctx, groups: dict[tuple[str, str], list[CaseRow]], total: int, checked: int, now: Any
) -> None:
    con, lang = render.console(), ctx.lang
    con.print(t("overdue_title", lang, n=total), style="bold red")
    for (d, s), group in groups.items():
        district, step = render.district_name(d, lang), render.step_name(s, lang)
        title = t("overdue_group", lang, district=district, step=step, n=len(group))
        render.render_cases(group, now, lang, title, con, len(group))
    if checked < total:
        con.print(t("jam_check_limited", lang, n=checked), style="dim")
    con.print(t("visibility_note", lang), style="dim")


def show_cmd(app: AppArg, as_json: JsonOpt = False, lang: LangOpt = Lang.kk) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        case = app_id(app, ctx.lang)
        client = await temporal.open_client(ctx)
        execution, status = await temporal.fetch_case(ctx, client, case)
        try:
            complaints = await temporal.complaints_of(client, case)
        except RPCError as e:
            raise temporal.unreachable(ctx, e) from None
        now = temporal.now()
        if ctx.as_json:
            data = render.status_json(status, now, execution)
            # Apart from the status's own `complaints`: those the case took on record.
            data["complaints_filed"] = [c.as_json() for c in complaints]
            typer.echo(json.dumps(data, ensure_ascii=False))
            return
        # rich, and the renderer built on it, only for a screen (as in cli.render).
        from rich.text import Text

        from cli import render_case

        con = render.console()
        if status is None:
            con.print(Text(case, style="bold"))
            render.render_run(execution, ctx.lang, con)
            render_case.render_complaints(None, complaints, ctx.lang, con)
        else:
            render_case.render_status(status, now, ctx.lang, con, execution, complaints)

    run(ctx, work)


def history_cmd(app: AppArg, as_json: JsonOpt = False, lang: LangOpt = Lang.kk) -> None:
    ctx = context(lang, as_json)

    async def work() -> None:
        case = app_id(app, ctx.lang)
        client = await temporal.open_client(ctx)
        run, status = await temporal.fetch_case(ctx, client, case)
        journal = await temporal.fetch_journal(ctx, client, case, run, status)
        entries = timeline(journal, status, run, ctx.lang)
        if ctx.as_json:
            typer.echo(json.dumps([e.as_json() for e in entries], ensure_ascii=False))
        else:
            render.render_history(case, entries, ctx.lang, render.console())

    run(ctx, work)


def register(app: typer.Typer) -> None:
    app.command("submit")(submit_cmd)
    app.command("inbox")(inbox_cmd)
    app.command("overdue")(overdue_cmd)
    app.command("show")(show_cmd)
    app.command("history")(history_cmd)
