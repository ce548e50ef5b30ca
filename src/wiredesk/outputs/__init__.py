"""Writers for a run's results: events.json, ACLED-style events.csv, events.geojson."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from wiredesk.models import Event, Result
from wiredesk.outputs.acled import acled_rows
from wiredesk.outputs.view import View, as_view, named, pages


class OutputError(RuntimeError):
    """The output folder cannot be written."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of events.json (``wiredesk/events@1``)."""
    text = resources.files("wiredesk").joinpath("schema/events.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def geojson(result: Result) -> dict[str, Any]:
    """A FeatureCollection with one point per located event."""
    return {"type": "FeatureCollection", "features": list(_features(result.events))}


def _features(events: Iterable[Event]) -> Iterator[dict[str, Any]]:
    """A GeoJSON feature for each located event."""
    for ev in events:
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
        yield {
            "type": "Feature",
            "id": ev.id,
            "geometry": {"type": "Point", "coordinates": [ev.location.lon, ev.location.lat]},
            "properties": props,
        }


def iter_acled_csv(source: Result | View, timestamp: int | None = None) -> Iterator[str]:
    """The ACLED-style CSV of a view in chunks, events read a page at a time with the
    entities and documents they name."""
    from wiredesk.outputs import acled, ucdp

    view = as_view(source)
    ts = timestamp if timestamp is not None else int(time.time())

    def rows() -> Iterator[dict[str, object]]:
        for page in pages(view.view_items("events")):
            entities, docs = named(view, page)
            sources = {d.id: d.source or Path(d.path).name for d in docs.values()}
            yield from acled_rows(page, entities, sources, ts)

    return ucdp.iter_csv(rows(), acled.COLUMNS)


def iter_ucdp(source: Result | View) -> Iterator[str]:
    """The UCDP GED-style CSV of a view in chunks, a page of events at a time."""
    from wiredesk.outputs import ucdp

    view = as_view(source)

    def rows() -> Iterator[dict[str, object]]:
        for page in pages(view.view_items("events")):
            yield from ucdp.ucdp_rows(page, *named(view, page))

    return ucdp.iter_csv(rows(), ucdp.COLUMNS)


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


def write_all(source: Result | View, out_dir: Path) -> list[Path]:
    """Write events.json, events.csv and events.geojson into ``out_dir``, from a result
    in memory or streamed from a store."""
    view = as_view(source)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        files: dict[str, Iterable[str]] = {
            "events.json": iter_events_json(source),
            "events.csv": iter_acled_csv(view),
            "events.geojson": _iter_json([
                ("type", "FeatureCollection"),
                ("features", _features(view.view_items("events"))),
            ], indent=1),
        }
        written = []
        for name, text in files.items():
            _atomic_write(out_dir / name, text)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        raise OutputError(f"cannot write results to {out_dir}: {exc.strerror or exc}") from exc


def iter_events_json(source: Result | View) -> Iterator[str]:
    """events.json as text chunks, item by item: the same text as ``json.dumps`` of
    ``result.to_json_dict()`` with an indent of 2, without holding a second copy of a
    large store's view (as dicts and as one string) at once; from a store, without
    holding the view at all."""
    from wiredesk.store import VIEW_PARTS

    view = as_view(source)
    defaults = source if isinstance(source, Result) else Result()
    fields: list[tuple[str, Any]] = []
    for name, info in Result.model_fields.items():
        if info.exclude:
            continue
        if name in VIEW_PARTS:
            value: Any = (x.model_dump(mode="json", by_alias=True)
                          for x in view.view_items(name))
        else:
            value = getattr(defaults, name)
        fields.append((info.alias or name, value))
    return _iter_json(fields, indent=2)


_END = object()


def _iter_json(fields: list[tuple[str, Any]], indent: int) -> Iterator[str]:
    """``json.dumps(dict(fields), indent=indent) + "\n"`` in chunks; a value that is an
    iterator is a list written item by item (its items JSON-ready), the others
    scalars."""
    pad = " " * indent
    inner = pad * 2
    yield "{\n"
    for n, (key, value) in enumerate(fields):
        end = ",\n" if n < len(fields) - 1 else "\n"
        head = f"{pad}{json.dumps(key)}: "
        if not isinstance(value, Iterator):
            yield head + json.dumps(value, ensure_ascii=False) + end
            continue
        prev = next(value, _END)
        if prev is _END:
            yield f"{head}[]{end}"
            continue
        yield f"{head}[\n"
        for item in itertools.chain(value, [_END]):
            text = json.dumps(prev, indent=indent, ensure_ascii=False)
            yield inner + text.replace("\n", "\n" + inner) + (",\n" if item is not _END else "\n")
            prev = item
        yield f"{pad}]{end}"
    yield "}\n"


# --- exports: `wiredesk export` and the web app's downloads -------------------------

# format -> (media type, default file name)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "acled": ("text/csv", "events_acled.csv"),
    "ucdp": ("text/csv", "events_ucdp.csv"),
    "geojson": ("application/geo+json", "events.geojson"),
    "jsonl": ("application/x-ndjson", "events.jsonl"),
}


def iter_export(result: Result | View, fmt: str, timestamp: int | None = None
                ) -> Iterator[str]:
    """The export of ``result`` (a result in memory, or a store read a page at a time)
    in ``fmt`` (see ``EXPORT_FORMATS``) as text chunks, so a web response can stream it
    (e.g. Starlette's ``StreamingResponse``)."""
    from wiredesk.outputs import jsonl

    if fmt == "acled":
        return iter_acled_csv(result, timestamp)
    if fmt == "ucdp":
        return iter_ucdp(result)
    if fmt == "geojson":
        return _iter_geojson(result)
    if fmt == "jsonl":
        return jsonl.iter_jsonl(result)
    raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")


def _iter_geojson(result: Result | View) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": [\n'
    for i, feature in enumerate(_features(as_view(result).view_items("events"))):
        yield ("," if i else "") + json.dumps(feature, ensure_ascii=False) + "\n"
    yield "]}\n"


def write_export(result: Result | View, fmt: str, path: Path) -> Path:
    """Write one export file (atomically)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, iter_export(result, fmt))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
