"""Each mention assignment names its document, so that an incremental merge reads the
assignments of the documents in its scope instead of the whole table.

Revision ID: 0008_member_docs
Revises: 0007_story_aliases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.migrations import create_index_once

revision = "0008_member_docs"
down_revision = "0007_story_aliases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "doc_id" not in {c["name"] for c in sa.inspect(bind).get_columns("event_members")}:
        with op.batch_alter_table("event_members") as batch:
            batch.add_column(sa.Column("doc_id", sa.String(64), nullable=True))
        # A mention key is "doc:start:end"; document ids hold no colon.
        head = ("split_part(mention_key, ':', 1)" if bind.dialect.name == "postgresql"
                else "substr(mention_key, 1, instr(mention_key, ':') - 1)")
        op.execute(f"UPDATE event_members SET doc_id = {head}")
    create_index_once("ix_event_members_doc_id", "event_members", ["doc_id"])


def downgrade() -> None:
    op.drop_index("ix_event_members_doc_id", table_name="event_members")
    with op.batch_alter_table("event_members") as batch:
        batch.drop_column("doc_id")
