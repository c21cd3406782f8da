"""One complaint against the commission's decision, action or inaction (para. 14 of the
rules; the APPK's pre-trial appeal, rules/complaint.py and docs/complaints.md).

Filed through the body that took the act, the district commission, whose chairman has
BODY_TERM working days to satisfy it himself or pass it, with the case, to the reviewing
body; that body decides within REVIEW_TERM working days. Either way the applicant gets a
signed written answer in his personal cabinet. Terms run on the working-time calendar,
asked through the same `calendar_due` local activity as the application's case, so the
answers are in history and a day declared off later still moves a deadline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, SearchAttributeUpdate, WorkflowIDReusePolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    FailureError,
    WorkflowAlreadyStartedError,
)
from temporalio.workflow import ParentClosePolicy

from workflows.application import ApplicationWorkflow

with workflow.unsafe.imports_passed_through():
    from activities.complaints import Complaints
    from activities.reopening import Reopening
    from models.complaint import (
        KEPT_ESCALATIONS,
        BodyCommand,
        ComplaintAnswer,
        ComplaintEscalation,
        ComplaintOutcome,
        ComplaintStart,
        ComplaintStatus,
        ComplaintStep,
        Decided,
        Reconsider,
        Reopen,
        ReviewDecision,
    )
    from rules.complaint import (
        BODY_TERM,
        REVIEW_TERM,
        Act,
        BodyAction,
        CaseFacts,
        Verdict,
        admissible,
        filing_deadline,
        is_late,
    )
    from rules.refusal import Refusal
    from rules.timezone import ALMATY
    from workflows import search
    from workflows.checks import parse_command, shown
    from workflows.details import details
    from workflows.options import DELIVERY, ONCE, Rejected, calendar_due, wait_until

WORKFLOW_NAME = "Complaint"


def workflow_id(complaint_id: str) -> str:
    return f"complaint-{complaint_id}"


@workflow.defn(name=WORKFLOW_NAME)
class ComplaintWorkflow:
    # Raw input, as the application's case takes it: a wrong start fails with a reason
    # instead of failing its workflow task forever.
    @workflow.init
    def __init__(self, *args: Any) -> None:
        self._invalid: str | None = None
        self._inadmissible: Refusal | None = None
        self._published: dict[str, Any] = {}
        parsed = parse_command(ComplaintStart, args)
        if isinstance(parsed, Refusal):
            self._unreadable(parsed.text("en"))
            return
        self._start = parsed
        c, case = parsed.complaint, parsed.case
        try:
            # The day the applicant learned of the act: his word, else the delivery of the
            # result; inaction has no such day and is complained of while it lasts.
            learned = c.learned_on
            if learned is None and case.result_at is not None:
                learned = case.result_at.astimezone(ALMATY).date()
            deadline = filing_deadline(learned) if learned else None
            late = learned is not None and is_late(learned, c.filed_at.astimezone(ALMATY).date())
        except (OverflowError, ValueError):
            # Only dates far outside YEARS get here, and such a start failed every
            # workflow task before: failing the complaint now rewrites no history.
            why = parsed.refused()
            self._unreadable(why.text("en") if why else "a date is out of range")
            return
        self._status = ComplaintStatus(
            complaint_id=c.complaint_id,
            application_id=c.application_id,
            act=c.act.value,
            district=case.district,
            step=ComplaintStep.body,
            filed_at=c.filed_at,
            learned_on=learned,
            filing_deadline=deadline,
            late=late,
            body=case.chairman.id,
            reviewer=parsed.reviewer,
        )
        # Known from the start alone, so that an update sent with the start (before `run`
        # returns the complaint) is refused rather than told it decided what is returned.
        facts = CaseFacts(case.finished, case.result_kind, case.term_breached)
        self._inadmissible = admissible(c.act, facts)

    def _unreadable(self, why: str) -> None:
        self._invalid = why
        self._status = ComplaintStatus(
            complaint_id=shown(workflow.info().workflow_id.removeprefix("complaint-")),
            application_id="?",
            act="?",
            district="?",
            step=ComplaintStep.body,
            filed_at=workflow.now(),
        )

    @workflow.run
    async def run(self, *args: Any) -> ComplaintStatus:
        # Complaints started before took any readable start, and must replay as they ran.
        if self._invalid is None and workflow.patched("complaint-start-checked"):
            if (why := self._start.refused()) is not None:
                self._unreadable(why.text("en"))
        if self._invalid is not None:
            raise ApplicationError(
                f"the complaint cannot be read: {self._invalid}",
                type="input.invalid",
                non_retryable=True,
            )
        s, refused = self._status, self._inadmissible
        if refused is not None:
            # Nothing of the kind to complain of: the applicant is told why in writing.
            self._returned_why = {lang: refused.text(lang) for lang in ("kk", "ru", "en")}
            self._decide("system", ComplaintOutcome.returned, refused.code)
        else:
            await self._body_step()
            if s.decided is None:
                await self._review_step()
        await self._answer()
        self._enter(ComplaintStep.done)
        return s

    # ---- the steps ------------------------------------------------------------------

    async def _body_step(self) -> None:
        s = self._status
        # The term runs from the complaint's arrival at the portal (art. 91 p. 4), but no
        # earlier than now: a filing time from the future would only stretch it.
        start = min(s.filed_at, workflow.now())
        due = await self._due(start, BODY_TERM.value)
        s.body_due_at = due
        self._publish()
        if await self._wait_until(self._body_done, start, BODY_TERM.value, due) is not None:
            # Art. 91 p. 4 leaves the body no other way: the complaint goes on to the
            # reviewing body, and the missed term is on record.
            self._escalate(ComplaintStep.body, "body_overdue")
            self._pass_on()

    async def _review_step(self) -> None:
        s = self._status
        self._enter(ComplaintStep.review)
        assert s.passed_at is not None
        start = s.passed_at
        s.review_due_at = await self._due(start, REVIEW_TERM.value)
        self._publish()
        missed = await self._wait_until(self._decided, start, REVIEW_TERM.value, s.review_due_at)
        if missed is None:
            return
        # Nobody decides in the reviewing body's place: a reminder every working day.
        self._escalate(ComplaintStep.review, "review_overdue")
        while missed is not None:
            due = await self._due(missed, 1)
            missed = await self._wait_until(self._decided, missed, 1, due)
            if missed is not None:
                self._escalate(ComplaintStep.review, "reminder")

    async def _answer(self) -> None:
        s = self._status
        if s.revoked:
            await self._reconsider()
        self._enter(ComplaintStep.answer)
        answer = self._written_answer()
        s.answer = await workflow.execute_activity_method(
            Complaints.issue_complaint_answer,
            answer,
            summary="Issue the signed written answer",
            **ONCE,
        )
        self._enter(ComplaintStep.deliver)
        s.delivery = await workflow.execute_activity_method(
            Complaints.deliver_complaint_answer,
            args=[answer, s.answer],
            summary="Deliver the answer to the personal cabinet",
            **DELIVERY,
        )

    def _written_answer(self) -> ComplaintAnswer:
        """What the signed written answer says: the complaint, its case and the decision."""
        s, c, case = self._status, self._start.complaint, self._start.case
        assert s.decided is not None
        return ComplaintAnswer(
            complaint_id=s.complaint_id,
            application_id=s.application_id,
            registration_number=case.registration_number,
            act=c.act,
            commission_kk=case.commission_kk,
            commission_ru=case.commission_ru,
            filed_at=c.filed_at,
            learned_on=s.learned_on,
            filing_deadline=s.filing_deadline,
            late=s.late,
            outcome=s.decided.outcome,
            reason=s.decided.reason,
            returned_why=self._returned_why,
            decided_by=s.decided.by,
            decided_at=s.decided.at,
            revoked=s.revoked,
            superseded=s.superseded,
        )

    async def _reconsider(self) -> None:
        """Tell the application's case that its result is revoked and a new decision is
        owed. A case already closed cannot take it: that is on record, and the decision
        to reopen is the application workflow's (see docs/complaints.md)."""
        s, c, case = self._status, self._start.complaint, self._start.case
        assert s.decided is not None
        case_id = f"application-{s.application_id}"
        signal = Reconsider(
            complaint_id=s.complaint_id,
            outcome=s.decided.outcome,
            reason=s.decided.reason,
            decided_at=s.decided.at,
            act=c.act,
            act_revision=case.result_revision,
        )
        # A revoked result belongs to a closed case: a new run of it decides again.
        # Complaints decided before this went to the case by signal only.
        if c.act is not Act.inaction and workflow.patched("reopen-by-new-run"):
            reopen = Reopen(application_id=s.application_id, **signal.model_dump())
            # The act complained of may have been revoked or replaced since (another
            # complaint): then nothing is revoked, and the answer says so. Complaints
            # decided before left that to the new run, which revoked whatever was current.
            if workflow.patched("revoke-only-its-act") and not await self._revoke(reopen):
                s.revoked, s.superseded = False, True
                return
            try:
                await workflow.start_child_workflow(
                    ApplicationWorkflow.run,
                    reopen,
                    id=case_id,
                    task_queue=workflow.info().task_queue,
                    # The new decision outlives the complaint's answer.
                    parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                    static_summary=f"Decided again on complaint {s.complaint_id}",
                )
                s.reconsider_sent = True
                return
            except WorkflowAlreadyStartedError:
                pass  # still open after all: the signal below reaches it
        try:
            await workflow.get_external_workflow_handle(case_id).signal("reconsider", signal)
            s.reconsider_sent = True
        except FailureError:
            s.reconsider_sent = False

    async def _revoke(self, reopen: Reopen) -> bool:
        """The revocation on record, before the new run that reads it; False when the
        case's result is no longer the act complained of."""
        try:
            await workflow.execute_activity_method(
                Reopening.revoke_result,
                reopen,
                summary=f"Revoke the result complained of in {reopen.complaint_id}",
                **ONCE,
            )
        except ActivityError as failed:
            cause = failed.cause
            if isinstance(cause, ApplicationError) and cause.type == "reopen.impossible":
                return False
            raise
        return True

    # ---- officials' actions: one path for updates and their validators -----------------

    _returned_why: dict[str, str] = {}  # noqa: RUF012 - replaced, never mutated

    def _body_done(self) -> bool:
        return self._status.passed_at is not None or self._status.decided is not None

    def _decided(self) -> bool:
        return self._status.decided is not None

    def _pass_on(self) -> None:
        self._status.passed_at = workflow.now()
        self._publish()

    def _decide(self, by: str, outcome: ComplaintOutcome, reason: str) -> None:
        s = self._status
        s.decided = Decided(by=by, at=workflow.now(), outcome=outcome, reason=reason)
        s.revoked = outcome in (ComplaintOutcome.satisfied, ComplaintOutcome.upheld)
        self._publish()

    def _check_body(self, cmd: BodyCommand) -> Refusal | None:
        s = self._status
        if cmd.actor != s.body:
            return Refusal("complaint.not_body", {"actor": cmd.actor, "chairman": s.body})
        if s.step != ComplaintStep.body or self._body_done():
            return Refusal("complaint.wrong_step", {"step": s.step.value})
        if cmd.action is BodyAction.satisfy and not cmd.reason.strip():
            return Refusal("complaint.reason_missing", {})
        return None

    def _check_review(self, cmd: ReviewDecision) -> Refusal | None:
        s = self._status
        if cmd.actor != s.reviewer:
            return Refusal("complaint.not_reviewer", {"actor": cmd.actor, "reviewer": s.reviewer})
        if s.step != ComplaintStep.review or s.decided is not None:
            return Refusal("complaint.wrong_step", {"step": s.step.value})
        if not cmd.reason.strip():
            return Refusal("complaint.reason_missing", {})
        return None

    def _parse(self, model: type, check: Callable, args: Sequence[Any]) -> Any:
        cmd = parse_command(model, tuple(args))
        if isinstance(cmd, Refusal):
            return None, cmd
        return cmd, check(cmd)

    @workflow.update(name="body_action")
    def body_action(self, *args: Any) -> ComplaintStatus:
        cmd, refusal = self._parse(BodyCommand, self._check_body, args)
        if refusal is not None:
            raise Rejected(refusal)
        if cmd.action is BodyAction.satisfy:
            self._decide(cmd.actor, ComplaintOutcome.satisfied, cmd.reason)
        else:
            self._pass_on()
        return self._status

    @body_action.validator
    def _validate_body_action(self, *args: Any) -> None:
        self._validate(BodyCommand, self._check_body, args)

    @workflow.update(name="review_decision")
    def review_decision(self, *args: Any) -> ComplaintStatus:
        cmd, refusal = self._parse(ReviewDecision, self._check_review, args)
        if refusal is not None:
            raise Rejected(refusal)
        outcome = (
            ComplaintOutcome.upheld if cmd.verdict is Verdict.upheld else ComplaintOutcome.dismissed
        )
        self._decide(cmd.actor, outcome, cmd.reason)
        return self._status

    @review_decision.validator
    def _validate_review_decision(self, *args: Any) -> None:
        self._validate(ReviewDecision, self._check_review, args)

    def _validate(self, model: type, check: Callable, args: Sequence[Any]) -> None:
        # Validators do not run on replay: refusing here changes no recorded complaint.
        _, refusal = self._parse(model, check, args)
        refusal = self._inadmissible or refusal
        if refusal is not None:
            raise Rejected(refusal)

    @workflow.signal(dynamic=True)
    def unknown_signal(self, name: str, args: Sequence[RawValue]) -> None:
        # Dropped, counted: left unhandled the SDK would buffer them for the case's life.
        self._status.rejected_count += 1

    @workflow.query(name="status")
    def status(self, *_ignored: Any) -> ComplaintStatus:
        return self._status

    # ---- deadlines ----------------------------------------------------------------------

    async def _due(self, start: datetime, working_days: int) -> datetime:
        return (await calendar_due(start, working_days)).at

    async def _wait_until(
        self, done: Callable[[], bool], start: datetime, days: int, due: datetime
    ) -> datetime | None:
        # A day declared off after the complaint was filed still moves the deadline.
        return await wait_until(done, start, days, due)

    # ---- what the outside sees ----------------------------------------------------------

    def _enter(self, step: ComplaintStep) -> None:
        self._status.step = step
        self._publish()

    def _escalate(self, step: ComplaintStep, kind: str) -> None:
        escalations = self._status.escalations
        last = escalations[-1] if escalations else None
        if last is not None and (last.kind, last.step) == (kind, step):
            last.count += 1
            last.at = workflow.now()
        elif len(escalations) < KEPT_ESCALATIONS:
            escalations.append(ComplaintEscalation(at=workflow.now(), step=step, kind=kind))
        workflow.logger.warning("complaint escalation %s at %s", kind, step.value)
        self._publish()

    def _waiting_for(self) -> list[str]:
        s = self._status
        if s.decided is not None:
            return []
        if s.step == ComplaintStep.body and s.passed_at is None:
            return [s.body]
        if s.step == ComplaintStep.review:
            return [s.reviewer]
        return []

    def _publish(self) -> None:
        s = self._status
        s.waiting_for = self._waiting_for()
        due = s.review_due_at if s.step == ComplaintStep.review else s.body_due_at
        overdue = s.step in (ComplaintStep.body, ComplaintStep.review) and bool(
            s.escalations and s.escalations[-1].step == s.step
        )
        updates: list[SearchAttributeUpdate[Any]] = [
            search.DISTRICT.value_set(s.district),
            search.STEP.value_set(f"complaint-{s.step.value}"),
            search.OVERDUE.value_set(overdue),
            search.WAITING_FOR.value_set(s.waiting_for),
        ]
        if due is not None:
            updates.append(search.DEADLINE.value_set(due))
        if s.decided is not None:
            updates.append(search.OUTCOME.value_set(f"complaint-{s.decided.outcome.value}"))
        changed = [u for u in updates if self._published.get(u.key.name) != u.value]
        if changed:
            self._published.update({u.key.name: u.value for u in changed})
            workflow.upsert_search_attributes(changed)
        workflow.set_current_details(
            details(f"complaint-{s.step.value}", due=due, overdue=overdue, waiting=s.waiting_for)
        )
