"""Every side effect of a case: the read model, registration, documents, delivery, and
the calendar answers the workflow keeps in its history."""

from __future__ import annotations

from collections.abc import Callable

from activities.calendar import calendar_acceptance, calendar_due, calendar_window
from activities.chairman import ChairmanSeal
from activities.complaints import complaint_activities
from activities.context import Context
from activities.delivery import Courier
from activities.gateway import Gateway
from activities.issuing import Issuer
from activities.notices import Notices
from activities.records import Records
from activities.registration import Registrar
from activities.reopening import Reopening


def all_activities(ctx: Context) -> list[Callable]:
    records, registrar, issuer, courier = Records(ctx), Registrar(ctx), Issuer(ctx), Courier(ctx)
    return [
        calendar_acceptance,
        calendar_due,
        calendar_window,
        records.record_events,
        registrar.register_application,
        registrar.capture_trust,
        registrar.open_case,
        issuer.issue_result,
        issuer.issue_revised_result,
        ChairmanSeal(ctx).accept_chairman_signature,
        courier.deliver_to_cabinet,
        courier.deliver_to_military_body,
        Notices(courier).deliver_acceptance_mark,
        Gateway.for_context(ctx).fetch_state_records,
        Reopening(ctx).reopen_case,
        *complaint_activities(ctx),
    ]
