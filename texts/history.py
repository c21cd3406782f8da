"""A case's history as `shaqyru history` tells it: one line an event, in the words of the
people who run the case (cli/journal.py)."""

from __future__ import annotations

from texts import Table, register

HISTORY: Table = {
    # --- the lines of a timeline ------------------------------------------------------
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
    "h_reopened": (
        "іс {id} шағымы бойынша қайта ашылды: бұрынғы нәтиженің ({kind}, {issued}) күші "
        "{revoked} жойылды",
        "дело открыто заново по жалобе {id}: прежний результат ({kind}, {issued}) отменён "
        "{revoked}",
        "case opened again on complaint {id}: the earlier result ({kind}, {issued}) was "
        "revoked {revoked}",
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
    "h_queued_cabinet": (
        "жеке кабинетке арналған құжат шығыс жәшігінде кезекте (мекенжай бапталмаған)",
        "документ для личного кабинета в очереди исходящих (адрес не настроен)",
        "queued in the outbox for the personal cabinet (no endpoint)",
    ),
    "h_queued_military": (
        "жергілікті әскери басқару органына арналған құжат шығыс жәшігінде кезекте (мекенжай "
        "бапталмаған)",
        "документ для местного органа военного управления в очереди исходящих (адрес не настроен)",
        "queued in the outbox for the local military administration body (no endpoint)",
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
    "h_complaint": (
        "әрекетсіздікке берілген {id} шағымы қанағаттандырылды: іс шешімге өтеді",
        "жалоба {id} на бездействие удовлетворена: дело идёт к решению",
        "complaint {id} about inaction upheld: the case goes on to its decision",
    ),
    "h_no_journal": (
        "іс өз журналын бере алмайды; `shaqyru show` оның күйін көрсетеді",
        "дело не может выдать свой журнал; его состояние показывает `shaqyru show`",
        "the case cannot give its journal; `shaqyru show` tells its state",
    ),
    "h_omitted": (
        "... журналдың тағы {count} жолы мұнда көрсетілмеді (ескі еске салулар)",
        "... ещё {count} строк журнала здесь не показаны (давние напоминания)",
        "... {count} more journal lines are not shown here (old reminders)",
    ),
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
    "a_sign_result": ("нәтижеге қол қою", "подписание результата", "signing the result"),
}

register(HISTORY)
