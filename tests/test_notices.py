"""The acceptance mark (standard row 8; issue 11): the personal cabinet is told, once, that
the request was accepted and when the result will be ready, through the outbox and the
Courier's HTTP delivery. A real cabinet over loopback, a real read model; the activity
runs in the SDK's activity environment."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.context import Context
from activities.delivery import Courier, idempotency_key
from activities.notices import ACCEPTANCE, Notices, acceptance_key
from models.case import Addressee, Delivery, Issued
from models.result import Result
from models.tables import OutboxDelivery
from tests.addressee import Addressee as Endpoint
from tests.helpers import make_context

APP_ID = "EGOV-2026-0000102"
NUMBER = "KZ-ALM-2026-000042"
ACCEPTED = datetime(2026, 9, 9, 4, 0, tzinfo=UTC)  # 09:00 in Almaty, the next working day
DUE = datetime(2026, 9, 15, 13, 30, tzinfo=UTC)  # 18:30 in Almaty, five working days on
RESULT = Result(
    kind="conclusion", service="deferral", ground=4, application_id=APP_ID,
    registration_number=NUMBER, district="almaty-almaly", commission="Комиссия",
    applicant_name="Сапаров Ерасыл", applicant_address="Алматы", reason="Некеде тұрамын",
    until=date(2027, 6, 30), chairman_id="almaly-chair", chairman_name="Төраға",
    issued_at=DUE, issued_on=date(2026, 9, 15),
)  # fmt: skip


def env(attempt_at: datetime) -> ActivityEnvironment:
    e = ActivityEnvironment()
    e.info = dataclasses.replace(
        e.info,
        current_attempt_scheduled_time=attempt_at,
        start_to_close_timeout=timedelta(seconds=10),
    )
    return e


async def mark(ctx: Context, at: datetime = ACCEPTED) -> Delivery:
    notices = Notices(Courier(ctx))
    return await env(at).run(notices.deliver_acceptance_mark, APP_ID, NUMBER, ACCEPTED, DUE)


def outbox(ctx: Context) -> dict[str, OutboxDelivery]:
    with Session(ctx.engine) as db:
        return {row.addressee: row for row in db.exec(select(OutboxDelivery)).all()}


def with_cabinet(tmp: Path, cabinet: Endpoint) -> Context:
    ctx = make_context(tmp)
    ctx.endpoints = {"cabinet": cabinet.url, "military": None}
    return ctx


async def test_cabinet_shows_the_mark_with_the_due_date(tmp_path: Path) -> None:
    with Endpoint("cabinet", marks_apart=False) as cabinet:
        ctx = with_cabinet(tmp_path, cabinet)
        done = await mark(ctx)
    key = acceptance_key(APP_ID)
    assert done.addressee == Addressee.cabinet and done.delivered
    assert done.reference == cabinet.references[key] and done.at == ACCEPTED
    assert cabinet.held() == 1 and cabinet.keys() == {key}
    body = cabinet.documents[key]
    assert body["kind"] == "acceptance_mark" and body["registration_number"] == NUMBER
    assert body["accepted_at"] == "2026-09-09T04:00:00+00:00"
    assert body["accepted_local"] == "2026-09-09T09:00:00+05:00"
    assert body["result_due_on"] == "2026-09-15"
    assert body["text"] == {
        "kk": "Мемлекеттік қызмет көрсету үшін сұрау салу қабылданды. Тіркеу нөмірі: "
        "KZ-ALM-2026-000042. Қабылданған уақыты: 2026 жылғы «09» қыркүйек, 09:00 (Алматы "
        "уақытымен). Мемлекеттік көрсетілетін қызметтің нәтижесін алу күні: 2026 жылғы «15» "
        "қыркүйек.",
        "ru": "Запрос на оказание государственной услуги принят. Регистрационный номер: "
        "KZ-ALM-2026-000042. Время принятия: «09» сентября 2026 года, 09:00 (по времени "
        "Алматы). Дата получения результата государственной услуги: «15» сентября 2026 года.",
        "en": "Your request for the state service has been accepted. Registration number: "
        "KZ-ALM-2026-000042. Accepted on 9 September 2026, 09:00 (Almaty time). The result "
        "will be ready on 15 September 2026.",
    }
    row = outbox(ctx)[ACCEPTANCE]
    assert row.idempotency_key == key and row.document_sha256 is None
    assert row.attempts == 1 and row.reference == done.reference


async def test_failures_and_a_lost_answer_end_with_one_mark(tmp_path: Path) -> None:
    with Endpoint("cabinet", fail_first=2, lose_first=1, marks_apart=False) as cabinet:
        ctx = with_cabinet(tmp_path, cabinet)
        for attempt in range(3):  # 503, 503, then stored but answered 500
            with pytest.raises(ApplicationError) as caught:
                await mark(ctx, ACCEPTED + timedelta(seconds=attempt))
            assert caught.value.type == "delivery.http_status"
        done = await mark(ctx, ACCEPTED + timedelta(seconds=3))
        again = await mark(ctx, ACCEPTED + timedelta(seconds=9))  # a retry after success
    assert [p.status for p in cabinet.posts] == [503, 503, 500, 200]
    assert cabinet.held() == 1 and cabinet.keys() == {acceptance_key(APP_ID)}
    assert again == done and done.at == ACCEPTED + timedelta(seconds=3)
    assert outbox(ctx)[ACCEPTANCE].attempts == 4


async def test_without_an_endpoint_the_mark_waits_in_the_outbox(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    done = await mark(ctx)
    assert done.delivered and done.reference == f"outbox:{acceptance_key(APP_ID)}"
    assert outbox(ctx)[ACCEPTANCE].payload["result_due_at"] == "2026-09-15T13:30:00+00:00"


async def test_the_mark_and_the_result_are_separate_rows(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    await mark(ctx)
    courier = Courier(ctx)
    await env(DUE).run(courier.deliver_to_cabinet, Issued(result=RESULT))
    rows = outbox(ctx)
    assert set(rows) == {ACCEPTANCE, Addressee.cabinet.value}
    assert rows[Addressee.cabinet.value].idempotency_key == idempotency_key(
        APP_ID, Addressee.cabinet
    )
    assert rows[ACCEPTANCE].idempotency_key != rows[Addressee.cabinet.value].idempotency_key
