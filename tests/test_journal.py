"""`shaqyru history` reads the journal a case keeps of itself: each kind of line in the
reader's words, the gap a forgotten case's reminders leave, and a stopped case that
cannot give its journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cli.journal import timeline
from cli.rows import Execution
from models.case import CaseEvent, CaseJournal, CaseStatus, Deadline, Step
from workflows.application import KEPT_JOURNAL_HEAD

AT = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def line(seq: int, kind: str, step: Step, data: dict | None = None, actor: str | None = None):
    return CaseEvent(
        application_id="EGOV-1",
        seq=seq,
        at=AT + timedelta(minutes=seq),
        kind=kind,
        step=step,
        actor=actor,
        data=data or {},
    )


STATUS = CaseStatus(
    application_id="EGOV-1",
    service="deferral",
    ground=5,
    district="astana-esil",
    step=Step.decide,
    submitted_at=AT,
    deadlines=[
        Deadline(
            step=Step.forward, started_at=AT + timedelta(minutes=2), due_at=AT + timedelta(hours=9)
        )
    ],  # fmt: skip
)


def test_each_kind_of_line_reads_as_the_process() -> None:
    journal = CaseJournal(
        events=[
            line(1, "step", Step.accept, {"submitted_at": AT.isoformat()}),
            line(2, "step", Step.forward),
            line(
                3, "decision", Step.forward, {"action": "forward", "actor": "c", "members": []}, "c"
            ),
            line(
                4, "rejection", Step.review, {"action": "member_decision", "ru": "не ваш шаг"}, "m"
            ),
            line(5, "escalation", Step.review, {"kind": "no_answer", "note": "no answer from m"}),
            line(6, "complaint", Step.review, {"complaint_id": "C-1", "outcome": "upheld"}),
            line(7, "unknown-kind", Step.review, {"x": 1}),
        ]
    )
    entries = timeline(journal, STATUS, Execution(), "ru")
    kinds = [e.kind for e in entries]
    assert kinds == ["start", "activity", "step", "action", "rejected", "escalation", "complaint"]
    texts = [e.text for e in entries]
    assert "направил заявление всем членам комиссии" in texts[3]
    assert entries[3].against and not entries[3].late  # held to the forward step's deadline
    assert "не ваш шаг" in texts[4]
    assert "C-1" in texts[6]


def test_the_lines_left_out_are_counted_where_they_were() -> None:
    events = [line(1, "step", Step.accept)] + [
        line(i, "escalation", Step.decide, {"kind": "reminder", "note": "reminder"})
        for i in range(2, KEPT_JOURNAL_HEAD + 10)
    ]
    entries = timeline(CaseJournal(events=events, omitted=120), STATUS, Execution(), "en")
    gap = [i for i, e in enumerate(entries) if e.kind == "omitted"]
    assert len(gap) == 1 and "120" in entries[gap[0]].text
    assert gap[0] == KEPT_JOURNAL_HEAD  # after the first lines the case keeps


def test_a_stopped_case_without_its_journal_says_so_and_why_it_stopped() -> None:
    run = Execution("terminated", AT, "operator", "duplicate of EGOV-2")
    entries = timeline(None, None, run, "kk")
    assert [e.kind for e in entries] == ["unreadable", "closed"]
    assert "EGOV-2" in entries[1].text and entries[1].actor == "operator"
