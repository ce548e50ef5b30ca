"""The REST API (mounted under ``/api``): read the merged record, filter events, export,
review, upload. Every parameter is validated by pydantic, so a bad one is a 422 that
names it, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wiredesk import review as rv
from wiredesk.models import (
    DocumentOut,
    Entity,
    Event,
    FigureOut,
    Relation,
    Story,
)
from wiredesk.store import DocumentRow, EntityRow, RelationRow, StoryRow
from wiredesk.web.index import EventFilter
from wiredesk.web.state import AppState

router = APIRouter(prefix="/api")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventPage(_Out):
    total: int
    limit: int
    offset: int
    items: list[Event]


class EventDetail(_Out):
    event: Event
    history: list[rv.Review]
    redirected_from: str | None = None


class DocumentPage(_Out):
    total: int
    limit: int
    offset: int
    items: list[DocumentOut]


class Span(_Out):
    start: int
    end: int
    kind: Literal["mention", "claim"]
    event_id: str
    label: str


class DocumentDetail(_Out):
    document: DocumentOut
    text: str
    spans: list[Span]


class Conflict(_Out):
    event_id: str
    date: dt.date | None
    place: str | None
    sub_event_type: str
    kind: str
    figure: FigureOut | None = None
    values: list[str] = []  # for a disputed category (weapon, target hit)


class JobOut(_Out):
    id: str
    state: str
    stage: str
    done: int
    total: int | None
    errors: list[str]
    events: int | None
    documents: int | None


def _state(request: Request) -> AppState:
    st: AppState = request.app.state.wd
    return st


def _bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if raw is None:
        return None
    try:
        parts = [float(x) for x in raw.split(",")]
    except ValueError:
        parts = []
    if (len(parts) != 4 or not all(abs(v) <= 180 for v in parts)
            or parts[0] > parts[2] or parts[1] > parts[3]
            or abs(parts[1]) > 90 or abs(parts[3]) > 90):
        raise HTTPException(422, detail=[{
            "loc": ["query", "bbox"], "type": "value_error",
            "msg": "bbox must be min_lon,min_lat,max_lon,max_lat with min <= max, "
                   "longitudes in [-180, 180] and latitudes in [-90, 90]"}])
    return parts[0], parts[1], parts[2], parts[3]


Limit = Annotated[int, Query(ge=1, le=500, description="Page size (1-500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]


def event_filter(start: dt.date | None, end: dt.date | None, country: str | None,
                 type: str | None, actor: str | None, bbox: str | None, q: str | None,
                 disputed: bool | None) -> EventFilter:
    """An ``EventFilter`` from query parameters (422 for an impossible combination)."""
    if start and end and start > end:
        raise HTTPException(422, detail=[{"loc": ["query", "end"], "type": "value_error",
                                          "msg": "end must not be before start"}])
    return EventFilter(start=start, end=end, country=country, type=type, actor=actor,
                       bbox=_bbox(bbox), q=q, disputed=disputed)


Str = Annotated[str | None, Query(max_length=200)]


@router.get("/events", response_model=EventPage, summary="Events, filtered and paginated")
def list_events(
    request: Request,
    start: Annotated[dt.date | None, Query(description="Events on or after this day")] = None,
    end: Annotated[dt.date | None, Query(description="Events on or before this day")] = None,
    country: Annotated[str | None, Query(max_length=100,
                                         description="ISO alpha-2 code or name")] = None,
    type: Annotated[str | None, Query(max_length=100,
                                      description="ACLED event or sub-event type")] = None,
    actor: Annotated[str | None, Query(max_length=200,
                                       description="Part of an actor name or entity id")]
    = None,
    bbox: Annotated[str | None, Query(max_length=200,
                                      description="min_lon,min_lat,max_lon,max_lat")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words to find")] = None,
    disputed: Annotated[bool | None, Query(description="Only (un)disputed events")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Events matching every filter given, in date order."""
    st = _state(request)
    f = event_filter(start, end, country, type, actor, bbox, q, disputed)
    total, ids = st.index.query(f, limit, offset)
    # The stored JSON of each event is already the Event model's dump: splice it into
    # the page as is (validating and re-serializing 50 events would cost more than the
    # query). The response_model above still documents the shape.
    head = f'{{"total": {total}, "limit": {limit}, "offset": {offset}, "items": ['
    return Response(head + ",".join(st.raw_events(ids)) + "]}",
                    media_type="application/json")


@router.get("/events/{event_id}", response_model=EventDetail, summary="One event")
def get_event(request: Request, event_id: str) -> dict[str, Any]:
    """An event with its review history; an id merged into another leads to that one."""
    st = _state(request)
    event_id, was = st.resolve(event_id)
    items = st.events_by_id([event_id])
    if not items:
        raise HTTPException(404, detail=f"no event {event_id}")
    return {"event": items[0], "history": rv.history(st.store, event_id),
            "redirected_from": was}


@router.get("/events/{event_id}/history", response_model=list[rv.Review])
def event_history(request: Request, event_id: str) -> list[rv.Review]:
    """Every review that shaped this event, oldest first."""
    st = _state(request)
    event_id, _ = st.resolve(event_id)
    if not st.events_by_id([event_id]):
        raise HTTPException(404, detail=f"no event {event_id}")
    return rv.history(st.store, event_id)


@router.post("/events/{event_id}/reviews", response_model=rv.Review, status_code=201,
             summary="Review an event")
def post_review(request: Request, event_id: str,
                action: Annotated[rv.ReviewAction, Body()]) -> rv.Review:
    """Record a reviewer's change (set a figure, reject a claim, change type or place,
    merge, split) and apply it at once."""
    st = _state(request)
    try:
        out = rv.add_review(st.store, event_id, action)
    except rv.ReviewError as exc:
        code = 404 if str(exc).startswith("no event") else 422
        raise HTTPException(code, detail=str(exc)) from exc
    st.index.invalidate()
    return out


@router.get("/reviews", response_model=list[rv.Review])
def list_reviews(request: Request) -> list[rv.Review]:
    """Every review, oldest first."""
    return rv.load_reviews(_state(request).store)


@router.get("/documents", response_model=DocumentPage)
def list_documents(request: Request, q: Str = None, limit: Limit = 50,
                   offset: Offset = 0) -> dict[str, Any]:
    """Stored documents (without their text), newest first; ``q`` searches titles."""
    st = _state(request)
    with Session(st.store.engine) as s:
        cond = [DocumentRow.title.ilike(f"%{q}%")] if q else []
        total = s.scalar(select(func.count()).select_from(DocumentRow).where(*cond)) or 0
        rows = s.scalars(select(DocumentRow).where(*cond)
                         .order_by(DocumentRow.published.desc(), DocumentRow.id)
                         .limit(limit).offset(offset)).all()
        items = [_doc_out(r) for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _doc_out(r: DocumentRow) -> DocumentOut:
    return DocumentOut(id=r.id, path=r.path, title=r.title, source=r.source, url=r.url,
                       published=r.published,
                       published_basis=r.published_basis)  # type: ignore[arg-type]


@router.get("/documents/{doc_id}", response_model=DocumentDetail)
def get_document(request: Request, doc_id: str) -> dict[str, Any]:
    """A document's cleaned text with the spans of every event mention and figure claim
    extracted from it (character offsets into ``text``)."""
    st = _state(request)
    with Session(st.store.engine) as s:
        row = s.get(DocumentRow, doc_id)
        if row is None:
            raise HTTPException(404, detail=f"no document {doc_id}")
        doc, text = _doc_out(row), row.text
    return {"document": doc, "text": text, "spans": st.document_spans(doc_id, text)}


@router.get("/entities", response_model=list[Entity])
def list_entities(request: Request) -> list[Entity]:
    """Every actor of the record with its aliases."""
    with Session(_state(request).store.engine) as s:
        return [Entity.model_validate(r.data)
                for r in s.scalars(select(EntityRow).order_by(EntityRow.id))]


@router.get("/relations", response_model=list[Relation])
def list_relations(request: Request, event_id: Str = None) -> list[Relation]:
    """Links between events (retaliation, response, cause), with their evidence."""
    with Session(_state(request).store.engine) as s:
        stmt = select(RelationRow)
        if event_id:
            stmt = stmt.where((RelationRow.source == event_id) | (RelationRow.target == event_id))
        return [Relation.model_validate(r.data) for r in s.scalars(stmt)]


@router.get("/stories", response_model=list[Story])
def list_stories(request: Request) -> list[Story]:
    """Documents grouped by the story of their main event."""
    with Session(_state(request).store.engine) as s:
        return [Story.model_validate(r.data)
                for r in s.scalars(select(StoryRow).order_by(StoryRow.id))]


@router.get("/conflicts", response_model=list[Conflict])
def list_conflicts(request: Request, limit: Limit = 500, offset: Offset = 0
                   ) -> list[dict[str, Any]]:
    """Every disputed figure and category, event by event in date order."""
    st = _state(request)
    total, ids = st.index.query(EventFilter(disputed=True), limit, offset)
    out: list[dict[str, Any]] = []
    for ev in st.events_by_id(ids):
        base = {"event_id": ev.id, "date": ev.date.start if ev.date else None,
                "place": ev.location.name if ev.location else None,
                "sub_event_type": ev.sub_event_type}
        for kind, fig in ev.figures.items():
            if fig.status == "conflict":
                out.append({**base, "kind": kind, "figure": fig})
        for kind, cat in ev.categories.items():
            if cat.status == "conflict":
                out.append({**base, "kind": kind, "values": cat.values})
    return out


EXPORTS = {
    "events.json": "application/json",
    "events.csv": "text/csv; charset=utf-8",
    "events.geojson": "application/geo+json",
    "events.jsonl": "application/x-ndjson",
    "ucdp.csv": "text/csv; charset=utf-8",
    "reviews.json": "application/json",
}


@router.get("/export/{name}", summary="Download an export",
            responses={200: {"content": {t: {} for t in set(EXPORTS.values())}}})
def export(request: Request, name: Literal["events.json", "events.csv", "events.geojson",
                                           "events.jsonl", "ucdp.csv", "reviews.json"]
           ) -> Response:
    """The whole record as events.json, ACLED-style CSV (events.csv), GeoJSON, JSON
    Lines, UCDP GED-style CSV (ucdp.csv), or the review log (reviews.json). Reviewed
    values are in every one of them."""
    from fastapi.responses import StreamingResponse

    from wiredesk.web.exports import render

    body = render(name, _state(request).store)
    return StreamingResponse(body, media_type=EXPORTS[name],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/uploads", response_model=JobOut, status_code=202, summary="Upload articles")
async def upload(
    request: Request,
    files: Annotated[list[UploadFile] | None, File(description="Article files")] = None,
    text: Annotated[str | None, Form(max_length=2_000_000,
                                     description="Pasted article text")] = None,
    title: Annotated[str | None, Form(max_length=500)] = None,
    published: Annotated[str | None, Form(max_length=40, description="Publication date")]
    = None,
    source: Annotated[str | None, Form(max_length=200)] = None,
) -> Any:
    """Run the pipeline over uploaded files and/or pasted text in the background; poll
    ``/api/uploads/{id}`` for progress."""
    from wiredesk.web.uploads import read_uploads

    st = _state(request)
    blobs = [(f.filename or "upload.txt", await f.read()) for f in files or []]
    items = read_uploads(blobs, text, title, published, source)
    if not items:
        raise HTTPException(422, detail="nothing to read: give files or text")
    return _job_out(st.jobs.submit(items))


@router.get("/uploads/{job_id}", response_model=JobOut)
def upload_status(request: Request, job_id: str) -> Any:
    """Progress of an upload job."""
    job = _state(request).jobs.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, detail=f"no upload job {job_id}")
    return _job_out(job)


def _job_out(job: Any) -> dict[str, Any]:
    return {"id": job.id, "state": job.state, "stage": job.stage, "done": job.done,
            "total": job.total, "errors": list(job.errors), "events": job.events,
            "documents": job.documents}

