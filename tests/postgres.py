"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, the server
listening only on a Unix socket in that folder, gone when stopped. No root service and
nothing left behind.

PostgreSQL refuses to run as root: run as root (CI, containers), the server runs as the
`postgres` user that Debian's package makes.

By hand, to try the walkthrough on PostgreSQL:

    .venv/bin/python -m tests.postgres     # prints SHAQYRU_DATABASE_URL=...; Ctrl-C stops it
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

USER = "postgres"  # the server's superuser, whoever runs it


def binaries() -> Path:
    """The folder of initdb and postgres: on PATH, or Debian's (newest version first)."""
    if found := shutil.which("initdb"):
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    raise FileNotFoundError(
        "PostgreSQL's initdb is not installed (Debian: apt-get install postgresql)"
    )


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.bin = binaries()
        # Not under pytest's tmp_path: that is root's own (0700), and the server's user
        # must reach its folder. /tmp also keeps the socket's path short (107 bytes at most).
        self.root = Path(tempfile.mkdtemp(prefix="shaqyru-pg-"))
        self.data = self.root / "data"
        self.process: subprocess.Popen | None = None
        self.runas: dict = {}
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "PostgreSQL refuses to run as root, and there is no `postgres` user to "
                    "run it as: install Debian's postgresql package, or test as another user"
                ) from None
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.runas = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    @property
    def admin_dsn(self) -> str:
        return f"host={self.root} dbname=postgres user={USER}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{USER}@/{database}?host={self.root}"

    def start(self) -> ThrowawayPostgres:
        log = self.root / "initdb.log"
        with open(log, "wb") as out:
            done = subprocess.run(
                [
                    str(self.bin / "initdb"),
                    f"--pgdata={self.data}",
                    f"--username={USER}",
                    "--auth=trust",  # only a socket in a folder no one else can enter
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",  # a throwaway: nothing to make durable
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                **self.runas,
            )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{log.read_text()}")
        with open(self.root / "server.log", "wb") as server_log:
            self.process = self._server(server_log)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited:\n{(self.root / 'server.log').read_text()}")
            try:
                psycopg.connect(self.admin_dsn, connect_timeout=2).close()
                return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _server(self, log) -> subprocess.Popen:
        # The server stops when the process that started it dies, even by SIGKILL: an
        # interrupted test run leaves no server behind.
        orphan_guard = ["setpriv", "--pdeathsig", "INT"] if shutil.which("setpriv") else []
        return subprocess.Popen(
            [
                *orphan_guard,
                str(self.bin / "postgres"),
                "-D",
                str(self.data),
                "-c",
                "listen_addresses=",
                "-c",
                f"unix_socket_directories={self.root}",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
                # Not UTC, so that a test notices a timestamp stored in the server's zone.
                "-c",
                "timezone=Asia/Almaty",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.root,
            **self.runas,
        )

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()


if __name__ == "__main__":
    with ThrowawayPostgres() as server:
        print(f"SHAQYRU_DATABASE_URL={server.new_database()}", flush=True)
        # Ctrl-C, or SIGTERM (a shell's background job ignores SIGINT): stop the server,
        # and the folder goes with it.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: server.process.send_signal(signal.SIGINT))
        server.process.wait()
