"""The back office's worker: runs application workflows and their activities.

python worker.py            # settings from the environment (see settings.py)
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

import structlog
from temporalio.worker import Worker

import settings as config
from activities import all_activities
from activities.context import Context
from connection import connect
from workflows.application import ApplicationWorkflow


def configure_logging(json_logs: bool) -> None:
    renderer = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared = [
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
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # The PDF font subsetter reports every table it prunes; only its warnings matter.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def build_worker(client, settings: config.Settings, executor: ThreadPoolExecutor) -> Worker:
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ApplicationWorkflow],
        activities=all_activities(Context.from_settings(settings)),
        activity_executor=executor,
    )


async def run(settings: config.Settings) -> None:
    log = structlog.get_logger("shaqyru.worker")
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings, executor)
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
