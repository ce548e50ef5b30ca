"""Where ../shared is, and the facts about the seeds that several test modules check."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

# ../shared next to the repository: seeds and annotated corpora, never copied in.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Publication dates of the seeds (000: its dateline; 001: "said Saturday" after the
# Wednesday attack; 002, 003: the Friday strikes; 004: "A Section on 03/29/2020").
PUBLISHED = {
    "000": dt.date(2020, 3, 11),
    "001": dt.date(2020, 3, 14),
    "002": dt.date(2020, 3, 13),
    "003": dt.date(2020, 3, 13),
    "004": dt.date(2020, 3, 29),
}


def fakes_rows() -> list[dict[str, str]]:
    """The FA-KES reports (latin-1 CSV rows); skips the test when FA-KES is absent."""
    path = SHARED / "data" / "fakes_syria" / "FA-KES-Dataset.csv"
    if not path.exists():
        pytest.skip(f"FA-KES not found at {path}")
    with path.open(encoding="latin-1", newline="") as fh:
        return list(csv.DictReader(fh))
