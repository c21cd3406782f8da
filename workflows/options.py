"""What every case workflow (application, complaint) asks of Temporal for its activities,
how it refuses an action, and how it holds a step to its working-day deadline: one
place, so that the two processes behave alike. Workflow code only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NotRequired, TypedDict

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import activities.calendar
    from models.case import Moment
    from rules.refusal import Refusal


class Options(TypedDict):
    """The keyword arguments of `execute_activity` every call of a kind shares; typed, so
    that a wrong option or value is the type checker's to find."""

    start_to_close_timeout: timedelta
    schedule_to_close_timeout: NotRequired[timedelta]
    retry_policy: NotRequired[RetryPolicy]


CALENDAR: Options = {"start_to_close_timeout": timedelta(seconds=10)}
ONCE: Options = {
    "start_to_close_timeout": timedelta(minutes=1),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5)),
}
# The case's own work as a local activity: retried inside the worker for a minute at
# most. A local activity retried for longer would record a timer and a workflow task for
# every attempt; past that minute the work goes on as an ordinary activity (ONCE), whose
# retries the server keeps without an event each.
LOCAL: Options = {
    "start_to_close_timeout": timedelta(seconds=30),
    "schedule_to_close_timeout": timedelta(minutes=1),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=10)),
}
# An outside call's first try, inside the workflow task that asks for it: one attempt,
# a few seconds. An addressee that does not answer within them gets the call as an
# ordinary activity (DELIVERY), so a slow one never holds a workflow task for longer.
QUICK: Options = {
    "start_to_close_timeout": timedelta(seconds=3),
    "schedule_to_close_timeout": timedelta(seconds=5),
    "retry_policy": RetryPolicy(maximum_attempts=1),
}
# A delivery is retried until the addressee accepts it; nothing is ever given up.
DELIVERY: Options = {
    "start_to_close_timeout": timedelta(minutes=1),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=10)
    ),
}


class Rejected(ApplicationError):
    """An action the case refused; carries the reason in three languages."""

    def __init__(self, refusal: Refusal) -> None:
        texts = {lang: refusal.text(lang) for lang in ("kk", "ru", "en")}
        super().__init__(
            texts["en"], {"code": refusal.code, **texts}, type=refusal.code, non_retryable=True
        )


async def calendar_due(start: datetime, working_days: int) -> Moment:
    """The calendar's answer, kept in history: `working_days` from `start`."""
    return await workflow.execute_local_activity(
        activities.calendar.calendar_due, args=[start, working_days], **CALENDAR
    )


async def wait_until(
    done: Callable[[], bool],
    start: datetime,
    days: int,
    due: datetime,
    moved: Callable[[datetime], None] = lambda _: None,
) -> datetime | None:
    """Wait for `done` until `due`, the calendar's answer for `days` working days from
    `start`. None when `done` came in time; else the deadline that ran out. `moved` hears
    of a deadline the calendar has pushed."""
    while True:
        remaining = due - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(
                    done, timeout=remaining, timeout_summary=f"deadline {due.isoformat()}"
                )
                return None
            except TimeoutError:
                pass
        if done():
            return None
        # The timer fired: ask the calendar again, since a day declared off after the
        # case started must still push the deadline.
        again = (await calendar_due(start, days)).at
        if again <= workflow.now():
            return due
        due = again
        moved(due)
