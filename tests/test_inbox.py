"""The inbox's soonest rows, read window by window from the visibility store, are the
same rows, in the same order, as sorting the whole inbox (issue 12: an inbox of thousands
answers without listing them all)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from cli import temporal
from cli.context import SHOWN_ROWS
from tests.helpers import eventually, shaqyru
from texts import t
from workflows import search
from workflows.application import WORKFLOW_NAME, workflow_id

# Deadlines in hours from now: overdue ones, some in each window and past the last, and
# cases with no deadline at all, which come last.
OFFSETS: list[float | None] = [
    -300.0,
    -5.0,
    -0.5,
    0.5,
    1.9,
    3.0,
    7.0,
    9.0,
    30.0,
    33.0,
    100.0,
    200.0,
    600.0,
    3000.0,
    5000.0,
    None,
    None,
]


async def _open(
    client: Client, actor: str, now: datetime, offsets: list[float | None] = OFFSETS
) -> list[str]:
    """Cases waiting for `actor` (and one waiting for someone else), on a task queue no
    worker serves: the inbox reads visibility alone."""
    ids = []

    async def one(i: int, hours: float | None, waiting: str) -> None:
        pairs = [
            SearchAttributePair(search.SERVICE, "deferral"),
            SearchAttributePair(search.DISTRICT, f"inbox-{actor}"),
            SearchAttributePair(search.STEP, "review"),
            SearchAttributePair(search.WAITING_FOR, [waiting]),
        ]
        if hours is not None:
            pairs.append(SearchAttributePair(search.DEADLINE, now + timedelta(hours=hours)))
        wid = workflow_id(f"{actor}-{i:03d}")
        ids.append(wid)
        await client.start_workflow(
            WORKFLOW_NAME,
            id=wid,
            task_queue=f"no-worker-{actor}",
            search_attributes=TypedSearchAttributes(pairs),
        )

    await asyncio.gather(
        *(one(i, h, actor) for i, h in enumerate(offsets)),
        one(len(offsets), 0.1, f"{actor}-other"),
    )
    return ids


@pytest.mark.parametrize("n", [1, 4, 9, 14, 100])
async def test_the_soonest_rows_are_those_of_the_whole_inbox_sorted(dev_env, n):
    client = dev_env.client
    actor = f"m{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    ids = await _open(client, actor, now)
    try:
        whole = await eventually(
            lambda: temporal.inbox(client, actor),
            lambda rows: len(rows) == len(OFFSETS),
            "the cases reach visibility",
        )
        rows, total = await temporal.inbox_soonest(client, actor, n, now)
    finally:
        for wid in ids:
            await client.get_workflow_handle(wid).terminate("test over")
    assert total == len(OFFSETS)
    assert [r.application_id for r in rows] == [r.application_id for r in whole[:n]]
    # Soonest first: the overdue ones lead, and cases with no deadline close the list.
    assert rows[0].deadline == now + timedelta(hours=-300)
    if n >= len(OFFSETS):
        assert [r.deadline for r in rows[-2:]] == [None, None]


async def test_the_inbox_table_shows_the_soonest_and_counts_the_rest(dev_env):
    """`shaqyru inbox` lays out SHOWN_ROWS rows and says how many there are; `--all`
    lays out every one."""
    client = dev_env.client
    actor = f"m{uuid.uuid4().hex[:8]}"
    many = SHOWN_ROWS + 3
    offsets: list[float | None] = [float(i % 50) for i in range(many)]
    ids = await _open(client, actor, datetime.now(UTC), offsets)
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": client.namespace,
        "COLUMNS": "300",
    }

    def run(*args: str) -> str:
        command = [*shaqyru(), "inbox", "--as", actor, "--lang", "en", *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    try:
        await eventually(
            lambda: temporal.inbox(client, actor),
            lambda rows: len(rows) == many,
            "the cases reach visibility",
        )
        table = await asyncio.to_thread(run)
        everything = await asyncio.to_thread(run, "--all")
    finally:
        for wid in ids:
            await client.get_workflow_handle(wid).terminate("test over")
    listed = [w.removeprefix("application-") for w in ids[:many]]
    assert sum(app in table for app in listed) == SHOWN_ROWS
    assert t("rows_more", "en", shown=SHOWN_ROWS, n=many) in table.replace("\n", " ")
    assert all(app in everything for app in listed)
    assert t("rows_more", "en", shown=SHOWN_ROWS, n=many) not in everything


async def test_rows_due_at_the_same_moment_are_taken_as_they_come(dev_env):
    """Cases opened together are due together: of rows due at one moment, as many as are
    missing are taken, after every row due before it."""
    client = dev_env.client
    actor = f"m{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    offsets: list[float | None] = [-3.0, *[30.0] * 12, 40.0]
    ids = await _open(client, actor, now, offsets)
    try:
        await eventually(
            lambda: temporal.inbox(client, actor),
            lambda rows: len(rows) == len(offsets),
            "the cases reach visibility",
        )
        rows, total = await temporal.inbox_soonest(client, actor, 4, now)
    finally:
        for wid in ids:
            await client.get_workflow_handle(wid).terminate("test over")
    assert total == len(offsets)
    tie = now + timedelta(hours=30)
    assert [r.deadline for r in rows] == [now + timedelta(hours=-3), tie, tie, tie]
