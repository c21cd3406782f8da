"""Registration (para. 10): on the day the documents arrive the provider accepts and
registers them and hands them to the commission's chairman."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.context import Context
from activities.db import utc
from activities.paperwork import keep_signed
from documents.render import application_json, render_application
from models.application import Application
from models.case import Registration
from models.roster import District, Roster
from models.signature import CaseTrust
from models.tables import ApplicationRow
from rules.timezone import ALMATY


def registration_number(district: str, year: int, sequence: int) -> str:
    return f"{district}-{year}-{sequence:05d}"


class Registrar:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _district(self, code: str) -> District:
        # Read on every registration so that an operator's roster change needs no restart.
        roster = Roster.model_validate_json(self.ctx.roster_path.read_text(encoding="utf-8"))
        district = roster.district(code)
        if district is None:
            # Retried, not failed: the case waits until the roster names its commission.
            raise ApplicationError(f"district {code!r} is not in the roster {self.ctx.roster_path}")
        return district

    def _row(self, app: Application, accepted_at: datetime) -> ApplicationRow:
        """The case's row, made on the first attempt and found on every later one."""
        code = app.applicant.district
        year = accepted_at.astimezone(ALMATY).year
        for _ in range(5):
            with Session(self.ctx.engine) as db:
                row = db.get(ApplicationRow, app.application_id)
                if row is not None:
                    return row
                last = db.exec(
                    select(func.max(ApplicationRow.sequence)).where(
                        ApplicationRow.district == code, ApplicationRow.year == year
                    )
                ).one()
                sequence = (last or 0) + 1
                row = ApplicationRow(
                    application_id=app.application_id,
                    service=app.service.value,
                    ground=app.ground,
                    district=code,
                    submitted_at=app.submitted_at,
                    accepted_at=accepted_at,
                    year=year,
                    sequence=sequence,
                    registration_number=registration_number(code, year, sequence),
                    registered_at=activity.info().current_attempt_scheduled_time,
                    commission=self._district(code).model_dump(mode="json"),
                )
                db.add(row)
                try:
                    db.commit()
                except IntegrityError:
                    # Another worker took the same sequence number: count again.
                    continue
                db.refresh(row)
                return row
        raise ApplicationError("could not allocate a registration number; will retry")

    @activity.defn(name="capture_trust")
    def capture_trust(self, commission: District) -> CaseTrust:
        """The trust anchors and the enrolled certificates of this commission's people."""
        if self.ctx.trust_source is None:
            return CaseTrust()
        try:
            trust, enrolled = self.ctx.trust_source()
        except Exception as problem:  # a missing or stale CA file or revocation list
            raise ApplicationError(f"cannot read the trusted CAs: {problem}"[:300]) from None
        people = [commission.chairman, *commission.members]
        bindings = {}
        for p in people:
            bound = enrolled.get(p.id)
            if bound:
                bindings[p.id] = [bound] if isinstance(bound, str) else list(bound)[:4]
        return CaseTrust(trust=trust, bindings=bindings)

    @activity.defn(name="register_application")
    def register_application(self, app: Application, accepted_at: datetime) -> Registration:
        row = self._row(app, accepted_at)
        registered_at = utc(row.registered_at)
        number, commission = row.registration_number, District.model_validate(row.commission)
        # The commission sees what the citizen signed: Annex 1, rendered and signed.
        form = keep_signed(
            self.ctx,
            app.application_id,
            "application",
            lambda: (
                render_application(app, number, commission, registered_at),
                application_json(app, number, commission, registered_at),
            ),
            registered_at,
        )
        return Registration(
            number=number, registered_at=registered_at, commission=commission, documents=[form]
        )
