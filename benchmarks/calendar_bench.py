"""How fast the calendar answers: `python benchmarks/calendar_bench.py`.

Deadlines are computed in activities for every step of every case, and the property tests
call the calendar thousands of times, so each call should cost microseconds."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from rules import calendar as cal


def _moments(n: int) -> list[datetime]:
    rng = random.Random(527)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)) for _ in range(n)]


def _time(name: str, calls: int, fn: Callable[[], object]) -> None:
    began = time.perf_counter()
    fn()
    spent = time.perf_counter() - began
    print(f"{name:<28} {calls / spent:>12,.0f} calls/s  {spent / calls * 1e6:8.2f} us/call")


def main() -> None:
    n = 50_000
    moments = _moments(n)
    began = time.perf_counter()
    cal.reload_calendar()
    for year in (2024, 2025, 2026, 2027):
        cal.is_working_day(datetime(year, 6, 1).date())
    print(f"{'build 4 year tables':<28} {(time.perf_counter() - began) * 1e3:12.1f} ms")
    _time("is_working_moment", n, lambda: [cal.is_working_moment(t) for t in moments])
    _time("acceptance_moment", n, lambda: [cal.acceptance_moment(t) for t in moments])
    _time("add_working_days(t, 1)", n, lambda: [cal.add_working_days(t, 1) for t in moments])
    _time("add_working_days(t, 5)", n, lambda: [cal.add_working_days(t, 5) for t in moments])
    pairs = list(zip(moments, moments[1:] + moments[:1], strict=True))
    _time("working_time_between", n, lambda: [cal.working_time_between(a, b) for a, b in pairs])


if __name__ == "__main__":
    main()
