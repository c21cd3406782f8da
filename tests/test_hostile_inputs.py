"""What a stranger can put into a case or an application, and what it must not do there:
reach a caseworker's terminal as escape codes, stop `shaqyru show` with a traceback, or
get past the checks to crash the start of a case."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from rich.console import Console
from typer.testing import CliRunner

from cli import render_case
from cli.journal import timeline
from cli.keys_dev_cmd import DEV_PASSWORD
from cli.main import app as shaqyru
from cli.render import render_history, when
from cli.rows import Execution
from documents.identity import load_personal_key, sign_command
from models.case import CaseEvent, CaseJournal, CaseStatus, ComplaintNote, Rejection, Step
from models.decisions import ChairmanDecision, MemberDecision
from models.signature import SignatureBlock, TrustAnchors
from rules.calendar import FIRST_YEAR
from rules.check import check_application
from rules.refusal import Refusal
from rules.signatures import verify_action
from settings import ROOT
from tests.helpers import (
    application,
    at_step,
    skip_to,
    start,
    task_queue,
    until,
    weekday_at,
    worker_for,
)
from workflows.checks import parse_command

EXAMPLE = ROOT / "examples" / "deferral-5-student.json"
SCREEN = "\x1b[2J\x1b[H\x1b]0;owned\x07\x1b[32mforwarded OK\x1b[0m\x9b2J"
"""Clears the screen, titles the window and prints a lie in green (ESC, BEL, and C1 CSI)."""
AT = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
runner = CliRunner(env={"COLUMNS": "250", "SHAQYRU_LANG": "en", "SHAQYRU_ROSTER": None})


def controls(text: str) -> list[str]:
    return [c for c in text if not c.isprintable() and c != "\n"]


def block(case_id: str, action: str) -> SignatureBlock:
    return SignatureBlock(
        algorithm="ecdsa-p256-sha256",
        certificate_pem="-",
        case_id=case_id,
        action=action,
        signed_at=AT,
        nonce="0" * 32,
        value="AAAA",
    )


def refusal_of(signature: SignatureBlock) -> Refusal:
    trust = TrustAnchors(ca_certificates_pem=["-"])
    refused = verify_action(signature, "EGOV-1", "forward", {}, "esil-chair", {}, trust, ())
    assert refused is not None
    return refused


def status_with(**fields: object) -> CaseStatus:
    return CaseStatus(
        application_id="EGOV-1",
        service="deferral",
        ground=5,
        district="astana-esil",
        step=Step.review,
        submitted_at=AT,
        **fields,  # type: ignore[arg-type]
    )


def shown_case(s: CaseStatus) -> str:
    out = io.StringIO()
    screen = Console(file=out, highlight=False, markup=False, soft_wrap=False, width=240)
    render_case.render_status(s, AT, "ru", screen, Execution(), [])
    return out.getvalue()


# --- 1. a signature's claims reach the refusal, and the refusal the screen ---------------


@pytest.mark.parametrize(
    ("case_id", "action", "code"),
    [
        (SCREEN, "forward", "signature.other_case"),
        ("EGOV-1", SCREEN[:64], "signature.other_action"),
    ],
)
def test_a_signatures_claims_are_repeated_printable(case_id: str, action: str, code: str) -> None:
    refused = refusal_of(block(case_id, action))
    assert refused.code == code
    for lang in ("kk", "ru", "en"):
        text = refused.text(lang)
        assert controls(text) == [], text
        assert "forwarded OK" in text or "[2J" in text  # still says what was claimed


async def test_an_escape_in_a_signatures_case_id_is_stored_printable(
    time_env, signed_context, dev_keys, executor
) -> None:
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    m1 = load_personal_key(dev_keys / "esil-m1.p12", DEV_PASSWORD.encode())
    agree = MemberDecision(actor="esil-m1", verdict="agree")
    vote = sign_command(m1, app.application_id, "member_decision", agree)
    data = vote.model_dump(mode="json")
    data["signature"]["case_id"] = SCREEN
    async with worker_for(client, signed_context, executor, tq):
        handle = await start(client, app, tq)
        await skip_to(time_env, submitted)
        await at_step(handle, Step.forward)
        await handle.signal("member_decision", data)
        s = await until(handle, lambda s: s.rejected_count == 1, "the vote refused")
    stored = s.rejections[-1]
    assert stored.code == "signature.other_case"
    assert all(controls(text) == [] for text in (stored.kk, stored.ru, stored.en)), stored
    assert controls(shown_case(s)) == []


def test_show_and_history_print_no_control_of_what_an_older_case_stored() -> None:
    # As a case stored them before its refusals repeated claims printable.
    rejection = Rejection(
        at=AT, action="member_decision", actor="esil-m1\x1b[1m", code="signature.other_case",
        kk=SCREEN, ru=f"esil-m1: подпись под другим заявлением ({SCREEN})", en=SCREEN,
    )  # fmt: skip
    note = ComplaintNote(complaint_id="C\x1b[2J", outcome="upheld", at=AT)
    s = status_with(rejections=[rejection], complaints=[note])
    screen = shown_case(s)
    assert controls(screen) == [] and "forwarded OK" in screen

    data = {"action": "member_decision", **rejection.model_dump(mode="json")}
    journal = CaseJournal(
        events=[
            CaseEvent(application_id="EGOV-1", seq=1, at=AT, kind="step", step=Step.accept),
            CaseEvent(
                application_id="EGOV-1",
                seq=2,
                at=AT + timedelta(minutes=1),
                kind="rejection",
                step=Step.review,
                actor="esil-m1\x1b[1m",
                data=data,
            ),
        ]
    )
    out = io.StringIO()
    screen_out = Console(file=out, highlight=False, markup=False, soft_wrap=False, width=240)
    render_history("EGOV-1", timeline(journal, s, Execution(), "ru"), "ru", screen_out)
    assert controls(out.getvalue()) == [] and "forwarded OK" in out.getvalue()


# --- 2. a moment out of the calendar's range -------------------------------------------


@pytest.mark.parametrize(
    "iso", ["9999-12-31T23:00:00-23:00", "0001-01-01T00:30:00+05:00", "9999-12-31T23:59:59+00:00"]
)
def test_a_moment_without_local_time_is_shown_as_it_was_stored(iso: str) -> None:
    at = datetime.fromisoformat(iso)
    assert when(at) == at.isoformat(timespec="minutes")
    note = ComplaintNote(complaint_id="FORGED-1", outcome="upheld", at=at)
    assert at.isoformat(timespec="minutes") in shown_case(status_with(complaints=[note]))


def test_an_ordinary_moment_is_still_almaty_time() -> None:
    assert when(AT) == "2026-12-01 09:00 +05:00"


# --- 3. submitted_at at the edges of time ----------------------------------------------


def changed(**changes: object) -> dict:
    return {**json.loads(EXAMPLE.read_text(encoding="utf-8")), **changes}


@pytest.mark.parametrize(
    ("submitted_at", "rule"),
    [
        ("9999-12-31T23:59:59-05:00", "submitted_at.future"),
        ("0001-01-01T00:30:00+05:00", "submitted_at.too_early"),
        ("0001-01-01T00:00:00+00:00", "submitted_at.too_early"),
        ("1990-03-05T10:00:00+05:00", "submitted_at.too_early"),
        ("1999-12-31T17:59:00+00:00", "submitted_at.too_early"),  # 23:59 in Almaty
    ],
)
def test_submitted_at_out_of_the_calendar_is_a_problem(submitted_at: str, rule: str) -> None:
    problems = check_application(changed(submitted_at=submitted_at))
    assert [(p.field, p.rule) for p in problems] == [("submitted_at", rule)]
    if rule == "submitted_at.too_early":
        assert all(str(FIRST_YEAR) in text for text in (problems[0].kk, problems[0].ru))


def test_the_calendars_first_year_is_not_too_early() -> None:
    problems = check_application(changed(submitted_at="1999-12-31T18:00:00+00:00"))
    assert [p.rule for p in problems] == ["period.closed"]  # 1 January 2000 in Almaty


def test_a_moment_with_no_local_day_is_a_problem_not_a_crash() -> None:
    # Only a receiving clock at the end of time lets such a moment pass as not future.
    now = datetime.max.replace(tzinfo=UTC) - timedelta(minutes=5)
    problems = check_application(changed(submitted_at="9999-12-31T23:59:59+00:00"), now=now)
    assert [(p.field, p.rule) for p in problems] == [("submitted_at", "schema.range")]


@pytest.mark.parametrize(
    "submitted_at",
    ["1990-03-05T10:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+05:00"],
)
def test_submit_refuses_submitted_at_out_of_the_calendar(tmp_path: Path, submitted_at: str) -> None:
    path = tmp_path / "application.json"
    path.write_text(json.dumps(changed(submitted_at=submitted_at)), encoding="utf-8")
    for lang in ("kk", "ru"):
        result = runner.invoke(shaqyru, ["submit", str(path), "--lang", lang])
        assert result.exit_code == 2, result.output
        assert "; submitted_at." in result.output and "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


# --- 4. text that prints as nothing ----------------------------------------------------


@pytest.mark.parametrize("filler", ["\u3164", "\u115f", "\u1160", "\uffa0", "\u3164 \u3164"])
def test_hangul_fillers_are_no_reason(filler: str) -> None:
    with pytest.raises(ValidationError, match="text.control"):
        MemberDecision(actor="esil-m1", verdict="refuse", refusal_ground=1, details=filler)
    with pytest.raises(ValidationError, match="text.control"):
        ChairmanDecision(actor="esil-chair", verdict="refuse", refusal_ground=1, reasons=[filler])
    # As a signal brings it to the case: refused, and the field named.
    sent = {"actor": "esil-m1", "verdict": "refuse", "refusal_ground": 1, "details": filler}
    refused = parse_command(MemberDecision, (sent,))
    assert isinstance(refused, Refusal) and refused.code == "payload.invalid"
    assert refused.params["field"] == "details"


def test_decide_refuses_a_reason_of_fillers_before_sending() -> None:
    args = ["decide", "EGOV-1", "refuse", "--ground", "1", "--reason", "\u3164"]
    args += ["--as", "esil-chair"]
    # Nowhere to send it, should it get that far.
    result = runner.invoke(shaqyru, args, env={"TEMPORAL_ADDRESS": "127.0.0.1:1"})
    assert result.exit_code == 2, result.output
    assert "--reason" in result.output


# --- 5. the portal's starter without a key ring ----------------------------------------


def test_starter_without_a_key_ring_exits_4(tmp_path: Path) -> None:
    env = {**os.environ, "SHAQYRU_DATA": str(tmp_path), "SHAQYRU_KEYRING": str(tmp_path / "no")}
    env.pop("SHAQYRU_ROSTER", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "starter.py"), str(EXAMPLE)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and "SHAQYRU_KEYRING" in done.stderr
