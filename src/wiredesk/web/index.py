"""An in-memory filter index over the stored events, for fast ``/events`` queries.

Dates, places and types have columns in the store, but actors, bounding boxes and free
text live in each event's JSON, which SQL can only reach by parsing every row. The
index keeps those few fields of every event in numpy arrays and lower-cased strings
(about 200 bytes an event), answers a filter in a few milliseconds, and then only the
page of events asked for is read from the store. It is rebuilt when the store's events
change (checked at most every ``ttl`` seconds, or at once after the app's own writes).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from wiredesk.store import EventRow, Store

_NO_DATE = -1


@dataclass(frozen=True)
class EventFilter:
    """What a client can filter ``/events`` by (all optional, all combined with AND)."""

    start: dt.date | None = None  # events that end on or after this day
    end: dt.date | None = None  # events that start on or before this day
    country: str | None = None  # ISO alpha-2 code or country name
    type: str | None = None  # ACLED event type or sub-event type
    actor: str | None = None  # part of an actor's name, alias-free, or its entity id
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    q: str | None = None  # words (all of them) in the summary, place name or actors
    disputed: bool | None = None  # only events with (or without) a disputed figure


class EventIndex:
    """Filterable arrays of every stored event, in the store's order (date, then id)."""

    def __init__(self, store: Store, ttl: float = 2.0) -> None:
        self.store = store
        self.ttl = ttl
        self._lock = threading.Lock()
        self._stamp: tuple[int, Any] | None = None
        self._checked = 0.0
        self.ids: list[str] = []
        self._fill([])

    def invalidate(self) -> None:
        """Make the next query re-check the store (after the app wrote to it)."""
        self._checked = 0.0

    def _current_stamp(self) -> tuple[int, Any]:
        with Session(self.store.engine) as s:
            n, last = s.execute(select(func.count(), func.max(EventRow.updated_at))
                                .select_from(EventRow)).one()
        return int(n or 0), last

    def refresh(self) -> None:
        """Bring the arrays up to date with the store: patch the rows of events changed
        since the last look (a review), or rebuild all when events came or went (a run)."""
        now = time.monotonic()
        if self._stamp is not None and now - self._checked < self.ttl:
            return
        with self._lock:
            stamp = self._current_stamp()
            self._checked = time.monotonic()
            if stamp == self._stamp:
                return
            old = self._stamp
            if (old is None or old[1] is None or stamp[0] != old[0]
                    or not self._patch(self._rows(EventRow.updated_at > old[1]))):
                self._fill(self._rows(None))
            self._stamp = stamp

    def _rows(self, where: Any) -> list[Any]:
        # Only the fields filters need, extracted by the database (SQLAlchemy's JSON
        # paths work on SQLite and PostgreSQL): parsing every whole event in Python
        # would cost seconds at 50,000 events.
        d = EventRow.data
        cols = (
            EventRow.id, EventRow.start, d["date"]["end"].as_string(),
            d["location"]["lat"].as_float(), d["location"]["lon"].as_float(),
            EventRow.country_code, d["location"]["country"].as_string(),
            d["location"]["name"].as_string(), d["event_type"].as_string(),
            EventRow.sub_event_type, d["summary"].as_string(), d["actors"],
            cast(EventRow.data, Text).contains('"status": "conflict"'),
        )
        stmt = select(*cols).order_by(EventRow.start, EventRow.id)
        if where is not None:
            stmt = stmt.where(where)
        with Session(self.store.engine) as s:
            return list(s.execute(stmt).all())

    @staticmethod
    def _fields(r: Any) -> tuple[Any, ...]:
        actors = " | ".join(f"{a.get('name', '')} {a.get('entity_id', '')}"
                            for a in (r[11] or [])).lower()
        return (
            r[1].toordinal() if r[1] else _NO_DATE,
            dt.date.fromisoformat(r[2]).toordinal() if r[2] else _NO_DATE,
            r[3] if r[3] is not None else np.nan,
            r[4] if r[4] is not None else np.nan,
            (r[5] or "").lower(), (r[6] or "").lower(), (r[8] or "").lower(),
            (r[9] or "").lower(), bool(r[12]), actors,
            f"{r[10] or ''} {r[7] or ''} {actors}".lower(),
        )

    def _fill(self, rows: list[Any]) -> None:
        self.ids = [r[0] for r in rows]
        self._pos = {eid: i for i, eid in enumerate(self.ids)}
        cols = list(zip(*(self._fields(r) for r in rows), strict=True)) if rows else [
            () for _ in range(11)]
        self.start = np.array(cols[0], dtype=np.int64)
        self.end = np.array(cols[1], dtype=np.int64)
        self.lat = np.array(cols[2], dtype=float)
        self.lon = np.array(cols[3], dtype=float)
        # Categorical strings as integer codes: comparing ints is ~10x faster than objects.
        self._vocab: dict[str, int] = {}
        self.country = self._codes(cols[4])
        self.country_name = self._codes(cols[5])
        self.etype = self._codes(cols[6])
        self.subtype = self._codes(cols[7])
        self.disputed = np.array(cols[8], dtype=bool)
        self._actor_rows = list(cols[9])
        self._text_rows = list(cols[10])
        self.actors = _Haystack(self._actor_rows)
        self.text = _Haystack(self._text_rows)

    def _code(self, value: str) -> int:
        return self._vocab.setdefault(value, len(self._vocab))

    def _codes(self, values: Any) -> np.ndarray:
        return np.array([self._code(v) for v in values], dtype=np.int32)

    def _patch(self, rows: list[Any]) -> bool:
        """Update changed events in place; False if one is new or its date moved (the
        order changes: rebuild)."""
        if not rows or any(r[0] not in self._pos for r in rows):
            return not rows
        for r in rows:
            i = self._pos[r[0]]
            f = self._fields(r)
            if f[0] != self.start[i]:
                return False
            (self.start[i], self.end[i], self.lat[i], self.lon[i]) = f[:4]
            (self.country[i], self.country_name[i], self.etype[i], self.subtype[i]) = (
                self._code(v) for v in f[4:8])
            self.disputed[i], self._actor_rows[i], self._text_rows[i] = f[8:]
        self.actors = _Haystack(self._actor_rows)
        self.text = _Haystack(self._text_rows)
        return True

    def query(self, f: EventFilter, limit: int, offset: int) -> tuple[int, list[str]]:
        """The number of events matching ``f`` and the ids of the page asked for."""
        self.refresh()
        n = len(self.ids)
        mask = np.ones(n, dtype=bool)
        if f.start is not None:
            mask &= (self.end >= f.start.toordinal())
        if f.end is not None:
            mask &= (self.start != _NO_DATE) & (self.start <= f.end.toordinal())
        if f.country:
            c = self._vocab.get(f.country.strip().lower(), -1)
            mask &= (self.country == c) | (self.country_name == c)
        if f.type:
            t = self._vocab.get(f.type.strip().lower(), -1)
            mask &= (self.etype == t) | (self.subtype == t)
        if f.bbox is not None:
            x0, y0, x1, y1 = f.bbox
            with np.errstate(invalid="ignore"):  # NaN (no place) compares False
                mask &= (self.lon >= x0) & (self.lon <= x1) & (self.lat >= y0) & (self.lat <= y1)
        if f.disputed is not None:
            mask &= self.disputed if f.disputed else ~self.disputed
        # Substring filters as masks too (one scan over the distinct strings each).
        if f.actor and f.actor.strip():
            mask &= self.actors.mask(f.actor.strip().lower(), n)
        if f.q:
            for word in f.q.lower().split():
                mask &= self.text.mask(word, n)
        hits = np.flatnonzero(mask)
        page = hits[offset: offset + limit]
        return len(hits), [self.ids[int(i)] for i in page]


class _Haystack:
    """Many short lower-cased strings searched at once. Equal strings are kept once
    (events of one place and actors repeat them), the distinct ones are joined into one
    string, one line each, so a substring search is one regex scan at C speed instead
    of a Python loop over every event; match offsets map back to rows by binary search."""

    def __init__(self, rows: list[str]) -> None:
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            groups.setdefault(r.replace("\n", " "), []).append(i)
        self.values = list(groups)
        # rows of each distinct value, flattened (CSR): value k's rows are
        # flat[first[k]: first[k] + count[k]]
        self.count = np.array([len(v) for v in groups.values()], dtype=np.int64)
        self.first = np.cumsum(self.count) - self.count
        self.flat = np.array([i for v in groups.values() for i in v], dtype=np.int64)
        self.blob = "\n".join(self.values) + "\n"
        self.starts = np.cumsum([0] + [len(v) + 1 for v in self.values[:-1]]
                                ).astype(np.int64) if self.values else np.zeros(0, np.int64)

    def mask(self, needle: str, n: int) -> np.ndarray:
        """A boolean array over the ``n`` rows: True where the row contains ``needle``."""
        out = np.zeros(n, dtype=bool)
        needle = needle.replace("\n", " ")
        if not needle or not self.values:
            return out
        offsets = np.fromiter((m.start() for m in re.finditer(re.escape(needle), self.blob)),
                              dtype=np.int64)
        if len(offsets):
            ks = np.unique(np.searchsorted(self.starts, offsets, side="right") - 1)
            counts = self.count[ks]
            # positions of every row of every matching value, without a Python loop
            base = np.repeat(self.first[ks] - (np.cumsum(counts) - counts), counts)
            out[self.flat[base + np.arange(int(counts.sum()))]] = True
        return out
