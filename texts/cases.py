"""What the caseworkers' case commands say: outcomes, errors, labels, states, history.

Kept apart from the code so that a native speaker can review the wording without reading
any Temporal code."""

from __future__ import annotations

from texts import Table, register

CASES: Table = {
    # --- errors and outcomes of a command -------------------------------------------
    "unknown_app": (
        "{app}: мұндай өтініш табылмады",
        "{app}: такое заявление не найдено",
        "{app}: no such application",
    ),
    "unreachable": (
        "Temporal серверіне қосылу мүмкін болмады ({address})",
        "Не удалось подключиться к серверу Temporal ({address})",
        "Cannot reach the Temporal server at {address}",
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
        "«{actor}»: қызметкердің идентификаторы тек кіші латын әріптерінен, цифрлардан, "
        "«.», «_», «-» белгілерінен тұрады",
        "«{actor}»: идентификатор сотрудника состоит только из строчных латинских букв, "
        "цифр и знаков «.», «_», «-»",
        "'{actor}': a caseworker id has only lowercase Latin letters, digits, '.', '_', '-'",
    ),
    "no_personal_key": (
        "{actor}: жеке қолтаңба кілтін ашу мүмкін емес",
        "{actor}: не удаётся открыть личный ключ подписи",
        "{actor}: cannot open the personal signing key",
    ),
    "bad_field": (
        "{field}: мән қабылданбайды ({rule}); ештеңе жіберілмеді",
        "{field}: значение не принимается ({rule}); ничего не отправлено",
        "{field}: the value is refused ({rule}); nothing was sent",
    ),
    "no_keys": (
        "Істің дербес деректерін оқу мүмкін емес: шифрлау кілттері жоқ немесе олар басқа",
        "Не удаётся прочитать персональные данные дела: ключей шифрования нет или они другие",
        "Cannot read the case's personal data: the encryption keys are missing or others",
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
        "{app}: шығарылған құжатты құжаттар қоймасынан оқу мүмкін емес",
        "{app}: не удаётся прочитать выданный документ из хранилища документов",
        "{app}: the issued document cannot be read from the document store",
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
    "os_missing": ("мұндай файл жоқ", "такого файла нет", "no such file"),
    "os_folder": ("бұл файл емес, бума", "это папка, а не файл", "it is a folder, not a file"),
    "os_denied": ("рұқсат жоқ", "нет доступа", "permission denied"),
    "os_other": ("енгізу-шығару қатесі", "ошибка ввода-вывода", "input/output error"),
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
        "{actor}: сіздің әрекетіңізді күтетін өтініштер мен шағымдар ({n})",
        "{actor}: заявления и жалобы, ожидающие ваших действий ({n})",
        "{actor}: cases and complaints waiting for you ({n})",
    ),
    "rows_more": (
        "мерзімі ең жақын {shown} жол көрсетілді, барлығы {n}; бәрі: --all немесе --json",
        "показаны {shown} строк с ближайшим сроком из {n}; все: --all или --json",
        "{shown} rows with the nearest deadline shown of {n}; all of them: --all or --json",
    ),
    "inbox_empty": (
        "{actor}: сізді күтетін өтініш те, шағым да жоқ",
        "{actor}: нет ни заявлений, ни жалоб, ожидающих вас",
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
        "Істің соңғы күйін оқу мүмкін болмады",
        "Последнее состояние дела прочитать не удалось",
        "The case's last state could not be read",
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
    "until_date": ("{date} дейін", "до {date}", "until {date}"),
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
    "esc_records_unavailable": (
        "мемлекеттік тіркелімдердің деректері келмеді",
        "сведения из государственных реестров не поступили",
        "the state records did not come",
    ),
    "esc_term_breach": (
        "қызметтің 5 жұмыс күндік мерзімі өтті",
        "истёк 5-дневный срок оказания услуги",
        "the 5-working-day term has run out",
    ),
}

register(CASES)
