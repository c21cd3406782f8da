"""What the worker's own side of a case costs, free of the server and of the machine's
drift: a recorded history (tests/histories/) replayed again and again in this process,
each replay a new workflow instance in the sandbox, as a worker builds one for a case it
has not got in memory. Prints the CPU milliseconds a replay takes.

    python benchmarks/replay_bench.py [-n 150] [--history signed-granted-v2-calls]

A replay runs everything the worker runs for the case's workflow tasks (decoding the
activations, the workflow code, the SDK's payload handling, encoding the commands) but no
activity, no codec (the recordings are in clear) and no network. One process, nothing to
wait for: the figure moves little from run to run, so it shows changes of a few per cent
that the throughput benchmark cannot."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from temporalio.client import WorkflowHistory  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.worker import Replayer  # noqa: E402

from workflows.application import ApplicationWorkflow  # noqa: E402
from workflows.complaint import ComplaintWorkflow  # noqa: E402
from workflows.runner import workflow_runner  # noqa: E402

WARMUP = 5
HISTORIES = ROOT / "tests" / "histories"


async def measure(name: str, n: int) -> float:
    text = (HISTORIES / f"{name}.json").read_text(encoding="utf-8")
    # Parsed before the clock starts: reading JSON is not what a worker does.
    histories = [WorkflowHistory.from_json(f"replay-{i}", text) for i in range(WARMUP + n)]
    replayer = Replayer(
        workflows=[ApplicationWorkflow, ComplaintWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )

    async def each(some: list[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
        for h in some:
            yield h

    async def replay(some: list[WorkflowHistory]) -> None:
        async with replayer.workflow_replay_iterator(each(some)) as results:
            async for result in results:
                if result.replay_failure is not None:
                    raise result.replay_failure

    await replay(histories[:WARMUP])
    began = time.process_time()
    await replay(histories[WARMUP:])
    return (time.process_time() - began) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=150, help="replays timed")
    parser.add_argument("--history", default="signed-granted-v2-calls", help="a recording's name")
    args = parser.parse_args()
    seconds = asyncio.run(measure(args.history, args.n))
    print(f"{args.history}: {1000 * seconds:.1f} ms of CPU a replay ({args.n} replays)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
