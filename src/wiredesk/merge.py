"""Merge event mentions across documents into events, and assemble ``Event`` records.

One method serves every input: a pair score built from whatever evidence two mentions
share (trigger, wording, document similarity, type, date, place, actors, figures), and
average-link agglomeration under hard constraints (date intervals must intersect, places
must be near, types must be of one family). Blocking by day and by document group keeps
the number of scored pairs close to linear in the number of mentions.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import itertools
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Generic, TypeVar

from rapidfuzz.distance import Levenshtein

from wiredesk.models import (
    ActorRef,
    DateOut,
    Document,
    Event,
    EventMention,
    FigureOut,
    LocationOut,
    MentionOut,
    Precision,
)
from wiredesk.reconcile import reconcile, reconcile_categories

_T = TypeVar("_T")

# --- text features -------------------------------------------------------------

_STOP_WORDS = (
    """a an the and or but if of in on at to for from by with without into onto over under
    about after before during since until than then there here this that these those it its
    is are was were be been being has have had do does did will would shall should can could
    may might must not no nor so such as also just only very more most less least other
    another some any all each every both either neither few many much own same too he she
    they them their his her him we us our you your i me my who whom whose which what when
    where why how said says say told tell according while said year years day days week
    weeks month months one two three four five six seven eight nine ten mr mrs ms s t re ve ll
    new last first like up out off down via per least including include includes"""
)
_STOP = frozenset(_STOP_WORDS.split())

# Irregular forms a suffix stripper cannot reach; enough for news triggers.
_IRREGULAR = {
    "shot": "shoot", "struck": "strike", "stricken": "strike", "died": "die", "dying": "die",
    "dead": "die", "death": "die", "deaths": "die", "fought": "fight", "fled": "flee",
    "held": "hold", "caught": "catch", "won": "win", "lost": "lose", "began": "begin",
    "begun": "begin", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "told": "tell", "said": "say", "says": "say", "sent": "send", "left": "leave",
    "met": "meet", "sold": "sell", "bought": "buy", "built": "build", "stole": "steal",
    "stolen": "steal", "sank": "sink", "sunk": "sink", "sought": "seek", "brought": "bring",
    "threw": "throw", "thrown": "throw", "broke": "break", "broken": "break", "shook": "shake",
    "shaken": "shake", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "ran": "run", "wounded": "wound", "bombing": "bomb", "killings": "kill", "killing": "kill",
    "fired": "fire", "firing": "fire", "hit": "hit", "hits": "hit", "hitting": "hit",
    "led": "lead", "spoke": "speak", "spoken": "speak", "went": "go", "gone": "go",
    "came": "come", "saw": "see", "seen": "see", "found": "find", "chose": "choose",
    "chosen": "choose", "wrote": "write", "written": "write", "knew": "know", "known": "know",
    "grew": "grow", "drew": "draw", "drove": "drive", "driven": "drive", "ate": "eat",
    "blew": "blow", "blown": "blow", "flew": "fly", "flown": "fly", "froze": "freeze",
    "hung": "hang", "laid": "lay", "paid": "pay", "slain": "slay", "slew": "slay",
    "stabbed": "stab", "swore": "swear", "sworn": "swear", "woke": "wake", "wore": "wear",
    "quit": "quit", "set": "set", "put": "put", "cut": "cut", "beat": "beat",
    "beaten": "beat", "arrests": "arrest", "injuries": "injure", "injury": "injure",
    "injured": "injure", "injuring": "injure", "going": "go", "goes": "go",
    "made": "make", "making": "make", "kept": "keep", "felt": "feel", "heard": "hear",
    "stood": "stand", "withdrew": "withdraw", "withdrawn": "withdraw", "overtook": "overtake",
    "got": "get", "gotten": "get", "lit": "light", "sat": "sit", "meant": "mean",
}

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """A light, deterministic English stem: irregular forms first, then suffix rules."""
    w = word.lower().strip("'-")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    for suf, rep in (("ies", "y"), ("ied", "y"), ("sses", "ss")):
        # "tried", "cries": a two-letter root is a word ("dies", "ties" have one letter)
        if w.endswith(suf) and len(w) > len(suf) + 1:
            return w[: -len(suf)] + rep
    for suf in ("ings", "ing", "edly", "ed", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            base = w[: -len(suf)]
            if suf == "s" and base.endswith(("s", "u", "i")):
                return w
            if suf == "es" and not base.endswith(("sh", "ch", "x", "z", "ss")):
                base = w[:-1]
            # undouble a final consonant: "hitting" -> "hit", "planned" -> "plan" (not
            # before a plural "s": "playoffs" -> "playoff")
            if (suf not in ("s", "es") and len(base) >= 3 and base[-1] == base[-2]
                    and base[-1] not in "lszf"):
                base = base[:-1]
            return base
    return w


@lru_cache(maxsize=262144)
def _content_stem(word: str) -> str | None:
    """The stem of a word as written, None for a stop word or a single letter."""
    w = word.lower()
    return None if w in _STOP or len(w) < 2 else stem(w)


def tokens(text: str) -> list[str]:
    """Content-word stems of a text (stop words and one-letter words dropped)."""
    # One cached call per word as written: merges tokenize every document in scope,
    # and the filter and stem per word were a tenth of a merge.
    return [s for s in map(_content_stem, _WORD.findall(text)) if s is not None]


# Particles of phrasal verbs ("checked into", "passed away", "shot down") and pronouns
# standing for an act ("it happened"): never the head of a trigger when a word is left.
_PARTICLES = frozenset(
    [
        "in", "into", "on", "out", "away", "down", "up", "off", "to", "over", "back",
        "through", "onto", "at", "of", "for", "with", "from", "by", "about",
    ]
)
_PRONOUNS = frozenset(["it", "this", "that", "which", "what", "these", "those", "one", "so"])
# Reflexives name the actor, not the act ("checked herself in").
_REFLEXIVE = frozenset(
    ["herself", "himself", "themselves", "itself", "myself", "yourself", "ourselves"]
)

# Nominal suffixes (after ``stem``, final "e" dropped) and what the verb stem ends with
# instead: "resignation" -> "resign", "explosion" -> "explod", "departure" -> "depart".
# The shortest root kept is 4 letters ("hostage" stays, it is not "host").
_NOMINAL = (
    ("isition", "ir", 4), ("ation", "", 4), ("ition", "", 4), ("sion", "d", 4),
    ("ion", "", 4), ("ment", "", 4), ("anc", "", 4), ("ur", "", 4),
    ("ag", "", 5), ("al", "", 4),
)


def _verb_root(key: str) -> str:
    """The verb stem under a nominalization, so that an act named by a noun meets the
    same act named by its verb ("decision"/"decided", "stoppage"/"stopped")."""
    for suf, rep, least in _NOMINAL:
        if key.endswith(suf) and len(key) - len(suf) >= least:
            root = key[: -len(suf)] + rep
            if suf == "sion" and root.endswith("sd"):
                root = root[:-2] + "ss"  # "discussion" -> "discuss"
            if len(root) >= 5 and root[-1] == root[-2] and root[-1] not in "lszf":
                root = root[:-1]  # "stoppage" -> "stop"
            return root
    if key.endswith("at") and len(key) >= 6:
        return key[:-2]  # "negotiate", "violate": the "-ation" noun loses "at" too
    return key


@lru_cache(maxsize=65536)
def trigger_key(trigger: str) -> str:
    """The comparable form of a trigger: the stem of its head word. The head of a phrasal
    verb is the verb ("checked into" -> "check"), of a noun phrase its last word ("rocket
    attack" -> "attack"). A final "e" is dropped so that "escaped" and "escape" meet."""
    words = [w.lower() for w in _WORD.findall(trigger) if w.lower() not in _REFLEXIVE]
    content = [w for w in words if w not in _PARTICLES and w not in _PRONOUNS]
    if not content:
        head = words[-1] if words else trigger.strip().lower()
    elif words[-1] in _PARTICLES:
        head = content[0]
        # Any particle of the run may make the phrasal verb ("checking in to").
        after = words[words.index(head) + 1:]
        head = next((_PHRASAL[f"{stem(head)} {p}"] for p in after
                     if f"{stem(head)} {p}" in _PHRASAL), head)
    else:
        head = content[-1]
    key = stem(head)
    key = key[:-1] if len(key) > 3 and key.endswith("e") else key
    key = _verb_root(key)
    return key[:-1] if len(key) > 3 and key.endswith("e") else key


# Phrasal verbs that mean one plain verb.
_PHRASAL = {
    "pass away": "die", "step down": "resign", "check into": "checkin", "check in": "checkin",
    "break out": "escape", "gun down": "shoot", "blow up": "explode", "take over": "takeover",
    "lock up": "jail", "put out": "extinguish",
}


# Words that name one kind of act in news reports, one class a line, so that "killed" and
# "died", "quake" and "earthquake" can tell the same event. A word may sit in two classes
# ("fire": shooting, a blaze, a dismissal); two triggers are related when they share one.
_SYNONYMS = """
kill die murder slay slaughter assassinate execute
injure wound hurt
earthquake quake tremor temblor
shoot fire gunfire gun
fire blaze burn flame
arrest capture detain nab apprehend catch custody
foil thwart prevent
damage destroy wreck devastate
escape flee breakout
attack assault raid strike
bomb blast explosion explode detonate
fight clash battle
protest demonstrate demonstration rally march
rehab treatment
enter admit checkin
acquire acquisition buy purchase takeover
appoint nominate hire
dismiss sack oust fire
resign quit
sentence jail imprison convict
kidnap abduct
crash collide collision
sink capsize
die perish succumb
leave exit depart
announce unveil reveal disclose
win victory triumph
defeat beat
meet meeting summit talks
negotiate talks
charge indict accuse
release free
rescue save
hijack commandeer
steal rob theft burglary loot
storm hurricane cyclone typhoon
flood deluge inundate
launch introduce unveil debut
merge merger
riot unrest
election vote ballot
transfer transport relocate
burn arson torch
destroy level raze flatten
quake jolt shake
begin start commence
end finish conclude
stop halt
attempt try bid
cut reduce slash
weaken reduce
threaten warn
investigate probe inquiry
confiscate seize
deploy dispatch
"""


def _synonym_classes() -> dict[str, frozenset[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for k, line in enumerate(_SYNONYMS.strip().splitlines()):
        for w in line.split():
            out[trigger_key(w)].add(k)
    return {w: frozenset(c) for w, c in out.items()}


_CLASSES = _synonym_classes()
# Reporting verbs: two "said" in one story are seldom one act of saying. The list is
# the general verbs of speech, not the ones a corpus happens to use ("alleged" and
# "claimed" tell a statement as "said" does).
_REPORTING = frozenset(
    trigger_key(w) for w in ["say", "tell", "report", "announce", "confirm", "state",
                             "statement", "according", "add", "claim", "allege", "note",
                             "explain", "insist", "comment", "speak", "describe",
                             "respond", "reply"]
)


def trigger_classes(trigger: str, quote: str = "") -> frozenset[int]:
    """The synonym classes of a trigger's head (empty for words in no class). With the
    sentence (``quote``) around it, "fire" keeps only the sense the words next to it
    tell: dismissed ("was fired from"), shooting ("opened fire", "fired at") or a blaze
    ("a fire")."""
    cls = _CLASSES.get(trigger_key(trigger), frozenset())
    if not quote or trigger_key(trigger) != _FIRE:
        return cls
    t = quote.lower().find(trigger.lower())
    if t < 0:
        return cls
    before, after = quote[max(0, t - 30):t], quote[t + len(trigger):t + len(trigger) + 30]
    words = trigger.lower().split()
    before = " ".join([before, *words[:-1]])  # "opened" of "opened fire" comes before it
    noun = words[-1] in ("fire", "fires")  # "a fire at the store" is a blaze
    if (_SHOT_BEFORE.search(before) or (not noun and _SHOT_AFTER.match(after))
            or "fire" in words[:-1]):
        return cls & _FIRE_SENSE["shoot"]
    if _DISMISSED_BEFORE.search(before) or _DISMISSED_AFTER.match(after):
        return cls & _FIRE_SENSE["dismiss"]
    if noun:
        return cls & _FIRE_SENSE["blaze"]  # the noun, with no shot near it
    return cls


_FIRE = trigger_key("fire")
_FIRE_SENSE = {w: _CLASSES[trigger_key(w)] & _CLASSES[_FIRE]
               for w in ("dismiss", "shoot", "blaze")}
_DISMISSED_BEFORE = re.compile(
    r"\b(?:was|were|been|being|be|is|are|get|got|gets|getting|recently|just|newly)[\s-]*$",
    re.IGNORECASE)
_DISMISSED_AFTER = re.compile(r"\s*(?:from|by)\b", re.IGNORECASE)
_SHOT_BEFORE = re.compile(
    r"\b(?:open|opened|opening|opens|return|returned|returning|under|cease|heavy|cross|"
    r"sniper|gun|machine-gun|rocket)\s*-?\s*$", re.IGNORECASE)
_SHOT_AFTER = re.compile(
    r"\s*(?:at|on|upon|into|toward|towards|shots?|rounds?|bullets?|weapons?|guns?|rockets?|"
    r"missiles?|shells?|mortars?|tear gas|warning|several|two|three|multiple)\b",
    re.IGNORECASE)


class TfIdf:
    """IDF-weighted, L2-normalized bags of stems, fitted on the texts at hand.

    The weights are held as flat arrays (a term id and a weight per entry, row by row)
    rather than a bag and a dict per text (3,000 stream articles: 10 MB against 34 MB):
    a scoped merge's neighbour search, clustering and story grouping fit models of
    thousands of whole documents and need only the sparse products (``cos_arrays``) and
    the heaviest terms (``candidate_arrays``). ``vecs`` (one dict per text) is built when
    first asked for, by the callers that compare short texts pair by pair (``cos``)."""

    def __init__(self, texts: Sequence[str]) -> None:
        import numpy as np

        vocab: dict[str, int] = {}
        cols: array[int] = array("q")
        counts: array[int] = array("q")
        bounds = [0]
        for t in texts:
            for w, c in Counter(tokens(t)).items():  # in order of first appearance
                cols.append(vocab.setdefault(w, len(vocab)))
                counts.append(c)
            bounds.append(len(cols))
        self._words = list(vocab)
        self._cols = np.frombuffer(cols, dtype=np.int64) if cols else np.zeros(0, np.int64)
        self._bounds = bounds
        df = np.bincount(self._cols, minlength=len(vocab)).tolist()
        n = max(len(texts), 1)
        idf = [math.log((1 + n) / (1 + c)) + 1.0 for c in df]
        self._df = df
        self._idf = idf
        # Weighed and normalized row by row in Python floats, in the order of the terms
        # of each text, so that every weight is the one a dict per text gave.
        vals: array[float] = array("d")
        for r in range(len(texts)):
            lo, hi = bounds[r], bounds[r + 1]
            row = [(1.0 + math.log(c)) * idf[k]
                   for k, c in zip(cols[lo:hi], counts[lo:hi], strict=True)]
            norm = math.sqrt(sum(v * v for v in row)) or 1.0
            vals.extend([v / norm for v in row])
        self._vals = np.frombuffer(vals, dtype=np.float64) if vals else np.zeros(0)
        self._matrix: Any = None  # scipy CSR of the weights, built by the first product

    def __len__(self) -> int:
        return len(self._bounds) - 1

    @functools.cached_property
    def idf(self) -> dict[str, float]:
        """Inverse document frequency of each term."""
        return dict(zip(self._words, self._idf, strict=True))

    @functools.cached_property
    def vecs(self) -> list[dict[str, float]]:
        """Each text's weights by term (in the order of its terms)."""
        words, cols, vals = self._words, self._cols.tolist(), self._vals.tolist()
        b = self._bounds
        return [{words[c]: v for c, v in zip(cols[b[r]:b[r + 1]], vals[b[r]:b[r + 1]],
                                             strict=True)}
                for r in range(len(b) - 1)]

    def cos(self, i: int, j: int) -> float:
        """Cosine similarity of texts i and j."""
        a, b = self.vecs[i], self.vecs[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(w, 0.0) for w, v in a.items())

    def _csr(self) -> Any:
        """The scipy CSR matrix of the weights (built once; column indices sorted, as
        the products sum them in that order)."""
        import numpy as np
        from scipy import sparse

        if self._matrix is None:
            # copies: sorting the matrix's indices must not reorder a text's terms
            m = sparse.csr_matrix(
                (self._vals.copy(), self._cols.copy(),
                 np.asarray(self._bounds, dtype=np.int64)),
                shape=(len(self), max(len(self._words), 1)))
            m.sort_indices()
            self._matrix = m
        return self._matrix

    def cos_pairs(self, pairs: Sequence[tuple[int, int]],
                  chunk: int | None = None) -> list[float]:
        """``cos`` of many pairs at once, as sparse row products (scipy): documents are
        long, and pair by pair in Python this was most of a large store's merge time."""
        import numpy as np

        if not pairs:
            return []
        both = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self.cos_arrays(both[:, 0], both[:, 1], chunk).tolist()

    def cos_arrays(self, left: Any, right: Any, chunk: int | None = None) -> Any:
        """``cos_pairs`` of the pairs ``(left[k], right[k])`` given as integer arrays, as
        a float array: a store's neighbour search holds millions of pairs, which as
        Python tuples in dicts cost ~20 times the memory. Pairs go ``chunk`` at a time;
        by default as many as keep the rows gathered for one product near a million
        entries, so memory does not grow with the pairs."""
        import numpy as np

        x = self._csr()
        out = np.empty(len(left), dtype=np.float64)
        if chunk is None:
            per_row = max(1.0, x.nnz / max(x.shape[0], 1))
            chunk = max(256, int(1_000_000 / per_row))
        for k in range(0, len(left), chunk):
            prod = x[left[k:k + chunk]].multiply(x[right[k:k + chunk]]).sum(axis=1)
            out[k:k + chunk] = np.asarray(prod).ravel()
        return out

    def candidate_pairs(self, max_df: int, top: int = 25) -> set[tuple[int, int]]:
        """Pairs of texts sharing one of their ``top`` heaviest terms with df <= max_df."""
        return set(self.sorted_candidates(max_df, top))

    def sorted_candidates(self, max_df: int, top: int = 25) -> list[tuple[int, int]]:
        """``candidate_pairs`` in sorted order."""
        left, right = self.candidate_arrays(max_df, top)
        return list(zip(left.tolist(), right.tolist(), strict=True))

    def candidate_arrays(self, max_df: int, top: int = 25) -> tuple[Any, Any]:
        """``candidate_pairs`` as two sorted integer arrays (lower index first). Near-copies
        share most of their heaviest terms, so each pair comes up many times: the pairs
        are listed and deduplicated as integer codes (numpy), not one Python tuple at a
        time. A text's heaviest terms are taken in order of weight, ties in the order of
        its terms."""
        import numpy as np

        n = len(self)
        df = np.asarray(self._df, dtype=np.int64)
        bounds = np.asarray(self._bounds, dtype=np.int64)
        # Texts a block at a time: sorting every entry of thousands of long documents at
        # once (several arrays of millions) was a large merge's peak of memory, and only
        # ``top`` entries a text are kept.
        step = max(1, _ENTRIES_AT_ONCE * n // max(len(self._cols), 1))
        got_rows, got_terms = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            pos = np.arange(bounds[lo], bounds[hi], dtype=np.int64)
            rows = np.repeat(np.arange(lo, hi, dtype=np.int64), np.diff(bounds[lo : hi + 1]))
            ok = df[self._cols[pos]] <= max_df
            rows, pos = rows[ok], pos[ok]
            order = np.lexsort((pos, -self._vals[pos], rows))
            rows, pos = rows[order], pos[order]
            # rank of each entry within its text: keep the ``top`` heaviest
            start = np.searchsorted(rows, rows, side="left")
            keep = (np.arange(len(rows)) - start) < top
            got_rows.append(rows[keep])
            got_terms.append(self._cols[pos[keep]])
        rows, terms = np.concatenate(got_rows), np.concatenate(got_terms)
        by_term = np.lexsort((rows, terms))
        rows, terms = rows[by_term], terms[by_term]
        # Each entry pairs with the later texts sharing its term (rows ascend within a
        # term, so each pair comes out once per shared term, lower index first).
        at = np.arange(len(rows), dtype=np.int64)
        partners = np.searchsorted(terms, terms, side="right") - at - 1
        # The pairs of a block of texts (by lower index) at a time, deduplicated within
        # the block: no pair comes from two blocks, and the blocks ascend, so the
        # result is sorted. Near-copies share most of their heaviest terms and list
        # each pair dozens of times: all of them at once, with the copies sorting them
        # makes, were a large merge's peak of memory.
        entries = np.argsort(rows, kind="stable")
        row_at = np.searchsorted(rows[entries], np.arange(n + 1))
        per_row = np.bincount(rows, weights=partners, minlength=n).astype(np.int64).tolist()
        cuts, held = [0], 0
        for i, c in enumerate(per_row):
            if held and held + c > _PAIRS_AT_ONCE:
                cuts.append(i)
                held = 0
            held += c
        cuts.append(n)
        out = [np.zeros(0, dtype=np.int64)]
        for lo, hi in itertools.pairwise(cuts):
            e = entries[row_at[lo]:row_at[hi]]
            c = partners[e]
            total = int(c.sum())
            if not total:
                continue
            # partner k of entry e sits at e + 1 + k, in term order
            offsets = np.cumsum(c) - c
            idx = np.repeat(e + 1 - offsets, c) + np.arange(total, dtype=np.int64)
            out.append(unique_ints(np.repeat(rows[e], c) * n + rows[idx]))
        uniq = np.concatenate(out)
        return uniq // n, uniq % n


def unique_ints(a: Any) -> Any:
    """The distinct values of an integer array, ascending (``np.unique``), by sorting:
    numpy 2.4's ``np.unique`` hashes, and was about ten times slower than a sort on the
    millions of pair codes a merge into a large store deduplicates (a tenth of it)."""
    import numpy as np

    if a.size == 0:
        return a
    s = np.sort(a)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


# Candidate pairs ``TfIdf.candidate_arrays`` lists before deduplicating them.
_PAIRS_AT_ONCE = 2_000_000

# Term entries ``TfIdf.candidate_arrays`` ranks at once (texts a block at a time).
_ENTRIES_AT_ONCE = 250_000

# --- agglomeration -------------------------------------------------------------


# Stale heap entries ``agglomerate`` lets pile up before it sweeps them out.
_SWEEP_MIN = 4096


def best_similarity(n: int, left: Any, right: Any, sims: Any, floor: float) -> Any:
    """Each of items 0..n-1's best similarity (at least ``floor``) over the pairs
    ``(left[k], right[k])`` scored ``sims[k]`` (numpy arrays): the denominator of a
    relative similarity, a pair's over the geometric mean of its two items' best."""
    import numpy as np

    best = np.full(n, floor)
    np.maximum.at(best, left, sims)
    np.maximum.at(best, right, sims)
    return best


def _drain(scores: dict[tuple[int, int], float]) -> Iterator[tuple[tuple[int, int], float]]:
    """The items of ``scores``, each removed as it is handed out."""
    while scores:
        yield scores.popitem()


def agglomerate(
    n: int,
    scores: dict[tuple[int, int], float] | Iterable[tuple[tuple[int, int], float]],
    threshold: float,
    can_merge: Callable[[list[int], list[int]], bool] | None = None,
    bonus: Callable[[list[int], list[int]], float] | None = None,
    *,
    consume: bool = False,
) -> list[list[int]]:
    """Average-link clustering of items 0..n-1 from sparse pair scores.

    Pairs without a score count as 0 in the average, so sparse evidence must be positive
    enough to outweigh silence. Two clusters merge while their average score exceeds
    ``threshold`` and ``can_merge`` allows it; ``bonus`` (optional) adds cluster-level
    evidence to the average of two clusters of more than one item. Cost O(P log P) for P
    scored pairs. With ``consume``, ``scores`` is emptied as its pairs become links, so
    that a dense block's millions of pairs are not held twice; ``scores`` may also be an
    iterable of ``((i, j), score)`` items, read once (a pair given twice adds up).
    """
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = defaultdict(dict)
    if not isinstance(scores, dict):
        pairs: Iterator[tuple[tuple[int, int], float]] = iter(scores)
    elif consume:
        pairs = _drain(scores)
    else:
        pairs = iter(scores.items())
    for (i, j), s in pairs:
        if i == j:
            continue
        links[i][j] = links[i].get(j, 0.0) + s
        links[j][i] = links[j].get(i, 0.0) + s
    heap: list[tuple[float, int, int]] = []
    for i, nb in links.items():
        for j, s in nb.items():
            if i < j and s > threshold:
                heap.append((-s, i, j))
    heapq.heapify(heap)
    next_id = n
    # Entries pushed per cluster, and about how many went stale with their clusters: in
    # a dense block most entries die before they come up, and popping them one by one
    # cost more than sweeping them out of the heap now and then.
    pushed: dict[int, int] = defaultdict(int)
    for _, i, j in heap:
        pushed[i] += 1
        pushed[j] += 1
    stale = 0
    # A link between two live clusters never changes (only merging creates new
    # clusters), so an entry is stale exactly when one of its clusters is gone.
    while heap:
        if stale > _SWEEP_MIN and 2 * stale > len(heap):
            # Every entry has its own key (-average, ids), so the order they come up in
            # is the same with the stale ones gone.
            heap = [e for e in heap if e[1] in members and e[2] in members]
            heapq.heapify(heap)
            stale = 0
            if not heap:
                break
        _, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        if can_merge is not None and not can_merge(members[a], members[b]):
            continue
        c = next_id
        next_id += 1
        members[c] = members.pop(a) + members.pop(b)
        stale += pushed.pop(a, 0) + pushed.pop(b, 0)
        # c's links: a's (its dict taken over), then b's added in; the same sums, in
        # the same order, as summing both into a new dict.
        merged = links.pop(a, None) or {}
        merged.pop(b, None)
        for k, s in links.pop(b, {}).items():
            if k != a:
                merged[k] = merged.get(k, 0.0) + s
        links[c] = merged
        nc = len(members[c])
        for k, s in merged.items():
            lk = links[k]
            lk.pop(a, None)
            lk.pop(b, None)
            lk[c] = s
            avg = s / (nc * len(members[k]))
            if bonus is not None:
                avg += bonus(members[c], members[k])
            if avg > threshold:
                heapq.heappush(heap, (-avg, k, c))
                pushed[k] += 1
                pushed[c] += 1
    return [sorted(m) for m in members.values()]


# --- mention features ------------------------------------------------------------

_FAMILY = {
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Protests": "demonstration",
    "Riots": "demonstration",
    "Strategic developments": "strategic",
}

def family_of(sub_event_type: str | None) -> str | None:
    """The family (violence, demonstration, strategic) of an ACLED sub-event type: events
    of two families are never one (None when untyped or not an ACLED sub-event type)."""
    from wiredesk.events.taxonomy import SUB_EVENT_TYPES

    etype = SUB_EVENT_TYPES.get(sub_event_type or "")
    return _FAMILY.get(etype) if etype else None


# Longest interval (days) still used as a date block; wider ones ("in 2019") are
# compared through their document group instead.
_MAX_BLOCK_DAYS = 62
_NEAR_KM = 100.0


@dataclass
class _Feat:
    doc: str
    start: int
    end: int
    trig: str
    trig_raw: str
    etype: str
    sub: str
    family: str | None
    lo: int | None
    hi: int | None
    cc: str | None
    lat: float | None
    lon: float | None
    precise: bool
    actors: frozenset[str]
    perps: frozenset[str]
    figs: dict[str, frozenset[int]] = field(default_factory=dict)
    arms: frozenset[str] = frozenset()
    cls: frozenset[int] = frozenset()
    force: str | None = None
    pub: int | None = None  # the document's publication day (ordinal), when known
    lead: bool = False  # in the headline or first sentence: the report's own news
    slack: int = 0  # days after publication its event can fall (``_PUB_SLACK``)


# Weapon names by kind of weapon: a launcher fires rockets, a warplane and a drone both
# strike from the air. Names not listed count by their last word ("missile").
_ARMS_CLASS = {
    "rocket": "rocket", "katyusha": "rocket", "launcher": "rocket", "mortar": "shell",
    "shell": "shell", "artillery": "shell", "howitzer": "shell",
    "aircraft": "air", "drone": "air", "warplane": "air", "jet": "air", "helicopter": "air",
    "airstrike": "air", "bomb": "air",
}


def weapon_class(name: str) -> str:
    """The kind of a normalized weapon name: "107-mm Katyusha rocket" -> "rocket"."""
    words = re.findall(r"[a-z]+", name.lower())
    for w in reversed(words):
        w = w[:-1] if w.endswith("s") and len(w) > 3 else w
        if w in _ARMS_CLASS:
            return _ARMS_CLASS[w]
    return words[-1] if words else name.lower()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_STATE = re.compile(
    r"^(?:ent-)?(?:government|military-forces|police-forces|armed-forces|navy|air-force)"
    r"-of-(?:the-)?(.+)$"
)


def side(entity_id: str) -> str:
    """The party an actor acts for: ACLED's "Government of X" and "Military Forces of X"
    are both the state X; any other actor is its own party."""
    m = _STATE.match(entity_id)
    return f"state:{m.group(1)}" if m else entity_id


def _phrasal_trigger(m: EventMention) -> str:
    """The trigger with the particle that follows it in the quote when the two make a
    phrasal verb of one meaning ("passed" then "away"): annotations often leave it out."""
    t = m.quote.lower().find(m.trigger.lower()) if m.trigger else -1
    if t < 0:
        return m.trigger
    nxt = _WORD.match(m.quote[t + len(m.trigger):].lstrip())
    if nxt is None or nxt.group(0).lower() not in _PARTICLES:
        return m.trigger
    # A reflexive between verb and particle is no word of the act ("checked herself" into).
    words = [w for w in _WORD.findall(m.trigger) if w.lower() not in _REFLEXIVE]
    if len(words) != 1 or f"{stem(words[0])} {nxt.group(0).lower()}" not in _PHRASAL:
        return m.trigger
    return f"{m.trigger} {nxt.group(0)}"


# What a strategic development moves (a deployment, a build-up, a withdrawal), most
# specific first: "air defense equipment and personnel" moves air defences (with their
# crews), "thousands more troops" moves troops. Two developments that move different
# kinds of force are two decisions, however alike their reports.
_FORCES = (
    ("air defence", re.compile(
        r"\b(air[- ]defen[cs]es?|anti-?aircraft|patriot|c-?ram|thaad|iron dome|"
        r"missile[- ]defen[cs]es?|interceptors?)\b", re.IGNORECASE)),
    ("naval", re.compile(r"\b(warships?|aircraft carriers?|carrier strike group|destroyers?|"
                         r"frigates?|navy ships?|submarines?)\b", re.IGNORECASE)),
    ("aircraft", re.compile(r"\b(bombers?|fighter jets?|warplanes?|squadrons?|f-\d+s?|"
                            r"b-52s?)\b", re.IGNORECASE)),
    ("troops", re.compile(r"\b(troops|soldiers|marines|paratroopers|personnel|forces|"
                          r"battalions?|brigades?|service ?members)\b", re.IGNORECASE)),
)


def force_moved(m: EventMention) -> str | None:
    """The kind of force a strategic development moves (a change to a group's
    activity, or another development such as a drawdown), read from its quote."""
    if m.sub_event_type not in ("Change to group/activity", "Other"):
        return None
    for kind, rx in _FORCES:
        if rx.search(m.quote):
            return kind
    return None


def _features(
    m: EventMention, published: dt.date | None = None, lead_end: int = 0
) -> _Feat:
    lo = hi = None
    if m.date is not None:
        lo, hi = m.date.start.toordinal(), m.date.end.toordinal()
    pl = m.place
    figs: dict[str, set[int]] = defaultdict(set)
    for f in m.figures:
        if not f.aggregate:
            figs[f.kind].add(f.value)
    trigger = _phrasal_trigger(m)
    return _Feat(
        doc=m.doc_id,
        start=m.start,
        end=m.end,
        trig=trigger_key(trigger),
        trig_raw=m.trigger.lower(),
        etype=m.event_type,
        sub=m.sub_event_type,
        family=_FAMILY.get(m.event_type),
        lo=lo,
        hi=hi,
        cc=pl.country_code if pl else None,
        lat=pl.lat if pl else None,
        lon=pl.lon if pl else None,
        precise=bool(pl and pl.precision <= 2),
        actors=frozenset(a.entity_id for a in m.actors
                         if a.role != "attributed_by" and a.modality != "denied"),
        perps=frozenset(side(a.entity_id) for a in m.actors if a.is_perpetrator),
        figs={k: frozenset(v) for k, v in figs.items()},
        arms=frozenset(weapon_class(w.name) for w in m.weapons),
        cls=trigger_classes(trigger, m.quote),
        force=force_moved(m),
        pub=published.toordinal() if published is not None else None,
        lead=m.start < lead_end,
        slack=1 if m.event_type in _VIOLENT else _PUB_SLACK,
    )


def lead_end(text: str) -> int:
    """Where a report's lead ends: its first line (the headline) and the sentence after
    it, at most ``_LEAD_CHARS`` past the headline."""
    head = text.find("\n")
    head = len(text) if head < 0 else head
    body = head + 1
    while body < len(text) and text[body].isspace():
        body += 1
    stop = _SENTENCE_END.search(text, body, body + _LEAD_CHARS)
    return stop.end() if stop else min(len(text), body + _LEAD_CHARS)


# Weights of ``pair_score`` for untyped mentions (set on ECB+ topics 1-20, checked on
# 1-10 and 11-20 apart) and the document weight (the seeds and ECB+).
TRIG_BASE = 0.6
TRIG_LEV = 0.5
TRIG_SAME = 1.5
TRIG_SYNONYM = 1.5
DOC_WEIGHT = 1.5
SAME_QUOTE = 0.6
# Untyped mentions carry no actors, place or date: the words next to the trigger (its
# participants, time and place) stand in for them.
ARG_WEIGHT = 1.0
# Untyped pairs weigh their documents' relative similarity (see ``_cluster_indices``;
# set on ECB+ topics 1-20 with the rest, checked on 1-10 and 11-20 apart).
UNTYPED_DOC_WEIGHT = 0.85
ARG_WINDOW = 3
ARG_CENTER = 0.1


# A mention without a date is read against its document's publication day: the event
# had happened by then or was days ahead (a report announces the coming weekend's
# rally; violence is not announced: a day's slack for time zones). News tells recent
# events, and retells a running conflict's last months ("following that rocket attack",
# of one eleven weeks before) less often than it tells a new day's shelling of the same
# town: an undated mention is held against a dated event more than ``RECENT_DAYS``
# before it, fully four months before. Two undated mentions place their events nowhere
# in time, so only their reports' days speak for one event: held apart beyond
# ``UNDATED_PAIR_DAYS``, fully (twice as strongly) a month later, and never one event
# when published more than ``UNDATED_PAIR_MAX`` days apart (FA-KES: "Syrian Army Kills
# over 60 ISIL Terrorists in Deir Ezour" and "... Kills 48 ... in Deir Ezzor", two
# headlines 840 days apart, were one event with rival tolls). A headline and its
# first sentence tell the report's own news, of the last days ("Two killed in rocket
# attacks in Aleppo" published a week after another day's rockets on Aleppo): held
# against an event more than ``LEAD_DAYS`` before, fully ``LEAD_DAYS + LEAD_RAMP``.
_PUB_SLACK = 7
RECENT_DAYS = 21
RECENT_RAMP = 99
UNDATED_APART = 1.5
UNDATED_PAIR_DAYS = 14
UNDATED_PAIR_RAMP = 30
UNDATED_PAIR_WEIGHT = 2.0
UNDATED_PAIR_MAX = 365
UNDATED_NEVER = 10.0
LEAD_DAYS = 3
LEAD_RAMP = 7
LATE_TOLL = 2.0  # see ``_late_other_toll``
_LEAD_CHARS = 400
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def _undated_gap(a: _Feat, b: _Feat) -> float:
    """Evidence against ``a`` (undated, its document's day known) telling ``b``'s event
    (see the constants above): ``b`` dated after ``a``'s publication (beyond the slack:
    impossible), or dated, or published undated, too long before it."""
    if a.lo is not None or a.pub is None:
        return 0.0
    if b.lo is not None and b.hi is not None:
        if b.lo > a.pub + a.slack:
            return 2 * UNDATED_APART
        gap = a.pub - b.hi
        far = _ramp(gap, RECENT_DAYS, RECENT_RAMP)
    elif b.pub is not None:
        gap = a.pub - b.pub  # both undated: counted once, from the later report
        if gap > UNDATED_PAIR_MAX:
            return UNDATED_NEVER
        far = UNDATED_PAIR_WEIGHT * _ramp(gap, UNDATED_PAIR_DAYS, UNDATED_PAIR_RAMP)
    else:
        return 0.0
    if a.lead:
        far = max(far, _ramp(gap, LEAD_DAYS, LEAD_RAMP))
    return UNDATED_APART * far


def _ramp(days: int, free: int, ramp: int) -> float:
    """0 up to ``free`` days, rising linearly to 1 over ``ramp`` more."""
    return min(1.0, max(0.0, days - free) / ramp)


def pair_score(a: _Feat, b: _Feat, ctx: float, doc: float, arg: float = 0.0) -> float:
    """Evidence that two mentions tell one event: > 0 for, < 0 against.

    ``ctx`` is the TF-IDF cosine of the two quotes, ``doc`` that of their documents
    (for two untyped mentions, relative to each document's best), ``arg`` that of the
    words around two untyped triggers (0 for typed mentions).
    Weights are set by hand (checked on ECB+ topics and the seed articles).
    """
    # Trigger identity and document similarity carry most of the weight when nothing
    # else is known (ECB+); type, date, place, actors and figures add to it when known.
    lev = Levenshtein.normalized_similarity(a.trig_raw, b.trig_raw)
    if a.sub and b.sub:
        # Typed mentions (the extractor's): the types judge the act, the words add little.
        trig = 1.3 * lev + (1.2 if a.trig == b.trig else 0.0)
    else:
        trig = TRIG_BASE + TRIG_LEV * lev
        if (a.trig == b.trig and a.trig not in _PRONOUNS
                and not (a.cls and b.cls and not a.cls & b.cls)):
            # One head word names one act (two "it" need not, nor two senses of "fire").
            trig += TRIG_SAME
            if a.trig in _REPORTING:
                trig -= 1.0
        elif a.cls & b.cls:
            # Two words of one class: "killed", "died".
            trig += TRIG_SYNONYM
        elif a.trig in _REPORTING and b.trig in _REPORTING:
            # "told", "confirmed", "according to": one statement when the words around
            # them (speaker, listener) agree, as for two "said".
            trig += TRIG_SAME - 1.0
    if a.sub and a.sub == b.sub:
        # Typed mentions: "fired", "hit", "attack" name one act; the shared type speaks
        # for the trigger words.
        trig = max(trig, 1.6)
    s = -2.6 + trig
    s += 0.8 * ctx
    s += (DOC_WEIGHT if a.sub or b.sub else UNTYPED_DOC_WEIGHT) * doc
    if a.doc != b.doc and not (a.sub or b.sub):
        s += ARG_WEIGHT * (arg - ARG_CENTER)
    if a.doc == b.doc:
        s -= 0.4
        if (a.start, a.end) == (b.start, b.end):
            # Two triggers of one clause tell two acts ("killed ... in an attack").
            s -= SAME_QUOTE
    # One day, one place, one kind of act is strong evidence in conflict reporting.
    if a.etype and b.etype:
        if a.etype == b.etype:
            s += 0.8 if a.sub == b.sub else -0.2
        else:
            s -= 0.6
    if a.lo is not None and b.lo is not None and a.hi is not None and b.hi is not None:
        if a.lo == a.hi == b.lo == b.hi:
            s += 1.0
        elif max(a.lo, b.lo) <= min(a.hi, b.hi):
            s += 0.2
    s -= _undated_gap(a, b) + _undated_gap(b, a)
    if a.lat is not None and b.lat is not None and a.lon is not None and b.lon is not None:
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if d <= 15:
            s += 1.0 if a.precise and b.precise else 0.3
        elif d <= 60:
            s += 0.5 if a.precise and b.precise else 0.2
        elif a.precise and b.precise and d > _NEAR_KM:
            s -= 1.5
    shared = len(a.actors & b.actors)
    s += min(0.9, 0.3 * shared)
    if a.perps and b.perps and not (a.perps & b.perps):
        s -= 0.5
    if a.arms and b.arms:
        # Rockets and missiles, or a drone and rockets, are seldom one attack.
        s += 0.4 if a.arms & b.arms else -0.6
    if a.force and b.force and a.force != b.force:
        s -= 1.5  # troops sent and air defences sent: two decisions
    for kind in a.figs.keys() & b.figs.keys():
        va, vb = a.figs[kind], b.figs[kind]
        if va & vb:
            s += 0.3
        elif kind == "fatalities" and (0 in va) != (0 in vb):
            s -= 1.0  # "no one was killed" against a death toll: not one event
    if _late_other_toll(a, b) or _late_other_toll(b, a):
        s -= LATE_TOLL
    return s


def _late_other_toll(a: _Feat, b: _Feat) -> bool:
    """``a``, an undated headline or lead, is published more than ``RECENT_DAYS`` after
    ``b``'s event (or report) and gives another death toll: the report's own news, a new
    day's dead ("20 dead in Syria barrel bomb attack in Aleppo", eight weeks after air
    strikes killed 29 there). Further down, a report retells old acts with the victims it
    names ("the strike that killed Soleimani" of a strike that killed two)."""
    if not a.lead or a.lo is not None or a.pub is None or "fatalities" not in a.figs or \
            "fatalities" not in b.figs or a.figs["fatalities"] & b.figs["fatalities"]:
        return False
    then = b.hi if b.hi is not None else b.pub
    return then is not None and a.pub - then > RECENT_DAYS


class PerCluster(Generic[_T]):
    """``summarize`` of the clusters ``agglomerate`` hands its callbacks, each worked out
    once: in a dense block the same clusters are asked about again and again, and going
    over their members every time made the merge cubic in the block.

    A cluster is known by its first member and its size: clusters only grow by merging
    (and a merged cluster starts with its first part's members), so the cluster that
    holds a given first member never has the same size twice. One summary is kept per
    first member, the one of its latest size."""

    def __init__(self, summarize: Callable[[list[int]], _T]) -> None:
        self.summarize = summarize
        self.cache: dict[int, tuple[int, _T]] = {}

    def __call__(self, xs: list[int]) -> _T:
        """The summary of cluster ``xs``."""
        got = self.cache.get(xs[0])
        if got is None or got[0] != len(xs):
            got = self.cache[xs[0]] = (len(xs), self.summarize(xs))
        return got[1]

    def forget(self, xs: list[int]) -> None:
        """Drop the summary of a cluster about to be merged into another (memory only:
        a summary asked for again is worked out again)."""
        self.cache.pop(xs[0], None)


@dataclass
class _Extent:
    """What ``_can_merge`` needs of one cluster, gathered over its members in order."""

    lo: int
    hi: int
    ccs: frozenset[str]
    fams: frozenset[str]
    cent: tuple[float, float] | None
    spans: dict[str, set[tuple[int, int]]]


def _can_merge(feats: Sequence[_Feat]) -> Callable[[list[int], list[int]], bool]:
    def extent(group: list[int]) -> _Extent:
        lo, hi = -(10**9), 10**9
        ccs: set[str] = set()
        fams: set[str] = set()
        spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
        lat = lon = 0.0
        k = 0
        for i in group:
            f = feats[i]
            if f.lo is not None and f.hi is not None:
                lo, hi = max(lo, f.lo), min(hi, f.hi)
            elif f.pub is not None:
                # An undated report tells an event that had happened by its publication.
                hi = min(hi, f.pub + f.slack)
            if f.cc:
                ccs.add(f.cc)
            if f.family:
                fams.add(f.family)
            if f.precise and f.lat is not None and f.lon is not None:
                # summed in member order, as the centroid always was
                lat += f.lat
                lon += f.lon
                k += 1
            spans[f.doc].add((f.start, f.end))
        return _Extent(lo, hi, frozenset(ccs), frozenset(fams),
                       (lat / k, lon / k) if k else None, spans)

    of = PerCluster(extent)

    def ok(xs: list[int], ys: list[int]) -> bool:
        ex, ey = of(xs), of(ys)
        if (max(ex.lo, ey.lo) > min(ex.hi, ey.hi) or len(ex.ccs | ey.ccs) > 1
                or len(ex.fams | ey.fams) > 1):
            return False
        if ex.cent is not None and ey.cent is not None and haversine_km(
                *ex.cent, *ey.cent) > _NEAR_KM:
            return False
        if _nested(ex, ey):
            return False
        of.forget(ys)  # merged next (unless the caller adds a constraint of its own)
        return True

    def _nested(ex: _Extent, ey: _Extent) -> bool:
        # Two different but overlapping spans of one document are two clauses of one
        # sentence, each telling its own act ("A, which led to B"): never one event.
        if len(ex.spans) > len(ey.spans):
            ex, ey = ey, ex
        for doc, mine in ex.spans.items():
            theirs = ey.spans.get(doc)
            if theirs:
                for s0, e0 in mine:
                    for s1, e1 in theirs:
                        if (s0, e0) != (s1, e1) and max(s0, s1) < min(e0, e1):
                            return True
        return False

    return ok


def _cluster_bonus(feats: Sequence[_Feat]) -> Callable[[list[int], list[int]], float]:
    """Evidence only whole clusters show: the perpetrators each cluster names, pooled
    (one report names the group behind an attack, others only the attack)."""
    perps = PerCluster(lambda xs: frozenset().union(*(feats[i].perps for i in xs)))

    def bonus(xs: list[int], ys: list[int]) -> float:
        px, py = perps(xs), perps(ys)
        if px and py:
            return 0.3 if px & py else -0.3
        return 0.0

    return bonus


def _doc_texts(
    mentions: Sequence[EventMention], documents: dict[str, Document] | None
) -> dict[str, str]:
    quotes: dict[str, list[str]] = defaultdict(list)
    for m in mentions:
        quotes[m.doc_id].append(m.quote)
    out = {}
    for doc_id, qs in quotes.items():
        if documents and doc_id in documents:
            out[doc_id] = documents[doc_id].text
        else:
            out[doc_id] = " ".join(dict.fromkeys(qs))
    return out


DOC_GROUP_THRESHOLD = 0.2
# Capitalized runs inside a sentence: the names (people, places, organizations) that set
# one event apart from another of its kind.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*", re.MULTILINE)


def _profile(text: str) -> str:
    """A document's text with its names twice more, for document similarity."""
    names = " ".join(_NAME.findall(text))
    return f"{text} {names} {names}"


# Average-link relative similarity (see ``doc_neighbours``) at which undated mentions'
# documents form one topic group, and the least cosine counted as a document's best.
GROUP_THRESHOLD = 0.45
GROUP_FLOOR = 0.1


def doc_groups(
    texts: dict[str, str], threshold: float = DOC_GROUP_THRESHOLD, tf: TfIdf | None = None,
    needy: set[str] | None = None,
) -> dict[str, int]:
    """Group documents by topic (average-link on TF-IDF cosine); doc id -> group number.

    ``tf`` may pass a model already fitted on ``texts`` in the same order; with ``needy``
    only pairs involving one of those documents are compared (the others need no group).
    """
    ids = list(texts)
    if tf is None:
        tf = TfIdf([texts[i] for i in ids])
    max_df = max(30, int(3 * math.sqrt(len(ids))))
    scores = {}
    keep = None if needy is None else {k for k, d in enumerate(ids) if d in needy}
    for i, j in tf.candidate_pairs(max_df):
        if keep is None or i in keep or j in keep:
            scores[(i, j)] = tf.cos(i, j)
    groups = agglomerate(len(ids), scores, threshold)
    out = {}
    for g, members in enumerate(groups):
        for i in members:
            out[ids[i]] = g
    return out


_BUSY_PLACE = 500
_SHORT_DAYS = 7  # intervals up to a week go into day blocks


def _months(lo: int, hi: int) -> range:
    a, b = dt.date.fromordinal(lo), dt.date.fromordinal(hi)
    return range(a.year * 12 + a.month, b.year * 12 + b.month + 1)


def _components(n: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected components (sorted members) of a graph on 0..n-1, singletons left out."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
    out: dict[int, list[int]] = defaultdict(list)
    for x in range(n):
        out[find(x)].append(x)
    return [m for m in out.values() if len(m) > 1]


# Documents in one group larger than this meet only their most similar members.
_MAX_GROUP = 150


def doc_neighbours(
    texts: dict[str, str], tf: TfIdf, needy: set[str], threshold: float = DOC_GROUP_THRESHOLD
) -> dict[str, set[str]]:
    """For each needy document, itself and the documents of its topic group that it
    resembles at all (``tf`` fitted on ``texts`` in order).

    Groups come from average-link clustering on relative similarity (each pair's cosine
    over the geometric mean of the two documents' best cosines). They are transitive
    where pairwise similarity is not: reports of one event that share little wording
    still meet through the others, and two events of one kind (two earthquakes) stay in
    their own groups. In a group too large to compare whole, a document meets only those
    whose cosine with it reaches ``threshold``.
    """
    ids = list(texts)
    max_df = max(30, int(3 * math.sqrt(len(ids))))
    is_needy = [d in needy for d in ids]
    wanted = [(i, j) for i, j in tf.sorted_candidates(max_df) if is_needy[i] or is_needy[j]]
    scores: dict[tuple[int, int], float] = dict(
        zip(wanted, tf.cos_pairs(wanted), strict=True))
    # Pairs the candidate terms missed would count as 0 in the average: within a
    # connected component (cosine above the floor) small enough, every pair is compared.
    comp = _components(len(ids), [p for p, v in scores.items() if v > GROUP_FLOOR])
    missing = [(i, j) for members in comp if 2 < len(members) <= _MAX_GROUP
               for x, i in enumerate(members) for j in members[x + 1:]
               if (i, j) not in scores]
    scores.update(zip(missing, tf.cos_pairs(missing), strict=True))
    # Relative similarity: a pair's cosine over the geometric mean of each document's
    # best cosine (at least the floor). Cosines scale with length and wording; how a pair
    # compares to each document's nearest neighbour holds across corpora.
    best = [GROUP_FLOOR] * len(ids)
    for (i, j), v in scores.items():
        best[i] = max(best[i], v)
        best[j] = max(best[j], v)
    rel = {(i, j): v / math.sqrt(best[i] * best[j]) for (i, j), v in scores.items()}
    out: dict[str, set[str]] = {}
    for members in agglomerate(len(ids), rel, GROUP_THRESHOLD, consume=True):
        for k in members:
            d = ids[k]
            if d not in needy:
                continue
            if len(members) <= _MAX_GROUP:
                # Within its group a document still meets only those it resembles at
                # all (cosine above the floor): passing mentions stay conservative.
                out[d] = {d} | {
                    ids[j] for j in members
                    if scores.get((min(k, j), max(k, j)), 0.0) > GROUP_FLOOR
                }
            else:
                out[d] = {d} | {
                    ids[j] for j in members
                    if scores.get((min(k, j), max(k, j)), 0.0) >= threshold
                }
    return out


def _candidate_pairs(
    feats: Sequence[_Feat], neighbours: dict[str, set[str]]
) -> set[tuple[int, int]]:
    """Pairs worth scoring. Short intervals meet by (country, day); longer ones (a month)
    meet dated mentions of the same month near the same place (1-degree cells and their
    neighbours), or of the same country when their own place is vague; undated mentions
    meet the mentions of their own and similar documents."""
    by_day: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_cell: dict[tuple[str, int, int, int], list[int]] = defaultdict(list)
    by_month: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_doc: dict[str, list[int]] = defaultdict(list)
    by_place: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    wide: list[int] = []
    long_: list[int] = []
    for i, f in enumerate(feats):
        by_doc[f.doc].append(i)
        if f.precise and f.lat is not None and f.lon is not None:
            by_place[(f.cc or "*", round(f.lat), round(f.lon))].append(i)
        if f.lo is None or f.hi is None or f.hi - f.lo > _MAX_BLOCK_DAYS:
            wide.append(i)
            continue
        cc = f.cc or "*"
        for m in _months(f.lo, f.hi):
            by_month[(cc, m)].append(i)
            if f.precise and f.lat is not None and f.lon is not None:
                by_cell[(cc, round(f.lat), round(f.lon), m)].append(i)
        if f.hi - f.lo <= _SHORT_DAYS:
            for d in range(f.lo, f.hi + 1):
                by_day[d][cc].append(i)
        else:
            long_.append(i)
    pairs: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        if i != j:
            pairs.add((i, j) if i < j else (j, i))

    for lists in by_day.values():
        for cc, ids in lists.items():
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    add(ids[x], ids[y])
            if cc == "*":
                for other, ids2 in lists.items():
                    if other != "*":
                        for i in ids:
                            for j in ids2:
                                add(i, j)
    all_cc = {k[0] for k in by_month}
    for i in long_:
        f = feats[i]
        assert f.lo is not None and f.hi is not None
        cc = f.cc or "*"
        for m in _months(f.lo, f.hi):
            if f.precise and f.lat is not None and f.lon is not None:
                la, lo = round(f.lat), round(f.lon)
                for dla in (-1, 0, 1):
                    for dlo in (-1, 0, 1):
                        for j in by_cell.get((cc, la + dla, lo + dlo, m), ()):
                            add(i, j)
                for j in by_month.get(("*", m), ()):
                    add(i, j)
            else:
                for c in all_cc if cc == "*" else (cc, "*"):
                    for j in by_month.get((c, m), ()):
                        add(i, j)
    for i in wide:
        for doc in neighbours[feats[i].doc]:
            for j in by_doc[doc]:
                add(i, j)
        # An undated passing mention of a precise place meets that place's events,
        # unless the place is too busy for that to be informative.
        f = feats[i]
        if f.precise and f.lat is not None and f.lon is not None:
            la, lo = round(f.lat), round(f.lon)
            near = [by_place.get((f.cc or "*", la + a, lo + b), []) for a in (-1, 0, 1)
                    for b in (-1, 0, 1)]
            if sum(map(len, near)) <= _BUSY_PLACE:
                for ids in near:
                    for j in ids:
                        add(i, j)
    return pairs


# Words between a mention's trigger and a clause nested after it that put the nested act
# later ("bombing ..., which led to a siege") or earlier ("airstrikes, responding to an
# attack").
_LATER = re.compile(
    r"\b(led to|leading to|sparked|sparking|triggered|triggering|prompted|provoked|"
    r"resulted in|resulting in|kicked off|set off|touched off|and then)\b",
    re.IGNORECASE,
)
_EARLIER = re.compile(
    r"\b(in (?:direct )?response to|responding to|in retaliation for|to avenge|"
    r"in revenge for|in reprisal for|after|following)\b",
    re.IGNORECASE,
)


def precedence(mentions: Sequence[EventMention]) -> list[tuple[int, int]]:
    """Pairs (i, j) where mention i tells an act that came before mention j's, read from
    one sentence whose clause for j is nested in i's span after i's trigger with a cue of
    sequence or cause between them. Such acts are never one event, and the event of i
    cannot be dated after the event of j."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for k, m in enumerate(mentions):
        by_doc[m.doc_id].append(k)
    out = []
    for ks in by_doc.values():
        ks.sort(key=lambda k: mentions[k].start)
        for x, a in enumerate(ks):
            m = mentions[a]
            t = m.quote.lower().find(m.trigger.lower()) if m.trigger else -1
            if t < 0:
                continue
            trig_end = m.start + t + len(m.trigger)
            for b in ks[x + 1:]:
                n = mentions[b]
                if n.start >= m.end:
                    break
                if n.start < trig_end or (n.start, n.end) == (m.start, m.end):
                    continue
                between = m.quote[trig_end - m.start: n.start - m.start]
                if _LATER.search(between):
                    out.append((a, b))
                elif _EARLIER.search(between):
                    out.append((b, a))
    return out


class _Order:
    """Keeps clusters consistent with ``precedence``: tracks which cluster each mention is
    in as ``agglomerate`` merges (it merges right after ``join`` is allowed)."""

    def __init__(self, feats: Sequence[_Feat], pairs: Sequence[tuple[int, int]]) -> None:
        self.before: dict[int, list[int]] = defaultdict(list)
        self.after: dict[int, list[int]] = defaultdict(list)
        for i, j in pairs:
            self.before[i].append(j)
            self.after[j].append(i)
        self.of = list(range(len(feats)))
        inf = 10**9
        self.span: dict[int, tuple[int, int]] = {
            i: (f.lo, f.hi) if f.lo is not None and f.hi is not None else (-inf, inf)
            for i, f in enumerate(feats)
        }
        self.bound: dict[int, list[int]] = {
            i: [i] for i in range(len(feats)) if i in self.before or i in self.after
        }
        self.next = len(feats)

    def allows(self, xs: list[int], ys: list[int]) -> bool:
        cx, cy = self.of[xs[0]], self.of[ys[0]]
        (a0, a1), (b0, b1) = self.span[cx], self.span[cy]
        lo, hi = max(a0, b0), min(a1, b1)
        for i in self.bound.get(cx, []) + self.bound.get(cy, []):
            for j in self.before.get(i, ()):
                cj = self.of[j]
                if cj in (cx, cy) or lo > self.span[cj][1]:
                    return False
            for j in self.after.get(i, ()):
                cj = self.of[j]
                if cj in (cx, cy) or self.span[cj][0] > hi:
                    return False
        return True

    def join(self, xs: list[int], ys: list[int]) -> None:
        cx, cy = self.of[xs[0]], self.of[ys[0]]
        c = self.next
        self.next += 1
        (a0, a1), (b0, b1) = self.span.pop(cx), self.span.pop(cy)
        self.span[c] = (max(a0, b0), min(a1, b1))
        for i in xs + ys:
            self.of[i] = c
        bound = self.bound.pop(cx, []) + self.bound.pop(cy, [])
        if bound:
            self.bound[c] = bound


MERGE_THRESHOLD = 0.0


def _window(m: EventMention) -> str:
    """The words of a mention's quote within ``ARG_WINDOW`` words of its trigger, the
    trigger left out (it is compared on its own)."""
    words = list(_WORD.finditer(m.quote))
    trig = m.trigger.lower()
    t = m.quote.lower().find(trig) if trig else -1
    if t < 0 and trig.split():
        # A discontinuous trigger ("checked ... into"): its first word anchors it.
        trig = trig.split()[0]
        t = m.quote.lower().find(trig)
    if t < 0:
        return ""
    t_end = t + len(trig)
    at = [k for k, w in enumerate(words) if t <= w.start() < t_end]
    if not at:
        return ""
    lo, hi = max(0, at[0] - ARG_WINDOW), at[-1] + ARG_WINDOW + 1
    return " ".join(w.group(0) for k, w in enumerate(words[lo:hi], lo) if k not in at)


# A trigger word used by at least this share of a document's neighbours (its topic group)
# names an event the group tells; rarer ones pay up to ``RARE_KEY_PENALTY`` to match
# across documents (both set on ECB+ topics 1-20, checked on 1-10 and 11-20 apart).
SALIENT_SHARE = 0.3
RARE_KEY_PENALTY = 1.0


def _key_share(
    feats: Sequence[_Feat], neighbours: dict[str, set[str]]
) -> Callable[[str, str], float]:
    """``share(key, doc)``: the fraction of ``doc``'s neighbour documents (itself
    included) holding a mention whose trigger has that key.

    The main event of a group of reports recurs in most of them under one word ("quake",
    "checked into"); a word only a few of them use ("said", "appeared") mostly names a
    side act, and two reports that share it seldom tell the same one. Only the untyped
    mentions' documents are asked (they all have neighbours)."""
    keys_of: dict[str, set[str]] = defaultdict(set)
    for f in feats:
        keys_of[f.doc].add(f.trig)
    cache: dict[tuple[str, str], float] = {}

    def share(key: str, doc: str) -> float:
        got = cache.get((key, doc))
        if got is None:
            near = neighbours.get(doc) or {doc}
            got = cache[(key, doc)] = sum(1 for d in near if key in keys_of[d]) / len(near)
        return got

    return share


# Place features of a single site (the places module's facilities), where two reports of
# a crowd at the same point tell one gathering.
_SITES = frozenset({"base", "airport", "embassy", "facility", "camp", "crossing"})
_SITE_KM = 1.0


def _one_site(a: EventMention, b: EventMention) -> bool:
    """True when both mentions are placed at one named site (an embassy, a base)."""
    pa, pb = a.place, b.place
    return bool(pa and pb and pa.feature in _SITES and pb.feature in _SITES
                and haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= _SITE_KM)


def _doc_pairs(
    doc_of: Sequence[int], pairs: set[tuple[int, int]], n_docs: int
) -> list[tuple[int, int]]:
    """The pairs of different documents (lower index first, sorted) the mention pairs
    join, deduplicated as integer codes (numpy): in a dense block most mention pairs
    fall on a document pair already seen."""
    import numpy as np

    if not pairs:
        return []
    of = np.asarray(doc_of, dtype=np.int64)
    both = np.fromiter((k for p in pairs for k in p), dtype=np.int64, count=2 * len(pairs))
    da, db = of[both[0::2]], of[both[1::2]]
    lo, hi = np.minimum(da, db), np.maximum(da, db)
    codes = unique_ints(lo[lo != hi] * n_docs + hi[lo != hi])
    return list(zip((codes // n_docs).tolist(), (codes % n_docs).tolist(), strict=True))


def _cluster_indices(
    mentions: Sequence[EventMention], documents: dict[str, Document] | None
) -> list[list[int]]:
    if not mentions:
        return []
    pubs = {d: doc.published for d, doc in (documents or {}).items()}
    leads = {d: lead_end(doc.text) for d, doc in (documents or {}).items()
             if doc.published is not None}
    feats = [_features(m, pubs.get(m.doc_id), leads.get(m.doc_id, 0)) for m in mentions]
    texts = _doc_texts(mentions, documents)
    doc_ids = list(texts)
    doc_index = {d: k for k, d in enumerate(doc_ids)}
    doc_tf = TfIdf([_profile(texts[d]) for d in doc_ids])
    needy = {
        f.doc for f in feats
        if f.lo is None or f.hi is None or f.hi - f.lo > _MAX_BLOCK_DAYS
    }
    neighbours = doc_neighbours(texts, doc_tf, needy)
    ctx_tf = TfIdf([f"{m.quote} {m.trigger}" for m in mentions])
    # Argument windows only for untyped mentions (typed ones have their arguments).
    untyped = {k: r for r, k in enumerate(k for k, m in enumerate(mentions)
                                          if not m.sub_event_type)}
    arg_tf = TfIdf([_window(m) for m in mentions if not m.sub_event_type]) if untyped else None
    cand = _candidate_pairs(feats, neighbours)
    doc_pairs = _doc_pairs([doc_index[f.doc] for f in feats], cand, len(doc_ids))
    doc_cache = dict(zip(doc_pairs, doc_tf.cos_pairs(doc_pairs), strict=True))
    best = [GROUP_FLOOR] * len(doc_ids)
    for (da, db), v in doc_cache.items():
        best[da] = max(best[da], v)
        best[db] = max(best[db], v)
    share = _key_share(feats, neighbours) if untyped else None
    scores: dict[tuple[int, int], float] = {}
    for i, j in cand:
        a, b = feats[i], feats[j]
        da, db = doc_index[a.doc], doc_index[b.doc]
        if da == db:
            dsim = 1.0
        else:
            dsim = doc_cache[(da, db) if da < db else (db, da)]
            if i in untyped and j in untyped:
                # Untyped mentions lean on their documents alone: as for document
                # groups, a pair's cosine over each document's best holds across corpora.
                dsim = min(1.0, dsim / math.sqrt(best[da] * best[db]))
        arg = 0.0
        if arg_tf is not None and da != db and i in untyped and j in untyped:
            arg = arg_tf.cos(untyped[i], untyped[j])
        if a.family == b.family == "demonstration" and a.sub != b.sub and _one_site(
                mentions[i], mentions[j]):
            # One crowd at one site: a report that tells no violence calls it a protest,
            # another that saw the compound stormed a riot. Neither denies the other.
            b = replace(b, etype=a.etype, sub=a.sub)
        scores[(i, j)] = pair_score(a, b, ctx_tf.cos(i, j), dsim, arg)
        if share is not None and da != db and a.trig == b.trig and i in untyped and j in untyped:
            # A word few of the group's reports use names a side act two reports share
            # by chance more often than the event they tell (see ``_key_share``).
            low = min(share(a.trig, a.doc), share(b.trig, b.doc))
            scores[(i, j)] -= RARE_KEY_PENALTY * max(0.0, 1.0 - low / SALIENT_SHARE)
    before = precedence(mentions)
    if before:
        feats = _bound_by_precedence(feats, before, scores)
    base = _can_merge(feats)
    order = _Order(feats, before)

    def can_merge(xs: list[int], ys: list[int]) -> bool:
        if not (base(xs, ys) and order.allows(xs, ys)):
            return False
        order.join(xs, ys)  # agglomerate merges whatever is allowed
        return True

    del cand, doc_cache
    return agglomerate(len(mentions), scores, MERGE_THRESHOLD, can_merge,
                       _cluster_bonus(feats), consume=True)


def _bound_by_precedence(
    feats: Sequence[_Feat], before: Sequence[tuple[int, int]],
    scores: dict[tuple[int, int], float],
) -> list[_Feat]:
    """Dates that ``precedence`` implies for mentions the greedy order would misplace.

    "A, which sparked B" bounds A by B's event and B by A's; ``_Order`` enforces that as
    clusters form, but only once the partner has found its event. When A's best-scoring
    event is dated after B's (the air strikes that sparked the embassy protest scoring
    highest with the later drone strike), whichever settles first shuts the other out.
    A trial clustering without the order shows where each would go; for every pair it
    leaves inverted, the mention with the cheaper alternative (its score with the event
    it joins against its best event within the bound) takes the bound on its date.
    """
    # Clusters never cross components of positive pairs: the trial needs only those that
    # hold a bound mention (a fraction of a large store).
    bound = {k for pair in before for k in pair}
    comps = _components(len(feats), [p for p, v in scores.items() if v > MERGE_THRESHOLD])
    keep = sorted(bound.union(*(c for c in comps if bound.intersection(c))))
    at = {x: k for k, x in enumerate(keep)}
    sub = {(at[i], at[j]): v for (i, j), v in scores.items() if i in at and j in at}
    part = [feats[x] for x in keep]
    trial = [[keep[k] for k in members] for members in agglomerate(
        len(keep), sub, MERGE_THRESHOLD, _can_merge(part), _cluster_bonus(part),
        consume=True)]
    of = {i: k for k, members in enumerate(trial) for i in members}
    spans: dict[int, tuple[int, int]] = {}
    for k, members in enumerate(trial):
        dated = [(feats[i].lo, feats[i].hi) for i in members if feats[i].lo is not None]
        if dated:
            spans[k] = (max(d[0] for d in dated if d[0] is not None),
                        min(d[1] for d in dated if d[1] is not None))
    # The scores of the bound mentions only: ``margin`` asks for no other.
    near: dict[int, dict[int, float]] = defaultdict(dict)
    for (i, j), v in scores.items():
        if (i in bound or j in bound) and i in of and j in of:
            near[i][j] = near[j][i] = v

    pos = {i: p for members in trial for p, i in enumerate(members)}

    def margin(x: int, lo: int, hi: int) -> float:
        """What x loses by leaving its trial event for the best one within [lo, hi]."""
        # x's average score with each event it has scores with: its scores summed in the
        # events' member order (a missing score adds 0, so skipping it changes no sum),
        # not a walk over every member of every event for each bound pair.
        got: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for y, v in near[x].items():
            got[of[y]].append((pos[y], v))

        def avg(k: int) -> float:
            others = len(trial[k]) - (k == of[x])
            return sum(v for _, v in sorted(got[k])) / others if others else 0.0

        ks = set(got) - {of[x]}
        alt = max((avg(k) for k in ks
                   if k not in spans or (spans[k][0] <= hi and lo <= spans[k][1])),
                  default=0.0)
        return avg(of[x]) - max(alt, 0.0)

    out = list(feats)
    for i, j in before:
        si, sj = spans.get(of[i]), spans.get(of[j])
        if si is None or sj is None or of[i] == of[j] or si[0] <= sj[1]:
            continue
        inf = 10**9
        fi, fj = out[i], out[j]
        ilo, ihi = (fi.lo, fi.hi) if fi.lo is not None and fi.hi is not None else (-inf, inf)
        jlo, jhi = (fj.lo, fj.hi) if fj.lo is not None and fj.hi is not None else (-inf, inf)
        # i is no later than j's event; j no earlier than i's.
        bi, bj = (ilo, min(ihi, sj[1])), (max(jlo, si[0]), jhi)
        options = [(margin(x, *b), x, b) for x, b in ((i, bi), (j, bj)) if b[0] <= b[1]]
        if options:
            _, x, (lo, hi) = min(options)
            out[x] = replace(out[x], lo=lo, hi=hi)
    return out


def cluster(
    mentions: list[EventMention], documents: dict[str, Document] | None = None
) -> list[list[EventMention]]:
    """Group mentions that tell one real event; each mention lands in exactly one cluster.

    ``documents`` (optional) gives full texts for the document-similarity feature; without
    it the mentions' own quotes stand in for their documents. Clusters come back in order
    of their first mention in the input, members in input order.
    """
    groups = _cluster_indices(mentions, documents)
    groups.sort(key=lambda g: g[0])
    return [[mentions[i] for i in g] for g in groups]


# --- events ------------------------------------------------------------------------

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4}


def _published(documents: dict[str, Document], doc_id: str) -> dt.date:
    doc = documents.get(doc_id)
    return doc.published if doc is not None and doc.published is not None else dt.date.max


def event_id(members: Sequence[EventMention], documents: dict[str, Document]) -> str:
    """Stable id from the earliest-published mention (document id and offsets), so that a
    report published later never renames the event."""
    first = min(members, key=lambda m: (_published(documents, m.doc_id), m.doc_id, m.start))
    digest = hashlib.sha1(f"{first.doc_id}:{first.start}:{first.end}".encode()).hexdigest()
    return f"ev_{digest[:12]}"


def _date(members: Sequence[EventMention]) -> DateOut | None:
    dated = [m.date for m in members if m.date is not None]
    if not dated:
        return None
    lo = max(d.start for d in dated)
    hi = min(d.end for d in dated)
    finest = min(dated, key=lambda d: (_PRECISION_RANK[d.precision], d.end - d.start))
    if lo > hi:  # members disagree (cannot happen after cluster); keep the finest
        return DateOut(start=finest.start, end=finest.end, precision=finest.precision)
    precision: Precision = "day" if lo == hi else finest.precision
    return DateOut(start=lo, end=hi, precision=precision)


def _location(members: Sequence[EventMention]) -> LocationOut | None:
    places = [m.place for m in members if m.place is not None]
    if not places:
        return None
    counts = Counter(p.name for p in places)
    best = min(places, key=lambda p: (p.precision, -counts[p.name]))
    return LocationOut(name=best.name, country=best.country, country_code=best.country_code,
                       admin1=best.admin1, lat=best.lat, lon=best.lon,
                       precision=best.precision)


_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
_ARMED = re.compile(r"^(?:ent-)?(?:military-forces|police-forces|armed-forces|navy|air-force)-of-")
_GOVERNMENT = re.compile(r"^(?:ent-)?government-of-")


# the firmest word on an actor's role across reports: one report asserting it outweighs
# others that only allege it
_FIRMNESS = {"asserted": 0, "alleged": 1, None: 2}


def _actors(members: Sequence[EventMention], event_type: str | None = None) -> list[ActorRef]:
    """The event's actors, one entry per actor and role; a denial of a role ("X denied
    any involvement") is an entry of its own beside any report that alleges it."""
    seen: dict[tuple[str, str, bool], ActorRef] = {}
    counts: Counter[tuple[str, str, bool]] = Counter()
    for m in members:
        for a in m.actors:
            key = (a.entity_id, a.role, a.modality == "denied")
            counts[key] += 1
            old = seen.get(key)
            if old is None or _FIRMNESS.get(a.modality, 2) < _FIRMNESS.get(old.modality, 2):
                seen[key] = a
    order = {"perpetrator": 0, "target": 1, "victim": 2, "attributed_by": 3}
    out = sorted(seen.values(), key=lambda a: (
        order[a.role], a.modality == "denied",
        -counts[(a.entity_id, a.role, a.modality == "denied")]))
    if event_type in _VIOLENT:
        # ACLED codes a state's forces, not its government, as the side of an act of
        # violence: "America launched air strikes" and "U.S. forces launched airstrikes"
        # name one actor, Military Forces of the United States.
        armed = {(side(a.entity_id), a.role, a.modality == "denied")
                 for a in out if _ARMED.match(a.entity_id)}
        out = [a for a in out if not (_GOVERNMENT.match(a.entity_id) and (
            side(a.entity_id), a.role, a.modality == "denied") in armed)]
    return out


def _majority(values: Sequence[str]) -> str:
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], -values.index(v)))


# How far a gathering went, in ACLED's terms: a demonstration is coded by the violence any
# report of it tells (a protest whose crowd stormed a compound is a riot).
_ESCALATION = {
    "Peaceful protest": 0, "Protest with intervention": 1,
    "Excessive force against protesters": 2, "Violent demonstration": 3, "Mob violence": 3,
}


def _gravest_demonstration(
    members: Sequence[EventMention], etype: str, sub: str
) -> tuple[str, str]:
    """The type of a demonstration from the report that tells the most violence: one that
    mentions none (a "demonstration") is silent about it, not evidence against it."""
    best = (_ESCALATION.get(sub, -1), etype, sub)
    for m in members:
        rank = _ESCALATION.get(m.sub_event_type, -1)
        if _FAMILY.get(m.event_type) == "demonstration" and rank > best[0]:
            best = (rank, m.event_type, m.sub_event_type)
    return best[1], best[2]


def summarize(event: Event) -> str:
    """A one-paragraph summary built only from the event's structured fields."""
    parts = [event.sub_event_type or event.event_type or "Event"]
    if event.location:
        parts.append(f"in {event.location.name}")
    if event.date:
        d = event.date
        parts.append(f"on {d.start.isoformat()}" if d.start == d.end
                     else f"between {d.start.isoformat()} and {d.end.isoformat()}")
    text = " ".join(parts)
    perps = list(dict.fromkeys(a.name for a in event.actors if a.is_perpetrator))
    # an actor both targeted and hurt is named once
    others = list(dict.fromkeys(a.name for a in event.actors if a.role in ("target", "victim")))
    if perps:
        text += f"; by {', '.join(perps)}"
    if others:
        text += f"; against {', '.join(others)}"
    figs = []
    for kind, f in event.figures.items():
        if f.status == "conflict":
            rng = f"{f.low}-{f.high}" if f.high is not None else f"{f.low}+"
            figs.append(f"{kind.replace('_', ' ')} {f.value} (reports disagree: {rng})")
        else:
            figs.append(f"{kind.replace('_', ' ')} {f.value}")
    if figs:
        text += "; " + ", ".join(figs)
    if event.weapons:
        text += f"; weapons: {', '.join(event.weapons)}"
    for kind, cat in event.categories.items():
        if cat.status == "conflict" and cat.conflicts:
            # Disagreement is data: "16 cruise missiles" against "ballistic missiles".
            told = "; ".join(f"{a} vs {b}" for a, b in cat.conflicts)
            text += f"; {kind.replace('_', ' ')}: reports disagree ({told})"
    n_docs = len({m.doc_id for m in event.mentions})
    text += f". Reported in {n_docs} document{'s' if n_docs != 1 else ''}."
    return text


def assemble(members: list[EventMention], documents: dict[str, Document]) -> Event:
    """One ``Event`` from the mentions of one cluster."""
    core = [m for m in members if not m.background] or members
    etype = _majority([m.event_type for m in core])
    sub = _majority([m.sub_event_type for m in core if m.event_type == etype])
    if _FAMILY.get(etype) == "demonstration":
        etype, sub = _gravest_demonstration(members, etype, sub)
    pol = [m.political for m in members if m.political is not None]
    plover = [m.plover for m in members if m.plover]
    figures: dict[str, FigureOut] = reconcile(members, documents)
    n_docs = len({m.doc_id for m in members})
    base = max(m.confidence for m in members)
    confidence = round(min(0.99, 1 - (1 - base) * (0.7 ** (n_docs - 1))), 3)
    ordered = sorted(members, key=lambda m: (_published(documents, m.doc_id), m.doc_id, m.start))
    event = Event(
        id=event_id(members, documents),
        event_type=etype,
        sub_event_type=sub,
        political=(Counter(pol).most_common(1)[0][0] if pol else None),
        date=_date(members),
        location=_location(members),
        actors=_actors(members, etype),
        figures=figures,
        summary="",
        confidence=confidence,
        mentions=[MentionOut(doc_id=m.doc_id, quote=m.quote, start=m.start, end=m.end,
                             modality=m.modality)
                  for m in ordered],
        plover=_majority(plover) if plover else None,
        weapons=list(dict.fromkeys(w.name for m in members for w in m.weapons)),
        categories=reconcile_categories(members),
    )
    event.summary = summarize(event)
    return event


# "the deadliest [attack] to target ...", "the first to strike ...": an infinitive after a
# superlative or an ordinal names a class of acts to compare with, not an act.
_CLASS_LEAD = re.compile(
    r"\b(?:\w+est|most \w+|least \w+|first|last|latest|only|second|third|worst|biggest)"
    r"(?:\s+\w+)?\s*$",
    re.IGNORECASE,
)


def is_generic(m: EventMention, documents: dict[str, Document]) -> bool:
    """True for a mention that only names a class of acts ("the deadliest to target
    American troops since ..."): an infinitive clause right after a superlative."""
    if not re.match(r"to\s", m.quote.lstrip(), re.IGNORECASE):
        return False
    doc = documents.get(m.doc_id)
    if doc is None:
        return False
    return bool(_CLASS_LEAD.search(doc.text[max(0, m.start - 40):m.start]))


def event_order(built: tuple[Event, list[EventMention]]) -> tuple[dt.date, str]:
    """Sort key of built events: by start date (undated last), then id."""
    ev = built[0]
    return ev.date.start if ev.date else dt.date.max, ev.id


def build_events(
    mentions: list[EventMention], documents: dict[str, Document]
) -> list[tuple[Event, list[EventMention]]]:
    """Cluster the mentions, reconcile each cluster's figures and assemble its ``Event``.

    Mentions that only name a class of acts (``is_generic``) make no event. Events come
    back in date order (undated last), each with the mentions it was built from.
    """
    kept = [m for m in mentions if not is_generic(m, documents)]
    out = [(assemble(c, documents), c) for c in cluster(kept, documents)]
    out.sort(key=event_order)
    return out
