"""The help screens of `shaqyru`: a command's text is `help.<command path>`, an argument's
or option's `help.<command path>.<parameter>`, falling back to `help.param.<parameter>`
for those many commands share; `metavar.<parameter>` names the value it takes. The first
line of a command's text is its summary in the list of commands."""

from __future__ import annotations

from texts import Table, register

HELP: Table = {
    "help.root": (
        "Әскерге шақыруды кейінге қалдыру және босату: өтініштер, шешімдер, құжаттар.",
        "Отсрочка и освобождение от призыва: заявления, решения, документы.",
        "Conscription deferral and exemption: applications, decisions, documents.",
    ),
    "help.root.epilog": (
        "Шығу коды: 0 орындалды (check: өтініш дұрыс); 1 бас тартылды (іс әрекетті "
        "қабылдамады, өтініш бұрын берілген, қолтаңба жарамсыз, құжаттарды беру мүмкін емес); "
        "2 команда немесе деректер дұрыс емес (өтініш жарамсыз не оқылмайды, іс белгісіз); "
        "3 Temporal серверіне немесе істі жүргізетін жұмысшыға қосылу мүмкін емес; 4 істі "
        "қолдағы кілттермен оқу мүмкін емес. Тіл: --lang немесе SHAQYRU_LANG (kk, ru, en); "
        "техникалық мәлімет: --verbose.",
        "Код выхода: 0 выполнено (check: заявление верно); 1 отказано (дело не приняло "
        "действие, заявление уже подано, подпись недействительна, документы выдать нельзя); "
        "2 неверная команда или данные (заявление неверно или не читается, дело неизвестно); "
        "3 сервер Temporal или обработчик дела недоступен; 4 дело нельзя прочитать имеющимися "
        "ключами. Язык: --lang или SHAQYRU_LANG (kk, ru, en); технические подробности: "
        "--verbose.",
        "Exit status: 0 done (check: valid); 1 refused (the case did not accept the action, "
        "the application was already submitted, a signature does not verify, the documents "
        "cannot be given); 2 bad usage or input (an invalid or unreadable application, an "
        "unknown case); 3 the Temporal server, or the worker behind a case, cannot be "
        "reached; 4 the case cannot be read with the keys at hand. Language: --lang or "
        "SHAQYRU_LANG (kk, ru, en); technical detail: --verbose.",
    ),
    # --- shared parameters -------------------------------------------------------------
    "help.param.lang": (
        "Хабарламалар тілі (әдепкі kk, мемлекеттік тіл).",
        "Язык сообщений (по умолчанию kk, государственный язык).",
        "Language of the messages (default kk, the state language).",
    ),
    "help.param.show_all": (
        "Барлық жолды көрсету (әдетте мерзімі ең жақын 100 жол)",
        "Показать все строки (обычно 100 с ближайшим сроком)",
        "Show every row (by default the 100 with the nearest deadline)",
    ),
    "help.param.as_json": (
        "Скриптерге арналған машиналық шығыс (JSON).",
        "Машиночитаемый вывод для скриптов (JSON).",
        "Machine-readable output for scripts (JSON).",
    ),
    "help.param.who": (
        "Сіздің қызметкер идентификаторыңыз.",
        "Ваш идентификатор сотрудника.",
        "Your caseworker id.",
    ),
    "help.param.actor": (
        "Сіздің қызметкер идентификаторыңыз.",
        "Ваш идентификатор сотрудника.",
        "Your caseworker id.",
    ),
    "help.param.app": (
        "Порталдағы өтініштің идентификаторы (немесе application-<идентификатор>).",
        "Идентификатор заявления на портале (или application-<идентификатор>).",
        "The portal's application id (or application-<id>).",
    ),
    "help.param.file": (
        "Өтініштің JSON файлы немесе стандартты кіріс үшін -.",
        "Файл заявления JSON или - для стандартного ввода.",
        "The application's JSON file, or - for stdin.",
    ),
    "help.param.ground": (
        "9-тармақтағы бас тарту негізі (1 немесе 2).",
        "Основание отказа по пункту 9 (1 или 2).",
        "Refusal ground of para. 9 (1 or 2).",
    ),
    "help.param.moment": (
        "ISO-8601 уақыты, мысалы 2025-03-21T19:00:00+05:00; белдеусіз болса, Алматы уақыты.",
        "Момент ISO-8601, например 2025-03-21T19:00:00+05:00; без пояса читается как время Алматы.",
        "ISO-8601 moment, e.g. 2025-03-21T19:00:00+05:00; without an offset it is read as "
        "Almaty local time.",
    ),
    "help.param.complaint_id": (
        "Шағымның идентификаторы.",
        "Идентификатор жалобы.",
        "The complaint's id.",
    ),
    "help.param.reason": (
        "Себебі (қанағаттандыру мен шешім үшін міндетті).",
        "Причина (обязательна, чтобы удовлетворить или решить).",
        "Why (required to satisfy or decide).",
    ),
    "help.param.verbose": (
        "Қате кезінде техникалық мәліметті де көрсету.",
        "При ошибке показать и технические подробности.",
        "On an error, show the technical detail too.",
    ),
    # --- the case commands -----------------------------------------------------------
    "help.submit": (
        "Порталдағы өтініш бойынша іс ашу; өтініш берушінің қолхатын басып шығарады.",
        "Открыть дело по заявлению с портала; печатает расписку заявителя.",
        "Start the case of a portal application; prints the applicant's receipt.",
    ),
    "help.inbox": (
        "Сізді қазір күтетін істер мен шағымдар, мерзімі жақыны бірінші; мерзімі өткендері "
        "қызылмен.",
        "Дела и жалобы, которые ждут вас сейчас, ближайший срок первым; просроченные красным.",
        "The cases and complaints that wait for you now, soonest deadline first; overdue ones "
        "in red.",
    ),
    "help.overdue": (
        "Бақылаушыларға: мерзімі өткен барлық ашық істер, аудан мен кезең бойынша.",
        "Для контролёров: все просроченные открытые дела по районам и этапам.",
        "For supervisors: every overdue open case, grouped by district and step.",
    ),
    "help.overdue.district": (
        "Тек осы ауданның комиссиясы (тізілім коды).",
        "Только комиссия этого района (код реестра).",
        "Only this district's commission (roster code).",
    ),
    "help.show": (
        "Іс: кезеңі, мерзімдері мен қалған жұмыс уақыты, жауаптар, шешім, нәтиже, шағымдар.",
        "Дело: этап, сроки и оставшееся рабочее время, ответы, решение, результат, жалобы.",
        "The case: step, deadlines and working time left, answers, decision, result, complaints.",
    ),
    "help.history": (
        "Істің тарихы: кім, қашан, не істеді, қандай мерзімге қарсы.",
        "История дела: кто, когда и что сделал, к какому сроку.",
        "The case's timeline: who did what, when, against which deadline.",
    ),
    "help.forward": (
        "Төраға: өтінішті комиссия мүшелеріне жолдау.",
        "Председатель: направить заявление членам комиссии.",
        "Chairman: send the application to the commission's members.",
    ),
    "help.forward.member": (
        "Қарайтын мүше (қайталауға болады); көрсетілмесе, барлығы.",
        "Член комиссии для рассмотрения (можно повторять); без него все.",
        "A member to review (repeat); all when omitted.",
    ),
    "help.vote": (
        "Мүше: кейінге қалдыруға/босатуға келісу немесе 9-тармақ негізімен бас тарту.",
        "Член комиссии: согласиться с отсрочкой/освобождением или отказать по пункту 9.",
        "Member: agree to the deferral/exemption, or refuse on a ground of para. 9.",
    ),
    "help.vote.vote": ("Сіздің жауабыңыз.", "Ваш ответ.", "Your answer."),
    "help.vote.details": (
        "Неге бас тартасыз (бас тарту үшін міндетті).",
        "Почему вы отказываете (обязательно для отказа).",
        "Why you refuse (required to refuse).",
    ),
    "help.decide": (
        "Төраға: беру (кейінге қалдыруға --until керек) немесе --reason арқылы бас тарту.",
        "Председатель: предоставить (отсрочке нужен --until) или отказать с --reason.",
        "Chairman: grant (a deferral needs --until) or refuse with --reason.",
    ),
    "help.decide.verdict": ("Шешім.", "Решение.", "The decision."),
    "help.decide.until": (
        "Кейінге қалдырудың соңғы күні.",
        "Последний день отсрочки.",
        "Last day of a deferral.",
    ),
    "help.decide.reason": (
        "Бас тарту себебі (әрқайсысы үшін қайталаңыз).",
        "Причина отказа (повторите для каждой).",
        "A reason of a refusal (repeat for each).",
    ),
    "help.sign": (
        "Төраға: шығарылған қорытындыға не бас тарту хабарламасына өз кілтіңізбен қол қою.",
        "Председатель: подписать выданное заключение или уведомление об отказе своим ключом.",
        "Chairman: sign the issued conclusion or refusal notice with your own key.",
    ),
    # --- documents and signatures -------------------------------------------------------
    "help.verify": (
        "Құжаттың қолтаңбасын тексеру; кім және қашан қол қойғанын көрсетеді.",
        "Проверить подпись документа; показывает, кто и когда подписал.",
        "Check a document's signature; print who signed it and when.",
    ),
    "help.verify.pdf": ("Құжат (PDF).", "Документ (PDF).", "The document (PDF)."),
    "help.verify.sig": (
        "Оның бөлек CMS қолтаңбасы; әдепкі: PDF + .p7s.",
        "Его отдельная подпись CMS; по умолчанию PDF + .p7s.",
        "Its detached CMS signature; default: PDF + .p7s.",
    ),
    "help.verify.cert": (
        "Қол қоюшы тізбегі жететін сертификат; әдепкі: SHAQYRU_SIGNING_CERT немесе "
        "деректер бумасындағы әзірлеу сертификаты.",
        "Сертификат, к которому должна вести цепочка подписанта; по умолчанию "
        "SHAQYRU_SIGNING_CERT или сертификат разработки в папке данных.",
        "Certificate the signer must chain to; default: SHAQYRU_SIGNING_CERT, else the "
        "development certificate in the data folder.",
    ),
    "help.documents": (
        "Істің құжаттарын бумаға жазу: әр PDF, оның қолтаңбасы және JSON-ы.",
        "Записать документы дела в папку: каждый PDF, его подпись и его JSON.",
        "Write a case's documents to a folder: each PDF, its signature and its JSON.",
    ),
    "help.documents.out": (
        "Құжаттар жазылатын бума.",
        "Папка, в которую записать документы.",
        "Folder to write the documents to.",
    ),
    "help.documents.force": (
        "Бумадағы аттас файлдарды ауыстыру.",
        "Заменить одноимённые файлы в папке.",
        "Replace files of the same name in the folder.",
    ),
    "help.audit": (
        "Істің барлық қолтаңбасын желісіз қайта тексеру; біреуі жарамсыз болса, код 1.",
        "Заново проверить все подписи дела офлайн; если хоть одна не верна, код 1.",
        "Re-check every signature of a case, offline; exit 1 if any fails.",
    ),
    "help.audit.history_file": (
        "Сервердің емес, JSON түрінде сақталған істің тарихы.",
        "История дела, сохранённая в JSON, вместо сервера.",
        "The case's history exported as JSON, not the server's.",
    ),
    # --- checking and the regulation -----------------------------------------------------
    "help.check": (
        "Өтінішті портал жіберген күйінде тексеру; барлық қатені бірден көрсетеді.\n\n"
        "Комиссия ескеретін жайттар (жас, жыныс, негізге қайшы құжат) ескерту ретінде "
        "шығады: іс олармен ашылады. Код 0 өтініш дұрыс болса; 2 қате болса немесе файл "
        "оқылмаса.",
        "Проверить заявление в том виде, в каком его шлёт портал; все проблемы сразу.\n\n"
        "Обстоятельства для комиссии (возраст, пол, документ, противоречащий основанию) "
        "печатаются как предупреждения: дело откроется с ними. Код 0, если заявление верно; "
        "2, если есть проблемы или файл не читается.",
        "Check an application as the portal sends it; list every problem at once.\n\n"
        "Findings (age, sex, a document that contradicts the ground) are printed as "
        "warnings: the case opens with them and the commission weighs them. Exit 0 when "
        "valid, with or without findings; 2 when it has problems or a file cannot be read.",
    ),
    "help.check.as_json": (
        "Мәселелер мен жайттарды JSON түрінде шығару.",
        "Вывести проблемы и обстоятельства в JSON.",
        "Print the problems and findings as JSON.",
    ),
    "help.check.roster": (
        "Тізілім файлы; әдепкі: SHAQYRU_ROSTER немесе үлгі тізілім.",
        "Файл реестра; по умолчанию SHAQYRU_ROSTER или образец реестра.",
        "Roster file; default: SHAQYRU_ROSTER or the sample roster.",
    ),
    "help.rules": (
        "Қызметтер, негіздер және әр негізге қажет құжаттар, регламент деректерінен.",
        "Услуги, основания и документы для каждого основания, из данных регламента.",
        "Services, grounds and the documents each ground needs, from the regulation data.",
    ),
    "help.rules.service": ("Тек бір қызмет.", "Только одна услуга.", "Show one service only."),
    "help.rules.as_json": (
        "Деректерді JSON түрінде шығару.",
        "Вывести данные в JSON.",
        "Print the data as JSON.",
    ),
    "help.schema": (
        "Портал жіберетін өтініштің JSON схемасы.",
        "JSON-схема заявления, которое шлёт портал.",
        "The JSON Schema of the application the portal sends.",
    ),
    "help.schema.output": (
        "Оның орнына осы файлға жазу.",
        "Записать в этот файл.",
        "Write to this file instead.",
    ),
    "help.sample": (
        "Жаңа идентификаторы бар үлгі өтініш: shaqyru sample | shaqyru submit -.\n\n"
        "Ол соңғы жұмыс уақытымен белгіленеді, сондықтан іс бірден тіркеледі.",
        "Пример заявления с новым идентификатором: shaqyru sample | shaqyru submit -.\n\n"
        "Он датирован последним рабочим моментом, чтобы дело сразу зарегистрировалось.",
        "An example application with a fresh id, dated now: shaqyru sample | shaqyru submit -."
        "\n\nIt is dated at the latest working moment, so that the case is registered at once.",
    ),
    "help.sample.name": (
        "examples/ ішіндегі үлгінің атауы, .json-сыз.",
        "Имя примера в examples/, без .json.",
        "An example's file name in examples/, without .json.",
    ),
    "help.sample.app_id": (
        "Өтініштің идентификаторы; әдепкі бойынша жаңасы.",
        "Идентификатор заявления; по умолчанию новый.",
        "Application id; a fresh one by default.",
    ),
    "help.calendar": (
        "Комиссияның жұмыс уақыты күнтізбесі (дс-жм 09:00-13:00, 14:30-18:30, Алматы).",
        "Календарь рабочего времени комиссии (пн-пт 09:00-13:00, 14:30-18:30, Алматы).",
        "Working-time calendar of the commission (Mon-Fri 09:00-13:00, 14:30-18:30, Almaty).",
    ),
    "help.calendar.accept": (
        "Осы сәтте берілген өтініш қашан қабылданатынын көрсету.",
        "Показать, когда будет принято заявление, поданное в этот момент.",
        "Print the moment an application submitted at MOMENT is accepted.",
    ),
    "help.calendar.due": (
        "Қабылданған сәттен бастап N жұмыс күні қашан бітетінін көрсету.",
        "Показать, когда истекает срок в N рабочих дней от момента принятия.",
        "Print when a limit of N working days, counted from the acceptance of MOMENT, ends.",
    ),
    "help.calendar.due.working_days": (
        "Жұмыс күндеріндегі мерзім (күніне 8 жұмыс сағаты), қабылданғаннан бастап.",
        "Срок в рабочих днях (по 8 рабочих часов), от момента принятия.",
        "Limit in working days of 8 working hours, counted from acceptance.",
    ),
    "help.calendar.version": (
        "Күнтізбенің нұсқасы (мерекелер кітапханасы, түзетулер файлы, жұмыс уақыты).",
        "Версия календаря (библиотека праздников, файл поправок, рабочее время).",
        "Print the calendar version (holidays library, override file, working-hours policy).",
    ),
    # --- operators' commands ---------------------------------------------------------
    "help.keys": (
        "Дербес деректерді шифрлайтын кілттер жинағы: жасау, ауыстыру, тізім.",
        "Набор ключей, шифрующих персональные данные: создать, сменить, показать.",
        "The key ring that encrypts personal data: create it, rotate it, list its keys.",
    ),
    "help.keys.create": (
        "Кілттер жинағын бір кілтпен жасау; бар жинақ сақталады.",
        "Создать набор ключей с одним ключом; существующий сохраняется.",
        "Make the key ring, with one key, where there is none; an existing one is kept.",
    ),
    "help.keys.rotate": (
        "Жаңа кілт қосып, оны ағымдағы ету; ескілері бұрынғы деректерді оқу үшін қалады.",
        "Добавить новый ключ и сделать его текущим; старые остаются для старых данных.",
        "Add a new key and make it current; older keys stay to read older data.",
    ),
    "help.keys.list": (
        "Жинақтағы кілттердің идентификаторлары, ағымдағысы белгіленген.",
        "Идентификаторы ключей набора, текущий отмечен.",
        "The ids of the keys in the ring, the current one marked.",
    ),
    "help.keys.dev": (
        "Қызметкерлердің әзірлеуге арналған жеке қолтаңба кілттері (заңды күші жоқ).",
        "Личные ключи подписи сотрудников для разработки (без юридической силы).",
        "Caseworkers' personal signing keys for development (not for legal use).",
    ),
    "help.keys.dev.init": (
        "Әзірлеу куәландырушы орталығын және тізілімдегі әр қызметкерге PKCS #12 кілтін жасау.",
        "Создать удостоверяющий центр разработки и ключ PKCS #12 для каждого сотрудника реестра.",
        "Make a development CA and a PKCS #12 key for every caseworker of the roster.",
    ),
    "help.keys.dev.init.force": (
        "Бар әзірлеу кілттері бумасын ауыстыру.",
        "Заменить существующую папку ключей разработки.",
        "Replace an existing development key folder.",
    ),
    "help.db": (
        "Оқу моделінің схемасы: жаңарту немесе нұсқасын көрсету.",
        "Схема модели чтения: обновить или показать её версию.",
        "The read model's schema: upgrade it, or show its revision.",
    ),
    "help.db.upgrade": (
        "Дерекқорда жоқ миграцияларды қолдану.",
        "Применить миграции, которых нет в базе.",
        "Apply the migrations the database lacks.",
    ),
    "help.db.status": (
        "Дерекқордың нұсқасы және соңғысы; артта қалса, код 1.",
        "Версия базы и последняя версия; код 1, если база отстаёт.",
        "The database's revision and the latest one; exit 1 when it is behind.",
    ),
    # --- complaints ------------------------------------------------------------------
    "help.complaint": (
        "Комиссияның шешімдері мен әрекетсіздігіне шағымдар (14-тармақ).",
        "Жалобы на решения и бездействие комиссии (пункт 14).",
        "Complaints against the commission's decisions and inaction (para. 14).",
    ),
    "help.complaint.file": (
        "Порталдан шағым беру: алдымен өтініштің ісімен салыстырылады.",
        "Подать жалобу с портала: сначала сверяется с делом заявления.",
        "File a complaint from the portal: checked against the application's case first.",
    ),
    "help.complaint.file.file": (
        "Шағымның JSON файлы немесе стандартты кіріс үшін -.",
        "Файл жалобы JSON или - для стандартного ввода.",
        "Complaint JSON, or - for stdin.",
    ),
    "help.complaint.file.reviewer": (
        "Шағымды қарайтын лауазымды тұлғаның идентификаторы.",
        "Идентификатор должностного лица, рассматривающего жалобу.",
        "Reviewing official's id.",
    ),
    "help.complaint.show": (
        "Шағымның күйі: кезеңі, мерзімдері, шешімі, жауабы.",
        "Состояние жалобы: этап, сроки, решение, ответ.",
        "The complaint's status: step, terms, decision, answer.",
    ),
    "help.complaint.satisfy": (
        "Комиссия төрағасы шағымды өзі қанағаттандырады (ӘРПК 91-бабының 4-бөлігі).",
        "Председатель комиссии сам удовлетворяет жалобу (часть 4 статьи 91 АППК).",
        "The commission chairman satisfies the complaint himself (APPK art. 91 p. 4).",
    ),
    "help.complaint.pass": (
        "Комиссия төрағасы шағымды қарайтын органға жолдайды.",
        "Председатель комиссии передаёт жалобу рассматривающему органу.",
        "The commission chairman passes the complaint to the reviewing body.",
    ),
    "help.complaint.decide": (
        "Қарайтын орган шешеді: upheld (акт жойылады) немесе dismissed.",
        "Рассматривающий орган решает: upheld (акт отменяется) или dismissed.",
        "The reviewing body decides: upheld (the act is revoked) or dismissed.",
    ),
    "help.complaint.decide.verdict": ("Шешім.", "Решение.", "The decision."),
    # --- what a parameter's value is called ------------------------------------------------
    "metavar.app": ("ӨТІНІШ", "ЗАЯВЛЕНИЕ", "APP"),
    "metavar.file": ("ФАЙЛ", "ФАЙЛ", "FILE"),
    "metavar.actor": ("ҚЫЗМЕТКЕР", "СОТРУДНИК", "CASEWORKER"),
    "metavar.who": ("ҚЫЗМЕТКЕР", "СОТРУДНИК", "CASEWORKER"),
    "metavar.reviewer": ("ҚЫЗМЕТКЕР", "СОТРУДНИК", "CASEWORKER"),
    "metavar.district": ("АУДАН", "РАЙОН", "DISTRICT"),
    "metavar.member": ("МҮШЕ", "ЧЛЕН", "MEMBER"),
    "metavar.details": ("МӘТІН", "ТЕКСТ", "TEXT"),
    "metavar.reason": ("МӘТІН", "ТЕКСТ", "TEXT"),
    "metavar.until": ("ЖЖЖЖ-АА-КК", "ГГГГ-ММ-ДД", "YYYY-MM-DD"),
    "metavar.ground": ("1|2", "1|2", "1|2"),
    "metavar.moment": ("СӘТ", "МОМЕНТ", "MOMENT"),
    "metavar.history_file": ("ФАЙЛ", "ФАЙЛ", "FILE"),
    "metavar.roster": ("ФАЙЛ", "ФАЙЛ", "FILE"),
    "metavar.output": ("ФАЙЛ", "ФАЙЛ", "FILE"),
    "metavar.pdf": ("PDF", "PDF", "PDF"),
    "metavar.sig": ("ҚОЛТАҢБА", "ПОДПИСЬ", "SIGNATURE"),
    "metavar.cert": ("СЕРТИФИКАТ", "СЕРТИФИКАТ", "CERTIFICATE"),
    "metavar.out": ("БУМА", "ПАПКА", "FOLDER"),
    "metavar.working_days": ("N", "N", "N"),
    "metavar.name": ("ҮЛГІ", "ПРИМЕР", "NAME"),
    "metavar.complaint_id": ("ШАҒЫМ", "ЖАЛОБА", "COMPLAINT"),
    "metavar.lang": ("kk|ru|en", "kk|ru|en", "kk|ru|en"),
    "metavar.service": ("deferral|exemption", "deferral|exemption", "deferral|exemption"),
    "metavar.vote": ("agree|refuse", "agree|refuse", "agree|refuse"),
    "metavar.decide.verdict": ("grant|refuse", "grant|refuse", "grant|refuse"),
    "metavar.complaint.decide.verdict": (
        "upheld|dismissed",
        "upheld|dismissed",
        "upheld|dismissed",
    ),
}

# The sample's --id is an application id like any other.
HELP["metavar.sample.app_id"] = ("ИДЕНТИФИКАТОР", "ИДЕНТИФИКАТОР", "ID")

register(HELP)
