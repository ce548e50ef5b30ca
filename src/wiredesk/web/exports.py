"""Exports of the stored record for download (``/api/export/{name}``).

The writers are ``wiredesk.outputs.iter_export`` (ACLED and UCDP GED-style CSV,
GeoJSON, JSON Lines; the same text as ``wiredesk export``), streamed in chunks. Reviews
are applied to the stored events, so every export carries the reviewed values (and a
reviewed figure's ``rule`` names the reviewer); ``reviews.json`` is the log of who
changed what, when and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from wiredesk.store import Store

# download name -> iter_export format (None: written here)
FORMATS: dict[str, str | None] = {
    "events.json": None,
    "events.csv": "acled",
    "ucdp.csv": "ucdp",
    "events.geojson": "geojson",
    "events.jsonl": "jsonl",
    "reviews.json": None,
}


def render(name: str, store: Store) -> Iterator[str]:
    """The text of export ``name`` in chunks (``name`` is a key of ``FORMATS``)."""
    from wiredesk import outputs, review

    if name == "reviews.json":
        return iter([json.dumps([r.model_dump(mode="json") for r in review.load_reviews(store)],
                                indent=1, ensure_ascii=False)])
    result = store.load_merged()
    fmt = FORMATS[name]
    if fmt is None:
        return iter([json.dumps(result.to_json_dict(), indent=1, ensure_ascii=False)])
    return outputs.iter_export(result, fmt)
