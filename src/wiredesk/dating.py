"""The publication date of a document: from metadata, from the page, or inferred.

``document_date`` reads the metadata date when there is one, else the datelines,
headers and footers of the raw page ("date 2020-03-11", "Mar 13. 2020", "A Section on
03/29/2020"), weighing each against what the text itself says so that a crawl or print
header months after the story is not taken for its publication; failing that, a dated
mention in the body plus the weekdays the story names. ``infer_dates`` places the
documents that carry no date at all by resolving their weekday references against the
dates the other documents of the same run establish.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from wiredesk import timex

__all__ = ["document_date", "infer_dates", "parse_date"]

Basis = Literal["metadata", "text", "unknown"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})

_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WD = r"(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = [
    # 2020-03-11, 2020/03/11, 2020-03-11T10:00:00Z
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # Tuesday, August 04, 2020 / Mar 13. 2020 / March 13 2020 / November 27-2005
    re.compile(
        rf"\b{_WD}{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:[,.]\s*|-|\s+){_YEAR}(?!\d)", re.I
    ),
    # Tuesday 4 August 2020 / 13th of March, 2020
    re.compile(
        rf"\b{_WD}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}[,.]?\s+{_YEAR}(?!\d)", re.I
    ),
    # 03/29/2020, 29-03-2020 (US order unless impossible), 29.03.2020 (day first)
    re.compile(
        r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})[/.-](?P<year>(?:19|20)\d{2})(?![\d/])"
    ),
]
_YEARISH = re.compile(r"\d\d")
# Two-digit years ("11/30/09 05:40 PM ET") only on header and footer lines.
_SHORT_YEAR = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})[/.](?P<yy>\d{2})(?![\d/.])"
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(\d{2})/")
# Words that mark a line as carrying the publication date, or some other date.
_PUB_CUES = re.compile(
    r"\b(?:date[d:]?|published|posted|first\s+published|section\s+on|print(?:ed)?\s+edition|issued|filed)\b",
    re.I,
)
_OTHER_CUES = re.compile(
    r"\b(?:updated|modified|accessed|retrieved|printed|copyright|©|last\s+edited)\b", re.I
)
_RECENCY = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight|this\s+week|last\s+week|earlier\s+this\s+month)\b",
    re.I,
)


@dataclass(frozen=True)
class _Cand:
    date: dt.date
    start: int
    end: int
    line: str
    zone: Literal["header", "footer", "body"]
    cue: Literal["pub", "other", "none"] = "none"  # the label just before the date
    in_url: bool = False


def _to_date(m: re.Match[str]) -> dt.date | None:
    g = m.groupdict()
    year = int(g["year"])
    try:
        if g.get("mon"):
            mon = g["mon"].lower().rstrip(".")
            month = _MONTHS.get(mon) or _MONTHS.get(mon[:3], 0)
            d = dt.date(year, month, int(g["d"]))
        elif g.get("m"):
            d = dt.date(year, int(g["m"]), int(g["d"]))
        else:
            d = _numeric(int(g["a"]), int(g["b"]), year, g.get("sep") or "/")[0]
    except ValueError:
        return None
    wd = g.get("wd")
    if wd and _WEEKDAYS.get(wd.lower()[:3]) != d.weekday():
        return None  # "Tuesday, March 13, 2020": a weekday that contradicts the date
    return d


def _numeric(a: int, b: int, year: int, sep: str) -> tuple[dt.date, dt.date | None]:
    """A numeric date and, when the order is ambiguous, its other reading.

    Slashes are read month first (US) and dots day first (most of Europe), unless the
    first field cannot be a month.
    """
    month, day = (b, a) if (sep == "." or a > 12) and b <= 12 else (a, b)
    d = dt.date(year, month, day)
    alt = None
    if a <= 12 and b <= 12 and a != b:
        alt = dt.date(year, day, month)
    return d, alt


def _find_dates(text: str, short_years: bool = False) -> list[tuple[int, int, dt.date]]:
    """Every fully specified calendar date (with a year) in ``text``."""
    found: list[tuple[int, int, dt.date]] = []
    if not _YEARISH.search(text):
        return found  # every form below has at least two digits in a row
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            d = _to_date(m)
            if d is None or any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            found.append((m.start(), m.end(), d))
    if short_years:
        for m in _SHORT_YEAR.finditer(text):
            yy = int(m["yy"])
            try:
                d = _numeric(
                    int(m["a"]), int(m["b"]), 2000 + yy if yy < 70 else 1900 + yy, m["sep"]
                )[0]
            except ValueError:
                continue
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), d))
    found.sort()
    return found


def parse_date(value: str) -> dt.date | None:
    """A calendar date from a metadata string in any common format, or None."""
    value = value.strip()
    if not value:
        return None
    m = re.match(r"^((?:19|20)\d{2})-?(\d{2})-?(\d{2})(?:$|[T\s])", value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", value):  # a Unix timestamp (seconds or ms)
        secs = float(value) / (1000 if len(value.split(".")[0]) > 11 else 1)
        return dt.datetime.fromtimestamp(secs, tz=dt.UTC).date()
    found = _find_dates(value)
    if found:
        return found[0][2]
    # Everything else ("11 Mar 2020 10:00 GMT", "March 2020", relative words) goes to
    # dateparser, which handles these well; it is imported only when needed (slow import).
    import dateparser

    parsed = dateparser.parse(
        value,
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "RELATIVE_BASE": dt.datetime(2000, 1, 1),
            "REQUIRE_PARTS": ["year"],
        },
    )
    return parsed.date() if parsed else None


def _candidates(raw: str) -> list[_Cand]:
    lines = raw.splitlines(keepends=True)
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    head = set(nonblank[:6])
    tail = set(nonblank[-8:])
    url_months = {(int(y), int(m)) for y, m in _URL_MONTH.findall(raw[:2000])}
    out: list[_Cand] = []
    pos = 0
    for i, ln in enumerate(lines):
        zone: Literal["header", "footer", "body"] = (
            "header" if i in head else "footer" if i in tail else "body"
        )
        prev_end = 0
        for s, e, d in _find_dates(ln, short_years=zone != "body"):
            d = _disambiguate(ln[s:e], d, url_months)
            segment = ln[prev_end:s]
            prev_end = e
            out.append(_Cand(d, pos + s, pos + e, ln.strip(), zone, _cue(segment), _in_url(ln, s)))
        pos += len(ln)
    return out


def _disambiguate(matched: str, d: dt.date, url_months: set[tuple[int, int]]) -> dt.date:
    """Swap day and month of an ambiguous numeric date when the page's URL says so."""
    if not re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", matched) or d.day > 12:
        return d
    swapped = dt.date(d.year, d.day, d.month)
    if (d.year, d.month) not in url_months and (d.year, swapped.month) in url_months:
        return swapped
    return d


def _cue(segment: str) -> Literal["pub", "other", "none"]:
    """The label just before a date in its line: "Published:", "Updated", or none."""
    tail = segment[-40:]
    pub = list(_PUB_CUES.finditer(tail))
    other = list(_OTHER_CUES.finditer(tail))
    last_pub = pub[-1].end() if pub else -1
    last_other = other[-1].end() if other else -1
    if last_other > last_pub:
        return "other"
    # the label must start the line's segment ("Posted 11/27/2005"), not sit in a sentence
    if pub and _words(tail[: pub[-1].start()]) <= 2 and _words(tail[pub[-1].end() :]) <= 3:
        return "pub"
    return "none"


def _in_url(line: str, start: int) -> bool:
    """Is the date part of a web address (".../story/2013-07-21/...")?"""
    token_start = max(line.rfind(" ", 0, start), line.rfind("\t", 0, start)) + 1
    return bool(re.match(r"(?:https?:|www\.)", line[token_start:start])) or (
        line[start - 1 : start] == "/" and "/" in line[:start] and "http" in line[:start]
    )


def _is_dateline(c: _Cand) -> bool:
    """A line that states the page's own date rather than mentioning one in a sentence."""
    if c.start < 0:
        return True  # a date in the title
    if c.cue != "none":
        return True  # "date 2020-03-11", "Published: March 3", "A Section on 03/29/2020"
    if c.zone == "body":
        return False
    if c.in_url and c.zone == "header":
        return True  # ".../2009/11/30/story.html" at the top of a saved page
    if c.zone == "header" and _opens_story(c):
        return True
    # short line, mostly the date itself: "Mar 13. 2020", "Tuesday, August 04, 2020"
    return _words(c.line) <= 6 or (
        _words(c.line) <= 10 and c.zone == "header" and _clock_line(c.line)
    )


# A wire dateline's place before a parenthesized date: "INDIANAPOLIS, Ind. (", "GREENWOOD ("
_PLACE_PAREN = re.compile(
    r"^[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,12}(?:\s[A-Z][A-Za-z.]+)?)?\s*\(\s*$"
)
# What follows a date that opens a line: a dateline's place in capitals ("AUBURN, Ala.")
_CAPS_AFTER = re.compile(r"\s*[A-Z]{2,}[A-Z.']*(?:\s+[A-Z]{2,}[A-Z.']*)*\s*[,(\-\u2013\u2014]")
# The rest of a parenthesized dateline date: an optional clock time, then ")"
_PAREN_CLOSE = re.compile(r"\s*(?:\d{1,2}:\d{2}\s*[APap]\.?[Mm]\.?\s*)?\)")


def _opens_story(c: _Cand) -> bool:
    """A date that opens the story as its dateline, whatever follows on the same line.

    "INDIANAPOLIS, Ind. (Jan. 8, 2016)– Police say..." and "Monday, December 15, 2014
    AUBURN, Alabama --..." state the page's date; "was shot on Tuesday, March 31, 2015"
    in a sentence does not. The date must be the line's first words (with a weekday, or
    followed by a capitalized place) or sit in parentheses right after a capitalized place.
    """
    line = c.line
    for s, e, d in _find_dates(line):
        if d != c.date:
            continue
        before = line[:s]
        if _PLACE_PAREN.match(before) and _PAREN_CLOSE.match(line[e:]):
            return True
        if not before.strip():
            has_weekday = bool(re.match(r"(?:mon|tue|wed|thu|fri|sat|sun)", line[s:e], re.I))
            if has_weekday or _CAPS_AFTER.match(line[e:]):
                return True
        return False
    return False


def _clock_line(line: str) -> bool:
    """A header line of date and clock time: "June 6th, 2013 7:38pm EDT"."""
    return bool(re.search(r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?", line, re.I))


def _words(line: str) -> int:
    return len(re.findall(r"[A-Za-z]+", line))


def _line_pos(c: _Cand) -> int:
    """Where the date starts inside its (stripped) line."""
    for s, _e, d in _find_dates(c.line):
        if d == c.date:
            return s
    return 0


def _content_latest(raw: str, anchor: dt.date, skip: list[tuple[int, int]]) -> dt.date | None:
    """The latest dated thing the text narrates, its expressions resolved against ``anchor``."""
    latest: dt.date | None = None
    for t in timex.normalize(raw, anchor):
        if any(s <= t.start < e for s, e in skip):
            continue
        if t.interval is None or t.interval.precision not in ("day", "month"):
            continue
        # Weekdays and "today" resolve to the anchor's own week whatever it is: no evidence.
        if re.search(r"day\b|today|tonight|week|hours|ago|later|this month", t.text, re.I):
            continue
        if latest is None or t.interval.start > latest:
            latest = t.interval.start
    return latest


def document_date(
    raw_text: str, metadata_date: str | None = None, title: str | None = None
) -> tuple[dt.date | None, Literal["metadata", "text", "unknown"]]:
    """The publication date of one article and where it came from.

    Metadata wins when it parses. Otherwise datelines in the header and footer of the raw
    page are weighed against the content: when several disagree, the one closest after
    the latest thing the story dates is kept (a crawl or print header months later loses).
    With no dateline, a fully dated mention in the body ("released Thursday, March 12,
    2020") and the weekdays the story names place it.
    """
    if metadata_date:
        d = parse_date(metadata_date)
        if d is not None:
            return d, "metadata"
    text = raw_text if not title else raw_text + "\n"
    cands = _candidates(text)
    if title:
        for _s, _e, d in _find_dates(title):
            cands.append(_Cand(d, -1, -1, title, "header"))
    # "Updated ..." dates only when nothing says when the page was first published
    # "Updated ..." and web-address dates only when nothing else says when the page was
    # first published
    lines_all = [c for c in cands if _is_dateline(c)]
    datelines = [c for c in lines_all if c.cue != "other" and not c.in_url]
    datelines = datelines or [c for c in lines_all if c.cue != "other"] or lines_all
    spans = [(c.start, c.end) for c in cands]
    lead = [c for c in cands if not _is_dateline(c) and _is_fresh_lead_date(text, c)]
    lead_date = _from_body(text, max(c.date for c in lead)) if lead else None
    if datelines:
        distinct = sorted({c.date for c in datelines})
        if len(distinct) == 1:
            chosen = distinct[0]
        else:
            chosen = min(distinct, key=lambda d: _staleness(text, d, spans))
        # A lone page date long after the day the lead itself dates, in a story that
        # speaks of "Wednesday" and "this week", is a crawl or print date.
        if not (lead_date and (chosen - lead_date).days > 60):
            return chosen, "text"
    if lead_date:
        return lead_date, "text"
    return None, "unknown"


_ARCHIVE = re.compile(r"\bfile\b|\bin\s+this\b|\barchive|\bof\s+the\s+|\bsince\b|\buntil\b", re.I)


def _is_fresh_lead_date(text: str, c: _Cand) -> bool:
    """A dated mention in the lead or caption that speaks of the day's news itself.

    Dates further down, and those of file photos ("In this <date> file photo"),
    date background, not the article.
    """
    if c.start < 0 or c.start > 400:
        return False
    sentence_start = max(text.rfind(". ", 0, c.start), text.rfind("\n", 0, c.start)) + 1
    before = text[sentence_start : c.start]
    after = text[c.end : c.end + 40]
    return not (
        _ARCHIVE.search(before)
        or re.match(r"\W*(?:file|archive|photo|image|picture|video)", after, re.I)
    )


def _staleness(text: str, d: dt.date, spans: list[tuple[int, int]]) -> tuple[int, dt.date]:
    """How long after the latest narrated date ``d`` would be (negative: before it)."""
    latest = _content_latest(text, d, spans)
    if latest is None:
        return (0, d)
    gap = (d - latest).days
    # Published before what it narrates as past is impossible; far after is a stale header.
    return (gap if gap >= 0 else 10_000, d)


def _from_body(text: str, dated: dt.date) -> dt.date | None:
    """Publication date from a dated event in the body and the weekdays around it.

    The story was published on or after ``dated``; among the next days, the earliest one
    against which the story's weekdays ("early Friday", "on Wednesday") cluster most
    tightly around ``dated`` is the publication date.
    """
    best: tuple[int, dt.date] | None = None
    weekday_refs = 0
    for k in range(0, 8):
        anchor = dated + dt.timedelta(days=k)
        points = [dated]
        for t in timex.normalize(text, anchor):
            if (
                t.interval
                and t.interval.precision == "day"
                and re.search(
                    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|tonight",
                    t.text,
                    re.I,
                )
            ):
                points.append(t.interval.start)
        weekday_refs = max(weekday_refs, len(points) - 1)
        spread = (max(points) - min(points)).days
        if best is None or spread < best[0]:
            best = (spread, anchor)
    # Without the story's own weekdays clustering within a few days of the dated event,
    # the date says when something happened, not when the article appeared.
    if best is None or weekday_refs < 2 or best[0] > 3:
        return None
    return best[1]


# --- inference across documents -------------------------------------------------

_STOP = {
    "the", "and", "that", "with", "from", "this", "were", "have", "been", "said", "says",
    "which", "their", "they", "would", "after", "before", "about", "into", "than", "also",
    "while", "where", "when", "what", "there", "other", "more", "over", "some", "such",
    "against", "under", "since", "previous", "another", "officials", "official",
}  # fmt: skip
_REPORT_WD = re.compile(
    r"\b(?:said|says|told|announced|reported|confirmed|stated)\s+(?:on\s+)?"
    r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
_WEEKDAY_ONLY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_WEEKDAY_WORD = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight", re.I
)


_NEAREST_DOCS = 8  # dated documents whose dates give the candidate anchors
_EVIDENCE_DOCS = 24  # dated documents whose narrated days may confirm a candidate
# A word carried by more dated documents than this says nothing about which story a
# document tells; skipping it keeps each look-up bounded in a large run.
_MAX_POSTING = 200


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def _lead_end(text: str) -> int:
    """End of the lead: the first paragraph of real prose (skipping a short headline)."""
    pos = 0
    for para in re.split(r"(\n\s*\n|\n)", text):
        pos += len(para)
        if len(para.split()) >= 12:
            return min(pos, 600)
    return min(len(text), 600)


def _context(text: str, start: int, end: int, width: int = 90) -> set[str]:
    words = re.findall(r"[A-Za-z]{4,}", text[max(0, start - width) : end + width].lower())
    return {w for w in words if w not in _STOP and not _WEEKDAY_WORD.fullmatch(w)}


@dataclass
class _Dated:
    text: str
    pub: dt.date
    words: set[str]
    # the days this document narrates, each with the words around each mention of it;
    # computed only when the document is some undated document's neighbour
    _days: dict[dt.date, list[set[str]]] | None = None

    def days(self) -> dict[dt.date, list[set[str]]]:
        if self._days is None:
            days: dict[dt.date, list[set[str]]] = defaultdict(list)
            for t in timex.normalize(self.text, self.pub):
                if t.interval and t.interval.precision == "day" and t.type in ("DATE", "TIME"):
                    days[t.interval.start].append(_context(self.text, t.start, t.end))
            self._days = dict(days)
        return self._days


class _WordIndex:
    """Inverted index from content words to dated documents, for nearest-story look-ups."""

    def __init__(self, docs: list[_Dated]) -> None:
        self.docs = docs
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, d in enumerate(docs):
            for w in d.words:
                self.postings[w].append(i)

    def nearest(self, words: set[str], k: int) -> list[int]:
        """The ``k`` documents most alike in vocabulary (Jaccard), best first."""
        shared: dict[int, int] = defaultdict(int)
        for w in words:
            post = self.postings.get(w)
            if post and len(post) <= _MAX_POSTING:
                for i in post:
                    shared[i] += 1
        n = len(words)

        def jaccard(i: int) -> float:
            inter = shared[i]
            return inter / ((n + len(self.docs[i].words) - inter) or 1)

        ranked = sorted(shared, key=lambda i: (-jaccard(i), i))[:k]
        if len(ranked) < k:  # too few share a word: fill in run order, as ties would be
            seen = set(ranked)
            rest = (i for i in range(len(self.docs)) if i not in seen)
            ranked += list(itertools.islice(rest, k - len(ranked)))
        return ranked


def _day_refs(text: str, anchors: list[dt.date]) -> list[tuple[int, int, dict[dt.date, dt.date]]]:
    """The text's weekday and "yesterday"/"today" references resolved against each anchor.

    These resolve the same way against anchors a whole number of weeks apart, so the text
    is normalized once per weekday among ``anchors`` and the results moved by weeks.
    Returns (start, end, {anchor: resolved day}) per reference.
    """
    by_weekday: dict[int, list[dt.date]] = defaultdict(list)
    for a in anchors:
        by_weekday[a.weekday()].append(a)
    refs: dict[tuple[int, int], dict[dt.date, dt.date]] = {}
    for group in by_weekday.values():
        base = group[0]
        for t in timex.normalize(text, base):
            if t.interval is None or t.interval.precision != "day":
                continue
            if not _WEEKDAY_WORD.search(t.text):
                continue
            resolved = refs.setdefault((t.start, t.end), {})
            for a in group:
                resolved[a] = t.interval.start + (a - base)
    return [(s, e, r) for (s, e), r in sorted(refs.items())]


def infer_dates(
    undated: list[tuple[str, str]], dated: list[tuple[str, str, dt.date]]
) -> dict[str, dt.date]:
    """Publication dates for undated documents, from the dates other documents establish.

    ``undated``: (id, cleaned text); ``dated``: (id, cleaned text, published date). For
    each candidate date near the dates of the dated documents that tell the same story
    (closest in vocabulary), the undated text's weekday references ("on Wednesday",
    "Friday's strikes") are resolved against it and scored by how well they land on days
    those documents narrate with the same words (place, actor, event words near the
    expression); the weekday the lead reports on ("officials said Saturday") should be
    the candidate itself. Documents with no evidence are left out of the result.

    Dated documents are looked up through an inverted word index and each is normalized
    at most once (and only when it neighbours an undated one); each undated document is
    normalized once per weekday among its candidate dates. The cost grows about linearly
    with the number of documents.
    """
    if not dated:
        return {}
    profiles = [_Dated(text, pub, _content_words(text)) for _id, text, pub in dated]
    index = _WordIndex(profiles)
    out: dict[str, dt.date] = {}
    for doc_id, text in undated:
        lead = text[: _lead_end(text)]
        if not _WEEKDAY_WORD.search(text):
            continue  # no weekday or relative day to place the document by
        # Candidate dates come from the dated documents closest in vocabulary: the same
        # story told elsewhere (and a bounded number of candidates in a large run).
        near = index.nearest(_content_words(text), max(_NEAREST_DOCS, _EVIDENCE_DOCS))
        pubs = sorted({profiles[i].pub for i in near[:_NEAREST_DOCS]})
        established: dict[dt.date, list[set[str]]] = defaultdict(list)
        for i in near:
            for day, ctxs in profiles[i].days().items():
                established[day].extend(ctxs)
        candidates = sorted({p + dt.timedelta(days=k) for p in pubs for k in range(-3, 8)})
        refs = _day_refs(text, candidates)
        if not refs:
            continue
        contexts = [_context(text, s, e) for s, e, _ in refs]
        rep = _REPORT_WD.search(lead)
        report_wd = _WEEKDAYS[rep["wd"].lower()] if rep else None
        first = _WEEKDAY_ONLY.search(lead)
        # best agreement of a reference with the days established, per (reference, day)
        agreement: dict[tuple[int, dt.date], float | None] = {}
        best: tuple[float, int, dt.date] | None = None
        for anchor in candidates:
            score = 0.0
            matched = 0
            for k, (_s, _e, resolved) in enumerate(refs):
                landed = resolved.get(anchor)
                if landed is None:
                    continue
                key = (k, landed)
                if key not in agreement:
                    ctx = contexts[k]
                    others = established.get(landed)
                    agreement[key] = (
                        max(len(ctx & o) / (len(ctx | o) or 1) for o in others) if others else None
                    )
                sim = agreement[key]
                if sim is not None:
                    score += 0.5 + sim
                    matched += 1
            if matched == 0:
                continue  # nothing this document says lands on a day the others establish
            if report_wd is not None and anchor.weekday() == report_wd:
                score += 1.0
            elif first is not None and report_wd is None:
                # The lead's news happened on the day of publication or the day before.
                lag = (anchor.weekday() - _WEEKDAYS[first[0].lower()]) % 7
                score += {0: 0.3, 1: 0.3}.get(lag, 0.0)
            distance = min(abs((anchor - p).days) for p in pubs)
            cand_key = (score, -distance, anchor)
            if best is None or cand_key[:2] > best[:2]:
                best = cand_key
        if best is not None and best[0] > 0:
            out[doc_id] = best[2]
    return out
