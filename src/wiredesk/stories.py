"""Stories: each document belongs to exactly one story, the story of its main event.

A document's main event is the event it tells most and earliest (background mentions,
and events dated well before the document, count little). Documents with the same main
event share a story; the others join by text similarity (average-link on TF-IDF cosine
relative to each document's nearest neighbour, names weighted up, dates close), except
that two groups whose principal events are dated apart stay apart.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from wiredesk.merge import PerCluster, TfIdf, agglomerate, best_similarity
from wiredesk.models import Document, Event, Story

# Threshold on the relative similarity (see ``relative``). On the news-cluster corpus
# B3 stays >= 0.94 for thresholds from 0.2 to 0.5; the absolute cosine it replaced was
# best at 0.08 and lost 0.03 to 0.05 at 0.06 or 0.10.
STORY_THRESHOLD = 0.3
# Two groups of documents whose principal events (see ``group``) are dated, to the day
# or week, on days that do not meet never share a story: without that rule the seeds'
# Taji attacks of 11 and 14 March and the US strikes of 13 March become one story, their
# reports reading alike. Different main events are no evidence otherwise: the merge
# leaves many reports of one event apart (misdated, differently typed), and on the
# news-cluster corpus a penalty on such pairs (0.2 off the relative similarity) only
# cost B3 F1 (0.938 with it, 0.952 without, grouped with the pipeline's events).
# An event whose dates end more than this many days before a document was published is
# not that document's news: its mentions there count as background when picking the
# main event (a report on a new-year security plan recalling an attack two years ago).
STALE_DAYS = 30
# Nearest-neighbour similarity below which a document counts as having no close story.
_REL_FLOOR = 0.1
# Pairs whose relative similarity is below this are left out of the grouping (as if
# unscored): against STORY_THRESHOLD (0.3) they only dilute averages, and they were 72%
# of the 2.3 million candidate pairs of 6,000 stream reports. Story B3 on news_cluster
# (whole, and either half, with events) is the same with them and without.
_PAIR_FLOOR = 0.1
# Pairs handled at once by the story grouping's array arithmetic.
_CHUNK = 1_000_000
# Scored pairs made Python numbers at once, for ``agglomerate``.
_TO_PYTHON = 1 << 16
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


class Telling(Protocol):
    """What the stories read of an event mention: an ``EventMention``, or a ``Told``."""

    @property
    def doc_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def background(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Told:
    """An event mention as the stories read it: a large store's merge hands thousands of
    them to the story grouping, and a whole ``EventMention`` (quote, trigger, figures,
    actors) weighs some kilobytes where these three fields weigh a hundred bytes."""

    doc_id: str
    start: int
    background: bool


def told(m: Telling) -> Told:
    """``m`` as the stories read it."""
    return Told(m.doc_id, m.start, m.background)


def story_id(key: str) -> str:
    """The id of the story keyed by its main event's id (or, with none, by its first
    document's id): the same story gets the same id in every run."""
    return "st_" + hashlib.sha1(key.encode()).hexdigest()[:12]


def main_event(
    doc: Document, events: Sequence[Event], mentions_by_event: Mapping[str, Sequence[Telling]]
) -> str | None:
    """Id of the event the document tells most, and earliest; None if it tells none."""
    return main_events([doc], events, mentions_by_event)[0]


def main_events(
    documents: Sequence[Document], events: Sequence[Event],
    mentions_by_event: Mapping[str, Sequence[Telling]],
) -> list[str | None]:
    """``main_event`` of each document, in one pass over the mentions (per document over
    every event would be quadratic in a large store)."""
    return [e for e, _ in weighted_main_events(documents, events, mentions_by_event)]


def weighted_main_events(
    documents: Sequence[Document], events: Sequence[Event],
    mentions_by_event: Mapping[str, Sequence[Telling]],
) -> list[tuple[str | None, float]]:
    """Each document's main event and how central it is to the document: its share
    (0 to 1) of the weight of all the events the document tells."""
    pos = {d.id: k for k, d in enumerate(documents)}
    length = [max(len(d.text), 1) for d in documents]
    scores: list[dict[int, float]] = [{} for _ in documents]
    for e_idx, ev in enumerate(events):
        for m in mentions_by_event.get(ev.id, []):
            k = pos.get(m.doc_id)
            if k is None:
                continue
            w = 0.2 if m.background or _stale(ev, documents[k]) else 1.0
            # The lead tells the news: a mention in the first third counts up to 3 times.
            got = scores[k]
            got[e_idx] = got.get(e_idx, 0.0) + w * (
                1.0 + 2.0 * max(0.0, 1.0 - 3.0 * m.start / length[k]))
    out: list[tuple[str | None, float]] = []
    for got in scores:
        best, score = None, 0.0
        for e_idx in sorted(got):  # ties go to the earlier event
            if got[e_idx] > score:
                best, score = events[e_idx].id, got[e_idx]
        out.append((best, score / sum(got.values()) if got else 0.0))
    return out


def _stale(ev: Event, doc: Document) -> bool:
    """True when the event ended more than ``STALE_DAYS`` before the document's day."""
    return (ev.date is not None and doc.published is not None
            and (doc.published - ev.date.end).days > STALE_DAYS)


def _profile(doc: Document) -> str:
    # Title twice: it names the story; names (capitalized runs) once more.
    title = doc.title or ""
    names = " ".join(_NAME.findall(doc.text))
    return f"{title} {title} {doc.text} {names}"


def text_similarities(documents: Sequence[Document]) -> dict[tuple[int, int], float]:
    """Pairwise TF-IDF cosine of documents sharing a rare term, damped by date distance."""
    left, right, sims = _similarity_arrays(documents)
    return dict(zip(zip(left.tolist(), right.tolist(), strict=True), sims.tolist(),
                    strict=True))


def _similarity_arrays(documents: Sequence[Document]) -> tuple[Any, Any, Any]:
    """``text_similarities`` as three arrays (first index, second index, similarity): a
    pool of thousands of reports, many of them near-copies, holds millions of pairs,
    which as a dict of tuples cost ~10 times the memory."""
    import numpy as np

    tf = TfIdf([_profile(d) for d in documents])
    max_df = max(30, int(3 * math.sqrt(len(documents))))
    left, right = tf.candidate_arrays(max_df, top=40)
    sims = tf.cos_arrays(left, right)
    day = np.asarray([d.published.toordinal() if d.published is not None else -1
                      for d in documents], dtype=np.int64)
    # a chunk of pairs at a time: millions of pairs, and a handful of arrays for each
    for k in range(0, len(sims), _CHUNK):
        a, b = day[left[k : k + _CHUNK]], day[right[k : k + _CHUNK]]
        gap = np.abs(a - b)
        damp = np.where(gap <= 7, 1.0, np.maximum(0.3, 1.0 - (gap - 7) / 60))
        part = sims[k : k + _CHUNK]
        sims[k : k + _CHUNK] = np.where((a >= 0) & (b >= 0), part * damp, part)
    return left, right, sims


def relative(
    scores: dict[tuple[int, int], float], n: int, floor: float = _REL_FLOOR
) -> dict[tuple[int, int], float]:
    """Each pair's similarity over the geometric mean of its two documents' best
    similarities (each at least ``floor``).

    Cosines of long articles are small and vary with length and wording; how a pair
    compares to each document's nearest neighbour does not, so one threshold holds across
    corpora. The floor keeps two documents that resemble nothing much from pairing just
    because each is the other's nearest.
    """
    best = [floor] * n
    for (i, j), v in scores.items():
        best[i] = max(best[i], v)
        best[j] = max(best[j], v)
    return {(i, j): v / math.sqrt(best[i] * best[j]) for (i, j), v in scores.items() if v > 0}


def _relative_arrays(documents: Sequence[Document]) -> tuple[Any, Any, Any]:
    """``relative(text_similarities(documents))`` of the pairs at ``_PAIR_FLOOR`` or
    more, as three arrays (first index, second index, relative similarity; by pair)."""
    import numpy as np

    left, right, sims = _similarity_arrays(documents)
    best = best_similarity(len(documents), left, right, sims, _REL_FLOOR)
    # _PAIR_FLOOR > 0, so the pairs kept have a positive similarity; a chunk at a time
    ls, rs, rels = [left[:0]], [right[:0]], [sims[:0]]
    for k in range(0, len(sims), _CHUNK):
        lk, rk = left[k : k + _CHUNK], right[k : k + _CHUNK]
        rel = sims[k : k + _CHUNK] / np.sqrt(best[lk] * best[rk])
        keep = rel >= _PAIR_FLOOR
        ls.append(lk[keep])
        rs.append(rk[keep])
        rels.append(rel[keep])
    del left, right, sims
    return np.concatenate(ls), np.concatenate(rs), np.concatenate(rels)


def _story_pairs(n: int, left: Any, right: Any, rel: Any,
                 bonus: dict[tuple[int, int], float]) -> Iterator[tuple[tuple[int, int], float]]:
    """The scored pairs with each ``bonus`` added, handed out in the order a dict of
    them would be emptied by ``agglomerate(consume=True)`` (the last added first), so
    that the clusters are the ones that dict gave. A pool of thousands of reports holds
    millions of pairs: as a dict of tuples they were the story grouping's largest
    structure, held beside the links built from them."""
    import numpy as np

    codes = left * n + right  # ascending: candidate pairs come sorted and unique
    extra = dict(bonus)
    add = np.zeros(len(codes))
    if bonus:
        want = np.asarray([i * n + j for i, j in bonus], dtype=np.int64)
        at = np.minimum(np.searchsorted(codes, want), max(len(codes) - 1, 0))
        found = codes[at] == want if len(codes) else np.zeros(len(want), dtype=bool)
        for (pair, v), k, hit in zip(bonus.items(), at.tolist(), found.tolist(),
                                     strict=True):
            if hit:
                add[k] += v
                del extra[pair]
    # bonus pairs not scored came after the scored ones: they go first
    yield from reversed(extra.items())
    vals = rel + add
    # Made Python numbers a block at a time: as three lists of every pair they held
    # about 100 bytes a pair beside the links ``agglomerate`` builds from them.
    for hi in range(len(vals), 0, -_TO_PYTHON):
        lo = max(0, hi - _TO_PYTHON)
        vs, ls, rs = vals[lo:hi].tolist(), left[lo:hi].tolist(), right[lo:hi].tolist()
        for k in range(hi - lo - 1, -1, -1):
            yield (ls[k], rs[k]), vs[k]


def group(
    documents: list[Document],
    events: list[Event],
    mentions_by_event: Mapping[str, Sequence[Telling]],
) -> list[Story]:
    """Every document in exactly one story; stories titled from their main event."""
    if not documents:
        return []
    weighted = weighted_main_events(documents, events, mentions_by_event)
    mains = [e for e, _ in weighted]
    left, right, rel = _relative_arrays(documents)
    # Same main event: one story, whatever the wording. Different main events do not
    # weigh against a pair: the merge does not link every report of one event, and two
    # reports whose events it left apart still tell one story when their texts agree.
    by_event: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(mains):
        if e is not None:
            by_event[e].append(i)
    same_event = {(x, y): 10.0 for ids in by_event.values() for x in ids for y in ids
                  if x < y}
    scores = _story_pairs(len(documents), left, right, rel, same_event)
    ev_by_id = {e.id: e for e in events}

    def principal(xs: list[int]) -> set[str]:
        # The cluster's principal events: the main events with the most weight, each
        # document weighing by how central its main event is to it. A stray event
        # that is one document's main one (a misdated or misread mention, a side
        # event the document barely tells) does not speak for the whole cluster.
        weight: dict[str, float] = defaultdict(float)
        for i in xs:
            e, share = weighted[i]
            if e is not None:
                weight[e] += share
        top = max(weight.values(), default=0.0)
        return {e for e, v in weight.items() if v >= top - 1e-9}

    # Worked out once per cluster (see ``PerCluster``).
    events_of = PerCluster(principal)

    def can_merge(xs: list[int], ys: list[int]) -> bool:
        # Events dated to different days are different events: the 11 March attack and
        # the 14 March one are two stories however alike their reports read.
        ex, ey = events_of(xs), events_of(ys)
        return not any(_distinct(ev_by_id[a], ev_by_id[b]) for a in ex for b in ey)

    clusters = agglomerate(len(documents), scores, STORY_THRESHOLD, can_merge, consume=True)
    events_of_doc: dict[str, set[str]] = defaultdict(set)
    for ev in events:
        for m in mentions_by_event.get(ev.id, []):
            events_of_doc[m.doc_id].add(ev.id)
    stories = []
    for members in clusters:
        docs = [documents[i] for i in members]
        main_ids = Counter(e for e in (mains[i] for i in members) if e is not None)
        # The main event most of the story's documents tell (the first one's on a tie).
        main = ev_by_id.get(main_ids.most_common(1)[0][0]) if main_ids else None
        doc_ids = [d.id for d in docs]
        event_ids = sorted(set().union(*(events_of_doc.get(d, set()) for d in doc_ids)))
        if main is not None:
            if main.id in event_ids:
                event_ids.remove(main.id)
            event_ids.insert(0, main.id)
        key = main.id if main is not None else min(doc_ids)
        stories.append(
            Story(
                id=story_id(key),
                title=_title(main, docs),
                doc_ids=doc_ids,
                event_ids=event_ids,
            )
        )
    first: dict[str, int] = {}
    for k, d in enumerate(documents):
        first.setdefault(d.id, k)
    stories.sort(key=lambda s: first[s.doc_ids[0]])
    return stories


def _distinct(a: Event, b: Event) -> bool:
    """True when two events are dated, to the day or week, on days that do not meet;
    events of one kind on days that do not meet, by a day either way."""
    da, db = a.date, b.date
    if da is None or db is None or da.precision not in _SHARP or db.precision not in _SHARP:
        return False
    # A night attack is dated to the evening by some reports, to the small hours by
    # others, to the day it was reported by others still; the merge then leaves one
    # event as two on consecutive days. Of one kind, they may be one.
    slack = 1 if a.sub_event_type == b.sub_event_type else 0
    return (db.start - da.end).days > slack or (da.start - db.end).days > slack


_SHARP = frozenset({"day", "week"})


def _title(main: Event | None, docs: Sequence[Document]) -> str:
    if main is not None:
        title = main.sub_event_type or main.event_type or "Event"
        if main.location is not None:
            title += f" in {main.location.name}"
        if main.date is not None:
            title += f", {main.date.start.isoformat()}"
        return title
    titled = [d.title for d in docs if d.title]
    return titled[0] if titled else (docs[0].text.strip().split("\n", 1)[0][:120] or docs[0].id)
