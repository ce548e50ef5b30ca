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


def event_records(result: Result) -> Iterator[dict[str, Any]]:
    """One self-contained dict per event, in the order of ``result.events``."""
    docs = {d.id: d for d in result.documents}
    rels: dict[str, list[dict[str, Any]]] = {}
    for rel in result.relations:
        data = rel.model_dump(mode="json")
        rels.setdefault(rel.source, []).append(data)
        if rel.target != rel.source:
            rels.setdefault(rel.target, []).append(data)
    for ev in result.events:
        record = ev.model_dump(mode="json")
        doc_ids = dict.fromkeys(m.doc_id for m in ev.mentions)
        record["documents"] = [
            docs[d].model_dump(mode="json", include={"id", "title", "source", "url", "published"})
            for d in doc_ids if d in docs
        ]
        record["relations"] = rels.get(ev.id, [])
        yield record


def iter_jsonl(result: Result) -> Iterator[str]:
    """The JSON Lines text, one line (with its newline) per event, for streaming."""
    for record in event_records(result):
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
