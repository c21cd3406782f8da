"""The commission's local time.

Read from the `tzdata` package, not the system, so that every machine agrees on the
1 March 2024 change (UTC+6 until 29 February 2024, UTC+5 from 1 March 2024)."""

from __future__ import annotations

from importlib import resources
from zoneinfo import ZoneInfo


def _from_tzdata(key: str) -> ZoneInfo:
    with resources.files("tzdata.zoneinfo").joinpath(*key.split("/")).open("rb") as f:
        return ZoneInfo.from_file(f, key=key)


ALMATY = _from_tzdata("Asia/Almaty")
