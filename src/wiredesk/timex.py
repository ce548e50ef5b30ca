"""Temporal expressions: find them in news text and normalize them as TIMEX3 does.

Rule-based, in the spirit of HeidelTime: a set of compiled patterns finds candidate
expressions, the longest non-overlapping ones are kept, and each is normalized against
the anchor (the document date), the tense of its clause (from the spaCy parse when
given) and the narrative's last event time (for "two days later", "the next day").

Every ``Timex`` of type DATE/TIME with a calendar value carries an ``Interval``;
durations, sets and vague references (PAST_REF, ...) keep their TIMEX3 value only.

Speed: the patterns run case-sensitively over a lower-cased copy of the text (Python's
``re`` is several times slower with ``re.I``), each only in windows around the words
it cannot match without, and the matches of a text are cached, since they do not
depend on the anchor (document dating tries one text against several anchors).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from wiredesk.models import Interval, Precision, Timex

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["normalize"]

Tense = Literal["past", "present", "future"] | None
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]

# --- vocabulary ----------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name[1:], start=1):
    _MONTHS[_name.lower()] = _i
    _MONTHS[_name[:3].lower()] = _i
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "a": 1, "an": 1, "a couple of": 2, "couple of": 2,
    "a couple": 2, "a dozen": 12, "dozen": 12, "a half": 0, "half a": 0,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
    "last": 4, "final": 4,
}  # fmt: skip
_PART_OF_DAY = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
    "overnight": "NI", "midafternoon": "AF", "mid-afternoon": "AF", "tonight": "NI",
    "midday": "MI", "dawn": "MO", "daybreak": "MO",
}  # fmt: skip
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
# Meteorological seasons (first month, number of months); winter starts in December.
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}

_MON = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june|jun\.?|july|jul\.?"
    r"|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NUMW = (
    r"(?:\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|hundred)"
)
_VAGUE = r"(?:several|a\s+few|few|many|some|a\s+number\s+of|dozens\s+of|hundreds\s+of|recent)"
_QTY = rf"(?:a\s+couple\s+of|couple\s+of|a\s+couple|a\s+dozen|{_NUMW}|an?|{_VAGUE})"
_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|year|decade|century|centuries|quarter)"
_PDAY = r"(?:morning|mid-?afternoon|afternoon|evening|night|overnight)"
_DUR_MOD = (
    r"(?:(?:about|around|approximately|roughly|nearly|almost|more\s+than|less\s+than"
    r"|fewer\s+than|at\s+least|at\s+most|up\s+to|some|just|only|well\s+over|over)\s+)"
)

# --- calendar helpers ----------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _shift_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _week_value(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _quarter_of(d: dt.date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def _season_bounds(year: int, code: str) -> tuple[dt.date, dt.date]:
    first = _SEASON_START[code]
    end_y, end_m = _add_months(year, first, 2)
    return dt.date(year, first, 1), _month_end(end_y, end_m)


def _num(word: str) -> int | None:
    """The integer a quantity word states, None for vague ones ("several")."""
    w = re.sub(r"[\s-]+", " ", word.lower()).strip()
    if w in _SMALL:
        return _SMALL[w]
    if re.fullmatch(r"\d+", w):
        return int(w)
    if re.fullmatch(r"\d+\.\d+", w):
        return None
    parts = w.split()
    if parts and parts[0] in _TENS:
        total = _TENS[parts[0]]
        if len(parts) == 2 and parts[1] in _SMALL:
            total += _SMALL[parts[1]]
        return total
    return None


# --- the normalized result -----------------------------------------------------


@dataclass
class _Norm:
    type: TimexType
    value: str
    start: dt.date | None = None
    end: dt.date | None = None
    precision: Precision | None = None
    is_ref: bool = True  # may later expressions ("two days later") anchor on it?


def _day(d: dt.date, typ: TimexType = "DATE", suffix: str = "") -> _Norm:
    return _Norm(typ, d.isoformat() + suffix, d, d, "day")


def _month(y: int, m: int, part: str | None = None) -> _Norm:
    start, end = dt.date(y, m, 1), _month_end(y, m)
    if part == "early":
        end = dt.date(y, m, 10)
    elif part == "mid":
        start, end = dt.date(y, m, 11), dt.date(y, m, 20)
    elif part == "late":
        start = dt.date(y, m, 21)
    return _Norm("DATE", f"{y:04d}-{m:02d}", start, end, "month")


def _year(y: int, part: str | None = None) -> _Norm:
    start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    if part == "early":
        end = dt.date(y, 4, 30)
    elif part == "mid":
        start, end = dt.date(y, 5, 1), dt.date(y, 8, 31)
    elif part == "late":
        start = dt.date(y, 9, 1)
    return _Norm("DATE", f"{y:04d}", start, end, "year")


def _week(d: dt.date) -> _Norm:
    mon = _monday(d)
    return _Norm("DATE", _week_value(d), mon, mon + dt.timedelta(days=6), "week")


def _quarter(y: int, q: int) -> _Norm:
    start = dt.date(y, 3 * q - 2, 1)
    return _Norm("DATE", f"{y:04d}-Q{q}", start, _month_end(y, 3 * q), "season")


def _vague(value: str) -> _Norm:
    return _Norm("DATE", value, is_ref=False)


# --- context ------------------------------------------------------------------

_FUTURE_WORDS = re.compile(
    r"\b(?:will|shall|'ll|won't|going\s+to|(?:is|are|was|were)\s+(?:expected|scheduled|due|set"
    r"|slated|planned|poised)\s+to|expected\s+to|scheduled\s+(?:to|for)|plans?\s+to|"
    r"intends?\s+to|upcoming|next)\b",
    re.I,
)
_PAST_WORDS = re.compile(r"\b(?:said|told|was|were|had|did|been|ago|last|earlier|\w{3,}ed)\b", re.I)
_REPORTING = {"say", "tell", "report", "announce", "confirm", "claim", "state", "add", "note"}
_FUT_AUX = {"will", "'ll", "shall", "wo", "ll"}
_MODALS = {"would", "should", "might", "may", "can", "must", "'d"}
_FUT_LEMMAS = {"expect", "schedule", "plan", "due", "set", "slate", "intend", "poise"}


@dataclass
class _Ctx:
    text: str
    anchor: dt.date
    doc: Doc | None
    last_ref: dt.date | None = None
    last_ref_end: int = -1  # character offset where the last reference ended
    last_year: int | None = None  # the year of the last calendar date of any precision
    last_quarter: tuple[int, int] | None = None
    last_quarter_end: int = -10_000
    _tense_cache: dict[int, Tense] = field(default_factory=dict)

    def ref(self) -> dt.date:
        """The narrative's last event time, or the anchor when none was seen yet."""
        return self.last_ref or self.anchor

    def tense(self, start: int, end: int) -> Tense:
        if start not in self._tense_cache:
            if self.doc is not None:
                t = _tense_from_doc(self.doc, start, end)
            else:
                t = _tense_heuristic(self.text, start, end)
            before = self.text[max(0, start - 16) : start].lower()
            if re.search(
                r"\bas\s+(?:soon|early|late)\s+as\s+$|\b(?:until|till|through)\s+$", before
            ) and not _past_perfect(self.doc, start, end):
                t = "future"
            self._tense_cache[start] = t
        return self._tense_cache[start]


def _clause_window(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the sentence before and after the expression."""
    lo = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), start - 200)
    hi_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    hi = min([*hi_candidates, end + 150])
    return text[lo + 1 : start], text[end:hi]


def _tense_heuristic(text: str, start: int, end: int) -> Tense:
    """Tense without a parse: explicit future markers near the expression, else past."""
    before, after = _clause_window(text, start, end)
    if _FUTURE_WORDS.search(before[-80:]) or _FUTURE_WORDS.search(after[:40]):
        return "future"
    if _PAST_WORDS.search(before) or _PAST_WORDS.search(after):
        return "past"
    return None


def _governing_verb(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") and tok not in span:
            break
        if tok.head is tok:
            break
        tok = tok.head
    return tok if tok.pos_ in ("VERB", "AUX") else None


def _has_had(tok: Token) -> bool:
    return any(c.lower_ in ("had", "'d") and c.dep_ in ("aux", "auxpass") for c in tok.children)


def _past_perfect(doc: Doc | None, start: int, end: int) -> bool:
    """Is the expression's clause in the past perfect ("had been due to expire Friday")?"""
    if doc is None:
        return False
    tok = _governing_verb(doc, start, end)
    for _ in range(3):
        if tok is None:
            return False
        if _has_had(tok):
            return True
        if tok.dep_ not in ("xcomp", "acomp", "advcl") or tok.head is tok:
            return False
        tok = tok.head
    return False


def _prenominal(doc: Doc, start: int, end: int) -> bool:
    """Does the expression modify a noun that follows it ("the Oct. 23 slaying")?"""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    root = span.root
    return (
        root.dep_ in ("compound", "nmod", "amod")
        and root.head.pos_ in ("NOUN", "PROPN")
        and root.head.i >= span.end
    )


def _tense_from_doc(doc: Doc | None, start: int, end: int) -> Tense:
    """Tense of the verb that governs the expression in the dependency parse."""
    if doc is None:
        return None
    if _past_perfect(doc, start, end):
        return "past"  # "had been scheduled to expire at midnight Friday": already past
    if _prenominal(doc, start, end):
        # "the Oct. 23 slaying", "a June agreement": a date naming a known event, which
        # news reports mostly after the fact (the year guard in _pick keeps "the Nov. 3
        # election" a week ahead)
        return "past"
    tok = _governing_verb(doc, start, end)
    if tok is None:
        return None
    # Infinitives and participles inherit from the verb they depend on ("plans to meet").
    for _ in range(3):
        auxes = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
        if (
            auxes & _FUT_AUX
            or tok.lemma_ in _FUT_LEMMAS
            and "to" in {c.lower_ for c in tok.children}
        ):
            return "future"
        if (
            "to" in auxes
            and tok.dep_ in ("xcomp", "advcl", "ccomp", "relcl")
            and tok.head is not tok
        ):
            if tok.head.lemma_ in _FUT_LEMMAS:
                return "future"
            tok = tok.head
            continue
        break
    auxes = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    if auxes & _MODALS and not auxes & {"have", "'ve"}:
        return "future"  # "should leave by May 2", "might arrive Tuesday"
    if tok.lemma_ in _FUT_LEMMAS:
        return "future"  # "planned a march for Saturday"
    tags = {tok.tag_} | {c.tag_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    if auxes & _FUT_AUX:
        return "future"
    if "going" in auxes:
        return "future"
    if tags & {"VBD"} or (tok.tag_ == "VBN" and auxes & {"has", "have", "had", "was", "were"}):
        return "past"
    if tok.tag_ == "VBN" and not auxes:
        return "past"
    if tok.tag_ == "VBG" and auxes & {"is", "are", "am", "'s", "'re"}:
        return "future"
    if tok.tag_ in ("VBZ", "VBP", "VB"):
        if tok.lemma_ in _REPORTING:
            return "past"
        if tok.lemma_ in _FUT_LEMMAS:
            return "future"
        return "present"
    return None


# --- resolution of underspecified calendar points ------------------------------


def _pick(cands: list[dt.date], anchor: dt.date, tense: Tense) -> dt.date:
    nearest = min(cands, key=lambda c: (abs((c - anchor).days), c > anchor))
    chosen = None
    if tense == "past":
        before = [c for c in cands if c <= anchor]
        chosen = max(before) if before else None
    elif tense == "future":
        after = [c for c in cands if c >= anchor]
        chosen = min(after) if after else None
    if chosen is None:
        return nearest
    # Tense is a guess from the parse; a date nearly a year away when the same day and
    # month lie within three months is far more often a tense misreading than the truth.
    if abs((chosen - anchor).days) > 270 and abs((nearest - anchor).days) < 90:
        return nearest
    return chosen


def _resolve_month_day(month: int, day: int, anchor: dt.date, tense: Tense) -> dt.date | None:
    cands = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cands.append(dt.date(y, month, day))
        except ValueError:
            continue
    return _pick(cands, anchor, tense) if cands else None


def _resolve_month(month: int, anchor: dt.date, tense: Tense, rel: str | None) -> int:
    """The year of a month named without one."""
    this_month = dt.date(anchor.year, anchor.month, 1)
    cands = [dt.date(y, month, 1) for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if rel == "last":
        return max(c for c in cands if c < this_month).year
    if rel == "next":
        return min(c for c in cands if c > this_month).year
    if rel == "this":
        return anchor.year
    if tense in (None, "present"):
        # News mostly reports the past: a month up to two months ahead is still this year.
        ahead = [
            c
            for c in cands
            if this_month <= c <= dt.date(*_add_months(anchor.year, anchor.month, 2), 1)
        ]
        return ahead[0].year if ahead else max(c for c in cands if c <= this_month).year
    return _pick(cands, this_month, tense).year


def _weekday_mode(tense: Tense) -> str:
    """Past reporting looks back, the future forward, the present to the nearest day."""
    return {"future": "future", "present": "nearest"}.get(tense or "", "past")


def _resolve_weekday(wd: int, anchor: dt.date, mode: str) -> dt.date:
    delta = (anchor.weekday() - wd) % 7
    if mode == "past":
        return anchor - dt.timedelta(days=delta)
    if mode == "last":
        return anchor - dt.timedelta(days=delta or 7)
    ahead = (wd - anchor.weekday()) % 7
    if mode == "nearest":
        return (
            anchor + dt.timedelta(days=ahead)
            if ahead < delta
            else anchor - dt.timedelta(days=delta)
        )
    if mode == "next":
        return anchor + dt.timedelta(days=ahead or 7)
    return anchor + dt.timedelta(days=ahead)


def _resolve_season(code: str, anchor: dt.date, tense: Tense, rel: str | None) -> int:
    cands = [
        (y, *_season_bounds(y, code))
        for y in (anchor.year - 2, anchor.year - 1, anchor.year, anchor.year + 1)
    ]
    inside = [y for y, s, e in cands if s <= anchor <= e]
    if rel == "this" or (rel is None and inside):
        if inside:
            return inside[0]
        return anchor.year - 1 if code == "WI" and anchor.month <= 2 else anchor.year
    if rel == "last" or (rel is None and tense != "future"):
        return max(y for y, _, e in cands if e < anchor)
    return min(y for y, s, _ in cands if s > anchor)


# --- rules ---------------------------------------------------------------------


class _M:
    """A match found in the lower-cased text, read back in the original text.

    Rules match case-sensitively against a lower-cased copy of the text (much faster in
    Python's ``re`` than ``re.I``); handlers still see the original capitalization
    ("May" the month, not "may" the verb) through this view.
    """

    __slots__ = ("_m", "_text")

    def __init__(self, m: re.Match[str], text: str) -> None:
        self._m = m
        self._text = text

    def __getitem__(self, g: int | str) -> str | Any:
        s, e = self._m.span(g)
        return None if s < 0 else self._text[s:e]

    def group(self, g: int | str = 0) -> str | Any:
        return self[g]

    def start(self, g: int | str = 0) -> int:
        return self._m.start(g)

    def end(self, g: int | str = 0) -> int:
        return self._m.end(g)

    def span(self, g: int | str = 0) -> tuple[int, int]:
        return self._m.span(g)

    def before(self, n: int) -> str:
        """The ``n`` characters of the original text before the match."""
        start = self._m.start()
        return self._text[max(0, start - n) : start]


Handler = Callable[[_M, _Ctx], "_Norm | None"]
# (pattern for the lower-cased text, handler, case-insensitive pattern for the original
# text when the rule has case-sensitive parts, e.g. time zones "ET", "PT")
_RULES: list[tuple[re.Pattern[str], Handler, re.Pattern[str] | None]] = []


# Per rule, a test on the match alone (its words and their case, never the anchor): a
# match failing it is dropped when the text is scanned, rather than declined by the
# handler, which would make ``normalize`` settle the overlaps all over again.
_KEEP: dict[Handler, Callable[[_M], bool]] = {}


def _rule(pattern: str, keep: Callable[[_M], bool] | None = None) -> Callable[[Handler], Handler]:
    # Case-sensitive parts "(?-i:ET|PT)" match their lower-case forms in the lower-cased
    # text; such matches are then checked against the original text.
    lowered = re.sub(r"\(\?-i:([^()]*)\)", lambda g: "(?:" + g[1].lower() + ")", pattern)
    cased = re.compile(pattern, re.I) if lowered != pattern else None

    def deco(fn: Handler) -> Handler:
        _RULES.append((re.compile(lowered), fn, cased))
        if keep is not None:
            _KEEP[fn] = keep
        return fn

    return deco


def _cap(word: str | None) -> bool:
    return bool(word) and word[0].isupper()  # type: ignore[index]


def _month_no(word: str) -> int:
    return _MONTHS[
        word.lower().rstrip(".")[:4]
        if word.lower().startswith("sept")
        else word.lower().rstrip(".")[:3]
    ]


def _part(word: str | None) -> str | None:
    if not word:
        return None
    w = word.lower().replace("-", " ").strip()
    if w.startswith(("early", "the beginning", "the start")):
        return "early"
    if w.startswith(("mid", "the middle")):
        return "mid"
    if w.startswith(("late", "the end")):
        return "late"
    return None


_EDGE = r"(?:early|late|mid(?:-|\s+of)?|the\s+(?:beginning|start|middle|end)\s+of)"


def _day_or_clock(d: dt.date, m: _M) -> _Norm:
    """A day, or a TIME when groups 4-6 of the match give a clock time after the date."""
    if m[4]:
        sec = f":{m[6]}" if m[6] else ""
        return _Norm("TIME", f"{d.isoformat()}T{m[4]}:{m[5]}{sec}", d, d, "day")
    return _day(d)


@_rule(r"\b(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2})(?::(\d{2}))?)?\b")
def _iso(m: _M, c: _Ctx) -> _Norm | None:
    try:
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return _day_or_clock(d, m)


@_rule(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?(?![\d/])")
def _numeric(m: _M, c: _Ctx) -> _Norm | None:
    a, b, y = int(m[1]), int(m[2]), int(m[3])
    if len(m[3]) == 2:
        y += 1900 if y > (c.anchor.year % 100) + 5 else 2000
    month, day = (b, a) if a > 12 else (a, b)  # US order unless the first field cannot be a month
    try:
        d = dt.date(y, month, day)
    except ValueError:
        return None
    return _day_or_clock(d, m)


@_rule(r"(?<![\d-])((?:19|20)\d{2})(0[1-9]|1[0-2])([0-3]\d)(?![\d-])")
def _compact(m: _M, c: _Ctx) -> _Norm | None:
    try:
        return _day(dt.date(int(m[1]), int(m[2]), int(m[3])))
    except ValueError:
        return None


@_rule(
    rf"\b(?:(?P<wd>{_WD}),?\s+)?(?:(?P<edge>{_EDGE})\s*)?(?P<mon>{_MON})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    rf"(?:(?:,|\.)?\s*(?P<year>(?:19|20)\d{{2}})(?![\d,]\d))?",
    keep=lambda m: _cap(m["mon"]) and 1 <= int(m["day"]) <= 31,
)
def _month_day(m: _M, c: _Ctx) -> _Norm | None:
    if not _cap(m["mon"]):
        return None
    day = int(m["day"])
    month = _month_no(m["mon"])
    if not 1 <= day <= 31:
        return None
    if m["year"]:
        try:
            d = dt.date(int(m["year"]), month, day)
        except ValueError:
            return None
    else:
        tense = c.tense(m.start(), m.end())
        res = _resolve_month_day(month, day, c.anchor, tense)
        if res is None:
            return None
        d = res
    return _day(d)


@_rule(
    rf"\b(?:(?P<wd>{_WD}),?\s+)?(?:the\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\b"
    rf"(?:,?\s*(?P<year>(?:19|20)\d{{2}})(?!\d))?",
    keep=lambda m: (
        _cap(m["mon"]) and (bool(m["year"]) or m["mon"].lower() not in ("may", "mar", "mar."))
    ),
)
def _day_month(m: _M, c: _Ctx) -> _Norm | None:
    ambiguous = not _cap(m["mon"]) or m["mon"].lower() in ("may", "mar", "mar.")
    if ambiguous and not m["year"]:
        return None
    return _month_day(m, c)


def _month_only_kept(m: _M) -> bool:
    mon = m["mon"]
    if not _cap(mon):
        return False
    if m["year"]:
        return True
    low = mon.lower()
    if low.endswith(".") or len(low) <= 3 and low != "may":
        return False  # bare abbreviations ("Mar") are too ambiguous without a year
    if low in ("may", "march") and not (m["rel"] or m["edge"] or m["yrel"]):
        # "may" and "march" are verbs too: only after a preposition
        return bool(
            re.search(
                r"\b(?:in|since|until|till|by|during|from|through|of|to|before|after)\s+$",
                m.before(12).lower(),
            )
        )
    return True


@_rule(
    rf"\b(?:(?P<rel>last|next|this)\s+|(?P<edge>{_EDGE})\s*)?(?P<mon>{_MON})(?![a-z])(?!\s*[0-3]?\d\b)"
    rf"(?:(?:\s+of|,)?\s+(?P<year>(?:19|20)\d{{2}})(?!\d)|\s+(?:of\s+)?(?P<yrel>last|this|next)\s+year)?",
    keep=lambda m: _month_only_kept(m),
)
def _month_only(m: _M, c: _Ctx) -> _Norm | None:
    mon = m["mon"]
    if not _cap(mon) or mon.endswith(".") and not m["year"]:
        return None
    low = mon.lower()
    if len(low) <= 3 and low != "may" and not m["year"]:
        return None  # bare abbreviations ("Mar") are too ambiguous without a year
    month = _month_no(mon)
    if m["year"]:
        year = int(m["year"])
    elif m["yrel"]:
        year = c.anchor.year + {"last": -1, "this": 0, "next": 1}[m["yrel"].lower()]
    else:
        rel = m["rel"].lower() if m["rel"] else None
        year = _resolve_month(month, c.anchor, c.tense(m.start(), m.end()), rel)
    return _month(year, month, _part(m["edge"]))


@_rule(
    rf"\b(?:(?P<edge>{_EDGE})\s*|(?P<fiscal>fiscal|calendar)\s+|(?:the\s+)?(?:year|summer|spring|winter|fall|autumn)\s+(?:of\s+)?)?"
    r"(?P<year>(?:19|20)\d{2})(?P<dec>'?s)?(?![\d%,.-]\d|\d|-(?:\d|year|month|day))"
)
def _year_rule(m: _M, c: _Ctx) -> _Norm | None:
    year = int(m["year"])
    if year > c.anchor.year + 30:
        return None
    after = c.text[m.end() : m.end() + 20]
    before = c.text[max(0, m.start() - 15) : m.start()]
    if re.match(
        r"\s*(?:%|percent|per\s|people|troops|soldiers|rockets|members|feet|meters|miles|km|kilometers|tons|units|shares|votes)",
        after,
        re.I,
    ):
        return None
    if re.search(r"[$€£#]\s*$|\bNo\.\s*$|\bnumber\s+$", before, re.I):
        return None
    if m["dec"]:
        n = _year(year)
        decade = year // 10 * 10
        return _Norm(
            "DATE",
            f"{decade // 10:03d}",
            dt.date(decade, 1, 1),
            dt.date(decade + 9, 12, 31),
            "year",
        )
    low = m.group(0).lower()
    for name, code in _SEASONS.items():
        if low.startswith(("the " + name, name)):
            s, e = _season_bounds(year, code)
            return _Norm("DATE", f"{year}-{code}", s, e, "season")
    n = _year(year, _part(m["edge"]))
    return n


_SP_UNIT = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_SP_TEEN = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_SP_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_SP_TENS_UNIT = rf"{_SP_TENS}(?:[\s-]+{_SP_UNIT})?"
# Years as broadcast transcripts spell them: "nineteen ninety-six", "two thousand and one".
_SP_YEAR = (
    rf"(?P<sy>(?:nineteen|eighteen)[\s-]+(?:{_SP_TENS_UNIT}|{_SP_TEEN}|oh[\s-]+{_SP_UNIT}|hundred)"
    rf"|(?P<thousand>two\s+thousand(?:\s+(?:and\s+)?(?:{_SP_TENS_UNIT}|{_SP_TEEN}|{_SP_UNIT}))?)"
    rf"|twenty[\s-]+(?:{_SP_TEEN}|twenty(?:[\s-]+{_SP_UNIT})?))"
)
_MONTH_FULL = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
# Words that may follow a spelled-out year; any other lower-case word makes it a count
# ("two thousand troops").
_AFTER_SPELLED_YEAR = re.compile(
    r"\s*(?:$|[^a-z\s]|(?:and|or|but|when|while|as|after|before|until|since|the|a|an|to|in|on"
    r"|at|for|with|by|of|was|were|is|that|he|she|they|it|we|i|uh|um)\b)"
)


def _spelled_number(words: list[str]) -> int:
    total = 0
    for w in words:
        total += _TENS.get(w, 0) if w in _TENS else _SMALL.get(w, 0)
    return total


def _spelled_year_value(text: str) -> int | None:
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w and w != "and"]
    if words[0] in ("nineteen", "eighteen"):
        century = 1900 if words[0] == "nineteen" else 1800
        rest = words[1:]
        if rest == ["hundred"]:
            return century
        return century + _spelled_number([w for w in rest if w != "oh"])
    if words[:2] == ["two", "thousand"]:
        return 2000 + _spelled_number(words[2:])
    if words[0] == "twenty":
        return 2000 + _spelled_number(words[1:])
    return None


@_rule(
    rf"\b(?:(?P<edge>{_EDGE})\s*|(?P<the>the\s+)?(?P<what>year|summer|spring|winter|fall|autumn)"
    rf"\s+(?:of\s+)?|(?P<mon>{_MONTH_FULL})\s+(?:of\s+)?)?{_SP_YEAR}\b(?![\s-]+(?:{_SP_UNIT}|{_SP_TEEN}|{_SP_TENS}|hundred|thousand|point)\b)"
)
def _spelled_year(m: _M, c: _Ctx) -> _Norm | None:
    year = _spelled_year_value(m["sy"])
    if year is None or year > c.anchor.year + 30:
        return None
    after = c.text[m.end() : m.end() + 20].lower()
    strict = m["thousand"] or m.group(0).lower().startswith("twenty")
    if strict and not (m["what"] or m["mon"]) and not _AFTER_SPELLED_YEAR.match(after):
        return None
    if re.match(r"\s*(?:percent|per\s|people|troops|soldiers|members|miles|dollars)", after):
        return None  # a count, not a year
    if m["mon"]:
        if not _cap(m["mon"]):
            return None
        return _month(year, _MONTHS[m["mon"].lower()])
    what = (m["what"] or "").lower()
    if what in _SEASONS:
        s, e = _season_bounds(year, _SEASONS[what])
        return _Norm("DATE", f"{year}-{_SEASONS[what]}", s, e, "season")
    return _year(year, _part(m["edge"]))


_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip


@_rule(
    r"\b(?:(?P<edge>early|late|mid-?)\s*)?the\s+(?:(?P<century>nineteen|eighteen)[\s-]+)?"
    r"(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
)
def _decade_word(m: _M, c: _Ctx) -> _Norm | None:
    """ "the nineties", "the nineteen-eighties": the decade, the latest begun by default."""
    d = _DECADE_WORDS[m["dw"].lower()] * 10
    if m["century"]:
        decade = (1900 if m["century"].lower() == "nineteen" else 1800) + d
    else:
        begun = [y for y in (1900 + d, 2000 + d) if y <= c.anchor.year]
        decade = max(begun) if begun else 1900 + d
    return _Norm(
        "DATE", f"{decade // 10:03d}", dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31), "year"
    )


@_rule(r"\b(?:the\s+)?(?P<q>(?:19|20)\d{2})s\b|\bthe\s+'(?P<s>\d)0s\b")
def _decade(m: _M, c: _Ctx) -> _Norm | None:
    if m["q"]:
        decade = int(m["q"]) // 10 * 10
    else:
        d = int(m["s"]) * 10
        # the most recent such decade that has begun: "the '80s" in 1989 is the 1980s
        begun = [y for y in (1900 + d, 2000 + d) if y <= c.anchor.year]
        decade = max(begun) if begun else 1900 + d
    return _Norm(
        "DATE", f"{decade // 10:03d}", dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31), "year"
    )


def _season_kept(m: _M) -> bool:
    """A bare season needs a preposition or article ("in spring", "the fall")."""
    if m["rel"] or m["edge"]:
        return True
    before = m.before(12).lower()
    if not re.search(r"\b(?:in|since|until|by|during|the|this|last|next)\s+$", before):
        return False
    return m["season"].lower() != "fall" or bool(
        re.search(r"\b(?:in|since|until|by|during|this|last|next)\s+(?:the\s+)?$", before)
    )


@_rule(
    r"\b(?:(?P<rel>last|this\s+past|this|next|the\s+past|the\s+coming)\s+|(?P<edge>early|late|mid-?)\s*)?"
    r"(?P<season>spring|summer|fall|autumn|winter)\b(?!\s+(?:of\s+)?(?:19|20)\d\d)",
    keep=lambda m: _season_kept(m),
)
def _season(m: _M, c: _Ctx) -> _Norm | None:
    rel_raw = (m["rel"] or "").lower()
    rel = (
        "last"
        if rel_raw in ("last", "the past") or rel_raw.startswith("this past")
        else "next"
        if rel_raw in ("next", "the coming")
        else rel_raw or None
    )
    code = _SEASONS[m["season"].lower()]
    year = _resolve_season(code, c.anchor, c.tense(m.start(), m.end()), rel)
    s, e = _season_bounds(year, code)
    return _Norm("DATE", f"{year}-{code}", s, e, "season")


@_rule(
    r"\b(?:(?:the|its|this\s+year's|last\s+year's|next\s+year's)\s+)?"
    r"(?:(?:fiscal|latest|current|same|comparable|(?P<ago>year-ago|year-earlier)|(?P<qyear>(?:19|20)\d{2}))\s+)*"
    r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-](?:fiscal[\s-])?quarter"
    r"(?:\s+of\s+(?:fiscal\s+)?(?P<year>(?:19|20)\d{2}))?\b"
    r"|\b(?P<det>the|its|this|last\s+year's)\s+(?P<mods>(?:(?:latest|most\s+recent|current|recent"
    r"|same|comparable|corresponding|year-earlier|year-ago|prior-year|(?P<py>(?:19|20)\d{2}))\s+)*)"
    r"(?P<what>quarter|period)\b(?!-)"
    rf"(?:\s+(?P<tail>a\s+year\s+(?:ago|earlier)|(?:of\s+)?last\s+year)|(?=\s+ended\s+(?P<emon>{_MON})))?"
)
def _quarter_rule(m: _M, c: _Ctx) -> _Norm | None:
    if not m["ord"]:
        return _quarter_ref(m, c)
    q = _ORDINALS[m["ord"].lower()]
    low = m.group(0).lower()
    if m["year"] or m["qyear"]:
        year = int(m["year"] or m["qyear"])
    elif "last year's" in low:
        year = c.anchor.year - 1
    elif "next year's" in low:
        year = c.anchor.year + 1
    else:
        # The quarter most recently begun: "the third quarter" in October is this year's.
        year = (
            c.anchor.year if dt.date(c.anchor.year, 3 * q - 2, 1) <= c.anchor else c.anchor.year - 1
        )
    if m["ago"]:  # "the year-ago third quarter"
        derived = _quarter(year - 1, q)
        derived.is_ref = False
        return derived
    return _quarter(year, q)


def _quarter_ref(m: _M, c: _Ctx) -> _Norm | None:
    """ "the quarter", "the latest period", "the year-ago quarter", "the 1988 period"...

    Earnings reports name one quarter and then refer back to it ("the quarter", "the
    same period"), or to the same quarter a year before ("the year-earlier period",
    "the quarter a year ago", "last year's quarter").
    """
    mods = re.sub(r"\s+", " ", (m["mods"] or "").lower())
    period = m["what"].lower() == "period"
    recent = c.last_quarter if c.last_quarter and m.start() - c.last_quarter_end < 600 else None
    back = bool(m["tail"] or re.search(r"year-|prior-year", mods)) or m["det"].lower().startswith(
        "last"
    )
    if m["py"]:  # "the 1988 quarter": the quarter under discussion, in that year
        if recent is None:
            return None
        n = _quarter(int(m["py"]), recent[1])
        n.is_ref = False
        return n
    if "current" in mods:
        year, q = _quarter_of(c.anchor)
    elif m["emon"]:  # "the quarter ended Sept. 30": the quarter that month closes
        month = _month_no(m["emon"])
        year = _resolve_month(month, c.anchor, "past", None)
        q = (month - 1) // 3 + 1
    elif recent is not None and not re.search(r"latest|recent", mods):
        year, q = recent
    elif period and not re.search(r"latest|recent", mods):
        return None  # "the same period" with no quarter named before it
    else:  # "the latest quarter": the last one completed before the document date
        year, mm = _add_months(c.anchor.year, 3 * _quarter_of(c.anchor)[1] - 2, -3)
        q = (mm - 1) // 3 + 1
    if back:
        n = _quarter(year - 1, q)
        n.is_ref = False  # derived: must not become the quarter later ones count from
        return n
    return _quarter(year, q)


@_rule(
    rf"\b(?P<edge>early|late|earlier|later|mid-?|midday|before\s+dawn\s+on)?\s*(?P<wd>{_WD})(?P<pl>s)?\b(?:\s+(?P<pod>{_PDAY})(?P<pl2>s)?\b)?",
    keep=lambda m: _cap(m["wd"]),
)
def _weekday_rule(m: _M, c: _Ctx) -> _Norm | None:
    wd_word = m["wd"]
    if not _cap(wd_word):
        return None
    wd = _WEEKDAYS[wd_word.lower()]
    pod = _PART_OF_DAY.get((m["pod"] or "").lower())
    if m["pl"] or m["pl2"]:  # "on Fridays", "Tuesday nights": a set
        return _Norm("SET", f"XXXX-WXX-{wd + 1}" + (f"T{pod}" if pod else ""), is_ref=False)
    before = c.text[max(0, m.start() - 25) : m.start()].lower()
    rel = re.search(r"\b(last|next|this|coming|past|previous|following)\s+$", before)
    if rel:
        mode = {
            "last": "last",
            "past": "last",
            "previous": "last",
            "next": "next",
            "coming": "next",
            "following": "next",
        }.get(rel[1], "")
        if not mode:
            mode = _weekday_mode(c.tense(m.start(), m.end()))
    else:
        mode = _weekday_mode(c.tense(m.start(), m.end()))
    d = _resolve_weekday(wd, c.anchor, mode)
    if pod:
        return _day(d, "TIME", f"T{pod}")
    return _day(d)


@_rule(
    r"\b(?:the\s+)?(?P<rel>last|next|this|coming|past|previous|following)\s+(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    keep=lambda m: _cap(m["wd"]),
)
def _weekday_rel(m: _M, c: _Ctx) -> _Norm | None:
    if not _cap(m["wd"]):
        return None
    wd = _WEEKDAYS[m["wd"].lower()]
    rel = m["rel"].lower()
    if rel == "this":
        mode = _weekday_mode(c.tense(m.start(), m.end()))
    elif rel in ("following",):
        return _day(_resolve_weekday(wd, c.ref(), "next"))
    else:
        mode = "last" if rel in ("last", "past", "previous") else "next"
    return _day(_resolve_weekday(wd, c.anchor, mode))


@_rule(
    r"\b(?P<edge>early|late)?\s*(?P<w>today|tonight|yesterday|tomorrow)\b(?:\s+(?P<pod>morning|afternoon|evening|night))?"
)
def _deictic(m: _M, c: _Ctx) -> _Norm | None:
    w = m["w"].lower()
    d = c.anchor + dt.timedelta(days={"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[w])
    if w == "tonight":
        return _day(d, "TIME", "TNI")
    pod = _PART_OF_DAY.get((m["pod"] or "").lower())
    if pod:
        return _day(d, "TIME", f"T{pod}")
    return _day(d)


@_rule(
    r"\b(?:(?P<rel>this|last|that|the\s+next|the\s+following|the\s+same|later\s+this|early\s+this|earlier\s+this)\s+(?P<pod>morning|afternoon|evening|night)|(?P<ov>overnight))\b"
    r"|\b(?:(?P<pod2>mid-?\s?afternoon|mid-?\s?morning)(?:\s+(?P<dw>yesterday|today|tomorrow))?"
    r"|(?P<pod3>morning|afternoon|evening)\s+(?P<dw2>yesterday|today|tomorrow))\b"
)
def _part_of_day(m: _M, c: _Ctx) -> _Norm | None:
    if m["pod2"] or m["pod3"]:
        pod = (m["pod2"] or m["pod3"]).lower()
        day_word = (m["dw"] or m["dw2"] or "").lower()
        if day_word:  # "mid-afternoon yesterday"
            shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[day_word]
            d = c.anchor + dt.timedelta(days=shift)
        else:  # "by mid afternoon": that day of the narrative
            d = c.ref()
        code = "AF" if pod.endswith("afternoon") else "MO" if pod.endswith("morning") else "EV"
        return _day(d, "TIME", f"T{code}")
    if m["ov"]:
        before = c.text[max(0, m.start() - 10) : m.start()].lower()
        if re.search(r"\b(?:an?|the)\s+$", before):  # "an overnight stay"
            return None
        return _day(
            c.anchor - dt.timedelta(days=1) if c.tense(m.start(), m.end()) == "past" else c.anchor,
            "TIME",
            "TNI",
        )
    rel = m["rel"].lower().split()
    pod = _PART_OF_DAY[m["pod"].lower()]
    if rel[-1] == "last":
        d = c.anchor - dt.timedelta(days=1)
    elif rel[-1] in ("next", "following"):
        d = c.ref() + dt.timedelta(days=1)
    elif rel[-1] in ("that", "same"):
        d = c.ref()
    else:
        d = c.anchor
    return _day(d, "TIME", f"T{pod}")


@_rule(
    r"\b(?:(?P<pre>early|late|earlier|later)\s+)?(?P<rel>this|last|next|the\s+past|the\s+coming|the\s+previous|the\s+following)\s+"
    r"(?P<unit>week|weekend|month|year|decade)\b(?!-)"
)
def _rel_period(m: _M, c: _Ctx) -> _Norm | None:
    rel = m["rel"].lower().split()[-1]
    unit = m["unit"].lower()
    pre = (m["pre"] or "").lower()
    a = c.anchor
    if rel in ("past", "coming") or (rel in ("previous", "following") and not pre):
        if rel in ("previous", "following"):
            base = c.ref()
            shift = -1 if rel == "previous" else 1
            return _shifted_period(base, unit, shift)
        if pre:
            return None
        code = {"week": "P1W", "weekend": "P2D", "month": "P1M", "year": "P1Y", "decade": "P10Y"}[
            unit
        ]
        return _Norm("DURATION", code, is_ref=False)
    shift = {"this": 0, "last": -1, "next": 1}.get(rel, 0)
    n = _shifted_period(a, unit, shift)
    if n is None:
        return None
    if pre in ("earlier", "early") and rel == "this" and n.start is not None:
        n.end = a if pre == "earlier" else n.end
        if pre == "early" and n.start is not None:
            span = (n.end - n.start).days if n.end else 0
            n.end = n.start + dt.timedelta(days=max(0, span // 3))
    elif pre == "later" and rel == "this":
        n.start = a
    elif pre in ("early", "late") and n.start is not None and n.end is not None:
        third = (n.end - n.start).days // 3
        if pre == "early":
            n.end = n.start + dt.timedelta(days=third)
        else:
            n.start = n.end - dt.timedelta(days=third)
    if rel == "this" and pre != "later" and n.start is not None and n.end is not None \
            and n.start <= a < n.end and c.tense(m.start(), m.end()) == "past":
        # "troops arrived this week", "early this year" in a past clause: what is told
        # happened before the anchor, so the period is only its part up to the anchor
        n.end = a
    return n


def _shifted_period(base: dt.date, unit: str, shift: int) -> _Norm | None:
    if unit == "week":
        return _week(base + dt.timedelta(weeks=shift))
    if unit == "weekend":
        sat = _monday(base + dt.timedelta(weeks=shift)) + dt.timedelta(days=5)
        return _Norm("DATE", _week_value(sat) + "-WE", sat, sat + dt.timedelta(days=1), "week")
    if unit == "month":
        y, mth = _add_months(base.year, base.month, shift)
        return _month(y, mth)
    if unit == "year":
        return _year(base.year + shift)
    if unit == "decade":
        dec = (base.year // 10 + shift) * 10
        return _Norm(
            "DATE", f"{dec // 10:03d}", dt.date(dec, 1, 1), dt.date(dec + 9, 12, 31), "year"
        )
    return None


@_rule(
    r"\b(?:(?P<end>(?:the\s+)?end\s+of\s+(?:the|this)\s+year|year[-\s]end|year's\s+end)"
    r"|the\s+(?P<mod>current\s+|full\s+|latest\s+|same\s+)?(?P<fiscal>fiscal\s+|calendar\s+)?year)\b(?![-'’])"
)
def _the_year(m: _M, c: _Ctx) -> _Norm | None:
    y = c.anchor.year
    if m["end"]:
        n = _year(y, "late")
        return n
    mod = (m["mod"] or "").strip().lower()
    before = c.text[max(0, m.start() - 20) : m.start()].lower()
    if re.search(r"\bearlier\s+(?:in|of)\s+$", before) and not mod:
        n = _year(y)
        n.end = c.anchor  # "earlier in the year": the part of it before the anchor
        return n
    if mod in ("current", "full") or re.search(r"\b(?:earlier|later|end)\s+(?:in|of)\s+$", before):
        return _year(y)
    if mod == "latest":
        return _year(y - 1)
    after = c.text[m.end() : m.end() + 16].lower()
    if not (m["fiscal"] or mod) and not re.match(
        r"\s*(?:ended|ending|to\s+date|before|after|earlier|later|ago|since|that|when|in\s+which)\b",
        after,
    ):
        return _year(y)  # "a high for the year", "the first nine months of the year"
    # "the year ended Sept. 30", "the fiscal year": a span of a year
    return _Norm("DURATION", "P1Y", is_ref=False)


@_rule(
    rf"\bthe\s+week\s+of\s+(?P<mon>{_MON})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    rf"(?:,?\s*(?P<year>(?:19|20)\d{{2}})(?!\d))?"
)
def _week_of(m: _M, c: _Ctx) -> _Norm | None:
    """ "the week of March 6": the week that contains the date."""
    day = _month_day(m, c)
    if day is None or day.start is None:
        return None
    return _week(day.start)


@_rule(r"\b(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]century\b")
def _century(m: _M, c: _Ctx) -> _Norm | None:
    n = int(m["n"])
    if not 1 <= n <= 22:
        return None
    first = max(1, (n - 1) * 100)
    return _Norm(
        "DATE", f"{n - 1:02d}", dt.date(first, 1, 1), dt.date((n - 1) * 100 + 99, 12, 31), "year"
    )


@_rule(r"\bthe\s+weekend\b")
def _the_weekend(m: _M, c: _Ctx) -> _Norm | None:
    a = c.anchor
    if a.weekday() >= 5 or c.tense(m.start(), m.end()) != "future":
        sat = a - dt.timedelta(days=(a.weekday() - 5) % 7)
    else:
        sat = a + dt.timedelta(days=(5 - a.weekday()) % 7)
    return _Norm("DATE", _week_value(sat) + "-WE", sat, sat + dt.timedelta(days=1), "week")


def _duration_value(n: int | None, unit: str) -> str:
    u = unit.lower().rstrip("s")
    if u == "centurie":
        u = "century"
    if u in ("hour", "minute", "second"):
        letter = u[0].upper()
        return f"PT{n if n is not None else 'X'}{letter}"
    if u == "fortnight":
        return f"P{2 * n}W" if n is not None else "PXW"
    if u == "decade":
        return f"P{10 * n}Y" if n is not None else "PXDE"
    if u == "century":
        return f"P{100 * n}Y" if n is not None else "PXCE"
    if u == "quarter":
        return f"P{3 * n}M" if n is not None else "PXQ"
    letter = {"day": "D", "week": "W", "month": "M", "year": "Y"}[u]
    return f"P{n if n is not None else 'X'}{letter}"


def _shift(base: dt.date, n: int, unit: str) -> _Norm | None:
    """``base`` moved by ``n`` units, at the unit's granularity."""
    u = unit.lower().rstrip("s")
    if u in ("hour", "minute", "second"):
        return _day(base)
    if u == "day":
        return _day(base + dt.timedelta(days=n))
    if u == "week":
        return _week(base + dt.timedelta(weeks=n))
    if u == "fortnight":
        return _week(base + dt.timedelta(weeks=2 * n))
    if u == "month":
        y, mth = _add_months(base.year, base.month, n)
        return _month(y, mth)
    if u == "quarter":
        y, mth = _add_months(base.year, base.month, 3 * n)
        return _quarter(y, (mth - 1) // 3 + 1)
    if u == "year":
        return _year(base.year + n)
    if u == "decade":
        return _year(base.year + 10 * n)  # "a decade ago" is a year, not the 1980s
    return None


@_rule(
    rf"\b(?P<mod>{_DUR_MOD})?(?P<n>{_QTY})[\s-]+(?P<unit>{_UNIT})s?(?:\s+or\s+so)?\s+(?P<dir>ago|later|earlier|before|after|afterwards?|hence|from\s+now)\b"
    rf"|\b(?P<bare>(?:hours|days|weeks|months|years|moments|minutes))\s+(?P<dir2>later|earlier|ago|before|after)\b",
    # "two days after the attack": left to the duration rule
    keep=lambda m: (m["dir"] or m["dir2"]).lower() not in ("before", "after"),
)
def _offset(m: _M, c: _Ctx) -> _Norm | None:
    if m["bare"]:
        unit = m["bare"].lower().rstrip("s")
        direction = m["dir2"].lower()
        if direction == "ago":
            return _vague("PAST_REF")
        if unit in ("hour", "moment", "minute"):
            return _day(c.ref())
        sign = 1 if direction == "later" else -1
        return (
            _Norm("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", is_ref=False)
            if unit != "day"
            else _vague("PAST_REF" if sign < 0 else "FUTURE_REF")
        )
    direction = m["dir"].lower()
    unit = m["unit"].lower()
    n = _num(m["n"])
    if direction in ("before", "after", "afterwards", "afterward"):
        if direction.startswith("afterward"):
            if n is None:
                return None
            return _shift(c.ref(), n, unit)
        return None  # "two days after the attack": leave to the duration rule
    if n is None:
        return _vague("PAST_REF" if direction in ("ago", "earlier") else "FUTURE_REF")
    if direction == "ago":
        base, sign = c.anchor, -1
    elif direction in ("hence", "from now"):
        base, sign = c.anchor, 1
    else:
        base, sign = c.ref(), (1 if direction == "later" else -1)
    if unit == "year" and n == 1 and c.last_quarter and m.start() - c.last_quarter_end < 400:
        # "a year earlier" in a quarterly report is the same quarter one year back
        y, q = c.last_quarter
        derived = _quarter(y - 1, q)
        derived.is_ref = False
        return derived
    res = _shift(base, sign * n, unit)
    if res is not None and m["mod"] and res.start and res.end and res.precision == "day":
        slack = dt.timedelta(days=max(1, n // 5))
        res.start, res.end = res.start - slack, res.end + slack
    return res


@_rule(r"\b(?:the\s+)?(?P<a>year|month|week)-(?:earlier|ago)(?:\s+(?P<what>quarter|period))?\b")
def _year_earlier(m: _M, c: _Ctx) -> _Norm | None:
    unit = m["a"].lower()
    n: _Norm | None
    if unit == "year" and c.last_quarter and m.start() - c.last_quarter_end < 600:
        y, q = c.last_quarter
        n = _quarter(y - 1, q)
    else:
        n = _shift(c.anchor, -1, unit)
    if n is not None:
        n.is_ref = False
    return n


def _anaphoric_kept(m: _M) -> bool:
    if m["w2"]:  # "the day", "the night" are too often generic
        return not (
            m["w2"].lower() == "the"
            and m["unit2"].lower() in ("day", "night", "morning", "evening", "afternoon")
        )
    if m["w"]:  # "next week" is the deictic rule's; here only "the next/following ..."
        return not (
            not m.group(0).lower().startswith("the")
            and m["w"].lower() == "next"
            and m["unit"].lower() in ("week", "month", "year")
        )
    return True


@_rule(
    r"\b(?:the\s+)?(?P<w>next|following|previous|same)\s+(?P<unit>day|morning|afternoon|evening|night|week|month|year)\b(?!-)"
    r"|\b(?P<w2>that|the)\s+(?P<unit2>same\s+day|day\s+before|day\s+after|previous\s+day|day|night|morning|evening|afternoon)\b(?!-)"
    r"|\b(?P<within>within\s+(?:hours|minutes|a\s+few\s+hours|days|a\s+day))\b"
    r"|\b(?:(?:later|earlier)\s+(?:in\s+)?)?that\s+(?P<that>year|month|week)\b(?![-'’])",
    keep=lambda m: _anaphoric_kept(m),
)
def _anaphoric(m: _M, c: _Ctx) -> _Norm | None:
    ref = c.ref()
    if m["that"]:  # "later that year": the year, month or week the narrative is in
        unit = m["that"].lower()
        n = (
            _year(c.last_year or ref.year)
            if unit == "year"
            else _month(ref.year, ref.month)
            if unit == "month"
            else _week(ref)
        )
        n.is_ref = False
        return n
    if m["within"]:
        if "day" in m["within"].lower():
            return _Norm(
                "DATE", ref.isoformat(), ref, ref + dt.timedelta(days=2), "day", is_ref=False
            )
        return _Norm("DATE", ref.isoformat(), ref, ref + dt.timedelta(days=1), "day", is_ref=False)
    if m["w"]:
        w, unit = m["w"].lower(), m["unit"].lower()
        # "next week" etc. are handled by the deictic rule; here only "the next/following ..."
        if (
            not m.group(0).lower().startswith("the")
            and w in ("next",)
            and unit in ("week", "month", "year")
        ):
            return None
        shift = {"next": 1, "following": 1, "previous": -1, "same": 0}[w]
        if unit in ("week", "month", "year") and c.tense(m.start(), m.end()) != "past":
            # "in the next week or two": forward from the document date, not the narrative
            return _shifted_period(c.anchor, unit, shift) if shift else None
        if unit in _PART_OF_DAY:
            d = ref + dt.timedelta(days=shift)
            return _day(d, "TIME", f"T{_PART_OF_DAY[unit]}")
        if unit == "day":
            return _day(ref + dt.timedelta(days=shift))
        return _shifted_period(ref, unit, shift)
    w2, unit2 = m["w2"].lower(), re.sub(r"\s+", " ", m["unit2"].lower())
    if w2 == "the" and unit2 in ("day", "night", "morning", "evening", "afternoon"):
        return None  # "the day" is too often generic
    if unit2 in ("day before", "previous day"):
        return _day(ref - dt.timedelta(days=1))
    if unit2 == "day after":
        return _day(ref + dt.timedelta(days=1))
    if unit2 in _PART_OF_DAY:
        return _day(ref, "TIME", f"T{_PART_OF_DAY[unit2]}")
    return _day(ref)


def _duration_kept(m: _M) -> bool:
    n_word = m["n"].lower()
    if n_word in ("an", "a") and m["pl"]:
        return False
    if m["unit"].lower() == "second" and n_word in ("a", "an", "one"):
        return False  # "a second attack": the ordinal, not a duration
    if re.fullmatch(r"\d+\.\d+", n_word) or (n_word == "recent" and not m["pl"]):
        return False
    if n_word.isdigit() and int(n_word) > 1000:
        return False
    if n_word in ("a", "an") and not (m["mod"] or m["the"] or m["rel"] or m["half"]):
        # "$1.76 a year", "four flights a week", "24 hours a day": a rate, not a duration
        prev = _RATE_BEFORE.search(m.before(24).lower())
        if prev and prev["w"] not in _NOT_PLURAL:
            return False
    return True


_RATE_BEFORE = re.compile(r"(?:\d|\b(?P<w>[a-z]+s))\s+$")
_NOT_PLURAL = {
    "was", "is", "has", "as", "its", "his", "this", "us", "less", "plus", "thus", "across",
    "perhaps", "always", "sometimes", "besides", "towards", "afterwards", "yes", "does",
}  # fmt: skip


@_rule(
    rf"\b(?P<mod>{_DUR_MOD})?(?P<the>(?:the|each\s+of\s+the|its|their)\s+)?(?P<rel>(?:past|last|next|first|final|coming|previous|latest|following|remaining|initial)\s+)?"
    rf"(?P<n>{_QTY})(?P<half>\s+1/2|\s+and\s+a\s+half)?(?:\s+(?:more|additional|extra|further))?"
    rf"[\s-]+(?P<unit>{_UNIT})(?P<pl>s)?\b(?!-old|\s+old\b)(?P<half2>\s+and\s+a\s+half)?"
    r"(?:\s+(?P<or>or\s+so|or\s+more|ahead))?",
    keep=lambda m: _duration_kept(m),
)
def _duration(m: _M, c: _Ctx) -> _Norm | None:
    n_word = m["n"].lower()
    n = _num(n_word)
    unit = m["unit"].lower()
    if n_word in ("an", "a") and m["pl"]:
        return None
    if unit == "quarter" and (
        "-" in m.group(0) or re.match(r"\s+of\b", c.text[m.end() : m.end() + 4])
    ):
        return None  # "three-quarters of", "a quarter of the vote": fractions
    if unit == "second" and n_word in ("a", "an", "one"):
        return None  # "a second attack": the ordinal, not a duration
    if re.fullmatch(r"\d+\.\d+", n_word):
        return None
    if n_word == "recent" and not m["pl"]:
        return None
    if n is not None and n_word.isdigit() and n > 1000:
        return None
    if (m["half"] or m["half2"]) and n is not None:
        return _Norm("DURATION", _half_value(n, unit), is_ref=False)
    return _Norm("DURATION", _duration_value(n, unit), is_ref=False)


def _half_value(n: int, unit: str) -> str:
    """TIMEX3 value of "n and a half units": the half in the next smaller unit."""
    u = unit.lower().rstrip("s")
    return {
        "year": f"P{n}Y6M", "month": f"P{n}M15D", "week": f"P{n}.5W", "day": f"P{n}DT12H",
        "hour": f"PT{n}H30M", "minute": f"PT{n}M30S", "second": f"PT{n}.5S",
        "decade": f"P{10 * n + 5}Y", "century": f"P{100 * n + 50}Y", "quarter": f"P{3 * n + 1}M15D",
        "fortnight": f"P{2 * n + 1}W",
    }.get(u, _duration_value(n, unit))  # fmt: skip


@_rule(
    rf"\b(?P<mod>{_DUR_MOD})?(?P<the>the\s+)?(?P<rel>past|last|next|coming|previous|recent|few|several|many)\s+(?P<unit>hour|day|week|month|year|decade)s\b"
    r"|(?:(?<=\bfor\s)|(?<=\bin\s)|(?<=\bwithin\s))(?P<bare>(?:hours|days|weeks|months|years|decades))\b"
    r"(?!\s+(?:of|ago|later|earlier|before|after)\b)"
)
def _vague_duration(m: _M, c: _Ctx) -> _Norm | None:
    if m["bare"]:
        return _Norm("DURATION", _duration_value(None, m["bare"]), is_ref=False)
    return _Norm("DURATION", _duration_value(None, m["unit"]), is_ref=False)


@_rule(
    rf"\b(?:every|each)\s+(?:other\s+)?(?P<unit>day|week|month|year|morning|night|evening|weekend|quarter|{_WD}"
    rf"|{_MONTH_FULL})\b"
    r"|\b(?P<adv>daily|weekly|monthly|annually|yearly|nightly|hourly)\b"
    r"|\b(?P<times>once|twice|three\s+times|\d+\s+times)\s+a\s+(?P<per>day|week|month|year)\b",
    # a capitalized "Daily" inside a sentence names something: "the Daily Star"
    keep=lambda m: (
        not (m["adv"] and m["adv"][0].isupper() and m.before(2).strip() not in ("", ".", '"'))
    ),
)
def _set(m: _M, c: _Ctx) -> _Norm | None:
    if m["adv"]:
        adv = m["adv"]
        code = {
            "daily": "P1D",
            "weekly": "P1W",
            "monthly": "P1M",
            "annually": "P1Y",
            "yearly": "P1Y",
            "nightly": "TNI",
            "hourly": "PT1H",
        }[adv.lower()]
        return _Norm("SET", code, is_ref=False)
    unit = (m["unit"] or m["per"]).lower()
    if unit in _MONTHS:  # "each July"
        return _Norm("SET", f"XXXX-{_MONTHS[unit]:02d}", is_ref=False)
    if unit in _WEEKDAYS:
        return _Norm("SET", f"XXXX-WXX-{_WEEKDAYS[unit] + 1}", is_ref=False)
    code = {
        "day": "P1D",
        "week": "P1W",
        "month": "P1M",
        "year": "P1Y",
        "morning": "TMO",
        "night": "TNI",
        "evening": "TEV",
        "weekend": "P1WE",
        "quarter": "P1Q",
    }[unit]
    return _Norm("SET", code, is_ref=False)


@_rule(
    r"\b(?P<present>now|currently|nowadays|presently|at\s+present|at\s+the\s+moment|these\s+days"
    r"|right\s+now|current(?!\s+(?:account|affairs|events|events|assets|liabilities)\b))\b"
    r"|\b(?P<past>recently|lately|formerly|in\s+the\s+past)\b"
    r"|\b(?P<future>(?:the\s+)?(?:near\s+|distant\s+|foreseeable\s+)?future)\b"
)
def _reference(m: _M, c: _Ctx) -> _Norm | None:
    if m["present"]:
        if m["present"].lower() == "current" and not re.match(r"\s+[a-z]", c.text[m.end() :]):
            return None  # "current" only as a modifier ("current talks"), not "the current"
        return _vague("PRESENT_REF")
    if m["past"]:
        word = m["past"].lower()
        return _vague("PAST_REF")
    word = m["future"].lower()
    if word.endswith("future") and not word.startswith("the"):
        before = c.text[max(0, m.start() - 10) : m.start()].lower()
        if not re.search(r"\b(?:in|near)\s+$", before):
            return None  # "future attacks": an adjective
    return _vague("FUTURE_REF")


_TZ = r"(?:(?-i:ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST)\b|local\s+time)"
_DAYWORD = rf"(?:today|tonight|yesterday|tomorrow|{_WD})"


@_rule(
    rf"\b(?:(?P<pre_day>today|tonight|yesterday|tomorrow|(?:early|late)?\s*{_WD})"
    r"(?:,|\s+at|\s+around|\s+about)?\s+)?"
    r"(?:(?P<h>\d{1,2})(?:(?::\s?|\.)(?P<min>[0-5]\d))?\s*(?P<ampm>[ap])\.?\s?m\b"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<min24>[0-5]\d)(?=\s*(?:" + _TZ + rf"|hours\b|{_DAYWORD}|on\s)))"
    rf"(?:\.?\s*\(?(?P<tz>{_TZ})\)?)?"
    rf"(?:\.?,?\s+(?:on\s+)?(?:(?P<post_day>{_DAYWORD})|(?P<post_mon>{_MON})\s+(?P<post_d>[0-3]?\d)\b))?"
    rf"|\b(?P<noon>noon|midnight|midday)(?:\s+(?:on\s+)?(?P<nday>today|yesterday|tomorrow|{_WD}))?"
)
def _clock(m: _M, c: _Ctx) -> _Norm | None:
    day_word = (m["pre_day"] or m["post_day"] or m["nday"] or "").strip().lower()
    day_word = re.sub(r"^(?:early|late)\s*", "", day_word)
    d: dt.date | None
    if m["post_mon"]:
        if not _cap(m["post_mon"]):
            return None
        d = _resolve_month_day(
            _month_no(m["post_mon"]), int(m["post_d"]), c.anchor, c.tense(m.start(), m.end())
        )
        if d is None:
            return None
    elif day_word in _WEEKDAYS:
        mode = _weekday_mode(c.tense(m.start(), m.end()))
        d = _resolve_weekday(_WEEKDAYS[day_word], c.anchor, mode)
    elif day_word:
        d = c.anchor + dt.timedelta(
            days={"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[day_word]
        )
    else:
        d = c.ref() if c.last_ref else c.anchor
    if m["noon"]:
        hhmm = "24:00" if m["noon"].lower() == "midnight" else "12:00"
        return _Norm("TIME", f"{d.isoformat()}T{hhmm}", d, d, "day")
    if m["h24"]:
        return _Norm("TIME", f"{d.isoformat()}T{int(m['h24']):02d}:{m['min24']}", d, d, "day")
    h = int(m["h"])
    if h > 12:
        return None
    if m["ampm"].lower() == "p" and h != 12:
        h += 12
    elif m["ampm"].lower() == "a" and h == 12:
        h = 0
    return _Norm("TIME", f"{d.isoformat()}T{h:02d}:{m['min'] or '00'}", d, d, "day")


_HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas day": (12, 25), "christmas eve": (12, 24), "christmas": (12, 25),
    "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
    "the fourth of july": (7, 4), "halloween": (10, 31), "valentine's day": (2, 14),
    "veterans day": (11, 11), "armistice day": (11, 11), "boxing day": (12, 26),
}  # fmt: skip


@_rule(
    r"\b(?:christmas\s+(?:day|eve)|christmas|new\s+year's\s+(?:day|eve)|independence\s+day|the\s+fourth\s+of\s+july|halloween|valentine's\s+day|veterans\s+day|armistice\s+day|boxing\s+day|thanksgiving(?:\s+day)?)\b"
)
def _holiday(m: _M, c: _Ctx) -> _Norm | None:
    name = re.sub(r"\s+", " ", m.group(0).lower())
    if not m.group(0)[0].isupper() and not name.startswith("the"):
        return None
    tense = c.tense(m.start(), m.end())
    if name.startswith("thanksgiving"):
        cands = []
        for y in (c.anchor.year - 1, c.anchor.year, c.anchor.year + 1):
            first = dt.date(y, 11, 1)
            cands.append(first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21))
        return _day(_pick(cands, c.anchor, tense))
    month, day = _HOLIDAYS[name]
    d = _resolve_month_day(month, day, c.anchor, tense)
    return _day(d) if d else None


# --- driver ------------------------------------------------------------------

_PRIORITY = {fn: i for i, (_, fn, _) in enumerate(_RULES)}


_Cand = tuple[int, int, Handler, _M]

# Each rule runs only in windows around the words it cannot match without (a month
# name, a weekday, a unit, a digit): scanning whole articles with two dozen patterns
# costs milliseconds, scanning these windows a fraction of that. Like the rules, the
# trigger scan runs case-sensitively over the lower-cased text.
_TRIGGER = re.compile(
    # (the lookaheads let most positions fail on one character)
    r"(?=[\d'])(?:(?P<y4>\d{4}|'\d0s)|(?P<slash>\d/\d)|(?P<clk>\d(?::\s?|\.)[0-5]\d|\d\s*[ap]\.?\s?m\b))"
    r"|(?<!\w)(?=[a-z])(?:(?P<set>every|each|daily|weekly|monthly|annually|yearly|nightly"
    r"|hourly|once|twice|times)"
    r"|(?P<unit>second|minute|hour|day|week|fortnight|month|year|decade|centur|quarter|period|morning"
    r"|afternoon|mid-?afternoon|evening|night|overnight)"
    r"|(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|(?P<wd>(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
    r"|(?P<deictic>today|tonight|yesterday|tomorrow)"
    r"|(?P<season>spring|summer|fall\b|autumn|winter)"
    r"|(?P<ref>now\b|current|nowadays|presently|present\b|moment|these\s+days|recently|lately"
    r"|formerly|past\b|future)"
    r"|(?P<clock>noon|midnight|midday)"
    r"|(?P<spyear>nineteen|eighteen|thousand|twenty|(?:twent|thirt|fort|fift|sixt|sevent|eight|ninet)ies)"
    r"|(?P<holiday>christmas|new\s+year|independence|fourth\s+of|halloween|valentine|veterans"
    r"|armistice|boxing|thanksgiving))"
)
_CLASSES: dict[str, tuple[str, ...]] = {
    "_iso": ("y4",), "_numeric": ("slash",), "_compact": ("y4",), "_year_rule": ("y4",),
    "_decade": ("y4",), "_month_day": ("mon",), "_day_month": ("mon",),
    "_month_only": ("mon",), "_season": ("season",), "_weekday_rule": ("wd",),
    "_weekday_rel": ("wd",), "_deictic": ("deictic",), "_set": ("set",), "_reference": ("ref",),
    "_clock": ("clk", "clock"), "_holiday": ("holiday",), "_spelled_year": ("spyear",),
    "_decade_word": ("spyear",),
}  # fmt: skip
_RULE_CLASSES = [_CLASSES.get(fn.__name__, ("unit",)) for _, fn, _ in _RULES]
_BEFORE, _AFTER = 70, 50  # how far a match may reach before / after its trigger word
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(text: str) -> str:
    """The text lower-cased with every character kept at its offset."""
    low = text.lower()
    # a few characters lower-case to two ("İ"): then only ASCII letters are lowered
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def _windows(low: str) -> dict[str, list[tuple[int, int]]]:
    """Merged character windows around the trigger words of each class."""
    spans: dict[str, list[tuple[int, int]]] = {}
    n = len(low)
    for m in _TRIGGER.finditer(low):
        cls = m.lastgroup or ""
        lo, hi = max(0, m.start() - _BEFORE), min(n, m.end() + _AFTER)
        lst = spans.get(cls)
        if lst is None:
            spans[cls] = [(lo, hi)]
        elif lo <= lst[-1][1]:
            lst[-1] = (lst[-1][0], hi)
        else:
            lst.append((lo, hi))
    return spans


def _rule_windows(
    spans: dict[str, list[tuple[int, int]]], classes: tuple[str, ...]
) -> list[tuple[int, int]]:
    if len(classes) == 1:
        return spans.get(classes[0], [])
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(w for cls in classes for w in spans.get(cls, [])):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


@functools.lru_cache(maxsize=256)
def _candidates(text: str) -> tuple[_Cand, ...]:
    """Every match of every rule, longest first (the earlier rule first among equals).

    Matching does not depend on the anchor, so it is cached per text: the document
    dating tries one text against several anchors.
    """
    found: list[_Cand] = []
    low = _lower(text)
    spans = _windows(low)
    for (pattern, handler, cased), classes in zip(_RULES, _RULE_CLASSES, strict=True):
        for lo, hi in _rule_windows(spans, classes):
            for m in pattern.finditer(low, lo, hi):
                cand = _adjust(text, low, pattern, handler, m)
                if cand is None or (keep := _KEEP.get(handler)) is not None and not keep(cand[3]):
                    continue
                if cased is not None:  # "ET" must be upper-case in the original text
                    m2 = cased.match(text, cand[0], hi)
                    if m2 is None or m2.end() <= cand[0]:
                        continue
                    cand = (cand[0], m2.end(), handler, _M(m2, text))
                found.append(cand)
    found.sort(key=lambda t: (-(t[1] - t[0]), t[0], _PRIORITY[t[2]]))
    return tuple(found)


def _adjust(
    text: str, low: str, pattern: re.Pattern[str], handler: Handler, m: re.Match[str]
) -> _Cand | None:
    """The match as a candidate, started again past any leading whitespace."""
    s, e = m.span()
    if s < e and low[s].isspace():
        # optional leading parts may let a match start on whitespace: match again
        while s < e and low[s].isspace():
            s += 1
        m2 = pattern.match(low, s, e)
        if m2 is None:
            return None
        m, e = m2, m2.end()
    return (s, e, handler, _M(m, text)) if e > s else None


def _select(found: tuple[_Cand, ...], rejected: set[tuple[int, int, int]]) -> list[_Cand]:
    """The longest non-overlapping candidates, in text order."""
    taken: list[_Cand] = []
    spans: list[tuple[int, int]] = []
    for cand in found:
        s, e, h, _ = cand
        if (s, e, _PRIORITY[h]) in rejected:
            continue
        if any(s < te and ts < e for ts, te in spans):
            continue
        taken.append(cand)
        spans.append((s, e))
    taken.sort(key=lambda t: t[0])
    return taken


def normalize(text: str, anchor: dt.date, doc: Doc | None = None) -> list[Timex]:
    """Find and normalize the temporal expressions of ``text`` against ``anchor``.

    ``doc``, when given, is the spaCy parse of exactly ``text``: the tense of the verb
    governing an expression decides whether "Friday" or "Dec. 27" points back or
    forward. Anaphoric expressions ("two days later", "the next day", "within
    hours") are resolved against the last event time mentioned before them.
    """
    found = _candidates(text)
    rejected: set[tuple[int, int, int]] = set()
    tense_cache: dict[int, Tense] = {}
    # A rule may decline its match ("two days after" is left to the duration rule):
    # then the overlap is settled again without it, so a shorter reading can win.
    for _ in range(6):
        ctx = _Ctx(text=text, anchor=anchor, doc=doc, _tense_cache=tense_cache)
        out: list[Timex] = []
        declined = False
        for s, e, handler, m in _select(found, rejected):
            norm = handler(m, ctx)
            if norm is None:
                rejected.add((s, e, _PRIORITY[handler]))
                declined = True
                continue
            out.append(_to_timex(text, s, e, norm))
            if (
                norm.is_ref
                and norm.start is not None
                and norm.precision in ("day", "month", "week")
            ):
                ctx.last_ref = norm.start
                ctx.last_ref_end = e
            if norm.is_ref and norm.start is not None and norm.type == "DATE":
                ctx.last_year = norm.start.year
            if norm.is_ref and re.fullmatch(r"\d{4}-Q\d", norm.value):
                ctx.last_quarter = (int(norm.value[:4]), int(norm.value[-1]))
                ctx.last_quarter_end = e
        if not declined:
            break
    return out


def _to_timex(text: str, s: int, e: int, norm: _Norm) -> Timex:
    interval = None
    if norm.start is not None and norm.end is not None and norm.precision is not None:
        interval = Interval(start=norm.start, end=norm.end, precision=norm.precision)
    return Timex(
        start=s,
        end=e,
        text=text[s:e],
        type=norm.type,
        value=norm.value,
        interval=interval,
        precision=norm.precision if interval else None,
    )
