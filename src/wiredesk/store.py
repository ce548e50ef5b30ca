"""Persistent store: SQLite by default, PostgreSQL for teams (SQLAlchemy 2).

Documents are keyed by content hash, and each document's analysis (its mentions and
the actor spellings it used) is committed with it, so a second run over the same input
adds nothing and re-uses the work, and an interrupted run keeps every batch it
committed. Events, relations and stories are the merged view, replaced per run by
upsert on their stable ids.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    case,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy import (
    update as sql_update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from wiredesk.identity import key_of
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


@dataclass(frozen=True, slots=True)
class PackedEvent:
    """An event as the store writes it, its record held as JSON text: a merge into a
    large store rewrites events with hundreds of reports each (as pydantic models, 113 MB
    of one 1,000-article merge into 16,000 articles, held while the stories were
    grouped)."""

    id: str
    start: dt.date | None
    country_code: str | None
    sub_event_type: str
    data: str

    @classmethod
    def of(cls, e: Event) -> PackedEvent:
        """``e`` packed."""
        return cls(*_event_columns(e), e.model_dump_json())


def _event_columns(e: Event) -> tuple[str, dt.date | None, str | None, str]:
    """The columns of ``EventRow`` an event's record is indexed by."""
    return (e.id, e.date.start if e.date else None,
            e.location.country_code if e.location else None, e.sub_event_type)


@dataclass
class ViewChange:
    """What an incremental merge changes in the merged view (``Store.update_merged``)."""

    events: Sequence[Event | PackedEvent]  # new and rebuilt events, written whole
    relations: list[Relation]
    stories: list[Story]
    entities: list[Entity]
    members: dict[str, str]  # mention key -> event id of the mentions merged
    aliases: dict[str, str]  # event ids absorbed by this merge -> the live id
    story_aliases: dict[str, str] = field(default_factory=dict)  # joined story -> live id
    removed_events: set[str] = field(default_factory=set)
    removed_stories: set[str] = field(default_factory=set)
    removed_members: set[str] = field(default_factory=set)
    touched_events: set[str] = field(default_factory=set)  # relations at these are redone
    chain_events: set[str] = field(default_factory=set)  # their ``follows`` are redone
    merged_docs: set[str] = field(default_factory=set)


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
    # indexed: the web app polls max(updated_at) to notice that a run changed the events
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now,
                                                    index=True)


class EventMemberRow(Base):
    """Which event each mention was assigned to: what keeps event ids stable when later
    reports join, split or merge clusters."""

    __tablename__ = "event_members"
    mention_key: Mapped[str] = mapped_column(String(128), primary_key=True)  # doc:start:end
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    doc_id: Mapped[str | None] = mapped_column(String(64), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EventAliasRow(Base):
    """An event id that was absorbed into another one (two events found to be one), so
    links, reviews and bookmarks to the old id still lead somewhere."""

    __tablename__ = "event_aliases"
    old_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(64), index=True)
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class StoryAliasRow(Base):
    """A story id that was joined into another story (an incremental merge found two
    stories to be one), so links and bookmarks to the old id still lead somewhere."""

    __tablename__ = "story_aliases"
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


class StoryDocRow(Base):
    """The story each document is in, so that an incremental merge finds the stories of
    the documents it touches without reading every story."""

    __tablename__ = "story_docs"
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(64), index=True)


class PendingRow(Base):
    """A document analysed but not yet merged into the view: committed with its analysis
    and removed with the merge that takes it in, so a run killed in between merges it
    next time."""

    __tablename__ = "pending_merge"
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EntityRow(Base):
    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class SeenUrlRow(Base):
    """A web address ``wiredesk watch`` has fetched, with the document its page gave
    (none when the page was a copy of a stored one), so it is not fetched again."""

    __tablename__ = "seen_urls"
    url: Mapped[str] = mapped_column(Text, primary_key=True)
    doc_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DocTermRow(Base):
    """One of a document's heaviest distinctive terms with its weight (``wiredesk.terms``),
    so that the stored documents most like a new one are found by the terms they share
    across the whole store's time. Every indexed document also has a row with the empty
    term (weight 0), which marks it indexed even when its text has no term."""

    __tablename__ = "doc_terms"
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    weight: Mapped[float] = mapped_column(Float)


class TermDfRow(Base):
    """How many indexed documents hold each term (the empty term: how many documents are
    indexed), kept as documents are indexed, for the weights of ``doc_terms``."""

    __tablename__ = "term_df"
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    df: Mapped[int] = mapped_column(Integer)


#: The lists of the merged view, in events.json's order.
VIEW_PARTS = ("documents", "entities", "events", "relations", "stories")
#: The rows of each list of the merged view, by the columns that order it.
_VIEW_ORDER: dict[str, tuple[Any, ...]] = {
    "documents": (DocumentRow.published, DocumentRow.id),
    "entities": (EntityRow.id,),
    "events": (EventRow.start, EventRow.id),
    "relations": (RelationRow.source, RelationRow.target, RelationRow.type),
    "stories": (StoryRow.id,),
}
_VIEW_MODELS: dict[str, type[Any]] = {
    "entities": Entity, "events": Event, "relations": Relation, "stories": Story,
}


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


# The advisory lock that serialises ``Store.exclusive`` sections of every process using
# one PostgreSQL database (a fixed 32-bit key, so it cannot clash with other wiredesk locks).
_PG_LOCK_KEY = zlib.crc32(b"wiredesk.store.exclusive")


def _first_line(exc: BaseException) -> str:
    """The first line of a database error, without SQLAlchemy's SQL and links."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [ln.strip() for ln in str(inner).splitlines() if ln.strip()]
    return lines[0] if lines else type(inner).__name__


class Store:
    """The documents, analyses and merged events of every run against one database.

    Opening a store brings its schema up to date (``wiredesk.migrations``). A database
    that fails while in use (server gone, connection refused, disk full, read-only
    file) raises ``StoreError`` with one line naming the store; whatever was committed
    before stays, so a run can simply be started again.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        # exclusive(): threads of this process queue on the RLock (re-entrant), other
        # processes on a lock file (SQLite) or an advisory lock (PostgreSQL).
        self._thread_lock = threading.RLock()
        self._lock_depth = 0
        try:
            self.engine: Engine = create_engine(url)
        except (SQLAlchemyError, ValueError) as exc:  # malformed URL, unknown driver
            raise StoreError(f"cannot open store {self._safe_url()}: {_first_line(exc)}") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "handle_error", self._translate_error)
        try:
            self._check_folder()
            from wiredesk import migrations

            # Two runs opening a new store at once must not both create its tables; a
            # store already current is opened without waiting for another run's merge.
            if not migrations.is_current(self.engine):
                with self.exclusive():
                    migrations.upgrade(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open store {self._safe_url()}: {_first_line(exc)}") from exc
        except BaseException:
            self.engine.dispose()
            raise

    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True) if hasattr(
            self, "engine") else self.url.split("@")[-1]

    @property
    def shareable(self) -> bool:
        """Whether another process can open this store by its URL (not an in-memory
        SQLite database)."""
        return self.engine.dialect.name != "sqlite" or self._sqlite_path() is not None

    @property
    def locked_here(self) -> bool:
        """Whether this process holds the store's lock (inside ``exclusive``)."""
        return self._lock_depth > 0

    def _sqlite_path(self) -> Path | None:
        """The database file of a SQLite store (None: in memory, or not SQLite)."""
        db = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not db or db == ":memory:" or \
                db.startswith("file:"):
            return None
        return Path(db)

    def _check_folder(self) -> None:
        # SQLite writes its journal beside the file: a folder that cannot take new files
        # would otherwise surface as "unable to open database file" with no path.
        path = self._sqlite_path()
        if path is None:
            return
        folder = path.parent
        if not folder.is_dir():
            raise StoreError(f"cannot open store {path}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(f"cannot open store {path}: folder {folder} is not writable")

    def _translate_error(self, ctx: ExceptionContext) -> StoreError | None:
        """Turn an operational failure of the database into a one-line ``StoreError``
        (SQLAlchemy raises what this returns); programming errors pass unchanged."""
        if ctx.is_pre_ping:
            return None
        if not (ctx.is_disconnect or isinstance(ctx.sqlalchemy_exception, OperationalError)):
            return None
        reason = _first_line(ctx.original_exception)
        where = self._safe_url()
        if ctx.connection is None:
            return StoreError(f"cannot reach store {where}: {reason}")
        if ctx.is_disconnect:
            return StoreError(f"lost the connection to store {where}: {reason} (what was "
                              f"committed is kept; run again once the database is back)")
        return StoreError(f"cannot use store {where}: {reason}")

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    # --- cross-process lock --------------------------------------------------------

    @contextmanager
    def exclusive(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's lock for a read-merge-write section (the merge phase of a
        run), so that processes sharing one store take turns: a PostgreSQL advisory lock,
        or a lock file beside a SQLite store. Re-entrant within a process; waits up to
        ``timeout`` seconds (forever if None), then raises ``StoreError``. A process that
        dies holding the lock releases it (the session or the file closes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=-1 if timeout is None else timeout):
            raise StoreError(f"store {self._safe_url()} is locked by another thread")
        try:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            release = self._acquire(deadline)
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0
                release()
        finally:
            self._thread_lock.release()

    def _acquire(self, deadline: float | None) -> Any:
        """Take the cross-process lock; returns the function that releases it."""

        def timed_out() -> bool:
            if deadline is not None and time.monotonic() > deadline:
                return True
            time.sleep(0.05)
            return False

        busy = f"store {self._safe_url()} is locked by another process"
        if self.engine.dialect.name == "postgresql":
            conn: Connection = self.engine.connect()
            try:
                if deadline is None:
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
                else:
                    while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                           {"k": _PG_LOCK_KEY}).scalar():
                        if timed_out():
                            raise StoreError(busy)
                conn.commit()  # a session-level lock: it outlives this transaction
            except BaseException:
                conn.close()
                raise

            def release_pg() -> None:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                    conn.commit()
                except (StoreError, SQLAlchemyError):
                    conn.invalidate()  # the server is gone, and the lock with its session
                finally:
                    conn.close()

            return release_pg
        path = self._sqlite_path()
        if path is None:  # in memory: private to this process, the RLock is enough
            return lambda: None
        lock_path = path.with_name(path.name + ".lock")
        try:
            fh: IO[bytes] = open(lock_path, "ab")  # noqa: SIM115 (held until release)
        except OSError as exc:
            raise StoreError(f"cannot lock store {lock_path}: {exc.strerror or exc}") from exc
        try:
            if deadline is None:
                fcntl.flock(fh, fcntl.LOCK_EX)
            else:
                while True:
                    try:
                        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if timed_out():
                            raise StoreError(busy) from None
        except BaseException:
            fh.close()
            raise

        def release_file() -> None:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

        return release_file

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

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these web addresses were fetched before (``seen_urls``) or are the
        address of a stored document."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with Session(self.engine) as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                found.update(s.scalars(select(SeenUrlRow.url).where(SeenUrlRow.url.in_(chunk))))
                found.update(u for u in s.scalars(
                    select(DocumentRow.url).where(DocumentRow.url.in_(chunk))) if u)
        return found

    def mark_urls_seen(self, seen: Sequence[tuple[str, str | None]]) -> None:
        """Record fetched addresses (url, document id or None) so they are not fetched again."""
        rows = [{"url": u, "doc_id": d, "seen_at": _now()} for u, d in dict(seen).items()]
        try:
            with Session(self.engine) as s, s.begin():
                self._upsert(s, SeenUrlRow, rows, ["url"], update=True)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

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

    def load_documents(self, ids: Iterable[str]) -> list[Document]:
        """These stored documents, in id order (unknown ids are left out)."""
        with Session(self.engine) as s:
            return sorted((_doc_from_row(r) for r in _select_in(
                s, select(DocumentRow), DocumentRow.id, ids)), key=lambda d: d.id)

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
                self._upsert(s, PendingRow, [{"doc_id": d.id, "added_at": _now()}
                                             for d, _, _ in items], ["doc_id"], update=False)
                self._index_terms(s, [(d.id, d.text) for d, _, _ in items])
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

    # --- term index --------------------------------------------------------------

    def _index_terms(self, s: Session, docs: Sequence[tuple[str, str]], *,
                     count: bool = True, write: bool = True) -> None:
        """Index these (id, text) documents that are not yet: add them to the term
        frequencies (``count``) and write their heaviest terms (``write``). A document's
        id is the hash of its text, so one indexed never needs it again."""
        from wiredesk import terms

        todo = dict(docs)
        todo_ids = set(todo) - set(_select_in(s, select(DocTermRow.doc_id).distinct(),
                                              DocTermRow.doc_id, todo))
        if not todo_ids:
            return
        bags = {x: terms.bag(todo[x]) for x in sorted(todo_ids)}
        held: Counter[str] = Counter()
        for b in bags.values():
            held.update(b.keys())
        if count:
            held[""] = len(bags)
            self._add_df(s, held)
        if not write:
            return
        df, n = self.term_frequencies(held, session=s)
        rows = []
        for x, b in bags.items():
            rows.append({"doc_id": x, "term": "", "weight": 0.0})
            rows += [{"doc_id": x, "term": w, "weight": v}
                     for w, v in terms.top(terms.weigh(b, df, n), terms.TOP_TERMS)]
        self._upsert(s, DocTermRow, rows, ["doc_id", "term"], update=False)

    def _add_df(self, s: Session, held: Counter[str]) -> None:
        rows: list[dict[str, Any]] = [{"term": w, "df": c} for w, c in sorted(held.items())]
        dialect = self.engine.dialect.name  # sorted: concurrent writers lock in one order
        if dialect not in ("postgresql", "sqlite"):
            for w, c in sorted(held.items()):
                old = s.get(TermDfRow, w)
                if old is None:
                    s.add(TermDfRow(term=w, df=c))
                else:
                    old.df += c
            return
        ins: Any = (postgresql.insert(TermDfRow) if dialect == "postgresql"
                    else sqlite.insert(TermDfRow))
        stmt = ins.on_conflict_do_update(index_elements=["term"],
                                         set_={"df": TermDfRow.df + ins.excluded.df})
        for i in range(0, len(rows), 5000):
            s.execute(stmt, rows[i:i + 5000])

    def term_frequencies(self, words: Iterable[str], *, session: Session | None = None
                         ) -> tuple[dict[str, int], int]:
        """How many indexed documents hold each of these terms, and how many are
        indexed."""
        def read(s: Session) -> tuple[dict[str, int], int]:
            got = dict(_select_in(s, select(TermDfRow.term, TermDfRow.df), TermDfRow.term,
                                  set(words) | {""}, rows=True))
            return {w: int(c) for w, c in got.items() if w}, int(got.get("", 0))

        if session is not None:
            return read(session)
        with Session(self.engine) as s:
            return read(s)

    def unindexed_documents(self) -> list[str]:
        """Ids of stored documents not in the term index (stored by code before it)."""
        marked = select(DocTermRow.doc_id).where(DocTermRow.doc_id == DocumentRow.id,
                                                 DocTermRow.term == "")
        with Session(self.engine) as s:
            return sorted(s.scalars(select(DocumentRow.id).where(~marked.exists())))

    def index_terms(self, doc_ids: Sequence[str], chunk: int = 500) -> None:
        """Index these stored documents' terms (those not yet), in one transaction:
        first all of them into the term frequencies, then their weights, so that the
        first documents of a store indexed at once are weighed as the last."""
        try:
            with Session(self.engine) as s, s.begin():
                for write in (False, True):
                    for i in range(0, len(doc_ids), chunk):
                        part = _select_in(s, select(DocumentRow.id, DocumentRow.text),
                                          DocumentRow.id, doc_ids[i:i + chunk], rows=True)
                        self._index_terms(s, [(x, t) for x, t in part],
                                          count=not write, write=write)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

    def similar_documents(self, query: dict[str, list[tuple[str, float]]], per_doc: int,
                          exclude: Iterable[str] = ()) -> dict[str, list[tuple[str, float]]]:
        """For each key's weighted terms, the ``per_doc`` indexed documents (not in
        ``exclude``) whose indexed terms give the largest dot product with them, best
        first. One query per key, reading at most the index rows of its terms."""
        skip = set(exclude)
        out: dict[str, list[tuple[str, float]]] = {}
        with Session(self.engine) as s:
            for key, words in query.items():
                if not words:
                    out[key] = []
                    continue
                score = func.sum(DocTermRow.weight * case(
                    dict(words), value=DocTermRow.term, else_=0.0)).label("score")
                q = (select(DocTermRow.doc_id, score)
                     .where(DocTermRow.term.in_([w for w, _ in words]))
                     .group_by(DocTermRow.doc_id)
                     .order_by(score.desc(), DocTermRow.doc_id)
                     .limit(per_doc + len(skip)))
                got = [(x, float(v)) for x, v in s.execute(q)]
                out[key] = [(x, v) for x, v in got if x not in skip][:per_doc]
        return out

    def save_documents(self, docs: Sequence[Document]) -> None:
        """Update stored documents' metadata (path, title, url, source) as read now,
        leaving their analyses alone."""
        rows = [
            {"id": d.id, "path": d.path, "title": d.title, "url": d.url, "source": d.source,
             "published_basis": d.published_basis, "published": d.published,
             "text": d.text, "removed": d.removed}
            for d in docs
        ]
        try:
            with Session(self.engine) as s, s.begin():
                self._upsert(s, DocumentRow, rows, ["id"], update=True)
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
        """Upsert merged events, relations, stories and entities (nothing is removed)."""
        try:
            with Session(self.engine) as s, s.begin():
                self._write_merged(s, events, relations, stories, entities)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

    def _write_merged(
        self,
        s: Session,
        events: Sequence[Event | PackedEvent],
        relations: Sequence[Relation],
        stories: Sequence[Story],
        entities: Sequence[Entity],
    ) -> None:
        # Events are written a few hundred at a time: as dicts, a large merge's events
        # would weigh several times what their models do.
        for i in range(0, len(events), 200):
            self._upsert(s, EventRow, [_event_row(e) for e in events[i : i + 200]], ["id"],
                         update=True)
        rel_rows = [
            {"source": r.source, "target": r.target, "type": r.type,
             "data": r.model_dump(mode="json")}
            for r in relations
        ]
        st_rows = [{"id": x.id, "data": x.model_dump(mode="json")} for x in stories]
        en_rows = [{"id": e.id, "data": e.model_dump(mode="json")} for e in entities]
        self._upsert(s, RelationRow, rel_rows, ["source", "target", "type"], update=True)
        self._upsert(s, StoryRow, st_rows, ["id"], update=True)
        self._upsert(s, StoryDocRow, [{"doc_id": d, "story_id": x.id} for x in stories
                                      for d in x.doc_ids], ["doc_id"], update=True)
        self._upsert(s, EntityRow, en_rows, ["id"], update=True)

    def stale_documents(self, version: str) -> list[str]:
        """Ids of stored documents with no analysis by this pipeline version (stored by
        older code, or by a run that stopped between saving and analysing)."""
        with Session(self.engine) as s:
            done = select(AnalysisRow.doc_id).where(AnalysisRow.version == version)
            return list(s.scalars(select(DocumentRow.id).where(DocumentRow.id.not_in(done))
                                  .order_by(DocumentRow.id)))

    def iter_analyses(
        self, version: str, chunk: int = 500, ids: Sequence[str] | None = None, *,
        keep: Callable[[str], bool] | None = None, entities: bool = True,
    ) -> Iterable[tuple[Document, list[EventMention], list[Entity]]]:
        """Every stored document (or those of ``ids``) with its analysis by this
        version, streamed in chunks; the document carries the date its analysis was
        anchored to. With ``keep``, only the mentions whose key (``doc:start:end``) it
        keeps are read; with ``entities=False``, no entities: a scoped merge needs a few
        of the mentions of thousands of stored documents, and reading every one of them
        as a model only to drop it took a tenth of its time."""
        if ids is None:
            with Session(self.engine) as s:
                ids = list(s.scalars(select(AnalysisRow.doc_id)
                                     .where(AnalysisRow.version == version)
                                     .order_by(AnalysisRow.doc_id)))
        for i in range(0, len(ids), chunk):
            with Session(self.engine) as s:
                rows = s.execute(
                    select(DocumentRow, AnalysisRow)
                    .join(AnalysisRow, AnalysisRow.doc_id == DocumentRow.id)
                    .where(AnalysisRow.version == version,
                           DocumentRow.id.in_(ids[i : i + chunk]))
                    .order_by(DocumentRow.id)
                ).all()
                for doc, an in rows:
                    yield (
                        _doc_from_row(doc).model_copy(update={"published": an.published}),
                        [EventMention.model_validate(m) for m in an.mentions
                         if keep is None or keep(key_of(m["doc_id"], m["start"], m["end"]))],
                        [Entity.model_validate(e) for e in an.entities] if entities else [],
                    )

    def event_aliases(self) -> dict[str, str]:
        """Absorbed event ids -> the id that absorbed them."""
        with Session(self.engine) as s:
            return {r.old_id: r.new_id for r in s.scalars(select(EventAliasRow))}

    def load_identity(self) -> tuple[dict[str, str], dict[str, str]]:
        """The event each mention was last assigned to, and absorbed event ids."""
        with Session(self.engine) as s:
            members = {r.mention_key: r.event_id for r in s.scalars(select(EventMemberRow))}
            aliases = {r.old_id: r.new_id for r in s.scalars(select(EventAliasRow))}
        return members, aliases

    def replace_merged(
        self,
        events: Sequence[Event],
        relations: Sequence[Relation],
        stories: Sequence[Story],
        entities: Sequence[Entity],
        members: dict[str, str],
        aliases: dict[str, str],
        merged_docs: Iterable[str] = (),
    ) -> None:
        """Make the merged view exactly this one, in one transaction: events, relations
        and stories that no longer exist are removed (an absorbed event's id lives on as
        an alias), and the mention assignments and aliases are recorded. ``merged_docs``
        are the documents this view took in: they are no longer pending."""
        try:
            with Session(self.engine) as s, s.begin():
                _delete_missing(s, EventRow.id, {e.id for e in events})
                _delete_missing(s, StoryRow.id, {x.id for x in stories})
                _delete_missing(s, EventMemberRow.mention_key, set(members))
                s.execute(delete(RelationRow))
                s.execute(delete(StoryDocRow))
                self._upsert(s, EventMemberRow, [
                    _member_row(k, v) for k, v in members.items()
                ], ["mention_key"], update=True)
                self._upsert(s, EventAliasRow, [
                    {"old_id": k, "new_id": v, "merged_at": _now()} for k, v in aliases.items()
                ], ["old_id"], update=True)
                # A story id a full merge gives again is no longer an alias.
                _delete_keys(s, StoryAliasRow.old_id, {x.id for x in stories})
                self._write_merged(s, events, relations, stories, entities)
                _delete_keys(s, PendingRow.doc_id, merged_docs)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

    # --- incremental merge (``wiredesk.update``) ------------------------------------

    def pending(self, version: str) -> list[str]:
        """Documents analysed by this version and not yet merged into the view."""
        with Session(self.engine) as s:
            return list(s.scalars(
                select(PendingRow.doc_id)
                .join(AnalysisRow, AnalysisRow.doc_id == PendingRow.doc_id)
                .where(AnalysisRow.version == version).order_by(PendingRow.doc_id)))

    def analysed(self, version: str) -> int:
        """How many documents have an analysis by this version."""
        from sqlalchemy import func

        with Session(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(AnalysisRow)
                                .where(AnalysisRow.version == version)) or 0)

    def load_analyses(
        self, doc_ids: Iterable[str], version: str
    ) -> list[tuple[Document, list[EventMention], list[Entity]]]:
        """These documents with their analyses by this version (those that have one)."""
        return list(self.iter_analyses(version, ids=sorted(set(doc_ids))))

    def events_starting(
        self, lo: dt.date, hi: dt.date
    ) -> list[tuple[str, dt.date, dt.date, str | None, float | None, float | None,
                    str | None]]:
        """(id, start, end, country code, lat, lon, sub-event type) of the stored events
        that start between ``lo`` and ``hi``; the point only for an event placed at a
        town or near one (geo precision 1 or 2)."""
        loc = EventRow.data["location"]
        with Session(self.engine) as s:
            rows = s.execute(select(EventRow.id, EventRow.start, EventRow.country_code,
                                    EventRow.data["date"]["end"].as_string(),
                                    loc["precision"].as_integer(), loc["lat"].as_float(),
                                    loc["lon"].as_float(), EventRow.sub_event_type)
                             .where(EventRow.start >= lo, EventRow.start <= hi))
            out = []
            for eid, start, cc, end, precision, lat, lon, sub in rows:
                sharp = precision is not None and precision <= 2
                out.append((eid, start, dt.date.fromisoformat(end) if end else start, cc,
                            lat if sharp else None, lon if sharp else None, sub or None))
        return out

    def event_sizes(self, ids: Iterable[str]) -> dict[str, int]:
        """How many mentions each of these events holds."""
        from sqlalchemy import func

        wanted = sorted(set(ids))
        out: dict[str, int] = {}
        with Session(self.engine) as s:
            for i in range(0, len(wanted), 500):
                for eid, n in s.execute(
                        select(EventMemberRow.event_id, func.count())
                        .where(EventMemberRow.event_id.in_(wanted[i : i + 500]))
                        .group_by(EventMemberRow.event_id)):
                    out[eid] = n
        return out

    def sub_event_types(self, ids: Iterable[str]) -> dict[str, str | None]:
        """The ACLED sub-event type of each of these stored events."""
        with Session(self.engine) as s:
            return {eid: sub or None for eid, sub in _select_in(
                s, select(EventRow.id, EventRow.sub_event_type), EventRow.id, ids,
                rows=True)}

    def mentions_near(self, cc: str | None, lat: float, lon: float, deg: float) -> int:
        """How many stored mentions belong to events placed at a town or near one
        (geo precision 1 or 2) in country ``cc``, within ``deg`` degrees of a point."""
        loc = EventRow.data["location"]
        e_lat, e_lon = loc["lat"].as_float(), loc["lon"].as_float()
        with Session(self.engine) as s:
            return s.scalar(
                select(func.count()).select_from(EventMemberRow)
                .join(EventRow, EventRow.id == EventMemberRow.event_id)
                .where(EventRow.country_code.is_(None) if cc is None
                       else EventRow.country_code == cc,
                       loc["precision"].as_integer() <= 2,
                       e_lat >= lat - deg, e_lat <= lat + deg,
                       e_lon >= lon - deg, e_lon <= lon + deg)) or 0

    def published_between(self, lo: dt.date | None, hi: dt.date | None) -> set[str]:
        """Ids of the stored documents published between ``lo`` and ``hi`` (both None:
        those without a publication date)."""
        with Session(self.engine) as s:
            if lo is None or hi is None:
                return set(s.scalars(select(DocumentRow.id)
                                     .where(DocumentRow.published.is_(None))))
            return set(s.scalars(select(DocumentRow.id).where(DocumentRow.published >= lo,
                                                              DocumentRow.published <= hi)))

    def members_of(self, event_ids: Iterable[str]) -> dict[str, str]:
        """Mention key -> event id for the mentions of these events."""
        with Session(self.engine) as s:
            return {r.mention_key: r.event_id for r in _select_in(
                s, select(EventMemberRow), EventMemberRow.event_id, event_ids)}

    def members_of_docs(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Mention key -> event id for the mentions of these documents."""
        with Session(self.engine) as s:
            return {r.mention_key: r.event_id for r in _select_in(
                s, select(EventMemberRow), EventMemberRow.doc_id, doc_ids)}

    def known_event_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of these ids that name, or once named, an event of the store (an event,
        an absorbed id, or the event of a recorded mention)."""
        return self._found_in(ids, (EventRow.id, EventAliasRow.old_id, EventAliasRow.new_id,
                                    EventMemberRow.event_id))

    def known_story_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of these ids that name, or once named, a story of the store."""
        return self._found_in(ids, (StoryRow.id, StoryAliasRow.old_id, StoryAliasRow.new_id))

    def _found_in(self, ids: Iterable[str], columns: Sequence[Any]) -> set[str]:
        """Those of these ids that some of these columns hold."""
        wanted = set(ids)
        out: set[str] = set()
        with Session(self.engine) as s:
            for col in columns:
                out |= set(_select_in(s, select(col).distinct(), col, wanted - out))
        return out

    def published_of(self, doc_ids: Iterable[str]) -> dict[str, dt.date | None]:
        """The publication date of each of these stored documents."""
        with Session(self.engine) as s:
            return dict(_select_in(s, select(DocumentRow.id, DocumentRow.published),
                                   DocumentRow.id, doc_ids, rows=True))

    def load_events(self, ids: Iterable[str], *, brief: bool = False) -> dict[str, Event]:
        """These stored events of the view, by id (unknown ids are left out). ``brief``
        keeps only each event's first mention: what linking and story grouping read of
        the events around a scoped merge, whose largest gather hundreds of reports."""
        with Session(self.engine) as s:
            out = {}
            for r in _select_in(s, select(EventRow), EventRow.id, ids):
                data = r.data
                if brief and len(data.get("mentions", ())) > 1:
                    data = {**data, "mentions": data["mentions"][:1]}
                out[r.id] = Event.model_validate(data)
            return out

    def stories_of(self, doc_ids: Iterable[str]) -> dict[str, Story]:
        """The stories these documents are in, by story id."""
        with Session(self.engine) as s:
            sids = set(_select_in(s, select(StoryDocRow.story_id), StoryDocRow.doc_id,
                                  doc_ids))
        return self.load_stories(sids)

    def load_stories(self, ids: Iterable[str]) -> dict[str, Story]:
        """These stored stories, by id (unknown ids are left out)."""
        with Session(self.engine) as s:
            return {r.id: Story.model_validate(r.data)
                    for r in _select_in(s, select(StoryRow), StoryRow.id, ids)}

    def story_ages(self, ids: Iterable[str]) -> dict[str, dt.datetime]:
        """When the first document of each of these stories was stored."""
        from sqlalchemy import func

        wanted = sorted(set(ids))
        out: dict[str, dt.datetime] = {}
        with Session(self.engine) as s:
            for i in range(0, len(wanted), 500):
                for sid, first in s.execute(
                        select(StoryDocRow.story_id, func.min(DocumentRow.added_at))
                        .join(DocumentRow, DocumentRow.id == StoryDocRow.doc_id)
                        .where(StoryDocRow.story_id.in_(wanted[i : i + 500]))
                        .group_by(StoryDocRow.story_id)):
                    if first is not None and first.tzinfo is None:  # SQLite drops it
                        first = first.replace(tzinfo=dt.UTC)
                    out[sid] = first
        return out

    def story_aliases(self) -> dict[str, str]:
        """Story ids joined into another story -> the id that story has now."""
        with Session(self.engine) as s:
            return {r.old_id: r.new_id for r in s.scalars(select(StoryAliasRow))}

    def relations_at(self, event_ids: Iterable[str]) -> list[Relation]:
        """The stored relations from or to any of these events."""
        ids = sorted(set(event_ids))
        out: dict[tuple[str, str, str], Relation] = {}
        with Session(self.engine) as s:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                for r in s.scalars(select(RelationRow).where(
                        RelationRow.source.in_(part) | RelationRow.target.in_(part))):
                    out[(r.source, r.target, r.type)] = Relation.model_validate(r.data)
        return list(out.values())

    def causal_relations(self) -> list[tuple[str, str, str]]:
        """(source, target, type) of every stored relation other than ``follows``."""
        with Session(self.engine) as s:
            return [(a, b, t) for a, b, t in s.execute(
                select(RelationRow.source, RelationRow.target, RelationRow.type)
                .where(RelationRow.type != "follows")).all()]

    def load_entities(self, ids: Iterable[str]) -> list[Entity]:
        """These stored entities (unknown ids are left out)."""
        with Session(self.engine) as s:
            return [Entity.model_validate(r.data)
                    for r in _select_in(s, select(EntityRow), EntityRow.id, ids)]

    def update_merged(self, change: ViewChange) -> None:
        """Apply an incremental merge's outcome to the view in one transaction: the
        events it replaced go (their ids live on as aliases where absorbed), its events,
        relations, stories and entities are written, and its documents stop pending."""
        try:
            with Session(self.engine) as s, s.begin():
                _delete_keys(s, EventRow.id, change.removed_events)
                _delete_keys(s, StoryRow.id, change.removed_stories)
                _delete_keys(s, EventMemberRow.mention_key, change.removed_members)
                touched = sorted(change.touched_events)
                for i in range(0, len(touched), 500):
                    part = touched[i : i + 500]
                    s.execute(delete(RelationRow).where(
                        RelationRow.source.in_(part) | RelationRow.target.in_(part)))
                chain = sorted(change.chain_events)
                for i in range(0, len(chain), 500):  # SQLite caps parameters
                    s.execute(delete(RelationRow).where(
                        RelationRow.type == "follows",
                        RelationRow.source.in_(chain[i : i + 500])))
                self._upsert(s, EventMemberRow, [
                    _member_row(k, v) for k, v in change.members.items()
                ], ["mention_key"], update=True)
                self._upsert(s, EventAliasRow, [
                    {"old_id": k, "new_id": v, "merged_at": _now()}
                    for k, v in change.aliases.items()
                ], ["old_id"], update=True)
                for old_id, new_id in sorted(change.story_aliases.items()):
                    # Ids joined earlier into a story joined now lead to where it went.
                    s.execute(sql_update(StoryAliasRow).where(StoryAliasRow.new_id == old_id)
                              .values(new_id=new_id))
                self._upsert(s, StoryAliasRow, [
                    {"old_id": k, "new_id": v, "merged_at": _now()}
                    for k, v in change.story_aliases.items()
                ], ["old_id"], update=True)
                self._write_merged(s, change.events, change.relations, change.stories,
                                   change.entities)
                _delete_keys(s, PendingRow.doc_id, change.merged_docs)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to store {self._safe_url()}: "
                             f"{str(exc).splitlines()[0]}") from exc

    def load_merged(self) -> Result:
        """The store's merged view (documents without their text, entities, events,
        relations, stories), as a run's ``Result``: what the briefing, exports and web
        app read. A large store's view is better streamed (``view_items``)."""
        part = {name: list(self.view_items(name)) for name in VIEW_PARTS}
        return Result(documents=part["documents"], entities=part["entities"],
                      events=part["events"], relations=part["relations"],
                      stories=part["stories"])

    def view_items(self, part: str, page: int = 500) -> Iterator[Any]:
        """One list of the merged view (one of ``VIEW_PARTS``) in ``load_merged``'s
        order, read ``page`` rows at a time, so that writing a large store's outputs
        holds one page, not the store."""
        if part not in _VIEW_ORDER:
            raise ValueError(f"no view part {part!r}: one of {', '.join(VIEW_PARTS)}")
        columns = _VIEW_ORDER[part]
        query = select(columns[0].class_).order_by(*columns)
        model = _VIEW_MODELS.get(part)
        with Session(self.engine) as s:
            for r in s.scalars(query.execution_options(yield_per=page)):
                yield _document_out(r) if model is None else model.model_validate(r.data)

    def documents_out(self, ids: Iterable[str]) -> dict[str, DocumentOut]:
        """These stored documents as the view shows them (no text), by id."""
        with Session(self.engine) as s:
            return {r.id: _document_out(r)
                    for r in _select_in(s, select(DocumentRow), DocumentRow.id, ids)}

    def view_counts(self) -> dict[str, int]:
        """How many items each list of the merged view holds."""
        with Session(self.engine) as s:
            return {part: s.scalar(select(func.count()).select_from(
                        _VIEW_ORDER[part][0].class_)) or 0 for part in VIEW_PARTS}


def _event_row(e: Event | PackedEvent) -> dict[str, Any]:
    if isinstance(e, PackedEvent):
        cols, data = (e.id, e.start, e.country_code, e.sub_event_type), json.loads(e.data)
    else:  # dumped as it is written: no JSON text to parse again
        cols, data = _event_columns(e), e.model_dump(mode="json")
    return {**dict(zip(("id", "start", "country_code", "sub_event_type"), cols, strict=True)),
            "data": data, "updated_at": _now()}


def _member_row(key: str, event_id: str) -> dict[str, Any]:
    return {"mention_key": key, "event_id": event_id, "doc_id": key.split(":", 1)[0],
            "assigned_at": _now()}


def _document_out(d: DocumentRow) -> DocumentOut:
    return DocumentOut(id=d.id, path=d.path, title=d.title, source=d.source, url=d.url,
                       published=d.published,
                       published_basis=d.published_basis)  # type: ignore[arg-type]


def _select_in(s: Session, query: Any, column: Any, keys: Iterable[str], *,
               rows: bool = False) -> Iterator[Any]:
    """``query`` restricted to rows whose ``column`` is one of ``keys``, run in chunks
    (SQLite caps the parameters of one statement); whole rows with ``rows``, else the
    first column."""
    wanted = sorted(set(keys))
    for i in range(0, len(wanted), 500):
        part = query.where(column.in_(wanted[i : i + 500]))
        yield from (s.execute(part) if rows else s.scalars(part))


def _delete_keys(s: Session, column: Any, keys: Iterable[str]) -> None:
    """Delete the rows with these keys (in chunks: SQLite caps parameters)."""
    gone = sorted(set(keys))
    for i in range(0, len(gone), 500):
        s.execute(delete(column.class_).where(column.in_(gone[i : i + 500])))


def _delete_missing(s: Session, column: Any, keep: set[str]) -> None:
    """Delete the rows whose key is not in ``keep`` (in chunks: SQLite caps parameters)."""
    gone = [k for k in s.scalars(select(column)) if k not in keep]
    for i in range(0, len(gone), 500):
        s.execute(delete(column.class_).where(column.in_(gone[i : i + 500])))


def _doc_from_row(row: DocumentRow) -> Document:
    return Document(
        id=row.id, path=row.path, title=row.title, url=row.url, source=row.source,
        text=row.text, published=row.published,
        published_basis=row.published_basis,  # type: ignore[arg-type]
        removed=list(row.removed or []),
    )
