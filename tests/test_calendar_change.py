"""A day declared off after a case started still pushes its deadline (DESIGN: the
calendar changes by decree; deadlines are asked again when their timers fire)."""

from __future__ import annotations

from datetime import time, timedelta

from models.case import Step
from rules import calendar
from settings import ROOT
from tests.helpers import (
    application,
    at_step,
    skip_to,
    start,
    task_queue,
    until,
    weekday_at,
    worker_for,
)

OVERRIDES = ROOT / "rules" / "data" / "calendar-overrides.toml"


async def test_day_declared_off_moves_an_open_deadline(time_env, context, executor, tmp_path):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(9, 0))  # a Tuesday
    app = application(submitted)
    decree = tmp_path / "overrides.toml"
    try:
        async with worker_for(client, context, executor, tq):
            handle = await start(client, app, tq)
            await skip_to(time_env, submitted + timedelta(minutes=1))
            s = await at_step(handle, Step.forward)
            first_due = s.deadlines[-1].due_at

            # The Government declares the day the step began a day off while the case waits.
            decree.write_text(
                OVERRIDES.read_text(encoding="utf-8")
                + f"\n[[day_off]]\ndate = {submitted.date().isoformat()}\n"
                'decree = "test decree"\nnote = "declared after the case started"\n',
                encoding="utf-8",
            )
            calendar.reload_calendar(decree)
            expected = calendar.add_working_days(s.deadlines[-1].started_at, 1)
            assert expected > first_due

            await skip_to(time_env, first_due + timedelta(minutes=1))
            s = await until(
                handle, lambda s: s.deadlines[-1].due_at == expected, "the deadline moved"
            )
            assert s.step == Step.forward, "the chairman keeps his day: no auto-forward"
            assert not s.escalations
            assert not s.deadlines[-1].overdue

            await skip_to(time_env, expected + timedelta(minutes=1))
            s = await at_step(handle, Step.review)
            assert [e.kind for e in s.escalations] == ["auto_forward"]
            await handle.terminate("test over")
    finally:
        calendar.reload_calendar()
