"""The dev server's SQLite file as scripts/up and docker-compose.yml keep it
(settings.DEV_SERVER_SQLITE): the real binary takes the flags, and the file becomes a
write-ahead log, which SQLite records in the file's own header."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from settings import DEV_SERVER_SQLITE, ROOT, dev_server_store_flags
from tests.helpers import WAIT, binary, free_port


def _is_write_ahead_log(db: Path) -> bool:
    # Bytes 18 and 19 of an SQLite file: the format's write and read versions, 2 in WAL.
    try:
        with db.open("rb") as f:
            header = f.read(20)
    except FileNotFoundError:
        return False
    return header[18:20] == b"\x02\x02"


def test_compose_and_scripts_up_give_the_server_the_same_store() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for pragma in DEV_SERVER_SQLITE:
        assert f"- --sqlite-pragma={pragma}" in compose
    assert '"${STORE_FLAGS[@]}"' in (ROOT / "scripts" / "up").read_text(encoding="utf-8")


def test_the_dev_server_keeps_its_file_as_a_write_ahead_log(tmp_path: Path) -> None:
    db = tmp_path / "temporal.db"
    ports = [str(free_port()) for _ in range(3)]
    server = subprocess.Popen(
        [binary("temporal"), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
         "--port", ports[0], "--http-port", ports[1], "--metrics-port", ports[2],
         "--db-filename", str(db), "--log-level", "error", *dev_server_store_flags()],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT
        while not _is_write_ahead_log(db):
            if server.poll() is not None:
                assert server.stderr is not None
                pytest.fail(f"the dev server refused the flags: {server.stderr.read()!r}")
            if time.monotonic() > deadline:
                pytest.fail(f"{db} is not a write-ahead log after {WAIT} s")
            time.sleep(0.05)  # the server is a process of its own: its file is polled
    finally:
        server.terminate()
        server.wait(timeout=30)
