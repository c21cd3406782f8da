"""Checking an application from the portal before a case starts (SPEC 3, 6).

`check_application` reports every problem at once: a caseworker or the portal should
be able to fix an application in one round, not one error per attempt. Structural
(pydantic) errors become problems too, and the rule checks still run on whatever
parts of the application could be read.

Only what stops a submission is a problem: malformed data, a missing field or required
attachment, an invalid IIN, a closed period, an unknown district. Substantive
eligibility (age, sex, a document that contradicts the ground, what the state records
say) is for the commission to weigh: `rules.findings` reports it, and the case opens.

Before any parsing the raw text is bounded (size, nesting), so that no input can make
the checker itself fail; a UTF-8 byte order mark, which some editors write, is dropped.

Not for workflow code: it converts times with zoneinfo and may read the roster file.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from models.application import MAX_DOCUMENTS, Applicant, Application, AttachedDocument, Service
from models.findings import Finding
from models.roster import Roster
from models.text import hidden
from rules import regulation
from rules.calendar import FIRST_YEAR
from rules.findings import findings
from rules.iin import check_iin
from rules.regulation import ACCEPTANCE_PERIODS, Lang, in_acceptance_period
from rules.roster import load_roster
from rules.timezone import ALMATY

MAX_APPLICATION_BYTES = 256 * 1024
"""An application is a few kilobytes; anything near this is not one."""
MAX_JSON_DEPTH = 8
"""The application nests three levels deep (object, documents, document)."""
FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far `submitted_at` may be ahead of the receiving clock: clocks drift a little."""


class Problem(BaseModel):
    """One thing wrong with an application, in words for each language."""

    model_config = ConfigDict(frozen=True)

    field: str
    """Dotted path in the application, e.g. `applicant.iin`, `documents.0.kind`;
    empty for the application as a whole."""
    rule: str
    """Stable code, e.g. `iin.check_digit`, `documents.missing`, `schema.missing`."""
    kk: str
    ru: str
    en: str

    def message(self, lang: Lang) -> str:
        return getattr(self, lang)


class ApplicationInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field or '-'}: {p.rule}" for p in problems))
        self.problems = problems


# Field names as a caseworker says them; list indices are written as "*".
_FIELDS: dict[str, tuple[str, str, str]] = {
    "": ("Өтініш", "Заявление", "Application"),
    "application_id": ("Өтініштің нөмірі", "Номер заявления", "Application id"),
    "service": ("Мемлекеттік қызмет", "Государственная услуга", "Service"),
    "ground": ("Негіздің нөмірі", "Номер основания", "Ground number"),
    "applicant": ("Өтініш беруші", "Заявитель", "Applicant"),
    "applicant.iin": ("Өтініш берушінің ЖСН", "ИИН заявителя", "Applicant's IIN"),
    "applicant.surname": ("Тегі", "Фамилия", "Surname"),
    "applicant.name": ("Аты", "Имя", "Name"),
    "applicant.patronymic": ("Әкесінің аты", "Отчество", "Patronymic"),
    "applicant.address": ("Мекенжайы", "Адрес", "Address"),
    "applicant.phone": ("Телефон", "Телефон", "Phone"),
    "applicant.district": ("Аудан (тізілім коды)", "Район (код реестра)", "District (roster code)"),
    "submitted_at": ("Өтініш берілген уақыт", "Время подачи заявления", "Submission time"),
    "signed_with": ("Қол қою тәсілі", "Способ подписания", "Signed with"),
    "reason": ("Кейінге қалдыру/босату себебі", "Причина", "Reason"),
    "documents": ("Қоса берілген құжаттар", "Приложенные документы", "Attached documents"),
    "documents.*": ("Құжат", "Документ", "Document"),
    "documents.*.kind": ("Құжат түрі", "Вид документа", "Document kind"),
    "documents.*.file_name": ("Файл атауы", "Имя файла", "File name"),
    "documents.*.media_type": ("Файл түрі", "Тип файла", "Media type"),
    "documents.*.size": ("Файл көлемі", "Размер файла", "File size"),
    "documents.*.sha256": ("Файлдың SHA-256 хеші", "Хеш SHA-256 файла", "File SHA-256"),
    "documents.*.ref": ("Файл сілтемесі", "Ссылка на файл", "File reference"),
}

_TEXTS: dict[str, tuple[str, str, str]] = {
    "schema.json": (
        "JSON ретінде оқылмады",
        "не читается как JSON",
        "is not valid JSON",
    ),
    "schema.missing": (
        "міндетті өріс берілмеген",
        "обязательное поле отсутствует",
        "required field is missing",
    ),
    "schema.extra": (
        "мұндай өріс қарастырылмаған",
        "такое поле не предусмотрено",
        "this field is not allowed",
    ),
    "schema.type": ("мәннің түрі дұрыс емес", "неверный тип значения", "wrong type of value"),
    "schema.format": ("мәннің пішімі дұрыс емес", "неверный формат значения", "wrong format"),
    "schema.length": (
        "мәннің ұзындығы рұқсат етілген шектен тыс",
        "длина значения вне допустимых пределов",
        "length out of the allowed range",
    ),
    "schema.range": (
        "мән рұқсат етілген шектен тыс",
        "значение вне допустимых пределов",
        "value out of the allowed range",
    ),
    "schema.choice": (
        "мән рұқсат етілген мәндердің бірі емес",
        "значение не из списка допустимых",
        "value is not one of the allowed values",
    ),
    "schema.timezone": (
        "уақыт белдеуі көрсетілмеген (мысалы, +05:00)",
        "не указан часовой пояс (например, +05:00)",
        "the time zone offset is missing (e.g. +05:00)",
    ),
    "schema.invalid": ("мән жарамсыз", "недопустимое значение", "invalid value"),
    "application.too_large": (
        "файлдың көлемі {limit} КБ-тан асады; өтініш бірнеше КБ болады",
        "размер файла больше {limit} КБ; заявление занимает несколько КБ",
        "the file is larger than {limit} KiB; an application is a few KiB",
    ),
    "schema.depth": (
        "JSON {limit} деңгейден тереңірек салынған",
        "вложенность JSON глубже {limit} уровней",
        "JSON is nested deeper than {limit} levels",
    ),
    "text.control": (
        "көрінбейтін немесе басқарушы таңбалар бар ({chars}); оларды алып тастаңыз",
        "содержит невидимые или управляющие символы ({chars}); удалите их",
        "contains invisible or control characters ({chars}); remove them",
    ),
    "text.no_letter": (
        "кемінде бір әріп болуы тиіс",
        "должно содержать хотя бы одну букву",
        "must contain at least one letter",
    ),
    "text.blank": (
        "бос: бірде-бір көрінетін таңба жоқ",
        "пусто: нет ни одного видимого символа",
        "is blank: it has no visible character",
    ),
    "iin.format": (
        "ЖСН 12 цифрдан тұруы тиіс",
        "ИИН должен состоять из 12 цифр",
        "the IIN must be exactly 12 digits",
    ),
    "iin.century": (
        "ЖСН-нің 7-цифры 1-ден 6-ға дейін болуы тиіс (туған ғасыры мен жынысы)",
        "7-я цифра ИИН должна быть от 1 до 6 (век рождения и пол)",
        "the IIN's 7th digit must be 1 to 6 (century of birth and sex)",
    ),
    "iin.birth_date": (
        "ЖСН-нің алғашқы 6 цифры нақты туған күн емес (ЖЖААКК)",
        "первые 6 цифр ИИН не являются реальной датой рождения (ГГММДД)",
        "the IIN's first 6 digits are not a real birth date (YYMMDD)",
    ),
    "iin.check_digit": (
        "ЖСН-нің бақылау цифры (12-цифр) сәйкес келмейді",
        "контрольный разряд ИИН (12-я цифра) не совпадает",
        "the IIN's check digit (12th) does not match",
    ),
    "ground.unknown": (
        "«{service}» қызметінде {ground}-негіз жоқ (негіздер: 1-{last})",
        "у услуги «{service}» нет основания № {ground} (основания: 1-{last})",
        "{service} has no ground {ground} (grounds 1-{last})",
    ),
    "documents.missing": (
        "{ground}-негіз бойынша қажетті құжаттар қоса берілмеген: {names}",
        "не приложены документы, необходимые по основанию № {ground}: {names}",
        "documents required for ground {ground} are missing: {names}",
    ),
    "documents.unknown_kind": (
        "«{code}» құжат түрі белгісіз (тізімі: shaqyru rules)",
        "неизвестный вид документа «{code}» (список: shaqyru rules)",
        "unknown document kind '{code}' (see shaqyru rules)",
    ),
    "documents.too_many": (
        "{n} құжат қоса берілген; ең көбі {limit} болуы мүмкін",
        "приложено документов: {n}; допускается не более {limit}",
        "{n} documents attached; at most {limit} are allowed",
    ),
    "submitted_at.future": (
        "берілген уақыты ({at}) өтінішті алған уақыттан ({now}) кейін; болашақ уақыт көрсетілмейді",
        "время подачи ({at}) позже времени получения заявления ({now}); оно не может "
        "быть в будущем",
        "submitted at {at}, later than the application was received ({now}); it cannot "
        "be in the future",
    ),
    "submitted_at.too_early": (
        "берілген уақыты ({at}) {first} жылдан бұрын; жұмыс уақытының күнтізбесі {first} "
        "жылдан басталады, күнін тексеріңіз",
        "время подачи ({at}) раньше {first} года; календарь рабочего времени начинается "
        "с {first} года, проверьте дату",
        "submitted at {at}, before {first}; the working-time calendar begins in {first}, "
        "check the date",
    ),
    "period.closed": (
        "өтініш {date} күні (Алматы уақытымен) берілген; өтініштер тек {periods} "
        "аралығында қабылданады",
        "заявление подано {date} (по времени Алматы); заявления принимаются только в "
        "периоды {periods}",
        "submitted on {date} (Almaty time); applications are accepted only {periods}",
    ),
    "district.unknown": (
        "«{code}» ауданы әскерге шақыру комиссияларының тізілімінде жоқ",
        "района «{code}» нет в реестре призывных комиссий",
        "district '{code}' is not in the roster of conscription commissions",
    ),
}

_SCHEMA_RULES = {
    "missing": "schema.missing",
    "extra_forbidden": "schema.extra",
    "string_pattern_mismatch": "schema.format",
    "string_too_short": "schema.length",
    "string_too_long": "schema.length",
    "too_short": "schema.length",
    "too_long": "schema.length",
    "greater_than": "schema.range",
    "greater_than_equal": "schema.range",
    "less_than": "schema.range",
    "less_than_equal": "schema.range",
    "enum": "schema.choice",
    "literal_error": "schema.choice",
    "timezone_aware": "schema.timezone",
}

_SHOWN_CTX = {"pattern", "min_length", "max_length", "ge", "gt", "le", "lt", "expected"}

_AND = {"kk": " және ", "ru": " и ", "en": " and "}


def _label(path: str) -> tuple[str, str, str]:
    parts = path.split(".") if path else []
    pattern = ".".join("*" if p.isdigit() else p for p in parts)
    label = _FIELDS.get(pattern, (path, path, path))
    index = next((int(p) for p in parts if p.isdigit()), None)
    if index is None:
        return label
    n = index + 1  # people count documents from one
    if pattern == "documents.*":
        return (f"№{n} құжат", f"Документ № {n}", f"Document {n}")
    return (
        f"{label[0]} (№{n} құжат)",
        f"{label[1]} (документ № {n})",
        f"{label[2]} (document {n})",
    )


def _problem(field: str, rule: str, extra: str = "", en_extra: str = "", **values: Any) -> Problem:
    label = _label(field)
    texts = _TEXTS[rule]

    def render(lang_index: int, lang: Lang) -> str:
        vals = {k: (v(lang) if callable(v) else v) for k, v in values.items()}
        tail = en_extra if lang == "en" and en_extra else extra
        return f"{label[lang_index]}: {texts[lang_index].format(**vals)}{tail}"

    return Problem(
        field=field, rule=rule, kk=render(0, Lang.kk), ru=render(1, Lang.ru), en=render(2, Lang.en)
    )


def _from_pydantic(err: Any) -> Problem:
    field = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "string_unicode":  # a lone surrogate, which a JSON escape can make
        return _problem(field, "text.control", chars="U+D800-U+DFFF")
    rule = _SCHEMA_RULES.get(kind)
    if rule is None:
        is_type = kind.endswith(("_type", "_parsing")) or kind.startswith("int_from")
        rule = "schema.type" if is_type else "schema.invalid"
    # Only the limits a reader can act on; other context is internal to pydantic.
    ctx = {k: v for k, v in (err.get("ctx") or {}).items() if k in _SHOWN_CTX}
    extra = f" ({', '.join(f'{k}: {v}' for k, v in ctx.items())})" if ctx else ""
    # The English text may carry pydantic's own explanation; it names the expected value.
    en_extra = "" if rule == "schema.missing" else f" ({err['msg']})"
    return _problem(field, rule, extra=extra, en_extra=en_extra)


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    # Annotated[...] built at run time is a form mypy cannot type; TypeAdapter takes it.
    tp: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(tp)


_ABSENT = object()


def _part(model: type[BaseModel], name: str, container: Any) -> Any:
    """One field read on its own, so that a broken neighbour does not hide it; None when
    absent or invalid (pydantic has already reported why)."""
    if not isinstance(container, dict) or name not in container:
        return None
    try:
        return _adapter(model, name).validate_python(container[name])
    except ValidationError:
        return None


_LINE_BREAKS = frozenset("\n\t")
"""Kept in a reason, text in the applicant's words that may run over lines."""
_SHOWN_HIDDEN = 5


def _text_problems(
    field: str, value: str | None, needs_letter: bool = False, multiline: bool = False
) -> list[Problem]:
    """Text that reaches documents and terminals: nothing hidden, something to read; a
    name needs a letter."""
    if not value:  # absent, or invalid and reported by pydantic
        return []
    problems: list[Problem] = []
    kept = _LINE_BREAKS if multiline else frozenset()
    found = sorted({c for c in value if hidden(c) and c not in kept})
    if found:
        codes = [f"U+{ord(c):04X}" for c in found[:_SHOWN_HIDDEN]]
        more = ", …" if len(found) > _SHOWN_HIDDEN else ""
        problems.append(_problem(field, "text.control", chars=", ".join(codes) + more))
    visible = [c for c in value if not hidden(c) and not c.isspace()]
    if needs_letter and not any(c.isalpha() for c in visible):
        problems.append(_problem(field, "text.no_letter"))
    elif not visible:
        problems.append(_problem(field, "text.blank"))
    return problems


def _local(at: datetime) -> str:
    try:
        return at.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M")
    except OverflowError:  # year 1 at +05:00 has no UTC, nor 9999 at -05:00
        return at.isoformat(timespec="minutes")


_CALENDAR_START = datetime(FIRST_YEAR, 1, 1, tzinfo=ALMATY)
"""Deadlines are counted on the working-time calendar, which knows no earlier year."""


def _submitted_problems(submitted: datetime | None, now: datetime) -> list[Problem]:
    if submitted is None:
        return []
    if submitted < _CALENDAR_START:
        at = _local(submitted)
        return [_problem("submitted_at", "submitted_at.too_early", at=at, first=FIRST_YEAR)]
    problems = []
    if submitted > now + FUTURE_TOLERANCE:
        at, received = _local(submitted), _local(now)
        problems.append(_problem("submitted_at", "submitted_at.future", at=at, now=received))
    try:
        local_day = submitted.astimezone(ALMATY).date()
    except OverflowError:
        return problems or [_problem("submitted_at", "schema.range")]
    if not in_acceptance_period(local_day):
        problems.append(
            _problem(
                "submitted_at",
                "period.closed",
                date=local_day.isoformat(),
                periods=lambda lang: _AND[lang].join(p.label(lang) for p in ACCEPTANCE_PERIODS),
            )
        )
    return problems


def _rule_checks(data: dict[str, Any], roster: Roster | None, now: datetime) -> list[Problem]:
    service: Service | None = _part(Application, "service", data)
    number: int | None = _part(Application, "ground", data)
    submitted = _part(Application, "submitted_at", data)
    applicant = data.get("applicant")
    iin: str | None = _part(Applicant, "iin", applicant)
    district: str | None = _part(Applicant, "district", applicant)

    ground, problems = _ground(service, number)
    problems += _submitted_problems(submitted, now)
    problems += _texts(data, applicant)
    if iin is not None:
        problems += [_problem("applicant.iin", code) for code in check_iin(iin).problems]
    documents = data.get("documents", [])
    if isinstance(documents, list):
        problems += _documents(documents, ground, number)
    if district is not None:
        roster = roster if roster is not None else load_roster()
        if roster.district(district) is None:
            problems.append(_problem("applicant.district", "district.unknown", code=district))
    return problems


def _ground(
    service: Service | None, number: int | None
) -> tuple[regulation.Ground | None, list[Problem]]:
    if service is None or number is None:
        return None, []
    try:
        return regulation.ground(service, number), []
    except KeyError:
        rules = regulation.service_rules(service)
        unknown = _problem(
            "ground",
            "ground.unknown",
            service=rules.name.get,
            ground=number,
            last=len(rules.grounds),
        )
        return None, [unknown]


def _texts(data: dict[str, Any], applicant: Any) -> list[Problem]:
    """The free texts a person typed: names, address, reason."""
    problems: list[Problem] = []
    if isinstance(applicant, dict):
        for name in ("surname", "name", "patronymic"):
            value = _part(Applicant, name, applicant)
            problems += _text_problems(f"applicant.{name}", value, needs_letter=True)
        address = _part(Applicant, "address", applicant)
        problems += _text_problems("applicant.address", address)
    reason = _part(Application, "reason", data)
    problems += _text_problems("reason", reason, multiline=True)
    return problems


def _documents(
    documents: list[Any], ground: regulation.Ground | None, number: int | None
) -> list[Problem]:
    problems: list[Problem] = []
    if len(documents) > MAX_DOCUMENTS:
        problems.append(
            _problem("documents", "documents.too_many", n=len(documents), limit=MAX_DOCUMENTS)
        )
    attached: set[str] = set()
    for i, doc in enumerate(documents):
        for name in ("file_name", "ref"):
            value = _part(AttachedDocument, name, doc)
            problems += _text_problems(f"documents.{i}.{name}", value)
        kind = _part(AttachedDocument, "kind", doc)
        if kind is None:
            continue
        attached.add(kind)
        if kind not in regulation.DOCUMENT_KINDS:
            problems.append(_problem(f"documents.{i}.kind", "documents.unknown_kind", code=kind))
    missing = [c for c in ground.required if c not in attached] if ground else []
    if missing:

        def names(lang: Lang, missing: list[str] = missing) -> str:
            kinds = (regulation.document_kind(c) for c in missing)
            return "; ".join(f"{k.name.get(lang)} [{k.code}]" for k in kinds)

        problems.append(_problem("documents", "documents.missing", ground=number, names=names))
    return problems


_TOKENS = re.compile(r'\\.|["\[\]{}]', re.DOTALL)
"""An escape (so that an escaped quote does not end a string), a quote or a bracket."""


def _depth(text: str) -> int:
    """How deep the brackets nest, counted in one pass without recursion: json.loads and
    pydantic recurse, and a deep enough input would exhaust the interpreter's stack."""
    depth = deepest = 0
    in_string = False
    for token in _TOKENS.finditer(text):
        t = token.group()
        if t == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif t in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif t in ("]", "}"):
            depth -= 1
    return deepest


def _load(raw: dict | str | bytes) -> tuple[Any, list[Problem]]:
    if not isinstance(raw, str | bytes | bytearray):
        return raw, []
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if size > MAX_APPLICATION_BYTES:
        return _ABSENT, [_problem("", "application.too_large", limit=MAX_APPLICATION_BYTES // 1024)]
    try:
        # detect_encoding is what json.loads uses for bytes; "utf-8-sig" drops a BOM.
        text = raw if isinstance(raw, str) else bytes(raw).decode(json.detect_encoding(raw))
        text = text.removeprefix("\ufeff")
        if _depth(text) > MAX_JSON_DEPTH:
            return _ABSENT, [_problem("", "schema.depth", limit=MAX_JSON_DEPTH)]
        return json.loads(text), []
    except ValueError as e:  # UnicodeDecodeError is one too
        return _ABSENT, [_problem("", "schema.json", extra=f" ({e})")]


def read_application(file: str) -> bytes:
    """The bytes of an application file, or of stdin for "-"; at most one byte over the
    limit is read, enough for the check to refuse a huge input without holding it.
    Raises OSError (missing, a directory, unreadable)."""
    if file == "-":
        return sys.stdin.buffer.read(MAX_APPLICATION_BYTES + 1)
    with open(file, "rb") as f:
        return f.read(MAX_APPLICATION_BYTES + 1)


def _check(data: Any, roster: Roster | None, now: datetime) -> list[Problem]:
    problems: list[Problem] = []
    try:
        Application.model_validate(data)
    except ValidationError as e:
        problems += [_from_pydantic(err) for err in e.errors()]
    if isinstance(data, dict):
        problems += _rule_checks(data, roster, now)
    return problems


def check_application(
    raw: dict | str | bytes, roster: Roster | None = None, now: datetime | None = None
) -> list[Problem]:
    """Every problem of the application (a dict, or JSON text or bytes); empty when valid.

    `roster` defaults to the configured one (`settings.load().roster_path`), read only if
    the district must be looked up. The period is judged on the Asia/Almaty date of
    `submitted_at`; `now`, the moment the application is received (default: the clock),
    only bounds `submitted_at` from above."""
    data, problems = _load(raw)
    if data is _ABSENT:
        return problems
    return _check(data, roster, now or datetime.now(UTC))


def parse_application(
    raw: dict | str | bytes, roster: Roster | None = None, now: datetime | None = None
) -> Application:
    """The application, checked; raises ApplicationInvalid carrying every problem."""
    data, problems = _load(raw)
    if data is not _ABSENT:
        problems = _check(data, roster, now or datetime.now(UTC))
    if problems:
        raise ApplicationInvalid(problems)
    return Application.model_validate(data)


def submission_date(app: Application) -> date:
    """The Asia/Almaty date of submission, on which age and period are judged."""
    return app.submitted_at.astimezone(ALMATY).date()


def check_findings(raw: dict | str | bytes) -> list[Finding]:
    """What the commission would weigh about this application (`rules.findings`, without
    the state records, which only the case asks for); empty when it cannot be read."""
    data, _ = _load(raw)
    try:
        app = Application.model_validate(data)
    except ValidationError:
        return []
    return findings(app, None, submission_date(app))
