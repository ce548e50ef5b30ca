"""Reviews on the seeds' record: the pure replay (``apply_reviews``) and the store side
(``add_review``, ``history``, ``reapply`` after a re-run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wiredesk import pipeline, review
from wiredesk.identity import mention_key
from wiredesk.models import Document, Event, EventMention
from wiredesk.nlp import model_name
from wiredesk.store import Store


def _built(url: str) -> tuple[list[tuple[Event, list[EventMention]]], dict[str, Document]]:
    """The store's events rebuilt from its mentions with their stable ids, as a re-run
    builds them before reviews are applied."""
    store = Store(url)
    try:
        version = pipeline.analysis_version(model_name(None))
        analyses = [pipeline._Analysis(d, ms, es) for d, ms, es in store.iter_analyses(version)]
        members, aliases = store.load_identity()
    finally:
        store.close()
    _result, ident = pipeline.assemble_stable(analyses, members, aliases)
    return ident.built, {a.doc.id: a.doc for a in analyses}


def _taji(built: list[tuple[Event, list[EventMention]]], day: int) -> tuple[Event, list]:
    for ev, ms in built:
        if (ev.date and ev.date.start == dt.date(2020, 3, day) and ev.location
                and "Taji" in ev.location.name):
            return ev, ms
    raise AssertionError(f"no Taji event on {day} March")


def _review(i: int, event_id: str, action: str, **payload: object) -> review.Review:
    return review.Review(id=i, event_id=event_id, action=action, payload=payload,
                         reviewer="ana", reason=f"check {i}",
                         created_at=dt.datetime(2026, 1, 1, 12, i, tzinfo=dt.UTC))


def test_set_figure_type_and_place_are_replayed(seeds_store_url: str) -> None:
    built, docs = _built(seeds_store_url)
    ev, _ = _taji(built, 11)
    assert ev.figures["munitions_fired"].status == "conflict"
    reviews = [
        _review(1, ev.id, "set_figure", kind="munitions_fired", value=33),
        _review(2, ev.id, "set_type", sub_event_type="Air/drone strike"),
        _review(3, ev.id, "set_place", name="Camp Taji airfield", lat=33.52, lon=44.25,
                country_code="IQ", precision=1),
        _review(4, "ev_gone", "set_type", sub_event_type="Other"),  # no such event: skipped
    ]
    out = review.apply_reviews(built, docs, reviews)
    got = {e.id: e for e, _ in out}[ev.id]
    fig = got.figures["munitions_fired"]
    assert (fig.value, fig.low, fig.high) == (33, 30, 57)
    assert fig.rule is not None and "ana" in fig.rule and "check 1" in fig.rule
    assert fig.claims == ev.figures["munitions_fired"].claims  # the quotes stay
    assert (got.event_type, got.sub_event_type) == ("Explosions/Remote violence",
                                                    "Air/drone strike")
    assert got.location is not None and got.location.name == "Camp Taji airfield"
    assert "munitions fired 33" in got.summary
    # pure: the input is untouched
    assert _taji(built, 11)[0].figures["munitions_fired"].value == ev.figures[
        "munitions_fired"].value
    assert len(out) == len(built)


def test_reject_claim_reconciles_again(seeds_store_url: str) -> None:
    built, docs = _built(seeds_store_url)
    ev, _ = _taji(built, 11)
    fired = ev.figures["munitions_fired"]
    lone = [c for c in fired.claims if c.value == 57]
    assert lone, "the seeds' 57-rocket claim"
    out = review.apply_reviews(built, docs, [
        _review(1, ev.id, "reject_claim", kind="munitions_fired", doc_id=lone[0].doc_id,
                quote=lone[0].quote)])
    after = {e.id: e for e, _ in out}[ev.id].figures["munitions_fired"]
    assert all(c.value != 57 for c in after.claims)
    assert after.high is not None and after.high < 57
    assert len(after.claims) == len(fired.claims) - 1


def test_merge_and_split(seeds_store_url: str) -> None:
    built, docs = _built(seeds_store_url)
    a, ams = _taji(built, 11)
    b, bms = _taji(built, 14)
    merged = review.apply_reviews(built, docs, [_review(1, a.id, "merge", other=b.id)])
    ids = [e.id for e, _ in merged]
    assert b.id not in ids and a.id in ids
    ev, ms = next(p for p in merged if p[0].id == a.id)
    assert len(ms) == len(ams) + len(bms)
    assert len(ev.mentions) == len(ams) + len(bms)

    # The reviewer splits the 14 March reports off again: a new event with a stable id.
    keys = sorted(mention_key(m) for m in bms)
    again = review.apply_reviews(built, docs, [
        _review(1, a.id, "merge", other=b.id),
        _review(2, a.id, "split", mentions=keys),
    ])
    by_id = {e.id: (e, ms) for e, ms in again}
    new_id = review.split_id(a.id, keys)
    assert new_id in by_id and a.id in by_id
    assert sorted(mention_key(m) for m in by_id[new_id][1]) == keys
    assert len(by_id[a.id][1]) == len(ams)
    assert by_id[new_id][0].date is not None
    assert by_id[new_id][0].date.start == dt.date(2020, 3, 14)


def test_actions_are_validated() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        review.SetFigure(reviewer="ana", kind="fatalities", value=3, low=5)
    with pytest.raises(ValidationError):
        review.SetType(reviewer="ana", sub_event_type="Picnic")
    with pytest.raises(ValidationError):
        review.SetPlace(reviewer="ana", name="x", lat=100, lon=0)
    with pytest.raises(ValidationError):
        review.SetFigure(reviewer="", kind="fatalities", value=3)


def test_live_review_history_and_rerun(seeds_store_url: str, seeds_dir: Path) -> None:
    store = Store(seeds_store_url)
    try:
        ev_id = next(e.id for e in store.load_merged().events
                     if e.date and e.date.start == dt.date(2020, 3, 11)
                     and e.location and "Taji" in e.location.name)
        rec = review.add_review(store, ev_id, {
            "action": "set_figure", "kind": "munitions_fired", "value": 33,
            "reviewer": "ana", "reason": "the launcher held 33 fired tubes"})
        assert rec.id >= 1 and rec.created_at.tzinfo is not None
        now = {e.id: e for e in store.load_merged().events}[ev_id]
        assert now.figures["munitions_fired"].value == 33  # shown at once
        with pytest.raises(review.ReviewError):
            review.add_review(store, ev_id, {"action": "reject_claim", "kind": "injured",
                                             "doc_id": "x", "quote": "no such words",
                                             "reviewer": "ana"})
        with pytest.raises(review.ReviewError):
            review.add_review(store, "ev_nothing", {"action": "set_type", "reviewer": "ana",
                                                    "sub_event_type": "Other"})
        hist = review.history(store, ev_id)
        assert [(h.action, h.reviewer) for h in hist] == [("set_figure", "ana")]
    finally:
        store.close()

    # A re-run over the same store rebuilds the events and replays the review.
    pipeline.run([str(seeds_dir)], None, db=seeds_store_url)
    store = Store(seeds_store_url)
    try:
        again = {e.id: e for e in store.load_merged().events}[ev_id]
        assert again.figures["munitions_fired"].value == 33
        review.reapply(store)  # replaying on top of a replay changes nothing
        again = {e.id: e for e in store.load_merged().events}[ev_id]
        assert again.figures["munitions_fired"].value == 33
        assert [h.reason for h in review.history(store, ev_id)] == [
            "the launcher held 33 fired tubes"]
    finally:
        store.close()


def test_live_merge_is_kept_as_alias(seeds_store_url: str, seeds_dir: Path) -> None:
    store = Store(seeds_store_url)
    try:
        events = store.load_merged().events
        a = next(e for e in events if e.date and e.date.start == dt.date(2020, 3, 11)
                 and e.location and "Taji" in e.location.name)
        b = next(e for e in events if e.date and e.date.start == dt.date(2020, 3, 14))
        review.add_review(store, a.id, {"action": "merge", "other": b.id, "reviewer": "bo"})
        after = {e.id: e for e in store.load_merged().events}
        assert b.id not in after
        assert len(after[a.id].mentions) == len(a.mentions) + len(b.mentions)
        hist = review.history(store, b.id)  # the absorbed id still finds its history
        assert [h.action for h in hist] == ["merge"]
        assert hist[0].payload["other_mentions"]
    finally:
        store.close()
    pipeline.run([str(seeds_dir)], None, db=seeds_store_url)  # the merge survives a re-run
    store = Store(seeds_store_url)
    try:
        again = {e.id: e for e in store.load_merged().events}
        assert a.id in again
        assert len(again[a.id].mentions) == len(a.mentions) + len(b.mentions)
        assert not any(e.date and e.date.start == dt.date(2020, 3, 14) for e in again.values()
                       if e.id != a.id)
    finally:
        store.close()


def test_live_split_survives_rerun(seeds_store_url: str, seeds_dir: Path) -> None:
    store = Store(seeds_store_url)
    try:
        ev = next(e for e in store.load_merged().events
                  if e.date and e.date.start == dt.date(2020, 3, 11)
                  and e.location and "Taji" in e.location.name)
        last_doc = ev.mentions[-1].doc_id
        keys = [f"{m.doc_id}:{m.start}:{m.end}" for m in ev.mentions if m.doc_id == last_doc]
        assert 0 < len(keys) < len(ev.mentions)
        with pytest.raises(review.ReviewError):  # all of its reports: nothing left
            review.add_review(store, ev.id, {"action": "split", "reviewer": "cy", "mentions": [
                f"{m.doc_id}:{m.start}:{m.end}" for m in ev.mentions]})
        review.add_review(store, ev.id, {"action": "split", "mentions": keys,
                                         "reviewer": "cy", "reason": "a later attack"})
        new_id = review.split_id(ev.id, keys)
        now = {e.id: e for e in store.load_merged().events}
        assert {m.doc_id for m in now[new_id].mentions} == {last_doc}
        assert len(now[ev.id].mentions) == len(ev.mentions) - len(keys)
    finally:
        store.close()
    pipeline.run([str(seeds_dir)], None, db=seeds_store_url)
    store = Store(seeds_store_url)
    try:
        again = {e.id: e for e in store.load_merged().events}
        assert new_id in again and ev.id in again
        assert len(again[ev.id].mentions) == len(ev.mentions) - len(keys)
        assert [h.action for h in review.history(store, new_id)] == ["split"]
    finally:
        store.close()
