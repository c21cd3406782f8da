"""The payload codec, the key ring and the read model's sealed columns, on real keys,
real files and a real SQLite database."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer

import codec
from codec.payloads import ENCODING, KEY_ID, encrypt
from models.tables import ResultRow
from tests.helpers import HISTORIES, application, shaqyru
from workflows.application import ApplicationWorkflow
from workflows.complaint import ComplaintWorkflow
from workflows.runner import workflow_runner

RECORDED = sorted(HISTORIES.glob("*.json"))


def personal(app) -> list[bytes]:
    a = app.applicant
    return [s.encode() for s in (a.iin, a.surname, a.address, a.phone)]


def final_status() -> Payload:
    """A real status payload: the result of a recorded case."""
    history = WorkflowHistory.from_json("x", (HISTORIES / "deferral-granted.json").read_text())
    done = history.events[-1].workflow_execution_completed_event_attributes
    return done.result.payloads[0]


async def test_application_round_trip_hides_personal_data(converter: DataConverter):
    app = application(datetime(2026, 9, 15, 10, tzinfo=UTC))
    [payload] = await converter.encode([app])
    assert payload.metadata["encoding"] == ENCODING
    assert payload.metadata[KEY_ID].decode() == converter.payload_codec.keys.ring().current
    assert set(payload.metadata) == {"encoding", KEY_ID}  # json/plain is inside, hidden
    for secret in personal(app):
        assert secret not in payload.data
    assert await converter.decode([payload], [type(app)]) == [app]


async def test_big_payloads_are_compressed_before_encryption(keyring):
    status = final_status()
    [sealed] = await codec.EncryptionCodec(keyring).encode([status])
    assert len(sealed.data) < len(status.SerializeToString()) / 2
    assert await codec.EncryptionCodec(keyring).decode([sealed]) == [status]


async def test_plain_payloads_pass_through_without_any_key(tmp_path):
    no_ring = codec.EncryptionCodec(codec.KeyFile(tmp_path / "absent.json"))
    plain = final_status()
    assert await no_ring.decode([plain]) == [plain]
    with pytest.raises(codec.KeysUnavailable, match="no key ring at"):
        await no_ring.decode([encrypt(plain, codec.KeyRing.generate())])


async def test_a_key_not_in_the_ring_is_a_clear_typed_error():
    mine, other = codec.KeyRing.generate(), codec.KeyRing.generate("/elsewhere/keyring.json")
    sealed = encrypt(final_status(), mine)
    with pytest.raises(codec.UnknownKey, match=mine.current) as raised:
        await codec.EncryptionCodec(other).decode([sealed])
    assert raised.value.key_id == mine.current
    assert "/elsewhere/keyring.json" in str(raised.value)


async def test_altered_ciphertext_or_relabelled_key_does_not_open():
    ring = codec.KeyRing.generate().rotated()
    old = next(k for k in ring.keys if k != ring.current)
    sealed = encrypt(final_status(), ring)
    flipped = Payload()
    flipped.CopyFrom(sealed)
    flipped.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    relabelled = Payload()
    relabelled.CopyFrom(sealed)
    relabelled.metadata[KEY_ID] = old.encode()
    for bad in (flipped, relabelled):
        with pytest.raises(codec.Undecryptable):
            await codec.EncryptionCodec(ring).decode([bad])


async def test_rotation_keeps_old_keys_and_reaches_other_readers(tmp_path):
    writer, reader = codec.KeyFile(tmp_path / "k.json"), codec.KeyFile(tmp_path / "k.json")
    first = writer.create()
    before = encrypt(final_status(), reader.ring())
    second = writer.rotate()  # as `shaqyru keys rotate` in another process would
    assert second.current != first.current and set(second.keys) == {*first.keys, second.current}
    after = encrypt(final_status(), reader.ring())
    assert after.metadata[KEY_ID].decode() == second.current
    assert await codec.EncryptionCodec(reader).decode([before, after]) == [final_status()] * 2


def test_concurrent_rotations_lose_no_key(tmp_path):
    codec.KeyFile(tmp_path / "k.json").create()
    threads = [threading.Thread(target=codec.KeyFile(tmp_path / "k.json").rotate) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codec.KeyFile(tmp_path / "k.json").ring().keys) == 9


def test_a_key_ring_open_to_others_or_malformed_is_refused(tmp_path):
    keys = codec.KeyFile(tmp_path / "k.json")
    keys.create()
    assert (keys.path.stat().st_mode & 0o777) == 0o600
    keys.path.chmod(0o644)
    with pytest.raises(codec.KeysUnavailable, match="chmod 600"):
        keys.ring()
    keys.path.chmod(0o600)
    keys.path.write_text('{"current": "a", "keys": {"a": "c2hvcnQ="}}')
    with pytest.raises(codec.KeysUnavailable, match="not 32 bytes"):
        keys.ring()
    keys.path.write_text("not json")
    with pytest.raises(codec.KeysUnavailable, match="is not of the form"):
        keys.ring()


async def test_failure_messages_are_encrypted_too(converter: DataConverter):
    from temporalio.api.failure.v1 import Failure

    failure = Failure()
    await converter.encode_failure(ApplicationError("bad IIN 990517300123 of Серікбаев"), failure)
    for secret in ("990517300123", "Серікбаев"):
        assert secret.encode() not in failure.SerializeToString()
    assert failure.message == "Encoded failure"
    back = await converter.decode_failure(failure)
    assert "Серікбаев" in str(back)


def test_sealed_columns_hold_no_personal_data_at_rest(context, tmp_path):
    app = application(datetime(2026, 9, 15, 10, tzinfo=UTC))
    data = {"applicant_name": app.applicant.full_name, "applicant_address": app.applicant.address}
    now = datetime(2026, 9, 15, 12, tzinfo=UTC)
    with Session(context.engine) as db:
        db.add(
            ResultRow(
                application_id="A-1",
                kind="conclusion",
                registration_number="astana-esil-2026-00001",
                issued_at=now,
                data=data,
            )
        )
        db.commit()
    raw = sqlite3.connect(tmp_path / "shaqyru.db")
    [(stored,)] = raw.execute("SELECT data FROM results").fetchall()
    assert app.applicant.surname not in stored and app.applicant.address not in stored
    assert json.loads(stored)["sealed"] == codec.default_keys().ring().current
    # A row from before encryption reads back as it was written.
    raw.execute(
        "INSERT INTO results (application_id, kind, registration_number, issued_at, data)"
        " VALUES ('A-0', 'refusal', 'astana-esil-2026-00000', ?, ?)",
        (now.isoformat(" "), json.dumps({"applicant_name": "Old Row"})),
    )
    raw.commit()
    with Session(context.engine) as db:
        assert db.get(ResultRow, "A-1").data == data
        assert db.get(ResultRow, "A-0").data == {"applicant_name": "Old Row"}


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_recorded_plain_histories_replay_through_the_codec(path, converter: DataConverter):
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    await Replayer(
        workflows=[ApplicationWorkflow, ComplaintWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=converter,
    ).replay_workflow(history)


def test_an_encrypted_history_decrypts_in_place_to_its_plain_form():
    ring = codec.KeyRing.generate()
    text = (HISTORIES / "deferral-granted.json").read_text(encoding="utf-8")
    history = WorkflowHistory.from_json("x", text)
    started = history.events[0].workflow_execution_started_event_attributes
    plain = Payload()
    plain.CopyFrom(started.input.payloads[0])
    started.input.payloads[0].CopyFrom(encrypt(plain, ring))
    done = history.events[-1].workflow_execution_completed_event_attributes
    done.result.payloads[0].CopyFrom(encrypt(done.result.payloads[0], ring))
    assert history.to_json() != WorkflowHistory.from_json("x", text).to_json()
    codec.decrypt_in_place(history.events, ring)
    assert json.loads(history.to_json()) == json.loads(text)


def keys_cli(ring: Path, *args: str) -> subprocess.CompletedProcess:
    # Its wording is checked in English; the language tests check the others.
    env = {**os.environ, "SHAQYRU_KEYRING": str(ring), "SHAQYRU_LANG": "en"}
    # A process of its own, forked with the command already imported (tests/helpers.py).
    return subprocess.run(
        [*shaqyru(), "keys", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_keys_command_creates_rotates_and_lists_without_showing_keys(tmp_path):
    ring = tmp_path / "ring" / "keyring.json"
    missing = keys_cli(ring, "rotate")
    assert missing.returncode == 2 and "no key ring at" in missing.stderr
    assert "Traceback" not in missing.stderr
    made = keys_cli(ring, "create")
    assert made.returncode == 0 and "made" in made.stdout
    assert (ring.stat().st_mode & 0o777) == 0o600
    first = codec.KeyFile(ring).ring().current
    assert "kept" in keys_cli(ring, "create").stdout
    rotated = keys_cli(ring, "rotate")
    assert rotated.returncode == 0, rotated.stderr
    ring_now = codec.KeyFile(ring).ring()
    assert first in ring_now.keys and ring_now.current != first
    listed = keys_cli(ring, "list").stdout.splitlines()
    assert sorted(listed) == sorted([f"* {ring_now.current}", f"  {first}"])
    for key in ring_now.keys.values():
        for out in (made.stdout, rotated.stdout, "\n".join(listed)):
            assert base64.b64encode(key).decode() not in out
