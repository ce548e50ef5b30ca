"""CASE 2021 task 2: ACLED sub-event classification of short snippets.

Usage: python benchmarks/case_eval.py [TSV] [--errors N]
TSV columns: id, EventSnippet, SubType (default ../shared/data/case2021/task2_snippets.tsv).
Non-ACLED labels (NATURAL_DISASTER, MAN_MADE_DISASTER, ORG_CRIME, DIPLO, ATTRIB) count as
the class "None" (no ACLED event). Prints per-class precision, recall, F1 and support,
and macro and weighted F1.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from wiredesk.events import classify
from wiredesk.events.taxonomy import case_label_to_acled

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/data/case2021/task2_snippets.tsv"


def load(path: Path) -> list[tuple[str, str, str]]:
    """(id, snippet, gold ACLED sub-event type or "None")."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            gold = case_label_to_acled(row["SubType"]) or "None"
            rows.append((row["id"], row["EventSnippet"], gold))
    return rows


def scores(pairs: list[tuple[str, str]]) -> tuple[dict[str, tuple[float, float, float, int]],
                                                  float, float]:
    """Per-class (precision, recall, F1, support), macro F1, weighted F1."""
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        if gold == pred:
            tp[gold] += 1
        else:
            fp[pred] += 1
            fn[gold] += 1
    per: dict[str, tuple[float, float, float, int]] = {}
    for lab in labels:
        p = tp[lab] / (tp[lab] + fp[lab]) if tp[lab] + fp[lab] else 0.0
        r = tp[lab] / (tp[lab] + fn[lab]) if tp[lab] + fn[lab] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[lab] = (p, r, f, tp[lab] + fn[lab])
    support = [v[3] for v in per.values()]
    gold_labels = [lab for lab in labels if per[lab][3] > 0]
    macro = sum(per[lab][2] for lab in gold_labels) / max(len(gold_labels), 1)
    weighted = sum(v[2] * v[3] for v in per.values()) / max(sum(support), 1)
    return per, macro, weighted


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--errors", type=int, default=0, help="print N misclassified snippets")
    args = ap.parse_args(argv)
    if not args.tsv.exists():
        print(f"no data at {args.tsv}", file=sys.stderr)
        return 2
    rows = load(args.tsv)
    pairs = []
    errors = []
    for rid, text, gold in rows:
        pred = classify(text) or "None"
        pairs.append((gold, pred))
        if pred != gold:
            errors.append((rid, gold, pred, text))
    per, macro, weighted = scores(pairs)
    print(f"{'class':40s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
    for lab, (p, r, f, n) in sorted(per.items()):
        print(f"{lab:40s} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    acc = sum(g == p for g, p in pairs) / max(len(pairs), 1)
    print(f"\nsnippets {len(pairs)}  accuracy {acc:.3f}  macro F1 {macro:.3f}  "
          f"weighted F1 {weighted:.3f}")
    for rid, gold, pred, text in errors[: args.errors]:
        print(f"\n[{rid}] gold={gold} pred={pred}\n  {text[:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
