"""Tables of the incremental merge: documents waiting to be merged, and each
document's story.

Revision ID: 0006_incremental_merge
Revises: 0005_events_updated_at
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.migrations import create_table_once

revision = "0006_incremental_merge"
down_revision = "0005_events_updated_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table_once(
        "pending_merge",
        sa.Column("doc_id", sa.String(64), primary_key=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    if create_table_once(
        "story_docs",
        sa.Column("doc_id", sa.String(64), primary_key=True),
        sa.Column("story_id", sa.String(64), nullable=False),
    ):
        op.create_index("ix_story_docs_story_id", "story_docs", ["story_id"])
        # A store made before this revision: its stories already list their documents.
        bind = op.get_bind()
        stories = sa.table("stories", sa.column("id", sa.String), sa.column("data", sa.JSON))
        story_docs = sa.table("story_docs", sa.column("doc_id", sa.String),
                              sa.column("story_id", sa.String))
        rows: dict[str, str] = {}
        for sid, data in bind.execute(sa.select(stories.c.id, stories.c.data)):
            for doc_id in (data or {}).get("doc_ids", []):
                rows[doc_id] = sid
        if rows:
            op.bulk_insert(story_docs, [{"doc_id": d, "story_id": s} for d, s in rows.items()])


def downgrade() -> None:
    op.drop_table("story_docs")
    op.drop_table("pending_merge")
