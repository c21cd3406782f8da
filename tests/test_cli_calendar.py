"""`shaqyru calendar accept|due|version`."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import typer
from typer.testing import CliRunner

from cli import calendar_cmd
from rules.calendar import calendar_version


def _app() -> typer.Typer:
    # Only the calendar commands: other groups are written in parallel and must not make
    # these tests fail. The installed command with every group is run once below.
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test root."""

    calendar_cmd.register(app)
    return app


runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), ["calendar", *args], env={"SHAQYRU_LANG": "en"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        ("2025-03-03T10:15:00+05:00", "2025-03-03T10:15:00+05:00"),
        ("2025-02-28T19:00:00+05:00", "2025-03-03T09:00:00+05:00"),  # Friday 19:00
        ("2025-03-20T19:00", "2025-03-26T09:00:00+05:00"),  # naive = Almaty; Nauryz
        ("2025-03-03T04:00:00Z", "2025-03-03T09:00:00+05:00"),
        ("2025-03-03T13:30:00+05:00", "2025-03-03T14:30:00+05:00"),  # lunch
        ("2024-02-29T19:00:00+06:00", "2024-03-01T09:00:00+05:00"),  # zone change
        ("2024-05-03T20:00:00+05:00", "2024-05-04T09:00:00+05:00"),  # working Saturday
    ],
)
def test_accept(moment: str, accepted: str) -> None:
    code, out, _ = run("accept", moment)
    assert code == 0
    assert out.strip() == accepted


@pytest.mark.parametrize(
    ("args", "due"),
    [
        (["2025-03-03T09:00:00+05:00"], "2025-03-03T18:30:00+05:00"),
        (["2025-03-03T09:00:00+05:00", "--working-days", "1"], "2025-03-03T18:30:00+05:00"),
        (["2025-03-03T19:00:00+05:00", "--working-days", "0"], "2025-03-04T09:00:00+05:00"),
        (["2025-03-19T10:00:00+05:00", "--working-days", "5"], "2025-03-31T10:00:00+05:00"),
        (["2026-03-20T15:00", "-n", "1"], "2026-03-26T15:00:00+05:00"),
        (["2025-12-15T10:00:00+05:00"], "2025-12-17T10:00:00+05:00"),
        (["2024-02-29T10:00:00+06:00"], "2024-03-01T10:00:00+05:00"),
    ],
)
def test_due(args: list[str], due: str) -> None:
    code, out, _ = run("due", *args)
    assert code == 0
    assert out.strip() == due


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["accept", "yesterday"], "MOMENT"),
        (["accept", "2025-13-01T10:00"], "MOMENT"),
        (["due", "not-a-date"], "MOMENT"),
        (["due", "1899-01-01T10:00"], "MOMENT"),
        (["due", "2025-03-03T10:00", "--working-days", "-1"], "--working-days"),
        (["due", "2025-03-03T10:00", "--working-days", "two"], "--working-days"),
    ],
)
def test_bad_input_exits_2_and_names_the_argument(args: list[str], names: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert names in err
    assert out == ""


def test_missing_moment_exits_2() -> None:
    code, _, err = run("accept")
    assert code == 2
    assert "MOMENT" in err


def test_version() -> None:
    code, out, _ = run("version")
    assert code == 0
    assert out.strip() == calendar_version()


def test_help_says_naive_is_almaty(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import run as shaqyru

    assert shaqyru(["calendar", "due", "--help", "--lang", "en"]) == 0
    assert "Almaty" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("shaqyru") is None, reason="console script not installed")
def test_installed_command() -> None:
    done = subprocess.run(
        ["shaqyru", "calendar", "due", "2025-02-28T19:00:00+05:00", "--working-days", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SHAQYRU_LANG": "en"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2025-03-03T18:30:00+05:00"
    bad = subprocess.run(
        ["shaqyru", "calendar", "accept", "soon"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SHAQYRU_LANG": "en"},
    )
    assert bad.returncode == 2
    assert "MOMENT" in bad.stderr
