"""python -m faults [--scenario NAME] [--cases N] [--keep]

Runs each scenario on a system of its own and prints, per scenario, how many cases were
started, finished, lost, duplicated or stuck. Exits 1 when any was lost, duplicated or
stuck."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid

from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from faults import jamming, kills, outages
from faults.cases import RECOVERY_BOUND, Case, Drive, Tally, census
from faults.stack import Stack

SCENARIOS = {
    "worker-kill": kills.worker_kill,
    "server-kill": kills.server_kill,
    "endpoint-fail": outages.outage("fail"),
    "endpoint-hang": outages.outage("hang"),
    "endpoint-trickle": outages.outage("trickle"),
    "endpoint-down": outages.outage("down"),
    "delivery-kill": kills.delivery_kill,
    "jamming": jamming.scenario,
}
COLUMNS = ("started", "finished", "lost", "duplicated", "stuck")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def run_one(name: str, n: int, run_id: str, keep: bool) -> Tally:
    began = time.monotonic()
    stack = Stack(name)
    say(f"{name}: {n} cases; server {stack.address}; files in {stack.dir}")
    cases = [Case(f"FLT-{run_id}-{name}-{i:03d}") for i in range(1, n + 1)]
    try:
        async with stack:
            drive = Drive(stack, cases)
            await SCENARIOS[name](stack, drive)
            tally = await census(stack, name, cases)
    except Exception as broke:  # noqa: BLE001 (a broken harness is reported, not hidden)
        tally = Tally(name, started=n, stuck=n, notes=[f"the scenario broke: {broke!r}"])
    tally.notes[:0] = stack.notes
    say(f"{name}: done in {time.monotonic() - began:.0f} s")
    if tally.ok and not keep:
        stack.cleanup()
    else:
        tally.notes.append(f"files kept in {stack.dir}")
    return tally


def table(tallies: list[Tally]) -> str:
    width = max(len("scenario"), *(len(t.scenario) for t in tallies))
    lines = [" | ".join(["scenario".ljust(width), *COLUMNS])]
    lines.append("-+-".join(["-" * width, *("-" * len(c) for c in COLUMNS)]))
    for t in tallies:
        cells = [str(getattr(t, c)).rjust(len(c)) for c in COLUMNS]
        lines.append(" | ".join([t.scenario.ljust(width), *cells]))
    for t in tallies:
        for note in t.notes:
            lines.append(f"note: {t.scenario}: {note}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/faults",
        description="Whole cases through worker and server kills, misbehaving endpoints and "
        "jamming signals; prints started/finished/lost/duplicated/stuck per scenario.",
    )
    parser.add_argument(
        "--scenario", choices=list(SCENARIOS), action="append", help="only this one (repeatable)"
    )
    parser.add_argument("--cases", type=int, default=10, help="cases per scenario (10)")
    parser.add_argument("--keep", action="store_true", help="keep every scenario's files")
    args = parser.parse_args()
    names = args.scenario or list(SCENARIOS)
    # Every scenario runs on settings of its own, never on the caller's.
    for name in [k for k in os.environ if k.startswith(("SHAQYRU_", "TEMPORAL_"))]:
        del os.environ[name]
    # The client's own retries while a server is down are the point of the scenarios,
    # not news: only its errors are shown.
    quiet = LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=quiet)))
    run_id = uuid.uuid4().hex[:6]
    say(f"run {run_id}: {', '.join(names)}; each case has {RECOVERY_BOUND:.0f} s after recovery")
    tallies = [asyncio.run(run_one(name, args.cases, run_id, args.keep)) for name in names]
    print(table(tallies))
    return 0 if all(t.ok for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
