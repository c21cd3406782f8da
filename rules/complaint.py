"""Complaints against the commission's decisions, actions and inaction (para. 14 of the
rules), which para. 14 sends to the Administrative Procedural and Process Code (APPK,
Code No. 350-VI of 29 June 2020), chapter on the pre-trial appeal. The Code's articles
and the choices made where it leaves one: docs/complaints.md.

The terms are data with the article they come from, so that a lawyer can read and change
them in one place. Pure code: the workflow, the CLI and the tests call the same checks."""

from __future__ import annotations

import calendar as _months
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rules.refusal import Refusal, register


@dataclass(frozen=True)
class Term:
    value: int
    unit: str
    source: str
    verified: bool
    """Read in the Code's text (True), or taken from the issue's brief and still to be
    checked against the official text (False)."""


FILING_PERIOD = Term(3, "months", "APPK art. 92 part 1", verified=True)
"""From the day the complainant learned of the act or of the inaction."""
BODY_TERM = Term(3, "working days", "APPK art. 91 part 4, para. 2", verified=False)
"""The body whose act is complained of: satisfy the complaint itself or pass it on."""
REVIEW_TERM = Term(20, "working days", "APPK art. 101", verified=False)
"""The reviewing body: decide from the day the complaint reached it."""


class Act(StrEnum):
    """What the complaint is about (APPK art. 91 part 1)."""

    conclusion = "conclusion"
    refusal = "refusal"
    inaction = "inaction"


class BodyAction(StrEnum):
    """What the body that took the act may do (APPK art. 91 part 4)."""

    satisfy = "satisfy"
    pass_on = "pass"


class Verdict(StrEnum):
    """The reviewing body's decision on the complaint. Upheld revokes the act (or, for
    inaction, finds it unlawful) and obliges the commission to decide again."""

    upheld = "upheld"
    dismissed = "dismissed"


def filing_deadline(learned_on: date) -> date:
    """The last day to file: the same day FILING_PERIOD months later, or the month's last
    day when it has none (a 30 November decision: 28 or 29 February)."""
    month = learned_on.month - 1 + FILING_PERIOD.value
    year, month = learned_on.year + month // 12, month % 12 + 1
    return date(year, month, min(learned_on.day, _months.monthrange(year, month)[1]))


def is_late(learned_on: date, filed_on: date) -> bool:
    return filed_on > filing_deadline(learned_on)


@dataclass(frozen=True)
class CaseFacts:
    """What a complaint needs to know of the application's case: its `status` query."""

    finished: bool
    result_kind: str | None
    term_breached: bool


def admissible(act: Act, case: CaseFacts) -> Refusal | None:
    """Whether the complaint is about something the case has: a result it issued, or an
    inaction the Code recognises (art. 91 part 2: a term that ran out counts as a refusal
    to act). A late complaint is admissible: art. 92 part 3."""
    if act is Act.inaction:
        if case.finished:
            return Refusal("complaint.inaction_finished", {})
        if not case.term_breached:
            return Refusal("complaint.inaction_in_term", {})
        return None
    if not case.finished:
        return Refusal("complaint.not_finished", {"act": act.value})
    if case.result_kind != act.value:
        return Refusal(
            "complaint.other_result", {"act": act.value, "kind": case.result_kind or "-"}
        )
    return None


register(
    {
        "complaint.inaction_finished": (
            "Өтініш бойынша нәтиже берілді: әрекетсіздікке емес, шешімге шағым беріңіз",
            "По заявлению выдан результат: обжалуйте решение, а не бездействие",
            "The case has its result: complain of the decision, not of inaction",
        ),
        "complaint.inaction_in_term": (
            "Қызмет көрсету мерзімі (5 жұмыс күні) әлі өткен жоқ: әрекетсіздік жоқ"
            " (ӘРПК 91-бабының 2-бөлігі)",
            "Срок оказания услуги (5 рабочих дней) не истёк: бездействия нет"
            " (часть 2 статьи 91 АППК)",
            "The 5-working-day term has not run out: there is no inaction (APPK art. 91 p. 2)",
        ),
        "complaint.not_finished": (
            "Өтініш әлі қаралуда: «{act}» шешімі берілген жоқ",
            "Заявление ещё рассматривается: решение «{act}» не выдано",
            "The case is still open: no '{act}' has been issued",
        ),
        "complaint.other_result": (
            "Өтініш бойынша «{kind}» берілді, «{act}» емес",
            "По заявлению выдан «{kind}», а не «{act}»",
            "The case issued a '{kind}', not a '{act}'",
        ),
        "complaint.not_body": (
            "{actor}: шағымды тек шешім қабылдаған комиссияның төрағасы ({chairman}) қарайды",
            "{actor}: жалобу рассматривает только председатель комиссии ({chairman})",
            "{actor}: only the commission's chairman ({chairman}) acts on the complaint here",
        ),
        "complaint.not_reviewer": (
            "{actor}: шағымды қарайтын орган — {reviewer}",
            "{actor}: орган, рассматривающий жалобу, — {reviewer}",
            "{actor}: the reviewing body is {reviewer}",
        ),
        "complaint.wrong_step": (
            "Шағым қазір «{step}» кезеңінде; бұл әрекет қабылданбайды",
            "Жалоба сейчас на этапе «{step}»; это действие не принимается",
            "The complaint is at the '{step}' step; this action is not accepted now",
        ),
        "complaint.date_out_of_range": (
            "{field}: {value} — {first}–{last} жылдар аралығынан тыс",
            "{field}: {value} — вне {first}–{last} годов",
            "{field}: {value} is outside the years {first}-{last}",
        ),
        "complaint.learned_after_filing": (
            "complaint.learned_on: {learned} — шағым берілген күннен ({filed}) кейін",
            "complaint.learned_on: {learned} — позже дня подачи жалобы ({filed})",
            "complaint.learned_on: {learned} is after the day the complaint was filed ({filed})",
        ),
        "complaint.reviewer_in_commission": (
            "reviewer: {reviewer} шағым жасалған комиссияның құрамында; шағымды жоғары тұрған"
            " орган қарайды (ӘРПК 91-бабының 3-бөлігі)",
            "reviewer: {reviewer} входит в комиссию, чей акт обжалуется; жалобу рассматривает"
            " вышестоящий орган (часть 3 статьи 91 АППК)",
            "reviewer: {reviewer} sits on the commission whose act is complained of; a higher"
            " body reviews the complaint (APPK art. 91 p. 3)",
        ),
        "complaint.reason_missing": (
            "reason: шешімнің негіздемесі жазылуы керек",
            "reason: укажите мотивы решения",
            "reason: the decision needs its reasons",
        ),
    }
)
