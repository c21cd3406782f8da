"""The system under test, one of its own per scenario: a Temporal dev server on an SQLite
file, the worker as the separate process it is in production, two local endpoints, and
a client in this process. Each part can be killed with SIGKILL and started again."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import Client

import codec
import connection
from cli.keys_dev_cmd import DEV_PASSWORD, init_dev_keys
from documents.identity import (
    PersonalKey,
    load_personal_key,
    personal_key_path,
    sign_command,
    sign_document,
)
from documents.store import DocumentStore
from faults.endpoints import Endpoint
from models.case import CaseStatus
from models.decisions import ResultSigning
from rules.roster import load_roster
from settings import ROOT, Settings, dev_server_store_flags
from workflows.search import dev_server_flags

BIN = Path(sys.executable).parent
TEMPORAL = str(BIN / "temporal")
START_AT_MOST = 60.0  # seconds for the server or the worker to come up
C = TypeVar("C", bound=BaseModel)


def free_port() -> int:
    # Port 0: the kernel picks a free one from its ephemeral range (32768 and up on
    # Linux), so never the 7233/8233 of a developer's own server.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, name: str) -> None:
        self.name = name
        self.dir = Path(tempfile.mkdtemp(prefix=f"shaqyru-faults-{name}-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self._ports = [free_port() for _ in range(3)]  # ui, http, metrics
        self.address = f"127.0.0.1:{self.port}"
        self.task_queue = f"faults-{name}"
        self.cabinet = Endpoint("cabinet", free_port())
        self.military = Endpoint("military", free_port())
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.client: Client | None = None
        self.notes: list[str] = []
        self._worker_starts = 0
        self._began = time.monotonic()
        self._identities: dict[str, PersonalKey] = {}

    def say(self, text: str) -> None:
        """Progress on stderr, so that a reader of a long run sees what is going on."""
        print(f"{self.name} +{time.monotonic() - self._began:.0f}s: {text}", file=sys.stderr)

    @property
    def endpoints(self) -> tuple[Endpoint, Endpoint]:
        return self.cabinet, self.military

    def switch(self, mode: str) -> None:
        self.say(f"endpoints {mode}")
        for e in self.endpoints:
            e.switch(mode)

    @property
    def settings(self) -> Settings:
        """What the worker reads from worker_env(), for the clients in this process."""
        return Settings(
            data_dir=self.data, temporal_address=self.address, task_queue=self.task_queue
        )

    async def __aenter__(self) -> Stack:
        # Payloads and sealed columns are encrypted with the data folder's key ring, and
        # every caseworker signs his actions with a key of the development CA, as after
        # `shaqyru keys create` and `shaqyru keys dev init`.
        codec.KeyFile(self.settings.keyring_file).create()
        init_dev_keys(self.data, load_roster(self.settings.roster_path))
        try:
            self.cabinet.start()
            self.military.start()
            await self.start_server()
            self.client = await self.connect()
            await self.start_worker()
        except BaseException:
            await self.__aexit__()  # a half-started stack leaves no process behind
            raise
        return self

    def identity(self, actor: str) -> PersonalKey:
        """The caseworker's development key, as `shaqyru` unlocks it."""
        if actor not in self._identities:
            path = personal_key_path(actor, self.settings)
            self._identities[actor] = load_personal_key(path, DEV_PASSWORD.encode())
        return self._identities[actor]

    def sign(self, app_id: str, action: str, cmd: C) -> C:
        """`cmd` signed by its actor, afresh for every sending: a signature's nonce is
        good for one action only."""
        return sign_command(self.identity(cmd.actor), app_id, action, cmd)  # type: ignore[attr-defined]

    def result_signing(self, actor: str, status: CaseStatus) -> ResultSigning:
        """What `shaqyru sign` sends: the chairman's CMS over the issued PDF's bytes."""
        assert status.result is not None
        sha = next(d.sha256 for d in status.documents if d.kind == status.result.kind.value)
        pdf = DocumentStore(self.settings.docs_dir).get(sha)
        cms = base64.b64encode(sign_document(pdf, self.identity(actor))).decode("ascii")
        return ResultSigning(actor=actor, document_sha256=sha, cms_base64=cms)

    async def __aexit__(self, *exc) -> None:
        self.stop_worker()
        self.stop_server()
        for e in self.endpoints:
            e.stop()

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- the Temporal dev server ----------------------------------------------------

    async def start_server(self) -> None:
        ui, http, metrics = self._ports
        log = open(self.dir / "server.log", "ab")
        self.server = subprocess.Popen(
            [
                TEMPORAL,
                "server",
                "start-dev",
                "--db-filename",
                str(self.dir / "temporal.db"),
                "--ip",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ui-port",
                str(ui),
                "--http-port",
                str(http),
                "--metrics-port",
                str(metrics),
                "--headless",
                "--log-level",
                "warn",
                *dev_server_store_flags(),
                *dev_server_flags(),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C on the suite reaches it only through us
        )
        log.close()
        await self.connect()

    async def connect(self) -> Client:
        began = time.monotonic()
        while True:
            if self.server is not None and self.server.poll() is not None:
                raise RuntimeError(f"the dev server exited; see {self.dir / 'server.log'}")
            try:
                return await connection.connect(self.settings)
            except RuntimeError:
                if time.monotonic() - began > START_AT_MOST:
                    raise
                await asyncio.sleep(0.5)

    def kill_server(self) -> None:
        self.say("SIGKILL the server")
        _kill(self.server)

    def stop_server(self) -> None:
        _stop(self.server)

    # ---- the worker -----------------------------------------------------------------

    def worker_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SHAQYRU_", "TEMPORAL_"))}
        env.update(
            TEMPORAL_ADDRESS=self.address,
            SHAQYRU_DATA=str(self.data),
            SHAQYRU_TASK_QUEUE=self.task_queue,
            SHAQYRU_CABINET_URL=self.cabinet.url,
            SHAQYRU_MILITARY_URL=self.military.url,
        )
        return env

    async def start_worker(self) -> None:
        self._worker_starts += 1
        log_path = self.dir / f"worker-{self._worker_starts}.log"
        log = open(log_path, "wb")
        self.worker = subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py")],
            cwd=ROOT,
            env=self.worker_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        began = time.monotonic()
        while b"worker started" not in log_path.read_bytes():
            if self.worker.poll() is not None:
                raise RuntimeError(f"the worker exited at start; see {log_path}")
            if time.monotonic() - began > START_AT_MOST:
                raise RuntimeError(f"the worker did not start in {START_AT_MOST:.0f} s")
            await asyncio.sleep(0.2)

    def kill_worker(self) -> None:
        self.say("SIGKILL the worker")
        _kill(self.worker)

    def stop_worker(self) -> None:
        _stop(self.worker)

    def worker_alive(self) -> bool:
        return self.worker is not None and self.worker.poll() is None


def _kill(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _kill(proc)
