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


def load_machinery() -> None:
    """What the activities import inside their methods (so that the command line starts
    without it), loaded once, before a worker takes its first task. A first import of
    fpdf (fontTools patches its own classes as it loads) raced by activity threads while
    workflow sandboxes import alongside has broken every later rendering in the worker
    (benchmarks/throughput.py with SHAQYRU_WORKFLOW_CACHE=0)."""
    import httpx  # noqa: F401
    import sqlalchemy  # noqa: F401
    import sqlmodel  # noqa: F401

    import activities.db  # noqa: F401
    import documents.render  # noqa: F401
    import models.tables  # noqa: F401


def all_activities(ctx: Context) -> list[Callable]:
    load_machinery()
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
        Reopening(ctx).revoke_result,
        *complaint_activities(ctx),
    ]
