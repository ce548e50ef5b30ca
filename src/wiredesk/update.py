"""Incremental merge: documents analysed since the last merge join the stored view,
touching only the events they could be part of.

A full merge (``pipeline.merge_store``) clusters every mention of the store again; its
time and memory grow with the store. Here the new documents' mentions are clustered
with the mentions of the stored events they can meet, and only those events are
rebuilt, re-linked and re-grouped into stories:

- each new mention reaches the stored events ``merge``'s blocking would compare it
  with (``reaches``): a mention dated to a week or less, the events of its days and the
  longer events of its months; one dated to a month, the events of its months near its
  town; both only in its country; an undated one, the events at its town in the weeks
  before its document (``UNDATED_BEFORE`` / ``UNDATED_AFTER``), unless the store holds
  so many mentions there that ``merge`` would not link by that place
  (``merge._BUSY_PLACE``);
- an undated mention also reaches the events of stored documents like its own, among
  those published within ``NEIGHBOUR_DAYS`` of it and those of any date that the
  store's term index finds sharing its document's heaviest terms (``FAR_CANDIDATES``
  per document, ``wiredesk.terms``), whose relative similarity to its document could
  put them in one topic group (``_neighbour_docs``, ``NEIGHBOUR_REL``);
- a document analysed again (its inferred date changed) takes the events its old
  mentions were in along, so none keeps a mention that no longer exists.

Event ids go through ``identity.stabilize`` as in a full merge, and reviews that name a
touched event (or that merged one with another) are replayed with the other event
brought into scope. Stories are grouped again (``stories.group``) over the documents
in scope, those published within ``STORY_WEEK`` days of a new one, the stored documents
most like the new ones (of those same documents) and the other documents of their
stories; stories a later batch links are joined, the oldest id surviving and the others
recorded as story aliases. What a scoped merge cannot see: document similarity is
weighed against the documents in scope instead of the whole store, and a stored
document like a new one but neither within ``NEIGHBOUR_DAYS`` nor among its
heaviest-term candidates is missed (``benchmarks/incremental_eval.py`` measures the
gap; ``benchmarks/neighbour_cost.py`` the search's cost). A run that brings many documents
at once (``FULL_SHARE`` of the store or more) merges the whole store instead, which
stays the reference.

A scope's size follows the batch and the density of the news, not the store, but a
long war's coverage makes every report a near relative of dozens of stored ones, each
telling events that gathered hundreds of reports: past set sizes, a scope takes only
the likeliest events of similar documents (``NEIGHBOUR_ALL``, ``NEIGHBOUR_REACH``),
clusters again only a sample of each large event (``SCOPE_ALL``, ``EVENT_SAMPLE``; the
rest ride with it) and regroups a bounded pool of stories (``STORY_POOL``).
``benchmarks/incremental_eval.py --caps`` applies those caps to every batch to measure
what they cost.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wiredesk import identity, link, merge, stories
from wiredesk.identity import mention_key
from wiredesk.models import (
    DateOut,
    Document,
    Event,
    EventMention,
    Evidence,
    Relation,
    Story,
)
from wiredesk.store import PackedEvent, Store, StoryDocRow, ViewChange

if TYPE_CHECKING:
    from wiredesk.review import Review

_log = logging.getLogger(__name__)

# A run whose new documents are at least this share of the analysed store merges it all.
FULL_SHARE = 0.5
# Days before and after an undated mention's publication date whose events at its town
# it may tell.
UNDATED_BEFORE = 62
UNDATED_AFTER = 7
# Days around a new document within which stored documents like it are looked for.
NEIGHBOUR_DAYS = 31
# How many of the events of documents like its own an undated mention brings into scope
# (``_likeliest_near``). Measured on 1,000 stream articles added to 16,000: 8,102 events
# (41,302 mentions, nearly the whole store) came in through 768 documents' undated
# mentions when every event of every such document did; 739 with one each.
NEIGHBOUR_REACH = 1
# Up to this many events, all that the documents like the new ones hold come into scope.
NEIGHBOUR_ALL = 500
# How many of a stored event's mentions a scoped merge clusters again (the first
# published and the latest) once the scope holds more than ``SCOPE_ALL`` stored
# mentions: the most, from ``EVENT_SAMPLE`` down to ``MIN_SAMPLE``, that keeps them
# within ``SCOPE_ALL``; the others ride with the event they were in (``_riders``).
# Measured on 1,000 stream articles added to 16,000: 33,796 stored mentions of 12,241
# documents in scope, against 15,249 of 4,373 when added to 5,000; 12,184 of 6,530 with
# five of each event, and the clustering's memory followed the documents.
EVENT_SAMPLE = 5
MIN_SAMPLE = 2
SCOPE_ALL = 5000
# Relative similarity (see ``_neighbour_docs``) from which a stored document may be in a
# new one's topic group: a fraction of ``merge.GROUP_THRESHOLD``, as average-link groups
# also hold pairs below it.
NEIGHBOUR_REL = 0.25
# Stored documents of any date the term index offers per new document (``terms``):
# their cosine with it is computed with the window's, so that reports months apart
# can share a story and an undated mention's topic group; a bound on the documents the
# search adds, whatever the store's size.
FAR_CANDIDATES = 10
# Up to this many document pairs of a window are all compared; more, only candidates.
_ALL_PAIRS = 200_000
# Days around the new documents within which stories are grouped again.
STORY_WEEK = 7
# The stories of this many stored documents most like a new one (within
# ``NEIGHBOUR_DAYS``, or of any date from the term index) are grouped again with it too.
STORY_NEIGHBOURS = 5
# Of a stored story grouped again, at most this many of its documents beyond those
# days (its latest) join the pool.
STORY_SAMPLE = 10
# At most this many stored documents join the pool of a story regrouping beyond those of
# the events in scope (``_stories``). Measured on 1,000 stream articles added to
# 16,000: 14,116 documents in the pool without it, most of the store (each new one's
# near relatives over the months, and their stories' latest documents).
STORY_POOL = 3000


@dataclass
class MergeOutcome:
    """What ``merge_pending`` did: ``mode`` is "none", "full" or "scoped"."""

    mode: str
    documents: int = 0  # documents merged
    events: int = 0  # events rebuilt (scoped) or built (full)


def merge_pending(store: Store, version: str, *, full: bool = False,
                  apart: bool = False) -> MergeOutcome:
    """Merge the documents waiting in ``store`` into its view: in scope when the store
    already has a view and they are a small part of it, else the whole store (or
    always the whole store with ``full``). Runs under ``Store.exclusive``.

    With ``apart``, the merge runs in a process of its own (``merge_apart``) when
    another process can open the store; an in-memory store merges here, and so does a
    caller holding the store's lock (the other process would wait for it forever)."""
    if apart and store.shareable and not store.locked_here:
        return merge_apart(store, version, full=full)
    from wiredesk import pipeline

    with store.exclusive():
        pending = store.pending(version)
        have_view = store.count(StoryDocRow) > 0
        if not full and not pending and have_view:
            return MergeOutcome("none")
        total = store.analysed(version)
        if full or not have_view or len(pending) >= FULL_SHARE * total:
            result = pipeline.merge_store(store, version, merged_docs=pending)
            return MergeOutcome("full", len(pending), len(result.events))
        try:
            return _scoped(store, version, pending)
        finally:
            release_memory()


def merge_apart(store: Store, version: str, *, full: bool = False) -> MergeOutcome:
    """``merge_pending`` in a fresh Python process, which opens the store itself and
    exits when done.

    A merge builds and drops hundreds of megabytes of small objects; the heap it leaves
    in a long-lived process (an ingest run of many chunks, ``wiredesk watch``) is kept
    in pieces that the next merge, larger with the store, cannot all reuse, so the
    process grew with the store. A merge process hands all of it back when it exits,
    and the analysing process keeps only its own memory (its models and one chunk).
    Costs about 1.1 s of start-up per merge (the imports; spaCy is not one). The process is a new
    interpreter (``-c``), not ``multiprocessing``'s spawn, which would run the caller's
    main script again in it: a script calling ``pipeline.run`` at its top level would
    start its own run there.

    The merge is one transaction: if its process dies (killed, out of memory), its
    documents stay waiting and ``MergeProcessError`` says so; the next run merges them.
    The merge process ignores SIGINT and SIGTERM, which a terminal or a service manager
    sends to the whole process group: this process decides (``wiredesk watch`` lets the
    merge finish; an interrupt here stops it, and nothing of it is kept)."""
    import pickle
    import subprocess
    import sys

    # Nothing waiting: no process to start (every run ends with such a call).
    if not full and not store.pending(version) and store.count(StoryDocRow) > 0:
        return MergeOutcome("none")
    job = pickle.dumps({"url": store.url, "version": version, "full": full,
                        "level": logging.getLogger("wiredesk").getEffectiveLevel(),
                        "path": list(sys.path)})
    proc = subprocess.Popen([sys.executable, "-c", _MERGE_PROCESS], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    try:
        out, _ = proc.communicate(job)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0 or not out:
        raise MergeProcessError(
            f"the merge process stopped before it finished (exit code {proc.returncode}: "
            "killed, out of memory, or failed as its messages above say); the documents "
            "analysed are stored and merge on the next run")
    ok, value = pickle.loads(out)
    if not ok:
        raise value
    outcome: MergeOutcome = value
    return outcome


class MergeProcessError(RuntimeError):
    """The process running a merge (``merge_apart``) died before it finished."""


# The merge process's program: signals first (before the imports take their time), then
# the job from stdin; the outcome goes back on the original stdout, which anything else
# printing finds pointed at stderr.
_MERGE_PROCESS = """
import signal
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_IGN)
import os, pickle, sys
job = pickle.load(sys.stdin.buffer)
sys.path[:] = job["path"]
out = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
from wiredesk.update import _merge_process
out.write(_merge_process(job))
out.close()
"""


def _merge_process(job: dict[str, Any]) -> bytes:
    """What the merge process runs: the store at ``job["url"]`` opened afresh, its
    waiting documents merged; the outcome (or the exception) pickled."""
    import pickle
    import traceback

    level = job["level"]
    if level < logging.WARNING:  # the run asked for details: the merge gives them too
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("wiredesk").setLevel(level)
    try:
        store = Store(job["url"])
        try:
            outcome = merge_pending(store, job["version"], full=job["full"])
        finally:
            store.close()
    except Exception as exc:
        where = traceback.format_exc()
        exc.add_note(f"raised in the merge process:\n{where}")
        try:
            return pickle.dumps((False, exc))
        except Exception:  # an exception that cannot be pickled: its type, text, place
            return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}\n{where}")))
    return pickle.dumps((True, outcome))


def release_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``).

    A scoped merge builds and drops hundreds of megabytes of small objects per phase
    (document profiles, pair scores); glibc keeps the freed pages, so without this the
    process's resident size carries every phase's high-water mark into the next
    (measured: 314 MB kept after the neighbour search of 1,000 documents into 16,000,
    37 MB once trimmed). Elsewhere than glibc it does nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes
    import ctypes.util

    try:
        fn: Callable[[int], int] = ctypes.CDLL(
            ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    return fn


def _month_bounds(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    lo = start.replace(day=1)
    nxt = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return lo, nxt - dt.timedelta(days=1)


def _undated(m: EventMention) -> bool:
    return m.date is None or (m.date.end - m.date.start).days > merge._MAX_BLOCK_DAYS


@dataclass
class Reach:
    """What one new mention can meet in the store, as ``merge``'s blocking compares:
    stored events whose dates meet ``lo``..``hi`` (``short``: its days, and the longer
    events of its months; else its months), in its country, and for a month-dated
    mention placed at a town, near that town. An undated mention (``undated``) meets the
    events at its town in the weeks before its document, and (``neighbours``) those of
    documents like its own."""

    lo: dt.date
    hi: dt.date
    short: bool
    cc: str | None
    lat: float | None
    lon: float | None
    undated: bool = False
    sub: str | None = None  # the mention's ACLED sub-event type
    back: bool = False  # dated well before its document: a passing mention of the past


# Degrees of latitude or longitude within which ``merge`` compares month-dated mentions
# (1-degree cells and their neighbours).
_CELL_DEG = 2.0
# How many of the events a mention meets coarsely it brings into scope: a month-dated
# mention meets every event of its months near its town (or in its country, with no
# town) in ``merge``'s blocking, and a day-dated one every event dated to its month,
# which in a war's country is thousands, each bringing all its mentions to be clustered
# again: the scope would grow with the store's months, not with the new documents. Only
# the events most likely to be the one it tells come in: of its own sub-event type
# first, then the nearest, then those the most reports tell (what a passing "the
# February offensive" names). Measured on 200 stream articles added to 5,000: 2,068 of
# 4,140 events reached before, 1,937 of them through 40 month-dated mentions without a
# town and 676 through 9 with one.
COARSE_REACH = 10
# A day-dated mention more than this many days before its document's publication is a
# passing mention of the past ("the attack of 3 February", in an April report): it too
# brings in only the ``COARSE_REACH`` likeliest events of its days, not every event of
# those days in its country; the news of a batch's own days meets them all. Without it,
# the days a batch looks back on, each a dense block in a war's country, grow in number
# with the store's span.
BACK_DAYS = 7
_NO, _NEAR, _COARSE = 0, 1, 2


def reaches(mentions: Sequence[EventMention], documents: dict[str, Document]) -> list[Reach]:
    """The reach of each mention (those of an undated document without a place reach
    only through similar documents, so they have none here)."""
    out = []
    for m in mentions:
        pl = m.place
        cc = pl.country_code if pl else None
        lat, lon = (pl.lat, pl.lon) if pl is not None and pl.precision <= 2 else (None, None)
        d = m.date
        sub = m.sub_event_type
        doc = documents.get(m.doc_id)
        if d is not None and not _undated(m):
            if (d.end - d.start).days <= merge._SHORT_DAYS:
                back = doc is not None and doc.published is not None and (
                    doc.published - d.end).days > BACK_DAYS
                out.append(Reach(d.start, d.end, True, cc, lat, lon, sub=sub, back=back))
            else:
                lo, hi = _month_bounds(d.start, d.end)
                out.append(Reach(lo, hi, False, cc, lat, lon, sub=sub))
            continue
        if doc is not None and doc.published is not None and lat is not None:
            out.append(Reach(doc.published - dt.timedelta(days=UNDATED_BEFORE),
                             doc.published + dt.timedelta(days=UNDATED_AFTER), False, cc,
                             lat, lon, undated=True, sub=sub))
    return out


def _merged(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    spans.sort()
    out: list[tuple[dt.date, dt.date]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1] + dt.timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _meets(r: Reach, start: dt.date, end: dt.date, cc: str | None,
           lat: float | None, lon: float | None) -> int:
    """Whether the reach meets an event: ``_NEAR`` (its days, or its town's cell),
    ``_COARSE`` (only its months in its country, see ``COARSE_REACH``) or ``_NO``."""
    if r.cc is not None and cc is not None and r.cc != cc:
        return _NO
    placed = near = False
    if r.lat is not None and r.lon is not None and lat is not None and lon is not None:
        placed = True
        near = abs(r.lat - lat) <= _CELL_DEG and abs(r.lon - lon) <= _CELL_DEG
    if r.short:
        if (end - start).days > merge._SHORT_DAYS:  # a long event meets its months' days
            lo, hi = _month_bounds(r.lo, r.hi)
            return _COARSE if start <= hi and lo <= end else _NO
        if start <= r.hi and r.lo <= end:
            return _COARSE if r.back else _NEAR
        return _NO
    if not (start <= r.hi and r.lo <= end):
        return _NO
    if r.undated:
        return _NEAR if near else _NO
    return _NO if placed and not near else _COARSE


def _affected(store: Store, wants: Sequence[Reach]) -> set[str]:
    """The stored events some reach meets (queried by date, filtered by place)."""
    busy: dict[tuple[str | None, int, int], bool] = {}

    def is_busy(r: Reach) -> bool:
        # ``merge`` compares an undated mention with the events of its place only when
        # the place holds at most ``_BUSY_PLACE`` mentions (in its 1-degree cell and the
        # neighbouring ones); the store's count is what the whole-store merge would see.
        assert r.lat is not None and r.lon is not None
        key = (r.cc, round(r.lat), round(r.lon))
        if key not in busy:
            busy[key] = store.mentions_near(r.cc, key[1], key[2], 1.5) > merge._BUSY_PLACE
        return busy[key]

    wants = [r for r in wants if not (r.undated and is_busy(r))]
    pad = dt.timedelta(days=merge._MAX_BLOCK_DAYS)
    spans = []
    for r in wants:
        lo, hi = _month_bounds(r.lo, r.hi) if r.short else (r.lo, r.hi)
        spans.append((lo, hi))
    by_month: dict[int, list[int]] = defaultdict(list)
    for ri, r in enumerate(wants):
        lo, hi = _month_bounds(r.lo, r.hi)
        for k in range(lo.year * 12 + lo.month, hi.year * 12 + hi.month + 1):
            by_month[k].append(ri)
    out: set[str] = set()
    # reach -> event -> (type, lat, lon)
    coarse: dict[int, dict[str, tuple[str | None, float | None, float | None]]] = \
        defaultdict(dict)
    for lo, hi in _merged(spans):
        for eid, start, end, cc, lat, lon, sub in store.events_starting(lo - pad, hi):
            if end < lo or eid in out:
                continue
            a, b = max(start, lo), min(end, hi)
            months = range(a.year * 12 + a.month, b.year * 12 + b.month + 1) if a <= b else ()
            for ri in {ri for k in months for ri in by_month[k]}:
                how = _meets(wants[ri], start, end, cc, lat, lon)
                if how == _NEAR:
                    out.add(eid)
                    break
                if how == _COARSE:
                    coarse[ri][eid] = (sub, lat, lon)
    if coarse:
        size = store.event_sizes({e for got in coarse.values() for e in got})
        for ri, got in coarse.items():
            r = wants[ri]
            ranked = sorted((sub != r.sub, _degrees_apart(r, lat, lon), -size.get(e, 0), e)
                            for e, (sub, lat, lon) in got.items())
            out.update(e for *_, e in ranked[:COARSE_REACH])
    return out


def _degrees_apart(r: Reach, lat: float | None, lon: float | None) -> float:
    """Whole degrees between a reach's town and an event's (99 when either has none)."""
    if r.lat is None or r.lon is None or lat is None or lon is None:
        return 99.0
    return round(max(abs(r.lat - lat), abs(r.lon - lon)))


def _far_candidates(store: Store, new: Sequence[Document]) -> dict[str, list[str]]:
    """For each new document, the ``FAR_CANDIDATES`` stored documents of any date whose
    indexed terms agree most with its heaviest ones (``wiredesk.terms``); documents
    stored before the index are indexed first (once)."""
    from wiredesk import terms

    missing = store.unindexed_documents()
    if missing:
        store.index_terms(missing)
    bags = {d.id: terms.bag(d.text) for d in new}
    df, n = store.term_frequencies({w for b in bags.values() for w in b})
    query = {}
    for x, b in bags.items():
        # A term no other document holds cannot find one.
        vec = {w: v for w, v in terms.weigh(b, df, n).items() if df.get(w, 1) >= 2}
        query[x] = terms.top(vec, terms.QUERY_TERMS, df, terms.MAX_DF)
    found = store.similar_documents(query, FAR_CANDIDATES, exclude=bags)
    return {x: [y for y, _ in got] for x, got in found.items()}


@dataclass
class Neighbours:
    """What the scoped merge needs of the stored documents like each new one: those
    whose relative similarity could put them in its topic group (``near``, at least
    ``NEIGHBOUR_REL``) and the ``STORY_NEIGHBOURS`` most similar (``like``, whose
    stories may take it). Only these are kept: every pair above the floor, held per new
    document, grew to hundreds of megabytes in a war's dense weeks."""

    near: dict[str, dict[str, float]]  # new document -> stored document -> relative sim.
    like: dict[str, list[str]]


def _neighbour_docs(store: Store, new: Sequence[Document]) -> Neighbours:
    """Stored documents like each of these new ones (``Neighbours``), among those
    published within ``NEIGHBOUR_DAYS`` of them (or undated as they are) and those of any
    date the term index finds (``_far_candidates``). Relative similarity is the cosine
    over the geometric mean of each one's best cosine in that pool, as
    ``merge.doc_neighbours`` groups documents by (the whole store could only raise the
    best cosines). Pairs are integer arrays (numpy) from end to end."""
    import numpy as np

    spans = [(d.published - dt.timedelta(days=NEIGHBOUR_DAYS),
              d.published + dt.timedelta(days=NEIGHBOUR_DAYS)) for d in new if d.published]
    window: set[str] = set()
    for lo, hi in _merged(spans):
        window |= store.published_between(lo, hi)
    if any(d.published is None for d in new):
        window |= store.published_between(None, None)  # the other undated documents
    new_ids = {d.id for d in new}
    window -= new_ids
    far = _far_candidates(store, new) if FAR_CANDIDATES else {}
    outside = {y for ys in far.values() for y in ys} - window - new_ids
    out = Neighbours({}, {})
    if not window and not outside:
        return out
    pool = list(new) + store.load_documents(window | outside)
    ids = [d.id for d in pool]
    tf = merge.TfIdf([merge._profile(d.text) for d in pool])
    del pool
    n = len(ids)
    if n * (n - 1) // 2 <= _ALL_PAIRS:
        left, right = np.triu_indices(n, k=1)
    else:  # pairs sharing a rare heavy term, as merge.doc_neighbours starts from
        left, right = tf.candidate_arrays(max(30, int(3 * math.sqrt(n))))
        at = {x: i for i, x in enumerate(ids)}
        extra = [(min(at[x], at[y]), max(at[x], at[y]))
                 for x, ys in far.items() for y in ys if x in at and y in at]
        if extra:
            codes = np.concatenate([left * n + right,
                                    np.asarray([i * n + j for i, j in extra], dtype=np.int64)])
            codes = merge.unique_ints(codes)
            left, right = codes // n, codes % n
    cos = tf.cos_arrays(left, right)
    best = merge.best_similarity(n, left, right, cos, merge.GROUP_FLOOR)
    k = len(new)  # the new documents come first in the pool: pairs (new, stored)
    keep = (left < k) & (right >= k) & (cos > merge.GROUP_FLOOR)
    left, right, cos = left[keep], right[keep], cos[keep]
    rel = cos / np.sqrt(best[left] * best[right])
    got: dict[int, list[tuple[float, str, float]]] = defaultdict(list)
    for i, j, v, r in zip(left.tolist(), right.tolist(), cos.tolist(), rel.tolist(),
                          strict=True):
        got[i].append((-v, ids[j], r))
    for i, row in got.items():
        row.sort()
        out.like[ids[i]] = [y for _, y, _ in row[:STORY_NEIGHBOURS]]
        near = {y: r for _, y, r in row if r >= NEIGHBOUR_REL}
        if near:
            out.near[ids[i]] = near
    return out


def _likeliest_near(store: Store, undated: Sequence[EventMention],
                    near: dict[str, dict[str, float]], members: dict[str, str]) -> set[str]:
    """The stored events undated mentions bring into scope through the documents like
    their own (``near``: new document -> stored document -> relative similarity): all
    their events while they are at most ``NEIGHBOUR_ALL``, else the
    ``NEIGHBOUR_REACH`` likeliest for each mention: of its own sub-event type first, then
    held by the most similar documents (relative similarities summed), then told by the
    most reports; never one of another family (``merge.family_of``). Every event of
    every such document was most of the store in a long war's coverage, where each
    report has dozens of near relatives over the months."""
    events_of: dict[str, set[str]] = defaultdict(set)
    for k, e in members.items():
        events_of[_doc_of(k)].add(e)
    wanted = {e for m in undated for x in near.get(m.doc_id, {}) for e in events_of[x]}
    if len(wanted) <= NEIGHBOUR_ALL:
        return wanted  # as a full merge would compare them
    size = store.event_sizes(wanted)
    kind = store.sub_event_types(wanted)
    votes_of: dict[str, dict[str, float]] = {}  # per new document: its mentions share it
    out: set[str] = set()
    for m in undated:
        votes = votes_of.get(m.doc_id)
        if votes is None:
            votes = votes_of[m.doc_id] = defaultdict(float)
            for x, r in near.get(m.doc_id, {}).items():
                for e in events_of[x]:
                    votes[e] += r
        fam = merge.family_of(m.sub_event_type)
        # an event of another family can never be its event (``merge._can_merge``)
        ranked = sorted((kind.get(e) != m.sub_event_type, -v, -size.get(e, 0), e)
                        for e, v in votes.items()
                        if fam is None or merge.family_of(kind.get(e)) in (fam, None))
        out.update(e for *_, e in ranked[:NEIGHBOUR_REACH])
    return out


def _scoped(store: Store, version: str, pending: list[str]) -> MergeOutcome:
    from wiredesk import pipeline, review

    new = store.load_analyses(pending, version)
    documents = {d.id: d for d, _, _ in new}
    new_mentions = [m for _, ms, _ in new for m in ms]
    aliases = store.event_aliases()
    reviews = review.load_reviews(store)

    kept = [m for m in new_mentions if not merge.is_generic(m, documents)]
    affected = _affected(store, reaches(kept, documents))
    neighbours = _neighbour_docs(store, [d for d, _, _ in new])
    release_memory()
    wide_docs = {m.doc_id for m in kept if _undated(m)}
    # Undated mentions meet the mentions of documents that could be in their document's
    # topic group (see ``NEIGHBOUR_REL``): of the window, and of any date among those
    # the term index offers, as a full merge groups them over the whole store.
    near = {x for d in wide_docs for x in neighbours.near.get(d, ())}
    pending_set = set(pending)
    # The stored mention -> event assignments this merge reads: those of the documents
    # and events in scope, never the whole table.
    members = store.members_of_docs(near | pending_set)
    affected |= _likeliest_near(store, [m for m in kept if _undated(m)], neighbours.near,
                                members)
    # The stories of the stored documents most like each new one may take it.
    # (in rank order: every new document's most alike first, then the second, ...)
    like = list(dict.fromkeys(
        x for r in range(STORY_NEIGHBOURS) for got in neighbours.like.values()
        for x in got[r : r + 1]))
    # A document analysed again brings along the events its old mentions were in.
    stale_keys = {k for k in members if _doc_of(k) in pending_set}
    affected |= {members[k] for k in stale_keys}
    # Reviews that merged a touched event with another need the other one too.
    affected = _with_reviewed(affected, reviews, aliases)
    members.update(store.members_of(affected))

    scope_keys = {k for k, e in members.items() if e in affected} | stale_keys
    old_docs = {_doc_of(k) for k in scope_keys} - pending_set
    members.update(store.members_of_docs(old_docs - near))
    # Their other mentions belong to events outside the scope: context for links and
    # stories, not clustered again.
    old_mentions_of_docs: list[tuple[EventMention, str]] = []
    riding = _riders(store, scope_keys - stale_keys, members)
    riders: dict[str, list[EventMention]] = defaultdict(list)
    # A document only riders come from is not read again: its other mentions are no
    # context for links (the relations it gave are carried, ``_carry_relations``) and it
    # stays with its story. Of a long war's large events, those are most documents in
    # scope; their analyses are streamed, never all held at once.
    read_again = {_doc_of(k) for k in scope_keys if k not in riding}
    def wanted(k: str) -> bool:
        return k in riding or k in scope_keys or (_doc_of(k) in read_again and k in members)

    for d, ms, _ in store.iter_analyses(version, ids=sorted(old_docs), keep=wanted,
                                        entities=False):
        documents[d.id] = d
        again = d.id in read_again
        for m in ms:
            k = mention_key(m)
            if k in riding:
                riders[riding[k]].append(m)
            elif k in scope_keys:
                new_mentions.append(m)
            elif again and k in members:
                old_mentions_of_docs.append((m, members[k]))
    _log.debug("scope: %d new documents, %d stored events, %d mentions clustered, "
               "%d riders, %d stored documents (%d read again), %d context mentions",
               len(pending_set), len(affected), len(new_mentions),
               sum(map(len, riders.values())), len(old_docs), len(read_again & old_docs),
               len(old_mentions_of_docs))

    release_memory()
    built = _with_riders(merge.build_events(new_mentions, documents), riders, members,
                         documents)
    release_memory()
    ident = identity.stabilize(built, members, aliases, store.known_event_ids)
    follow = {r.id: identity.follow(r.event_id, ident.aliases) for r in reviews}
    live_ids = {e.id for e, _ in ident.built}
    mine = [r.model_copy(update={"event_id": follow[r.id]}) for r in reviews
            if review._touches(r, affected | live_ids)
            or follow[r.id] in live_ids]
    final = review.apply_reviews(ident.built, documents, mine) if mine else ident.built
    rebuilt = {e.id for e, _ in final}

    # Context for links and stories: every event with a mention in a document in scope.
    outside = store.load_events({e for _, e in old_mentions_of_docs} - rebuilt, brief=True)
    context: list[tuple[Event, list[EventMention]]] = list(final)
    extra: dict[str, list[EventMention]] = defaultdict(list)
    for m, eid in old_mentions_of_docs:
        if eid in outside:
            extra[eid].append(m)
    context.extend((outside[eid], ms) for eid, ms in extra.items())

    touched = affected | rebuilt
    fresh = [r for r in link.link(context, documents)
             if r.type != "follows" and (r.source in rebuilt or r.target in rebuilt)]
    relations = _carry_relations(store.relations_at(touched), fresh, ident.aliases,
                                 touched - rebuilt,
                                 {x for x in documents if x not in old_docs or x in read_again})
    chain_rel, chain_ids = _chains(store, relations, touched)
    known = {e.id: e for e, _ in context}
    chain_events = dict(known)
    chain_events.update(store.load_events(chain_ids - set(known), brief=True))
    first = {e.id: Evidence(doc_id=e.mentions[0].doc_id, quote=e.mentions[0].quote)
             for e in chain_events.values() if e.mentions}
    first.update({e.id: Evidence(doc_id=ms[0].doc_id, quote=ms[0].quote)
                  for e, ms in context if ms})
    relations += link.follows(chain_rel, [chain_events[i] for i in sorted(chain_ids)
                                          if i in chain_events], first)

    # A document only riders come from stays with its story (``_stories``: of a long
    # story, the latest documents are grouped again and the rest follow them). The
    # stories read only the documents clustered again and their mentions: the riders
    # and the documents only they came from (most of a large store's scope) are let go
    # before the stories are grouped.
    # The events to write are packed, and the stories read light copies of the events
    # and mentions (``stories.Told``): as models, the events and mentions of a large
    # store's scope were most of what the merge held while the stories were grouped.
    events_out = [PackedEvent.of(e) for e, _ in final]
    clustered = {m.doc_id for m in new_mentions}
    story_docs = {x: d for x, d in documents.items() if x in clustered or x in pending_set}
    story_context = [(_for_stories(e), [stories.told(m) for m in ms if m.doc_id in story_docs])
                     for e, ms in context]
    del built, final, context, riders, documents, new_mentions, old_mentions_of_docs
    del extra, outside, known, chain_events
    ident.built = []
    release_memory()
    story_list, removed_stories, story_aliases = _stories(
        store, version, story_docs, story_context, pending_set, like, ident.aliases,
        touched - rebuilt)
    entities = pipeline.merge_entities(
        [store.load_entities({e.id for _, _, es in new for e in es}),
         [e for _, _, es in new for e in es]])
    new_aliases = {k: v for k, v in ident.aliases.items() if aliases.get(k) != v}
    store.update_merged(ViewChange(
        events=events_out,
        relations=relations,
        stories=story_list,
        entities=entities,
        members=ident.members,
        aliases=new_aliases,
        story_aliases=story_aliases,
        removed_events=affected - rebuilt,
        removed_stories=removed_stories,
        removed_members=scope_keys - set(ident.members),
        touched_events=touched,
        chain_events=chain_ids | touched,
        merged_docs=pending_set,
    ))
    return MergeOutcome("scoped", len(pending), len(events_out))


def _riders(store: Store, keys: set[str], members: dict[str, str]) -> dict[str, str]:
    """Of the stored mentions in scope (``keys``), those not clustered again: when they
    are more than ``SCOPE_ALL``, the mentions of a large stored event beyond its first-
    and last-published ride with it (mention key -> its event), as many clustered per
    event as keeps the scope within ``SCOPE_ALL`` (``_sample_size``). An event a long
    story keeps retelling gathers hundreds of reports, and clustering them all again
    for every new one made the scope grow with the store."""
    if len(keys) <= SCOPE_ALL:
        return {}  # all clustered again, as a full merge would
    by_event: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        by_event[members[k]].append(k)
    keep = _sample_size([len(ks) for ks in by_event.values()])
    large = {e: ks for e, ks in by_event.items() if len(ks) > keep}
    if not large:
        return {}
    published = store.published_of({_doc_of(k) for ks in large.values() for k in ks})
    out: dict[str, str] = {}
    for e, ks in large.items():
        ks.sort(key=lambda k: (published.get(_doc_of(k)) or dt.date.max, _doc_of(k),
                               *map(int, k.rsplit(":", 2)[1:])))
        # the first stays (the event's id comes from it), and the latest reports
        for k in ks[1 : len(ks) - keep + 1]:
            out[k] = e
    return out


def _sample_size(sizes: Sequence[int]) -> int:
    """How many mentions of each stored event to cluster again: the most, from
    ``EVENT_SAMPLE`` down to ``MIN_SAMPLE``, whose total stays within ``SCOPE_ALL``.
    A fixed sample let the scope grow with the number of large events a batch meets,
    which grows with the store. Measured on 1,000 stream articles (their mentions
    counted too): added to 16,000, 12,547 mentions clustered, from 5,016 stored
    documents, with five of each event, 8,061 from 3,040 with this; added to 6,000,
    11,192 from 3,412, and 7,522 from 2,289."""
    for k in range(EVENT_SAMPLE, MIN_SAMPLE, -1):
        if sum(min(n, k) for n in sizes) <= SCOPE_ALL:
            return k
    return MIN_SAMPLE


def _with_riders(built: list[tuple[Event, list[EventMention]]],
                 riders: dict[str, list[EventMention]], members: dict[str, str],
                 documents: dict[str, Document]) -> list[tuple[Event, list[EventMention]]]:
    """``built`` with each large stored event's riders (``_riders``) joined to the event
    that took most of its clustered mentions (on a tie, the one that took the first
    published, whose id it had), and that event assembled again. An heir whose dates
    exclude the riders' is no heir: a passing mention sampled from a large event can be
    clustered with a later event of its kind, and its event's hundreds of reports must
    not follow it there; with no heir the riders stay one event."""
    if not riders:
        return built
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    first: dict[str, tuple[dt.date, str, int, int]] = {}
    for n, (_, ms) in enumerate(built):
        for m in ms:
            old = members.get(mention_key(m))
            if old in riders:
                votes[old][n] += 2
                at = (merge._published(documents, m.doc_id), m.doc_id, m.start, n)
                first[old] = min(first.get(old, at), at)
    for old, at in first.items():
        votes[old][at[3]] += 1  # the tie-break: the first published one's event
    extra: dict[int, list[EventMention]] = defaultdict(list)
    out = list(built)
    for old, ms in riders.items():
        when = merge._date(ms)
        heirs = [(n, v) for n, v in votes[old].items() if _dates_meet(when, built[n][0].date)]
        if heirs:
            heir = min(heirs, key=lambda kv: (-kv[1], kv[0]))[0]
            extra[heir].extend(ms)
        else:  # none of its clustered mentions makes a fitting event now: they stay one
            out.append((merge.assemble(ms, documents), ms))
    for n, ms in extra.items():
        joined = out[n][1] + ms
        out[n] = (merge.assemble(joined, documents), joined)
    out.sort(key=merge.event_order)
    return out


def _dates_meet(a: DateOut | None, b: DateOut | None) -> bool:
    return a is None or b is None or (a.start <= b.end and b.start <= a.end)


def _doc_of(key: str) -> str:
    return key.split(":", 1)[0]


def _with_reviewed(affected: set[str], reviews: Sequence[Review], aliases: dict[str, str]
                   ) -> set[str]:
    from wiredesk.review import MergeEvents

    out = set(affected)
    changed = True
    while changed:
        changed = False
        for r in reviews:
            act = r.parsed()
            ids = {identity.follow(r.event_id, aliases)}
            if isinstance(act, MergeEvents):
                ids.add(identity.follow(act.other, aliases))
            if ids & out and not ids <= out:
                out |= ids
                changed = True
    return out


def _carry_relations(
    stored: Sequence[Relation], fresh: Sequence[Relation], aliases: dict[str, str],
    gone: set[str], in_scope: set[str],
) -> list[Relation]:
    """Fresh relations, plus the stored ones at touched events that documents outside
    the scope gave (re-pointed at the events that absorbed theirs), evidence united.
    What documents in scope said was read again: their old evidence is dropped."""
    out: dict[tuple[str, str], Relation] = {}
    for r in stored:
        if r.type == "follows":
            continue
        src, tgt = identity.follow(r.source, aliases), identity.follow(r.target, aliases)
        evidence = [e for e in r.evidence if e.doc_id not in in_scope]
        if src == tgt or src in gone or tgt in gone or not evidence:
            continue
        out[(src, tgt)] = r.model_copy(update={"source": src, "target": tgt,
                                               "evidence": evidence})
    for r in fresh:
        old = out.get((r.source, r.target))
        if old is None:
            if (r.target, r.source) not in out:  # never both directions
                out[(r.source, r.target)] = r
            continue
        ev = list(r.evidence) + [e for e in old.evidence if e not in r.evidence]
        out[(r.source, r.target)] = r.model_copy(update={"evidence": ev})
    return list(out.values())


def _chains(store: Store, fresh: Sequence[Relation], touched: set[str]
            ) -> tuple[list[Relation], set[str]]:
    """The causal relations of every chain that holds a touched event (stored ones that
    stay, and the fresh ones), and the events of those chains."""
    rels = [(r.source, r.target) for r in fresh]
    rels += [(a, b) for a, b, _t in store.causal_relations()
             if a not in touched and b not in touched]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in rels:
        parent[find(a)] = find(b)
    roots = {find(x) for x in touched if x in parent}
    ids = {x for x in parent if find(x) in roots}
    chain = [Relation(source=a, target=b, type="caused_by", evidence=[])
             for a, b in rels if a in ids]
    return chain, ids


def _for_stories(e: Event) -> Event:
    """``e`` with what the stories read of it (dates, kind, place, first mention)."""
    return e.model_copy(update={"mentions": e.mentions[:1], "figures": {}, "categories": {},
                                "actors": [], "weapons": []})


def _stories(
    store: Store,
    version: str,
    documents: dict[str, Document],
    context: Sequence[tuple[Event, list[stories.Told]]],
    new_docs: set[str],
    like: Sequence[str],
    aliases: dict[str, str],
    gone: set[str],
) -> tuple[list[Story], set[str], dict[str, str]]:
    """The stories near the new documents, grouped again.

    The pool is the documents in scope, those published within ``STORY_WEEK`` days of a
    new one, the stored documents ``like`` them (``STORY_NEIGHBOURS`` per new document:
    reports of one story can be weeks or years apart), and the other documents of their stories
    (up to ``STORY_SAMPLE`` of each, the latest, beyond those); ``stories.group`` groups
    it as a full merge would. Each stored story goes to the
    group holding most of its documents in the pool (its heir); a group heir to several
    stories joins them under the oldest one's id (the one whose documents were stored
    first), the others becoming aliases of it, so stories formed in different batches
    join once a later batch links them. A group heir to none gets a new id; a story's
    documents left out of the pool go with it to its heir. Returns the stories written,
    the stored ones removed and the story aliases recorded."""
    pool = dict(documents)
    spans = [(d.published - dt.timedelta(days=STORY_WEEK),
              d.published + dt.timedelta(days=STORY_WEEK))
             for d in documents.values() if d.id in new_docs and d.published]
    window: set[str] = set()
    for lo, hi in _merged(spans):
        window |= store.published_between(lo, hi)
    # At most ``STORY_POOL`` stored documents beyond those in scope: the days around
    # the new ones first, then those most like them (by rank), then the other documents
    # of their stories (the latest first); the rest follow their stories.
    room = max(0, STORY_POOL - len(window - set(pool)))
    window.update([x for x in like if x not in pool and x not in window][:room])
    # Stories are grouped again with their documents, so that a document that joins a
    # later story does not drag along the earlier documents of its own; of a long story,
    # its latest documents stand for the rest (which follow them to their heir), so the
    # pool does not grow with the store.
    old = store.stories_of(window | set(pool))
    outside = {sid: [x for x in st.doc_ids if x not in window and x not in pool]
               for sid, st in old.items()}
    long = {x for xs in outside.values() if len(xs) > 1 for x in xs}
    published = store.published_of(long) if long else {}
    latest = [sorted(xs, key=lambda x: (published.get(x) or dt.date.min, x),
                     reverse=True)[:STORY_SAMPLE] for _, xs in sorted(outside.items())]
    room = max(0, STORY_POOL - len(window - set(pool)))
    extra = list(dict.fromkeys(x for r in range(STORY_SAMPLE) for xs in latest
                               for x in xs[r : r + 1]))
    window.update(extra[:room])
    _log.debug("stories: %d documents in scope, %d more in the pool", len(pool),
               len(window - set(pool)))
    members = store.members_of_docs(window - set(pool))
    events = {e.id: e for e, _ in context}
    by_event: dict[str, list[stories.Told]] = defaultdict(list)
    for e, told in context:
        by_event[e.id].extend(told)
    # The documents outside the scope tell stored events this merge did not touch.
    untouched: set[str] = set()
    for doc, ms, _ in store.iter_analyses(version, ids=sorted(window - set(pool)),
                                          keep=members.__contains__, entities=False):
        pool[doc.id] = doc
        for m in ms:
            eid = members.get(mention_key(m))
            if eid is not None:
                by_event[eid].append(stories.told(m))
                untouched.add(eid)
    events.update(store.load_events(untouched - set(events), brief=True))
    by_event = {k: v for k, v in by_event.items() if k in events}
    docs = [pool[x] for x in sorted(pool)]
    ev_list = list(events.values())
    groups = stories.group(docs, ev_list, by_event)
    mains = dict(zip(sorted(pool), stories.main_events(docs, ev_list, by_event), strict=True))

    def live(eid: str) -> str | None:
        eid = identity.follow(eid, aliases)
        return None if eid in gone else eid

    votes_of = [Counter(m for m in (mains[x] for x in g.doc_ids) if m is not None)
                for g in groups]
    heir = _heirs(store, old, groups, votes_of, live)
    age = store.story_ages(old)
    claims: dict[int, list[str]] = defaultdict(list)  # group -> its stories, oldest first
    for sid in sorted(heir, key=lambda x: (age.get(x, _FAR), x)):
        claims[heir[sid]].append(sid)

    far = {x for st in old.values() for x in st.doc_ids if x not in pool}
    events_of_doc: dict[str, set[str]] = defaultdict(set)
    for eid, tells in by_event.items():
        for t in tells:
            events_of_doc[t.doc_id].add(eid)
    if far:  # documents of a story left out of the pool, or found by its main event
        for key, eid in store.members_of_docs(far).items():
            events_of_doc[_doc_of(key)].add(eid)
    new_aliases: dict[str, str] = {}
    taken: set[str] = set()
    out: list[Story] = []
    for k, g in enumerate(groups):
        doc_ids = list(g.doc_ids)
        votes = Counter(votes_of[k])
        mine = claims.get(k, [])
        for sid in mine:
            outer = [x for x in old[sid].doc_ids if x not in pool]
            doc_ids += outer
            main = live(old[sid].event_ids[0]) if outer and old[sid].event_ids else None
            if main is not None:
                votes[main] += len(outer)
        main_id = votes.most_common(1)[0][0] if votes else None
        if mine:
            sid = mine[0]
            new_aliases.update((other, sid) for other in mine[1:])
        else:
            key = main_id or min(doc_ids)
            sid, salt = stories.story_id(key), 0
            # A new id must not be one another story has, or had.
            while sid in taken or sid in old or store.known_story_ids({sid}):
                salt += 1
                sid = stories.story_id(f"{key}:{salt}")
        taken.add(sid)
        if main_id is not None and main_id not in events:
            events.update(store.load_events([main_id], brief=True))
        main_ev = events.get(main_id) if main_id else None
        evs: set[str] = set()
        for x in doc_ids:
            evs |= {e for e in map(live, events_of_doc.get(x, ())) if e}
        ordered = sorted(evs - {main_id}) if main_id else sorted(evs)
        if main_ev is not None:
            ordered.insert(0, main_ev.id)
        out.append(Story(id=sid, title=stories._title(main_ev, [pool[x] for x in g.doc_ids]),
                         doc_ids=list(dict.fromkeys(doc_ids)), event_ids=ordered))
    return out, set(old) - taken, new_aliases


def _heirs(
    store: Store, old: dict[str, Story], groups: Sequence[Story],
    votes_of: Sequence[Counter[str]], live: Callable[[str], str | None],
) -> dict[str, int]:
    """The group each stored story goes to: the one holding most of its documents (the
    larger on a tie). The stored story of a group's main event goes to that group even
    with no document in the pool (documents with one main event share a story); it is
    added to ``old``."""
    by_main = {v.most_common(1)[0][0]: k for k, v in enumerate(votes_of) if v}
    heir: dict[str, int] = {}
    wanted = {stories.story_id(m) for m in by_main} - set(old)
    for sid, st in store.load_stories(wanted).items():
        main = live(st.event_ids[0]) if st.event_ids else None
        if main is not None and main in by_main:
            old[sid] = st
            heir[sid] = by_main[main]
    group_of = {x: k for k, g in enumerate(groups) for x in g.doc_ids}
    for sid, st in list(old.items()):
        if sid in heir:
            continue
        counts = Counter(group_of[x] for x in st.doc_ids if x in group_of)
        if not counts:  # none of its documents has an analysis of this version: left be
            del old[sid]
            continue
        heir[sid] = max(counts, key=lambda k: (counts[k], len(groups[k].doc_ids), -k))
    return heir


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
