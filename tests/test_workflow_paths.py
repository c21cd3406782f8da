"""Every path of the process (SPEC 4) on the real time-skipping Temporal server."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from activities.registration import Registrar
from models.application import Application
from models.case import CaseStatus, Opened, Step
from models.decisions import ChairmanDecision, Forward, MemberDecision
from models.tables import ApplicationRow, OutboxDelivery, ResultRow
from rules import calendar
from tests.helpers import (
    application,
    at_step,
    holiday_at,
    keep_history,
    local_activity_of,
    make_context,
    published_steps,
    skip_to,
    start,
    status,
    task_queue,
    until,
    weekday_at,
    worker_for,
)
from workflows import search
from workflows.application import ApplicationWorkflow, workflow_id

DAY = calendar.WORKING_DAY


def forward(actor: str, members: list[str] | None = None) -> Forward:
    return Forward(actor=actor, members=members)


def agree(actor: str) -> MemberDecision:
    return MemberDecision(actor=actor, verdict="agree")


def grant(actor: str, until_: date | None = None) -> ChairmanDecision:
    return ChairmanDecision(actor=actor, verdict="grant", until=until_)


async def update(handle, name: str, cmd) -> CaseStatus:
    return await handle.execute_update(name, cmd, result_type=CaseStatus)


async def registered(env, handle, submitted) -> tuple[CaseStatus, str, list[str]]:
    await skip_to(env, submitted + timedelta(minutes=1))
    s = await at_step(handle, Step.forward)
    commission = s.registration.commission
    return s, commission.chairman.id, [m.id for m in commission.members]


async def test_deferral_granted(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))  # a Tuesday
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        s, chairman, members = await registered(time_env, handle, submitted)
        assert s.accepted_at == submitted
        assert s.waiting_for == [chairman]
        forward_due = s.deadlines[-1].due_at
        assert forward_due == calendar.add_working_days(s.deadlines[-1].started_at, 1)
        s = await update(handle, "forward", forward(chairman))
        assert s.forwarded_to == members
        for m in members:
            await update(handle, "member_decision", agree(m))
        end = date(submitted.year + 1, 6, 30)
        await update(handle, "chairman_decision", grant(chairman, end))
        final = await handle.result()
        await keep_history(handle, "deferral-granted")
        history = await handle.fetch_history()
    # Since the patch local-steps the case's own work (registering, issuing, the journal)
    # runs inside its workflow tasks, and since local-calls so does the first try of each
    # outside call: an addressee that answers at once leaves no activity of its own. The
    # one patch marker is the newest baseline's.
    scheduled, local, patches = set(), set(), []
    for e in history.events:
        if e.HasField("activity_task_scheduled_event_attributes"):
            scheduled.add(e.activity_task_scheduled_event_attributes.activity_type.name)
        if (done := local_activity_of(e)) is not None:
            local.add(done)
        elif e.HasField("marker_recorded_event_attributes"):
            marker = e.marker_recorded_event_attributes
            patches.append(json.loads(marker.details["patch-data"].payloads[0].data))
    assert scheduled == set()
    assert local == {
        "calendar_window",
        "open_case",
        "deliver_acceptance_mark",
        "fetch_state_records",
        "issue_result",
        "deliver_to_cabinet",
        "deliver_to_military_body",
        "record_events",
    }
    assert [p["id"] for p in patches] == ["spent-signatures"]
    # Both deliveries succeed within the task that enters the step "deliver": the case
    # never rests there, and "done" is the one upsert for the two steps.
    assert published_steps(history) == ["accept", "forward", "review", "decide", "done"]
    assert final.step == Step.done
    assert final.outcome == "granted"
    assert final.result.kind == "conclusion"
    assert final.result.until == end
    assert final.result.registration_number == final.registration.number
    assert [d.addressee for d in final.deliveries] == ["cabinet", "military"]
    assert all(d.delivered for d in final.deliveries)
    assert not final.escalations and not final.term_breached and not final.rejections
    assert [d.step for d in final.deadlines] == ["forward", "review", "decide", "deliver"]
    assert all(not d.overdue and d.finished_at for d in final.deadlines)
    with Session(context.engine) as db:
        row = db.get(ApplicationRow, app.application_id)
        assert row.step == "done" and row.outcome == "granted"
        outbox = db.exec(select(OutboxDelivery)).all()
        assert {o.addressee for o in outbox} == {"cabinet", "military", "cabinet:acceptance"}
    # No endpoint is configured: the outbox holds them, and nobody pretends otherwise.
    assert final.acceptance_mark is not None and final.acceptance_mark.state == "queued"
    assert {d.state for d in final.deliveries} == {"queued"}
    assert "records.not_asked" in {f.code for f in final.findings}


async def test_exemption_granted(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 2, time(15, 0))
    app = application(submitted, service="exemption", ground=6, district="almaty-almaly")
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        _, chairman, members = await registered(time_env, handle, submitted)
        await update(handle, "forward", forward(chairman))
        for m in members:
            await update(handle, "member_decision", agree(m))
        await update(handle, "chairman_decision", grant(chairman))
        final = await handle.result()
        await keep_history(handle, "exemption-granted")
    assert final.outcome == "granted"
    assert final.result.service == "exemption"
    assert final.result.until is None
    assert final.registration.number.startswith(f"almaty-almaly-{submitted.year}-")


async def test_refusal_with_two_reasons(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 3, time(9, 30))
    app = application(submitted)
    reasons = ["Оқу туралы анықтама жарамсыз", "Анықтамадағы оқу мерзімі өтіп кеткен"]
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        _, chairman, members = await registered(time_env, handle, submitted)
        await update(handle, "forward", forward(chairman))
        await update(handle, "member_decision", agree(members[0]))
        for m in members[1:]:
            refuse = MemberDecision(actor=m, verdict="refuse", refusal_ground=1, details="жарамсыз")
            await update(handle, "member_decision", refuse)
        decision = ChairmanDecision(
            actor=chairman, verdict="refuse", reasons=reasons, refusal_ground=1
        )
        await update(handle, "chairman_decision", decision)
        final = await handle.result()
        await keep_history(handle, "refusal-two-reasons")
    assert final.outcome == "refused"
    # Para. 13: the refusal notice goes to the personal cabinet alone.
    assert [d.addressee for d in final.deliveries] == ["cabinet"]
    assert final.result.kind == "refusal"
    assert final.result.refusal_reasons == reasons
    assert final.result.refusal_ground == 1
    assert [a.answer for a in final.answers] == ["agree", "refuse", "refuse"]


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(lambda now: weekday_at(now, 4, time(19, 0)), id="friday-evening"),
        pytest.param(lambda now: weekday_at(now, 2, time(13, 40)), id="lunch-break"),
        pytest.param(lambda now: weekday_at(now, 0, time(7, 15)), id="before-nine"),
        pytest.param(lambda now: holiday_at(now, time(11, 0)), id="holiday"),
    ],
)
async def test_accepted_at_the_next_working_moment(time_env, context, executor, when):
    client, tq = time_env.client, task_queue()
    submitted = when(await time_env.get_current_time())
    expected = calendar.acceptance_moment(submitted)
    assert expected > submitted
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        await skip_to(time_env, submitted + timedelta(minutes=1))
        s = await at_step(handle, Step.accept)
        assert s.registration is None, "registered before the working day began"
        await skip_to(time_env, expected + timedelta(minutes=1))
        s = await at_step(handle, Step.forward)
        await handle.terminate("test over")
    assert s.accepted_at == expected
    assert s.deadlines[-1].due_at == calendar.add_working_days(s.deadlines[-1].started_at, 1)
    assert s.term_due_at == calendar.add_working_days(expected, 5)
    if submitted.weekday() == 4:
        assert expected.weekday() == 0 and expected.time() == time(9, 0)


async def test_chairman_never_forwards(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 0, time(11, 0))
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        s, chairman, members = await registered(time_env, handle, submitted)
        due = s.deadlines[-1].due_at
        await skip_to(time_env, due + timedelta(minutes=1))
        s = await at_step(handle, Step.review)
        assert s.forwarded_to == members
        assert s.deadlines[0].overdue
        assert [e.kind for e in s.escalations] == ["auto_forward"]
        assert sorted(s.waiting_for) == sorted(members)
        await keep_history(handle, "auto-forward")
        await handle.terminate("test over")


async def test_member_never_answers(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(9, 0))
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        _, chairman, members = await registered(time_env, handle, submitted)
        s = await update(handle, "forward", forward(chairman))
        for m in members[:-1]:
            await update(handle, "member_decision", agree(m))
        s = await status(handle)
        assert s.waiting_for == [members[-1]]
        await skip_to(time_env, s.deadlines[-1].due_at + timedelta(minutes=1))
        s = await at_step(handle, Step.decide)
        silent = next(a for a in s.answers if a.member_id == members[-1])
        assert silent.no_answer and silent.answer is None
        assert [e.kind for e in s.escalations] == ["no_answer"]
        assert s.waiting_for == [chairman]
        await update(handle, "chairman_decision", grant(chairman, date(submitted.year + 1, 1, 31)))
        final = await handle.result()
        await keep_history(handle, "member-no-answer")
    assert final.outcome == "granted"


async def test_chairman_late_two_days_then_decides(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 0, time(9, 0))
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        _, chairman, members = await registered(time_env, handle, submitted)
        await update(handle, "forward", forward(chairman))
        for m in members:
            await update(handle, "member_decision", agree(m))
        s = await at_step(handle, Step.decide)
        due = s.deadlines[-1].due_at
        two_days_late = calendar.add_working_time(due, 2 * DAY + timedelta(hours=1))
        await skip_to(time_env, two_days_late)
        s = await until(
            handle,
            lambda s: (
                [(e.kind, e.count) for e in s.escalations] == [("overdue", 1), ("reminder", 2)]
            ),
            "overdue and two reminders",
        )
        assert s.deadlines[-1].overdue
        assert s.decision is None, "no decision is ever made for the chairman"
        await update(handle, "chairman_decision", grant(chairman, date(submitted.year + 1, 2, 1)))
        final = await handle.result()
        await keep_history(handle, "chairman-late")
    assert final.outcome == "granted"
    # Daily reminders are one entry that counts, so a forgotten case does not grow.
    assert [(e.kind, e.count) for e in final.escalations] == [("overdue", 1), ("reminder", 2)]


async def test_total_term_breach_is_flagged(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 2, time(10, 0))
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        s, chairman, _ = await registered(time_env, handle, submitted)
        await skip_to(time_env, s.term_due_at + timedelta(minutes=5))
        s = await until(handle, lambda s: s.term_breached, "term breach")
        kinds = [e.kind for e in s.escalations]
        assert kinds[:2] == ["auto_forward", "no_answer"]
        assert "term_breach" in kinds
        assert s.step == Step.decide
        assert (await handle.describe()).typed_search_attributes.get(search.OVERDUE) is True
        await update(handle, "chairman_decision", grant(chairman, date(submitted.year + 1, 3, 1)))
        final = await handle.result()
        await keep_history(handle, "term-breach")
        closed = (await handle.describe()).typed_search_attributes
    assert final.term_breached
    assert final.outcome == "granted"
    assert closed.get(search.OVERDUE) is False, "a closed case is not listed as overdue"
    assert closed.get(search.OUTCOME) == "granted"


async def test_worker_replaced_mid_review(time_env, tmp_path, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 3, time(14, 30))
    app = application(submitted)
    first = make_context(tmp_path)
    async with worker_for(client, first, executor, tq, sticky=False):
        # The time-skipping server may hand the next workflow task to a poll the first
        # worker dropped on its way out; that task is tried again when its timeout runs
        # out, after 3 s here rather than the default 10. Nothing else about the case
        # changes: its code, timers and activities' timeouts are its own.
        handle = await client.start_workflow(
            ApplicationWorkflow.run,
            app,
            id=workflow_id(app.application_id),
            task_queue=tq,
            task_timeout=timedelta(seconds=3),
        )
        s, chairman, members = await registered(time_env, handle, submitted)
        number = s.registration.number
        await update(handle, "forward", forward(chairman))
        await update(handle, "member_decision", agree(members[0]))
    # The first worker is gone; a new one, with its own connections, takes over.
    second = make_context(tmp_path)
    async with worker_for(client, second, executor, tq):
        for m in members[1:]:
            await update(handle, "member_decision", agree(m))
        await update(handle, "chairman_decision", grant(chairman, date(submitted.year + 1, 5, 1)))
        final = await handle.result()
    assert final.registration.number == number
    with Session(second.engine) as db:
        assert len(db.exec(select(ApplicationRow)).all()) == 1
        assert len(db.exec(select(ResultRow)).all()) == 1
        assert len(db.exec(select(OutboxDelivery)).all()) == 3  # two answers, one mark


async def test_duplicate_update_is_refused_at_once(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        _, chairman, members = await registered(time_env, handle, submitted)
        await update(handle, "forward", forward(chairman))
        await update(handle, "member_decision", agree(members[0]))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await update(handle, "member_decision", agree(members[0]))
        cause = refused.value.cause
        assert cause.type == "member.already_decided"
        assert cause.details[0]["kk"] and cause.details[0]["ru"]
        s = await status(handle)
        assert [a.answer for a in s.answers] == ["agree", None, None]
        await handle.terminate("test over")


async def test_own_work_failing_in_the_worker_goes_on_as_an_activity(time_env, context, executor):
    """Registration fails inside the case's workflow task: rather than be retried there
    (a timer and a task in history for every attempt), it goes on as an ordinary
    activity, and the case is registered once."""
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(11, 0))
    app = application(submitted)
    registrar, failed = Registrar(context), []

    @activity.defn(name="open_case")
    def open_case(application: Application, accepted_at: datetime) -> Opened:
        if not failed:
            failed.append(activity.info().is_local)
            raise ApplicationError("the read model is away", non_retryable=True)
        return registrar.open_case(application, accepted_at)

    async with worker_for(client, context, executor, tq, replacing=[open_case]):
        handle = await start(client, app, tq)
        s, _, _ = await registered(time_env, handle, submitted)
        history = await handle.fetch_history()
    assert failed == [True], "the first attempt ran as a local activity"
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert "open_case" in scheduled
    assert s.registration is not None and s.registration.number.endswith("-00001")
    with Session(context.engine) as db:
        assert len(db.exec(select(ApplicationRow)).all()) == 1
