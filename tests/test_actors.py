"""Actor canonicalization: spellings from the seeds resolve to one entity per actor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seedfacts import SHARED

from wiredesk.actors import ActorResolver, entity_id, normalize, ruler_patterns


@pytest.fixture()
def seed_texts() -> list[str]:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"seed articles not found at {seeds}")
    return [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]


def test_kataib_spellings_in_the_seeds_are_one_entity(seed_texts: list[str]) -> None:
    resolver = ActorResolver()
    found = set()
    for text in seed_texts:
        for m in re.finditer(r"\b(?:Kataib|Kataeb|Kitaeb|Iraqi) Hezbollah\b", text):
            ent = resolver.resolve(m.group())
            assert ent is not None, m.group()
            found.add(ent.id)
    assert found == {"ent-kataib-hezbollah"}
    (kh,) = [e for e in resolver.entities() if e.id == "ent-kataib-hezbollah"]
    # every spelling met in the run is kept as an alias
    assert {"Kataib Hezbollah", "Kataeb Hezbollah", "Kitaeb Hezbollah",
            "Iraqi Hezbollah"} <= set(kh.aliases)
    assert kh.kind == "armed_group"


def test_soleimani_transliterations_in_the_seeds(seed_texts: list[str]) -> None:
    resolver = ActorResolver()
    names = []
    for text in seed_texts:
        names += re.findall(r"(?:Qassem|Qasem|Qassim) (?:Soleimani|Suleimani)", text)
    assert len(set(names)) >= 3  # the seeds spell him at least three ways
    ids = {resolver.resolve(n).id for n in names}  # type: ignore[union-attr]
    assert ids == {"ent-qassem-soleimani"}


def test_pmf_acronym_and_full_name(seed_texts: list[str]) -> None:
    resolver = ActorResolver()
    text = "\n".join(seed_texts)
    assert "PMF" in text and "Popular Mobilization Forces" in text
    a, b = resolver.resolve("PMF"), resolver.resolve("Popular Mobilization Forces")
    assert a is not None and b is not None and a.id == b.id


def test_surname_after_full_name_in_the_run(seed_texts: list[str]) -> None:
    resolver = ActorResolver()
    text = seed_texts[2]
    full = re.search(r"Defense Secretary Mark Esper", text)
    later = re.search(r"\bEsper told reporters", text)
    assert full and later
    first = resolver.resolve(full.group())
    again = resolver.resolve("Esper")
    assert first is not None and again is not None and first.id == again.id == "ent-mark-esper"
    # a surname outside the dictionary is learned from its full name in the run
    assert resolver.resolve("Alyssa Farah", "PERSON") is not None
    farah = resolver.resolve("Farah")
    assert farah is not None and farah.name == "Alyssa Farah"


def test_forget_starts_the_next_document_afresh(seed_texts: list[str]) -> None:
    # A document's actors must not depend on the documents analysed before it, or a
    # stored analysis would differ with the run (and the Ray worker) that made it.
    resolver = ActorResolver()
    assert any("Alyssa Farah" in t for t in seed_texts)
    farah = resolver.resolve("Alyssa Farah", "PERSON")
    assert farah is not None and resolver.resolve("Farah") is not None
    resolver.forget()
    assert resolver.resolve("Farah") is None and resolver.entities() == []
    # the dictionary itself is untouched
    esper = resolver.resolve("Mark Esper")
    assert esper is not None and esper.id == "ent-mark-esper"


def test_fuzzy_spelling_but_not_across_nationalities() -> None:
    resolver = ActorResolver()
    ent = resolver.resolve("Kataeb Hizbollah")
    assert ent is not None and ent.id == "ent-kataib-hezbollah"
    iran = resolver.resolve("Iranian forces")
    iraq = resolver.resolve("Iraqi forces")
    assert iran is not None and iraq is not None and iran.id != iraq.id
    assert resolver.resolve("Some Unknown Club") is None


def test_find_in_running_text(seed_texts: list[str]) -> None:
    resolver = ActorResolver()
    sentence = next(s for s in re.split(r"(?<=\.)\s+", seed_texts[3]) if "Kataeb" in s)
    names = [surface for _, surface in resolver.find(sentence)]
    assert "Kataeb Hezbollah" in names


def test_user_file_extends_the_dictionary(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[actor]]\nname = "Test Brigade"\nkind = "armed_group"\n'
        'aliases = ["TB-9"]\nsource = "test"\n',
        encoding="utf-8",
    )
    resolver = ActorResolver(extra)
    ent = resolver.resolve("TB-9")
    assert ent is not None and ent.name == "Test Brigade" and ent.id == entity_id("Test Brigade")


def test_ids_are_stable_and_normalization() -> None:
    assert entity_id("Kataib Hezbollah") == "ent-kataib-hezbollah"
    assert normalize("the U.S.") == "us"
    assert normalize("Kata’ib Hezbollah") == normalize("Kataib Hezbollah")


def test_ruler_patterns_label_armed_groups_and_weapons() -> None:
    pats = ruler_patterns()
    assert {"label": "ORG", "pattern": "Kataib Hezbollah",
            "id": "ent-kataib-hezbollah"} in pats
    assert any(p["label"] == "WEAPON" for p in pats)
    # common words never become patterns (the pipeline matches them case-insensitively)
    assert not any(isinstance(p["pattern"], str) and p["pattern"].lower() in {"is", "us"}
                   for p in pats)


def test_forces_of_a_government(seed_texts: list[str]) -> None:
    """A state named with its troops ("a base housing United States and other coalition
    troops") stands for its forces: the government's country gives them."""
    resolver = ActorResolver()
    text = next(t for t in seed_texts if re.search(r"United States and other coalition", t))
    surface = next(s for _, s in resolver.find(text) if s == "United States")
    gov = resolver.resolve(surface)
    assert gov is not None and gov.kind == "government"
    forces = resolver.forces_of(gov)
    assert forces is not None and forces.name == "Military Forces of the United States"
    # no alias the text did not write
    assert forces.aliases == []
    armed = resolver.resolve("Kataib Hezbollah")
    assert armed is not None and resolver.forces_of(armed) is None
