"""Stories on the seeds and on the news-cluster corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_merge import SHARED, all_seed_mentions, documents, seed_docs

import wiredesk.stories as stories_mod
from wiredesk.merge import build_events
from wiredesk.stories import group, relative


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
    assert f >= 0.95


def test_relative_similarity_is_scale_free() -> None:
    # Halving every cosine changes nothing: only how pairs compare to each document's best.
    scores = {(0, 1): 0.4, (1, 2): 0.2, (0, 2): 0.1}
    half = {k: v / 2 for k, v in scores.items()}
    assert relative(scores, 3, floor=0.0) == pytest.approx(relative(half, 3, floor=0.0))
    assert relative(scores, 3)[(0, 1)] == pytest.approx(1.0)
    # Below the floor a document's best pairing is not taken as a close story.
    assert relative({(0, 1): 0.02}, 2)[(0, 1)] == pytest.approx(0.2)


def test_news_cluster_b3_holds_across_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    root = SHARED / "data" / "news_cluster"
    if not root.is_dir():
        pytest.skip(f"news cluster corpus not found at {root}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from stories_eval import b_cubed, load

    docs, gold = load(root)
    key: dict[object, set[str]] = {}
    for d, g in gold.items():
        key.setdefault(g, set()).add(d)
    for threshold in (0.2, 0.3, 0.4):
        monkeypatch.setattr(stories_mod, "STORY_THRESHOLD", threshold)
        stories = group(docs, [], {})
        f = b_cubed(list(key.values()), [set(s.doc_ids) for s in stories])[2]
        assert f >= 0.95, (threshold, f)


def test_pair_cosines_equal_the_pairwise_cosines() -> None:
    from wiredesk.merge import TfIdf

    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip(f"seed articles not found at {seeds}")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    tf = TfIdf(texts + [t[: len(t) // 2] for t in texts])
    pairs = [(i, j) for i in range(len(tf.vecs)) for j in range(i + 1, len(tf.vecs))]
    got = tf.cos_pairs(pairs, chunk=7)  # several chunks
    assert got == pytest.approx([tf.cos(i, j) for i, j in pairs], abs=1e-12)
    assert tf.cos_pairs([]) == []
