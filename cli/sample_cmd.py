"""`shaqyru sample`: an example application made fresh, for trying the system out."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from cli.context import current_lang
from rules import calendar
from rules.timezone import ALMATY
from settings import ROOT
from texts import t

EXAMPLES = ROOT / "examples"


def latest_working_moment(t: datetime) -> datetime:
    """`t` when the commission is at work, else the last minute it was."""
    if calendar.is_working_moment(t):
        return t
    local = t.astimezone(ALMATY)
    for back in range(0, 30):
        day = local.date() - timedelta(days=back)
        if not calendar.is_working_day(day):
            continue
        for _, end in reversed(calendar.WORKING_HOURS):
            candidate = datetime.combine(day, end, ALMATY) - timedelta(minutes=1)
            if candidate <= local:
                return candidate
    raise ValueError(f"no working moment in the 30 days before {t.isoformat()}")


def register(app: typer.Typer) -> None:
    @app.command("sample")
    def sample(
        name: Annotated[str, typer.Argument()] = "deferral-5-student",
        app_id: Annotated[str | None, typer.Option("--id")] = None,
    ) -> None:
        """An example application with a fresh id, dated now: `shaqyru sample | shaqyru submit -`.

        It is dated at the latest working moment, so that the case is registered at once."""
        path = EXAMPLES / f"{name}.json"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in EXAMPLES.glob("*.json")))
            typer.echo(t("sample_unknown", current_lang(), name=name, known=known), err=True)
            raise typer.Exit(2)
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["application_id"] = app_id or f"EGOV-{uuid.uuid4().hex[:10].upper()}"
        data["submitted_at"] = latest_working_moment(datetime.now(UTC)).isoformat()
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
