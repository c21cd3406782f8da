"""Alembic's environment for the read model (models/tables.py).

Run by activities/db.py `upgrade` (the worker at start, `shaqyru db upgrade`) on the
connection it hands over, which holds the migration lock. Run by the alembic command, to
write a new revision after changing models/tables.py:

    SHAQYRU_DATABASE_URL=sqlite:////tmp/scratch.db .venv/bin/alembic -c migrations/alembic.ini \
        revision --autogenerate -m "what changes"

it works on SHAQYRU_DATABASE_URL's database (the default SQLite file without it), under the
same lock."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite alters a table by copying it; autogenerate writes such batches for it.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    import settings
    from activities.db import engine_for, migration_lock

    engine = engine_for(settings.load().db_url)
    with migration_lock(engine) as connection:
        run(connection)
    engine.dispose()
