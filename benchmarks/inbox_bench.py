"""How fast a caseworker's inbox answers with 1,000 open cases waiting for him.

    python benchmarks/inbox_bench.py [-n 1000] [--runs 5]

Starts a local dev server (the `temporal` binary in the venv) and a worker, submits N
real cases, forwards each to the whole commission of astana-esil, so that every one
waits for member esil-m1, then times `inbox()` (one visibility list call) and the whole
`shaqyru inbox --as esil-m1 --json` subprocess. The target is under a second."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.client import Client, WorkflowUpdateFailedError  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from activities.context import Context  # noqa: E402
from cli.cases import inbox  # noqa: E402
from models.decisions import Forward  # noqa: E402
from settings import Settings  # noqa: E402
from tests.helpers import (  # noqa: E402
    application,
    start,  # noqa: E402
    worker_for,
)
from tests.test_cli_cases import recent_working_moment  # noqa: E402
from workflows import search  # noqa: E402

BIN = Path(sys.executable).parent
MEMBER, CHAIR = "esil-m1", "esil-chair"


async def _forward(client: Client, app_id: str) -> None:
    handle = client.get_workflow_handle(f"application-{app_id}")
    # The case accepts the forward only once it is registered: retry the refusal.
    for _ in range(600):
        try:
            await handle.execute_update("forward", Forward(actor=CHAIR))
            return
        except WorkflowUpdateFailedError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{app_id} never reached the forward step")


async def _open_cases(client: Client, tq: str, n: int) -> None:
    submitted = recent_working_moment()
    began = time.monotonic()
    for batch in range(0, n, 100):
        apps = [
            application(submitted, app_id=f"BENCH-{i:05d}")
            for i in range(batch, min(batch + 100, n))
        ]
        await asyncio.gather(*(start(client, a, tq) for a in apps))
        await asyncio.gather(*(_forward(client, a.application_id) for a in apps))
    print(f"opened and forwarded {n} cases in {time.monotonic() - began:.1f} s")
    query = f"{search.WAITING_FOR.name} = '{MEMBER}' AND ExecutionStatus = 'Running'"
    for _ in range(600):  # the visibility store catches up asynchronously
        if (await client.count_workflows(query)).count >= n:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the visibility store never listed every case")


async def _subprocess(env: dict[str, str]) -> tuple[float, int]:
    began = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        str(BIN / "shaqyru"),
        "inbox",
        "--as",
        MEMBER,
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(err.decode())
    return time.perf_counter() - began, out.count(b'"application_id"')


async def main(n: int, runs: int) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        search_attributes=search.ALL,
        data_converter=pydantic_data_converter,
    )
    tq = "inbox-bench"
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Context.from_settings(Settings(data_dir=Path(tmp)))
        from concurrent.futures import ThreadPoolExecutor

        try:
            with ThreadPoolExecutor(max_workers=16) as pool:
                async with worker_for(env.client, ctx, pool, tq):
                    await _open_cases(env.client, tq, n)
                    inner = []
                    for _ in range(runs):
                        began = time.perf_counter()
                        rows = await inbox(env.client, MEMBER)
                        inner.append(time.perf_counter() - began)
                    print(
                        f"inbox() for {len(rows)} cases: median {statistics.median(inner):.3f} s,"
                        f" max {max(inner):.3f} s over {runs} runs"
                    )
                    sub_env = {
                        **os.environ,
                        "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                        "TEMPORAL_NAMESPACE": env.client.namespace,
                    }
                    whole = []
                    for _ in range(runs):
                        seconds, count = await _subprocess(sub_env)
                        whole.append(seconds)
                    print(
                        f"`shaqyru inbox --json` ({count} cases), whole process: median "
                        f"{statistics.median(whole):.3f} s, max {max(whole):.3f} s"
                    )
        finally:
            await env.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="open cases (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each kind")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.runs))
    sys.stdout.flush()
    os._exit(0)  # the Temporal runtime can crash at interpreter exit (sdk-python #300)
