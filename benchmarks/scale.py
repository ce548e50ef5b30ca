"""Scale: throughput on one process and on 2 Ray workers, memory against corpus size,
and the cost of adding 1% new articles to a full store.

    python benchmarks/scale.py [--n 20000] [--data DIR] [--workers 2] [--small N]
                               [--ray-n N] [--keep DIR] [--no-ray]
                               [--order stream|backfill] [--per-day 55]
    python benchmarks/scale.py --engine-only K     # the analysis stage alone, K articles

DIR (default ../shared/data) holds the development articles the corpus is generated
from: ``fakes_syria/FA-KES-Dataset.csv`` and ``news_cluster/*.json`` (whichever exist).
Each real article is copied into variants that differ in their publication date (in the
metadata and in a dateline, the dates written in the text moved as far) and in their
place names (towns of one pool swapped for others), so that every generated document is
distinct and tells events of its own time (until December 2026 the text kept its base's
dates, so that every pass through the real articles told all their events again, a
store's every event being reached by each new chunk); the corpus is written as
JSONL files of 500 articles, the input format ``wiredesk run`` reads.

``--order stream`` (default) is continuous ingest: a feed in publication order, from
2016-01-01 at a steady ``--per-day`` articles a day (55: 20,000 a year), cycling through
the real articles (each comes back as a new variant every 979/55 = 18 days); the 1% added
at the end is the next hours' news. ``--order backfill`` loads an archive in no order of
time: every real article at its own date (2011-2018, their density: up to 284 a week),
then all again 11 days later, and so on, so every chunk of the run spans all eight years
and the 1% added touches all of them (the order of the benchmark until December 2026).

Every run is ``wiredesk run ... --quiet`` in a subprocess of its own, measured from a
small wrapper process (wall time; peak RSS and CPU time through
getrusage(RUSAGE_CHILDREN), the CPU time being the figure a loaded machine distorts least;
both cover the run's merge processes too, ``update.merge_apart``: the peak is that of
the largest process of the run, the CPU time their sum):

1. local engine, ``--small`` articles (default n/4), fresh store: peak RSS
2. local engine, n articles, fresh store: articles/s on one process, peak RSS
3. local engine, n/100 new articles into the store of run 2: cost against run 2
4. Ray engine, ``--workers`` CPUs of a local Ray instance, ``--ray-n`` articles (default
   n), fresh store: articles/s, and the ratio to the rate of the local run of as many
   articles (run 1 with ``--ray-n`` equal to ``--small``, else run 2); and how busy the
   cores were meanwhile (``CoreUse``: the idle core-seconds of the start and of the last
   chunk's merge, which runs alone, are what keeps the ratio from 2)

The runs use a snapshot of the package taken at the start (PYTHONPATH), so that edits
to the working tree meanwhile cannot make the stored analyses stale between runs 2 and 3.
The gazetteer index is built before run 1 (``warm_gazetteer``; a no-op once built on the
machine): until December 2026 a fresh machine's first run built it, which made run 1
slower and its peak RSS about 350 MB higher (1,211 MB against 862) than a later run's.

Every process (the local runs, the Ray workers) uses ``--blas-threads`` (1) math-library
threads, so "one process" is one core and the ratio compares cores, not thread pools.

Targets: ratio >= 1.7x; peak RSS at n/4 and n the same within 10%; 1% more <= 5% of the
full run. Times include start-up (model loading, Ray start), merging and writing outputs.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PART = 500  # articles per generated JSONL file

#: Towns the generator swaps for one another; real places of the corpora's wars, so the
#: gazetteer still finds a place after the swap.
PLACE_POOL = (
    "Aleppo", "Homs", "Hama", "Idlib", "Raqqa", "Daraa", "Latakia", "Douma", "Tartus",
    "Palmyra", "Manbij", "Kobani", "Afrin", "Mosul", "Kirkuk", "Tikrit", "Fallujah",
    "Ramadi", "Samarra", "Baqubah",
)
_PLACE_RX = re.compile(r"\b(" + "|".join(PLACE_POOL) + r")\b")


@dataclass
class Base:
    """One real development article the variants are made from."""

    title: str
    text: str
    published: dt.date
    source: str


def load_bases(data: Path) -> list[Base]:
    """The development articles under ``data`` (FA-KES and the news cluster corpus)."""
    bases: list[Base] = []
    fakes = data / "fakes_syria" / "FA-KES-Dataset.csv"
    if fakes.is_file():
        with fakes.open(encoding="latin-1", newline="") as fh:
            for row in csv.DictReader(fh):
                text = (row.get("article_content") or "").strip()
                try:
                    published = dt.datetime.strptime(row.get("date") or "", "%m/%d/%Y").date()
                except ValueError:
                    continue
                if len(text) > 200:
                    bases.append(Base(row.get("article_title") or "", text, published,
                                      row.get("source") or "unknown"))
    for path in sorted((data / "news_cluster").glob("*.json")):
        obj = json.loads(path.read_text(encoding="utf-8"))
        text = (obj.get("text") or "").strip()
        raw_date = (obj.get("date_publish") or "")[:10]
        if len(text) > 200 and raw_date:
            bases.append(Base(obj.get("title") or "", text, dt.date.fromisoformat(raw_date),
                              obj.get("source_domain") or "unknown"))
    if not bases:
        sys.exit(f"no development articles under {data} (fakes_syria/, news_cluster/)")
    return bases


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_MONTH = r"(" + "|".join(_MONTHS) + r")"
# Dates written in the text, most specific first: "March 5, 2013", "5 March 2013",
# "March 2013", "March 5", a bare year.
_DATE_RX = re.compile(
    rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?,? ((?:19|20)\d\d)\b"
    rf"|\b(\d{{1,2}}) {_MONTH} ((?:19|20)\d\d)\b"
    rf"|\b{_MONTH},? ((?:19|20)\d\d)\b"
    rf"|\b{_MONTH} (\d{{1,2}})\b(?!,? \d)"
    r"|(?<![\d,.])\b((?:19[89]|20[0-3])\d)\b(?![\d,])"
)


def shift_dates(text: str, delta: dt.timedelta, year: int) -> str:
    """The dates written in ``text`` moved by ``delta`` (a bare year by its whole years;
    a month and day without a year read in ``year``), so that a variant published later
    tells events of its own time, not its base's again."""
    if not delta:
        return text
    years = round(delta.days / 365.25)

    def day(y: int, mo: str, d: int) -> dt.date | None:
        try:
            return dt.date(y, _MONTHS.index(mo) + 1, d) + delta
        except ValueError:  # "February 30": left alone
            return None

    def sub(m: re.Match[str]) -> str:
        g = m.groups()
        if g[0]:
            got = day(int(g[2]), g[0], int(g[1]))
            return f"{got:%B} {got.day}, {got.year}" if got else m.group(0)
        if g[3]:
            got = day(int(g[5]), g[4], int(g[3]))
            return f"{got.day} {got:%B} {got.year}" if got else m.group(0)
        if g[6]:
            got = day(int(g[7]), g[6], 15)
            return f"{got:%B} {got.year}" if got else m.group(0)
        if g[8]:
            got = day(year, g[8], int(g[9]))
            return f"{got:%B} {got.day}" if got else m.group(0)
        return str(int(g[10]) + years)

    return _DATE_RX.sub(sub, text)


def variant(base: Base, b: int, v: int, published: dt.date | None = None) -> dict[str, str]:
    """Variant ``v`` of base article ``b``: rotated towns, its own dateline, published on
    ``published`` (default: the base's date shifted by 11 days a variant), the dates in
    its text moved as far as its publication date was (``shift_dates``)."""
    shift = len(PLACE_POOL)
    mapping = {p: PLACE_POOL[(k + v) % shift] for k, p in enumerate(PLACE_POOL)}

    def swap(s: str) -> str:
        return _PLACE_RX.sub(lambda m: mapping[m.group(1)], s)

    if published is None:
        published = base.published + dt.timedelta(days=11 * v + (b % 5))
    town = PLACE_POOL[(b + v) % shift]
    dateline = f"{town.upper()}, {published:%B} {published.day}, {published.year} --"
    delta = published - base.published
    y = base.published.year
    return {
        "title": shift_dates(swap(base.title), delta, y),
        "text": f"{dateline} {shift_dates(swap(base.text), delta, y)}",
        "date_publish": published.isoformat(),
        "source_domain": base.source,
        "url": f"https://bench.invalid/{b}/{v}",
    }


#: The stream order starts here (the development articles' densest year).
STREAM_START = dt.date(2016, 1, 1)


def article(bases: list[Base], k: int, order: str, per_day: float) -> dict[str, str]:
    """Article ``k`` of the generated corpus. ``stream``: a feed in publication order at
    a steady ``per_day`` articles a day from ``STREAM_START`` (article k is base k mod
    len(bases), so a base comes back as a new variant every len(bases)/per_day days);
    ``backfill``: every base at its own date, then every base again 11 days later, ...
    (an archive loaded in no order of time, its density that of the real articles)."""
    b, v = k % len(bases), k // len(bases)
    if order == "stream":
        return variant(bases[b], b, v, STREAM_START + dt.timedelta(days=int(k / per_day)))
    return variant(bases[b], b, v)


def generate(bases: list[Base], start: int, count: int, folder: Path,
             order: str = "stream", per_day: float = 55.0) -> list[Path]:
    """Articles ``start`` .. ``start+count`` of the corpus (``article``) as JSONL parts."""
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    for lo in range(start, start + count, PART):
        hi = min(lo + PART, start + count)
        path = folder / f"part-{lo:07d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for k in range(lo, hi):
                fh.write(json.dumps(article(bases, k, order, per_day)) + "\n")
        parts.append(path)
    return parts


_WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
secs = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "seconds": secs, "maxrss_kb": use.ru_maxrss,
                  "cpu": use.ru_utime + use.ru_stime}))
"""


#: Environment of the measured runs: PYTHONPATH points at a snapshot of the package
#: (``snapshot``), so that edits to the working tree during a long benchmark neither
#: change the code measured nor make the stored analyses stale between runs.
_ENV: dict[str, str] = dict(os.environ)


def snapshot(work: Path) -> Path:
    """Copy the installed ``wiredesk`` package under ``work`` and run every step on it."""
    spec = importlib.util.find_spec("wiredesk")
    if spec is None or spec.origin is None:
        sys.exit("wiredesk is not installed in this Python")
    src = Path(spec.origin).parent
    dest = work / "src"
    shutil.copytree(src, dest / "wiredesk", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    _ENV["PYTHONPATH"] = os.pathsep.join(p for p in (str(dest), _ENV.get("PYTHONPATH")) if p)
    return src


def _cpu_ticks() -> tuple[int, int] | None:
    """All and idle CPU time of the machine so far (clock ticks), from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(f), f[3] + f[4]  # idle and iowait


class CoreUse:
    """How busy the machine's cores are while a run goes, sampled every second: the
    mean number of busy cores and the core-seconds left idle in all, in the run's
    first minute and in its last. A Ray run whose workers wait (start-up, the last
    chunk's merge alone) shows it here; the reading is machine-wide, other load
    included."""

    def __init__(self) -> None:
        import threading

        self.busy: list[float] = []  # busy cores, one sample a second
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> CoreUse:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        cores = os.cpu_count() or 1
        prev = _cpu_ticks()
        while prev is not None and not self._stop.wait(1.0):
            cur = _cpu_ticks()
            if cur is None:
                return
            total, idle = cur[0] - prev[0], cur[1] - prev[1]
            if total > 0:
                self.busy.append(cores * (total - idle) / total)
            prev = cur

    def summary(self) -> str:
        if not self.busy:
            return "core use: not sampled (no /proc/stat)"
        cores = os.cpu_count() or 1
        idle = [cores - b for b in self.busy]
        return (f"cores busy {sum(self.busy) / len(self.busy):.2f} of {cores} on average; "
                f"{sum(idle):.0f} core-s idle, {sum(idle[:60]):.0f} in the first minute "
                f"and {sum(idle[-60:]):.0f} in the last")


def warm_gazetteer() -> None:
    """Build the gazetteer index (once per machine and data version) before the timed
    runs, with the measured code: the first run on a fresh machine would otherwise
    include its build, and the child process that builds it peaks at about 930 MB,
    which the wrapper's peak RSS would report as the run's."""
    subprocess.run([sys.executable, "-c",
                    "from wiredesk.places.gazetteer import prepare; prepare()"],
                   check=True, env=_ENV)


def measured_run(paths: list[Path], out: Path, extra: list[str],
                 use: CoreUse | None = None) -> dict[str, float]:
    """``wiredesk run`` in a fresh wrapper process: its wall time and peak RSS (and,
    given ``use``, how busy the cores were meanwhile)."""
    exe = Path(sys.executable).with_name("wiredesk")
    cmd = [str(exe), "run", *map(str, paths), "--out", str(out), "--quiet", *extra]
    with use if use is not None else contextlib.nullcontext():
        done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True,
                              text=True, check=True, env=_ENV)
    got: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if got["rc"] not in (0, 1):
        sys.exit(f"run failed ({got['rc']}): {' '.join(cmd)}\n{done.stderr}")
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="articles of the full run")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--workers", type=int, default=2, help="Ray workers (CPUs)")
    ap.add_argument("--small", type=int, default=None, help="smaller run for RSS (n/4)")
    ap.add_argument("--ray-n", type=int, default=None, help="articles of the Ray run (n)")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray run")
    ap.add_argument("--order", choices=("stream", "backfill"), default="stream",
                    help="stream: a feed in publication order at --per-day articles a day "
                         "(default); backfill: an archive of 2011-2019 in no time order")
    ap.add_argument("--per-day", type=float, default=55.0,
                    help="articles a day of the stream (default 55: 20,000 a year)")
    ap.add_argument("--keep", type=Path, default=None, help="work folder to keep")
    ap.add_argument("--engine-only", type=int, default=0, metavar="K",
                    help="instead: time only the analysis of K articles, local vs Ray, "
                         "models loaded beforehand (no start-up, reading or merging)")
    ap.add_argument("--blas-threads", type=int, default=1, metavar="T",
                    help="math-library threads per process (default 1, as Ray gives each "
                         "worker): 'one process' then means one core")
    args = ap.parse_args()
    # Ray runs each task with OMP_NUM_THREADS=1; a local process would otherwise let
    # numpy's BLAS use every core, and the ratio would compare one core with several.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = _ENV[var] = str(args.blas_threads)
    if args.engine_only:
        engine_only(load_bases(args.data), args.engine_only, args.workers)
        return
    n = args.n
    small = args.small or max(1, n // 4)
    ray_n = args.ray_n or n
    extra_n = max(1, n // 100)

    work = args.keep or Path(tempfile.mkdtemp(prefix="wiredesk-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        src = snapshot(work)
        bases = load_bases(args.data)
        corpus = generate(bases, 0, max(n, ray_n), work / "corpus", args.order, args.per_day)
        # The 1% new articles follow the corpus: in a stream, the next hours' news.
        new = generate(bases, max(n, ray_n), extra_n, work / "new", args.order, args.per_day)

        def first(k: int) -> list[Path]:
            return corpus[: -(-k // PART)] if k % PART == 0 else _cut(corpus, k, work)

        warm_gazetteer()
        print(f"corpus: {max(n, ray_n)} articles ({args.order}"
              + (f", {args.per_day:g} a day" if args.order == "stream" else "")
              + f") from {len(bases)} development articles "
              f"({args.data}); code: a snapshot of {src}; load: {_load()}", flush=True)
        r_small = measured_run(first(small), work / "out_small", [])
        print(f"local, {small} articles: {r_small['seconds']:.1f}s, "
              f"peak RSS {r_small['maxrss_kb'] / 1024:.0f} MB", flush=True)
        version = _analysis_version()
        r_full = measured_run(first(n), work / "out_full", [])
        rate_local = n / r_full["seconds"]
        print(f"local, {n} articles: {r_full['seconds']:.1f}s = {rate_local:.2f} articles/s, "
              f"peak RSS {r_full['maxrss_kb'] / 1024:.0f} MB", flush=True)
        r_inc = measured_run(new, work / "out_full", [])
        print(f"local, +{extra_n} new articles into the {n}-article store: "
              f"{r_inc['seconds']:.1f}s (CPU {r_inc['cpu']:.1f}s; full run CPU "
              f"{r_full['cpu']:.1f}s)", flush=True)
        if _analysis_version() != version:
            # The stored analyses went stale (the code changed during the benchmark): the
            # "incremental" run re-analysed the whole store and its cost means nothing.
            print("WARNING: the analysis code changed between the full and the incremental"
                  " run; the 1% figure below is not valid", flush=True)
        rss_growth = r_full["maxrss_kb"] / r_small["maxrss_kb"] - 1
        inc_cost = r_inc["seconds"] / r_full["seconds"]
        print(f"peak RSS {small} -> {n} articles: {rss_growth:+.1%} (target within 10%)")
        print(f"adding 1% new articles: {inc_cost:.1%} of the full run (target <= 5%); "
              f"CPU time {r_inc['cpu'] / r_full['cpu']:.1%} (less sensitive to other load)",
              flush=True)
        if not args.no_ray:
            use = CoreUse()
            r_ray = measured_run(first(ray_n), work / "out_ray",
                                 ["--engine", "ray", "--workers", str(args.workers)], use)
            rate_ray = ray_n / r_ray["seconds"]
            print(f"ray, {args.workers} workers, {ray_n} articles: {r_ray['seconds']:.1f}s "
                  f"= {rate_ray:.2f} articles/s; {use.summary()}")
            # Compared with the local run of as many articles: a larger store merges
            # more slowly, so the full run's rate would flatter a smaller Ray run.
            base_n, base_s = (small, r_small["seconds"]) if ray_n == small else (
                n, r_full["seconds"])
            if ray_n not in (small, n):
                print(f"(Ray ran {ray_n} articles; compared with the {n}-article run)")
            print(f"speed-up, {args.workers} Ray workers over one process ({base_n} "
                  f"articles each): {rate_ray / (base_n / base_s):.2f}x (target >= 1.7x)")
        print(f"load after: {_load()}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def engine_only(bases: list[Base], k: int, workers: int) -> None:
    """Articles/s of the per-document analysis alone: the local ``Analyzer`` in this
    process against ``RayAnalyzer`` with ``workers`` CPUs, both warmed up first."""
    import time

    from wiredesk import pipeline
    from wiredesk.models import RawArticle
    from wiredesk.ray_engine import RayAnalyzer

    raws = []
    for j in range(k + 2 * workers):
        b, v = j % len(bases), j // len(bases)
        art = variant(bases[b], b, v)
        raws.append(RawArticle(path=f"bench#{j}", text=art["text"], title=art["title"],
                               published_raw=art["date_publish"]))
    docs = [pipeline.prepare(r) for r in raws]
    warm, timed = docs[: 2 * workers], docs[2 * workers :]
    print(f"analysis only, {len(timed)} articles; load: {_load()}", flush=True)

    def rate(analyzer: pipeline.DocumentAnalyzer) -> float:
        list(analyzer.analyze(warm, lambda d, e: None))  # models loaded, caches warm
        t = time.perf_counter()
        list(analyzer.analyze(timed, lambda d, e: None))
        return len(timed) / (time.perf_counter() - t)

    local = rate(pipeline.Analyzer(pipeline.Options()))
    print(f"local Analyzer, one process: {local:.2f} articles/s", flush=True)
    ray_an = RayAnalyzer(pipeline.Options(engine="ray", n_process=workers))
    try:
        remote = rate(ray_an)
    finally:
        ray_an.close()
    print(f"RayAnalyzer, {workers} workers: {remote:.2f} articles/s = {remote / local:.2f}x")
    print(f"load after: {_load()}")


def _cut(corpus: list[Path], k: int, work: Path) -> list[Path]:
    """The first ``k`` articles when ``k`` is not a whole number of parts."""
    whole, rest = divmod(k, PART)
    tail = work / f"tail-{k}"
    tail.mkdir(exist_ok=True)
    lines = corpus[whole].read_text(encoding="utf-8").splitlines(keepends=True)[:rest]
    (tail / "part.jsonl").write_text("".join(lines), encoding="utf-8")
    return [*corpus[:whole], tail / "part.jsonl"]


def _analysis_version() -> str:
    """The key of stored analyses (code, data and model), as the runs compute it."""
    code = ("from wiredesk.pipeline import analysis_version as v; "
            "from wiredesk.nlp import model_name as m; print(v(m(None)))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=_ENV).stdout.strip()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    main()
