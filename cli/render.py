"""How a case looks on a terminal, in the reader's language. Every domain value (service,
ground, step, district, outcome, delivery state) is shown by its name, never its code;
times are Almaty local time to the minute, with the zone."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from cli.rows import CaseRow, Entry, Execution, working_left
from models.case import CaseStatus, Deadline, Step
from models.text import hidden
from rules import regulation
from rules.timezone import ALMATY
from texts import has, t

# rich is imported by the functions that print with it: `shaqyru` imports this module for
# every command, and most print plain lines or JSON.
if TYPE_CHECKING:
    from rich.console import Console


def when(at: datetime | None) -> str:
    """A moment as a caseworker reads it: Almaty local time, to the minute, with its offset
    so that a reader elsewhere is not misled."""
    if at is None:
        return "-"
    try:
        local = at.astimezone(ALMATY)
    except OverflowError:
        # A moment at the edge of the calendar (year 9999 at -23:00) has no local time;
        # a case may hold one that a forged signal left, and must still be shown.
        return at.isoformat(timespec="minutes")
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def span(amount: timedelta, lang: str) -> str:
    minutes = int(amount.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    return t("hours", lang, h=h, m=m) if h else t("minutes", lang, m=m)


def step_name(step: str, lang: str) -> str:
    return t(f"step_name.{step}", lang) if has(f"step_name.{step}") else step


def service_name(service: str, lang: str) -> str:
    try:
        return regulation.service_rules(service).name.get(lang)  # type: ignore[arg-type]
    except (KeyError, ValueError):  # a case that could not read its input says "?"
        return service


def ground_name(service: str, ground: int, lang: str) -> str:
    try:
        return regulation.ground(service, ground).name.get(lang)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return str(ground)


@cache
def _roster_names() -> dict[str, tuple[str, str]]:
    import settings
    from rules.roster import load_roster

    try:
        roster = load_roster(settings.load().roster_path)
    except (OSError, ValueError):  # a name is a courtesy: the code still says which
        return {}
    return {d.code: (d.name_kk, d.name_ru) for d in roster.districts}


def district_name(code: str, lang: str) -> str:
    """The district by its name in Kazakh or Russian; the roster has no English names, so
    English shows the roster's Latin code."""
    names = _roster_names().get(code)
    if names is None or lang == "en":
        return code
    return names[0] if lang == "kk" else names[1]


def deadline_state(d: Deadline, now: datetime, lang: str) -> str:
    if d.finished_at is not None:
        if d.finished_at <= d.due_at:
            spare = span(working_left(d.due_at, d.finished_at), lang)
            return f"{t('in_time', lang)} ({t('to_spare', lang, left=spare)})"
        return t("late_by", lang, late=span(-working_left(d.due_at, d.finished_at), lang))
    left = working_left(d.due_at, now)
    if left > timedelta(0) and not d.overdue:
        return t("open_left", lang, left=span(left, lang))
    return f"{t('overdue', lang)}, {t('late_by', lang, late=span(-left, lang))}"


def escalation_text(kind: str, note: str, lang: str) -> str:
    if not has(f"esc_{kind}"):
        return note
    who = note.removeprefix("no answer from ") if kind == "no_answer" else ""
    return t(f"esc_{kind}", lang, who=who)


_FIELD_FIRST = re.compile(r"^([a-z_0-9]+): ")


def refusal_text(details: object, fallback: str, lang: str) -> str:
    """The workflow's reason in the chosen language (details[0] of its ApplicationError).
    Its wording is recorded in histories and stays as it is; a command field it begins
    with is named here as the option the caseworker typed."""
    if not isinstance(details, dict):
        return fallback
    text = str(details.get(lang) or details.get("en") or fallback)
    field = _FIELD_FIRST.match(text)
    if field and has(f"field_{field.group(1)}"):
        text = t(f"field_{field.group(1)}", lang) + ": " + text[field.end() :]
    return text


def console() -> Console:
    from rich.console import Console

    # Wide enough that a piped table stays one line a row; a terminal uses its own width.
    # No markup: people's texts (reasons, details) are printed as typed, and a "[/]" in
    # one would otherwise stop the command with a MarkupError.
    width = None if sys.stdout.isatty() else 240
    return Console(highlight=False, markup=False, soft_wrap=False, width=width)


REASON_CHARS = 200
"""How much of an operator's termination reason or a failure message is printed."""


def outside_text(text: str | None, limit: int = REASON_CHARS) -> str | None:
    """Text typed by an operator or raised by code, made safe for a terminal: one line,
    no control or invisible characters (an ESC could rewrite the screen), bounded."""
    if not text:
        return None
    flat = "".join(" " if c.isspace() else c for c in text if c.isspace() or not hidden(c))
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def screen_text(text: str) -> str:
    """Text that a case recorded and a terminal prints (a refusal, a journal line): as
    `outside_text`, but whole, since the case bounded it when it kept it. Cases recorded
    before their checks repeated outsiders' values printable still hold an ESC or two."""
    return outside_text(text, limit=len(text)) or ""


def render_run(run: Execution, lang: str, out: Console) -> None:
    """The banner over a stopped or jammed case; nothing for an ordinary one."""
    if run.stopped:
        state = t(f"run_{run.state}", lang)
        out.print(t("run_stopped", lang, state=state, at=when(run.closed_at)), style="bold red")
        if run.by:
            out.print(f"{t('run_by', lang)}: {run.by}")
        if run.reason:
            out.print(f"{t('run_reason', lang)}: {run.reason}")
    elif run.jammed:
        out.print(t("jammed", lang, attempt=run.task_attempt), style="bold red")


def status_json(s: CaseStatus | None, now: datetime, run: Execution | None = None) -> dict:
    run = run or Execution()
    if s is None:
        return {"run": run.as_json()}
    data = s.model_dump(mode="json")
    data["overdue"] = s.overdue
    data["run"] = run.as_json()
    if run.stopped:
        # Its last state, not a live one: nobody is waited for and no time runs out.
        data["waiting_for"] = []
        return data
    for d, out in zip(s.deadlines, data["deadlines"], strict=True):
        if d.finished_at is None:
            out["working_time_left_seconds"] = int(working_left(d.due_at, now).total_seconds())
    if s.term_due_at and s.step != Step.done:
        data["term_working_time_left_seconds"] = int(
            working_left(s.term_due_at, now).total_seconds()
        )
    return data


def render_cases(
    rows: list[CaseRow], now: datetime, lang: str, title: str, out: Console, total: int
) -> None:
    """Every row given, then how many of `total` were left out, if any."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for col in ("app", "number", "service", "ground", "step", "due", "left", "waiting"):
        table.add_column(t(f"col_{col}", lang))
    for r in rows:
        late = r.late(now)
        if r.jammed:
            left = t("jammed", lang, attempt=r.task_attempt)
        elif r.deadline is None:
            left = ""
        else:
            amount = working_left(r.deadline, now)
            left = f"{t('overdue', lang)} {span(-amount, lang)}" if late else span(amount, lang)
        table.add_row(
            _row_name(r, lang),
            r.registration_number or "",
            act_name(r.act, lang) if r.complaint_id else service_name(r.service, lang),
            str(r.ground or ""),
            step_name(r.step, lang),
            when(r.deadline),
            Text(left, style="bold red" if late or r.jammed else ""),
            ", ".join(r.waiting_for),
        )
    out.print(table)
    if len(rows) < total:
        out.print(Text(t("rows_more", lang, shown=len(rows), n=total), style="dim"))


def _row_name(r: CaseRow, lang: str) -> str:
    if r.complaint_id is not None:
        return f"{r.application_id} · {t('inbox_complaint', lang, id=r.complaint_id)}"
    return r.application_id + (f" ⚑{r.findings}" if r.findings else "")


def act_name(act: str | None, lang: str) -> str:
    """What a complaint is against, in words; a complaint filed before its act was kept
    in the memo says "?"."""
    return t(f"complaint_act.{act}", lang) if has(f"complaint_act.{act}") else (act or "?")


def render_history(app: str, entries: list[Entry], lang: str, out: Console) -> None:
    from rich.text import Text

    out.print(Text(t("history_title", lang, app=app), style="bold"))
    for e in entries:
        line = Text(f"{when(e.at)}  ")
        line.append(f"{screen_text(e.actor):<16}", style="bold")
        line.append(" ")
        style = "red" if e.kind in ("escalation", "rejected") or e.late else ""
        line.append(screen_text(e.text), style=style)
        if e.against:
            line.append(f"  [{e.against}]", style="red" if e.late else "dim")
        out.print(line)
