"""Figures stated in a sentence: who was killed, wounded, arrested, displaced; how many
munitions were fired, landed or were intercepted.

Works on plain text (no parse needed) so it can run on any sentence: a small tokenizer,
a quantity reader (digits, number words, ranges, vague quantities as intervals) and
windows around casualty and munition words. Each figure keeps its exact quote and
character offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiredesk.models import FigureClaim

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|\d+(?:,\d{3})*(?:\.\d+)?|[A-Za-z]+(?:['’][A-Za-z]+)?|\S"
)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_FRACTIONS = {"a quarter": 0.25, "a third": 1 / 3, "a half": 0.5, "three quarters": 0.75}
#: Every single word that names a number ("two", "dozen", "hundred"), for other stages.
NUMBER_WORDS: dict[str, int] = {**_UNITS, **_TENS, **_SCALES, "dozen": 12}
# Vague quantities: (value, low, high). Values follow ACLED's conservative coding
# ("dozens" 12, "hundreds" 100); the open high end says the true number may be larger.
_VAGUE: dict[str, tuple[int, int, int | None]] = {
    "dozens": (12, 12, None),
    "scores": (20, 20, None),
    "hundreds": (100, 100, None),
    "thousands": (1000, 1000, None),
    "tens": (10, 10, None),
    "several": (3, 3, None),
    "numerous": (3, 3, None),
    "many": (3, 3, None),
}

# Vague counts that can count a scale: "tens of thousands", "hundreds of thousands".
_MULTIPLIERS = frozenset({"dozens", "tens", "hundreds", "thousands"})


def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string."""
    return frozenset(text.split())


PERSON_NOUNS = _words(
    """people persons person civilians civilian soldiers soldier troops troop servicemen
    serviceman servicemembers servicemember members member officers officer policemen
    policeman police fighters fighter militants militant militiamen militiaman insurgents
    insurgent rebels rebel jihadists jihadist children child kids kid women woman men man
    boys boy girls girl teenagers teenager teens teen students student workers worker
    contractors contractor americans american iraqis iraqi britons briton citizens citizen
    personnel others combatants combatant guards guard pilgrims pilgrim protesters
    protester protestors protestor demonstrators demonstrator worshippers worshipper
    villagers villager residents resident passengers passenger journalists journalist
    interpreter interpreters medic medics commanders commander general generals leader
    leaders victims victim individuals individual adults adult infant infants baby babies
    briton britons pole poles owner owners clerk clerks cashier star player players
    homeowner homeowners motorist motorists
    toddler toddlers wife husband son sons daughter daughters mother father brother
    brothers sister sisters relatives relative suspects suspect gunman gunmen shooter
    bystanders bystander pedestrians pedestrian employees employee patrons customers
    customer teachers teacher deputies deputy troopers trooper agents agent staff crew
    marines marine sailors sailor airmen airman fishermen farmers farmer shepherds
    detainees prisoners prisoner hostages hostage peacekeepers peacekeeper worshipers
    casualties family families nationals national refugees migrants doctors nurses
    youths youth minors minor elderly bodies body corpses
    driver drivers waitress waiter juvenile juveniles neighbor neighbors neighbour
    neighbours boyfriend girlfriend roommate cousin nephew niece uncle aunt grandmother
    grandfather grandson granddaughter stepson stepfather stepdaughter fiance fiancee
    cop cops bouncer cabbie freshman sophomore motorcyclist cyclist jogger
    male males female females"""
)
MUNITION_NOUNS = _words(
    """rockets rocket missiles missile mortars mortar shells shell projectiles projectile
    rounds bombs bomb katyushas katyusha grenades grenade drones drone barrel"""
)

# "a man who was shot": a relative clause with its auxiliary tells of the same victim
_WHO = r"(?:who\s+(?=(?:was|were|had|has|is|are)\b))?"
_KILL_AFTER = re.compile(
    r"^" + _WHO + r"(?:(?:were|was|have been|had been|are|is|been|being)\s+|"
    r"(?:has|have|had)\s+(?=died|perished|succumbed))?(?:also\s+|reportedly\s+|"
    r"later\s+|then\s+|all\s+|accidentally\s+|found\s+|"
    r"(?!critically|seriously|slightly)[a-z]+ly\s+)?"
    r"(?:killed|died|dies|dead|slain|shot dead|"
    r"shot (?:and|&) killed|shot to death|stabbed to death|beaten to death|murdered|executed|"
    r"lost (?:their|his|her) li(?:ves|fe)|perished|confirmed dead|fatally|"
    r"pronounced (?:dead|deceased)|succumbed)\b"
)
_INJ_AFTER = re.compile(
    r"^" + _WHO + r"(?:(?:were|was|have been|had been|are|is|been|being)\s+)?(?:also\s+|"
    r"reportedly\s+|seriously\s+|critically\s+|slightly\s+|lightly\s+|accidentally\s+|"
    r"also\s+|then\s+)?"
    r"(?:injured|wounded|hurt|hospitali[sz]ed|grazed|stabbed|pistol-whipped|"
    r"(?:(?:listed|reported)\s+)?(?:in\s+)?(?:critical|serious|stable|good|fair)\s+condition|"
    r"critical\b(?!\s+of)|recovering\b|"
    r"(?:found\s+)?(?:with|had|has|having)\s+(?:a\s+|an\s+|multiple\s+|several\s+)?"
    r"(?:apparent\s+)?gunshot\s+wounds?|"
    r"struck\s+(?:once|twice|one time|multiple times|several times|in the|by (?:a )?"
    r"(?:bullet|gunfire|stray))|(?<=was )struck(?=\s*(?:[.;]|$))|"
    r"shot\b(?!\s+(?:dead|and killed|&\s+killed|to death|into\b))|"
    r"suffer(?:ed|ing|s)\b[^.;]{0,40}\b(?:injur|wound)|"
    r"sustain(?:ed|ing|s)\b[^.;]{0,40}\b(?:injur|wound)|"
    r"(?:remains?|remained)\s+(?:hospitali[sz]ed|in\s+(?:critical|serious|stable|good|fair)\s+"
    r"condition)\b|"
    r"receiv(?:ed|ing|es)\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?(?:injur|wound)\w*|"
    # a hospital condition tells a wounded victim: "was taken to a hospital in critical
    # condition", "was rushed to Temple University Hospital with critical injuries"
    r"(?:taken|transported|rushed|brought|airlifted|flown)\s+to\s+[^.;]{0,60}?\s"
    r"(?:with\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:injur|wound)\w*\b"
    r"(?![^.;]{0,30}\b(?:died|dead|deceased))|(?:in|with)\s+(?:critical|serious|stable|"
    r"life-threatening|non-life-threatening|minor|good|fair)\b(?:\s+condition\b)?"
    r"(?![^.;]{0,30}\b(?:died|dead|deceased))))"
)
_ARR_AFTER = re.compile(
    r"^(?:(?:were|was|have been|had been|are|is|been)\s+)?(?:also\s+|reportedly\s+)?"
    r"(?:arrested|detained|taken into custody|apprehended|rounded up)\b"
)
_DISP_AFTER = re.compile(
    r"^(?:(?:were|was|have been|had been|are|is|been)\s+)?(?:internally\s+)?"
    r"(?:displaced|forced to flee|fled|uprooted|made homeless)\b"
)
_FIRED_AFTER = re.compile(
    r"^(?:(?:were|was|have been|had been|are|is|been)\s+)?(?:reportedly\s+)?"
    r"(?:fired|launched|shot)\b"
)
_NOT_FIRED_AFTER = re.compile(r"^(?:had|have|were|was)\s+not\s+been\s+fired|^failed to")
_LANDED_AFTER = re.compile(
    r"^(?:(?:were|was|have|had|have been|had been)\s+)?(?:reportedly\s+)?"
    r"(?:landed|hit|struck|fell|fallen|impacted|slammed|crashed)\b"
)
_INTERCEPT_AFTER = re.compile(
    r"^(?:(?:were|was|have been|had been)\s+)?(?:intercepted|shot down|downed|destroyed in "
    r"the air)\b"
)

# "was shot and killed", "was accidentally shot and later died": one victim, dead
# ... "had been shot multiple times and was pronounced dead at the scene"
_SHOT_KILLED = re.compile(r"^(?:who\s+)?(?:was\s+|had been\s+)?(?:[a-z]+ly\s+)?(?:shot|suffering|"
                          r"suffered)\b(?:[,\s]+"
                          r"(?:(?:and|&)\s+)?(?:killed|(?:later\s+)?died)\b|[^.;]{0,60}?\s(?:and|&)\s+"
                          r"(?:was\s+|later\s+)*(?:died|pronounced (?:dead|deceased)|killed)\b)")
# a headline's "Girl shot at party dies": the one shot is the one who died
_HEADLINE_DIES = re.compile(r"^(?:shot|with\b[^;,|.:]{0,30}?\bwounds?)\b[^;,|.:]{0,40}?"
                            r"\b(?:dies|died|dead)\b")
# "a 9-year-old boy who was accidentally shot in the head in Trinidad has died"
_WHO_SHOT_DIED = re.compile(r"^who\s+(?:was|had been)\s+[^;,.]{0,80}?\b(?:has died|have died|"
                            r"died|is dead|was pronounced (?:dead|deceased))\b")
_KILL_BEFORE = {"killing", "killed", "kills", "kill", "killings", "leaving", "left",
                "claiming", "claimed", "murdering", "murdered", "executing", "executed"}
_INJ_BEFORE = {"wounding", "wounded", "wounds", "wound", "injuring", "injured", "injures",
               "injure", "hurting", "hurt"}
_ARR_BEFORE = {"arrested", "arresting", "arrest", "arrests", "detained", "detaining",
               "detain", "apprehended", "nabbed"}
_DISP_BEFORE = {"displacing", "displaced", "displace", "uprooting"}
_FIRED_BEFORE = {"fired", "firing", "launched", "launching", "fire", "launch", "fires",
                 "launches", "discharge", "barrage", "volley", "salvo", "shot", "lobbed"}
# A toll this large is a war's or a famine's, told as background ("a million people have
# been killed", "more than 470000 deaths"), never one attack's: the deadliest single
# attacks of the conflicts ACLED and UCDP code killed thousands, not tens of thousands.
WAR_SCALE = 50_000

_CUMULATIVE = re.compile(
    r"\b(?:in total|so far|to date|altogether|combined|cumulative|overall|"
    r"since (?:then|the start|the beginning|the outbreak|last|(?:19|20)\d\d)|over the past|"
    r"this year|a series of|(?:homicides|killings|murders) (?:this|last|in)\b|"
    # a war's toll: "since the conflict began", "since Syria's war erupted in March 2011"
    r"since (?:the |its |[\w\-]+(?:['\u2019]s|s) )?(?:[\w\-]+ )?(?:war|conflict|uprising|"
    r"revolution|civil war|crisis|insurgency)\b|"
    r"since (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) (?:19|20)\d\d|"
    # a campaign's toll over days: "since Thursday bombing has killed 44", "since the
    # offensive began"
    r"since (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?!['\u2019])|"
    r"since (?:the |its )?(?:[\w\-]+ )?(?:offensive|campaign|operation|assault|siege|"
    r"bombardment|ceasefire|truce) (?:began|started|was launched|collapsed)|"
    # an intervention's toll: "have killed 4000 civilians since it first intervened in
    # Syria", "since Moscow intervened in September 2015", "since the breakdown of a
    # ceasefire last month"
    r"since (?:[\w\-'’]+ ){1,3}?(?:intervened|entered the war|joined the war|"
    r"began (?:its|their) (?:air )?(?:campaign|strikes|intervention))|"
    r"since the (?:start|beginning|breakdown|collapse|end) of\b|"
    # "313 people died in areas under army siege in the past year", "the latest of more
    # than 7000 people killed across Syria since the UN Security Council passed ..."
    r"(?:in|over|during) the (?:past|last) (?:[\w\-]+ )?(?:years?|months?|weeks?)\b|"
    r"(?:killed|died) across (?:[\w\-]+ ){1,3}?since\b|"
    # "in over three years of turmoil", "during six years of war"
    r"(?:in|during) (?:(?:over|more than|nearly|almost|about) )?(?:[\w\-]+ )?"
    r"(?:years|months) of (?:civil )?(?:war|fighting|conflict|turmoil|violence|unrest)|"
    # "the war in Syria has left an estimated 220000 dead", "the war has since killed"
    # "a conflict that has killed more than 100000", "the war in Syria which began with
    # ... in 2011 has killed more than 280000"
    r"(?:war|conflict|uprising|insurgency)(?: in [\w\-]+)?(?:,? (?:which|that)"
    r"(?: [\w\-'\u2019]+){0,14})? (?:has|have) (?:since |now |so far )?"
    r"(?:left|killed|claimed|cost)\b|"
    # "230000 people have been killed in Syrias multi-front conflict"
    r"(?:been killed|have died|were killed) (?:in|during) (?:the )?(?:[\w\-'\u2019]+ ){0,2}"
    r"(?:civil war|war|conflict|uprising|insurgency)(?![\w\-]))",
    re.I,
)


@dataclass(frozen=True)
class Quantity:
    """A quantity read from text: the figure a reader takes and its interval."""

    value: int
    low: int | None
    high: int | None
    start: int  # token index of the first token of the quantity phrase
    end: int  # token index after the last token


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split text into (token, start, end) with character offsets."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _low(tokens: list[tuple[str, int, int]], i: int) -> str:
    return tokens[i][0].lower() if 0 <= i < len(tokens) else ""


_MONTHS = _words(
    """jan jan. january feb february mar march apr april may jun june jul july aug august
    sep sept september oct october nov november dec december"""
)
_BEFORE_YEAR = frozenset({"in", "since", "of", "during", "until", "till", "by", "from",
                          "year", ".", "/", "-"}) | _MONTHS


def _is_year(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """A four-digit number that is a year, not a count: "in 2016 the fighter had been
    killed", a dateline's "02.10.2017 Fifteen people died", "August 22 2013"."""
    w = tokens[i][0]
    if len(w) != 4 or not w.isdigit() or not 1900 <= int(w) <= 2099:
        return False
    prev, nxt = _low(tokens, i - 1), _low(tokens, i + 1)
    return (prev in _BEFORE_YEAR or prev.isdigit() or nxt in _MONTHS
            or nxt[:1].isdigit() or nxt in _UNITS or nxt in _TENS)


def _measure_after(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """Whether a number ending before token j measures something other than people:
    calibres, ages and durations are not counts ("107-mm", "26-year-old", "5 mm",
    "six-year conflict")."""
    nxt, nxt2 = _low(tokens, j), _low(tokens, j + 1)
    return nxt in {"mm", "millimeter", "millimetre", "year", "years"} or (
        nxt == "-" and nxt2 in {"mm", "year", "tube", "millimeter", "day", "week", "month"}
    )


def _number_at(tokens: list[tuple[str, int, int]], i: int) -> tuple[int, int] | None:
    """Read a bare number (digits or words) at token i: (value, next index)."""
    w = _low(tokens, i)
    if not w:
        return None
    if w[0].isdigit():
        if _measure_after(tokens, i + 1):
            return None
        if "." in w:
            # "1.5 million" counts; "2.5" alone is no count of people
            if _low(tokens, i + 1) in _SCALES and w.replace(".", "", 1).isdigit():
                return round(float(w) * _SCALES[_low(tokens, i + 1)]), i + 2
            return None
        if _is_year(tokens, i):
            return None
        value = int(w.replace(",", ""))
        j = i + 1
        if _low(tokens, j) in _SCALES:
            value *= _SCALES[_low(tokens, j)]
            j += 1
        return value, j
    total, current, j, seen = 0, 0, i, False
    while True:
        w = _low(tokens, j)
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
            if _low(tokens, j + 1) == "-" and _low(tokens, j + 2) in _UNITS:
                current += _UNITS[_low(tokens, j + 2)]
                j += 2
        elif w in _SCALES and seen:
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0
        elif w == "dozen" and seen:
            current = max(current, 1) * 12
        elif w == "and" and seen and _low(tokens, j + 1) in _UNITS | _TENS:
            pass
        else:
            break
        seen = True
        j += 1
    if not seen or _measure_after(tokens, j):
        return None  # "the six-year-old conflict", "a three-year war"
    return total + current, j


def read_quantity(tokens: list[tuple[str, int, int]], i: int) -> Quantity | None:
    """Read a quantity phrase starting at token i ("at least 18", "12 to 18",
    "more than a dozen", "dozens", "a couple of"); None if there is none."""
    w, w1 = _low(tokens, i), _low(tokens, i + 1)
    mod, j = "", i
    two = f"{w} {w1}"
    if two in {"at least", "more than", "no fewer", "no less", "fewer than", "less than",
               "up to", "as many", "an estimated", "a total", "nearly all"}:
        mod, j = two, i + 2
        if two in {"no fewer", "no less", "as many"} and _low(tokens, j) in {"than", "as"}:
            j += 1
        if two == "a total" and _low(tokens, j) == "of":
            j += 1
    elif w in {"over", "about", "around", "approximately", "some", "nearly", "almost",
               "roughly", "upwards", "approx"}:
        mod, j = w, i + 1
    # "a dozen", "a couple of", "a few", "a handful of"
    a, b = _low(tokens, j), _low(tokens, j + 1)
    frac = _FRACTIONS.get(f"{a} {b}")
    if frac is not None and _low(tokens, j + 2) == "of" and \
            _low(tokens, j + 3) in {"a", "an"} and _low(tokens, j + 4) in _SCALES:
        # "a quarter of a million", "a third of a million"
        v = round(frac * _SCALES[_low(tokens, j + 4)])
        base: tuple[int, int | None, int | None] = (v, v, v)
        k = j + 5
    elif a == "half" and b in {"a", "an"} and _low(tokens, j + 2) in _SCALES:
        v = _SCALES[_low(tokens, j + 2)] // 2
        base, k = (v, v, v), j + 3
    elif a in {"a", "an"} and b in _SCALES and not _measure_after(tokens, j + 2):
        # "a million people have been killed": one million, not one person
        base, k = (_SCALES[b],) * 3, j + 2
    elif a == "a" and b == "dozen":
        base = (12, 12, 12)
        k = j + 2
    elif a == "a" and b == "couple":
        base, k = (2, 2, 2), j + 2
        if _low(tokens, k) == "of":
            k += 1
    elif a == "a" and b in {"few", "handful"}:
        base, k = (2, 2, None), j + 2
        if _low(tokens, k) == "of":
            k += 1
    elif a in _VAGUE and not (a == "many" and not mod and w == "many" and b == "of"):
        v, lo, hi = _VAGUE[a]
        k = j + 1
        if a == "several" and b in _SCALES:
            # "several hundred people": three hundred at least
            v, lo, k = v * _SCALES[b], lo * _SCALES[b], k + 1
        scale = _SCALES.get(_low(tokens, k + 1).removesuffix("s"), 1)
        if (a in _MULTIPLIERS and _low(tokens, k) == "of" and scale > 1
                and _low(tokens, k + 1).endswith("s")):
            # "hundreds of thousands": the vague count of the scale, not of people
            v, lo, k = v * scale, lo * scale, k + 2
        base = (v, lo, hi)
        if _low(tokens, k) == "of":
            k += 1
    else:
        num = _number_at(tokens, j)
        if num is None:
            return None
        value, k = num
        base = (value, value, value)
        # ranges: "12 to 18", "two or three", "10-15"
        sep = _low(tokens, k)
        if sep in {"to", "or", "-", "–"}:
            other = _number_at(tokens, k + 1)
            if other is not None and other[0] > value:
                base, k = (value, value, other[0]), other[1]
    value, low, high = base
    if mod in {"at least", "no fewer", "no less", "an estimated"}:
        low, high = value, None
    elif mod in {"more than", "over", "upwards"}:
        value = value + 1 if base[2] is not None else value
        low, high = value, None
    elif mod in {"fewer than", "less than"}:
        value = max(value - 1, 0)
        low, high = None, value
    elif mod in {"up to", "as many", "nearly", "almost"}:
        low, high = None, value
    return Quantity(value, low, high, i, k)


def _after_text(text: str, tokens: list[tuple[str, int, int]], k: int) -> str:
    return text[tokens[k][1]:].lower() if k < len(tokens) else ""


# words that can follow a victim's noun phrase without continuing it
_NP_BREAK = _words(
    """was were is are has have had been and or but who whom whose which that in on at by
    with from near inside outside during after before as while when where to of for into
    yesterday today tonight overnight earlier later also too late early reportedly"""
)


def _modifier_demonym(tokens: list[tuple[str, int, int]], k: int) -> bool:
    """A nationality word used as an adjective: "the Iraqi security forces", where the
    noun phrase goes on after "Iraqi" with a common noun that is not a person noun."""
    last = tokens[k - 1][0] if 0 < k <= len(tokens) else ""
    nxt = tokens[k][0] if k < len(tokens) else ""
    return last[:1].isupper() and nxt.isalpha() and nxt.islower() and nxt not in _NP_BREAK


def _is_person_noun(tok: str) -> bool:
    low = tok.lower()
    if low in PERSON_NOUNS:
        return True
    # demonyms in the plural: Americans, Iraqis, Syrians, Britons, Afghans
    return tok[:1].isupper() and bool(re.search(r"(?:ans|is|ons|ese|ks|ts|es)$", tok))


_HARM_NOUNS = {"injuries": "injured", "injury": "injured", "deaths": "fatalities",
               "death": "fatalities", "fatalities": "fatalities"}
_NATIONALITY_ADJ = re.compile(r"^[A-Z][a-z]+(?:ish|an|i|ese|ch)$")


@dataclass
class _NounPhrase:
    head: str  # "person", "munition", "injured", "fatalities" or ""
    end: int  # token index after the head noun (or after the quantity if no noun)


def _plural(word: str) -> bool:
    """A plural noun by its ending ("men" is not caught; "waitress" is no plural)."""
    low = word.lower()
    return low.endswith("s") and not low.endswith("ss")


def _age_at(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """An age written "22-year-old" starts at token j."""
    return _low(tokens, j)[:1].isdigit() and _low(tokens, j + 1) == "-" and \
        _low(tokens, j + 2) == "year" and _low(tokens, j + 3) == "-" and \
        _low(tokens, j + 4) == "old"


def _noun_after(
    tokens: list[tuple[str, int, int]], k: int, limit: int = 6, allow_or: bool = False
) -> _NounPhrase:
    """Find the head noun counted by a quantity ending at token k."""
    j, stop = k, min(k + limit, len(tokens))
    while j < stop:
        if _age_at(tokens, j):
            # "a 22-year-old Summerville man", "the 15-year-old": an age is no count
            j += 5
            stop = min(stop + 5, len(tokens))
            nxt = _low(tokens, j)
            if not nxt or nxt in _NP_BREAK or not nxt.isalpha() or nxt in {
                    "wounded", "injured", "hurt", "dead", "killed"}:
                # ... "left a 17-year-old wounded"
                return _NounPhrase("person", j)
            continue
        tok = tokens[j][0]
        low = tok.lower()
        j += 1
        if j - 1 == k and low in {"wounded", "injured", "hurt", "dead", "killed"}:
            # "over 400 wounded mostly women and children": the count is of the wounded
            return _NounPhrase("", k)
        if allow_or and low == "or":
            continue
        if low in MUNITION_NOUNS:
            # "rocket launcher", "missile attack": the noun modifies another
            nxt = _low(tokens, j)
            if nxt in {"launcher", "launchers", "attack", "attacks", "strike", "strikes"}:
                return _NounPhrase("", k)
            end = j
            while _low(tokens, end) in MUNITION_NOUNS:  # "Katyusha rockets"
                end += 1
            return _NounPhrase("munition", end)
        if low in _HARM_NOUNS:
            if j - 1 > k + 2:
                break  # "the Dec. 17 incident involving the death": not what is counted
            return _NounPhrase(_HARM_NOUNS[low], j)
        if _is_person_noun(tok) and not (tok[:1].isupper() and j < len(tokens)
                                         and tokens[j][0][:1].isupper()):
            # the longest run of person nouns: "American contractor", "service members"
            end = j
            while end < len(tokens) and (
                tokens[end][0].lower() in PERSON_NOUNS
                or (_low(tokens, end) == "service" and _low(tokens, end + 1).startswith("member"))
            ):
                end += 1
            return _NounPhrase("person", end)
        if _NATIONALITY_ADJ.match(tok) and _low(tokens, j) in {"and", ","} and j - 1 == k:
            # elliptic "one British and two U.S. service members"
            return _NounPhrase("person", j)
        if low in {",", ".", ";", ":", "and", "or", "(", ")", "were", "was", "had", "have",
                   "who", "which", "that", "in", "on", "at", "after", "when", "while"}:
            break
        if low == "of" and j - 1 == k:
            break  # "one of Tehran's top generals": a partitive, not a count
        # a second number ("18 107 mm rockets") only as a calibre
        if low and low[0].isdigit() and j - 1 > k and _low(tokens, j) not in {"mm", "-"}:
            break
    return _NounPhrase("", k)


_CLAUSE_BREAK = re.compile(r"\b(?:have|has|had|was|were|is|are|after|before|when|while|"
                           r"because|who|that|which)\b")
_LOOSE_PASSIVE = re.compile(r"^[\w\s\-'’]{0,60}?\s((?:were|was|have been|had been) \w+)")


def _word_end(text: str, i: int) -> int:
    while i < len(text) and text[i].isalpha():
        i += 1
    return i


def _kind_after(after: str) -> str | None:
    if _NOT_FIRED_AFTER.match(after):
        return "not_fired"
    if _KILL_AFTER.match(after):
        return "fatalities"
    if _INJ_AFTER.match(after):
        return "injured"
    if _ARR_AFTER.match(after):
        return "arrested"
    if _DISP_AFTER.match(after):
        return "displaced"
    return None


def _munition_kind_after(after: str) -> str | None:
    if _NOT_FIRED_AFTER.match(after):
        return "not_fired"
    if _INTERCEPT_AFTER.match(after):
        return "munitions_intercepted"
    if _FIRED_AFTER.match(after):
        return "munitions_fired"
    if _LANDED_AFTER.match(after):
        return "munitions_landed"
    return None


def _kind_before(tokens: list[tuple[str, int, int]], i: int, head: str) -> str | None:
    """The figure kind given by a verb just before the quantity ("killing two")."""
    for back in range(1, 4):
        w = _low(tokens, i - back)
        if not w or w in {".", ";"}:
            return None
        if head == "munition":
            if w in _FIRED_BEFORE:
                return "munitions_fired"
            if w in {"intercepted", "downed", "intercepting"}:
                return "munitions_intercepted"
            if w in {"of", "with"} and _low(tokens, i - back - 1) in _FIRED_BEFORE:
                return "munitions_fired"
            continue
        if w in _KILL_BEFORE:
            return "fatalities"
        if w in _INJ_BEFORE:
            return "injured"
        if w in _ARR_BEFORE:
            return "arrested"
        if w in _DISP_BEFORE:
            return "displaced"
        # allow "killing his", "killed at least"; stop at other content words
        if (w in {",", "including"} or w.isalpha()) and w not in {
            "and", "the", "his", "her", "their", "its", "at", "least", "more", "than", "some",
            "about", "nearly", "almost", "over", "up", "to", "all", "another", "also", "an",
            "a", "as", "many"
        }:
            return None
    return None


_SINGLE = {"a", "an", "one", "his", "her", "their", "its", "the"}
# Words after "no" that deny a count, not victims ("no figure for the number killed").
# ("no reports of casualties" stays a zero, as ACLED codes it.)
_NO_COUNT = frozenset({"figure", "figures", "number", "numbers", "word", "details",
                       "information", "count", "toll", "estimate", "estimates", "data"})
# Nouns of "a ... of" that make a crowd of persons ("a large number of fighters").
_MANY = frozenset({"number", "lot", "host", "group", "crowd", "score", "multitude"})
_PREPS = _words("with of to for from by at in on about near behind beside like than")
# the kin or companions a possessive introduces as a victim: "his wife was killed"
_KIN = _words(
    """wife husband son daughter brother sister father mother girlfriend boyfriend cousin
    nephew niece uncle aunt grandmother grandfather grandson granddaughter child stepfather
    stepmother stepson stepdaughter fiancee fiancé fiancée friend neighbor neighbour
    roommate companion partner"""
)
_HIT_VERBS = {"hitting", "hit", "hits", "striking", "struck", "strikes"}
_GUNFIRE = re.compile(r"\b(?:bullets?|gunfire|gunshots?|shots?|rounds?|gun|fired|firing|"
                      r"discharged)\b", re.I)


def _list_items(
    tokens: list[tuple[str, int, int]],
    k: int,
    persons: list[tuple[int, int]],
    bare: bool = False,
) -> tuple[int, int]:
    """Continue a list of victims after a counted noun phrase ending at token k:
    "two US service members and a British citizen" -> (extra count, end token).
    ``bare`` accepts a singular person noun without an article, as headlines write
    ("Teen, man shot")."""
    extra, j = 0, k
    for _ in range(6):
        # skip a trailing prepositional phrase or apposition up to the next "and"
        m = j
        while m < len(tokens) and m < j + 8 and _low(tokens, m) not in {
            "and", ",", ".", ";", "including", "as", "while", "who", "which", "after",
            "in", "on", "at", "when", "during",
        }:
            m += 1
        w = _low(tokens, m)
        # an age or a relative clause set off by commas: "Brodie Gillon, 26, who served
        # as a combat medic, and two ..."
        if w == "," and _low(tokens, m + 1)[:1].isdigit() and _low(tokens, m + 2) == ",":
            m += 2
            w = ","
        if w == "," and _low(tokens, m + 1) in {"who", "whose"}:
            n = m + 2
            while n < len(tokens) and n < m + 20 and _low(tokens, n) not in {",", ".", ";"}:
                n += 1
            if _low(tokens, n) == ",":
                m, w = n, ","
        if w == "as" and _low(tokens, m + 1) == "well" and _low(tokens, m + 2) == "as":
            start = m + 3
        elif w == "and":
            start = m + 1
        elif w == ",":
            start = m + 1
            if _low(tokens, start) == "and":
                start += 1
            elif _low(tokens, start) in _SINGLE:
                break  # "Qasem Soleimani, the Iranian general": an apposition
        else:
            break
        q = read_quantity(tokens, start)
        if q is not None:
            np = _noun_after(tokens, q.end)
            if np.head != "person":
                break
            extra += q.value
            j = np.end
            continue
        if _low(tokens, start) in _SINGLE:
            np = _noun_after(tokens, start + 1, limit=4)
            if np.head == "person" and tokens[np.end - 1][0].lower()[-1:] != "s":
                extra += 1
                j = np.end
                continue
        if bare and _low(tokens, start) in PERSON_NOUNS and \
                not _plural(_low(tokens, start)):
            extra += 1
            j = start + 1
            continue
        person = _person_at(tokens, start, persons)
        if person is not None and w != ",":
            extra += 1
            j = person
            continue
        break
    return extra, j


def _person_at(
    tokens: list[tuple[str, int, int]], i: int, persons: list[tuple[int, int]]
) -> int | None:
    """If a named person starts within two tokens of i, the token index after it."""
    if i >= len(tokens):
        return None
    for s, e in persons:
        for back in range(0, 6):
            if i + back >= len(tokens):
                break
            prev = tokens[i + back - 1][0] if back else ""
            if back and not (prev[:1].isupper() or prev == "." or prev.lower() in {
                "top", "senior", "former", "late", "prominent", "veteran", "elite", "the",
                "powerful", "influential", "key", "deputy"
            }):
                break  # only titles and names before the name: "British Lance Cpl."
            if i + back < len(tokens) and tokens[i + back][1] == s:
                j = i + back
                while j < len(tokens) and tokens[j][2] <= e:
                    j += 1
                # "Lance Cpl. Brodie Gillon": a title abbreviation, then the name
                while _low(tokens, j) == "." and j + 1 < len(tokens) and \
                        tokens[j + 1][0][:1].isupper():
                    j += 2
                    while j < len(tokens) and tokens[j][0][:1].isupper():
                        j += 1
                return j
    return None


def _not_a_count(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """A number at token i that counts no one: a day of a date ("Dec. 17 incident"), the
    children of "a mother of three"."""
    prev = _low(tokens, i - 1)
    if prev in {"so", "too", "how"} and _low(tokens, i) == "many":
        return True  # "so many deaths": a lament, not a count
    if prev == "." and _low(tokens, i - 2) in _MONTHS or prev in _MONTHS - {"may", "mar"}:
        return True
    if prev == ":" and _low(tokens, i - 2)[:1].isdigit():
        return True  # the minutes of a clock time: "[Update 11:56 p.m. ET] Two suspects died"
    return prev == "of" and _low(tokens, i - 2) in {
        "mother", "father", "mom", "dad", "grandmother", "grandfather", "parent"}


# "Calvin Jermaine Santiago, a 19-year-old black male, died": a name the tagger may miss,
# known by the age that follows it
_AGED_NAME = re.compile(r"\b[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]*\.?){1,3}"
                        r"(?=,\s+(?:an?\s+)?\d{1,3}(?:-year-old)?\b)")


def _with_aged_names(text: str, persons: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``persons`` and the capitalized names an age in apposition marks as persons."""
    out = list(persons)
    for m in _AGED_NAME.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in persons):
            out.append((m.start(), m.end()))
    return sorted(out)


def find_figures(
    text: str,
    doc_id: str,
    offset: int = 0,
    persons: list[tuple[int, int]] | None = None,
    attributed_to: str | None = None,
) -> list[FigureClaim]:
    """All figures stated in one sentence.

    ``text`` is the sentence, ``offset`` its start in the document (quotes and offsets in
    the claims refer to the document); ``persons`` are named-person spans (sentence-relative
    character offsets) so that "killed Qasem Soleimani" counts one death.
    """
    persons = _with_aged_names(text, persons or [])
    tokens = tokenize(text)
    claims: list[FigureClaim] = []
    used_until = -1
    aggregate = bool(_CUMULATIVE.search(text))

    def add(kind: str, q: Quantity, end_tok: int, value: int | None = None,
            low: int | None = None, high: int | None = None, start_tok: int | None = None,
            ) -> None:
        s_tok = q.start if start_tok is None else start_tok
        s, e = tokens[s_tok][1], tokens[max(end_tok - 1, s_tok)][2]
        value_ = q.value if value is None else value
        claims.append(
            FigureClaim(
                kind=kind,
                value=value_,
                low=q.low if low is None and value is None else low,
                high=q.high if high is None and value is None else high,
                quote=text[s:e],
                doc_id=doc_id,
                start=offset + s,
                end=offset + e,
                attributed_to=attributed_to,
                aggregate=(aggregate or value_ >= WAR_SCALE)
                and kind in {"fatalities", "injured"},
            )
        )

    i = 0
    while i < len(tokens):
        if i < used_until:
            i += 1
            continue
        low_tok = _low(tokens, i)
        # "No one was hurt", "no one else was injured": nobody, not one victim
        if low_tok == "no" and _low(tokens, i + 1) == "one":
            end_tok = i + 3 if _low(tokens, i + 2) == "else" else i + 2
            after = _after_text(text, tokens, end_tok)
            kind = _kind_after(after)
            if kind in {"fatalities", "injured"}:
                m = (_KILL_AFTER if kind == "fatalities" else _INJ_AFTER).match(after)
                end_char = (tokens[end_tok][1] if end_tok < len(tokens) else len(text)) + (
                    m.end() if m else 0)
                while end_tok < len(tokens) and tokens[end_tok][2] <= end_char:
                    end_tok += 1
                add(kind, Quantity(0, 0, 0, i, end_tok), end_tok)
            used_until = end_tok
            i = end_tok
            continue
        # "no U.S. or Iraqi troops were killed", "did not kill anyone"; "no figure for the
        # number of people killed" is no count at all
        if low_tok in {"no", "none"} and not {_low(tokens, i + 1), _low(tokens, i + 2)} & _NO_COUNT:
            np = _noun_after(tokens, i + 1, limit=7, allow_or=True)
            after = _after_text(text, tokens, np.end)
            kind = _kind_after(after) if np.head == "person" else None
            if kind in {"fatalities", "injured"}:
                q = Quantity(0, 0, 0, i, np.end)
                m = (_KILL_AFTER if kind == "fatalities" else _INJ_AFTER).match(after)
                end_char = tokens[np.end][1] + (m.end() if m else 0)
                end_tok = np.end
                while end_tok < len(tokens) and tokens[end_tok][2] <= end_char:
                    end_tok += 1
                add(kind, q, end_tok)
                used_until = end_tok
                i = end_tok
                continue
        if low_tok in {"kill", "injure", "wound", "hurt"} and _low(tokens, i + 1) in {
            "anyone", "anybody"
        } and _low(tokens, i - 1) in {"not", "n't", "never"}:
            kind = "fatalities" if low_tok == "kill" else "injured"
            start_tok = i - 1
            while start_tok > 0 and _low(tokens, start_tok) not in {"did", "does", "do"}:
                start_tok -= 1
                if i - start_tok > 3:
                    start_tok = i - 1
                    break
            add(kind, Quantity(0, 0, 0, start_tok, i + 2), i + 2)
            i += 2
            continue
        # "the death toll rose to 12"
        if low_tok == "toll":
            for j in range(i + 1, min(i + 6, len(tokens))):
                toll = read_quantity(tokens, j)
                if toll is not None:
                    add("fatalities", toll, toll.end, start_tok=max(i - 1, 0))
                    used_until = toll.end
                    break
            i += 1
            continue
        got = read_quantity(tokens, i)
        if got is None or _not_a_count(tokens, i):
            i += 1
            continue
        q = got
        np = _noun_after(tokens, q.end)
        after = _after_text(text, tokens, np.end)
        kind = None
        end_tok = np.end
        if np.head in {"injured", "fatalities"}:
            kind = np.head
        elif np.head == "munition" or (
            np.end == q.end and _munition_kind_after(after)
            and re.match(r"\s*of (?:these|them|those)\b", text, re.I)
        ):
            kind = _munition_kind_after(after) or _kind_before(tokens, i, "munition")
            if kind is None and _low(tokens, i - 1) == "of" and _low(tokens, i - 2) in {
                "discharge", "barrage", "volley", "salvo"
            }:
                kind = "munitions_fired"
        else:
            before = _kind_before(tokens, i, np.head)
            if before == "fatalities" and _low(tokens, i - 1) in {"left", "leaving"}:
                # "left one person with minor injuries", "leaving two in critical condition"
                if re.match(r"^\s*(?:dead|killed)\b", after):
                    pass
                elif re.match(r"^\s*(?:with\b[^.;]{0,40}\b(?:injur|wound)|(?:in|with)\s+"
                              r"(?:critical|serious|stable|life-threatening)|(?:[a-z]+ly\s+)?"
                              r"(?:wounded|injured|hurt))", after):
                    before = "injured"
                else:
                    before = None
            if np.head == "person" or np.end == q.end:
                kind = _kind_after(after)
                if kind is None and np.head == "person" and _low(tokens, np.end) in {
                        "and", ","}:
                    # "two men and a woman were wounded": the list's victims count too
                    extra, e2 = _list_items(tokens, np.end, persons)
                    after2 = _after_text(text, tokens, e2)
                    kind2 = _kind_after(after2) if extra else None
                    if kind2 in {"fatalities", "injured"} and re.match(
                            r"(?:were|are|have been|had been)\b", after2):
                        rx2 = _KILL_AFTER if kind2 == "fatalities" else _INJ_AFTER
                        if kind2 == "injured" and _SHOT_KILLED.match(after2):
                            kind2, rx2 = "fatalities", _SHOT_KILLED
                        mm2 = rx2.match(after2)
                        end_tok = e2
                        if mm2 and e2 < len(tokens):
                            end_char = _word_end(text, tokens[e2][1] + mm2.end())
                            while end_tok < len(tokens) and tokens[end_tok][2] <= end_char:
                                end_tok += 1
                        add(kind2, q, end_tok, q.value + extra,
                            q.low + extra if q.low is not None else None,
                            q.high + extra if q.high is not None else None)
                        used_until = end_tok
                        i = end_tok
                        continue
                if kind is None and np.head == "person":
                    # "12 coalition soldiers and contractors of various nationalities
                    # were injured": the verb after a longer noun phrase
                    loose = _LOOSE_PASSIVE.match(after)
                    if loose and _CLAUSE_BREAK.search(after[:loose.start(1)]):
                        # "two men have been charged ... after a boy was killed": the
                        # passive belongs to another clause
                        loose = None
                    if loose:
                        kind = _kind_after(after[loose.start(1):])
                        if kind is not None:
                            after = after[loose.start(1):]
                            k2 = np.end
                            while k2 < len(tokens) and tokens[k2][1] < tokens[np.end][1] + \
                                    loose.start(1):
                                k2 += 1
                            np = _NounPhrase(np.head, k2)
                            end_tok = k2
                if kind is None and np.end == q.end:
                    # "5 dead", "12 wounded", "leaving 3 dead"
                    nxt = _low(tokens, q.end)
                    kind = {"dead": "fatalities", "killed": "fatalities",
                            "wounded": "injured", "injured": "injured", "hurt": "injured",
                            "arrested": "arrested", "displaced": "displaced"}.get(nxt)
                    if kind:
                        end_tok = q.end + 1
                if kind is None and before is not None and (
                    np.head == "person" or _low(tokens, q.end) in {"and", ",", ".", "in", "on"}
                ):
                    kind = before
                    if np.head == "person":
                        extra, end_tok = _list_items(tokens, np.end, persons)
                        if extra:
                            total = q.value + extra
                            low = q.low + extra if q.low is not None else None
                            high = q.high + extra if q.high is not None else None
                            add(kind, q, end_tok, total, low, high)
                            used_until = end_tok
                            i = end_tok
                            continue
                elif kind is not None:
                    rx = {"fatalities": _KILL_AFTER, "injured": _INJ_AFTER,
                          "arrested": _ARR_AFTER, "displaced": _DISP_AFTER}.get(kind)
                    if kind == "injured" and _SHOT_KILLED.match(after):
                        kind, rx = "fatalities", _SHOT_KILLED
                    mm = rx.match(after) if rx else None
                    if mm and np.end < len(tokens):
                        end_char = _word_end(text, tokens[np.end][1] + mm.end())
                        while end_tok < len(tokens) and tokens[end_tok][2] <= end_char:
                            end_tok += 1
        if kind == "injured" and np.end == q.end and _low(tokens, i - 1) in {
                "fired", "fire", "fires", "firing", "heard", "off", "returned", "returning"}:
            # "the suspect allegedly fired one shot at an adversary", "the officer
            # returned one shot": a round
            kind = None
        if kind == "injured" and np.end == q.end and re.match(
                r"shots?\s+(?:was|were|had been|has been|have been|rang|went|hit|struck|"
                r"missed)\b", after):
            kind = None  # "One shot was fired", "two shots rang out": rounds
        if kind is not None and kind != "not_fired":
            add(kind, q, end_tok)
            used_until = end_tok
            i = end_tok
            continue
        i = max(q.end, i + 1)
    claims.extend(_single_victims(text, tokens, claims, doc_id, offset, persons,
                                  attributed_to))
    claims.extend(_named_victims(text, tokens, claims, doc_id, offset, persons, attributed_to))
    claims.extend(_one_victim(_PRONOUN_DIED, "fatalities", {"fatalities"}, text, claims,
                              doc_id, offset, attributed_to))
    claims.extend(_one_victim(_BOTH_DIED, "fatalities", {"fatalities"}, text, claims,
                              doc_id, offset, attributed_to, value=2))
    claims.extend(_one_victim(_BOTH_HURT, "injured", {"fatalities", "injured"}, text, claims,
                              doc_id, offset, attributed_to, value=2))
    claims.extend(_one_victim(_PRONOUN_SHOT, "injured", {"fatalities", "injured"}, text,
                              claims, doc_id, offset, attributed_to))
    claims.extend(_one_victim(_PRONOUN_HURT, "injured", {"fatalities", "injured"}, text,
                              claims, doc_id, offset, attributed_to))
    # "came within inches of possibly killing the trooper", "nearly killed": no one was
    claims = [c for c in claims if not (c.kind in {"fatalities", "injured"} and (_NEARLY.search(
        text, max(0, c.start - offset - 30), c.start - offset) or _NEARLY_IN.search(c.quote)))]
    claims = _another_victim(text, claims, offset)
    claims.extend(_toll_phrases(text, claims, doc_id, offset, attributed_to))
    dead = sum(c.value for c in claims if c.kind == "fatalities" and not c.aggregate)
    hit = [c for c in claims if c.kind == "injured" and re.search(r"\bshot$", c.quote)]
    rest: FigureClaim | None = None
    if dead and len(hit) == 1 and hit[0].value > dead and hit[0].value > 1:
        # "Three shot, one dead": those shot count the dead too; the rest were wounded
        n = hit[0].value - dead
        rest = hit[0].model_copy(update={"value": n, "low": n, "high": n})
        claims = [rest if c is hit[0] else c for c in claims]
    if any(c.kind == "fatalities" and c.value > 0 for c in claims) and re.search(
        r"\b(?:dies|died|dead|killed|fatal\w*)\b", text, re.I
    ):
        # "Girl shot at party dies": the one shot is the one who died, not an injury
        # (but "two were shot and one died" leaves one wounded)
        claims = [c for c in claims if c is rest or not (c.kind == "injured" and re.search(
            r"\bshot$", c.quote) and c.value == 1)]
    return claims


def _single_victims(
    text: str,
    tokens: list[tuple[str, int, int]],
    found: list[FigureClaim],
    doc_id: str,
    offset: int,
    persons: list[tuple[int, int]],
    attributed_to: str | None,
) -> list[FigureClaim]:
    """Victims counted by an article or a name: "killed an American contractor",
    "killing British Lance Cpl. Brodie Gillon ... and two unidentified American service
    members", "a civilian was killed"."""
    out: list[FigureClaim] = []
    taken = [(c.start - offset, c.end - offset) for c in found]
    for i, (tok, _s, _e) in enumerate(tokens):
        low = tok.lower()
        nxt = _low(tokens, i + 1)
        # "fatally shooting a police officer", "the murder of a pizza shop worker",
        # "the shooting death of the 15-year-old"
        lethal = (low == "fatally" and nxt in {"shooting", "shot", "shoots", "shoot",
                                               "stabbing", "stabbed", "wounding", "wounded"}) \
            or (low in {"murder", "death", "killing", "slaying"} and nxt == "of")
        # "accidentally shot a woman", "one bullet hitting a 20-year-old male customer":
        # one person hit by a shot (a hit counts only where gunfire is told)
        hit_by_shot = low in {"shot", "shoots"} and _low(tokens, i - 1) not in {
            "was", "were", "been", "being", "is", "are", "be"} or (
            low in _HIT_VERBS and _GUNFIRE.search(text) is not None)
        if lethal or low in _KILL_BEFORE - {"left", "leaving", "claimed", "claiming",
                                             "killings"} or (
            low in _INJ_BEFORE - {"wounds", "hurt"}
        ) or (hit_by_shot and _low(tokens, i + 1) in _SINGLE):
            kind = "fatalities" if lethal or low in _KILL_BEFORE else "injured"
            j = i + 2 if lethal else i + 1
            # "killed top Iranian Gen. Qassem Soleimani"; "killing a U.S. interpreter"
            if j < len(tokens) and any(s <= tokens[j][1] < e for s, e in taken):
                continue
            count, end_tok = 0, j
            w = _low(tokens, j)
            if low in {"kills", "injures", "wounds"} and w not in _SINGLE:
                # a headline's "shooting critically injures child"
                np = _noun_after(tokens, j, limit=4)
                if np.head == "person" and not _plural(tokens[np.end - 1][0]):
                    count, end_tok = 1, np.end
            if w in _SINGLE:
                np = _noun_after(tokens, j + 1, limit=5)
                if np.head == "person" and not _plural(tokens[np.end - 1][0]) \
                        and not _modifier_demonym(tokens, np.end):
                    count, end_tok = 1, np.end
                    # "a U.S. interpreter, Nawres Hamid": the apposition names the same one
                    p = _person_at(tokens, end_tok, persons)
                    if p is not None and _low(tokens, end_tok) in {",", ""}:
                        end_tok = p
            if count == 0 and lethal and w in PERSON_NOUNS and not _plural(w):
                count, end_tok = 1, j + 1  # a headline's "motorist fatally shoots man"
            if count == 0 and lethal and not w[:1].isdigit() and w not in _SINGLE:
                # "the shooting death of Summerville man"
                np = _noun_after(tokens, j, limit=4)
                if np.head == "person" and not _plural(tokens[np.end - 1][0]) \
                        and not _modifier_demonym(tokens, np.end):
                    count, end_tok = 1, np.end
            if count == 0 and lethal and _age_at(tokens, j) and \
                    tokens[min(j + 5, len(tokens) - 1)][0][:1].isupper():
                # "the shooting death of 38-year-old Goldie Long"
                end_tok = j + 5
                while end_tok < len(tokens) and tokens[end_tok][0][:1].isupper():
                    end_tok += 1
                count = 1
            if count == 0:
                p = _person_at(tokens, j, persons)
                if p is not None and p - j <= 8:
                    count, end_tok = 1, p
            if count == 0:
                continue
            # the victim is the object, not the subject of a passive ("was killed by")
            if _low(tokens, i - 1) in {"was", "were", "been"}:
                continue
            extra, end2 = _list_items(tokens, end_tok, persons)
            if extra:
                end_tok = end2
            if hit_by_shot and kind == "injured" and re.match(
                    r"^,?\s*who\s+(?:later\s+|then\s+)?(?:died|was pronounced (?:dead|deceased))\b",
                    _after_text(text, tokens, end_tok)):
                kind = "fatalities"  # "shot the 18-year-old man who died at the scene"
            s, e = tokens[i][1], tokens[end_tok - 1][2]
            if any(a < e and s < b for a, b in taken):
                continue
            n = count + extra
            out.append(FigureClaim(kind=kind, value=n, low=n, high=n, quote=text[s:e],
                                   doc_id=doc_id, start=offset + s, end=offset + e,
                                   attributed_to=attributed_to))
            taken.append((s, e))
        elif low in {"left", "leaving", "kills", "injures", "wounds"} and \
                i + 1 < len(tokens):
            # "left a man injured", a headline's "drive-by shooting critically injures child"
            j = i + 1
            if _low(tokens, j) in _SINGLE - {"the", "his", "her", "their", "its"}:
                j += 1
            elif low in {"left", "leaving"}:
                continue
            np = _noun_after(tokens, j, limit=5)
            if np.head != "person" or _plural(tokens[np.end - 1][0]) or \
                    _modifier_demonym(tokens, np.end):
                continue
            if low in {"left", "leaving"}:
                after = _after_text(text, tokens, np.end)
                mm = re.match(r"^(?:dead|killed)\b", after)
                kind3 = "fatalities" if mm else None
                if mm is None:
                    mm = re.match(r"^(?:(?:with\b[^.;]{0,40}?\b(?:injur|wound)\w*)|(?:in|with)\s+"
                                  r"(?:critical|serious|stable|life-threatening)\b|"
                                  r"(?:[a-z]+ly\s+)?(?:wounded|injured|hurt)\b)", after)
                    kind3 = "injured" if mm else None
                if kind3 is None or mm is None:
                    continue
                e = tokens[np.end][1] + mm.end() if np.end < len(tokens) else len(text)
            else:
                kind3 = "fatalities" if low == "kills" else "injured"
                e = tokens[np.end - 1][2]
            s = tokens[i][1]
            if any(a < e and s < b for a, b in taken):
                continue
            out.append(FigureClaim(kind=kind3, value=1, low=1, high=1, quote=text[s:e],
                                   doc_id=doc_id, start=offset + s, end=offset + e,
                                   attributed_to=attributed_to))
            taken.append((s, e))
        elif (low in {"a", "an", "one", "the"} or (
            # (not a preposition's object: "the apartment she shared with her boyfriend")
            low in {"his", "her"} and _low(tokens, i - 1) not in _PREPS
            and _noun_after(tokens, i + 1, limit=4).head == "person"
            and _low(tokens, _noun_after(tokens, i + 1, limit=4).end - 1) in _KIN) or (
            (i == 0 or _low(tokens, i - 1) in {".", "|", ":", ";", "—", "-"}
             # a title-case headline's "Memphis Man Fatally Shot"
             or (i <= 3 and all(tokens[k][0][:1].isupper() for k in range(i))))
            and (tok[:1].isupper() or _age_at(tokens, i)) or _low(tokens, i - 1) == "old"
            # headline style "after man shot inside ...", not "the man shot his wife"
            or (nxt == "shot" and _low(tokens, i + 2) not in _SINGLE | {
                "him", "them", "her", "at", "and", "himself", "herself", "two", "three"})
        ) and (tok.lower() in PERSON_NOUNS and not _plural(tok) or _age_at(tokens, i))
        ) and i + 1 < len(tokens):
            # "a civilian was killed", "one soldier died", a headline's "Man shot, killed"
            if low in {"a", "an", "one", "the", "his", "her"} or _age_at(tokens, i):
                np = _noun_after(tokens, i if _age_at(tokens, i) else i + 1, limit=4)
                if low == "the" and np.head == "person" and _low(tokens, np.end - 1) not in {
                    "victim", "man", "woman", "boy", "girl", "teen", "teenager", "child",
                    "driver", "officer", "suspect", "shooter", "gunman", "resident", "old",
                    "male", "female", "passenger", "customer", "neighbor", "neighbour"
                }:
                    continue  # "the leader", "the soldiers": not a count
            else:
                np = _NounPhrase("person", i + 1)
            if np.head != "person" or any(
                    _low(tokens, k) in _MANY for k in range(i + 1, np.end)):
                continue  # "a large number of fighters": many, not one
            bare = low not in {"a", "an", "one", "the", "his", "her"}
            headline = bare and (i == 0 or _low(tokens, i - 1) in {"|", ":", ";", "—", "-"} or (
                i <= 3 and all(tokens[k][0][:1].isupper() for k in range(i))))
            # "a 22-year-old man and a 16-year-old boy were shot", a headline's "Teen, man
            # shot": every victim of the list is counted
            extra, np_end = 0, np.end
            if _low(tokens, np.end) in {"and", ","}:
                # (after "his wife and" the kin share the determiner: "his wife and son")
                extra, end2 = _list_items(tokens, np.end, persons,
                                          bare=headline or low in {"his", "her"})
                if extra and low in {"the", "his", "her"} and not re.match(
                        r"(?:were|are|have been|had been)\b", _after_text(text, tokens, end2)):
                    # "the leader and his men ...": a definite list counts only before
                    # a plural verb ("the driver and a passenger were injured")
                    extra = 0
                if extra:
                    np_end = end2
            after = _after_text(text, tokens, np_end)
            # "a 30-year-old man, who was later identified as ..., was shot and killed"
            appos = re.match(r"^,[^,;.|]{1,110},\s*|^(?:of|from|at|in)\s+[^,;.|]{1,50}?\s"
                             r"(?=(?:was|were|is|had been|has been)\s)", after) \
                if not extra else None
            skip = appos.end() if appos and _kind_after(after[appos.end():]) else 0
            if not skip and not extra:
                # "a 19-year-old male, who had been shot once in the shoulder"
                who = re.match(r"^,\s*(?=who\s)", after)
                skip = who.end() if who and _kind_after(after[who.end():]) else 0
            after = after[skip:]
            kind2 = _kind_after(after)
            if kind2 is None and _WHO_SHOT_DIED.match(after):
                kind2 = "injured"  # "An Everett teen who was found shot ... has died"
            if kind2 not in {"fatalities", "injured", "arrested"} or re.match(
                    r"shot\s+(?:him|her|them|his|himself|herself|a|an|the|one|two|three|"
                    r"four)\b", after):
                continue  # "the man shot his wife": the one who shot; "shot at" may be either
            m = None
            if kind2 == "injured" and (_SHOT_KILLED.match(after) or (
                    headline and _HEADLINE_DIES.match(after)) or _WHO_SHOT_DIED.match(after)):
                kind2 = "fatalities"
                m = _SHOT_KILLED.match(after) or _HEADLINE_DIES.match(after) or \
                    _WHO_SHOT_DIED.match(after)
            m = m or {"fatalities": _KILL_AFTER, "injured": _INJ_AFTER,
                      "arrested": _ARR_AFTER}[kind2].match(after)
            s = tokens[i][1]
            e = tokens[np_end][1] + skip + (m.end() if m else 0) if np_end < len(tokens) \
                else len(text)
            if any(a < e and s < b for a, b in taken):
                continue
            n = 1 + extra
            out.append(FigureClaim(kind=kind2, value=n, low=n, high=n, quote=text[s:e],
                                   doc_id=doc_id, start=offset + s, end=offset + e,
                                   attributed_to=attributed_to))
            taken.append((s, e))
    return out


# "left one person wounded and another injured", "one man dead and another with
# life-threatening injuries": "another" adds one victim to the list just counted
_ANOTHER = re.compile(
    r"^(?:,?\s*(?:and|while)|,)\s+(?:another|a second)(?:\s+(?:man|woman|person|victim|boy|girl|"
    r"teen|teenager|child|one))?\s+(?:(?:was|is)\s+)?(?:(?P<dead>dead|killed)|"
    r"(?:seriously\s+|critically\s+)?(?:wounded|injured|hurt)|(?:in|with)\s+(?:critical|serious|"
    r"stable|life-threatening|non-life-threatening|minor)\b[^.;,]{0,30}?"
    r"(?:condition|injur\w*|wounds?)|with\s+(?:a\s+)?(?:gunshot\s+)?(?:injur|wound)\w*)",
    re.I)


def _another_victim(text: str, found: list[FigureClaim], offset: int) -> list[FigureClaim]:
    out = list(found)
    for n, c in enumerate(found):
        if c.kind not in {"fatalities", "injured"} or c.value < 1:
            continue
        m = _ANOTHER.match(text[c.end - offset:])
        if m is None:
            continue
        kind = "fatalities" if m.group("dead") else "injured"
        end = c.end + m.end()
        if any(o is not c and o.start < end and c.end < o.end for o in found):
            continue  # the tail is already counted
        if kind == c.kind:
            v = c.value + 1
            out[n] = c.model_copy(update={
                "value": v, "low": (c.low or c.value) + 1, "high": (c.high or c.value) + 1,
                "quote": text[c.start - offset:end - offset], "end": end})
        else:
            s = c.end + re.search(r"another|a second", m.group(0), re.I).start()  # type: ignore[union-attr]
            out.append(c.model_copy(update={
                "kind": kind, "value": 1, "low": 1, "high": 1,
                "quote": text[s - offset:end - offset].strip(), "start": s, "end": end}))
    return out


# "a double shooting": the number of people shot; "an apparent murder-suicide": one killed
# and the killer; "a man's body was found": one dead
_MULTI_SHOOTING = re.compile(r"\b(double|triple|quadruple)\s+(?:fatal\s+)?shooting\b", re.I)
# "in a double homicide at 17049 San Jose St.": two dead
_MULTI_KILLING = re.compile(r"\b(double|triple|quadruple)\s+(?:homicide|murder|killing|slaying)"
                            r"(?![- ]suicide)\b", re.I)
_MURDER_SUICIDE = re.compile(r"\b(?:(double|triple|quadruple)\s+)?murder[- ]suicide\b", re.I)
_BODY_FOUND = re.compile(
    r"\b(?:(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:man|woman|boy|girl|teen|person|child)['’]s\s+"
    r"body\s+(?:was\s+|is\s+|had been\s+|has been\s+)?(?:found|discovered)|(?:found|discovered)"
    r"\s+the\s+body\s+of\s+(?:a|an)\s)", re.I)
_MULTI = {"double": 2, "triple": 3, "quadruple": 4}


def _toll_phrases(text: str, found: list[FigureClaim], doc_id: str, offset: int,
                  attributed_to: str | None) -> list[FigureClaim]:
    harm = {c.kind for c in found if c.kind in {"fatalities", "injured"}}
    dead = sum(c.value for c in found if c.kind == "fatalities")
    out: list[FigureClaim] = []

    def claim(kind: str, n: int, m: re.Match[str]) -> FigureClaim:
        return FigureClaim(kind=kind, value=n, low=n, high=n, quote=m.group(0).strip(),
                           doc_id=doc_id, start=offset + m.start(), end=offset + m.end(),
                           attributed_to=attributed_to)

    m = _MURDER_SUICIDE.search(text)
    if m is not None and "fatalities" not in harm and not re.search(
            r"\b(?:attempted|possible)\s+murder[- ]suicide", text, re.I):
        out.append(claim("fatalities", _MULTI.get((m.group(1) or "").lower(), 1) + 1, m))
    m = _MULTI_SHOOTING.search(text)
    if m is not None and "injured" not in harm:
        shot = _MULTI[m.group(1).lower()]
        if "fatal" in m.group(0).lower() and not dead:
            out.append(claim("fatalities", shot, m))
        elif shot > dead and (dead or not re.search(
                r"\b(?:dead|died|dies|killed|fatal\w*|deadly|slain)\b", text, re.I)):
            # those shot and not told dead in the sentence were wounded
            out.append(claim("injured", shot - dead, m))
    m = _MULTI_KILLING.search(text)
    if m is not None and not out and dead < _MULTI[m.group(1).lower()] and not re.search(
            r"\battempted\s+$", text[:m.start()], re.I):
        out.append(claim("fatalities", _MULTI[m.group(1).lower()], m))
    m = _BODY_FOUND.search(text)
    if m is not None and "fatalities" not in harm and not out:
        out.append(claim("fatalities", 1, m))
    m = _KILLING_VICTIM.search(text)
    if m is not None and not harm and not out and not re.search(
            r"\battempted\s+(?:murder|homicide)", text, re.I):
        out.append(claim("fatalities", 1, m))
    return out


# "the Trotwood homicide victim", "the victim of a deadly Christmas Day shooting": one dead
_KILLING_VICTIM = re.compile(
    r"\b(?:the|a)\s+(?:[\w'’-]+\s+){0,2}?(?:homicide|murder)\s+victim\b(?!s)|\bthe\s+victim\s+of"
    r"\s+(?:a|an|the|last\s+\w+['’]s|\w+['’]s)\s+(?:[\w'’-]+\s+){0,3}?(?:deadly|fatal)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:shooting|stabbing|attack)\b", re.I)


_PRONOUN_DIED = re.compile(
    r"\b(?:he|she)\s+(?:later\s+)?(?:died|was (?:later )?(?:pronounced (?:dead|deceased)|killed|"
    r"fatally \w+|shot and killed|shot to death))\b", re.I)


_PRONOUN_SHOT = re.compile(r"\b(?:he|she)\s+(?:(?:was|had been)\s+(?:shot|wounded|injured)\b"
                           r"(?!\s+(?:and killed|dead|to death|at\b))|(?:suffered|sustained)\s+"
                           r"(?:an?\s+)?(?:[\w-]+\s+){0,3}?(?:gunshot\s+)?(?:wounds?|injur\w+)\b|"
                           # "he is listed in stable condition", unless he died after
                           r"(?:is|was|remains|remained)\s+(?:listed\s+)?in\s+(?:critical|serious|"
                           r"stable|good|fair)\s+condition\b(?![^.;]{0,30}\b(?:died|dead)))",
                           re.I)
# "Both victims are in stable condition": the two told hurt
_BOTH_HURT = re.compile(
    r"\bboth(?:\s+of\s+them|\s+(?:[\w-]+\s+)?(?:men|women|teens|teenagers|victims|boys|girls|"
    r"people|officers))?\s+(?:(?:are|were|remain|remained)\s+(?:listed\s+)?(?:in\s+(?:critical|"
    r"serious|stable|good|fair)\s+condition|hospitali[sz]ed)|were\s+(?:wounded|injured|hurt))\b"
    r"(?![^.;]{0,30}\b(?:died|dead))", re.I)


# "Both teens were taken to a hospital, where they died": the two just told shot are dead
_BOTH_DIED = re.compile(
    r"\bboth(?:\s+of\s+them|\s+(?:[\w-]+\s+)?(?:men|women|teens|teenagers|victims|boys|girls|"
    r"brothers|sisters|people))?\s+(?:(?:later|also)\s+)?(?:died|were\s+(?:later\s+)?"
    r"(?:pronounced\s+dead|killed))\b|\bboth\b[^.;]{0,80}?\bwhere\s+they\s+(?:later\s+)?died\b",
    re.I)


# "Flying glass injured him": one wounded, told by the pronoun the harm governs
_PRONOUN_HURT = re.compile(r"\b(?:injur(?:ed|ing)|wound(?:ed|ing)|hurt)\s+(?:him|her)\b(?!self)",
                           re.I)
# an act that did not happen: "possibly killing", "nearly killed", "could have killed"
_NEARLY_IN = re.compile(r"\b(?:possibly|nearly|almost|narrowly)\s+(?:kill|injur|wound|hurt)",
                        re.I)
_NEARLY = re.compile(r"\b(?:possibly|nearly|almost|narrowly|(?:could|would|might)\s+have)"
                     r"\s+$", re.I)


def _one_victim(rx: re.Pattern[str], kind: str, unless: set[str], text: str,
                found: list[FigureClaim], doc_id: str, offset: int,
                attributed_to: str | None, value: int = 1) -> list[FigureClaim]:
    """One victim of ``kind`` told by a pronoun ("... where he died", "she was shot in
    the foot"), when no figure of the ``unless`` kinds in the sentence counts it;
    ``value`` for the pronoun that tells two ("both died")."""
    if any(c.kind in unless for c in found):
        return []
    m = rx.search(text)
    if m is None:
        return []
    return [FigureClaim(kind=kind, value=value, low=value, high=value, quote=m.group(0),
                        doc_id=doc_id, start=offset + m.start(), end=offset + m.end(),
                        attributed_to=attributed_to)]


_ACTIVE_SHOT = re.compile(r"^shot\s+(?:(?:once|twice|\w+ times|multiple times|several times)\s+)?"
                          r"(?:at\b(?!\s+least)|him\b|her\b|them\b|his\b|himself\b|herself\b|"
                          r"and (?:killed|wounded|injured)\b)")


# what may stand between two coordinated victims' names: "Stephens, 32, and Paul J. Rayer",
# "Bettie Jones and 19-year-old Quintonio LeGrier", "A, B and C"
_CO_VICTIM = re.compile(r"^(?:(?:,[^,;.]{1,60})?,?\s+(?P<conj>and|&)\s+(?:(?:the|a|an)\s+)?"
                        r"(?:\d{1,3}-year-old\s+)?|,\s+)$")


def _named_victims(
    text: str, tokens: list[tuple[str, int, int]], found: list[FigureClaim], doc_id: str,
    offset: int, persons: list[tuple[int, int]], attributed_to: str | None,
) -> list[FigureClaim]:
    """A named victim: "Jassely Lupoe, a 5-year-old Latina, was shot and killed"; named
    victims joined by "and" before a plural verb count each ("Smith and Jamel Martin, 20,
    were fatally shot")."""
    out: list[FigureClaim] = []
    taken = [(c.start - offset, c.end - offset) for c in found]
    for k, (s, e) in enumerate(persons):
        after = text[e:]
        # the names coordinated before this one: its predicate is theirs too
        first, joined = k, False
        while first > 0 and persons[first - 1][1] <= persons[first][0]:
            link = _CO_VICTIM.match(text[persons[first - 1][1]:persons[first][0]])
            if link is None:
                break
            joined = joined or link.group("conj") is not None
            first -= 1
        appos = re.match(r"^,[^,;.]{1,60},\s*", after)
        rest = after[appos.end():] if appos else after.lstrip()
        rest_low = rest.lower()
        kind = _kind_after(rest_low)
        if kind not in {"fatalities", "injured"}:
            continue
        if _ACTIVE_SHOT.match(rest_low):
            continue  # "Juan Almaraz shot twice at the trailer": the one who shot
        if kind == "injured" and _SHOT_KILLED.match(rest_low):
            kind = "fatalities"
        rx = _KILL_AFTER if kind == "fatalities" else _INJ_AFTER
        mm = rx.match(rest_low)
        end = len(text) - len(rest) + (mm.end() if mm else 0)
        end = _word_end(text, end)
        n = 1
        if joined and re.match(r"(?:were|are|have been|had been|both|all|dead)\b", rest_low):
            n, s = k - first + 1, persons[first][0]
        if any(a < end and s < b for a, b in taken):
            continue
        out.append(FigureClaim(kind=kind, value=n, low=n, high=n, quote=text[s:end],
                               doc_id=doc_id, start=offset + s, end=offset + end,
                               attributed_to=attributed_to))
        taken.append((s, end))
    return out


def launcher_fired(text: str, next_text: str) -> tuple[int, str] | None:
    """A rocket launcher's capacity minus the rounds it did not fire:
    "a 36-tube rocket launcher. Three of the projectiles had not been fired." -> 33.
    Returns (fired, quote from the capacity to the end of the "not fired" clause)."""
    m = re.search(r"\b(\d+)[- ](?:tube|barrel|round)\b[^.]{0,30}\blauncher", text, re.I)
    if not m:
        return None
    n = re.search(r"^\s*(\w+(?:-\w+)?) of the (?:projectiles|rockets|rounds|missiles)"
                  r" (?:had|have|were|was) not been fired", next_text, re.I)
    if not n:
        return None
    toks = tokenize(n.group(1))
    q = read_quantity(toks, 0)
    if q is None:
        return None
    return int(m.group(1)) - q.value, m.group(0)
