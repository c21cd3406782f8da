"""A complaint against the commission's decision, action or inaction (para. 14; the
APPK's pre-trial appeal, rules/complaint.py), and what its case knows about itself.

Every field that comes from outside is bounded and readable: the complaint and the
officials' commands are kept in the complaint's state and history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from models.application import Application
from models.case import (
    Addressee,
    CaseStatus,
    Delivery,
    DocumentRef,
    Registration,
    Revoked,
    Step,
)
from models.roster import MAX_MEMBERS, Person
from models.text import CASEWORKER_ID, Line, Paragraph
from rules.complaint import Act, BodyAction, Verdict
from rules.refusal import Refusal
from rules.timezone import ALMATY

ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
TEXT_LENGTH = 4000
KEPT_ESCALATIONS = 20
YEARS = (2000, 2100)
"""The years a date of a complaint may fall in: beyond them no portal means it, and the
terms computed from it would leave what `datetime` can hold."""


class Complaint(BaseModel):
    """What the portal files for the applicant."""

    model_config = ConfigDict(extra="forbid")

    complaint_id: str = Field(min_length=1, max_length=64, pattern=ID)
    application_id: str = Field(min_length=1, max_length=64, pattern=ID)
    act: Act
    text: Paragraph(TEXT_LENGTH)  # type: ignore[valid-type]
    filed_at: AwareDatetime
    learned_on: date | None = Field(
        default=None,
        description="When the applicant learned of the act; the day it was delivered if not given",
    )


class CaseSnapshot(BaseModel):
    """The application's case as its `status` query showed it when the complaint was
    filed: the starter asks, since a workflow cannot query another."""

    district: str = Field(max_length=64)
    commission_kk: Line(300)  # type: ignore[valid-type]
    commission_ru: Line(300)  # type: ignore[valid-type]
    chairman: Person
    members: list[CASEWORKER_ID] = Field(default_factory=list, max_length=MAX_MEMBERS)
    registration_number: str | None = Field(default=None, max_length=64)
    finished: bool
    result_kind: str | None = Field(default=None, max_length=32)
    result_at: AwareDatetime | None = Field(
        default=None, description="When the result was delivered"
    )
    result_revision: int | None = Field(
        default=None, ge=0, description="Which decision of the case the result is (`revised`)"
    )
    term_breached: bool = False


def snapshot(case: CaseStatus) -> CaseSnapshot:
    """What a complaint keeps of the application's case, from its `status` query."""
    if case.registration is None:
        raise ValueError(f"application {case.application_id} is not registered yet")
    commission = case.registration.commission
    cabinet = next((d for d in case.deliveries if d.addressee == Addressee.cabinet), None)
    return CaseSnapshot(
        district=case.district,
        commission_kk=commission.commission_kk,
        commission_ru=commission.commission_ru,
        chairman=commission.chairman,
        members=[m.id for m in commission.members],
        registration_number=case.registration.number,
        finished=case.step == Step.done,
        result_kind=case.result.kind.value if case.result else None,
        result_at=cabinet.at if cabinet and cabinet.delivered else None,
        result_revision=(case.reopened.revision if case.reopened else 0) if case.result else None,
        term_breached=case.term_breached,
    )


class ComplaintStart(BaseModel):
    complaint: Complaint
    case: CaseSnapshot
    reviewer: CASEWORKER_ID = Field(description="The official of the reviewing body")

    def refused(self) -> Refusal | None:
        """What no portal can have meant, though each field reads: a date out of YEARS, a
        day learned after the filing, a reviewing body from the commission whose act is
        complained of (APPK art. 91 p. 3: a higher body decides)."""
        c, case = self.complaint, self.case
        for field, value in (
            ("complaint.filed_at", c.filed_at),
            ("complaint.learned_on", c.learned_on),
            ("case.result_at", case.result_at),
        ):
            if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
                first, last = (str(y) for y in YEARS)
                params = {"field": field, "value": value.isoformat(), "first": first, "last": last}
                return Refusal("complaint.date_out_of_range", params)
        filed_on = c.filed_at.astimezone(ALMATY).date()
        if c.learned_on is not None and c.learned_on > filed_on:
            params = {"learned": c.learned_on.isoformat(), "filed": filed_on.isoformat()}
            return Refusal("complaint.learned_after_filing", params)
        if self.reviewer == case.chairman.id or self.reviewer in case.members:
            return Refusal("complaint.reviewer_in_commission", {"reviewer": self.reviewer})
        return None


class BodyCommand(BaseModel):
    """The commission chairman's answer to a complaint against his commission's act."""

    model_config = ConfigDict(extra="forbid")

    actor: CASEWORKER_ID
    action: BodyAction
    reason: Paragraph(TEXT_LENGTH, blank_ok=True) = ""  # type: ignore[valid-type]


class ReviewDecision(BaseModel):
    """The reviewing body's decision (APPK art. 91 part 3)."""

    model_config = ConfigDict(extra="forbid")

    actor: CASEWORKER_ID
    verdict: Verdict
    reason: Paragraph(TEXT_LENGTH, blank_ok=True) = ""  # type: ignore[valid-type]


class ComplaintStep(StrEnum):
    body = "body"
    review = "review"
    answer = "answer"
    deliver = "deliver"
    done = "done"


class ComplaintOutcome(StrEnum):
    satisfied = "satisfied"
    """By the body that took the act itself."""
    upheld = "upheld"
    dismissed = "dismissed"
    returned = "returned"
    """Not admissible: nothing of the kind to complain of (rules.complaint.admissible)."""


class Decided(BaseModel):
    by: str
    at: datetime
    outcome: ComplaintOutcome
    reason: str = Field(default="", max_length=TEXT_LENGTH)


class ComplaintEscalation(BaseModel):
    at: datetime
    step: ComplaintStep
    kind: str = Field(description="body_overdue | review_overdue | reminder")
    count: int = 1


class Reconsider(BaseModel):
    """The signal `reconsider` to the application's case when the act is revoked and the
    case is still open (a complaint about inaction)."""

    model_config = ConfigDict(extra="forbid")

    complaint_id: str = Field(min_length=1, max_length=64, pattern=ID)
    outcome: ComplaintOutcome
    reason: str = Field(default="", max_length=TEXT_LENGTH)
    decided_at: AwareDatetime  # a signal anyone may send: a naive time has no place on record
    # What the complaint was about, so that it revokes that act and no later one; absent
    # from complaints decided before it was carried.
    act: Act | None = None
    act_revision: int | None = Field(
        default=None, ge=0, description="Which decision of the case the act was (`revised`)"
    )


class Reopen(Reconsider):
    """The input of a new run of the application's case when a complaint revoked its
    result: the commission decides again. Ids only: the case reads the application back
    from its own read model (`reopen_case`), so no personal data passes through here."""

    application_id: str = Field(min_length=1, max_length=64, pattern=ID)


class Reopened(BaseModel):
    """What `reopen_case` finds of the case for its new run."""

    application: Application
    registration: Registration
    revoked: Revoked
    last_seq: int = Field(ge=0, description="The journal's last position; the run goes on from it")


class ComplaintStatus(BaseModel):
    complaint_id: str
    application_id: str
    act: str
    district: str
    step: ComplaintStep
    filed_at: datetime
    learned_on: date | None = None
    filing_deadline: date | None = None
    late: bool = Field(default=False, description="Filed after the period of APPK art. 92 p. 1")
    body: str = Field(default="", description="The commission chairman")
    reviewer: str = ""
    body_due_at: datetime | None = None
    passed_at: datetime | None = None
    review_due_at: datetime | None = None
    decided: Decided | None = None
    revoked: bool = Field(default=False, description="The commission's result is revoked")
    superseded: bool = Field(
        default=False,
        description="Upheld, but the act was no longer the case's result: nothing was revoked",
    )
    reconsider_sent: bool | None = Field(
        default=None, description="The application's case took the signal (None: not sent)"
    )
    answer: DocumentRef | None = None
    delivery: Delivery | None = None
    escalations: list[ComplaintEscalation] = Field(default_factory=list)
    rejected_count: int = Field(default=0, description="Unknown signals dropped")
    waiting_for: list[str] = Field(default_factory=list)


class ComplaintAnswer(BaseModel):
    """What the written answer says; its JSON is signed with the PDF. No personal data:
    the cabinet knows whose application it is."""

    complaint_id: str
    application_id: str
    registration_number: str | None = None
    act: Act
    commission_kk: str
    commission_ru: str
    filed_at: datetime
    learned_on: date | None = None
    filing_deadline: date | None = None
    late: bool = False
    outcome: ComplaintOutcome
    reason: str = Field(default="", max_length=TEXT_LENGTH)
    returned_why: dict[str, str] = Field(
        default_factory=dict, description="kk/ru/en: why a complaint was returned"
    )
    decided_by: str
    decided_at: datetime
    revoked: bool = False
    superseded: bool = False
