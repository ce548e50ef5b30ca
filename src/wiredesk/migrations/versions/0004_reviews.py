"""Reviewers' changes to events (``wiredesk.review``).

Revision ID: 0004_reviews
Revises: 0003_seen_urls
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.migrations import create_table_once

revision = "0004_reviews"
down_revision = "0003_seen_urls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if create_table_once(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ):
        op.create_index("ix_reviews_event_id", "reviews", ["event_id"])


def downgrade() -> None:
    op.drop_table("reviews")
