"""How fast a caseworker's inbox answers with thousands of open cases waiting for him.

    python benchmarks/inbox_bench.py [-n 3333] [--runs 5]

Starts a local dev server (the `temporal` binary in the venv) and N open cases of the
workflow type the inbox lists, each with the attributes a case waiting at the members'
review publishes (waiting for esil-m1 among others, deadlines spread over days) and its
registration number in an encrypted memo. `--deadlines clustered` puts every deadline
within minutes, as cases opened together are due; `--deadlines tied` at one moment, as
cases opened over a weekend are. No worker runs: the inbox reads the visibility
store only, so the cases need not move. Then times `inbox()` (every row: the list calls
and the rows), `inbox_soonest()` (the 100 rows the table shows, read window by window of
deadlines, and the count), the SDK's own listing of every row for comparison, and the
whole `shaqyru inbox --as esil-m1` process, as a table (the soonest 100) and as --json
(every row). The target is under a second; `throughput.py --open 10000` measures the
same with real cases."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from temporalio.client import Client  # noqa: E402
from temporalio.common import SearchAttributePair, TypedSearchAttributes  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

import codec  # noqa: E402
from cli.context import SHOWN_ROWS  # noqa: E402
from cli.temporal import inbox, inbox_soonest  # noqa: E402
from workflows import search  # noqa: E402
from workflows.application import WORKFLOW_NAME, workflow_id  # noqa: E402

BIN = Path(sys.executable).parent
MEMBER = "esil-m1"


def _deadline(now: datetime, i: int, shape: str) -> datetime:
    # Spread over days; or as real cases opened within minutes of each other are due, a
    # working day later and together; or, opened over a weekend, at the very same moment.
    if shape == "clustered":
        return now + timedelta(hours=30, seconds=0.3 * i)
    if shape == "tied":
        return now + timedelta(hours=30)
    return now + timedelta(hours=i % 90)


async def _open_cases(client: Client, n: int, shape: str) -> None:
    now, gate = datetime.now(UTC), asyncio.Semaphore(100)

    async def one(i: int) -> None:
        attributes = TypedSearchAttributes(
            [
                SearchAttributePair(search.SERVICE, "deferral"),
                SearchAttributePair(search.GROUND, 5),
                SearchAttributePair(search.DISTRICT, "astana-esil"),
                SearchAttributePair(search.STEP, "review"),
                SearchAttributePair(search.OVERDUE, False),
                SearchAttributePair(search.WAITING_FOR, [MEMBER, "esil-m2"]),
                SearchAttributePair(search.DEADLINE, _deadline(now, i, shape)),
            ]
        )
        async with gate:
            await client.start_workflow(
                WORKFLOW_NAME,
                id=workflow_id(f"BENCH-{i:05d}"),
                task_queue="no-worker",
                search_attributes=attributes,
                memo={"registration_number": f"astana-esil-2026-{i + 1:05d}"},
            )

    began = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(n)))
    query = f"{search.WAITING_FOR.name} = '{MEMBER}' AND ExecutionStatus = 'Running'"
    while (await client.count_workflows(query)).count < n:  # visibility catches up later
        await asyncio.sleep(0.2)
    print(f"opened {n} cases in {time.monotonic() - began:.1f} s")


async def _sdk_listing(client: Client) -> int:
    query = f"{search.WAITING_FOR.name} = '{MEMBER}' AND ExecutionStatus = 'Running'"
    rows = 0
    async for ex in client.list_workflows(query, page_size=1000):
        ex.typed_search_attributes  # noqa: B018
        await ex.memo()
        rows += 1
    return rows


async def _timed(what: str, runs: int, call: Callable[[], Awaitable[object]]) -> None:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        await call()
        times.append(time.perf_counter() - began)
    print(f"{what}: median {statistics.median(times):.3f} s, min {min(times):.3f} s")


async def main(n: int, runs: int, shape: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        keys = codec.KeyFile(Path(tmp) / "keyring.json")
        keys.create()
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(BIN / "temporal"),
            search_attributes=search.ALL,
            data_converter=codec.data_converter(keys),
        )
        try:
            await _open_cases(env.client, n, shape)
            await _timed(f"inbox() over {n} cases", runs, lambda: inbox(env.client, MEMBER))
            await _timed(
                f"inbox_soonest(), {SHOWN_ROWS} of {n}",
                runs,
                lambda: inbox_soonest(env.client, MEMBER, SHOWN_ROWS, datetime.now(UTC)),
            )
            await _timed(
                "the SDK's listing of the same rows", runs, lambda: _sdk_listing(env.client)
            )
            sub_env = {
                **os.environ,
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": env.client.namespace,
                "SHAQYRU_KEYRING": str(keys.path),
                "SHAQYRU_LANG": "ru",
            }
            for form in ([], ["--json"]):
                command = [str(BIN / "shaqyru"), "inbox", "--as", MEMBER, *form]

                async def whole(command: list[str] = command) -> None:
                    done = await asyncio.to_thread(
                        subprocess.run, command, env=sub_env, capture_output=True
                    )
                    if done.returncode != 0:
                        raise RuntimeError(done.stderr.decode())

                await _timed(f"`shaqyru inbox {' '.join(form)}`, whole process", runs, whole)
            await _timed(
                "the command line's start alone (`shaqyru --help`)",
                runs,
                lambda: asyncio.to_thread(
                    subprocess.run, [str(BIN / "shaqyru"), "--help"], capture_output=True
                ),
            )
        finally:
            await env.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3333, help="open cases (default 3333)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each kind")
    parser.add_argument(
        "--deadlines",
        choices=("spread", "clustered", "tied"),
        default="spread",
        help="over 90 hours (default); within 17 minutes, 30 h ahead; all at one moment",
    )
    args = parser.parse_args()
    asyncio.run(main(args.n, args.runs, args.deadlines))
