"""Signed commands cannot be sent twice: not into a case's new run once a complaint has
reopened it, and not as the chairman's signature over the result that failed its check.

Both attacks need nothing but a command the caseworker once sent, which is in the case's
history for anyone who may read it."""

from __future__ import annotations

import base64
from datetime import time, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from cli.keys_dev_cmd import DEV_PASSWORD
from documents.identity import PersonalKey, load_personal_key, sign_action, sign_document
from models.case import CaseStatus, Step
from models.complaint import Reopen
from models.decisions import ChairmanDecision, Forward, MemberDecision, ResultSigning
from models.signature import command_fields
from tests.helpers import (
    application,
    at_step,
    skip_to,
    start,
    status,
    task_queue,
    until,
    weekday_at,
    worker_for,
)
from workflows.application import ApplicationWorkflow, workflow_id

CHAIR, MEMBERS = "esil-chair", ("esil-m1", "esil-m2", "esil-m3")


def key(dev_keys: Path, who: str) -> PersonalKey:
    return load_personal_key(dev_keys / f"{who}.p12", DEV_PASSWORD.encode())


async def signed(time_env, who: PersonalKey, case: str, action: str, cmd):
    """Signed at the test server's time, which runs ahead of the machine's clock."""
    at = await time_env.get_current_time()
    block = sign_action(who, case, action, command_fields(cmd), signed_at=at)
    return cmd.model_copy(update={"signature": block})


async def refused(handle: WorkflowHandle, action: str, cmd) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(action, cmd, result_type=CaseStatus)
    return str(getattr(failed.value.cause, "type", ""))


async def opened(time_env, tq: str) -> tuple[WorkflowHandle, str]:
    """A new case, registered and at the chairman's forward step."""
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    handle = await start(time_env.client, app, tq)
    await skip_to(time_env, submitted)
    await at_step(handle, Step.forward)
    return handle, app.application_id


async def heard(time_env, handle: WorkflowHandle, case: str, dev_keys: Path) -> list:
    """Forward, three agreeing votes and a grant, each signed; the commands sent."""
    until_on = (await time_env.get_current_time()).date() + timedelta(days=200)
    chair = key(dev_keys, CHAIR)
    sent = [("forward", await signed(time_env, chair, case, "forward", Forward(actor=CHAIR)))]
    for m in MEMBERS:
        vote = MemberDecision(actor=m, verdict="agree")
        sent.append(
            (
                "member_decision",
                await signed(time_env, key(dev_keys, m), case, "member_decision", vote),
            )
        )
    grant = ChairmanDecision(actor=CHAIR, verdict="grant", until=until_on)
    sent.append(
        ("chairman_decision", await signed(time_env, chair, case, "chairman_decision", grant))
    )
    for action, cmd in sent:
        await handle.execute_update(action, cmd, result_type=CaseStatus)
    return sent


async def signature_over_result(time_env, handle, case, context, dev_keys, tamper: bytes = b""):
    s = await at_step(handle, Step.sign)
    sha = next(d.sha256 for d in s.documents if d.kind == "conclusion")
    pdf = context.store().get(sha)
    cms = base64.b64encode(sign_document(pdf + tamper, key(dev_keys, CHAIR))).decode()
    cmd = ResultSigning(actor=CHAIR, document_sha256=sha, cms_base64=cms)
    return await signed(time_env, key(dev_keys, CHAIR), case, "sign_result", cmd)


async def test_a_reopened_case_refuses_the_commands_of_its_first_run(
    time_env, signed_context, dev_keys, executor
):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, signed_context, executor, tq):
        first, case = await opened(time_env, tq)
        sent = await heard(time_env, first, case, dev_keys)
        signing = await signature_over_result(time_env, first, case, signed_context, dev_keys)
        await first.execute_update("sign_result", signing, result_type=CaseStatus)
        await until(first, lambda s: s.step == Step.done, "first run done")

        # A complaint revoked the result: the case's new run, as workflows/complaint.py
        # starts it.
        now = await time_env.get_current_time()
        reopen = Reopen(application_id=case, complaint_id="C-1", outcome="upheld", decided_at=now)
        again = await client.start_workflow(
            ApplicationWorkflow.run, reopen, id=workflow_id(case), task_queue=tq
        )
        began = await until(
            again, lambda s: s.step == Step.forward and s.signed_actions, "reopened"
        )
        assert began.reopened is not None

        for action, cmd in sent:
            assert await refused(again, action, cmd) == "signature.before_reopening"
        # A signal has no validator: the case refuses it on record.
        await again.signal("forward", sent[0][1])
        s = await until(again, lambda s: s.rejected_count == 1, "the signal refused")
        assert s.rejections[-1].code == "signature.before_reopening"
        assert s.forwarded_to == [] and s.step == Step.forward

        # The chairman signs afresh and the new run goes on.
        fresh = await signed(time_env, key(dev_keys, CHAIR), case, "forward", Forward(actor=CHAIR))
        s = await again.execute_update("forward", fresh, result_type=CaseStatus)
        assert s.forwarded_to == list(MEMBERS)


async def test_a_signature_over_the_result_that_failed_is_not_taken_twice(
    time_env, signed_context, dev_keys, executor
):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, signed_context, executor, tq):
        handle, case = await opened(time_env, tq)
        await heard(time_env, handle, case, dev_keys)
        # The chairman's genuine command, with a CMS over other bytes than the document's.
        bad = await signature_over_result(time_env, handle, case, signed_context, dev_keys, b"%")
        assert await refused(handle, "sign_result", bad) == "result_signature.invalid"
        for _ in range(3):
            assert await refused(handle, "sign_result", bad) == "signature.replayed"

        events = [e async for e in handle.fetch_history_events()]
        accepted = [
            e for e in events if e.HasField("workflow_execution_update_accepted_event_attributes")
        ]
        signing_updates = [
            e for e in accepted
            if e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
            == "sign_result"
        ]  # fmt: skip
        assert len(signing_updates) == 1
        s = await status(handle)
        assert s.rejected_count == 1 and s.rejections[-1].code == "result_signature.invalid"
        assert s.chairman_signature is None

        good = await signature_over_result(time_env, handle, case, signed_context, dev_keys)
        s = await handle.execute_update("sign_result", good, result_type=CaseStatus)
        assert s.chairman_signature is not None
