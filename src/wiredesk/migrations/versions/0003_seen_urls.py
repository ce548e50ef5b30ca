"""Web addresses ``wiredesk watch`` has fetched, so they are not fetched again.

Revision ID: 0003_seen_urls
Revises: 0002_event_identity
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.migrations import create_table_once

revision = "0003_seen_urls"
down_revision = "0002_event_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table_once(
        "seen_urls",
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("doc_id", sa.String(64), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("seen_urls")
