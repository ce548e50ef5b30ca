"""The whole-store merge on dense blocks: each real event told by many near-copies.

    python benchmarks/merge_dense.py make DIR [--data ../shared/data] [--every K]
                                              [--variants V] [--since D] [--until D]
    python benchmarks/merge_dense.py time DIR [--baseline REV] [--profile FILE]
                                              [--copies K]

``make`` writes a corpus from the development articles with ``scale.py``'s generator:
every ``--every``-th real article, each copied into ``--variants`` variants (shifted
publication dates, rotated towns), 196 x 18 = 3,528 articles by default; then runs
``wiredesk run`` on it once into DIR/out (the analyses are kept in its store). This is
the shape of ``scale.py``'s 20,000-article corpus (979 articles x ~20 variants) on a
fifth of its articles: every real event gathers many mentions in one block, which
``merge_scale.py``'s thinly spread mentions never do.

``time`` loads the stored analyses and runs the merge alone (``assemble_stable``, as
``pipeline.merge_store`` does, without writing the view), printing the time of each
stage (CPU time of this process, inclusive, nested by caller: the machine may be shared,
and wall time would count the other jobs). With ``--baseline REV`` the same merge runs on
the package at git revision REV too (``git archive`` into a temporary folder, a process of
its own), and the two results are compared: events (ids and member mentions),
relations and stories must be identical; the ratio of the two times is printed.
``--copies K`` merges every stored analysis K times (copy k under its own document id,
every date k days later): K times the density of the blocks without analysing again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[0].parent / "shared" / "data"


def make(folder: Path, data: Path, every: int, variants: int,
         since: str | None, until: str | None) -> None:
    """Write the dense corpus and analyse it once into ``folder/out``."""
    sys.path.insert(0, str(HERE))
    import scale

    bases = scale.load_bases(data)
    within = [b for b, base in enumerate(bases)
              if (since is None or base.published.isoformat() >= since)
              and (until is None or base.published.isoformat() < until)]
    picked = within[::every]
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    with (corpus / "part.jsonl").open("w", encoding="utf-8") as fh:
        for v in range(variants):
            for b in picked:
                fh.write(json.dumps(scale.variant(bases[b], b, v)) + "\n")
    print(f"{len(picked) * variants} articles ({len(picked)} x {variants})", flush=True)
    exe = Path(sys.executable).with_name("wiredesk")
    t = time.perf_counter()
    subprocess.run([str(exe), "run", str(corpus / "part.jsonl"), "--out",
                    str(folder / "out"), "--quiet"], check=False)
    print(f"wiredesk run: {time.perf_counter() - t:.0f} s")


# --- stage timers -------------------------------------------------------------------

_TIMES: dict[str, float] = defaultdict(float)
_CALLS: dict[str, int] = defaultdict(int)
_STACK: list[str] = []


def _wrap(owner: Any, name: str, label: str) -> None:
    """Time every call of ``owner.name`` under ``label``, nested in the caller's stage."""
    fn = getattr(owner, name, None)
    if fn is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        _STACK.append(label)
        key = " / ".join(_STACK)
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _TIMES[key] += time.process_time() - t
            _CALLS[key] += 1
            _STACK.pop()

    setattr(owner, name, timed)


def _instrument() -> None:
    from wiredesk import identity, link, merge, review, stories

    _wrap(merge, "build_events", "build_events")
    _wrap(merge, "_cluster_indices", "cluster")
    _wrap(merge, "doc_neighbours", "document neighbours")
    _wrap(merge, "_candidate_pairs", "candidate pairs")
    _wrap(merge, "_bound_by_precedence", "precedence trial")
    _wrap(merge, "agglomerate", "agglomerate")
    _wrap(merge.TfIdf, "cos_pairs", "cos_pairs")
    _wrap(merge.TfIdf, "candidate_pairs", "tfidf candidates")
    _wrap(merge.TfIdf, "sorted_candidates", "tfidf candidates")
    _wrap(merge, "assemble", "assemble events")
    _wrap(identity, "stabilize", "identity")
    _wrap(review, "apply_reviews", "reviews")
    _wrap(link, "link", "link")
    _wrap(stories, "group", "stories")
    _wrap(stories, "text_similarities", "text similarities")  # before the arrays
    _wrap(stories, "_similarity_arrays", "text similarities")
    _wrap(stories, "agglomerate", "agglomerate")


def _version(url: str) -> str:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from wiredesk.store import AnalysisRow, Store

    store = Store(url)
    with Session(store.engine) as s:
        got = s.execute(select(AnalysisRow.version, func.count())
                        .group_by(AnalysisRow.version)).all()
    store.close()
    return str(max(got, key=lambda r: r[1])[0])


def _copies(analyses: list[Any], copies: int) -> list[Any]:
    """Each analysis ``copies`` times, copy k under its own document id with every date
    ``k`` days later: the blocks of a store ``copies`` times as dense, without running
    the analysis again."""
    import datetime as dt

    from wiredesk import pipeline

    def later(d: dt.date | None, k: int) -> dt.date | None:
        return None if d is None else d + dt.timedelta(days=k)

    out = list(analyses)
    for k in range(1, copies):
        for a in analyses:
            doc = a.doc.model_copy(update={"id": f"{a.doc.id}~{k}", "path": f"{a.doc.path}~{k}",
                                           "published": later(a.doc.published, k)})
            ms = [m.model_copy(update={
                "id": f"{m.id}~{k}", "doc_id": doc.id,
                "date": None if m.date is None else m.date.model_copy(update={
                    "start": later(m.date.start, k), "end": later(m.date.end, k)})})
                for m in a.mentions]
            out.append(pipeline._Analysis(doc, ms, a.entities))
    return out


def worker(folder: Path, out: Path, profile: str | None, copies: int = 1) -> None:
    """One timed merge of the stored analyses; its result and times go to ``out``."""
    from wiredesk import pipeline, review
    from wiredesk.store import Store

    url = f"sqlite:///{folder / 'out' / 'wiredesk.sqlite'}"
    version = _version(url)
    t = time.process_time()
    store = Store(url)
    analyses = [pipeline._Analysis(d, ms, es) for d, ms, es in store.iter_analyses(version)]
    members, aliases = store.load_identity()
    reviews = review.load_reviews(store)
    store.close()
    analyses = _copies(analyses, copies)
    load = time.process_time() - t
    _instrument()
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t, wall = time.process_time(), time.perf_counter()
    result, _ = pipeline.assemble_stable(analyses, members, aliases, reviews)
    total, wall = time.process_time() - t, time.perf_counter() - wall
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    out.write_text(json.dumps({
        "load": load, "total": total, "wall": wall, "times": _TIMES, "calls": _CALLS,
        "documents": len(analyses), "mentions": sum(len(a.mentions) for a in analyses),
        "events": {e.id: sorted(f"{m.doc_id}:{m.start}:{m.end}" for m in e.mentions)
                   for e in result.events},
        "result": result.model_dump(mode="json"),
    }))


def _run(folder: Path, src: Path, profile: str | None, copies: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(src))
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        cmd = [sys.executable, __file__, "_worker", str(folder), tmp.name,
               "--copies", str(copies)]
        if profile:
            cmd += ["--profile", profile]
        subprocess.run(cmd, check=True, env=env)
        got: dict[str, Any] = json.loads(Path(tmp.name).read_text())
    return got


def _report(name: str, got: dict[str, Any]) -> None:
    print(f"{name}: {got['documents']} documents, {got['mentions']} mentions, "
          f"{len(got['events'])} events; load {got['load']:.1f} s, merge {got['total']:.1f} s "
          f"CPU ({got['wall']:.1f} s wall)")
    for key in sorted(got["times"]):
        depth = key.count(" / ")
        label = key.rsplit(" / ", 1)[-1]
        calls = got["calls"][key]
        print(f"  {'  ' * depth}{label:<{28 - 2 * depth}} {got['times'][key]:8.2f} s"
              + (f"  ({calls} calls)" if calls > 1 else ""))


def time_merge(folder: Path, baseline: str | None, profile: str | None, copies: int) -> None:
    """Time the merge of the stored analyses, against REV's when ``baseline`` is given."""
    src = HERE.parent / "src"
    new = _run(folder, src, profile, copies)
    _report("this tree", new)
    if baseline is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", baseline,
                                  "src/wiredesk"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        old = _run(folder, Path(tmp) / "src", None, copies)
    _report(f"baseline {baseline}", old)
    same_events = new["events"] == old["events"]
    parts = {k: new["result"][k] == old["result"][k] for k in new["result"]}
    print(f"events (ids and member mentions) identical: {same_events}")
    print("result parts identical: " + ", ".join(f"{k} {v}" for k, v in parts.items()))
    print(f"merge time: {new['total']:.1f} s against {old['total']:.1f} s "
          f"= {old['total'] / new['total']:.2f}x faster")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make")
    mk.add_argument("dir", type=Path)
    mk.add_argument("--data", type=Path, default=DEFAULT_DATA)
    mk.add_argument("--every", type=int, default=5)
    mk.add_argument("--variants", type=int, default=18)
    mk.add_argument("--since", help="only articles published on or after (YYYY-MM-DD)")
    mk.add_argument("--until", help="only articles published before (YYYY-MM-DD)")
    tm = sub.add_parser("time")
    tm.add_argument("dir", type=Path)
    tm.add_argument("--baseline", help="git revision to compare with")
    tm.add_argument("--profile", help="write a cProfile of this tree's merge here")
    tm.add_argument("--copies", type=int, default=1,
                    help="merge every stored analysis this many times (see _copies)")
    wk = sub.add_parser("_worker")
    wk.add_argument("dir", type=Path)
    wk.add_argument("out", type=Path)
    wk.add_argument("--profile")
    wk.add_argument("--copies", type=int, default=1)
    args = ap.parse_args()
    run: dict[str, Callable[[], None]] = {
        "make": lambda: make(args.dir, args.data, args.every, args.variants,
                             args.since, args.until),
        "time": lambda: time_merge(args.dir, args.baseline, args.profile, args.copies),
        "_worker": lambda: worker(args.dir, args.out, args.profile, args.copies),
    }
    run[args.cmd]()


if __name__ == "__main__":
    main()
