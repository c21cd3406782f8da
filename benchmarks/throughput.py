"""Cases per second, a whole Shaqyru case against the bare Temporal minimum of its shape.

    python benchmarks/throughput.py [--cases 200] [--concurrency 50] [--sample 20]
    python benchmarks/throughput.py --workers 2      # a second worker process beside this one
    python benchmarks/throughput.py --rounds 4       # the two kinds in turn, four times
    python benchmarks/throughput.py --open 10000     # memory, inbox and a timer, at rest
    python benchmarks/throughput.py --rollback-journal --driver-here   # as up to cc43814

Everything is real: a dev server of its own (SQLite file in a temp folder, in the
write-ahead log that scripts/up sets; `--rollback-journal` leaves it in SQLite's default
mode, as earlier landings measured, where the bare workflow waits on the disk), the
project's worker (worker.build_worker) in this process with a fresh read model, encrypted
payloads (a temp key ring), development signing keys, the outbox for deliveries. The
caseworkers' and the portal's clients that drive the cases run in a process of their own:
in life they are on other machines, never in the worker's process, where they would take
the worker's turns at Python's one lock. `--driver-here` runs them beside the worker, as
the benchmark did up to the eighth landing. Either way they run on the same cores, and
their CPU is counted.

(a) The baseline (benchmarks/baseline_workflow.py): three activities and the caseworkers'
six messages (forward, three votes, decision, the chairman's signature on the result) as
updates like the case's (or signals: --baseline-via), in the same sandbox; no domain code,
plain payloads. (b) The Shaqyru case: submitted through starter.submit,
then every action an update signed with the caseworker's own key, the chairman's
signature over the issued PDF, and both deliveries. Each runs `--cases` cases,
`--concurrency` at once, after a few unmeasured ones to warm up.

Applications are dated at the latest working moment (as `shaqyru sample` does) so that
they are registered at once on the server's real clock, even out of working hours.

Printed: cases/s of each and their ratio (issue 12 wants >= 0.6), and the CPU a case costs
(this process, the clients, the server, openssl), steadier than the rates where other work
shares the machine; history events and workflow tasks per case (WorkflowTaskCompleted,
from the histories of `--sample` cases); the events of a Shaqyru case by type; activity times; and
where the CPU went, by this process's threads and activities and the server's process.

`--rounds R` measures the baseline and the Shaqyru case in turn R times on the same server
and worker, and prints the median ratio and its range: the machine's speed drifts within
minutes, and alternating puts both kinds under the same drift. The details (threads,
activities, histories) are the last round's.

`--workers N` starts N-1 more processes with the same two workers (same server, read
model, keys and documents): one Python process runs on one core at a time, so this is how
a machine's second core gets Python work. Their CPU is counted as "other workers"; the
thread, codec and activity figures are this process's alone.

`--open N` leaves N cases open at the forward, review and decide steps, then prints the
process's resident memory, the time of `shaqyru inbox --as esil-m1`, and how late a probe
timer fires. Not in CI: it takes minutes (--open 10000: about a quarter of an hour)."""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import dataclasses
import functools
import inspect
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from baseline_workflow import MESSAGES, BaselineCase, TimerProbe, baseline_step  # noqa: E402
from temporalio import activity  # noqa: E402
from temporalio.api.enums.v1 import EventType  # noqa: E402
from temporalio.client import (  # noqa: E402
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.client import Interceptor as ClientInterceptor  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.worker import (  # noqa: E402
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)

import codec  # noqa: E402
import settings as config  # noqa: E402
import starter  # noqa: E402
import worker as shaqyru_worker  # noqa: E402
from cli.keys_dev_cmd import DEV_PASSWORD, init_dev_keys  # noqa: E402
from cli.sample_cmd import latest_working_moment  # noqa: E402
from documents.identity import (  # noqa: E402
    PersonalKey,
    dev_keys_dir,
    load_personal_key,
    sign_command,
    sign_document,
)
from models.case import CaseStatus, Step  # noqa: E402
from models.decisions import ChairmanDecision, Forward, MemberDecision, ResultSigning  # noqa: E402
from rules.roster import load_roster  # noqa: E402
from tests.helpers import ROSTER, application, free_port, make_context  # noqa: E402
from workflows import search  # noqa: E402
from workflows.application import workflow_id  # noqa: E402
from workflows.runner import workflow_runner  # noqa: E402

CHAIR, MEMBERS = "esil-chair", ("esil-m1", "esil-m2", "esil-m3")


# --- the baseline: the same shape, nothing of ours -------------------------------------


async def baseline_case(client: Client, case_id: str, tq: str, via: str) -> None:
    handle = await client.start_workflow(
        BaselineCase.run, case_id, id=f"baseline-{case_id}", task_queue=tq
    )
    for n in range(MESSAGES):
        if via == "update":
            await handle.execute_update("act", f"message {n}", result_type=int)
        else:
            await handle.signal("act", f"message {n}")
    await handle.result()


# --- the Shaqyru case ------------------------------------------------------------------


@dataclass
class Driver:
    """What the caseworkers need: their keys, the document store, and counters."""

    client: Client
    settings: config.Settings
    keys: dict[str, PersonalKey]
    store_dir: Path
    early: collections.Counter = field(default_factory=collections.Counter)
    signing_s: float = 0.0

    def sign(self, who: str, case_id: str, action: str, cmd):
        began = time.thread_time()
        try:
            return sign_command(self.keys[who], case_id, action, cmd)
        finally:
            self.signing_s += time.thread_time() - began

    async def act(self, handle: WorkflowHandle, case_id: str, action: str, who: str, cmd) -> None:
        """Sends the signed update; a case that has not reached the step yet (its
        activities still running) refuses it with step.wrong, and it is signed afresh
        (a spent nonce is refused) and sent again."""
        pause = 0.02
        while True:
            try:
                await handle.execute_update(
                    action, self.sign(who, case_id, action, cmd), result_type=CaseStatus
                )
                return
            except WorkflowUpdateFailedError as failed:
                code = getattr(failed.cause, "type", None)
                if code != "step.wrong":
                    raise
                self.early[action] += 1
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.2)

    async def at_step(self, handle: WorkflowHandle, step: Step) -> CaseStatus:
        pause = 0.02
        while True:
            status = await handle.query("status", result_type=CaseStatus)
            if status.step == step:
                return status
            self.early["query"] += 1
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.2)

    async def submit(self, case_id: str, submitted: datetime) -> WorkflowHandle:
        await starter.submit(self.client, application(submitted, app_id=case_id), self.settings)
        return self.client.get_workflow_handle(workflow_id(case_id), result_type=CaseStatus)

    async def full_case(self, case_id: str, submitted: datetime, stop_at: Step | None = None):
        handle = await self.submit(case_id, submitted)
        if stop_at == Step.forward:
            return
        # The chairman forwards a case once his inbox shows it, registered: wait for that
        # with queries (counted below), as a person would, not with refused updates.
        await self.at_step(handle, Step.forward)
        await self.act(handle, case_id, "forward", CHAIR, Forward(actor=CHAIR))
        if stop_at == Step.review:
            return
        for member in MEMBERS:
            vote = MemberDecision(actor=member, verdict="agree")
            await self.act(handle, case_id, "member_decision", member, vote)
        if stop_at == Step.decide:
            return
        until = submitted.date() + timedelta(days=200)
        decision = ChairmanDecision(actor=CHAIR, verdict="grant", until=until)
        await self.act(handle, case_id, "chairman_decision", CHAIR, decision)
        status = await self.at_step(handle, Step.sign)
        sha = next(d.sha256 for d in status.documents if d.kind == "conclusion")
        pdf = self._pdf(sha)  # the very bytes the case issued, as `shaqyru sign` reads them
        began = time.thread_time()
        cms = base64.b64encode(sign_document(pdf, self.keys[CHAIR])).decode("ascii")
        self.signing_s += time.thread_time() - began
        signing = ResultSigning(actor=CHAIR, document_sha256=sha, cms_base64=cms)
        await self.act(handle, case_id, "sign_result", CHAIR, signing)
        final = await handle.result()
        if final.step != Step.done or not all(d.delivered for d in final.deliveries):
            raise RuntimeError(f"{case_id} ended at {final.step} undelivered")

    def _pdf(self, sha: str) -> bytes:
        from documents.store import DocumentStore

        return DocumentStore(self.store_dir).get(sha)


def make_driver(client: Client, folder: Path) -> Driver:
    keys_dir = dev_keys_dir(folder)
    people = {p: load_personal_key(keys_dir / f"{p}.p12", DEV_PASSWORD.encode())
              for p in (CHAIR, *MEMBERS)}  # fmt: skip
    cfg = config.Settings(data_dir=folder, task_queue=TASK_QUEUE)
    return Driver(client, cfg, people, folder / "documents")


async def run_phase(driver: Driver, plain: Client, cmd: dict) -> dict:
    """`cmd["n"]` cases of `cmd["kind"]`, `cmd["concurrency"]` at once, wherever the
    clients run: the phase's wall time, and what the caseworkers met on the way."""
    gate = asyncio.Semaphore(cmd["concurrency"])
    kind, tag, run_id = cmd["kind"], cmd["tag"], cmd["run_id"]
    submitted = datetime.fromisoformat(cmd["submitted"])
    early0, signing0 = collections.Counter(driver.early), driver.signing_s
    began, done = time.perf_counter(), 0

    async def one(i: int) -> None:
        nonlocal done
        async with gate:
            if kind == "baseline":
                await baseline_case(plain, f"{run_id}-{tag}{i:05d}", "baseline", cmd["via"])
            elif kind == "open":  # a third each waiting to be forwarded, voted, decided
                stop = (Step.forward, Step.review, Step.decide)[i % 3]
                await driver.full_case(f"OPEN-{run_id}-{tag}{i:05d}", submitted, stop)
            else:
                await driver.full_case(f"TP-{run_id}-{tag}{i:05d}", submitted)
        done += 1
        if kind == "open" and done % 1000 == 0:
            rss, _ = rss_mib(cmd["worker_pid"])
            print(f"  {done} open, {time.perf_counter() - began:.0f} s, worker resident "
                  f"{rss:.0f} MiB", file=sys.stderr, flush=True)  # fmt: skip

    await asyncio.gather(*(one(i) for i in range(cmd["n"])))
    return {
        "seconds": time.perf_counter() - began,
        "early": dict(collections.Counter(driver.early) - early0),
        "signing_s": driver.signing_s - signing0,
    }


class LocalDrivers:
    """The clients in this process, beside the worker (--driver-here)."""

    pid: int | None = None

    def __init__(self, driver: Driver, plain: Client) -> None:
        self.driver, self.plain = driver, plain

    async def phase(self, **cmd: object) -> dict:
        return await run_phase(self.driver, self.plain, cmd)

    async def close(self) -> None:
        pass


class RemoteDrivers:
    """The clients in a process of their own (`--drive`): a phase is a line of JSON there
    and a line back. Its CPU is counted as the clients'."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pid: int | None = proc.pid

    @classmethod
    async def start(cls, folder: Path, address: str) -> RemoteDrivers:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--drive", str(folder), "--address", address,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdout is not None
        if (await proc.stdout.readline()).strip() != b"ready":
            raise RuntimeError(
                f"the clients' process did not start (exit code {await proc.wait()})"
            )
        return cls(proc)

    async def phase(self, **cmd: object) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(cmd).encode() + b"\n")
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the clients' process ended (exit code {await self.proc.wait()})")
        return json.loads(line)

    async def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def child_clients(address: str) -> tuple[Client, Client]:
    """A child process's two clients, as the parent's: the case's, encrypted with the key
    ring the parent made (in its environment), and the baseline's, plain."""
    keyring = codec.KeyFile(os.environ["SHAQYRU_KEYRING"])
    client = await Client.connect(address, data_converter=codec.data_converter(keyring))
    return client, await Client.connect(address, data_converter=pydantic_data_converter)


async def drive(folder: Path, address: str) -> None:
    """The clients' process: reads phases from stdin, answers each when it is done."""
    client, plain = await child_clients(address)
    driver = make_driver(client, folder)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        print(json.dumps(await run_phase(driver, plain, json.loads(line))), flush=True)


# --- measuring ------------------------------------------------------------------------


def _ticks(stat: str) -> float:
    # Fields after the command name, which may hold spaces: utime and stime are 14 and 15.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    return _ticks(Path(f"/proc/{pid}/stat").read_text())


def thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's threads, by kind: Python threads by their name, the
    SDK core's (Rust) threads by the name the kernel knows."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    groups: dict[str, float] = collections.defaultdict(float)
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            comm = (task / "comm").read_text().strip()
        except OSError:
            continue  # ended meanwhile
        name = names.get(int(task.name), comm)
        if name == "MainThread":
            kind = "event loop (client, SDK, codec)"
        elif name.startswith("temporal_workflow_"):
            kind = "workflow tasks (sandbox)"
        elif name.startswith("activity"):
            kind = "sync activities"
        elif int(task.name) in names:
            kind = f"other Python: {name.rstrip('0123456789_-')}"
        else:
            kind = f"native: {comm}"
        groups[kind] += _ticks(stat)
    return groups


def rss_mib(pid: int | str = "self") -> tuple[float, float]:
    """Resident and peak resident memory of a process (this one by default), MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


class CodecClock:
    """CPU time spent encrypting and decrypting payloads. The codec's coroutines never
    wait, so the calling thread's CPU time is theirs alone."""

    def __init__(self, codec_: codec.EncryptionCodec) -> None:
        self.seconds = 0.0
        self.payloads = 0
        for name in ("encode", "decode"):
            inner = getattr(codec_, name)

            async def timed(payloads, inner=inner):
                began = time.thread_time()
                try:
                    return await inner(payloads)
                finally:
                    self.seconds += time.thread_time() - began
                    self.payloads += len(payloads)

            setattr(codec_, name, timed)


class ActivityClock(ClientInterceptor, Interceptor):
    """CPU time of each sync activity, read in the thread that runs it. A client
    interceptor: the worker built on the client takes it up."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = collections.defaultdict(float)
        self.calls: collections.Counter = collections.Counter()
        self._lock = threading.Lock()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _TimedActivity(next, self)


class _TimedActivity(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, clock: ActivityClock) -> None:
        super().__init__(next)
        self.clock = clock

    async def execute_activity(self, input: ExecuteActivityInput):
        fn, clock = input.fn, self.clock
        if inspect.iscoroutinefunction(fn):
            return await super().execute_activity(input)
        name = activity.info().activity_type

        def timed(*args):
            began = time.thread_time()
            try:
                return fn(*args)
            finally:
                with clock._lock:
                    clock.cpu[name] += time.thread_time() - began
                    clock.calls[name] += 1

        return await super().execute_activity(dataclasses.replace(input, fn=timed))


@dataclass
class Phase:
    name: str
    cases: int
    seconds: float
    cpu_self: float
    cpu_server: float
    cpu_children: float
    threads: dict[str, float]
    cpu_workers: float = 0.0  # the extra worker processes (--workers)
    cpu_drivers: float = 0.0  # the clients' process, unless --driver-here
    met: dict = field(default_factory=dict)  # the clients' counters (run_phase)

    @property
    def cpu_total(self) -> float:
        return (
            self.cpu_self + self.cpu_server + self.cpu_children + self.cpu_workers
            + self.cpu_drivers
        )  # fmt: skip


async def measure(
    name: str,
    n: int,
    go: Callable[[], Awaitable[dict]],
    server_pid: int,
    worker_pids: Sequence[int] = (),
    drivers_pid: int | None = None,
) -> Phase:
    threads0, self0, server0 = thread_cpu(), time.process_time(), process_cpu(server_pid)
    workers0 = sum(process_cpu(pid) for pid in worker_pids)
    drivers0 = process_cpu(drivers_pid) if drivers_pid else 0.0
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    met = await go()
    seconds = met["seconds"]
    threads1 = thread_cpu()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    threads = {k: threads1[k] - threads0.get(k, 0.0) for k in threads1}
    return Phase(
        name,
        n,
        seconds,
        time.process_time() - self0,
        process_cpu(server_pid) - server0,
        # openssl, which checks the chairman's signature (the server is not reaped yet)
        max(0.0, children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime),
        {k: v for k, v in threads.items() if v >= 0.005 * n},
        sum(process_cpu(pid) for pid in worker_pids) - workers0,
        (process_cpu(drivers_pid) - drivers0) if drivers_pid else 0.0,
        met,
    )


@dataclass
class Histories:
    events: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    by_type: collections.Counter = field(default_factory=collections.Counter)
    bytes_by_type: collections.Counter = field(default_factory=collections.Counter)
    activity_s: dict[str, list[float]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )


async def read_histories(client: Client, ids: list[str]) -> Histories:
    found = Histories()
    for wid in ids:
        history = await client.get_workflow_handle(wid).fetch_history()
        events = history.events
        found.events.append(len(events))
        found.tasks.append(
            sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for e in events)
        )
        scheduled = {}
        for e in events:
            kind = EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
            found.by_type[kind] += 1
            found.bytes_by_type[kind] += e.ByteSize()
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                attrs = e.activity_task_scheduled_event_attributes
                scheduled[e.event_id] = (attrs.activity_type.name, e.event_time.ToDatetime())
            elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                kind, at = scheduled[e.activity_task_completed_event_attributes.scheduled_event_id]
                found.activity_s[kind].append((e.event_time.ToDatetime() - at).total_seconds())
    return found


class DevServer:
    """`temporal server start-dev` of our own, so that its CPU time can be read; its SQLite
    file kept as scripts/up keeps it, or in SQLite's own rollback journal."""

    def __init__(self, folder: Path, rollback_journal: bool = False) -> None:
        store = [] if rollback_journal else config.dev_server_store_flags()
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        binary = Path(sys.executable).parent / "temporal"
        self.log = folder / "server.log"
        self.proc = subprocess.Popen(
            [str(binary), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
             "--port", str(self.port), "--db-filename", str(folder / "temporal.db"),
             "--log-level", "error", *store, *search.dev_server_flags()],
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    async def client(self, **kw) -> Client:
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError(f"the dev server exited with {self.proc.returncode}")
            try:
                return await Client.connect(self.address, **kw)
            except RuntimeError:
                await asyncio.sleep(0.1)
        raise RuntimeError("the dev server did not start in 30 s")

    def stop(self) -> None:
        if self.proc.poll() is not None:  # died under us: say how (-9: killed from outside)
            tail = self.log.read_bytes()[-2000:].decode(errors="replace")
            print(f"the dev server exited early, code {self.proc.returncode}:\n{tail}")
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- reporting ------------------------------------------------------------------------


def report_phase(p: Phase) -> None:
    rate = p.cases / p.seconds
    print(f"\n{p.name}: {p.cases} cases in {p.seconds:.1f} s = {rate:.2f} cases/s")
    others = f"other workers {1000 * p.cpu_workers / p.cases:.0f} ms, " if p.cpu_workers else ""
    if p.cpu_drivers:
        others += f"clients' process {1000 * p.cpu_drivers / p.cases:.0f} ms, "
    print(
        f"  CPU per case: this process {1000 * p.cpu_self / p.cases:.0f} ms, {others}"
        f"server {1000 * p.cpu_server / p.cases:.0f} ms, subprocesses "
        f"{1000 * p.cpu_children / p.cases:.0f} ms; cores busy "
        f"{p.cpu_total / p.seconds:.2f} of {os.cpu_count()}"
    )
    for kind, seconds in sorted(p.threads.items(), key=lambda kv: -kv[1]):
        print(f"    {kind:<40} {1000 * seconds / p.cases:6.0f} ms/case")


def report_histories(label: str, h: Histories, types: bool) -> None:
    print(
        f"  {label}: history events per case median {statistics.median(h.events):.0f} "
        f"(min {min(h.events)}, max {max(h.events)}); workflow tasks per case median "
        f"{statistics.median(h.tasks):.0f} (min {min(h.tasks)}, max {max(h.tasks)}); "
        f"{len(h.events)} histories; {sum(h.bytes_by_type.values()) / len(h.events) / 1024:.1f} "
        "KiB of history per case"
    )
    if types:
        n = len(h.events)
        print("    events by type, per case (count, KiB):")
        for kind, count in h.by_type.most_common():
            print(f"      {kind:<45} {count / n:5.1f} {h.bytes_by_type[kind] / n / 1024:6.1f}")
        print("    activities, scheduled to completed (median ms):")
        for kind, values in sorted(h.activity_s.items()):
            print(f"      {kind:<45} {1000 * statistics.median(values):6.0f}")


# --- the runs ---------------------------------------------------------------------------


TASK_QUEUE = "shaqyru-bench"


def both_workers(plain: Client, client: Client, ctx, executor) -> tuple[Worker, Worker]:
    baseline = Worker(
        plain,
        task_queue="baseline",
        workflows=[BaselineCase, TimerProbe],
        workflow_runner=workflow_runner(),
        activities=[baseline_step],
        activity_executor=executor,
    )
    real = shaqyru_worker.build_worker(
        client, ctx, TASK_QUEUE, executor, shaqyru_worker.SYNC_THREADS
    )
    return baseline, real


def activity_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=shaqyru_worker.SYNC_THREADS, thread_name_prefix="activity"
    )


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="shaqyru-throughput-") as tmp_name:
        tmp = Path(tmp_name)
        keyring = codec.KeyFile(tmp / "keyring.json")
        keyring.create()
        # The read model's sealed columns and every helper read these from the environment
        # (so do the extra workers of --workers, which inherit it).
        os.environ["SHAQYRU_KEYRING"] = str(keyring.path)
        os.environ["SHAQYRU_DATA"] = str(tmp)
        init_dev_keys(tmp, load_roster(ROSTER))
        keys_dir = dev_keys_dir(tmp)
        server = DevServer(tmp, args.rollback_journal)
        extra: list[subprocess.Popen] = []
        try:
            converter = codec.data_converter(keyring)
            assert isinstance(converter.payload_codec, codec.EncryptionCodec)
            clock = CodecClock(converter.payload_codec)
            activities = ActivityClock()
            client = await server.client(data_converter=converter, interceptors=[activities])
            plain = await server.client(data_converter=pydantic_data_converter)
            ctx = make_context(tmp, keys_dir)
            # The caseworkers read the documents where the worker keeps them.
            assert ctx.documents_dir == tmp / "documents"
            with activity_threads() as executor:
                baseline, real = both_workers(plain, client, ctx, executor)
                async with baseline, real:
                    for _ in range(args.workers - 1):
                        extra.append(start_extra_worker(tmp, server.address))
                    drivers: LocalDrivers | RemoteDrivers
                    if args.driver_here:
                        drivers = LocalDrivers(make_driver(client, tmp), plain)
                    else:
                        drivers = await RemoteDrivers.start(tmp, server.address)
                    try:
                        if args.open:
                            await open_cases(args, drivers, plain, server)
                        else:
                            await throughput(
                                args, drivers, plain, clock, activities, server,
                                [p.pid for p in extra],
                            )  # fmt: skip
                    finally:
                        await drivers.close()
        finally:
            for proc in extra:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            server.stop()


def start_extra_worker(folder: Path, address: str) -> subprocess.Popen:
    """Another process with the same two workers, on the same server, read model, keys
    and documents, as a second worker process on the machine would be."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(folder), "--address", address],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError(f"an extra worker did not start (exit code {proc.wait()})")
    return proc


async def serve(folder: Path, address: str) -> None:
    client, plain = await child_clients(address)
    ctx = make_context(folder, dev_keys_dir(folder))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with activity_threads() as executor:
        baseline, real = both_workers(plain, client, ctx, executor)
        async with baseline, real:
            print("ready", flush=True)
            os.dup2(2, 1)  # nobody reads the pipe from here on: it must never fill up
            await stop.wait()


async def throughput(
    args, drivers: LocalDrivers | RemoteDrivers, plain: Client, clock, activities, server,
    worker_pids: list[int],
) -> None:  # fmt: skip
    run_id = datetime.now(UTC).strftime("%H%M%S")
    submitted = latest_working_moment(datetime.now(UTC))
    where = "in this process" if args.driver_here else "in a process of their own"
    print(
        f"{args.cases} cases of each kind, {args.concurrency} at once, after "
        f"{args.warmup} to warm up; {args.workers} worker process(es); clients {where}; "
        f"baseline messages as {args.baseline_via}s; "
        f"applications dated {submitted.isoformat()}"
    )

    def phase(kind: str, n: int, tag: str) -> Awaitable[dict]:
        return drivers.phase(
            kind=kind, n=n, concurrency=args.concurrency, tag=tag, run_id=run_id,
            submitted=submitted.isoformat(), via=args.baseline_via,
        )  # fmt: skip

    await phase("baseline", args.warmup, "w")
    await phase("full", args.warmup, "W")

    pids = (server.proc.pid, worker_pids, drivers.pid)
    rates: list[tuple[float, float, float, float]] = []
    # The machine's speed drifts within minutes; rounds that alternate the two kinds put
    # both under the same drift, and their median ratio is the figure to compare.
    for r in range(args.rounds):
        if args.rounds > 1:
            print(f"round {r + 1} of {args.rounds}")
        a = await measure(
            "baseline", args.cases, functools.partial(phase, "baseline", args.cases, f"m{r}-"),
            *pids,
        )  # fmt: skip
        report_phase(a)
        codec0 = (clock.seconds, clock.payloads)
        activities.cpu.clear()
        activities.calls.clear()
        b = await measure(
            "Shaqyru case", args.cases, functools.partial(phase, "full", args.cases, f"M{r}-"),
            *pids,
        )  # fmt: skip
        report_phase(b)
        rates.append((a.cases / a.seconds, b.cases / b.seconds,
                      a.cpu_total / a.cases, b.cpu_total / b.cases))  # fmt: skip
    codec_s, payloads = clock.seconds - codec0[0], clock.payloads - codec0[1]
    print(
        f"  codec: {payloads / b.cases:.0f} payloads/case, {1000 * codec_s / b.cases:.1f} ms "
        f"CPU/case (in this process's event loop{'' if args.driver_here else ', the worker'}"
        f"'s side); caseworkers' signing {1000 * b.met['signing_s'] / b.cases:.1f} ms/case"
    )
    print("  sync activities, CPU in their thread (ms per case; calls per case, this process):")
    for name, seconds in sorted(activities.cpu.items(), key=lambda kv: -kv[1]):
        print(
            f"    {name:<38} {1000 * seconds / b.cases:6.1f}   "
            f"{activities.calls[name] / b.cases:.1f}"
        )
    early = ", ".join(f"{k} {v / b.cases:.2f}" for k, v in sorted(b.met["early"].items()))
    print(f"  tries before the case was at the step (per case): {early or 'none'}")

    k = min(args.sample, args.cases)
    last = args.rounds - 1
    ha = await read_histories(plain, [f"baseline-{run_id}-m{last}-{i:05d}" for i in range(k)])
    ids = [workflow_id(f"TP-{run_id}-M{last}-{i:05d}") for i in range(k)]
    hb = await read_histories(plain, ids)
    print()
    report_histories("baseline", ha, types=False)
    report_histories("Shaqyru case", hb, types=True)
    # On a shared machine the rates move with the neighbours' load; the CPU a case costs
    # (this process, the server, openssl, the extra workers) moves much less.
    for ra, rb, ca, cb in rates:
        print(
            f"\nRATES baseline {ra:.2f} cases/s, Shaqyru {rb:.2f} cases/s, ratio {rb / ra:.3f} "
            f"(goal >= 0.6); CPU per case {1000 * ca:.0f} vs {1000 * cb:.0f} ms, ratio "
            f"{ca / cb:.3f}; events/case {statistics.median(hb.events):.0f} vs "
            f"{statistics.median(ha.events):.0f}; workflow tasks/case "
            f"{statistics.median(hb.tasks):.0f} vs {statistics.median(ha.tasks):.0f}"
        )
    if len(rates) > 1:
        ratios = sorted(rb / ra for ra, rb, _, _ in rates)
        cpu = sorted(1000 * cb for _, _, _, cb in rates)
        rate = statistics.median(rb for _, rb, _, _ in rates)
        print(
            f"\nMEDIAN of {len(rates)} rounds: ratio {statistics.median(ratios):.3f} "
            f"({ratios[0]:.3f}-{ratios[-1]:.3f}); Shaqyru {rate:.2f} "
            f"cases/s; CPU per case {statistics.median(cpu):.0f} ms ({cpu[0]:.0f}-{cpu[-1]:.0f})"
        )


async def open_cases(
    args, drivers: LocalDrivers | RemoteDrivers, plain: Client, server: DevServer
) -> None:
    """N cases left open: a third waiting for the chairman's forward, a third for the
    members' votes, a third for the chairman's decision."""
    run_id = datetime.now(UTC).strftime("%H%M%S")

    def phase(n: int, tag: str) -> Awaitable[dict]:
        return drivers.phase(
            kind="open", n=n, concurrency=args.concurrency, tag=tag, run_id=run_id,
            submitted=latest_working_moment(datetime.now(UTC)).isoformat(),
            worker_pid=os.getpid(),
        )  # fmt: skip

    await phase(1, "warm-")
    rss0, _ = rss_mib()
    phase_ = await measure(
        "opening", args.open, functools.partial(phase, args.open, ""), server.proc.pid,
        drivers_pid=drivers.pid,
    )  # fmt: skip
    print(
        f"opened {args.open} cases in {phase_.seconds:.0f} s ({args.open / phase_.seconds:.1f}/s)"
    )
    query = "ExecutionStatus = 'Running' AND ShaqyruStep IN ('forward', 'review', 'decide')"
    for _ in range(600):
        if (await plain.count_workflows(query)).count >= args.open:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(5)  # let the worker settle: sticky caches, finished pollers
    import gc

    gc.collect()
    rss, peak = rss_mib()
    who = "worker, client and drivers together" if args.driver_here else "the worker alone"
    print(
        f"worker process ({who}): resident {rss:.0f} MiB "
        f"(before opening {rss0:.0f} MiB, peak {peak:.0f} MiB); the worker keeps at most "
        f"{shaqyru_worker.WORKFLOW_CACHE} cases in its workflow cache "
        "(SHAQYRU_WORKFLOW_CACHE), the rest are replayed from history when they next move"
    )
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": server.address,
        "SHAQYRU_TASK_QUEUE": TASK_QUEUE,
    }
    count = 0
    # The JSON lists every case; the table shows the soonest SHOWN_ROWS, as a caseworker
    # reads it.
    for form in (["--json"], []):
        timings = []
        for _ in range(args.runs):
            began = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-m", "cli.main", "inbox", "--as", MEMBERS[0], *form],
                cwd=ROOT, env=env, capture_output=True, check=True,
            )  # fmt: skip
            timings.append(time.perf_counter() - began)
            if form:
                count = out.stdout.count(b'"application_id"')
        print(
            f"`shaqyru inbox --as {MEMBERS[0]} {' '.join(form)}` ({count} cases): median "
            f"{statistics.median(timings):.2f} s, max {max(timings):.2f} s over {args.runs} runs"
        )
    late = await plain.execute_workflow(
        TimerProbe.run, args.timer, id=f"timer-probe-{run_id}", task_queue="baseline"
    )
    print(
        f"a {args.timer:.0f} s timer with {args.open} cases open fired {late:.2f} s late "
        "(the cases' own timers are working days long and the dev server cannot skip time)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="measured cases of each kind")
    parser.add_argument("--concurrency", type=int, default=50, help="cases driven at once")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured cases first")
    parser.add_argument("--sample", type=int, default=20, help="histories to count events in")
    parser.add_argument(
        "--rounds", type=int, default=1, help="baseline and Shaqyru phases, taken in turn"
    )
    parser.add_argument(
        "--baseline-via",
        choices=("update", "signal"),
        default="update",
        help="how the baseline's messages go (the Shaqyru case's are updates)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes, this one included"
    )
    parser.add_argument(
        "--driver-here", action="store_true",
        help="run the clients that drive the cases in this process, beside the worker",
    )  # fmt: skip
    parser.add_argument(
        "--rollback-journal", action="store_true",
        help="the server's SQLite file in SQLite's own rollback journal, not scripts/up's "
        "write-ahead log (as the benchmark ran up to the eighth landing)",
    )  # fmt: skip
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # an extra worker
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)  # the clients
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--open", type=int, default=0, help="leave N cases open and measure")
    parser.add_argument("--runs", type=int, default=5, help="inbox calls timed (--open)")
    parser.add_argument("--timer", type=float, default=30.0, help="probe timer, s (--open)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds: 1 or more")
    if args.workers < 1 or (args.open and args.workers > 1):
        parser.error("--workers: 1 or more; --open measures the one worker of this process")
    if args.serve:
        asyncio.run(serve(args.serve, args.address))
    elif args.drive:
        asyncio.run(drive(args.drive, args.address))
    else:
        asyncio.run(run(args))
    sys.stdout.flush()
    os._exit(0)  # the Temporal runtime can crash at interpreter exit (sdk-python #300)


if __name__ == "__main__":
    main()
