"""A case decided again after a complaint revoked its result (para. 14; APPK art. 91-92,
docs/complaints.md): the revocation goes on record, and the new run of the case gets back
what it needs from the read model (the registered application, its commission, where its
journal stopped), so that the complaint never carries the applicant's personal data."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.context import Context
from models.application import Application
from models.case import DocumentRef, Registration, Revoked, revised
from models.complaint import Reopen, Reopened
from models.roster import District

# The database (sqlmodel, sqlalchemy, models.tables, activities.db) is imported in the
# functions that use it: the CLI imports this module through the workflows, for their
# activity references, and never opens the database.
if TYPE_CHECKING:
    from sqlmodel import Session

    from models.tables import Revocation


def _cannot(application_id: str, what: str) -> ApplicationError:
    # Retrying would find the same read model: the case fails with the reason instead.
    return ApplicationError(
        f"cannot decide {application_id} again: {what}",
        type="reopen.impossible",
        non_retryable=True,
    )


def _revoked(row: Revocation) -> Revoked:
    from activities.db import utc

    return Revoked(
        complaint_id=row.complaint_id,
        kind=row.kind,
        document_kind=row.document_kind,
        sha256=row.sha256,
        issued_at=utc(row.issued_at),
        revoked_at=utc(row.revoked_at),
        revision=row.revision,
    )


class Reopening:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _revoke(self, db: Session, reopen: Reopen) -> Revocation:
        """The complaint's revocation: made once, found again on every retry."""
        from sqlalchemy.exc import IntegrityError
        from sqlmodel import select

        from models.tables import DocumentRow, ResultRow, Revocation

        app_id = reopen.application_id
        done = db.exec(select(Revocation).where(Revocation.complaint_id == reopen.complaint_id))
        row = done.first()
        if row is not None:
            return row
        result = db.get(ResultRow, app_id)
        if result is None:
            raise _cannot(app_id, "it has no result to revoke")
        # A complaint revokes the act it is about, never a decision taken after it.
        if reopen.act is not None and (
            result.kind != reopen.act.value or reopen.act_revision not in (None, result.revision)
        ):
            raise _cannot(app_id, f"its result is no longer the {reopen.act.value} complained of")
        if (other := db.get(Revocation, (app_id, result.revision + 1))) is not None:
            raise _cannot(app_id, f"its result was already revoked on {other.complaint_id}")
        kind = revised(result.kind, result.revision)
        document = db.get(DocumentRow, (app_id, kind))
        row = Revocation(
            application_id=app_id,
            revision=result.revision + 1,
            complaint_id=reopen.complaint_id,
            kind=result.kind,
            document_kind=kind,
            sha256=document.sha256 if document else None,
            issued_at=result.issued_at,
            revoked_at=reopen.decided_at,
        )
        db.add(row)
        try:
            db.commit()
        except IntegrityError as clash:
            # An overlapping attempt revoked it first; its row is the one to use.
            db.rollback()
            again = db.exec(
                select(Revocation).where(Revocation.complaint_id == reopen.complaint_id)
            )
            if (row := again.first()) is None:
                raise _cannot(app_id, "its result was revoked on another complaint") from clash
        return row

    @staticmethod
    def _last_seq(db: Session, application_id: str) -> int:
        from sqlalchemy import func
        from sqlmodel import select

        from models.tables import DecisionRow, EscalationRow, StepChange

        last = 0
        for table in (StepChange, DecisionRow, EscalationRow):
            seq = db.exec(
                select(func.max(table.seq)).where(table.application_id == application_id)
            ).one()
            last = max(last, seq or 0)
        return last

    @activity.defn(name="revoke_result")
    def revoke_result(self, reopen: Reopen) -> Revoked:
        """The complaint's own revocation, before it starts the new run: so the complaint
        learns when its act is no longer the case's result (`reopen.impossible`)."""
        from sqlmodel import Session

        with Session(self.ctx.engine, expire_on_commit=False) as db:
            return _revoked(self._revoke(db, reopen))

    @activity.defn(name="reopen_case")
    def reopen_case(self, reopen: Reopen) -> Reopened:
        from sqlmodel import Session

        from activities.db import utc
        from models.tables import ApplicationRow, DocumentRow

        app_id = reopen.application_id
        with Session(self.ctx.engine, expire_on_commit=False) as db:
            case = db.get(ApplicationRow, app_id)
            form = db.get(DocumentRow, (app_id, "application"))
            if case is None or form is None or form.json_sha256 is None:
                raise _cannot(app_id, "it is not registered in this read model")
            revocation = self._revoke(db, reopen)
            last_seq = self._last_seq(db, app_id)
        registered = json.loads(self.ctx.store().get(form.json_sha256))
        registration = Registration(
            number=case.registration_number,
            registered_at=utc(case.registered_at),
            commission=District.model_validate(case.commission),
            documents=[
                DocumentRef(
                    kind=form.kind,
                    sha256=form.sha256,
                    signature_sha256=form.signature_sha256,
                    json_sha256=form.json_sha256,
                )
            ],
        )
        return Reopened(
            application=Application.model_validate(registered["application"]),
            registration=registration,
            revoked=_revoked(revocation),
            last_seq=last_seq,
        )
