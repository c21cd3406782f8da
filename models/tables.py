"""The read model: what back offices and reports query without touching Temporal.

Every row is written by an idempotent activity; each table's key is what makes a
repeated write land on the same row.

No personal data in clear columns: what holds names, addresses or free text (a result, a
delivery's payload, a caseworker's reasons) is a `SealedJSON` column, encrypted with the
payload codec's key ring; keys, kinds, steps and times stay clear for reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

# The one import of ours in models/: a leaf package (cryptography and the key ring only),
# so that every writer of these tables encrypts without having to remember to.
from codec.columns import SealedJSON


class ApplicationRow(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("district", "year", "sequence"),)

    application_id: str = Field(primary_key=True)
    service: str
    ground: int
    district: str = Field(index=True)
    submitted_at: datetime
    accepted_at: datetime
    year: int
    sequence: int
    registration_number: str = Field(unique=True)
    registered_at: datetime
    commission: dict = Field(sa_column=Column(JSON, nullable=False))
    step: str = "register"
    outcome: str | None = None


class StepChange(SQLModel, table=True):
    __tablename__ = "step_changes"

    application_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    at: datetime
    step: str


class DecisionRow(SQLModel, table=True):
    """A caseworker's action, accepted or rejected with its reason."""

    __tablename__ = "decisions"

    application_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    at: datetime
    step: str
    actor: str | None
    accepted: bool
    # Details and reasons are the caseworker's own words and may name the applicant.
    data: dict = Field(sa_column=Column(SealedJSON, nullable=False))


class EscalationRow(SQLModel, table=True):
    __tablename__ = "escalations"

    application_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    at: datetime
    step: str
    kind: str
    note: str


class ResultRow(SQLModel, table=True):
    __tablename__ = "results"

    application_id: str = Field(primary_key=True)
    kind: str
    registration_number: str
    issued_at: datetime
    revision: int = Field(default=0, description="The case's current decision; see Revocation")
    # The result names the applicant and gives his address.
    data: dict = Field(sa_column=Column(SealedJSON, nullable=False))


class Revocation(SQLModel, table=True):
    """A result revoked on a complaint: the trail from the old decision to the new one.
    Both documents stay in `documents`, the new one under `revised` kinds."""

    __tablename__ = "revocations"

    application_id: str = Field(primary_key=True)
    revision: int = Field(primary_key=True, description="The decision that replaces it")
    complaint_id: str = Field(unique=True)
    kind: str
    document_kind: str
    sha256: str | None
    issued_at: datetime
    revoked_at: datetime


class DocumentRow(SQLModel, table=True):
    """A stored document; the bytes live in the content-addressed store under `sha256`."""

    __tablename__ = "documents"

    application_id: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    sha256: str
    signature_sha256: str | None = None
    json_sha256: str | None = None
    created_at: datetime


class OutboxDelivery(SQLModel, table=True):
    """One delivery of a result to one addressee; at most one row per pair."""

    __tablename__ = "outbox"

    application_id: str = Field(primary_key=True)
    addressee: str = Field(primary_key=True)
    idempotency_key: str = Field(unique=True)
    document_sha256: str | None
    # What is sent: the result, with the applicant's name and address.
    payload: dict = Field(sa_column=Column(SealedJSON, nullable=False))
    created_at: datetime
    attempts: int = 0
    delivered_at: datetime | None = None
    reference: str | None = None


class RegistrationCounter(SQLModel, table=True):
    """The last sequence number given in a district in a year. Registration takes the next
    one by updating this row in the transaction that writes the case's row, so numbers
    follow one another without gaps however many workers register at once."""

    __tablename__ = "registration_counters"

    district: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_sequence: int = 0
