"""Loading the roster of conscription commissions (SPEC 1).

File I/O: call from activities, the starter or the CLI, never from workflow code."""

from __future__ import annotations

from pathlib import Path

import settings
from models.roster import Roster

SAMPLE_ROSTER = Path(__file__).resolve().parent / "data" / "roster-sample.json"


def load_roster(path: Path | str | None = None) -> Roster:
    """The roster at `path`, or at `settings.load().roster_path` (SHAQYRU_ROSTER) when
    omitted. Raises OSError or pydantic.ValidationError for a missing or bad file."""
    source = Path(path) if path is not None else settings.load().roster_path
    return Roster.model_validate_json(source.read_bytes())
