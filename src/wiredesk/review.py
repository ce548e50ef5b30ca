"""Human review of the merged record: corrections that are kept, shown and re-applied.

A reviewer can set a figure's best value, reject a claim, change an event's type or
place, merge two events or split one. Each change is a row of the ``reviews`` table
(who, when, why, what), never an edit in place: re-runs rebuild events from mentions,
and ``apply_reviews`` then replays every review on the rebuilt events, so corrections
survive re-runs, show in the event's history and reach every export.

Replay order: structural changes first (merge, split, reject a claim: they change which
mentions and claims an event is built from, so the event is re-assembled), then the
overrides (figure value, type, place), each in the order they were made, so the latest
word on a field wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from sqlalchemy import JSON, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from wiredesk.events.taxonomy import SUB_EVENT_TYPES
from wiredesk.identity import mention_key
from wiredesk.models import (
    Document,
    Event,
    EventMention,
    FigureClaim,
    FigureOut,
    LocationOut,
)
from wiredesk.store import Base, EventAliasRow, EventMemberRow, EventRow, Store

# --- the table -----------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReviewRow(Base):
    """One reviewer's change to one event (``action`` and its ``payload``, see
    ``ReviewAction``), with who made it, when and why."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reviewer: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --- the actions (what the API accepts) ---------------------------------------------


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewer: str = Field(min_length=1, max_length=128)
    reason: str = Field(default="", max_length=2000)


class SetFigure(_Action):
    """Set the best value of a figure (and optionally its low and high)."""

    action: Literal["set_figure"] = "set_figure"
    kind: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    value: int = Field(ge=0, le=10_000_000)
    low: int | None = Field(default=None, ge=0, le=10_000_000)
    high: int | None = Field(default=None, ge=0, le=10_000_000)

    @model_validator(mode="after")
    def _ordered(self) -> SetFigure:
        if self.low is not None and self.low > self.value:
            raise ValueError("low must not exceed value")
        if self.high is not None and self.high < self.value:
            raise ValueError("high must not be below value")
        return self


class RejectClaim(_Action):
    """Reject one claim of a figure: its quote no longer counts for that figure."""

    action: Literal["reject_claim"] = "reject_claim"
    kind: str = Field(min_length=1, max_length=64)
    doc_id: str = Field(min_length=1, max_length=64)
    quote: str = Field(min_length=1, max_length=5000)


class SetType(_Action):
    """Change the event's ACLED sub-event type (the event type follows from it)."""

    action: Literal["set_type"] = "set_type"
    sub_event_type: str

    @model_validator(mode="after")
    def _known(self) -> SetType:
        if self.sub_event_type not in SUB_EVENT_TYPES:
            raise ValueError(f"unknown ACLED sub-event type {self.sub_event_type!r}")
        return self


class SetPlace(_Action):
    """Move the event to another place."""

    action: Literal["set_place"] = "set_place"
    name: str = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    country_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    country: str | None = Field(default=None, max_length=100)
    admin1: str | None = Field(default=None, max_length=100)
    precision: int = Field(default=1, ge=1, le=3)


class MergeEvents(_Action):
    """The other event is the same real event as this one: fold it into this one."""

    action: Literal["merge"] = "merge"
    other: str = Field(min_length=1, max_length=64)
    # The other event's mention keys when the merge was made (filled in by
    # ``add_review``): re-runs find that event by its mentions even if its id changed.
    other_mentions: list[str] = Field(default_factory=list, max_length=10_000)


class SplitEvent(_Action):
    """These mentions (``doc_id:start:end`` keys) tell another event: split them off."""

    action: Literal["split"] = "split"
    mentions: list[str] = Field(min_length=1, max_length=1000)


ReviewAction = Annotated[
    SetFigure | RejectClaim | SetType | SetPlace | MergeEvents | SplitEvent,
    Field(discriminator="action"),
]
_ACTION = TypeAdapter(ReviewAction)


class Review(BaseModel):
    """A stored review: the action as made, on which event, by whom, when and why."""

    model_config = ConfigDict(extra="forbid")

    id: int
    event_id: str
    action: str
    payload: dict[str, Any]
    reviewer: str
    reason: str
    created_at: dt.datetime

    def parsed(self) -> SetFigure | RejectClaim | SetType | SetPlace | MergeEvents | SplitEvent:
        """The typed action this review stores."""
        return _ACTION.validate_python(
            {**self.payload, "action": self.action, "reviewer": self.reviewer,
             "reason": self.reason})


class ReviewError(ValueError):
    """A review that cannot apply to the event (unknown event, figure, claim or mention)."""


# --- replay ----------------------------------------------------------------------------

Built = list[tuple[Event, list[EventMention]]]
_STRUCTURAL = ("merge", "split", "reject_claim")


def split_id(event_id: str, keys: Sequence[str]) -> str:
    """The id of the event split off ``event_id`` with these mentions: the same on every
    re-run, so reviews of the new event find it again."""
    digest = hashlib.sha1(f"{event_id}|{'|'.join(sorted(keys))}".encode()).hexdigest()
    return f"ev_{digest[:12]}"


def _reassemble(event_id: str, members: list[EventMention], documents: dict[str, Document],
                fallback: Event) -> Event:
    from wiredesk import merge

    if not members:  # nothing to rebuild from (a store without analyses): keep as is
        return fallback
    return merge.assemble(members, documents).model_copy(update={"id": event_id})


def _drop_claim(m: EventMention, kind: str, doc_id: str, quote: str) -> EventMention:
    if m.doc_id != doc_id:
        return m
    kept: list[FigureClaim] = [
        f for f in m.figures if not (f.kind == kind and _same_quote(f.quote, quote))
    ]
    return m if len(kept) == len(m.figures) else m.model_copy(update={"figures": kept})


def _same_quote(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _override(event: Event, action: SetFigure | SetType | SetPlace, rule: str) -> Event:
    from wiredesk import merge

    if isinstance(action, SetFigure):
        old = event.figures.get(action.kind)
        low = action.low if action.low is not None else min(action.value, old.low if old else
                                                            action.value)
        high = action.high if action.high is not None else (
            None if old is not None and old.high is None else max(
                action.value, old.high if old and old.high is not None else action.value))
        fig = FigureOut(value=action.value, low=low, high=high,
                        status=old.status if old else "single",
                        claims=old.claims if old else [], rule=rule)
        ev = event.model_copy(update={"figures": {**event.figures, action.kind: fig}})
    elif isinstance(action, SetType):
        ev = event.model_copy(update={"sub_event_type": action.sub_event_type,
                                      "event_type": SUB_EVENT_TYPES[action.sub_event_type]})
    else:
        loc = LocationOut(name=action.name, country=action.country,
                          country_code=action.country_code, admin1=action.admin1,
                          lat=action.lat, lon=action.lon, precision=action.precision)
        ev = event.model_copy(update={"location": loc})
    return ev.model_copy(update={"summary": merge.summarize(ev)})


def apply_reviews(
    built: list[tuple[Event, list[EventMention]]],
    documents: dict[str, Document],
    reviews: Sequence[Review],
) -> list[tuple[Event, list[EventMention]]]:
    """Replay reviews on freshly built events (pure: the inputs are not changed).

    ``built`` holds events with their stable ids and the mentions each was built from;
    ``documents`` the documents of those mentions. A review whose event no longer exists
    (or whose claim or mentions are gone) is skipped: the record moved on without it.
    Merged-away events disappear; split-off events get ``split_id`` ids.
    """
    events: dict[str, Event] = {}
    members: dict[str, list[EventMention]] = {}
    order: list[str] = []
    for ev, ms in built:
        events[ev.id] = ev
        members[ev.id] = list(ms)
        order.append(ev.id)
    absorbed: dict[str, str] = {}  # merged-away id -> the id that took it in

    def live(eid: str) -> str | None:
        seen = set()
        while eid in absorbed and eid not in seen:
            seen.add(eid)
            eid = absorbed[eid]
        return eid if eid in events else None

    ordered = sorted(reviews, key=lambda r: (r.created_at, r.id))
    for r in ordered:
        if r.action not in _STRUCTURAL:
            continue
        eid = live(r.event_id)
        if eid is None:
            continue
        act = r.parsed()
        if isinstance(act, MergeEvents):
            other = _find_other(act, eid, live, members)
            if other is None:
                continue
            members[eid] = members[eid] + members.pop(other)
            events.pop(other)
            absorbed[other] = eid
            events[eid] = _reassemble(eid, members[eid], documents, events[eid])
        elif isinstance(act, SplitEvent):
            keys = set(act.mentions)
            out = [m for m in members[eid] if mention_key(m) in keys]
            rest = [m for m in members[eid] if mention_key(m) not in keys]
            if not out or not rest:
                continue
            new_id = split_id(r.event_id, act.mentions)
            members[eid], members[new_id] = rest, out
            events[eid] = _reassemble(eid, rest, documents, events[eid])
            events[new_id] = _reassemble(new_id, out, documents, events[eid])
            order.insert(order.index(eid) + 1, new_id)
        elif isinstance(act, RejectClaim):
            ms = [_drop_claim(m, act.kind, act.doc_id, act.quote) for m in members[eid]]
            if ms:
                members[eid] = ms
                events[eid] = _reassemble(eid, ms, documents, events[eid])
            else:  # no mentions at hand: take the claim out of the figure itself
                events[eid] = _reject_in_event(events[eid], act)
    for r in ordered:
        if r.action in _STRUCTURAL:
            continue
        eid = live(r.event_id)
        if eid is None:
            continue
        act = r.parsed()
        assert isinstance(act, SetFigure | SetType | SetPlace)
        rule = f"set by {r.reviewer} on {r.created_at.date().isoformat()}" + (
            f": {r.reason}" if r.reason else "")
        events[eid] = _override(events[eid], act, rule)
    return [(events[eid], members[eid]) for eid in order if eid in events]


def _find_other(act: MergeEvents, eid: str, live: Any,
                members: dict[str, list[EventMention]]) -> str | None:
    """The event to fold in: the one holding most of the mentions it had when the merge
    was made, else the one with its id."""
    keys = set(act.other_mentions)
    if keys:
        best, most = None, 0
        for other, ms in members.items():
            n = sum(1 for m in ms if mention_key(m) in keys)
            if other != eid and n > most:
                best, most = other, n
        if best is not None:
            return best
        if any(mention_key(m) in keys for m in members.get(eid, [])):
            return None  # already inside this event
    other = live(act.other)
    return other if other is not None and other != eid else None


def _reject_in_event(event: Event, act: RejectClaim) -> Event:
    fig = event.figures.get(act.kind)
    if fig is None:
        return event
    claims = [c for c in fig.claims
              if not (c.doc_id == act.doc_id and _same_quote(c.quote, act.quote))]
    if not claims or len(claims) == len(fig.claims):
        return event
    values = sorted({c.value for c in claims})
    status = "agreed" if len(claims) > 1 and len(values) == 1 else (
        "single" if len(claims) == 1 else fig.status)
    new = fig.model_copy(update={"claims": claims, "status": status})
    return event.model_copy(update={"figures": {**event.figures, act.kind: new}})


# --- the store -----------------------------------------------------------------------


def ensure_table(store: Store) -> None:
    """Create the ``reviews`` table if the store predates it."""
    Base.metadata.create_all(store.engine, tables=[ReviewRow.__table__])  # type: ignore[list-item]


def _to_review(row: ReviewRow) -> Review:
    created = row.created_at
    if created.tzinfo is None:  # SQLite hands back naive datetimes
        created = created.replace(tzinfo=dt.UTC)
    return Review(id=row.id, event_id=row.event_id, action=row.action,
                  payload=dict(row.payload), reviewer=row.reviewer, reason=row.reason or "",
                  created_at=created)


def load_reviews(store: Store) -> list[Review]:
    """Every review in the store, oldest first."""
    ensure_table(store)
    with Session(store.engine) as s:
        return [_to_review(r) for r in s.scalars(
            select(ReviewRow).order_by(ReviewRow.created_at, ReviewRow.id))]


def history(store: Store, event_id: str) -> list[Review]:
    """The reviews that shaped this event: its own, and those of events merged into it
    or split off it (found through the reviews themselves), oldest first."""
    reviews = load_reviews(store)
    related = {event_id}
    changed = True
    while changed:  # follow merges and splits both ways
        changed = False
        for r in reviews:
            act = r.parsed()
            linked = {r.event_id}
            if isinstance(act, MergeEvents):
                linked.add(act.other)
            elif isinstance(act, SplitEvent):
                linked.add(split_id(r.event_id, act.mentions))
            if linked & related and not linked <= related:
                related |= linked
                changed = True
    return [r for r in reviews if r.event_id in related]


def _stored_members(store: Store, ids: set[str]) -> tuple[dict[str, list[EventMention]],
                                                         dict[str, Document]]:
    """The mentions each of these events was built from (per ``event_members``), read
    from the newest stored analysis of each document."""
    from wiredesk.store import AnalysisRow, DocumentRow, _doc_from_row

    with Session(store.engine) as s:
        keys = {r.mention_key: r.event_id for r in s.scalars(
            select(EventMemberRow).where(EventMemberRow.event_id.in_(sorted(ids))))}
        doc_ids = sorted({k.split(":", 1)[0] for k in keys})
        newest: dict[str, AnalysisRow] = {}
        for an in s.scalars(select(AnalysisRow).where(AnalysisRow.doc_id.in_(doc_ids))):
            if an.doc_id not in newest or an.added_at > newest[an.doc_id].added_at:
                newest[an.doc_id] = an
        documents: dict[str, Document] = {}
        for row in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids))):
            an_pub = newest[row.id].published if row.id in newest else row.published
            documents[row.id] = _doc_from_row(row).model_copy(update={"published": an_pub})
        out: dict[str, list[EventMention]] = {i: [] for i in ids}
        for an in newest.values():
            for raw in an.mentions:
                m = EventMention.model_validate(raw)
                eid = keys.get(mention_key(m))
                if eid is not None:
                    out[eid].append(m)
    return out, documents


def add_review(store: Store, event_id: str, action: Any) -> Review:
    """Record a review and apply it to the stored events at once (so pages show it
    without a re-run). ``action`` is one of the ``ReviewAction`` models or a dict of one.
    Raises ``ReviewError`` when it cannot apply (unknown event, figure, claim, mention)."""
    act = _ACTION.validate_python(action) if isinstance(action, dict) else action
    ensure_table(store)
    with Session(store.engine) as s:
        alias = s.get(EventAliasRow, event_id)
        if s.get(EventRow, event_id) is None and alias is not None:
            event_id = alias.new_id
        row = s.get(EventRow, event_id)
        if row is None:
            raise ReviewError(f"no event {event_id}")
        event = Event.model_validate(row.data)
        other_row = None
        if isinstance(act, MergeEvents):
            other_row = s.get(EventRow, act.other)
            if other_row is None or act.other == event_id:
                raise ReviewError(f"no other event {act.other} to merge with {event_id}")
    _check(event, act)
    ids = {event_id} | ({act.other} if isinstance(act, MergeEvents) else set())
    members, documents = _stored_members(store, ids)
    if isinstance(act, MergeEvents) and not act.other_mentions:
        act = act.model_copy(update={
            "other_mentions": sorted(mention_key(m) for m in members[act.other])})
    if isinstance(act, SplitEvent):
        have = {mention_key(m) for m in members[event_id]}
        if not set(act.mentions) <= have or set(act.mentions) == have:
            raise ReviewError("split needs some, not all, of the event's mention keys")
    payload = act.model_dump(exclude={"action", "reviewer", "reason"})
    with Session(store.engine) as s, s.begin():
        rec = ReviewRow(event_id=event_id, action=act.action, payload=payload,
                        reviewer=act.reviewer, reason=act.reason, created_at=_now())
        s.add(rec)
        s.flush()
        review = _to_review(rec)
    _apply_live(store, ids, members, documents)
    return review


def _check(event: Event, act: Any) -> None:
    if isinstance(act, RejectClaim):
        fig = event.figures.get(act.kind)
        if fig is None or not any(c.doc_id == act.doc_id and _same_quote(c.quote, act.quote)
                                  for c in fig.claims):
            raise ReviewError(f"event {event.id} has no {act.kind} claim with that quote")


def _apply_live(store: Store, ids: set[str], members: dict[str, list[EventMention]],
                documents: dict[str, Document]) -> None:
    """Rebuild these stored events from their mentions, replay every review, and write
    the outcome (new split-off events, merged-away events removed and aliased)."""
    from wiredesk import merge

    with Session(store.engine) as s:
        stored = {r.id: Event.model_validate(r.data)
                  for r in s.scalars(select(EventRow).where(EventRow.id.in_(sorted(ids))))}
    built: Built = []
    for eid in sorted(ids):
        ms = members.get(eid, [])
        if ms:
            built.append((merge.assemble(ms, documents).model_copy(update={"id": eid}), ms))
        elif eid in stored:
            built.append((stored[eid], ms))
    # Earlier splits of these events are replayed too: their split-off events are
    # rebuilt here and must replace the stored ones.
    out = apply_reviews(built, documents, [r for r in load_reviews(store)
                                           if _touches(r, ids)])
    live = {e.id for e, _ in out}
    with Session(store.engine) as s, s.begin():
        for eid in ids - live:
            row = s.get(EventRow, eid)
            if row is not None:
                s.delete(row)
            target = next(iter(live & ids), None)
            if target is not None:
                s.merge(EventAliasRow(old_id=eid, new_id=target, merged_at=_now()))
        for ev, ms in out:
            s.merge(EventRow(id=ev.id, start=ev.date.start if ev.date else None,
                             country_code=ev.location.country_code if ev.location else None,
                             sub_event_type=ev.sub_event_type,
                             data=ev.model_dump(mode="json"), updated_at=_now()))
            for m in ms:  # the live view's membership, as a re-run would assign it
                s.merge(EventMemberRow(mention_key=mention_key(m), event_id=ev.id,
                                       doc_id=m.doc_id, assigned_at=_now()))


def _touches(r: Review, ids: set[str]) -> bool:
    if r.event_id in ids:
        return True
    act = r.parsed()
    return isinstance(act, MergeEvents) and act.other in ids


def reapply(store: Store) -> int:
    """Replay every review on the stored events (after a run that rebuilt them without
    reviews); returns how many events were touched."""
    reviews = load_reviews(store)
    if not reviews:
        return 0
    with Session(store.engine) as s:
        present = set(s.scalars(select(EventRow.id)))
        aliases = {r.old_id: r.new_id for r in s.scalars(select(EventAliasRow))}
    groups: list[set[str]] = []
    for r in reviews:  # events tied by merges are rebuilt together
        ids = {r.event_id}
        act = r.parsed()
        if isinstance(act, MergeEvents):
            ids.add(act.other)
        ids = {i for i in ids if i in present} or {aliases[i] for i in ids if i in aliases
                                                   and aliases[i] in present}
        if not ids:
            continue
        for g in [g for g in groups if g & ids]:
            groups.remove(g)
            ids |= g
        groups.append(ids)
    for ids in groups:
        members, documents = _stored_members(store, ids)
        _apply_live(store, ids, members, documents)
    return sum(len(g) for g in groups)
