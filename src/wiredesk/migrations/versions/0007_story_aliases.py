"""Story ids joined into another story by an incremental merge, and where they went.

Revision ID: 0007_story_aliases
Revises: 0006_incremental_merge
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.migrations import create_table_once

revision = "0007_story_aliases"
down_revision = "0006_incremental_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if create_table_once(
        "story_aliases",
        sa.Column("old_id", sa.String(64), primary_key=True),
        sa.Column("new_id", sa.String(64), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
    ):
        op.create_index("ix_story_aliases_new_id", "story_aliases", ["new_id"])


def downgrade() -> None:
    op.drop_table("story_aliases")
