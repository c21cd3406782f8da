"""A case's working window gives the calendar's own deadlines: the same instant as
rules.calendar for every start and length inside it, and no answer beyond it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from activities.calendar import calendar_window
from rules import calendar
from rules.timezone import ALMATY

# Over the New Year holidays and a year boundary, and an ordinary week.
FROM = [
    datetime(2026, 12, 25, 17, 0, tzinfo=ALMATY),
    datetime(2027, 3, 5, 19, 30, tzinfo=ALMATY),
    datetime(2026, 11, 27, 13, 0, tzinfo=ALMATY),
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(FROM),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12)),
    st.integers(min_value=0, max_value=6),
)
def test_the_window_agrees_with_the_calendar(first: datetime, later: timedelta, days: int):
    window = calendar_window(first)
    start = first + later
    ours = window.add(start, days * calendar.WORKING_DAY)
    theirs = calendar.add_working_days(start, days)
    if ours is None:
        # The window ends before the deadline: the case asks the calendar instead.
        assert theirs > window.ends[-1] or start > window.ends[-1]
    else:
        assert ours == theirs
    accepted = window.accept(start)
    assert accepted is None or accepted == calendar.acceptance_moment(start)


def test_beyond_the_window_there_is_no_answer():
    window = calendar_window(datetime(2026, 11, 27, 9, 0, tzinfo=ALMATY))
    assert len(window.starts) == 40
    end = window.ends[-1]
    assert window.add(end, timedelta(minutes=1)) is None
    assert window.accept(end + timedelta(minutes=1)) is None
    assert window.add(end, timedelta(0)) == end
    # Read back from history, the window answers the same.
    again = type(window).model_validate_json(window.model_dump_json())
    start = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert again.add(start, calendar.WORKING_DAY) == calendar.add_working_days(start, 1)
