"""The checks a caseworker's action must pass before it changes a case (SPEC 4, 5).

Pure functions of the case's state, so that a signal, an update's validator and the
command line all give the same answer. Each refusal carries a stable code and its text
in Kazakh, Russian and English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models.case import Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
    ResultSigning,
)
from models.text import FIELD_SHOWN as FIELD_SHOWN
from models.text import shown
from rules import signatures as _signatures  # noqa: F401 - registers its refusal texts
from rules.refusal import Refusal, register
from texts.domain import STEPS

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
    "members.duplicate": (
        "members: {ids} — тізімде екі рет аталған",
        "members: {ids} — указаны в списке дважды",
        "members: {ids} are named twice",
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
    "until.on_refusal": (
        "until: бас тартуда мерзімнің соңғы күні көрсетілмейді",
        "until: при отказе дата окончания срока не указывается",
        "until: a refusal carries no end date",
    ),
    "until.too_late": (
        "until: {until} әскерге шақырылу міндеті аяқталатын күннен ({limit}, 27 жасқа толар"
        " алдындағы күн) кейін",
        "until: {until} позже окончания призывного возраста ({limit}, день перед 27-летием)",
        "until: {until} is after the end of liability to conscription ({limit}, the day"
        " before the 27th birthday)",
    ),
    "reasons.missing": (
        "reasons: бас тарту кемінде бір себеппен негізделуі керек",
        "reasons: отказ должен содержать хотя бы одну причину",
        "reasons: a refusal needs at least one reason",
    ),
    "reasons.blank": (
        "reasons: {numbers}-себеп бос",
        "reasons: причина № {numbers} пуста",
        "reasons: reason {numbers} is empty",
    ),
    "grant.with_refusal_ground": (
        "refusal_ground: оң шешімде бас тарту негізі көрсетілмейді",
        "refusal_ground: при положительном решении основание отказа не указывается",
        "refusal_ground: a grant carries no refusal ground",
    ),
    "reasons.on_grant": (
        "reasons: оң шешімге бас тарту себептері жазылмайды",
        "reasons: к положительному решению причины отказа не прилагаются",
        "reasons: a grant carries no refusal reasons",
    ),
    "document.other": (
        "document_sha256: қол қойылған құжат ({signed}) осы іс бойынша шығарылған құжат емес",
        "document_sha256: подписан не тот документ ({signed}), что выдан по этому делу",
        "document_sha256: the signed document ({signed}) is not the one this case issued",
    ),
    "result_signature.invalid": (
        "{actor}: құжаттағы қолтаңба тексеруден өтпеді: {reason}",
        "{actor}: подпись под документом не прошла проверку: {reason}",
        "{actor}: the signature over the document does not verify: {reason}",
    ),
    "payload.missing": (
        "Командада дерек жоқ; бір мән күтіледі",
        "Команда не содержит данных; ожидается одно значение",
        "The command carries no data; one value is expected",
    ),
    "payload.several": (
        "Командада {count} мән бар; біреуі ғана күтіледі",
        "Команда содержит {count} значений; ожидается одно",
        "The command carries {count} values; exactly one is expected",
    ),
    "payload.invalid": (
        "Команда дұрыс емес: «{field}» өрісі — {rule_kk}",
        "Неверная команда: поле «{field}» — {rule_ru}",
        "Invalid command: field '{field}': {rule_en}",
    ),
    "signal.unknown": (
        "«{name}» деген сигнал жоқ; еленбеді",
        "Сигнала «{name}» нет; он пропущен",
        "There is no signal '{name}'; it was dropped",
    ),
}

register(MESSAGES)

# Why a field of a command was refused, by pydantic's error type.
COMMAND_RULES: dict[str, tuple[str, str, str]] = {
    "command_rule.missing": (
        "міндетті, бірақ жоқ",
        "обязательно, но отсутствует",
        "required but missing",
    ),
    "command_rule.extra": ("мұндай өріс жоқ", "такого поля нет", "no such field"),
    "command_rule.too_long": ("тым ұзын", "слишком длинное", "too long"),
    "command_rule.too_many": ("тым көп мән", "слишком много значений", "too many values"),
    "command_rule.format": ("пішімі дұрыс емес", "неверный формат", "wrong format"),
    "command_rule.choice": (
        "рұқсат етілген мәндердің бірі емес",
        "значение не из допустимых",
        "not one of the allowed values",
    ),
    "command_rule.text.control": (
        "басқару немесе көрінбейтін таңбалар бар",
        "содержит управляющие или невидимые символы",
        "contains control or invisible characters",
    ),
    "command_rule.text.blank": ("бос мәтін", "пустой текст", "blank text"),
    "command_rule.type": ("мәннің түрі дұрыс емес", "неверный тип значения", "wrong type of value"),
}

register(COMMAND_RULES)
_RULE_OF_ERROR = {
    "missing": "missing",
    "extra_forbidden": "extra",
    "string_too_long": "too_long",
    "too_long": "too_many",
    "string_too_short": "text.blank",
    "string_pattern_mismatch": "format",
    "literal_error": "choice",
    "enum": "choice",
    "date_from_datetime_parsing": "format",
    "date_parsing": "format",
}

STEP_NAMES: dict[str, tuple[str, str]] = {
    code.removeprefix("step_name."): (kk, ru) for code, (kk, ru, _) in STEPS.items()
}
"""A step in Kazakh and Russian, as `step.wrong` has always worded it (the catalogue)."""


def rule_of(error: Any) -> str:
    """Which `command_rule.*` text says why pydantic refused a field."""
    kind = error["type"]
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return next((r for r in ("text.control", "text.blank") if r in message), "format")
    return _RULE_OF_ERROR.get(kind, "type")


def _invalid(error: Any) -> Refusal:
    field = ".".join(str(part) for part in error["loc"]) or "-"
    kk, ru, en = COMMAND_RULES[f"command_rule.{rule_of(error)}"]
    return Refusal(
        "payload.invalid", {"field": shown(field), "rule_kk": kk, "rule_ru": ru, "rule_en": en}
    )


Command = TypeVar("Command", bound=BaseModel)


def parse_command(model: type[Command], args: tuple[Any, ...]) -> Command | Refusal:
    """The one command an update or signal must carry, or why it cannot be read.

    Handlers take their payloads raw, so that no payload (none, several, of another shape,
    huge) can raise inside workflow code."""
    if not args:
        return Refusal("payload.missing", {})
    if len(args) > 1:
        return Refusal("payload.several", {"count": str(len(args))})
    try:
        return model.model_validate(args[0])
    except ValidationError as bad:
        return _invalid(bad.errors(include_url=False, include_input=False)[0])


def claimed_actor(args: tuple[Any, ...]) -> str:
    """Who a command says it comes from, as far as it can be read, for the record."""
    first = args[0] if args else None
    actor = first.get("actor") if isinstance(first, dict) else None
    return shown(actor) if isinstance(actor, str) and actor else "?"


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
    until_limit: date | None = None
    """The last day a deferral may run: the day before the 27th birthday."""
    issued_sha256: str | None = None
    """The PDF the case issued, which the chairman signs."""


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
        twice = sorted({m for m in cmd.members if cmd.members.count(m) > 1})
        if twice:
            return Refusal("members.duplicate", {"ids": ", ".join(twice)})
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
        blank = [str(n) for n, r in enumerate(cmd.reasons, 1) if not r.strip()]
        if blank:
            return Refusal("reasons.blank", {"numbers": ", ".join(blank)})
        # The notice cites the ground of para. 9 the chairman chose; none is presumed.
        if cmd.refusal_ground is None:
            return Refusal("refusal.ground_missing", {})
        if cmd.until is not None:
            return Refusal("until.on_refusal", {})
        return None
    if cmd.reasons:
        return Refusal("reasons.on_grant", {})
    if cmd.refusal_ground is not None:
        return Refusal("grant.with_refusal_ground", {})
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
    if view.until_limit is not None and cmd.until > view.until_limit:
        return Refusal(
            "until.too_late",
            {"until": cmd.until.isoformat(), "limit": view.until_limit.isoformat()},
        )
    return None


def check_result_signing(view: CaseView, cmd: ResultSigning) -> Refusal | None:
    if refusal := _chairman_at(view, cmd.actor, Step.sign):
        return refusal
    if cmd.document_sha256 != view.issued_sha256:
        return Refusal("document.other", {"signed": cmd.document_sha256[:12]})
    return None
