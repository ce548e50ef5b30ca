"""Alembic migrations (``wiredesk/migrations``): they build exactly the tables the
models declare, a store made at an older revision or before migrations existed opens
with the current code with its data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import Engine

from wiredesk import migrations
from wiredesk.store import AnalysisRow, Base, DocumentRow, Store

BASELINE_TABLES = ["documents", "analyses", "events", "relations", "stories", "entities"]


def _all_models() -> MetaData:
    return migrations.models_metadata()


def _diff(engine: Engine, metadata: MetaData) -> list[Any]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, metadata))


def test_migrations_build_exactly_the_models(store_url: str) -> None:
    metadata = _all_models()
    engine = create_engine(store_url)
    try:
        migrations.upgrade(engine)
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set(metadata.tables), (
            "models and migrations disagree: add a revision to src/wiredesk/migrations "
            "(see its __init__.py)")
        assert _diff(engine, metadata) == [], (
            "models and migrations disagree: add a revision to src/wiredesk/migrations")
        # The comparison does see a divergence (a column the migrations never made).
        from sqlalchemy import Column, Integer

        changed = MetaData()
        for table in metadata.tables.values():
            table.to_metadata(changed)
        changed.tables["documents"].append_column(Column("word_count", Integer))
        assert any("word_count" in str(d) for d in _diff(engine, changed))
    finally:
        engine.dispose()


def _add_document(engine: Engine) -> None:
    now = dt.datetime(2020, 3, 12, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(DocumentRow.__table__.insert(), [{
            "id": "abc123", "path": "old/report.txt", "title": "An older report",
            "url": None, "source": "the wire", "published": dt.date(2020, 3, 11),
            "published_basis": "text", "text": "Rockets hit a base north of the city.",
            "removed": [], "added_at": now,
        }])
        conn.execute(AnalysisRow.__table__.insert(), [{
            "doc_id": "abc123", "version": "old", "published": dt.date(2020, 3, 11),
            "mentions": [], "entities": [], "added_at": now,
        }])


def _check_opens_with_data(url: str) -> None:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert migrations.current(conn) == migrations.head()
        doc = store.load_document("abc123")
        assert doc is not None and doc.title == "An older report"
        assert doc.published == dt.date(2020, 3, 11)
        assert store.load_analysis("abc123", "old") is not None
        assert store.load_identity() == ({}, {})  # tables of later revisions exist
        assert set(inspect(store.engine).get_table_names()) >= set(Base.metadata.tables)
    finally:
        store.close()


def test_store_at_the_baseline_opens_with_current_code(store_url: str) -> None:
    engine = create_engine(store_url)
    migrations.upgrade(engine, "0001_baseline")
    assert set(inspect(engine).get_table_names()) == {"alembic_version", *BASELINE_TABLES}
    _add_document(engine)
    engine.dispose()
    _check_opens_with_data(store_url)


def test_store_made_before_migrations_is_stamped_and_upgraded(store_url: str) -> None:
    # What the code before Alembic made: the baseline tables by create_all, no version.
    engine = create_engine(store_url)
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[t] for t in BASELINE_TABLES])
    _add_document(engine)
    engine.dispose()
    _check_opens_with_data(store_url)


def test_store_made_by_create_all_of_every_table_opens(store_url: str) -> None:
    # A development store that already has the tables later revisions create.
    engine = create_engine(store_url)
    _all_models().create_all(engine)
    _add_document(engine)
    engine.dispose()
    _check_opens_with_data(store_url)


def test_mention_assignments_learn_their_documents(store_url: str) -> None:
    # A store at 0007 recorded assignments by mention key alone; 0008 fills in each
    # one's document, which the incremental merge reads them by.
    engine = create_engine(store_url)
    migrations.upgrade(engine, "0007_story_aliases")
    now = dt.datetime(2020, 3, 12, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO event_members (mention_key, event_id, assigned_at) "
                          "VALUES (:k, :e, :t)"),
                     [{"k": "abc123:10:42", "e": "ev_1", "t": now},
                      {"k": "abc123:80:95", "e": "ev_2", "t": now},
                      {"k": "def456:5:9", "e": "ev_1", "t": now}])
    engine.dispose()
    store = Store(store_url)
    try:
        assert store.members_of_docs(["abc123"]) == {"abc123:10:42": "ev_1",
                                                     "abc123:80:95": "ev_2"}
        assert store.members_of_docs(["def456", "nothing"]) == {"def456:5:9": "ev_1"}
        assert store.known_event_ids(["ev_1", "ev_9"]) == {"ev_1"}
    finally:
        store.close()


def test_downgrade_to_nothing_and_back(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'down.sqlite'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        command.downgrade(migrations.config(conn), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
    store = Store(url)
    with store.engine.connect() as conn:
        assert conn.execute(select(DocumentRow.id)).all() == []
    store.close()
