"""A case's history in the words of the people who run it (`shaqyru history`), read from
the journal the case keeps of itself: its steps, decisions, refusals, escalations,
deliveries and complaints, each as the case recorded it. Writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from cli.render import escalation_text, outside_text, refusal_text, span, step_name, when
from cli.rows import Entry, Execution, working_left
from models.case import CaseEvent, CaseJournal, CaseStatus, Step
from models.decisions import (
    ChairmanDecision,
    ChairmanVerdict,
    Forward,
    MemberDecision,
    MemberVerdict,
    ResultSigning,
)
from texts import has, t
from workflows.application import KEPT_JOURNAL_HEAD

_ACTION_STEP = {
    "forward": Step.forward,
    "member_decision": Step.review,
    "chairman_decision": Step.decide,
    "sign_result": Step.sign,
}
_COMMANDS: dict[str, type[Any]] = {
    "forward": Forward,
    "member_decision": MemberDecision,
    "chairman_decision": ChairmanDecision,
    "sign_result": ResultSigning,
}
# An application accepted this much after it was submitted waited for working hours.
_WAITED = timedelta(minutes=1)


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


def _command(action: str, event: CaseEvent) -> Any:
    """The command as the case took it, from the journal line (its signed fields)."""
    model = _COMMANDS.get(action)
    fields = {k: v for k, v in event.data.items() if k not in ("action", "signed")}
    try:
        return model.model_validate(fields) if model else None
    except ValidationError:  # a line of an older shape still tells who acted
        return None


class _Lines:
    """Turns journal lines into entries; one method per kind of line."""

    def __init__(self, status: CaseStatus, lang: str) -> None:
        self.status, self.lang = status, lang
        self.system, self.portal = t("system", lang), t("portal", lang)
        self.entries: list[Entry] = []
        self.issued = False

    def add(self, at: datetime, actor: str, text: str, kind: str, *extra: Any) -> None:
        self.entries.append(Entry(at, actor, text, kind, *extra))

    def _against(self, action: str, at: datetime) -> tuple[str, bool]:
        """Which deadline an action was held to, and whether it came in time."""
        step = _ACTION_STEP.get(action)
        d = next((d for d in self.status.deadlines if d.step == step), None) if step else None
        if d is None:
            return "", False
        left = working_left(d.due_at, at)
        if at <= d.due_at:
            state = t("to_spare", self.lang, left=span(left, self.lang))
        else:
            state = t("late_by", self.lang, late=span(-left, self.lang))
        return t("h_against", self.lang, due=when(d.due_at), state=state), at > d.due_at

    def read(self, e: CaseEvent) -> None:
        readers = {
            "step": self.step,
            "decision": self.decision,
            "rejection": self.rejection,
            "escalation": self.escalation,
            "delivery": self.delivery,
            "complaint": self.complaint,
        }
        if (read := readers.get(e.kind)) is not None:
            read(e)

    def step(self, e: CaseEvent) -> None:
        s, lang = self.status, self.lang
        if e.step == Step.accept:
            self._opened(e)
        elif e.step == Step.register:
            if e.at - s.submitted_at > _WAITED and s.reopened is None:
                self.add(e.at, self.system, t("h_accepted", lang), "timer")
        elif e.step == Step.forward and s.reopened is None:  # a reopened case kept its number
            number = s.registration.number if s.registration else "?"
            self.add(e.at, self.system, t("h_registered", lang, number=number), "activity")
        elif e.step in (Step.sign, Step.deliver) and not self.issued:
            self.issued = True
            refused = s.outcome == "refused"
            text = t("h_issued_refusal" if refused else "h_issued_conclusion", lang)
            self.add(e.at, self.system, text, "activity")
        if e.step == Step.done:
            self.add(e.at, self.system, t("h_closed", lang), "closed")
        elif e.step != Step.accept:
            due = next((d for d in s.deadlines if d.step == e.step and d.started_at >= e.at), None)
            name = step_name(e.step, lang)
            if due is not None:
                text = t("h_step_due", lang, step=name, due=when(due.due_at))
            else:
                text = t("h_step", lang, step=name)
            self.add(e.at, self.system, text, "step")

    def _opened(self, e: CaseEvent) -> None:
        s, lang = self.status, self.lang
        if (r := s.reopened) is not None:
            # A new run of a case whose result a complaint revoked: it was not submitted.
            kind = t("conclusion" if r.kind == "conclusion" else "refusal_notice", lang)
            text = t("h_reopened", lang, id=r.complaint_id, kind=kind,
                     issued=when(r.issued_at), revoked=when(r.revoked_at))  # fmt: skip
            self.add(e.at, self.system, text, "start")
            return
        # The application holds personal data: the journal keeps only when it came.
        self.add(e.at, self.portal, t("h_started", lang, submitted=when(s.submitted_at)), "start")

    def decision(self, e: CaseEvent) -> None:
        action = str(e.data.get("action", "?"))
        cmd = _command(action, e)
        text = _what_was_done(action, cmd, self.lang)
        who = e.data.get("signed")
        if isinstance(who, dict):
            # Who signed, as his certificate names him; `shaqyru audit` re-checks it.
            name = who.get("name") or who.get("subject", "?")
            serial = str(who.get("serial", "?"))[:16]
            text += " " + t("h_signed_by", self.lang, subject=name, serial=serial)
        against, late = self._against(action, e.at)
        self.add(e.at, e.actor or "?", text, "action", against, late)

    def rejection(self, e: CaseEvent) -> None:
        name = str(e.data.get("action", "?"))
        action = t(f"a_{name}", self.lang) if has(f"a_{name}") else outside_text(name)
        reason = refusal_text(e.data, str(e.data.get("en", "")), self.lang)
        text = t("h_rejected", self.lang, action=action, reason=reason)
        self.add(e.at, e.actor or "?", text, "rejected")

    def escalation(self, e: CaseEvent) -> None:
        what = escalation_text(str(e.data.get("kind", "")), str(e.data.get("note", "")), self.lang)
        self.add(e.at, self.system, t("h_escalation", self.lang, what=what), "escalation")

    def delivery(self, e: CaseEvent) -> None:
        addressee = "military" if e.data.get("addressee") == "military" else "cabinet"
        queued = e.data.get("state") == "queued"
        key = f"h_queued_{addressee}" if queued else f"h_delivered_{addressee}"
        self.add(e.at, self.system, t(key, self.lang), "activity")

    def complaint(self, e: CaseEvent) -> None:
        text = t("h_complaint", self.lang, id=outside_text(str(e.data.get("complaint_id", "?"))))
        self.add(e.at, self.system, text, "complaint")


def _stopped(run: Execution, lang: str) -> list[Entry]:
    """The line of a run stopped from outside: the server's, not the case's."""
    if not run.stopped or run.closed_at is None:
        return []
    state = t(f"run_{run.state}", lang)
    if run.reason:
        text = t("h_stopped_reason", lang, state=state, reason=run.reason)
    else:
        text = t("h_stopped", lang, state=state)
    return [Entry(run.closed_at, run.by or t("system", lang), text, "closed")]


def timeline(
    journal: CaseJournal | None, status: CaseStatus | None, run: Execution, lang: str
) -> list[Entry]:
    """The case's journal, line by line, in the words of the people who run it."""
    if journal is None or status is None:
        # A stopped or jammed case that cannot give its journal: what the server knows.
        at = run.closed_at or datetime.now(UTC)
        return [Entry(at, t("system", lang), t("h_no_journal", lang), "unreadable"),
                *_stopped(run, lang)]  # fmt: skip
    lines = _Lines(status, lang)
    for i, e in enumerate(journal.events):
        lines.read(e)
        if journal.omitted and i == KEPT_JOURNAL_HEAD - 1 and lines.entries:
            text = t("h_omitted", lang, count=journal.omitted)
            lines.add(lines.entries[-1].at, lines.system, text, "omitted")
    return sorted([*lines.entries, *_stopped(run, lang)], key=lambda e: e.at)
