"""What the command line says besides a case's own texts: the words of the help screens
and of usage errors, the hints after an error, and the other commands' results."""

from __future__ import annotations

from texts import Table, register

CLI: Table = {
    # --- the frame of every help screen and usage error -------------------------------
    "usage": ("Қолданылуы: ", "Использование: ", "Usage: "),
    "options_metavar": ("[ПАРАМЕТРЛЕР]", "[ПАРАМЕТРЫ]", "[OPTIONS]"),
    "command_metavar": ("КОМАНДА [АРГУМЕНТТЕР]...", "КОМАНДА [АРГУМЕНТЫ]...", "COMMAND [ARGS]..."),
    "section_arguments": ("Аргументтер", "Аргументы", "Arguments"),
    "section_options": ("Параметрлер", "Параметры", "Options"),
    "section_commands": ("Командалар", "Команды", "Commands"),
    "help_option": (
        "Осы анықтаманы көрсетіп, шығу.",
        "Показать эту справку и выйти.",
        "Show this message and exit.",
    ),
    "extra_env": ("орта айнымалысы: {var}", "переменная окружения: {var}", "env var: {var}"),
    "extra_default": ("әдепкі: {default}", "по умолчанию: {default}", "default: {default}"),
    "extra_required": ("міндетті", "обязательно", "required"),
    "err_prefix": ("Қате: ", "Ошибка: ", "Error: "),
    "err_try_help": (
        "Анықтама: {command} --help",
        "Справка: {command} --help",
        "Help: {command} --help",
    ),
    "err_missing": (
        "{what} көрсетілмеген",
        "не указан аргумент {what}",
        "{what} is missing",
    ),
    "err_bad_value": (
        "{param}: мән дұрыс емес{value}; күтілетіні: {expected}",
        "{param}: неверное значение{value}; ожидается: {expected}",
        "{param}: invalid value{value}; expected: {expected}",
    ),
    "err_no_option": (
        "{option} деген параметр жоқ",
        "параметра {option} нет",
        "there is no option {option}",
    ),
    "err_no_command": (
        "«{name}» деген команда жоқ",
        "команды «{name}» нет",
        "there is no command '{name}'",
    ),
    "err_extra": (
        "артық аргументтер: {args}",
        "лишние аргументы: {args}",
        "unexpected arguments: {args}",
    ),
    "err_needs_value": (
        "{option} параметріне мән керек",
        "параметру {option} нужно значение",
        "{option} needs a value",
    ),
    "err_usage": (
        "команда дұрыс жазылмаған",
        "команда записана неверно",
        "the command is not written correctly",
    ),
    "err_aborted": ("Тоқтатылды.", "Прервано.", "Aborted."),
    "detail": (
        "Техникалық мәлімет: {detail}",
        "Технические подробности: {detail}",
        "Detail: {detail}",
    ),
    "more_with_verbose": (
        "Техникалық мәлімет: --verbose",
        "Технические подробности: --verbose",
        "Technical detail: --verbose",
    ),
    # --- what to do next, after an error ------------------------------------------------
    "hint_start_server": (
        "Серверді ./scripts/up арқылы іске қосыңыз немесе TEMPORAL_ADDRESS мекенжайын тексеріңіз.",
        "Запустите сервер командой ./scripts/up или проверьте адрес в TEMPORAL_ADDRESS.",
        "Start the server with ./scripts/up, or check the address in TEMPORAL_ADDRESS.",
    ),
    "hint_check_id": (
        "Идентификаторды тексеріңіз (EGOV-… немесе application-EGOV-…); өзіңіздің істеріңіз: "
        "shaqyru inbox.",
        "Проверьте идентификатор (EGOV-… или application-EGOV-…); ваши дела: shaqyru inbox.",
        "Check the id (EGOV-… or application-EGOV-…); your cases: shaqyru inbox.",
    ),
    "hint_keys": (
        "Кілттер жинағын SHAQYRU_KEYRING арқылы көрсетіңіз немесе shaqyru keys create орындаңыз.",
        "Укажите набор ключей в SHAQYRU_KEYRING или выполните shaqyru keys create.",
        "Point SHAQYRU_KEYRING at the key ring, or run shaqyru keys create.",
    ),
    "hint_personal_key": (
        "SHAQYRU_KEY файлын және құпиясөзді (SHAQYRU_KEY_PASSWORD) тексеріңіз.",
        "Проверьте файл SHAQYRU_KEY и пароль (SHAQYRU_KEY_PASSWORD).",
        "Check the SHAQYRU_KEY file and its password (SHAQYRU_KEY_PASSWORD).",
    ),
    "hint_worker": (
        "Жұмысшы іске қосылғанын тексеріңіз (./scripts/up оны іске қосады).",
        "Проверьте, что обработчик запущен (./scripts/up запускает его).",
        "Check that the worker runs (./scripts/up starts it).",
    ),
    "bad_district": (
        "{district}: ауданның коды тек кіші латын әріптерінен, цифрлардан және «-» белгісінен "
        "тұрады",
        "{district}: код района состоит только из строчных латинских букв, цифр и знака «-»",
        "{district}: a district code has only lowercase Latin letters, digits and '-'",
    ),
    # --- why a field of a caseworker's command was refused (see workflows.checks) -------
    "field_refusal_ground": (
        "Бас тарту негізі (--ground)",
        "Основание отказа (--ground)",
        "Refusal ground (--ground)",
    ),
    "field_details": (
        "Бас тарту мән-жайы (--details)",
        "Обстоятельства отказа (--details)",
        "Details (--details)",
    ),
    "field_until": (
        "Мерзімнің соңғы күні (--until)",
        "Дата окончания (--until)",
        "Last day (--until)",
    ),
    "field_reasons": (
        "Бас тарту себептері (--reason)",
        "Причины отказа (--reason)",
        "Reasons (--reason)",
    ),
    "field_members": (
        "Комиссия мүшелері (--member)",
        "Члены комиссии (--member)",
        "Members (--member)",
    ),
    "field_document_sha256": ("Қол қойылған құжат", "Подписанный документ", "Signed document"),
    "field_actor": ("Қызметкер (--as)", "Сотрудник (--as)", "Caseworker (--as)"),
    # --- check, rules, sample ------------------------------------------------------------
    "check_valid": (
        "{name}: өтініш дұрыс толтырылған",
        "{name}: заявление заполнено правильно",
        "{name}: the application is valid",
    ),
    "check_bad_roster": (
        "{name}: тізілім файлы жарамсыз",
        "{name}: файл реестра непригоден",
        "{name}: the roster file is not usable",
    ),
    "check_findings": (
        "{name}: комиссия ескеретін жайттар ({n}), өтінішті қабылдауға кедергі емес",
        "{name}: комиссии следует учесть ({n}); подаче заявления это не мешает",
        "{name}: {n} finding(s) for the commission to weigh; they do not stop the submission",
    ),
    "check_warning": ("ескерту", "внимание", "warning"),
    "check_invalid": (
        "{name}: {n} қате табылды",
        "{name}: найдено проблем: {n}",
        "{name}: {n} problem(s) found",
    ),
    "stdin": ("стандартты кіріс", "стандартный ввод", "stdin"),
    "rules_service": ("Қызмет", "Услуга", "Service"),
    "rules_number": ("№", "№", "#"),
    "rules_ground": ("Негіз", "Основание", "Ground"),
    "rules_documents": (
        "Құжаттар (өтініштен басқа)",
        "Документы (кроме заявления)",
        "Documents (besides the application)",
    ),
    "rules_article": ("Заңның {n}-бабы", "ст. {n} Закона", "Art. {n} of the Law"),
    "rules_if_applicable": ("қажет болса", "при необходимости", "if applicable"),
    "rules_periods": (
        "Өтініштерді қабылдау кезеңдері",
        "Периоды приема заявлений",
        "Acceptance periods",
    ),
    "rules_refusal": (
        "Бас тарту негіздері (стандарттың 9-тармағы)",
        "Основания для отказа (пункт 9 стандарта)",
        "Grounds for refusal (standard row 9)",
    ),
    "rules_fetched": (
        "Шлюз арқылы алынады (жүктелмейді)",
        "Получаются через шлюз (не загружаются)",
        "Fetched through the gateway (not uploaded)",
    ),
    "sample_unknown": (
        "{name}: мұндай үлгі жоқ; бары: {known}",
        "{name}: такого примера нет; есть: {known}",
        "NAME: no example '{name}'; known: {known}",
    ),
    "bad_moment": (
        "«{text}»: ISO-8601 уақыты емес (мысалы, 2025-03-21T19:00:00+05:00)",
        "«{text}»: это не момент ISO-8601 (например, 2025-03-21T19:00:00+05:00)",
        "'{text}' is not an ISO-8601 moment (e.g. 2025-03-21T19:00:00+05:00)",
    ),
    "moment_out_of_years": (
        "«{text}»: күнтізбе тек {first}-{last} жылдарды біледі",
        "«{text}»: календарь знает только {first}-{last} годы",
        "'{text}' is outside the calendar's years {first}-{last}",
    ),
    # --- db and keys ----------------------------------------------------------------------
    "db_upgraded": (
        "{url}: ревизия {after} (бұрын {before})",
        "{url}: ревизия {after} (была {before})",
        "{url}: revision {after} (was {before})",
    ),
    "db_status": (
        "{url}: ревизия {current}, соңғысы {head}",
        "{url}: ревизия {current}, последняя {head}",
        "{url}: revision {current}, latest {head}",
    ),
    "db_unreachable": (
        "{url}: дерекқорға қосылу немесе оны өзгерту мүмкін емес",
        "{url}: не удаётся подключиться к базе или изменить её",
        "{url}: cannot reach or change the database",
    ),
    "keys_kept": (
        "{path}: бұрыннан бар, ағымдағы кілт {key}",
        "{path}: уже есть, текущий ключ {key}",
        "{path}: kept, current key {key}",
    ),
    "keys_made": (
        "{path}: жасалды, ағымдағы кілт {key}",
        "{path}: создан, текущий ключ {key}",
        "{path}: made, current key {key}",
    ),
    "keys_rotated": (
        "{path}: ағымдағы кілт {key} (барлығы {n} кілт)",
        "{path}: текущий ключ {key} (всего ключей: {n})",
        "{path}: current key {key} ({n} keys)",
    ),
    "keys_missing": (
        "{path}: кілттер жинағы жоқ; оны shaqyru keys create жасайды",
        "{path}: набора ключей нет; его создаёт shaqyru keys create",
        "no key ring at {path}; shaqyru keys create makes one",
    ),
    "keys_unusable": (
        "{path}: кілттер жинағын пайдалану мүмкін емес",
        "{path}: набором ключей нельзя воспользоваться",
        "{path}: the key ring cannot be used",
    ),
    # --- development keys ---------------------------------------------------------------
    "devkeys_exists": (
        "{folder} бұрыннан бар; қайта жасау үшін --force қосыңыз (ашық істердегі "
        "қолтаңбалар ескі кілттермен тексеріледі)",
        "{folder} уже существует; чтобы создать заново, добавьте --force (подписи в "
        "открытых делах проверяются по старым ключам)",
        "{folder} already exists; add --force to make it anew (open cases check "
        "signatures against the old keys)",
    ),
    "devkeys_made": (
        "{count} қызметкерге әзірлеу кілттері жасалды: {folder}",
        "Ключи разработки созданы для {count} сотрудников: {folder}",
        "Development keys made for {count} caseworkers in {folder}",
    ),
    "devkeys_password": (
        "Барлық кілттің құпиясөзі: {password} (тек әзірлеу үшін, заңды күші жоқ)",
        "Пароль всех ключей: {password} (только для разработки, юридической силы не имеет)",
        "Password of every key: {password} (development only, not for legal use)",
    ),
}

register(CLI)
