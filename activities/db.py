"""The read model's database: an SQLite file by default, any SQLAlchemy URL from the
environment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

import models.tables  # noqa: F401  (registers the tables)


def connect(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
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
