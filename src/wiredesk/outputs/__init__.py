"""Writers for a run's results: events.json, ACLED-style events.csv, events.geojson."""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from wiredesk.models import Result
from wiredesk.outputs.acled import acled_rows, to_csv


class OutputError(RuntimeError):
    """The output folder cannot be written."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of events.json (``wiredesk/events@1``)."""
    text = resources.files("wiredesk").joinpath("schema/events.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def geojson(result: Result) -> dict[str, Any]:
    """A FeatureCollection with one point per located event."""
    features = []
    for ev in result.events:
        if ev.location is None:
            continue
        props: dict[str, Any] = {
            "id": ev.id,
            "event_type": ev.event_type,
            "sub_event_type": ev.sub_event_type,
            "date": ev.date.start.isoformat() if ev.date else None,
            "date_end": ev.date.end.isoformat() if ev.date else None,
            "location": ev.location.name,
            "country": ev.location.country,
            "geo_precision": ev.location.precision,
            "summary": ev.summary,
        }
        for kind, fig in ev.figures.items():
            props[kind] = fig.value
            props[f"{kind}_status"] = fig.status
        features.append({
            "type": "Feature",
            "id": ev.id,
            "geometry": {"type": "Point", "coordinates": [ev.location.lon, ev.location.lat]},
            "properties": props,
        })
    return {"type": "FeatureCollection", "features": features}


def _atomic_write(path: Path, text: str) -> None:
    # Written beside the target then renamed, so a crash never leaves half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(result: Result, out_dir: Path) -> list[Path]:
    """Write events.json, events.csv and events.geojson into ``out_dir``."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        entities = {e.id: e for e in result.entities}
        sources = {d.id: d.source or Path(d.path).name for d in result.documents}
        files = {
            "events.json": json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n",
            "events.csv": to_csv(acled_rows(result.events, entities, sources)),
            "events.geojson": json.dumps(geojson(result), indent=1, ensure_ascii=False) + "\n",
        }
        written = []
        for name, text in files.items():
            _atomic_write(out_dir / name, text)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        raise OutputError(f"cannot write results to {out_dir}: {exc.strerror or exc}") from exc
