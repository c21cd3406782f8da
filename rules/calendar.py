"""The commission's working-time calendar: when it works, and how deadlines are counted.

Everything a lawyer may want to read or change is in the POLICY block right below and in
`rules/data/calendar-overrides.toml` (days off and working days set by decree). The rest of
the module is arithmetic on that policy.

Sources of days off, in order of precedence:
1. `calendar-overrides.toml`: days off and working days set by law or Government decree
   that the `holidays` library lacks or gets wrong, each with the act it comes from;
2. the `holidays` library's Kazakhstan calendar: public holidays, the days off that move
   to the next working day when a holiday falls on a weekend (Labour Code art. 85 p. 2),
   and the Government's transfers of days off (art. 85 p. 3), including the Saturdays or
   Sundays that become working days because of such a transfer;
3. the working week (`WORKING_WEEKDAYS`).

This module reads time zone data and the `holidays` package, so it must not run inside the
Temporal workflow sandbox: call it from activities and record its answers (together with
`calendar_version()`) in workflow history.
"""

from __future__ import annotations

import hashlib
import threading
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import holidays

from rules.timezone import ALMATY

# ---------------------------------------------------------------------------------------
# POLICY: the commission's working time (standard of the state service, rows 7 and 10).
# ---------------------------------------------------------------------------------------

# The commission keeps the time of Almaty (UTC+6 until 29 February 2024, UTC+5 since
# 1 March 2024); the zone data comes from the `tzdata` package, not from the machine.
TIME_ZONE = ALMATY

# Monday=0 ... Sunday=6. A five-day week: Saturday and Sunday are days off unless a
# decree makes one of them a working day.
WORKING_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})

# Working hours of a working day, local time: 09:00-18:30 with lunch 13:00-14:30.
# Both ends of each interval count as working moments, so an application that arrives at
# exactly 13:00 or 18:30 is accepted at once.
WORKING_HOURS: tuple[tuple[time, time], ...] = (
    (time(9, 0), time(13, 0)),
    (time(14, 30), time(18, 30)),
)

# "Within one working day" means this much working time (the sum of WORKING_HOURS).
WORKING_DAY = timedelta(hours=8)

# Public holidays come from the `holidays` library's calendar for this country.
HOLIDAY_COUNTRY = "KZ"

# Days off and working days that the library lacks or gets wrong, each with its decree.
OVERRIDES_RESOURCE = ("data", "calendar-overrides.toml")

# Years the calendar agrees to answer for; a question outside them is a mistake in the
# data (a date typed with a wrong year), not a deadline.
FIRST_YEAR = 2000
LAST_YEAR = 2100

# ---------------------------------------------------------------------------------------

if (
    sum(
        (
            datetime.combine(date.min, end) - datetime.combine(date.min, start)
            for start, end in WORKING_HOURS
        ),
        timedelta(),
    )
    != WORKING_DAY
):
    raise RuntimeError("WORKING_HOURS must add up to WORKING_DAY")
if any(a[1] >= b[0] for a, b in zip(WORKING_HOURS, WORKING_HOURS[1:], strict=False)) or any(
    start >= end for start, end in WORKING_HOURS
):
    raise RuntimeError("WORKING_HOURS must be ordered, non-empty and not overlapping")


class CalendarDataError(ValueError):
    """The override file is malformed."""


@dataclass(frozen=True, slots=True)
class Override:
    """One day whose status a law or decree sets, overriding the library."""

    day: date
    working: bool
    decree: str
    note: str


@dataclass(frozen=True, slots=True)
class _Overrides:
    by_day: dict[date, Override]
    digest: str


@dataclass(frozen=True, slots=True)
class _Year:
    """Working intervals of one local calendar year, as UTC microseconds since the epoch.

    Integer microseconds keep `add(add(t, a), b) == add(t, a + b)` exact, which floats
    would not."""

    year: int
    working_days: frozenset[date]
    starts: list[int]
    ends: list[int]
    done_before: list[int]  # working time in this year before interval i starts
    done_after: list[int]  # working time in this year by the end of interval i
    total: int


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

_lock = threading.Lock()
_overrides: _Overrides | None = None
_overrides_path: Path | None = None
_years: dict[int, _Year] = {}
# Bumped by reload_calendar so that a table built from the old overrides while another
# thread reloads is not cached under the new ones.
_generation = 0


# --- override file ------------------------------------------------------------------------


def _default_overrides_bytes() -> bytes:
    return resources.files("rules").joinpath(*OVERRIDES_RESOURCE).read_bytes()


def _parse_overrides(raw: bytes, source: str) -> _Overrides:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise CalendarDataError(f"{source}: {e}") from e
    unknown = set(data) - {"schema", "day_off", "working_day"}
    if unknown:
        raise CalendarDataError(f"{source}: unknown keys {sorted(unknown)}")
    if data.get("schema") != 1:
        raise CalendarDataError(f"{source}: expected `schema = 1`")
    by_day: dict[date, Override] = {}
    for table, working in (("day_off", False), ("working_day", True)):
        entries = data.get(table, [])
        if not isinstance(entries, list):
            raise CalendarDataError(f"{source}: `{table}` must be an array of tables")
        for n, entry in enumerate(entries, 1):
            where = f"{source}: [[{table}]] #{n}"
            override = _parse_entry(entry, working, where)
            if override.day in by_day:
                raise CalendarDataError(f"{where}: {override.day} is listed twice")
            by_day[override.day] = override
    return _Overrides(by_day=by_day, digest=hashlib.sha256(raw).hexdigest())


def _parse_entry(entry: Any, working: bool, where: str) -> Override:
    if not isinstance(entry, dict) or set(entry) != {"date", "decree", "note"}:
        raise CalendarDataError(f"{where}: needs exactly `date`, `decree` and `note`")
    day = entry["date"]
    # tomllib returns a datetime for a value with a time; a day off has no time.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise CalendarDataError(f"{where}: `date` must be a TOML date like 2024-05-04")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CalendarDataError(f"{where}: {day} is outside {FIRST_YEAR}-{LAST_YEAR}")
    for key in ("decree", "note"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise CalendarDataError(f"{where}: `{key}` must be a non-empty string")
    return Override(day=day, working=working, decree=entry["decree"], note=entry["note"])


def _current_overrides() -> _Overrides:
    global _overrides
    if _overrides is None:
        with _lock:
            if _overrides is None:
                if _overrides_path is None:
                    _overrides = _parse_overrides(
                        _default_overrides_bytes(), "calendar-overrides.toml"
                    )
                else:
                    _overrides = _parse_overrides(
                        _overrides_path.read_bytes(), str(_overrides_path)
                    )
    return _overrides


def reload_calendar(overrides_path: Path | str | None = None) -> None:
    """Forget every cached year and read the overrides again.

    `overrides_path` replaces the checked-in file (for tests, or to try a new decree before
    it is committed); None goes back to the checked-in file. The file is read and checked
    at once, so a broken file fails here and not in the middle of a deadline."""
    global _overrides, _overrides_path, _generation
    path = None if overrides_path is None else Path(overrides_path)
    raw = _default_overrides_bytes() if path is None else path.read_bytes()
    parsed = _parse_overrides(raw, "calendar-overrides.toml" if path is None else str(path))
    with _lock:
        _overrides_path = path
        _overrides = parsed
        _years.clear()
        _generation += 1


def overrides() -> list[Override]:
    """The days set by decree on top of the library, in date order."""
    return sorted(_current_overrides().by_day.values(), key=lambda o: o.day)


def calendar_version() -> str:
    """Names the data that answers: the holidays library, the override file and the policy.

    Record it next to a computed deadline so that a later answer can be told apart from
    one given under another calendar."""
    policy = repr((sorted(WORKING_WEEKDAYS), WORKING_HOURS, WORKING_DAY, str(TIME_ZONE)))
    digest = hashlib.sha256(
        "\n".join((holidays.__version__, _current_overrides().digest, policy)).encode()
    ).hexdigest()
    return f"kz-{holidays.__version__}-{digest[:16]}"


# --- the year tables ------------------------------------------------------------------


def _days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def _build_year(year: int) -> _Year:
    # Neighbouring years are loaded too: a transfer may cross a year boundary (the library
    # records 28 December 2013 as a working Saturday under 2014).
    library = holidays.country_holidays(HOLIDAY_COUNTRY, years=range(year - 1, year + 2))
    weekend_workdays = library.weekend_workdays
    by_decree = _current_overrides().by_day

    working_days: list[date] = []
    for day in _days_of(year):
        if day in by_decree:
            working = by_decree[day].working
        elif day in library:
            working = False
        elif day in weekend_workdays:
            working = True
        else:
            working = day.weekday() in WORKING_WEEKDAYS
        if working:
            working_days.append(day)

    starts: list[int] = []
    ends: list[int] = []
    done_before: list[int] = []
    done_after: list[int] = []
    done = 0
    for day in working_days:
        for start, end in WORKING_HOURS:
            s = _to_us(datetime.combine(day, start, tzinfo=TIME_ZONE))
            e = _to_us(datetime.combine(day, end, tzinfo=TIME_ZONE))
            starts.append(s)
            ends.append(e)
            done_before.append(done)
            done += e - s
            done_after.append(done)
    if not starts:
        raise RuntimeError(f"the calendar of {year} has no working day")
    return _Year(year, frozenset(working_days), starts, ends, done_before, done_after, done)


def _year(year: int) -> _Year:
    table = _years.get(year)
    if table is None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"the calendar covers {FIRST_YEAR}-{LAST_YEAR}, not {year}")
        generation = _generation
        built = _build_year(year)
        with _lock:
            if generation == _generation:
                return _years.setdefault(year, built)
        # The overrides changed while this table was being built: build it again.
        return _year(year)
    return table


# --- conversions ----------------------------------------------------------------------


def _to_us(t: datetime) -> int:
    return (t - _EPOCH) // _US


def _from_us(us: int) -> datetime:
    return (_EPOCH + timedelta(microseconds=us)).astimezone(TIME_ZONE)


def _instant(t: datetime, name: str = "t") -> tuple[int, int]:
    """UTC microseconds of an aware datetime and the local year it falls in."""
    if not isinstance(t, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {t.isoformat()}")
    return _to_us(t), t.astimezone(TIME_ZONE).year


def _worked(table: _Year, us: int) -> int:
    """Working time in the table's year up to the instant `us` (in or after that year)."""
    i = bisect_right(table.starts, us) - 1
    if i < 0:
        return 0
    return table.done_before[i] + min(us, table.ends[i]) - table.starts[i]


def _accept(us: int, year: int) -> tuple[int, int]:
    table = _year(year)
    i = bisect_right(table.starts, us) - 1
    if i >= 0 and us <= table.ends[i]:
        return us, year
    if i + 1 < len(table.starts):
        return table.starts[i + 1], year
    return _year(year + 1).starts[0], year + 1


# --- public API -----------------------------------------------------------------------


def is_working_day(d: date) -> bool:
    """Whether the commission works on the local calendar day `d`."""
    if isinstance(d, datetime):
        # Which day a datetime is depends on the zone; make the caller say it.
        raise TypeError("is_working_day takes a date; use is_working_moment for a datetime")
    return d in _year(d.year).working_days


def is_working_moment(t: datetime) -> bool:
    """Whether `t` lies within working hours (both ends included) of a working day."""
    us, year = _instant(t)
    table = _year(year)
    i = bisect_right(table.starts, us) - 1
    return i >= 0 and us <= table.ends[i]


def acceptance_moment(t: datetime) -> datetime:
    """`t` itself if it is a working moment, else the start of the next working interval.

    An application submitted at `t` is accepted at this moment (standard row 10)."""
    us, year = _instant(t)
    return _from_us(_accept(us, year)[0])


def add_working_time(t: datetime, amount: timedelta) -> datetime:
    """The earliest instant `s` such that the working time in [t, s] equals `amount`.

    Counting starts at `acceptance_moment(t)`, so a one-working-day limit from Monday 09:00
    ends on Monday 18:30, and one from Friday 19:00 ends on the next working day at 18:30."""
    if not isinstance(amount, timedelta):
        raise TypeError(f"amount must be a timedelta, not {type(amount).__name__}")
    if amount < timedelta(0):
        raise ValueError(f"amount must not be negative, got {amount}")
    us, year = _instant(t)
    start, year = _accept(us, year)
    need = amount // _US
    if need == 0:
        return _from_us(start)
    table = _year(year)
    target = _worked(table, start) + need
    while target > table.total:
        target -= table.total
        year += 1
        table = _year(year)
    # bisect_left picks the interval whose end reaches the target first, so a deadline that
    # uses up a whole interval ends at 13:00 or 18:30, not at the next interval's start.
    j = bisect_left(table.done_after, target)
    return _from_us(table.starts[j] + target - table.done_before[j])


def working_intervals(t: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The `count` working intervals from the one `t` falls in (or the next after it),
    across years: what a case needs to set its deadlines without asking again."""
    us, year = _instant(t)
    start, year = _accept(us, year)
    table = _year(year)
    i = bisect_right(table.starts, start) - 1
    found: list[tuple[datetime, datetime]] = []
    while len(found) < count:
        if i >= len(table.starts):
            year, i = year + 1, 0
            if year > LAST_YEAR:
                break
            table = _year(year)
        found.append((_from_us(table.starts[i]), _from_us(table.ends[i])))
        i += 1
    return found


def add_working_days(t: datetime, n: int) -> datetime:
    """`add_working_time(t, n * WORKING_DAY)`: the deadline of `n` working days."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    return add_working_time(t, n * WORKING_DAY)


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Working time in [a, b]; zero when b <= a."""
    a_us, a_year = _instant(a, "a")
    b_us, b_year = _instant(b, "b")
    if b_us <= a_us:
        return timedelta(0)
    first = _year(a_year)
    if a_year == b_year:
        return timedelta(microseconds=_worked(first, b_us) - _worked(first, a_us))
    done = first.total - _worked(first, a_us)
    for year in range(a_year + 1, b_year):
        done += _year(year).total
    done += _worked(_year(b_year), b_us)
    return timedelta(microseconds=done)


__all__ = [
    "FIRST_YEAR",
    "HOLIDAY_COUNTRY",
    "LAST_YEAR",
    "TIME_ZONE",
    "WORKING_DAY",
    "working_intervals",
    "WORKING_HOURS",
    "WORKING_WEEKDAYS",
    "CalendarDataError",
    "Override",
    "acceptance_moment",
    "add_working_days",
    "add_working_time",
    "calendar_version",
    "is_working_day",
    "is_working_moment",
    "overrides",
    "reload_calendar",
    "working_time_between",
]
