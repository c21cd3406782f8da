"""Supervisors and inboxes find cases by their search attributes on the real dev server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from cli.sample_cmd import latest_working_moment
from models.case import Step
from models.decisions import Forward
from tests.cases import at_step, start, task_queue, until
from tests.conftest import application, worker_for


async def _found(client, query: str, expected: set[str]) -> None:
    """Visibility is eventually consistent: ask again, a bounded number of times."""
    found: set[str] = set()
    for _ in range(100):
        found = {wf.id async for wf in client.list_workflows(query)}
        if found == expected:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{query!r} found {sorted(found)}, expected {sorted(expected)}")


async def test_find_by_step_overdue_and_who_must_act(dev_env, context, executor):
    client, tq = dev_env.client, task_queue()
    now = datetime.now(UTC)
    fresh = application(latest_working_moment(now))
    # Accepted three weeks ago: its five working days are over before it starts.
    late = application(latest_working_moment(now - timedelta(days=21)))
    async with worker_for(client, context, executor, tq):
        a = await start(client, fresh, tq)
        b = await start(client, late, tq)
        await at_step(a, Step.forward)
        await until(b, lambda s: s.term_breached, "term breach")
        scope = f"TaskQueue = '{tq}'"

        await _found(client, f"{scope} AND ShaqyruStep = 'forward'", {a.id, b.id})
        await _found(client, f"{scope} AND ShaqyruOverdue = true", {b.id})
        await _found(client, f"{scope} AND ShaqyruWaitingFor = 'esil-chair'", {a.id, b.id})
        await _found(client, f"{scope} AND ShaqyruDistrict = 'astana-esil'", {a.id, b.id})

        await a.execute_update("forward", Forward(actor="esil-chair", members=["esil-m1"]))
        await _found(client, f"{scope} AND ShaqyruWaitingFor = 'esil-m1'", {a.id})
        await _found(client, f"{scope} AND ShaqyruStep = 'review'", {a.id})
        await _found(client, f"{scope} AND ShaqyruWaitingFor = 'esil-chair'", {b.id})
        await a.terminate("test over")
        await b.terminate("test over")
