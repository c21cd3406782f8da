"""The working-time calendar against real Kazakh dates, and its algebra under hypothesis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import calendar as cal
from rules.calendar import (
    WORKING_DAY,
    WORKING_HOURS,
    CalendarDataError,
    acceptance_moment,
    add_working_days,
    add_working_time,
    calendar_version,
    is_working_day,
    is_working_moment,
    working_time_between,
)
from rules.timezone import ALMATY

US = timedelta(microseconds=1)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=ALMATY)


def offset(t: datetime) -> timedelta | None:
    return t.utcoffset()


# --- days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2025, 3, 15), False, "Saturday"),
        (date(2025, 3, 16), False, "Sunday"),
        (date(2025, 3, 20), True, "Thursday before Nauryz"),
        (date(2025, 3, 21), False, "Nauryz, Friday"),
        (date(2025, 3, 22), False, "Nauryz, Saturday"),
        (date(2025, 3, 23), False, "Nauryz, Sunday"),
        (date(2025, 3, 24), False, "Nauryz observed (for 22 March)"),
        (date(2025, 3, 25), False, "Nauryz observed (for 23 March)"),
        (date(2025, 3, 26), True, "first working day after Nauryz 2025"),
        (date(2026, 3, 20), True, "Friday before Nauryz 2026"),
        (date(2026, 3, 21), False, "Nauryz, Saturday"),
        (date(2026, 3, 22), False, "Nauryz, Sunday"),
        (date(2026, 3, 23), False, "Nauryz, Monday"),
        (date(2026, 3, 24), False, "Nauryz observed (for 21 March)"),
        (date(2026, 3, 25), False, "Nauryz observed (for 22 March)"),
        (date(2026, 3, 26), True, "first working day after Nauryz 2026"),
        (date(2024, 12, 16), False, "Independence Day, Monday"),
        (date(2025, 12, 16), False, "Independence Day, Tuesday"),
        (date(2025, 12, 17), True, "17 December is a working day since 2022"),
        (date(2026, 12, 16), False, "Independence Day, Wednesday"),
        (date(2024, 5, 4), True, "working Saturday by decree"),
        (date(2024, 5, 5), False, "ordinary Sunday"),
        (date(2024, 5, 7), False, "Defender of the Fatherland Day"),
        (date(2024, 5, 8), False, "day off moved from 4 May 2024"),
        (date(2024, 5, 9), False, "Victory Day"),
        (date(2024, 5, 10), True, "Friday after the May holidays"),
        (date(2025, 1, 3), False, "day off moved from Sunday 5 January 2025"),
        (date(2025, 1, 5), True, "working Sunday by decree"),
        (date(2026, 5, 27), False, "Kurban Ait 2026"),
        (date(2024, 2, 29), True, "last day at UTC+6"),
        (date(2024, 3, 1), True, "first day at UTC+5"),
    ],
)
def test_working_days(day: date, working: bool, why: str) -> None:
    assert is_working_day(day) is working, why


def _days_off_on_weekdays(year: int) -> list[date]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and not is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def _working_weekend_days(year: int) -> list[date]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() >= 5 and is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


# The egov.kz calendars for a five-day week, written out in full so that a library upgrade
# that moves any day shows up here.
EXPECTED_WEEKDAYS_OFF = {
    2024: "01-01 01-02 03-08 03-21 03-22 03-25 05-01 05-07 05-08 05-09 07-08 08-30 10-25 12-16",
    2025: "01-01 01-02 01-03 01-07 03-10 03-21 03-24 03-25 05-01 05-07 05-09 06-06 07-07 "
    "09-01 10-27 12-16",
    # No Constitution Day in 2026: the new Constitution moves it to 15 March from 2027
    # (the holidays library follows the amended Law on holidays).
    2026: "01-01 01-02 01-07 03-09 03-23 03-24 03-25 05-01 05-07 05-11 05-27 07-06 10-26 12-16",
}
EXPECTED_WORKING_WEEKENDS = {2024: ["05-04"], 2025: ["01-05"], 2026: []}


@pytest.mark.parametrize("year", sorted(EXPECTED_WEEKDAYS_OFF))
def test_whole_year(year: int) -> None:
    expected = [date.fromisoformat(f"{year}-{md}") for md in EXPECTED_WEEKDAYS_OFF[year].split()]
    assert _days_off_on_weekdays(year) == expected
    assert _working_weekend_days(year) == [
        date.fromisoformat(f"{year}-{md}") for md in EXPECTED_WORKING_WEEKENDS[year]
    ]


def test_is_working_day_rejects_datetime() -> None:
    with pytest.raises(TypeError):
        is_working_day(local(2025, 3, 3, 10))  # type: ignore[arg-type]


def test_policy_is_one_eight_hour_day() -> None:
    assert WORKING_DAY == timedelta(hours=8)
    assert WORKING_HOURS == ((time(9), time(13)), (time(14, 30), time(18, 30)))


# --- moments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (local(2025, 3, 3, 8, 59, 59), False),
        (local(2025, 3, 3, 9), True),
        (local(2025, 3, 3, 13), True),
        (local(2025, 3, 3, 13, 0, 1), False),
        (local(2025, 3, 3, 14, 29, 59), False),
        (local(2025, 3, 3, 14, 30), True),
        (local(2025, 3, 3, 18, 30), True),
        (local(2025, 3, 3, 18, 30, 1), False),
        (local(2025, 3, 1, 10), False),
        (local(2025, 3, 21, 10), False),
        # Same instants given in UTC: the calendar must read them in Almaty time.
        (datetime(2024, 2, 29, 3, 0, tzinfo=UTC), True),  # 09:00 at UTC+6
        (datetime(2024, 2, 29, 2, 59, tzinfo=UTC), False),
        (datetime(2024, 3, 1, 4, 0, tzinfo=UTC), True),  # 09:00 at UTC+5
        (datetime(2024, 3, 1, 3, 30, tzinfo=UTC), False),  # 08:30 at UTC+5 (09:30 at UTC+6)
        (datetime(2024, 3, 1, 13, 30, tzinfo=UTC), True),  # 18:30 at UTC+5
        (datetime(2024, 3, 1, 13, 31, tzinfo=UTC), False),
    ],
)
def test_is_working_moment(moment: datetime, working: bool) -> None:
    assert is_working_moment(moment) is working


@pytest.mark.parametrize(
    ("submitted", "accepted"),
    [
        (local(2025, 3, 3, 7, 45), local(2025, 3, 3, 9)),  # before 09:00
        (local(2025, 3, 3, 9), local(2025, 3, 3, 9)),
        (local(2025, 3, 3, 11, 17), local(2025, 3, 3, 11, 17)),
        (local(2025, 3, 3, 13), local(2025, 3, 3, 13)),  # closed interval
        (local(2025, 3, 3, 13, 0, 1), local(2025, 3, 3, 14, 30)),  # lunch
        (local(2025, 3, 3, 14, 0), local(2025, 3, 3, 14, 30)),
        (local(2025, 3, 3, 18, 30), local(2025, 3, 3, 18, 30)),
        (local(2025, 3, 3, 18, 31), local(2025, 3, 4, 9)),  # after 18:30
        (local(2025, 2, 28, 19), local(2025, 3, 3, 9)),  # Friday 19:00 -> Monday 09:00
        (local(2025, 3, 1, 12), local(2025, 3, 3, 9)),  # Saturday
        (local(2025, 3, 20, 19), local(2025, 3, 26, 9)),  # into Nauryz 2025
        (local(2026, 3, 20, 18, 45), local(2026, 3, 26, 9)),  # into Nauryz 2026
        (local(2025, 12, 15, 20), local(2025, 12, 17, 9)),  # over 16 December
        (local(2024, 5, 3, 19), local(2024, 5, 4, 9)),  # working Saturday
        (local(2024, 5, 6, 19), local(2024, 5, 10, 9)),  # over 7-9 May 2024
        (local(2024, 12, 31, 19), local(2025, 1, 5, 9)),  # over New Year to working Sunday
    ],
)
def test_acceptance_moment(submitted: datetime, accepted: datetime) -> None:
    result = acceptance_moment(submitted)
    assert result == accepted
    assert offset(result) == offset(accepted)
    assert result.tzinfo is ALMATY


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (local(2025, 3, 3, 9), 1, local(2025, 3, 3, 18, 30)),  # not Tuesday 09:00
        (local(2025, 3, 3, 12), 1, local(2025, 3, 4, 12)),
        (local(2025, 3, 3, 13, 30), 1, local(2025, 3, 4, 13)),  # lunch: ends at 13:00
        (local(2025, 3, 3, 7), 1, local(2025, 3, 3, 18, 30)),
        (local(2025, 3, 3, 20), 1, local(2025, 3, 4, 18, 30)),
        (local(2025, 2, 28, 19), 1, local(2025, 3, 3, 18, 30)),
        (local(2025, 3, 3, 9), 0, local(2025, 3, 3, 9)),
        (local(2025, 3, 3, 19), 0, local(2025, 3, 4, 9)),
        (local(2025, 3, 20, 10), 1, local(2025, 3, 26, 10)),  # Nauryz 2025
        (local(2026, 3, 20, 15), 1, local(2026, 3, 26, 15)),  # Nauryz 2026
        (local(2025, 12, 15, 10), 1, local(2025, 12, 17, 10)),  # 16 December
        (local(2024, 5, 3, 10), 1, local(2024, 5, 4, 10)),  # working Saturday
        (local(2024, 5, 6, 10), 1, local(2024, 5, 10, 10)),
        (local(2024, 12, 31, 17), 1, local(2025, 1, 5, 17)),  # across the year
        # The service's whole term, 5 working days, over Nauryz 2025.
        (local(2025, 3, 19, 10), 5, local(2025, 3, 31, 10)),
    ],
)
def test_add_working_days(start: datetime, days: int, due: datetime) -> None:
    assert add_working_days(start, days) == due


def test_time_zone_change() -> None:
    # Thursday 10:00 at UTC+6 plus one working day is Friday 10:00 at UTC+5: the answer
    # is in wall-clock working hours, and its offset follows the date.
    due = add_working_days(datetime(2024, 2, 29, 10, tzinfo=ALMATY), 1)
    assert due.isoformat() == "2024-03-01T10:00:00+05:00"
    assert acceptance_moment(local(2024, 2, 29, 19)).isoformat() == "2024-03-01T09:00:00+05:00"
    assert offset(acceptance_moment(local(2024, 2, 29, 10))) == timedelta(hours=6)
    # 23:30 on 29 February happened twice (+06 and +05); either way it is off hours.
    for fold in (0, 1):
        late = local(2024, 2, 29, 23, 30).replace(fold=fold)
        assert acceptance_moment(late).isoformat() == "2024-03-01T09:00:00+05:00"
    # A day spanning the change still holds exactly eight working hours.
    assert working_time_between(local(2024, 2, 29, 0), local(2024, 3, 1, 0)) == WORKING_DAY
    assert working_time_between(local(2024, 3, 1, 0), local(2024, 3, 2, 0)) == WORKING_DAY


def test_add_working_time_partial_hours() -> None:
    assert add_working_time(local(2025, 3, 3, 12, 30), timedelta(minutes=30)) == local(
        2025, 3, 3, 13
    )
    assert add_working_time(local(2025, 3, 3, 12, 30), timedelta(minutes=31)) == local(
        2025, 3, 3, 14, 31
    )
    assert add_working_time(local(2025, 3, 3, 18), timedelta(hours=1)) == local(2025, 3, 4, 9, 30)


@pytest.mark.parametrize(
    ("a", "b", "worked"),
    [
        (local(2025, 3, 3, 9), local(2025, 3, 7, 18, 30), timedelta(hours=40)),
        (local(2025, 3, 3, 0), local(2025, 3, 3, 23, 59), WORKING_DAY),
        (local(2025, 3, 3, 12), local(2025, 3, 3, 15), timedelta(hours=1, minutes=30)),
        (local(2025, 3, 20, 9), local(2025, 3, 26, 18, 30), 2 * WORKING_DAY),
        (local(2025, 3, 3, 10), local(2025, 3, 3, 9), timedelta(0)),
        (local(2025, 3, 3, 10), local(2025, 3, 3, 10), timedelta(0)),
        (local(2024, 12, 31, 9), local(2025, 1, 6, 18, 30), 3 * WORKING_DAY),
    ],
)
def test_working_time_between(a: datetime, b: datetime, worked: timedelta) -> None:
    assert working_time_between(a, b) == worked


@pytest.mark.parametrize(
    "call",
    [
        lambda t: is_working_moment(t),
        lambda t: acceptance_moment(t),
        lambda t: add_working_time(t, WORKING_DAY),
        lambda t: add_working_days(t, 1),
        lambda t: working_time_between(t, local(2025, 3, 3)),
        lambda t: working_time_between(local(2025, 3, 3), t),
    ],
)
def test_naive_input_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2025, 3, 3, 10))


def test_bad_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_time(local(2025, 3, 3, 10), timedelta(seconds=-1))
    with pytest.raises(ValueError):
        add_working_days(local(2025, 3, 3, 10), -1)
    with pytest.raises(TypeError):
        add_working_days(local(2025, 3, 3, 10), 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="covers"):
        acceptance_moment(local(1990, 1, 1))


def test_the_calendar_never_reads_the_clock() -> None:
    expected = add_working_days(local(2025, 3, 20, 10), 1)
    with freeze_time("2031-07-01 12:00:00"):
        assert add_working_days(local(2025, 3, 20, 10), 1) == expected


# --- override file ----------------------------------------------------------------------


@pytest.fixture
def overrides_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "overrides.toml"
    yield path
    cal.reload_calendar()


def test_checked_in_overrides_name_their_decree() -> None:
    entries = cal.overrides()
    assert entries, "the checked-in override file should not be empty"
    for entry in entries:
        assert entry.decree.strip() and entry.note.strip()
    by_day = {e.day: e.working for e in entries}
    assert by_day[date(2024, 5, 4)] is True
    assert by_day[date(2024, 5, 8)] is False


def test_override_file_wins_over_library(overrides_file: Path) -> None:
    before = calendar_version()
    overrides_file.write_text(
        "schema = 1\n"
        "[[day_off]]\n"
        'date = 2025-03-03\ndecree = "Test decree No. 1"\nnote = "extra day off"\n'
        "[[working_day]]\n"
        'date = 2025-03-24\ndecree = "Test decree No. 2"\nnote = "library day off undone"\n',
        encoding="utf-8",
    )
    cal.reload_calendar(overrides_file)
    assert not is_working_day(date(2025, 3, 3))
    assert is_working_day(date(2025, 3, 24))
    # The checked-in transfers are gone with the checked-in file; the library still has them.
    assert is_working_day(date(2024, 5, 4))
    assert acceptance_moment(local(2025, 3, 2, 10)) == local(2025, 3, 4, 9)
    assert calendar_version() != before
    cal.reload_calendar()
    assert is_working_day(date(2025, 3, 3))
    assert calendar_version() == before


@pytest.mark.parametrize(
    "text",
    [
        "schema = 1\n[[day_off]]\ndate = 2025-03-03\n",
        'schema = 1\n[[day_off]]\ndate = "2025-03-03"\ndecree = "x"\nnote = "y"\n',
        'schema = 1\n[[day_off]]\ndate = 2025-03-03T10:00:00\ndecree = "x"\nnote = "y"\n',
        'schema = 1\n[[day_off]]\ndate = 2025-03-03\ndecree = ""\nnote = "y"\n',
        'schema = 1\n[[day_off]]\ndate = 2025-03-03\ndecree = "x"\nnote = "y"\n'
        '[[working_day]]\ndate = 2025-03-03\ndecree = "x"\nnote = "y"\n',
        "schema = 2\n",
        "schema = 1\nholiday = []\n",
        "schema = 1\n[[day_off]\n",
    ],
)
def test_malformed_override_file(overrides_file: Path, text: str) -> None:
    overrides_file.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarDataError):
        cal.reload_calendar(overrides_file)


def test_calendar_version_is_stable() -> None:
    assert calendar_version() == calendar_version()
    assert calendar_version().startswith("kz-")


# --- properties -------------------------------------------------------------------------

# Moments in any zone, from mid-2023 to mid-2027: across the 2024 zone change, several
# Nauryz holidays and three New Years.
moments = st.datetimes(
    min_value=datetime(2023, 6, 1),
    max_value=datetime(2027, 6, 30),
    timezones=st.sampled_from([UTC, ALMATY, timezone(timedelta(hours=-3, minutes=-30))]),
)
amounts = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    st.integers(min_value=0, max_value=60 * 8 * 15).map(lambda m: timedelta(minutes=m)),
    st.integers(min_value=0, max_value=10).map(lambda n: n * WORKING_DAY),
)
props = settings(max_examples=300, deadline=None)


def reference_add(t: datetime, amount: timedelta) -> datetime:
    """A slow, plain day-by-day walk in local wall time, to check the fast tables."""
    local_t = t.astimezone(ALMATY)
    day, left = local_t.date(), amount
    while True:
        if is_working_day(day):
            for start, end in WORKING_HOURS:
                s = datetime.combine(day, start, tzinfo=ALMATY)
                e = datetime.combine(day, end, tzinfo=ALMATY)
                if e < local_t:
                    continue
                s = max(s, local_t)
                if s + left <= e:
                    return (s + left).astimezone(ALMATY)
                left -= e - s
        day += timedelta(days=1)


@props
@given(moments, amounts)
def test_matches_reference_walk(t: datetime, amount: timedelta) -> None:
    assert add_working_time(t, amount) == reference_add(t, amount)


@props
@given(moments, amounts)
def test_results_are_working_moments_in_almaty(t: datetime, amount: timedelta) -> None:
    accepted = acceptance_moment(t)
    due = add_working_time(t, amount)
    assert is_working_moment(accepted) and is_working_moment(due)
    assert accepted >= t and due >= accepted
    assert working_time_between(t, accepted) == timedelta(0)
    for result in (accepted, due):
        assert result.tzinfo is ALMATY
        assert result.utcoffset() == ALMATY.utcoffset(result.replace(tzinfo=None))


@props
@given(moments, moments, amounts)
def test_add_is_monotonic_in_the_start(t1: datetime, t2: datetime, amount: timedelta) -> None:
    t1, t2 = sorted((t1, t2))
    assert add_working_time(t1, amount) <= add_working_time(t2, amount)


@props
@given(moments, amounts, amounts)
def test_add_is_monotonic_in_the_amount(t: datetime, a: timedelta, b: timedelta) -> None:
    a, b = sorted((a, b))
    assert add_working_time(t, a) <= add_working_time(t, b)


@props
@given(moments, amounts, amounts)
def test_add_composes(t: datetime, a: timedelta, b: timedelta) -> None:
    assert add_working_time(add_working_time(t, a), b) == add_working_time(t, a + b)


@props
@given(moments, amounts)
def test_between_inverts_add(t: datetime, amount: timedelta) -> None:
    due = add_working_time(t, amount)
    assert working_time_between(t, due) == amount
    assert working_time_between(acceptance_moment(t), due) == amount
    if amount > timedelta(0):
        # Earliest: a microsecond sooner the amount is not yet worked.
        assert working_time_between(t, due - US) < amount


@props
@given(moments, moments, moments)
def test_between_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert working_time_between(a, b) + working_time_between(b, c) == working_time_between(a, c)


@props
@given(moments, st.integers(min_value=0, max_value=15))
def test_working_days_are_eight_hours(t: datetime, n: int) -> None:
    assert add_working_days(t, n) == add_working_time(t, n * WORKING_DAY)
