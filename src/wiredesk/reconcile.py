"""Reconcile the figures and categories that several reports give for one event.

UCDP-style: every claim is kept with its document, quote and attribution; one ``best``
value with ``low`` and ``high``; a status ``agreed`` / ``conflict`` / ``single``; and the
name of the written rule (docs/reconcile.md) that picked ``best``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from wiredesk.events.figures import NUMBER_WORDS
from wiredesk.models import (
    CategoryClaim,
    CategoryOut,
    Claim,
    Document,
    EventMention,
    FigureClaim,
    FigureOut,
    FigureStatus,
)

# Figures that count people hurt: they grow as reports come in, so a rise can be a revision.
TOLL_KINDS = frozenset({"fatalities", "injured"})

# Near-identical sentences in two outlets are one agency text republished.
WIRE_SIMILARITY = 90.0

_OFFICIAL = re.compile(
    r"\b(ministry|ministers?|pentagon|military|army|police|government|officials?|"
    r"spokes(?:man|woman|person)|statement|general|secretary|department|command|"
    r"authorit(?:y|ies)|forces|coalition|governor|president|prime minister)\b",
    re.IGNORECASE,
)
_REVISION = re.compile(
    r"\b(rose|risen|rising|climbed|increased|jumped|updated|revised|now stands|"
    r"later died|died later|succumbed|died of (?:their|his|her) wounds|toll)\b",
    re.IGNORECASE,
)
_APPROX = re.compile(
    r"\b(about|around|approximately|roughly|some|an estimated|nearly|almost)\s+"
    r"([0-9][0-9,]*|[a-z]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Range:
    lo: float
    hi: float | None  # None: open upwards ("at least 18")

    def meets(self, other: _Range) -> bool:
        top = min(
            self.hi if self.hi is not None else float("inf"),
            other.hi if other.hi is not None else float("inf"),
        )
        return max(self.lo, other.lo) <= top

    @property
    def exact(self) -> bool:
        return self.hi is not None and self.hi == self.lo


# A stated count: digits or a number word ("two", "dozen", "scores").
_CARDINAL = re.compile(
    r"\d|\b(?:" + "|".join(NUMBER_WORDS) + r"|dozens|scores|hundreds|thousands|"
    r"sixty|seventy|eighty|ninety|zero|no|none|nobody|anyone|single)\b",
    re.IGNORECASE,
)
# Words that make a count one part of a larger total: "also killed a soldier",
# "another two died", "including two Americans", "among them three children".
_PART_WORDS = r"(also|another|other|additional|further|including|among (?:them|the dead|those))"
# The part word right before the quote, at most one word between: "also killed | two".
_PART_LEAD = re.compile(r"\b" + _PART_WORDS + r"[\s,:]+(?:[\w-]+\s+)?$", re.IGNORECASE)


def is_partial(c: FigureClaim, context: str = "") -> bool:
    """True when a claim counts only some of the victims, so it bounds the total from
    below instead of stating it: the number was read off named or singled-out people
    ("killed a British soldier", "killed Gen. Soleimani": no count is stated), or words
    mark it as a part ("also killed", "including two Americans"). ``context`` is the text
    just before the claim's quote. Zero ("no one was killed") is always a total."""
    if c.value <= 0 or (c.low is not None and c.high is None):
        return False
    if not _CARDINAL.search(c.quote):
        return True
    return bool(_PART_LEAD.search(context))


def _claim_range(c: FigureClaim, partial: bool = False) -> _Range:
    """The set of true counts a claim allows (a partial count: its value or more)."""
    if partial:
        return _Range(float(c.low if c.low is not None else c.value), None)
    if c.low is not None or c.high is not None:
        lo = c.low if c.low is not None else c.value
        return _Range(float(lo), float(c.high) if c.high is not None else None)
    for m in _APPROX.finditer(c.quote):
        word = m.group(2).lower().replace(",", "")
        num = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
        if num != c.value:
            continue
        slack = max(1.0, round(0.05 * c.value))
        if m.group(1).lower() in ("nearly", "almost"):
            return _Range(c.value - slack, float(c.value))
        return _Range(c.value - slack, c.value + slack)
    return _Range(float(c.value), float(c.value))


def _specificity(r: _Range) -> int:
    """2 exact, 1 closed range, 0 open range (or partial count)."""
    if r.exact:
        return 2
    return 1 if r.hi is not None else 0


def _is_official(c: FigureClaim) -> bool:
    return bool(c.attributed_to and _OFFICIAL.search(c.attributed_to)) or bool(
        _OFFICIAL.search(c.quote)
    )


def _published(documents: dict[str, Document], doc_id: str) -> dt.date:
    doc = documents.get(doc_id)
    return doc.published if doc is not None and doc.published is not None else dt.date.min


def source_groups(
    claims: Sequence[FigureClaim], sentences: Sequence[str] | None = None
) -> list[int]:
    """Source number per claim: one document's claims with one attribution are one source,
    and wire copies (near-identical sentences in several documents) are one source.

    ``sentences`` (optional, one per claim) are the sentences the claims stand in; without
    them the claim quotes are compared (short quotes such as "killed a soldier" then look
    like copies more often than they are)."""
    parent = list(range(len(claims)))
    text = list(sentences) if sentences is not None else [c.quote for c in claims]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def attr(c: FigureClaim) -> str:
        return (c.attributed_to or "").strip().lower()

    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            a, b = claims[i], claims[j]
            same = (a.doc_id == b.doc_id and attr(a) == attr(b)) or (
                a.doc_id != b.doc_id and fuzz.ratio(text[i], text[j]) >= WIRE_SIMILARITY
            )
            if same:
                parent[find(i)] = find(j)
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(len(claims))]


def _dedupe(claims: list[tuple[FigureClaim, str]]) -> list[tuple[FigureClaim, str]]:
    seen: set[tuple[str, int, int, int]] = set()
    out = []
    for c, ctx in claims:
        key = (c.doc_id, c.start, c.end, c.value)
        if key not in seen:
            seen.add(key)
            out.append((c, ctx))
    return out


def reconcile_figure(
    kind: str, claims: Sequence[FigureClaim], documents: dict[str, Document],
    contexts: Sequence[str] | None = None,
) -> FigureOut:
    """Reconcile the claims of one figure kind for one event (rules in docs/reconcile.md).

    ``contexts`` (optional, one per claim) are the sentences that state the claims: they
    tell partial counts ("also killed a soldier") and wire copies apart.
    """
    ctxs = list(contexts) if contexts is not None else [""] * len(claims)
    pairs = sorted(
        _dedupe(list(zip(claims, ctxs, strict=True))),
        key=lambda p: (_published(documents, p[0].doc_id), p[0].doc_id, p[0].start),
    )
    cl = [c for c, _ in pairs]
    sentences = [ctx or c.quote for c, ctx in pairs]
    part = [is_partial(c, _lead(c, ctx)) for c, ctx in pairs]
    if not kind.startswith("munitions"):
        part = parts_of_one_report(cl, sentences, part)
    ranges = [_claim_range(c, p) for c, p in zip(cl, part, strict=True)]
    groups = source_groups(cl, sentences)
    n_sources = len(set(groups))
    clashes = [
        (i, j) for i in range(len(cl)) for j in range(i + 1, len(cl))
        if not ranges[i].meets(ranges[j])
    ]
    # Totals (not partial counts) set low and high; a partial count only raises the floor.
    whole_idx = [k for k, p in enumerate(part) if not p]
    totals = [ranges[k] for k in whole_idx] or ranges
    floor = max((r.lo for r, p in zip(ranges, part, strict=True) if p), default=0.0)
    stated: list[int] = [
        v if (v := cl[k].low) is not None else cl[k].value for k in whole_idx
    ]
    lo = max(floor, min(stated)) if stated else floor
    finite = [r.hi for r in totals if r.hi is not None]
    top = max(finite) if finite else None
    open_top = any(r.hi is None and (top is None or r.lo >= top) for r in totals)
    high = None if open_top or top is None else int(top)
    out_claims = [
        Claim(value=c.value, low=c.low, high=c.high, doc_id=c.doc_id, quote=c.quote,
              attributed_to=c.attributed_to, modality=c.modality)
        for c in cl
    ]
    status: FigureStatus
    if not clashes:
        status = "single" if n_sources == 1 else "agreed"
        best, rule = _agreed_best(cl, ranges, groups)
    elif kind in TOLL_KINDS and _is_revision(cl, clashes, documents):
        status = "single" if n_sources == 1 else "agreed"
        best, rule = cl[-1].value, "revision:latest-toll"
    else:
        status = "conflict"
        whole = [c for c, p in zip(cl, part, strict=True) if not p] or cl
        if kind == "fatalities":
            best, rule = _conservative_best(whole, documents)
        else:
            best, rule = _latest_official_best(cl, ranges, groups, documents)
    if high is not None and best > high:
        high = best
    return FigureOut(
        value=best, low=int(min(lo, best)), high=high, status=status, claims=out_claims,
        rule=rule,
    )


_PART_RATIO = 10


def parts_of_one_report(
    cl: Sequence[FigureClaim], sentences: Sequence[str], part: Sequence[bool]
) -> list[bool]:
    """Mark as partial the smaller counts a report gives beside its own larger total.

    One report that says "13 civilians were killed" and, sentences later, "9 persons were
    killed" in two of the districts, or "26 killed" and "an air strike hit the hospital,
    killing 14", is counting a part, not contradicting itself. A smaller total of one
    document, stated in another sentence than a larger one, becomes a partial count (a
    lower bound). Left a total: when both claims name their source and the sources differ
    ("the Observatory said 30" against "state media said 12" is a disagreement reported
    by one outlet), claims in one sentence (a contrast is usually drawn in one), and a
    count under a tenth of the larger (a war's toll beside one attack's: another scope,
    not a sum of parts)."""
    out = list(part)
    whole = [None if p else _claim_range(c) for c, p in zip(cl, part, strict=True)]
    for k, (c, rk) in enumerate(zip(cl, whole, strict=True)):
        if rk is None or rk.hi is None:
            continue
        for j, (d, rj) in enumerate(zip(cl, whole, strict=True)):
            if (
                j == k or rj is None or d.doc_id != c.doc_id or sentences[j] == sentences[k]
                or rj.lo <= rk.hi or rj.lo > _PART_RATIO * rk.hi
            ):
                continue
            a, b = (c.attributed_to or "").strip().lower(), (d.attributed_to or "").strip().lower()
            if a and b and a != b:
                continue
            out[k] = True
            break
    return out


def _lead(c: FigureClaim, sentence: str) -> str:
    """The words of ``sentence`` just before the claim's quote ("" if not found)."""
    k = sentence.find(c.quote) if sentence else -1
    return sentence[max(0, k - 40):k] if k > 0 else ""


def _agreed_best(
    cl: Sequence[FigureClaim], ranges: Sequence[_Range], groups: Sequence[int]
) -> tuple[int, str]:
    lo = max(r.lo for r in ranges)
    his = [r.hi for r in ranges if r.hi is not None]
    hi = min(his) if his else None
    # The exact figure every claim allows, backed by the most independent sources.
    support: dict[int, set[int]] = defaultdict(set)
    for c, r, g in zip(cl, ranges, groups, strict=True):
        if r.exact and lo <= c.value and (hi is None or c.value <= hi):
            support[c.value].add(g)
    if support:
        value = max(support, key=lambda v: (len(support[v]), -v))
        return value, "single" if len(set(groups)) == 1 else "agreed:exact-figure"
    return int(lo), "single" if len(set(groups)) == 1 else "agreed:lowest-common-bound"


def _is_revision(
    cl: Sequence[FigureClaim], clashes: Sequence[tuple[int, int]],
    documents: dict[str, Document],
) -> bool:
    """A rising toll: every clash is an earlier lower figure against a later higher one
    whose sentence says the toll was updated."""
    for i, j in clashes:
        a, b = cl[i], cl[j]  # sorted by publication
        if not (_published(documents, a.doc_id) < _published(documents, b.doc_id)):
            return False
        if not (a.value < b.value and _REVISION.search(b.quote)):
            return False
    return True


def _superseded(
    c: FigureClaim, cl: Sequence[FigureClaim], documents: dict[str, Document]
) -> bool:
    pc = _published(documents, c.doc_id)
    return any(
        _published(documents, d.doc_id) > pc
        and _is_official(d)
        and _specificity(_claim_range(d)) >= _specificity(_claim_range(c))
        for d in cl
    )


def _conservative_best(
    cl: Sequence[FigureClaim], documents: dict[str, Document]
) -> tuple[int, str]:
    live = [c for c in cl if not _superseded(c, cl, documents)]
    if len(live) < len(cl):
        return min(c.value for c in live), "fatalities:superseded-then-most-conservative"
    return min(c.value for c in cl), "fatalities:most-conservative"


def _latest_official_best(
    cl: Sequence[FigureClaim], ranges: Sequence[_Range], groups: Sequence[int],
    documents: dict[str, Document],
) -> tuple[int, str]:
    support: Counter[int] = Counter()
    for v, vs in _values_by_source(cl, groups).items():
        support[v] = len(vs)
    spec = {id(c): _specificity(r) for c, r in zip(cl, ranges, strict=True)}
    best = max(
        cl,
        key=lambda c: (
            _is_official(c), _published(documents, c.doc_id), spec[id(c)],
            support[c.value], -c.value,
        ),
    )
    return best.value, "latest-official-specific"


def _values_by_source(cl: Sequence[FigureClaim], groups: Sequence[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for c, g in zip(cl, groups, strict=True):
        out[c.value].add(g)
    return out


def reconcile(
    mentions: list[EventMention], documents: dict[str, Document]
) -> dict[str, FigureOut]:
    """Every figure kind the mentions of one event state, reconciled.

    Claims marked ``aggregate`` (totals over several events) are left out, and so are
    claims from mentions that deny or only threaten the event; a claim without a
    modality of its own takes its mention's (asserted or alleged).
    """
    by_kind: dict[str, list[FigureClaim]] = defaultdict(list)
    ctx_by_kind: dict[str, list[str]] = defaultdict(list)
    for m in mentions:
        if m.modality in ("denied", "hypothetical", "threat"):
            continue
        for f in m.figures:
            if f.modality in ("denied", "hypothetical", "threat"):
                continue
            if not f.aggregate:
                if f.modality is None:
                    f = f.model_copy(update={"modality": m.modality})
                by_kind[f.kind].append(f)
                ctx_by_kind[f.kind].append(_sentence(f, m, documents))
    return {
        k: reconcile_figure(k, v, documents, ctx_by_kind[k])
        for k, v in sorted(by_kind.items())
    }


def _sentence(f: FigureClaim, m: EventMention, documents: dict[str, Document]) -> str:
    """The text a claim stands in: its mention's quote when the claim lies inside it,
    else the sentence around the claim in its document."""
    if m.start <= f.start and f.end <= m.end and f.quote in m.quote:
        return m.quote
    doc = documents.get(f.doc_id)
    if doc is None or doc.text[f.start:f.end] != f.quote:
        return f.quote
    text = doc.text
    lo = max(text.rfind(". ", 0, f.start), text.rfind("\n", 0, f.start)) + 1
    hi_dot = text.find(". ", f.end)
    hi = len(text) if hi_dot < 0 else hi_dot + 1
    return text[lo:hi].strip()


# --- categories -----------------------------------------------------------------------


# Modifiers of one weapon that exclude each other: a missile is cruise or ballistic.
_EXCLUSIVE = [
    frozenset({"cruise", "ballistic"}),
    frozenset({"short-range", "medium-range", "intermediate-range", "long-range",
               "intercontinental"}),
    frozenset({"surface-to-air", "surface-to-surface", "air-to-surface", "anti-ship"}),
    frozenset({"fixed-wing", "helicopter"}),
]

# What a strike hit, by class; attributed reports naming disjoint classes disagree.
_TARGET_CLASSES = [
    ("weapons storage", re.compile(
        r"\b(weapons?|arms|ammunition|munitions?)\s+(depots?|facilit(?:y|ies)|storage|"
        r"stores|caches?|warehouses?)|storage facilit(?:y|ies)|\bdepots?\b", re.I)),
    ("headquarters", re.compile(r"\bheadquarters\b", re.I)),
    ("military and police posts", re.compile(
        r"\b(army|police|military|security forces?)\b[^.]{0,40}\b(posts?|bases?|positions?|"
        r"barracks|checkpoints?)\b|\bbases? of\b|\bcommandos?\b|\bcheckpoints?\b", re.I)),
    ("training camps", re.compile(r"\b(training )?camps?\b", re.I)),
    # "house" as a verb ("facilities used to house weapons", "a base that houses
    # troops") names what a site holds, not a home.
    ("residential buildings", re.compile(
        r"\b(homes?|residential|apartments?)\b|(?<!\bto )(?<!\bthat )(?<!\bwhich )"
        r"\bhouses?\b(?!\s+(?:weapons|arms|ammunition|troops|forces|soldiers|personnel|"
        r"coalition|american|u\.s\.|us|the|a|an)\b)", re.I)),
]
_HIT_VERB = re.compile(r"\b(target\w*|hit|hits|struck|strikes?|bomb\w*|destroy\w*|sites?)\b",
                       re.I)


def _weapon_key(name: str) -> tuple[str, frozenset[str]]:
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", name)]
    if not words:
        return "", frozenset()
    head = words[-1][:-1] if words[-1].endswith("s") and len(words[-1]) > 3 else words[-1]
    return head, frozenset(words[:-1])


def weapons_clash(a: str, b: str) -> bool:
    """True when two weapon names cannot describe the same weapons (cruise vs ballistic
    missiles); different weapons of different kinds can both have been used."""
    ha, ma = _weapon_key(a)
    hb, mb = _weapon_key(b)
    if ha != hb:
        return False
    return any((ma & grp) and (mb & grp) and not (ma & mb & grp) for grp in _EXCLUSIVE)


def _targets(quote: str) -> list[str]:
    if not _HIT_VERB.search(quote):
        return []
    return [name for name, rx in _TARGET_CLASSES if rx.search(quote)]


def _reconcile_category(
    claims: list[CategoryClaim], clash: dict[tuple[str, str], bool]
) -> CategoryOut:
    values = list(dict.fromkeys(c.value for c in claims))
    sources: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        sources[c.value].add(c.doc_id)
    conflicts = [(a, b) for (a, b), bad in clash.items() if bad]
    docs = {c.doc_id for c in claims}
    status: FigureStatus = "conflict" if conflicts else ("single" if len(docs) == 1 else "agreed")
    best = max(values, key=lambda v: (len(sources[v]), -values.index(v))) if values else None
    rule = "most-sources" if conflicts else ("single" if status == "single" else "agreed")
    return CategoryOut(value=best, values=values, status=status, claims=claims, rule=rule,
                       conflicts=conflicts)


def reconcile_categories(mentions: list[EventMention]) -> dict[str, CategoryOut]:
    """Categorical facts of one event across its mentions: ``weapon`` (conflict when the
    same weapon is named with exclusive kinds, e.g. cruise vs ballistic missiles) and
    ``target_hit`` (conflict when differently attributed reports name disjoint kinds of
    target, e.g. weapons depots vs army and police posts)."""
    out: dict[str, CategoryOut] = {}
    weapon_claims: list[CategoryClaim] = []
    for m in mentions:
        for w in m.weapons:
            weapon_claims.append(CategoryClaim(value=w.name, doc_id=m.doc_id, quote=m.quote,
                                               attributed_to=m.attributed_to,
                                               modality=m.modality))
    if weapon_claims:
        vals = list(dict.fromkeys(c.value for c in weapon_claims))
        clash = {(a, b): weapons_clash(a, b) for i, a in enumerate(vals) for b in vals[i + 1:]}
        out["weapon"] = _reconcile_category(weapon_claims, clash)
    target_claims: list[CategoryClaim] = []
    by_source: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.modality in ("denied", "hypothetical", "threat"):
            continue
        for t in _targets(m.quote):
            target_claims.append(CategoryClaim(value=t, doc_id=m.doc_id, quote=m.quote,
                                               attributed_to=m.attributed_to,
                                               modality=m.modality))
            by_source[(m.attributed_to or m.doc_id).lower()].add(t)
    if target_claims:
        vals = list(dict.fromkeys(c.value for c in target_claims))
        srcs = list(by_source.values())

        def disagree(a: str, b: str) -> bool:
            # Conflict: one source names only a, another only b.
            return any(a in s and b not in s for s in srcs) and any(
                b in s and a not in s for s in srcs
            )

        clash = {(a, b): disagree(a, b) for i, a in enumerate(vals) for b in vals[i + 1:]}
        out["target_hit"] = _reconcile_category(target_claims, clash)
    return out
