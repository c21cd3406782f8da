"""Registration numbers from a counter per district and year (issue 12).

The counter starts where the numbers already given stop, so a database that has
registered cases goes on from its last number.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_counters",
        sa.Column("district", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("district", "year"),
    )
    op.execute(
        "INSERT INTO registration_counters (district, year, last_sequence)"
        " SELECT district, year, MAX(sequence) FROM applications GROUP BY district, year"
    )


def downgrade() -> None:
    op.drop_table("registration_counters")
