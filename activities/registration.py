"""Registration (para. 10): on the day the documents arrive the provider accepts and
registers them and hands them to the commission's chairman."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.context import Context
from activities.issuing import signs_samples
from activities.paperwork import keep_signed
from models.application import Application
from models.case import Opened, Registration
from models.roster import District, Roster
from models.signature import CaseTrust
from rules.timezone import ALMATY

# The database (sqlmodel, sqlalchemy, models.tables, activities.db) is imported in the
# functions that use it: the CLI imports this module through the workflows, for their
# activity references, and never opens the database.
if TYPE_CHECKING:
    from sqlmodel import Session

    from models.tables import ApplicationRow


def registration_number(district: str, year: int, sequence: int) -> str:
    return f"{district}-{year}-{sequence:05d}"


def _next_sequence(db: Session, district: str, year: int) -> int:
    """Takes the next number of the district's year, in `db`'s transaction."""
    from sqlalchemy import func, update
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlmodel import col, select

    from models.tables import ApplicationRow, RegistrationCounter

    dialect = db.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise ApplicationError(f"registration numbers need PostgreSQL or SQLite, not {dialect}")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # The year's first registration makes the counter; a concurrent one waits for it and
    # then finds it there.
    db.exec(
        insert(RegistrationCounter)
        .values(district=district, year=year, last_sequence=0)
        .on_conflict_do_nothing()
    )
    district_of, year_of = col(RegistrationCounter.district), col(RegistrationCounter.year)
    last = col(RegistrationCounter.last_sequence)
    # Never below a number already in the table (given by a worker of the previous
    # version, or restored from a backup without its counter): an index look-up.
    highest = (
        select(func.coalesce(func.max(ApplicationRow.sequence), 0))
        .where(ApplicationRow.district == district, ApplicationRow.year == year)
        .scalar_subquery()
    )
    larger = func.greatest if dialect == "postgresql" else func.max
    return db.exec(
        update(RegistrationCounter)
        .where(district_of == district, year_of == year)
        .values(last_sequence=larger(last, highest) + 1)
        .returning(last)
    ).scalar_one()


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
        return self.allocate(app, accepted_at, activity.info().current_attempt_scheduled_time)

    def allocate(
        self, app: Application, accepted_at: datetime, registered_at: datetime
    ) -> ApplicationRow:
        """The case's row and its registration number: made on the first attempt, found on
        every later one.

        The number is the district's counter for the year, incremented in the transaction
        that inserts the row. Registrations in one district queue on the counter's row
        lock (on SQLite, on the database's write lock) rather than collide, and one that
        fails rolls its increment back: no gaps, and nothing to retry."""
        from sqlalchemy.exc import IntegrityError
        from sqlmodel import Session

        from models.tables import ApplicationRow

        with Session(self.ctx.engine) as db:
            row = db.get(ApplicationRow, app.application_id)
            if row is not None:
                return row
        code = app.applicant.district
        year = accepted_at.astimezone(ALMATY).year
        # Read before the transaction, so that no lock waits on a file.
        commission = self._district(code).model_dump(mode="json")
        with Session(self.ctx.engine, expire_on_commit=False) as db:
            sequence = _next_sequence(db, code, year)
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
                registered_at=registered_at,
                commission=commission,
            )
            db.add(row)
            try:
                db.commit()
            except IntegrityError:
                # An earlier attempt of this case, on a worker presumed dead, registered
                # it meanwhile: its row stands, and the rollback gave our number back.
                db.rollback()
                row = db.get(ApplicationRow, app.application_id)
                if row is None:
                    # A number taken outside the counter (a worker of the previous
                    # version, during a rollout): the retry counts past it.
                    raise ApplicationError(
                        f"registration number {sequence} of {code} {year} is taken; will retry"
                    ) from None
            return row

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

    @activity.defn(name="open_case")
    def open_case(self, app: Application, accepted_at: datetime) -> Opened:
        """Registration and the trust anchors in one: both are read from the same read
        model and the same files, and a retry repeats neither (the number is the row's)."""
        registration = self.register_application(app, accepted_at)
        return Opened(registration=registration, trust=self.capture_trust(registration.commission))

    @activity.defn(name="register_application")
    def register_application(self, app: Application, accepted_at: datetime) -> Registration:
        # Loaded at the first document, not at import: the CLI imports the workflows (for
        # their update and query references), and with them this module, but renders nothing.
        from activities.db import utc
        from documents.render import application_json, render_application

        row = self._row(app, accepted_at)
        registered_at = utc(row.registered_at)
        number, commission = row.registration_number, District.model_validate(row.commission)
        # The commission sees what the citizen signed: Annex 1, rendered and signed.
        form = keep_signed(
            self.ctx,
            app.application_id,
            "application",
            lambda: (
                render_application(
                    app, number, commission, registered_at, sample=signs_samples(self.ctx)
                ),
                application_json(app, number, commission, registered_at),
            ),
            registered_at,
        )
        return Registration(
            number=number, registered_at=registered_at, commission=commission, documents=[form]
        )
