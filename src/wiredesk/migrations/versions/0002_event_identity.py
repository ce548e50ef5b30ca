"""Stable event ids: which event each mention was assigned to, and absorbed event ids.

Revision ID: 0002_event_identity
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_event_identity"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_members",
        sa.Column("mention_key", sa.String(128), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_members_event_id", "event_members", ["event_id"])
    op.create_table(
        "event_aliases",
        sa.Column("old_id", sa.String(64), primary_key=True),
        sa.Column("new_id", sa.String(64), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_aliases_new_id", "event_aliases", ["new_id"])


def downgrade() -> None:
    op.drop_table("event_aliases")
    op.drop_table("event_members")
