"""Every action of a signed case must carry its sender's valid signature (issue 9).

Real keys from the development CA, the real time-skipping server: each forgery is
refused with its own code and changes nothing; genuine actions finish the case."""

from __future__ import annotations

import base64
from datetime import time, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError

from cli.keys_dev_cmd import DEV_PASSWORD, EXPIRED_FILE, REVOKED_FILE
from documents.identity import load_personal_key, sign_command, sign_document
from models.case import CaseStatus, Step
from models.decisions import ChairmanDecision, Forward, MemberDecision, ResultSigning
from tests.helpers import (
    application,
    at_step,
    keep_history,
    skip_to,
    start,
    status,
    task_queue,
    until,
    weekday_at,
    worker_for,
)


def key(dev_keys: Path, name: str):
    return load_personal_key(dev_keys / name, DEV_PASSWORD.encode())


async def refused(handle, name: str, cmd, code: str, on_record: bool = False) -> None:
    """Refused, and the case unchanged; `on_record`: refused after the case had the
    command checked by an activity, and so counted among its refusals, as a signal's is."""
    before = await status(handle)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(name, cmd, result_type=CaseStatus)
    assert failure.value.cause.type == code, failure.value.cause
    after = await status(handle)
    side = {"acceptance_mark", "findings", "records_asked"}  # they come in their own time
    if on_record:
        assert after.rejected_count == before.rejected_count + 1
        assert after.rejections[-1].code == code
        side |= {"rejected_count", "rejections"}
    assert after.model_dump(exclude=side) == before.model_dump(exclude=side), "changed"


async def test_forged_actions_are_refused_and_genuine_ones_finish_the_case(
    time_env, signed_context, dev_keys, executor
):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app, other = application(submitted), application(submitted)
    case = app.application_id
    chair, m1, m2, m3 = (key(dev_keys, f"{p}.p12") for p in ("esil-chair", *MEMBERS))
    async with worker_for(client, signed_context, executor, tq):
        handle = await start(client, app, tq)
        await skip_to(time_env, submitted)
        s = await at_step(handle, Step.forward)
        assert s.signed_actions

        forward = Forward(actor="esil-chair")
        await refused(handle, "forward", forward, "signature.missing")
        await refused(
            handle, "forward", sign_command(m1, case, "forward", forward), "signature.wrong_person"
        )
        await refused(
            handle,
            "forward",
            sign_command(chair, other.application_id, "forward", forward),
            "signature.other_case",
        )
        genuine = sign_command(chair, case, "forward", forward)
        tampered = genuine.model_copy(update={"members": ["esil-m1"]})
        await refused(handle, "forward", tampered, "signature.invalid")
        await refused(
            handle,
            "member_decision",
            sign_command(chair, case, "forward", Forward(actor="esil-chair")).model_dump(),
            "payload.invalid",
        )
        s = await handle.execute_update("forward", genuine, result_type=CaseStatus)
        assert s.forwarded_to == list(MEMBERS)

        agree = MemberDecision(actor="esil-m1", verdict="agree")
        for name, code in (
            (EXPIRED_FILE, "signature.expired"),
            (REVOKED_FILE, "signature.revoked"),
        ):
            forged = sign_command(key(dev_keys, name), case, "member_decision", agree)
            await refused(handle, "member_decision", forged, code)
        await refused(
            handle,
            "member_decision",
            sign_command(m1, case, "forward", agree),
            "signature.other_action",
        )
        first = sign_command(m1, case, "member_decision", agree)
        await handle.execute_update("member_decision", first, result_type=CaseStatus)
        # Sent again, the same genuine signature: the member has decided, and the nonce
        # is spent.
        again = first.model_copy(update={"actor": "esil-m1"})
        await refused(handle, "member_decision", again, "signature.replayed")

        # A signal is checked the same way; a forged one is recorded, not taken.
        await handle.signal("member_decision", MemberDecision(actor="esil-m2", verdict="agree"))
        s = await until(handle, lambda s: s.rejected_count == 1, "unsigned signal refused")
        assert s.rejections[-1].code == "signature.missing"
        for member, who in ((m2, "esil-m2"), (m3, "esil-m3")):
            cmd = MemberDecision(actor=who, verdict="agree")
            signed = sign_command(member, case, "member_decision", cmd)
            await handle.signal("member_decision", signed)
        await at_step(handle, Step.decide)

        grant = ChairmanDecision(
            actor="esil-chair", verdict="grant", until=submitted.date() + timedelta(days=200)
        )
        await handle.execute_update(
            "chairman_decision",
            sign_command(chair, case, "chairman_decision", grant),
            result_type=CaseStatus,
        )
        s = await at_step(handle, Step.sign)
        assert not any(d.delivered for d in s.deliveries)
        sha = next(d.sha256 for d in s.documents if d.kind == "conclusion")
        pdf = signed_context.store().get(sha)

        def signing(by, pdf_bytes: bytes, actor: str = "esil-chair") -> ResultSigning:
            cms = base64.b64encode(sign_document(pdf_bytes, by)).decode()
            cmd = ResultSigning(actor=actor, document_sha256=sha, cms_base64=cms)
            return sign_command(by, case, "sign_result", cmd)

        await refused(handle, "sign_result", signing(m1, pdf, "esil-m1"), "actor.not_chairman")
        # The chairman's key over other bytes, or a member's key over the right ones: the
        # activity's check with openssl refuses both.
        other_bytes = signing(chair, pdf + b"%")
        await refused(
            handle, "sign_result", other_bytes, "result_signature.invalid", on_record=True
        )
        forged = signing(chair, pdf).model_copy(
            update={"cms_base64": base64.b64encode(sign_document(pdf, m1)).decode()}
        )
        resigned = sign_command(
            chair, case, "sign_result", forged.model_copy(update={"signature": None})
        )
        await refused(handle, "sign_result", resigned, "result_signature.invalid", on_record=True)
        s = await handle.execute_update("sign_result", signing(chair, pdf), result_type=CaseStatus)
        assert s.chairman_signature is not None
        final = CaseStatus.model_validate(await handle.result())
        await keep_history(handle, "signed-granted-v2")
    assert final.step == Step.done and final.outcome == "granted"
    assert final.decision.signature is not None
    assert all(d.delivered for d in final.deliveries)
    assert final.chairman_signature.signature_sha256 is not None


async def test_a_signature_from_the_future_is_refused(time_env, signed_context, dev_keys, executor):
    from documents.identity import sign_action
    from models.signature import command_fields

    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    async with worker_for(client, signed_context, executor, tq):
        handle = await start(client, app, tq)
        await skip_to(time_env, submitted)
        await at_step(handle, Step.forward)
        now = await time_env.get_current_time()
        forward = Forward(actor="esil-chair")
        block = sign_action(
            key(dev_keys, "esil-chair.p12"),
            app.application_id,
            "forward",
            command_fields(forward),
            signed_at=now + timedelta(days=30),
        )
        await refused(
            handle,
            "forward",
            forward.model_copy(update={"signature": block}),
            "signature.from_future",
        )


MEMBERS = ("esil-m1", "esil-m2", "esil-m3")
