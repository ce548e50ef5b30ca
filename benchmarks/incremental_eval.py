"""What the incremental merge costs in accuracy: the same articles merged all at once
(the reference) and added to a store a batch at a time (``wiredesk.update``).

Usage: python benchmarks/incremental_eval.py [DIR] [--batch N] [--db URL]
                                            [--shuffle SEED] [--half {0,1}] [--caps]

DIR defaults to ../shared/data/news_cluster (the Giveme5W1H news cluster, one JSON per
article with a gold ``newsCluster.EventId``). Every article is analysed once; then

1. full: all analyses merged at once (``pipeline.assemble``);
2. incremental: the analyses saved to a fresh store ``--batch`` articles at a time in
   publication order, each batch merged with ``update.merge_pending`` (the first
   batches are merged whole, then in scope); ``--shuffle`` adds them in a random order
   instead, and ``--half`` keeps the articles of every other gold event only (0: the
   first, 1: the second), for held-out checks.

Printed: the merge modes used, the number of events of each, the agreement of the two
clusterings of mentions into events (B3 F1, the full merge as key), the stories' B3 F1
against the gold event ids for each, and the merge time of each (the incremental one
summed over batches).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from ecb_eval import b_cubed
from stories_eval import DEFAULT_DIR, load

from wiredesk import merge, pipeline, update
from wiredesk.identity import mention_key
from wiredesk.models import Event, EventMention
from wiredesk.nlp import model_name
from wiredesk.store import Store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--batch", type=int, default=20, help="articles per incremental batch")
    ap.add_argument("--db", default=None, help="store URL (default: a temporary SQLite file)")
    ap.add_argument("--shuffle", type=int, default=None, metavar="SEED",
                    help="add the articles in a random order (this seed)")
    ap.add_argument("--half", type=int, choices=(0, 1), default=None,
                    help="only the articles of every other gold event")
    ap.add_argument("--caps", action="store_true",
                    help="apply a large store's caps to every batch (update.SCOPE_ALL and "
                         "update.NEIGHBOUR_ALL at 0): what sampling events and taking only "
                         "the likeliest similar documents' events costs")
    args = ap.parse_args(argv)
    if args.caps:
        update.SCOPE_ALL = 0
        update.NEIGHBOUR_ALL = 0
    docs, gold = load(Path(args.dir))
    if args.half is not None:
        events = sorted({str(g) for g in gold.values()})[args.half::2]
        docs = [d for d in docs if str(gold[d.id]) in events]
        gold = {d.id: gold[d.id] for d in docs}
    if not docs:
        print(f"no articles in {args.dir}", file=sys.stderr)
        return 2
    docs.sort(key=lambda d: (d.published is None, d.published, d.id))
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(docs)
    t = time.perf_counter()
    analyses = list(pipeline.Analyzer().analyze(docs, lambda d, e: None))
    print(f"{len(analyses)} articles analysed in {time.perf_counter() - t:.1f}s")

    t = time.perf_counter()
    full = pipeline.assemble(analyses)
    full_secs = time.perf_counter() - t
    full_members = {mention_key(m): e.id for e, ms in _built(analyses) for m in ms}

    version = pipeline.analysis_version(model_name(None))
    modes: Counter[str] = Counter()
    inc_secs = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.db or f"sqlite:///{tmp}/inc.sqlite")
        try:
            for i in range(0, len(analyses), args.batch):
                part = analyses[i : i + args.batch]
                store.save_analyses([(a.doc, a.mentions, a.entities) for a in part], version)
                t = time.perf_counter()
                modes[update.merge_pending(store, version).mode] += 1
                inc_secs += time.perf_counter() - t
            inc = store.load_merged()
            inc_members, _ = store.load_identity()
        finally:
            store.close()

    key = _partition(full_members)
    resp = _partition({k: v for k, v in inc_members.items() if k in full_members})
    _, _, agree = b_cubed(key, resp)
    gold_sets: dict[object, set[str]] = defaultdict(set)
    for d, g in gold.items():
        gold_sets[g].add(d)
    gold_key = list(gold_sets.values())
    f_full = b_cubed(gold_key, [set(s.doc_ids) for s in full.stories])[2]
    f_inc = b_cubed(gold_key, [set(s.doc_ids) for s in inc.stories])[2]
    print(f"batches of {args.batch}: {dict(modes)}")
    print(f"events: full {len(full.events)}, incremental {len(inc.events)}; "
          f"mention clustering agreement B3 F1 {agree:.3f}")
    print(f"relations: full {len(full.relations)}, incremental {len(inc.relations)}")
    print(f"stories B3 F1 against gold: full {f_full:.3f} ({len(full.stories)} stories), "
          f"incremental {f_inc:.3f} ({len(inc.stories)} stories)")
    print(f"merge time: full {full_secs:.1f}s, incremental {inc_secs:.1f}s over "
          f"{sum(modes.values())} batches")
    return 0


def _built(analyses: list[pipeline._Analysis]) -> list[tuple[Event, list[EventMention]]]:
    documents = {a.doc.id: a.doc for a in analyses}
    return merge.build_events([m for a in analyses for m in a.mentions], documents)


def _partition(members: dict[str, str]) -> list[set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for k, e in members.items():
        out[e].add(k)
    return list(out.values())


if __name__ == "__main__":
    raise SystemExit(main())
