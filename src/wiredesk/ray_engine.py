"""The per-document stages on a Ray cluster (``wiredesk run --engine ray``), with Ray Data.

Documents go out as a dataset of JSON rows, ``map_batches`` runs cleaning/dating
(``prepare``) or the NLP stages (nlp, time, places, actors, mentions) on the workers,
and the results come back as JSON and are validated into the same pydantic models the
local ``Analyzer`` yields, re-associated with their documents by position. Merging stays
on the driver. A document that fails is reported through ``on_error``; the rest go on.

The spaCy pipeline with its gazetteer EntityRuler takes seconds to build, far more than
a batch takes to analyse, so it is built once per worker *process* (``_worker_state``)
rather than once per Ray Data operator: map tasks run in Ray's pooled worker processes,
which outlive one dataset, so a run that analyses its input chunk by chunk builds the
pipeline once per worker, not once per chunk (an actor pool would be torn down and
rebuilt with every chunk's dataset).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from wiredesk.models import Document, Entity, EventMention, RawArticle

if TYPE_CHECKING:
    from wiredesk.pipeline import Analyzer, Options, Progress, _Analysis

#: Environment variables that change what a worker computes (model, gazetteer cache,
#: extra places); they are copied into every worker's environment.
ENV_PREFIX = "WIREDESK_"

#: Object store of a local instance: rows are a few kB of JSON, so a small store is
#: plenty, and the machine's shared memory is left to others.
_LOCAL_OBJECT_STORE = 200 * 1024 * 1024

#: Documents per Ray task (at least; ``Options.batch_size`` if larger). Blocks of 32 were
#: tried to shorten the tail of a chunk: analysis alone ran slower (1.21x/1.52x against
#: 1.76x over one process at 500 articles), so a task's overhead is not negligible.
RAY_BATCH = 64

_init_lock = threading.Lock()


class _Payload(BaseModel):
    """What a worker sends back for one document."""

    mentions: list[EventMention]
    entities: list[Entity]


class RemoteError(Exception):
    """A document's analysis raised on a worker; the class is renamed after the
    original exception so that error messages read as they do with the local engine."""

    remote_traceback: str = ""


@lru_cache(maxsize=64)
def _remote_error_class(name: str) -> type[RemoteError]:
    return type(name, (RemoteError,), {"__module__": __name__})


def remote_error(type_name: str, message: str, traceback: str = "") -> RemoteError:
    """An exception standing for one raised on a worker, named like the original."""
    exc = _remote_error_class(type_name or "Exception")(message)
    exc.remote_traceback = traceback
    return exc


def worker_env() -> dict[str, str]:
    """The ``WIREDESK_*`` variables of this process, for the workers' environment."""
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}


def _quiet_ray_data() -> None:
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    # Ray Data announces disabled progress bars and the like as warnings: not news.
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


def ensure_ray(address: str | None = None, num_cpus: int = 1) -> bool:
    """Connect to the Ray cluster at ``address``, or start a local instance with
    ``num_cpus`` CPUs (no dashboard, no usage reporting, quiet). Does nothing if Ray is
    already initialised in this process. Returns True when this call started Ray."""
    import ray

    with _init_lock:
        if ray.is_initialized():
            _quiet_ray_data()
            return False
        # Ray's anonymous usage report would phone home; nothing leaves the machine.
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        common: dict[str, Any] = {
            "include_dashboard": False,
            "logging_level": logging.ERROR,
            "log_to_driver": False,
            "runtime_env": {"env_vars": worker_env()},
        }
        if address:
            ray.init(address=address, **common)
        else:
            ray.init(num_cpus=max(1, num_cpus), object_store_memory=_LOCAL_OBJECT_STORE,
                     **common)
        _quiet_ray_data()
        return True


# ---- worker side -------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _worker_state(model: str | None, actors_file: str | None, batch_size: int) -> Analyzer:
    """The local ``Analyzer`` of this worker process, built on first use and kept."""
    from wiredesk.pipeline import Analyzer, Options

    return Analyzer(Options(model=model, batch_size=batch_size, n_process=1,
                            actors_file=Path(actors_file) if actors_file else None))


def _error_row(exc: BaseException) -> tuple[str, str, str]:
    import traceback

    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return type(exc).__name__, str(exc), tb


def analyze_batch(batch: dict[str, Any], *, model: str | None, actors_file: str | None,
                  batch_size: int) -> dict[str, list[Any]]:
    """Ray Data UDF: rows ``i`` (position) and ``doc`` (Document JSON) in, rows ``i``,
    ``payload`` (``_Payload`` JSON, empty on failure) and ``error*`` out."""
    analyzer = _worker_state(model, actors_file, batch_size)
    positions = [int(i) for i in batch["i"]]
    docs = [Document.model_validate_json(s) for s in batch["doc"]]
    failed: dict[str, BaseException] = {}
    done: dict[str, _Payload] = {}

    def on_error(doc: Document, exc: Exception) -> None:
        failed[doc.id] = exc

    try:  # the Analyzer resolves actors document by document, as on the local engine
        for an in analyzer.analyze(docs, on_error):
            done[an.doc.id] = _Payload(mentions=an.mentions, entities=an.entities)
    except Exception as exc:  # the parse of the batch itself failed: every doc reports it
        for d in docs:
            if d.id not in done:
                failed.setdefault(d.id, exc)
    out: dict[str, list[Any]] = {"i": [], "payload": [], "error_type": [], "error": [],
                                 "traceback": []}
    for pos, d in zip(positions, docs, strict=True):
        out["i"].append(pos)
        if d.id in done:
            out["payload"].append(done[d.id].model_dump_json())
            out["error_type"].append("")
            out["error"].append("")
            out["traceback"].append("")
        else:
            err = failed.get(d.id) or RuntimeError("no analysis returned")
            name, msg, tb = _error_row(err)
            out["payload"].append("")
            out["error_type"].append(name)
            out["error"].append(msg)
            out["traceback"].append(tb)
    return out


def prepare_batch(batch: dict[str, Any]) -> dict[str, list[Any]]:
    """Ray Data UDF: ``RawArticle`` JSON rows in, cleaned and dated ``Document`` JSON out
    (``pipeline.prepare``), or the error of the article that could not be prepared."""
    from wiredesk.pipeline import prepare

    out: dict[str, list[Any]] = {"i": [], "doc": [], "error_type": [], "error": [],
                                 "traceback": []}
    for pos, raw_json in zip(batch["i"], batch["raw"], strict=True):
        out["i"].append(int(pos))
        try:
            doc = prepare(RawArticle.model_validate_json(raw_json))
            out["doc"].append(doc.model_dump_json())
            out["error_type"].append("")
            out["error"].append("")
            out["traceback"].append("")
        except Exception as exc:  # one bad article must not stop the batch
            name, msg, tb = _error_row(exc)
            out["doc"].append("")
            out["error_type"].append(name)
            out["error"].append(msg)
            out["traceback"].append(tb)
    return out


# ---- driver side -------------------------------------------------------------------------

class RayAnalyzer:
    """``DocumentAnalyzer`` running the per-document stages on Ray workers.

    Connects to ``options.address`` when given, else starts a local Ray instance with
    ``options.n_process`` CPUs. Yields the same ``_Analysis`` as the local ``Analyzer``,
    in the order of the documents given.
    """

    def __init__(self, options: Options | None = None) -> None:
        import ray

        from wiredesk.pipeline import Options

        self.options = options or Options()
        self._started = ensure_ray(self.options.address, self.options.n_process)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        # On a cluster every CPU works; a local instance has exactly n_process of them.
        self.workers = max(1, cpus if self.options.address else
                           min(cpus, self.options.n_process))
        env = worker_env()
        self._runtime_env: dict[str, Any] | None = {"env_vars": env} if env else None

    def close(self) -> None:
        """Shut down the local Ray instance if this analyzer started it."""
        import ray

        if self._started and ray.is_initialized():
            ray.shutdown()
        self._started = False

    def _map(self, rows: list[dict[str, Any]], fn: Callable[..., dict[str, list[Any]]],
             fn_kwargs: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Run ``fn`` over ``rows`` in batches on the workers; yield the output rows."""
        return self._start(rows, fn, fn_kwargs)

    def _start(self, rows: list[dict[str, Any]], fn: Callable[..., dict[str, list[Any]]],
               fn_kwargs: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """``_map``, set going now: a thread of the driver pulls the output batches as
        the workers finish them, so the workers analyse while the caller does other
        work (merging the previous chunk) before it reads the rows."""
        got: queue.Queue[dict[str, Any] | BaseException | None] = queue.Queue()
        dropped = threading.Event()  # the reader gave up (an interrupted run)

        def pull() -> None:
            try:
                for out in self._batches(rows, fn, fn_kwargs or {}):
                    if dropped.is_set():  # leaving the loop stops the dataset's tasks
                        break
                    got.put(out)
                got.put(None)
            except BaseException as exc:  # handed to the reader, which raises it
                got.put(exc)

        threading.Thread(target=pull, name="wiredesk-ray-pull", daemon=True).start()

        def read() -> Iterator[dict[str, Any]]:
            try:
                while (out := got.get()) is not None:
                    if isinstance(out, BaseException):
                        raise out
                    cols = list(out)
                    for k in range(len(out["i"])):
                        yield {c: out[c][k] for c in cols}
            finally:
                dropped.set()

        return read()

    def _batches(self, rows: list[dict[str, Any]], fn: Callable[..., dict[str, list[Any]]],
                 fn_kwargs: dict[str, Any]) -> Iterator[dict[str, Any]]:
        import ray.data

        # Blocks of about RAY_BATCH rows (spaCy still parses batch_size texts at a time
        # inside), at least two per worker, so that no worker idles long at the end.
        size = max(self.options.batch_size, RAY_BATCH)
        size = max(1, min(size, -(-len(rows) // (2 * self.workers))))
        blocks = max(1, -(-len(rows) // size))
        ds = ray.data.from_items(rows, override_num_blocks=blocks)
        mapped = ds.map_batches(
            fn, batch_size=None, batch_format="numpy", fn_kwargs=fn_kwargs,
            compute=ray.data.TaskPoolStrategy(size=self.workers), num_cpus=1,
            runtime_env=self._runtime_env,
        )
        yield from mapped.iter_batches(batch_size=None, batch_format="numpy")

    def analyze(
        self,
        docs: Sequence[Document],
        on_error: Callable[[Document, Exception], None],
        progress: Progress | None = None,
    ) -> Iterable[_Analysis]:
        """Yield each document's mentions and entities, in input order; a failure
        (raised on a worker, or a lost worker) skips only the documents it concerns."""
        if not docs:
            return iter(())
        rows = [{"i": i, "doc": d.model_dump_json()} for i, d in enumerate(docs)]
        kwargs = {
            "model": self.options.model,
            "actors_file": str(self.options.actors_file) if self.options.actors_file else None,
            "batch_size": self.options.batch_size,
        }
        # Started now, read when the caller iterates (it may merge meanwhile).
        return self._in_order(docs, self._start(rows, analyze_batch, kwargs), on_error,
                              progress)

    def _in_order(
        self,
        docs: Sequence[Document],
        stream: Iterator[dict[str, Any]],
        on_error: Callable[[Document, Exception], None],
        progress: Progress | None,
    ) -> Iterator[_Analysis]:
        from wiredesk.pipeline import _Analysis

        ready: dict[int, _Analysis | None] = {}
        nxt = 0
        try:
            for row in stream:
                pos = int(row["i"])
                doc = docs[pos]
                if row["error_type"]:
                    on_error(doc, remote_error(str(row["error_type"]), str(row["error"]),
                                               str(row["traceback"])))
                    ready[pos] = None
                else:
                    got = _Payload.model_validate_json(str(row["payload"]))
                    ready[pos] = _Analysis(doc, got.mentions, got.entities)
                if progress:
                    progress.advance()
                # Ray may finish batches out of order; hand results on in input order.
                while nxt in ready:
                    an = ready.pop(nxt)
                    nxt += 1
                    if an is not None:
                        yield an
        except Exception as exc:  # the cluster failed: the documents not done report it
            for pos in range(nxt, len(docs)):
                if pos not in ready:
                    on_error(docs[pos], exc)
                    if progress:
                        progress.advance()
        for pos in sorted(ready):
            an = ready[pos]
            if an is not None:
                yield an

    def prepare(
        self,
        raws: Sequence[RawArticle],
        on_error: Callable[[RawArticle, Exception], None],
    ) -> list[Document]:
        """``pipeline.prepare`` (cleaning and dating) of each article on the workers, in
        input order; an article that cannot be prepared is reported and skipped."""
        if not raws:
            return []
        rows = [{"i": i, "raw": r.model_dump_json()} for i, r in enumerate(raws)]
        got: dict[int, Document] = {}
        reported: set[int] = set()
        try:
            for row in self._map(rows, prepare_batch):
                pos = int(row["i"])
                if row["error_type"]:
                    reported.add(pos)
                    on_error(raws[pos], remote_error(str(row["error_type"]),
                                                     str(row["error"]), str(row["traceback"])))
                else:
                    got[pos] = Document.model_validate_json(str(row["doc"]))
        except Exception as exc:
            for pos, r in enumerate(raws):
                if pos not in got and pos not in reported:
                    on_error(r, exc)
        return [got[p] for p in sorted(got)]
