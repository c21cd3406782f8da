"""A case's history, event by event, in the words of the people who run it (`shaqyru
history`). Reads Temporal's events and the case's own state; writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from cli.render import escalation_text, outside_text, refusal_text, span, step_name, when
from cli.rows import Entry, working_left
from cli.temporal import close_cause, failure_message
from models.case import CaseStatus, Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
    ResultSigning,
)
from rules.signatures import signer
from texts import has, t
from workflows import search

_ACTION_STEP = {
    "forward": Step.forward,
    "member_decision": Step.review,
    "chairman_decision": Step.decide,
    "sign_result": Step.sign,
}
_COMMANDS: dict[str, type] = {
    "forward": Forward,
    "member_decision": MemberDecision,
    "chairman_decision": ChairmanDecision,
    "sign_result": ResultSigning,
}
_ACTIVITIES_SHOWN = {
    "register_application",
    "issue_result",
    "deliver_to_cabinet",
    "deliver_to_military_body",
}
_STOPPED_EVENTS = {
    "workflow_execution_failed_event_attributes": "failed",
    "workflow_execution_terminated_event_attributes": "terminated",
    "workflow_execution_timed_out_event_attributes": "timed_out",
    "workflow_execution_canceled_event_attributes": "canceled",
}


def _keyword(payload: Any) -> str | None:
    # Read one keyword by hand: the SDK's typed decoder rejects the whole upsert when
    # another attribute in it is being unset (a null Datetime).
    if payload is None or not payload.data:
        return None
    try:
        value = json.loads(payload.data)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _what_was_done(action: str, cmd: Any, lang: str) -> str:
    if isinstance(cmd, ResultSigning):
        return t("h_sign", lang)
    if isinstance(cmd, Forward):
        if cmd.members:
            return t("h_forward", lang, members=", ".join(cmd.members))
        return t("h_forward_all", lang)
    if isinstance(cmd, MemberDecision):
        if cmd.verdict == MemberVerdict.agree:
            return t("h_agree", lang)
        return t("h_refuse", lang, ground=cmd.refusal_ground or "-", details=cmd.details or "-")
    if isinstance(cmd, ChairmanDecision):
        if cmd.verdict == ChairmanVerdict.grant:
            if cmd.until:
                return t("h_grant_until", lang, until=cmd.until.isoformat())
            return t("h_grant", lang)
        reasons = "; ".join(f"{i}) {r}" for i, r in enumerate(cmd.reasons, 1))
        return t("h_deny", lang, reasons=reasons)
    return t(f"a_{action}", lang) if has(f"a_{action}") else action


def _action_text(action: str, cmd: Any, lang: str) -> str:
    text = _what_was_done(action, cmd, lang)
    block = getattr(cmd, "signature", None)
    if block is None:
        return text
    # Who signed, as his certificate names him; `shaqyru audit` re-checks it offline.
    who = signer(block)
    name = who.get("name") or who.get("subject", "?")
    return text + " " + t("h_signed_by", lang, subject=name, serial=who.get("serial", "?")[:16])


class _Reader:
    """Turns the events into entries; one method per kind of event that tells something."""

    def __init__(self, client: Client, status: CaseStatus | None, lang: str) -> None:
        self.client, self.status, self.lang = client, status, lang
        self.system, self.portal = t("system", lang), t("portal", lang)
        self.scheduled: dict[int, str] = {}
        self.timers: dict[str, str] = {}
        self.updates: dict[str, tuple[datetime, str, Any]] = {}
        self.rejections = list(status.rejections) if status else []
        self.entries: list[Entry] = []
        self.last_step: str | None = None

    async def decode(self, payloads: Any, hint: type | None) -> Any:
        if not payloads:
            return None
        try:
            conv = self.client.data_converter
            return (await conv.decode(list(payloads), [hint] if hint else None))[0]
        except Exception:  # an old or foreign payload must not stop the timeline
            return None

    def add(self, at: datetime, actor: str, text: str, kind: str, *extra: Any) -> None:
        self.entries.append(Entry(at, actor, text, kind, *extra))

    def _against(self, action: str, at: datetime) -> tuple[str, bool]:
        """Which deadline an action was held to, and whether it came in time."""
        step = _ACTION_STEP.get(action)
        s = self.status
        d = next((d for d in s.deadlines if d.step == step), None) if s and step else None
        if d is None:
            return "", False
        left = working_left(d.due_at, at)
        if at <= d.due_at:
            state = t("to_spare", self.lang, left=span(left, self.lang))
        else:
            state = t("late_by", self.lang, late=span(-left, self.lang))
        return t("h_against", self.lang, due=when(d.due_at), state=state), at > d.due_at

    def action(self, at: datetime, name: str, cmd: Any) -> None:
        against, late = self._against(name, at)
        self.add(at, getattr(cmd, "actor", "?"), _action_text(name, cmd, self.lang), "action",
                 against, late)  # fmt: skip

    def rejected(self, at: datetime, actor: str, name: str, reason: str) -> None:
        action = t(f"a_{name}", self.lang) if has(f"a_{name}") else name
        self.add(at, actor, t("h_rejected", self.lang, action=action, reason=reason), "rejected")

    async def started(self, ev: HistoryEvent, at: datetime) -> None:
        # The input holds personal data: take the submission time from the status.
        submitted = when(self.status.submitted_at if self.status else at)
        self.add(at, self.portal, t("h_started", self.lang, submitted=submitted), "start")

    async def upsert(self, ev: HistoryEvent, at: datetime) -> None:
        fields = ev.upsert_workflow_search_attributes_event_attributes.search_attributes
        step = _keyword(fields.indexed_fields.get(search.STEP.name))
        if not step or step == self.last_step:
            return
        self.last_step = step
        if step in (Step.accept, Step.done):
            return
        s, name = self.status, step_name(step, self.lang)
        due = next((d for d in s.deadlines if d.step == step), None) if s else None
        if due:
            text = t("h_step_due", self.lang, step=name, due=when(due.due_at))
        else:
            text = t("h_step", self.lang, step=name)
        self.add(at, self.system, text, "step")

    async def scheduled_activity(self, ev: HistoryEvent, at: datetime) -> None:
        name = ev.activity_task_scheduled_event_attributes.activity_type.name
        self.scheduled[ev.event_id] = name

    async def completed_activity(self, ev: HistoryEvent, at: datetime) -> None:
        attrs = ev.activity_task_completed_event_attributes
        name = self.scheduled.get(attrs.scheduled_event_id)
        if name in _ACTIVITIES_SHOWN:
            self.add(at, self.system, self._activity_text(name), "activity")

    def _activity_text(self, name: str) -> str:
        s, lang = self.status, self.lang
        if name == "register_application":
            number = s.registration.number if s and s.registration else "?"
            return t("h_registered", lang, number=number)
        if name == "issue_result":
            refused = s is not None and s.outcome == "refused"
            return t("h_issued_refusal" if refused else "h_issued_conclusion", lang)
        addressee = "cabinet" if name == "deliver_to_cabinet" else "military"
        sent = next((d for d in s.deliveries if d.addressee == addressee), None) if s else None
        if sent is not None and sent.state == "queued":
            return t(f"h_queued_{addressee}", lang)
        return t(f"h_delivered_{addressee}", lang)

    async def timer_started(self, ev: HistoryEvent, at: datetime) -> None:
        meta = ev.user_metadata if ev.HasField("user_metadata") else None
        summary = (
            await self.decode([meta.summary], str) if meta and meta.HasField("summary") else ""
        )
        self.timers[ev.timer_started_event_attributes.timer_id] = summary or ""

    async def timer_fired(self, ev: HistoryEvent, at: datetime) -> None:
        summary = self.timers.get(ev.timer_fired_event_attributes.timer_id, "")
        self.add(at, self.system, self._timer_text(summary), "timer")

    def _timer_text(self, summary: str) -> str:
        s, lang = self.status, self.lang
        if summary.startswith("wait for the next working moment"):
            return t("h_accepted", lang)
        if not summary.startswith("deadline ") or s is None:
            return t("h_timer", lang)
        try:
            due = datetime.fromisoformat(summary.removeprefix("deadline ").strip())
        except ValueError:
            return t("h_timer", lang)
        step = next((d.step for d in s.deadlines if d.due_at == due), None)
        if step is not None:
            return t("h_deadline", lang, step=step_name(step, lang))
        if s.term_due_at == due or s.term_breached:
            return t("h_deadline", lang, step=t("term", lang))
        return t("h_timer", lang)

    async def signaled(self, ev: HistoryEvent, at: datetime) -> None:
        attrs = ev.workflow_execution_signaled_event_attributes
        name = attrs.signal_name
        cmd = await self.decode(attrs.input.payloads, _COMMANDS.get(name))
        actor = getattr(cmd, "actor", "?")
        earliest = at - timedelta(seconds=1)
        same = (r for r in self.rejections if (r.action, r.actor) == (name, actor))
        rejected = next((r for r in same if r.at >= earliest), None)
        if rejected is None:
            self.action(at, name, cmd)
            return
        self.rejections.remove(rejected)
        texts = {"kk": rejected.kk, "ru": rejected.ru, "en": rejected.en}
        self.rejected(at, actor, name, refusal_text(texts, rejected.en, self.lang))

    async def update_accepted(self, ev: HistoryEvent, at: datetime) -> None:
        req = ev.workflow_execution_update_accepted_event_attributes.accepted_request
        cmd = await self.decode(req.input.args.payloads, _COMMANDS.get(req.input.name))
        self.updates[req.meta.update_id] = (at, req.input.name, cmd)

    async def update_completed(self, ev: HistoryEvent, at: datetime) -> None:
        attrs = ev.workflow_execution_update_completed_event_attributes
        accepted = self.updates.get(attrs.meta.update_id)
        if accepted is None:
            return
        when_accepted, name, cmd = accepted
        if not attrs.outcome.HasField("failure"):
            self.action(when_accepted, name, cmd)
            return
        failure = attrs.outcome.failure
        details = await self.decode(failure.application_failure_info.details.payloads, None)
        message = await failure_message(self.client, failure)
        reason = refusal_text(details, message, self.lang)
        self.rejected(when_accepted, getattr(cmd, "actor", "?"), name, reason)

    async def completed(self, ev: HistoryEvent, at: datetime) -> None:
        self.add(at, self.system, t("h_closed", self.lang), "closed")

    async def stopped(self, ev: HistoryEvent, at: datetime) -> None:
        kind = ev.WhichOneof("attributes") or ""
        state = t(f"run_{_STOPPED_EVENTS[kind]}", self.lang)
        by, reason = await close_cause(self.client, ev)
        reason = outside_text(reason)
        if reason:
            text = t("h_stopped_reason", self.lang, state=state, reason=reason)
        else:
            text = t("h_stopped", self.lang, state=state)
        self.add(at, outside_text(by) or self.system, text, "closed")


_HANDLERS = {
    "workflow_execution_started_event_attributes": _Reader.started,
    "upsert_workflow_search_attributes_event_attributes": _Reader.upsert,
    "activity_task_scheduled_event_attributes": _Reader.scheduled_activity,
    "activity_task_completed_event_attributes": _Reader.completed_activity,
    "timer_started_event_attributes": _Reader.timer_started,
    "timer_fired_event_attributes": _Reader.timer_fired,
    "workflow_execution_signaled_event_attributes": _Reader.signaled,
    "workflow_execution_update_accepted_event_attributes": _Reader.update_accepted,
    "workflow_execution_update_completed_event_attributes": _Reader.update_completed,
    "workflow_execution_completed_event_attributes": _Reader.completed,
    **{kind: _Reader.stopped for kind in _STOPPED_EVENTS},
}


async def timeline(
    client: Client, events: list[HistoryEvent], status: CaseStatus | None, lang: str
) -> list[Entry]:
    """The case's history, event by event, in the words of the people who run it."""
    reader = _Reader(client, status, lang)
    for ev in events:
        handler = _HANDLERS.get(ev.WhichOneof("attributes") or "")
        if handler is not None:
            await handler(reader, ev, ev.event_time.ToDatetime(tzinfo=UTC))
    # Escalations are decisions of the workflow itself, kept in its state: the history
    # holds only the timer that caused them.
    for e in status.escalations if status else []:
        what = escalation_text(e.kind, e.note, lang)
        reader.add(e.at, reader.system, t("h_escalation", lang, what=what), "escalation")
    return sorted(reader.entries, key=lambda e: e.at)
