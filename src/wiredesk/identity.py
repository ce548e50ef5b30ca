"""Stable event ids across runs.

Every run re-clusters the mentions of the whole store, so the clusters a run finds
can differ from the last run's: a later report joins an event, bridges two events into
one, or (rarely) pulls a mention away. Users bookmark, cite and review events by id, so
an id must outlive all of that. Each mention remembers the event it was assigned to;
a new cluster inherits the id most of its mentions had, larger clusters choosing first,
and an id that no cluster inherits but whose mentions went into another event becomes
an alias of that event. Only a cluster made entirely of new mentions gets a new id.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wiredesk.models import Event, EventMention


def mention_key(m: EventMention) -> str:
    """What identifies a mention across runs: its document and character offsets."""
    return key_of(m.doc_id, m.start, m.end)


def key_of(doc_id: str, start: int, end: int) -> str:
    """``mention_key`` of the mention at these offsets of this document (a stored
    mention is keyed before it is read as a model)."""
    return f"{doc_id}:{start}:{end}"


@dataclass
class Identity:
    """The outcome of ``stabilize``: events with their lasting ids, the assignment of
    every mention, and the ids absorbed into another event (old id -> new id)."""

    built: list[tuple[Event, list[EventMention]]]
    members: dict[str, str]
    aliases: dict[str, str]


def stabilize(
    built: Sequence[tuple[Event, list[EventMention]]],
    previous: dict[str, str],
    aliases: dict[str, str] | None = None,
    known_elsewhere: Callable[[set[str]], set[str]] | None = None,
) -> Identity:
    """Give each freshly built event the id its mentions had in the previous run.

    ``previous`` maps mention keys to the event ids of the last run, ``aliases`` the ids
    absorbed before (kept, and followed so that an alias never points at a dead id).
    When ``previous`` holds only some of the store's mentions (an incremental merge),
    ``known_elsewhere`` tells which of some ids the rest of the store uses, so that a new
    id never repeats one.
    """
    old_aliases = dict(aliases or {})
    order = sorted(range(len(built)), key=lambda i: (-len(built[i][1]), built[i][0].id))
    taken: set[str] = set()
    chosen: dict[int, str] = {}
    votes: dict[int, Counter[str]] = {}
    for i in order:
        counts: Counter[str] = Counter(
            follow(previous[k], old_aliases)
            for k in map(mention_key, built[i][1]) if k in previous
        )
        votes[i] = counts
        for cand, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if cand not in taken:
                chosen[i] = cand
                taken.add(cand)
                break
    known = set(previous.values()) | set(old_aliases)
    checked: set[str] = set()  # ids ``known_elsewhere`` was asked about
    if known_elsewhere is not None:
        checked = {built[i][0].id for i in order if i not in chosen}
        known |= known_elsewhere(checked)

    def used(x: str) -> bool:
        if x in taken or x in known:
            return True
        return known_elsewhere is not None and x not in checked and bool(known_elsewhere({x}))

    for i in order:
        if i in chosen:
            continue
        fresh = built[i][0].id
        salt = 0
        # A fresh id must not reuse one that meant another event before.
        while used(fresh):
            salt += 1
            digest = hashlib.sha1(f"{built[i][0].id}:{salt}".encode()).hexdigest()
            fresh = f"ev_{digest[:12]}"
        chosen[i] = fresh
        taken.add(fresh)

    new_aliases = dict(old_aliases)
    for i in order:
        for old, _n in votes[i].most_common():
            if old not in taken:
                new_aliases.setdefault(old, chosen[i])
    # Point every alias at a live event (an id absorbed twice follows the chain).
    new_aliases = {k: follow(v, new_aliases) for k, v in new_aliases.items() if k not in taken}

    out: list[tuple[Event, list[EventMention]]] = []
    members: dict[str, str] = {}
    for i, (event, ms) in enumerate(built):
        eid = chosen[i]
        out.append((event if event.id == eid else event.model_copy(update={"id": eid}), ms))
        for m in ms:
            members[mention_key(m)] = eid
    return Identity(out, members, new_aliases)


def follow(eid: str, aliases: dict[str, str]) -> str:
    """The live id an event id leads to through absorbed ids (itself if none)."""
    seen = {eid}
    while eid in aliases and aliases[eid] not in seen:
        eid = aliases[eid]
        seen.add(eid)
    return eid
