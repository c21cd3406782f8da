"""Names of the domain's values as people say them: a case's steps and the like. Codes
stay in `--json` output and in the histories; these are what a person reads."""

from __future__ import annotations

from texts import Table, register

STEPS: Table = {
    "step_name.accept": ("қабылдау", "приём", "acceptance"),
    "step_name.register": ("тіркеу", "регистрация", "registration"),
    "step_name.forward": (
        "мүшелерге жолдау",
        "направление членам комиссии",
        "forwarding to the members",
    ),
    "step_name.review": (
        "мүшелердің қарауы",
        "рассмотрение членами комиссии",
        "review by the members",
    ),
    "step_name.decide": ("төрағаның шешімі", "решение председателя", "the chairman's decision"),
    "step_name.issue": ("құжатты шығару", "выдача документа", "issuing the document"),
    "step_name.sign": ("төрағаның қолтаңбасы", "подпись председателя", "the chairman's signature"),
    "step_name.deliver": ("жеткізу", "доставка", "delivery"),
    "step_name.done": ("аяқталды", "завершено", "finished"),
    # A complaint's steps, as its workflow publishes them in ShaqyruStep.
    "step_name.complaint-body": (
        "шағым: төрағаның қарауы",
        "жалоба: рассмотрение председателем",
        "complaint: with the chairman",
    ),
    "step_name.complaint-review": (
        "шағым: қарайтын органның шешімі",
        "жалоба: решение рассматривающего органа",
        "complaint: the reviewing body's decision",
    ),
    "step_name.complaint-answer": (
        "шағым: жазбаша жауапты шығару",
        "жалоба: выдача письменного ответа",
        "complaint: issuing the written answer",
    ),
    "step_name.complaint-deliver": (
        "шағым: жауапты жеткізу",
        "жалоба: доставка ответа",
        "complaint: delivering the answer",
    ),
    "step_name.complaint-done": ("шағым: аяқталды", "жалоба: завершено", "complaint: finished"),
}

register(STEPS)
