"""Country outlines for offline maps: Natural Earth via the npm package ``world-atlas``.

The outlines come from a data package the project installs itself (``package.json`` at
the repository root, ``npm ci``), never from the network at run time. ``countries()``
returns them as a GeoJSON FeatureCollection; ``svg_paths()`` projects the ones in view
to SVG path strings for a bounding box (Web Mercator, the projection web maps use), so
the briefing and the web app draw the same map.

Where the data package is absent, ``countries()`` raises ``BasemapNotFound`` and
callers draw their markers without outlines.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import pycountry

Resolution = Literal["110m", "50m", "10m"]
BBox = tuple[float, float, float, float]  # west, south, east, north (degrees)

ENV_VAR = "WIREDESK_BASEMAP_DIR"
_PACKAGE = "world-atlas"
_MAX_LAT = 85.0  # Web Mercator is undefined at the poles


class BasemapNotFound(FileNotFoundError):
    """The world-atlas data package is not installed."""


def data_dir() -> Path | None:
    """The folder holding world-atlas's TopoJSON files, or None when it is not installed.

    Looked up in ``$WIREDESK_BASEMAP_DIR``, then ``node_modules/world-atlas`` in the
    current folder and in the repository this module was installed from (editable).
    """
    candidates: list[Path] = []
    if os.environ.get(ENV_VAR):
        candidates.append(Path(os.environ[ENV_VAR]))
    candidates.append(Path.cwd() / "node_modules" / _PACKAGE)
    candidates += [p / "node_modules" / _PACKAGE for p in Path(__file__).resolve().parents[:3]]
    for path in candidates:
        if (path / "countries-110m.json").is_file():
            return path
    return None


def available() -> bool:
    """Whether country outlines can be drawn."""
    return data_dir() is not None


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    # TopoJSON quantizes and delta-encodes each arc; undo both to get lon/lat.
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], refs: Sequence[int]) -> list[list[float]]:
    out: list[list[float]] = []
    for ref in refs:
        # A negative index ~i is arc i walked backwards; arcs share their end points.
        pts = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        start = 1 if out else 0
        out.extend([round(x, 4), round(y, 4)] for x, y in pts[start:])
    return out


def _iso_a2(numeric: str | None) -> str | None:
    if not numeric:
        return None
    c = pycountry.countries.get(numeric=numeric.zfill(3))
    return c.alpha_2 if c else None


@lru_cache(maxsize=3)
def countries(resolution: Resolution = "110m") -> dict[str, Any]:
    """Country outlines as a GeoJSON FeatureCollection (Polygon/MultiPolygon, lon/lat).

    Each feature has ``id`` (ISO 3166-1 numeric, None for a few disputed areas) and
    properties ``name`` and ``iso_a2``. The result is cached and shared: do not modify
    it. Raises ``BasemapNotFound`` without the data.
    """
    folder = data_dir()
    if folder is None:
        raise BasemapNotFound(
            "country outlines need the npm package world-atlas: run `npm ci` in the "
            f"repository root, or point ${ENV_VAR} at a folder holding countries-110m.json")
    topology = json.loads((folder / f"countries-{resolution}.json").read_text("utf-8"))
    arcs = _decode_arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            coords: list[Any] = [_ring(arcs, r) for r in geom["arcs"]]
        elif kind == "MultiPolygon":
            coords = [[_ring(arcs, r) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        features.append({
            "type": "Feature",
            "id": geom.get("id"),
            "properties": {"name": geom.get("properties", {}).get("name", ""),
                           "iso_a2": _iso_a2(geom.get("id"))},
            "geometry": {"type": kind, "coordinates": coords},
        })
    return {"type": "FeatureCollection", "features": features}


def _merc_y(lat: float) -> float:
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


@dataclass(frozen=True)
class Projection:
    """Web Mercator fitted into a ``width`` x ``height`` box around ``bbox``.

    The scale is the same on both axes, so the box may show more than ``bbox`` on one
    of them; ``view`` is the bounding box actually shown.
    """

    bbox: BBox
    width: float
    height: float

    @cached_property
    def _frame(self) -> tuple[float, float, float]:
        west, south, east, north = self.bbox
        x0, x1 = math.radians(west), math.radians(east)
        y0, y1 = _merc_y(south), _merc_y(north)
        k = min(self.width / max(x1 - x0, 1e-9), self.height / max(y1 - y0, 1e-9))
        # centre the bbox in the box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return k, cx, cy

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Pixel coordinates (y down) of a point."""
        k, cx, cy = self._frame
        return (self.width / 2 + (math.radians(lon) - cx) * k,
                self.height / 2 - (_merc_y(lat) - cy) * k)

    @property
    def view(self) -> BBox:
        """The bounding box the whole drawing covers."""
        k, cx, cy = self._frame
        west = math.degrees(cx - self.width / 2 / k)
        east = math.degrees(cx + self.width / 2 / k)
        south = math.degrees(2 * math.atan(math.exp(cy - self.height / 2 / k)) - math.pi / 2)
        north = math.degrees(2 * math.atan(math.exp(cy + self.height / 2 / k)) - math.pi / 2)
        return west, south, east, north


def fit_bbox(points: Iterable[tuple[float, float]], pad: float = 0.25,
             min_span: float = 4.0) -> BBox:
    """A bounding box around (lon, lat) points, padded by ``pad`` of its span and at
    least ``min_span`` degrees wide and tall (a single point still shows its region)."""
    pts = list(points)
    if not pts:
        return -180.0, -60.0, 180.0, 80.0
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    dx = max(east - west, min_span) * (1 + 2 * pad)
    dy = max(north - south, min_span) * (1 + 2 * pad)
    cx, cy = (west + east) / 2, (south + north) / 2
    return (max(-180.0, cx - dx / 2), max(-_MAX_LAT, cy - dy / 2),
            min(180.0, cx + dx / 2), min(_MAX_LAT, cy + dy / 2))


def _ring_bbox(ring: list[list[float]]) -> BBox:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass(frozen=True)
class CountryPath:
    """One country's outline as an SVG path in a projection's pixel space."""

    id: str | None
    name: str
    iso_a2: str | None
    d: str


def svg_paths(bbox: BBox, width: float, height: float, resolution: Resolution = "110m",
              tolerance: float = 0.6) -> list[CountryPath]:
    """The outlines of the countries in view, projected to SVG paths.

    Rings outside the view are dropped and points closer than ``tolerance`` pixels to
    the previous kept one are skipped, which keeps a regional map a few kilobytes.
    Raises ``BasemapNotFound`` without the data.
    """
    proj = Projection(bbox, width, height)
    view = proj.view
    out = []
    for feat in countries(resolution)["features"]:
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        parts = []
        for poly in polys:
            for ring in poly:
                if not _overlaps(_ring_bbox(ring), view):
                    continue
                d = _ring_path(proj, ring, tolerance)
                if d:
                    parts.append(d)
        if parts:
            props = feat["properties"]
            out.append(CountryPath(feat.get("id"), props["name"], props["iso_a2"],
                                   "".join(parts)))
    return out


def _ring_path(proj: Projection, ring: list[list[float]], tolerance: float) -> str:
    pts: list[tuple[float, float]] = []
    for lon, lat in ring:
        x, y = proj.xy(lon, lat)
        if pts and abs(x - pts[-1][0]) < tolerance and abs(y - pts[-1][1]) < tolerance:
            continue
        pts.append((x, y))
    if len(pts) < 3:
        return ""
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z"
