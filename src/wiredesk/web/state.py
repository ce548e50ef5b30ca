"""What the app holds between requests: the store, the event index, the upload jobs."""

from __future__ import annotations

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from wiredesk.models import Event
from wiredesk.store import EventAliasRow, EventRow, Store
from wiredesk.web.index import EventIndex
from wiredesk.web.jobs import JobRunner


class AppState:
    """One store behind the API and the pages."""

    def __init__(self, db_url: str, index_ttl: float = 2.0) -> None:
        from wiredesk import review

        self.store = Store(db_url)
        review.ensure_table(self.store)
        self.index = EventIndex(self.store, ttl=index_ttl)
        self.jobs = JobRunner(db_url, after=self.index.invalidate)

    def close(self) -> None:
        self.store.close()

    def events_by_id(self, ids: list[str]) -> list[Event]:
        """These events, in the order asked for (unknown ids are left out)."""
        if not ids:
            return []
        with Session(self.store.engine) as s:
            rows = {r.id: r.data for r in s.execute(
                select(EventRow.id, EventRow.data).where(EventRow.id.in_(ids)))}
        return [Event.model_validate(rows[i]) for i in ids if i in rows]

    def raw_events(self, ids: list[str]) -> list[str]:
        """These events' stored JSON text, in the order asked for."""
        if not ids:
            return []
        with Session(self.store.engine) as s:
            rows = {eid: text for eid, text in s.execute(
                select(EventRow.id, cast(EventRow.data, Text)).where(EventRow.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    def resolve(self, event_id: str) -> tuple[str, str | None]:
        """The live id for ``event_id`` (following merges), and the old id if it moved."""
        with Session(self.store.engine) as s:
            if s.get(EventRow, event_id) is not None:
                return event_id, None
            seen = {event_id}
            cur = event_id
            while (alias := s.get(EventAliasRow, cur)) is not None and alias.new_id not in seen:
                cur = alias.new_id
                seen.add(cur)
                if s.get(EventRow, cur) is not None:
                    return cur, event_id
        return event_id, None

    def document_spans(self, doc_id: str, text: str) -> list[dict[str, object]]:
        """The spans of this document that an event was extracted from: each mention,
        and the quote of each figure claim (found in the text)."""
        spans: list[dict[str, object]] = []
        # Events citing the document: the index's text holds no doc ids, so ask the
        # store for the (few) events whose JSON names it.
        with Session(self.store.engine) as s:
            rows = s.execute(select(EventRow.id, EventRow.data).where(
                cast(EventRow.data, Text).contains(doc_id))).all()
        for eid, data in rows:
            ev = Event.model_validate(data)
            for m in ev.mentions:
                if m.doc_id == doc_id and 0 <= m.start < m.end <= len(text):
                    spans.append({"start": m.start, "end": m.end, "kind": "mention",
                                  "event_id": eid, "label": ev.sub_event_type})
            for kind, fig in ev.figures.items():
                for c in fig.claims:
                    if c.doc_id != doc_id:
                        continue
                    at = text.find(c.quote)
                    if at >= 0:
                        spans.append({"start": at, "end": at + len(c.quote), "kind": "claim",
                                      "event_id": eid,
                                      "label": f"{kind.replace('_', ' ')}: {c.value}"})
        spans.sort(key=lambda x: (int(str(x["start"])), int(str(x["end"]))))
        return spans
