"""Inline SVG drawings of a briefing: the map of events and the timeline of their chain.

Plain strings, no script and no external reference, so the HTML opens offline and the
same SVG can be saved as a file beside a Markdown briefing.
"""

from __future__ import annotations

import math
from html import escape

from wiredesk import basemap
from wiredesk.report.briefing import Briefing, EventView, Link, short_date

# One colour per ACLED event type (colour-blind-safe Okabe-Ito palette).
TYPE_COLOURS = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#CC3311",
    "Violence against civilians": "#882255",
    "Protests": "#0072B2",
    "Riots": "#E69F00",
    "Strategic developments": "#009E73",
}
RELATION_COLOURS = {
    "retaliation_for": "#B2182B",
    "response_to": "#E08214",
    "caused_by": "#5E3C99",
    "follows": "#888888",
}
_DEFAULT_COLOUR = "#555555"


def type_colour(event_type: str) -> str:
    """The marker colour of an ACLED event type."""
    return TYPE_COLOURS.get(event_type, _DEFAULT_COLOUR)


def marker_radius(fatalities: int) -> float:
    """Marker radius in pixels: area grows with the number killed."""
    return min(30.0, 5.0 + 3.0 * math.sqrt(max(fatalities, 0)))


def _svg_open(width: float, height: float, label: str, standalone: bool) -> str:
    # Inline SVG in HTML needs no namespace; a standalone .svg file does.
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    return (f'<svg{ns} viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(label)}" '
            'font-family="Helvetica, Arial, sans-serif">')


def map_svg(briefing: Briefing, width: int = 760, height: int = 460,
            standalone: bool = False) -> str:
    """The events on a map: circles sized by fatalities, coloured by event type, over
    country outlines (a graticule only when the outline data is not installed)."""
    located = [v for v in briefing.events if v.event.location is not None]
    pts = [(v.event.location.lon, v.event.location.lat)  # type: ignore[union-attr]
           for v in located]
    bbox = basemap.fit_bbox(pts)
    proj = basemap.Projection(bbox, width, height)
    out = [_svg_open(width, height, "Map of the events", standalone),
           f'<rect class="sea" width="{width}" height="{height}" fill="#dce9f2"/>']
    note = ""
    try:
        paths = basemap.svg_paths(bbox, width, height)
    except basemap.BasemapNotFound:
        paths = []
        note = "Country outlines not installed (run npm ci): graticule only."
    out.append('<g class="countries" fill="#f4f1ea" stroke="#9a948a" stroke-width="0.8">')
    for p in paths:
        out.append(f'<path d="{p.d}"><title>{escape(p.name)}</title></path>')
    out.append("</g>")
    out.append(_graticule(proj, width, height))
    out.extend(_country_labels(paths, proj, located))
    # Events at one spot share a label; the biggest circle is drawn first.
    spots: dict[tuple[float, float], list[EventView]] = {}
    for v in located:
        loc = v.event.location
        assert loc is not None
        spots.setdefault((round(loc.lon, 3), round(loc.lat, 3)), []).append(v)
    out.append('<g class="markers">')
    for v in sorted(located, key=lambda v: -v.fatalities):
        loc = v.event.location
        assert loc is not None
        x, y = proj.xy(loc.lon, loc.lat)
        tip = f"E{v.n} {short_date(v.event)}: {v.title}; {v.fatalities} killed"
        out.append(
            f'<a href="#{v.anchor}"><circle class="marker" data-event="{v.event.id}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="{marker_radius(v.fatalities):.1f}" '
            f'fill="{type_colour(v.event.event_type)}" fill-opacity="0.7" stroke="#fff" '
            f'stroke-width="1.5"><title>{escape(tip)}</title></circle></a>')
    out.append('</g><g class="labels" font-size="12" fill="#222">')
    placed: list[tuple[float, float, float, float]] = []
    for views in sorted(spots.values(), key=lambda vs: -max(v.fatalities for v in vs)):
        loc = views[0].event.location
        assert loc is not None
        x, y = proj.xy(loc.lon, loc.lat)
        r = max(marker_radius(v.fatalities) for v in views)
        ids = ", ".join(f"E{v.n}" for v in sorted(views, key=lambda v: v.n))
        text_w = 7.0 * (len(ids) + len(loc.name) + 1)
        anchor = "end" if x + r + text_w > width - 8 else "start"
        x0 = x - r - 4 - text_w if anchor == "end" else x + r + 4
        # nudge a label up or down until it clears the labels already placed
        ly = y + 4
        for dy in (0, -15, 15, -30, 30, -45, 45):
            box = (x0, y + 4 + dy - 11, x0 + text_w, y + 4 + dy + 3)
            if not any(_overlap(box, b) for b in placed):
                ly = y + 4 + dy
                placed.append(box)
                break
        tx = x0 if anchor == "start" else x0 + text_w
        if ly != y + 4:  # a leader line from the marker to its moved label
            out.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{tx:.1f}" y2="{ly - 4:.1f}" '
                       'stroke="#666" stroke-width="0.7"/>')
        out.append(
            f'<text x="{tx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">'
            f'<tspan font-weight="bold">{escape(ids)}</tspan> {escape(loc.name)}</text>')
    out.append("</g>")
    out.append(_legend(briefing, width, height))
    missing = len(briefing.events) - len(located)
    notes = [n for n in (note, f"{missing} event(s) without a place are not shown."
                         if missing else "") if n]
    for i, text in enumerate(notes):
        out.append(f'<text x="8" y="{16 + 14 * i}" font-size="11" fill="#444">'
                   f"{escape(text)}</text>")
    out.append("</svg>")
    return "".join(out)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _graticule(proj: basemap.Projection, width: int, height: int) -> str:
    west, south, east, north = proj.view
    step = next(s for s in (1, 2, 5, 10, 20, 30) if (east - west) / s <= 12)
    lines = []
    for lon in range(math.ceil(west / step) * step, math.floor(east) + 1, step):
        x, _ = proj.xy(lon, 0)
        lines.append(f"M{x:.1f},0V{height}")
    for lat in range(math.ceil(south / step) * step, math.floor(north) + 1, step):
        _, y = proj.xy(0, lat)
        lines.append(f"M0,{y:.1f}H{width}")
    return (f'<path class="graticule" d="{"".join(lines)}" stroke="#9fb6c8" '
            'stroke-width="0.4" fill="none"/>')


def _country_labels(paths: list[basemap.CountryPath], proj: basemap.Projection,
                    located: list[EventView]) -> list[str]:
    # Name the countries the events are in, at the projected centre of their outline.
    names = {v.event.location.country for v in located if v.event.location}
    out = []
    for p in paths:
        if p.name not in names:
            continue
        xs, ys = [], []
        for seg in p.d.replace("M", " ").replace("Z", " ").replace("L", " ").split():
            x, y = seg.split(",")
            xs.append(float(x))
            ys.append(float(y))
        cx = min(max((min(xs) + max(xs)) / 2, 40), proj.width - 40)
        cy = min(max((min(ys) + max(ys)) / 2, 20), proj.height - 20)
        out.append(f'<text x="{cx:.0f}" y="{cy:.0f}" font-size="18" fill="#cfc8bb" '
                   f'text-anchor="middle" letter-spacing="4">{escape(p.name.upper())}</text>')
    return out


def _legend(briefing: Briefing, width: int, height: int) -> str:
    types = sorted({v.event.event_type for v in briefing.events if v.event.location})
    h = 18 * (len(types) + 1) + 44
    x0, y0 = width - 250, height - h - 8
    out = [f'<g class="legend" font-size="11" fill="#222"><rect x="{x0}" y="{y0}" width="242" '
           f'height="{h}" fill="#fff" fill-opacity="0.85" stroke="#bbb"/>']
    y = y0 + 16
    for t in types:
        out.append(f'<circle cx="{x0 + 12}" cy="{y - 4}" r="5" fill="{type_colour(t)}"/>'
                   f'<text x="{x0 + 24}" y="{y}">{escape(t)}</text>')
        y += 18
    out.append(f'<text x="{x0 + 8}" y="{y}">Circle area: number killed</text>')
    y += 26
    x = x0 + 20.0
    for n in (0, 3, 10):
        r = marker_radius(n)
        out.append(f'<circle cx="{x:.0f}" cy="{y}" r="{r:.1f}" fill="none" stroke="#555"/>'
                   f'<text x="{x + r + 3:.0f}" y="{y + 4}">{n}</text>')
        x += 2 * r + 34
    out.append("</g>")
    return "".join(out)


def timeline_svg(briefing: Briefing, width: int = 760, standalone: bool = False) -> str:
    """The events top to bottom in date order, with arcs from each event to the one it
    reacts to, coloured by relation type (retaliation, response, cause, sequence)."""
    views = briefing.events
    row, top = 26, 30
    y_of = {v.event.id: top + row * i for i, v in enumerate(views)}

    def bend(link: Link) -> float:
        rows = abs(y_of[link.source.event.id] - y_of[link.target.event.id]) / row
        return min(24 + 12 * rows, 220)

    # dates in a column on the left, then room for the widest arc, then the axis
    dot_x = 96 + max((bend(lk) for lk in briefing.links), default=0)
    height = top + row * len(views) + 20
    out = [_svg_open(width, height, "Timeline of the events and how they are linked",
                     standalone),
           '<defs>']
    for rtype, colour in RELATION_COLOURS.items():
        out.append(f'<marker id="arrow-{rtype}" viewBox="0 0 10 10" refX="9" refY="5" '
                   f'markerWidth="5" markerHeight="5" orient="auto-start-reverse">'
                   f'<path d="M0,0L10,5L0,10z" fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append(f'<line x1="{dot_x}" y1="{top - 10}" x2="{dot_x}" y2="{height - 10}" '
               'stroke="#bbb" stroke-width="2"/>')
    out.append('<g class="relations" fill="none" stroke-width="2">')
    for link in briefing.links:
        y1, y2 = y_of[link.target.event.id], y_of[link.source.event.id]
        b = bend(link)
        colour = RELATION_COLOURS.get(link.type, _DEFAULT_COLOUR)
        dash = ' stroke-dasharray="4 3"' if link.type == "follows" else ""
        tip = f"E{link.source.n} {link.label} E{link.target.n}"
        # drawn from the earlier act to the reaction, arrow at the reaction
        out.append(
            f'<path class="relation" data-type="{link.type}" d="M{dot_x - 6},{y1} '
            f'C{dot_x - b},{y1} {dot_x - b},{y2} {dot_x - 7},{y2}" stroke="{colour}"'
            f'{dash} marker-end="url(#arrow-{link.type})"><title>{escape(tip)}</title></path>')
    out.append("</g>")
    for v in views:
        y = y_of[v.event.id]
        colour = type_colour(v.event.event_type)
        out.append(
            f'<a href="#{v.anchor}"><circle cx="{dot_x}" cy="{y}" r="6" fill="{colour}"/>'
            f'<text x="8" y="{y + 4}" font-size="12" fill="#555">'
            f'{escape(short_date(v.event))}</text>'
            f'<text x="{dot_x + 14}" y="{y + 4}" font-size="13" fill="#222">'
            f'<tspan font-weight="bold">E{v.n}</tspan> {escape(v.title)}'
            f'{_fatality_note(v)}</text></a>')
    # legend of the relation colours, top right
    x = width - 170
    out.append('<g font-size="11" fill="#222">')
    for i, (rtype, colour) in enumerate(RELATION_COLOURS.items()):
        y = 14 + 15 * i
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" stroke="{colour}" '
                   f'stroke-width="2"/><text x="{x + 28}" y="{y}">'
                   f'{escape(rtype.replace("_", " "))}</text>')
    out.append("</g></svg>")
    return "".join(out)


def _fatality_note(v: EventView) -> str:
    return f" \u2014 {v.fatalities} killed" if v.fatalities else ""
