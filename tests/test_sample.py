"""`shaqyru sample`: a fresh example dated at the latest working moment."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from cli.main import app
from cli.sample_cmd import latest_working_moment
from rules.check import check_application
from rules.timezone import ALMATY


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-26T10:15:00+05:00", "2026-11-26T10:15:00+05:00"),  # at work: itself
        ("2026-11-26T13:40:00+05:00", "2026-11-26T12:59:00+05:00"),  # lunch break
        ("2026-11-26T23:00:00+05:00", "2026-11-26T18:29:00+05:00"),  # evening
        ("2026-11-30T08:00:00+05:00", "2026-11-27T18:29:00+05:00"),  # Monday before nine
        ("2026-12-16T11:00:00+05:00", "2026-12-15T18:29:00+05:00"),  # Independence Day
    ],
)
def test_latest_working_moment(now, expected):
    got = latest_working_moment(datetime.fromisoformat(now))
    assert got == datetime.fromisoformat(expected)
    assert got.utcoffset() == datetime.fromisoformat(expected).utcoffset()


@freeze_time("2026-11-28T06:00:00Z")  # a Saturday
def test_sample_is_a_valid_application_dated_friday_evening():
    run = CliRunner().invoke(app, ["sample", "deferral-5-student", "--id", "EGOV-T-9"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["application_id"] == "EGOV-T-9"
    assert datetime.fromisoformat(data["submitted_at"]) == datetime(
        2026, 11, 27, 18, 29, tzinfo=ALMATY
    )
    assert check_application(run.output) == []


def test_unknown_sample_names_the_argument():
    run = CliRunner().invoke(app, ["sample", "no-such-example"], env={"SHAQYRU_LANG": "en"})
    assert run.exit_code == 2
    assert "NAME: no example 'no-such-example'" in run.output
