"""Schema migrations of the store (Alembic), shipped inside the package so that an
installed wiredesk can upgrade a store made by an earlier version.

``Store()`` calls :func:`upgrade` on open. A store made before migrations existed (it
has the tables but no ``alembic_version``) is first stamped with the newest revision
whose tables it already has, then upgraded like any other.

To add a revision after changing the models in ``wiredesk.store`` (or any module that
declares tables on ``wiredesk.store.Base``)::

    WIREDESK_DB=sqlite:////tmp/rev.sqlite .venv/bin/alembic \\
        -c src/wiredesk/migrations/alembic.ini upgrade head
    WIREDESK_DB=sqlite:////tmp/rev.sqlite .venv/bin/alembic \\
        -c src/wiredesk/migrations/alembic.ini revision --autogenerate -m "what changed"

then read and tidy the generated file; ``tests/test_store_migrations.py`` fails while
the models and the migrations disagree.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection, Engine

# Revisions a pre-Alembic store can be stamped with, newest first, with the tables that
# show a store already has that revision's schema.
_PRE_ALEMBIC: tuple[tuple[str, frozenset[str]], ...] = (
    ("0002_event_identity", frozenset({"event_members", "event_aliases"})),
    ("0001_baseline", frozenset({"documents", "analyses", "events", "relations",
                                 "stories", "entities"})),
)


def config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at these migrations (no alembic.ini needed);
    with ``connection``, the migrations run on it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("wiredesk") / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision of the shipped migrations."""
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(connection: Connection) -> str | None:
    """The revision a database is at (None: not under Alembic)."""
    return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    """Whether the store is at the newest revision already (one query)."""
    with engine.connect() as conn:
        return current(conn) == head()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the store to ``target`` (by default the newest schema), stamping a store
    made before migrations existed. A store already at head costs one query."""
    with engine.begin() as conn:
        rev = current(conn)
        if rev is not None and target == "head" and rev == head():
            return
        if rev is None:
            tables = set(inspect(conn).get_table_names())
            for stamp, needed in _PRE_ALEMBIC:
                if needed <= tables:
                    command.stamp(config(conn), stamp)
                    break
        command.upgrade(config(conn), target)


def create_table_once(name: str, *columns: object, **kw: object) -> bool:
    """In a revision: create a table unless the store already has it (a store made
    before migrations existed, by code that created every table on open). Returns
    whether it was created, so the caller creates its indexes only then."""
    from alembic import op

    if inspect(op.get_bind()).has_table(name):
        return False
    op.create_table(name, *columns, **kw)  # type: ignore[arg-type]
    return True


def create_index_once(name: str, table: str, columns: list[str]) -> None:
    """In a revision: create an index unless the table already has it (see
    ``create_table_once``)."""
    from alembic import op

    if name not in {ix["name"] for ix in inspect(op.get_bind()).get_indexes(table)}:
        op.create_index(name, table, columns)


def models_metadata() -> MetaData:
    """``wiredesk.store.Base.metadata`` with every table of the package: the modules that
    declare tables on ``Base`` (found by their source) are imported first, so that
    autogenerate and the tests compare against all of them, not only the store's."""
    import importlib
    import importlib.util
    import pkgutil

    import wiredesk
    from wiredesk.store import Base

    for mod in pkgutil.walk_packages(wiredesk.__path__, "wiredesk."):
        if mod.name.startswith(__name__):
            continue
        spec = importlib.util.find_spec(mod.name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            with open(spec.origin, encoding="utf-8") as fh:
                if "(Base)" in fh.read():
                    importlib.import_module(mod.name)
    return Base.metadata
