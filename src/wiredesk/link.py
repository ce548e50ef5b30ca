"""Relations between events: who reacts to what, and the timeline of each chain.

Evidence is a sentence that ties two events with a causal cue ("in response to",
"to avenge", "retaliatory", "sparked", "following that attack, ... responded by").
``source`` is always the event that reacts, ``target`` the event it reacts to.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from wiredesk.merge import TfIdf, tokens
from wiredesk.models import Document, Event, EventMention, Evidence, Relation, RelationType

# Cue after the reacting event, before the event reacted to: "A in response to B".
_REACT_TO = re.compile(
    r"\b(in (?:direct )?response to|responding to|in retaliation (?:for|against)|"
    r"to avenge|in revenge for|in reprisal for|to retaliate (?:for|against)|"
    r"retaliat\w* (?:for|against)|after|following|in the wake of)\b",
    re.IGNORECASE,
)
# Cue after the cause, before its effect: "B sparked A".
_CAUSES = re.compile(
    r"\b(sparked|triggered|prompted|provoked|led to|leading to|spawned|kicked off|set off|"
    r"caused|touched off|resulted in)\b",
    re.IGNORECASE,
)
# A reaction whose object is left to the context: "Iran struck back, launching ...".
_REACTS = re.compile(
    r"\b(responded|struck back|hit back|retaliated|retaliatory|in retaliation|avenged|"
    r"retaliation)\b",
    re.IGNORECASE,
)
_RETALIATION_WORDS = re.compile(
    r"retaliat|aveng|revenge|reprisal|struck back|hit back|eye for an eye", re.IGNORECASE
)
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_WEAK_TEMPORAL = {"after", "following", "in the wake of"}
_STRENGTH: dict[RelationType, int] = {
    "retaliation_for": 3, "response_to": 2, "caused_by": 1, "follows": 0,
}
_NEAR_CHARS = 700  # how far back an unanchored "responded" looks for what it answers


@dataclass
class _Placed:
    event: Event
    mention: EventMention
    trig: int  # absolute offset of the trigger in its document


def _trigger_at(m: EventMention) -> int:
    k = m.quote.lower().find(m.trigger.lower()) if m.trigger else -1
    return m.start + (k if k >= 0 else 0)


def _kind(cue: str, source: Event, target: Event, near: str) -> RelationType:
    """retaliation_for when the words near the reacting act say so, or when one violent act
    answers another by a different perpetrator; caused_by for "sparked"-like cues;
    response_to for other reactions."""
    perps_s = {a.entity_id for a in source.actors if a.is_perpetrator}
    perps_t = {a.entity_id for a in target.actors if a.is_perpetrator}
    same_side = bool(perps_s & perps_t)  # nobody retaliates against their own act
    if not same_side:
        if _RETALIATION_WORDS.search(cue) or _RETALIATION_WORDS.search(near):
            return "retaliation_for"
        if source.event_type in _VIOLENT and target.event_type in _VIOLENT:
            return "retaliation_for"
    if _CAUSES.fullmatch(cue.strip()):
        return "caused_by"
    return "response_to"


def _date_ok(source: Event, target: Event) -> bool:
    if source.date is None or target.date is None:
        return True
    return target.date.start <= source.date.end and source.date.start >= target.date.start


class _DescriptionIndex:
    """TF-IDF of the events' descriptions, fitted once per run, queried with a cue's
    object ("the rocket attack in Kirkuk"): the cosine to every event sharing a term, in
    event order. Fitting per query made linking quadratic in the number of events."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.tf = TfIdf(texts)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, vec in enumerate(self.tf.vecs):
            for w in vec:
                self.postings[w].append(i)

    def similar(self, text: str) -> list[tuple[int, float]]:
        bag = Counter(tokens(text))
        vec = {w: (1.0 + math.log(c)) * self.tf.idf.get(w, 1.0) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        scores: dict[int, float] = defaultdict(float)
        for w, v in vec.items():
            for i in self.postings.get(w, ()):
                scores[i] += v / norm * self.tf.vecs[i][w]
        return sorted(scores.items())


def link(
    events: list[tuple[Event, list[EventMention]]], documents: dict[str, Document]
) -> list[Relation]:
    """Causal relations between events with evidence quotes, plus ``follows`` between
    consecutive events of each causal chain."""
    by_doc: dict[str, list[_Placed]] = defaultdict(list)
    all_events = [e for e, _ in events]
    for ev, ms in events:
        for m in ms:
            by_doc[m.doc_id].append(_Placed(ev, m, _trigger_at(m)))
    for placed in by_doc.values():
        placed.sort(key=lambda p: p.trig)
    # Describe each event by its mentions, for cues whose object is only described.
    desc_texts = [" ".join(dict.fromkeys(m.quote for m in ms)) for _, ms in events]
    found: dict[tuple[str, str], tuple[RelationType, list[Evidence]]] = {}

    def add(src: Event, tgt: Event, kind: RelationType, doc_id: str, quote: str) -> None:
        if src.id == tgt.id or not _date_ok(src, tgt):
            return
        key = (src.id, tgt.id)
        if (tgt.id, src.id) in found:
            return  # the first direction found wins; never both
        old_kind, ev = found.get(key, (kind, []))
        if _STRENGTH[kind] > _STRENGTH[old_kind]:
            old_kind = kind
        if all(e.quote != quote or e.doc_id != doc_id for e in ev):
            ev.append(Evidence(doc_id=doc_id, quote=quote))
        found[key] = (old_kind, ev)

    index = _DescriptionIndex(desc_texts)

    def describe(text: str, exclude: str) -> Event | None:
        best, score = None, 0.12
        for i, c in index.similar(text):
            ev = all_events[i]
            if ev.id != exclude and c > score:
                best, score = ev, c
        return best

    for doc_id, placed in by_doc.items():
        for p in placed:
            m, ev = p.mention, p.event
            quote = m.quote
            co = [o for o in placed if o.event.id != ev.id
                  and m.start <= o.trig < m.end]
            rel_trig = p.trig - m.start
            near = quote[max(0, rel_trig - 40): rel_trig + len(m.trigger) + 40]
            for effect in _CAUSES.finditer(quote, rel_trig + len(m.trigger)):
                # "A, which sparked B": the act told right after the cue, inside this
                # sentence, reacts to this one.
                after = [o for o in co if o.trig - m.start >= effect.end()]
                if after:
                    src, at = after[0], after[0].trig - m.start
                    around = quote[max(0, at - 40): at + len(src.mention.trigger) + 40]
                    add(src.event, ev, _kind(effect.group(0), src.event, ev, around), doc_id,
                        quote)
            if m.cause_text and _describes(m.cause_text):
                # The extractor's cause clause names what this act answers ("Following
                # that rocket attack"); a bare cue ("responded with") is read below.
                tgt = _resolve_text(m.cause_text, co, m, placed, describe, ev)
                if tgt is not None:
                    cue = _REACT_TO.search(m.cause_text) or _REACTS.search(m.cause_text)
                    word = cue.group(0) if cue else m.cause_text
                    add(ev, tgt, _kind(word, ev, tgt, near), doc_id, quote)
                    continue
            for cue in _REACT_TO.finditer(quote):
                word = cue.group(0).lower()
                if cue.start() > rel_trig:
                    # "A in response to B": the event after the cue is the target.
                    after = [o for o in co if o.trig - m.start > cue.end()]
                    tail = quote[cue.end():]
                    if not after and not tail.strip():
                        # The cue ends the quote: its object is the next clause.
                        after = [o for o in placed if m.end <= o.mention.start <= m.end + 3
                                 and o.event.id != ev.id]
                    tgt = after[0].event if after else describe(tail, ev.id)
                    if tgt is None:
                        continue
                    if word in _WEAK_TEMPORAL and not _REACTS.search(quote):
                        continue  # bare "after": a time order, not a reaction
                    add(ev, tgt, _kind(word, ev, tgt, near), doc_id, quote)
                elif word in _WEAK_TEMPORAL and not quote[: cue.start()].strip() and (
                    _REACTS.search(quote)
                ):
                    # "Following that attack, X responded by bombing ...".
                    before = [o for o in co if cue.end() <= o.trig - m.start < rel_trig]
                    clause = quote[cue.end(): rel_trig]
                    tgt = before[0].event if before else _nearest_before(
                        placed, p, clause, describe
                    )
                    if tgt is not None:
                        add(ev, tgt, _kind(word, ev, tgt, near), doc_id, quote)
            for cue in _CAUSES.finditer(quote):
                if cue.end() <= rel_trig:
                    # "B sparked A": A (this mention) reacts to B, before the cue or earlier.
                    before = [o for o in co if o.trig - m.start < cue.start()]
                    tgt = before[-1].event if before else _nearest_before(
                        placed, p, quote[: cue.start()], describe
                    )
                    if tgt is not None:
                        add(ev, tgt, _kind(cue.group(0), ev, tgt, near), doc_id, quote)
            if _REACTS.search(quote) and not _REACT_TO.search(quote):
                r = _REACTS.search(quote)
                # The reaction word must govern this mention's trigger, not another's.
                if r is not None and -len(m.trigger) - 15 <= rel_trig - r.end() <= 50:
                    tgt = _nearest_before(placed, p, "", None)
                    if tgt is not None:
                        add(ev, tgt, _kind(r.group(0), ev, tgt, near), doc_id, quote)
    relations = [
        Relation(source=s, target=t, type=k, evidence=ev) for (s, t), (k, ev) in found.items()
    ]
    relations.extend(_follows(relations, all_events, events))
    return relations


_CUE_WORDS = frozenset(re.findall(r"\w+", """
    in response responding to retaliation retaliate retaliated retaliatory for against
    avenge revenge reprisal after following the wake of responded respond with by struck
    hit back sparked triggered prompted provoked led spawned kicked off set caused touched
    resulted this that it these those"""))


def _describes(text: str) -> bool:
    """True when a cause text holds words beyond its cue ("that rocket attack")."""
    return any(w.lower() not in _CUE_WORDS for w in re.findall(r"[A-Za-z]+", text))


def _resolve_text(
    text: str, co: Sequence[_Placed], m: EventMention, placed: Sequence[_Placed],
    describe: object, ev: Event,
) -> Event | None:
    lo = m.quote.find(text)
    if lo >= 0:
        inside = [o for o in co if m.start + lo <= o.trig < m.start + lo + len(text)]
        if inside:
            return inside[0].event
    if callable(describe):
        found = describe(text, ev.id)
        return found if isinstance(found, Event) else None
    return None


def _nearest_before(
    placed: Sequence[_Placed], p: _Placed, clause: str, describe: object
) -> Event | None:
    """The closest earlier event mentioned in the same document (within a few sentences);
    with a clause, the one among them that the clause describes best."""
    prior = [o for o in placed if o.trig < p.mention.start and o.event.id != p.event.id
             and p.mention.start - o.trig <= _NEAR_CHARS and _date_ok(p.event, o.event)]
    if not prior:
        return None
    if clause.strip() and callable(describe):
        described = describe(clause, p.event.id)
        if isinstance(described, Event) and any(o.event.id == described.id for o in prior):
            return described
    return prior[-1].event


def _follows(
    relations: Sequence[Relation], all_events: Sequence[Event],
    events: Sequence[tuple[Event, list[EventMention]]],
) -> list[Relation]:
    """``follows`` between consecutive dated events of each causal chain."""
    first = {e.id: Evidence(doc_id=ms[0].doc_id, quote=ms[0].quote) for e, ms in events if ms}
    return follows(relations, all_events, first)


def follows(
    relations: Sequence[Relation], all_events: Sequence[Event], first: dict[str, Evidence]
) -> list[Relation]:
    """``follows`` between consecutive dated events of each causal chain made by
    ``relations`` among ``all_events``; each with ``first[later event]`` as evidence."""
    parent = {e.id: e.id for e in all_events}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in relations:
        parent[find(r.source)] = find(r.target)
    chains: dict[str, list[Event]] = defaultdict(list)
    linked = {r.source for r in relations} | {r.target for r in relations}
    for e in all_events:
        if e.id in linked and e.date is not None:
            chains[find(e.id)].append(e)
    out = []
    for chain in chains.values():
        chain.sort(key=lambda e: (e.date.start, e.date.end) if e.date else (None, None))
        for a, b in zip(chain, chain[1:], strict=False):
            ev = first.get(b.id)
            out.append(Relation(source=b.id, target=a.id, type="follows",
                                evidence=[ev] if ev else []))
    return out
