"""The read model as it was before migrations (SQLModel's create_all of models/tables.py).

A database made then has these tables already; activities/db.py stamps it with this
revision instead of running it.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _journal(name: str, *columns: sa.Column) -> None:
    """A table of a case's journal: one row per event, keyed by the case and its seq."""
    op.create_table(
        name,
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("application_id", "seq"),
    )


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("ground", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("registration_number", sa.String(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commission", sa.JSON(), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("application_id"),
        sa.UniqueConstraint("district", "year", "sequence"),
        sa.UniqueConstraint("registration_number"),
    )
    op.create_index("ix_applications_district", "applications", ["district"])
    _journal("step_changes")
    _journal(
        "decisions",
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        # SealedJSON in the model: JSON holding ciphertext.
        sa.Column("data", sa.JSON(), nullable=False),
    )
    _journal(
        "escalations",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("registration_number", sa.String(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),  # sealed
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_table(
        "documents",
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("signature_sha256", sa.String(), nullable=True),
        sa.Column("json_sha256", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("application_id", "kind"),
    )
    op.create_table(
        "outbox",
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("addressee", sa.String(), nullable=False),
        sa.Column("idempotency_key", sa.String(), nullable=False),
        sa.Column("document_sha256", sa.String(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),  # sealed
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reference", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("application_id", "addressee"),
        sa.UniqueConstraint("idempotency_key"),
    )


def downgrade() -> None:
    for name in ("outbox", "documents", "results", "escalations", "decisions", "step_changes"):
        op.drop_table(name)
    op.drop_index("ix_applications_district", table_name="applications")
    op.drop_table("applications")
