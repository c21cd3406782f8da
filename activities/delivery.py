"""Delivery (para. 13): the signed result goes to the applicant's personal cabinet and to
the local military administration body of his district.

Each delivery is first an outbox row, one per (application, addressee); where an
endpoint is configured it is also POSTed with an idempotency key, and Temporal retries
until the addressee accepts. A repeated attempt reuses the row and the key, so the
addressee never holds the document twice."""

from __future__ import annotations

import base64
from datetime import datetime

import httpx
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.context import Context
from activities.db import utc
from models.case import Addressee, Delivery, Issued
from models.tables import OutboxDelivery


def idempotency_key(application_id: str, addressee: Addressee) -> str:
    return f"{application_id}:{addressee.value}"


class Courier:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

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
        return payload

    def _send(self, issued: Issued, addressee: Addressee) -> Delivery:
        r = issued.result
        key = idempotency_key(r.application_id, addressee)
        now = activity.info().current_attempt_scheduled_time
        main = next((d for d in issued.documents if d.kind == r.kind.value), None)
        row = self._claim(issued, addressee, key, main.sha256 if main else None, now)
        if row.delivered_at is not None:
            return Delivery(
                addressee=addressee,
                delivered=True,
                at=utc(row.delivered_at),
                reference=row.reference,
            )
        endpoint = self.ctx.endpoints.get(addressee.value)
        reference = f"outbox:{key}"
        if endpoint:
            # Outside any database session: the addressee may take its time, and no
            # transaction should stay open across a network call.
            reference = self._post(endpoint, row.idempotency_key, row.payload, row.document_sha256)
        with Session(self.ctx.engine) as db:
            row = db.get(OutboxDelivery, (r.application_id, addressee.value))
            if row.delivered_at is not None:
                # A concurrent attempt recorded it first (the addressee answered both
                # with the same reference, the key being the same).
                return Delivery(
                    addressee=addressee,
                    delivered=True,
                    at=utc(row.delivered_at),
                    reference=row.reference,
                )
            row.delivered_at, row.reference = now, reference
            db.add(row)
            db.commit()
        return Delivery(addressee=addressee, delivered=True, at=now, reference=reference)

    def _claim(
        self,
        issued: Issued,
        addressee: Addressee,
        key: str,
        sha256: str | None,
        now: datetime,
    ) -> OutboxDelivery:
        """The pair's outbox row, created on the first attempt and counted on every one."""
        r = issued.result
        with Session(self.ctx.engine, expire_on_commit=False) as db:
            row = db.get(OutboxDelivery, (r.application_id, addressee.value))
            if row is None:
                db.add(
                    OutboxDelivery(
                        application_id=r.application_id,
                        addressee=addressee.value,
                        idempotency_key=key,
                        document_sha256=sha256,
                        payload=self._payload(issued, addressee),
                        created_at=now,
                    )
                )
                try:
                    db.commit()
                except IntegrityError:
                    # An attempt on a worker presumed dead may still be running and have
                    # made the row first; its row is the one to use.
                    db.rollback()
                row = db.get(OutboxDelivery, (r.application_id, addressee.value))
            if row.delivered_at is None:
                # Counted in SQL, not in Python, so two overlapping attempts both count.
                db.exec(
                    update(OutboxDelivery)
                    .where(OutboxDelivery.application_id == r.application_id)
                    .where(OutboxDelivery.addressee == addressee.value)
                    .values(attempts=OutboxDelivery.attempts + 1)
                )
                db.commit()
                db.refresh(row)
            return row

    def _post(self, endpoint: str, key: str, payload: dict, sha256: str | None) -> str:
        body = dict(payload)
        if sha256:
            store = self.ctx.store()
            body["pdf_base64"] = base64.b64encode(store.get(sha256)).decode()
        try:
            response = httpx.post(
                endpoint, json=body, headers={"Idempotency-Key": key}, timeout=30.0
            )
        except httpx.HTTPError as problem:
            raise ApplicationError(f"{endpoint}: {problem}") from problem
        if response.status_code >= 300:
            raise ApplicationError(f"{endpoint} answered {response.status_code}; will retry")
        return response.headers.get("Location") or response.text[:200] or f"http:{key}"

    @activity.defn(name="deliver_to_cabinet")
    def deliver_to_cabinet(self, issued: Issued) -> Delivery:
        return self._send(issued, Addressee.cabinet)

    @activity.defn(name="deliver_to_military_body")
    def deliver_to_military_body(self, issued: Issued) -> Delivery:
        return self._send(issued, Addressee.military)
