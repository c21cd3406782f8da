"""Delivery (para. 13): the signed result goes to the applicant's personal cabinet and to
the local military administration body of his district.

Each delivery is first an outbox row, one per (application, addressee); where an
endpoint is configured it is also POSTed with an idempotency key, and Temporal retries
until the addressee accepts. A repeated attempt reuses the row and the key, so the
addressee never holds the document twice. Where none is configured the row is the
hand-over, and is recorded delivered in the transaction that makes it. `claim` and
`record` keep the outbox for every delivery of this kind, the acceptance mark's
(`activities.notices`) too.

The two delivery activities are async: an addressee that is slow or never answers holds
no thread of the worker's pool, so registration and issuing go on whatever it does. Each
exchange has a total deadline, and a failed attempt is reported in one short line that
`temporal workflow describe` can show."""

from __future__ import annotations

import asyncio
import base64
import functools
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from activities.context import Context
from models.case import OUTBOX_REFERENCE, Addressee, Delivery, Issued, revised
from models.text import hidden

# The database (sqlmodel, sqlalchemy, models.tables, activities.db) and httpx are imported
# in the functions that use them: the CLI imports this module through the workflows, for
# their activity references, and neither opens the database nor delivers.
if TYPE_CHECKING:
    import httpx
    from sqlalchemy.engine import Engine

    from models.tables import OutboxDelivery

# An addressee's answer is read up to this many bytes: a normal one fits whole, and one
# that streams without end cannot fill the worker's memory or outlast the deadline.
ANSWER_LIMIT = 64 * 1024
# The server keeps an activity's last failure only up to 4 KiB, stack trace included
# (beyond that `describe` shows "Failure exceeds size limit"); the reason stays well under.
MESSAGE_LIMIT = 300
REFERENCE_LIMIT = 200


def idempotency_key(application_id: str, addressee: Addressee, revision: int = 0) -> str:
    return f"{application_id}:{revised(addressee.value, revision)}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(endpoint: str) -> str:
    """The endpoint as a reason may name it: without user, password, query or fragment,
    which may carry credentials."""
    parts = urlsplit(endpoint)
    if not parts.scheme or not parts.netloc:
        return _clip(endpoint.split("?")[0], 100)
    host = parts.netloc.rpartition("@")[2]
    return _clip(f"{parts.scheme}://{host}{parts.path}", 100)


def _excerpt(answer: bytes) -> str:
    text = " ".join(answer[:1024].decode("utf-8", "replace").split())
    text = "".join(c if c.isprintable() else "?" for c in text)
    return f' "{_clip(text, 80)}"' if text else ""


def _reference(given: str, key: str) -> str:
    """The addressee's reference for what it took, as the case keeps it and caseworkers
    read it: one printable line of a bounded length. Never `outbox:`, which would make a
    delivery look merely queued; without a readable one, our own."""
    # Hangul fillers pass `isprintable` and print as nothing: a reference of them only
    # would show as an empty cell. (Spaces other than ASCII's, which `hidden` keeps, are
    # one space after the split, as before.)
    head = given[: REFERENCE_LIMIT * 2]
    text = "".join(" " if hidden(c) else c for c in head)
    text = _clip(" ".join(text.split()), REFERENCE_LIMIT)
    if not text or text.startswith(OUTBOX_REFERENCE):
        return f"http:{key}"
    return text


def _failure(
    addressee: Addressee, endpoint: str, what: str, kind: str, benign: bool = False
) -> ApplicationError:
    message = f"{addressee.value} endpoint {_shown(endpoint)}: {_clip(what, 150)}; will retry"
    return ApplicationError(
        _clip(message, MESSAGE_LIMIT),
        type=kind,
        non_retryable=False,
        category=(
            ApplicationErrorCategory.BENIGN if benign else ApplicationErrorCategory.UNSPECIFIED
        ),
    )


@functools.cache
def _tls() -> ssl.SSLContext:
    import httpx

    # Loading the CA bundle takes milliseconds of the event loop; once is enough.
    return httpx.create_ssl_context()


def claim(
    engine: Engine,
    application_id: str,
    to: str,
    key: str,
    payload: Callable[[], dict],
    now: datetime,
    *,
    sha256: str | None = None,
    reference: str | None = None,
) -> OutboxDelivery:
    """The pair's outbox row, made on the first attempt and counted on every one that
    finds it undelivered; a row already delivered comes back as it is, uncounted.

    `payload` is called only when the row is made. With `reference` (no endpoint: the
    row is the hand-over) the delivery is recorded in the same transaction, so a first
    attempt costs one insert and one commit."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session, col

    from models.tables import OutboxDelivery

    with Session(engine, expire_on_commit=False) as db:
        row = db.get(OutboxDelivery, (application_id, to))
        if row is None:
            row = OutboxDelivery(
                application_id=application_id,
                addressee=to,
                idempotency_key=key,
                document_sha256=sha256,
                payload=payload(),
                created_at=now,
                attempts=1,
                delivered_at=None if reference is None else now,
                reference=reference,
            )
            db.add(row)
            try:
                db.commit()
                return row
            except IntegrityError:
                # An attempt on a worker presumed dead may still be running and have
                # made the row first; its row is the one to use, and this attempt counts.
                db.rollback()
            row = db.get_one(OutboxDelivery, (application_id, to))
        if row.delivered_at is None:
            # Counted in SQL, not in Python, so two overlapping attempts both count.
            db.exec(
                update(OutboxDelivery)
                .where(col(OutboxDelivery.application_id) == application_id)
                .where(col(OutboxDelivery.addressee) == to)
                .values(attempts=OutboxDelivery.attempts + 1)
            )
            # Read back under the update's lock: what an overlapping attempt recorded
            # before it stands.
            db.refresh(row)
            if reference is not None and row.delivered_at is None:
                row.delivered_at, row.reference = now, reference
            db.commit()
        return row


def record(
    engine: Engine, application_id: str, to: str, now: datetime, reference: str
) -> OutboxDelivery:
    """The pair's row, marked delivered with the addressee's reference unless an
    overlapping attempt recorded it first (the addressee answered both with the same
    reference, the key being the same): then its moment and reference stand."""
    from sqlmodel import Session, col, update

    from models.tables import OutboxDelivery

    with Session(engine, expire_on_commit=False) as db:
        # Compare and set: of two attempts that both read the row undelivered, the first
        # to write is the one that stands, and the other reads it back.
        db.exec(
            update(OutboxDelivery)
            .where(col(OutboxDelivery.application_id) == application_id)
            .where(col(OutboxDelivery.addressee) == to)
            .where(col(OutboxDelivery.delivered_at).is_(None))
            .values(delivered_at=now, reference=reference)
        )
        db.commit()
        return db.get_one(OutboxDelivery, (application_id, to))


def delivered(addressee: Addressee, row: OutboxDelivery) -> Delivery:
    """What the case is told of a row that `claim` or `record` found delivered."""
    from activities.db import utc

    assert row.delivered_at is not None, "only a delivered row says when"
    return Delivery(
        addressee=addressee, delivered=True, at=utc(row.delivered_at), reference=row.reference
    )


async def _read_some(response: httpx.Response) -> bytes:
    answer = b""
    async for chunk in response.aiter_raw():
        answer += chunk
        if len(answer) >= ANSWER_LIMIT:
            break
    return answer[:ANSWER_LIMIT]


class Courier:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._in_flight = 0

    def _payload(self, issued: Issued, addressee: Addressee) -> dict:
        r = issued.result
        payload: dict = {
            "addressee": addressee.value,
            "application_id": r.application_id,
            "registration_number": r.registration_number,
            "district": r.district,
            "kind": r.kind.value,
            "result": r.model_dump(mode="json"),
            "documents": [d.model_dump(mode="json") for d in issued.documents],
        }
        if issued.replaces is not None:
            # The cabinet shows the new result in place of the revoked one, and both.
            payload["revision"] = issued.revision
            payload["replaces"] = issued.replaces.model_dump(mode="json")
        return payload

    @contextmanager
    def slot(self, addressee: Addressee, endpoint: str) -> Iterator[None]:
        """One of the worker's deliveries under way, for as long as the block lasts.

        The worker's activity slots are shared with registration and issuing; a slow
        addressee must not take them all. Past the limit an attempt hands its slot back
        at once, and Temporal retries it after the policy's backoff. Benign: the worker
        pacing itself is no fault, and would otherwise log a traceback every time."""
        if self._in_flight >= self.ctx.delivery_limit:
            raise _failure(
                addressee,
                endpoint,
                f"{self._in_flight} deliveries already under way on this worker",
                "delivery.busy",
                benign=True,
            )
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1

    async def _send(self, issued: Issued, addressee: Addressee) -> Delivery:
        endpoint = self.ctx.endpoints.get(addressee.value)
        if not endpoint:
            return await self._deliver(issued, addressee, None)
        with self.slot(addressee, endpoint):
            return await self._deliver(issued, addressee, endpoint)

    async def _deliver(
        self, issued: Issued, addressee: Addressee, endpoint: str | None
    ) -> Delivery:
        r = issued.result
        # A decision taken again after a complaint is delivered beside the first one.
        to = revised(addressee.value, issued.revision)
        key = idempotency_key(r.application_id, addressee, issued.revision)
        now = activity.info().current_attempt_scheduled_time
        main = next((d for d in issued.documents if d.kind == issued.document_kind), None)
        # Database and document-store work is short but blocking: a thread of its own, so
        # that it neither stalls the event loop nor waits behind the sync activities.
        row = await asyncio.to_thread(
            claim,
            self.ctx.engine,
            r.application_id,
            to,
            key,
            functools.partial(self._payload, issued, addressee),
            now,
            sha256=main.sha256 if main else None,
            reference=None if endpoint else f"outbox:{key}",
        )
        if row.delivered_at is not None:
            return delivered(addressee, row)
        assert endpoint, "without an endpoint the claim recorded the delivery"
        # Outside any database session: the addressee may take its time, and no
        # transaction should stay open across a network call.
        body = await asyncio.to_thread(self._body, row)
        reference = await self.post(addressee, endpoint, row.idempotency_key, body)
        row = await asyncio.to_thread(record, self.ctx.engine, r.application_id, to, now, reference)
        return delivered(addressee, row)

    def _body(self, row: OutboxDelivery) -> dict:
        body = dict(row.payload)
        if row.document_sha256:
            pdf = self.ctx.store().get(row.document_sha256)
            body["pdf_base64"] = base64.b64encode(pdf).decode()
        # The chairman's own signature over the same PDF travels with it, for the
        # addressee to verify against his certificate.
        for doc in body.get("documents", []):
            if str(doc.get("kind", "")).endswith(".chairman") and doc.get("signature_sha256"):
                cms = self.ctx.store().get(doc["signature_sha256"])
                body["chairman_signature_base64"] = base64.b64encode(cms).decode()
        return body

    def _deadline(self) -> float:
        """Seconds for one whole exchange. Kept inside the attempt's start-to-close
        timeout, which would otherwise end it with a bare "activity timeout" instead of
        the reason."""
        seconds = self.ctx.delivery_timeout
        limit = activity.info().start_to_close_timeout
        if limit:
            seconds = min(seconds, limit.total_seconds() * 0.8)
        return seconds

    async def post(self, addressee: Addressee, endpoint: str, key: str, body: dict) -> str:
        """`body` to the addressee under its idempotency `key`, within one whole exchange's
        deadline: the reference it answers with, or a failure that says why not."""
        import httpx

        deadline = self._deadline()
        # Uncompressed, so that the bytes counted against ANSWER_LIMIT are the answer's.
        headers = {"Idempotency-Key": key, "Accept-Encoding": "identity"}
        # httpx's own timeouts bound each read, and an addressee that sends one byte at a
        # time never trips them; this bounds connect, send and the whole answer together.
        # The reasons are raised `from None`: httpx's chained errors are what made the
        # failure too big for the server to keep.
        try:
            async with asyncio.timeout(deadline):
                async with httpx.AsyncClient(timeout=None, verify=_tls()) as client:
                    async with client.stream(
                        "POST", endpoint, json=body, headers=headers
                    ) as response:
                        answer = await _read_some(response)
        except TimeoutError:
            raise _failure(
                addressee, endpoint, f"no answer within {deadline:g} s", "delivery.timeout"
            ) from None
        except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.InvalidURL) as problem:
            what = f"unreachable ({type(problem).__name__}: {problem})"
            raise _failure(addressee, endpoint, what, "delivery.unreachable") from None
        except httpx.HTTPError as problem:
            # Told apart from "unreachable": the addressee may have kept the document and
            # lost only its answer, which the retry's key will settle.
            what = f"connection lost ({type(problem).__name__}: {problem})"
            raise _failure(addressee, endpoint, what, "delivery.connection_lost") from None
        if response.status_code >= 300:
            what = f"answered {response.status_code}{_excerpt(answer)}"
            raise _failure(addressee, endpoint, what, "delivery.http_status")
        given = response.headers.get("Location") or answer.decode("utf-8", "replace")
        return _reference(given, key)

    @activity.defn(name="deliver_to_cabinet")
    async def deliver_to_cabinet(self, issued: Issued) -> Delivery:
        return await self._send(issued, Addressee.cabinet)

    @activity.defn(name="deliver_to_military_body")
    async def deliver_to_military_body(self, issued: Issued) -> Delivery:
        return await self._send(issued, Addressee.military)
