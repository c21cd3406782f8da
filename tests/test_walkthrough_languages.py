"""Issue 13: the README's walkthrough, run with SHAQYRU_LANG=ru and then kk, prints no
English word except ids, and every moment as Almaty time to the minute, with its zone.

The commands are the README's, in its order, run through the command line's own entry
(`cli.main.run`, as tests/test_languages.py does) against the dev server, with a worker
in this process; they run in a thread so that the worker keeps answering meanwhile.
Only the ids are fresh, for the dev server is the session's. What the README pipes in
(`sample | submit -`, `complaint file -`) is given on stdin the same way. With the
server down, tests/test_languages.py checks every case command in every language."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError

from cli.main import run
from models.case import Step
from models.complaint import ComplaintStatus, ComplaintStep
from rules.regulation import in_acceptance_period
from rules.timezone import ALMATY
from tests.helpers import eventually, status, worker_for
from tests.test_cli_cases import CHAIR, MEMBERS, recent_working_moment
from tests.test_languages import _CODES, _WORD
from workflows.application import ApplicationWorkflow, workflow_id
from workflows.complaint import ComplaintWorkflow
from workflows.complaint import workflow_id as complaint_workflow_id

REVIEWER = "region-reviewer"
WHY = "Справка просрочена"

# An id carries a digit (EGOV-…, astana-esil-2026-00001, outbox:EGOV-…:cabinet, a
# certificate's serial, a file under pytest's numbered folders); it is not a word.
_ID = re.compile(r"\S*\d\S*")
# A code printed raw would be snake_case (member_decision, no_answer, ...).
_SNAKE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z]+)+(?![\w./-])")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?P<seconds>:\d\d)?(?P<zone> ?[+-]\d\d:?\d\d)?")
_ZONE = datetime.now(ALMATY).strftime("%z")
ZONE = f" {_ZONE[:3]}:{_ZONE[3:]}"


def english(text: str) -> list[str]:
    """The English words of a screen meant for a Kazakh or Russian reader: test_languages'
    detector without its exemption of command names (none is printed here), codes in
    snake_case too, ids set aside."""
    text = _ID.sub(" ", text)
    words = [w for w in _WORD.findall(text) if w not in _CODES]
    return words + _SNAKE.findall(text)


def bad_moments(text: str) -> list[str]:
    """Moments not written as Almaty local time to the minute with its offset."""
    return [
        m.group(0) for m in _MOMENT.finditer(text) if m.group("seconds") or m.group("zone") != ZONE
    ]


@dataclass
class Walk:
    """The README's terminal: one language, the dev server, the worker behind it."""

    client: Client
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    seen: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, *args: str, code: int = 0, stdin: str | None = None) -> str:
        """Runs `shaqyru ARGS` and checks its exit status and what it printed."""
        text = await self.raw(*args, stdin=stdin, expect=code)
        self.seen.append((" ".join(args), text))
        return text

    async def raw(self, *args: str, stdin: str | None = None, expect: int | None = 0) -> str:
        if stdin is not None:
            stream = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
            self.monkeypatch.setattr(sys, "stdin", stream)
        self.capsys.readouterr()
        got = await asyncio.to_thread(run, list(args))
        out = self.capsys.readouterr()
        text = out.out + out.err
        assert expect is None or got == expect, (args, got, text)
        return text

    async def json(self, *args: str) -> object:
        return json.loads(await self.raw(*args, "--json"))

    async def step(self, app: str, step: Step) -> None:
        handle = self.client.get_workflow_handle(workflow_id(app))

        async def there() -> bool:
            return (await status(handle)).step == step

        await self.until(there, f"{app} at step {step}")

    async def until(self, check: Callable[[], Awaitable[bool]], what: str) -> None:
        """Until `check` holds; a run just started (a case decided again) may not answer
        a query yet, which is asked again like a check that does not hold."""

        async def probe() -> bool:
            try:
                return await check()
            except (RPCError, WorkflowQueryFailedError):
                return False

        await eventually(probe, bool, what)


@pytest_asyncio.fixture
async def worker(
    dev_env, signed_context, dev_keys, executor, tmp_path, monkeypatch
) -> AsyncIterator:
    """A worker on a task queue of its own, and the environment the README sets up: the
    server's address, the data folder with the development keys, their password."""
    tq = f"walk-{uuid.uuid4().hex[:8]}"
    (tmp_path / dev_keys.name).symlink_to(dev_keys)
    for name in ("SHAQYRU_USER", "SHAQYRU_KEY", "SHAQYRU_KEY_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings = {
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": dev_env.client.namespace,
        "SHAQYRU_TASK_QUEUE": tq,
        "SHAQYRU_DATA": str(tmp_path),
        "SHAQYRU_KEY_PASSWORD": "shaqyru-dev",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    async with worker_for(dev_env.client, signed_context, executor, tq):
        yield dev_env.client


async def submit_sample(walk: Walk, app: str) -> None:
    """`shaqyru sample deferral-5-student --id APP | shaqyru submit -`"""
    sample = json.loads(await walk.raw("sample", "deferral-5-student", "--id", app))
    if not in_acceptance_period(datetime.fromisoformat(sample["submitted_at"]).date()):
        # Out of the conscription periods the portal takes nothing; like the other
        # command-line tests, date it at the latest working moment inside one.
        sample["submitted_at"] = recent_working_moment().isoformat()
    await walk("submit", "-", stdin=json.dumps(sample, ensure_ascii=False))
    await walk.step(app, Step.forward)


async def in_inbox(walk: Walk, who: str, row: Callable[[dict], bool], what: str) -> None:
    async def there() -> bool:
        rows = await walk.json("inbox", "--as", who)
        return isinstance(rows, list) and any(row(r) for r in rows)

    await walk.until(there, what)


async def first_case(walk: Walk, app: str, out: Path) -> None:
    """The README's walkthrough: from the portal to the delivered, signed answer."""
    until = date(date.today().year + 1, 6, 30).isoformat()
    await submit_sample(walk, app)
    await in_inbox(walk, CHAIR, lambda r: r["application_id"] == app, f"{app} in the inbox")
    await walk("inbox", "--as", CHAIR)
    await walk("forward", app, "--as", CHAIR)
    await walk("vote", app, "agree", "--as", MEMBERS[0])
    await walk("vote", app, "agree", "--as", MEMBERS[1])
    await walk("vote", app, "refuse", "--ground", "1", "--details", WHY, "--as", MEMBERS[2])
    await walk("vote", app, "agree", "--as", MEMBERS[0], code=1)  # refused, with the reason
    await walk.step(app, Step.decide)
    await walk("decide", app, "grant", "--until", until, "--as", CHAIR)
    await walk.step(app, Step.sign)
    await walk("sign", app, "--as", CHAIR)
    await walk.step(app, Step.done)
    await walk("show", app)
    await walk("history", app)
    await walk("documents", app, "--out", str(out))
    await walk("verify", str(out / "conclusion.pdf"))
    await walk("audit", app)


async def complaint_case(walk: Walk, app: str, complaint: str, out: Path) -> None:
    """The README's complaints: a refusal, the complaint upheld, the case decided again."""
    until = date(date.today().year + 1, 6, 30).isoformat()
    await submit_sample(walk, app)
    await walk("forward", app, "--as", CHAIR)
    for member in MEMBERS:
        await walk("vote", app, "refuse", "--ground", "1", "--details", WHY, "--as", member)
    await walk.step(app, Step.decide)
    reason = "Справка об обучении просрочена"
    await walk("decide", app, "refuse", "--ground", "1", "--reason", reason, "--as", CHAIR)
    await walk.step(app, Step.sign)
    await walk("sign", app, "--as", CHAIR)
    await walk.step(app, Step.done)

    filed = {
        "complaint_id": complaint, "application_id": app, "act": "refusal",
        "text": "Справка действительна до конца учебного года.",
        "filed_at": datetime.now(UTC).isoformat(),
    }  # fmt: skip
    await walk("complaint", "file", "-", "--reviewer", REVIEWER, stdin=json.dumps(filed))
    await in_inbox(walk, CHAIR, lambda r: r["complaint_id"] == complaint, "the complaint")
    await walk("complaint", "show", complaint)
    await walk("inbox", "--as", CHAIR)
    await walk("complaint", "pass", complaint, "--as", CHAIR)
    await walk("complaint", "decide", complaint, "upheld", "--reason", "Справка действительна",
               "--as", REVIEWER)  # fmt: skip

    async def decided_again() -> bool:
        s = await walk.client.get_workflow_handle(workflow_id(app)).query(
            ApplicationWorkflow.status
        )
        handle = walk.client.get_workflow_handle(complaint_workflow_id(complaint))
        c: ComplaintStatus = await handle.query(ComplaintWorkflow.status)
        return s.reopened is not None and s.step == Step.forward and c.step == ComplaintStep.done

    await walk.until(decided_again, "the case decided again on the complaint")
    await walk("show", app)
    await walk("complaint", "show", complaint)
    await walk("forward", app, "--as", CHAIR)
    for member in MEMBERS:
        await walk("vote", app, "agree", "--as", member)
    await walk.step(app, Step.decide)
    await walk("decide", app, "grant", "--until", until, "--as", CHAIR)
    await walk.step(app, Step.sign)
    await walk("sign", app, "--as", CHAIR)
    await walk.step(app, Step.done)
    await walk("documents", app, "--out", str(out))
    # Beyond the README's lines: the screens of the case decided again.
    await walk("show", app)
    await walk("history", app)
    await walk("audit", app)


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_the_walkthrough_speaks_the_readers_language(
    worker: Client, capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str
) -> None:
    monkeypatch.setenv("SHAQYRU_LANG", lang)
    walk = Walk(worker, capsys, monkeypatch)
    tag = uuid.uuid4().hex[:8].upper()
    await first_case(walk, f"EGOV-{tag}-1", tmp_path / f"egov-{tag}-1")
    await complaint_case(walk, f"EGOV-{tag}-2", f"C-{tag}", tmp_path / f"egov-{tag}-2")

    for command, text in walk.seen:
        words = english(text)
        assert not words, (lang, command, words, text)
        assert not bad_moments(text), (lang, command, bad_moments(text), text)
        assert "Traceback" not in text, (command, text)
    # Every screen but the list of files written says something, in the reader's words.
    cyrillic = re.compile(r"[А-Яа-яӘәҚқҢңӨөҰұҮүІі]")
    for command, text in walk.seen:
        assert command.startswith("documents") or cyrillic.search(text), (command, text)


def _escalation_kinds(path: Path) -> set[str]:
    """The kinds a workflow escalates with: the literal after the step in `_escalate(`."""
    source = path.read_text(encoding="utf-8")
    return set(re.findall(r"_escalate\(\s*[\w.]+,\s*\"(\w+)\"", source))


def test_every_value_a_screen_names_has_its_words() -> None:
    """Beyond the walkthrough: the values a case or complaint can take and the screens
    name (steps, states, outcomes, escalations) each have a text, so that none is printed
    as its code (cli/render.py falls back to the code, or to the workflow's English note)."""
    from models.case import Addressee, DeliveryState
    from models.complaint import ComplaintOutcome
    from rules.complaint import Act
    from settings import ROOT
    from texts import has

    codes = [f"step_name.{s.value}" for s in Step]
    codes += [f"step_name.complaint-{s.value}" for s in ComplaintStep]
    codes += [f"delivery_{s.value}" for s in DeliveryState] + [a.value for a in Addressee]
    codes += [f"complaint_outcome.{o.value}" for o in ComplaintOutcome]
    codes += [f"complaint_act.{a.value}" for a in Act]
    stopped = ("terminated", "failed", "timed_out", "canceled", "continued_as_new")
    codes += [f"run_{s}" for s in stopped]  # cli.rows.Execution.state
    case_kinds = _escalation_kinds(ROOT / "workflows" / "application.py")
    complaint_kinds = _escalation_kinds(ROOT / "workflows" / "complaint.py")
    assert {"no_answer", "records_unavailable"} <= case_kinds and "reminder" in complaint_kinds
    codes += [f"esc_{k}" for k in case_kinds] + [f"complaint_esc.{k}" for k in complaint_kinds]
    assert [c for c in codes if not has(c)] == []
