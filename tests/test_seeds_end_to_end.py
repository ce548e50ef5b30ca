"""Issue 7 on the real pipeline: the five seed articles, from raw files to events.json.

The pipeline runs once for this module (real ingest, cleaning, dating, spaCy, places,
actors and event extraction, then merge, reconcile, link and stories). Events are found
by what they are (date, type, place), never by id. Where the extractor upstream of merge
is still wrong, the assertion is marked xfail with the precise reason; it is not weakened.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wiredesk.models import Event, Relation, Result

CAUSAL = {"retaliation_for", "response_to", "caused_by"}


@pytest.fixture(scope="module")
def result(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Result:
    from wiredesk import pipeline

    out = tmp_path_factory.mktemp("seeds_e2e")
    res = pipeline.run([str(seeds_dir)], out)
    assert not res.errors, res.errors
    return res


def _on(ev: Event, day: dt.date) -> bool:
    return ev.date is not None and ev.date.start <= day <= ev.date.end


def _one(events: list[Event], what: str) -> Event:
    assert len(events) == 1, f"{what}: expected one event, got {len(events)}: " + "; ".join(
        e.summary for e in events
    )
    return events[0]


def _strike(ev: Event) -> bool:
    return ev.sub_event_type == "Air/drone strike"


def _rocket_attack(ev: Event) -> bool:
    return ev.event_type == "Explosions/Remote violence" and not _strike(ev)


def taji_11(res: Result) -> Event:
    return _one(
        [e for e in res.events if _on(e, dt.date(2020, 3, 11)) and _rocket_attack(e)
         and e.location is not None and "Taji" in e.location.name],
        "Taji attack of 11 March",
    )


def taji_14(res: Result) -> Event:
    return _one(
        [e for e in res.events if _on(e, dt.date(2020, 3, 14)) and _rocket_attack(e)
         and e.date is not None and e.date.start == e.date.end],
        "rocket attack of 14 March",
    )


def strikes_13(res: Result) -> Event:
    return _one([e for e in res.events if _on(e, dt.date(2020, 3, 13)) and _strike(e)
                 and e.date is not None and e.date.start == e.date.end],
                "US strikes of 13 March")


def strikes_29_dec(res: Result) -> Event:
    return _one([e for e in res.events if _on(e, dt.date(2019, 12, 29)) and _strike(e)
                 and e.date is not None and e.date.precision == "day"],
                "US strikes of 29 December")


def kirkuk(res: Result) -> Event:
    return _one([e for e in res.events if e.location is not None
                 and e.location.name == "Kirkuk" and _on(e, dt.date(2019, 12, 27))],
                "Kirkuk attack of 27 December")


def drone_3_jan(res: Result) -> Event:
    return _one([e for e in res.events if _on(e, dt.date(2020, 1, 3)) and _strike(e)
                 and e.date is not None and e.date.precision == "day"],
                "drone strike of 3 January")


def missiles_8_jan(res: Result) -> Event:
    return _one([e for e in res.events if _on(e, dt.date(2020, 1, 8)) and _rocket_attack(e)
                 and e.date is not None and e.date.precision == "day"],
                "Iran's missiles of 8 January")


def _quotes(ev: Event) -> list[str]:
    return [m.quote for m in ev.mentions]


def _rel(res: Result, source: Event, target: Event) -> list[Relation]:
    return [r for r in res.relations if r.source == source.id and r.target == target.id]


# --- merge -----------------------------------------------------------------------------


def test_taji_11_march_is_one_event_from_all_five_documents(result: Result) -> None:
    ev = taji_11(result)
    assert {m.doc_id for m in ev.mentions} == {d.id for d in result.documents}


def test_taji_holds_no_other_event_and_no_generic_clause(result: Result) -> None:
    # Retold earlier events (the December attack, Iran's January missiles) and generic
    # clauses ("the deadliest to target ... since") stay out of the Taji cluster.
    for q in _quotes(taji_11(result)):
        assert "December" not in q and "ballistic" not in q and "cruise" not in q, q
        assert not q.lstrip().lower().startswith("to "), q


def test_taji_14_march_is_a_separate_event(result: Result) -> None:
    assert taji_14(result).id != taji_11(result).id


def test_strikes_near_abu_kamal_on_11_march_stay_apart_from_13_march(result: Result) -> None:
    kamal = [e for e in result.events if _strike(e) and e.location is not None
             and e.location.name == "Abu Kamal"]
    assert kamal and all(_on(e, dt.date(2020, 3, 11)) for e in kamal)
    assert strikes_13(result).id not in {e.id for e in kamal}


def test_bombing_after_kirkuk_is_the_29_december_strikes(result: Result) -> None:
    # "Following that rocket attack, the Americans responded by bombing a Hezbollah
    # headquarters": the December strikes, not the 3 January drone strike it led to.
    dec = strikes_29_dec(result)
    assert any("Hezbollah headquarters" in q for q in _quotes(dec))
    assert not any("Hezbollah headquarters" in q for q in _quotes(drone_3_jan(result)))
    assert len({m.doc_id for m in dec.mentions}) >= 2


def embassy(res: Result) -> Event:
    return _one([e for e in res.events if e.event_type in ("Protests", "Riots")
                 and e.location is not None and "Embassy" in e.location.name],
                "embassy demonstration of 31 December")


def test_air_strikes_that_sparked_the_embassy_protest_are_the_29_december_strikes(
    result: Result,
) -> None:
    # 001: "America launched air strikes against Kataib Hezbollah, which sparked
    # demonstrations at the ... Embassy": the protest is the 31 December one, so these
    # strikes came before it and are not the 3 January drone strike told next.
    dec = strikes_29_dec(result)
    assert any("air strikes against" in q for q in _quotes(dec))
    assert not any("air strikes against" in q for q in _quotes(drone_3_jan(result)))
    assert len({m.doc_id for m in dec.mentions}) == 4


def test_a_state_strikes_through_its_forces_not_its_government(result: Result) -> None:
    # "America launched air strikes" and "U.S. forces launched airstrikes": one actor.
    for ev in (strikes_29_dec(result), drone_3_jan(result), strikes_13(result)):
        perps = [a.name for a in ev.actors if a.role == "perpetrator"]
        assert perps == ["Military Forces of the United States"], (ev.summary, perps)


def test_embassy_demonstrations_and_storming_are_one_riot(result: Result) -> None:
    # The "demonstrations" at the embassy (001) are the crowd that stormed its entrances
    # (002) and besieged it (000): one gathering, coded by the violence reported.
    ev = embassy(result)
    assert (ev.event_type, ev.sub_event_type) == ("Riots", "Violent demonstration")
    assert ev.date is not None and ev.date.start == ev.date.end == dt.date(2019, 12, 31)
    assert any("demonstrations" in q for q in _quotes(ev))
    assert any("storming" in q for q in _quotes(ev))
    assert len({m.doc_id for m in ev.mentions}) == 3


def test_troop_surge_and_air_defence_deployment_stay_apart(result: Result) -> None:
    """The troops sent to the Middle East after the drone strike (told in passing on 13
    March) and the air defences sent to Iraq in March are two decisions, though both are
    undated deployments by the US in the same story."""
    def quoting(*words: str) -> list[Event]:
        return [e for e in result.events if e.event_type == "Strategic developments"
                and any(all(w in m.quote.lower() for w in words) for m in e.mentions)]

    troops = _one(quoting("deploy", "troops"), "troop surge")
    air = _one(quoting("air defense", "deployed"), "air-defence deployment")
    assert troops.id != air.id
    # both dated relative to their articles: "earlier this year" (13 March) and a present
    # perfect in the paper of 29 March; neither as precise as a day
    assert troops.date is not None and troops.date.precision in {"month", "year"}
    assert troops.date.start == dt.date(2020, 1, 1) and troops.date.end <= dt.date(2020, 3, 13)
    assert air.date is not None and air.date.precision == "month"
    assert air.date.start <= dt.date(2020, 3, 25) <= air.date.end == dt.date(2020, 3, 29)
    assert air.location is not None and air.location.country_code == "IQ"


def test_embassy_drawdown_is_placed_at_the_embassy(result: Result) -> None:
    # "The U.S. Embassy in Baghdad also said late Thursday that it had ordered
    # nonessential personnel to leave Iraq" (004): the speaker is the mission drawn down
    ev = _one([e for e in result.events if e.sub_event_type == "Other"
               and _on(e, dt.date(2020, 3, 26))], "drawdown of 26 March")
    assert ev.location is not None and ev.location.country_code == "IQ"
    assert "Embassy" in ev.location.name and ev.location.precision == 1


def test_embassy_riot_answers_the_29_december_strikes(result: Result) -> None:
    rels = _rel(result, embassy(result), strikes_29_dec(result))
    assert any(r.type in CAUSAL for r in rels)
    # "A, which sparked B" (001) and "A, which led to B" (000) are evidence too.
    quotes = [e.quote for r in rels for e in r.evidence]
    assert any("sparked" in q for q in quotes) and any("led to" in q for q in quotes)


def test_drone_strike_follows_from_the_29_december_strikes(result: Result) -> None:
    # 003: "U.S. retaliatory strikes after the rocket attack in Kirkuk ... kicked off a
    # series of back-and-forth attacks ..., leading to a drone strike".
    rels = _rel(result, drone_3_jan(result), strikes_29_dec(result))
    assert any(r.type == "caused_by" for r in rels)


# --- reconcile ---------------------------------------------------------------------------


def test_taji_fatalities_three_agreed(result: Result) -> None:
    fat = taji_11(result).figures["fatalities"]
    assert fat.value == 3 and fat.status == "agreed"
    assert fat.low == 3 and fat.high == 3
    assert sum(c.value == 3 for c in fat.claims) >= 4


def test_taji_munitions_fired_conflict_30_33_57(result: Result) -> None:
    fired = taji_11(result).figures["munitions_fired"]
    assert fired.status == "conflict"
    assert {c.value for c in fired.claims} == {30, 33, 57}
    assert all(c.quote for c in fired.claims)
    assert fired.low == 30 and fired.high == 57


def test_taji_injured_conflict_12_14(result: Result) -> None:
    inj = taji_11(result).figures["injured"]
    assert inj.status == "conflict"
    assert {c.value for c in inj.claims} == {12, 14}
    assert all(c.quote for c in inj.claims)


def test_taji_munitions_landed_ranges_agree_on_18(result: Result) -> None:
    # "at least 18", "12 to 18" and "18" can all be true.
    landed = taji_11(result).figures["munitions_landed"]
    assert landed.status == "agreed" and landed.value == 18
    assert len(landed.claims) == 3


def test_iran_missiles_cruise_against_ballistic_conflict(result: Result) -> None:
    ev = missiles_8_jan(result)
    weapon = ev.categories["weapon"]
    assert weapon.status == "conflict"
    assert ("cruise missile", "ballistic missile") in weapon.conflicts or (
        "ballistic missile", "cruise missile") in weapon.conflicts
    assert all(c.quote for c in weapon.claims)
    assert "weapon: reports disagree" in ev.summary
    # 16 satisfies "more than a dozen": the counts agree, the kinds do not.
    fired = ev.figures["munitions_fired"]
    assert {c.value for c in fired.claims} == {16, 13}
    assert fired.status == "agreed" and fired.value == 16


# --- link ----------------------------------------------------------------------------


def test_us_strikes_of_13_march_retaliate_for_taji(result: Result) -> None:
    rels = _rel(result, strikes_13(result), taji_11(result))
    assert any(r.type == "retaliation_for" for r in rels)
    assert all(e.quote for r in rels for e in r.evidence)


def test_us_strikes_of_29_december_retaliate_for_kirkuk(result: Result) -> None:
    rels = _rel(result, strikes_29_dec(result), kirkuk(result))
    assert any(r.type == "retaliation_for" for r in rels)


def test_iran_missiles_retaliate_for_the_drone_strike(result: Result) -> None:
    rels = _rel(result, missiles_8_jan(result), drone_3_jan(result))
    assert any(r.type == "retaliation_for" for r in rels)


def test_no_spurious_causal_link_between_iran_missiles_and_taji(result: Result) -> None:
    a, b = missiles_8_jan(result), taji_11(result)
    assert not [r for r in result.relations if r.type in CAUSAL
                and {r.source, r.target} == {a.id, b.id}]


def test_relations_never_point_forward_in_time(result: Result) -> None:
    by_id = {e.id: e for e in result.events}
    docs = {d.id for d in result.documents}
    for r in result.relations:
        s, t = by_id[r.source], by_id[r.target]
        if s.date and t.date:
            assert t.date.start <= s.date.end, (s.summary, r.type, t.summary)
        assert r.evidence and all(e.doc_id in docs and e.quote for e in r.evidence)


# --- entities and stories ------------------------------------------------------------------


def _entity(res: Result, name_part: str) -> list[str]:
    found = [e for e in res.entities if name_part.lower() in e.name.lower()]
    assert found, f"no entity named like {name_part!r}"
    return [a for e in found for a in (e.name, *e.aliases)]


def test_kataib_hezbollah_aliases(result: Result) -> None:
    aliases = " | ".join(_entity(result, "Kataib Hezbollah"))
    for spelling in ("Kataib Hezbollah", "Kataeb Hezbollah", "Kitaeb Hezbollah",
                     "Iraqi Hezbollah"):
        assert spelling in aliases, spelling


def test_soleimani_spellings(result: Result) -> None:
    aliases = " | ".join(_entity(result, "Soleimani"))
    for spelling in ("Qassem Soleimani", "Qasem Soleimani", "Qassim Suleimani"):
        assert spelling in aliases, spelling


def test_pmf_alias(result: Result) -> None:
    assert "PMF" in _entity(result, "Popular Mobilization")


def test_every_document_in_exactly_one_story(result: Result) -> None:
    seen = [d for s in result.stories for d in s.doc_ids]
    assert sorted(seen) == sorted(d.id for d in result.documents)
    taji = taji_11(result).id
    assert any(s.event_ids and s.event_ids[0] == taji for s in result.stories)


def test_taji_retold_as_a_similar_attack_joins_taji(result: Result) -> None:
    assert any("killing three soldiers" in q for q in _quotes(taji_11(result)))


def _roles_of(ev: Event, name: str) -> set[str]:
    return {a.role for a in ev.actors if a.name == name}


def test_8_january_injured_are_the_salvos_own_figure(result: Result) -> None:
    # 002: "launched ballistic missiles at two military bases in Iraq ... more than 100
    # service members suffered concussive injuries"; 003: "... hit bases housing U.S.
    # troops ..., causing more than 100 traumatic brain injuries". One salvo placed in
    # Iraq, so the concussions are its own injured figure, not a total over attacks.
    ev = missiles_8_jan(result)
    inj = ev.figures.get("injured")
    assert inj is not None and inj.low == 101
    assert len(inj.claims) == 2
    # "No U.S. or Iraqi troops were killed": no Iraqi victim from a denied toll
    assert not _roles_of(ev, "Military Forces of Iraq")
    assert _roles_of(ev, "Military Forces of Iran") == {"perpetrator"}


def test_roles_of_the_background_events(result: Result) -> None:
    # 002: "airstrikes on five sites ... affiliated with the militia Kitaeb Hezbollah"
    assert "target" in _roles_of(strikes_29_dec(result), "Kataib Hezbollah")
    # 002: "Militia members and supporters responded by storming entrances ..."
    assert _roles_of(embassy(result), "Kataib Hezbollah") == {"perpetrator"}
    # 001: "a base housing United States and other coalition troops"
    t14 = taji_14(result)
    assert _roles_of(t14, "Military Forces of the United States") == {"target"}
    assert not _roles_of(t14, "Government of the United States")
    # 003: "Qayara in November ... Both attacks used civilian trucks outfitted with
    # improvised launchers": remote violence, not violence against civilians
    qayara = _one([e for e in result.events if e.location is not None
                   and "Qay" in e.location.name], "Qayara attack of November")
    assert qayara.sub_event_type == "Shelling/artillery/missile attack"
    assert not _roles_of(qayara, "Kataib Hezbollah")  # blamed for Taji, not Qayara
