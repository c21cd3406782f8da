"""The outbox (`activities.delivery.claim` and `record`), shared by the results and the
acceptance mark: where no endpoint is configured the row is the hand-over, so a first
attempt makes it, counts it and records it delivered in one transaction, and a retry of
a delivered row changes nothing. Each kind of read model the project runs on; the
activities run in the SDK's activity environment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from temporalio.exceptions import ApplicationError

from activities.context import Context
from activities.delivery import Courier, idempotency_key
from activities.notices import ACCEPTANCE, Notices, acceptance_key
from models.case import Addressee, Delivery, Issued
from tests.addressee import Addressee as Endpoint
from tests.helpers import make_context
from tests.test_notices import ACCEPTED, APP_ID, DUE, NUMBER, RESULT, env, outbox


def the_mark(ctx: Context) -> tuple[str, str, Callable[[int], Awaitable[Delivery]]]:
    notices = Notices(Courier(ctx))

    def attempt(n: int) -> Awaitable[Delivery]:
        at = ACCEPTED + timedelta(seconds=n)
        return env(at).run(notices.deliver_acceptance_mark, APP_ID, NUMBER, ACCEPTED, DUE)

    return ACCEPTANCE, acceptance_key(APP_ID), attempt


def the_result(ctx: Context) -> tuple[str, str, Callable[[int], Awaitable[Delivery]]]:
    courier = Courier(ctx)

    def attempt(n: int) -> Awaitable[Delivery]:
        return env(DUE + timedelta(seconds=n)).run(
            courier.deliver_to_cabinet, Issued(result=RESULT)
        )

    return Addressee.cabinet.value, idempotency_key(APP_ID, Addressee.cabinet), attempt


DELIVERIES = pytest.mark.parametrize("delivery", [the_mark, the_result], ids=["mark", "result"])


@contextmanager
def transactions(engine: Engine) -> Iterator[list[str]]:
    """The begin, commit and rollback of every transaction on `engine` meanwhile."""
    seen: list[str] = []
    listeners = {
        name: (lambda _conn, name=name: seen.append(name))
        for name in ("begin", "commit", "rollback")
    }
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners.items():
            event.remove(engine, name, listener)


@DELIVERIES
async def test_first_attempt_without_an_endpoint_is_one_transaction(
    tmp_path: Path, database_url: str, delivery
) -> None:
    ctx = make_context(tmp_path, database_url=database_url)
    to, key, attempt = delivery(ctx)
    with transactions(ctx.engine) as seen:
        done = await attempt(0)
    assert seen == ["begin", "commit"]
    assert done.delivered and done.reference == f"outbox:{key}"
    row = outbox(ctx)[to]
    assert row.attempts == 1 and row.reference == done.reference
    assert row.delivered_at is not None and done.at == (ACCEPTED if to == ACCEPTANCE else DUE)

    # A retry (the answer to the first was lost) finds it delivered: nothing is written.
    with transactions(ctx.engine) as seen:
        again = await attempt(5)
    assert "commit" not in seen
    assert again == done and outbox(ctx)[to].attempts == 1


@DELIVERIES
async def test_a_row_left_undelivered_is_counted_and_recorded_at_once(
    tmp_path: Path, delivery
) -> None:
    """Tried once at an endpoint that failed, then retried without one (it was taken out
    of the configuration): the retry counts the attempt and hands the row over in one
    transaction."""
    with Endpoint("cabinet", fail_first=1, marks_apart=False) as cabinet:
        ctx = make_context(tmp_path)
        ctx.endpoints = {"cabinet": cabinet.url, "military": None}
        to, key, attempt = delivery(ctx)
        with pytest.raises(ApplicationError):
            await attempt(0)
    assert [p.status for p in cabinet.posts] == [503]
    assert outbox(ctx)[to].delivered_at is None

    ctx.endpoints = {"cabinet": None, "military": None}
    with transactions(ctx.engine) as seen:
        done = await attempt(1)
    assert seen == ["begin", "commit"]
    row = outbox(ctx)[to]
    assert row.attempts == 2 and row.reference == done.reference == f"outbox:{key}"


HOSTILE_ANSWERS = pytest.mark.parametrize(
    ("location", "body", "kept"),
    [
        ("https://cabinet/" + "A" * 90_000, b"", "https://cabinet/" + "A" * 183 + "…"),
        (None, "\x1b]0;owned\x07\x1b[2J\x1b[31mOK\x1b[0m\r\n\x00\u202e".encode(),
         "]0;owned [2J [31mOK [0m"),
        ("outbox:whatever", b"", None),
        (None, b"  outbox:elsewhere", None),
        (None, b"\x1b\x07\r\n \xe2\x80\xae", None),
        (None, "\u3164\u115f \u3164".encode(), None),  # fillers: letters that show nothing
    ],
    ids=["huge", "terminal", "outbox-location", "outbox-body", "unreadable", "fillers"],
)  # fmt: skip


@DELIVERIES
@HOSTILE_ANSWERS
async def test_the_addressees_reference_is_kept_short_printable_and_delivered(
    tmp_path: Path, delivery, location: str | None, body: bytes, kept: str | None
) -> None:
    """What an addressee answers goes into the case's state, the outbox and caseworkers'
    terminals: a case's state has a known size, a terminal takes no orders from it, and
    an answer that reads like an outbox hand-over must not make a delivery look queued.
    Without a reference worth keeping, the delivery's own stands."""
    with Endpoint("cabinet", marks_apart=False, answer_with=(location, body)) as cabinet:
        ctx = make_context(tmp_path)
        ctx.endpoints = {"cabinet": cabinet.url, "military": None}
        to, key, attempt = delivery(ctx)
        done = await attempt(0)
    assert cabinet.held() == 1
    assert done.reference == outbox(ctx)[to].reference == (kept or f"http:{key}")
    assert done.state.value == "delivered"


def test_of_attempts_that_record_at_once_the_first_stands_for_all(
    tmp_path: Path, database_url: str
) -> None:
    """A zombie attempt and its retry both find the row undelivered and record it: the
    one that writes first stands, and every caller is told what the row says."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from activities.delivery import claim, record

    ctx = make_context(tmp_path, database_url=database_url)
    to, key = "cabinet:acceptance", acceptance_key(APP_ID)
    claim(ctx.engine, APP_ID, to, key, lambda: {"text": "mark"}, ACCEPTED)
    start = threading.Barrier(8)

    def attempt(n: int):
        start.wait()
        return record(ctx.engine, APP_ID, to, ACCEPTED + timedelta(minutes=n), f"REF-{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        told = list(pool.map(attempt, range(8)))
    kept = outbox(ctx)[to]
    assert {(r.delivered_at, r.reference) for r in told} == {(kept.delivered_at, kept.reference)}
