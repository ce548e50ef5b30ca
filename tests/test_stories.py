"""Stories on the seeds and on the news-cluster corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_merge import SHARED, all_seed_mentions, documents, seed_docs

from wiredesk.merge import build_events
from wiredesk.stories import group


def test_every_seed_document_in_exactly_one_story() -> None:
    events = build_events(all_seed_mentions(), documents())
    by_event = {e.id: ms for e, ms in events}
    docs = list(documents().values())
    stories = group(docs, [e for e, _ in events], by_event)
    seen = [d for s in stories for d in s.doc_ids]
    assert sorted(seen) == sorted(d.id for d in docs)
    # The two reports of the US strikes of 13 March share a story, titled from that event.
    s002 = next(s for s in stories if seed_docs()["002"].id in s.doc_ids)
    assert seed_docs()["003"].id in s002.doc_ids
    assert s002.title.startswith("Air/drone strike")
    # The 14 March attack is the story of its own article.
    s001 = next(s for s in stories if seed_docs()["001"].id in s.doc_ids)
    assert "2020-03-14" in s001.title


def test_news_cluster_b3_at_least_090() -> None:
    root = SHARED / "data" / "news_cluster"
    if not root.is_dir():
        pytest.skip(f"news cluster corpus not found at {root}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from stories_eval import b_cubed, load

    docs, gold = load(root)
    stories = group(docs, [], {})
    key: dict[object, set[str]] = {}
    for d, g in gold.items():
        key.setdefault(g, set()).add(d)
    p, r, f = b_cubed(list(key.values()), [set(s.doc_ids) for s in stories])
    assert f >= 0.90
