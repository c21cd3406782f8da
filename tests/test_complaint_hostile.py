"""Complaints that try the workflow's limits: a second complaint against an act already
revoked, starts no portal means (dates out of range, a reviewer from the commission
itself), and the dates the written answer prints. On the time-skipping server, beside
the application's case, as tests/test_complaints.py runs them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowFailureError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError

from activities.complaints import addressee
from documents import complaint_texts
from documents.texts import Lang
from models.case import CaseStatus
from models.complaint import Complaint, ComplaintAnswer, ComplaintStart, ComplaintStatus
from models.decisions import ChairmanDecision, Forward, MemberDecision
from models.tables import OutboxDelivery, ResultRow, Revocation
from rules.complaint import Act
from tests.helpers import task_queue, until
from tests.test_complaints import (
    REVIEWER,
    act,
    closed_case,
    done,
    refused_case,
    until_complaint,
    worker,
)
from workflows.complaint import workflow_id


async def _file(client, tq: str, case, complaint_id: str, app_id: str, at: datetime):
    complaint = Complaint(
        complaint_id=complaint_id,
        application_id=app_id,
        act=Act.refusal,
        text="Бас тартумен келіспеймін",
        filed_at=at,
        learned_on=at.date(),
    )
    begin = ComplaintStart(complaint=complaint, case=case, reviewer=REVIEWER)
    return await client.start_workflow(
        "Complaint", begin, id=workflow_id(complaint_id), task_queue=tq
    )


async def _to_review(handle, chairman: str) -> None:
    await until_complaint(handle, lambda s: s.body_due_at is not None, "body's term")
    await act(handle, "body_action", {"actor": chairman, "action": "pass"})
    await until_complaint(handle, lambda s: s.review_due_at is not None, "review term")


async def _upheld(handle) -> None:
    await act(handle, "review_decision", {"actor": REVIEWER, "verdict": "upheld",
                                          "reason": "Бас тарту негізсіз"})  # fmt: skip


async def test_a_second_upheld_complaint_leaves_the_new_decision_alone(time_env, context, executor):
    """Two complaints against one refusal, both upheld: the first revokes the refusal and
    the commission grants; the second finds its act gone and revokes nothing, least of
    all the grant nobody complained of, and its answer says so."""
    client, tq = time_env.client, task_queue()
    async with worker(client, context, executor, tq):
        exemption = {"service": "exemption", "ground": 6, "district": "astana-esil"}
        app_id, case = await refused_case(time_env, client, tq, **exemption)
        assert case.result_revision == 0
        now = await time_env.get_current_time()
        first = await _file(client, tq, case, f"C1-{tq}", app_id, now)
        second = await _file(client, tq, case, f"C2-{tq}", app_id, now)
        for handle in (first, second):
            await _to_review(handle, case.chairman.id)
        await _upheld(first)
        await until_complaint(first, lambda s: s.reconsider_sent is not None, "sent")
        again = client.get_workflow_handle(f"application-{app_id}")
        s = await until(again, lambda s: s.step == "forward", "decided again")
        chairman = s.registration.commission.chairman.id
        await again.execute_update("forward", Forward(actor=chairman))
        for m in s.registration.commission.members:
            await again.execute_update(
                "member_decision", MemberDecision(actor=m.id, verdict="agree")
            )
        await again.execute_update(
            "chairman_decision", ChairmanDecision(actor=chairman, verdict="grant")
        )
        granted = CaseStatus.model_validate(await again.result())
        granted_run = (await again.describe()).run_id
        assert granted.result.kind == "conclusion"

        await _upheld(second)
        final = await done(second)
        latest = await client.get_workflow_handle(f"application-{app_id}").describe()
    assert final.decided.outcome == "upheld"
    assert final.superseded and not final.revoked and final.reconsider_sent is None
    # No third run: the granted one is still the case's latest.
    assert latest.run_id == granted_run
    with Session(context.engine) as db:
        revocations = db.exec(select(Revocation).where(Revocation.application_id == app_id)).all()
        result = db.get(ResultRow, app_id)
        answer = db.get(OutboxDelivery, (app_id, addressee(final.complaint_id)))
    assert [(r.complaint_id, r.kind, r.revision) for r in revocations] == [
        (f"C1-{tq}", "refusal", 1)
    ]
    assert (result.kind, result.revision) == ("conclusion", 1)
    assert answer.payload["revoked"] is False
    assert "ничего не отменяется" in answer.payload["text"]["ru"]
    assert "nothing is revoked on this complaint" in answer.payload["text"]["en"]


def _start(now: datetime, complaint: dict[str, Any], reviewer: str = REVIEWER) -> dict:
    case = closed_case("refusal", now - timedelta(days=2)).model_copy(
        update={"members": ["esil-m1", "esil-m2", "esil-m3"]}
    )
    body = {
        "complaint_id": f"C-{task_queue()}",
        "application_id": "T-none",
        "act": "refusal",
        "text": "Бас тартумен келіспеймін",
        "filed_at": now.isoformat(),
        **complaint,
    }
    return {"complaint": body, "case": case.model_dump(mode="json"), "reviewer": reviewer}


# What the portal could send that no portal means, and the field the failure names.
HOSTILE = {
    "naive filed_at": ({"filed_at": "2026-01-05T10:00:00"}, None, "complaint.filed_at"),
    "learned in 9999": ({"learned_on": "9999-11-01"}, None, "complaint.learned_on"),
    "filed at the end of time": (
        {"filed_at": "9999-12-31T23:00:00-12:00"},
        None,
        "complaint.filed_at",
    ),
    "filed in 1999": ({"filed_at": "1999-06-01T10:00:00+05:00"}, None, "complaint.filed_at"),
    "learned after filing": ({"learned_on": "2099-01-01"}, None, "complaint.learned_on"),
    "the chairman reviews": ({}, "esil-chair", "reviewer"),
    "a member reviews": ({}, "esil-m2", "reviewer"),
}


@pytest.mark.parametrize(("complaint", "reviewer", "field"), HOSTILE.values(), ids=HOSTILE)
async def test_a_start_no_portal_means_fails_naming_the_field(
    time_env, context, executor, complaint, reviewer, field
):
    client, tq = time_env.client, task_queue()
    now = await time_env.get_current_time()
    begin = _start(now, complaint, reviewer or REVIEWER)
    async with worker(client, context, executor, tq):
        handle = await client.start_workflow(
            "Complaint", begin, id=workflow_id(begin["complaint"]["complaint_id"]), task_queue=tq
        )
        # Wall-clock bound: a start that jams its workflow task never ends at all.
        with pytest.raises(WorkflowFailureError) as failed:
            await asyncio.wait_for(handle.result(), timeout=10)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "input.invalid"
    assert cause.non_retryable and field in cause.message


def test_the_answer_is_dated_by_the_almaty_day():
    # 20:30 UTC on 10 March is 01:30 on 11 March in Almaty, where the commission sits.
    at = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)
    answer = ComplaintAnswer(
        complaint_id="C1",
        application_id="A1",
        act=Act.refusal,
        commission_kk="Комиссия",
        commission_ru="Комиссия",
        filed_at=at,
        outcome="returned",
        returned_why={"ru": "-"},
        decided_by="system",
        decided_at=at,
    )
    assert "жалоба от 11.03.2026" in complaint_texts.paragraphs("ru", answer)[0]
    page = complaint_texts.answer_page(answer, Lang.ru, "0" * 64, False)
    assert page.issued.endswith("11.03.2026")
    assert page.signature[-1] == "«11» марта 2026 года"


async def test_an_update_sent_with_the_start_of_a_returned_complaint_is_refused(
    dev_env, context, executor
):
    """An inaction complaint against a finished case is returned by the system. A chairman's
    `satisfy` sent together with its start (update-with-start) used to be accepted before
    `run` returned the complaint: he was told "satisfied, revoked" of a complaint that
    ended "returned", nothing revoked."""
    client, tq = dev_env.client, task_queue()
    now = datetime.now(UTC)
    case = closed_case("refusal", now - timedelta(days=1))
    c = Complaint(
        complaint_id=f"C-uws-{tq}", application_id="T-uws", act=Act.inaction, text="x", filed_at=now
    )
    begin = ComplaintStart(complaint=c, case=case, reviewer=REVIEWER)
    satisfy = {"actor": case.chairman.id, "action": "satisfy", "reason": "Қанағаттандырылды"}
    async with worker(client, context, executor, tq):
        op = WithStartWorkflowOperation(
            "Complaint",
            begin,
            id=workflow_id(c.complaint_id),
            task_queue=tq,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await client.execute_update_with_start_workflow(
                "body_action", satisfy, start_workflow_operation=op, result_type=ComplaintStatus
            )
        final = await done(await op.workflow_handle())
    assert getattr(refused.value.cause, "type", None) == "complaint.inaction_finished"
    assert final.decided is not None and final.decided.outcome == "returned"
    assert final.decided.by == "system" and not final.revoked
