"""The read model's database: an SQLite file by default, any SQLAlchemy URL from the
environment."""

from __future__ import annotations

import os
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

import models.tables  # noqa: F401  (registers the tables)
from documents.store import private_dir


def _private_sqlite(path: Path) -> None:
    """Makes the database file 0600 before SQLite opens it: SQLite gives its -wal and -shm
    files the database file's mode, so those follow. A file made by an older version with
    a looser mode is tightened."""
    private_dir(path.parent)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        # Another user's file (a caseworker reading a shared one) is left as its owner set it.
        with suppress(FileNotFoundError, PermissionError):
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)


def connect(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            _private_sqlite(Path(path))
        # Several worker threads write at once; wait for the lock instead of failing.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _wal(conn, _record) -> None:
            conn.execute("PRAGMA journal_mode=WAL")
    else:
        engine = create_engine(url, pool_pre_ping=True)
    SQLModel.metadata.create_all(engine)
    return engine


def utc(at: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; we write them in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
