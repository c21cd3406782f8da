"""Acceptance of issue 10 on the real dev server: cases run by the `shaqyru` command leave
no personal data in their raw history, read back with the key ring and only with it,
and survive a key rotation in the middle."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

import codec
from codec.payloads import KEY_ID, is_encrypted
from codec.server import CodecServer
from models.application import Application
from tests import test_cli_cases
from tests.test_cli_cases import CHAIR, MEMBERS, Cli, until_step
from workflows.application import WORKFLOW_NAME, ApplicationWorkflow, workflow_id
from workflows.runner import workflow_runner

TEMPORAL = str(Path(sys.executable).parent / "temporal")

cli = test_cli_cases.cli  # the fixture: the `shaqyru` command against the dev server


def secrets_of(path: Path) -> list[str]:
    a = json.loads(path.read_text(encoding="utf-8"))["applicant"]
    return [a["iin"], a["surname"], a["name"], a["address"], a["phone"]]


def raw_history(cli: Cli, wid: str, *options: str) -> str:
    """The history as the real Temporal CLI prints it, payloads' bytes decoded from base64
    so that clear text would show wherever it is."""
    out = subprocess.run(
        [TEMPORAL, "workflow", "show", "-w", wid, "-o", "json", *options]
        + ["--address", cli.env["TEMPORAL_ADDRESS"], "--namespace", cli.env["TEMPORAL_NAMESPACE"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            texts.append(node)
            try:
                texts.append(base64.b64decode(node, validate=True).decode("utf-8", "replace"))
            except ValueError:
                pass

    walk(json.loads(out))
    return "\n".join(texts)


async def plain_client(cli: Cli) -> Client:
    """A client without the codec: it sees what the server keeps."""
    return await Client.connect(
        cli.env["TEMPORAL_ADDRESS"],
        namespace=cli.env["TEMPORAL_NAMESPACE"],
        data_converter=pydantic_data_converter,
    )


async def stored_payloads(cli: Cli, wid: str) -> list[Payload]:
    history = await (await plain_client(cli)).get_workflow_handle(wid).fetch_history()
    found: list[Payload] = []

    def visit(message) -> None:
        if isinstance(message, Payload):
            found.append(message)
            return
        for field, value in message.ListFields():
            if field.message_type is None or field.message_type.GetOptions().map_entry:
                continue  # maps hold search attributes, memo keys: not our payloads
            for item in value if field.is_repeated else [value]:
                visit(item)

    for event in history.events:
        visit(event)
    return found


async def run_case(cli: Cli, path: Path, app: str, details: str, between=None) -> None:
    run = await cli("submit", str(path))
    assert run.code == 0, run.err
    await until_step(cli, app, "forward")
    if between is not None:
        await between()
    assert (await cli("forward", app, "--as", CHAIR)).code == 0
    assert (await cli("vote", app, "agree", "--as", MEMBERS[0])).code == 0
    refuse = ["vote", app, "refuse", "--ground", "1", "--details", details, "--as", MEMBERS[1]]
    assert (await cli(*refuse)).code == 0
    assert (await cli("vote", app, "agree", "--as", MEMBERS[2])).code == 0
    until = date(date.today().year + 2, 6, 30).isoformat()
    assert (await cli("decide", app, "grant", "--until", until, "--as", CHAIR)).code == 0
    await until_step(cli, app, "sign")
    assert (await cli("sign", app, "--as", CHAIR)).code == 0
    await until_step(cli, app, "done")


async def test_the_method_sees_clear_text_where_there_is_some(cli: Cli) -> None:
    """The control: the same grep finds the applicant in a history written without the
    codec, so its silence below means something."""
    app, path = cli.application()
    client = await plain_client(cli)
    application = Application.model_validate_json(path.read_text(encoding="utf-8"))
    handle = await client.start_workflow(
        WORKFLOW_NAME, application, id=workflow_id(app), task_queue="nobody-serves-this"
    )
    try:
        raw = raw_history(cli, handle.id)
        assert all(s in raw for s in secrets_of(path))
    finally:
        await handle.terminate("control case")


async def test_raw_history_holds_no_personal_data_and_needs_the_key(
    cli: Cli, keyring: codec.KeyFile
) -> None:
    app, path = cli.application()
    secret = secrets_of(path)
    await run_case(cli, path, app, details=f"Справка {secret[1]} просрочена")

    raw = raw_history(cli, workflow_id(app))
    assert app in raw and "binary/encrypted" in raw  # it is the case, and it is sealed
    leaked = [s for s in secret if s in raw]
    assert not leaked, leaked
    stored = await stored_payloads(cli, workflow_id(app))
    assert stored and all(is_encrypted(p) for p in stored)

    show = await cli("show", app, "--lang", "en")
    assert show.code == 0, show.err
    assert f"Справка {secret[1]} просрочена" in show.out  # decrypted for the caseworker
    history = await cli("history", app, "--lang", "en")
    assert history.code == 0, history.err

    # The same Temporal CLI reads it in clear through the codec server, with its token.
    token = "cli-token-" + "0123456789abcdef"
    server = CodecServer(("127.0.0.1", 0), keyring, token, [])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        auth = ["--codec-endpoint", server.url, "--codec-auth", f"Bearer {token}"]
        clear = raw_history(cli, workflow_id(app), *auth)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert all(s in clear for s in secret)


async def test_without_the_key_show_and_history_say_so_plainly(cli: Cli, tmp_path) -> None:
    app, path = cli.application()
    assert (await cli("submit", str(path))).code == 0
    await until_step(cli, app, "forward")
    other = codec.KeyFile(tmp_path / "other.json")
    other.create()
    for ring, says in ((tmp_path / "absent.json", "no key ring at"), (other.path, "does not hold")):
        for command in ("show", "history"):
            # Told plainly, with what to do; the technical reason on request.
            run = await cli(command, app, env={"SHAQYRU_KEYRING": str(ring)})
            assert run.code == 4 and "Traceback" not in run.err, run.err
            assert "SHAQYRU_KEYRING" in run.err and says not in run.err, run.err
            run = await cli(command, app, "--verbose", env={"SHAQYRU_KEYRING": str(ring)})
            assert run.code == 4 and says in run.err, run.err


async def test_rotation_in_the_middle_of_a_case(cli: Cli, keyring: codec.KeyFile) -> None:
    app, path = cli.application()
    before = keyring.ring().current

    async def rotate() -> None:
        run = await cli("keys", "rotate")
        assert run.code == 0, run.err

    await run_case(cli, path, app, details="Анықтама жарамсыз", between=rotate)
    after = keyring.ring().current
    assert after != before and before in keyring.ring().keys
    used = {p.metadata[KEY_ID].decode() for p in await stored_payloads(cli, workflow_id(app))}
    assert {before, after} <= used  # the application under the old key, the end under the new
    show = await cli("show", app, "--json")
    assert show.code == 0, show.err
    assert json.loads(show.out)["step"] == "done"
    history = await cli("history", app, "--json")
    assert history.code == 0, history.err
    assert [e["kind"] for e in json.loads(history.out)][0] == "start"


async def test_audit_checks_every_signature_and_fails_on_an_altered_history(
    cli: Cli, keyring: codec.KeyFile, tmp_path: Path
) -> None:
    """Issue 9: `shaqyru audit` re-checks a finished case offline, from its history and
    the documents; one altered payload in the history makes it fail."""
    app, path = cli.application()
    await run_case(cli, path, app, details="Анықтама ескірген")
    run = await cli("audit", app)
    assert run.code == 0, run.out + run.err
    assert run.out.count("OK  ") >= 6, run.out  # five actions and the result's signature
    assert "FAIL" not in run.out

    client = await Client.connect(
        cli.env["TEMPORAL_ADDRESS"],
        namespace=cli.env["TEMPORAL_NAMESPACE"],
        data_converter=codec.data_converter(keyring),
    )
    history = await client.get_workflow_handle(workflow_id(app)).fetch_history()
    # A history the dev server just wrote, with real timing, replays on today's code.
    await Replayer(
        workflows=[ApplicationWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=codec.data_converter(keyring),
    ).replay_workflow(history)
    codec.decrypt_in_place(history.events, keyring)
    clear = tmp_path / "history.json"
    clear.write_text(history.to_json(), encoding="utf-8")
    assert (await cli("audit", app, "--history", str(clear))).code == 0

    # The chairman's decision, moved by a year after he signed it.
    until = date(date.today().year + 2, 6, 30).isoformat()
    later = date(date.today().year + 3, 6, 30).isoformat()
    altered = tmp_path / "altered.json"
    altered.write_text(clear.read_text(encoding="utf-8"), encoding="utf-8")
    for event in history.events:
        if event.HasField("workflow_execution_update_accepted_event_attributes"):
            req = event.workflow_execution_update_accepted_event_attributes.accepted_request
            if req.input.name == "chairman_decision":
                payload = req.input.args.payloads[0]
                payload.data = payload.data.replace(until.encode(), later.encode())
    altered.write_text(history.to_json(), encoding="utf-8")
    run = await cli("audit", app, "--history", str(altered), "--lang", "en")
    assert run.code == 1, run.out + run.err
    assert "FAIL chairman_decision" in run.out and "does not match" in run.out


async def test_a_raw_update_without_a_signature_is_refused(cli: Cli) -> None:
    """Issue 9: the Temporal CLI itself, used as an operator could, cannot decide for a
    caseworker: the update is refused and the case is unchanged."""
    app, path = cli.application()
    assert (await cli("submit", str(path))).code == 0
    before = await until_step(cli, app, "forward")
    # Not subprocess.run: the worker shares this event loop and must answer meanwhile.
    proc = await asyncio.create_subprocess_exec(
        *[TEMPORAL, "workflow", "update", "execute", "--workflow-id", workflow_id(app)],
        *["--name", "forward", "--input", json.dumps({"actor": CHAIR})],
        *["--address", cli.env["TEMPORAL_ADDRESS"], "--namespace", cli.env["TEMPORAL_NAMESPACE"]],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode != 0, out
    assert b"Task in failed state" not in err, err
    after = await until_step(cli, app, "forward")
    assert after["forwarded_to"] == before["forwarded_to"] == []
