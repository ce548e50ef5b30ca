"""Relations between the seed events, with evidence and direction."""

from __future__ import annotations

from test_merge import AIR, RIOT, _at, all_seed_mentions, day, documents, seed_mentions

from wiredesk.link import link
from wiredesk.merge import build_events


def _named() -> tuple[dict[str, str], list]:
    gold = {m.id: n for n, ms in seed_mentions().items() for m in ms}
    events = build_events(all_seed_mentions(), documents())
    names = {}
    for ev, ms in events:
        (name,) = {gold[m.id] for m in ms}
        names[ev.id] = name
    return names, link(events, documents())


def _pairs() -> set[tuple[str, str, str]]:
    names, rels = _named()
    return {(names[r.source], r.type, names[r.target]) for r in rels}


def test_us_strikes_retaliate_for_taji() -> None:
    assert ("us_strikes_13_march", "retaliation_for", "taji_11_march") in _pairs()


def test_december_strikes_retaliate_for_kirkuk() -> None:
    assert ("us_strikes_29_december", "retaliation_for", "kirkuk_27_december") in _pairs()


def test_iran_missiles_retaliate_for_the_drone_strike() -> None:
    assert ("iran_missiles_8_january", "retaliation_for", "drone_strike_3_january") in _pairs()


def test_no_relation_points_backwards_in_time_and_evidence_is_quoted() -> None:
    names, rels = _named()
    events = {e.id: e for e, _ in build_events(all_seed_mentions(), documents())}
    docs = documents()
    for r in rels:
        s, t = events[r.source], events[r.target]
        if s.date and t.date:
            assert t.date.start <= s.date.end, (names[r.source], r.type, names[r.target])
        for e in r.evidence:
            assert e.quote in docs[e.doc_id].text


def test_follows_orders_the_chain() -> None:
    pairs = _pairs()
    assert ("us_strikes_29_december", "follows", "kirkuk_27_december") in pairs


def test_a_cause_cue_after_the_trigger_makes_the_next_clause_react() -> None:
    # 000: "the Americans responded by bombing a Hezbollah headquarters ..., which led to
    # a siege of the US embassy": the siege answers the bombing, not the other way round.
    docs = documents()
    text = next(d.text for d in docs.values() if d.id.startswith("000"))
    k = text.find("the Americans responded by bombing")
    end = text.find(". ", k)
    bombing = _at("000", text[k:end], AIR, day(2019, 12, 29)).model_copy(
        update={"trigger": "bombing"})
    siege = _at("000", "a siege of the US embassy", RIOT, day(2019, 12, 31))
    events = build_events([bombing, siege], docs)
    assert len(events) == 2
    by_quote = {ms[0].quote: ev.id for ev, ms in events}
    rels = [(r.source, r.target) for r in link(events, docs) if r.type != "follows"]
    assert rels == [(by_quote[siege.quote], by_quote[bombing.quote])]
