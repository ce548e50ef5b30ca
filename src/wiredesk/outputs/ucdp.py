"""UCDP GED-style CSV: the Georeferenced Event Dataset's column names, in its order.

UCDP GED records organized violence only, so events of the three violent ACLED types
(battles, explosions/remote violence, violence against civilians) are written; protests,
riots and strategic developments are not. Columns wiredesk cannot fill from news text
(UCDP's conflict and dyad ids, Gleditsch-Ward numbers) are left empty; ``docs/report.md``
lists how each column is filled.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Mapping

from wiredesk.models import DocumentOut, Entity, Event, FigureOut
from wiredesk.outputs.acled import _iso3, region

COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low", "gwnoa", "gwnob",
]

VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
# UCDP's five regions, from ACLED's finer ones.
_UCDP_REGION = {
    "Middle East": "Middle East", "Europe": "Europe", "Caucasus and Central Asia": "Asia",
    "South Asia": "Asia", "Southeast Asia": "Asia", "East Asia": "Asia", "Oceania": "Asia",
    "North America": "Americas", "Central America": "Americas", "South America": "Americas",
    "Caribbean": "Americas",
}
_STATE_KINDS = {"state_forces", "government"}
_ORGANIZED_KINDS = _STATE_KINDS | {"armed_group", "political_party"}


def ucdp_region(country_code: str | None) -> str:
    """UCDP's region (Africa, Americas, Asia, Europe, Middle East) or ''."""
    acled = region(country_code)
    if acled.endswith("Africa"):
        return "Africa"
    return _UCDP_REGION.get(acled, "")


def priogrid_gid(lat: float, lon: float) -> int:
    """The PRIO-GRID cell (0.5 degree, numbered row by row from the south-west) of a point."""
    row = min(int(math.floor((lat + 90) / 0.5)), 359)
    col = min(int(math.floor((lon + 180) / 0.5)), 719)
    return row * 720 + col + 1


def where_prec(ev: Event) -> int | str:
    """UCDP where_prec: 1 exact place, 2 within about 25 km, 4 a province, 6 only the
    country; from ACLED-style geo precision and whether the place is the country itself."""
    loc = ev.location
    if loc is None:
        return ""
    if loc.country and loc.name == loc.country:
        return 6
    return {1: 1, 2: 2, 3: 4}.get(loc.precision, 4)


def date_prec(ev: Event) -> int | str:
    """UCDP date_prec: 1 exact day, 2 within 2-6 days, 3 a week, 4 a month, 5 longer."""
    if ev.date is None:
        return ""
    days = (ev.date.end - ev.date.start).days
    if days == 0:
        return 1
    if days < 6:
        return 2
    if days < 8:
        return 3
    return 4 if days < 32 else 5


def _kinds(refs: list[str], entities: Mapping[str, Entity]) -> set[str]:
    return {entities[r].kind for r in refs if r in entities}


def type_of_violence(ev: Event, entities: Mapping[str, Entity]) -> int:
    """1 state-based, 2 non-state, 3 one-sided (against civilians), from the event type
    and the kinds of the actors on each side (a named person attacked by a non-state
    group is taken as one-sided violence)."""
    side_a = _kinds([a.entity_id for a in ev.actors if a.is_perpetrator], entities)
    side_b = _kinds([a.entity_id for a in ev.actors if a.role in ("target", "victim")],
                    entities)
    # one-sided: an organized actor against people who are not an organized side
    if ev.event_type == "Violence against civilians" or (
            side_b and side_b <= {"civilians", "person"} and not side_a & _STATE_KINDS):
        return 3
    if (side_a | side_b) & _STATE_KINDS:
        return 1
    if side_a & _ORGANIZED_KINDS and side_b & _ORGANIZED_KINDS:
        return 2
    return 1  # most remote violence in the news is between a state and an armed group


def _estimates(fig: FigureOut | None) -> tuple[int, int, int]:
    # UCDP: low <= best <= high. An open range ("at least 18") has no stated high, so
    # the highest figure any source gave stands in for it.
    if fig is None:
        return 0, 0, 0
    high = fig.high if fig.high is not None else max([fig.value] + [c.value for c in fig.claims])
    return fig.value, min(fig.low, fig.value), max(high, fig.value)


def ucdp_rows(events: Iterable[Event], entities: Mapping[str, Entity],
              documents: Mapping[str, DocumentOut]) -> Iterator[dict[str, object]]:
    """One GED-style row per violent event."""
    for ev in events:
        if ev.event_type not in VIOLENT_TYPES:
            continue
        tov = type_of_violence(ev, entities)
        perps = [a for a in ev.actors if a.is_perpetrator]
        others = [a for a in ev.actors if a.role in ("target", "victim")]
        if tov == 1 and not _kinds([a.entity_id for a in perps], entities) & _STATE_KINDS \
                and _kinds([a.entity_id for a in others], entities) & _STATE_KINDS:
            perps, others = others, perps  # in GED, side A of a state-based event is the state
        side_a = "; ".join(a.name for a in perps)
        side_b = "Civilians" if tov == 3 and not others else "; ".join(a.name for a in others)
        docs = [documents[d] for d in dict.fromkeys(m.doc_id for m in ev.mentions)
                if d in documents]
        loc = ev.location
        best, low, high = _estimates(ev.figures.get("fatalities"))
        cc = loc.country_code if loc else None
        year = ev.date.start.year if ev.date else ""
        yield {
            "id": ev.id,
            "relid": f"{_iso3(cc)}-{year}-{tov}-{ev.id}",
            "year": year,
            "active_year": "",
            "code_status": "Clear",
            "type_of_violence": tov,
            "conflict_dset_id": "", "conflict_new_id": "", "conflict_name": "",
            "dyad_dset_id": "", "dyad_new_id": "",
            "dyad_name": f"{side_a} - {side_b}" if side_a and side_b else "",
            "side_a_dset_id": "", "side_a_new_id": "", "side_a": side_a,
            "side_b_dset_id": "", "side_b_new_id": "", "side_b": side_b,
            "number_of_sources": len(docs),
            "source_article": "; ".join(
                f"\"{d.title or d.path}\" {d.source or ''} {d.published or ''}".replace("  ", " ")
                .strip() for d in docs),
            "source_office": "; ".join(dict.fromkeys(d.source for d in docs if d.source)),
            "source_date": "; ".join(dict.fromkeys(
                d.published.isoformat() for d in docs if d.published)),
            "source_headline": "; ".join(d.title for d in docs if d.title),
            "source_original": "; ".join(dict.fromkeys(
                c.attributed_to for f in ev.figures.values() for c in f.claims
                if c.attributed_to)),
            "where_prec": where_prec(ev),
            "where_coordinates": loc.name if loc else "",
            "where_description": ev.mentions[0].quote if ev.mentions else "",
            "adm_1": (loc.admin1 or "") if loc else "",
            "adm_2": "",
            "latitude": round(loc.lat, 6) if loc else "",
            "longitude": round(loc.lon, 6) if loc else "",
            "geom_wkt": f"POINT ({loc.lon:.6f} {loc.lat:.6f})" if loc else "",
            "priogrid_gid": priogrid_gid(loc.lat, loc.lon) if loc else "",
            "country": (loc.country or "") if loc else "",
            "country_id": "",
            "region": ucdp_region(cc),
            "event_clarity": 1 if ev.date and ev.date.precision == "day" else 2,
            "date_prec": date_prec(ev),
            "date_start": ev.date.start.isoformat() if ev.date else "",
            "date_end": ev.date.end.isoformat() if ev.date else "",
            # News rarely splits the dead by side: all go to deaths_unknown, except in
            # one-sided violence, where the dead are civilians by definition.
            "deaths_a": 0,
            "deaths_b": 0,
            "deaths_civilians": best if tov == 3 else 0,
            "deaths_unknown": 0 if tov == 3 else best,
            "best": best,
            "high": high,
            "low": low,
            "gwnoa": "",
            "gwnob": "",
        }


def iter_csv(rows: Iterable[Mapping[str, object]], columns: list[str]) -> Iterator[str]:
    """CSV text in chunks (header first, then one chunk per row), for streaming."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        yield buf.getvalue()


def iter_ucdp_csv(events: Iterable[Event], entities: Mapping[str, Entity],
                  documents: Mapping[str, DocumentOut]) -> Iterator[str]:
    """The UCDP GED-style CSV in chunks."""
    return iter_csv(ucdp_rows(events, entities, documents), COLUMNS)
