"""Supervisors and inboxes find cases by their search attributes on the real dev server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cli.sample_cmd import latest_working_moment
from models.case import Step
from models.decisions import Forward
from tests.helpers import (
    application,
    at_step,
    eventually,
    start,
    task_queue,
    until,
    worker_for,
)


async def _found(client, query: str, expected: set[str]) -> None:
    """Visibility is eventually consistent: ask again, for a bounded time."""

    async def found() -> set[str]:
        return {wf.id async for wf in client.list_workflows(query)}

    what = f"{query!r} finds {sorted(expected)}"
    await eventually(found, lambda f: f == expected, what, every=0.1)


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
