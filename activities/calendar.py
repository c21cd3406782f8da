"""Calendar answers for the workflow, run as local activities so each answer is kept in
the case's history: replay never asks the calendar again, and a calendar updated by a
new decree reaches open cases when their timers fire."""

from __future__ import annotations

from datetime import datetime

from temporalio import activity

from models.case import Moment, WorkingWindow
from rules import calendar
from rules.timezone import ALMATY


def _moment(at: datetime) -> Moment:
    local = at.astimezone(ALMATY)
    return Moment(at=local, local_date=local.date(), calendar=calendar.calendar_version())


@activity.defn(name="calendar_acceptance")
def calendar_acceptance(submitted_at: datetime) -> Moment:
    return _moment(calendar.acceptance_moment(submitted_at))


# Twenty working days: a case's whole term and its steps, with room for late ones.
WINDOW_INTERVALS = 2 * 20


@activity.defn(name="calendar_window")
def calendar_window(start: datetime) -> WorkingWindow:
    found = calendar.working_intervals(start, WINDOW_INTERVALS)
    return WorkingWindow(
        starts=[s for s, _ in found],
        ends=[e for _, e in found],
        calendar=calendar.calendar_version(),
    )


@activity.defn(name="calendar_due")
def calendar_due(start: datetime, working_days: int) -> Moment:
    return _moment(calendar.add_working_days(start, working_days))
