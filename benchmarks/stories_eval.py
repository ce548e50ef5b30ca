"""Story grouping against the gold ``newsCluster.EventId`` of the Giveme5W1H news cluster.

Usage: python benchmarks/stories_eval.py [DIR] [--events] [--half {0,1}]

DIR defaults to ../shared/data/news_cluster (relative to the repository): one JSON per
article with ``text``, ``title``, ``date_publish``, ``source_domain`` and ``newsCluster``.
Documents are grouped by ``wiredesk.stories.group`` and scored with B3 precision, recall
and F1 over documents: with no events given (text, names and dates only), and with
``--events`` also as a run groups them, with the events the pipeline extracts and
merges from the same articles (each document's main event then weighs in). ``--half``
keeps the articles of every other gold event only (0: the first, 1: the second, as
``incremental_eval.py`` splits them), for held-out checks.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import sys
from collections import defaultdict
from pathlib import Path

from ecb_eval import b_cubed  # the one B3 scorer, beside this script

from wiredesk.models import Document
from wiredesk.stories import group

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news_cluster"


def load(root: Path) -> tuple[list[Document], dict[str, object]]:
    """Documents and the gold event id of each."""
    docs, gold = [], {}
    for path in sorted(root.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        nc = rec.get("newsCluster")
        if isinstance(nc, str):
            nc = ast.literal_eval(nc)
        published = None
        raw = rec.get("date_publish")
        if raw and raw != "None":
            try:
                published = dt.datetime.fromisoformat(str(raw)).date()
            except ValueError:
                published = None
        title = rec.get("title") if rec.get("title") not in (None, "None") else None
        doc = Document(id=path.stem, path=str(path), title=title,
                       source=rec.get("source_domain"), text=rec.get("text") or "",
                       published=published,
                       published_basis="metadata" if published else "unknown")
        docs.append(doc)
        gold[doc.id] = nc["EventId"] if isinstance(nc, dict) else None
    return docs, gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--events", action="store_true",
                    help="also group with the pipeline's events (analyses every article)")
    ap.add_argument("--half", type=int, choices=(0, 1), default=None,
                    help="only the articles of every other gold event")
    args = ap.parse_args(argv)
    root = Path(args.dir)
    docs, gold = load(root)
    if args.half is not None:
        kept = sorted({str(g) for g in gold.values()})[args.half::2]
        docs = [d for d in docs if str(gold[d.id]) in kept]
        gold = {d.id: gold[d.id] for d in docs}
    if not docs:
        print(f"no articles in {root}", file=sys.stderr)
        return 2
    stories = group(docs, [], {})
    key_map: dict[object, set[str]] = defaultdict(set)
    for d, g in gold.items():
        key_map[g].add(d)
    key = list(key_map.values())
    resp = [set(s.doc_ids) for s in stories]
    p, r, f = b_cubed(key, resp)
    print(f"{len(docs)} documents, {len(key)} gold events, {len(resp)} stories")
    print(f"B3 P {p:.3f} R {r:.3f} F1 {f:.3f}")
    if args.events:
        from wiredesk import merge, pipeline

        analyses = list(pipeline.Analyzer().analyze(docs, lambda d, e: None))
        documents = {a.doc.id: a.doc for a in analyses}
        built = merge.build_events([m for a in analyses for m in a.mentions], documents)
        stories = group(list(documents.values()), [e for e, _ in built],
                        {e.id: ms for e, ms in built})
        p, r, f = b_cubed(key, [set(s.doc_ids) for s in stories])
        print(f"with events ({len(built)} events, {len(stories)} stories): "
              f"B3 P {p:.3f} R {r:.3f} F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
