"""Stable event ids: a later report, a bridge between two events or a split never
renames the event people already cite."""

from __future__ import annotations

from wiredesk.identity import mention_key, stabilize
from wiredesk.models import Event, EventMention


def _m(doc: str, start: int) -> EventMention:
    return EventMention(
        id=f"{doc}:{start}", doc_id=doc, start=start, end=start + 10, quote="rockets hit the base",
        trigger="hit", event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack", confidence=0.8,
    )


def _ev(eid: str) -> Event:
    return Event(id=eid, event_type="Explosions/Remote violence",
                 sub_event_type="Shelling/artillery/missile attack", political=True,
                 date=None, location=None, actors=[], figures={}, summary="",
                 confidence=0.8, mentions=[])


def test_new_cluster_keeps_its_own_id() -> None:
    ident = stabilize([(_ev("ev_a"), [_m("d1", 0)])], {})
    assert [e.id for e, _ in ident.built] == ["ev_a"]
    assert ident.members == {"d1:0:10": "ev_a"} and ident.aliases == {}


def test_a_later_report_never_renames_the_event() -> None:
    first = [_m("d1", 0), _m("d2", 5)]
    # The new document sorts first, so the freshly computed id differs.
    ident = stabilize([(_ev("ev_new"), [_m("d0", 3), *first])],
                      {mention_key(m): "ev_old" for m in first})
    assert ident.built[0][0].id == "ev_old"
    assert ident.members["d0:3:13"] == "ev_old"


def test_two_events_found_to_be_one_keep_the_larger_id_and_alias_the_other() -> None:
    a = [_m("d1", 0), _m("d2", 0)]
    b = [_m("d3", 0)]
    prev = {**{mention_key(m): "ev_a" for m in a}, **{mention_key(m): "ev_b" for m in b}}
    ident = stabilize([(_ev("ev_x"), [*a, *b, _m("d4", 0)])], prev)
    assert ident.built[0][0].id == "ev_a"
    assert ident.aliases == {"ev_b": "ev_a"}
    # absorbed twice: an alias follows the chain to the live event
    again = stabilize([(_ev("ev_y"), [*a, *b])], {mention_key(m): "ev_c" for m in [*a, *b]},
                      ident.aliases | {"ev_a": "ev_c"})
    assert again.aliases["ev_b"] == "ev_c" and again.aliases["ev_a"] == "ev_c"


def test_a_split_keeps_the_id_on_the_larger_part_and_never_reuses_it() -> None:
    ms = [_m("d1", 0), _m("d2", 0), _m("d3", 0)]
    prev = {mention_key(m): "ev_a" for m in ms}
    # The split-off part would compute the old id itself (it holds the first mention).
    ident = stabilize([(_ev("ev_a"), ms[:1]), (_ev("ev_z"), ms[1:])], prev)
    ids = {len(m): e.id for e, m in ident.built}
    assert ids[2] == "ev_a"
    assert ids[1] not in {"ev_a", "ev_z"} and ids[1].startswith("ev_")
    assert ident.aliases == {}
