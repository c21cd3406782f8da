"""What the commission should weigh about an application: its substantive eligibility
and what the state records say of it (issue 11).

A structural problem (malformed data, a missing field or required attachment, a wrong
IIN check digit, a closed period, an unknown district) stops a submission in
`rules.check`. Everything here is a matter of judgement for the members and the chairman
(standard row 9: refusal ground 1, unreliable data; ground 2, not meeting Art. 35/36),
so it opens the case with findings instead of refusing it at the gate: the commission
may know what the data cannot show (a corrected record, a birthday on the boundary).

Pure code, no I/O and no time zones: workflows may import it; the caller gives the
local (Asia/Almaty) date on which the application is judged.
"""

from __future__ import annotations

from datetime import date

from models.application import Application, Service
from models.findings import Finding, MarriageRecord, StateRecords
from rules.eligibility import age_on, age_rule, allowed_ages
from rules.iin import Sex, check_iin
from rules.regulation import LANGS, Lang, document_kind, grounds, service_rules

# Stable codes, and their words in Kazakh, Russian and English.
TEXTS: dict[str, tuple[str, str, str]] = {
    "iin.sex": (
        "ЖСН әйел адамға тиесілі; қызмет әскерге шақырылатын ер азаматтарға көрсетіледі",
        "ИИН принадлежит женщине; услуга оказывается гражданам мужского пола, подлежащим призыву",
        "The IIN is a woman's; the service is for male citizens liable to conscription",
    ),
    "age.deferral": (
        "{date} күні жасы {age}; кейінге қалдыру үшін {range} болуы тиіс",
        "На {date} возраст {age}; для отсрочки требуется {range}",
        "Aged {age} on {date}; deferral requires {range}",
    ),
    "age.exemption": (
        "{date} күні жасы {age}; {ground}-негіз бойынша босату үшін {range} болуы тиіс",
        "На {date} возраст {age}; для освобождения по основанию № {ground} требуется {range}",
        "Aged {age} on {date}; exemption on ground {ground} requires {range}",
    ),
    "documents.other_service": (
        "Қоса берілген «{document}» [{kind}] «{service}» қызметінің {grounds}-негізінің "
        "құжаты; негіз дұрыс таңдалғанын тексеріңіз",
        "Приложенный документ «{document}» [{kind}] относится к основанию № {grounds} "
        "услуги «{service}»; проверьте, верно ли выбрано основание",
        "The attached '{document}' [{kind}] is a document of ground {grounds} of "
        "'{service}'; check that the right ground was chosen",
    ),
    "records.not_asked": (
        "Мемлекеттік ақпараттық жүйелердің деректері «электрондық үкімет» шлюзі арқылы "
        "сұралмады (шлюз бапталмаған); жеке басын куәландыратын құжаттың деректерін "
        "комиссия өзі тексереді",
        "Сведения государственных информационных систем через шлюз «электронного "
        "правительства» не запрашивались (шлюз не настроен); данные документа, "
        "удостоверяющего личность, комиссия проверяет сама",
        "The state information systems were not asked through the e-government gateway "
        "(no gateway configured); the commission checks the identity data itself",
    ),
    "records.unavailable": (
        "Мемлекеттік ақпараттық жүйелердің деректері алынбады: «электрондық үкімет» шлюзі "
        "жауап бермеді немесе жарамсыз жауап берді; жеке басын куәландыратын құжаттың "
        "деректерін комиссия өзі тексереді",
        "Сведения государственных информационных систем не получены: шлюз «электронного "
        "правительства» не ответил или ответил неверно; данные документа, удостоверяющего "
        "личность, комиссия проверяет сама",
        "The state records could not be obtained: the e-government gateway did not answer "
        "or answered wrongly; the commission checks the identity data itself",
    ),
    "records.iin_unknown": (
        "ЖСН мемлекеттік ақпараттық жүйелерде табылмады",
        "ИИН не найден в государственных информационных системах",
        "The IIN is not known to the state information systems",
    ),
    "records.birth_date": (
        "Жеке басын куәландыратын құжаттағы туған күн ({record}) ЖСН-дегі туған күнге "
        "({iin_date}) сәйкес келмейді",
        "Дата рождения в документе, удостоверяющем личность ({record}), не совпадает с "
        "датой рождения в ИИН ({iin_date})",
        "The birth date in the identity record ({record}) differs from the one in the IIN "
        "({iin_date})",
    ),
    "records.sex": (
        "Жеке басын куәландыратын құжаттағы жынысы ЖСН-де көрсетілген жынысқа сәйкес келмейді",
        "Пол в документе, удостоверяющем личность, не совпадает с полом, указанным в ИИН",
        "The sex in the identity record differs from the one the IIN gives",
    ),
    "records.name": (
        "Өтініштегі аты-жөні ({application}) жеке басын куәландыратын құжаттағы аты-жөніне "
        "({record}) сәйкес келмейді",
        "ФИО в заявлении ({application}) не совпадает с ФИО в документе, удостоверяющем "
        "личность ({record})",
        "The name in the application ({application}) differs from the identity record ({record})",
    ),
    "records.no_marriage": (
        "{date} күні күшіндегі неке туралы жазба жоқ; {ground}-негіз некеде тұруды талап етеді",
        "На {date} нет записи о действующем браке; основание № {ground} требует состоять в браке",
        "No marriage in force on {date} is recorded; ground {ground} requires being married",
    ),
    "records.no_child": (
        "Баланың туу туралы жазбасы жоқ; {ground}-негіз баланың (балалардың) болуын талап етеді",
        "Нет записи о рождении ребенка; основание № {ground} требует наличия ребенка (детей)",
        "No child's birth record is found; ground {ground} requires a child (children)",
    ),
    "records.marriage_in_force": (
        "{date} күні күшіндегі неке бар, зайыбының қайтыс болуы туралы жазба жоқ; "
        "{ground}-негіз баланы анасыз тәрбиелеуді көздейді",
        "На {date} записан действующий брак и нет записи о смерти супруги; основание "
        "№ {ground} предполагает воспитание ребенка без матери",
        "A marriage in force on {date} is recorded and no death of a spouse; ground "
        "{ground} is about raising a child without the mother",
    ),
}

# Deferral grounds the gateway's family records bear on (standard row 8): 2, raising a
# child without the mother; 4, married with one or more children.
_WITHOUT_MOTHER = 2
_MARRIED_WITH_CHILDREN = 4


def _range(min_age: int, max_age: int | None, lang: Lang) -> str:
    if max_age is None:
        return {"kk": f"кемінде {min_age} жас", "ru": f"не менее {min_age} лет",
                "en": f"at least {min_age}"}[lang]  # fmt: skip
    return {
        "kk": f"{min_age}-{max_age} жас (қоса алғанда)",
        "ru": f"от {min_age} до {max_age} лет включительно",
        "en": f"{min_age} to {max_age} inclusive",
    }[lang]


def _derived(code: str, params: dict[str, str | int], lang: Lang) -> dict[str, str]:
    """Words that depend on the language, made from `params` (a code becomes a name); they
    take the place of the value of the same name when the text is said."""
    if code.startswith("age."):
        top = params.get("max_age")
        return {"range": _range(int(params["min_age"]), int(top) if top else None, lang)}
    if code == "documents.other_service":
        return {
            "document": document_kind(str(params["kind"])).name.get(lang),
            "service": service_rules(str(params["service"])).name.get(lang),
        }
    return {}


def finding(code: str, **params: str | int) -> Finding:
    """The finding `code` said with `params`; raises KeyError for an unknown code."""
    words = {
        lang: TEXTS[code][i].format_map({**params, **_derived(code, params, lang)})
        for i, lang in enumerate(LANGS)
    }
    return Finding(code=code, params=params, **words)


def _other_service_documents(app: Application) -> list[Finding]:
    """Attachments that only the other service's grounds ask for: an extract recognising
    him unfit (exemption 1) on a deferral, or a study certificate on an exemption, says
    something the chosen ground does not. An extra document of the same service is fine."""
    service = Service(app.service)
    other = Service.exemption if service is Service.deferral else Service.deferral
    own = {k for g in grounds(service) for k in (*g.required, *g.if_applicable)}
    found: list[Finding] = []
    for kind in dict.fromkeys(d.kind for d in app.documents):
        users = [g.number for g in grounds(other) if kind in (*g.required, *g.if_applicable)]
        if users and kind not in own:
            numbers = ", ".join(str(n) for n in users)
            found.append(finding("documents.other_service", kind=kind, service=other.value,
                                 grounds=numbers))  # fmt: skip
    return found


def eligibility(app: Application, local_date: date) -> list[Finding]:
    """Sex, age on `local_date`, and documents that contradict the ground: what the
    application itself shows."""
    found: list[Finding] = []
    iin = check_iin(app.applicant.iin)
    if iin.sex is Sex.female:
        found.append(finding("iin.sex"))
    if iin.birth_date is not None:
        allowed = allowed_ages(app.service, app.ground)
        age = age_on(iin.birth_date, local_date)
        if not allowed.contains(age):
            bounds: dict[str, str | int] = {"min_age": allowed.min_age}
            if allowed.max_age is not None:
                bounds["max_age"] = allowed.max_age
            found.append(finding(age_rule(app.service), date=local_date.isoformat(), age=age,
                                 ground=app.ground, **bounds))  # fmt: skip
    return found + _other_service_documents(app)


def _same_name(a: str | None, b: str | None) -> bool:
    def norm(s: str | None) -> str:
        return " ".join((s or "").casefold().replace("ё", "е").split())

    return norm(a) == norm(b)


def _in_force(m: MarriageRecord, day: date, records: StateRecords) -> bool:
    # A spouse's death ends a marriage even when no dissolution is recorded.
    ended_by_death = any(m.registered_on <= d.died_on <= day for d in records.spouse_deaths)
    dissolved = m.dissolved_on is not None and m.dissolved_on <= day
    return m.registered_on <= day and not dissolved and not ended_by_death


def from_records(app: Application, records: StateRecords, local_date: date) -> list[Finding]:
    """What the state records say against the application."""
    if not records.asked:
        return [finding("records.not_asked")]
    person = records.identity
    if person is None:
        return [finding("records.iin_unknown")]
    found: list[Finding] = []
    iin = check_iin(app.applicant.iin)
    if iin.birth_date is not None and person.birth_date != iin.birth_date:
        found.append(finding("records.birth_date", record=person.birth_date.isoformat(),
                             iin_date=iin.birth_date.isoformat()))  # fmt: skip
    if iin.sex is not None and person.sex != iin.sex.value:
        found.append(finding("records.sex"))
    a = app.applicant
    same = _same_name(a.surname, person.surname) and _same_name(a.name, person.name)
    if a.patronymic and person.patronymic:  # optional on either side
        same = same and _same_name(a.patronymic, person.patronymic)
    if not same:
        found.append(
            finding(
                "records.name",
                application=a.full_name,
                record=" ".join(p for p in (person.surname, person.name, person.patronymic) if p),
            )
        )
    if Service(app.service) is Service.deferral and app.ground in (
        _WITHOUT_MOTHER,
        _MARRIED_WITH_CHILDREN,
    ):
        married = any(_in_force(m, local_date, records) for m in records.marriages)
        has_child = any(b.birth_date <= local_date for b in records.child_births)
        day = local_date.isoformat()
        if app.ground == _MARRIED_WITH_CHILDREN and not married:
            found.append(finding("records.no_marriage", date=day, ground=app.ground))
        if app.ground == _WITHOUT_MOTHER and married:
            found.append(finding("records.marriage_in_force", date=day, ground=app.ground))
        if not has_child:
            found.append(finding("records.no_child", ground=app.ground))
    return found


def findings(
    application: Application, records: StateRecords | None, local_date: date
) -> list[Finding]:
    """Every finding about `application` judged on `local_date` (the Asia/Almaty date of
    submission). `records` is the gateway's answer; None leaves the records out (an
    offline check such as `shaqyru check`), while an answer that was not asked says so."""
    found = eligibility(application, local_date)
    if records is not None:
        found += from_records(application, records, local_date)
    return found
