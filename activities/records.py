"""The case's journal in the read model: step changes, decisions, escalations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

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
        from sqlmodel import Session, col, select

        from models.tables import ApplicationRow

        rows: dict[type[StepChange | DecisionRow | EscalationRow], list[Any]] = {}
        for e in events:
            if (row := self._row(e)) is not None:
                rows.setdefault(type(row), []).append(row)
        with Session(self.ctx.engine) as db:
            # The key (application, seq) makes a retried batch add nothing twice: one
            # look-up per table for the lines already written, not one per line.
            for table, new in rows.items():
                keys = [(r.application_id, r.seq) for r in new]
                ids, seqs = {k[0] for k in keys}, [k[1] for k in keys]
                found = db.exec(
                    select(table.application_id, table.seq).where(
                        col(table.application_id).in_(ids), col(table.seq).in_(seqs)
                    )
                ).all()
                written = {(a, q) for a, q in found}
                db.add_all(r for r in new if (r.application_id, r.seq) not in written)
            apps: dict[str, ApplicationRow | None] = {}
            for e in events:
                outcome = e.kind == "decision" and e.data.get("action") == "chairman_decision"
                if e.kind != "step" and not outcome:
                    continue
                if e.application_id not in apps:
                    apps[e.application_id] = db.get(ApplicationRow, e.application_id)
                app = apps[e.application_id]
                if app is None:
                    continue
                if e.kind == "step":
                    app.step = e.step.value
                else:
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
