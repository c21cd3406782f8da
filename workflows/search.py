"""Search attributes of a case: what supervisors filter on and what inboxes read.

No personal data here: only the service, ground, district and the case's progress."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

SERVICE = SearchAttributeKey.for_keyword("ShaqyruService")
GROUND = SearchAttributeKey.for_int("ShaqyruGround")
DISTRICT = SearchAttributeKey.for_keyword("ShaqyruDistrict")
STEP = SearchAttributeKey.for_keyword("ShaqyruStep")
DEADLINE = SearchAttributeKey.for_datetime("ShaqyruDeadline")
OVERDUE = SearchAttributeKey.for_bool("ShaqyruOverdue")
OUTCOME = SearchAttributeKey.for_keyword("ShaqyruOutcome")
WAITING_FOR = SearchAttributeKey.for_keyword_list("ShaqyruWaitingFor")
FINDINGS = SearchAttributeKey.for_int("ShaqyruFindings")
"""How many findings the commission must weigh: the inbox's flag."""
APPLICATION = SearchAttributeKey.for_keyword("ShaqyruApplication")
"""On a complaint: the application it is about, so that `show` finds a case's complaints."""

ALL = (
    SERVICE,
    GROUND,
    DISTRICT,
    STEP,
    DEADLINE,
    OVERDUE,
    OUTCOME,
    WAITING_FOR,
    FINDINGS,
    APPLICATION,
)

_TYPE_NAMES = {
    "KEYWORD": "Keyword",
    "INT": "Int",
    "DATETIME": "Datetime",
    "BOOL": "Bool",
    "KEYWORD_LIST": "KeywordList",
}


def dev_server_flags() -> list[str]:
    """`--search-attribute NAME=Type` flags for `temporal server start-dev`."""
    flags = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={_TYPE_NAMES[key.indexed_value_type.name]}"]
    return flags
