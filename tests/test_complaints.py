"""Complaints against the commission's acts (para. 14; APPK art. 91-92) on the real
time-skipping Temporal server, with the application's case beside them."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import Session
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowUpdateFailedError,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer, Worker

from activities import all_activities
from activities.complaints import addressee, document_kind
from models.case import CaseStatus
from models.complaint import (
    CaseSnapshot,
    Complaint,
    ComplaintStart,
    ComplaintStatus,
    snapshot,
)
from models.decisions import ChairmanDecision, Forward, MemberDecision
from models.roster import Person
from models.tables import DocumentRow, OutboxDelivery, ResultRow, Revocation
from rules.complaint import Act, CaseFacts, admissible, filing_deadline, is_late
from tests.helpers import (
    HISTORIES,
    application,
    eventually,
    keep_history,
    skip_to,
    start,
    status,
    task_queue,
    until,
    weekday_at,
)
from workflows import search
from workflows.application import ApplicationWorkflow
from workflows.complaint import ComplaintWorkflow, workflow_id
from workflows.runner import workflow_runner

REVIEWER = "region-reviewer"


def worker(client: Client, context, executor, tq: str) -> Worker:
    return Worker(
        client,
        task_queue=tq,
        workflows=[ApplicationWorkflow, ComplaintWorkflow],
        workflow_runner=workflow_runner(),
        activities=all_activities(context),
        activity_executor=executor,
    )


async def file(
    client: Client, tq: str, case: CaseSnapshot, act: Act, at: datetime, **kw
) -> WorkflowHandle:
    complaint = Complaint(
        complaint_id=f"C-{task_queue()}",
        application_id=kw.pop("application_id", "T-none"),
        act=act,
        text="Шешіммен келіспеймін: анықтама жарамды",
        filed_at=at,
        **kw,
    )
    begin = ComplaintStart(complaint=complaint, case=case, reviewer=REVIEWER)
    return await client.start_workflow(
        "Complaint", begin, id=workflow_id(complaint.complaint_id), task_queue=tq
    )


async def complaint_status(handle: WorkflowHandle) -> ComplaintStatus:
    return await handle.query("status", result_type=ComplaintStatus)


async def act(handle: WorkflowHandle, name: str, cmd: dict) -> ComplaintStatus:
    return await handle.execute_update(name, cmd, result_type=ComplaintStatus)


def closed_case(result_kind: str, result_at: datetime, chairman: str = "esil-chair"):
    """A finished case as its status shows it, for complaints that need no live case."""
    return CaseSnapshot(
        district="astana-esil",
        commission_kk="Есіл ауданының әскерге шақыру комиссиясы",
        commission_ru="Призывная комиссия района Есиль",
        chairman=Person(id=chairman, name="Серікбаев Дәулет Ержанұлы"),
        registration_number="astana-esil-2026-000001",
        finished=True,
        result_kind=result_kind,
        result_at=result_at,
    )


async def refused_case(env, client, tq, **kind) -> tuple[str, CaseSnapshot]:
    submitted = weekday_at(await env.get_current_time(), 1, time(10, 0))
    app = application(submitted, **kind)
    handle = await start(client, app, tq)
    await skip_to(env, submitted + timedelta(minutes=1))
    s = await until(handle, lambda s: s.registration is not None, "registered")
    chairman = s.registration.commission.chairman.id
    members = [m.id for m in s.registration.commission.members]
    await handle.execute_update("forward", Forward(actor=chairman))
    for m in members:
        refuse = MemberDecision(actor=m, verdict="refuse", refusal_ground=1, details="жарамсыз")
        await handle.execute_update("member_decision", refuse)
    decision = ChairmanDecision(
        actor=chairman, verdict="refuse", reasons=["Анықтама жарамсыз"], refusal_ground=1
    )
    await handle.execute_update("chairman_decision", decision)
    await handle.result()
    return app.application_id, snapshot(await status(handle))


# ---- the rules alone ---------------------------------------------------------------------


def test_filing_period_is_three_months_to_the_day():
    assert filing_deadline(date(2026, 3, 10)) == date(2026, 6, 10)
    assert filing_deadline(date(2025, 11, 30)) == date(2026, 2, 28)
    assert not is_late(date(2026, 3, 10), date(2026, 6, 10))
    assert is_late(date(2026, 3, 10), date(2026, 6, 11))


def test_what_may_be_complained_of():
    open_in_term = CaseFacts(finished=False, result_kind=None, term_breached=False)
    open_breached = CaseFacts(finished=False, result_kind=None, term_breached=True)
    refused = CaseFacts(finished=True, result_kind="refusal", term_breached=False)
    assert admissible(Act.inaction, open_in_term).code == "complaint.inaction_in_term"
    assert admissible(Act.inaction, open_breached) is None
    assert admissible(Act.inaction, refused).code == "complaint.inaction_finished"
    assert admissible(Act.refusal, refused) is None
    assert admissible(Act.conclusion, refused).code == "complaint.other_result"
    assert admissible(Act.refusal, open_breached).code == "complaint.not_finished"


# ---- on the server -----------------------------------------------------------------------


async def test_complaint_against_refusal_dismissed(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    async with worker(client, context, executor, tq):
        app_id, case = await refused_case(time_env, client, tq)
        assert case.result_kind == "refusal" and case.result_at is not None
        # The server skips time freely once the case is closed: the applicant files "now"
        # and says he learned of the refusal today, so the filing is in time.
        filed = await time_env.get_current_time()
        handle = await file(
            client, tq, case, Act.refusal, filed, application_id=app_id, learned_on=filed.date()
        )
        s = await until_complaint(handle, lambda s: s.body_due_at is not None, "body's term")
        assert s.waiting_for == [case.chairman.id] and not s.late
        # The reviewing body cannot decide before the complaint reaches it; nor can
        # anyone but the chairman act for the commission.
        with pytest.raises(WorkflowUpdateFailedError):
            await act(handle, "review_decision", {"actor": REVIEWER, "verdict": "dismissed",
                                                  "reason": "x"})  # fmt: skip
        with pytest.raises(WorkflowUpdateFailedError):
            await act(handle, "body_action", {"actor": "esil-m1", "action": "pass"})
        with pytest.raises(WorkflowUpdateFailedError):
            await act(handle, "body_action", ["not", "a", "command"])
        s = await act(handle, "body_action", {"actor": case.chairman.id, "action": "pass"})
        assert s.passed_at is not None
        s = await until_complaint(handle, lambda s: s.review_due_at is not None, "review term")
        assert s.waiting_for == [REVIEWER]
        reason = "Анықтама оқу орнының тізілімінде жоқ; бас тарту негізді"
        await act(
            handle,
            "review_decision",
            {"actor": REVIEWER, "verdict": "dismissed", "reason": reason},
        )
        final = await done(handle)
        await keep_history(handle, "complaint-dismissed")
    assert final.step == "done" and final.decided.outcome == "dismissed"
    assert not final.revoked and final.reconsider_sent is None
    assert final.escalations == [] and final.rejected_count == 0
    assert final.delivery.state == "queued"
    with Session(context.engine) as db:
        doc = db.get(DocumentRow, (app_id, document_kind(final.complaint_id)))
        row = db.get(OutboxDelivery, (app_id, addressee(final.complaint_id)))
    assert doc is not None and doc.sha256 == final.answer.sha256 and doc.signature_sha256
    assert row is not None and row.document_sha256 == final.answer.sha256
    assert reason in row.payload["text"]["ru"] and "оставлено в силе" in row.payload["text"]["ru"]
    pdf = context.store().get(final.answer.sha256)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Шағымды қарау нәтижелері туралы жауап" in text
    assert "Ответ о результатах рассмотрения жалобы" in text


async def done(handle: WorkflowHandle) -> ComplaintStatus:
    return ComplaintStatus.model_validate(await handle.result())


async def until_complaint(handle, test, what: str) -> ComplaintStatus:
    return await eventually(
        lambda: complaint_status(handle), test, f"complaint never reached: {what}"
    )


async def test_upheld_refusal_is_decided_again(time_env, context, executor):
    """Upheld against a refusal: the commission decides again in a new run of the case,
    the new conclusion is delivered beside the old notice, which is marked revoked."""
    client, tq = time_env.client, task_queue()
    async with worker(client, context, executor, tq):
        # An exemption, which has no end date: the shared server's clock may have run
        # years ahead by now, past any deferral this applicant could still be given.
        exemption = {"service": "exemption", "ground": 6, "district": "astana-esil"}
        app_id, case = await refused_case(time_env, client, tq, **exemption)
        filed = await time_env.get_current_time()
        handle = await file(
            client, tq, case, Act.refusal, filed, application_id=app_id, learned_on=filed.date()
        )
        await until_complaint(handle, lambda s: s.body_due_at is not None, "body's term")
        await act(handle, "body_action", {"actor": case.chairman.id, "action": "pass"})
        await until_complaint(handle, lambda s: s.review_due_at is not None, "review term")
        why = "Анықтама жарамды: бас тарту негізсіз"
        await act(handle, "review_decision", {"actor": REVIEWER, "verdict": "upheld",
                                              "reason": why})  # fmt: skip
        # Polled, not awaited: awaiting a result lets the server skip time, which would
        # run out the new decision's deadlines before the caseworkers act.
        sent = await until_complaint(handle, lambda s: s.reconsider_sent is not None, "sent")
        assert sent.revoked and sent.reconsider_sent is True

        # The case's new run: the same registration, back at the commission.
        again = client.get_workflow_handle(f"application-{app_id}")
        s = await until(again, lambda s: s.step == "forward", "decided again")
        assert s.reopened is not None and s.reopened.complaint_id == sent.complaint_id
        assert s.reopened.kind == "refusal" and s.reopened.revision == 1
        assert s.registration.number == case.registration_number
        chairman = s.registration.commission.chairman.id
        await again.execute_update("forward", Forward(actor=chairman))
        for m in s.registration.commission.members:
            agree = MemberDecision(actor=m.id, verdict="agree")
            await again.execute_update("member_decision", agree)
        grant = ChairmanDecision(actor=chairman, verdict="grant")
        await again.execute_update("chairman_decision", grant)
        final = CaseStatus.model_validate(await again.result())
        complaint = await done(handle)
        await keep_history(again, "complaint-upheld-decided-again")
        await keep_history(handle, "complaint-upheld")
    assert final.result.kind == "conclusion" and final.step == "done"
    assert {d.addressee for d in final.deliveries} == {"cabinet", "military"}
    assert all(d.delivered for d in final.deliveries)
    with Session(context.engine) as db:
        old = db.get(DocumentRow, (app_id, "refusal"))
        new = db.get(DocumentRow, (app_id, "conclusion.r1"))
        revocation = db.get(Revocation, (app_id, 1))
        result = db.get(ResultRow, app_id)
        old_cabinet = db.get(OutboxDelivery, (app_id, "cabinet"))
        new_cabinet = db.get(OutboxDelivery, (app_id, "cabinet.r1"))
    # Both documents stay; the trail names the revoked one and the complaint.
    assert old is not None and new is not None and old.sha256 != new.sha256
    assert revocation.complaint_id == complaint.complaint_id
    assert revocation.document_kind == "refusal" and revocation.sha256 == old.sha256
    assert result.kind == "conclusion" and result.revision == 1
    assert old_cabinet.payload["kind"] == "refusal"
    assert new_cabinet.payload["kind"] == "conclusion"
    assert new_cabinet.payload["replaces"]["sha256"] == old.sha256
    assert new_cabinet.payload["replaces"]["complaint_id"] == complaint.complaint_id


async def test_body_missing_its_term_is_escalated(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    now = await time_env.get_current_time()
    filed = weekday_at(now, 0, time(10, 0))
    case = closed_case("refusal", filed - timedelta(days=7))
    async with worker(client, context, executor, tq):
        await skip_to(time_env, filed)
        handle = await file(client, tq, case, Act.refusal, filed)
        s = await until_complaint(handle, lambda s: s.body_due_at is not None, "body's term")
        # Monday 10:00 plus three working days: Thursday 10:00.
        assert s.body_due_at == filed + timedelta(days=3)
        await skip_to(time_env, s.body_due_at + timedelta(minutes=5))
        s = await until_complaint(handle, lambda s: s.review_due_at is not None, "passed on")
        assert [(e.step, e.kind) for e in s.escalations] == [("body", "body_overdue")]
        assert s.passed_at >= s.body_due_at and s.waiting_for == [REVIEWER]
        desc = await handle.describe()
        assert desc.typed_search_attributes.get(search.STEP) == "complaint-review"
        # The reviewing body is late too: reminders, nobody decides in its place.
        # Five days: one working day and more, whatever weekday the term ended on.
        await skip_to(time_env, s.review_due_at + timedelta(days=5))
        s = await until_complaint(
            handle, lambda s: any(e.kind == "reminder" for e in s.escalations), "reminder"
        )
        assert [e.kind for e in s.escalations][:2] == ["body_overdue", "review_overdue"]
        assert (await handle.describe()).typed_search_attributes.get(search.OVERDUE) is True
        await act(handle, "review_decision", {"actor": REVIEWER, "verdict": "upheld",
                                              "reason": "Анықтама жарамды"})  # fmt: skip
        final = await done(handle)
    # No case of that id was ever registered in this read model: nothing to revoke, so
    # no new run of it, and the answer says the complaint reopened nothing.
    assert final.decided.outcome == "upheld" and not final.revoked and final.superseded
    assert final.reconsider_sent is None
    with pytest.raises(RPCError) as unknown:
        await client.get_workflow_handle("application-T-none").describe()
    assert unknown.value.status == RPCStatusCode.NOT_FOUND


async def test_late_complaint_is_refused_with_the_reason(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    now = await time_env.get_current_time()
    filed = weekday_at(now, 1, time(11, 0))
    learned = filed.date() - timedelta(days=120)
    case = closed_case("refusal", datetime.combine(learned, time(12, 0), filed.tzinfo))
    async with worker(client, context, executor, tq):
        handle = await file(client, tq, case, Act.refusal, filed)
        # Art. 92 p. 3: a missed period is no ground to refuse to take the complaint.
        s = await until_complaint(handle, lambda s: s.body_due_at is not None, "taken")
        assert s.late and s.filing_deadline == filing_deadline(learned)
        await act(handle, "body_action", {"actor": case.chairman.id, "action": "pass"})
        await until_complaint(handle, lambda s: s.review_due_at is not None, "review term")
        await act(handle, "review_decision", {"actor": REVIEWER, "verdict": "dismissed",
                                              "reason": "Мерзім өтіп кеткен"})  # fmt: skip
        final = await done(handle)
    assert final.decided.outcome == "dismissed"
    with Session(context.engine) as db:
        row = db.get(OutboxDelivery, (final.application_id, addressee(final.complaint_id)))
    ru = row.payload["text"]["ru"]
    assert "по истечении 3-месячного срока" in ru and "срок не восстановлен" in ru
    assert filing_deadline(learned).strftime("%d.%m.%Y") in ru


async def test_inaction_after_the_term_was_breached(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 2, time(10, 0))
    app = application(submitted)
    async with worker(client, context, executor, tq):
        app_handle = await start(client, app, tq)
        await skip_to(time_env, submitted + timedelta(minutes=1))
        s = await until(app_handle, lambda s: s.term_due_at is not None, "accepted")
        # Inaction within the term is no inaction: the complaint is returned, in writing.
        early = await file(
            client,
            tq,
            snapshot(
                await until(app_handle, lambda s: s.registration is not None, "registered")
            ),  # fmt: skip
            Act.inaction,
            await time_env.get_current_time(),
            application_id=app.application_id,
        )
        returned = await done(early)
        assert returned.decided.outcome == "returned" and returned.answer is not None
        await skip_to(time_env, s.term_due_at + timedelta(minutes=5))
        s = await until(app_handle, lambda s: s.term_breached, "term breach")
        case = snapshot(s)
        assert case.term_breached and not case.finished
        handle = await file(
            client,
            tq,
            case,
            Act.inaction,
            await time_env.get_current_time(),
            application_id=app.application_id,
        )
        await until_complaint(handle, lambda s: s.body_due_at is not None, "body's term")
        why = "Мерзім бұзылды; өтініш қайта қаралады"
        satisfy = {"actor": case.chairman.id, "action": "satisfy", "reason": why}
        await act(handle, "body_action", satisfy)
        final = await done(handle)
        await app_handle.terminate("test over")
    assert final.decided.outcome == "satisfied" and final.revoked
    # The application's case is open: it took the signal (it has no handler for it yet).
    assert final.reconsider_sent is True
    assert final.escalations == []


async def test_recorded_complaint_replays():
    path = HISTORIES / "complaint-dismissed.json"
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    replayer = Replayer(
        workflows=[ComplaintWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )
    await replayer.replay_workflow(history)
