"""One application, from the portal to the delivered answer (SPEC 4; DESIGN's travel map).

The workflow holds the case's state and its deadlines; every side effect (database,
documents, delivery) and every calendar answer comes from an activity, so that the
history alone replays the case."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.calendar import calendar_acceptance, calendar_window
    from activities.chairman import ChairmanSeal
    from activities.delivery import Courier
    from activities.gateway import Gateway
    from activities.issuing import Issuer
    from activities.notices import Notices
    from activities.records import Records
    from activities.registration import Registrar
    from activities.reopening import Reopening
    from models.application import Application
    from models.case import (
        Addressee,
        CaseEvent,
        CaseJournal,
        CaseStatus,
        ComplaintNote,
        Deadline,
        Delivery,
        DocumentRef,
        Escalation,
        Issued,
        MemberAnswer,
        Moment,
        Outcome,
        Rejection,
        Step,
        WorkingWindow,
    )
    from models.complaint import Reconsider, Reopen
    from models.decisions import (
        ChairmanDecision,
        ChairmanVerdict,
        Forward,
        MemberDecision,
        MemberVerdict,
        ResultSigning,
    )
    from models.signature import CaseTrust, command_fields
    from rules.calendar import WORKING_DAY
    from rules.eligibility import last_day_of_liability
    from rules.findings import finding, findings
    from rules.iin import check_iin
    from rules.regulation import addressees
    from rules.signatures import signer, verify_action
    from rules.timezone import ALMATY
    from workflows import search
    from workflows.checks import (
        CaseView,
        Refusal,
        check_chairman_decision,
        check_forward,
        check_member_decision,
        check_result_signing,
        claimed_actor,
        parse_command,
        shown,
    )
    from workflows.details import details
    from workflows.options import (
        CALENDAR,
        DELIVERY,
        LOCAL,
        ONCE,
        QUICK,
        Options,
        Rejected,
        calendar_due,
        wait_until,
    )

WORKFLOW_NAME = "Application"
STEP_WORKING_DAYS = 1  # para. 10 and 13: every step within one working day
TERM_WORKING_DAYS = 5  # standard row 3: the whole service within five working days

# The case's state has a known upper size: refused actions are counted, and only the
# last few are kept in full; the journal records the first ones, enough to see a pattern.
KEPT_REJECTIONS = 10
JOURNALED_REJECTIONS = 50
# Nonces of genuine signatures: every accepted action's, and those of refused ones up to
# this many, so that a signed command refused at the wrong step cannot be sent again
# once the step is right.
KEPT_NONCES = 200
# The journal kept for the `journal` query: the first lines always (the submission, the
# first steps), then the latest; a forgotten case's reminders push the middle out.
KEPT_JOURNAL = 300
KEPT_JOURNAL_HEAD = 50
# Patches that each stand for every change before them (`_patched`), oldest first.
BASELINES = ("lean-history", "local-steps", "local-calls", "deliver-at-rest", "spent-signatures")
# Steps held to a working-day deadline: `_step_deadline` publishes them.
DEADLINE_STEPS = frozenset({Step.forward, Step.review, Step.decide, Step.sign, Step.deliver})
# Steps done by the case's own work, within a workflow task (see `_enter`).
PASSING_STEPS = frozenset({Step.register, Step.issue})
# Complaints upheld about an open case: more than this many is a pattern already on record.
KEPT_COMPLAINTS = 10
# How far ahead of the case's clock a signer's clock may run.
SIGNING_CLOCK_SKEW = timedelta(minutes=10)


def workflow_id(application_id: str) -> str:
    return f"application-{application_id}"


@workflow.defn(name=WORKFLOW_NAME)
class ApplicationWorkflow:
    # The input is taken raw, like every handler's: a case started by hand with a wrong
    # input then fails with a reason instead of failing its workflow task forever.
    @workflow.init
    def __init__(self, *args: Any) -> None:
        self._app: Application
        self._journal: list[CaseEvent] = []
        self._seq = 0
        self._flush = False
        self._finished = False
        self._accepted_on: date | None = None
        self._until_limit: date | None = None
        self._invalid_input: str | None = None
        self._trust: CaseTrust | None = None
        self._issued: Issued | None = None
        self._side_tasks: list[asyncio.Task] = []
        self._published: dict[str, Any] = {}
        self._nonces: list[str] = []
        self._reopen: Reopen | None = None
        self._baseline: int | None = None
        # Local activities in the order they were asked for (`_here_first`): the next
        # whose result may be taken, and those taken after it out of turn.
        self._local_turns = 0
        self._local_turn = 0
        self._local_taken: set[int] = set()
        self._window: WorkingWindow | None = None
        # The journal the case keeps for `shaqyru history` (the `journal` query): every
        # line, but a forgotten case's daily reminders cannot grow it without end.
        self._kept: list[CaseEvent] = []
        self._omitted = 0
        parsed = parse_command(Application, args)
        if isinstance(parsed, Application):
            self._status = CaseStatus(
                application_id=parsed.application_id,
                service=parsed.service.value,
                ground=parsed.ground,
                district=parsed.applicant.district,
                step=Step.accept,
                submitted_at=parsed.submitted_at,
            )
            self._take(parsed)
            return
        reopen = parse_command(Reopen, args)
        if isinstance(reopen, Reopen):
            # Decided again after a complaint: the application comes from the read model
            # in `run`.
            self._reopen = reopen
            case_id = reopen.application_id
        else:
            self._invalid_input = parsed.text("en")
            case_id = shown(workflow.info().workflow_id.removeprefix("application-"))
        # Until the application is read (or for good, when it cannot be), the status
        # knows the case's id alone.
        self._status = CaseStatus(
            application_id=case_id,
            service="?",
            ground=0,
            district="?",
            step=Step.accept,
            submitted_at=workflow.now(),
        )

    def _patched(self, patch_id: str) -> bool:
        """`workflow.patched`, but a case opened since a baseline (BASELINES) records
        that one marker and takes every earlier change as given. The first call decides,
        and it comes before any code that differs between the versions."""
        if self._baseline is None:
            newest = (i for i in reversed(range(len(BASELINES))) if workflow.patched(BASELINES[i]))
            self._baseline = next(newest, -1)
        if patch_id in BASELINES:
            return self._baseline >= BASELINES.index(patch_id)
        return self._baseline >= 0 or workflow.patched(patch_id)

    async def _own_work(self, method: Callable, *args: Any, summary: str) -> Any:
        """An activity on the commission's own database and documents. A case opened
        since "local-steps" runs it as a local activity, inside the workflow task that
        asked for it: one marker in history instead of three events and a workflow task
        of its own. Work that fails in the worker for a minute (LOCAL) is given to an
        ordinary activity, so that a long outage grows no history."""
        return await self._here_first("local-steps", LOCAL, ONCE, method, args, summary)

    async def _outside(self, method: Callable, *args: Any, summary: str) -> Any:
        """A call to another system: the cabinet, the gateway, the military body. A case
        opened since "local-calls" tries it once inside the workflow task, for a few
        seconds (QUICK), since most addressees answer at once; one that does not gets it
        as an ordinary activity, retried until it answers (DELIVERY), so a slow addressee
        never holds a workflow task for longer."""
        return await self._here_first("local-calls", QUICK, DELIVERY, method, args, summary)

    async def _here_first(
        self,
        since: str,
        here: Options,
        then: Options,
        method: Callable,
        args: Sequence[Any],
        summary: str,
    ) -> Any:
        if self._patched(since):
            # Since "local-calls" local activities run side by side as a rule; a case
            # opened before keeps taking their results as they come, as it recorded them.
            in_turn = self._patched("local-calls")
            turn = self._local_turns
            self._local_turns += 1
            try:
                try:
                    result = await workflow.execute_local_activity_method(
                        method, args=args, summary=summary, **here
                    )
                    failure = None
                except FailureError as failed:
                    # A local activity's failure arrives as the activity's own error (or
                    # a timeout), not wrapped in an ActivityError.
                    if isinstance(failed, CancelledError):
                        raise
                    failure = failed
                # Local activities that run at once (the acceptance mark beside the state
                # records, the two deliveries) finish in any order, and a replay may hand
                # their results back in the order they were asked for instead (one did,
                # after a workflow task the worker had extended): the case takes them in
                # that order always, so that what it does next replays.
                if in_turn and self._local_turn != turn:
                    await workflow.wait_condition(lambda: self._local_turn == turn)
            finally:
                self._take_turn(turn)
            if failure is None:
                return result
            workflow.logger.warning("%s goes on as an activity: %s", summary, failure)
            if self._patched("deliver-at-rest"):
                # The case now waits for the activity: what it has not published yet (a
                # step passed through within the task) is where it rests.
                self._publish()
        return await workflow.execute_activity_method(method, args=args, summary=summary, **then)

    def _take_turn(self, turn: int) -> None:
        """`turn` is done with (taken, or cancelled while it waited): the turns after it
        may follow."""
        self._local_taken.add(turn)
        while self._local_turn in self._local_taken:
            self._local_taken.remove(self._local_turn)
            self._local_turn += 1

    def _take(self, app: Application) -> None:
        self._app = app
        iin = check_iin(app.applicant.iin)
        if iin.valid and iin.birth_date is not None:
            self._until_limit = last_day_of_liability(iin.birth_date)

    # ---- the process -------------------------------------------------------------

    @workflow.run
    async def run(self, *args: Any) -> CaseStatus:
        if self._invalid_input is not None:
            raise ApplicationError(
                f"the application cannot be read: {self._invalid_input}",
                type="input.invalid",
                non_retryable=True,
            )
        journal = asyncio.create_task(self._write_journal())
        if self._reopen is not None:
            term = await self._decide_again(self._reopen)
        else:
            term = await self._open()
        await self._prepare()
        await self._hear()
        issued = await self._issue()
        await self._deliver_all(issued)

        self._finished = True
        await term
        for task in self._side_tasks:
            # A gateway still down when the answer is delivered no longer matters.
            if not task.done():
                task.cancel()
        await asyncio.gather(*self._side_tasks, return_exceptions=True)
        self._enter(Step.done)
        await workflow.wait_condition(lambda: not self._journal)
        journal.cancel()
        # The result carries the case's journal: `history` reads a closed case without
        # a worker, as `show` does.
        self._status.journal = self.journal()
        return self._status

    async def _prepare(self) -> None:
        s = self._status
        assert s.registration is not None
        # Cases opened before caseworkers signed their actions go on without signatures.
        if self._trust is None and self._patched("signed-actions"):
            self._trust = await workflow.execute_activity_method(
                Registrar.capture_trust,
                s.registration.commission,
                summary="Capture the trusted CAs and the commission's certificates",
                **ONCE,
            )
        if self._trust is not None:
            s.signed_actions = self._trust.trust is not None
        # The acceptance mark to the personal cabinet, and the state records through the
        # gateway, compared with the application: neither holds up the forward step. A
        # case decided again had both in its first run.
        if self._reopen is None and self._patched("acceptance-mark-and-records"):
            if self._patched("local-steps") and self._accepted_on:  # with the forward step
                s.findings = findings(self._app, None, self._accepted_on)
            self._side_tasks = [
                asyncio.create_task(self._mark_acceptance()),
                asyncio.create_task(self._weigh_records()),
            ]

    async def _hear(self) -> None:
        """Forward, review and decision: the commission's part (para. 10-12)."""
        s = self._status
        self._enter(Step.forward)
        if not await self._step_deadline(Step.forward, self._forwarded):
            self._escalate(Step.forward, "auto_forward", "forwarded to all members at the deadline")
            self._forward_to([m.id for m in self._commission.members])

        self._enter(Step.review)
        if not await self._step_deadline(Step.review, self._all_answered):
            for answer in s.answers:
                if answer.answer is None:
                    answer.no_answer = True
            missing = [a.member_id for a in s.answers if a.no_answer]
            self._escalate(Step.review, "no_answer", "no answer from " + ", ".join(missing))

        self._enter(Step.decide)
        await self._chairman_step(Step.decide, self._decided, "decided", "the decision")

    async def _issue(self) -> Issued:
        s = self._status
        self._enter(Step.issue)
        answer = "conclusion" if s.outcome == Outcome.granted else "refusal notice"
        assert s.registration is not None and s.decision is not None
        if s.reopened is None:
            issued = await self._own_work(
                Issuer.issue_result,
                self._app,
                s.registration,
                s.decision,
                s.decided_at,
                summary=f"Issue the {answer}",
            )
        else:
            issued = await self._own_work(
                Issuer.issue_revised_result,
                self._app,
                s.registration,
                s.decision,
                s.reopened,
                summary=f"Issue the {answer} again",
            )
        s.result = issued.result
        s.documents.extend(issued.documents)
        self._issued = issued

        # Nothing leaves the commission that the chairman has not signed himself; a case
        # that takes unsigned actions (no trust anchors) has no key of his to check.
        if self._trust is not None and self._trust.trust is not None:
            if self._patched("chairman-signs-result"):
                self._enter(Step.sign)
                await self._chairman_step(Step.sign, self._signed, "signed", "the signature")
                issued = self._issued
        return issued

    async def _deliver_all(self, issued: Issued) -> None:
        s = self._status
        self._enter(Step.deliver)
        # Para. 13: the conclusion to the cabinet and the military body, a refusal notice
        # to the cabinet alone. Cases opened before sent both everywhere.
        to: tuple[Addressee, ...] = tuple(Addressee)
        if self._patched("acceptance-mark-and-records"):
            to = addressees(issued.result.kind)
        s.deliveries = [Delivery(addressee=a) for a in to]
        sending = [asyncio.create_task(self._deliver(d, issued)) for d in s.deliveries]
        if not await self._step_deadline(Step.deliver, self._delivered):
            self._escalate(Step.deliver, "overdue", "the result is not delivered in time")
        await asyncio.gather(*sending)

    async def _open(self) -> asyncio.Task:
        """Acceptance and registration of a new application; the five-day term's watch."""
        s = self._status
        self._note(Step.accept, "step", {"submitted_at": s.submitted_at.isoformat()})
        accepted = await self._accept()
        s.accepted_at = accepted.at
        self._accepted_on = accepted.local_date
        s.term_due_at = (await self._due(accepted.at, TERM_WORKING_DAYS)).at
        term = asyncio.create_task(self._watch_term(accepted.at))

        self._enter(Step.register)
        if self._patched("lean-history"):
            opened = await self._own_work(
                Registrar.open_case,
                self._app,
                accepted.at,
                summary="Register the application; snapshot the commission and its keys",
            )
            s.registration, self._trust = opened.registration, opened.trust
        else:
            s.registration = await workflow.execute_activity_method(
                Registrar.register_application,
                args=[self._app, accepted.at],
                summary="Register the application and snapshot the commission",
                **ONCE,
            )
        s.documents.extend(s.registration.documents)
        workflow.upsert_memo({"registration_number": s.registration.number})
        return term

    async def _decide_again(self, reopen: Reopen) -> asyncio.Task:
        """A complaint revoked the case's result: the same registered application goes
        back to its commission, with a new five-working-day term from now (the Code
        sets none for the new decision: docs/complaints.md)."""
        s = self._status
        # An ordinary activity still: it comes before the case knows its version.
        back = await workflow.execute_activity_method(
            Reopening.reopen_case,
            reopen,
            summary=f"Revoke the result on complaint {reopen.complaint_id}; read the case back",
            **ONCE,
        )
        self._take(back.application)
        self._seq = back.last_seq
        app = back.application
        s.service, s.ground, s.district = app.service.value, app.ground, app.applicant.district
        s.submitted_at, s.registration = app.submitted_at, back.registration
        s.reopened = back.revoked
        s.documents.extend(back.registration.documents)
        now = workflow.now()
        self._note(Step.accept, "step", {"reopened_on": reopen.complaint_id})
        s.accepted_at, s.term_due_at = now, (await self._due(now, TERM_WORKING_DAYS)).at
        # The day the case came back counts as its acceptance day for the checks.
        self._accepted_on = now.astimezone(ALMATY).date()
        workflow.upsert_memo({"registration_number": back.registration.number})
        return asyncio.create_task(self._watch_term(now))

    async def _mark_acceptance(self) -> None:
        s = self._status
        assert s.registration is not None and s.accepted_at and s.term_due_at
        s.acceptance_mark = await self._outside(
            Notices.deliver_acceptance_mark,
            s.application_id,
            s.registration.number,
            s.accepted_at,
            s.term_due_at,
            summary="Send the acceptance mark to the personal cabinet",
        )
        self._publish()

    async def _weigh_records(self) -> None:
        """Findings from the application at once; from the state records when the gateway
        answers. A gateway that does not answer within a working day is escalated and
        becomes a finding itself; the case goes on meanwhile."""
        s = self._status
        day = self._accepted_on
        assert day is not None
        s.findings = findings(self._app, None, day)
        self._publish()
        ask = "Ask the e-government gateway for the state records"
        if self._patched("local-calls"):
            fetch = asyncio.create_task(
                self._outside(Gateway.fetch_state_records, self._app, summary=ask)
            )
        else:  # scheduled here, before the timer below, as these cases recorded it
            fetch = asyncio.create_task(
                workflow.execute_activity_method(
                    Gateway.fetch_state_records, self._app, summary=ask, **DELIVERY
                )
            )
        start = workflow.now()
        due = (await self._due(start, STEP_WORKING_DAYS)).at
        if await self._wait_until(fetch.done, start, STEP_WORKING_DAYS, due) is not None:
            s.findings = [*s.findings, finding("records.unavailable")]
            self._escalate(s.step, "records_unavailable", "the state records did not come")
        try:
            records = await fetch
        except ActivityError:  # refused for good (a malformed answer): a finding says so
            if not any(f.code == "records.unavailable" for f in s.findings):
                s.findings = [*s.findings, finding("records.unavailable")]
            self._publish()
            return
        s.records_asked = records.asked
        s.findings = findings(self._app, records, day)
        self._publish()

    async def _chairman_step(
        self, step: Step, done: Callable[[], bool], verb: str, what: str
    ) -> None:
        """One working day for the chairman, then a reminder every further working day:
        nobody acts in his place."""
        if await self._step_deadline(step, done):
            return
        self._escalate(step, "overdue", f"the chairman has not {verb} in time")
        missed: datetime | None = self._status.deadlines[-1].due_at
        while missed is not None:
            due = (await self._due(missed, STEP_WORKING_DAYS)).at
            missed = await self._wait_until(done, missed, STEP_WORKING_DAYS, due)
            if missed is not None:
                self._escalate(step, "reminder", f"reminder: {what} is overdue")

    async def _accept(self) -> Moment:
        """Wait until the next working moment when the application came after hours."""
        while True:
            submitted = self._status.submitted_at
            if self._patched("lean-history"):
                self._window = await self._ask_window(submitted)
                moment = self._moment(self._window.accept(submitted) or submitted)
            else:
                moment = await workflow.execute_local_activity(
                    calendar_acceptance, submitted, **CALENDAR
                )
            wait = moment.at - workflow.now()
            if wait <= timedelta(0):
                return moment
            self._status.accepted_at = moment.at
            self._publish()
            # A day declared off while we wait moves the moment again: ask once more.
            await workflow.sleep(wait, summary="wait for the next working moment")

    async def _deliver(self, delivery: Delivery, issued: Issued) -> None:
        send = {
            Addressee.cabinet: Courier.deliver_to_cabinet,
            Addressee.military: Courier.deliver_to_military_body,
        }[delivery.addressee]
        receipt = await self._outside(
            send, issued, summary=f"Deliver the result to the {delivery.addressee.value}"
        )
        delivery.delivered, delivery.at, delivery.reference = True, receipt.at, receipt.reference
        self._note(Step.deliver, "delivery", receipt.model_dump(mode="json"))
        self._publish(upsert=not self._patched("deliver-at-rest"))

    async def _watch_term(self, accepted_at: datetime) -> None:
        def moved(at: datetime) -> None:
            self._status.term_due_at = at

        assert self._status.term_due_at is not None
        missed = await self._wait_until(
            lambda: self._finished, accepted_at, TERM_WORKING_DAYS, self._status.term_due_at, moved
        )
        if missed is not None:
            self._status.term_breached = True
            self._escalate(self._status.step, "term_breach", "the 5-working-day term has run out")
            await workflow.wait_condition(lambda: self._finished)

    # ---- deadlines -----------------------------------------------------------------

    async def _due(self, start: datetime, working_days: int) -> Moment:
        if not self._patched("lean-history"):
            return await calendar_due(start, working_days)
        amount = working_days * WORKING_DAY
        at = self._window.add(start, amount) if self._window else None
        if at is None:
            self._window = await self._ask_window(start)
            at = self._window.add(start, amount)
        return self._moment(at) if at is not None else await calendar_due(start, working_days)

    async def _ask_window(self, start: datetime) -> WorkingWindow:
        return await workflow.execute_local_activity(calendar_window, start, **CALENDAR)

    def _moment(self, at: datetime) -> Moment:
        assert self._window is not None
        local = at.astimezone(ALMATY)
        return Moment(at=local, local_date=local.date(), calendar=self._window.calendar)

    async def _wait_until(
        self,
        done: Callable[[], bool],
        start: datetime,
        days: int,
        due: datetime,
        moved: Callable[[datetime], None] = lambda _: None,
    ) -> datetime | None:
        def pushed(at: datetime) -> None:
            moved(at)
            self._publish()

        return await wait_until(done, start, days, due, pushed)

    async def _step_deadline(self, step: Step, done: Callable[[], bool]) -> bool:
        """Hold the current step to one working day; True when it finished in time."""
        start = workflow.now()
        due = await self._due(start, STEP_WORKING_DAYS)
        deadline = Deadline(step=step, started_at=start, due_at=due.at)
        self._status.deadlines.append(deadline)
        # Since "deliver-at-rest" the step "deliver" is published only where the case rests
        # in it: both deliveries usually succeed within this task, and the step "done"
        # that follows is then the one upsert. A delivery handed to an activity publishes
        # it (`_here_first`), as does the deadline if it passes.
        self._publish(upsert=step != Step.deliver or not self._patched("deliver-at-rest"))

        def moved(at: datetime) -> None:
            deadline.due_at = at

        in_time = await self._wait_until(done, start, STEP_WORKING_DAYS, due.at, moved) is None
        if not in_time:
            deadline.overdue = True
            self._publish()
        return in_time

    def _current_deadline(self) -> Deadline | None:
        d = self._status.deadlines
        return d[-1] if d and d[-1].finished_at is None else None

    # ---- caseworkers' actions: one code path for signals and updates ---------------

    @property
    def _commission(self):
        assert self._status.registration is not None
        return self._status.registration.commission

    def _view(self) -> CaseView:
        s = self._status
        reg = s.registration
        return CaseView(
            step=s.step,
            chairman=reg.commission.chairman.id if reg else "",
            members=tuple(m.id for m in reg.commission.members) if reg else (),
            forwarded=tuple(s.forwarded_to),
            answered=tuple(a.member_id for a in s.answers if a.answer or a.no_answer),
            service=s.service,
            accepted_on=self._accepted_on,
            until_limit=self._until_limit,
            issued_sha256=self._issued_pdf().sha256 if self._issued else None,
        )

    def _issued_pdf(self) -> DocumentRef:
        assert self._issued is not None
        kind = self._issued.document_kind
        return next(d for d in self._issued.documents if d.kind == kind)

    def _check(self, action: str, args: Sequence[Any]) -> tuple[Any, Refusal | None]:
        """The command the payloads carry (None if they carry none that can be read), and
        the refusal that says why it is not taken, if it is not. The signature is checked
        first: an unsigned or forged command learns nothing about the case."""
        model, check, _ = self._actions[action]
        cmd = parse_command(model, tuple(args))
        if isinstance(cmd, Refusal):
            return None, cmd
        return cmd, self._signature_refusal(action, cmd) or check(self._view(), cmd)

    def _signature_refusal(self, action: str, cmd: Any) -> Refusal | None:
        if self._trust is None or self._trust.trust is None:
            return None
        refused = verify_action(
            cmd.signature,
            self._status.application_id,
            action,
            command_fields(cmd),
            cmd.actor,
            self._trust.bindings,
            self._trust.trust,
            self._nonces,
        )
        if refused is not None:
            return refused
        now = workflow.now()
        if cmd.signature.signed_at > now + SIGNING_CLOCK_SKEW:
            at = {"signed_at": cmd.signature.signed_at.isoformat(), "now": now.isoformat()}
            return Refusal("signature.from_future", {"actor": cmd.actor, **at})
        return None

    def _before_reopening(self, cmd: Any, refusal: Refusal | None) -> Refusal | None:
        """A case decided again takes no command signed before the complaint revoked its
        result. Every command of the earlier run was signed before that, and they are in
        its history for anyone who may read it; the nonces they spent are not this run's
        to refuse them by. Said before what the case's state would refuse it for, as any
        other fault of the signature is."""
        if refusal is not None and refusal.code.startswith("signature."):
            return None
        block, revoked = getattr(cmd, "signature", None), self._status.reopened
        if revoked is None or block is None or self._trust is None or self._trust.trust is None:
            return None  # not reopened, or unsigned actions, which nothing checks
        if block.signed_at > revoked.revoked_at:
            return None
        at = {
            "signed_at": block.signed_at.isoformat(),
            "reopened_at": revoked.revoked_at.isoformat(),
        }
        return Refusal("signature.before_reopening", {"actor": cmd.actor, **at})

    def _act(self, action: str, args: Sequence[Any], signal: bool) -> None:
        _, _, apply = self._actions[action]
        cmd, refusal = self._check(action, args)
        # An update's validator has refused such a command already. A signal has none;
        # reopened runs begun before "spent-signatures" took it, and replay must too (a
        # case that has not settled its version yet is not at a step that takes any).
        if signal and (late := self._before_reopening(cmd, refusal)) is not None:
            if self._baseline is not None and self._patched("spent-signatures"):
                refusal = late
        genuine = cmd is not None and cmd.signature is not None and self._trust is not None
        if refusal is None:
            apply(cmd)
            data = {"action": action, **command_fields(cmd)}
            if genuine:
                self._nonces.append(cmd.signature.nonce)
                data["signed"] = signer(cmd.signature)
            self._note(self._status.step, "decision", data, cmd.actor)
            # An action that ends its step is published with the next step, in this same
            # workflow task, by a lean case; the last but one vote changes whom it waits for.
            if not (self._patched("lean-history") and self._step_done()):
                self._publish()
            else:  # the update's answer still says whom the case waits for now
                self._status.waiting_for = self._waiting_for()
            return
        if not signal:
            raise Rejected(refusal)
        if (
            genuine
            and not refusal.code.startswith("signature.")
            and len(self._nonces) < KEPT_NONCES
        ):
            self._nonces.append(cmd.signature.nonce)
        self._reject(action, claimed_actor(tuple(args)), refusal)

    def _reject(self, action: str, actor: str, refusal: Refusal) -> None:
        """Keep a refused signal on record: counted always, the last few in full."""
        s = self._status
        rejection = Rejection(
            at=workflow.now(),
            action=action,
            actor=actor,
            code=refusal.code,
            kk=refusal.text("kk"),
            ru=refusal.text("ru"),
            en=refusal.text("en"),
        )
        s.rejected_count += 1
        s.rejections = [*s.rejections[-(KEPT_REJECTIONS - 1) :], rejection]
        # A case opened before the cap journaled every refusal; replay keeps doing so.
        if s.rejected_count <= JOURNALED_REJECTIONS or not workflow.patched(
            "journal-rejections-capped"
        ):
            self._note(s.step, "rejection", rejection.model_dump(mode="json"), actor)
        workflow.logger.info("rejected %s: %s", action, refusal.code)

    @property
    def _actions(self) -> dict[str, tuple[type, Callable, Callable]]:
        return {
            "forward": (Forward, check_forward, self._apply_forward),
            "member_decision": (MemberDecision, check_member_decision, self._apply_member_decision),
            "chairman_decision": (
                ChairmanDecision,
                check_chairman_decision,
                self._apply_chairman_decision,
            ),
            "sign_result": (ResultSigning, check_result_signing, self._apply_result_signing),
        }

    def _forward_to(self, members: list[str]) -> None:
        self._status.forwarded_to = list(members)
        self._status.answers = [MemberAnswer(member_id=m) for m in members]

    def _apply_forward(self, cmd: Forward) -> None:
        self._forward_to(cmd.members or [m.id for m in self._commission.members])

    def _apply_member_decision(self, cmd: MemberDecision) -> None:
        answer = next(a for a in self._status.answers if a.member_id == cmd.actor)
        answer.answer = cmd.verdict
        answer.at = workflow.now()
        if cmd.verdict == MemberVerdict.refuse:
            answer.refusal_ground, answer.details = cmd.refusal_ground, cmd.details

    def _apply_chairman_decision(self, cmd: ChairmanDecision) -> None:
        self._status.decision = cmd
        self._status.decided_at = workflow.now()
        self._status.outcome = (
            Outcome.granted if cmd.verdict == ChairmanVerdict.grant else Outcome.refused
        )

    def _apply_result_signing(self, cmd: ResultSigning) -> None:
        # The checked signature itself is kept by the update, once the activity says so.
        pass

    def _step_done(self) -> bool:
        """Whether the action the case waits for at its current step has come: the same
        conditions its steps wait on."""
        done = {
            Step.forward: self._forwarded,
            Step.review: self._all_answered,
            Step.decide: self._decided,
            Step.sign: self._signed,
        }.get(self._status.step)
        return done is not None and done()

    def _forwarded(self) -> bool:
        return bool(self._status.forwarded_to)

    def _signed(self) -> bool:
        return self._status.chairman_signature is not None

    def _all_answered(self) -> bool:
        return all(a.answer is not None for a in self._status.answers)

    def _decided(self) -> bool:
        return self._status.decision is not None

    def _delivered(self) -> bool:
        return all(d.delivered for d in self._status.deliveries)

    # Signals and updates take their payloads raw (`*args`): a command with no value,
    # several values or a value of the wrong shape is then refused by the same checks as
    # a wrong decision, and never raises inside the workflow.

    @workflow.signal(name="forward")
    def forward_signal(self, *args: Any) -> None:
        self._act("forward", args, signal=True)

    @workflow.signal(name="member_decision")
    def member_decision_signal(self, *args: Any) -> None:
        self._act("member_decision", args, signal=True)

    @workflow.signal(name="chairman_decision")
    def chairman_decision_signal(self, *args: Any) -> None:
        self._act("chairman_decision", args, signal=True)

    @workflow.signal(name="reconsider")
    def reconsider_signal(self, *args: Any) -> None:
        """A complaint about this open case's inaction was upheld: on record, and the
        case goes on to its decision, which the complaint obliges it to take. Cases
        opened before took the signal as an unknown one."""
        if not self._patched("complaints-on-record"):
            self.unknown_signal("reconsider", [])
            return
        cmd = parse_command(Reconsider, tuple(args))
        if isinstance(cmd, Refusal):
            self._reject("reconsider", "?", cmd)
            return
        note = ComplaintNote(complaint_id=cmd.complaint_id, outcome=cmd.outcome, at=cmd.decided_at)
        complaints = self._status.complaints
        if len(complaints) < KEPT_COMPLAINTS and note not in complaints:
            complaints.append(note)
            self._note(self._status.step, "complaint", note.model_dump(mode="json"))
            self._publish()

    @workflow.signal(dynamic=True)
    def unknown_signal(self, name: str, args: Sequence[RawValue]) -> None:
        # Left unhandled, the SDK would buffer every unknown signal for the case's life.
        self._reject(shown(name), "?", Refusal("signal.unknown", {"name": shown(name)}))

    @workflow.update(name="forward")
    def forward_update(self, *args: Any) -> CaseStatus:
        self._act("forward", args, signal=False)
        return self._status

    @forward_update.validator
    def _validate_forward(self, *args: Any) -> None:
        self._validate("forward", args)

    @workflow.update(name="member_decision")
    def member_decision_update(self, *args: Any) -> CaseStatus:
        self._act("member_decision", args, signal=False)
        return self._status

    @member_decision_update.validator
    def _validate_member_decision(self, *args: Any) -> None:
        self._validate("member_decision", args)

    @workflow.update(name="chairman_decision")
    def chairman_decision_update(self, *args: Any) -> CaseStatus:
        self._act("chairman_decision", args, signal=False)
        return self._status

    @chairman_decision_update.validator
    def _validate_chairman_decision(self, *args: Any) -> None:
        self._validate("chairman_decision", args)

    @workflow.update(name="sign_result")
    async def sign_result_update(self, *args: Any) -> CaseStatus:
        cmd, refusal = self._check("sign_result", args)
        if refusal is not None:
            raise Rejected(refusal)
        assert self._trust is not None and self._trust.trust is not None and self._issued
        pdf = self._issued_pdf()
        checked = await self._own_work(
            ChairmanSeal.accept_chairman_signature,
            self._status.application_id,
            self._issued.document_kind,
            pdf.sha256,
            cmd.cms_base64,
            self._trust.trust.ca_certificates_pem,
            self._trust.bindings.get(cmd.actor, []),
            summary="Check the chairman's signature over the document",
        )
        if self._status.chairman_signature is not None:  # a second one, sent meanwhile
            return self._status
        if not checked.valid or checked.document is None:
            reason = {"actor": cmd.actor, "reason": checked.reason}
            refusal = Refusal("result_signature.invalid", reason)
            if self._patched("spent-signatures"):
                # Refused as any genuine command at the wrong moment is: its nonce is
                # spent, so the same command cannot come back to run the check again and
                # again, each time an update and an activity more in the case's history.
                if len(self._nonces) < KEPT_NONCES:
                    self._nonces.append(cmd.signature.nonce)
                self._reject("sign_result", cmd.actor, refusal)
            elif self._patched("lean-history"):  # on the case's journal, as a signal's would be
                texts = {lang: refusal.text(lang) for lang in ("kk", "ru", "en")}
                data = {"action": "sign_result", "code": refusal.code, **texts}
                self._note(Step.sign, "rejection", data, cmd.actor)
            raise Rejected(refusal)
        self._act("sign_result", args, signal=False)
        self._status.chairman_signature = checked.document
        self._status.documents.append(checked.document)
        self._issued = self._issued.model_copy(
            update={"documents": [*self._issued.documents, checked.document]}
        )
        self._publish()
        return self._status

    @sign_result_update.validator
    def _validate_sign_result(self, *args: Any) -> None:
        self._validate("sign_result", args)

    def _validate(self, action: str, args: Sequence[Any]) -> None:
        # Validators do not run on replay, so a refusal added here changes no recorded case.
        cmd, refusal = self._check(action, args)
        refusal = self._before_reopening(cmd, refusal) or refusal
        if refusal is not None:
            raise Rejected(refusal)

    @workflow.query(name="status")
    def status(self, *_ignored: Any) -> CaseStatus:
        return self._status

    # ---- what the outside sees: journal, search attributes, UI details ------------

    def _enter(self, step: Step) -> None:
        if (current := self._current_deadline()) is not None:
            current.finished_at = workflow.now()
        self._status.step = step
        self._note(step, "step", {})
        # A lean case writes its journal to the read model when it escalates and when it
        # closes, in one activity each; until then the journal is the case's own, read
        # through the `journal` query.
        if step == Step.done or not self._patched("lean-history"):
            self._flush = True
        # Every upsert is an event in the case's history. A lean case publishes a step
        # held to a deadline together with the deadline, in the same workflow task. Since
        # "local-steps", registering and issuing run within one task, so they go to the
        # search attributes with the step after them; the UI's details still show them.
        if step not in DEADLINE_STEPS or not self._patched("lean-history"):
            self._publish(upsert=step not in PASSING_STEPS or not self._patched("local-steps"))

    def _escalate(self, step: Step, kind: str, note: str) -> None:
        escalations = self._status.escalations
        last = escalations[-1] if escalations else None
        if last is not None and (last.kind, last.step) == (kind, step):
            # A daily reminder for a decision that never comes: one entry that counts,
            # so that the state of a forgotten case does not grow day by day.
            last.count += 1
            last.at = workflow.now()
        else:
            escalations.append(Escalation(at=workflow.now(), step=step, kind=kind, note=note))
        self._note(step, "escalation", {"kind": kind, "note": note})
        self._flush = True
        workflow.logger.warning("escalation %s at %s: %s", kind, step.value, note)
        self._publish()

    def _note(self, step: Step, kind: str, data: dict, actor: str | None = None) -> None:
        self._seq += 1
        event = CaseEvent(
            application_id=self._status.application_id,
            seq=self._seq,
            at=workflow.now(),
            kind=kind,
            step=step,
            actor=actor,
            data=data,
        )
        self._journal.append(event)
        if len(self._kept) >= KEPT_JOURNAL:
            del self._kept[KEPT_JOURNAL_HEAD]
            self._omitted += 1
        self._kept.append(event)

    @workflow.query(name="journal")
    def journal(self, *_ignored: Any) -> CaseJournal:
        return CaseJournal(events=self._kept, omitted=self._omitted)

    async def _write_journal(self) -> None:
        # A new case writes its journal to the read model when its step changes, when it
        # escalates, and at the end: a step's decisions then reach the read model in one
        # activity instead of one each, which is most of a case's history. Cases opened
        # before wrote a batch whenever a line came.
        by_step = self._patched("journal-by-step")
        while True:
            await workflow.wait_condition(
                lambda: bool(self._journal) and (self._flush or not by_step)
            )
            self._flush = False
            batch = list(self._journal)
            await self._own_work(
                Records.record_events, batch, summary=f"Record {len(batch)} event(s)"
            )
            del self._journal[: len(batch)]

    def _waiting_for(self) -> list[str]:
        s = self._status
        if s.registration is None:
            return []
        if s.step in (Step.forward, Step.decide, Step.sign):
            return [self._commission.chairman.id]
        if s.step == Step.review:
            return [a.member_id for a in s.answers if a.answer is None]
        return []

    def _publish(self, upsert: bool = True) -> None:
        s = self._status
        s.waiting_for = self._waiting_for()
        current = self._current_deadline()
        # A closed case is overdue no more; its breaches stay in status and escalations.
        overdue = s.step != Step.done and (s.term_breached or bool(current and current.overdue))
        updates: list[SearchAttributeUpdate[Any]] = [
            search.SERVICE.value_set(s.service),
            search.GROUND.value_set(s.ground),
            search.DISTRICT.value_set(s.district),
            search.STEP.value_set(s.step.value),
            search.OVERDUE.value_set(overdue),
            search.WAITING_FOR.value_set(s.waiting_for),
        ]
        # Between step deadlines the five-day term is what binds the case. Nothing is
        # ever unset: the SDK cannot read back an unset Datetime attribute.
        due = current.due_at if current else s.term_due_at
        if due is not None:
            updates.append(search.DEADLINE.value_set(due))
        if s.outcome is not None:
            updates.append(search.OUTCOME.value_set(s.outcome.value))
        if self._side_tasks:  # a case that weighs findings tells the inbox how many
            updates.append(search.FINDINGS.value_set(len(s.findings)))
        # Every upsert is an event in the case's history: a new case sends only what
        # changed since its last upsert.
        if upsert and self._patched("upsert-changed-only"):
            updates = [u for u in updates if self._published.get(u.key.name) != u.value]
            self._published.update({u.key.name: u.value for u in updates})
        if upsert and updates:
            workflow.upsert_search_attributes(updates)
        workflow.set_current_details(
            details(
                s.step.value,
                s.registration.number if s.registration else None,
                current.due_at if current else None,
                overdue,
                s.waiting_for,
                s.reopened.complaint_id if s.reopened else None,
            )
        )
