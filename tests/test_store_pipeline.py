"""``wiredesk run`` against a store on SQLite and on PostgreSQL (``store_url``): two runs
writing to one store at the same time, then a re-run, leave one document per article,
one analysis per document and one set of events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from wiredesk.store import AnalysisRow, DocumentRow, EventMemberRow, EventRow, Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def wiredesk_cmd() -> list[str]:
    """The installed ``wiredesk`` command of this environment."""
    exe = Path(sys.executable).with_name("wiredesk")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "wiredesk.cli"]


def snapshot(url: str) -> dict[str, Any]:
    """Row counts and the merged view of a store, to compare runs. ``analyses`` counts
    those of the newest analysis version (a run by changed code adds a new version;
    older ones are kept on purpose)."""
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            version = conn.execute(select(AnalysisRow.version).order_by(
                AnalysisRow.added_at.desc()).limit(1)).scalar()
            rows = conn.execute(select(AnalysisRow.mentions)
                                .where(AnalysisRow.version == version)).scalars().all()
            mentions = {f"{m['doc_id']}:{m['start']}:{m['end']}" for ms in rows for m in ms}
            assigned = set(conn.execute(select(EventMemberRow.mention_key)).scalars())
            events = sorted(conn.execute(select(EventRow.id)).scalars())
        return {
            "version": version, "documents": store.count(DocumentRow), "analyses": len(rows),
            "events": events, "unassigned": sorted(mentions - assigned),
        }
    finally:
        store.close()


def test_two_concurrent_runs_then_a_rerun(store_url: str, tmp_path: Path) -> None:
    # Overlapping halves of the examples: whichever run merges last must see all four.
    files = sorted(EXAMPLES.rglob("*.*"))
    assert len(files) == 4
    for name, part in (("in_a", files[:3]), ("in_b", files[1:])):
        (tmp_path / name).mkdir()
        for f in part:
            (tmp_path / name / f.name).write_bytes(f.read_bytes())
    Store(store_url).close()
    runs = [
        subprocess.Popen([*wiredesk_cmd(), "run", str(tmp_path / f"in_{x}"), "--out",
                          str(tmp_path / f"out_{x}"), "--db", store_url, "--quiet",
                          "--batch-size", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for x in ("a", "b")
    ]
    for p in runs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    first = snapshot(store_url)
    assert first["documents"] == first["analyses"] == 4  # the two shared files stored once
    assert first["events"] and first["unassigned"] == []  # the last merge saw every document
    # A third run over everything adds nothing and changes no event.
    again = subprocess.run([*wiredesk_cmd(), "run", str(EXAMPLES), "--out",
                            str(tmp_path / "out_c"), "--db", store_url, "--quiet"],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert snapshot(store_url) == first
    view = json.loads((tmp_path / "out_c" / "events.json").read_text())
    assert sorted(e["id"] for e in view["events"]) == first["events"]
