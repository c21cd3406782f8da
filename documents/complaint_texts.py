"""The words of the written answer to a complaint (APPK art. 91-92; docs/complaints.md),
in Kazakh and Russian on the signed PDF, and in the three languages for the cabinet.

Built as `documents.texts.Page`s so that `documents.render` lays them out like the
commission's own forms. No personal data: the answer names the application and its
registration number; the cabinet knows whose they are."""

from __future__ import annotations

from datetime import date, datetime

from documents.texts import Lang, Page, form_date, qr_footer, short_date
from models.complaint import ComplaintAnswer, ComplaintOutcome
from rules.complaint import FILING_PERIOD, Act
from rules.timezone import ALMATY

_ACT = {
    Act.conclusion: ("қорытындыға", "на заключение", "against the conclusion"),
    Act.refusal: (
        "бас тарту туралы хабарламаға",
        "на уведомление об отказе",
        "against the refusal notice",
    ),  # fmt: skip
    Act.inaction: (
        "әрекетсіздікке (қызмет көрсету мерзімінің бұзылуы)",
        "на бездействие (нарушение срока оказания услуги)",
        "against inaction (the service's term was breached)",
    ),  # fmt: skip
}

_OUTCOME = {
    ComplaintOutcome.satisfied: (
        "Шағымды шешім қабылдаған әскерге шақыру комиссиясы өзі қанағаттандырды"
        " (ӘРПК 91-бабының 4-бөлігі). Шағым жасалған шешімнің күші жойылды; комиссия"
        " өтінішті қайта қарап, жаңа шешім қабылдайды.",
        "Жалоба удовлетворена самой призывной комиссией, принявшей решение (часть 4"
        " статьи 91 АППК). Обжалованное решение отменено; комиссия повторно рассмотрит"
        " заявление и примет новое решение.",
        "The complaint was satisfied by the commission that took the act itself (APPK art."
        " 91 p. 4). The act is revoked; the commission will decide on the application again.",
    ),
    ComplaintOutcome.upheld: (
        "Шағымды қарайтын орган шағымды қанағаттандырды. Шағым жасалған шешімнің күші"
        " жойылды; әскерге шақыру комиссиясы өтінішті қайта қарап, жаңа шешім қабылдауға"
        " міндетті.",
        "Орган, рассматривающий жалобу, удовлетворил жалобу. Обжалованное решение отменено;"
        " призывная комиссия обязана повторно рассмотреть заявление и принять новое решение.",
        "The reviewing body upheld the complaint. The act is revoked; the commission must"
        " decide on the application again.",
    ),
    ComplaintOutcome.dismissed: (
        "Шағымды қарайтын орган шағымды қанағаттандырусыз қалдырды; шағым жасалған шешім"
        " күшінде қалады.",
        "Орган, рассматривающий жалобу, оставил жалобу без удовлетворения; обжалованное"
        " решение оставлено в силе.",
        "The reviewing body dismissed the complaint; the act stands.",
    ),
    ComplaintOutcome.returned: (
        "Шағым бойынша шешім қабылданбады, себебі:",
        "Жалоба не рассмотрена по существу по следующей причине:",
        "The complaint was not considered on the merits, because:",
    ),
}

_SUPERSEDED = (
    "Алайда шағым жасалған шешім бұдан бұрын күшін жойған немесе жаңа шешіммен"
    " ауыстырылған: осы шағым бойынша ештеңенің күші жойылмайды, өтініш қайта қаралмайды.",
    "Однако обжалованное решение уже было отменено или заменено новым решением: по этой"
    " жалобе ничего не отменяется и заявление повторно не рассматривается.",
    "The act complained of, however, had already been revoked or replaced by a new"
    " decision: nothing is revoked on this complaint and the application is not decided"
    " again.",
)

_COURT = (
    "Осы шешімге Қазақстан Республикасының Әкімшілік рәсімдік-процестік кодексінде"
    " белгіленген тәртіппен сотқа шағым жасауға болады.",
    "Настоящее решение может быть обжаловано в суд в порядке, установленном"
    " Административным процедурно-процессуальным кодексом Республики Казахстан.",
    "This decision may be challenged in court as the Administrative Procedural and Process"
    " Code of the Republic of Kazakhstan provides.",
)

_INDEX = {"kk": 0, "ru": 1, "en": 2}


def _local(at: datetime) -> date:
    """The commission's day of a moment: the answer is dated as Almaty reads it."""
    return at.astimezone(ALMATY).date()


def _late(lang: str, answer: ComplaintAnswer) -> str:
    """Art. 92: a late complaint is still taken; the missed period may be a ground to
    dismiss it, unless the reviewing body restored the period."""
    deadline = short_date(answer.filing_deadline) if answer.filing_deadline else "-"
    months = FILING_PERIOD.value
    restored = answer.outcome in (ComplaintOutcome.upheld, ComplaintOutcome.satisfied)
    if lang == "kk":
        head = f"Шағым ӘРПК 92-бабының 1-бөлігінде белгіленген {months} айлық мерзім өткен соң"
        head += f" берілді (мерзімнің соңғы күні {deadline})."
        tail = " Мерзім 92-баптың 2-бөлігі бойынша қалпына келтірілді." if restored else (
            " Мерзімді өткізіп алудың дәлелді себебі көрсетілмеді, мерзім қалпына келтірілмеді"
            " (92-баптың 2, 3-бөліктері).")  # fmt: skip
    elif lang == "ru":
        head = f"Жалоба подана по истечении {months}-месячного срока, установленного частью 1"
        head += f" статьи 92 АППК (последний день срока {deadline})."
        tail = " Срок восстановлен по части 2 статьи 92." if restored else (
            " Уважительная причина пропуска срока не указана, срок не восстановлен"
            " (части 2 и 3 статьи 92).")  # fmt: skip
    else:
        head = f"The complaint was filed after the {months}-month period of APPK art. 92 p. 1"
        head += f" (its last day was {deadline})."
        tail = " The period was restored under art. 92 p. 2." if restored else (
            " No good reason for missing it was given; the period was not restored"
            " (art. 92 p. 2 and 3).")  # fmt: skip
    return head + tail


def paragraphs(lang: str, answer: ComplaintAnswer) -> list[str]:
    """The answer's body in `lang` (kk, ru or en)."""
    i = _INDEX[lang]
    filed = short_date(_local(answer.filed_at))
    number = answer.registration_number or answer.application_id
    opening = {
        "kk": f"{filed} берілген {number} өтінішіне қатысты {_ACT[answer.act][0]} шағым қаралды.",
        "ru": f"Рассмотрена жалоба от {filed} {_ACT[answer.act][1]} по заявлению {number}.",
        "en": f"The complaint of {filed} {_ACT[answer.act][2]} on application {number} was"
        " considered.",
    }[lang]
    body = [opening]
    if answer.late:
        body.append(_late(lang, answer))
    body.append(_OUTCOME[answer.outcome][i])
    if answer.superseded:
        body.append(_SUPERSEDED[i])
    if answer.outcome is ComplaintOutcome.returned:
        body.append(answer.returned_why.get(lang, ""))
    elif answer.reason.strip():
        caption = {"kk": "Негіздеме:", "ru": "Мотивы решения:", "en": "Reasons:"}[lang]
        body.append(f"{caption} {answer.reason.strip()}")
    body.append(_COURT[i])
    return body


def title(lang: str) -> str:
    return {
        "kk": "Шағымды қарау нәтижелері туралы жауап",
        "ru": "Ответ о результатах рассмотрения жалобы",
        "en": "Answer on the complaint",
    }[lang]


def answer_page(answer: ComplaintAnswer, lang: Lang, digest: str, sample: bool) -> Page:
    kk = lang is Lang.kk
    commission = answer.commission_kk if kk else answer.commission_ru
    signature = [
        ("Шешім қабылдаған лауазымды адам: " if kk else "Должностное лицо: ") + answer.decided_by,
        ("(ҮЛГІ: әзірлеу кілтімен қол қойылған, заңды құжат емес)" if kk else
         "(ОБРАЗЕЦ: подписано ключом разработки, не является юридическим документом)")
        if sample else ("(ЭЦҚ-мен куәландырылған)" if kk else "(удостоверено ЭЦП)"),
        form_date(_local(answer.decided_at), lang),
    ]  # fmt: skip
    return Page(
        lang=lang,
        annex="ӘРПК 91-92-баптары" if kk else "Статьи 91-92 АППК",
        commission=commission,
        registration=("Шағым: " if kk else "Жалоба: ") + answer.complaint_id,
        issued=("Берілген күні: " if kk else "Дата: ") + short_date(_local(answer.decided_at)),
        addressee=[("Өтініш: " if kk else "Заявление: ") + answer.application_id],
        title=title(lang.value),
        body=paragraphs(lang.value, answer),
        signature=signature,
        footer=qr_footer(lang, digest, "жауап JSON-ының" if kk else "JSON ответа"),
        sample=sample,
    )
