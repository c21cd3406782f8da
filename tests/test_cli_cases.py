"""The caseworkers' command line, run as a caseworker runs it: the `shaqyru` command in a
subprocess, against the dev server, with a worker in this process.

Each command is a process of its own, with its own exit status, stdout and stderr; most
are forked from one that has already imported the command (tests/helpers.py `shaqyru`),
the tests about the installed script itself run it as installed (`Cli.installed`).

Subprocesses are started with asyncio so that the in-process worker keeps running while
a command waits for the workflow's answer to its update."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from rich.console import Console
from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.worker import Worker

from cli import render_case
from cli.keys_dev_cmd import DEV_PASSWORD
from cli.render import REASON_CHARS
from cli.rows import Execution
from models.application import MAX_DOCUMENTS
from models.case import Addressee, CaseStatus, Delivery, Step
from rules import calendar
from rules.check import MAX_APPLICATION_BYTES
from rules.regulation import in_acceptance_period
from rules.timezone import ALMATY
from settings import ROOT
from tests.helpers import SHAQYRU, eventually, shaqyru, worker_for
from texts import t
from workflows import search
from workflows.application import WORKFLOW_NAME, workflow_id
from workflows.checks import MESSAGES

EXAMPLE = ROOT / "examples" / "deferral-5-student.json"
CHAIR, MEMBERS = "esil-chair", ["esil-m1", "esil-m2", "esil-m3"]
CLI_WAIT = 60.0
"""Seconds of wall-clock time a test asks again (with the command, each time) for a case
or a list to get somewhere; a passing test never waits it out."""


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@dataclass
class Cli:
    env: dict[str, str]
    tmp: Path
    command: list[str] = field(default_factory=shaqyru)

    def installed(self) -> Cli:
        """The same, but every run is the installed `shaqyru` script itself."""
        return replace(self, command=[SHAQYRU])

    async def __call__(self, *args: str, env: dict[str, str] | None = None) -> Run:
        proc = await asyncio.create_subprocess_exec(
            *self.command,
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**self.env, **(env or {})},
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode is not None
        return Run(proc.returncode, out.decode(), err.decode())

    def application(self, **changes: object) -> tuple[str, Path]:
        """A copy of a portal example with a fresh id, submitted at a recent working moment."""
        data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        data["application_id"] = f"EGOV-T-{uuid.uuid4().hex[:10]}"
        data["submitted_at"] = recent_working_moment().isoformat()
        data.update(changes)
        path = self.tmp / f"{data['application_id']}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(data["application_id"]), path


def recent_working_moment() -> datetime:
    """The latest working moment, a few minutes ago or earlier, inside an acceptance period.

    The dev server runs on real time, and a case whose acceptance moment is past starts
    at once; outside the periods the latest past day inside one is taken."""
    moment = (datetime.now(ALMATY) - timedelta(minutes=5)).replace(second=0, microsecond=0)
    moment -= timedelta(minutes=moment.minute % 15)
    for _ in range(4 * 24 * 250):
        if in_acceptance_period(moment.date()) and calendar.is_working_moment(moment):
            return moment
        moment -= timedelta(minutes=15)
    raise AssertionError("no working moment inside an acceptance period in 250 days")


def cli_env(dev_env, dev_keys: Path, tmp_path: Path, tq: str) -> dict[str, str]:
    """The environment a caseworker's `shaqyru` runs in, against the dev server and the
    worker on task queue `tq`, with the development keys in his data folder."""
    unset = ("SHAQYRU_LANG", "SHAQYRU_USER", "SHAQYRU_KEY", "SHAQYRU_KEY_PASSWORD_FILE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host,
        TEMPORAL_NAMESPACE=dev_env.client.namespace,
        SHAQYRU_TASK_QUEUE=tq,
        SHAQYRU_DATA=str(tmp_path),
        SHAQYRU_KEY_PASSWORD=DEV_PASSWORD,
        COLUMNS="200",
    )
    (tmp_path / dev_keys.name).symlink_to(dev_keys)
    return env


@pytest_asyncio.fixture
async def cli(dev_env, signed_context, dev_keys, executor, tmp_path) -> AsyncIterator[Cli]:
    """The `shaqyru` command as the caseworkers run it: every action signed with the
    caseworker's own development key, against a worker whose cases require it."""
    tq = f"cli-{uuid.uuid4().hex[:8]}"
    env = cli_env(dev_env, dev_keys, tmp_path, tq)
    async with worker_for(dev_env.client, signed_context, executor, tq):
        yield Cli(env, tmp_path)


async def state(cli: Cli, app: str) -> dict:
    """The case as `show --json` gives it, without the clock-dependent figures."""
    run = await cli("show", app, "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert isinstance(data, dict)
    data.pop("term_working_time_left_seconds", None)
    for d in data["deadlines"]:
        d.pop("working_time_left_seconds", None)
    return data


async def until_step(cli: Cli, app: str, step: str) -> dict:
    return await eventually(
        lambda: state(cli, app),
        lambda s: s["step"] == step,
        f"{app} never reached {step}",
        within=CLI_WAIT,
        every=0.05,
    )


async def inbox(cli: Cli, who: str) -> list[str]:
    run = await cli("inbox", "--as", who, "--json")
    assert run.code == 0, run.err
    return [row["application_id"] for row in run.json()]  # type: ignore[union-attr]


async def eventually_in_inbox(cli: Cli, who: str, app: str, present: bool = True) -> None:
    # The visibility store is eventually consistent: poll for a bounded time.
    await eventually(
        lambda: inbox(cli, who),
        lambda listed: (app in listed) == present,
        f"{app} {'never' if present else 'still'} in {who}'s inbox",
        within=CLI_WAIT,
        every=0.1,
    )


async def refused(cli: Cli, app: str, code: str, *args: str, lang: str = "ru") -> None:
    """The action is refused with `code`, the reason printed in `lang`, the case unchanged."""
    before = await state(cli, app)
    run = await cli(*args, "--lang", lang)
    assert run.code == 1, (args, run.out, run.err)
    template = MESSAGES[code][{"kk": 0, "ru": 1, "en": 2}[lang]]
    # A field the reason begins with is shown as the option the caseworker typed.
    template = re.sub(r"^[a-z_0-9]+: ", "", template)
    fixed = [p for p in re.split(r"\{[^}]*\}", template) if p.strip()]
    assert all(part in run.err for part in fixed), (template, run.err)
    assert t("unchanged", "ru") in run.err
    as_json = await cli(*args, "--json")
    assert as_json.code == 1
    assert as_json.json() == {"accepted": False, "code": code, **_texts(as_json)}
    assert await state(cli, app) == before


def _texts(run: Run) -> dict:
    data = run.json()
    assert isinstance(data, dict)
    return {k: data[k] for k in ("kk", "ru", "en")}


@pytest.mark.long
async def test_a_case_from_submission_to_delivery(cli: Cli) -> None:
    app, path = cli.application()
    run = await cli("submit", str(path), "--json")
    assert run.code == 0, run.err
    receipt = run.json()
    assert isinstance(receipt, dict) and receipt["application_id"] == app
    assert receipt["accepted"] is True

    again = await cli("submit", str(path), "--lang", "ru")
    assert again.code == 1
    assert "уже подано" in again.err

    s = await until_step(cli, app, "forward")
    assert s["waiting_for"] == [CHAIR]
    await eventually_in_inbox(cli, CHAIR, app)
    assert app not in await inbox(cli, MEMBERS[0])

    # Wrong person, wrong step, a stranger as member: each refused, nothing changes.
    await refused(cli, app, "actor.not_chairman", "forward", app, "--as", MEMBERS[0])
    await refused(cli, app, "step.wrong", "decide", app, "grant", "--as", CHAIR)
    await refused(cli, app, "actor.not_forwarded", "vote", app, "agree", "--as", MEMBERS[0])
    await refused(cli, app, "members.unknown", "forward", app, "--member", "nobody", "--as", CHAIR)

    run = await cli("forward", app, "--as", CHAIR, "--lang", "kk")
    assert run.code == 0, run.err
    assert "мүшелерге жолданды" in run.out
    await eventually_in_inbox(cli, MEMBERS[0], app)
    await eventually_in_inbox(cli, CHAIR, app, present=False)

    assert (await cli("vote", app, "agree", "--as", MEMBERS[0])).code == 0
    await refused(cli, app, "member.already_decided", "vote", app, "agree", "--as", MEMBERS[0])
    await refused(
        cli,
        app,
        "refusal.details_missing",
        "vote",
        app,
        "refuse",
        "--ground",
        "1",
        "--as",
        MEMBERS[1],
    )
    await refused(cli, app, "refusal.ground_missing", "vote", app, "refuse", "--as", MEMBERS[1])
    run = await cli(
        "vote",
        app,
        "refuse",
        "--ground",
        "1",
        "--details",
        "Анықтама жарамсыз",
        "--as",
        MEMBERS[1],
        "--lang",
        "en",
    )
    assert run.code == 0, run.err
    assert "Still waiting for: esil-m3" in run.out
    assert (await cli("vote", app, "agree", "--as", MEMBERS[2])).code == 0

    s = await until_step(cli, app, "decide")
    assert [a["answer"] for a in s["answers"]] == ["agree", "refuse", "agree"]
    await refused(cli, app, "until.missing", "decide", app, "grant", "--as", CHAIR)
    await refused(cli, app, "reasons.missing", "decide", app, "refuse", "--as", CHAIR)
    until = date(date.today().year + 2, 6, 30).isoformat()
    run = await cli("decide", app, "grant", "--until", until, "--as", CHAIR, "--lang", "ru")
    assert run.code == 0, run.err
    assert "положительное решение" in run.out

    # Nothing leaves before the chairman signs the issued conclusion with his own key.
    s = await until_step(cli, app, "sign")
    assert s["waiting_for"] == [CHAIR] and not any(d["delivered"] for d in s["deliveries"])
    await refused(cli, app, "actor.not_chairman", "sign", app, "--as", MEMBERS[0])
    run = await cli("sign", app, "--as", CHAIR, "--lang", "ru")
    assert run.code == 0, run.err
    assert "документ подписан" in run.out

    s = await until_step(cli, app, "done")
    assert s["outcome"] == "granted" and s["result"]["until"] == until
    assert all(d["delivered"] for d in s["deliveries"])
    assert {d["state"] for d in s["deliveries"]} == {"queued"}
    assert not s["rejections"]  # refused updates never reach the case

    late = await cli("forward", app, "--as", CHAIR, "--lang", "ru")
    assert late.code == 1 and "дело закрыто" in late.err

    show = await cli("show", app, "--lang", "ru")
    assert show.code == 0, show.err
    for text in (
        "Отсрочка от призыва",
        "решение председателя",
        "заключение",
        "Анықтама жарамсыз",
        "личный кабинет",
        "в срок",
        "в очереди (исходящие, адрес не настроен)",
    ):
        assert text in show.out, (text, show.out)

    history = await cli("history", app, "--lang", "ru")
    assert history.code == 0, history.err
    lines = history.out.splitlines()
    order = [
        "заявление подано на портале",
        "заявление зарегистрировано",
        f"{CHAIR}",
        "направил заявление всем членам комиссии",
        "дал согласие",
        "отказал (основание 1 п. 9): Анықтама жарамсыз",
        f"предоставил отсрочку до {until}",
        "выдано заключение",
        # No endpoint is configured here: the truth is "queued", not "delivered".
        "документ для личного кабинета в очереди исходящих",
        "дело закрыто",
    ]
    at = 0
    for text in order:
        at = next(i for i in range(at, len(lines)) if text in lines[i])
    entries = (await cli("history", app, "--json")).json()
    assert isinstance(entries, list)
    actions = [e for e in entries if e["kind"] == "action"]
    assert [e["actor"] for e in actions] == [CHAIR, *MEMBERS, CHAIR, CHAIR]
    assert all(e["deadline"] and not e["late"] for e in actions)
    assert all("[подписано:" in line for line in lines if "предоставил отсрочку" in line)

    # The chairman's own signature over the delivered PDF verifies against the CA, and
    # fails on a changed byte.
    out = cli.tmp / "docs"
    assert (await cli("documents", app, "--out", str(out))).code == 0
    pdf, cms = out / "conclusion.pdf", out / "conclusion.chairman.pdf.p7s"
    assert (out / "conclusion.chairman.pdf").read_bytes() == pdf.read_bytes()
    ca = cli.tmp / "dev-keys" / "ca.pem"
    verify = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any"]
    verify += ["-in", str(cms), "-CAfile", str(ca), "-out", os.devnull]
    assert subprocess.run([*verify, "-content", str(pdf)], capture_output=True).returncode == 0
    changed = out / "changed.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    changed.write_bytes(bytes(data))
    assert subprocess.run([*verify, "-content", str(changed)], capture_output=True).returncode != 0


async def test_invalid_application_starts_nothing(cli: Cli) -> None:
    cli = cli.installed()  # the installed script's own exit status for bad input
    app, path = cli.application(ground=14, applicant={"iin": "123"})
    run = await cli("submit", str(path), "--lang", "ru")
    assert run.code == 2
    assert "ничего не запущено" in run.err
    assert run.err.count("\n") >= 3  # the heading and every problem, not just the first
    as_json = await cli("submit", str(path), "--json")
    assert as_json.code == 2
    assert len(as_json.json()["problems"]) >= 2  # type: ignore[index]
    assert (await cli("show", app)).code == 2


async def test_submit_from_stdin(cli: Cli) -> None:
    app, path = cli.application()
    proc = await asyncio.create_subprocess_exec(
        SHAQYRU,
        "submit",
        "-",
        "--lang",
        "en",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli.env,
    )
    out, err = await proc.communicate(path.read_bytes())
    assert proc.returncode == 0, err
    assert f"{app}: the application is accepted" in out.decode()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["show", "EGOV-NO-SUCH-CASE"], "мұндай өтініш табылмады"),
        (["history", "EGOV-NO-SUCH-CASE"], "мұндай өтініш табылмады"),
        (["vote", "EGOV-NO-SUCH-CASE", "agree", "--as", "esil-m1"], "мұндай өтініш табылмады"),
        (["vote", "X", "maybe", "--as", "esil-m1"], "maybe"),
        (["vote", "X", "refuse", "--ground", "3", "--as", "esil-m1"], "--ground"),
        (["decide", "X", "grant", "--until", "30.06.2027", "--as", "esil-chair"], "--until"),
        (["inbox"], "SHAQYRU_USER"),
        (["inbox", "--as", "Robert'); DROP"], "Robert'); DROP"),
        (["show", "a b"], "a b"),
        (["submit", "/no/such/file.json"], "/no/such/file.json"),
        (["submit", "/", "--lang", "en"], "/: cannot read the file"),
        (["show", "X", "--lang", "de"], "--lang"),
    ],
)
async def test_bad_input_exits_2(cli: Cli, args: list[str], says: str) -> None:
    # One usage error through the installed script itself; the others are parsed alike.
    run = await (cli.installed() if args == ["show", "X", "--lang", "de"] else cli)(*args)
    assert run.code == 2, (run.out, run.err)
    assert says in run.err


def _documents(n: int) -> list[dict]:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))["documents"][0]
    return [doc] * n


@pytest.mark.parametrize(
    ("changes", "field", "rule", "says"),
    [
        ({"ground": "5"}, "ground", "schema.type", "wrong type of value"),
        (
            {"submitted_at": (datetime.now(UTC) + timedelta(days=90)).isoformat()},
            "submitted_at",
            "submitted_at.future",
            "cannot be in the future",
        ),
        (
            {"documents": _documents(MAX_DOCUMENTS + 1)},
            "documents",
            "documents.too_many",
            "at most",
        ),
        ({"documents": _documents(10_000)}, "-", "application.too_large", "larger than 256 KiB"),
        ({"reason": "Студентпін\x07\x1b[2J"}, "reason", "text.control", "U+0007, U+001B"),
    ],
)
async def test_submit_refuses_bad_input(
    cli: Cli, changes: dict, field: str, rule: str, says: str
) -> None:
    app, path = cli.application(**changes)
    await _refused_at_the_gate(cli, app, path, field, rule, says)


@pytest.mark.parametrize(
    ("applicant", "field", "rule"),
    [
        ({"surname": "   "}, "applicant.surname", "text.no_letter"),
        ({"name": "\u200b\u200b"}, "applicant.name", "text.no_letter"),
        ({"name": "\u200b\u200b"}, "applicant.name", "text.control"),
        ({"patronymic": "Бек\x00ұлы"}, "applicant.patronymic", "text.control"),
        ({"surname": "Әлиев\u202e"}, "applicant.surname", "text.control"),
        ({"address": " \u200b "}, "applicant.address", "text.blank"),
    ],
)
async def test_submit_refuses_hidden_or_blank_names(
    cli: Cli, applicant: dict, field: str, rule: str
) -> None:
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))["applicant"]
    app, path = cli.application(applicant={**example, **applicant})
    await _refused_at_the_gate(cli, app, path, field, rule, "")


async def test_submit_refuses_deep_nesting(cli: Cli) -> None:
    app, path = cli.application()
    raw = path.read_text(encoding="utf-8")[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(raw, encoding="utf-8")
    await _refused_at_the_gate(cli, app, path, "-", "schema.depth", "nested deeper than 8")


async def test_submit_refuses_a_huge_file(cli: Cli) -> None:
    app, path = cli.application()
    path.write_bytes(path.read_bytes() + b" " * MAX_APPLICATION_BYTES)
    await _refused_at_the_gate(cli, app, path, "-", "application.too_large", "256 KiB")


async def _refused_at_the_gate(
    cli: Cli, app: str, path: Path, field: str, rule: str, says: str
) -> None:
    """Exit 2 with the field, the rule and the reason in words; no case is started."""
    run = await cli("submit", str(path), "--lang", "en")
    assert run.code == 2, (run.out, run.err)
    assert "nothing was started" in run.err and f"[{field}; {rule}]" in run.err
    assert says in run.err and "Traceback" not in run.err
    as_json = await cli("submit", str(path), "--json")
    assert as_json.code == 2
    problems = as_json.json()["problems"]  # type: ignore[index]
    assert (field.replace("-", ""), rule) in {(p["field"], p["rule"]) for p in problems}
    assert (await cli("show", app)).code == 2  # never started


async def test_submit_with_a_byte_order_mark(cli: Cli) -> None:
    app, path = cli.application()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = await cli("submit", str(path), "--lang", "en")
    assert run.code == 0, run.err
    assert f"{app}: the application is accepted" in run.out


async def test_terminated_case_is_shown_as_terminated(cli: Cli, dev_env) -> None:
    app, path = cli.application()
    assert (await cli("submit", str(path))).code == 0
    await until_step(cli, app, "forward")
    await eventually_in_inbox(cli, CHAIR, app)
    # The operator's text goes to a terminal: escapes, bidi overrides and markup must not.
    reason = "Дубликат EGOV-1 \x1b[2J\u202eпричина [/] " + "ж" * 300
    await dev_env.client.get_workflow_handle(workflow_id(app)).terminate(reason=reason)

    show = await cli("show", app, "--lang", "ru")
    assert show.code == 0, show.err
    assert "ДЕЛО ЗАКРЫТО: прекращено" in show.out
    assert "Причина: Дубликат EGOV-1 [2Jпричина [/]" in show.out and "ж…" in show.out
    assert "\x1b" not in show.out and "\u202e" not in show.out and "ж" * 300 not in show.out
    assert "Кем: " in show.out
    assert re.search(r"Ожидает действий\s+никто", show.out), show.out
    assert "осталось" not in show.out  # no working time runs out on a closed case

    data = (await cli("show", app, "--json")).json()
    assert isinstance(data, dict)
    assert data["run"]["state"] == "terminated" and data["waiting_for"] == []
    assert data["run"]["reason"].startswith("Дубликат EGOV-1 [2Jпричина")
    assert len(data["run"]["reason"]) == REASON_CHARS
    assert "term_working_time_left_seconds" not in data
    assert all("working_time_left_seconds" not in d for d in data["deadlines"])

    history = await cli("history", app, "--lang", "ru")
    assert "дело закрыто (прекращено): Дубликат EGOV-1" in history.out
    await eventually_in_inbox(cli, CHAIR, app, present=False)
    late = await cli("forward", app, "--as", CHAIR, "--lang", "ru")
    assert late.code == 1 and "дело закрыто" in late.err


@workflow.defn(name=WORKFLOW_NAME, sandboxed=False)
class JammedApplication:
    """A case whose workflow code raises: every workflow task fails and is retried."""

    @workflow.run
    async def run(self, *args: Any) -> None:
        raise RuntimeError("a bug in the workflow code")


async def test_overdue_lists_a_jammed_case(cli: Cli, dev_env) -> None:
    district, app = f"jam-{uuid.uuid4().hex[:8]}", f"EGOV-JAM-{uuid.uuid4().hex[:8]}"
    past = datetime.now(UTC) - timedelta(hours=1)
    async with Worker(dev_env.client, task_queue=district, workflows=[JammedApplication]):
        handle = await dev_env.client.start_workflow(
            WORKFLOW_NAME,
            id=workflow_id(app),
            task_queue=district,
            # A jammed case never flags itself overdue: its deadline alone is past.
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(search.SERVICE, "deferral"),
                    SearchAttributePair(search.GROUND, 5),
                    SearchAttributePair(search.DISTRICT, district),
                    SearchAttributePair(search.STEP, "forward"),
                    SearchAttributePair(search.DEADLINE, past),
                ]
            ),
        )
        try:
            for _ in range(100):
                d = await handle.describe()
                if d.raw_description.pending_workflow_task.attempt > 1:
                    break
                await asyncio.sleep(0.05)
            deadline = time.monotonic() + CLI_WAIT
            while True:  # the visibility store is eventually consistent
                run = await cli("overdue", "--district", district, "--json")
                assert run.code == 0, run.err
                groups = run.json()
                if groups or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            assert isinstance(groups, list) and len(groups) == 1
            [row] = groups[0]["cases"]
            assert row["application_id"] == app
            assert row["jammed"] is True and row["workflow_task_attempt"] > 1

            text = await cli("overdue", "--district", district, "--lang", "en")
            assert "jammed (workflow task failing, attempt" in text.out, text.out
            show = await cli("show", app, "--lang", "en")
            assert show.code == 0, show.err
            assert "jammed (workflow task failing, attempt" in show.out
        finally:
            await handle.terminate(reason="end of test")


async def test_unreachable_server_exits_3_quickly(cli: Cli) -> None:
    cli = cli.installed()  # start-up included: what a caseworker waits for
    for args in (["inbox", "--as", "esil-m1"], ["show", "X"], ["forward", "X", "--as", CHAIR]):
        began = time.monotonic()
        run = await cli(*args, env={"TEMPORAL_ADDRESS": "127.0.0.1:1"})
        assert run.code == 3, run.err
        assert "127.0.0.1:1" in run.err and "./scripts/up" in run.err
        assert "Traceback" not in run.err and "tonic" not in run.err
        assert time.monotonic() - began < 8


async def test_overdue_lists_by_district_and_step(cli: Cli) -> None:
    # Nothing is overdue on a fresh queue's cases; the query itself must be accepted.
    run = await cli("overdue", "--json")
    assert run.code == 0, run.err
    assert isinstance(run.json(), list)
    run = await cli("overdue", "--district", "astana-esil", "--lang", "ru")
    assert run.code == 0, run.err


def test_show_prints_an_older_cases_reference_without_its_escapes() -> None:
    """Cases delivered before the references were kept printable hold the addressee's
    answer as it came; `show` still prints it without what would act on the terminal."""
    at = datetime(2026, 9, 15, 13, 30, tzinfo=UTC)
    raw = "\x1b]0;owned\x07\x1b[2J\x1b[32mdelivered OK\x1b[0m\u202e\x9b2J"
    s = CaseStatus(
        application_id="EGOV-1", service="deferral", ground=5, district="astana-esil",
        step=Step.done, submitted_at=at,
        deliveries=[Delivery(addressee=Addressee.cabinet, delivered=True, at=at, reference=raw)],
    )  # fmt: skip
    out = io.StringIO()
    screen = Console(file=out, highlight=False, markup=False, soft_wrap=False, width=240)
    render_case.render_status(s, at, "en", screen, Execution(), [])
    shown = out.getvalue()
    assert "delivered OK" in shown
    assert [c for c in shown if not c.isprintable() and c != "\n"] == []
