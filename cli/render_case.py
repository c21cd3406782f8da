"""`shaqyru show` on a terminal: the case's fields, its deadlines, the members' answers,
the decision, the result and where it went."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.render import (
    act_name,
    deadline_state,
    district_name,
    escalation_text,
    ground_name,
    render_run,
    screen_text,
    service_name,
    span,
    step_name,
    when,
)
from cli.rows import ComplaintRow, Execution, working_left
from models.case import CaseStatus, Step
from texts import t


def render_status(
    s: CaseStatus,
    now: datetime,
    lang: str,
    out: Console,
    run: Execution | None = None,
    complaints: list[ComplaintRow] | None = None,
) -> None:
    run = run or Execution()
    out.print(Text(f"{s.application_id} — {service_name(s.service, lang)}", style="bold"))
    render_run(run, lang, out)
    if run.stopped:
        out.print(t("run_last_state", lang), style="dim")
    if (r := s.reopened) is not None:
        kind = t("conclusion" if r.kind == "conclusion" else "refusal_notice", lang)
        issued, revoked = when(r.issued_at), when(r.revoked_at)
        line = t(
            "case_reopened", lang, id=r.complaint_id, kind=kind, issued=issued, revoked=revoked
        )
        out.print(line, style="bold")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in _fields(s, now, lang, run):
        grid.add_row(label, value)
    out.print(grid)
    if s.deadlines:
        out.print(_deadlines(s, now, lang, live=not run.stopped))
    if s.answers:
        out.print(_answers(s, lang))
    _decision_and_result(s, lang, out)
    if s.deliveries:
        out.print(_deliveries(s, lang))
    _notes(s, lang, out)
    render_complaints(s, complaints or [], lang, out)


def render_complaints(
    s: CaseStatus | None, complaints: list[ComplaintRow], lang: str, out: Console
) -> None:
    """The complaints filed about the case, and those its open run took on record."""
    upheld = s.complaints if s is not None else []
    if not complaints and not upheld:
        return
    out.print(Text(t("case_complaints", lang), style="bold"))
    for c in complaints:
        if c.outcome is not None:
            state = t(f"complaint_outcome.{c.outcome}", lang)
        else:
            state = step_name(f"complaint-{c.step}", lang)
        if c.waiting_for:
            state += f" ({t('waiting_for', lang)}: {', '.join(c.waiting_for)})"
        act = act_name(c.act, lang)
        out.print(f"  {t('case_complaint', lang, id=c.complaint_id, act=act, state=state)}")
    for note in upheld:
        outcome, at = t(f"complaint_outcome.{note.outcome}", lang), when(note.at)
        line = t("case_complaint_upheld", lang, id=note.complaint_id, outcome=outcome, at=at)
        out.print(f"  {screen_text(line)}")  # an unsigned signal may have left the id


def _fields(s: CaseStatus, now: datetime, lang: str, run: Execution) -> list[tuple[str, str]]:
    live = not run.stopped
    district = district_name(s.district, lang)
    if s.registration is not None and lang != "en":
        c = s.registration.commission
        district = c.name_kk if lang == "kk" else c.name_ru
    fields = [
        (t("col_ground", lang), f"{s.ground}. {ground_name(s.service, s.ground, lang)}"),
        (t("col_district", lang), district),
    ]
    if s.registration:
        fields.append((t("registration", lang), s.registration.number))
    fields.append((t("submitted", lang), when(s.submitted_at)))
    fields.append((t("accepted", lang), when(s.accepted_at)))
    if s.term_due_at:
        term = when(s.term_due_at)
        if s.term_breached:
            term += f" — {t('term_breached', lang)}"
        elif s.step != Step.done and live:
            left = span(working_left(s.term_due_at, now), lang)
            term += f" ({t('open_left', lang, left=left)})"
        fields.append((t("term", lang), term))
    step = step_name(s.step, lang)
    if not live:
        step += f" — {t(f'run_{run.state}', lang)}"
    elif s.overdue:
        step += f" — {t('overdue', lang)}"
    fields.append((t("current_step", lang), step))
    waiting = ", ".join(s.waiting_for) if live else ""
    fields.append((t("waiting_for", lang), waiting or t("nobody", lang)))
    if s.registration:
        fields.append((t("chairman", lang), s.registration.commission.chairman.id))
    if s.forwarded_to:
        fields.append((t("forwarded_to", lang), ", ".join(s.forwarded_to)))
    if s.outcome:
        outcome = "granted" if s.outcome == "granted" else "refused_outcome"
        fields.append((t("result", lang), t(outcome, lang)))
    return fields


def _deadlines(s: CaseStatus, now: datetime, lang: str, live: bool) -> Table:
    table = Table(title=t("deadlines", lang), title_justify="left")
    for col in ("col_step", "col_started", "col_due", "col_finished", "col_state"):
        table.add_column(t(col, lang))
    for d in s.deadlines:
        if live or d.finished_at is not None:
            state = deadline_state(d, now, lang)
            style = "red" if d.overdue or (d.finished_at or now) > d.due_at else ""
        else:
            state, style = t("not_finished", lang), ""
        table.add_row(
            step_name(d.step, lang),
            when(d.started_at),
            when(d.due_at),
            when(d.finished_at),
            Text(state, style=style),
        )
    return table


def _answers(s: CaseStatus, lang: str) -> Table:
    table = Table(title=t("answers", lang), title_justify="left")
    for col in ("col_member", "col_answer", "refusal_ground", "col_details", "col_at"):
        table.add_column(t(col, lang))
    for a in s.answers:
        if a.answer:
            answer = t(a.answer.value, lang)
        else:
            answer = t("no_answer" if a.no_answer else "pending", lang)
        ground = str(a.refusal_ground or "")
        table.add_row(a.member_id, answer, ground, a.details or "", when(a.at) if a.at else "")
    return table


def _decision_and_result(s: CaseStatus, lang: str, out: Console) -> None:
    if s.decision:
        d = s.decision
        out.print(Text(t("decision", lang), style="bold"))
        line = f"  {d.actor}: {t('grant' if d.verdict == 'grant' else 'deny', lang)}"
        if d.until:
            line += f" ({t('until_date', lang, date=d.until.isoformat())})"
        out.print(f"{line} — {when(s.decided_at)}")
        if d.refusal_ground:
            out.print(f"  {t('refusal_ground', lang)}: {d.refusal_ground}")
        for i, r in enumerate(d.reasons, 1):
            out.print(f"  {i}) {r}")
    if s.result:
        r = s.result
        kind = t("conclusion" if r.kind == "conclusion" else "refusal_notice", lang)
        out.print(Text(t("result", lang), style="bold"))
        line = f"  {kind}, {r.registration_number}, {when(r.issued_at)}"
        if r.until:
            line += f", {t('until_date', lang, date=r.until.isoformat())}"
        out.print(line)


def _deliveries(s: CaseStatus, lang: str) -> Table:
    table = Table(title=t("deliveries", lang), title_justify="left")
    for col in ("col_addressee", "col_state", "col_at", "col_reference"):
        table.add_column(t(col, lang))
    for dl in s.deliveries:
        table.add_row(
            t(dl.addressee.value, lang),
            t(f"delivery_{dl.state.value}", lang),
            when(dl.at) if dl.at else "",
            screen_text(dl.reference or ""),  # the addressee's words, kept raw by older cases
        )
    return table


def _notes(s: CaseStatus, lang: str, out: Console) -> None:
    if s.acceptance_mark is not None:
        mark = s.acceptance_mark
        state = t(f"delivery_{mark.state.value}", lang)
        out.print(f"{t('acceptance_mark', lang)}: {state}, {when(mark.at)}")
    if s.findings:
        out.print(Text(t("findings", lang), style="bold"))
        for f in s.findings:
            out.print(f"  ⚑ {f.message(lang)}  [{f.code}]")
    if s.escalations:
        out.print(Text(t("escalations", lang), style="bold red"))
        for e in s.escalations:
            what = escalation_text(e.kind, e.note, lang)
            out.print(f"  {when(e.at)}  [{step_name(e.step, lang)}] {what}")
    if s.rejections:
        out.print(Text(t("rejections", lang), style="bold"))
        for r in s.rejections:
            text = screen_text(f"{r.actor}: {getattr(r, lang, r.en)}")
            out.print(f"  {when(r.at)}  {text}")
