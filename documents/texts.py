"""The words of the forms, in Kazakh and Russian.

Kazakh follows the annexes of the deferral rules as amended by Order 527 (Annex 1 the
application, Annex 3 the conclusion, Annex 4 the refusal notice). The order does not
restate the exemption rules' own forms, so the exemption variants take the same
sentences with the exemption's wording from paragraphs 10 and 13 of those rules
("әскери қызметке шақырудан босату") and Art. 36. Russian is a translation in the style
of the official Russian texts of the rules.

Each form is built as a `Page` of plain strings; `documents.render` only lays them out, so
tests can compare the extracted PDF text with these very strings. Where the source's form
has a blank with a caption under it, the page writes what fills the blank followed by the
caption in brackets, as a filled paper form reads; a caption that labels a line of its
own ("Тегі, аты, әкесінің аты (ол бар болған кезде)") is put in brackets too, so that
the layout sets it small. Deliberate differences from the source: docs/regulation-notes.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from models.application import Service, SignedWith
from texts import Lang

LANGS: tuple[Lang, ...] = (Lang.kk, Lang.ru)
"""The forms are issued in the state language and in Russian."""

_KK_MONTHS = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip
# "дейін" (until) governs the dative; the suffix follows vowel harmony and the last sound.
_KK_MONTHS_DATIVE = (
    "қаңтарға", "ақпанға", "наурызға", "сәуірге", "мамырға", "маусымға",
    "шілдеге", "тамызға", "қыркүйекке", "қазанға", "қарашаға", "желтоқсанға",
)  # fmt: skip
_RU_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip

KK_LAW = (
    "«Әскери қызмет және әскери қызметшілердің мәртебесі туралы» Қазақстан Республикасы Заңының"
)
RU_LAW = "Закона Республики Казахстан «О воинской службе и статусе военнослужащих»"

ARTICLE = {Service.deferral: 35, Service.exemption: 36}

SERVICE_NAME = {
    (Service.deferral, Lang.kk): "«Әскерге шақыруды кейінге қалдыру»",
    (Service.exemption, Lang.kk): "«Азаматтарды әскери қызметке шақырудан босату»",
    (Service.deferral, Lang.ru): "«Отсрочка от призыва на воинскую службу»",
    (Service.exemption, Lang.ru): "«Освобождение граждан от призыва на воинскую службу»",
}


def form_date(d: date, lang: Lang) -> str:
    """A date as the forms write it: 20__ жылғы «__» ______ / «__» ______ 20__ года."""
    if lang is Lang.kk:
        return f"{d.year} жылғы «{d.day:02d}» {_KK_MONTHS[d.month - 1]}"
    return f"«{d.day:02d}» {_RU_MONTHS_GENITIVE[d.month - 1]} {d.year} года"


def until_date(d: date, lang: Lang) -> str:
    if lang is Lang.kk:
        return f"{d.year} жылғы «{d.day:02d}» {_KK_MONTHS_DATIVE[d.month - 1]} дейін"
    return f"до «{d.day:02d}» {_RU_MONTHS_GENITIVE[d.month - 1]} {d.year} года"


def short_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


@dataclass(frozen=True)
class Page:
    """One language's version of a form, top to bottom."""

    lang: Lang
    annex: str
    commission: str
    registration: str
    issued: str
    addressee: list[str]
    title: str
    body: list[str]
    items: list[str] = field(default_factory=list)
    after_items: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    footer: str = ""
    sample: bool = False
    """Signed with the development key: every page carries `SAMPLE_MARK` across it and
    `SAMPLE_BANNER` at its top."""


def _annex(service: Service, number: int, lang: Lang) -> str:
    name = SERVICE_NAME[(service, lang)]
    if lang is Lang.kk:
        return f"{name} мемлекеттік қызметін көрсету қағидаларына {number}-қосымша"
    return f"Приложение {number} к Правилам оказания государственной услуги {name}"


def _header(lang: Lang, registration_number: str, issued_on: date) -> tuple[str, str]:
    if lang is Lang.kk:
        return f"Тіркеу нөмірі: {registration_number}", f"Берілген күні: {short_date(issued_on)}"
    return (
        f"Регистрационный номер: {registration_number}",
        f"Дата выдачи: {short_date(issued_on)}",
    )


def _certified(lang: Lang, sample: bool = False) -> str:
    """What stands for the form's "(қолы)": the signature is electronic. A document signed
    with the development key must not claim a legal one."""
    if sample:
        if lang is Lang.kk:
            return "(ҮЛГІ: әзірлеу кілтімен қол қойылған, заңды құжат емес)"
        return "(ОБРАЗЕЦ: подписано ключом разработки, не является юридическим документом)"
    if lang is Lang.kk:
        return "(ЭЦҚ-мен куәландырылған)"
    return "(удостоверено ЭЦП)"


# The diagonal mark across every page of a development document, and the line at its top
# that says the same in words pdftotext finds; the same on the Kazakh and Russian pages.
SAMPLE_MARK = ("ҮЛГІ / ОБРАЗЕЦ / SAMPLE", "not a legal document")
SAMPLE_BANNER = (
    "ҮЛГІ — заңды құжат емес / ОБРАЗЕЦ — не является юридическим документом / "
    "SAMPLE — not a legal document"
)


def name_caption(lang: Lang) -> str:
    """The caption under a person's name on Annexes 1, 3 and 4."""
    if lang is Lang.kk:
        return "(тегі, аты, әкесінің аты (ол бар болған кезде))"
    return "(фамилия, имя, отчество (при его наличии))"


def _chairman_line(lang: Lang, name: str) -> str:
    if lang is Lang.kk:
        return f"Әскерге шақыру комиссиясының төрағасы {name}"
    return f"Председатель призывной комиссии {name}"


def qr_footer(lang: Lang, digest: str, of_what: str) -> str:
    if lang is Lang.kk:
        return f"QR-код: тіркеу нөмірі және {of_what} SHA-256: {digest}"
    return f"QR-код: регистрационный номер и SHA-256 {of_what}: {digest}"


def _numbered(items: list[str]) -> list[str]:
    """1) ...; 2) ... . as the forms number their lines; the last ends the sentence."""
    cleaned = [i.strip().rstrip(".;").strip() for i in items]
    return [
        f"{n}) {text}{'.' if n == len(cleaned) else ';'}" for n, text in enumerate(cleaned, start=1)
    ]


# --- conclusion (Annex 3) -------------------------------------------------------------


def conclusion_title(service: Service, lang: Lang) -> str:
    return {
        (Service.deferral, Lang.kk): "Әскери қызметке шақыруды кейінге қалдыру туралы қорытынды",
        (Service.exemption, Lang.kk): "Әскери қызметке шақырудан босату туралы қорытынды",
        (Service.deferral, Lang.ru): "Заключение об отсрочке от призыва на воинскую службу",
        (Service.exemption, Lang.ru): "Заключение об освобождении от призыва на воинскую службу",
    }[(service, lang)]


def reason_caption(service: Service, lang: Lang) -> str:
    """Annex 3's caption under the reason: "(кейінге қалдырудың себебі)"."""
    return {
        (Service.deferral, Lang.kk): "(кейінге қалдырудың себебі)",
        (Service.exemption, Lang.kk): "(босатудың себебі)",
        (Service.deferral, Lang.ru): "(причина отсрочки)",
        (Service.exemption, Lang.ru): "(причина освобождения)",
    }[(service, lang)]


def conclusion_sentence(service: Service, lang: Lang, until: date | None, ground: str) -> str:
    """Annex 3's one sentence; the reason is the ground as Art. 35 (36) words it, in the
    blank before its caption. The applicant's own words are his, on Annex 1 only."""
    art = ARTICLE[service]
    reason = f"«{ground.strip()}» {reason_caption(service, lang)}"
    if service is Service.deferral:
        if until is None:
            raise ValueError("a deferral conclusion needs the date the deferral ends")
        if lang is Lang.kk:
            return (
                f"{KK_LAW} {art}-бабына сәйкес Сізге {until_date(until, lang)} {reason} "
                "әскерге шақыруды кейінге қалдыру ұсынылды."
            )
        return (
            f"В соответствии со статьей {art} {RU_LAW} Вам предоставлена отсрочка "
            f"от призыва на воинскую службу {until_date(until, lang)} {reason}."
        )
    if lang is Lang.kk:
        return (
            f"{KK_LAW} {art}-бабына сәйкес Сізге {reason} әскери қызметке шақырудан босату "
            "ұсынылды."
        )
    return (
        f"В соответствии со статьей {art} {RU_LAW} Вам предоставлено освобождение "
        f"от призыва на воинскую службу {reason}."
    )


# --- refusal notice (Annex 4) ---------------------------------------------------------


def refusal_title(lang: Lang) -> str:
    if lang is Lang.kk:
        return "Мемлекеттік қызметті көрсетуден бас тарту туралы хабарлама"
    return "Уведомление об отказе в оказании государственной услуги"


def refusal_sentence(service: Service, lang: Lang, ground: int) -> str:
    """Annex 4 words only ground 1 of para. 9 of the standard (unreliable documents). On
    ground 2 the same sentence gives that ground's own words (row 9, item 2, of Annex 2 of
    the deferral rules, Annex 5 of Order 527 for exemption: not meeting Art. 35 or 36 of
    the Law and these rules), said to the applicant as Annex 4 says ground 1."""
    if ground not in (1, 2):
        raise ValueError(f"para. 9 has refusal grounds 1 and 2, not {ground!r}")
    art = ARTICLE[service]
    if lang is Lang.kk:
        what = {
            Service.deferral: "әскерге шақыруды кейінге қалдырудан",
            Service.exemption: "әскери қызметке шақырудан босатудан",
        }[service]
        because = (
            "мемлекеттік көрсетілетін қызметті алу үшін ұсынған құжаттарыңыздың және (немесе) "
            "ондағы деректердің (мәліметтердің) дұрыс болмауына байланысты"
            if ground == 1
            else "Сіздің және (немесе) мемлекеттік қызмет көрсету үшін қажетті ұсынылған "
            "материалдардың, объектілердің, деректер мен мәліметтердің "
            f"{KK_LAW} {art}-бабында және осы қағидаларда белгіленген талаптарға сәйкес "
            "келмеуіне байланысты"
        )
        return (
            "Осы қағидаларға 2-қосымшаның 9-тармағына сәйкес Сізге "
            f"{because} {what} бас тартылды, атап айтқанда:"
        )
    what = {
        Service.deferral: "в отсрочке от призыва на воинскую службу",
        Service.exemption: "в освобождении от призыва на воинскую службу",
    }[service]
    because = (
        "в связи с недостоверностью представленных Вами для получения государственной "
        "услуги документов и (или) данных (сведений), содержащихся в них"
        if ground == 1
        else "в связи с несоответствием Вас и (или) представленных материалов, объектов, "
        "данных и сведений, необходимых для оказания государственной услуги, требованиям, "
        f"установленным статьей {art} {RU_LAW} и настоящими Правилами"
    )
    return (
        "В соответствии с пунктом 9 приложения 2 к настоящим Правилам Вам отказано "
        f"{what} {because}, а именно:"
    )


# --- application (Annex 1) ------------------------------------------------------------


def application_title(lang: Lang) -> str:
    return "Өтініш" if lang is Lang.kk else "Заявление"


def application_sentence(service: Service, lang: Lang, ground: str, words: str) -> str:
    """Annex 1's sentence with its blank filled: the ground the applicant chose, in the
    standard's words, then his own, before the form's caption."""
    art = ARTICLE[service]
    reason = f"«{ground.strip()}»: {words.strip()}"
    if lang is Lang.kk:
        what = {
            Service.deferral: "кейінге қалдырудың себебі көрсетілсін) әскерге шақыруды кейінге "
            "қалдыруды сұраймын.",
            Service.exemption: "босатудың себебі көрсетілсін) әскери қызметке шақырудан "
            "босатуды сұраймын.",
        }[service]
        return (
            f"{KK_LAW} {art}-бабына сәйкес {reason} (көрсетілетін мемлекеттік қызмет "
            f"стандартына сәйкес {what}"
        )
    what = {
        Service.deferral: "отсрочки указывается в соответствии со стандартом государственной "
        "услуги) прошу предоставить мне отсрочку от призыва на воинскую службу.",
        Service.exemption: "освобождения указывается в соответствии со стандартом "
        "государственной услуги) прошу освободить меня от призыва на воинскую службу.",
    }[service]
    return f"В соответствии со статьей {art} {RU_LAW} {reason} (причина {what}"


def application_addressee(
    lang: Lang, chairman: str, commission: str, address: str, full_name: str, phone: str
) -> list[str]:
    if lang is Lang.kk:
        return [
            "Әскерге шақыру комиссиясының төрағасына",
            chairman,
            commission,
            f"{address} мекенжайы бойынша тұратын",
            full_name,
            name_caption(lang),
            f"телефон {phone}",
        ]
    return [
        "Председателю призывной комиссии",
        chairman,
        commission,
        f"от {full_name},",
        name_caption(lang),
        f"проживающего по адресу: {address}",
        f"телефон {phone}",
    ]


def attachments_intro(lang: Lang, count: int) -> list[str]:
    """Annex 1 lists the documents and closes with "құжаттарын қосамын"; with nothing
    attached (exemption ground 2 needs nothing) the list is replaced by one sentence."""
    if count == 0:
        if lang is Lang.kk:
            return ["Құжаттар қоса берілмейді."]
        return ["Документы не прилагаются."]
    return [] if lang is Lang.kk else ["Прилагаю документы:"]


def attachments_outro(lang: Lang, count: int) -> list[str]:
    return ["құжаттарын қосамын."] if lang is Lang.kk and count else []


def signed_with_line(lang: Lang, signed_with: SignedWith) -> str:
    return {
        (SignedWith.eds, Lang.kk): "Қолы: ЭЦҚ-мен қол қойылды",
        (SignedWith.otp, Lang.kk): "Қолы: бір реттік парольмен қол қойылды",
        (SignedWith.eds, Lang.ru): "Подпись: подписано ЭЦП",
        (SignedWith.otp, Lang.ru): "Подпись: подписано одноразовым паролем",
    }[(signed_with, lang)]


def date_line(lang: Lang, d: date) -> str:
    return f"Күні {form_date(d, lang)}" if lang is Lang.kk else f"Дата {form_date(d, lang)}"


# --- pages ----------------------------------------------------------------------------


def result_page(
    *,
    lang: Lang,
    kind: str,
    service: Service,
    commission: str,
    registration_number: str,
    issued_on: date,
    applicant_name: str,
    applicant_address: str,
    ground: str,
    until: date | None,
    refusal_ground: int | None,
    refusal_reasons: list[str],
    chairman_name: str,
    digest: str,
    sample: bool = False,
) -> Page:
    """Annex 3 or 4 in `lang`; `ground` is the words of the applicant's ground in `lang`."""
    reg, issued = _header(lang, registration_number, issued_on)
    address_caption = (
        "(көрсетілетін қызметті алушының мекенжайы)"
        if lang is Lang.kk
        else "(адрес услугополучателя)"
    )
    addressee = [applicant_name, name_caption(lang), applicant_address, address_caption]
    signature = [
        _chairman_line(lang, chairman_name),
        name_caption(lang),
        _certified(lang, sample),
        form_date(issued_on, lang),
    ]
    of_what = "нәтиже JSON-ының" if lang is Lang.kk else "JSON результата"
    page = partial(
        Page,
        lang=lang,
        commission=commission,
        registration=reg,
        issued=issued,
        addressee=addressee,
        signature=signature,
        footer=qr_footer(lang, digest, of_what),
        sample=sample,
    )
    if kind == "conclusion":
        return page(
            annex=_annex(service, 3, lang),
            title=conclusion_title(service, lang),
            body=[conclusion_sentence(service, lang, until, ground)],
        )
    if not refusal_reasons:
        raise ValueError("a refusal notice needs at least one reason")
    if refusal_ground is None:
        raise ValueError("a refusal notice states its ground of para. 9; none was given")
    return page(
        annex=_annex(service, 4, lang),
        title=refusal_title(lang),
        body=[refusal_sentence(service, lang, refusal_ground)],
        items=_numbered(refusal_reasons),
    )


def application_page(
    *,
    lang: Lang,
    service: Service,
    commission: str,
    chairman_name: str,
    registration_number: str,
    registered_on: date,
    submitted_on: date,
    full_name: str,
    address: str,
    phone: str,
    ground: str,
    reason: str,
    attachments: list[str],
    signed_with: SignedWith,
    digest: str,
    sample: bool = False,
) -> Page:
    """Annex 1 in `lang`: `ground` is the words of the chosen ground in `lang`, `reason`
    the applicant's own."""
    reg, _ = _header(lang, registration_number, registered_on)
    registered = (
        f"Тіркелген күні: {short_date(registered_on)}"
        if lang is Lang.kk
        else f"Дата регистрации: {short_date(registered_on)}"
    )
    of_what = "өтініш JSON-ының" if lang is Lang.kk else "JSON заявления"
    items = [f"{n}) {a}" for n, a in enumerate(attachments, start=1)]
    return Page(
        lang=lang,
        annex=_annex(service, 1, lang),
        commission=commission,
        registration=reg,
        issued=registered,
        addressee=application_addressee(lang, chairman_name, commission, address, full_name, phone),
        title=application_title(lang),
        body=[application_sentence(service, lang, ground, reason)]
        + attachments_intro(lang, len(attachments)),
        items=items,
        after_items=attachments_outro(lang, len(attachments)),
        signature=[date_line(lang, submitted_on), signed_with_line(lang, signed_with)],
        footer=qr_footer(lang, digest, of_what),
        sample=sample,
    )


# --- the acceptance mark (standard row 8, closing sentence) ---------------------------

_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def acceptance_mark(lang: str, registration_number: str, accepted: datetime, due: date) -> str:
    """What the personal cabinet shows once the request is accepted: that it was accepted,
    and the date the result will be ready. `accepted` is in local (Almaty) time; `lang`
    is kk, ru or en."""
    at = f"{accepted:%H:%M}"
    if lang == "kk":
        return (
            f"Мемлекеттік қызмет көрсету үшін сұрау салу қабылданды. Тіркеу нөмірі: "
            f"{registration_number}. Қабылданған уақыты: {form_date(accepted.date(), Lang.kk)}, "
            f"{at} (Алматы уақытымен). Мемлекеттік көрсетілетін қызметтің нәтижесін алу күні: "
            f"{form_date(due, Lang.kk)}."
        )
    if lang == "ru":
        return (
            f"Запрос на оказание государственной услуги принят. Регистрационный номер: "
            f"{registration_number}. Время принятия: {form_date(accepted.date(), Lang.ru)}, "
            f"{at} (по времени Алматы). Дата получения результата государственной услуги: "
            f"{form_date(due, Lang.ru)}."
        )
    if lang == "en":
        day = accepted.date()
        return (
            f"Your request for the state service has been accepted. Registration number: "
            f"{registration_number}. Accepted on {day.day} {_EN_MONTHS[day.month - 1]} "
            f"{day.year}, {at} (Almaty time). The result will be ready on {due.day} "
            f"{_EN_MONTHS[due.month - 1]} {due.year}."
        )
    raise ValueError(f"no acceptance mark in {lang!r}")
