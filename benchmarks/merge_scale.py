"""Merge cost at scale: N generated mentions (default 100,000) clustered, time and memory.

Usage: python benchmarks/merge_scale.py [N] [--seed S]

Generates events spread over two years and 20 countries, each told by 1-8 mentions from
different documents with jittered places, varied triggers, some month-precision and some
undated passing mentions; runs ``wiredesk.merge.cluster`` and prints wall time, peak
process memory and how well the generated events were recovered (B3 F1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import time

from wiredesk.merge import cluster
from wiredesk.models import ActorRef, EventMention, FigureClaim, Interval, Place

TYPES = [
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     ["shelling", "rocket attack", "fired"]),
    ("Explosions/Remote violence", "Air/drone strike", ["airstrike", "drone strike", "struck"]),
    ("Battles", "Armed clash", ["clashes", "fighting", "clashed"]),
    ("Violence against civilians", "Attack", ["attack", "gunmen killed", "shot"]),
    ("Protests", "Peaceful protest", ["protest", "demonstration", "rallied"]),
]
_WORDS = (
    "village town base checkpoint market convoy district road camp airport bridge militia "
    "army police rebels soldiers civilians officials residents witnesses"
)
WORDS = _WORDS.split()


def generate(n: int, rng: random.Random) -> tuple[list[EventMention], dict[str, int]]:
    """About n mentions and the generated event of each mention id."""
    mentions: list[EventMention] = []
    gold: dict[str, int] = {}
    day0 = dt.date(2020, 1, 1)
    ev = 0
    while len(mentions) < n:
        etype, sub, triggers = rng.choice(TYPES)
        cc = f"C{rng.randrange(20)}"
        lat, lon = rng.uniform(-30, 50), rng.uniform(-20, 80)
        date = day0 + dt.timedelta(days=rng.randrange(730))
        town = f"Town{rng.randrange(50000)}"
        actor = f"group{rng.randrange(3000)}"
        killed = rng.randrange(0, 30)
        for k in range(rng.randint(1, 8)):
            if len(mentions) >= n:
                break
            doc = f"d{ev}_{k}"
            r = rng.random()
            if r < 0.8:
                interval: Interval | None = Interval(start=date, end=date, precision="day")
            elif r < 0.95:
                first = date.replace(day=1)
                last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                interval = Interval(start=first, end=last, precision="month")
            else:
                interval = None
            trig = rng.choice(triggers)
            filler = " ".join(rng.choice(WORDS) for _ in range(12))
            quote = f"The {trig} near {town} by {actor} left {killed} dead, {filler}."
            mid = f"m{len(mentions)}"
            mentions.append(EventMention(
                id=mid, doc_id=doc, start=0, end=len(quote), quote=quote, trigger=trig,
                event_type=etype, sub_event_type=sub, date=interval,
                place=Place(name=town, lat=lat + rng.uniform(-0.05, 0.05),
                            lon=lon + rng.uniform(-0.05, 0.05), country_code=cc),
                actors=[ActorRef(entity_id=actor, name=actor, role="perpetrator")],
                figures=[FigureClaim(kind="fatalities", value=killed, quote=quote, doc_id=doc,
                                     start=0, end=len(quote))],
            ))
            gold[mid] = ev
        ev += 1
    return mentions, gold


def b3(gold: dict[str, int], clusters: list[list[EventMention]]) -> float:
    """B3 F1 of the clusters against the generated events."""
    size_g: dict[int, int] = {}
    for g in gold.values():
        size_g[g] = size_g.get(g, 0) + 1
    p = r = 0.0
    for c in clusters:
        counts: dict[int, int] = {}
        for m in c:
            counts[gold[m.id]] = counts.get(gold[m.id], 0) + 1
        for g, k in counts.items():
            p += k * k / len(c)
            r += k * k / size_g[g]
    n = len(gold)
    p, r = p / n, r / n
    return 2 * p * r / (p + r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    mentions, gold = generate(args.n, random.Random(args.seed))
    t0, c0 = time.perf_counter(), time.process_time()
    clusters = cluster(mentions)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"{len(mentions)} mentions, {len(set(gold.values()))} generated events, "
          f"{len(clusters)} clusters")
    # CPU time as well: on a shared machine wall time measures the neighbours too.
    print(f"cluster(): {took:.1f} s ({cpu:.1f} s CPU), peak memory "
          f"(process RSS, generation included) "
          f"{peak_kib / 1024:.0f} MiB "
          f"({'under' if took < 60 else 'OVER'} the 60 s budget)")
    print(f"B3 F1 against the generated events: {b3(gold, clusters):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
