"""Persistent store: SQLite by default, PostgreSQL for teams (SQLAlchemy 2).

Documents are keyed by content hash, and each document's analysis (its mentions and
the actor spellings it used) is committed with it, so a second run over the same input
adds nothing and re-uses the work, and an interrupted run keeps every batch it
committed. Events, relations and stories are the merged view, replaced per run by
upsert on their stable ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from wiredesk.models import (
    Document,
    DocumentOut,
    Entity,
    Event,
    EventMention,
    Relation,
    Result,
    Story,
)


class StoreError(RuntimeError):
    """The store cannot be opened or written."""


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    published_basis: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    removed: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AnalysisRow(Base):
    """One document's extraction results for one pipeline version."""

    __tablename__ = "analyses"
    doc_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(32), primary_key=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    mentions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    start: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    country_code: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    sub_event_type: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EventMemberRow(Base):
    """Which event each mention was assigned to: what keeps event ids stable when later
    reports join, split or merge clusters."""

    __tablename__ = "event_members"
    mention_key: Mapped[str] = mapped_column(String(128), primary_key=True)  # doc:start:end
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EventAliasRow(Base):
    """An event id that was absorbed into another one (two events found to be one), so
    links, reviews and bookmarks to the old id still lead somewhere."""

    __tablename__ = "event_aliases"
    old_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(64), index=True)
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RelationRow(Base):
    __tablename__ = "relations"
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class EntityRow(Base):
    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


def default_url(out_dir: Path) -> str:
    """The embedded store that sits beside a run's outputs."""
    return f"sqlite:///{(out_dir / 'wiredesk.sqlite').resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets a reader (the web app) and a writer (a run) share the file.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """The documents, analyses and merged events of every run against one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open store {self._safe_url()}: {exc.__class__.__name__}: "
                             f"{str(exc).splitlines()[0]}") from exc

    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True) if hasattr(
            self, "engine") else self.url.split("@")[-1]

    def close(self) -> None:
        self.engine.dispose()

    # --- generic upsert -----------------------------------------------------

    def _upsert(self, session: Session, model: type[Base], rows: Sequence[dict[str, Any]],
                keys: Sequence[str], update: bool) -> None:
        if not rows:
            return
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            stmt: Any = postgresql.insert(model)
        elif dialect == "sqlite":
            stmt = sqlite.insert(model)
        else:  # other backends: row by row merge
            for row in rows:
                session.merge(model(**row))
            return
        if update:
            cols = {c: getattr(stmt.excluded, c) for c in rows[0] if c not in keys}
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=cols)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        session.execute(stmt, list(rows))

    # --- documents and analyses ------------------------------------------------

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these document ids the store already holds."""
        wanted = list(ids)
        found: set[str] = set()
        with Session(self.engine) as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                found.update(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(chunk))))
        return found

    def load_analysis(
        self, doc_id: str, version: str
    ) -> tuple[Document, list[EventMention], list[Entity]] | None:
        """A document's stored analysis for this pipeline version, if any."""
        with Session(self.engine) as s:
            doc = s.get(DocumentRow, doc_id)
            an = s.get(AnalysisRow, (doc_id, version))
            if doc is None or an is None:
                return None
            # The document as this analysis saw it: its dates were resolved against
            # ``an.published``, which the caller compares with today's view of the date.
            document = _doc_from_row(doc).model_copy(update={"published": an.published})
            return (
                document,
                [EventMention.model_validate(m) for m in an.mentions],
                [Entity.model_validate(e) for e in an.entities],
            )

    def load_document(self, doc_id: str) -> Document | None:
        with Session(self.engine) as s:
            row = s.get(DocumentRow, doc_id)
            return _doc_from_row(row) if row else None

    def save_analyses(
        self,
        items: Sequence[tuple[Document, list[EventMention], list[Entity]]],
        version: str,
    ) -> None:
        """Commit a batch of documents with their analyses in one transaction."""
        doc_rows = [
            {
                "id": d.id, "path": d.path, "title": d.title, "url": d.url, "source": d.source,
                "published": d.published, "published_basis": d.published_basis, "text": d.text,
                "removed": d.removed, "added_at": _now(),
            }
            for d, _, _ in items
        ]
        an_rows = [
            {
                "doc_id": d.id, "version": version, "published": d.published,
                "mentions": [m.model_dump(mode="json") for m in ms],
                "entities": [e.model_dump(mode="json") for e in es], "added_at": _now(),
            }
            for d, ms, es in items
        ]
        try:
            with Session(self.engine) as s, s.begin():
                # A document's date may be inferred later in a run; keep the newest view.
                self._upsert(s, DocumentRow, doc_rows, ["id"], update=True)
                self._upsert(s, AnalysisRow, an_rows, ["doc_id", "version"], update=True)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

    def count(self, model: type[Base]) -> int:
        from sqlalchemy import func

        with Session(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    # --- merged view -------------------------------------------------------------

    def save_merged(
        self,
        events: Sequence[Event],
        relations: Sequence[Relation],
        stories: Sequence[Story],
        entities: Sequence[Entity],
    ) -> None:
        """Upsert the merged events, relations, stories and entities of a run."""
        ev_rows = [
            {
                "id": e.id,
                "start": e.date.start if e.date else None,
                "country_code": e.location.country_code if e.location else None,
                "sub_event_type": e.sub_event_type,
                "data": e.model_dump(mode="json"),
                "updated_at": _now(),
            }
            for e in events
        ]
        rel_rows = [
            {"source": r.source, "target": r.target, "type": r.type,
             "data": r.model_dump(mode="json")}
            for r in relations
        ]
        st_rows = [{"id": s.id, "data": s.model_dump(mode="json")} for s in stories]
        en_rows = [{"id": e.id, "data": e.model_dump(mode="json")} for e in entities]
        try:
            with Session(self.engine) as s, s.begin():
                self._upsert(s, EventRow, ev_rows, ["id"], update=True)
                self._upsert(s, RelationRow, rel_rows, ["source", "target", "type"], update=True)
                self._upsert(s, StoryRow, st_rows, ["id"], update=True)
                self._upsert(s, EntityRow, en_rows, ["id"], update=True)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc


    def load_merged(self) -> Result:
        """The store's merged view (documents without their text, entities, events,
        relations, stories), as a run's ``Result``: what the briefing, exports and web
        app read."""
        with Session(self.engine) as s:
            docs = [
                DocumentOut(id=d.id, path=d.path, title=d.title, source=d.source, url=d.url,
                            published=d.published,
                            published_basis=d.published_basis)  # type: ignore[arg-type]
                for d in s.scalars(select(DocumentRow).order_by(DocumentRow.published,
                                                                DocumentRow.id))
            ]
            events = [Event.model_validate(r.data) for r in s.scalars(
                select(EventRow).order_by(EventRow.start, EventRow.id))]
            relations = [Relation.model_validate(r.data) for r in s.scalars(select(RelationRow))]
            stories = [Story.model_validate(r.data) for r in s.scalars(
                select(StoryRow).order_by(StoryRow.id))]
            entities = [Entity.model_validate(r.data) for r in s.scalars(
                select(EntityRow).order_by(EntityRow.id))]
        return Result(documents=docs, entities=entities, events=events,
                      relations=relations, stories=stories)


def _doc_from_row(row: DocumentRow) -> Document:
    return Document(
        id=row.id, path=row.path, title=row.title, url=row.url, source=row.source,
        text=row.text, published=row.published,
        published_basis=row.published_basis,  # type: ignore[arg-type]
        removed=list(row.removed or []),
    )
