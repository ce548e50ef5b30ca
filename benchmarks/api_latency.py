"""Latency of filtered ``/api/events`` queries over a store of many events.

Usage: python benchmarks/api_latency.py EVENTS_JSON_OR_STORE [--n 50000] [--requests 400]
                                        [--seed 1] [--db URL]

Reads real events (an ``events.json`` or a store's ``wiredesk.sqlite``), generates N
events from them (each a real event moved in time by up to two years, to another place
of the record jittered by up to ~50 km or to one of a few other cities, with another
ACLED type one time in three), stores them in a fresh SQLite store (or ``--db``), then
sends a mix of filtered queries (date range, country, type, actor, bounding box, words,
and combinations; 50 events a page) through the ASGI app with a TestClient and prints
p50 / p95 / max latency per filter and overall. Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from wiredesk.events.taxonomy import SUB_EVENT_TYPES
from wiredesk.merge import summarize
from wiredesk.models import Event, LocationOut, Result
from wiredesk.store import Store

OTHER_PLACES = [  # (name, country, code, lat, lon): spread the markers beyond Iraq
    ("Aleppo", "Syria", "SY", 36.20, 37.16), ("Deir ez-Zor", "Syria", "SY", 35.33, 40.14),
    ("Sanaa", "Yemen", "YE", 15.35, 44.21), ("Kabul", "Afghanistan", "AF", 34.53, 69.17),
    ("Mogadishu", "Somalia", "SO", 2.04, 45.34), ("Gao", "Mali", "ML", 16.27, -0.04),
    ("Maiduguri", "Nigeria", "NG", 11.85, 13.16), ("Goma", "DR Congo", "CD", -1.68, 29.22),
    ("Donetsk", "Ukraine", "UA", 48.02, 37.80), ("Tripoli", "Libya", "LY", 32.89, 13.19),
]


def load_events(path: Path) -> Result:
    """The real events to vary: from events.json, or from a store file."""
    if path.suffix == ".json":
        return Result.model_validate(json.loads(path.read_text("utf-8")))
    store = Store(f"sqlite:///{path.resolve()}")
    try:
        return store.load_merged()
    finally:
        store.close()


def generate(base: list[Event], n: int, rng: random.Random) -> list[Event]:
    """N events varied from the real ones (dates, places, types; figures and quotes kept)."""
    located = [e.location for e in base if e.location is not None]
    subs = sorted(SUB_EVENT_TYPES)
    out = []
    for i in range(n):
        ev = base[i % len(base)]
        upd: dict[str, object] = {"id": f"ev_bench{i:07d}"}
        if ev.date is not None:
            shift = dt.timedelta(days=rng.randint(-730, 730))
            upd["date"] = ev.date.model_copy(update={"start": ev.date.start + shift,
                                                     "end": ev.date.end + shift})
        if rng.random() < 0.3:
            name, country, code, lat, lon = rng.choice(OTHER_PLACES)
            upd["location"] = LocationOut(name=name, country=country, country_code=code,
                                          admin1=None, lat=lat, lon=lon, precision=1)
        elif located:
            loc = rng.choice(located)
            upd["location"] = loc.model_copy(update={
                "lat": loc.lat + rng.uniform(-0.5, 0.5), "lon": loc.lon + rng.uniform(-0.5, 0.5)})
        if rng.random() < 0.33:
            sub = rng.choice(subs)
            upd["sub_event_type"], upd["event_type"] = sub, SUB_EVENT_TYPES[sub]
        moved = ev.model_copy(update=upd)
        # a summary of its own (date, place, type), as a real event has
        out.append(moved.model_copy(update={"summary": summarize(moved)}))
    return out


def queries(events: list[Event], rng: random.Random, k: int) -> list[tuple[str, dict[str, str]]]:
    """A mix of realistic filters, each (label, query parameters)."""
    actors = sorted({a.name for e in events[:500] for a in e.actors}) or ["army"]
    out: list[tuple[str, dict[str, str]]] = []
    for _ in range(k):
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 1100))
        month = {"start": start.isoformat(), "end": (start + dt.timedelta(days=30)).isoformat()}
        name, _c, code, lat, lon = rng.choice(OTHER_PLACES)
        box = f"{lon - 2:.2f},{lat - 2:.2f},{lon + 2:.2f},{lat + 2:.2f}"
        label, params = rng.choice([
            ("none", {}),
            ("date range", month),
            ("country", {"country": rng.choice(["IQ", "SY", "YE", "Iraq"])}),
            ("type", {"type": rng.choice(sorted(SUB_EVENT_TYPES))}),
            ("actor", {"actor": rng.choice(actors).split()[0]}),
            ("bbox", {"bbox": box}),
            ("text", {"q": rng.choice(["rocket", "taji", "embassy", "airstrike base"])}),
            ("date+country+type", {**month, "country": "IQ",
                                   "type": "Explosions/Remote violence"}),
            ("date+bbox+actor", {**month, "bbox": "38,29,49,38",
                                 "actor": rng.choice(actors).split()[0]}),
            ("deep page", {"offset": str(rng.randint(0, 20000))}),
        ])
        out.append((label, {**params, "limit": "50"}))
    return out


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="events.json or a wiredesk.sqlite")
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", help="store URL to fill (default: a temporary SQLite file)")
    args = ap.parse_args(argv)

    from fastapi.testclient import TestClient

    from wiredesk.web import create_app

    rng = random.Random(args.seed)
    base = load_events(args.source).events
    if not base:
        print(f"no events in {args.source}", file=sys.stderr)
        return 2
    tmp = tempfile.TemporaryDirectory(prefix="wiredesk-bench-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    t0 = time.perf_counter()
    events = generate(base, args.n, rng)
    store = Store(url)
    for i in range(0, len(events), 5000):
        store.save_merged(events[i: i + 5000], [], [], [])
    store.close()
    print(f"store: {args.n} events from {len(base)} real ones in "
          f"{time.perf_counter() - t0:.1f} s ({url.split('@')[-1]})")

    app = create_app(url, index_ttl=2.0)
    with TestClient(app) as client:
        t0 = time.perf_counter()
        first = client.get("/api/events", params={"limit": "50"})
        first.raise_for_status()
        print(f"first query (builds the filter index): {(time.perf_counter() - t0) * 1000:.0f} ms,"
              f" total {first.json()['total']}")
        by_label: dict[str, list[float]] = {}
        all_ms: list[float] = []
        for label, params in queries(events, rng, args.requests):
            t = time.perf_counter()
            r = client.get("/api/events", params=params)
            ms = (time.perf_counter() - t) * 1000
            r.raise_for_status()
            by_label.setdefault(label, []).append(ms)
            all_ms.append(ms)
    print(f"{'filter':<20} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, xs in sorted(by_label.items()):
        print(f"{label:<20} {len(xs):>4} {statistics.median(xs):>8.1f} {pct(xs, 95):>8.1f} "
              f"{max(xs):>8.1f}")
    p50, p95 = statistics.median(all_ms), pct(all_ms, 95)
    print(f"{'all':<20} {len(all_ms):>4} {p50:>8.1f} {p95:>8.1f} {max(all_ms):>8.1f}")
    print(f"target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
