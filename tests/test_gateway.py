"""State records through the e-government gateway (issue 11): the activity against a real
HTTP gateway on loopback, run by the SDK's activity environment; what it finds goes to
`rules.findings`."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities import all_activities
from activities.gateway import ANSWER_LIMIT, Gateway, records_key
from activities.gateway_standin import GatewayStandin, sample_records
from models.application import Application
from models.findings import RecordKind, StateRecords
from rules.check import submission_date
from rules.findings import findings
from tests.gateway import Gateway as FaultyGateway
from tests.helpers import free_port, make_context

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str) -> Application:
    return Application.model_validate_json((EXAMPLES / f"{name}.json").read_bytes())


MARRIED = example("deferral-4-married")
DEGREE = example("exemption-6-degree")


async def fetch(url: str | None, app: Application, timeout: float = 5.0) -> StateRecords:
    return await ActivityEnvironment().run(Gateway(url, timeout).fetch_state_records, app)


def codes(app: Application, records: StateRecords) -> list[str]:
    return [f.code for f in findings(app, records, submission_date(app))]


async def test_deferral_gets_the_four_records_the_standard_names() -> None:
    with GatewayStandin() as gateway:
        records = await fetch(gateway.url, MARRIED)
    assert records.asked and records.kinds == list(RecordKind)
    assert records.identity is not None and records.identity.iin == MARRIED.applicant.iin
    assert records.identity.birth_date == date(2001, 11, 3)
    assert [m.registered_on for m in records.marriages] == [date(2022, 8, 13)]
    assert [c.birth_date for c in records.child_births] == [date(2024, 5, 2)]
    [(key, body)] = gateway.requests
    assert key == records_key(MARRIED.application_id)
    assert body == {
        "request_id": MARRIED.application_id,
        "iin": MARRIED.applicant.iin,
        "records": ["identity", "child_birth", "spouse_death", "marriage"],
    }
    # The married example's records agree with it: nothing for the commission to weigh.
    assert codes(MARRIED, records) == []


async def test_exemption_asks_and_keeps_the_identity_only() -> None:
    records = sample_records()
    # A gateway that sends more than it was asked for: the case keeps none of it.
    records[DEGREE.applicant.iin]["marriages"] = [{"registered_on": "2020-01-01"}]
    with GatewayStandin(records) as gateway:
        got = await fetch(gateway.url, DEGREE)
    assert [b["records"] for _, b in gateway.requests] == [["identity"]]
    assert got.kinds == [RecordKind.identity] and got.identity is not None
    assert got.marriages == [] and codes(DEGREE, got) == []


async def test_retry_asks_again_with_the_same_key_and_gets_the_same() -> None:
    with GatewayStandin() as gateway:
        first, second = await fetch(gateway.url, MARRIED), await fetch(gateway.url, MARRIED)
    assert first == second
    assert {k for k, _ in gateway.requests} == {records_key(MARRIED.application_id)}
    assert len(gateway.requests) == 2


async def test_without_a_gateway_nothing_is_asked_and_it_says_so() -> None:
    records = await fetch(None, MARRIED)
    assert records == StateRecords(asked=False)
    assert codes(MARRIED, records) == ["records.not_asked"]


async def test_birth_date_that_differs_from_the_iin_is_a_finding() -> None:
    with GatewayStandin() as gateway:
        gateway.differ_birth_date(MARRIED.applicant.iin)
        records = await fetch(gateway.url, MARRIED)
    found = findings(MARRIED, records, submission_date(MARRIED))
    assert [f.code for f in found] == ["records.birth_date"]
    assert found[0].params == {"record": "2001-11-04", "iin_date": "2001-11-03"}
    assert "2001-11-04" in found[0].kk and "2001-11-03" in found[0].ru


async def test_unknown_iin_is_a_finding() -> None:
    with GatewayStandin(records={}) as gateway:
        records = await fetch(gateway.url, MARRIED)
    assert records.asked and records.identity is None
    assert codes(MARRIED, records) == ["records.iin_unknown"]


async def test_a_silent_gateway_costs_one_deadline() -> None:
    with FaultyGateway(hang=True) as gateway:
        began = time.monotonic()
        with pytest.raises(ApplicationError) as caught:
            await fetch(gateway.url, MARRIED, timeout=0.3)
        took = time.monotonic() - began
    assert caught.value.type == "gateway.timeout" and not caught.value.non_retryable
    assert "no answer within 0.3 s" in str(caught.value)
    assert 0.3 <= took < 3


def _answer(**change: object) -> bytes:
    good = json.loads(json.dumps(sample_records()[MARRIED.applicant.iin]))
    good.update(change)
    return json.dumps(good).encode()


def _identity(**change: object) -> dict:
    identity = dict(sample_records()[MARRIED.applicant.iin]["identity"])
    identity.update(change)
    return identity


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>gateway maintenance</html>", "json_invalid"),
        (_answer(identity=_identity(birth_date=20011103)), "identity.birth_date"),
        (_answer(identity=_identity(sex="m")), "identity.sex"),
        (_answer(extra="field"), "extra: extra_forbidden"),
        (_answer(marriages=[{"registered_on": "2022-08-13"}] * 21), "marriages: too_long"),
        (_answer(iin="990310315008"), "another IIN"),
        (_answer(identity=_identity(iin="990310315008")), "another IIN"),
        (b"{" + b" " * ANSWER_LIMIT + b"}", "larger than 64 KiB"),
    ],
    ids=[
        "not-json",
        "date-as-number",
        "unknown-sex",
        "extra-field",
        "too-many",
        "other-iin",
        "other-identity",
        "oversized",
    ],  # fmt: skip
)
async def test_malformed_answer_is_refused(body: bytes, says: str) -> None:
    with FaultyGateway(answer_with=body) as gateway:
        with pytest.raises(ApplicationError) as caught:
            await fetch(gateway.url, MARRIED)
    assert caught.value.type == "gateway.malformed" and caught.value.non_retryable
    assert says in str(caught.value)
    # Nothing personal in a reason the Temporal UI shows.
    assert MARRIED.applicant.iin not in str(caught.value)
    assert MARRIED.applicant.surname not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "kind", "retried"),
    [
        (503, "gateway.http_status", True),
        (429, "gateway.http_status", True),
        # Of the moment: a timeout, too early, a load balancer's temporary redirect.
        (408, "gateway.http_status", True),
        (425, "gateway.http_status", True),
        (307, "gateway.http_status", True),
        (308, "gateway.http_status", True),
        (400, "gateway.refused", False),
        (404, "gateway.refused", False),
    ],  # fmt: skip
)
async def test_failing_statuses(status: int, kind: str, retried: bool) -> None:
    with FaultyGateway(status=status) as gateway:
        with pytest.raises(ApplicationError) as caught:
            await fetch(gateway.url, MARRIED)
    assert caught.value.type == kind and caught.value.non_retryable is not retried
    assert str(status) in str(caught.value)


async def test_unreachable_gateway_is_retried() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(ApplicationError) as caught:
        await fetch(f"http://127.0.0.1:{port}/records", MARRIED)
    assert caught.value.type == "gateway.unreachable" and not caught.value.non_retryable


def test_the_worker_has_the_new_activities(tmp_path: Path) -> None:
    names = {getattr(a, "__temporal_activity_definition").name for a in
             all_activities(make_context(tmp_path))}  # fmt: skip
    assert {"fetch_state_records", "deliver_acceptance_mark"} <= names


def test_gateway_url_from_the_context_or_the_settings(tmp_path: Path, monkeypatch) -> None:
    ctx = make_context(tmp_path)
    monkeypatch.setenv("SHAQYRU_GATEWAY_URL", "http://127.0.0.1:1/records")
    assert Gateway.for_context(ctx).url == "http://127.0.0.1:1/records"
    ctx.endpoints["gateway"] = None
    assert Gateway.for_context(ctx).url is None
