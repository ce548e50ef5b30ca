"""Weapons named in a sentence, normalized to a small vocabulary with the raw words kept."""

from __future__ import annotations

import re

from wiredesk.models import Weapon

# (pattern, normalized name). Order matters: the first, more specific pattern that
# matches a span wins, and overlapping later matches are dropped.
_LEXICON: list[tuple[str, str]] = [
    (r"\b1(?:07|22)[\s-]?mm\b[\w\s-]{0,12}?\bkatyushas?(?:\s+rockets?)?|"
     r"\b1(?:07|22)[\s-]?mm\s+rockets?", "107-mm Katyusha rocket"),
    (r"\bkatyushas?(?:\s+rockets?)?", "Katyusha rocket"),
    (r"\b(?:truck|vehicle)[\s-]mounted\s+(?:rocket\s+)?launchers?|"
     r"\b(?:rocket[\s-]rigged|makeshift|improvised)\s+(?:truck\s+)?launchers?|"
     r"\btruck\s+launchers?|\b\d+[\s-]tube\s+(?:rocket\s+)?launchers?|"
     r"\bquad\s+launchers?|\brocket\s+launchers?", "rocket launcher"),
    (r"\bballistic\s+missiles?", "ballistic missile"),
    (r"\bcruise\s+missiles?", "cruise missile"),
    (r"\b(?:anti-tank|guided|surface-to-air|air-to-ground|hellfire)\s+missiles?",
     "guided missile"),
    (r"\bpatriot\s+(?:missile\s+)?(?:batteries|battery|missiles?|systems?)|\bc-rams?\b|"
     r"\bair[\s-]defen[cs]e(?:s|\s+systems?)?", "air defence system"),
    (r"\b(?:armed\s+|attack\s+|kamikaze\s+|suicide\s+|explosive[\s-]laden\s+)?drones?\b|"
     r"\bunmanned\s+aerial\s+vehicles?|\buavs?\b", "drone"),
    (r"\b(?:war\s?planes?|fighter\s+jets?|jets?|aircraft|helicopters?|gunships?|"
     r"air\s?strikes?|air\s+raids?)\b", "aircraft"),
    (r"\bbarrel\s+bombs?", "barrel bomb"),
    (r"\b(?:improvised\s+explosive\s+devices?|ieds?|roadside\s+bombs?|landmines?|"
     r"land\s+mines?|car\s+bombs?|vbieds?|booby[\s-]traps?|explosive\s+devices?|"
     r"sticky\s+bombs?|mines)\b", "IED"),
    (r"\bsuicide\s+(?:vests?|belts?|bomb(?:er|ing)?s?)", "suicide explosive"),
    (r"\b(?:hand\s+)?grenades?|\brpgs?\b|rocket[\s-]propelled\s+grenades?", "grenade"),
    (r"\bmortars?(?:\s+(?:shells?|rounds?|bombs?))?", "mortar"),
    (r"\b(?:artillery|shelling|howitzers?|tank\s+shells?|shells)\b", "artillery"),
    (r"\bmissiles?\b", "missile"),
    (r"\brockets?\b", "rocket"),
    (r"\b(?:chemical\s+weapons?|sarin|chlorine(?:\s+gas)?|mustard\s+gas|nerve\s+agents?|"
     r"toxic\s+gas|poison\s+gas)", "chemical weapon"),
    (r"\b(?:assault\s+rifles?|rifles?|ak-47s?|kalashnikovs?|machine\s+guns?|handguns?|"
     r"pistols?|shotguns?|guns?|firearms?|gunfire|gunshots?|small[\s-]arms(?:\s+fire)?)\b",
     "small arms"),
    (r"\b(?:knives|knife|machetes?|stabbed|stabbing)\b", "blade"),
    (r"\b(?:bombs?|explosives?|blasts?)\b", "explosive"),
]
_COMPILED = [(re.compile(p, re.I), name) for p, name in _LEXICON]


def find_weapons(text: str) -> list[tuple[tuple[int, int], Weapon]]:
    """Weapons in text: ((start, end), Weapon(name=normalized, raw=exact words))."""
    taken: list[tuple[int, int]] = []
    out: list[tuple[tuple[int, int], Weapon]] = []
    for rx, name in _COMPILED:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            taken.append((s, e))
            out.append(((s, e), Weapon(name=name, raw=m.group().strip())))
    out.sort(key=lambda x: x[0][0])
    return out


def weapon_names(text: str) -> list[str]:
    """The normalized weapon names in text, each once, in order of appearance."""
    seen: list[str] = []
    for _, w in find_weapons(text):
        if w.name not in seen:
            seen.append(w.name)
    return seen
