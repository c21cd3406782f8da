"""The complaint commands as the portal, the chairman and the reviewing body run them:
the `shaqyru` command in a subprocess (tests/test_cli_cases.py `Cli`), against the dev
server, with a worker in this process that runs both the case and its complaint."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio

from tests import helpers
from tests.test_cli_cases import CHAIR, CLI_WAIT, MEMBERS, Cli, cli_env, state, until_step

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


@pytest.mark.long
async def test_a_complaint_upheld_sends_the_case_to_be_decided_again(cli: Cli) -> None:
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

    complaint_id = f"C-{uuid.uuid4().hex[:8]}"
    complaint = cli.tmp / "complaint.json"
    complaint.write_text(
        json.dumps(
            {
                "complaint_id": complaint_id,
                "application_id": app,
                "act": "refusal",
                "text": "Анықтама мерзімі өтпеген.",
                "filed_at": datetime.now(UTC).isoformat(),
            }
        ),
        encoding="utf-8",
    )
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
