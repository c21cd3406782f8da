"""Processes that die without a word: the worker or the Temporal server, SIGKILLed in
the middle of a step and started again, as a crash and a supervisor's restart would."""

from __future__ import annotations

import asyncio
import threading
from functools import partial

from faults.cases import Drive, count_rows, until_true
from faults.stack import Stack

WAIT_FOR_MOMENT = 180.0  # seconds to wait for the moment to strike; a retry takes 60 s
DOWN_FOR = 3.0  # seconds a killed process stays dead


async def _restart_worker(stack: Stack, moment: str, reached: bool) -> None:
    stack.say(moment)
    if not reached:
        stack.notes.append(f"never saw the moment '{moment}'; killed the worker anyway")
    stack.kill_worker()
    await asyncio.sleep(DOWN_FOR)
    await stack.start_worker()


def _midway(stack: Stack, table: str, total: int) -> bool:
    """Some cases have their row in `table`, the others are still on their way."""
    return 0 < count_rows(stack, f"SELECT count(*) FROM {table}") < total


def _first_delivery(stack: Stack) -> threading.Event:
    """Set by an endpoint's thread the instant a delivery's body has arrived."""
    seen = threading.Event()
    for e in stack.endpoints:
        e.on_receipt(lambda _receipt: seen.set())
    return seen


async def worker_kill(stack: Stack, drive: Drive) -> None:
    """SIGKILL the worker while it registers, while it issues, and while it delivers."""
    delivering = _first_delivery(stack)

    total = len(drive.cases)

    async def fault() -> None:
        # Registering and issuing run as local activities inside workflow tasks (patch
        # local-steps), which a describe call does not list: the moment is when some of
        # the cases have their row and the others are on their way.
        for moment, table in (("registering", "applications"), ("issuing", "results")):
            reached = await until_true(partial(_midway, stack, table, total), WAIT_FOR_MOMENT)
            await _restart_worker(stack, f"while {moment}", reached)
        # Deliveries to an accepting endpoint take milliseconds: strike on the first one.
        reached = await until_true(delivering.is_set, WAIT_FOR_MOMENT)
        await _restart_worker(stack, "while delivering", reached)

    await drive.run(fault)


async def delivery_kill(stack: Stack, drive: Drive) -> None:
    """Endpoints that take deliveries in and never answer; the worker is killed with the
    deliveries in flight, the endpoints recover, and a new worker must finish them."""
    stack.switch("hang")
    half = len(drive.cases)  # half of the deliveries: two per case

    def in_flight() -> bool:
        return sum(len(e.by_key()) for e in stack.endpoints) >= half

    async def fault() -> None:
        reached = await until_true(in_flight, WAIT_FOR_MOMENT)
        stack.say(f"{sum(len(e.by_key()) for e in stack.endpoints)} deliveries in flight")
        if not reached:
            stack.notes.append(f"fewer than {half} deliveries were in flight at the kill")
        stack.kill_worker()
        stack.switch("accept")
        await asyncio.sleep(DOWN_FOR)
        await stack.start_worker()

    await drive.run(fault)


async def server_kill(stack: Stack, drive: Drive) -> None:
    """SIGKILL the Temporal server twice on the same SQLite file: while cases are being
    submitted and registered, and once results are being issued."""
    third = max(1, len(drive.cases) // 3)

    async def restart(moment: str, reached: bool) -> None:
        stack.say(moment)
        if not reached:
            stack.notes.append(f"never saw the moment '{moment}'; killed the server anyway")
        stack.kill_server()
        await asyncio.sleep(DOWN_FOR)
        await stack.start_server()
        if not stack.worker_alive():
            # What a supervisor would do; the census says it was needed.
            stack.notes.append(f"the worker died with the server ({moment}); restarted it")
            await stack.start_worker()

    async def fault() -> None:
        reached = await until_true(
            lambda: count_rows(stack, "SELECT count(*) FROM applications") >= third,
            WAIT_FOR_MOMENT,
        )
        await restart("while registering", reached)
        reached = await until_true(
            lambda: count_rows(stack, "SELECT count(*) FROM results") >= 1, WAIT_FOR_MOMENT
        )
        await restart("while issuing", reached)

    await drive.run(fault)
