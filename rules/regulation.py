"""The regulation as data: the two services, their grounds, the documents each ground
needs, the refusal grounds, the acceptance periods (SPEC 3, 5, 6), who receives each
kind of result (para. 13) and the records fetched through the gateway (row 8).

Kazakh texts follow Order 527 (Annexes 2 and 5, standard rows 8-10), put in the
nominative where the source lists a ground in the dative ("...азаматтарға:"). Russian
and English texts are our translations; the Russian is not the official text.

Workflow code imports this module inside Temporal's sandbox, so it must stay pure:
no file reads, no zoneinfo, no holidays, nothing done at import but building tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.application import Service
from models.case import Addressee
from models.findings import RecordKind
from models.result import ResultKind

# rules.findings and rules.check take the one Lang from here.
from texts import LANGS as LANGS
from texts import Lang


@dataclass(frozen=True)
class Text:
    kk: str
    ru: str
    en: str

    def get(self, lang: Lang) -> str:
        return getattr(self, lang)


@dataclass(frozen=True)
class DocumentKind:
    code: str
    name: Text


@dataclass(frozen=True)
class Ground:
    service: Service
    number: int
    name: Text
    required: tuple[str, ...]
    """Document kinds the applicant must attach, besides the application itself."""
    if_applicable: tuple[str, ...] = ()
    """Kinds the source asks for only in some cases the portal data cannot tell apart."""


@dataclass(frozen=True)
class RefusalGround:
    number: int
    text: Text


@dataclass(frozen=True)
class AcceptancePeriod:
    """A yearly window, both ends inclusive, in local (Asia/Almaty) dates."""

    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, day: date) -> bool:
        return self.start <= (day.month, day.day) <= self.end

    def label(self, lang: Lang) -> str:
        return f"{_day_month(self.start, lang)} - {_day_month(self.end, lang)}"


@dataclass(frozen=True)
class ServiceRules:
    service: Service
    name: Text
    law_article: int
    grounds: tuple[Ground, ...]
    fetched_by_provider: Text
    """Records the provider takes from state systems via the e-government gateway;
    the applicant does not upload them."""


_MONTHS: dict[Lang, tuple[str, ...]] = {
    Lang.kk: ("", "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде",
           "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"),
    Lang.ru: ("", "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
           "августа", "сентября", "октября", "ноября", "декабря"),
    Lang.en: ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
           "Nov", "Dec"),
}  # fmt: skip


def _day_month(md: tuple[int, int], lang: Lang) -> str:
    return f"{md[1]} {_MONTHS[lang][md[0]]}"


# The Law in the genitive, as the source cites an article of it ("...Заңының 35-бабы").
LAW_OF = Text(
    kk='"Әскери қызмет және әскери қызметшілердің мәртебесі туралы" Қазақстан Республикасы Заңының',
    ru='Закона Республики Казахстан "О воинской службе и статусе военнослужащих"',
    en='the Law of the Republic of Kazakhstan "On military service and the status of servicemen"',
)

LAW_NAME = Text(
    kk='"Әскери қызмет және әскери қызметшілердің мәртебесі туралы" Қазақстан Республикасының Заңы',
    ru='Закон Республики Казахстан "О воинской службе и статусе военнослужащих"',
    en='Law of the Republic of Kazakhstan "On military service and the status of servicemen"',
)

# Standard row 10: "the period of conscription and of accepting applications".
ACCEPTANCE_PERIODS: tuple[AcceptancePeriod, ...] = (
    AcceptancePeriod(start=(3, 1), end=(6, 30)),
    AcceptancePeriod(start=(9, 1), end=(12, 30)),
)


def in_acceptance_period(local_day: date) -> bool:
    """`local_day` must already be the Asia/Almaty date of the moment in question."""
    return any(p.contains(local_day) for p in ACCEPTANCE_PERIODS)


_DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "family_inspection_act",
        Text(
            kk="Отбасы жағдайын тексеру актісі (жергілікті әскери басқару органы береді)",
            ru="Акт обследования семейного положения (выдается местным органом военного "
            "управления)",
            en="Family situation inspection act (issued by the local military administration body)",
        ),
    ),
    DocumentKind(
        "dependants_proof",
        Text(
            kk="Әскерге шақырылушының асырауында отбасы мүшелерінің болуын растайтын құжат",
            ru="Документ, подтверждающий нахождение членов семьи на иждивении призывника",
            en="Document confirming the family members dependent on the conscript",
        ),
    ),
    DocumentKind(
        "guardianship_resolution",
        Text(
            kk="Қамқоршысы болып табылатыны туралы жергілікті атқарушы орган қаулысы",
            ru="Постановление местного исполнительного органа об установлении опеки "
            "(попечительства)",
            en="Local executive body's resolution on guardianship",
        ),
    ),
    DocumentKind(
        "study_certificate",
        Text(
            kk="Білім беру ұйымынан оқып жатқанын растайтын анықтама",
            ru="Справка организации образования, подтверждающая обучение",
            en="Certificate of study from the educational organisation",
        ),
    ),
    DocumentKind(
        "medical_commission_extract",
        Text(
            kk="Әскерге шақырылушының әскери қызметке уақытша жарамсыз деп танылғандығы "
            "туралы аудандық (қалалық) медициналық комиссиясының хаттамалары кітабынан "
            "үзінді",
            ru="Выписка из книги протоколов районной (городской) медицинской комиссии о "
            "признании призывника временно негодным к воинской службе",
            en="Extract from the protocol book of the district (city) medical commission on "
            "temporary unfitness for military service",
        ),
    ),
    DocumentKind(
        "workplace_certificate",
        Text(
            kk="Жұмыс орнын растайтын анықтама",
            ru="Справка, подтверждающая место работы",
            en="Certificate confirming the workplace",
        ),
    ),
    DocumentKind(
        "deputy_certificate",
        Text(
            kk="Депутаттық қызметін растайтын құжат",
            ru="Документ, подтверждающий депутатскую деятельность",
            en="Document confirming the deputy's office",
        ),
    ),
    DocumentKind(
        "investigation_certificate",
        Text(
            kk="Анықтау және алдын ала тергеу органдарынан немесе соттан алынған анықтама "
            "(соның ішінде үкімнің заңды күшіне енгені туралы)",
            ru="Справка органов дознания и предварительного следствия или суда (в том "
            "числе о вступлении приговора в законную силу)",
            en="Certificate from the inquiry or investigation body or the court (incl. on a "
            "verdict entering into force)",
        ),
    ),
    DocumentKind(
        "workplace_education_certificate",
        Text(
            kk="Тиісті білімінің бар болуы туралы белгісі бар жұмыс орнын растайтын анықтама",
            ru="Справка, подтверждающая место работы, с отметкой о наличии "
            "соответствующего образования",
            en="Certificate confirming the workplace, noting the relevant education",
        ),
    ),
    DocumentKind(
        "law_enforcement_study_certificate",
        Text(
            kk="Оқып жатқанын растайтын құқық қорғау органдарының білім беру ұйымынан "
            "алынған анықтама",
            ru="Справка организации образования правоохранительных органов, "
            "подтверждающая обучение",
            en="Certificate of study from the law-enforcement educational organisation",
        ),
    ),
    DocumentKind(
        "conscription_commission_extract",
        Text(
            kk="Аудандық (қалалық) әскерге шақыру комиссиясының хаттамалары кітабынан үзінді",
            ru="Выписка из книги протоколов районной (городской) призывной комиссии",
            en="Extract from the protocol book of the district (city) conscription commission",
        ),
    ),
    DocumentKind(
        "regional_commission_decision_extract",
        Text(
            kk="Әскерге шақырылушыны бейбіт уақытта әскери қызметке жарамсыз, соғыс "
            "уақытында шектеулі жарамды деп тану туралы облыстық (республикалық маңызы бар "
            "қаланың және астананың) әскерге шақыру комиссиясының шешімінен үзінді",
            ru="Выписка из решения областной (города республиканского значения и столицы) "
            "призывной комиссии о признании призывника негодным к воинской службе в "
            "мирное время, ограниченно годным в военное время",
            en="Extract from the regional (city of republican significance, capital) "
            "conscription commission's decision: unfit in peacetime, of limited fitness in "
            "wartime",
        ),
    ),
    DocumentKind(
        "service_casualty_extract",
        Text(
            kk="Жақын туыстарының әскери қызмет өткеру кезеңінде қаза тапқаны немесе "
            "мүгедектік алғандығы туралы әскери бөлім (мекеме) басшысының бұйрығынан немесе "
            "Қазақстан Республикасы Қорғаныс министрлігінің Орталық мұрағатынан үзінді",
            ru="Выписка из приказа командира воинской части (руководителя учреждения) или "
            "из Центрального архива Министерства обороны Республики Казахстан о гибели или "
            "инвалидности близкого родственника в период прохождения воинской службы",
            en="Extract from the military unit commander's order or from the Central Archive "
            "of the Ministry of Defence on a close relative's death or disability in service",
        ),
    ),
    DocumentKind(
        "foreign_service_certificate",
        Text(
            kk="Басқа мемлекетте әскери (баламалы) қызмет өткергені туралы анықтама немесе "
            "белгісі бар әскери билет (мемлекеттік және орыс тіліндегі аудармасын нотариат "
            "растаған)",
            ru="Справка о прохождении воинской (альтернативной) службы в другом государстве "
            "или военный билет с отметкой (с нотариально засвидетельствованным переводом на "
            "государственный и русский языки)",
            en="Certificate of military (alternative) service in another state, or military "
            "ID with the mark (with notarised translation into Kazakh and Russian)",
        ),
    ),
    DocumentKind(
        "special_bodies_service_proof",
        Text(
            kk="Қазақстан Республикасының арнаулы мемлекеттік органдарында қызмет "
            "өткергендігін растайтын құжат",
            ru="Документ, подтверждающий прохождение службы в специальных государственных "
            "органах Республики Казахстан",
            en="Document confirming service in the special state bodies of Kazakhstan",
        ),
    ),
    DocumentKind(
        "academic_degree_diploma",
        Text(
            kk="Ғылыми дәрежесін растайтын диплом",
            ru="Диплом, подтверждающий ученую степень",
            en="Diploma confirming the academic degree",
        ),
    ),
    DocumentKind(
        "clergy_certificate",
        Text(
            kk="Діни бірлестік берген дін қызметкері мәртебесін растайтын анықтама",
            ru="Справка религиозного объединения, подтверждающая статус священнослужителя",
            en="Certificate from the religious association confirming clergy status",
        ),
    ),
)

DOCUMENT_KINDS: dict[str, DocumentKind] = {k.code: k for k in _DOCUMENT_KINDS}


def _d(number: int, kk: str, ru: str, en: str, *required: str, **kw: tuple[str, ...]) -> Ground:
    return Ground(Service.deferral, number, Text(kk, ru, en), tuple(required), **kw)


def _e(number: int, kk: str, ru: str, en: str, *required: str) -> Ground:
    return Ground(Service.exemption, number, Text(kk, ru, en), tuple(required))


DEFERRAL = ServiceRules(
    service=Service.deferral,
    name=Text(
        kk="Әскерге шақыруды кейінге қалдыру",
        ru="Отсрочка от призыва на воинскую службу",
        en="Deferral of conscription",
    ),
    law_article=35,
    fetched_by_provider=Text(
        kk="Жеке басын куәландыратын құжаттың, баланың (балаларының) туу туралы, зайыбының "
        "қайтыс болуы туралы, некеге тұруы туралы құжаттың деректері",
        ru="Сведения документа, удостоверяющего личность, о рождении ребенка (детей), о "
        "смерти супруги, о заключении брака",
        en="Identity document; children's birth, spouse's death and marriage records",
    ),
    grounds=(
        _d(
            1,
            "Басқа адамның көмегіне мұқтаж және толық мемлекеттік қамсыздандыруда болмайтын "
            "отбасы мүшелерін күтумен айналысатын, Қазақстан Республикасының аумағында "
            "онымен бірге немесе бөлек тұратын жақын туыстары немесе басқа да адамдар "
            "болмаған кезде заң бойынша көрсетілген отбасы мүшелерін асырауға міндетті "
            "азаматтар",
            "Граждане, обязанные по закону содержать членов семьи, при отсутствии близких "
            "родственников или других лиц, проживающих совместно с ними или отдельно на "
            "территории Республики Казахстан и осуществляющих уход за членами семьи, "
            "нуждающимися в постороннем уходе и не находящимися на полном государственном "
            "обеспечении",
            "Obliged by law to support family members who need care, with no close "
            "relatives or others in Kazakhstan caring for them",
            "family_inspection_act",
            "dependants_proof",
        ),
        _d(
            2,
            "Өзінің асырауында анасыз тәрбиелеп отырған баласы (балалары) бар азаматтар",
            "Граждане, имеющие на иждивении ребенка (детей), воспитываемого (воспитываемых) "
            "ими без матери",
            "Raising a dependent child (children) without a mother",
            "family_inspection_act",
            # Only guardians of orphans or of children left without parental care.
            if_applicable=("guardianship_resolution",),
        ),
        _d(
            3,
            "Ата-анасының қайтыс болуына немесе олардың ата-ана құқығынан айырылуына немесе "
            "сот бас бостандығынан айыруға соттауына байланысты кемінде екі жыл тәрбиесінде "
            "және асырауында болған адамдар бар азаматтар",
            "Граждане, у которых на воспитании и содержании не менее двух лет находятся "
            "лица, оставшиеся без родителей в связи с их смертью, лишением родительских "
            "прав или осуждением судом к лишению свободы",
            "Has raised and supported for at least two years persons left without parents",
            "family_inspection_act",
            "guardianship_resolution",
        ),
        _d(
            4,
            "Некеде тұрған және бір және одан да көп баласы бар азаматтар",
            "Граждане, состоящие в браке и имеющие одного и более детей",
            "Married, with one or more children",
            "family_inspection_act",
        ),
        _d(
            5,
            "Оқу кезеңінде білім алып жатқан азаматтар",
            "Граждане, получающие образование, - на период обучения",
            "Studying, for the period of study",
            "study_certificate",
        ),
        _d(
            6,
            "Денсаулық жағдайы бойынша азаматтар",
            "Граждане по состоянию здоровья",
            "Health",
            "medical_commission_extract",
        ),
        _d(
            7,
            "Мектепке дейінгі білім беру ұйымдарында, орта (бастауыш, негізгі орта, жалпы "
            "орта), техникалық және кәсіптік, орта білімнен кейінгі білім беру ұйымдарында, "
            "мамандандырылған, арнаулы білім беру ұйымдарында, жетім балалар мен "
            "ата-анасының қамқорлығынсыз қалған балаларға арналған білім беру ұйымдарында, "
            "балаларға қосымша білім беру ұйымдарында, сондай-ақ әдістемелік кабинеттерде "
            "кәсіби қызметті жүзеге асыратын педагогтер",
            "Педагоги, осуществляющие профессиональную деятельность в организациях "
            "дошкольного, среднего (начального, основного среднего, общего среднего), "
            "технического и профессионального, послесреднего образования, в "
            "специализированных, специальных организациях образования, организациях "
            "образования для детей-сирот и детей, оставшихся без попечения родителей, "
            "организациях дополнительного образования для детей, а также в методических "
            "кабинетах",
            "Teacher in a pre-school, school, vocational, special or orphan-care educational "
            "organisation, supplementary education for children, or a methodological office",
            "workplace_certificate",
        ),
        _d(
            8,
            "Тиісті білімі бар, мамандығы бойынша ауылдық жерлерде тұрақты жұмыс істейтін "
            "дәрігерлер",
            "Врачи, имеющие соответствующее образование и постоянно работающие по "
            "специальности в сельской местности",
            "Doctor with relevant education permanently working in a rural area",
            "workplace_certificate",
        ),
        _d(
            9,
            "Қазақстан Республикасы Парламентінің немесе жергілікті өкілді органдардың депутаттары",
            "Депутаты Парламента Республики Казахстан или местных представительных органов",
            "Deputy of Parliament or of a local representative body",
            "deputy_certificate",
        ),
        _d(
            10,
            "Өздеріне қатысты анықтау, алдын ала тергеу жүргізіліп жатқан немесе соттар "
            "қылмыстық істерін қарап жатқан адамдар",
            "Лица, в отношении которых ведется дознание или предварительное следствие либо "
            "уголовные дела которых рассматриваются судами",
            "Under inquiry or preliminary investigation, or with a criminal case in court",
            "investigation_certificate",
        ),
        _d(
            11,
            "Азаматтық әуе кемелерінің ұшу экипажының мүшелері, тиісті білімі бар азаматтық "
            "авиация инженерлері, механиктері және техниктері",
            "Члены летных экипажей гражданских воздушных судов, инженеры, механики и техники "
            "гражданской авиации, имеющие соответствующее образование",
            "Civil aircraft flight crew; civil aviation engineer, mechanic or technician "
            "with relevant education",
            "workplace_education_certificate",
        ),
        _d(
            12,
            "Кемелер экипаждарының тиісті білімі бар мүшелері",
            "Члены экипажей судов, имеющие соответствующее образование",
            "Ship crew member with relevant education",
            "workplace_education_certificate",
        ),
        _d(
            13,
            "Құқық қорғау органдарының білім беру ұйымдарында бастапқы кәсіби даярлықтан "
            "өтіп жатқан адамдар",
            "Лица, проходящие первоначальную профессиональную подготовку в организациях "
            "образования правоохранительных органов",
            "In initial professional training at a law-enforcement educational organisation",
            "law_enforcement_study_certificate",
        ),
    ),
)

EXEMPTION = ServiceRules(
    service=Service.exemption,
    name=Text(
        kk="Азаматтарды әскери қызметке шақырудан босату",
        ru="Освобождение граждан от призыва на воинскую службу",
        en="Exemption of citizens from conscription",
    ),
    law_article=36,
    fetched_by_provider=Text(
        kk="Жеке басын куәландыратын құжаттың деректері",
        ru="Сведения документа, удостоверяющего личность",
        en="Identity document",
    ),
    grounds=(
        _e(
            1,
            "Денсаулық жағдайы бойынша әскери қызметке жарамсыз деп танылғандар",
            "Признанные по состоянию здоровья негодными к воинской службе",
            "Unfit for military service by health",
            "conscription_commission_extract",
            "regional_commission_decision_extract",
        ),
        _e(
            2,
            "Заңды негіздер, жиырма жеті жасқа толуы бойынша мерзімді әскери қызметке "
            "шақырылмағандар",
            "Не призванные на срочную воинскую службу по законным основаниям до "
            "достижения двадцати семи лет",
            "Not called up for fixed-term service, on legal grounds, by the age of 27",
        ),
        _e(
            3,
            "Туыстарының бірі (әкесі, анасы, аға-інілері немесе апа-сіңлілері) әскери "
            "қызмет өткеру кезеңінде қызметтік міндеттерін орындау кезінде қаза тапқан, "
            "қайтыс болған немесе бірінші немесе екінші топтағы мүгедек болып қалғандар",
            "Граждане, один из родственников которых (отец, мать, братья или сестры) погиб, "
            "умер или стал инвалидом первой или второй группы при исполнении служебных "
            "обязанностей в период прохождения воинской службы",
            "A father, mother, brother or sister died, perished or became disabled "
            "(group I/II) on duty during military service",
            "service_casualty_extract",
        ),
        _e(
            4,
            "Басқа мемлекетте әскери (баламалы) қызмет өткергендер",
            "Прошедшие воинскую (альтернативную) службу в другом государстве",
            "Completed military (alternative) service in another state",
            "foreign_service_certificate",
        ),
        _e(
            5,
            '"Қазақстан Республикасының арнаулы мемлекеттік органдары туралы" Қазақстан '
            "Республикасының Заңы 51-бабының 9-тармағында көзделген жағдайларды қоспағанда, "
            "Қазақстан Республикасының арнаулы мемлекеттік органдарында қызмет "
            "өткергендер",
            "Проходившие службу в специальных государственных органах Республики Казахстан, "
            "за исключением случаев, предусмотренных пунктом 9 статьи 51 Закона Республики "
            'Казахстан "О специальных государственных органах Республики Казахстан"',
            "Served in the special state bodies of Kazakhstan (except the cases of Art. 51 "
            "para. 9 of the Law on special state bodies)",
            "special_bodies_service_proof",
        ),
        _e(
            6,
            "Ғылыми дәрежесі барлар",
            "Имеющие ученую степень",
            "Holds an academic degree",
            "academic_degree_diploma",
        ),
        _e(
            7,
            "Тіркелген діни бірлестіктердің дін қызметкерлері",
            "Священнослужители зарегистрированных религиозных объединений",
            "Clergy of a registered religious association",
            "clergy_certificate",
        ),
    ),
)

SERVICES: dict[Service, ServiceRules] = {Service.deferral: DEFERRAL, Service.exemption: EXEMPTION}


def service_rules(service: Service | str) -> ServiceRules:
    return SERVICES[Service(service)]


def grounds(service: Service | str) -> tuple[Ground, ...]:
    return service_rules(service).grounds


def ground(service: Service | str, number: int) -> Ground:
    """Raises KeyError when the service has no such ground."""
    for g in grounds(service):
        if g.number == number:
            return g
    raise KeyError(f"{Service(service).value} has no ground {number}")


def document_kind(code: str) -> DocumentKind:
    """Raises KeyError for an unknown code."""
    return DOCUMENT_KINDS[code]


def refusal_grounds(service: Service | str) -> tuple[RefusalGround, RefusalGround]:
    """Standard row 9, cited by the refusal notice as "para. 9 of Annex 2"; the second
    ground names the service's own article of the Law."""
    article = service_rules(service).law_article
    return (
        RefusalGround(
            1,
            Text(
                kk="Көрсетілетін қызметті алушы мемлекеттік көрсетілетін қызметті алу үшін "
                "ұсынған құжаттардың және (немесе) олардағы деректердің (мәліметтердің) "
                "дұрыс еместігін анықтау",
                ru="Установление недостоверности документов, представленных "
                "услугополучателем для получения государственной услуги, и (или) данных "
                "(сведений), содержащихся в них",
                en="The documents submitted by the applicant and/or the data in them are "
                "found to be unreliable",
            ),
        ),
        RefusalGround(
            2,
            Text(
                kk="Көрсетілетін қызметті алушының және (немесе) мемлекеттік қызмет көрсету "
                "үшін қажетті ұсынылған материалдардың, объектілердің, деректер мен "
                "мәліметтердің "
                f"{LAW_OF.kk} {article}-бабында және осы қағидаларда белгіленген "
                "талаптарға сәйкес келмеуі",
                ru="Несоответствие услугополучателя и (или) представленных материалов, "
                "объектов, данных и сведений, необходимых для оказания государственной "
                f"услуги, требованиям, установленным статьей {article} {LAW_OF.ru} и "
                "настоящими правилами",
                en="The applicant and/or the submitted materials, data and information do "
                f"not meet the requirements of Art. {article} of the Law and of these rules",
            ),
        ),
    )


def refusal_ground(service: Service | str, number: int) -> RefusalGround:
    """Raises KeyError for a number other than 1 or 2."""
    for r in refusal_grounds(service):
        if r.number == number:
            return r
    raise KeyError(f"no refusal ground {number}")


# Para. 13: the chairman's conclusion goes, within one working day, to the applicant's
# personal cabinet on the portal and to the local military administration body of his
# residence and military registration, which fills in the commission's protocol. Para. 13
# names the conclusion only; a refusal is a result of the service too (standard row 5:
# "a motivated refusal", presented electronically), so it reaches the personal cabinet,
# but the military body has no protocol to fill in for it.
ADDRESSEES: dict[ResultKind, tuple[Addressee, ...]] = {
    ResultKind.conclusion: (Addressee.cabinet, Addressee.military),
    ResultKind.refusal: (Addressee.cabinet,),
}


def addressees(kind: ResultKind | str) -> tuple[Addressee, ...]:
    """Who receives a result of this kind, in the order it is sent."""
    return ADDRESSEES[ResultKind(kind)]


# Standard row 8, closing sentence: the records the provider takes through the
# e-government gateway. The deferral standard names four; the exemption standard
# (Annex 5) names the identity document only.
GATEWAY_RECORDS: dict[Service, tuple[RecordKind, ...]] = {
    Service.deferral: (
        RecordKind.identity,
        RecordKind.child_birth,
        RecordKind.spouse_death,
        RecordKind.marriage,
    ),
    Service.exemption: (RecordKind.identity,),
}


def gateway_records(service: Service | str) -> tuple[RecordKind, ...]:
    return GATEWAY_RECORDS[Service(service)]


def ground_text(service: Service | str, number: int, lang: Lang) -> str:
    """The ground's words as Art. 35 (deferral) or Art. 36 (exemption) and the standard
    give them; what the conclusion states as the reason. Raises KeyError for an unknown
    ground."""
    return ground(service, number).name.get(lang)
