"""The fault suite's fast part, in CI (`scripts/faults` runs the rest; it takes minutes).

Jamming payloads are sent to a case on the dev server with the real `temporal` command,
as anyone with access to the namespace could send them: a signal with no input, with two
inputs, with a value of the wrong type, with a 1 MB actor, and 25 refused ones of 100 KB.
Each must be refused or dropped without failing a workflow task and without growing the
case's state, which must be unchanged; the case must then complete as usual."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

import starter
from faults.cases import UNHANDLED_COMMAND, application_json
from faults.jamming import JAMS, Jam, signal
from models.case import CaseStatus, Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
)
from settings import Settings
from tests.helpers import eventually, worker_for
from workflows.application import workflow_id

CALL = timedelta(seconds=10)
STATE_AT_MOST = 256 * 1024  # bytes of the status query's answer after all the jamming


async def _at_forward(handle: WorkflowHandle) -> CaseStatus:
    async def now() -> CaseStatus:
        return await handle.query("status", result_type=CaseStatus, rpc_timeout=CALL)

    return await eventually(now, lambda s: s.step == Step.forward, "the forward step", every=0.05)


async def _settled(handle: WorkflowHandle) -> list:
    """The history once a workflow task has taken the last signal (or failed on it)."""
    took = (EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)

    async def events() -> list:
        return list((await handle.fetch_history()).events)

    def taken(events: list) -> bool:
        signalled = [
            i
            for i, e in enumerate(events)
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        ]
        return bool(signalled) and any(e.event_type in took for e in events[signalled[-1] :])

    return await eventually(events, taken, "a workflow task took the signals", every=0.05)


@pytest.mark.parametrize("jam", JAMS, ids=[j.name for j in JAMS])
async def test_a_jammed_case_still_completes(
    dev_env, context, executor, tmp_path, jam: Jam
) -> None:
    client = dev_env.client
    settings = Settings(task_queue=f"jam-{uuid.uuid4().hex[:8]}")
    app_id = f"JAM-{jam.name}-{uuid.uuid4().hex[:8]}"
    async with worker_for(client, context, executor, settings.task_queue):
        await starter.submit(client, starter.validate(application_json(app_id), settings), settings)
        handle = client.get_workflow_handle(workflow_id(app_id), result_type=CaseStatus)
        before = await _at_forward(handle)

        address = client.service_client.config.target_host
        sent = await signal(address, client.namespace, handle.id, jam, tmp_path)
        assert [s.code for s in sent] == [0] * jam.times, sent

        events = await _settled(handle)
        # UnhandledCommand is only the server's race with a signal arriving mid-task.
        failed = [
            e
            for e in events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
            and e.workflow_task_failed_event_attributes.cause != UNHANDLED_COMMAND
        ]
        assert not failed, failed[0].workflow_task_failed_event_attributes.failure.message
        after = await handle.query("status", result_type=CaseStatus, rpc_timeout=CALL)
        assert after.step == Step.forward and not after.forwarded_to
        assert after.answers == before.answers and after.decision is None
        assert len(after.model_dump_json()) < STATE_AT_MOST

        assert before.registration is not None
        commission = before.registration.commission
        chair = commission.chairman.id
        await handle.execute_update(
            "forward", Forward(actor=chair), result_type=CaseStatus, rpc_timeout=CALL
        )
        for m in commission.members:
            vote = MemberDecision(actor=m.id, verdict=MemberVerdict.agree)
            await handle.execute_update(
                "member_decision", vote, result_type=CaseStatus, rpc_timeout=CALL
            )
        until = date(date.today().year + 2, 6, 30)
        grant = ChairmanDecision(actor=chair, verdict=ChairmanVerdict.grant, until=until)
        await handle.execute_update(
            "chairman_decision", grant, result_type=CaseStatus, rpc_timeout=CALL
        )
        done = await asyncio.wait_for(handle.result(), timeout=30)
    assert done.step == Step.done and done.outcome == "granted"
    assert all(d.delivered for d in done.deliveries)
