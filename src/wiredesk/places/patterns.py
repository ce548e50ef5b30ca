"""spaCy EntityRuler patterns for place names the small English model misses."""

from __future__ import annotations

from functools import lru_cache

from wiredesk.places.gazetteer import gazetteer

# Countries whose towns conflict reporting names most often.
CONFLICT_COUNTRIES = (
    "IQ", "SY", "IR", "IL", "PS", "LB", "YE", "UA", "ML", "NE", "BF", "SD", "SS", "SO",
    "AF", "LY", "NG", "TD", "ET", "CD", "CF", "MZ", "JO", "SA", "PK", "MM", "CM", "ER",
)
_FAC = {"base", "airport", "embassy", "facility", "camp", "crossing"}
_LOC = {"sea", "region"}
MAX_PATTERNS = 30_000


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, str], ...]:
    from wiredesk.places.normalize import norm
    from wiredesk.places.resolve import _STOP

    g = gazetteer()
    out: dict[str, str] = {}
    extras = g.con.execute(
        "SELECT p.feature, n.key, p.name FROM places p JOIN names n ON n.place_id = p.id "
        "WHERE p.source = 'extra'").fetchall()
    for feature, _key, name in extras:
        label = "FAC" if feature in _FAC else "LOC" if feature in _LOC else "GPE"
        out.setdefault(name, label)
    # Alternate spellings of curated places come from the data file's aliases.
    from wiredesk.places.gazetteer import _extra_rows

    for r in _extra_rows():
        label = "FAC" if r["feature"] in _FAC else "LOC" if r["feature"] in _LOC else "GPE"
        for a in [r["name"], *r["aliases"].split("|")]:
            if a and len(a) > 3 and a[0].isupper():
                out.setdefault(a, label)
    # Towns of conflict countries, biggest first, under their main ASCII-able names.
    marks = ",".join("?" * len(CONFLICT_COUNTRIES))
    q = ("SELECT name, population FROM places WHERE source IN ('city', 'adm1') "
         f"AND cc IN ({marks}) ORDER BY population DESC")
    for name, _pop in g.con.execute(q, CONFLICT_COUNTRIES):
        if len(out) >= MAX_PATTERNS:
            break
        # A town named like a month or a common word ("March", a town of Afghanistan
        # here, of England too) would otherwise override the tagger's "March 2011" date.
        if name.isascii() and len(name) > 3 and name[0].isupper() and norm(name) not in _STOP:
            out.setdefault(name, "GPE")
    return tuple(out.items())


def ruler_patterns() -> list[dict[str, str]]:
    """EntityRuler patterns ``{"label": GPE|LOC|FAC, "pattern": name}``, at most 30k."""
    return [{"label": label, "pattern": name} for name, label in _patterns()]
