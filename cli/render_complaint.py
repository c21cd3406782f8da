"""`shaqyru complaint show` on a terminal: what the complaint is against, where it
stands and whom it waits for, the decision and the written answer."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.render import act_name, step_name, when
from models.complaint import ComplaintStatus, ComplaintStep
from texts import has, t


def render(s: ComplaintStatus, lang: str, out: Console) -> None:
    out.print(
        Text(t("complaint_title", lang, id=s.complaint_id, app=s.application_id), style="bold")
    )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in _fields(s, lang):
        grid.add_row(label, value)
    out.print(grid)
    if s.decided is not None:
        d = s.decided
        out.print(Text(t("complaint_decision", lang), style="bold"))
        outcome = t(f"complaint_outcome.{d.outcome}", lang)
        out.print(f"  {d.by}: {outcome} — {when(d.at)}")
        if d.reason:
            out.print(f"  {d.reason}")
        if s.revoked:
            out.print(f"  {t('complaint_revoked', lang)}")
        if s.superseded:
            out.print(f"  {t('complaint_superseded', lang)}")
        if s.reconsider_sent is False:
            out.print(f"  {t('complaint_not_taken', lang)}", style="red")
    if s.answer is not None:
        # Named as `shaqyru documents` writes it out: the file, and its hash's beginning.
        file, sha = f"{s.answer.kind}.pdf", s.answer.sha256[:16]
        line = f"{t('complaint_answer', lang)}: {file} (SHA-256 {sha}…)"
        if s.delivery is not None:
            line += f" — {t(f'delivery_{s.delivery.state.value}', lang)}"
        out.print(line)
    if s.escalations:
        out.print(Text(t("escalations", lang), style="bold red"))
        for e in s.escalations:
            code = f"complaint_esc.{e.kind}"
            what = t(code, lang) if has(code) else e.kind
            times = f" ×{e.count}" if e.count > 1 else ""
            out.print(f"  {when(e.at)}  {what}{times}")


def _fields(s: ComplaintStatus, lang: str) -> list[tuple[str, str]]:
    fields = [(t("complaint_act", lang), act_name(s.act, lang))]
    fields.append((t("complaint_filed_at", lang), when(s.filed_at)))
    if s.learned_on is not None:
        fields.append((t("complaint_learned", lang), s.learned_on.isoformat()))
    if s.filing_deadline is not None:
        period = t("complaint_until", lang, date=s.filing_deadline.isoformat())
        if s.late:
            period += f" — {t('complaint_late', lang)}"
        fields.append((t("complaint_period", lang), period))
    step = step_name(f"complaint-{s.step.value}", lang)
    fields.append((t("current_step", lang), step))
    fields.append((t("waiting_for", lang), ", ".join(s.waiting_for) or t("nobody", lang)))
    body = s.body
    if s.passed_at is not None:
        body += f" — {t('complaint_passed', lang, at=when(s.passed_at))}"
    elif s.body_due_at is not None and s.step == ComplaintStep.body:
        body += f" — {t('complaint_due', lang, at=when(s.body_due_at))}"
    fields.append((t("complaint_body", lang), body))
    reviewer = s.reviewer
    if s.review_due_at is not None:
        reviewer += f" — {t('complaint_due', lang, at=when(s.review_due_at))}"
    fields.append((t("complaint_reviewer", lang), reviewer))
    return fields
