"""The acceptance mark (standard row 8, closing sentence): once the request is accepted,
the applicant's personal cabinet shows that it was, with the date on which the result
will be ready.

It travels as the results do, through the same outbox code (`activities.delivery`):
first an outbox row, keyed by the application and `cabinet:acceptance` so that it sits
beside the result's own `cabinet` row, then, where the cabinet's endpoint is configured,
a POST with an idempotency key through the same Courier, sharing its limit on deliveries
under way. A retry reuses the row and the key, so the cabinet never shows the mark
twice."""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, datetime

from temporalio import activity

from activities.delivery import Courier, claim, delivered, record
from documents.texts import acceptance_mark
from models.case import Addressee, Delivery
from rules.timezone import ALMATY

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
        endpoint = self.ctx.endpoints.get(Addressee.cabinet.value)
        payload = functools.partial(
            acceptance_payload, application_id, registration_number, accepted_at, result_due_at
        )
        row = await asyncio.to_thread(
            claim,
            self.ctx.engine,
            application_id,
            ACCEPTANCE,
            key,
            payload,
            now,
            reference=None if endpoint else f"outbox:{key}",
        )
        if row.delivered_at is not None:
            return delivered(Addressee.cabinet, row)
        assert endpoint, "without an endpoint the claim recorded the delivery"
        # The courier's slots: a slow cabinet holds no more of the worker than it may.
        with self.courier.slot(Addressee.cabinet, endpoint):
            reference = await self.courier.post(Addressee.cabinet, endpoint, key, row.payload)
        row = await asyncio.to_thread(
            record, self.ctx.engine, application_id, ACCEPTANCE, now, reference
        )
        return delivered(Addressee.cabinet, row)
