"""The HTML pages: map, timeline, event, article, conflicts, upload. Server-rendered
with Jinja2; the map draws with Leaflet from ``/api/events``, the rest needs no script
except the upload's progress poll."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiredesk import review as rv
from wiredesk.events.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES
from wiredesk.models import Event
from wiredesk.store import DocumentRow, RelationRow
from wiredesk.web import HERE
from wiredesk.web.index import EventFilter
from wiredesk.web.state import AppState

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(HERE / "templates"))

# One colour per ACLED event type (colour-blind-safe Okabe-Ito palette).
TYPE_COLOURS = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
}


def _state(request: Request) -> AppState:
    st: AppState = request.app.state.wd
    return st


def _page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    ctx.setdefault("colours", TYPE_COLOURS)
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def highlight(text: str, spans: list[dict[str, Any]],
              focus: tuple[int, int] | None = None) -> Markup:
    """``text`` as HTML with each span in a ``<mark>`` (the shortest span wins where
    they overlap) and the ``focus`` span marked as the one to scroll to."""
    cuts = {0, len(text)}
    for sp in spans:
        cuts.update((sp["start"], sp["end"]))
    if focus:
        cuts.update(focus)
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out: list[str] = []
    focused = False
    for a, b in zip(points, points[1:], strict=False):
        seg = escape(text[a:b])
        inside = [sp for sp in spans if sp["start"] <= a and b <= sp["end"]]
        is_focus = focus is not None and focus[0] <= a and b <= focus[1]
        if not inside and not is_focus:
            out.append(str(seg))
            continue
        classes = []
        title = ""
        href = ""
        if inside:
            sp = min(inside, key=lambda x: x["end"] - x["start"])
            classes.append(sp["kind"])
            title = f' title="{escape(sp["label"])}"'
            href = f'/event/{escape(sp["event_id"])}'
        if is_focus:
            classes.append("focus")
        anchor = ""
        if is_focus and not focused:
            anchor, focused = ' id="hl"', True
        body = f'<a href="{href}">{seg}</a>' if href else str(seg)
        out.append(f'<mark class="{" ".join(classes)}"{anchor}{title}>{body}</mark>')
    return Markup("".join(out))


def quote_context(text: str, quote: str, width: int = 220) -> tuple[Markup, int | None]:
    """The passage of ``text`` around ``quote`` with the quote highlighted, and where
    the quote starts (None if the text no longer holds it)."""
    at = text.find(quote)
    if at < 0:
        return Markup(f"<mark class=\"claim focus\">{escape(quote)}</mark>"), None
    lo = max(text.rfind("\n", 0, at) + 1, at - width)
    nl = text.find("\n", at + len(quote))
    hi = min(nl if nl >= 0 else len(text), at + len(quote) + width)
    pre = ("…" if lo > 0 and text[lo - 1] != "\n" else "") + text[lo:at]
    post = text[at + len(quote):hi] + ("…" if hi < len(text) and text[hi] != "\n" else "")
    return Markup(f"{escape(pre)}<mark class=\"claim focus\">{escape(quote)}</mark>"
                  f"{escape(post)}"), at


@router.get("/", response_class=HTMLResponse)
def map_page(request: Request) -> HTMLResponse:
    """The map of events with its filters."""
    from wiredesk import basemap

    return _page(request, "map.html", types=EVENT_TYPES, tiles=request.app.state.tiles,
                 outlines=basemap.available(), title="Map")


@router.get("/basemap.geojson")
def basemap_geojson() -> Response:
    """Country outlines for the map (404 when the data package is not installed)."""
    from wiredesk import basemap

    try:
        return JSONResponse(basemap.countries())
    except basemap.BasemapNotFound as exc:
        raise HTTPException(404, detail="country outlines are not installed") from exc


def _docs(st: AppState, ids: set[str]) -> dict[str, DocumentRow]:
    with Session(st.store.engine) as s:
        rows = s.scalars(select(DocumentRow).where(DocumentRow.id.in_(sorted(ids)))).all()
        for r in rows:
            s.expunge(r)
    return {r.id: r for r in rows}


def _source(doc: DocumentRow | None) -> str:
    if doc is None:
        return "unknown source"
    return doc.source or doc.title or doc.path.rsplit("/", 1)[-1]


@router.get("/event/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, error: str | None = None) -> Response:
    """One event: figures, claims with their quotes in context, disagreements, mentions,
    relations, review forms and history."""
    st = _state(request)
    live, was = st.resolve(event_id)
    if was is not None:
        return RedirectResponse(f"/event/{live}", status_code=307)
    found = st.events_by_id([live])
    if not found:
        return _page(request, "error.html", status=404, title="Not found",
                     message=f"No event {event_id}.")
    ev = found[0]
    doc_ids = {m.doc_id for m in ev.mentions} | {
        c.doc_id for f in ev.figures.values() for c in f.claims} | {
        c.doc_id for c in (cl for cat in ev.categories.values() for cl in cat.claims)}
    docs = _docs(st, doc_ids)
    claims: dict[str, list[dict[str, Any]]] = {}
    for kind, fig in ev.figures.items():
        rows = []
        for c in fig.claims:
            doc = docs.get(c.doc_id)
            ctx, at = quote_context(doc.text, c.quote) if doc else (Markup(escape(c.quote)), None)
            rows.append({"claim": c, "context": ctx, "source": _source(doc),
                         "href": f"/article/{c.doc_id}"
                                 + (f"?hl={at}-{at + len(c.quote)}#hl" if at is not None
                                    else "")})
        claims[kind] = rows
    disputes = []
    for kind, fig in ev.figures.items():
        if fig.status != "conflict":
            continue
        by_value: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in claims[kind]:
            c = row["claim"]
            label = str(c.value) if c.high == c.low or c.high is None and c.low is None else (
                f"{c.low}–{c.high}" if c.high is not None else f"at least {c.low}")
            by_value[label].append(row)
        disputes.append({"kind": kind, "figure": fig, "sides": dict(by_value)})
    cat_disputes = [(k, c) for k, c in ev.categories.items() if c.status == "conflict"]
    with Session(st.store.engine) as s:
        rels = [r.data for r in s.scalars(select(RelationRow).where(
            (RelationRow.source == ev.id) | (RelationRow.target == ev.id)))]
    other_ids = {r["source"] for r in rels} | {r["target"] for r in rels}
    others = {e.id: e for e in st.events_by_id(sorted(other_ids - {ev.id}))}
    mentions = [{"m": m, "key": f"{m.doc_id}:{m.start}:{m.end}",
                 "source": _source(docs.get(m.doc_id))} for m in ev.mentions]
    return _page(request, "event.html", title=ev.sub_event_type, ev=ev, claims=claims,
                 disputes=disputes, cat_disputes=cat_disputes, relations=rels,
                 others=others, mentions=mentions, history=rv.history(st.store, ev.id),
                 sub_types=sorted(SUB_EVENT_TYPES), error=error,
                 colour=TYPE_COLOURS.get(ev.event_type, "#555"))


@router.post("/event/{event_id}/review")
def review_form(
    request: Request,
    event_id: str,
    action: Annotated[str, Form()],
    reviewer: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    kind: Annotated[str | None, Form()] = None,
    value: Annotated[str | None, Form()] = None,
    low: Annotated[str | None, Form()] = None,
    high: Annotated[str | None, Form()] = None,
    doc_id: Annotated[str | None, Form()] = None,
    quote: Annotated[str | None, Form()] = None,
    sub_event_type: Annotated[str | None, Form()] = None,
    name: Annotated[str | None, Form()] = None,
    lat: Annotated[str | None, Form()] = None,
    lon: Annotated[str | None, Form()] = None,
    country_code: Annotated[str | None, Form()] = None,
    country: Annotated[str | None, Form()] = None,
    other: Annotated[str | None, Form()] = None,
    mentions: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """The event page's review forms: record the change, then show the event again."""
    from pydantic import ValidationError

    fields: dict[str, Any] = {
        "action": action, "reviewer": reviewer.strip(), "reason": reason.strip(),
        "kind": kind, "value": value or None, "low": low or None, "high": high or None,
        "doc_id": doc_id, "quote": quote, "sub_event_type": sub_event_type, "name": name,
        "lat": lat or None, "lon": lon or None,
        "country_code": (country_code or "").strip().upper() or None,
        "country": country or None, "other": (other or "").strip() or None,
        "mentions": mentions,
    }
    allowed = {
        "set_figure": ("kind", "value", "low", "high"),
        "reject_claim": ("kind", "doc_id", "quote"),
        "set_type": ("sub_event_type",),
        "set_place": ("name", "lat", "lon", "country_code", "country"),
        "merge": ("other",),
        "split": ("mentions",),
    }.get(action, ())
    payload = {k: v for k, v in fields.items()
               if k in ("action", "reviewer", "reason") or (k in allowed and v is not None)}
    st = _state(request)
    try:
        rv.add_review(st.store, event_id, payload)
    except (ValidationError, rv.ReviewError) as exc:
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
                        ) if isinstance(exc, ValidationError) else str(exc)
        resp = event_page(request, event_id, error=msg)
        resp.status_code = 422
        return resp
    st.index.invalidate()
    return RedirectResponse(f"/event/{event_id}#history", status_code=303)


@router.get("/article/{doc_id}", response_class=HTMLResponse)
def article_page(request: Request, doc_id: str,
                 hl: Annotated[str | None, Query(pattern=r"^\d+-\d+$")] = None) -> Response:
    """A document's cleaned text with the extracted mentions and claims highlighted."""
    st = _state(request)
    docs = _docs(st, {doc_id})
    if doc_id not in docs:
        return _page(request, "error.html", status=404, title="Not found",
                     message=f"No document {doc_id}.")
    doc = docs[doc_id]
    spans = st.document_spans(doc_id, doc.text)
    focus = None
    if hl:
        a, b = (int(x) for x in hl.split("-"))
        if 0 <= a < b <= len(doc.text):
            focus = (a, b)
    events = {e.id: e for e in st.events_by_id(sorted({str(s["event_id"]) for s in spans}))}
    return _page(request, "article.html", title=doc.title or doc.path.rsplit("/", 1)[-1],
                 doc=doc,
                 body=highlight(doc.text, spans, focus), events=events,
                 n_mentions=sum(1 for s in spans if s["kind"] == "mention"),
                 n_claims=sum(1 for s in spans if s["kind"] == "claim"))


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request) -> HTMLResponse:
    """Every disputed figure and category, with each side's quotes."""
    st = _state(request)
    _total, ids = st.index.query(EventFilter(disputed=True), 10_000, 0)
    events = st.events_by_id(ids)
    docs = _docs(st, {c.doc_id for e in events for f in e.figures.values() for c in f.claims})
    sources = {d: _source(r) for d, r in docs.items()}
    return _page(request, "conflicts.html", title="Disputed figures", events=events,
                 sources=sources)


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request,
                  all: Annotated[bool, Query()] = False) -> HTMLResponse:  # noqa: A002
    """The chain of attacks and responses: events on a time axis, relations as arcs."""
    st = _state(request)
    with Session(st.store.engine) as s:
        rels = [r.data for r in s.scalars(select(RelationRow))]
    linked = {r["source"] for r in rels} | {r["target"] for r in rels}
    if all:
        _t, ids = st.index.query(EventFilter(), 2000, 0)
    else:
        ids = sorted(linked)
    events = [e for e in st.events_by_id(ids) if e.date is not None][:2000]
    return _page(request, "timeline.html", title="Timeline", svg=timeline_svg(events, rels),
                 n_events=len(events), n_relations=len(rels), all=all)


def timeline_svg(events: list[Event], relations: list[dict[str, Any]]) -> Markup:
    """An SVG timeline: one lane per event type, one column per date (in order, so a
    quiet month does not squeeze a busy week), an arrow from each event to the event
    that reacts to it."""
    if not events:
        return Markup("<p>No dated events to draw.</p>")
    lanes = [t for t in EVENT_TYPES if any(e.event_type == t for e in events)]
    days = sorted({e.date.start for e in events if e.date})
    col = {d: i for i, d in enumerate(days)}
    left, top, col_w = 190, 50, 120
    depth: dict[tuple[str, dt.date], int] = defaultdict(int)
    for e in events:
        assert e.date is not None
        depth[(e.event_type, e.date.start)] += 1
    lane_h = {t: 60 + 48 * max(n for (lt, _d), n in depth.items() if lt == t) for t in lanes}
    lane_y: dict[str, float] = {}
    y = float(top)
    for t in lanes:
        lane_y[t] = y
        y += lane_h[t]
    width = left + col_w * len(days) + 40
    height = int(y) + 40
    pos: dict[str, tuple[float, float]] = {}
    stacked: dict[tuple[str, dt.date], int] = defaultdict(int)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" class="timeline" role="img" aria-label="Timeline of events">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>']
    for t in lanes:
        ly = lane_y[t] + 24
        parts.append(f'<line x1="{left}" y1="{ly}" x2="{width - 20}" y2="{ly}" class="lane"/>'
                     f'<text x="{left - 10}" y="{ly + 4}" text-anchor="end" class="lane-label">'
                     f'{escape(t)}</text>')
    for d in days:
        x = left + col_w * col[d] + col_w / 2
        parts.append(f'<text x="{x:.1f}" y="{top - 18}" text-anchor="middle" class="axis">'
                     f'{d.isoformat()}</text>'
                     f'<line x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{height - 30}" '
                     f'class="day"/>')
    for e in events:
        assert e.date is not None
        k = stacked[(e.event_type, e.date.start)]
        stacked[(e.event_type, e.date.start)] += 1
        pos[e.id] = (left + col_w * col[e.date.start] + col_w / 2,
                     lane_y[e.event_type] + 24 + 48 * k)
    for r in relations:
        if r["source"] not in pos or r["target"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[r["target"]], pos[r["source"]]
        lift = 18 + abs(x2 - x1) * 0.12
        parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{x1:.1f},{min(y1, y2) - lift:.1f} '
            f'{x2:.1f},{min(y1, y2) - lift:.1f} {x2:.1f},{y2:.1f}" class="relation '
            f'{escape(r["type"])}" marker-end="url(#arrow)" data-source="{escape(r["source"])}"'
            f' data-target="{escape(r["target"])}"><title>{escape(r["type"].replace("_", " "))}'
            f'</title></path>')
    for e in events:
        x, y0 = pos[e.id]
        fat = e.figures.get("fatalities")
        rad = 5 + 2.5 * math.sqrt(fat.value if fat else 0)
        where = e.location.name if e.location else "unlocated"
        title = f"{e.date.start.isoformat() if e.date else ''} {e.sub_event_type} — {where}"
        parts.append(
            f'<a href="/event/{escape(e.id)}" class="tl-event" data-id="{escape(e.id)}">'
            f'<circle cx="{x:.1f}" cy="{y0:.1f}" r="{rad:.1f}" '
            f'fill="{TYPE_COLOURS.get(e.event_type, "#555")}"><title>{escape(title)}</title>'
            f'</circle><text x="{x:.1f}" y="{y0 + rad + 12:.1f}" text-anchor="middle" '
            f'class="tl-label">{escape(where[:22])}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))


@router.get("/api-docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The REST API's operations and parameters, from its OpenAPI schema (offline)."""
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [(p["name"], p["in"], p.get("required", False),
                       p.get("description") or "") for p in op.get("parameters", [])]
            ops.append({"method": method.upper(), "path": path,
                        "summary": op.get("summary") or "", "doc": op.get("description") or "",
                        "params": params, "body": "requestBody" in op})
    return _page(request, "api_docs.html", title="API", ops=ops)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    """Upload files or paste text; the pipeline runs in the background."""
    return _page(request, "upload.html", title="Upload")
