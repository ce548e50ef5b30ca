"""Index events.updated_at: the web app polls its maximum to notice a new run.

Revision ID: 0005_events_updated_at
Revises: 0004_reviews
"""

from __future__ import annotations

from alembic import op

from wiredesk.migrations import create_index_once

revision = "0005_events_updated_at"
down_revision = "0004_reviews"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_index_once("ix_events_updated_at", "events", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_events_updated_at", table_name="events")
