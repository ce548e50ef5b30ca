"""The briefing's content, built from a ``Result`` alone: no text is invented.

Every sentence of a summary is filled in from an event's structured fields (type,
date, place, actors, reconciled figures, weapons) and every quote is copied from a
source document. The HTML and Markdown renderers only lay this content out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wiredesk.models import CategoryOut, DocumentOut, Event, FigureOut, Relation, Result

# How a figure kind reads after its number ("3 killed", "57 munitions fired").
FIGURE_LABELS = {
    "fatalities": "killed",
    "fatalities_partial": "killed (partial count)",
    "injured": "injured",
    "munitions_fired": "munitions fired",
    "munitions_landed": "munitions landed",
    "arrested": "arrested",
    "displaced": "displaced",
    "participants": "taking part",
}
RELATION_LABELS = {
    "retaliation_for": "retaliation for",
    "response_to": "response to",
    "caused_by": "caused by",
    "follows": "follows",
}
# The strongest relation of a pair is the one drawn; "follows" only adds order.
_RELATION_RANK = {"retaliation_for": 0, "response_to": 1, "caused_by": 2, "follows": 3}
_QUOTE_MAX = 420


def figure_label(kind: str) -> str:
    """Plain words for a figure kind."""
    return FIGURE_LABELS.get(kind, kind.replace("_", " "))


def format_date(start: dt.date, end: dt.date, precision: str) -> str:
    """A date interval as a reader says it: "11 March 2020", "November 2019"."""
    def day(d: dt.date) -> str:
        return f"{d.day} {d:%B %Y}"

    if precision == "year":
        return f"in {start.year}" if start.year == end.year else f"in {start.year}-{end.year}"
    if precision == "month" and (start.year, start.month) == (end.year, end.month):
        return f"in {start:%B %Y}"
    if start == end:
        return f"on {day(start)}"
    if precision == "week":
        return f"in the week of {day(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"between {start.day} and {day(end)}"
    return f"between {day(start)} and {day(end)}"


def short_date(ev: Event) -> str:
    """'11 Mar 2020', or 'undated'."""
    if ev.date is None:
        return "undated"
    d = ev.date.start
    if ev.date.precision in ("month", "season") and ev.date.end != d:
        return f"{d:%b %Y}"
    if ev.date.precision == "year":
        return str(d.year)
    return f"{d.day} {d:%b %Y}"


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _range_text(fig: FigureOut) -> str:
    if fig.high is None:
        return f"{fig.low} or more"
    return f"{fig.low}" if fig.low == fig.high else f"{fig.low} to {fig.high}"


@dataclass
class Source:
    """A cited document, numbered in the order of publication."""

    n: int
    doc: DocumentOut

    @property
    def label(self) -> str:
        """The title, else the file name."""
        return self.doc.title or Path(self.doc.path).name

    @property
    def outlet(self) -> str:
        """The outlet, else 'outlet not given'."""
        return self.doc.source or "outlet not given"

    @property
    def day(self) -> str:
        """Publication date, ISO, or 'date unknown'."""
        return self.doc.published.isoformat() if self.doc.published else "date unknown"

    @property
    def date(self) -> str:
        """Publication date, with how it was established when not from metadata."""
        if self.doc.published is None:
            return "date unknown"
        basis = self.doc.published_basis
        note = "" if basis == "metadata" else f" (date from {basis})"
        return self.doc.published.isoformat() + note


@dataclass
class Quote:
    """Words copied from a source, with the part to highlight and who said it."""

    text: str
    source: Source
    highlight: str | None = None
    who: str | None = None


@dataclass
class Side:
    """One position in a disagreement: a value and the quotes that state it."""

    value: str
    quotes: list[Quote]


@dataclass
class Dispute:
    """A figure or categorical fact the sources disagree on."""

    label: str
    best: str  # what the record keeps, and by which rule
    sides: list[Side]


@dataclass
class FigureRow:
    kind: str
    label: str
    best: int
    low: int
    high: int | None
    status: str
    n_claims: int
    rule: str | None


@dataclass
class Link:
    """A drawn relation: ``source`` reacts to ``target``, with the quotes that tie them."""

    type: str
    label: str
    source: EventView
    target: EventView
    evidence: list[Quote]


@dataclass
class EventView:
    """One event as the briefing shows it."""

    n: int
    event: Event
    title: str
    summary: str  # plain sentences from structured fields only
    sources: list[Source]
    figures: list[FigureRow]
    disputes: list[Dispute]
    key_quote: Quote | None
    reacts_to: list[Link] = field(default_factory=list)
    reactions: list[Link] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """HTML id of the event's section."""
        return f"event-{self.event.id}"

    @property
    def fatalities(self) -> int:
        """The reconciled best count of the killed (0 when none is reported)."""
        fig = self.event.figures.get("fatalities")
        return fig.value if fig else 0


@dataclass
class Briefing:
    """Everything a briefing shows, in reading order."""

    events: list[EventView]
    sources: list[Source]
    links: list[Link]  # each drawn relation once (the strongest of a pair)

    @property
    def period(self) -> str:
        """The span of the dated events, or ''."""
        dates = [e.event.date for e in self.events if e.event.date]
        if not dates:
            return ""
        start, end = min(d.start for d in dates), max(d.end for d in dates)
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


# A sentence ends at . ! or ? (maybe closed by a quotation mark) before a space and a
# capital, digit or opening quote, unless the word before it is an abbreviation.
_BOUNDARY = re.compile(r"""[.!?]["'”’]?\s+(?=["'“‘(]?[A-Z0-9])|\n""")
_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]\.)*[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Cpl|Capt|Maj|Gov|Sen|Rep|"
    r"St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|No|Lance|Pvt|Adm|Brig))\.$")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 2 * _QUOTE_MAX)
    left, right = 0 if lo == 0 else lo, len(text)
    for m in _BOUNDARY.finditer(text, lo, min(len(text), end + 2 * _QUOTE_MAX)):
        if m.group(0) != "\n" and _ABBREV.search(text, max(0, m.start() - 12), m.start() + 1):
            continue  # "U.S. officials", "Gen. Milley": not the end of a sentence
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end - 1:
            right = m.start() + 1 if m.group(0) != "\n" else m.start()
            break
    return left, right


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) of ``text`` that holds ``[start, end)``."""
    left, right = _sentence_bounds(text, start, end)
    out = text[left:right]
    stripped = out.strip()
    if len(stripped) > _QUOTE_MAX:  # keep the figure in the middle of a long sentence
        mid = (start + end) // 2 - left
        lo = max(0, mid - _QUOTE_MAX // 2)
        stripped = ("..." if lo else "") + out[lo:lo + _QUOTE_MAX].strip() + "..."
    return stripped


def in_sentence(texts: Mapping[str, str], doc_id: str, quote: str) -> str:
    """``quote`` widened to its whole sentence when the document's text holds it once
    (too short a quote, or one found twice, is returned as it is)."""
    text = texts.get(doc_id)
    if not text or len(quote) < 8:
        return quote
    at = text.find(quote)
    if at < 0 or text.find(quote, at + 1) >= 0:
        return quote
    return _sentence_around(text, at, at + len(quote))


class _Quoter:
    """Finds the sentence behind a short claim quote ("30 rockets")."""

    def __init__(self, event: Event, texts: Mapping[str, str]) -> None:
        self.event = event
        self.texts = texts

    def context(self, doc_id: str, quote: str) -> str:
        for m in self.event.mentions:
            if m.doc_id != doc_id or quote not in m.quote:
                continue
            text = self.texts.get(doc_id)
            if text and text[m.start:m.end] == m.quote:
                at = m.start + m.quote.index(quote)
                return _sentence_around(text, at, at + len(quote))
            return m.quote
        # a bare number ("18") is too short to find reliably in a whole article
        return in_sentence(self.texts, doc_id, quote)


def _place_text(ev: Event) -> str:
    loc = ev.location
    if loc is None:
        return ""
    if loc.country and loc.country != loc.name:
        return f"in {loc.name}, {loc.country}"
    return f"in {loc.name}"


def _summary(ev: Event, cites: str) -> str:
    kind = ev.sub_event_type if ev.sub_event_type != "Other" else f"{ev.event_type} (other)"
    first = kind
    if place := _place_text(ev):
        first += " " + place
    if ev.date:
        first += " " + format_date(ev.date.start, ev.date.end, ev.date.precision)
    perps = [a.name for a in ev.actors if a.is_perpetrator]
    targets = [a.name for a in ev.actors if a.role in ("target", "victim")]
    if perps:
        first += f", by {_join(perps)}"
    if targets:
        first += f", against {_join(targets)}"
    sentences = [first + "."]
    figs = []
    for kind_, fig in ev.figures.items():
        words = f"{fig.value} {figure_label(kind_)}"
        if fig.status == "conflict":
            words += f" (sources disagree: {_range_text(fig)})"
        elif fig.high is None and fig.value == fig.low:
            words = f"at least {words}"
        elif fig.high is None or fig.low != fig.high:
            words += f" (reports range {_range_text(fig)})"
        figs.append(words)
    if figs:
        sentences.append("; ".join(figs).capitalize() + ".")
    if ev.weapons:
        sentences.append(f"Weapons reported: {', '.join(ev.weapons)}.")
    for name, cat in ev.categories.items():
        if cat.status == "conflict" and cat.conflicts:
            pairs = "; ".join(f"{a} or {b}" for a, b in cat.conflicts)
            sentences.append(f"Sources disagree on the {name.replace('_', ' ')}: {pairs}.")
    n_docs = len({m.doc_id for m in ev.mentions})
    sentences.append(f"Reported in {n_docs} document{'s' if n_docs != 1 else ''} {cites}.")
    return " ".join(sentences)


def _figure_dispute(kind: str, fig: FigureOut, quoter: _Quoter,
                    sources: Mapping[str, Source]) -> Dispute:
    groups: dict[str, list[Quote]] = {}
    for c in fig.claims:
        value = f"{c.value}" if c.high is not None or c.low is None else f"{c.value} or more"
        if c.high is not None and c.low is not None and c.low != c.high:
            value = f"{c.low} to {c.high}"
        src = sources.get(c.doc_id)
        if src is None:
            continue
        groups.setdefault(value, []).append(Quote(
            quoter.context(c.doc_id, c.quote), src, highlight=c.quote, who=c.attributed_to))
    best = f"{fig.value}" + (f" (rule: {fig.rule})" if fig.rule else "")
    return Dispute(figure_label(kind), best, [Side(v, q) for v, q in groups.items()])


def _category_dispute(name: str, cat: CategoryOut, quoter: _Quoter,
                      sources: Mapping[str, Source]) -> Dispute:
    disputed = {v for pair in cat.conflicts for v in pair}
    groups: dict[str, list[Quote]] = {}
    for c in cat.claims:
        src = sources.get(c.doc_id)
        if c.value not in disputed or src is None:
            continue
        quotes = groups.setdefault(c.value, [])
        if any(q.source is src and q.highlight == c.quote for q in quotes):
            continue  # the same words of the same article, told twice
        quotes.append(Quote(quoter.context(c.doc_id, c.quote), src, highlight=c.quote,
                            who=c.attributed_to))
    best = f"{cat.value}" + (f" (rule: {cat.rule})" if cat.rule else "")
    return Dispute(name.replace("_", " "), best, [Side(v, q) for v, q in groups.items()])


def _event_sort_key(ev: Event) -> tuple[int, dt.date, str]:
    return (0, ev.date.start, ev.id) if ev.date else (1, dt.date.max, ev.id)


def build(result: Result, texts: Mapping[str, str] | None = None) -> Briefing:
    """The briefing of a merged record.

    ``texts`` (document id to cleaned text, optional) lets a short claim quote be shown
    inside its whole sentence; without it the mention's words are shown.
    """
    texts = texts or {}
    docs = sorted(result.documents,
                  key=lambda d: (d.published or dt.date.max, d.title or d.path, d.id))
    sources = {d.id: Source(i + 1, d) for i, d in enumerate(docs)}
    views: list[EventView] = []
    for i, ev in enumerate(sorted(result.events, key=_event_sort_key)):
        cited = sorted({sources[m.doc_id].n: sources[m.doc_id]
                        for m in ev.mentions if m.doc_id in sources}.items())
        ev_sources = [s for _, s in cited]
        cites = "".join(f"[{s.n}]" for s in ev_sources)
        quoter = _Quoter(ev, texts)
        disputes = [_figure_dispute(k, f, quoter, sources)
                    for k, f in ev.figures.items() if f.status == "conflict"]
        disputes += [_category_dispute(k, c, quoter, sources)
                     for k, c in ev.categories.items() if c.status == "conflict" and c.conflicts]
        rows = [FigureRow(k, figure_label(k), f.value, f.low, f.high, f.status, len(f.claims),
                          f.rule) for k, f in ev.figures.items()]
        key = None
        for m in sorted(ev.mentions, key=lambda m: sources[m.doc_id].n
                        if m.doc_id in sources else 10**6):
            if m.doc_id in sources:
                text = (_sentence_around(texts[m.doc_id], m.start, m.end)
                        if m.doc_id in texts else m.quote)
                # mark the mention only when the sentence around it says more
                key = Quote(text, sources[m.doc_id],
                            highlight=m.quote if len(m.quote) < 0.8 * len(text) else None)
                break
        loc = ev.location.name if ev.location else "place unknown"
        title = f"{ev.sub_event_type}, {loc}"
        views.append(EventView(i + 1, ev, title, _summary(ev, cites), ev_sources, rows,
                               disputes, key))
    by_id = {v.event.id: v for v in views}
    strongest: dict[tuple[str, str], Relation] = {}
    for rel in result.relations:
        pair = (rel.source, rel.target)
        if rel.source not in by_id or rel.target not in by_id:
            continue
        if pair not in strongest or (_RELATION_RANK.get(rel.type, 9)
                                     < _RELATION_RANK.get(strongest[pair].type, 9)):
            strongest[pair] = rel
    links: list[Link] = []
    for (src_id, tgt_id), rel in strongest.items():
        evidence = [Quote(in_sentence(texts, e.doc_id, e.quote), sources[e.doc_id])
                    for e in rel.evidence if e.doc_id in sources][:3]
        link = Link(rel.type, RELATION_LABELS.get(rel.type, rel.type), by_id[src_id],
                    by_id[tgt_id], evidence)
        link.source.reacts_to.append(link)
        link.target.reactions.append(link)
        links.append(link)
    links.sort(key=lambda lk: (lk.source.n, lk.target.n))
    return Briefing(views, [sources[d.id] for d in docs], links)


_WS = re.compile(r"\s+")


def clean_quote(text: str) -> str:
    """A quote on one line (articles break lines mid-sentence)."""
    return _WS.sub(" ", text).strip()
