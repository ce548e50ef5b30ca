"""What the story neighbour search of an incremental merge costs on a big store: the
time and peak memory of ``update._neighbour_docs`` for the latest documents of a store
taken as the new ones (they are excluded from their own search, as a saved batch is).

Usage: python benchmarks/neighbour_cost.py STORE.sqlite [--new N] [--trace]

STORE is copied to a temporary folder first (the copy may be written: a store made
before the term index is indexed once, which is timed apart). ``--trace`` measures the
peak of Python allocations (tracemalloc, slower); without it, the process's peak
resident memory is printed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiredesk import update
from wiredesk.store import DocumentRow, Store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--new", type=int, default=200, help="documents taken as new")
    ap.add_argument("--trace", action="store_true", help="peak of Python allocations")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wiredesk.sqlite"
        shutil.copyfile(args.store, path)
        t0 = time.perf_counter()
        store = Store(f"sqlite:///{path}")
        print(f"open (migrations): {time.perf_counter() - t0:.1f}s")
        try:
            if hasattr(store, "unindexed_documents"):
                t0 = time.perf_counter()
                missing = store.unindexed_documents()
                store.index_terms(missing)
                print(f"indexed {len(missing)} stored documents once: "
                      f"{time.perf_counter() - t0:.1f}s")
            with Session(store.engine) as s:
                ids = list(s.scalars(select(DocumentRow.id).order_by(
                    DocumentRow.published.desc(), DocumentRow.id).limit(args.new)))
            new = store.load_documents(ids)
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if args.trace:
                tracemalloc.start()
            t0 = time.perf_counter()
            got = update._neighbour_docs(store, new)
            took = time.perf_counter() - t0
            near = sum(len(v) for v in got.near.values())
            like = sum(len(v) for v in got.like.values())
            print(f"neighbour search for {len(new)} new documents: {took:.1f}s, "
                  f"{near} in a topic group's reach, {like} most alike")
            if args.trace:
                peak = tracemalloc.get_traced_memory()[1] / 2**20
                print(f"peak Python allocations: {peak:.0f} MiB")
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"peak resident memory: {rss / 1024:.0f} MiB "
                  f"(before the search {rss0 / 1024:.0f})")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
