"""`shaqyru db`: the read model's schema (SHAQYRU_DATABASE_URL, or the SQLite file in
$SHAQYRU_DATA). For the operator: the worker upgrades it at start too, so this is for a
deployment that migrates in a job of its own before the workers start, or to see where
a database stands. The migrations are in migrations/versions/."""

from __future__ import annotations

import typer

import settings

UNREACHABLE = 3

db_app = typer.Typer(
    name="db",
    help="The read model's schema: upgrade it, or show its revision.",
    no_args_is_help=True,
)


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _engine():
    from activities.db import engine_for

    return engine_for(settings.load().db_url)


def _fail(url: str, problem: Exception) -> typer.Exit:
    typer.echo(f"db: cannot reach or change {_shown(url)}: {problem}", err=True)
    return typer.Exit(UNREACHABLE)


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply the migrations the database lacks; one that has them all is left as it is."""
    from sqlalchemy.exc import SQLAlchemyError

    from activities import db

    url = settings.load().db_url
    try:
        engine = _engine()
        before = db.current_revision(engine)
        after = db.upgrade(engine)
    except (OSError, SQLAlchemyError) as problem:
        raise _fail(url, problem) from None
    typer.echo(f"{_shown(url)}: revision {after} (was {before or 'none'})")


@db_app.command("status")
def status() -> None:
    """The database's revision and the latest one; exit 1 when it is behind."""
    from sqlalchemy.exc import SQLAlchemyError

    from activities import db

    url = settings.load().db_url
    try:
        current = db.current_revision(_engine())
    except (OSError, SQLAlchemyError) as problem:
        raise _fail(url, problem) from None
    head = db.head_revision()
    typer.echo(f"{_shown(url)}: revision {current or 'none'}, latest {head}")
    if current != head:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)
