"""The complaint commands as the portal, the chairman and the reviewing body run them:
the `shaqyru` command in a subprocess (tests/test_cli_cases.py `Cli`), against the dev
server, with a worker in this process that runs both the case and its complaint."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.service import RPCError, RPCStatusCode

from tests import helpers
from tests.test_cli_cases import CHAIR, CLI_WAIT, MEMBERS, Cli, cli_env, state, until_step
from workflows.complaint import workflow_id

REVIEWER = "region-reviewer"


@pytest_asyncio.fixture
async def cli(dev_env, signed_context, dev_keys, executor, tmp_path) -> AsyncIterator[Cli]:
    tq = f"cli-{uuid.uuid4().hex[:8]}"
    env = cli_env(dev_env, dev_keys, tmp_path, tq)
    async with helpers.worker_for(dev_env.client, signed_context, executor, tq):
        yield Cli(env, tmp_path)


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    # The visibility store and a new run come a moment after the action.
    await helpers.eventually(check, bool, what, within=CLI_WAIT, every=0.1)


async def ok(cli: Cli, *args: str) -> str:
    run = await cli(*args)
    assert run.code == 0, (args, run.out, run.err)
    return run.out


async def refused(cli: Cli) -> str:
    """A case refused, signed and delivered: its refusal can be complained of."""
    app, path = cli.application()
    await ok(cli, "submit", str(path))
    await until_step(cli, app, "forward")
    await ok(cli, "forward", app, "--as", CHAIR)
    why = "Анықтама ескі"
    for member in MEMBERS:
        await ok(cli, "vote", app, "refuse", "--ground", "1", "--details", why, "--as", member)
    await ok(cli, "decide", app, "refuse", "--ground", "1", "--reason", why, "--as", CHAIR)
    await until_step(cli, app, "sign")
    await ok(cli, "sign", app, "--as", CHAIR)
    await until_step(cli, app, "done")
    return app


def complaint_file(cli: Cli, app: str, act: str = "refusal") -> tuple[str, Path]:
    complaint_id = f"C-{uuid.uuid4().hex[:8]}"
    complaint = cli.tmp / f"{complaint_id}.json"
    complaint.write_text(
        json.dumps(
            {
                "complaint_id": complaint_id,
                "application_id": app,
                "act": act,
                "text": "Анықтама мерзімі өтпеген.",
                "filed_at": datetime.now(UTC).isoformat(),
            }
        ),
        encoding="utf-8",
    )
    return complaint_id, complaint


@pytest.mark.long
async def test_a_complaint_upheld_sends_the_case_to_be_decided_again(cli: Cli) -> None:
    app = await refused(cli)
    complaint_id, complaint = complaint_file(cli, app)
    filed = await ok(cli, "complaint", "file", str(complaint), "--reviewer", REVIEWER)
    assert complaint_id in filed

    shown = json.loads(await ok(cli, "complaint", "show", complaint_id, "--json"))
    assert shown["step"] == "body" and shown["waiting_for"] == [CHAIR]
    screen = await ok(cli, "complaint", "show", complaint_id, "--lang", "en")
    assert f"complaint about application {app}" in screen and "the refusal notice" in screen

    async def in_chairmans_inbox() -> bool:
        rows = json.loads(await ok(cli, "inbox", "--as", CHAIR, "--json"))
        return any(r["complaint_id"] == complaint_id and r["application_id"] == app for r in rows)

    await eventually(in_chairmans_inbox, "the complaint never reached the chairman's inbox")

    passed = await ok(cli, "complaint", "pass", complaint_id, "--as", CHAIR, "--lang", "en")
    assert REVIEWER in passed
    decided = await ok(
        cli, "complaint", "decide", complaint_id, "upheld", "--reason", "Анықтама жарамды",
        "--as", REVIEWER, "--lang", "en",
    )  # fmt: skip
    assert "upheld" in decided

    async def decided_again() -> bool:
        data = await state(cli, app)
        listed = [c["complaint_id"] for c in data["complaints_filed"]]
        return listed == [complaint_id] and (data.get("reopened") or {}).get("complaint_id") == (
            complaint_id
        )

    await eventually(decided_again, "the case was never decided again on the complaint")
    screen = await ok(cli, "show", app, "--lang", "en")
    assert f"decided again on complaint {complaint_id}" in screen
    assert f"{complaint_id}: against the refusal notice" in screen

    # The new decision is signed like the first: over its own document (conclusion.r1).
    await until_step(cli, app, "forward")
    await ok(cli, "forward", app, "--as", CHAIR)
    for member in MEMBERS:
        await ok(cli, "vote", app, "agree", "--as", member)
    until = date(date.today().year + 1, 6, 30).isoformat()
    await ok(cli, "decide", app, "grant", "--until", until, "--as", CHAIR)
    await until_step(cli, app, "sign")
    await ok(cli, "sign", app, "--as", CHAIR)
    await until_step(cli, app, "done")


async def started(dev_env, complaint_id: str) -> bool:
    try:
        await dev_env.client.get_workflow_handle(workflow_id(complaint_id)).describe()
    except RPCError as e:
        assert e.status == RPCStatusCode.NOT_FOUND
        return False
    return True


@pytest.mark.long
async def test_a_complaint_is_filed_once_and_reviewed_outside_the_commission(
    cli: Cli, dev_env
) -> None:
    app = await refused(cli)
    complaint_id, complaint = complaint_file(cli, app)
    ru, kk = {"SHAQYRU_LANG": "ru"}, {"SHAQYRU_LANG": "kk"}
    # The chairman, or a member, would decide the appeal against the commission's own act.
    for reviewer, lang, says in (
        (CHAIR, ru, "вышестоящий орган"),
        (MEMBERS[1], kk, "жоғары тұрған орган"),
    ):
        run = await cli("complaint", "file", str(complaint), "--reviewer", reviewer, env=lang)
        assert run.code == 2, (run.out, run.err)
        assert f"--reviewer: {reviewer}" in run.err and says in run.err
    # A day learned after the filing: named, in the file's words.
    late = cli.tmp / "learned-late.json"
    late.write_text(complaint.read_text().replace('"text"', '"learned_on": "2099-01-01", "text"'))
    run = await cli("complaint", "file", str(late), "--reviewer", REVIEWER, env=ru)
    assert run.code == 2 and f"{late}: complaint.learned_on: 2099-01-01" in run.err
    assert not await started(dev_env, complaint_id)

    await ok(cli, "complaint", "file", str(complaint), "--reviewer", REVIEWER)
    await ok(cli, "complaint", "pass", complaint_id, "--as", CHAIR)
    await ok(cli, "complaint", "decide", complaint_id, "dismissed", "--reason", "Негізсіз",
             "--as", REVIEWER)  # fmt: skip
    handle = dev_env.client.get_workflow_handle(workflow_id(complaint_id))
    await handle.result()
    first_run = (await handle.describe()).run_id

    # A closed complaint: said so, not "cannot connect".
    run = await cli("complaint", "pass", complaint_id, "--as", CHAIR, env=ru)
    assert run.code == 1, (run.out, run.err)
    assert "производство по жалобе завершено" in run.err and "Temporal" not in run.err

    # Filed again (the portal re-sends it): no second run, whose answer would never go out.
    run = await cli("complaint", "file", str(complaint), "--reviewer", REVIEWER, env=ru)
    assert run.code == 1, (run.out, run.err)
    assert f"Жалоба {complaint_id} уже подана" in run.err
    assert (await handle.describe()).run_id == first_run


async def test_complaint_file_names_what_it_cannot_read(cli: Cli) -> None:
    ru = {"SHAQYRU_LANG": "ru"}
    missing = str(cli.tmp / "nowhere.json")
    run = await cli("complaint", "file", missing, "--reviewer", REVIEWER, env=ru)
    assert run.code == 2 and "Traceback" not in run.err
    assert f"{missing}: не удалось прочитать файл: такого файла нет" in run.err

    broken = cli.tmp / "broken.json"
    broken.write_text('{"complaint_id":"x"', encoding="utf-8")
    run = await cli("complaint", "file", str(broken), "--reviewer", REVIEWER, env=ru)
    assert run.code == 2 and f"{broken}: не читается как JSON" in run.err

    extra = cli.tmp / "extra.json"
    extra.write_text(
        json.dumps({"complaint_id": "x", "application_id": "A1", "act": "refusal", "text": "t",
                    "filed_at": "2026-01-01T10:00:00+05:00", "bogus": 1}),
        encoding="utf-8",
    )  # fmt: skip
    run = await cli("complaint", "file", str(extra), "--reviewer", REVIEWER, env=ru)
    assert run.code == 2 and f"{extra}: поле «bogus» — такого поля нет" in run.err

    naive = cli.tmp / "naive.json"
    naive.write_text(extra.read_text().replace(', "bogus": 1', "").replace("+05:00", ""))
    run = await cli("complaint", "file", str(naive), "--reviewer", REVIEWER, env=ru)
    assert run.code == 2 and f"{naive}: поле «filed_at»" in run.err
