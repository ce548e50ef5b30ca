"""Gun Violence Database: per article, killed and injured counts and the incident city.

Usage: python benchmarks/gvdb_eval.py [TSV] [--limit N] [--errors N] [--half a|b]
TSV columns: Article id, Article url, Article title, Full text, Json, Worker
(default ../shared/data/gvdb/dev.tsv). Gold: the number of victims coded "killed" /
"injured" in the crowd-made JSON, and its city. Prediction: the document's lead event
(the first mention that is not background; its fatalities and injured figures, 0 when
it states none). The city is the product's: the location of the document's main event in
what ``wiredesk.analyze`` builds (mentions merged into events, the story's main event);
each article goes through the pipeline's own steps (cleaning, dating, the analyzer), so
the counts and the city are the product's. ``--errors N`` lists N articles with a miss.
``--product`` also scores the counts on that event's reconciled figures.
Counts are scored exact; the city case-insensitively, on the articles whose gold city is
filled in. The labels are crowd-made and noisy.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

from wiredesk import merge, stories
from wiredesk.models import Document, Event, EventMention, RawArticle
from wiredesk.pipeline import Analyzer, prepare

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/data/gvdb/dev.tsv"


def gold(row: dict[str, str]) -> tuple[int, int, str]:
    """(killed, injured, city) from the crowd coding."""
    data = json.loads(row["Json"])
    killed = injured = 0
    for v in data.get("victim-section", []):
        was = [w.lower() for w in v.get("victim-was", [])]
        if "killed" in was:
            killed += 1
        elif "injured" in was:
            injured += 1
    city = (data.get("date-and-time", {}).get("city", {}) or {}).get("value", "") or ""
    return killed, injured, city.strip()


def _count(ms: list[EventMention], kind: str) -> int:
    for m in ms:
        vals = [f for f in m.figures if f.kind == kind and not f.aggregate]
        if vals:
            return max(f.value for f in vals)
    return 0


def predict(ms: list[EventMention]) -> tuple[int, int]:
    """Article-level killed and injured from the mentions."""
    main = [m for m in ms if not m.background] or ms
    violent = [m for m in main if m.event_type in {
        "Violence against civilians", "Battles", "Explosions/Remote violence"}] or main
    killed = _count(violent, "fatalities")
    injured = _count(violent, "injured")
    if killed and injured == 1 and all(
        re.search(r"\bshot$", f.quote) for m in violent for f in m.figures
        if f.kind == "injured"
    ):
        # one victim "shot" in the headline and dead further down is counted once, killed
        injured = 0
    return killed, injured


def main_event(doc: Document, ms: list[EventMention]) -> Event | None:
    """The document's main event as events.json would hold it."""
    built = merge.build_events(ms, {doc.id: doc})
    events = [e for e, _ in built]
    best = stories.main_event(doc, events, {e.id: members for e, members in built})
    return next((e for e in events if e.id == best), None)


def _figure(event: Event | None, kind: str) -> int:
    if event is None or kind not in event.figures:
        return 0
    return event.figures[kind].value


def _norm_city(name: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"^the ", "", name.lower()).replace("saint", "st"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--errors", type=int, default=0, help="print N articles with misses")
    ap.add_argument("--half", choices=("a", "b"),
                    help="only even (a) or odd (b) rows in file order, to tune on one half "
                         "and check on the other")
    ap.add_argument("--product", action="store_true",
                    help="score the counts on the main event's reconciled figures too")
    args = ap.parse_args(argv)
    if not args.tsv.exists():
        print(f"no data at {args.tsv}", file=sys.stderr)
        return 2
    csv.field_size_limit(1 << 30)
    with args.tsv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if args.half:
        rows = rows[args.half == "b"::2]
    if args.limit:
        rows = rows[: args.limit]
    analyzer = Analyzer()
    t0 = time.time()
    n = k_ok = i_ok = c_ok = c_n = pk_ok = pi_ok = 0
    misses = []
    for row in rows:
        text = row["Full text"]
        title = row["Article title"]
        if title and text.startswith(title):
            # the corpus glues the title to the first line ("...| abc13.comA man was")
            text = title + "\n" + text[len(title):]
        g_k, g_i, g_city = gold(row)
        raw = RawArticle(path=row["Article url"], text=text, title=title or None)
        prepared = prepare(raw).model_copy(update={"id": row["Article id"]})
        analysed = list(analyzer.analyze([prepared], lambda d, e: print(
            f"[{d.id}] {type(e).__name__}: {e}", file=sys.stderr)))
        # an article the analyzer fails on is scored as one that reports nothing
        doc, ms = (analysed[0].doc, analysed[0].mentions) if analysed else (prepared, [])
        p_k, p_i = predict(ms)
        event = main_event(doc, ms)
        p_city = event.location.name if event is not None and event.location else ""
        if args.product:
            pk_ok += _figure(event, "fatalities") == g_k
            pi_ok += _figure(event, "injured") == g_i
        n += 1
        k_ok += p_k == g_k
        i_ok += p_i == g_i
        if g_city:
            c_n += 1
            c_ok += _norm_city(p_city) == _norm_city(g_city)
        if (p_k, p_i) != (g_k, g_i) or (g_city and _norm_city(p_city) != _norm_city(g_city)):
            misses.append((row["Article id"], (g_k, g_i, g_city), (p_k, p_i, p_city),
                           row["Article title"]))
    secs = time.time() - t0
    print(f"articles {n}  killed exact {k_ok / max(n, 1):.3f}  injured exact "
          f"{i_ok / max(n, 1):.3f}  city {c_ok / max(c_n, 1):.3f} (of {c_n} with a gold city)"
          f"  [{secs:.0f}s]")
    if args.product:
        print(f"main event's reconciled figures: killed exact {pk_ok / max(n, 1):.3f}  "
              f"injured exact {pi_ok / max(n, 1):.3f}")
    for aid, g, p, title in misses[: args.errors]:
        print(f"[{aid}] gold k/i/city={g} pred={p}  {title[:80]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
