"""What the complaint commands say, and what a case's screen says of its complaints
(para. 14; docs/complaints.md)."""

from __future__ import annotations

from texts import Table, register

COMPLAINTS: Table = {
    # --- the commands' outcomes and errors -------------------------------------------
    "complaint_filed": ("Шағым қабылданды: {id}", "Жалоба принята: {id}", "Complaint filed: {id}"),
    "complaint_no_case": (
        "{app} өтініші табылмады",
        "Заявление {app} не найдено",
        "No case for application {app}",
    ),
    "complaint_exists": (
        "{id} шағымы бұрын берілген",
        "Жалоба {id} уже подана",
        "Complaint {id} exists",
    ),
    "complaint_unknown": ("{id} шағымы жоқ", "Жалобы {id} нет", "No complaint {id}"),
    "complaint_closed": (
        "{id}: шағым бойынша іс жүргізу аяқталған, ешқандай әрекет қабылданбайды",
        "{id}: производство по жалобе завершено, действия больше не принимаются",
        "{id}: the complaint is closed; no action is accepted",
    ),
    "complaint_reviewer_own": (
        "--reviewer: {reviewer} шағым жасалған комиссияның құрамында; шағымды жоғары тұрған"
        " орган қарайды. Шағым берілмеді",
        "--reviewer: {reviewer} входит в комиссию, чей акт обжалуется; жалобу рассматривает"
        " вышестоящий орган. Жалоба не подана",
        "--reviewer: {reviewer} sits on the commission whose act is complained of; a higher"
        " body reviews the complaint. The complaint was not filed",
    ),
    "complaint_bad_field": (
        "{file}: «{field}» өрісі — {rule}; шағым берілмеді",
        "{file}: поле «{field}» — {rule}; жалоба не подана",
        "{file}: field '{field}': {rule}; the complaint was not filed",
    ),
    "complaint_not_json": (
        "{file}: JSON ретінде оқылмады; шағым берілмеді",
        "{file}: не читается как JSON; жалоба не подана",
        "{file}: not readable as JSON; the complaint was not filed",
    ),
    "complaint_bad_file": (
        "{file}: {why}; шағым берілмеді",
        "{file}: {why}; жалоба не подана",
        "{file}: {why}; the complaint was not filed",
    ),
    "complaint_done_pass": (
        "{id}: шағым қарайтын органға жолданды ({reviewer})",
        "{id}: жалоба передана рассматривающему органу ({reviewer})",
        "{id}: passed on to the reviewing body ({reviewer})",
    ),
    "complaint_done_decided": (
        "{id}: шағым {outcome}; жазбаша жауап шығарылады",
        "{id}: жалоба {outcome}; письменный ответ будет выдан",
        "{id}: the complaint is {outcome}; the written answer will be issued",
    ),
    # --- `complaint show` -------------------------------------------------------------
    "complaint_title": (
        "{id}: {app} өтініші бойынша шағым",
        "{id}: жалоба по заявлению {app}",
        "{id}: complaint about application {app}",
    ),
    "complaint_act": ("Шағымның нысаны", "Предмет жалобы", "Against"),
    "complaint_act.conclusion": ("қорытынды", "заключение", "the conclusion"),
    "complaint_act.refusal": (
        "бас тарту туралы хабарлама",
        "уведомление об отказе",
        "the refusal notice",
    ),
    "complaint_act.inaction": ("әрекетсіздік", "бездействие", "inaction"),
    "complaint_filed_at": ("Берілді", "Подана", "Filed"),
    "complaint_learned": (
        "Өтініш беруші білген күн",
        "Заявитель узнал",
        "The applicant learned of it",
    ),
    "complaint_period": ("Шағым беру мерзімі", "Срок подачи жалобы", "Period for a complaint"),
    "complaint_until": ("{date} дейін", "до {date}", "until {date}"),
    "complaint_late": (
        "мерзімі өткен соң берілді",
        "подана после истечения срока",
        "filed after the period",
    ),
    "complaint_body": (
        "Комиссия төрағасы",
        "Председатель комиссии",
        "Commission chairman",
    ),
    "complaint_reviewer": ("Қарайтын орган", "Рассматривающий орган", "Reviewing body"),
    "complaint_due": ("мерзімі {at}", "срок {at}", "due {at}"),
    "complaint_passed": ("{at} жолданды", "передана {at}", "passed on {at}"),
    "complaint_decision": ("Шешім", "Решение", "Decision"),
    "complaint_revoked": (
        "Комиссияның нәтижесінің күші жойылды; іс қайта шешіледі",
        "Результат комиссии отменён; дело решается заново",
        "The commission's result is revoked; the case is decided again",
    ),
    "complaint_superseded": (
        "Шағым жасалған шешім бұдан бұрын күшін жойған немесе ауыстырылған: ештеңе қайта"
        " шешілмейді",
        "Обжалованное решение уже было отменено или заменено: ничего не решается заново",
        "The act complained of was already revoked or replaced: nothing is decided again",
    ),
    "complaint_not_taken": (
        "Іс бұл хабарды қабылдамады",
        "Дело не приняло это сообщение",
        "The case did not take this",
    ),
    "complaint_answer": ("Жазбаша жауап", "Письменный ответ", "Written answer"),
    "complaint_outcome.satisfied": (
        "төраға қанағаттандырды",
        "удовлетворена председателем",
        "satisfied by the chairman",
    ),
    "complaint_outcome.upheld": (
        "негізді деп танылды",
        "признана обоснованной",
        "upheld",
    ),
    "complaint_outcome.dismissed": (
        "қанағаттандырусыз қалдырылды",
        "оставлена без удовлетворения",
        "dismissed",
    ),
    "complaint_outcome.returned": ("қайтарылды", "возвращена", "returned"),
    "complaint_esc.body_overdue": (
        "төраға мерзімді өткізіп алды; шағым қарайтын органға жолданды",
        "председатель пропустил срок; жалоба передана рассматривающему органу",
        "the chairman missed his term; the complaint went on to the reviewing body",
    ),
    "complaint_esc.review_overdue": (
        "қарайтын орган мерзімді өткізіп алды",
        "рассматривающий орган пропустил срок",
        "the reviewing body missed its term",
    ),
    "complaint_esc.reminder": (
        "еске салу: шешімнің мерзімі өтіп кетті",
        "напоминание: срок решения пропущен",
        "reminder: the decision is overdue",
    ),
    # --- a case's complaints on its own screen, and in the inbox ----------------------
    "case_complaints": ("Шағымдар", "Жалобы", "Complaints"),
    "case_complaint": (
        "{id}: {act} бойынша — {state}",
        "{id}: на {act} — {state}",
        "{id}: against {act} — {state}",
    ),
    "case_reopened": (
        "Іс {id} шағымы бойынша қайта шешілуде: бұрынғы нәтиженің ({kind}, {issued}) "
        "күші {revoked} жойылды",
        "Дело решается заново по жалобе {id}: прежний результат ({kind}, {issued}) "
        "отменён {revoked}",
        "The case is being decided again on complaint {id}: the earlier result ({kind}, "
        "{issued}) was revoked on {revoked}",
    ),
    "case_complaint_upheld": (
        "{id} шағымы іс ашық кезде {outcome} ({at}); іс шешімге өтеді",
        "Жалоба {id} {outcome}, пока дело было открыто ({at}); дело идёт к решению",
        "Complaint {id} was {outcome} while the case was open ({at}); the case goes on to "
        "its decision",
    ),
    "inbox_complaint": ("шағым {id}", "жалоба {id}", "complaint {id}"),
}

register(COMPLAINTS)
