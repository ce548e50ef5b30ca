"""Alembic environment: runs the migrations on the connection ``Store`` hands over, or,
from the ``alembic`` command, on the database named by ``$WIREDESK_DB``."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from wiredesk.migrations import models_metadata

target_metadata = models_metadata()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        # SQLite alters tables by copying them; batch mode does that for later revisions.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = os.environ.get("WIREDESK_DB") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set WIREDESK_DB to the store's database URL")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
