"""Delivery (para. 13): the signed result goes to the applicant's personal cabinet and to
the local military administration body of his district.

Each delivery is first an outbox row, one per (application, addressee); where an
endpoint is configured it is also POSTed with an idempotency key, and Temporal retries
until the addressee accepts. A repeated attempt reuses the row and the key, so the
addressee never holds the document twice."""

from __future__ import annotations

import base64

import httpx
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.context import Context
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
        with Session(self.ctx.engine) as db:
            row = db.get(OutboxDelivery, (r.application_id, addressee.value))
            if row is None:
                row = OutboxDelivery(
                    application_id=r.application_id,
                    addressee=addressee.value,
                    idempotency_key=key,
                    document_sha256=main.sha256 if main else None,
                    payload=self._payload(issued, addressee),
                    created_at=now,
                )
            if row.delivered_at is not None:
                return Delivery(
                    addressee=addressee,
                    delivered=True,
                    at=row.delivered_at,
                    reference=row.reference,
                )
            row.attempts += 1
            db.add(row)
            db.commit()
            db.refresh(row)
            endpoint = self.ctx.endpoints.get(addressee.value)
            reference = f"outbox:{key}"
            if endpoint:
                reference = self._post(endpoint, key, row.payload, main.sha256 if main else None)
            row.delivered_at = now
            row.reference = reference
            db.add(row)
            db.commit()
            return Delivery(addressee=addressee, delivered=True, at=now, reference=reference)

    def _post(self, endpoint: str, key: str, payload: dict, sha256: str | None) -> str:
        body = dict(payload)
        if sha256:
            from documents.store import DocumentStore

            store = DocumentStore(self.ctx.documents_dir)
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
