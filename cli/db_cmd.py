"""`shaqyru db`: the read model's schema (SHAQYRU_DATABASE_URL, or the SQLite file in
$SHAQYRU_DATA). For the operator: the worker upgrades it at start too, so this is for a
deployment that migrates in a job of its own before the workers start, or to see where
a database stands. The migrations are in migrations/versions/."""

from __future__ import annotations

import typer

import settings
from cli.context import current_lang, verbose
from texts import t

UNREACHABLE = 3

db_app = typer.Typer(name="db", no_args_is_help=True)


def shown_url(url: str) -> str:
    """The database's URL as a message may show it: without its password."""
    # SQLAlchemy is imported in the functions that use it, not with the module: `shaqyru`
    # imports this module for every command, and only these open the database.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def driver_words(problem: Exception, url: str) -> str:
    """The driver's own words, which may name the server: never the password."""
    from sqlalchemy.engine import make_url

    return str(problem).replace(make_url(url).password or "\0", "***")


def _engine():
    from activities.db import engine_for

    return engine_for(settings.load().db_url)


def _fail(url: str, problem: Exception) -> typer.Exit:
    lang = current_lang()
    typer.echo(t("db_unreachable", lang, url=shown_url(url)), err=True)
    detail = driver_words(problem, url)
    if verbose():
        typer.echo(t("detail", lang, detail=detail), err=True)
    else:
        typer.echo(t("more_with_verbose", lang), err=True)
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
    lang = current_lang()
    was = before or t("none", lang)
    typer.echo(t("db_upgraded", lang, url=shown_url(url), after=after, before=was))


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
    lang = current_lang()
    now = current or t("none", lang)
    typer.echo(t("db_status", lang, url=shown_url(url), current=now, head=head))
    if current != head:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)
