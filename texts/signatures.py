"""What the commands over documents and signatures say: `verify`, `documents` and
`audit`. A certificate's subject is the signer's name as his certificate gives it and is
printed as it is; everything around it is worded here."""

from __future__ import annotations

from texts import Table, register

SIGNATURES: Table = {
    # --- verify and documents ------------------------------------------------------------
    "verify_not_found": (
        "{what} табылмады: {path}",
        "не найден файл ({what}): {path}",
        "{what} not found: {path}",
    ),
    "verify_document": ("құжат", "документ", "document"),
    "verify_signature": ("қолтаңба", "подпись", "signature"),
    "verify_certificate": ("сертификат", "сертификат", "certificate"),
    "verify_malformed": (
        "{path}: қолтаңба файлы оқылмайды",
        "{path}: файл подписи не читается",
        "{path}: the signature file cannot be read",
    ),
    "verify_bad_cert": (
        "{path}: сертификат оқылмайды",
        "{path}: сертификат не читается",
        "{path}: the certificate cannot be read",
    ),
    "verify_invalid": (
        "{path}: қолтаңба жарамсыз [INVALID]",
        "{path}: подпись недействительна [INVALID]",
        "{path}: the signature does not verify [INVALID]",
    ),
    "verify_valid": (
        "{path}: қолтаңба жарамды [VALID]",
        "{path}: подпись действительна [VALID]",
        "{path}: the signature is valid [VALID]",
    ),
    "verify_signer": ("Қол қойған", "Подписал", "Signed by"),
    "verify_signed_at": ("Қол қойылған уақыты", "Время подписи", "Signed at"),
    "verify_no_time": (
        "қолтаңбада көрсетілмеген",
        "в подписи не указано",
        "not stated in the signature",
    ),
    "verify_trusted": ("Сенімді сертификат", "Доверенный сертификат", "Trusted certificate"),
    "verify_sha": ("Құжаттың SHA-256 хеші", "SHA-256 документа", "Document SHA-256"),
    "verify_dev_signer": (
        "«Шақыру» әзірлеу кілті (тек әзірлеу мен сынақ үшін)",
        "ключ разработки «Шақыру» (только для разработки и проверки)",
        "the Shaqyru development key (for development and testing only)",
    ),
    "verify_dev": (
        "Ескерту: әзірлеу кілті, заңды күші жоқ",
        "Внимание: ключ разработки, юридической силы не имеет",
        "Note: development key, not valid for legal use",
    ),
    "docs_out_is_file": (
        "--out: {out} бума емес, файл",
        "--out: {out} это файл, а не папка",
        "--out: {out} is a file, not a folder",
    ),
    "docs_out_not_writable": (
        "--out: {out} бумасына жазуға рұқсат жоқ",
        "--out: в папку {out} нельзя писать",
        "--out: the folder {out} is not writable",
    ),
    "docs_no_read_model": (
        "Оқу моделін ({db}) оқу мүмкін емес",
        "Не удаётся прочитать модель чтения ({db})",
        "Cannot read the read model {db}",
    ),
    "docs_none": (
        "{app}: бұл өтініш бойынша құжат жоқ",
        "{app}: по этому заявлению документов нет",
        "{app}: no documents for this application",
    ),
    "docs_store": (
        "Құжаттар қоймасы ({folder}) оларды бере алмайды",
        "Хранилище документов ({folder}) не может их выдать",
        "The document store {folder} cannot give them",
    ),
    "docs_there": (
        "--out: файлдар бұрыннан бар (--force оларды ауыстырады): {files}",
        "--out: файлы уже есть (--force заменит их): {files}",
        "--out: already there (--force replaces them): {files}",
    ),
    "docs_cannot_write": (
        "--out: {out} бумасына жазу мүмкін емес",
        "--out: не удаётся записать в {out}",
        "--out: cannot write to {out}",
    ),
    # --- audit ---------------------------------------------------------------------------
    "audit_result_signature": (
        "нәтиженің қолтаңбасы",
        "подпись результата",
        "result signature",
    ),
    "audit_result": ("нәтиже", "результат", "result"),
    # The signed actions, as `audit` lists them. English keeps each action's name as it
    # is signed and recorded, which the audit's readers there look it up by.
    "audit_forward": ("мүшелерге жолдау", "направление членам", "forward"),
    "audit_member_decision": ("мүшенің шешімі", "решение члена", "member_decision"),
    "audit_chairman_decision": ("төрағаның шешімі", "решение председателя", "chairman_decision"),
    "audit_sign_result": ("төрағаның қолы", "подпись председателя", "sign_result"),
    "audit_signer": (
        "{name}, сертификат {serial}",
        "{name}, сертификат {serial}",
        "{name}, certificate {serial}",
    ),
    "audit_dev_key": ("әзірлеу кілті", "ключ разработки", "development key"),
    "audit_not_signed_yet": (
        "төраға әлі қол қойған жоқ",
        "председатель ещё не подписал",
        "not signed by the chairman yet",
    ),
    "audit_unreadable_command": (
        "команданы оқу мүмкін емес",
        "команду не удаётся прочитать",
        "the command cannot be read",
    ),
    "audit_unsigned_case": (
        "әрекеттері қолтаңбасыз іс",
        "дело без подписей действий",
        "a case of unsigned actions",
    ),
    "audit_no_trust": (
        "сенім анкерлері сақталмаған",
        "якоря доверия не сохранены",
        "no trust anchors captured",
    ),
    "audit_no_document": (
        "құжатты немесе қолтаңбаны оқу мүмкін емес ({error})",
        "не удаётся прочитать документ или подпись ({error})",
        "cannot read the document or its signature ({error})",
    ),
    "audit_bad_signature": (
        "қолтаңба тексерілмейді ({error})",
        "подпись не проходит проверку ({error})",
        "the signature does not verify ({error})",
    ),
    "audit_not_his": (
        "сертификат оған тиесілі емес",
        "сертификат не его",
        "not his certificate",
    ),
    "audit_unreadable_history": (
        "FAIL істің тарихын жазылғандай оқу мүмкін емес",
        "FAIL историю дела не удаётся прочитать в записанном виде",
        "FAIL the history cannot be read as written",
    ),
    "audit_no_history": (
        "Істің тарихын оқу мүмкін болмады ({address})",
        "Не удалось прочитать историю дела ({address})",
        "Cannot read the case's history from {address}",
    ),
    "audit_cannot_read_file": (
        "--history: {file} файлын оқу мүмкін емес",
        "--history: не удаётся прочитать файл {file}",
        "--history: cannot read {file}",
    ),
    "audit_not_a_history": (
        "--history: {file} жұмыс процесінің тарихы емес",
        "--history: {file} не история процесса",
        "--history: {file} is not a workflow history",
    ),
}

register(SIGNATURES)
