"""The read model's database: an SQLite file by default, PostgreSQL (or any SQLAlchemy URL)
from SHAQYRU_DATABASE_URL. Its schema is made and changed by the migrations in
migrations/versions/, applied by `connect` (so the worker applies them at start) or by
`shaqyru db upgrade`."""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import create_engine

import models.tables  # noqa: F401  (registers the tables)
from documents.store import private_dir

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The revision that made the schema every database had before there were migrations
# (SQLModel's create_all): such a database is stamped with it, then upgraded.
BASELINE = "0001"
# Any constant will do, as long as every process that migrates uses the same one.
_MIGRATION_LOCK = 0x5348_4151_5952_55
# Alembic names each of its plugins at every run; the migrations it applies still show.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


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


def engine_for(url: str) -> Engine:
    """An engine on the read model, its schema untouched."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            _private_sqlite(Path(path))
        # Several worker threads write at once; wait for the lock instead of failing.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _wal(conn, _record) -> None:
            # Switching to WAL needs the file to itself and SQLite's busy timeout does not
            # wait for that: workers opening a new file together try again, briefly.
            for _ in range(100):
                try:
                    if conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                        return
                except sqlite3.OperationalError as busy:
                    if "locked" not in str(busy):
                        raise
                time.sleep(0.05)
            raise sqlite3.OperationalError(f"{path}: cannot switch the read model to WAL")

        return engine
    return create_engine(url, pool_pre_ping=True)


def connect(url: str) -> Engine:
    """An engine on the read model with its schema brought up to date. A database that
    a newer release has migrated past what this one knows is left as it is: migrations
    are additive, and this release's workers keep working on it during a rollout (or a
    rollback), as docs/operations.md says."""
    engine = engine_for(url)
    current = current_revision(engine)
    if current != head_revision():
        if current is not None and not known_revision(current):
            logging.getLogger("shaqyru.db").warning(
                "read model at %s, ahead of this release's %s: left as it is",
                current,
                head_revision(),
            )
            return engine
        upgrade(engine)
    return engine


def _alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts():  # -> alembic's ScriptDirectory, imported only when the database is opened
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


@functools.cache
def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revision(revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database migrations never touched."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other migrating process can enter: workers
    that start together then migrate one after the other, and the later ones find nothing
    left to do."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                yield conn
            return
        # SQLite's write lock, taken at BEGIN IMMEDIATE; the driver's own BEGIN (deferred,
        # and only before DML, so DDL would run outside any transaction) is turned off
        # meanwhile.
        driver = conn.connection.driver_connection
        assert driver is not None  # detached only once the connection is closed
        saved = driver.isolation_level
        driver.isolation_level = None
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            driver.isolation_level = saved


def upgrade(engine: Engine, target: str = "head") -> str:
    """Applies the migrations up to `target`; returns the revision the database is at."""
    from alembic import command

    with migration_lock(engine) as conn:
        config = _alembic_config(conn)
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and "applications" in tables:
            command.stamp(config, BASELINE)
        command.upgrade(config, target)
    revision = current_revision(engine)
    assert revision is not None
    return revision


def utc(at: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; we write them in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
