"""Many workers on one task queue (issue 14): real `python worker.py` processes on one
Temporal dev server and one PostgreSQL read model take cases as caseworkers drive them
with signed actions; one worker is SIGKILLed mid-run and another started. Every case ends
with exactly one registration number, one result and one delivery per addressee, and
the numbers of each district and year run 1..n without a gap, across the workers.

The full run (3 workers, 200 cases) takes minutes: SHAQYRU_SLOW_TESTS=1 runs it. The
suite always runs 2 workers and 30 cases. Either takes at least a minute: the activities
the killed worker had in hand are retried when their one-minute start-to-close timeout
runs out, and its workflow tasks (registrations run in them) when their ten seconds do,
as in production."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError

from cli.keys_dev_cmd import DEV_PASSWORD, init_dev_keys
from cli.sample_cmd import latest_working_moment
from documents.identity import dev_keys_dir, load_personal_key, sign_command, sign_document
from documents.store import DocumentStore
from models.case import Addressee, CaseStatus, Step
from models.decisions import ChairmanDecision, Forward, MemberDecision, ResultSigning
from models.tables import ApplicationRow, OutboxDelivery, ResultRow
from rules.roster import load_roster
from settings import ROOT
from tests.helpers import ROSTER, application, start, status
from workflows.application import workflow_id

SLOW = os.environ.get("SHAQYRU_SLOW_TESTS") == "1"
DISTRICTS = ("astana-esil", "astana-saryarka")
# A case is polled, and a worker awaited, this long at most before the test gives up.
PATIENCE = 300.0


class Workers:
    """`python worker.py` processes, as a deployment runs them, on one task queue."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.running: list[subprocess.Popen] = []
        self.started = 0

    def start(self) -> subprocess.Popen:
        self.started += 1
        log = self.logs / f"worker-{self.started}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "worker.py"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        proc.log = log  # type: ignore[attr-defined]
        self.running.append(proc)
        return proc

    def wait_ready(self, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + PATIENCE
        while b"worker started" not in proc.log.read_bytes():  # type: ignore[attr-defined]
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(proc.log.read_text())  # type: ignore[attr-defined]
            time.sleep(0.05)

    def kill(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in self.running:
            proc.send_signal(signal.SIGTERM)
        for proc in self.running:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.running.clear()


async def wait_step(handle: WorkflowHandle, steps: set[Step]) -> CaseStatus:
    """Polls the case's status until it stands at one of `steps`."""
    deadline = time.monotonic() + PATIENCE
    while True:
        s = await status(handle)
        if s.step in steps:
            return s
        if time.monotonic() > deadline:
            raise AssertionError(f"{handle.id} stuck at {s.step}")
        await asyncio.sleep(0.1)


async def drive(client: Client, app, tq: str, keys: dict, store: DocumentStore) -> CaseStatus:
    """One case from submission to its end, each action signed by its caseworker."""
    case = app.application_id
    handle = await start(client, app, tq)
    s = await wait_step(handle, {Step.forward})
    commission = s.registration.commission
    chair = commission.chairman.id

    async def act(name: str, actor: str, cmd) -> None:
        # After a kill, the task that holds an activity's result and the action can reach
        # the case together; the action is then judged first, at the step before, and
        # refused without changing anything. The caseworker sends it again, as here.
        deadline = time.monotonic() + PATIENCE
        while True:
            signed = sign_command(keys[actor], case, name, cmd)
            try:
                await handle.execute_update(name, signed, result_type=CaseStatus)
                return
            except WorkflowUpdateFailedError as e:
                code = getattr(e.cause, "type", None)
                if code != "step.wrong" or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.2)

    await act("forward", chair, Forward(actor=chair))
    for member in commission.members:
        await act("member_decision", member.id, MemberDecision(actor=member.id, verdict="agree"))
    until = date(app.submitted_at.year + 1, 6, 30)
    await act(
        "chairman_decision", chair, ChairmanDecision(actor=chair, verdict="grant", until=until)
    )
    s = await wait_step(handle, {Step.sign, Step.deliver, Step.done})
    if s.step == Step.sign:
        sha = next(d.sha256 for d in s.documents if d.kind == s.result.kind.value)
        cms = base64.b64encode(sign_document(store.get(sha), keys[chair])).decode()
        signing = ResultSigning(actor=chair, document_sha256=sha, cms_base64=cms)
        await act("sign_result", chair, signing)
    return CaseStatus.model_validate(await handle.result())


def registered(url: str) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            return len(db.exec(select(ApplicationRow.application_id)).all())
    finally:
        engine.dispose()


async def retried(client: Client, finals: dict[str, CaseStatus]) -> int:
    """Work the killed worker had in hand and another took up: activities retried when
    their start-to-close timeout ran out, and workflow tasks (with the local activities
    they ran, such as a registration) retried when their own timeout did."""
    count = 0
    for case in finals:
        history = await client.get_workflow_handle(workflow_id(case)).fetch_history()
        for event in history.events:
            if event.HasField("activity_task_started_event_attributes"):
                count += event.activity_task_started_event_attributes.attempt > 1
            count += event.HasField("workflow_task_timed_out_event_attributes")
    return count


def census(url: str, finals: dict[str, CaseStatus]) -> dict[str, int]:
    """What the read model holds, against what the cases say. The tables' keys already
    forbid a second row per case (or per case and addressee); what is counted is what the
    keys cannot see."""
    engine = create_engine(url)
    with Session(engine) as db:
        apps = {a.application_id: a for a in db.exec(select(ApplicationRow))}
        results = {r.application_id: r for r in db.exec(select(ResultRow))}
        outbox = db.exec(select(OutboxDelivery)).all()
    engine.dispose()
    results_to = {a.value for a in Addressee}  # not the acceptance mark's own row
    delivered = {
        (o.application_id, o.addressee)
        for o in outbox
        if o.addressee in results_to and o.delivered_at is not None
    }
    sent = {(o.application_id, o.addressee) for o in outbox if o.addressee in results_to}
    expected = {(case, d.addressee.value) for case, f in finals.items() for d in f.deliveries}
    lost = sum(
        1
        for case, final in finals.items()
        if final.step != Step.done
        or case not in apps
        or case not in results
        or not final.deliveries
        or apps[case].registration_number != final.registration.number
        or results[case].registration_number != final.registration.number
        or any((case, d.addressee.value) not in delivered for d in final.deliveries)
    )
    numbers = Counter(a.registration_number for a in apps.values())
    duplicated = (
        sum(n - 1 for n in numbers.values())
        + len(set(apps) - set(finals))  # a case registered that no one submitted
        + len(sent - expected)  # a result sent where the case did not send it
    )
    gaps = 0
    for key in {(a.district, a.year) for a in apps.values()}:
        taken = sorted(a.sequence for a in apps.values() if (a.district, a.year) == key)
        gaps += taken[-1] - len(taken)
    return {"cases": len(finals), "duplicates": duplicated, "losses": lost, "gaps": gaps}


@pytest.mark.long
@pytest.mark.parametrize(
    ("workers", "cases"),
    [
        pytest.param(3, 200, marks=pytest.mark.skipif(not SLOW, reason="SHAQYRU_SLOW_TESTS=1")),
        (2, 30),
    ],
    ids=["3-workers-200-cases", "2-workers-30-cases"],
)
async def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    dev_env, postgres_server, tmp_path: Path, capsys, workers: int, cases: int
):
    client = dev_env.client
    data = tmp_path / "data"
    roster = load_roster(ROSTER)
    init_dev_keys(data, roster)
    keys = {
        p.id: load_personal_key(dev_keys_dir(data) / f"{p.id}.p12", DEV_PASSWORD.encode())
        for d in roster.districts
        if d.code in DISTRICTS
        for p in (d.chairman, *d.members)
    }
    url = postgres_server.new_database()
    tq = f"many-{uuid.uuid4().hex[:8]}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SHAQYRU_") or k == "SHAQYRU_KEYRING"
    }
    env.update(
        TEMPORAL_ADDRESS=client.service_client.config.target_host,
        TEMPORAL_NAMESPACE=client.namespace,
        SHAQYRU_TASK_QUEUE=tq,
        SHAQYRU_DATA=str(data),
        SHAQYRU_DATABASE_URL=url,
    )
    pool = Workers(env, tmp_path)
    began = time.monotonic()
    try:
        first = [pool.start() for _ in range(workers)]
        for proc in first:
            pool.wait_ready(proc)

        submitted = latest_working_moment(datetime.now(UTC))
        apps = [
            application(submitted, district=DISTRICTS[i % len(DISTRICTS)], app_id=f"MW-{i:04d}")
            for i in range(cases)
        ]
        store = DocumentStore(data / "documents")
        gate = asyncio.Semaphore(40)

        async def one(app) -> CaseStatus:
            async with gate:
                return await drive(client, app, tq, keys, store)

        running = [asyncio.create_task(one(app)) for app in apps]
        # Mid-run: a third of the cases registered, the rest being registered, so the
        # worker dies with registrations in hand.
        while await asyncio.to_thread(registered, url) < cases // 3:
            await asyncio.sleep(0.02)
        pool.kill(first[0])
        pool.wait_ready(pool.start())
        finals = dict(
            zip([a.application_id for a in apps], await asyncio.gather(*running), strict=True)
        )
    finally:
        pool.stop_all()
    figures = census(url, finals)
    again = await retried(client, finals)
    with capsys.disabled():
        print(
            f"\nmany workers: {figures['cases']} cases, {workers} workers (one SIGKILLed"
            f" mid-run, one started), duplicates {figures['duplicates']}, losses"
            f" {figures['losses']}, gaps {figures['gaps']}, activities retried after the kill"
            f" {again}, {time.monotonic() - began:.0f} s"
        )
    assert figures == {"cases": cases, "duplicates": 0, "losses": 0, "gaps": 0}
    assert again > 0, "the killed worker had nothing in hand: the kill proved nothing"
