"""What the caseworkers' commands say, in Kazakh, Russian and English, and how a case
looks on a terminal.

Kept apart from `cli/cases.py` so that the wording can be reviewed (and corrected by a
native speaker) without reading any Temporal code. Every text a caseworker can get about
a case is a key of `TEXTS` with all three languages; `test_cli_cases` checks that none is
missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.case import CaseStatus, Deadline, Step
from rules import calendar, regulation
from rules.check import hidden
from rules.timezone import ALMATY
from workflows.checks import STEP_NAMES

Lang = Literal["kk", "ru", "en"]

# key -> (kk, ru, en)
TEXTS: dict[str, tuple[str, str, str]] = {
    # --- errors and outcomes of a command -------------------------------------------
    "unknown_app": (
        "{app}: мұндай өтініш табылмады",
        "{app}: такое заявление не найдено",
        "{app}: no such application",
    ),
    "unreachable": (
        "Temporal серверіне қосылу мүмкін болмады ({address}): {error}",
        "Не удалось подключиться к серверу Temporal ({address}): {error}",
        "Cannot reach the Temporal server at {address}: {error}",
    ),
    "no_worker": (
        "{app}: өтінішті жүргізетін жұмысшы {seconds} с ішінде жауап бермеді; "
        "әрекет кейін орындалуы мүмкін, `shaqyru show` арқылы тексеріңіз",
        "{app}: обработчик заявления не ответил за {seconds} с; действие может быть "
        "выполнено позже, проверьте через `shaqyru show`",
        "{app}: no worker answered within {seconds} s; the action may still be applied "
        "later, check with `shaqyru show`",
    ),
    "need_actor": (
        "Кім екеніңізді --as немесе SHAQYRU_USER арқылы көрсетіңіз",
        "Укажите, кто вы, через --as или SHAQYRU_USER",
        "Say who you are with --as or SHAQYRU_USER",
    ),
    "bad_actor": (
        "{actor}: қызметкердің идентификаторы тек кіші латын әріптерінен, цифрлардан, "
        "«.», «_», «-» белгілерінен тұрады",
        "{actor}: идентификатор сотрудника состоит только из строчных латинских букв, "
        "цифр и знаков «.», «_», «-»",
        "{actor}: a caseworker id has only lowercase Latin letters, digits, '.', '_', '-'",
    ),
    "no_personal_key": (
        "{actor}: жеке қолтаңба кілтін ашу мүмкін емес: {error}",
        "{actor}: не удаётся открыть личный ключ подписи: {error}",
        "{actor}: cannot open the personal signing key: {error}",
    ),
    "bad_field": (
        "{field}: мән қабылданбайды ({rule}); ештеңе жіберілмеді",
        "{field}: значение не принимается ({rule}); ничего не отправлено",
        "{field}: the value is refused ({rule}); nothing was sent",
    ),
    "no_keys": (
        "Істің дербес деректерін оқу мүмкін емес: {error}",
        "Не удаётся прочитать персональные данные дела: {error}",
        "Cannot read the case's personal data: {error}",
    ),
    "bad_app": (
        "{app}: өтініштің идентификаторы дұрыс емес",
        "{app}: неверный идентификатор заявления",
        "{app}: not a valid application id",
    ),
    "case_closed": (
        "{app}: іс жабылған, ешқандай әрекет қабылданбайды",
        "{app}: дело закрыто, действия больше не принимаются",
        "{app}: the case is closed; no action is accepted",
    ),
    "refused": (
        "Қабылданбады: {reason}",
        "Отклонено: {reason}",
        "Refused: {reason}",
    ),
    "unchanged": (
        "Іс өзгерген жоқ.",
        "Дело не изменилось.",
        "The case is unchanged.",
    ),
    "done_forward": (
        "{app}: өтініш мүшелерге жолданды: {members}",
        "{app}: заявление направлено членам комиссии: {members}",
        "{app}: forwarded to the members: {members}",
    ),
    "done_agree": (
        "{app}: сіздің келісіміңіз тіркелді",
        "{app}: ваше согласие принято",
        "{app}: your agreement is recorded",
    ),
    "done_refuse": (
        "{app}: сіздің бас тартуыңыз тіркелді",
        "{app}: ваш отказ принят",
        "{app}: your refusal is recorded",
    ),
    "done_sign": (
        "{app}: құжатқа қол қойылды (SHA-256 {sha}…); ол жеткізіледі",
        "{app}: документ подписан (SHA-256 {sha}…); он будет доставлен",
        "{app}: the document is signed (SHA-256 {sha}…); it will be delivered",
    ),
    "sign_not_now": (
        "{app}: қол қоятын құжат жоқ; іс «{step}» кезеңінде",
        "{app}: нет документа на подпись; дело на этапе «{step}»",
        "{app}: there is no document to sign; the case is at the '{step}' step",
    ),
    "sign_no_document": (
        "{app}: шығарылған құжатты оқу мүмкін емес: {error}",
        "{app}: не удаётся прочитать выданный документ: {error}",
        "{app}: the issued document cannot be read: {error}",
    ),
    "done_grant": (
        "{app}: оң шешім қабылданды; қорытынды шығарылады",
        "{app}: принято положительное решение; заключение будет выдано",
        "{app}: granted; the conclusion will be issued",
    ),
    "done_deny": (
        "{app}: бас тарту туралы шешім қабылданды; хабарлама шығарылады",
        "{app}: принято решение об отказе; уведомление будет выдано",
        "{app}: refused; the refusal notice will be issued",
    ),
    "still_waiting": (
        "Әлі күтілуде: {who}",
        "Ещё ожидаются: {who}",
        "Still waiting for: {who}",
    ),
    # --- submission -----------------------------------------------------------------
    "cannot_read": (
        "{file}: файлды оқу мүмкін болмады: {error}",
        "{file}: не удалось прочитать файл: {error}",
        "{file}: cannot read the file: {error}",
    ),
    "invalid": (
        "Өтініш қабылданбады, {n} қате табылды; ештеңе басталған жоқ:",
        "Заявление не принято, найдено проблем: {n}; ничего не запущено:",
        "The application is not accepted, {n} problem(s); nothing was started:",
    ),
    "duplicate": (
        "{app}: бұл өтініш бұрын берілген; екінші іс ашылған жоқ",
        "{app}: это заявление уже подано; второе дело не открыто",
        "{app}: this application was already submitted; no second case was started",
    ),
    "receipt": (
        "{app}: өтініш қабылданды",
        "{app}: заявление принято",
        "{app}: the application is accepted",
    ),
    "receipt_registration": ("Тіркеу", "Регистрация", "Registration"),
    "receipt_due": ("Нәтиженің мерзімі", "Срок результата", "Result due"),
    # --- inbox and overdue -------------------------------------------------------------
    "inbox_title": (
        "{actor}: сіздің әрекетіңізді күтетін өтініштер ({n})",
        "{actor}: заявления, ожидающие ваших действий ({n})",
        "{actor}: cases waiting for you ({n})",
    ),
    "inbox_empty": (
        "{actor}: сізді күтетін өтініш жоқ",
        "{actor}: нет заявлений, ожидающих вас",
        "{actor}: nothing waits for you",
    ),
    "overdue_title": (
        "Мерзімі өткен істер ({n})",
        "Просроченные дела ({n})",
        "Overdue cases ({n})",
    ),
    "overdue_empty": (
        "Мерзімі өткен іс жоқ",
        "Просроченных дел нет",
        "No case is overdue",
    ),
    "overdue_group": (
        "{district} · {step}: {n}",
        "{district} · {step}: {n}",
        "{district} · {step}: {n}",
    ),
    "visibility_note": (
        "Тізім бірнеше секунд кешігуі мүмкін.",
        "Список может отставать на несколько секунд.",
        "The list may lag a few seconds behind.",
    ),
    # --- a run that stopped or is stuck ---------------------------------------------
    "run_terminated": ("тоқтатылды", "прекращено", "terminated"),
    "run_failed": ("қатемен аяқталды", "завершилось с ошибкой", "failed"),
    "run_timed_out": ("орындалу уақыты бітті", "истекло время выполнения", "timed out"),
    "run_canceled": ("болдырылмады", "отменено", "cancelled"),
    "run_continued_as_new": (
        "жаңа орындалумен жалғасты",
        "продолжено новым выполнением",
        "continued as a new run",
    ),
    "run_stopped": (
        "ІС ЖАБЫЛДЫ: {state}, {at}",
        "ДЕЛО ЗАКРЫТО: {state}, {at}",
        "CASE CLOSED: {state}, {at}",
    ),
    "run_by": ("Кім", "Кем", "By"),
    "run_reason": ("Себебі", "Причина", "Reason"),
    "run_last_state": (
        "Іс ешкімді күтпейді; төменде оның тоқтаған сәттегі күйі.",
        "Дело никого не ждёт; ниже его состояние на момент остановки.",
        "The case waits for nobody; below is its state when it stopped.",
    ),
    "run_no_state": (
        "Істің соңғы күйін оқу мүмкін болмады: {error}",
        "Последнее состояние дела прочитать не удалось: {error}",
        "The case's last state could not be read: {error}",
    ),
    "jammed": (
        "тұрып қалды (жұмыс процесінің тапсырмасы қайта-қайта қатемен аяқталады, {attempt}-әрекет)",
        "застряло (задача процесса раз за разом падает, попытка {attempt})",
        "jammed (workflow task failing, attempt {attempt})",
    ),
    "jam_check_limited": (
        "Тұрып қалу тек мерзімі ең ерте {n} істе тексерілді.",
        "Застревание проверено только у {n} дел с самым ранним сроком.",
        "Checked for a failing workflow task: only the {n} cases due first.",
    ),
    "not_finished": ("аяқталмады", "не завершён", "not finished"),
    # --- column and field labels ---------------------------------------------------
    "col_app": ("Өтініш", "Заявление", "Application"),
    "col_number": ("Тіркеу №", "Рег. №", "Reg. no."),
    "col_service": ("Қызмет", "Услуга", "Service"),
    "col_ground": ("Негіз", "Основание", "Ground"),
    "col_district": ("Аудан", "Район", "District"),
    "col_step": ("Кезең", "Этап", "Step"),
    "col_due": ("Мерзімі", "Срок", "Due"),
    "col_left": ("Қалды", "Осталось", "Left"),
    "col_waiting": ("Кімді күтеді", "Кого ждёт", "Waiting for"),
    "col_member": ("Мүше", "Член комиссии", "Member"),
    "col_answer": ("Жауап", "Ответ", "Answer"),
    "col_details": ("Мән-жайы", "Обстоятельства", "Details"),
    "col_at": ("Уақыты", "Время", "At"),
    "col_started": ("Басталды", "Начало", "Started"),
    "col_finished": ("Аяқталды", "Завершён", "Finished"),
    "col_state": ("Күйі", "Состояние", "State"),
    "col_addressee": ("Алушы", "Получатель", "Addressee"),
    "col_reference": ("Сілтеме", "Ссылка", "Reference"),
    "submitted": ("Берілді", "Подано", "Submitted"),
    "accepted": ("Қабылданды", "Принято", "Accepted"),
    "term": (
        "Қызмет мерзімі (5 жұмыс күні)",
        "Срок услуги (5 рабочих дней)",
        "Term (5 working days)",
    ),
    "term_breached": ("мерзім бұзылды", "срок нарушен", "breached"),
    "registration": ("Тіркеу нөмірі", "Регистрационный номер", "Registration number"),
    "commission": ("Комиссия", "Комиссия", "Commission"),
    "chairman": ("Төраға", "Председатель", "Chairman"),
    "forwarded_to": ("Жолданды", "Направлено", "Forwarded to"),
    "current_step": ("Қазіргі кезең", "Текущий этап", "Current step"),
    "waiting_for": ("Әрекетті күтеді", "Ожидает действий", "Waiting for"),
    "deadlines": ("Мерзімдер", "Сроки", "Deadlines"),
    "answers": ("Мүшелердің жауаптары", "Ответы членов комиссии", "Members' answers"),
    "decision": ("Төрағаның шешімі", "Решение председателя", "Chairman's decision"),
    "result": ("Нәтиже", "Результат", "Result"),
    "deliveries": ("Жеткізу", "Доставка", "Deliveries"),
    "escalations": ("Ескертулер", "Эскалации", "Escalations"),
    "rejections": ("Қабылданбаған әрекеттер", "Отклонённые действия", "Rejected actions"),
    "none": ("жоқ", "нет", "none"),
    "nobody": ("ешкім", "никто", "nobody"),
    # --- states and values ------------------------------------------------------------
    "overdue": ("мерзімі өтті", "просрочено", "overdue"),
    "in_time": ("уақытында", "в срок", "in time"),
    "open_left": ("{left} қалды", "осталось {left}", "{left} left"),
    "late_by": ("{late} кешікті", "опоздание {late}", "late by {late}"),
    "to_spare": ("{left} қорымен", "с запасом {left}", "{left} to spare"),
    "pending": ("күтілуде", "ожидается", "pending"),
    "no_answer": ("жауап бермеді", "не ответил", "no answer"),
    "agree": ("келісті", "согласен", "agrees"),
    "refuse": ("бас тартты", "отказ", "refuses"),
    "grant": ("беру", "предоставить", "grant"),
    "deny": ("бас тарту", "отказать", "refuse"),
    "until": ("дейін", "до", "until"),
    "reasons": ("Себептері", "Причины", "Reasons"),
    "refusal_ground": ("9-тармақтың негізі", "Основание п. 9", "Ground of para. 9"),
    "conclusion": ("қорытынды", "заключение", "conclusion"),
    "refusal_notice": ("бас тарту туралы хабарлама", "уведомление об отказе", "refusal notice"),
    "granted": ("берілді", "предоставлено", "granted"),
    "refused_outcome": ("бас тартылды", "отказано", "refused"),
    "delivered": ("жеткізілді", "доставлено", "delivered"),
    "delivery_pending": ("жіберілмеді", "не отправлено", "not sent yet"),
    "delivery_queued": (
        "кезекте (шығыс жәшігінде, мекенжай бапталмаған)",
        "в очереди (исходящие, адрес не настроен)",
        "queued in the outbox (no endpoint)",
    ),
    "delivery_delivered": (
        "жеткізілді (алушы қабылдады)",
        "доставлено (принято адресатом)",
        "delivered (accepted by the addressee)",
    ),
    "acceptance_mark": (
        "Қабылдау туралы белгі жеке кабинетке",
        "Отметка о приёме в личный кабинет",
        "Acceptance mark to the personal cabinet",
    ),
    "findings": (
        "Комиссия назар аударатын мән-жайлар:",
        "Обстоятельства, которые должна оценить комиссия:",
        "Findings the commission must weigh:",
    ),
    "h_queued_cabinet": (
        "жеке кабинетке арналған құжат шығыс жәшігінде кезекте (мекенжай бапталмаған)",
        "документ для личного кабинета в очереди исходящих (адрес не настроен)",
        "queued in the outbox for the personal cabinet (no endpoint)",
    ),
    "h_queued_military": (
        "жергілікті әскери басқару органына арналған құжат шығыс жәшігінде кезекте",
        "документ для местного органа военного управления в очереди исходящих",
        "queued in the outbox for the local military administration body (no endpoint)",
    ),
    "not_delivered": ("жеткізілмеді", "не доставлено", "not delivered"),
    "cabinet": ("жеке кабинет", "личный кабинет", "personal cabinet"),
    "military": (
        "жергілікті әскери басқару органы",
        "местный орган военного управления",
        "local military administration body",
    ),
    "hours": ("{h} сағ {m} мин", "{h} ч {m} мин", "{h} h {m} min"),
    "minutes": ("{m} мин", "{m} мин", "{m} min"),
    "system": ("жүйе", "система", "system"),
    "portal": ("портал", "портал", "portal"),
    # --- escalations ------------------------------------------------------------------
    "esc_overdue": ("кезеңнің мерзімі өтті", "срок этапа истёк", "the step is overdue"),
    "esc_auto_forward": (
        "мерзім өткенде өтініш барлық мүшелерге автоматты түрде жолданды",
        "по истечении срока заявление автоматически направлено всем членам комиссии",
        "forwarded to all members automatically at the deadline",
    ),
    "esc_no_answer": (
        "мерзім ішінде жауап бермегендер: {who}",
        "не ответили в срок: {who}",
        "no answer in time from: {who}",
    ),
    "esc_reminder": (
        "еске салу: шешімнің мерзімі өтіп кетті",
        "напоминание: срок решения пропущен",
        "reminder: the decision is overdue",
    ),
    "esc_term_breach": (
        "қызметтің 5 жұмыс күндік мерзімі өтті",
        "истёк 5-дневный срок оказания услуги",
        "the 5-working-day term has run out",
    ),
    # --- history --------------------------------------------------------------------
    "history_title": (
        "{app}: істің тарихы",
        "{app}: история дела",
        "{app}: history of the case",
    ),
    "h_started": (
        "өтініш порталда берілді ({submitted}), іс ашылды",
        "заявление подано на портале ({submitted}), дело открыто",
        "application submitted on the portal ({submitted}); case opened",
    ),
    "h_accepted": (
        "жұмыс уақыты басталды: өтініш қабылданды",
        "начало рабочего времени: заявление принято",
        "working time began: the application is accepted",
    ),
    "h_step": ("«{step}» кезеңі басталды", "начат этап «{step}»", "step '{step}' began"),
    "h_step_due": (
        "«{step}» кезеңі басталды, мерзімі {due}",
        "начат этап «{step}», срок {due}",
        "step '{step}' began, due {due}",
    ),
    "h_registered": (
        "өтініш тіркелді, № {number}",
        "заявление зарегистрировано, № {number}",
        "registered as no. {number}",
    ),
    "h_issued_conclusion": ("қорытынды шығарылды", "выдано заключение", "conclusion issued"),
    "h_issued_refusal": (
        "бас тарту туралы хабарлама шығарылды",
        "выдано уведомление об отказе",
        "refusal notice issued",
    ),
    "h_delivered_cabinet": (
        "өтініш берушінің жеке кабинетіне жеткізілді",
        "доставлено в личный кабинет заявителя",
        "delivered to the applicant's personal cabinet",
    ),
    "h_delivered_military": (
        "жергілікті әскери басқару органына жеткізілді",
        "доставлено в местный орган военного управления",
        "delivered to the local military administration body",
    ),
    "h_deadline": (
        "«{step}» кезеңінің мерзімі жетті",
        "наступил срок этапа «{step}»",
        "the deadline of step '{step}' came",
    ),
    "h_timer": ("таймер іске қосылды", "сработал таймер", "a timer fired"),
    "h_forward": (
        "өтінішті мүшелерге жолдады: {members}",
        "направил заявление членам комиссии: {members}",
        "forwarded the application to: {members}",
    ),
    "h_forward_all": (
        "өтінішті комиссияның барлық мүшелеріне жолдады",
        "направил заявление всем членам комиссии",
        "forwarded the application to all members",
    ),
    "h_agree": ("келісім берді", "дал согласие", "agreed"),
    "h_refuse": (
        "бас тартты (9-тармақтың {ground}-негізі): {details}",
        "отказал (основание {ground} п. 9): {details}",
        "refused (ground {ground} of para. 9): {details}",
    ),
    "h_sign": (
        "құжатқа өз қолтаңбасын қойды",
        "подписал документ своей подписью",
        "signed the document with his own key",
    ),
    "h_signed_by": (
        "[қол қойған: {subject}, сертификат {serial}]",
        "[подписано: {subject}, сертификат {serial}]",
        "[signed: {subject}, certificate {serial}]",
    ),
    "h_grant": ("босатуды берді", "предоставил освобождение", "granted the exemption"),
    "h_grant_until": (
        "кейінге қалдыруды {until} дейін берді",
        "предоставил отсрочку до {until}",
        "granted a deferral until {until}",
    ),
    "h_deny": (
        "бас тартты: {reasons}",
        "отказал: {reasons}",
        "refused: {reasons}",
    ),
    "h_rejected": (
        "{action} әрекеті қабылданбады: {reason}",
        "действие «{action}» отклонено: {reason}",
        "'{action}' was rejected: {reason}",
    ),
    "h_escalation": ("ЕСКЕРТУ: {what}", "ЭСКАЛАЦИЯ: {what}", "ESCALATION: {what}"),
    "h_closed": ("іс жабылды", "дело закрыто", "case closed"),
    "h_stopped": ("іс жабылды ({state})", "дело закрыто ({state})", "case closed ({state})"),
    "h_stopped_reason": (
        "іс жабылды ({state}): {reason}",
        "дело закрыто ({state}): {reason}",
        "case closed ({state}): {reason}",
    ),
    "h_against": ("мерзімі {due}: {state}", "срок {due}: {state}", "due {due}: {state}"),
    "a_forward": ("жолдау", "направление", "forward"),
    "a_member_decision": ("мүшенің шешімі", "решение члена комиссии", "member's decision"),
    "a_chairman_decision": ("төрағаның шешімі", "решение председателя", "chairman's decision"),
}

_INDEX = {"kk": 0, "ru": 1, "en": 2}


def t(key: str, lang: str, **params: Any) -> str:
    return TEXTS[key][_INDEX.get(lang, 0)].format(**params)


def step_name(step: str, lang: str) -> str:
    if lang == "en" or step not in STEP_NAMES:
        return step
    return STEP_NAMES[step][_INDEX[lang]]


def service_name(service: str, lang: str) -> str:
    try:
        return regulation.service_rules(service).name.get(lang)  # type: ignore[arg-type]
    except (KeyError, ValueError):  # a case that could not read its input says "?"
        return service


def ground_name(service: str, ground: int, lang: str) -> str:
    try:
        return regulation.ground(service, ground).name.get(lang)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return str(ground)


def when(at: datetime | None) -> str:
    """A moment as a caseworker reads it: Almaty local time, to the minute."""
    if at is None:
        return "-"
    return at.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M")


def span(amount: timedelta, lang: str) -> str:
    minutes = int(amount.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    return t("hours", lang, h=h, m=m) if h else t("minutes", lang, m=m)


def working_left(due: datetime, now: datetime) -> timedelta:
    """Working time from now to the deadline; negative when it has passed."""
    if due >= now:
        return calendar.working_time_between(now, due)
    return -calendar.working_time_between(due, now)


def deadline_state(d: Deadline, now: datetime, lang: str) -> str:
    if d.finished_at is not None:
        if d.finished_at <= d.due_at:
            spare = span(working_left(d.due_at, d.finished_at), lang)
            return f"{t('in_time', lang)} ({t('to_spare', lang, left=spare)})"
        return t("late_by", lang, late=span(-working_left(d.due_at, d.finished_at), lang))
    left = working_left(d.due_at, now)
    if left > timedelta(0) and not d.overdue:
        return t("open_left", lang, left=span(left, lang))
    return f"{t('overdue', lang)}, {t('late_by', lang, late=span(-left, lang))}"


def escalation_text(kind: str, note: str, lang: str) -> str:
    key = f"esc_{kind}"
    if key not in TEXTS:
        return note
    who = note.removeprefix("no answer from ") if kind == "no_answer" else ""
    return t(key, lang, who=who)


def refusal_text(details: dict | None, fallback: str, lang: str) -> str:
    """The workflow's reason in the chosen language (details[0] of its ApplicationError)."""
    if isinstance(details, dict):
        return str(details.get(lang) or details.get("en") or fallback)
    return fallback


def console() -> Console:
    # Wide enough that a piped table stays one line a row; a terminal uses its own width.
    # No markup: people's texts (reasons, details) are printed as typed, and a "[/]" in
    # one would otherwise stop the command with a MarkupError.
    return Console(highlight=False, markup=False, soft_wrap=False, width=None if _is_tty() else 160)


def _is_tty() -> bool:
    import sys

    return sys.stdout.isatty()


REASON_CHARS = 200
"""How much of an operator's termination reason or a failure message is printed."""


def outside_text(text: str | None, limit: int = REASON_CHARS) -> str | None:
    """Text typed by an operator or raised by code, made safe for a terminal: one line,
    no control or invisible characters (an ESC could rewrite the screen), bounded."""
    if not text:
        return None
    flat = "".join(" " if c.isspace() else c for c in text if c.isspace() or not hidden(c))
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Execution:
    """What the server knows of a case's run and the case cannot say of itself: that it
    was stopped from outside (and by whom, why), or that its workflow task keeps failing."""

    state: str = "running"
    """running, completed, terminated, failed, timed_out, canceled or continued_as_new"""
    closed_at: datetime | None = None
    by: str | None = None
    reason: str | None = None
    task_attempt: int = 0

    @property
    def stopped(self) -> bool:
        return self.state not in ("running", "completed")

    @property
    def jammed(self) -> bool:
        # Attempt 1 is a task in the ordinary course; a second means the first failed.
        return self.state == "running" and self.task_attempt > 1

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "by": self.by,
            "reason": self.reason,
            "workflow_task_attempt": self.task_attempt or None,
            "jammed": self.jammed,
        }


def render_run(run: Execution, lang: str, out: Console) -> None:
    """The banner over a stopped or jammed case; nothing for an ordinary one."""
    if run.stopped:
        state = t(f"run_{run.state}", lang)
        out.print(t("run_stopped", lang, state=state, at=when(run.closed_at)), style="bold red")
        if run.by:
            out.print(f"{t('run_by', lang)}: {run.by}")
        if run.reason:
            out.print(f"{t('run_reason', lang)}: {run.reason}")
    elif run.jammed:
        out.print(t("jammed", lang, attempt=run.task_attempt), style="bold red")


# ---- show --------------------------------------------------------------------------


def status_json(s: CaseStatus | None, now: datetime, run: Execution | None = None) -> dict:
    run = run or Execution()
    if s is None:
        return {"run": run.as_json()}
    data = s.model_dump(mode="json")
    data["overdue"] = s.overdue
    data["run"] = run.as_json()
    if run.stopped:
        # Its last state, not a live one: nobody is waited for and no time runs out.
        data["waiting_for"] = []
        return data
    for d, out in zip(s.deadlines, data["deadlines"], strict=True):
        if d.finished_at is None:
            out["working_time_left_seconds"] = int(working_left(d.due_at, now).total_seconds())
    if s.term_due_at and s.step != Step.done:
        data["term_working_time_left_seconds"] = int(
            working_left(s.term_due_at, now).total_seconds()
        )
    return data


def render_status(
    s: CaseStatus, now: datetime, lang: str, out: Console, run: Execution | None = None
) -> None:
    L = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    run = run or Execution()
    live = not run.stopped
    title = Text(f"{s.application_id} — {service_name(s.service, lang)}", style="bold")
    out.print(title)
    render_run(run, lang, out)
    if not live:
        out.print(L("run_last_state"), style="dim")
    fields: list[tuple[str, str]] = [
        (L("col_ground"), f"{s.ground}. {ground_name(s.service, s.ground, lang)}"),
        (L("col_district"), _district_name(s, lang)),
    ]
    if s.registration:
        fields.append((L("registration"), s.registration.number))
    fields.append((L("submitted"), when(s.submitted_at)))
    fields.append((L("accepted"), when(s.accepted_at)))
    if s.term_due_at:
        term = when(s.term_due_at)
        if s.term_breached:
            term += f" — {L('term_breached')}"
        elif s.step != Step.done and live:
            term += f" ({L('open_left', left=span(working_left(s.term_due_at, now), lang))})"
        fields.append((L("term"), term))
    step = step_name(s.step, lang)
    if not live:
        step += f" — {L(f'run_{run.state}')}"
    elif s.overdue:
        step += f" — {L('overdue')}"
    fields.append((L("current_step"), step))
    waiting = ", ".join(s.waiting_for) if live else ""
    fields.append((L("waiting_for"), waiting or L("nobody")))
    if s.registration:
        fields.append((L("chairman"), s.registration.commission.chairman.id))
    if s.forwarded_to:
        fields.append((L("forwarded_to"), ", ".join(s.forwarded_to)))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in fields:
        grid.add_row(label, value)
    out.print(grid)

    if s.deadlines:
        table = Table(title=L("deadlines"), title_justify="left")
        for col in ("col_step", "col_started", "col_due", "col_finished", "col_state"):
            table.add_column(L(col))
        for d in s.deadlines:
            if live or d.finished_at is not None:
                state = deadline_state(d, now, lang)
                style = "red" if d.overdue or (d.finished_at or now) > d.due_at else None
            else:
                state, style = L("not_finished"), None
            table.add_row(
                step_name(d.step, lang),
                when(d.started_at),
                when(d.due_at),
                when(d.finished_at),
                Text(state, style=style or ""),
            )
        out.print(table)

    if s.answers:
        table = Table(title=L("answers"), title_justify="left")
        for col in ("col_member", "col_answer", "refusal_ground", "col_details", "col_at"):
            table.add_column(L(col))
        for a in s.answers:
            answer = (
                L(a.answer.value) if a.answer else (L("no_answer") if a.no_answer else L("pending"))
            )
            table.add_row(
                a.member_id,
                answer,
                str(a.refusal_ground or ""),
                a.details or "",
                when(a.at) if a.at else "",
            )
        out.print(table)

    if s.decision:
        out.print(Text(L("decision"), style="bold"))
        d = s.decision
        line = f"  {d.actor}: {L('grant') if d.verdict == 'grant' else L('deny')}"
        if d.until:
            line += f" ({L('until')} {d.until.isoformat()})"
        line += f" — {when(s.decided_at)}"
        out.print(line)
        if d.refusal_ground:
            out.print(f"  {L('refusal_ground')}: {d.refusal_ground}")
        for i, r in enumerate(d.reasons, 1):
            out.print(f"  {i}) {r}")

    if s.result:
        r = s.result
        kind = L("conclusion") if r.kind == "conclusion" else L("refusal_notice")
        out.print(Text(L("result"), style="bold"))
        line = f"  {kind}, {r.registration_number}, {when(r.issued_at)}"
        if r.until:
            line += f", {L('until')} {r.until.isoformat()}"
        out.print(line)

    if s.deliveries:
        table = Table(title=L("deliveries"), title_justify="left")
        for col in ("col_addressee", "col_state", "col_at", "col_reference"):
            table.add_column(L(col))
        for dl in s.deliveries:
            table.add_row(
                L(dl.addressee.value),
                L(f"delivery_{dl.state.value}"),
                when(dl.at) if dl.at else "",
                dl.reference or "",
            )
        out.print(table)

    if s.acceptance_mark is not None:
        mark = s.acceptance_mark
        out.print(f"{L('acceptance_mark')}: {L(f'delivery_{mark.state.value}')}, {when(mark.at)}")
    if s.findings:
        out.print(Text(L("findings"), style="bold"))
        for f in s.findings:
            out.print(f"  ⚑ {f.message(lang)}  [{f.code}]")

    if s.escalations:
        out.print(Text(L("escalations"), style="bold red"))
        for e in s.escalations:
            out.print(
                f"  {when(e.at)}  [{step_name(e.step, lang)}] "
                f"{escalation_text(e.kind, e.note, lang)}"
            )

    if s.rejections:
        out.print(Text(L("rejections"), style="bold"))
        for r in s.rejections:
            out.print(f"  {when(r.at)}  {r.actor}: {getattr(r, lang, r.en)}")


def _district_name(s: CaseStatus, lang: str) -> str:
    if s.registration is None:
        return s.district
    c = s.registration.commission
    name = c.name_ru if lang == "ru" else c.name_kk
    return f"{s.district} ({name})"


# ---- inbox and overdue -----------------------------------------------------------


@dataclass
class CaseRow:
    """One case as the visibility store lists it: search attributes and memo only."""

    application_id: str
    service: str
    ground: int | None
    district: str
    step: str
    deadline: datetime | None
    overdue: bool
    waiting_for: list[str]
    registration_number: str | None = None
    task_attempt: int = 0
    """Attempt of the pending workflow task, when the case was described (overdue only)."""
    findings: int = 0
    """Findings the commission must weigh: flagged in the inbox, listed by `show`."""
    extra: dict = field(default_factory=dict)

    @property
    def jammed(self) -> bool:
        return self.task_attempt > 1

    def late(self, now: datetime) -> bool:
        return self.overdue or (self.deadline is not None and self.deadline < now)

    def as_json(self, now: datetime) -> dict:
        left = working_left(self.deadline, now) if self.deadline else None
        return {
            "application_id": self.application_id,
            "registration_number": self.registration_number,
            "service": self.service,
            "ground": self.ground,
            "district": self.district,
            "step": self.step,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "working_time_left_seconds": int(left.total_seconds()) if left is not None else None,
            "overdue": self.late(now),
            "waiting_for": self.waiting_for,
            "jammed": self.jammed,
            "workflow_task_attempt": self.task_attempt or None,
        }


def render_cases(rows: list[CaseRow], now: datetime, lang: str, title: str, out: Console) -> None:
    table = Table(title=title, title_justify="left")
    for col in (
        "col_app",
        "col_number",
        "col_service",
        "col_ground",
        "col_step",
        "col_due",
        "col_left",
        "col_waiting",
    ):
        table.add_column(t(col, lang))
    for r in rows:
        late = r.late(now)
        if r.jammed:
            left = t("jammed", lang, attempt=r.task_attempt)
        elif r.deadline is None:
            left = ""
        else:
            amount = working_left(r.deadline, now)
            left = f"{t('overdue', lang)} {span(-amount, lang)}" if late else span(amount, lang)
        table.add_row(
            r.application_id + (f" ⚑{r.findings}" if r.findings else ""),
            r.registration_number or "",
            r.service,
            str(r.ground or ""),
            step_name(r.step, lang),
            when(r.deadline),
            Text(left, style="bold red" if late or r.jammed else ""),
            ", ".join(r.waiting_for),
        )
    out.print(table)


# ---- history ------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of a case's timeline."""

    at: datetime
    actor: str
    text: str
    kind: str
    against: str = ""
    late: bool = False

    def as_json(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "text": self.text,
            "deadline": self.against or None,
            "late": self.late,
        }


def render_history(app: str, entries: list[Entry], lang: str, out: Console) -> None:
    out.print(Text(t("history_title", lang, app=app), style="bold"))
    for e in entries:
        line = Text(f"{when(e.at)}  ")
        line.append(f"{e.actor:<16}", style="bold")
        line.append(" ")
        style = "red" if e.kind in ("escalation", "rejected") or e.late else ""
        line.append(e.text, style=style)
        if e.against:
            line.append(f"  [{e.against}]", style="red" if e.late else "dim")
        out.print(line)
