"""Event typing, figures, weapons on real sentences from the seeds and the CASE corpus."""

from __future__ import annotations

import csv
import re

import pytest
from seedfacts import SHARED, fakes_rows

from wiredesk.events import classify
from wiredesk.events.figures import find_figures, launcher_fired, read_quantity, tokenize
from wiredesk.events.taxonomy import (
    CASE_LABELS,
    EVENT_TYPES,
    SUB_EVENT_TYPES,
    case_label_to_acled,
    plover,
)
from wiredesk.events.weapons import find_weapons, weapon_names

CASE = SHARED / "data" / "case2021" / "task2_snippets.tsv"


def _seeds() -> dict[str, str]:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"seed articles not found at {seeds}")
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))}


def _sentence(text: str, pattern: str) -> str:
    """The sentence of ``text`` that matches ``pattern``."""
    # no break after "U.S." or "Gen." / "Dec." / "Cpl."
    for sent in re.split(r"(?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z][a-z]\.)(?<!\b[A-Z][a-z]{2}\.)"
                         r"(?<=[.!?])\s+|\n+", text):
        if re.search(pattern, sent):
            return sent
    raise AssertionError(f"no sentence matches {pattern!r}")


def _case_rows() -> list[tuple[str, str]]:
    if not CASE.exists():
        pytest.skip(f"CASE 2021 snippets not found at {CASE}")
    with CASE.open(encoding="utf-8", newline="") as fh:
        return [(r["EventSnippet"], r["SubType"]) for r in csv.DictReader(fh, delimiter="\t")]


def _figs(sentence: str) -> dict[str, tuple[int, int | None, int | None]]:
    return {f.kind: (f.value, f.low, f.high) for f in find_figures(sentence, "d")}


# --- taxonomy -----------------------------------------------------------------------


def test_taxonomy_matches_acled_names() -> None:
    assert len(EVENT_TYPES) == 6 and len(SUB_EVENT_TYPES) == 25
    assert SUB_EVENT_TYPES["Shelling/artillery/missile attack"] == "Explosions/Remote violence"
    assert SUB_EVENT_TYPES["Air/drone strike"] == "Explosions/Remote violence"
    assert plover("Arrests") == "COERCE" and plover("Peaceful protest") == "PROTEST"
    assert set(CASE_LABELS.values()) == set(SUB_EVENT_TYPES)
    assert case_label_to_acled("NATURAL_DISASTER") is None
    assert case_label_to_acled("ART_MISS_ATTACK") == "Shelling/artillery/missile attack"


# --- quantities and figures on seed sentences -----------------------------------------


def test_quantities_as_intervals() -> None:
    def q(text: str) -> tuple[int, int | None, int | None]:
        got = read_quantity(tokenize(text), 0)
        assert got is not None, text
        return got.value, got.low, got.high

    assert q("at least 18") == (18, 18, None)
    assert q("12 to 18") == (12, 12, 18)
    assert q("more than a dozen") == (13, 13, None)
    assert q("dozens") == (12, 12, None)
    assert q("Twelve to 18") == (12, 12, 18)
    assert q("twenty-five") == (25, 25, 25)
    # a vague count of a scale counts the scale ("hundreds of thousands" read 100)
    assert q("hundreds of thousands") == (100_000, 100_000, None)
    assert q("more than tens of thousands") == (10_000, 10_000, None)
    assert q("thousands of people") == (1000, 1000, None)
    assert q("hundreds of the wounded") == (100, 100, None)
    # "a million" is a million, not one person
    assert q("a million") == (1_000_000, 1_000_000, 1_000_000)
    assert q("more than a quarter of a million") == (250_001, 250_001, None)
    assert q("half a million") == (500_000, 500_000, 500_000)
    assert q("several hundred") == (300, 300, None)
    assert q("1.5 million") == (1_500_000, 1_500_000, 1_500_000)
    assert read_quantity(tokenize("2.5 km"), 0) is None
    assert read_quantity(tokenize("a thousand-year-old church"), 0) is None


def test_figures_of_the_taji_attack_in_seed_000() -> None:
    text = _seeds()["000"]
    lead = _sentence(text, r"discharge of 30 rockets")
    figs = _figs(lead)
    assert figs["munitions_fired"][0] == 30
    assert figs["fatalities"] == (3, 3, 3)  # two US service members and a British citizen
    assert _figs(_sentence(text, r"12 coalition soldiers"))["injured"] == (12, 12, 12)
    assert _figs(_sentence(text, r"107-mm Katyusha rockets were fired"))[
        "munitions_fired"][0] == 30
    landed = find_figures(_sentence(text, r"^Of these, 18 landed"), "d")
    assert [(f.kind, f.value) for f in landed] == [("munitions_landed", 18)]


def test_ranges_and_open_intervals_in_seeds() -> None:
    seeds = _seeds()
    milley = _sentence(seeds["002"], r"Twelve to 18 rockets landed")
    figs = _figs(milley)
    assert figs["munitions_landed"] == (12, 12, 18)
    assert figs["injured"] == (14, 14, 14)  # "wounding 14 people, including five seriously"
    assert _figs(_sentence(seeds["001"], r"more than a dozen rockets"))[
        "munitions_landed"] == (13, 13, None)
    assert _figs(_sentence(seeds["001"], r"At least two Iraqi soldiers"))[
        "injured"] == (2, 2, None)
    assert _figs(_sentence(seeds["003"], r"At least 18 107 mm"))["munitions_landed"] == (
        18, 18, None)


def test_sums_names_and_zero_counts() -> None:
    seeds = _seeds()
    s = _sentence(seeds["001"], r"air strikes killed five members")
    assert _figs(s)["fatalities"] == (6, 6, 6)
    s = _sentence(seeds["002"], r"one British and two U\.S\. service members")
    assert _figs(s)["fatalities"] == (3, 3, 3)
    s = _sentence(seeds["002"], r"No U\.S\. or Iraqi troops were killed")
    got = find_figures(s, "d")
    assert ("fatalities", 0) in [(f.kind, f.value) for f in got]
    assert ("injured", 101) in [(f.kind, f.value) for f in got]
    s = _sentence(seeds["000"], r"did not kill anyone")
    assert _figs(s)["fatalities"] == (0, 0, 0)
    # a named victim counts one; "the Iranian general" after the name is the same man
    s = _sentence(seeds["002"], r"killed Qasem Soleimani")
    name = s.index("Qasem Soleimani")
    got = find_figures(s, "d", 0, [(name, name + len("Qasem Soleimani"))])
    assert [(f.kind, f.value) for f in got] == [("fatalities", 1)]


def test_every_figure_keeps_its_exact_quote() -> None:
    text = _seeds()["003"]
    start = text.index("At least 18 107 mm")
    end = text.index(".", text.index("according to military officials"))
    for f in find_figures(text[start:end], "003", start):
        assert text[f.start:f.end] == f.quote


def test_launcher_minus_unfired_rounds_in_seed_003() -> None:
    text = _seeds()["003"]
    a = _sentence(text, r"36-tube rocket launcher")
    b = _sentence(text, r"Three of the projectiles had not been fired")
    got = launcher_fired(a, b)
    assert got is not None and got[0] == 33


# --- weapons --------------------------------------------------------------------------


def test_weapons_normalized_with_raw_words() -> None:
    seeds = _seeds()
    found = find_weapons(_sentence(seeds["000"], r"107-mm Katyusha rockets were fired"))
    names = [w.name for _, w in found]
    assert "107-mm Katyusha rocket" in names and "rocket launcher" in names
    assert any(w.raw == "makeshift truck launchers" for _, w in found)
    assert weapon_names(_sentence(seeds["002"], r"drone strike near the Baghdad")) == ["drone"]
    assert "ballistic missile" in weapon_names(_sentence(seeds["003"], r"ballistic missiles"))
    assert "cruise missile" in weapon_names(_sentence(seeds["000"], r"16 cruise missiles"))


# --- classify on CASE snippets --------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "cue"),
    [
        ("AIR_STRIKE", r"warplanes"),
        ("SUIC_BOMB", r"suicide bomber"),
        ("GRENADE", r"grenade"),
        ("ARREST", r"arrested"),
        ("CHEM_WEAP", r"chlorine|mustard gas"),
        ("HQ_ESTABLISHED", r"set up a new"),
        ("SEX_VIOL", r"rape"),
        ("PEACE_PROTEST", r"rallied|marched"),
    ],
)
def test_classify_case_snippets(label: str, cue: str) -> None:
    rows = [t for t, lab in _case_rows() if lab == label and re.search(cue, t, re.I)]
    assert rows, f"no {label} snippet with {cue!r}"
    expected = case_label_to_acled(label)
    hits = sum(classify(t) == expected for t in rows)
    assert hits >= max(1, len(rows) * 2 // 3), [
        (t[:80], classify(t)) for t in rows if classify(t) != expected]


@pytest.mark.parametrize(("label", "cue"), [("NATURAL_DISASTER", r"flood|earthquake|volcano"),
                                            ("ORG_CRIME", r"robb")])
def test_non_acled_snippets_are_none(label: str, cue: str) -> None:
    rows = [t for t, lab in _case_rows() if lab == label and re.search(cue, t, re.I)]
    assert rows
    assert sum(classify(t) is None for t in rows) >= max(1, len(rows) * 2 // 3)


def test_classify_seed_leads() -> None:
    seeds = _seeds()
    assert classify(_sentence(seeds["000"], r"discharge of 30 rockets")) == (
        "Shelling/artillery/missile attack")
    assert classify(_sentence(seeds["003"], r"U\.S\. warplanes struck")) == "Air/drone strike"
    assert classify("") is None


# --- figures on Gun Violence Database sentences ----------------------------------------


def _gvdb_sentences(pattern: str, limit: int = 12) -> list[str]:
    path = SHARED / "data" / "gvdb" / "dev.tsv"
    if not path.exists():
        pytest.skip(f"GVDB not found at {path}")
    csv.field_size_limit(1 << 30)
    out: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for sent in re.split(r"(?<=[.!?])\s+", row["Full text"]):
                if re.search(pattern, sent) and len(sent) < 300:
                    out.append(sent)
                    if len(out) >= limit:
                        return out
    return out


# Sentences of one shape, each of which must state the figure: (pattern, sentences of
# that shape to leave out, (kind, value)).
_EACH_STATES = [
    pytest.param(r"\b[Aa] (?:man|woman) was shot and killed\b", None, ("fatalities", 1),
                 id="a man was shot and killed"),
    # "a 22-year-old Summerville man", "a 30-year-old man, who was later identified as
    # ..., was shot and killed": the age is no count and hides no victim
    pytest.param(r"\b[Aa] \d+-year-old (?:[A-Z]\w+ )?(?:man|woman|boy|girl)"
                 r"(?:, [^,]{1,80},)? (?:was|has been) (?:shot and killed|killed)\b", None,
                 ("fatalities", 1), id="victims with an age"),
    # "a 22-year-old man and a 16-year-old boy were shot" is two wounded, not one
    pytest.param(r"\b[Aa]n? (?:\d+-year-old )?(?:man|woman|boy|girl|officer) and "
                 r"an? (?:\d+-year-old )?(?:man|woman|boy|girl|suspect) were shot\b", None,
                 ("injured", 2), id="coordinated single victims"),
    pytest.param(r"\bdouble shooting\b",
                 r"\b(?:dead|died|killed|fatal\w*|deadly|injur\w*|wound\w*|shot)\b",
                 ("injured", 2), id="double shooting"),
    pytest.param(r"\b(?:apparent|a) murder-suicide\b",
                 r"\b(?:dead|died|killed|double|triple|bodies|two|three|\d+)\b",
                 ("fatalities", 2), id="murder-suicide"),
    pytest.param(r"\bfatally shoots (?:man|woman|teen|boy|girl)\b", None, ("fatalities", 1),
                 id="headline fatally shoots"),
]


@pytest.mark.parametrize(("pattern", "leave_out", "expected"), _EACH_STATES)
def test_gvdb_sentences_of_a_shape_state_the_figure(
    pattern: str, leave_out: str | None, expected: tuple[str, int]
) -> None:
    sents = [s for s in _gvdb_sentences(pattern)
             if leave_out is None or not re.search(leave_out, s, re.I)]
    assert sents
    for s in sents:
        assert expected in {(f.kind, f.value) for f in find_figures(s, "g")}, s


def test_gvdb_counts_of_wounded() -> None:
    sents = _gvdb_sentences(r"\b(?:[Tt]wo|[Tt]hree|[Ff]our) (?:people|men|others) were "
                            r"(?:shot|wounded|injured)\b")
    assert sents
    words = {"two": 2, "three": 3, "four": 4}
    for s in sents:
        m = re.search(r"\b(two|three|four) (?:people|men|others) were", s, re.I)
        assert m is not None
        got = {(f.kind, f.value) for f in find_figures(s, "g")}
        assert ("injured", words[m.group(1).lower()]) in got, s


def test_gvdb_left_injured_is_no_death() -> None:
    # "a shooting that left one person with minor injuries" wounds, it does not kill
    sents = _gvdb_sentences(r"\bleft (?:one|a) (?:person|man|woman) (?:with [^.]{0,30}"
                            r"injur|in critical|injured|wounded)")
    assert sents
    for s in sents:
        kinds = {f.kind for f in find_figures(s, "g") if f.value > 0}
        assert "injured" in kinds and "fatalities" not in kinds, s


def _gvdb_matches(pattern: str, limit: int = 12) -> list[str]:
    """The stretches of GVDB article text a pattern matches (for clauses the sentence
    splitter above cuts, such as those holding "Jan. 14")."""
    path = SHARED / "data" / "gvdb" / "dev.tsv"
    if not path.exists():
        pytest.skip(f"GVDB not found at {path}")
    csv.field_size_limit(1 << 30)
    out: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.extend(m.group(0) for m in re.finditer(pattern, row["Full text"]))
            if len(out) >= limit:
                break
    return out[:limit]


def test_gvdb_days_and_children_are_no_victims() -> None:
    # "a Jan. 14 shooting", "the Dec. 17 incident involving the death", "a young mother
    # of three is dead": one death at most, never 14, 17 or 3
    clauses = _gvdb_matches(r"[A-Z][^.]{0,40}\bmother of (?:two|three|four) is dead[^.]*\."
                            r"[^.]*\.|\b(?:Jan|Dec)\. \d+ (?:shooting|incident)[^.]{0,60}")
    assert clauses
    for c in clauses:
        assert all(f.value <= 1 for f in find_figures(c, "g")
                   if f.kind in {"fatalities", "injured"}), c


@pytest.mark.parametrize("pattern", [
    r"^\w+ shot at \w+ dies\b",  # a headline: shot, then dies
    r"\b(?:[Oo]ne|[Aa]) \w+ was (?:\w+ly )?shot and later died\b",
])
def test_gvdb_shot_then_died_is_one_death_not_a_wounded(pattern: str) -> None:
    sents = _gvdb_sentences(pattern)
    assert sents
    for s in sents:
        got = {(f.kind, f.value) for f in find_figures(s, "g")}
        assert ("fatalities", 1) in got and ("injured", 1) not in got, s


def test_gvdb_another_victim_extends_the_list() -> None:
    # "left one person wounded and another injured": "another" is one more victim
    sents = _gvdb_sentences(r"\bleft (?:one|a) (?:man|person) (?:wounded|injured|dead) and "
                            r"another (?:wounded|injured|with\b)")
    assert sents
    for s in sents:
        got = {(f.kind, f.value) for f in find_figures(s, "g")}
        dead = re.search(r"\b(?:one|a) (?:man|person) dead", s) is not None
        assert ("injured", 1 if dead else 2) in got, s


def test_gvdb_so_many_deaths_is_no_count() -> None:
    sents = _gvdb_sentences(r"\bso many (?:deaths|shootings)\b")
    assert sents
    for s in sents:
        assert not any(f.kind == "fatalities" for f in find_figures(s, "g")), s




def test_fighters_storming_a_place_fight_for_it_and_a_mob_riots() -> None:
    """FA-KES: "Islamic State militants stormed an air base" is a clash over the base,
    not a violent demonstration; "a mob stormed the embassy compound" is one."""
    import wiredesk

    rows = fakes_rows()

    def storming(phrase: str) -> set[str]:
        row = next(r for r in rows if phrase in r["article_content"])
        result = wiredesk.analyze(row["article_content"], title=row["article_title"])
        return {e.sub_event_type for e in result.events
                if any(phrase.split()[-1] in m.quote for m in e.mentions)}

    base = storming("militants stormed")
    assert "Armed clash" in base and "Violent demonstration" not in base
    assert "Violent demonstration" in storming("a mob stormed")


def test_a_wars_toll_since_it_began_is_an_aggregate() -> None:
    """FA-KES: "More than 300000 people have been killed in Syria since the conflict
    began in March 2011", "The war has since killed more than 300000 people": the war's
    toll, never one event's dead."""
    _fakes_tolls_are_aggregates(re.compile(
        r"[^.]*\bhave been killed[^.]{0,40}\bsince (?:the|Syrias?) (?:conflict|war)[^.]*|"
        r"[^.]*\bThe (?:ongoing )?war (?:in Syria )?has (?:since )?(?:left|killed)[^.]*"))


def _fakes_tolls_are_aggregates(sentence: re.Pattern[str], least: int = 5) -> None:
    """Every fatality count of the FA-KES sentences ``sentence`` matches is an aggregate
    (and at least ``least`` such sentences count some)."""
    texts = [r["article_content"] for r in fakes_rows()]
    counted = 0
    for s in (m.group(0) for t in texts for m in sentence.finditer(t)):
        dead = [f for f in find_figures(s, "d") if f.kind == "fatalities"]
        assert all(f.aggregate for f in dead), s
        counted += bool(dead)
    assert counted >= least


def test_no_figure_is_no_count_and_a_large_number_is_not_one() -> None:
    """FA-KES: "no figure for the number of people killed", "no immediate details on
    ... those killed" count nobody as dead (no zero toll), and "a large number of
    terrorists were killed" is not one death."""
    texts = [r["article_content"] for r in fakes_rows()]
    unknown = re.compile(r"[^.]*\bno (?:immediate |official |initial )?(?:figure|details|"
                         r"information)\b[^.]*\b(?:killed|casualties|dead)[^.]*", re.I)
    many = re.compile(r"[^.]*\ba large number of \w+ (?:were|have been) (?:killed|wounded)"
                      r"[^.]*", re.I)
    denied = [m.group(0) for t in texts for m in unknown.finditer(t)]
    crowds = [m.group(0) for t in texts for m in many.finditer(t)]
    assert len(denied) >= 3 and len(crowds) >= 3
    for s in denied:
        assert not any(f.value == 0 for f in find_figures(s, "d")), s
    for s in crowds:
        start = s.lower().index("a large number")
        assert not any(f.value == 1 and f.start >= start and f.start < start + 40
                       for f in find_figures(s, "d")), s


def test_others_killed_after_a_toll_are_part_of_it() -> None:
    """FA-KES: after "Russian jets pounded ... killing 26 people", "Fifteen others were
    killed" adds to a toll already told: a partial count, never a rival toll of 15."""
    import wiredesk

    row = next((r for r in fakes_rows()
                if "Fifteen others were killed" in r["article_content"]), None)
    if row is None:
        pytest.skip("the article is not in this split of FA-KES")
    result = wiredesk.analyze(row["article_content"], title=row["article_title"])
    claims = [c for e in result.events for k, f in e.figures.items() if k == "fatalities"
              for c in f.claims]
    assert any(c.value == 26 for c in claims)
    assert not any(c.value == 15 for c in claims)


def test_a_wars_toll_in_a_clause_and_a_campaigns_toll_are_aggregates() -> None:
    """FA-KES: "in a conflict that has killed more than 100000", "230000 people have been
    killed in Syrias multi-front conflict", "Since Thursday bombing has killed 44
    civilians", "313 people died in areas under army siege in the past year", "more than
    7000 people killed across Syria since the UN Security Council passed a resolution":
    tolls of a war, a year or days of bombing, not of the event told."""
    _fakes_tolls_are_aggregates(re.compile(
        r"[^.]*\b(?:(?:conflict|war) (?:that|which) has killed|"
        r"have been killed in Syrias (?:[\w-]+ )?(?:conflict|civil war)|"
        r"Since (?:Monday|Tuesday|Wednesday|Thursday|Friday) [\w ]{0,30}"
        r"(?:has|have) killed|died in [\w ]{0,40}in the past year|"
        r"killed across Syria since)[^.]*"))


def test_an_interventions_toll_is_an_aggregate() -> None:
    """FA-KES: "Russian war planes have killed 4000 civilians since it first intervened
    in Syria", "killed thousands of civilians since Moscow intervened in September 2015",
    "hundreds of civilians killed since the breakdown of a ceasefire": a campaign's toll,
    not the strike the report tells (they were an Aleppo strike's 4000 and 1000 dead)."""
    _fakes_tolls_are_aggregates(re.compile(
        r"[^.]*\bkilled [^.]{0,40}since (?:[\w\-]+ ){1,3}?intervened[^.]*|"
        r"[^.]*\bkilled since the (?:breakdown|collapse|start) of[^.]*"), least=3)


def test_a_toll_of_a_war_scale_is_an_aggregate() -> None:
    """FA-KES: "a million people have been killed", "hundreds of thousands of people have
    been killed" with no word of the war's span: tolls of 50,000 or more are a war's,
    never one attack's; an attack's toll in the same reports stays a count of its own."""
    texts = [r["article_content"] for r in fakes_rows()]
    war = re.compile(r"[^.]*\b(?:a (?:quarter of a )?million|hundreds of thousands of) "
                     r"(?:people|Syrians) (?:have been|had been|were) killed[^.]*", re.I)
    found = [m.group(0) for t in texts for m in war.finditer(t)]
    assert len(found) >= 3
    for s in found:
        dead = [f for f in find_figures(s, "d") if f.kind == "fatalities"]
        assert dead and all(f.aggregate and f.value >= 100_000 for f in dead), s
    (one,) = [f for f in find_figures("A car bomb killed 126 people.", "d")]
    assert (one.value, one.aggregate) == (126, False)


def test_a_year_is_no_count() -> None:
    """FA-KES: "the Pentagon said in 2016 the notorious fighter had been killed" and a
    dateline's "02.10.2017 Fifteen people died" count no 2016 or 2017 dead."""
    texts = [r["article_content"] for r in fakes_rows()]
    dated = re.compile(r"[^.]*\b(?:in|since) 20\d\d [^.]*\b(?:killed|died)[^.]*|"
                       r"\b\d\d\.\d\d\.20\d\d [A-Z][a-z]+ (?:people|civilians) "
                       r"(?:died|were killed)[^.]*")
    sentences = [m.group(0) for t in texts for m in dated.finditer(t)]
    assert len(sentences) >= 5
    for s in sentences:
        assert not any(1900 <= f.value <= 2099 for f in find_figures(s, "d")), s


def test_habitual_attacks_are_no_event() -> None:
    """FA-KES: "Takfiri groups operating in Syria launch frequent attack against
    residential area", "the government has conducted frequent air raids on rebel-held
    areas", "residents ... suffer daily shelling": a habit told, not one act (the first was
    an "Attack" that joined a 2013 event)."""
    import wiredesk

    texts = [r["article_content"] for r in fakes_rows()]
    habit = re.compile(r"[^.]*\b(?:frequent|constant|regular|daily|near-daily) (?:\w+ )?"
                       r"(?:attacks?|shelling|strikes|raids|bombardment)\b[^.]*")
    sentences = sorted({m.group(0).strip() for t in texts for m in habit.finditer(t)})
    assert len(sentences) >= 6
    for s in sentences:
        assert not wiredesk.analyze(s + ".").events, s
    assert wiredesk.analyze("Rebels launched an attack on the town on Monday.").events
    assert wiredesk.analyze("Regular army troops attacked the village on Monday.").events


def test_a_duration_is_no_count() -> None:
    """FA-KES: "the death toll from the six-year-old conflict at more than 470000", "the
    six-year conflict": six is the war's age, not its toll (it was a toll of six)."""
    texts = [r["article_content"] for r in fakes_rows()]
    aged = re.compile(r"[^.]*\b(?:two|three|four|five|six|seven)-(?:year|month|day|week)"
                      r"(?:-old)? (?:war|conflict|crisis|siege|offensive)[^.]*")
    sentences = [m.group(0) for t in texts for m in aged.finditer(t)]
    assert len(sentences) >= 5
    for s in sentences:
        assert not any(f.value <= 7 for f in find_figures(s, "d")), s
    assert [f.value for f in find_figures("Militants fired three 107-mm rockets.", "d")] == [3]


def test_a_town_before_city_or_province_is_where_the_act_happened() -> None:
    """FA-KES (SANA): "shells ... on al-Hamadaniye neighborhood in Aleppo city": the
    parser makes "Aleppo" a modifier of "city", and the act was placed at the dateline's
    Damascus (precision 2); the sentence names its town, Aleppo, precision 1."""
    import wiredesk

    rows = [r for r in fakes_rows() if re.search(r"killed[^.]{0,80}\bin Aleppo city\b",
                                                  r["article_content"])][:6]
    assert len(rows) >= 3
    placed = 0
    for row in rows:
        result = wiredesk.analyze(row["article_content"], title=row["article_title"])
        for e in result.events:
            if any(re.search(r"killed[^.]{0,80}\bin Aleppo city\b", m.quote)
                   for m in e.mentions) and e.location is not None:
                assert e.location.name == "Aleppo", (e.summary, e.location)
                placed += e.location.precision == 1
    assert placed >= 3


def test_how_a_war_began_is_no_protest_and_its_toll_no_attack() -> None:
    """FA-KES: "More than 320000 people have been killed in Syria since the conflict
    began in March 2011 with anti-government demonstrations" (a line many reports
    carry): neither a protest of 2011 nor an attack; "areas under army siege" is no
    violent demonstration; "That attack demonstrated the risks" no protest."""
    import wiredesk

    texts = [r["article_content"] for r in fakes_rows()]
    origin = re.compile(r"[^.]*\b(?:have been killed|has killed)[^.]*\b(?:began|started)\b"
                        r"[^.]*\bwith (?:[\w-]+ ){0,3}(?:protests|demonstrations)[^.]*\.")
    siege = re.compile(r"[^.]*\bunder (?:army |regime |government )?siege\b[^.]*\.")
    shown = re.compile(r"[^.]*\battack demonstrated\b[^.]*\.")
    sentences = {s for t in texts for rx in (origin, siege, shown)
                 for s in (m.group(0).strip() for m in rx.finditer(t))}
    assert sum(bool(origin.match(s)) for s in sentences) >= 5
    assert sum(bool(siege.match(s)) for s in sentences) >= 3
    for s in sorted(sentences)[:40]:
        types = {e.sub_event_type for e in wiredesk.analyze(s, published="2016-06-01").events}
        assert not types & {"Peaceful protest", "Protest with intervention",
                            "Violent demonstration"}, (s, types)
        if origin.match(s):
            assert not types, (s, types)


def test_a_count_followed_by_wounded_counts_the_wounded() -> None:
    """FA-KES: "left at least 100 people killed and over 400 wounded mostly women and
    children": the 400 are wounded (they were counted as dead: the noun after the
    adjective, "women", took the sentence's verb of killing)."""
    texts = [r["article_content"] for r in fakes_rows()]
    rx = re.compile(r"[^.]*\b\d+ (?:wounded|injured) (?:mostly|most of them|many of them|"
                    r"including) [^.]*")
    sentences = [m.group(0) for t in texts for m in rx.finditer(t)]
    assert sentences
    for s in sentences:
        n = re.search(r"\b(\d+) (?:wounded|injured) ", s)
        assert n is not None
        figs = [f for f in find_figures(s, "d") if f.quote.endswith(n.group(0).strip())
                or n.group(0).strip() in f.quote]
        assert figs and all(f.kind == "injured" for f in figs), (s, figs)
