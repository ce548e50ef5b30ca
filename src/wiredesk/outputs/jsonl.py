"""JSON Lines: one event per line, each line complete on its own.

A line is the event exactly as events.json holds it, plus ``documents`` (the articles
that report it: id, title, source, url, published) and ``relations`` (the relations it
takes part in), so a line can be loaded, filtered or grepped without the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from wiredesk.models import Result
from wiredesk.outputs.view import View, as_view, pages


def event_records(result: Result | View) -> Iterator[dict[str, Any]]:
    """One self-contained dict per event, in the order of ``result.events`` (a result in
    memory, or a store read a page of events at a time)."""
    view = as_view(result)
    for page in pages(view.view_items("events")):
        ids = {ev.id for ev in page}
        docs = view.documents_out({m.doc_id for ev in page for m in ev.mentions})
        rels: dict[str, list[dict[str, Any]]] = {}
        for rel in sorted(view.relations_at(ids), key=lambda r: (r.source, r.target, r.type)):
            data = rel.model_dump(mode="json")
            rels.setdefault(rel.source, []).append(data)
            if rel.target != rel.source:
                rels.setdefault(rel.target, []).append(data)
        for ev in page:
            record = ev.model_dump(mode="json")
            doc_ids = dict.fromkeys(m.doc_id for m in ev.mentions)
            record["documents"] = [
                docs[d].model_dump(mode="json",
                                   include={"id", "title", "source", "url", "published"})
                for d in doc_ids if d in docs
            ]
            record["relations"] = rels.get(ev.id, [])
            yield record


def iter_jsonl(result: Result | View) -> Iterator[str]:
    """The JSON Lines text, one line (with its newline) per event, for streaming."""
    for record in event_records(result):
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
