"""Every kind of wrong action is refused, changes nothing, and stays visible (SPEC 4)."""

from __future__ import annotations

from datetime import date, time, timedelta

from models.case import CaseStatus, Step
from models.decisions import ChairmanDecision, Forward, MemberDecision
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
from workflows.application import KEPT_REJECTIONS

SIDE = {"acceptance_mark", "findings", "records_asked"}


def _unchanged(before: CaseStatus, after: CaseStatus) -> None:
    # The acceptance mark and the records arrive in their own time, beside the actions.
    keep = {"rejections", "rejected_count", "deadlines", "waiting_for"} | SIDE
    assert after.model_dump(exclude=keep) == before.model_dump(exclude=keep)
    assert after.waiting_for == before.waiting_for


async def _signal_rejected(handle, name: str, cmd, code: str) -> CaseStatus:
    before = await status(handle)
    await handle.signal(name, cmd)
    after = await until(
        handle, lambda s: s.rejected_count == before.rejected_count + 1, f"rejection {code}"
    )
    _unchanged(before, after)
    rejection = after.rejections[-1]
    assert (rejection.action, rejection.actor, rejection.code) == (name, cmd.actor, code)
    assert rejection.kk and rejection.ru and rejection.en
    return after


async def test_each_rejected_signal_changes_nothing(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        await skip_to(time_env, submitted)
        s = await at_step(handle, Step.forward)
        chairman = s.registration.commission.chairman.id
        m1, m2, m3 = (m.id for m in s.registration.commission.members)
        outsider = "almaly-chair"

        # forward
        await _signal_rejected(handle, "forward", Forward(actor=m1), "actor.not_chairman")
        await _signal_rejected(handle, "forward", Forward(actor=outsider), "actor.not_chairman")
        await _signal_rejected(
            handle, "forward", Forward(actor=chairman, members=["almaly-m1"]), "members.unknown"
        )
        await _signal_rejected(
            handle, "forward", Forward(actor=chairman, members=[]), "members.empty"
        )
        await _signal_rejected(
            handle,
            "member_decision",
            MemberDecision(actor=m1, verdict="agree"),
            "actor.not_forwarded",
        )
        grant = ChairmanDecision(actor=chairman, verdict="grant", until=date(2030, 1, 1))
        await _signal_rejected(handle, "chairman_decision", grant, "step.wrong")

        await handle.signal("forward", Forward(actor=chairman, members=[m1, m2]))
        await at_step(handle, Step.review)

        # member decisions
        await _signal_rejected(handle, "forward", Forward(actor=chairman), "step.wrong")
        await _signal_rejected(
            handle,
            "member_decision",
            MemberDecision(actor=m3, verdict="agree"),
            "actor.not_forwarded",
        )
        await _signal_rejected(
            handle,
            "member_decision",
            MemberDecision(actor=m1, verdict="refuse", details="жалған"),
            "refusal.ground_missing",
        )
        await _signal_rejected(
            handle,
            "member_decision",
            MemberDecision(actor=m1, verdict="refuse", refusal_ground=2, details="  "),
            "refusal.details_missing",
        )
        await _signal_rejected(
            handle,
            "member_decision",
            MemberDecision(actor=m1, verdict="agree", refusal_ground=1),
            "agree.with_refusal",
        )
        await handle.signal("member_decision", MemberDecision(actor=m1, verdict="agree"))
        await until(handle, lambda s: s.answers[0].answer == "agree", "m1 agrees")
        await _signal_rejected(
            handle,
            "member_decision",
            MemberDecision(actor=m1, verdict="agree"),
            "member.already_decided",
        )
        await handle.signal("member_decision", MemberDecision(actor=m2, verdict="agree"))
        s = await at_step(handle, Step.decide)

        # the chairman's decision
        accepted = s.accepted_at.date()
        for cmd, code in [
            (
                ChairmanDecision(actor=m1, verdict="grant", until=date(2030, 1, 1)),
                "actor.not_chairman",
            ),
            (ChairmanDecision(actor=chairman, verdict="grant"), "until.missing"),
            (
                ChairmanDecision(actor=chairman, verdict="grant", until=accepted),
                "until.not_after_acceptance",
            ),
            (ChairmanDecision(actor=chairman, verdict="refuse"), "reasons.missing"),
            (ChairmanDecision(actor=chairman, verdict="refuse", reasons=[" "]), "reasons.missing"),
            (
                ChairmanDecision(actor=chairman, verdict="refuse", reasons=["Анықтама жоқ", " "]),
                "reasons.blank",
            ),
            (
                ChairmanDecision(actor=chairman, verdict="refuse", reasons=["Анықтама жоқ"]),
                "refusal.ground_missing",
            ),
            (
                ChairmanDecision(
                    actor=chairman,
                    verdict="grant",
                    until=accepted + timedelta(100),
                    refusal_ground=1,
                ),
                "grant.with_refusal_ground",
            ),
            (
                ChairmanDecision(
                    actor=chairman, verdict="grant", until=date(2030, 1, 1), reasons=["x"]
                ),
                "reasons.on_grant",
            ),
        ]:
            s = await _signal_rejected(handle, "chairman_decision", cmd, code)
        # Every refusal is counted; the case keeps the last few in full.
        assert s.rejected_count == 21 and len(s.rejections) == KEPT_REJECTIONS
        assert s.rejections[-1].code == "reasons.on_grant"
        assert s.decision is None and s.step == Step.decide
        await handle.terminate("test over")


async def test_exemption_grant_has_no_end_date(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 2, time(10, 0))
    app = application(submitted, service="exemption", ground=6)
    async with worker_for(client, context, executor, tq):
        handle = await start(client, app, tq)
        await skip_to(time_env, submitted)
        s = await at_step(handle, Step.forward)
        chairman = s.registration.commission.chairman.id
        await handle.signal("forward", Forward(actor=chairman))
        for m in s.registration.commission.members:
            await handle.signal("member_decision", MemberDecision(actor=m.id, verdict="agree"))
        await at_step(handle, Step.decide)
        cmd = ChairmanDecision(actor=chairman, verdict="grant", until=date(2030, 1, 1))
        await _signal_rejected(handle, "chairman_decision", cmd, "until.not_for_exemption")
        await handle.terminate("test over")
