"""What the worker spends on a case it has not got in memory: a new instance of the
application workflow in Temporal's sandbox, which imports the workflow's module afresh.
Prints the median and minimum CPU milliseconds over `-n` instances.

    python benchmarks/instance_bench.py [-n 40]

Every case pays it once when it starts, and again whenever it was evicted from the
worker's cache (SHAQYRU_WORKFLOW_CACHE) before its next task. workflows/runner.py keeps
the module's compiled code, so an instance no longer compiles workflows/application.py;
run from a tree without bytecode beside the sources (PYTHONDONTWRITEBYTECODE, as on these
machines) to see what that saves."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio import workflow  # noqa: E402

from workflows.application import ApplicationWorkflow  # noqa: E402
from workflows.runner import workflow_runner  # noqa: E402


async def measure(n: int) -> list[float]:
    runner = workflow_runner()
    defn = workflow._Definition.must_from_class(ApplicationWorkflow)
    times = []
    for _ in range(n):
        began = time.thread_time()
        # What the worker does for a new case, with a stand-in workflow info.
        runner.prepare_workflow(defn)
        times.append(time.thread_time() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="instances")
    args = parser.parse_args()
    times = asyncio.run(measure(args.n))[1:]  # the first also imports what stays loaded
    print(
        f"new ApplicationWorkflow instance in the sandbox: median "
        f"{1000 * statistics.median(times):.2f} ms CPU, min {1000 * min(times):.2f} ms "
        f"({len(times)} instances)"
    )


if __name__ == "__main__":
    main()
