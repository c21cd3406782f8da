"""What a case knows about itself: the answer of the workflow's `status` query, and the
records that pass between the workflow and its activities."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field, computed_field

from models.decisions import ChairmanDecision, MemberVerdict
from models.findings import Finding
from models.result import Result
from models.roster import District
from models.signature import CaseTrust


class Step(StrEnum):
    accept = "accept"
    register = "register"
    forward = "forward"
    review = "review"
    decide = "decide"
    issue = "issue"
    sign = "sign"
    deliver = "deliver"
    done = "done"


class Outcome(StrEnum):
    granted = "granted"
    refused = "refused"


class Addressee(StrEnum):
    cabinet = "cabinet"
    military = "military"


class Moment(BaseModel):
    """A calendar answer, kept in history so that replay never asks the calendar again."""

    at: datetime
    local_date: date
    calendar: str = Field(description="Version of the calendar that answered")


class WorkingWindow(BaseModel):
    """The calendar's working intervals from one moment on, kept in history like any
    calendar answer: a case sets each step's deadline from it, with the calendar's own
    arithmetic, instead of asking the calendar once a step. A day declared off after the
    answer still moves a deadline: the case asks again when a timer fires."""

    starts: list[datetime] = Field(max_length=200)
    ends: list[datetime] = Field(max_length=200)
    calendar: str

    def accept(self, t: datetime) -> datetime | None:
        """`t` if it is a working moment, else the next interval's start."""
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and t <= self.ends[i]:
            return t
        return self.starts[i + 1] if i + 1 < len(self.starts) else None

    def add(self, t: datetime, amount: timedelta) -> datetime | None:
        """rules.calendar.add_working_time, within the window; None beyond its end."""
        at = self.accept(t)
        if at is None:
            return None
        i = bisect_right(self.starts, at) - 1
        need = amount
        while True:
            room = self.ends[i] - at
            if need <= room:
                return at + need
            need -= room
            i += 1
            if i >= len(self.starts):
                return None
            at = self.starts[i]


class Registration(BaseModel):
    number: str
    registered_at: datetime
    commission: District = Field(description="The commission's roster as it was at registration")
    documents: list[DocumentRef] = Field(default_factory=list)


class DocumentRef(BaseModel):
    kind: str = Field(description="application | conclusion | refusal")
    sha256: str
    signature_sha256: str | None = None
    json_sha256: str | None = None


class Deadline(BaseModel):
    step: Step
    started_at: datetime
    due_at: datetime
    overdue: bool = False
    finished_at: datetime | None = None


class MemberAnswer(BaseModel):
    member_id: str
    answer: MemberVerdict | None = Field(default=None, description="None while pending")
    no_answer: bool = False
    refusal_ground: int | None = None
    details: str | None = None
    at: datetime | None = None


class Rejection(BaseModel):
    at: datetime
    action: str
    actor: str
    code: str
    kk: str
    ru: str
    en: str


class Escalation(BaseModel):
    at: datetime
    step: Step
    kind: str = Field(description="overdue | auto_forward | no_answer | reminder | term_breach")
    note: str
    count: int = Field(default=1, description="How many times in a row; `at` is the latest")


class DeliveryState(StrEnum):
    pending = "pending"
    queued = "queued"
    """Handed over as an outbox row: no endpoint is configured for this addressee, so
    nothing has reached him; whatever relays the outbox delivers it."""
    delivered = "delivered"
    """Accepted by the addressee's endpoint, which answered with its reference."""


OUTBOX_REFERENCE = "outbox:"


class Delivery(BaseModel):
    addressee: Addressee
    delivered: bool = Field(
        default=False, description="Handed over: accepted by the addressee, or queued"
    )
    at: datetime | None = None
    reference: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> DeliveryState:
        """What really happened: only an addressee's acceptance counts as delivered."""
        if not self.delivered:
            return DeliveryState.pending
        if (self.reference or "").startswith(OUTBOX_REFERENCE):
            return DeliveryState.queued
        return DeliveryState.delivered


def revised(key: str, revision: int) -> str:
    """A read-model key (document kind, outbox addressee) of the case's decision number
    `revision`: the first decision keeps the plain key, and one taken again after a
    complaint revoked it gets keys of its own, so that both stay on record."""
    return key if revision == 0 else f"{key}.r{revision}"


class Revoked(BaseModel):
    """A result revoked on a complaint, which the case's new decision replaces."""

    complaint_id: str = Field(max_length=64)
    kind: str = Field(max_length=32, description="conclusion | refusal")
    document_kind: str = Field(max_length=80, description="Its document in the read model")
    sha256: str | None = Field(default=None, max_length=64)
    issued_at: datetime
    revoked_at: datetime
    revision: int = Field(ge=1, description="The number of the decision that replaces it")


class Issued(BaseModel):
    result: Result
    documents: list[DocumentRef] = Field(default_factory=list)
    revision: int = Field(default=0, description="0 for the first decision; see `revised`")
    replaces: Revoked | None = None

    @property
    def document_kind(self) -> str:
        return revised(self.result.kind.value, self.revision)


class ChairmanSignature(BaseModel):
    """The activity's answer on the chairman's CMS signature over the issued document."""

    valid: bool
    reason: str = Field(default="", max_length=300, description="Why not, when not valid")
    document: DocumentRef | None = Field(
        default=None, description="kind '<result>.chairman': the PDF and his signature"
    )


class CaseStatus(BaseModel):
    application_id: str
    service: str
    ground: int
    district: str
    step: Step
    submitted_at: datetime
    accepted_at: datetime | None = None
    term_due_at: datetime | None = None
    term_breached: bool = False
    registration: Registration | None = None
    forwarded_to: list[str] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    answers: list[MemberAnswer] = Field(default_factory=list)
    decision: ChairmanDecision | None = None
    decided_at: datetime | None = None
    outcome: Outcome | None = None
    result: Result | None = None
    documents: list[DocumentRef] = Field(default_factory=list)
    deliveries: list[Delivery] = Field(default_factory=list)
    rejections: list[Rejection] = Field(
        default_factory=list, description="The last refused signals (see rejected_count)"
    )
    rejected_count: int = Field(default=0, description="Every refused signal, counted")
    escalations: list[Escalation] = Field(default_factory=list)
    waiting_for: list[str] = Field(default_factory=list, description="Caseworker ids to act now")
    acceptance_mark: Delivery | None = Field(
        default=None, description="The notice of acceptance to the personal cabinet"
    )
    findings: list[Finding] = Field(
        default_factory=list, description="What the commission must weigh (issue 11)"
    )
    records_asked: bool = Field(default=False, description="State records came from the gateway")
    chairman_signature: DocumentRef | None = Field(
        default=None, description="The chairman's own signature over the issued document"
    )
    signed_actions: bool = Field(
        default=False, description="Every action must carry its sender's valid signature"
    )
    reopened: Revoked | None = Field(
        default=None, description="This run decides again: the result a complaint revoked"
    )
    complaints: list[ComplaintNote] = Field(
        default_factory=list, description="Complaints upheld while the case was open"
    )
    journal: CaseJournal | None = Field(
        default=None, description="In the result of a closed case: its journal, for `history`"
    )

    @property
    def overdue(self) -> bool:
        return any(d.overdue and d.finished_at is None for d in self.deadlines)


class ComplaintNote(BaseModel):
    """A complaint upheld about the case while it was still open (inaction): the case
    keeps it on record and goes on to its decision."""

    complaint_id: str = Field(max_length=64)
    outcome: str = Field(max_length=32)
    at: datetime


class CaseEvent(BaseModel):
    """One line of the read model's journal, written by an idempotent activity."""

    application_id: str
    seq: int = Field(description="Position in the case's journal; makes the write idempotent")
    at: datetime
    kind: str = Field(description="step | decision | escalation | rejection")
    step: Step
    actor: str | None = None
    data: dict = Field(default_factory=dict)


class Opened(BaseModel):
    """A registered application and what its caseworkers' signatures are checked against:
    one activity's answer, so that a new case spends one step of its history on both."""

    registration: Registration
    trust: CaseTrust


class CaseJournal(BaseModel):
    """The journal a case keeps of itself, for `shaqyru history`: its first lines and its
    latest, with the count of those left out between them."""

    events: list[CaseEvent]
    omitted: int = 0


Registration.model_rebuild()
CaseStatus.model_rebuild()
