"""Every check of workflows/checks.py as one table: a case in a given state, a command,
and the refusal code it must get (None: the command passes).

Each row changes one thing from a case and command that pass, so a row fails for the
reason it names and no other. The last test holds the table to the catalogue: a refusal
code that checks.py can give and no row gives is a check nobody tried."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from models.case import Step
from models.decisions import ChairmanDecision, Forward, MemberDecision, ResultSigning
from rules.refusal import Refusal
from workflows.checks import (
    MESSAGES,
    CaseView,
    check_chairman_decision,
    check_forward,
    check_member_decision,
    check_result_signing,
    parse_command,
)

CHAIR = "chair"
MEMBERS = ("m1", "m2", "m3")
ACCEPTED = date(2026, 4, 14)
LIMIT = date(2031, 5, 16)  # the day before the 27th birthday
SHA = "a" * 64
OTHER_SHA = "b" * 64

# Refusals that workflows/checks.py words but the workflow itself gives (application.py):
# an unknown signal's name, and a chairman's CMS signature that does not verify.
GIVEN_ELSEWHERE = {"signal.unknown", "result_signature.invalid"}


def view(step: Step, **over: Any) -> CaseView:
    """A deferral case registered to CHAIR's commission, at `step`, forwarded to every
    member, nobody answered yet."""
    base = CaseView(
        step=step,
        chairman=CHAIR,
        members=MEMBERS,
        forwarded=MEMBERS,
        answered=(),
        service="deferral",
        accepted_on=ACCEPTED,
        until_limit=LIMIT,
        issued_sha256=SHA,
    )
    return replace(base, **over)


@dataclass(frozen=True)
class Row:
    name: str
    check: Any
    view: CaseView
    command: BaseModel
    refused: str | None


def forward(at: CaseView | None = None, **cmd: Any) -> Row:
    at = at or view(Step.forward)
    return Row("", check_forward, at, Forward(**{"actor": CHAIR, **cmd}), None)


def vote(at: CaseView | None = None, **cmd: Any) -> Row:
    at = at or view(Step.review)
    command = MemberDecision(**{"actor": "m1", "verdict": "agree", **cmd})
    return Row("", check_member_decision, at, command, None)


def decision(at: CaseView | None = None, **cmd: Any) -> Row:
    at = at or view(Step.decide)
    command = ChairmanDecision(**{"actor": CHAIR, "verdict": "grant", "until": LIMIT, **cmd})
    return Row("", check_chairman_decision, at, command, None)


def refusal(at: CaseView | None = None, **cmd: Any) -> Row:
    at = at or view(Step.decide)
    base = {"actor": CHAIR, "verdict": "refuse", "reasons": ["анықтама ескірген"]}
    command = ChairmanDecision(**{**base, "refusal_ground": 1, **cmd})
    return Row("", check_chairman_decision, at, command, None)


def signing(at: CaseView | None = None, **cmd: Any) -> Row:
    at = at or view(Step.sign)
    command = ResultSigning(**{"actor": CHAIR, "document_sha256": SHA, "cms_base64": "MA==", **cmd})
    return Row("", check_result_signing, at, command, None)


def row(name: str, made: Row, refused: str | None) -> Row:
    return replace(made, name=name, refused=refused)


TABLE = [
    # --- forward: the chairman hands the case to the members --------------------------
    row("forward: all members", forward(), None),
    row("forward: some members", forward(members=["m1", "m3"]), None),
    row("forward: by a member", forward(actor="m1"), "actor.not_chairman"),
    row("forward: not registered yet", forward(view(Step.register, chairman="")), "step.wrong"),
    row("forward: at review already", forward(view(Step.review)), "step.wrong"),
    row("forward: nobody", forward(members=[]), "members.empty"),
    row("forward: someone twice", forward(members=["m1", "m1"]), "members.duplicate"),
    row("forward: an outsider", forward(members=["m1", "stranger"]), "members.unknown"),
    # --- a member's verdict --------------------------------------------------------
    row("vote: agree", vote(), None),
    row("vote: in the instant before review", vote(view(Step.forward)), None),
    row(
        "vote: refuse with ground and details",
        vote(verdict="refuse", refusal_ground=2, details="Анықтама басқа адамға берілген"),
        None,
    ),
    row("vote: not forwarded to him", vote(actor="m9"), "actor.not_forwarded"),
    row("vote: after the review", vote(view(Step.decide)), "step.wrong"),
    row("vote: twice", vote(view(Step.review, answered=("m1",))), "member.already_decided"),
    row(
        "vote: refuse without ground",
        vote(verdict="refuse", details="ескірген"),
        "refusal.ground_missing",
    ),
    row(
        "vote: refuse without details",
        vote(verdict="refuse", refusal_ground=1),
        "refusal.details_missing",
    ),
    row(
        "vote: refuse with blank details",
        vote(verdict="refuse", refusal_ground=1, details=" "),
        "refusal.details_missing",
    ),
    row("vote: agree with a ground", vote(refusal_ground=1), "agree.with_refusal"),
    # --- the chairman's decision: a grant -----------------------------------------------
    row("grant: deferral to the last day", decision(), None),
    row(
        "grant: exemption, no end",
        decision(view(Step.decide, service="exemption"), until=None),
        None,
    ),
    row("grant: by a member", decision(actor="m1"), "actor.not_chairman"),
    row("grant: during review", decision(view(Step.review)), "step.wrong"),
    row("grant: with reasons", decision(reasons=["ескірген"]), "reasons.on_grant"),
    row("grant: with a ground", decision(refusal_ground=1), "grant.with_refusal_ground"),
    row(
        "grant: exemption with an end",
        decision(view(Step.decide, service="exemption")),
        "until.not_for_exemption",
    ),
    row("grant: deferral without an end", decision(until=None), "until.missing"),
    row("grant: ends on acceptance", decision(until=ACCEPTED), "until.not_after_acceptance"),
    row("grant: ends after liability", decision(until=date(2031, 5, 17)), "until.too_late"),
    row(
        "grant: no acceptance date known",
        decision(view(Step.decide, accepted_on=None), until=ACCEPTED),
        None,
    ),
    row(
        "grant: no limit known",
        decision(view(Step.decide, until_limit=None), until=date(2040, 1, 1)),
        None,
    ),
    # --- the chairman's decision: a refusal -----------------------------------------
    row("refuse: one reason", refusal(), None),
    row("refuse: by a member", refusal(actor="m2"), "actor.not_chairman"),
    row("refuse: no reasons", refusal(reasons=[]), "reasons.missing"),
    row("refuse: only blank reasons", refusal(reasons=[" ", ""]), "reasons.missing"),
    row("refuse: a blank among reasons", refusal(reasons=["ескірген", " "]), "reasons.blank"),
    row("refuse: without ground", refusal(refusal_ground=None), "refusal.ground_missing"),
    row("refuse: with an end date", refusal(until=LIMIT), "until.on_refusal"),
    # --- the chairman signs the issued document --------------------------------------
    row("sign: the issued document", signing(), None),
    row("sign: by a member", signing(actor="m1"), "actor.not_chairman"),
    row("sign: before issuing", signing(view(Step.issue)), "step.wrong"),
    row("sign: another document", signing(document_sha256=OTHER_SHA), "document.other"),
]


@pytest.mark.parametrize("case", TABLE, ids=[r.name for r in TABLE])
def test_check(case: Row) -> None:
    got = case.check(case.view, case.command)
    assert (got.code if got else None) == case.refused, got


# What an update or a signal carries, raw: the one command, or why it cannot be read.
PAYLOADS = [
    ("one forward", (dict(actor=CHAIR),), None),
    ("none", (), "payload.missing"),
    ("two", (dict(actor=CHAIR), dict(actor=CHAIR)), "payload.several"),
    ("not a mapping", ("forward",), "payload.invalid"),
    ("a field too many", (dict(actor=CHAIR, members=None, urgent=True),), "payload.invalid"),
    ("no actor", (dict(members=["m1"]),), "payload.invalid"),
    ("actor with spaces", (dict(actor="chair man"),), "payload.invalid"),
]


@pytest.mark.parametrize(
    ("args", "refused"), [p[1:] for p in PAYLOADS], ids=[p[0] for p in PAYLOADS]
)
def test_parse_command(args: tuple[Any, ...], refused: str | None) -> None:
    got = parse_command(Forward, args)
    if refused is None:
        assert got == Forward(actor=CHAIR)
    else:
        assert isinstance(got, Refusal) and got.code == refused, got


@pytest.mark.parametrize(
    ("payload", "field", "rule_en"),
    [
        ({}, "actor", "required but missing"),
        ({"actor": CHAIR, "urgent": 1}, "urgent", "no such field"),
        ({"actor": "x" * 65}, "actor", "too long"),
        ({"actor": "Chair!"}, "actor", "wrong format"),
        ({"actor": 7}, "actor", "wrong type of value"),
    ],
)
def test_an_unreadable_field_is_named_with_its_rule(
    payload: dict[str, Any], field: str, rule_en: str
) -> None:
    got = parse_command(Forward, (payload,))
    assert isinstance(got, Refusal) and got.code == "payload.invalid"
    assert (got.params["field"], got.params["rule_en"]) == (field, rule_en)


def test_every_refusal_of_the_checks_has_a_row() -> None:
    tried = {r.refused for r in TABLE} | {p[2] for p in PAYLOADS}
    assert tried - {None} | GIVEN_ELSEWHERE == set(MESSAGES)
