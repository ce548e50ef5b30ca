"""The briefing as Markdown, with the map as an SVG file beside it."""

from __future__ import annotations

from wiredesk.report.briefing import Briefing, EventView, Quote, clean_quote, short_date


def _md(text: str) -> str:
    # Escape what would turn into markup inside running text and table cells.
    for ch in ("\\", "*", "_", "|", "[", "]", "<", ">", "`"):
        text = text.replace(ch, "\\" + ch)
    return text


def _quote(q: Quote, with_who: bool = True) -> str:
    text = _md(clean_quote(q.text))
    if q.highlight:
        hl = _md(clean_quote(q.highlight))
        text = text.replace(hl, f"**{hl}**", 1)
    who = f"{_md(q.who)}, " if with_who and q.who else (
        "attribution not stated, " if with_who else "")
    return f"\u201c{text}\u201d \u2014 {who}{_md(q.source.outlet)}, {q.source.day} [{q.source.n}]"


def _event(v: EventView) -> list[str]:
    ev = v.event
    lines = [f"### E{v.n}. {_md(v.title)}", "",
             f"*{_md(ev.event_type)} \u00b7 {ev.date.start if ev.date else 'undated'} \u00b7 "
             f"confidence {ev.confidence:.2f} \u00b7 id `{ev.id}`*", "",
             _md(v.summary).replace("\\[", "[").replace("\\]", "]"), ""]
    if v.figures:
        lines += ["| figure | best | low | high | status | reports | rule |",
                  "|---|---:|---:|---:|---|---:|---|"]
        for f in v.figures:
            high = "open" if f.high is None else str(f.high)
            lines.append(f"| {_md(f.label)} | **{f.best}** | {f.low} | {high} | {f.status} | "
                         f"{f.n_claims} | {_md(f.rule or '')} |")
        lines.append("")
    for d in v.disputes:
        lines.append(f"> **Sources disagree: {_md(d.label)}**")
        lines.append(">")
        for side in d.sides:
            lines.append(f"> - **{_md(side.value)}**")
            lines += [f">   - {_quote(q)}" for q in side.quotes]
        lines += [">", f"> The record keeps {_md(d.best)}.", ""]
    if v.key_quote:
        lines += [f"As first reported: {_quote(v.key_quote, with_who=False)}", ""]
    rels = [f"{lk.label} E{lk.target.n}" for lk in v.reacts_to]
    rels += [f"followed by E{lk.source.n} ({lk.label})" for lk in v.reactions]
    if rels:
        lines += [f"Chain: {', '.join(rels)}.", ""]
    return lines


def render_markdown(briefing: Briefing, title: str = "Event briefing",
                    map_file: str | None = None) -> str:
    """The briefing as Markdown; ``map_file`` is the SVG map's path relative to it."""
    n_disputes = sum(len(v.disputes) for v in briefing.events)
    lines = [f"# {_md(title)}", "",
             f"{len(briefing.events)} events from {len(briefing.sources)} documents"
             f"{', ' + briefing.period if briefing.period else ''}; {n_disputes} disputed "
             "figure(s) or fact(s). Every summary is assembled from the extracted fields; "
             "every quote is copied from the cited article.", ""]
    if map_file:
        lines += ["## Map", "", f"![Map of the events: circles sized by fatalities, coloured "
                  f"by event type]({map_file})", ""]
    lines += ["## Timeline and chain of events", ""]
    for v in briefing.events:
        lines.append(f"- **{short_date(v.event)}** E{v.n} {_md(v.title)}"
                     + (f" \u2014 {v.fatalities} killed" if v.fatalities else ""))
        for lk in v.reacts_to:
            lines.append(f"  - \u21b3 *{lk.label}* E{lk.target.n} ({_md(lk.target.title)})")
            lines += [f"    - {_quote(q, with_who=False)}" for q in lk.evidence[:2]]
    lines += ["", "## Events", ""]
    for v in briefing.events:
        lines += _event(v)
    lines += ["## Sources", ""]
    for s in briefing.sources:
        url = f" <{s.doc.url}>" if s.doc.url else ""
        lines.append(f"{s.n}. **{_md(s.label)}** \u2014 {_md(s.outlet)}, {s.date}{url}")
    return "\n".join(lines) + "\n"
