"""The acceptance mark (standard row 8, closing sentence): once the request is accepted,
the applicant's personal cabinet shows that it was, with the date on which the result
will be ready.

It travels as the results do (`activities.delivery`): first an outbox row, keyed by the
application and `cabinet:acceptance` so that it sits beside the result's own `cabinet`
row, then, where the cabinet's endpoint is configured, a POST with an idempotency key
through the same Courier, sharing its limit on deliveries under way. A retry reuses the
row and the key, so the cabinet never shows the mark twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from temporalio import activity

from activities.delivery import Courier, _failure
from documents.texts import acceptance_mark
from models.case import Addressee, Delivery
from rules.timezone import ALMATY

# The database (sqlmodel, sqlalchemy, models.tables, activities.db) is imported in the
# functions that use it: the CLI imports this module through the workflows, for their
# activity references, and never opens the database.
if TYPE_CHECKING:
    from models.tables import OutboxDelivery

ACCEPTANCE = "cabinet:acceptance"
"""The outbox row's addressee: the personal cabinet, for the acceptance mark."""


def acceptance_key(application_id: str) -> str:
    return f"{application_id}:{ACCEPTANCE}"


def acceptance_payload(
    application_id: str, registration_number: str, accepted_at: datetime, result_due_at: datetime
) -> dict:
    """What the cabinet receives: the moments in UTC and in Almaty time, and the words
    of the mark in the three languages."""
    accepted, due = accepted_at.astimezone(ALMATY), result_due_at.astimezone(ALMATY)
    return {
        "addressee": Addressee.cabinet.value,
        "kind": "acceptance_mark",
        "application_id": application_id,
        "registration_number": registration_number,
        "accepted_at": accepted_at.astimezone(UTC).isoformat(),
        "accepted_local": accepted.isoformat(),
        "result_due_at": result_due_at.astimezone(UTC).isoformat(),
        "result_due_on": due.date().isoformat(),
        "text": {
            lang: acceptance_mark(lang, registration_number, accepted, due.date())
            for lang in ("kk", "ru", "en")
        },
    }


class Notices:
    """Notices to the personal cabinet other than the result, sent by `courier`."""

    def __init__(self, courier: Courier) -> None:
        self.courier = courier
        self.ctx = courier.ctx

    @activity.defn(name="deliver_acceptance_mark")
    async def deliver_acceptance_mark(
        self,
        application_id: str,
        registration_number: str,
        accepted_at: datetime,
        result_due_at: datetime,
    ) -> Delivery:
        key = acceptance_key(application_id)
        now = activity.info().current_attempt_scheduled_time
        payload = acceptance_payload(application_id, registration_number, accepted_at,
                                     result_due_at)  # fmt: skip
        row = await asyncio.to_thread(self._claim, application_id, key, payload, now)
        if row.delivered_at is not None:
            return self._delivered(row)
        reference = f"outbox:{key}"
        endpoint = self.ctx.endpoints.get(Addressee.cabinet.value)
        if endpoint:
            # The courier's slots: a slow cabinet holds no more of the worker than it may.
            courier = self.courier
            if courier._in_flight >= self.ctx.delivery_limit:
                what = f"{courier._in_flight} deliveries already under way on this worker"
                raise _failure(Addressee.cabinet, endpoint, what, "delivery.busy", benign=True)
            courier._in_flight += 1
            try:
                reference = await courier._post(Addressee.cabinet, endpoint, key, row.payload)
            finally:
                courier._in_flight -= 1
        return await asyncio.to_thread(self._record, application_id, now, reference)

    @staticmethod
    def _delivered(row: OutboxDelivery) -> Delivery:
        from activities.db import utc

        assert row.delivered_at is not None, "only a delivered row says when"
        return Delivery(
            addressee=Addressee.cabinet,
            delivered=True,
            at=utc(row.delivered_at),
            reference=row.reference,
        )

    def _claim(self, application_id: str, key: str, payload: dict, now: datetime) -> OutboxDelivery:
        """The notice's outbox row, made on the first attempt and counted on every one."""
        from sqlalchemy import update
        from sqlalchemy.exc import IntegrityError
        from sqlmodel import Session, col

        from models.tables import OutboxDelivery

        with Session(self.ctx.engine, expire_on_commit=False) as db:
            row = db.get(OutboxDelivery, (application_id, ACCEPTANCE))
            if row is None:
                db.add(
                    OutboxDelivery(
                        application_id=application_id,
                        addressee=ACCEPTANCE,
                        idempotency_key=key,
                        document_sha256=None,
                        payload=payload,
                        created_at=now,
                    )
                )
                try:
                    db.commit()
                except IntegrityError:
                    db.rollback()  # an overlapping attempt made it first; use its row
                row = db.get_one(OutboxDelivery, (application_id, ACCEPTANCE))
            if row.delivered_at is None:
                db.exec(
                    update(OutboxDelivery)
                    .where(col(OutboxDelivery.application_id) == application_id)
                    .where(col(OutboxDelivery.addressee) == ACCEPTANCE)
                    .values(attempts=OutboxDelivery.attempts + 1)
                )
                db.commit()
                db.refresh(row)
            return row

    def _record(self, application_id: str, now: datetime, reference: str) -> Delivery:
        from sqlmodel import Session

        from models.tables import OutboxDelivery

        with Session(self.ctx.engine) as db:
            row = db.get_one(OutboxDelivery, (application_id, ACCEPTANCE))
            if row.delivered_at is None:
                row.delivered_at, row.reference = now, reference
                db.add(row)
                db.commit()
                db.refresh(row)
            return self._delivered(row)
