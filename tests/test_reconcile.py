"""Figure and category reconciliation on the seed events (mentions built in test_merge)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_merge import all_seed_mentions, documents, seed_mentions, sentence

from wiredesk.merge import build_events
from wiredesk.models import Document, FigureClaim
from wiredesk.reconcile import (
    _targets,
    parts_of_one_report,
    reconcile_categories,
    reconcile_figure,
    weapons_clash,
)


def _taji() -> dict:
    gold = {m.id: n for n, ms in seed_mentions().items() for m in ms}
    for ev, ms in build_events(all_seed_mentions(), documents()):
        if {gold[m.id] for m in ms} == {"taji_11_march"}:
            return ev.figures
    raise AssertionError("no Taji event")


def test_taji_munitions_fired_conflict_with_every_claim() -> None:
    fired = _taji()["munitions_fired"]
    assert fired.status == "conflict"
    assert {c.value for c in fired.claims} == {30, 33, 57}
    assert all(c.quote for c in fired.claims)
    assert fired.low == 30 and fired.high == 57
    assert fired.rule


def test_taji_injured_conflict_and_fatalities_agreed() -> None:
    figs = _taji()
    assert figs["injured"].status == "conflict"
    assert {c.value for c in figs["injured"].claims} == {12, 14}
    assert figs["fatalities"].status == "agreed" and figs["fatalities"].value == 3


def test_open_and_closed_ranges_are_not_conflicts() -> None:
    # "at least 18 hit", "12 to 18 landed" and "18 landed" can all be true.
    landed = _taji()["munitions_landed"]
    assert landed.status == "agreed"
    assert landed.value == 18


def _claim(value: int, doc: str, quote: str, low: int | None = None,
           high: int | None = None) -> FigureClaim:
    return FigureClaim(kind="fatalities", value=value, low=low, high=high, quote=quote,
                       doc_id=doc, start=0, end=len(quote))


def test_wire_copies_count_as_one_source() -> None:
    # The same seed sentence republished by two outlets: one source, so "single".
    quote = seed_mentions()["taji_11_march"][0].quote
    fig = reconcile_figure("fatalities", [_claim(3, "a", quote), _claim(3, "b", quote)], {})
    assert fig.status == "single"
    assert len(fig.claims) == 2


def test_rising_toll_is_a_revision_and_fatalities_take_the_conservative_figure() -> None:
    quote = seed_mentions()["taji_11_march"][0].quote
    docs = {
        "a": Document(id="a", path="a", text="", published=dt.date(2020, 3, 11)),
        "b": Document(id="b", path="b", text="", published=dt.date(2020, 3, 12)),
    }
    later = seed_mentions()["taji_11_march"][-3].quote + " The toll rose overnight."
    fig = reconcile_figure("fatalities", [_claim(2, "a", quote), _claim(3, "b", later)], docs)
    assert fig.status == "agreed" and fig.value == 3 and fig.rule == "revision:latest-toll"
    # Without words of revision the two cannot both be true: conflict, most conservative.
    fig = reconcile_figure("fatalities", [_claim(2, "b", quote), _claim(5, "a", "x y z")], docs)
    assert fig.status == "conflict" and fig.value == 2


def test_iran_missiles_cruise_against_ballistic_is_a_conflict() -> None:
    cats = reconcile_categories(seed_mentions()["iran_missiles_8_january"])
    weapon = cats["weapon"]
    assert weapon.status == "conflict"
    assert set(weapon.values) == {"cruise missile", "ballistic missile"}
    assert all(c.quote for c in weapon.claims)
    assert weapons_clash("cruise missiles", "ballistic missile")
    assert not weapons_clash("Katyusha rocket", "107-mm Katyusha rocket")
    assert not weapons_clash("rocket", "drone")


def test_what_the_strikes_hit_is_a_conflict_between_attributed_sources() -> None:
    cats = reconcile_categories(seed_mentions()["us_strikes_13_march"])
    hit = cats["target_hit"]
    assert hit.status == "conflict"
    assert "weapons storage" in hit.values
    assert "military and police posts" in hit.values


def test_partial_counts_bound_the_total_from_below() -> None:
    # A claim that singles out victims ("also killed a soldier", a named general) is a
    # part of the total, not an alternative total: no conflict, best is the total.
    from wiredesk.reconcile import is_partial

    part = _claim(1, "c", "killed a soldier")
    assert is_partial(part, "The earlier attack also ")
    assert not is_partial(_claim(3, "a", "killed two soldiers and a medic"))
    assert not is_partial(_claim(0, "a", "killed no one"))
    fig = reconcile_figure(
        "fatalities",
        [_claim(3, "a", "three soldiers"), _claim(3, "b", "two soldiers and a medic"), part],
        {}, ["Rockets killed three soldiers.", "It killed two soldiers and a medic.",
             "The earlier attack also killed a soldier."],
    )
    assert fig.status == "agreed" and fig.value == 3 and (fig.low, fig.high) == (3, 3)
    # Only partial counts: agreed on the largest, open above.
    fig = reconcile_figure("fatalities", [_claim(1, "a", "killed the general"),
                                          _claim(2, "b", "killed the general and his aide")],
                           {})
    assert fig.status == "agreed" and fig.value == 2 and fig.high is None


def test_house_as_a_verb_is_no_residential_target() -> None:
    # 003: storage facilities "used ... to house weapons" were hit, not homes.
    quote, _, _ = sentence("003", "The strikes targeted five storage facilities")
    assert _targets(quote) == ["weapons storage"]
    assert _targets("The strike hit two houses in the village") == ["residential buildings"]


def test_a_reports_smaller_counts_beside_its_total_are_parts() -> None:
    """One report's total and, sentences later, the toll of one of its districts are no
    conflict; two named sources of one report that differ, a count under a tenth of the
    larger, and two counts of one sentence stay totals."""
    total = "13 civilians were killed on Friday in rocket attacks on Aleppo."
    district = "9 persons were killed when terrorists targeted al-Sulimaniah."
    a = _claim(13, "r", "13 civilians were killed")
    b = _claim(9, "r", "9 persons were killed")
    assert parts_of_one_report([a, b], [total, district], [False, False]) == [False, True]
    fig = reconcile_figure("fatalities", [a, b], {}, [total, district])
    assert fig.status == "single" and fig.value == 13 and fig.low == 13
    named = [a.model_copy(update={"attributed_to": "the Observatory"}),
             b.model_copy(update={"attributed_to": "state media"})]
    assert parts_of_one_report(named, [total, district], [False, False]) == [False, False]
    war = _claim(300000, "r", "300000 people")
    assert parts_of_one_report([war, b], ["x", district], [False, False]) == [False, False]
    assert parts_of_one_report([a, b], [total, total], [False, False]) == [False, False]
    # Two reports: still a conflict.
    other = b.model_copy(update={"doc_id": "s"})
    assert reconcile_figure("fatalities", [a, other], {}, [total, district]).status == (
        "conflict")


def test_fakes_district_tolls_of_one_report_are_no_conflict() -> None:
    """FA-KES: SANA's "13 civilians killed 43 others injured due to terrorist rocket
    attacks" then "9 persons were killed and 28 others were injured" in two of the
    districts: the event's toll is 13, single-sourced, not a 9-13 conflict."""
    from seedfacts import fakes_rows

    import wiredesk

    row = next((r for r in fakes_rows() if "9 persons were killed and 28 others"
                in r["article_content"]), None)
    if row is None:
        pytest.skip("the report is not in this split of FA-KES")
    result = wiredesk.analyze(row["article_content"], title=row["article_title"])
    tolls = [e.figures["fatalities"] for e in result.events if "fatalities" in e.figures
             and any(c.value == 13 for c in e.figures["fatalities"].claims)]
    assert tolls
    for fig in tolls:
        assert fig.status != "conflict" and fig.value == 13, fig
