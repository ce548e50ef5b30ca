"""ACLED-style CSV: ACLED's column names and order, so the file loads where users already work."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

import pycountry

from wiredesk.models import Entity, Event, FigureOut

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]

# ACLED's regions by ISO 3166-1 alpha-2 code (ACLED's own grouping, which puts Turkey,
# Iran and the Gulf in the Middle East and the Caucasus with Central Asia).
_REGIONS: dict[str, str] = {}
for _region, _codes in {
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG SH",
    "Middle Africa": "AO CM CF TD CG CD GQ GA ST",
    "Eastern Africa": "BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS SD TZ UG ZM ZW",
    "Southern Africa": "BW LS NA ZA SZ",
    "Northern Africa": "DZ EG LY MA TN EH",
    "Middle East": "BH CY IR IQ IL JO KW LB OM PS QA SA SY TR AE YE",
    "South Asia": "AF BD BT IN MV NP PK LK",
    "Southeast Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "East Asia": "CN HK JP KP KR MN MO TW",
    "Caucasus and Central Asia": "AM AZ GE KZ KG TJ TM UZ",
    "Europe": "AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR HU IS IE IT XK LV LI LT "
              "LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA IM JE GG AX",
    "North America": "CA US GL PM BM",
    "Central America": "BZ CR SV GT HN MX NI PA",
    "South America": "AR BO BR CL CO EC FK GF GY PY PE SR UY VE",
    "Caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC "
                 "SX TT TC VI",
    "Oceania": "AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF",
    "Antarctica": "AQ BV TF HM GS",
}.items():
    for _code in _codes.split():
        _REGIONS[_code] = _region

_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# ACLED's inter codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity
# militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.
_INTER = {
    "state_forces": 1, "government": 1, "armed_group": 3, "political_party": 3,
    "civilians": 7, "person": 8, "organization": 8, "other": 8,
}


def region(country_code: str | None) -> str:
    """ACLED region for an ISO alpha-2 code ('' when unknown)."""
    return _REGIONS.get((country_code or "").upper(), "")


def iso_numeric(country_code: str | None) -> str:
    """ISO 3166-1 numeric code as ACLED's ``iso`` column writes it (368 for Iraq)."""
    if not country_code:
        return ""
    c = pycountry.countries.get(alpha_2=country_code.upper())
    return str(int(c.numeric)) if c else ""


def _iso3(country_code: str | None) -> str:
    c = pycountry.countries.get(alpha_2=country_code.upper()) if country_code else None
    return c.alpha_3 if c else "XXX"


def time_precision(precision: str | None) -> int:
    """ACLED time_precision: 1 day, 2 week, 3 month or coarser."""
    return {"day": 1, "week": 2}.get(precision or "", 3)


def dispute_note(kind: str, fig: FigureOut) -> str:
    """One sentence saying that sources disagree on a figure, and who says what."""
    sides = "; ".join(
        f"{c.value}{'+' if c.high is None and c.low is not None else ''}"
        f" ({c.attributed_to or 'doc ' + c.doc_id})"
        for c in fig.claims
    )
    return f"Sources disagree on {kind.replace('_', ' ')}: {sides}."


def acled_rows(
    events: Iterable[Event], entities: dict[str, Entity], sources: dict[str, str],
    timestamp: int | None = None,
) -> list[dict[str, object]]:
    """One ACLED-style row per event. ``sources`` maps document ids to outlet names."""
    ts = timestamp if timestamp is not None else int(dt.datetime.now(dt.UTC).timestamp())
    rows: list[dict[str, object]] = []
    for ev in events:
        side1 = [a for a in ev.actors if a.is_perpetrator]
        side2 = [a for a in ev.actors if a.role in ("target", "victim")]

        def inter(refs: list, default: str = "") -> str:
            if not refs:
                return default
            ent = entities.get(refs[0].entity_id)
            return str(_INTER.get(ent.kind, 8)) if ent else "8"

        i1, i2 = inter(side1), inter(side2)
        interaction = "".join(sorted(x for x in (i1, i2) if x)) if i1 else i2
        loc = ev.location
        cc = loc.country_code if loc else None
        fat = ev.figures.get("fatalities")
        notes = [ev.summary]
        notes += [dispute_note(k, f) for k, f in ev.figures.items() if f.status == "conflict"]
        civ = any(
            (ent := entities.get(a.entity_id)) is not None and ent.kind == "civilians"
            for a in side2
        )
        doc_ids = list(dict.fromkeys(m.doc_id for m in ev.mentions))
        rows.append({
            "event_id_cnty": f"{_iso3(cc)}{ev.id[:10].upper()}",
            "event_date": ev.date.start.isoformat() if ev.date else "",
            "year": ev.date.start.year if ev.date else "",
            "time_precision": time_precision(ev.date.precision if ev.date else None),
            "disorder_type": _DISORDER.get(ev.event_type, ""),
            "event_type": ev.event_type,
            "sub_event_type": ev.sub_event_type,
            "actor1": side1[0].name if side1 else "",
            "assoc_actor_1": "; ".join(a.name for a in side1[1:]),
            "inter1": i1,
            "actor2": side2[0].name if side2 else "",
            "assoc_actor_2": "; ".join(a.name for a in side2[1:]),
            "inter2": i2,
            "interaction": interaction,
            "civilian_targeting": "Civilian targeting" if civ else "",
            "iso": iso_numeric(cc),
            "region": region(cc),
            "country": (loc.country or "") if loc else "",
            "admin1": (loc.admin1 or "") if loc else "",
            "admin2": "",
            "admin3": "",
            "location": loc.name if loc else "",
            "latitude": round(loc.lat, 4) if loc else "",
            "longitude": round(loc.lon, 4) if loc else "",
            "geo_precision": loc.precision if loc else "",
            "source": "; ".join(dict.fromkeys(sources.get(d, d) for d in doc_ids)),
            "source_scale": "",
            "notes": " ".join(notes),
            # ACLED codes the most conservative credible figure; reconcile put it in value.
            "fatalities": fat.value if fat else 0,
            "tags": "",
            "timestamp": ts,
        })
    return rows


def to_csv(rows: list[dict[str, object]]) -> str:
    """Serialize rows with ACLED's header."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
