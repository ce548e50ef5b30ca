"""Gun Violence Database: per article, killed and injured counts and the incident city.

Usage: python benchmarks/gvdb_eval.py [TSV] [--limit N] [--errors N]
TSV columns: Article id, Article url, Article title, Full text, Json, Worker
(default ../shared/data/gvdb/dev.tsv). Gold: the number of victims coded "killed" /
"injured" in the crowd-made JSON, and its city. Prediction: the document's lead event
(the first mention that is not background; its fatalities and injured figures, 0 when
it states none) and its place, else the first town the article names.
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

from wiredesk import nlp, places
from wiredesk.actors import ActorResolver
from wiredesk.events import extract_mentions
from wiredesk.models import Document, EventMention, Place

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


def predict(ms: list[EventMention], found: list[tuple[tuple[int, int], Place]]
            ) -> tuple[int, int, str]:
    """Article-level killed, injured and city from the mentions."""
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
    # the city: the town the article names most often (a neighbourhood "PPLX" counts for
    # nothing), the lead event's town breaking ties
    towns: dict[str, int] = {}
    first: dict[str, int] = {}
    for k, (_, p) in enumerate(found):
        feature = p.feature or ""
        if feature.startswith("PPL") and feature != "PPLX" or feature == "town":
            towns[p.name] = towns.get(p.name, 0) + 1
            first.setdefault(p.name, k)
    lead = next((m.place.name for m in violent if m.place is not None
                 and m.place.name in towns), None)
    city = ""
    if towns:
        city = max(towns, key=lambda n: (towns[n] + (0.5 if n == lead else 0), -first[n]))
    return killed, injured, city


def _norm_city(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower().replace("saint", "st"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--errors", type=int, default=0, help="print N articles with misses")
    args = ap.parse_args(argv)
    if not args.tsv.exists():
        print(f"no data at {args.tsv}", file=sys.stderr)
        return 2
    csv.field_size_limit(1 << 30)
    with args.tsv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if args.limit:
        rows = rows[: args.limit]
    model = nlp.load()
    t0 = time.time()
    n = k_ok = i_ok = c_ok = c_n = 0
    misses = []
    for row in rows:
        text = row["Full text"]
        title = row["Article title"]
        if title and text.startswith(title):
            # the corpus glues the title to the first line ("...| abc13.comA man was")
            text = title + "\n" + text[len(title):]
        g_k, g_i, g_city = gold(row)
        doc = Document(id=row["Article id"], path=row["Article url"], title=row["Article title"],
                       text=text)
        sdoc = model(text)
        found = places.find(text, sdoc)
        ms = extract_mentions(doc, sdoc, [], found, ActorResolver())
        p_k, p_i, p_city = predict(ms, found)
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
    for aid, g, p, title in misses[: args.errors]:
        print(f"[{aid}] gold k/i/city={g} pred={p}  {title[:80]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
