"""The back office's worker: runs application workflows and their activities.

python worker.py            # settings from the environment (see settings.py)
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

import structlog
from structlog.typing import Processor
from temporalio.worker import Worker

import settings as config
from activities import all_activities
from activities.context import Context
from activities.db import current_revision
from connection import connect
from documents.store import default_store
from workflows.application import ApplicationWorkflow
from workflows.complaint import ComplaintWorkflow
from workflows.runner import workflow_runner


def configure_logging(json_logs: bool, stream: TextIO | None = None) -> None:
    # Workflow code logs inside Temporal's sandbox, where a lazy import (rich's pretty
    # tracebacks read os.path on import) is refused: plain tracebacks need nothing new.
    renderer = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    # The SDK logs through the standard library; route it through the same renderer.
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *([structlog.processors.dict_tracebacks] if json_logs else []),
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # The PDF font subsetter reports every table it prunes; only its warnings matter.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


# Threads for the sync activities: registration, issuing, the journal. Deliveries are
# async and wait for their addressees on the event loop, so they take none of these.
SYNC_THREADS = 16
# Open cases kept in memory between their workflow tasks. Each costs about 0.3 MiB here
# (the case's state, the sandbox's module view, its pending futures), so 1,000 hold the
# worker near 500 MiB however many cases are open; a case not in the cache is rebuilt
# from its history at its next task, which costs CPU, not correctness.
# SHAQYRU_WORKFLOW_CACHE sets it (docs/operations.md).
WORKFLOW_CACHE = int(os.environ.get("SHAQYRU_WORKFLOW_CACHE", "1000"))


def build_worker(
    client, ctx: Context, task_queue: str, executor: ThreadPoolExecutor, sync_threads: int
) -> Worker:
    with warnings.catch_warnings():
        # The SDK expects a thread for every slot; the slots beyond the pool's threads
        # are meant for the async deliveries, which take no thread.
        warnings.filterwarnings("ignore", "Worker max_concurrent_activities")
        return Worker(
            client,
            task_queue=task_queue,
            workflows=[ApplicationWorkflow, ComplaintWorkflow],
            workflow_runner=workflow_runner(),
            activities=all_activities(ctx),
            activity_executor=executor,
            # Slots are shared by every activity. Deliveries take at most
            # ctx.delivery_limit of them (an attempt past it is turned away and retried),
            # so a slow addressee always leaves a slot for each pool thread.
            max_concurrent_activities=ctx.delivery_limit + sync_threads,
            max_cached_workflows=WORKFLOW_CACHE,
        )


async def run(settings: config.Settings) -> None:
    log = structlog.get_logger("shaqyru.worker")
    log.info("document store swept", stale_temp_files=len(default_store(settings).sweep()))
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # Connecting applies the read model's migrations (migrations/) it lacks, under a lock
    # that workers starting together take in turn.
    ctx = Context.from_settings(settings)
    log.info("read model ready", revision=current_revision(ctx.engine))
    # Without trust anchors no case could take a signed action: say so now, not at the
    # first registration.
    assert ctx.trust_source is not None
    try:
        ctx.trust_source()
    except Exception as problem:
        log.error(
            "cannot read the trusted CAs or the enrolled certificates; for development run "
            "`shaqyru keys dev init`, else set SHAQYRU_TRUSTED_CA and SHAQYRU_KEY_BINDINGS",
            problem=str(problem),
        )
        raise SystemExit(1) from None
    with ThreadPoolExecutor(max_workers=SYNC_THREADS) as executor:
        worker = build_worker(client, ctx, settings.task_queue, executor, SYNC_THREADS)
        log.info(
            "worker started",
            address=settings.temporal_address,
            namespace=settings.temporal_namespace,
            task_queue=settings.task_queue,
        )
        async with worker:
            await stop.wait()
            log.info("worker stopping: finishing the tasks in hand")
    log.info("worker stopped")


def main() -> None:
    settings = config.load()
    configure_logging(json_logs=not sys.stderr.isatty())
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
