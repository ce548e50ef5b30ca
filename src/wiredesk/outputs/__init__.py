"""Writers for a run's results: events.json, ACLED-style events.csv, events.geojson."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
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


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once: os.umask is process-wide and not thread-safe


def check_writable(out_dir: Path) -> None:
    """Raise ``OutputError`` now if results cannot be written into ``out_dir`` (missing
    and not creatable, read-only, full), rather than after a long run."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir) as fh:
            fh.write(b"x")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"cannot write results to {out_dir}: {exc.strerror or exc}") from exc


def _atomic_write(path: Path, text: str | Iterable[str]) -> None:
    # Written beside the target then renamed, so a crash never leaves half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
        # mkstemp makes the file private (0600); results are for sharing, as any file the
        # user's umask would give.
        os.chmod(tmp, 0o666 & ~_UMASK)
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
        files: dict[str, str | Iterable[str]] = {
            "events.json": iter_events_json(result),
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


def iter_events_json(result: Result) -> Iterator[str]:
    """events.json as text chunks, item by item: the same text as ``json.dumps`` of
    ``result.to_json_dict()`` with an indent of 2, without holding a second copy of a
    large store's view (as dicts and as one string) at once."""
    yield "{\n"
    fields = [(name, info) for name, info in Result.model_fields.items() if not info.exclude]
    for n, (name, info) in enumerate(fields):
        key = json.dumps(info.alias or name)
        value = getattr(result, name)
        end = ",\n" if n < len(fields) - 1 else "\n"
        if not isinstance(value, list):
            yield f"  {key}: {json.dumps(value, ensure_ascii=False)}{end}"
            continue
        if not value:
            yield f"  {key}: []{end}"
            continue
        yield f"  {key}: [\n"
        for i, item in enumerate(value):
            text = json.dumps(item.model_dump(mode="json", by_alias=True), indent=2,
                              ensure_ascii=False)
            yield ("    " + text.replace("\n", "\n    ")
                   + (",\n" if i < len(value) - 1 else "\n"))
        yield f"  ]{end}"
    yield "}\n"


# --- exports: `wiredesk export` and the web app's downloads -------------------------

# format -> (media type, default file name)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "acled": ("text/csv", "events_acled.csv"),
    "ucdp": ("text/csv", "events_ucdp.csv"),
    "geojson": ("application/geo+json", "events.geojson"),
    "jsonl": ("application/x-ndjson", "events.jsonl"),
}


def iter_export(result: Result, fmt: str, timestamp: int | None = None) -> Iterator[str]:
    """The export of ``result`` in ``fmt`` (see ``EXPORT_FORMATS``) as text chunks, so a
    web response can stream it (e.g. Starlette's ``StreamingResponse``)."""
    from wiredesk.outputs import acled, jsonl, ucdp

    if fmt == "acled":
        entities = {e.id: e for e in result.entities}
        sources = {d.id: d.source or Path(d.path).name for d in result.documents}
        return ucdp.iter_csv(acled_rows(result.events, entities, sources, timestamp),
                             acled.COLUMNS)
    if fmt == "ucdp":
        return ucdp.iter_ucdp_csv(result.events, {e.id: e for e in result.entities},
                                  {d.id: d for d in result.documents})
    if fmt == "geojson":
        return _iter_geojson(result)
    if fmt == "jsonl":
        return jsonl.iter_jsonl(result)
    raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")


def _iter_geojson(result: Result) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": [\n'
    for i, feature in enumerate(geojson(result)["features"]):
        yield ("," if i else "") + json.dumps(feature, ensure_ascii=False) + "\n"
    yield "]}\n"


def write_export(result: Result, fmt: str, path: Path) -> Path:
    """Write one export file (atomically)."""
    text = "".join(iter_export(result, fmt))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
