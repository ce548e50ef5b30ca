"""The briefing as one self-contained HTML file: inline CSS and SVG, no script, no
external reference (article addresses appear only as citation links)."""

from __future__ import annotations

from html import escape

from wiredesk.report.briefing import Briefing, Dispute, EventView, Quote, Source, clean_quote
from wiredesk.report.svg import RELATION_COLOURS, map_svg, timeline_svg, type_colour

_CSS = """
body{font:15px/1.5 Georgia,'Times New Roman',serif;color:#1d1d1d;background:#fafaf7;
  max-width:60rem;margin:0 auto;padding:1.5rem 2rem 4rem}
h1,h2,h3,.meta,table,.disagree h4,nav{font-family:Helvetica,Arial,sans-serif}
h1{font-size:1.7rem;margin:.2rem 0}h2{border-bottom:2px solid #222;margin-top:2.4rem}
h3{font-size:1.15rem;margin:.2rem 0}
.meta{color:#555;font-size:.85rem}
article.event{background:#fff;border:1px solid #ddd;border-left:6px solid var(--c);
  padding:.8rem 1.2rem;margin:1.2rem 0;border-radius:3px}
.tag{display:inline-block;font:600 .75rem Helvetica,Arial,sans-serif;color:#fff;
  background:var(--c);padding:.05rem .45rem;border-radius:2px;margin-right:.4rem}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e2e2e2;padding:.2rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}
tr.conflict td{background:#fff3e0}
.disagree{border:2px solid #e08214;background:#fff8ef;padding:.5rem 1rem;margin:.8rem 0;
  border-radius:4px}
.disagree h4{margin:.2rem 0 .4rem;color:#a35200;font-size:.95rem}
.side{margin:.3rem 0 .6rem}.side b{font-family:Helvetica,Arial,sans-serif}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #ccc;
  color:#333;font-style:italic}
mark{background:#ffe28a;font-style:normal}
.who{font-style:normal;color:#444;font-size:.85rem}
a.cite{text-decoration:none;font-family:Helvetica,Arial,sans-serif;font-size:.8rem;
  vertical-align:super}
.links li{margin:.35rem 0}
.rel{font:600 .8rem Helvetica,Arial,sans-serif;padding:0 .3rem;border-radius:2px;color:#fff}
figure{margin:1rem 0}svg{max-width:100%;height:auto;background:#fff;border:1px solid #ddd}
ol.sources li{margin:.3rem 0}
"""


def _cite(src: Source) -> str:
    tip = escape(f"{src.label} \u2014 {src.outlet}, {src.day}")
    return f'<a class="cite" href="#source-{src.n}" title="{tip}">[{src.n}]</a>'


def _cites(sources: list[Source]) -> str:
    return "".join(_cite(s) for s in sources)


def _quote(q: Quote, with_who: bool = True) -> str:
    text = escape(clean_quote(q.text))
    if q.highlight:
        hl = escape(clean_quote(q.highlight))
        text = text.replace(hl, f"<mark>{hl}</mark>", 1)
    who = f"{escape(q.who)}, " if with_who and q.who else (
        "attribution not stated, " if with_who else "")
    return (f"<blockquote>\u201c{text}\u201d <span class=\"who\">\u2014 {who}"
            f"{escape(q.source.outlet)}, {escape(q.source.day)} {_cite(q.source)}</span>"
            "</blockquote>")


def _summary_html(v: EventView) -> str:
    # The summary ends with "[1][2]"; turn those into links to the source list.
    text = escape(v.summary)
    for s in v.sources:
        text = text.replace(f"[{s.n}]", _cite(s))
    return text


def _dispute(d: Dispute) -> str:
    out = [f'<div class="disagree"><h4>Sources disagree: {escape(d.label)}</h4>']
    for side in d.sides:
        out.append(f'<div class="side"><b>{escape(side.value)}</b>')
        out.extend(_quote(q) for q in side.quotes)
        out.append("</div>")
    out.append(f'<div class="meta">The record keeps {escape(d.best)}.</div></div>')
    return "".join(out)


def _event(v: EventView) -> str:
    ev = v.event
    colour = type_colour(ev.event_type)
    out = [f'<article class="event" id="{v.anchor}" style="--c:{colour}">',
           f'<div class="meta"><span class="tag">E{v.n}</span>{escape(ev.event_type)}'
           f' \u00b7 {escape(ev.date.start.isoformat() if ev.date else "undated")}'
           f' \u00b7 confidence {ev.confidence:.2f} \u00b7 id {escape(ev.id)}</div>',
           f"<h3>{escape(v.title)}</h3>", f"<p>{_summary_html(v)}</p>"]
    if v.figures:
        out.append("<table><tr><th>figure</th><th>best</th><th>low</th><th>high</th>"
                   "<th>status</th><th>reports</th><th>rule</th></tr>")
        for f in v.figures:
            high = "open" if f.high is None else str(f.high)
            out.append(
                f'<tr class="{f.status}"><td>{escape(f.label)}</td><td><b>{f.best}</b></td>'
                f"<td>{f.low}</td><td>{high}</td><td>{f.status}</td><td>{f.n_claims}</td>"
                f"<td>{escape(f.rule or '')}</td></tr>")
        out.append("</table>")
    out.extend(_dispute(d) for d in v.disputes)
    if v.key_quote:
        out.append('<div class="meta">As first reported:</div>')
        out.append(_quote(v.key_quote, with_who=False))
    rels = [(lk.label, lk.target) for lk in v.reacts_to]
    rels += [(f"followed by ({lk.label})", lk.source) for lk in v.reactions]
    if rels:
        items = ", ".join(f'{escape(label)} <a href="#{o.anchor}">E{o.n}</a>'
                          for label, o in rels)
        out.append(f'<div class="meta">Chain: {items}.</div>')
    out.append("</article>")
    return "".join(out)


def render_html(briefing: Briefing, title: str = "Event briefing") -> str:
    """The whole briefing as one HTML page that opens offline."""
    n_ev, n_docs = len(briefing.events), len(briefing.sources)
    n_disputes = sum(len(v.disputes) for v in briefing.events)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1><div class=\"meta\">{n_ev} events from {n_docs} "
        f"documents{', ' + escape(briefing.period) if briefing.period else ''}; "
        f"{n_disputes} disputed figure(s) or fact(s). Every summary is assembled from the "
        "extracted fields; every quote is copied from the cited article.</div></header>",
        '<nav class="meta"><a href="#map">Map</a> \u00b7 <a href="#timeline">Timeline</a> '
        '\u00b7 <a href="#events">Events</a> \u00b7 <a href="#sources">Sources</a></nav>',
        '<section id="map"><h2>Map</h2><figure>', map_svg(briefing), "</figure></section>",
        '<section id="timeline"><h2>Timeline and chain of events</h2><figure>',
        timeline_svg(briefing), "</figure>",
    ]
    if briefing.links:
        parts.append('<ul class="links">')
        for lk in briefing.links:
            colour = RELATION_COLOURS.get(lk.type, "#888")
            parts.append(
                f'<li><a href="#{lk.source.anchor}">E{lk.source.n}</a> {escape(lk.source.title)}'
                f' <span class="rel" style="background:{colour}">{escape(lk.label)}</span> '
                f'<a href="#{lk.target.anchor}">E{lk.target.n}</a> {escape(lk.target.title)}'
                + "".join(_quote(q, with_who=False) for q in lk.evidence[:2]) + "</li>")
        parts.append("</ul>")
    parts.append('</section><section id="events"><h2>Events</h2>')
    parts.extend(_event(v) for v in briefing.events)
    parts.append('</section><section id="sources"><h2>Sources</h2><ol class="sources">')
    for s in briefing.sources:
        link = ""
        if s.doc.url and s.doc.url.startswith(("http://", "https://")):
            link = f' <a class="source-link" href="{escape(s.doc.url)}">{escape(s.doc.url)}</a>'
        parts.append(f'<li id="source-{s.n}"><b>{escape(s.label)}</b> \u2014 '
                     f"{escape(s.outlet)}, {escape(s.date)}{link}</li>")
    parts.append("</ol></section></body></html>\n")
    return "".join(parts)
