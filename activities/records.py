"""The case's journal in the read model: step changes, decisions, escalations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from temporalio import activity

from activities.context import Context
from models.case import CaseEvent

# The database (sqlmodel, sqlalchemy, models.tables) is imported in the functions that
# use it: the CLI imports this module through the workflows, for their activity
# references, and never opens the database.
if TYPE_CHECKING:
    from models.tables import DecisionRow, EscalationRow, StepChange


class _Key(TypedDict):
    """What every journal row starts with."""

    application_id: str
    seq: int
    at: datetime
    step: str


class Records:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @activity.defn(name="record_events")
    def record_events(self, events: list[CaseEvent]) -> None:
        from sqlmodel import Session

        from models.tables import ApplicationRow

        with Session(self.ctx.engine) as db:
            for e in events:
                row = self._row(e)
                # The key (application, seq) makes a retried batch overwrite, not add.
                if row is not None and db.get(type(row), (e.application_id, e.seq)) is None:
                    db.add(row)
                if e.kind == "step":
                    app = db.get(ApplicationRow, e.application_id)
                    if app is not None:
                        app.step = e.step.value
                        db.add(app)
                if e.kind == "decision" and e.data.get("action") == "chairman_decision":
                    app = db.get(ApplicationRow, e.application_id)
                    if app is not None:
                        app.outcome = "granted" if e.data["verdict"] == "grant" else "refused"
                        db.add(app)
            db.commit()

    @staticmethod
    def _row(e: CaseEvent) -> StepChange | DecisionRow | EscalationRow | None:
        from models.tables import DecisionRow, EscalationRow, StepChange

        key = _Key(application_id=e.application_id, seq=e.seq, at=e.at, step=e.step.value)
        if e.kind == "step":
            return StepChange(**key)
        if e.kind in ("decision", "rejection"):
            return DecisionRow(**key, actor=e.actor, accepted=e.kind == "decision", data=e.data)
        if e.kind == "escalation":
            return EscalationRow(**key, kind=e.data["kind"], note=e.data["note"])
        return None  # deliveries live in the outbox table
