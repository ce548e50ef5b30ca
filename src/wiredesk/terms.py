"""The store's index of document terms: each document's few heaviest distinctive terms,
so that the stored documents most like a new one are found across the whole store's
time with a bounded query, not by comparing a window of texts that grows with it.

A term's weight is its TF-IDF in the document (the stems and weighing of
``merge.TfIdf`` over ``merge._profile``), the IDF taken from document frequencies the
store keeps incrementally (``Store.index_terms``): every document counts once, when it
is first indexed, so the frequencies need no pass over the whole store. A document's
weights are those of the store as it was when it was indexed; they only choose which
terms stand for it, the cosine of candidates being computed afresh on their texts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from wiredesk import merge

# Terms kept per document in the index.
TOP_TERMS = 30
# Terms of a new document looked up (its heaviest ones with few enough documents).
QUERY_TERMS = 20
# A term in more documents than this tells too little to look up; it also bounds the
# index rows one looked-up term can bring, whatever the store's size.
MAX_DF = 400
# Longest term kept (the column's width).
MAX_LEN = 64


def bag(text: str) -> Counter[str]:
    """The stems of a document's text as document similarity counts them."""
    return Counter(w for w in merge.tokens(merge._profile(text)) if len(w) <= MAX_LEN)


def weigh(counts: Mapping[str, int], df: Mapping[str, int], n: int) -> dict[str, float]:
    """TF-IDF weights of a document's terms (L2-normalised), with ``n`` documents of
    which ``df[term]`` hold the term (at least 1: the document itself)."""
    vec = {w: (1.0 + math.log(c)) * (math.log((1 + n) / (1 + max(df.get(w, 1), 1))) + 1.0)
           for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def top(vec: Mapping[str, float], k: int, df: Mapping[str, int] | None = None,
        max_df: int | None = None) -> list[tuple[str, float]]:
    """The ``k`` heaviest terms (ties by term), only those in at most ``max_df``
    documents when given."""
    items = [(w, v) for w, v in vec.items()
             if max_df is None or df is None or df.get(w, 1) <= max_df]
    items.sort(key=lambda x: (-x[1], x[0]))
    return items[:k]
