"""The checks a caseworker's action must pass before it changes a case (SPEC 4, 5).

Pure functions of the case's state, so that a signal, an update's validator and the
command line all give the same answer. Each refusal carries a stable code and its text
in Kazakh, Russian and English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.case import Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
)

# code -> (kk, ru, en); {placeholders} are filled from the refusal's params.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "actor.not_chairman": (
        "{actor}: бұл әрекетті тек комиссия төрағасы ({chairman}) жасай алады",
        "{actor}: это действие может выполнить только председатель комиссии ({chairman})",
        "{actor}: only the commission chairman ({chairman}) may do this",
    ),
    "actor.not_forwarded": (
        "{actor}: өтініш сізге қарауға жолданбаған",
        "{actor}: заявление не направлялось вам на рассмотрение",
        "{actor}: the application was not forwarded to you for review",
    ),
    "step.wrong": (
        "Өтініш қазір «{step_kk}» кезеңінде; «{wanted_kk}» әрекеті қабылданбайды",
        "Заявление сейчас на этапе «{step_ru}»; действие «{wanted_ru}» не принимается",
        "The case is at the '{step}' step; '{wanted}' is not accepted now",
    ),
    "members.empty": (
        "members: мүшелер тізімі бос болмауы керек",
        "members: список членов комиссии не может быть пустым",
        "members: the list of members must not be empty",
    ),
    "members.unknown": (
        "members: {ids} — бұл комиссияның мүшесі емес",
        "members: {ids} — не члены этой комиссии",
        "members: {ids} are not members of this commission",
    ),
    "member.already_decided": (
        "{actor}: сіз бұл өтініш бойынша шешім беріп қойдыңыз",
        "{actor}: вы уже приняли решение по этому заявлению",
        "{actor}: you have already decided on this application",
    ),
    "refusal.ground_missing": (
        "refusal_ground: бас тарту үшін 9-тармақтың негізі (1 немесе 2) көрсетілуі керек",
        "refusal_ground: для отказа укажите основание пункта 9 (1 или 2)",
        "refusal_ground: a refusal needs a ground of para. 9 (1 or 2)",
    ),
    "refusal.details_missing": (
        "details: бас тартудың мән-жайы жазылуы керек",
        "details: для отказа опишите обстоятельства",
        "details: a refusal needs details",
    ),
    "agree.with_refusal": (
        "refusal_ground: келісу кезінде бас тарту негізі көрсетілмейді",
        "refusal_ground: при согласии основание отказа не указывается",
        "refusal_ground: an agreement carries no refusal ground",
    ),
    "until.missing": (
        "until: кейінге қалдыру мерзімінің соңғы күні көрсетілуі керек",
        "until: укажите дату окончания отсрочки",
        "until: a deferral needs its end date",
    ),
    "until.not_after_acceptance": (
        "until: {until} өтініш қабылданған күннен ({accepted}) кейін болуы керек",
        "until: {until} должна быть позже даты принятия заявления ({accepted})",
        "until: {until} must be after the acceptance date ({accepted})",
    ),
    "until.not_for_exemption": (
        "until: босату мерзімсіз беріледі, соңғы күн көрсетілмейді",
        "until: освобождение предоставляется без срока, дата не указывается",
        "until: an exemption has no end date",
    ),
    "reasons.missing": (
        "reasons: бас тарту кемінде бір себеппен негізделуі керек",
        "reasons: отказ должен содержать хотя бы одну причину",
        "reasons: a refusal needs at least one reason",
    ),
    "reasons.on_grant": (
        "reasons: оң шешімге бас тарту себептері жазылмайды",
        "reasons: к положительному решению причины отказа не прилагаются",
        "reasons: a grant carries no refusal reasons",
    ),
}

STEP_NAMES: dict[str, tuple[str, str]] = {
    "accept": ("қабылдау", "приём"),
    "register": ("тіркеу", "регистрация"),
    "forward": ("мүшелерге жолдау", "направление членам комиссии"),
    "review": ("мүшелердің қарауы", "рассмотрение членами комиссии"),
    "decide": ("төрағаның шешімі", "решение председателя"),
    "issue": ("құжатты шығару", "выдача документа"),
    "deliver": ("жеткізу", "доставка"),
    "done": ("аяқталды", "завершено"),
}


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, str]

    def text(self, lang: str) -> str:
        kk, ru, en = MESSAGES[self.code]
        template = {"kk": kk, "ru": ru}.get(lang, en)
        return template.format(**self.params)


@dataclass(frozen=True)
class CaseView:
    """The part of a case's state that the checks read."""

    step: Step
    chairman: str
    members: tuple[str, ...]
    forwarded: tuple[str, ...]
    answered: tuple[str, ...]
    service: str
    accepted_on: date | None


def _wrong_step(view: CaseView, wanted: Step) -> Refusal:
    return Refusal(
        "step.wrong",
        {
            "step": view.step.value,
            "wanted": wanted.value,
            "step_kk": STEP_NAMES[view.step][0],
            "step_ru": STEP_NAMES[view.step][1],
            "wanted_kk": STEP_NAMES[wanted][0],
            "wanted_ru": STEP_NAMES[wanted][1],
        },
    )


def _chairman_at(view: CaseView, actor: str, wanted: Step) -> Refusal | None:
    if not view.chairman:  # not registered yet: nobody can act on it
        return _wrong_step(view, wanted)
    if actor != view.chairman:
        return Refusal("actor.not_chairman", {"actor": actor, "chairman": view.chairman})
    if view.step != wanted:
        return _wrong_step(view, wanted)
    return None


def check_forward(view: CaseView, cmd: Forward) -> Refusal | None:
    if refusal := _chairman_at(view, cmd.actor, Step.forward):
        return refusal
    if cmd.members is not None:
        if not cmd.members:
            return Refusal("members.empty", {})
        unknown = [m for m in cmd.members if m not in view.members]
        if unknown:
            return Refusal("members.unknown", {"ids": ", ".join(unknown)})
    return None


def check_member_decision(view: CaseView, cmd: MemberDecision) -> Refusal | None:
    if cmd.actor not in view.forwarded:
        return Refusal("actor.not_forwarded", {"actor": cmd.actor})
    # A member may answer as soon as he has the application, even in the instant before
    # the case itself has moved on to the review step.
    if view.step not in (Step.forward, Step.review):
        return _wrong_step(view, Step.review)
    if cmd.actor in view.answered:
        return Refusal("member.already_decided", {"actor": cmd.actor})
    if cmd.verdict == MemberVerdict.refuse:
        if cmd.refusal_ground is None:
            return Refusal("refusal.ground_missing", {})
        if not (cmd.details or "").strip():
            return Refusal("refusal.details_missing", {})
    elif cmd.refusal_ground is not None:
        return Refusal("agree.with_refusal", {})
    return None


def check_chairman_decision(view: CaseView, cmd: ChairmanDecision) -> Refusal | None:
    if refusal := _chairman_at(view, cmd.actor, Step.decide):
        return refusal
    if cmd.verdict == ChairmanVerdict.refuse:
        if not [r for r in cmd.reasons if r.strip()]:
            return Refusal("reasons.missing", {})
        return None
    if cmd.reasons:
        return Refusal("reasons.on_grant", {})
    if view.service == "exemption":
        if cmd.until is not None:
            return Refusal("until.not_for_exemption", {})
        return None
    if cmd.until is None:
        return Refusal("until.missing", {})
    if view.accepted_on is not None and cmd.until <= view.accepted_on:
        return Refusal(
            "until.not_after_acceptance",
            {"until": cmd.until.isoformat(), "accepted": view.accepted_on.isoformat()},
        )
    return None
