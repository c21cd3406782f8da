"""What the case commands hold between reading a case and printing it: a run as the
server knows it, a case as the visibility store lists it, a line of its timeline. Each
gives its `--json` form, which keeps the codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rules import calendar


def working_left(due: datetime, now: datetime) -> timedelta:
    """Working time from now to the deadline; negative when it has passed."""
    if due >= now:
        return calendar.working_time_between(now, due)
    return -calendar.working_time_between(due, now)


@dataclass(frozen=True)
class Execution:
    """What the server knows of a case's run and the case cannot say of itself: that it
    was stopped from outside (and by whom, why), or that its workflow task keeps failing."""

    state: str = "running"
    """running, completed, terminated, failed, timed_out, canceled or continued_as_new"""
    closed_at: datetime | None = None
    by: str | None = None
    reason: str | None = None
    task_attempt: int = 0

    @property
    def stopped(self) -> bool:
        return self.state not in ("running", "completed")

    @property
    def jammed(self) -> bool:
        # Attempt 1 is a task in the ordinary course; a second means the first failed.
        return self.state == "running" and self.task_attempt > 1

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "by": self.by,
            "reason": self.reason,
            "workflow_task_attempt": self.task_attempt or None,
            "jammed": self.jammed,
        }


@dataclass
class CaseRow:
    """One case as the visibility store lists it: search attributes and memo only."""

    application_id: str
    service: str
    ground: int | None
    district: str
    step: str
    deadline: datetime | None
    overdue: bool
    waiting_for: list[str]
    registration_number: str | None = None
    task_attempt: int = 0
    """Attempt of the pending workflow task, when the case was described (overdue only)."""
    findings: int = 0
    """Findings the commission must weigh: flagged in the inbox, listed by `show`."""
    extra: dict = field(default_factory=dict)
    complaint_id: str | None = None
    """Set when the row is a complaint about the case, not the case itself."""
    act: str | None = None
    """What a complaint is against: conclusion, refusal or inaction."""

    @property
    def jammed(self) -> bool:
        return self.task_attempt > 1

    def late(self, now: datetime) -> bool:
        return self.overdue or (self.deadline is not None and self.deadline < now)

    def as_json(self, now: datetime) -> dict:
        left = working_left(self.deadline, now) if self.deadline else None
        return {
            "application_id": self.application_id,
            "registration_number": self.registration_number,
            "service": self.service,
            "ground": self.ground,
            "district": self.district,
            "step": self.step,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "working_time_left_seconds": int(left.total_seconds()) if left is not None else None,
            "overdue": self.late(now),
            "waiting_for": self.waiting_for,
            "jammed": self.jammed,
            "workflow_task_attempt": self.task_attempt or None,
            "complaint_id": self.complaint_id,
            "act": self.act,
        }


@dataclass(frozen=True)
class ComplaintRow:
    """A complaint about a case, as the visibility store lists it."""

    complaint_id: str
    act: str | None
    step: str
    """The complaint's step without its `complaint-` prefix: body, review, ..., done."""
    outcome: str | None
    waiting_for: list[str]
    open: bool

    def as_json(self) -> dict:
        return {
            "complaint_id": self.complaint_id,
            "act": self.act,
            "step": self.step,
            "outcome": self.outcome,
            "waiting_for": self.waiting_for,
            "open": self.open,
        }


@dataclass
class Entry:
    """One line of a case's timeline."""

    at: datetime
    actor: str
    text: str
    kind: str
    against: str = ""
    late: bool = False

    def as_json(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "text": self.text,
            "deadline": self.against or None,
            "late": self.late,
        }
