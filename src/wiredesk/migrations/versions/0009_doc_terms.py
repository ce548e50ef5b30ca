"""The term index: each document's heaviest distinctive terms (``doc_terms``) and how
many documents hold each term (``term_df``), so that an incremental merge finds the
stored documents like a new one across the whole store's time. Documents stored before
are indexed the first time an incremental merge needs them (``Store.index_terms``).

Revision ID: 0009_doc_terms
Revises: 0008_member_docs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.migrations import create_index_once, create_table_once

revision = "0009_doc_terms"
down_revision = "0008_member_docs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table_once(
        "doc_terms",
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "term"),
    )
    create_index_once("ix_doc_terms_term", "doc_terms", ["term"])
    create_table_once(
        "term_df",
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )


def downgrade() -> None:
    op.drop_index("ix_doc_terms_term", table_name="doc_terms")
    op.drop_table("doc_terms")
    op.drop_table("term_df")
