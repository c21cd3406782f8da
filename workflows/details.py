"""What the Temporal UI shows of a case: the summary in its list (set by the starter) and
the current details while it runs (set by the workflow), in Kazakh and Russian, the two
languages of the commissions' supervisors; the codes stay in the search attributes.
Pure code, read inside the workflow sandbox: nothing here is a command, so the wording
may change without versioning."""

from __future__ import annotations

from datetime import datetime

from rules.timezone import ALMATY
from texts import has, register, t

register(
    {
        "ui.step": ("Кезең", "Этап", "Step"),
        "ui.registration": ("Тіркеу нөмірі", "Рег. номер", "Registration"),
        "ui.due": ("Мерзімі", "Срок", "Due"),
        "ui.overdue": ("мерзімі өтті", "просрочено", "overdue"),
        "ui.waiting": ("Күтуде", "Ожидается", "Waiting for"),
        "ui.reopened": (
            "{complaint} шағымы бойынша қайта қаралуда",
            "Повторное рассмотрение по жалобе {complaint}",
            "Decided again on complaint {complaint}",
        ),
        "ui.district": ("Аудан", "Район", "District"),
    }
)


def local(at: datetime) -> str:
    """Asia/Almaty time to the minute, with the zone: what an office clock says."""
    moment = at.astimezone(ALMATY)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def both(code: str, **params: str) -> str:
    kk, ru = t(code, "kk", **params), t(code, "ru", **params)
    return kk if kk == ru else f"{kk} / {ru}"


def _step(step: str) -> str:
    code = f"step_name.{step}"
    return both(code) if has(code) else step


def details(
    step: str,
    registration: str | None = None,
    due: datetime | None = None,
    overdue: bool = False,
    waiting: list[str] | None = None,
    reopened: str | None = None,
) -> str:
    """The case's current details, one line a fact, labels in both languages."""
    lines = [f"**{both('ui.step')}:** {_step(step)}"]
    if reopened:
        lines.append(both("ui.reopened", complaint=reopened))
    if registration:
        lines.append(f"**{both('ui.registration')}:** {registration}")
    if due is not None:
        late = f" ({both('ui.overdue')})" if overdue else ""
        lines.append(f"**{both('ui.due')}:** {local(due)}{late}")
    if waiting:
        lines.append(f"**{both('ui.waiting')}:** " + ", ".join(waiting))
    return "\n\n".join(lines)


def summary(service_kk: str, service_ru: str, ground: int, district: str) -> str:
    """The list's one line: no names, no IIN."""
    return f"{service_kk} / {service_ru} · {ground} · {district}"
