"""Actors: canonical entities with every spelling seen in a run.

A dictionary shipped with the package (``data/actors.toml``: state forces, armed groups,
governments, parties and key persons of the conflicts wiredesk users study) plus an
optional user file in the same layout. ``ActorResolver.resolve`` maps a surface form
("Kitaeb Hezbollah", "Qassim Suleimani", "PMF", "Esper") to one ``Entity`` and remembers
the alias, so the run's entity list carries every spelling met.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

from rapidfuzz import fuzz

from wiredesk.models import Entity, EntityKind

_KINDS: frozenset[str] = frozenset(
    ["state_forces", "armed_group", "government", "political_party", "person", "civilians",
     "organization", "other"]
)

def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string."""
    return frozenset(text.split())


# Titles dropped before a person's name is looked up ("Defense Secretary Mark Esper").
_TITLES = re.compile(
    r"^(?:(?:the|top|late|former|then|iranian|iraqi|american|us|u\.s\.|british|israeli|"
    r"syrian|russian|ukrainian|president|vice|prime|minister|defen[cs]e|foreign|"
    r"secretary|of|state|gen\.?|general|lt\.?|lieutenant|maj\.?|major|col\.?|colonel|"
    r"brig\.?|brigadier|army|navy|air|force|adm\.?|admiral|capt\.?|captain|sgt\.?|"
    r"sergeant|cpl\.?|corporal|lance|pvt\.?|private|commander|chairman|spokesman|"
    r"spokeswoman|spokesperson|ayatollah|sheikh|sayyed|mr\.?|mrs\.?|ms\.?|dr\.?|"
    r"senator|sen\.?|rep\.?|chief|leader|cleric|militia|supreme|elite|quds)\s+)+",
    re.I,
)
# Words that must match exactly in fuzzy look-up: a nationality or a generic noun differs
# in meaning even when the spelling is close (Iraqi / Iranian forces).
_EXACT_WORDS = _words(
    """iraqi iranian iran iraq syrian syria israeli israel lebanese lebanon yemeni yemen
    saudi russian russia ukrainian ukraine american us british uk turkish turkey malian
    mali sudanese sudan nigerian nigerien niger french france kurdish palestinian afghan
    egyptian libyan jordanian forces force army military troops government police militia
    militias group groups party brigades brigade front movement state islamic national
    council organization organisation ministry of the in and for al el people s"""
)
_ARMED_WORDS = re.compile(
    r"\b(?:militia|militias|brigades?|army|front|battalions?|forces|movement|rebels|"
    r"jihad|guards?|fighters|units?)\b",
    re.I,
)


def normalize(name: str) -> str:
    """Normalize a surface form for look-up: case, accents, apostrophes, dots, hyphens,
    a leading "the" and a trailing possessive are ignored."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("’", "'").replace("‘", "'").replace("`", "'")
    s = re.sub(r"'s\b", "", s)
    s = s.replace("'", "")
    s = re.sub(r"(?<=\b[A-Za-z])\.", "", s)  # U.S. -> US, U.N. -> UN
    s = s.lower()
    s = re.sub(r"[-‐–—_/]", " ", s)
    s = re.sub(r"[^\w\s]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    return s


def entity_id(name: str) -> str:
    """A stable id derived from the canonical name: "ent-kataib-hezbollah"."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(name)).strip("-")
    return f"ent-{slug or 'unnamed'}"


@dataclass
class _Entry:
    name: str
    kind: str
    aliases: list[str]
    country: str | None = None
    source: str | None = None
    # short names that mean this actor only in reports about its country: a bare
    # "Hezbollah" next to Iraqi militias is Kataib Hezbollah, not the Lebanese party
    context_aliases: list[str] = field(default_factory=list)


@dataclass
class _Seen:
    entry: _Entry
    aliases: list[str] = field(default_factory=list)


def _load_entries(text_bytes: bytes) -> list[_Entry]:
    data = tomllib.loads(text_bytes.decode("utf-8"))
    out: list[_Entry] = []
    for raw in data.get("actor", []):
        kind = str(raw.get("kind", "other"))
        if kind not in _KINDS:
            raise ValueError(f"actor {raw.get('name')!r}: unknown kind {kind!r}")
        out.append(
            _Entry(
                name=str(raw["name"]),
                kind=kind,
                aliases=[str(a) for a in raw.get("aliases", [])],
                country=raw.get("country"),
                source=raw.get("source"),
                context_aliases=[str(a) for a in raw.get("context_aliases", [])],
            )
        )
    return out


def load_dictionary(extra_path: Path | None = None) -> list[_Entry]:
    """The packaged actor dictionary, followed by the user's entries if a path is given."""
    data = resources.files("wiredesk").joinpath("data/actors.toml").read_bytes()
    entries = _load_entries(data)
    if extra_path is not None:
        entries.extend(_load_entries(Path(extra_path).read_bytes()))
    return entries


def _alias_regex(alias: str) -> str:
    """A pattern for an alias in running text: flexible spaces, hyphens, dots, apostrophes."""
    parts = []
    for ch in alias:
        if ch in " -":
            parts.append(r"[\s\-‐–]+")
        elif ch in "'’":
            parts.append(r"['’]?")
        elif ch == ".":
            parts.append(r"\.?")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


# Short or common-word aliases are matched in running text only with their exact case.
_CASE_SENSITIVE_MAX = 5
_NEVER_IN_TEXT = frozenset({"is", "us", "pa", "un", "aq", "kh", "hashd", "badr", "wagner",
                            "civilian", "residents", "bystanders", "villagers",
                            "passers by"})


class ActorResolver:
    """Canonicalizes actor names against the dictionary and remembers the run's aliases."""

    def __init__(self, extra_path: Path | None = None) -> None:
        self._entries = load_dictionary(extra_path)
        self._index: dict[str, int] = {}
        for i, entry in enumerate(self._entries):
            # later (user) entries override the packaged ones for the same alias
            for alias in [entry.name, *entry.aliases]:
                self._index[normalize(alias)] = i
        # (alias, country) -> entry, for aliases that depend on the document's country
        self._context: dict[tuple[str, str], int] = {}
        for i, entry in enumerate(self._entries):
            if entry.country:
                for alias in entry.context_aliases:
                    self._context[(normalize(alias), entry.country.upper())] = i
        self._by_words: dict[int, list[tuple[str, int]]] = {}
        for key, i in self._index.items():
            if len(key) >= 5:
                self._by_words.setdefault(len(key.split()), []).append((key, i))
        self._seen: dict[str, _Seen] = {}
        self._surnames: dict[str, str] = {}  # normalized surname -> entity id
        self._n_dictionary = len(self._entries)  # entries past this are adopted from text
        self._adopted_keys: list[str] = []
        self._text_rx: re.Pattern[str] | None = None
        self._text_rx_cs: re.Pattern[str] | None = None

    # -- look-up -------------------------------------------------------------------

    def _fuzzy(self, key: str) -> int | None:
        words = key.split()
        best: tuple[float, int] | None = None
        for cand, i in self._by_words.get(len(words), []):
            cwords = cand.split()
            scores = []
            for a, b in zip(words, cwords, strict=True):
                if a == b:
                    scores.append(100.0)
                    continue
                if a in _EXACT_WORDS or b in _EXACT_WORDS or len(a) < 4 or len(b) < 4:
                    scores = []
                    break
                r = fuzz.ratio(a, b)
                if a[0] != b[0] and r < 85:
                    scores = []
                    break
                scores.append(r)
            if not scores or min(scores) < 75:
                continue
            score = sum(scores) / len(scores)
            if score >= 85 and (best is None or score > best[0]):
                best = (score, i)
        return best[1] if best else None

    def _lookup(self, name: str) -> int | None:
        key = normalize(name)
        if not key:
            return None
        if key in self._index:
            return self._index[key]
        stripped = normalize(_TITLES.sub("", name.strip()))
        if stripped and stripped in self._index:
            return self._index[stripped]
        for k in {key, stripped}:
            if k:
                hit = self._fuzzy(k)
                if hit is not None:
                    return hit
        return None

    def _remember(self, entry: _Entry, surface: str) -> Entity:
        eid = entity_id(entry.name)
        seen = self._seen.get(eid)
        if seen is None:
            seen = self._seen[eid] = _Seen(entry)
        alias = re.sub(r"\s+", " ", surface).strip()
        if alias and alias not in seen.aliases:
            seen.aliases.append(alias)
        if entry.kind == "person":
            for full in [entry.name, alias]:
                words = normalize(_TITLES.sub("", full)).split()
                if len(words) >= 2:
                    self._surnames[words[-1]] = eid
        return self._entity(eid)

    def _entity(self, eid: str) -> Entity:
        seen = self._seen[eid]
        return Entity(id=eid, name=seen.entry.name, kind=cast(EntityKind, seen.entry.kind),
                      aliases=list(seen.aliases))

    def resolve(self, name: str, label: str | None = None,
                focus: Collection[str] = ()) -> Entity | None:
        """The canonical entity for a surface form, or None when it is not an actor known
        to the dictionary or to this run.

        ``label`` (a spaCy entity label, optional) lets names outside the dictionary become
        run entities: PERSON -> person, ORG -> organization or armed group. ``focus``
        (optional) are the ISO country codes a document is about; they select the actor a
        context alias means there ("Hezbollah" in a report on Iraq: Kataib Hezbollah),
        unless the document is also about the country of the name's usual owner.
        """
        surface = name.strip().strip(",;:.\"“”'")
        surface = re.sub(r"^(?:the|The)\s+", "", surface)
        surface = re.sub(r"['’]s$", "", surface)
        if not surface:
            return None
        key = normalize(_TITLES.sub("", surface)) or normalize(surface)
        if focus:
            ctx = self._in_context(surface, focus)
            if ctx is not None:
                return self._remember(self._entries[ctx], surface)
        # a bare surname seen earlier in the run in full ("Esper" after "Mark Esper")
        if len(key.split()) == 1 and key in self._surnames:
            return self._remember(self._seen[self._surnames[key]].entry, surface)
        i = self._lookup(surface)
        if i is not None:
            return self._remember(self._entries[i], surface)
        if label is None:
            return None
        clean = _TITLES.sub("", surface).strip()
        if label == "PERSON" and len(clean) >= 4 and re.match(
            r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)*$", clean
        ) and not re.fullmatch(r"(?:Cpl|Sgt|Gen|Lt|Col|Maj|Capt|Adm|Pvt|Spc)\.?", clean):
            entry = _Entry(name=clean, kind="person", aliases=[])
            return self._remember(self._adopt(entry), surface)
        if label == "ORG" and surface[:1].isupper() and len(surface) > 2:
            kind = "armed_group" if _ARMED_WORDS.search(surface) else "organization"
            entry = _Entry(name=surface, kind=kind, aliases=[])
            return self._remember(self._adopt(entry), surface)
        return None

    def _in_context(self, surface: str, focus: Collection[str]) -> int | None:
        codes = {c.upper() for c in focus}
        norm = normalize(surface)
        usual = self._index.get(norm)
        if usual is not None and (self._entries[usual].country or "").upper() in codes:
            return None  # a report on Lebanon too: the name keeps its usual owner
        for code in sorted(codes):
            hit = self._context.get((norm, code))
            if hit is not None:
                return hit
        return None

    def _adopt(self, entry: _Entry) -> _Entry:
        """Add a run-only entity to the index so later spellings find it."""
        eid = entity_id(entry.name)
        if eid in self._seen:
            return self._seen[eid].entry
        self._entries.append(entry)
        key = normalize(entry.name)
        if key not in self._index:
            self._index[key] = len(self._entries) - 1
            self._adopted_keys.append(key)
        return entry

    def forget(self) -> None:
        """Start afresh for the next document: forget the names seen and adopted so far.

        The pipeline resolves each document on its own, so that a document's analysis
        does not depend on which documents shared its run (or its Ray worker) and a
        stored analysis can be reused in any later run; aliases are united across
        documents when entities are merged (``pipeline.merge_entities``)."""
        self._seen = {}
        self._surnames = {}
        for key in self._adopted_keys:
            self._index.pop(key, None)
        self._adopted_keys = []
        del self._entries[self._n_dictionary:]

    def entities(self) -> list[Entity]:
        """Entities seen in this run, each with every alias seen for it."""
        return [self._entity(eid) for eid in self._seen]

    def forces_of(self, entity: Entity) -> Entity | None:
        """The state forces of a government's country ("Government of the United States"
        -> "Military Forces of the United States"), remembered without a new alias (the
        text named the country, not the forces); None when the entity is no government
        or its country has no forces entry."""
        i = self._index.get(normalize(entity.name))
        if i is None or self._entries[i].kind != "government":
            return None
        country = (self._entries[i].country or "").upper()
        if not country:
            return None
        for entry in self._entries[:self._n_dictionary]:
            if entry.kind == "state_forces" and (entry.country or "").upper() == country \
                    and entry.name.startswith("Military Forces of"):
                return self._remember(entry, "")
        return None

    def kind_of(self, name: str) -> str | None:
        """The dictionary kind of a name without remembering it (None if unknown)."""
        i = self._lookup(name)
        return self._entries[i].kind if i is not None else None

    # -- running text ---------------------------------------------------------------

    def _compile(self) -> None:
        ci: set[str] = set()
        cs: set[str] = set()
        for entry in self._entries:
            for alias in [entry.name, *entry.aliases, *entry.context_aliases]:
                if normalize(alias) in _NEVER_IN_TEXT:
                    continue
                if len(alias) <= _CASE_SENSITIVE_MAX and alias.upper() == alias:
                    cs.add(alias)
                else:
                    ci.add(alias)

        def build(aliases: set[str], flags: int) -> re.Pattern[str]:
            alts = sorted(aliases, key=len, reverse=True)
            body = "|".join(_alias_regex(a) for a in alts)
            return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)

        self._text_rx = build(ci, re.I)
        self._text_rx_cs = build(cs, 0)

    def find(self, text: str) -> list[tuple[tuple[int, int], str]]:
        """Dictionary actor names in running text: ((start, end), surface), longest first
        and non-overlapping, in text order. Call ``resolve`` on a surface to get its entity."""
        if self._text_rx is None or self._text_rx_cs is None:
            self._compile()
        assert self._text_rx is not None and self._text_rx_cs is not None
        found: list[tuple[tuple[int, int], str]] = []
        for rx in (self._text_rx, self._text_rx_cs):
            for m in rx.finditer(text):
                s, e = m.span()
                if any(a < e and s < b for (a, b), _ in found):
                    continue
                found.append(((s, e), m.group()))
        found.sort(key=lambda x: x[0][0])
        return found


def ruler_patterns() -> list[dict[str, Any]]:
    """spaCy EntityRuler patterns from the actor dictionary and the weapon vocabulary.

    Armed groups, forces and governments become ORG, persons PERSON, weapon terms WEAPON,
    so the small English model stops tagging "Kataib Hezbollah" as a person. Use with
    ``nlp.add_pipe("entity_ruler", before="ner")``: patterns are exact-case phrases plus
    lower-case token patterns for weapons.
    """
    patterns: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for entry in load_dictionary():
        if entry.kind == "civilians":
            continue
        label = "PERSON" if entry.kind == "person" else "ORG"
        for alias in [entry.name, *entry.aliases]:
            if normalize(alias) in _NEVER_IN_TEXT:
                continue
            n_words = len(alias.split())
            # one-word country names stay GPE; surnames alone stay with the model
            if entry.kind == "government" and n_words == 1:
                continue
            if entry.kind == "person" and n_words == 1 and alias.lower() not in {
                "soleimani", "suleimani", "hemedti", "nasrallah", "khamenei"
            }:
                continue
            for variant in {alias, alias.replace("'", "’")}:
                if (label, variant) not in seen:
                    seen.add((label, variant))
                    patterns.append({"label": label, "pattern": variant,
                                     "id": entity_id(entry.name)})
    for words in _WEAPON_PATTERNS:
        patterns.append({"label": "WEAPON",
                         "pattern": [{"LOWER": w} for w in words.split()]})
    return patterns


_WEAPON_PATTERNS = [
    "katyusha", "katyushas", "katyusha rocket", "katyusha rockets", "107 - mm katyusha rockets",
    "107-mm", "107 mm", "ballistic missile", "ballistic missiles", "cruise missile",
    "cruise missiles", "drone", "drones", "ied", "ieds", "improvised explosive device",
    "improvised explosive devices", "roadside bomb", "roadside bombs", "car bomb",
    "car bombs", "mortar", "mortars", "mortar shells", "rocket launcher", "rocket launchers",
    "barrel bomb", "barrel bombs", "grenade", "grenades", "rpg", "rpgs", "c - ram", "c - rams",
    "patriot missile batteries", "patriot missiles", "ak-47", "kalashnikov", "suicide vest",
]
