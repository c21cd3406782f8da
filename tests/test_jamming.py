"""No payload can jam a case, and no stream of refused actions can grow it past a known
size (issue 8): each hostile payload is refused with a record, then the case finishes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError

from models.case import (
    CaseStatus,
    Deadline,
    Delivery,
    Escalation,
    MemberAnswer,
    Registration,
    Rejection,
    Step,
)
from models.decisions import (
    DETAILS_LENGTH,
    MAX_REASONS,
    REASON_LENGTH,
    ChairmanDecision,
    Forward,
    MemberDecision,
)
from models.result import Result
from models.roster import MAX_MEMBERS, District, Person
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
from workflows.application import KEPT_REJECTIONS, ApplicationWorkflow, workflow_id
from workflows.checks import FIELD_SHOWN


async def _registered(env, client, context, executor, tq):
    submitted = weekday_at(await env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    handle = await start(client, app, tq)
    await skip_to(env, submitted)
    s = await at_step(handle, Step.forward)
    commission = s.registration.commission
    return handle, commission.chairman.id, [m.id for m in commission.members], app


async def _refused(handle, before: int, code: str) -> CaseStatus:
    s = await until(handle, lambda s: s.rejected_count > before, f"rejection {code}")
    assert s.rejections[-1].code == code, s.rejections[-1]
    return s


async def _finish(handle, chairman: str, members: list[str]) -> CaseStatus:
    await handle.execute_update("forward", Forward(actor=chairman), result_type=CaseStatus)
    for m in members:
        await handle.execute_update(
            "member_decision", MemberDecision(actor=m, verdict="agree"), result_type=CaseStatus
        )
    s = await status(handle)
    until_ = s.submitted_at.date() + timedelta(days=200)
    grant = ChairmanDecision(actor=chairman, verdict="grant", until=until_)
    await handle.execute_update("chairman_decision", grant, result_type=CaseStatus)
    return CaseStatus.model_validate(await handle.result())


async def test_hostile_signals_are_refused_and_the_case_still_finishes(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, context, executor, tq):
        handle, chairman, members, _ = await _registered(time_env, client, context, executor, tq)
        hostile = [
            ((), "payload.missing"),
            ((Forward(actor=chairman), Forward(actor=chairman)), "payload.several"),
            (("forward me",), "payload.invalid"),
            (({"actor": 5},), "payload.invalid"),
            (({"actor": chairman, "members": "esil-m1"},), "payload.invalid"),
            (({"actor": chairman, "extra": 1},), "payload.invalid"),
            (({"actor": "x" * 1_000_000},), "payload.invalid"),
        ]
        for n, (args, code) in enumerate(hostile):
            await handle.signal("forward", args=list(args))
            s = await _refused(handle, n, code)
        assert all(len(r.actor) <= FIELD_SHOWN for r in s.rejections)
        # A decision whose fields break the rules, and a signal nobody defined.
        await handle.signal(
            "member_decision", {"actor": members[0], "verdict": "refuse", "refusal_ground": "1"}
        )
        await _refused(handle, len(hostile), "payload.invalid")
        await handle.signal("no_such_signal", "x" * 1000)
        s = await _refused(handle, len(hostile) + 1, "signal.unknown")
        assert s.step == Step.forward and s.forwarded_to == []

        done = await _finish(handle, chairman, members)
        await keep_history(handle, "hostile-signals")
    assert done.step == Step.done and done.rejected_count == len(hostile) + 2


async def test_hostile_updates_are_refused_at_the_gate(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, context, executor, tq):
        handle, chairman, members, _ = await _registered(time_env, client, context, executor, tq)
        cases = [
            ("forward", [], "payload.missing"),
            ("forward", [{"actor": chairman}, {"actor": chairman}], "payload.several"),
            (
                "forward",
                [{"actor": chairman, "members": ["esil-m1", "esil-m1"]}],
                "members.duplicate",
            ),
            ("forward", [{"actor": chairman + "\u202e"}], "payload.invalid"),
        ]
        for name, args, code in cases:
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(name, args=args, result_type=CaseStatus)
            assert refused.value.cause.type == code
        s = await status(handle)
        # A refused update leaves no trace: the validator turned it away.
        assert s.rejected_count == 0 and s.forwarded_to == []
        assert (await _finish(handle, chairman, members)).step == Step.done


async def test_refused_signals_are_counted_and_the_state_stays_bounded(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, context, executor, tq):
        handle, chairman, members, _ = await _registered(time_env, client, context, executor, tq)
        big = "ж" * 100_000
        for _ in range(25):
            await handle.signal("member_decision", {"actor": members[0], "details": big})
        s = await until(handle, lambda s: s.rejected_count == 25, "25 rejections")
        assert len(s.rejections) == KEPT_REJECTIONS
        assert len(s.model_dump_json()) < 20_000
        assert (await _finish(handle, chairman, members)).step == Step.done


async def test_chairman_decision_limits(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, context, executor, tq):
        handle, chairman, members, app = await _registered(time_env, client, context, executor, tq)
        await handle.execute_update("forward", Forward(actor=chairman), result_type=CaseStatus)
        for m in members:
            await handle.execute_update(
                "member_decision", MemberDecision(actor=m, verdict="agree"), result_type=CaseStatus
            )
        await at_step(handle, Step.decide)
        # The applicant of the sample is 20: his liability ends the day before he is 27.
        born = date(app.submitted_at.year - 20, 5, 17)
        cases = [
            ChairmanDecision(actor=chairman, verdict="grant", until=date(9999, 12, 31)),
            ChairmanDecision(actor=chairman, verdict="grant", until=date(born.year + 27, 5, 17)),
            ChairmanDecision(
                actor=chairman,
                verdict="refuse",
                reasons=["Анықтама жалған"],
                refusal_ground=1,
                until=date(2030, 1, 1),
            ),
        ]
        codes = ["until.too_late", "until.too_late", "until.on_refusal"]
        for cmd, code in zip(cases, codes, strict=True):
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update("chairman_decision", cmd, result_type=CaseStatus)
            assert refused.value.cause.type == code
        last_day = date(born.year + 27, 5, 16)
        s = await handle.execute_update(
            "chairman_decision",
            ChairmanDecision(actor=chairman, verdict="grant", until=last_day),
            result_type=CaseStatus,
        )
        assert s.decision.until == last_day


async def test_a_case_started_with_a_wrong_input_fails_with_the_reason(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    async with worker_for(client, context, executor, tq):
        handle = await client.start_workflow(
            ApplicationWorkflow.run, {"application_id": "X"}, id=workflow_id("X"), task_queue=tq
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()
        assert failed.value.cause.type == "input.invalid"
        assert "service" in str(failed.value.cause) or "missing" in str(failed.value.cause)


def test_the_worst_case_status_stays_far_below_temporal_limits():
    """Every list at its cap and every text at its length, in four-byte characters."""
    wide = "\U0001f600"
    at = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    person = Person(id="m" * 64, name=wide * 200)
    district = District(
        code="d" * 64,
        name_kk=wide * 300,
        name_ru=wide * 300,
        commission_kk=wide * 300,
        commission_ru=wide * 300,
        military_body_kk=wide * 300,
        military_body_ru=wide * 300,
        chairman=Person(id="c" * 64, name=wide * 200),
        members=[person.model_copy(update={"id": f"m{i:063d}"}) for i in range(MAX_MEMBERS)],
    )
    reasons = [wide * REASON_LENGTH] * MAX_REASONS
    decision = ChairmanDecision(actor="c" * 64, verdict="refuse", reasons=reasons, refusal_ground=2)
    result = Result(
        kind="refusal",
        service="deferral",
        ground=13,
        application_id="a" * 64,
        registration_number="r" * 64,
        district="d" * 64,
        commission=wide * 300,
        applicant_name=wide * 302,
        applicant_address=wide * 500,
        reason=wide * 4000,
        refusal_ground=2,
        refusal_reasons=reasons,
        chairman_id="c" * 64,
        chairman_name=wide * 200,
        issued_at=at,
        issued_on=at.date(),
    )
    rejection = Rejection(
        at=at,
        action="a" * 64,
        actor="a" * 64,
        code="payload.invalid",
        kk=wide * 300,
        ru=wide * 300,
        en=wide * 300,
    )
    status = CaseStatus(
        application_id="a" * 64,
        service="deferral",
        ground=13,
        district="d" * 64,
        step=Step.deliver,
        submitted_at=at,
        registration=Registration(number="r" * 64, registered_at=at, commission=district),
        forwarded_to=[m.id for m in district.members],
        deadlines=[Deadline(step=step, started_at=at, due_at=at) for step in Step],
        answers=[
            MemberAnswer(
                member_id=m.id,
                answer="refuse",
                refusal_ground=2,
                details=wide * DETAILS_LENGTH,
                at=at,
            )
            for m in district.members
        ],
        decision=decision,
        decided_at=at,
        outcome="refused",
        result=result,
        deliveries=[Delivery(addressee=a, reference="x" * 200) for a in ("cabinet", "military")],
        rejections=[rejection] * KEPT_REJECTIONS,
        rejected_count=10**9,
        escalations=[
            Escalation(at=at, step=step, kind=kind, note="n" * 100, count=10**6)
            for step in Step
            for kind in ("overdue", "auto_forward", "no_answer", "reminder", "term_breach")
        ],
    )
    size = len(status.model_dump_json().encode())
    print(f"worst-case status: {size} bytes")
    # Temporal refuses payloads over 2 MiB and warns from 512 KiB.
    assert size < 512 * 1024
