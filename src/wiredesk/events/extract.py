"""Event mentions from one parsed document.

For each sentence: find trigger words (verbs and nouns of attack, killing, clashes,
protest, arrest, deployment, agreement...), drop those that are threats, hypotheticals,
generic statements, analysis or quotes, group the rest into events by the parse (the
killing in "rockets were fired ..., killing two" belongs to the firing), give each event
the region of the sentence its trigger governs, and assign to it the time expressions,
places, figures, weapons and actors found in that region. A clause naming an earlier act
("in response to a rocket attack that killed ...") becomes its own background mention.
Sentences that only add figures to the event just told ("Of these, 18 landed") add them
to that mention instead of making a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, KeysView, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wiredesk.events.attribution import SAY_LEMMAS, attribution, modality
from wiredesk.events.figures import NUMBER_WORDS, PERSON_NOUNS, find_figures, launcher_fired
from wiredesk.events.taxonomy import event_type, plover
from wiredesk.events.weapons import find_weapons
from wiredesk.models import (
    ActorRef,
    Document,
    Entity,
    EventMention,
    FigureClaim,
    Interval,
    Place,
    Precision,
    Timex,
    Weapon,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from wiredesk.actors import ActorResolver

# --- trigger lexicon -------------------------------------------------------------------

# verbs whose lemma alone makes an event of the category
_VERB_TRIGGERS: dict[str, str] = {
    "attack": "attack", "bomb": "attack", "shell": "attack", "bombard": "attack",
    "ambush": "clash", "assault": "attack", "raid": "attack", "pound": "attack",
    "kill": "casualty", "wound": "casualty", "injure": "casualty", "die": "casualty",
    "murder": "casualty", "behead": "casualty", "execute": "casualty", "slay": "casualty",
    "assassinate": "casualty",
    "clash": "clash", "fight": "clash", "battle": "clash",
    "abduct": "abduct", "kidnap": "abduct", "rape": "sexual",
    "arrest": "arrest", "detain": "arrest", "apprehend": "arrest",
    "protest": "protest", "demonstrate": "protest", "rally": "protest", "riot": "riot",
    "loot": "loot", "torch": "loot", "ransack": "loot",
    "recapture": "territory", "retake": "territory", "overrun": "territory",
    "liberate": "territory",
    "deploy": "deploy", "agree": "agreement", "sign": "agreement",
    "intercept": "disrupt", "defuse": "disrupt",
    "explode": "explosion", "detonate": "explosion",
}
# verbs that are events only with a weapon or attack word in their clause
_WEAPON_VERBS: dict[str, str] = {
    "fire": "attack", "launch": "attack", "hit": "attack", "strike": "attack",
    "target": "attack", "shoot": "attack", "rock": "attack", "storm": "storm",
    "capture": "territory", "seize": "territory", "land": "attack", "fall": "attack",
}
_NOUN_TRIGGERS: dict[str, str] = {
    "attack": "attack", "strike": "attack", "airstrike": "attack", "raid": "attack",
    "bombing": "attack", "shelling": "attack", "barrage": "attack",
    "bombardment": "attack", "explosion": "explosion", "blast": "explosion",
    "clash": "clash", "fighting": "clash", "battle": "clash", "ambush": "clash",
    "assault": "attack", "offensive": "clash", "firefight": "clash", "gunfight": "clash",
    "protest": "protest", "demonstration": "protest", "rally": "protest", "riot": "riot",
    "siege": "storm", "storming": "storm", "arrest": "arrest", "deployment": "deploy",
    "agreement": "agreement", "ceasefire": "agreement", "truce": "agreement",
    "kidnapping": "abduct", "abduction": "abduct", "massacre": "casualty",
    "shooting": "attack", "killing": "casualty", "assassination": "casualty",
    "death": "casualty", "injury": "casualty", "slaying": "casualty", "beating": "casualty",
    "detonation": "explosion",
    "discharge": "attack", "salvo": "attack", "volley": "attack",
}
_NOT_EVENT_NOUN_HEADS = frozenset({"helicopter", "helicopters", "aircraft", "dog", "dogs",
                                   "plane", "planes", "submarine", "force", "group",
                                   "capability", "capabilities"})
# people fired on: "fired at the deputy", "fired into the crowd"
_PERSONS_FIRED_ON = frozenset({
    "deputy", "deputies", "officer", "officers", "trooper", "troopers", "police", "man",
    "woman", "men", "women", "people", "crowd", "victim", "victims", "driver", "group",
    "him", "her", "them", "agents", "agent", "protesters", "students", "customers"})
# nouns that make "fire", "launch", "hit" ... an attack
_ATTACK_WORDS = re.compile(
    r"\b(?:rockets?|missiles?|mortars?|shells?|projectiles?|drones?|bombs?|grenades?|"
    r"artillery|katyushas?|warplanes?|jets?|aircraft|air ?strikes?|strikes?|airstrikes?|"
    r"raids?|attacks?|fire|gunfire|bullets?|explosives?|launchers?|gunmen|troops|forces|"
    r"militants?|militias?|base|bases|positions?|convoy|checkpoint)\b",
    re.I,
)
_ATTACK_NOUNS = re.compile(
    r"\b(?:air ?strikes?|airstrikes?|strikes?|raids?|attacks?|bullets?|fire|gunfire|"
    r"shells?|barrage|volley|salvo|explosions?|blasts?)\b",
    re.I,
)
# heads that turn a trigger noun into a reference to another act
_REFERENCE_PREPS = re.compile(
    r"\b(?:in (?:direct )?response to|responding to|in retaliation for|retaliat\w* for|"
    r"to avenge|avenging|in revenge for|revenge for|after|following|since|in the wake of|"
    r"comparable to|similar to|similarities to|like|blamed \w+(?: \w+){0,3} for|for)\s+"
    r"(?:\w+\s+){0,6}$",
    re.I,
)
_CAUSE = re.compile(
    r"\b(?:in (?:direct )?response to|responding to|responded(?: by| with)?|in retaliation "
    r"(?:for|to)|retaliatory|retaliat\w*|to avenge|avenging|in revenge for|revenge for|"
    r"sparked|triggered|led to|leading to|in the wake of|struck back|hit back|"
    r"kicked off|spawned|prompted|provoked|following that (?:rocket )?attack)\b",
    re.I,
)
# a sentence that says what an act hit ("targeted five storage facilities", "hit sites")
_HIT_WHAT = re.compile(r"\b(?:targeted|hit|struck|destroyed)\b[^.;]{0,60}\b(?:facilit(?:y|ies)|"
                       r"depots?|sites|posts|headquarters|camps|warehouses|storage)\b", re.I)
_SITES_WERE = re.compile(r"^\W*(?:The|Those|These)\s+(?:sites|targets|facilities|locations|"
                         r"positions)\s+(?:were|included|was)\b")
_THREATENED = re.compile(r"\b(?:threaten\w*|vow\w*|warn\w*|promis\w*|pledg\w*)\s+"
                         r"(?:\w+\s+){0,2}$", re.I)
_GENERIC = re.compile(
    r"\b(?:generally|usually|often|always|frequently|more frequently|routinely|"
    r"typically|regularly|for years|continue to|continues to|matter of time|near-daily|"
    r"every time|since then)\b",
    re.I,
)
# markers that make only the noun after them generic ("a spiral of attacks")
_GENERIC_BEFORE = re.compile(
    r"\b(?:series|spiral|cycle|round|wave|string|rise|surge|spate|number|kind|type)\s+of\s+"
    r"(?:[\w-]+\s+){0,3}$|\bsince last (?:summer|year|spring|fall|winter)\b",
    re.I,
)
# adjectives that make the act a habit, not one act
_HABITUAL = frozenset({"frequent", "constant", "regular", "incessant", "daily", "nightly",
                       "near-daily", "routine", "continual", "persistent", "sporadic"})
_HYPO_MODIFIERS = frozenset({"imminent", "planned", "possible", "potential", "future",
                             "further", "more", "larger", "new", "another", "prospective",
                             "likely", "expected", "threatened", "retaliatory-threat"})
_AIR = re.compile(r"\b(?:air ?strikes?|airstrikes?|air raids?|war ?planes?|fighter jets?|"
                  r"jets?|aircraft|drones?|helicopters?|gunships?|bombing raids?|aerial)\b",
                  re.I)
_CIVILIAN = re.compile(r"\b(?:civilians?|villagers?|residents?|passers-by|worshippers?|"
                       r"children|women|students?|journalists?|contractors?|interpreters?|"
                       r"protesters?|pilgrims?|farmers?|shoppers?|passengers?|"
                       r"bystanders?|families|family)\b", re.I)
_NATIONALITY = {
    "us": "US", "u.s.": "US", "american": "US", "america": "US", "united states": "US",
    "iranian": "Iran", "iran": "Iran", "iraqi": "Iraq", "iraq": "Iraq", "israeli": "Israel",
    "russian": "Russia", "ukrainian": "Ukraine", "syrian": "Syria", "turkish": "Turkey",
    "saudi": "Saudi Arabia", "british": "UK", "french": "France",
}
_NAT_FORCES = {
    "US": "US forces", "Iran": "Iranian forces", "Iraq": "Iraqi forces",
    "Israel": "Israeli forces", "Russia": "Russian forces", "Ukraine": "Ukrainian forces",
    "Syria": "Syrian forces", "Turkey": "Turkish forces", "Saudi Arabia": "Saudi forces",
    "UK": "British forces", "France": "French forces",
}
_QUOTE = re.compile(r"“[^”]*”|\"[^\"]*\"")
_RESPONSIBLE = re.compile(
    r"\b(?:believed to be (?:responsible|behind)|(?:is|are|was|were) responsible|"
    r"claimed responsibility|suspected of|blamed for|behind the attack)\b",
    re.I,
)
_ALLEGING = re.compile(r"\b(?:believed|suspected|blamed)\b", re.I)
# words on a doer's own name that make it a suspect: "suspected militants attacked"
_HEDGED_DOER = frozenset({"suspected", "alleged", "presumed", "purported", "reputed"})


def _hedged_doer(name: Token, path: list[Token]) -> bool:
    """Whether the words naming a doer, or tying it to the act, only suspect it:
    "suspected militants attacked", "strikes allegedly carried out by government
    troops"."""
    # the noun phrase of the name: "air raids by suspected Russian jets"
    for p in path[:-1]:
        if p is not name and p.pos_ not in {"NOUN", "PROPN"}:
            break
        if any(c.lower_ in _HEDGED_DOER for c in p.children if c.dep_ in {"amod", "advmod"}):
            return True
    return any(c.dep_ == "advmod" and c.lower_ in _HEDGED_TIE
               for p in path[1:-1] for c in p.children)


_HEDGED_TIE = frozenset({"allegedly", "reportedly", "purportedly", "supposedly"})
_DRAWDOWN = re.compile(
    r"\b(?:ordered|orders|order)\b[^.]{0,40}\b(?:personnel|staff|employees|diplomats|"
    r"citizens)\b[^.]{0,20}\b(?:to leave|to depart|departure|evacuat\w*)|"
    r"\b(?:evacuat\w+|withdr[ae]w\w*|drawdown|draw down)\b[^.]{0,30}\b(?:embassy|"
    r"diplomat\w*|personnel|staff)\b|\bordered departure\b",
    re.I,
)


# --- candidate events -------------------------------------------------------------------


@dataclass
class _Cand:
    trigger: Token
    category: str
    anchor: Token  # the token whose subtree is the event's region
    members: list[Token] = field(default_factory=list)
    reference: bool = False
    region: set[int] = field(default_factory=set)

    @property
    def i(self) -> int:
        return self.trigger.i


def _units(sdoc: Doc) -> list[Span]:
    """Sentences, split again at line breaks (headlines and datelines run into text)."""
    out: list[Span] = []
    for sent in sdoc.sents:
        start = sent.start
        for tok in sent:
            if tok.i > start and ("\n" in tok.text or "\n" in sdoc[tok.i - 1].whitespace_):
                span = sdoc[start:tok.i]
                if span.text.strip():
                    out.append(span)
                start = tok.i
        span = sdoc[start:sent.end]
        if span.text.strip():
            out.append(span)
    return _join_titles(out)


# Rank and courtesy titles written with a dot: the parser often ends a sentence at
# "Lance Cpl." and starts a new one at the name.
_TITLE_ABBR = frozenset({"cpl", "sgt", "gen", "lt", "col", "maj", "capt", "adm", "pvt",
                         "pfc", "spc", "cmdr", "brig", "sen", "rep", "gov", "dr", "mr",
                         "mrs", "ms", "prof", "rev", "sgts", "lt.col", "st"})


def _join_titles(units: list[Span]) -> list[Span]:
    """Join a unit cut after a title abbreviation ("killing British Lance Cpl.") to the
    unit that carries the name ("Brodie Gillon, 26, ...") on the same line."""
    out: list[Span] = []
    for span in units:
        if out:
            prev = out[-1]
            sdoc = prev.doc
            last = sdoc[prev.end - 1]
            title = sdoc[prev.end - 2] if prev.end - 2 >= prev.start else None
            if last.text == "." and title is not None and title.lower_ in _TITLE_ABBR \
                    and not title.whitespace_ and "\n" not in last.whitespace_ \
                    and span.start == prev.end and span[0].text[:1].isupper():
                out[-1] = sdoc[prev.start:span.end]
                continue
        out.append(span)
    return out


def _in_quotes(sent: Span) -> list[tuple[int, int]]:
    base = sent.start_char
    return [(base + m.start(), base + m.end()) for m in _QUOTE.finditer(sent.text)]


def _trigger_category(tok: Token, sent_text: str, weapons_in_sent: bool) -> str | None:
    lemma = tok.lemma_.lower()
    low = tok.lower_
    if tok.pos_ in {"VERB", "AUX"} or (tok.tag_.startswith("VB")):
        if lemma in _VERB_TRIGGERS:
            return _VERB_TRIGGERS[lemma]
        if lemma == "open" and any(c.dep_ == "dobj" and c.lower_ == "fire"
                                   for c in tok.children):
            return "attack"  # "a gunman opened fire on officers"
        if lemma in _WEAPON_VERBS:
            if lemma in {"land", "fall"}:
                # "18 landed", "rockets fell inside the base": munitions as subject
                if any(c.dep_ == "nsubj" and re.search(r"rocket|missile|mortar|shell|"
                                                       r"projectile|drone|\d", c.text, re.I)
                       for c in tok.children):
                    return "attack"
                return None
            if lemma in {"capture", "seize"}:
                return "territory"
            if lemma == "shoot":
                if any(c.lower_ == "down" for c in tok.children):
                    return "disrupt"  # "shot down a drone"
                return "attack"
            if lemma == "storm":
                return "storm"
            if lemma == "fire" and any(
                    c.dep_ == "prep" and c.lower_ in {"at", "on", "upon", "into"} and any(
                        g.dep_ == "pobj" and (g.lower_ in _PERSONS_FIRED_ON
                                              or g.ent_type_ == "PERSON")
                        for g in c.children) for c in tok.children):
                return "attack"  # "Hall fired at the deputy", "fired on the crowd"
            args = " ".join(t.text for c in tok.children
                            if c.dep_ in {"nsubj", "nsubjpass", "dobj", "agent", "prep"}
                            for t in c.subtree)
            if find_weapons(args) or _ATTACK_NOUNS.search(args):
                return _WEAPON_VERBS[lemma]
        return None
    if tok.pos_ in {"NOUN", "PROPN"}:
        key = lemma if lemma in _NOUN_TRIGGERS else low
        if key.endswith("s") and key[:-1] in _NOUN_TRIGGERS:
            key = key[:-1]
        if key in _NOUN_TRIGGERS:
            if tok.dep_ == "compound" and tok.head.lower_ in _NOT_EVENT_NOUN_HEADS:
                return None
            return _NOUN_TRIGGERS[key]
        if low in {"air", "drone"} and tok.head.lemma_ in {"strike", "raid", "attack"}:
            return None
    return None


def _is_reference(tok: Token, sent: Span) -> bool:
    """A noun naming another act the sentence relates to ("in response to a rocket
    attack", "to avenge a rocket attack", "similarities to an attack in Qayara")."""
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return False
    before = sent.text[max(0, tok.idx - 80 - sent.start_char):tok.idx - sent.start_char]
    if _REFERENCE_PREPS.search(before):
        # the path from the noun up must pass a preposition or "avenge"
        head = tok.head
        for _ in range(4):
            if head.lower_ in {"to", "after", "following", "since", "for", "like", "of"} or \
                    head.lemma_ in {"avenge", "respond", "follow"}:
                return True
            if head.head.i == head.i:
                break
            head = head.head
    return False


def _generic(tok: Token, sent: Span) -> bool:
    """A statement about attacks in general, not one act."""
    if _GENERIC.search(sent.text):
        return True
    before = sent.text[max(0, tok.idx - 40 - sent.start_char):tok.idx - sent.start_char]
    if _GENERIC_BEFORE.search(before):
        return True
    if tok.pos_ == "NOUN" and tok.tag_ == "NNS" and re.search(
        r"\bsince last (?:summer|year|spring|fall|winter)\b", sent.text, re.I
    ):
        return True
    # the act, the verbs it hangs from, and acts named as their object, subject or
    # agent ("killed by constant air strikes"; not "regular army troops attacked")
    args = [*(c for c in tok.children if c.dep_ in {"dobj", "nsubj"}),
            *(g for c in tok.children if c.dep_ == "agent" for g in c.children)]
    near = [tok]
    cur = tok
    for _ in range(2):
        # "suffer daily shelling"; "carried out near-daily strikes ..., killing hundreds
        # of people" (the victims' noun is the trigger of a toll)
        if cur.dep_ not in {"dobj", "advcl", "xcomp"}:
            break
        cur = cur.head
        near.append(cur)
        args += [c for c in cur.children if c.dep_ == "dobj"]
    near += [a for a in args if a.lemma_.lower() in _NOUN_TRIGGERS]
    if any(c.dep_ in {"amod", "advmod"} and c.lower_ in _HABITUAL
           for a in near for c in a.children):
        return True  # "groups launch frequent attacks", "residents suffer daily shelling"
    if tok.pos_ == "NOUN" and tok.tag_ == "NNS":
        for c in tok.children:
            if c.dep_ == "nummod" and c.lower_ not in {"one", "1"}:
                return True  # "at least four rocket attacks"
            if c.lower_ in {"previous", "recent", "past", "earlier", "such", "these", "those",
                            "some", "many", "several", "other"}:
                return True
    return False


_DEPLOY_WORDS = re.compile(
    r"\b(?:troops|forces|soldiers|personnel|equipment|defen[cs]es|batteries|missiles|units|"
    r"ships|carriers?|warships|jets|aircraft|reinforcements|marines|brigades?|battalions?|"
    r"systems?|destroyers?|bombers|paratroopers)\b",
    re.I,
)
_AGREE_OBJECTS = re.compile(r"\b(?:agreement|deal|accord|treaty|ceasefire|cease-fire|"
                            r"memorandum|pact|truce|declaration|protocol)\b", re.I)


def _not_an_act(tok: Token, cat: str) -> bool:
    """Trigger words that, here, do not report an act."""
    # "the Islamic Republic's most direct attack on America since 1979": a comparison
    # describes an act already named, it is not a new one
    if tok.pos_ in {"NOUN", "PROPN"} and any(
        c.lower_ in {"most", "deadliest", "latest", "biggest", "largest", "worst",
                     "bloodiest", "first", "boldest"}
        for t in [tok, *tok.children] for c in [t, *t.children] if c.i != tok.i
    ):
        return True
    # "the killing of the Americans was a red line": a subject of "be" is analysis
    if tok.pos_ in {"NOUN", "PROPN"} and tok.dep_ == "nsubj" and tok.head.lemma_ in {
        "be", "mark", "represent", "remain", "become", "seem", "constitute", "signal",
        "show", "illustrate", "underscore", "highlight", "appear"
    }:
        return True
    if tok.pos_ in {"VERB", "AUX"} and any(c.dep_ == "aux" and c.lower_ == "to"
                                           for c in tok.children) and (
        tok.head.tag_ in {"JJS", "RBS"} or tok.head.lower_ in {"first", "last", "only"}
    ):
        # "the deadliest to target American troops since ...": a ranking of an act
        # already named, not a new one
        return True
    if tok.pos_ in {"VERB", "AUX"}:
        # "who launched the rockets": an indirect question
        if any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in {"who", "what", "whoever"}
               for c in tok.children) and tok.dep_ in {"ccomp", "pcomp", "xcomp", "advcl",
                                                       "acl", "dobj"}:
            # ("a man who shot at a deputy": a relative clause tells the act itself)
            return True
    elif cat == "casualty" and tok.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}:
        return True  # "the wounded included ..."
    if cat == "deploy":
        clause = " ".join(c.text for c in tok.children if c.dep_ in {
            "nsubj", "nsubjpass", "dobj"} for c in c.subtree) if tok.pos_ in {"VERB", "AUX"} \
            else " ".join(t.text for t in tok.subtree)
        if not _DEPLOY_WORDS.search(clause):
            return True
    if cat == "agreement" and tok.pos_ in {"VERB", "AUX"}:
        objs = " ".join(t.text for c in tok.children if c.dep_ in {"dobj", "prep", "xcomp"}
                        for t in c.subtree)
        if tok.lemma_ == "sign" and not _AGREE_OBJECTS.search(objs):
            return True
        if tok.lemma_ == "agree" and not re.search(r"\b(?:to|on)\b", objs):
            return True
    if cat == "protest":
        if tok.lemma_ == "demonstrate" and any(c.dep_ in {"dobj", "ccomp"}
                                               for c in tok.children):
            return True  # "that attack demonstrated the risks": it showed them
        sent = tok.sent
        for m in _WAR_ORIGIN.finditer(sent.text):
            if m.start() <= tok.idx - sent.start_char < m.end():
                # "since the conflict began in March 2011 with anti-government protests":
                # how a war began, years ago, not a protest the report tells
                return True
    # a crowd's siege of an embassy is a riot; an army's of a town is no event of its
    # own (its shelling and its clashes are)
    return tok.lemma_ == "siege" and not (
        any(t.lemma_.lower() in _SIEGE_CROWDS for t in tok.sent)
        or any(t.lemma_.lower() in _SIEGE_SITES for t in tok.subtree))


_WAR_ORIGIN = re.compile(
    r"\b(?:began|begun|started|erupted|broke out|start|beginning|outbreak)\b[^.;]{0,60}?"
    r"\b(?:with|as|in)\b[^.;]{0,50}?\b(?:protests?|demonstrations?|protest movement|"
    r"uprising)\b|"
    r"\b(?:repression|crackdown|suppression)\s+(?:of|on)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:protests?|demonstrations?|protesters|demonstrators)\b", re.I)
_SIEGE_CROWDS = frozenset({"protester", "demonstrator", "mob", "crowd", "supporter",
                           "mourner", "rioter"})
_SIEGE_SITES = frozenset({"embassy", "consulate", "compound", "parliament", "building",
                          "office", "headquarters", "ministry", "palace"})


def _hypothetical_noun(tok: Token) -> bool:
    return any(c.lower_ in _HYPO_MODIFIERS for c in tok.children
               if c.dep_ in {"amod", "acl", "det", "compound"})


def _candidates(sent: Span, weapons_in_sent: bool) -> list[_Cand]:
    quotes = _in_quotes(sent)
    cands: list[_Cand] = []
    sent_text = sent.text  # Span.text joins its tokens on every access
    for tok in sent:
        if any(a <= tok.idx < b for a, b in quotes):
            continue
        cat = _trigger_category(tok, sent_text, weapons_in_sent)
        if cat is None:
            continue
        ref = _is_reference(tok, sent)
        mod = modality(sent, tok)
        if mod in {"threat", "hypothetical"}:
            continue
        if mod == "denied" and cat != "casualty":
            continue
        if tok.pos_ in {"NOUN", "PROPN"} and _hypothetical_noun(tok):
            continue
        if _generic(tok, sent):
            continue
        if _not_an_act(tok, cat):
            continue
        if tok.pos_ in {"NOUN", "PROPN"} and tok.dep_ == "compound" and \
                tok.head.lemma_ in _NOUN_TRIGGERS:
            continue  # "rocket attack": the head noun is the trigger
        cands.append(_Cand(trigger=tok, category=cat, anchor=tok, members=[tok], reference=ref))
    return _group(cands, sent)


_LIGHT_VERBS = frozenset({"carry", "conduct", "launch", "mount", "stage", "respond", "retaliate",
                          "unleash", "begin", "hold", "order"})


def _group(cands: list[_Cand], sent: Span) -> list[_Cand]:
    """Merge triggers of one act: a killing under a firing, a noun under its verb."""
    by_i = {c.i: c for c in cands}

    def ancestors(tok: Token) -> list[Token]:
        out: list[Token] = []
        while tok.head.i != tok.i and len(out) < 12:
            tok = tok.head
            out.append(tok)
        return out

    merged: dict[int, int] = {}
    for c in cands:
        if c.reference:
            continue
        if c.category == "casualty" and c.trigger.dep_ == "relcl" and \
                c.trigger.head.i not in by_i:
            # "a rocket attack north of the capital that killed ...": the parser hangs the
            # clause on "capital"; it belongs to the act named just before
            head = c.trigger.head
            back = list(sent.doc[max(sent.start, head.i - 7):head.i])
            prev_c = next((by_i[t.i] for t in reversed(back) if t.i in by_i), None)
            if prev_c is not None and not any(
                t.pos_ in {"VERB", "AUX"} for t in sent.doc[prev_c.i + 1:head.i]
            ):
                merged[c.i] = prev_c.i
                continue
        if c.category == "casualty" and c.trigger.tag_ == "VBG":
            # "just days after a similar attack, killing three soldiers"
            prev = c.trigger.i - 1
            if prev >= sent.start and sent.doc[prev].text == ",":
                prev -= 1
            ref = next((r for r in cands if r.reference and
                        r.trigger.right_edge.i == prev), None)
            if ref is not None:
                merged[c.i] = ref.i
                continue
        for anc in ancestors(c.trigger):
            if anc.i in by_i and anc.i not in merged:
                parent = by_i[anc.i]
                if parent.reference and c.category != "casualty":
                    break
                # a casualty under an attack, or a noun under its verb, is the same act;
                # "Iran struck back, launching missiles" too
                if c.category == "casualty" or parent.category == "casualty" or (
                    c.trigger.dep_ in {"advcl", "xcomp"} and c.trigger.tag_ == "VBG"
                    and c.trigger.head.i == anc.i
                ) or (
                    c.trigger.pos_ in {"NOUN", "PROPN"} and c.trigger.head.i == anc.i
                    and c.trigger.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj", "attr"}
                ) or (c.trigger.head.i == anc.i and c.trigger.dep_ in {"nsubj", "nsubjpass",
                                                                   "dobj", "appos"}):
                    merged[c.i] = anc.i
                break
    groups: dict[int, _Cand] = {}
    for c in cands:
        root = c.i
        while root in merged:
            root = merged[root]
        g = groups.get(root)
        if g is None:
            groups[root] = by_i[root]
            g = by_i[root]
        if c is not g:
            g.members.append(c.trigger)
    out = list(groups.values())
    for g in out:
        # the main trigger: an attack word beats a casualty word
        best = min(g.members, key=lambda t: (
            0 if by_i[t.i].category not in {"casualty", "explosion"} else 1,
            0 if t.pos_ in {"NOUN", "PROPN"} else 1, t.i))
        if best.i != g.trigger.i:
            g.category = by_i[best.i].category if g.category == "casualty" else g.category
        g.trigger = best
        # region: the highest member's subtree, or its light verb ("carried out the attack")
        top = min(g.members, key=lambda t: len(ancestors(t)))
        anchor = top
        if top.pos_ in {"NOUN", "PROPN"} and top.head.i != top.i and \
                top.head.lemma_ in _LIGHT_VERBS and not g.reference:
            anchor = top.head
        if top.dep_ in {"pobj", "pcomp"} and top.head.lower_ in {"with", "by"} and \
                top.head.head.lemma_ in {"respond", "retaliate", "hit"} and not g.reference:
            anchor = top.head.head  # "responded with airstrikes", "responded by bombing"
        g.anchor = anchor
    # two acts never share an anchor: the later one keeps its own words
    seen_anchor: set[int] = set()
    for g in out:
        if g.anchor.i in seen_anchor:
            g.anchor = g.trigger
        seen_anchor.add(g.anchor.i)
    # regions: subtrees minus the subtrees of other groups' anchors nested inside
    anchors = {g.anchor.i for g in out}
    for g in out:
        region: set[int] = set()
        starts = {g.anchor.i, *(m.i for m in g.members)}
        stack = [g.anchor, *g.members]
        while stack:
            t = stack.pop()
            if t.i not in starts and t.i in anchors:
                continue
            if t.i in region:
                continue
            if not (sent.start <= t.i < sent.end):
                continue
            region.add(t.i)
            stack.extend(t.children)
        g.region = region
    return sorted(out, key=lambda g: g.trigger.i)


# --- typing ----------------------------------------------------------------------------


# Who storms a place as fighters do, and who as a crowd does.
_FIGHTERS = frozenset({"militant", "fighter", "jihadist", "insurgent", "rebel", "troop",
                       "soldier", "gunman", "terrorist", "commando", "paratrooper"})
_CROWDS = frozenset({"mob", "crowd", "protester", "demonstrator", "supporter", "mourner",
                     "rioter", "student", "resident", "fan", "people", "villager", "youth",
                     "worker", "follower", "hundred", "thousand", "dozen"})


def _sub_event(cand: _Cand, text: str, weapons: list[Weapon], victims_civilian: bool,
               perp_kinds: set[str], doc_air: bool, sent_text: str) -> str | None:
    names = {w.name for w in weapons}
    trig = cand.trigger.lower_
    cat = cand.category
    if cat in {"attack", "casualty", "explosion", "clash"}:
        if "chemical weapon" in names:
            return "Chemical weapon"
        if "suicide explosive" in names or re.search(r"\bsuicide\b", text, re.I):
            return "Suicide bomb"
        if names & {"drone", "aircraft", "barrel bomb"} or _AIR.search(trig) or \
                re.search(r"\b(?:air ?strikes?|airstrikes?|air raids?|drone)\b", text, re.I):
            return "Air/drone strike"
        if "grenade" in names:
            return "Grenade"
        if names & {"IED"}:
            return "Remote explosive/landmine/IED"
        if names & {"107-mm Katyusha rocket", "Katyusha rocket", "rocket", "missile",
                    "ballistic missile", "cruise missile", "guided missile", "mortar",
                    "artillery", "rocket launcher"} or trig in {"shelling", "barrage",
                                                                "bombardment", "discharge"}:
            return "Shelling/artillery/missile attack"
        if trig in {"strike", "strikes", "raid", "raids", "bombing"} and (
            doc_air or perp_kinds & {"state_forces", "government"}
        ):
            return "Air/drone strike"
        if cat == "explosion" or names & {"explosive"}:
            return "Remote explosive/landmine/IED"
        if cat == "clash":
            return "Armed clash"
        if victims_civilian and not perp_kinds & {"state_forces"}:
            return "Attack"
        if victims_civilian:
            return "Attack"
        if perp_kinds or cat == "attack":
            return "Armed clash" if perp_kinds & {"state_forces", "armed_group"} and \
                not victims_civilian else "Attack"
        return "Attack"
    if cat == "protest":
        from wiredesk.events.classify import classify

        guess = classify(sent_text)
        if guess in {"Peaceful protest", "Protest with intervention",
                     "Excessive force against protesters", "Violent demonstration",
                     "Mob violence"}:
            return guess
        return "Peaceful protest"
    if cat == "storm":
        subjects = [c.lemma_.lower() for c in cand.trigger.children if c.dep_ == "nsubj"]
        if any(w in _FIGHTERS for w in subjects) or (
                subjects and perp_kinds & {"state_forces", "armed_group"}
                and not any(w in _CROWDS for w in subjects)):
            # "Islamic State militants stormed an air base", "government troops stormed
            # a village": a fight for the place; a mob storming an embassy is a riot.
            return "Armed clash"
    if cat in {"riot", "storm"}:
        return "Violent demonstration"
    if cat == "loot":
        return "Looting/property destruction"
    if cat == "abduct":
        return "Abduction/forced disappearance"
    if cat == "sexual":
        return "Sexual violence"
    if cat == "arrest":
        return "Arrests"
    if cat == "deploy":
        return "Change to group/activity"
    if cat == "agreement":
        return "Agreement"
    if cat == "disrupt":
        return "Disrupted weapons use"
    if cat == "territory":
        obj = " ".join(t.text for c in cand.trigger.children if c.dep_ == "dobj"
                       for t in c.subtree)
        if re.search(r"\b(?:truck|weapons?|arms|ammunition|rockets?|launchers?|explosives?|"
                     r"drones?|missiles?|cache)\b", obj, re.I):
            return "Disrupted weapons use"
        if not obj:
            return None
        if perp_kinds & {"state_forces", "government"}:
            return "Government regains territory"
        if perp_kinds & {"armed_group"}:
            return "Non-state actor overtakes territory"
        return None
    return None


# --- helpers ---------------------------------------------------------------------------


def _tok_at(sdoc: Doc, char: int) -> int | None:
    span = sdoc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else None


def _km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * \
        math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _mention_id(doc_id: str, start: int, trigger: str) -> str:
    h = hashlib.sha1(f"{doc_id}:{start}:{trigger}".encode()).hexdigest()[:10]
    return f"m-{h}"


@dataclass
class _ActorHit:
    start: int
    end: int
    entity: Entity
    token: int  # first token index


_FORCE_AFTER = re.compile(r"\s*(?:(?:and|or)\s+(?:other\s+)?(?:[\w.-]+\s+){0,2}?)?"
                          r"(?:troops|forces|soldiers|service\s*(?:members|men|women)|"
                          r"servicemen|military\s+personnel)\b", re.I)


# words after a nationality adjective that make it a state's forces ("US airstrikes",
# "a British soldier", "British Lance Cpl. ...")
_ARMED_NOUNS = frozenset({
    "strike", "airstrike", "attack", "drone", "warplane", "force", "troop", "retaliation",
    "raid", "missile", "jet", "bombing", "military", "army", "soldier", "service",
    "serviceman", "servicemen", "personnel", "commando", "marine", "lance", "cpl", "cpl.",
    "corporal", "sgt", "sgt.", "sergeant", "lt", "lt.", "lieutenant", "capt", "capt.",
    "captain", "col", "col.", "colonel", "gen", "gen.", "general", "brig", "brig.",
    "brigadier", "adm", "adm.", "admiral", "pvt", "pvt."})


def _actor_hits(sent: Span, resolver: ActorResolver, focus: Collection[str] = (),
                org_person: Sequence[tuple[int, int, str, str, int]] = ()) -> list[_ActorHit]:
    """Dictionary actors and named persons/organizations in a sentence; ``focus`` are the
    countries the document is about (they settle names such as a bare "Hezbollah"),
    ``org_person`` the document's PERSON and ORG entities as (start, end, label, text)."""
    sdoc = sent.doc
    base = sent.start_char
    hits: list[_ActorHit] = []
    for (s, e), surface in resolver.find(sent.text):
        ent = resolver.resolve(surface, focus=focus)
        if ent is None:
            continue
        if ent.kind == "government" and _FORCE_AFTER.match(sent.text[e:]):
            # "a base housing United States and other coalition troops": a state named
            # with the troops it fields is its forces, not its government
            ent = resolver.forces_of(ent) or ent
        ti = _tok_at(sdoc, base + s)
        if ti is not None:
            hits.append(_ActorHit(base + s, base + e, ent, ti))
    # the document's entities, computed once: Span.ents walks the whole document
    for es, ee, label, etext, etok in org_person:
        if es < sent.start_char or ee > sent.end_char:
            continue
        if len(etext) < 4 or (" " not in etext and (
                etext.lower() in PERSON_NOUNS or etext.endswith("."))):
            continue  # "Cpl", "Briton": a title or a demonym, not a name
        if any(h.start < ee and es < h.end for h in hits):
            continue
        ent = resolver.resolve(etext, label, focus=focus)
        if ent is not None:
            hits.append(_ActorHit(es, ee, ent, etok))
    # nationality adjectives on attack words: "US airstrikes", "Iranian missile attacks"
    for tok in sent:
        low = tok.lower_
        nxt = [t for t in sent.doc[tok.i + 1:min(tok.i + 3, sent.end)]]
        if low in _NATIONALITY and (any(t.lemma_.lower() in _ARMED_NOUNS for t in nxt) or (
            # "one British and two U.S. service members": the adjective's noun is further
            tok.dep_ in {"amod", "compound"} and tok.head.lemma_.lower() == "member"
            and any(c.lower_ == "service" for c in tok.head.children)
        ) or (tok.dep_ == "nsubj" and (
            tok.head.lemma_ in _LIGHT_VERBS or tok.head.lemma_ in _VERB_TRIGGERS
            or tok.head.lemma_ in _WEAPON_VERBS))):
            if any(h.start <= tok.idx < h.end for h in hits):
                continue
            ent = resolver.resolve(_NAT_FORCES[_NATIONALITY[low]])
            if ent is not None:
                hits.append(_ActorHit(tok.idx, tok.idx + len(tok.text), ent, tok.i))
    hits.sort(key=lambda h: h.start)
    return hits


def _roles(cand: _Cand, sent: Span, hits: list[_ActorHit], figures: list[FigureClaim],
           attributed: str | None, resolver: ActorResolver,
           skip: list[tuple[int, int]], antecedent: Entity | None = None,
           mod: str = "asserted") -> list[ActorRef]:
    """Perpetrator, target, victim and attributed_by for one candidate.

    An actor's role is read from the dependency that joins it to the event's words:
    subject or "by" agent -> perpetrator; object or "on/against/at" -> target (victim
    for killing, wounding, arrest and abduction); modifier of an attack noun ("US
    airstrikes") -> perpetrator. Actors more than four arcs away are left out.
    ``skip`` are character spans (the attribution source) whose actors play no role.
    ``antecedent`` is the armed group the text named last, for a subject that is only
    "militia members". A perpetrator carries the act's modality ``mod``, alleged where
    the text only blames or suspects it, asserted where it claimed the act itself.
    """
    sdoc = sent.doc
    region = cand.region
    roles: dict[str, ActorRef] = {}

    def add(ent: Entity, role: str, how: str | None = None) -> None:
        if ent.id not in roles:
            roles[ent.id] = ActorRef(
                entity_id=ent.id, name=ent.name, role=role,  # type: ignore[arg-type]
                modality=(how or mod) if role == "perpetrator" else None)  # type: ignore[arg-type]

    harmed = [f for f in figures if f.kind in {"fatalities", "injured"}]
    victim_spans = [(f.start, f.end) for f in harmed if f.value > 0]
    # "No U.S. or Iraqi troops were killed": names in a denied toll are no victims
    denied_spans = [(f.start, f.end) for f in harmed if f.value == 0]
    members = {m.i for m in cand.members} | {cand.anchor.i}
    harm = {"kill", "wound", "injure", "arrest", "detain", "abduct", "kidnap", "murder",
            "execute", "behead", "assassinate", "die"}
    for h in hits:
        if any(a <= h.start < b for a, b in skip) or any(
                a <= h.start < b for a, b in denied_spans):
            continue
        if any(a <= h.start < b for a, b in victim_spans):
            # the act's own toll names them, even where the parse breaks the sentence
            # ("killing British Lance Cpl. ..., and two ... American service members")
            add(h.entity, "victim")
            continue
        if h.token not in region:
            continue
        # the path starts at the name's head word ("Iranian-backed militias": militias)
        span = sdoc.char_span(h.start, h.end, alignment_mode="expand")
        tok = span.root if span is not None and len(span) else sdoc[h.token]
        path = [tok]
        t = tok
        while t.i not in members and t.head.i != t.i and len(path) <= 7:
            t = t.head
            path.append(t)
        if t.i not in members:
            continue
        if len(path) > 6 and not _owner_of_target(path):
            continue  # far off, unless it owns what the act hit ("facilities belonging to")
        # "one of Tehran's top generals", "the leader of Iran's elite Quds force": a
        # state that only qualifies another named actor is no party of its own, nor is
        # an actor in a clause describing one ("Soleimani, the general whose Quds Force
        # supplies arms to Kitaeb Hezbollah")
        if any(o is not h and o.start <= p.idx < o.end for p in path[1:] for o in hits) \
                and (h.entity.kind == "government" or any(
                    p.dep_ in {"relcl", "acl", "ccomp", "advcl"} for p in path[1:-1])):
            continue
        link = path[-2] if len(path) > 1 else tok
        dep = link.dep_
        prep = link.lower_ if dep == "prep" else ""
        if _owner_of_target(path):
            add(h.entity, "target")  # "airstrikes on five sites affiliated with the militia"
        elif dep in {"agent"} or prep == "by" or dep == "nsubj":
            # "suspected militants attacked": the doer is only suspected
            add(h.entity, "perpetrator", "alleged" if _hedged_doer(tok, path) else None)
        elif dep == "nsubjpass" or dep in {"dobj", "attr"}:
            add(h.entity, "victim" if t.lemma_ in harm else "target")
        elif prep in {"on", "against", "at", "into", "upon", "targeting", "in"}:
            if prep == "in" and h.entity.kind not in {"armed_group", "state_forces"}:
                continue
            add(h.entity, "target")
        elif prep in {"with", "between"} and cand.category == "clash":
            add(h.entity, "perpetrator")
        elif dep in {"compound", "amod", "nmod", "poss"} and t.pos_ in {"NOUN", "PROPN"}:
            add(h.entity, "perpetrator")  # "US airstrikes", "Iran's missile attack"
    # attributed perpetrators: "the US blamed Kataeb Hezbollah for the attack",
    # "blamed by U.S. officials on Kataib Hezbollah", "which the Americans attributed to
    # Iraqi Hezbollah", "the militia group is believed to be responsible"
    for tok in sent:
        if tok.lemma_ not in {"blame", "attribute", "accuse"}:
            continue
        related = tok.i in region or any(tok.is_ancestor(m) or m.is_ancestor(tok)
                                         for m in cand.members)
        if not related or not _blamed_for(tok, members):
            continue
        for h in hits:
            ht = sdoc[h.token]
            q = ht
            chain: list[tuple[str, str]] = []
            while q.i != tok.i and q.head.i != q.i and len(chain) < 5:
                chain.append((q.dep_, q.head.lower_))
                q = q.head
            if q.i != tok.i or not chain:
                continue
            last_dep, _ = chain[-1]
            # "blamed by U.S. officials on Kataib Hezbollah": the parser may hang "on ..."
            # on the agent; the actor is still the object of "on"
            if (last_dep == "dobj" and tok.lemma_ in {"blame", "accuse"}) or (
                last_dep == "prep" and any(w in {"on", "to"} for _, w in chain)
            ) or (("pobj", "on") in chain[:2] and tok.lemma_ == "blame") or (
                ("pobj", "to") in chain[:2] and tok.lemma_ == "attribute"
            ):
                roles[h.entity.id] = ActorRef(entity_id=h.entity.id, name=h.entity.name,
                                              role="perpetrator", modality="alleged")
    if antecedent is not None and not any(r.role == "perpetrator" for r in roles.values()) \
            and _militia_subject(cand, hits):
        add(antecedent, "perpetrator")
    if not any(r.role == "perpetrator" for r in roles.values()):
        # "Iran struck back, launching more than a dozen ballistic missiles": a participle
        # clause without a subject of its own shares its head verb's subject
        for mem in {cand.anchor, cand.trigger}:
            if mem.dep_ != "advcl" or mem.tag_ != "VBG" or any(
                    c.dep_ in {"nsubj", "nsubjpass"} for c in mem.children) or \
                    mem.head.lemma_ in {"say", "report", "tell", "announce", "claim", "state"}:
                continue
            subj = {c.i for c in mem.head.children if c.dep_ == "nsubj"}
            for h in hits:
                span = sdoc.char_span(h.start, h.end, alignment_mode="expand")
                if span is not None and span.root.i in subj and h.entity.kind in {
                        "state_forces", "armed_group", "government"}:
                    add(h.entity, "perpetrator")
    m = _RESPONSIBLE.search(sent.text)
    if m is not None and not any(r.role == "perpetrator" for r in roles.values()):
        pos = sent.start_char + m.start()
        before = [h for h in hits if h.end <= pos and pos - h.end < 80
                  and h.entity.kind in {"armed_group", "state_forces"}]
        if before:
            e = before[-1].entity
            # the group's own claim asserts the act; "believed to be", "suspected of",
            # "blamed for" only allege it
            how = "asserted" if m.group(0).lower().startswith("claimed") else (
                "alleged" if _ALLEGING.search(m.group(0)) else mod)
            roles[e.id] = ActorRef(entity_id=e.id, name=e.name, role="perpetrator",
                                   modality=how)  # type: ignore[arg-type]
    if attributed:
        ent = resolver.resolve(attributed)
        if ent is not None and ent.id not in roles:
            roles[ent.id] = ActorRef(entity_id=ent.id, name=ent.name, role="attributed_by")
    return list(roles.values())


# an actor that owns, uses or runs what an act hit is its target: "sites affiliated with
# the militia", "camps used by Iranian-backed militias", "depots belonging to ..."
_OWNING = frozenset({"affiliate", "belong", "use", "control", "link", "run", "operate", "own",
                     "hold", "associate", "tie"})


def _owner_of_target(path: list[Token]) -> bool:
    """Whether a path from an actor up to its act passes an owning verb that modifies the
    act's object, entered by its preposition ("affiliated with", "used by")."""
    for k in range(1, len(path) - 1):
        p = path[k]
        if p.dep_ in {"prep", "agent"} and p.lower_ in {"with", "to", "by"}:
            verb = path[k + 1]
            if verb.lemma_ in _OWNING and verb.dep_ in {"acl", "relcl"} and not any(
                    q.dep_ in {"nsubj", "agent"} or (q.dep_ == "prep" and q.lower_ == "by")
                    for q in path[k + 2:]):
                return True  # not "militants linked to Iran attacked": that is the doer
    return False


def _blamed_for(blame: Token, members: set[int]) -> bool:
    """A blame verb with "for the attack" blames that act (and the acts joined to it by
    "and"), not the acts a relative clause on it compares it with ("the attack, which
    bore some similarities to an attack in Qayara"); without "for", any related act."""
    acts = [c for p in blame.children if p.dep_ == "prep" and p.lower_ == "for"
            for c in p.children if c.dep_ == "pobj"]
    if not acts:
        return True
    named = {t.i for a in acts for t in [a, *a.conjuncts]}
    return bool(named & members)


_MILITIA = r"militia(?:s|m[ae]n)?"
_MILITIA_NOUN = re.compile(rf"^{_MILITIA}$", re.I)  # a token


def _militia_subject(cand: _Cand, hits: list[_ActorHit]) -> bool:
    """The act's subject is militia people named by no name ("Militia members and
    supporters responded by storming ...")."""
    for head in {cand.anchor, cand.trigger}:
        for c in head.children:
            if c.dep_ != "nsubj":
                continue
            words = [c, *(t for t in c.children if t.dep_ in {"compound", "amod"})]
            if any(_MILITIA_NOUN.match(w.text) for w in words) and not any(
                    c.left_edge.idx <= h.start < c.right_edge.idx + len(c.right_edge)
                    for h in hits):
                return True
    return False


def _site_owners(sent: Span, resolver: ActorResolver, focus: Collection[str],
                 actors: list[ActorRef]) -> list[ActorRef]:
    """The act's actors and, as its targets, the forces and groups whose sites "the sites
    were" names ("bases of the Popular Mobilization Forces ... and 19th Army commandos")."""
    out = list(actors)
    for _, surface in resolver.find(sent.text):  # known actors only, not any "Army"
        ent = resolver.resolve(surface, focus=focus)
        if ent is not None and ent.kind in {"armed_group", "state_forces"} and all(
                a.entity_id != ent.id for a in out):
            out.append(ActorRef(entity_id=ent.id, name=ent.name, role="target"))
    return out


_MILITIA_WORD = re.compile(rf"\b{_MILITIA}\b", re.I)  # in a sentence


def _last_armed_group(units: list[Span], ui: int, resolver: ActorResolver,
                      focus: Collection[str],
                      org_person: Sequence[tuple[int, int, str, str, int]]) -> Entity | None:
    """The armed group named last in the two sentences before unit ``ui``: whom "militia
    members" there stand for."""
    for k in range(ui - 1, max(-1, ui - 3), -1):
        groups = [h.entity for h in _actor_hits(units[k], resolver, focus, org_person)
                  if h.entity.kind == "armed_group"]
        if groups:
            return groups[-1]
    return None


_COUNT_WORDS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5}


def _referred_acts(cand: _Cand, mentions: list[EventMention], prev: Span
                   ) -> list[EventMention]:
    """The acts a definite plural ("both attacks", "the two attacks", "the attacks")
    takes up from the sentence before, when that sentence told that many; else none."""
    trig = cand.trigger
    if trig.tag_ != "NNS" or trig.pos_ != "NOUN":
        return []
    kids = {c.lower_: c for c in trig.children if c.dep_ in {"det", "nummod", "predet"}}
    if "both" in kids:
        n = 2
    elif "the" in kids:
        n = next((_COUNT_WORDS[w] for w in kids if w in _COUNT_WORDS), 0)
    else:
        return []
    told = [m for m in mentions if prev.start_char <= m.start < prev.end_char
            and m.event_type in _VIOLENT]
    if len(told) < max(n, 2) or (n and len(told) > n + 1):
        return []
    return told[-n:] if n else told


_MILITARY_SITE = re.compile(r"\b(?:(?:air\s?)?bases?|barracks|checkpoints?|outposts?|"
                            r"garrisons?|convoys?|patrols?|troops|soldiers|military)\b", re.I)


def _armed_on_military(cand: _Cand, roles: list[ActorRef], resolver: ActorResolver,
                       figures: list[FigureClaim], region_text: str) -> bool:
    """A bare "attack" that an armed group or state force is named or blamed for, on a
    military site or force, with no civilian harmed: no violence against civilians
    (ACLED's "Attack" is on civilians) but a fight between armed sides."""
    if cand.category != "attack" or _victims_civilian(figures, region_text):
        return False
    perps = {resolver.kind_of(a.name) for a in roles if a.is_perpetrator}
    if not perps & {"armed_group", "state_forces"}:
        return False
    return _MILITARY_SITE.search(region_text) is not None or any(
        a.role in {"target", "victim"} and resolver.kind_of(a.name) == "state_forces"
        for a in roles)


def _victims_civilian(figures: list[FigureClaim], text: str) -> bool:
    quotes = " ".join(f.quote for f in figures if f.kind in {"fatalities", "injured"})
    return bool(_CIVILIAN.search(quotes)) or bool(
        re.search(r"\b(?:civilians?|villagers|worshippers)\b", text, re.I))


# --- main entry ------------------------------------------------------------------------


def _persons(sent: Span, person_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Named persons of a sentence (sentence-relative offsets), titles joined to names
    ("Lance Cpl. Brodie Gillon") and lone titles dropped.

    ``person_spans`` are the document's PERSON entities, computed once: ``Span.ents``
    rebuilds every entity of the document on each call, quadratic over a long article.
    """
    s0, s1 = sent.start_char, sent.end_char
    spans = [(a - s0, b - s0) for a, b in person_spans if a >= s0 and b <= s1]
    merged: list[tuple[int, int]] = []
    text = sent.text  # not sent.doc.text, which joins every token of the document
    for a, b in spans:
        if merged and re.fullmatch(r"[.\s]*", text[merged[-1][1]:a]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    out: list[tuple[int, int]] = []
    for a, b in merged:
        name = text[a:b]
        if len(name) < 4 or re.fullmatch(r"(?:Cpl|Sgt|Gen|Lt|Col|Maj|Capt|Adm)\.?", name):
            continue
        out.append((a, b))
    return out


# a body of people, whose seat is not where the acts it speaks of happen (a base or an
# embassy tagged ORG is a site)
_ASSOCIATION = re.compile(r"\b(?:Council|Association|Relations|Society|Foundation|Committee|"
                          r"Institute|League|Federation|Organi[sz]ation|Alliance)\b")


# An aggregate toll this large is a war's or a campaign's, never one act's.
_MASS_TOLL = 100

_PLACE_NOUNS = frozenset({"city", "town", "village", "province", "governorate",
                          "countryside", "district", "region", "county", "state"})
_SCENE_PREPS = frozenset({"in", "at", "on", "near", "outside", "inside", "across", "into",
                          "around", "over", "toward", "towards", "off", "along",
                          "throughout", "within"})
_COMPASS = frozenset({"north", "south", "east", "west", "northeast", "northwest",
                      "southeast", "southwest"})


# people named by where they come from: their origin is no scene
_ORIGIN_NOUNS = PERSON_NOUNS | {"mercenaries", "mercenary", "terrorists", "terrorist",
                                "volunteers", "volunteer", "recruits", "jihadis"}


def _origin(tok: Token) -> bool:
    """The place is where people come from ("mercenaries originating from CIS countries,
    Tunisia and the Arab Republic of Egypt"), through the list it is part of."""
    for _ in range(6):
        if tok.dep_ == "pobj" and tok.head.lower_ == "from":
            owner = tok.head.head
            return owner.lemma_ in {"originate", "hail", "come"} or owner.lower_ in _ORIGIN_NOUNS
        if tok.dep_ not in {"conj", "appos", "compound"} or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _in_speaker(tok: Token) -> bool:
    """The place is part of who speaks ("Dr. Hashem Darwish, head of QRCS's health
    program in Turkey, described the attack as ..."): the subject of a saying verb,
    reached through nouns and prepositions only."""
    for _ in range(8):
        if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in SAY_LEMMAS:
            return True
        if tok.dep_ not in {"pobj", "prep", "compound", "appos", "conj", "poss"} or \
                tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _locative(sdoc: Doc, span: tuple[int, int], place: Place) -> bool:
    """A place named as where something happened ("in Baghdad", "struck Camp Taji"),
    not as a modifier ("U.S. strikes", "Iran's Quds force") or a name."""
    toks = sdoc.char_span(span[0], span[1], alignment_mode="expand")
    if toks is None or len(toks) == 0:
        return False
    if place.feature == "relative":
        return True
    root = toks.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    if root.dep_ in {"compound", "amod", "nmod"} and (
            root.head.lower_ in _PLACE_NOUNS or root.head.lower_ in _COMPASS):
        # "in Aleppo city", "in Homs province": the city is the place; so is the town of
        # "in the city of Al-Tabqah west of Raqqa", parsed as a compound of "west"
        root = root.head
    dep = root.dep_
    if _origin(toks.root):
        return False  # "mercenaries from Tunisia and Egypt were killed south of Deir Ezzor"
    if _in_speaker(toks.root):
        return False  # "the head of QRCS's health program in Turkey described the attack"
    kind = sdoc[toks.start - 2] if toks.start >= 2 and sdoc[toks.start - 1].lower_ == "of" \
        else None
    if kind is not None and kind.lower_ in _PLACE_NOUNS and kind.dep_ == "pobj" and \
            kind.head.lower_ in _SCENE_PREPS and any(c.dep_ == "det" for c in kind.children):
        # "In the remote northeastern city of Hassakeh ISIS suicide bombers detonated":
        # the name is the scene, however the parser hangs it on the words after it (in
        # prose: a page's trailing headline "Teen injured in town of Madison shooting"
        # is read by the parse alone)
        return True
    if dep == "pobj" and root.head.lower_ == "in" and root.head.head.i == root.head.i - 1 \
            and root.head.head.ent_type_ == "ORG" and _ASSOCIATION.search(
                next((e.text for e in sdoc.ents if e.start <= root.head.head.i < e.end), "")):
        return False  # "the Council on American-Islamic Relations in Los Angeles": its seat
    if dep == "pobj":
        return root.head.lower_ in _SCENE_PREPS or root.head.lower_ in {"of", "to", "from"}
    if dep in {"appos", "npadvmod"}:
        return True
    # "hit base housing U.S. and coalition troops": a headline parsed with the country as
    # the object, while common nouns before it and troops beside it show it is a modifier
    if any(c.dep_ == "compound" and c.pos_ == "NOUN" or c.dep_ == "conj" and c.lower_ in
           PERSON_NOUNS for c in root.children):
        return False
    return dep in {"dobj", "nsubjpass"} and root.head.lemma_ in {
        "strike", "hit", "attack", "bomb", "shell", "target", "pound", "storm", "raid"
    }


# "since a rocket attack in late December": the date after "since" dates the act named
# there, not the start of a span ("since 1979", "since the embassy was taken in 1979")
_SINCE_ACT = re.compile(
    r"\bsince\s+(?:an?|the|that|this|last|its|their)\s+(?:[\w-]+\s+){0,3}?(?:attacks?|"
    r"strikes?|airstrikes?|bombings?|raids?|shelling|assaults?|ambush|explosions?|blasts?|"
    r"clash(?:es)?|shootings?|killings?|massacre)\s+(?:in|on|of|at)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)


_ALSO = re.compile(
    r"\balso\b|\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|[a-z]+teen|(?:twenty|thirty|forty|fifty|sixty)(?:-[a-z]+)?|several|dozens) "
    r"others?\b", re.I)


def _mark_partial(figures: list[FigureClaim], text: str, stated: set[str]
                  ) -> list[FigureClaim]:
    """"The attack also killed a British soldier", after the document gave the toll:
    "also" (and "Fifteen others were killed", "12 other militants") adds victims to a
    count already told, so the figure is a part of the event's toll, not the toll. Such
    claims get the kind ``<kind>_partial`` (``fatalities_partial``, ``injured_partial``)
    so that reconciling the total leaves them out; the first count of its kind, the ones
    after another count of their kind in the same sentence and the ones of a document
    that stated none before stay whole."""
    out: list[FigureClaim] = []
    seen: set[str] = set()
    for f in figures:
        kind = f.kind
        if kind in {"fatalities", "injured"} and f.value > 0 and kind in stated and \
                kind not in seen and (
                    _ALSO.search(f.quote) or _ALSO.search(text[max(0, f.start - 12):f.start])):
            f = f.model_copy(update={"kind": f"{kind}_partial"})
        seen.add(kind)
        out.append(f)
    return out


# "since the U.S. carried out bombing raids outside Baghdad": a clause telling an act,
# whose places and dates are that act's
_SINCE_CLAUSE_ACT = re.compile(
    r"\bsince\s+(?:the\s+|an?\s+)?[\w.]+(?:\s+[\w.]+){0,3}?\s+(?:carried out|launched|"
    r"struck|hit|attacked|bombed|fired|killed|shelled|raided)\b[^,;\n]*$", re.I)


def _after_since(text: str, start: int) -> bool:
    """A date or place inside a "since ..." phrase that marks the start of a span."""
    before = text[max(0, start - 60):start]
    return bool(re.search(r"\bsince\b[^,;\n]*$", before, re.I)) and not _SINCE_ACT.search(
        before) and not _SINCE_CLAUSE_ACT.search(text[max(0, start - 90):start])


# Where a person lives or is taken, not where the act happened: "Jeremiah Washington, 24,
# of Memphis", "a Columbia resident", "He is from Abingdon", "taken to Ingalls Memorial
# Hospital in Harvey", "the Medical Examiner's Office in Raleigh", "in Adams County District
# Court".
_RESIDENCE_BEFORE = re.compile(
    r"(?:,\s*(?:(?:an?|the)\s+)?(?:resident|native)?\s*(?:of|from)|\b(?:man|woman|boy|girl|teen|"
    r"teenager|resident|residents|native|student|victim|suspect|father|mother|son|daughter)"
    r"\s+(?:of|from)|\b(?:[Hh]e|[Ss]he|[Tt]hey|who)\s+(?:is|was|are|were)\s+(?:originally\s+)?from|"
    r"\b(?:lives|lived|living|resides|resided)\s+in)\s+(?:the\s+)?"
    r"(?:(?:city|town|village)\s+of\s+)?$")
# Russian outlets' legal formula after a group's name: "(banned in Russia)"
_BANNED_BEFORE = re.compile(r"\b(?:banned|outlawed|prohibited|proscribed)\s+in\s+(?:the\s+)?$",
                            re.I)
_INSTITUTION_BEFORE = re.compile(
    r"\b(?:taken|transported|rushed|flown|airlifted|brought|driven|died|dead|treated|held|"
    r"booked|jailed|appear\w*|arraigned|sentenced|autopsy|remains?)\b[^.;]{0,60}?\b(?:"
    r"hospital|medical center|health center|infirmary|medical examiner['’]?s? office|"
    r"coroner['’]?s? office|jail|prison|courthouse|court|detention center)\s+"
    r"(?:in|at|of)\s+(?:the\s+)?$", re.I)


def _misread(text: str, found: list[tuple[tuple[int, int], Place]],
             person_spans: list[tuple[int, int]]) -> list[tuple[tuple[int, int], Place]]:
    """``found`` without names that are not places here: a person's surname said alone
    ("Cory Lee Henderson ... Henderson was"), and a town in a country the text names
    nowhere else while it names another again and again ("Metro", Indonesia, in a Los
    Angeles story)."""
    surnames = set()
    for a, b in person_spans:
        words = text[a:b].split()
        if len(words) >= 2:
            surnames.add(words[-1].strip(".,'’"))
    # ... unless the text also places something in it ("in Wylam")
    surnames -= {text[a:b] for (a, b), _ in found
                 if re.search(r"\b(?:in|at|near|outside)\s+$", text[max(0, a - 10):a])}
    support = Counter(p.country_code for _, p in found if p.feature != "demonym")
    top, n_top = support.most_common(1)[0] if support else (None, 0)
    # the names each country and each state is supported by, and which have a region
    # named (a county or the state itself: "according to Los Angeles County coroner's")
    names_in: dict[tuple[str | None, str | None], set[str]] = {}
    regions: dict[tuple[str | None, str | None], set[str]] = {}
    for (a, b), p in found:
        if p.feature == "demonym":
            continue
        names_in.setdefault((p.country_code, None), set()).add(text[a:b].lower())
        names_in.setdefault((p.country_code, p.admin1), set()).add(text[a:b].lower())
        if (p.feature or "").startswith(("ADM1", "ADM2")) and p.admin1:
            regions.setdefault((p.country_code, p.admin1), set()).add(text[a:b].lower())
            regions.setdefault((p.country_code, None), set()).add(text[a:b].lower())
    ends = {b for _, b in person_spans}
    out = []
    for sp, p in found:
        if text[sp[0]:sp[1]] in surnames and not any(a <= sp[0] < b for a, b in person_spans):
            continue
        w0 = max(0, sp[0] - 6)
        m = re.search(r"\s+of\s+$", text[w0:sp[0]])
        if m is not None and w0 + m.start() in ends:
            continue  # "Alessandra De Moraes-Emiliano of Merrillville died": her home
        if _is_town(p) and p.country_code != top and n_top >= 3 and \
                support[p.country_code] == 1:
            continue
        if _is_town(p) and _street_or_river(text, sp, p):
            continue
        if (_is_town(p) or p.feature == "ADM2") and _lone_namesake(
                text, sp, p, support, names_in, regions):
            continue
        out.append((sp, p))
    return out


def _street_or_river(text: str, sp: tuple[int, int], p: Place) -> bool:
    """A town's name used for a street or a river: "on South Taft Court", "804 N.
    Broadway", "found ... in the Black River", "shot on Cypress Station" (a longer name
    than the town's, after "on")."""
    before = text[max(0, sp[0] - 12):sp[0]]
    return bool(_STREET_NEXT.match(text, sp[1])
                or re.search(r"\bon\s+$", before) and text[sp[0]:sp[1]].startswith(
                    p.name + " ")
                or re.search(r"\b\d+\s+(?:[NSEW]\.?\s+)?$", before)
                or re.search(r"\bthe\s+$", before)
                and re.search(r"\s(?:River|Creek|Bayou)$", text[sp[0]:sp[1]]))


def _lone_namesake(text: str, sp: tuple[int, int], p: Place, support: Counter[str | None],
                   names_in: dict[tuple[str | None, str | None], set[str]],
                   regions: dict[tuple[str | None, str | None], set[str]]) -> bool:
    """A place the gazetteer knows only far from where the text is: a neighbourhood or
    landmark it lacks, read as a namesake ("shot in Florence, according to Los Angeles
    County coroner's records": Florence, Alabama; "a nearby Metro rail station": Metro,
    Indonesia). Named once, nothing else the text names is in its state (or country),
    and the text names a county or state elsewhere."""
    name = text[sp[0]:sp[1]]
    low = name.lower()
    if p.feature == "PPLC" or support[p.country_code] > 1 and \
            names_in.get((p.country_code, None), set()) == {low}:
        return False  # a capital is named for itself; a name said again is meant
    if text.lower().count(low) > 1 or re.match(r"\s+[Pp]olice\b", text[sp[1]:sp[1] + 10]) or (
            sp[0] < 300 and _DATELINE_TAIL.match(text[sp[1]:sp[1] + 60])):
        return False  # said again, its own police force, or the dateline: it is meant
    if names_in.get((p.country_code, None), set()) == {low} and any(
            cc != p.country_code and support[cc] >= 1 for cc, _ in regions):
        return True
    if not p.admin1 or names_in.get((p.country_code, p.admin1), set()) != {low}:
        return False
    if not any(cc == p.country_code and a1 and a1 != p.admin1 and names - {low}
               for (cc, a1), names in regions.items()):
        return False
    # only a name the gazetteer reads loosely ("Jefferson Park" as Jefferson County), or
    # one of a small town: a city with a name of its own is meant
    if p.name.lower() != low:
        return True
    try:
        from wiredesk.places.gazetteer import lookup
    except ImportError:  # pragma: no cover - the places stage is optional
        return False
    return any(m.entry.geonameid == p.geonameid and m.entry.population < 100_000
               for m in lookup(name))


# a town named as a landmark to find the scene by: "in Catawba County, about an hour
# northwest of Charlotte", "20 miles from Memphis"
_LANDMARK_BEFORE = re.compile(
    r"(?:\b(?:north|south|east|west)(?:east|west)?(?:ern)?\s+of|\b(?:miles?|kilometers?|"
    r"kilometres?|km|hours?|minutes?)\s+(?:north|south|east|west)?\w*\s*(?:of|from))\s+"
    r"(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$", re.I)


def _suburb_of(text: str, span: tuple[int, int]) -> bool:
    """ "in suburban Detroit": somewhere around a big city, not in it ("south suburban
    Dolton" is Dolton itself, a suburb)."""
    if not re.search(r"\b(?:suburban|suburbs? of)\s+$", text[max(0, span[0] - 20):span[0]]):
        return False
    try:
        from wiredesk.places.gazetteer import lookup
    except ImportError:  # pragma: no cover - the places stage is optional
        return False
    return any(m.primary and m.exact and m.entry.feature.startswith("PPL")
               and m.entry.population >= 250_000 for m in lookup(text[span[0]:span[1]]))


def _not_the_scene(text: str, span: tuple[int, int], landmark: bool = True) -> bool:
    """A place named as someone's home or as the hospital, morgue or court they were
    taken to, as the big city whose suburbs it happened in, or as where a group is
    banned, which is not where the act happened; with ``landmark``, also as a landmark
    to find the scene by."""
    before = text[max(0, span[0] - 80):span[0]]
    return bool(_RESIDENCE_BEFORE.search(before) or _INSTITUTION_BEFORE.search(before)
                or _BANNED_BEFORE.search(before)
                or _suburb_of(text, span)
                or landmark and _LANDMARK_BEFORE.search(before)
                or re.match(r"\s+(?:[A-Z][\w'’-]*\s+){0,3}(?:District\s+|Circuit\s+|"
                            r"Superior\s+)?(?:Court|Jail|Detention Center)\b",
                            text[span[1]:span[1] + 60]))


# "In the two weeks since the U.S. carried out bombing raids": the act is that long ago
_SPAN_SINCE = re.compile(r"\b(?:the\s+)?(?:past\s+|last\s+)?(\w+)\s+(days|weeks|months)\s+"
                         r"since\s+[^,;]*$", re.I)


def _since_date(before: str, published: dt.date | None) -> tuple[Interval, str] | None:
    """The date of an act told in an "N weeks since ..." clause, counted back from the
    publication date, with the reader's slack (half a unit either way)."""
    m = _SPAN_SINCE.search(before)
    if m is None or published is None:
        return None
    word = m.group(1).lower()
    n = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
    if n is None or n <= 0:
        return None
    unit = {"days": 1, "weeks": 7, "months": 30}[m.group(2).lower()]
    center = published - dt.timedelta(days=n * unit)
    slack = dt.timedelta(days=unit // 2)
    precision: Precision = "day" if unit == 1 else "week" if unit == 7 else "month"
    return (Interval(start=center - slack, end=center + slack, precision=precision),
            m.group(0)[:m.end(2) - m.start(0) + len(" since")].strip())


def _coordinated_time(sdoc: Doc, cand: _Cand, times: list[Timex]) -> Timex | None:
    """A time expression the act shares with the clause it is coordinated with.

    "tensions that seized the region earlier this year and led the U.S. to deploy
    troops": the time modifies the first verb, and the verbs joined to it ("led") and
    their complements ("to deploy") happen then too. Only conjunct and open-complement
    links are followed: a reporting verb's time ("said Thursday that ...") is not the
    act's.
    """
    verbs: list[Token] = []
    tok = cand.anchor
    for _ in range(4):
        if tok.dep_ not in {"conj", "xcomp"} or tok.head.i == tok.i:
            break
        tok = tok.head
        verbs.append(tok)
    if not verbs:
        return None
    joined = {v.i for v in verbs}
    shared: list[Timex] = []
    for t in times:
        span = sdoc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        root = span.root
        head = root.head if root.dep_ in {"npadvmod", "advmod", "tmod", "obl"} else \
            root.head.head if root.dep_ == "pobj" and root.head.dep_ == "prep" else None
        if head is not None and head.i in joined:
            shared.append(t)
    return min(shared, key=lambda t: abs(t.start - cand.trigger.idx), default=None)


# "have been deployed", "has ordered": an act whose result holds at the time of writing
_PERFECT_AUX = frozenset({"have", "has", "'ve", "'s"})


def _present_perfect(tok: Token) -> bool:
    """Is ``tok`` (a verb) in the present perfect ("have been deployed")?"""
    return tok.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lower_ in _PERFECT_AUX and c.tag_ in {"VBP", "VBZ"}
        for c in tok.children)


def _recent_past(published: dt.date) -> Interval:
    """The month up to the publication date: when a development told in the present
    perfect without a date of its own took place (news tells changes that are recent)."""
    return Interval(start=published - dt.timedelta(days=30), end=published,
                    precision="month")


def _there(cand: _Cand) -> bool:
    """Is the act's place told as "there" (an adverb on its trigger or anchor)?"""
    return any(c.dep_ == "advmod" and c.lower_ == "there"
               for t in {cand.trigger, cand.anchor} for c in t.children)


_LEAVE_LEMMAS = frozenset({"leave", "depart", "evacuate", "exit", "quit", "withdraw"})


def _drawdown_place(sdoc: Doc, sent: Span, found: list[tuple[tuple[int, int], Place]]
                    ) -> Place | None:
    """Where diplomats or staff are drawn down: the embassy the sentence names (even as
    the one speaking: "The U.S. Embassy in Baghdad also said ... it had ordered
    nonessential personnel to leave Iraq"), else the country they leave.

    The mission, when named, is a point in its city (ACLED precision 1); the country left
    is only known at country level (precision 3, as the gazetteer gives a country).
    """
    here = [(sp, p) for sp, p in found if sent.start_char <= sp[0] < sent.end_char]
    embassy = next((p for _, p in here if p.feature == "embassy"), None)
    if embassy is not None:
        return embassy
    for sp, p in here:
        toks = sdoc.char_span(sp[0], sp[1], alignment_mode="expand")
        if toks is None or len(toks) == 0:
            continue
        root = toks.root
        head = root.head.head if root.dep_ == "pobj" and root.head.lower_ in {
            "from", "out"} else root.head if root.dep_ == "dobj" else None
        if head is not None and head.lemma_.lower() in _LEAVE_LEMMAS:
            return p  # "to leave Iraq", "evacuated from Kabul"
    return None


# a time counted back from another happening: "the day before", "a day earlier"
_COUNTED_BACK = re.compile(r"\b(?:the\s+(?:day|night|week)\s+before|the\s+previous\s+"
                           r"(?:day|night|week)|an?\s+(?:day|night|week)\s+earlier)\b", re.I)


def _dates_a_description(sdoc: Doc, t: Timex, cand: _Cand) -> bool:
    """A counted-back time inside a clause that describes people or things, not the act:
    "killing and wounding dozens of people evacuated from two Shia villages the day
    before", "the blast ripped through a bus depot where loyalists evacuated the day
    before waited" (the evacuation's day, not the blast's)."""
    if not _COUNTED_BACK.search(t.text):
        return False
    ti = _tok_at(sdoc, t.start)
    tok = sdoc[ti] if ti is not None else None
    for _ in range(6):
        if tok is None or tok.i in {cand.trigger.i, cand.anchor.i} or tok.head.i == tok.i:
            return False
        if tok.dep_ in {"acl", "relcl"} and tok.pos_ == "VERB":
            return tok.head.pos_ in {"NOUN", "PROPN"} and \
                tok.head.lemma_.lower() not in _NOUN_TRIGGERS
        tok = tok.head
    return False


def _timex_ok(text: str, t: Timex) -> bool:
    """Dates that can date an act: not the start of a span ("since ... 1979")."""
    return not _after_since(text, t.start)


_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
# trigger categories of strategic developments, kept even when undated and unplaced
_STRATEGIC = frozenset({"deploy", "drawdown", "arrest", "agreement"})


def _overlap(a: Interval | None, b: Interval | None) -> bool:
    return a is None or b is None or (a.start <= b.end and b.start <= a.end)


_FAMILIES = {
    "drone": "air", "aircraft": "air", "barrel bomb": "air", "guided missile": "air",
    "107-mm Katyusha rocket": "rocket", "Katyusha rocket": "rocket", "rocket": "rocket",
    "rocket launcher": "rocket", "mortar": "rocket", "artillery": "rocket",
    "missile": "missile", "ballistic missile": "missile", "cruise missile": "missile",
    "IED": "explosive", "explosive": "explosive", "suicide explosive": "explosive",
    "grenade": "explosive", "small arms": "arms", "blade": "arms",
    "chemical weapon": "chemical",
}


_SIDE_WORDS: dict[str, str] = {
    "us": "US", "u.s.": "US", "american": "US", "americans": "US", "coalition": "US",
    "british": "US", "briton": "US", "britons": "US", "polish": "US", "nato": "US",
    "iraqi": "IQ", "iraqis": "IQ", "iranian": "IR", "iranians": "IR", "israeli": "IL",
    "israelis": "IL", "palestinian": "PS", "palestinians": "PS", "russian": "RU",
    "russians": "RU", "ukrainian": "UA", "ukrainians": "UA", "syrian": "SY",
    "syrians": "SY", "turkish": "TR", "saudi": "SA", "yemeni": "YE",
}
_SIDE_OF_ENTITY = [
    (re.compile(r"United States|Operation Inherent Resolve|United Kingdom|NATO"), "US"),
    (re.compile(r"of Iraq\b"), "IQ"), (re.compile(r"of Iran\b|Quds|Revolutionary Guard"), "IR"),
    (re.compile(r"of Israel\b"), "IL"), (re.compile(r"of Russia\b|Wagner"), "RU"),
    (re.compile(r"of Ukraine\b"), "UA"), (re.compile(r"of Syria\b"), "SY"),
    (re.compile(r"of Turkey\b"), "TR"), (re.compile(r"of Saudi Arabia\b|Saudi-led"), "SA"),
]


def _side_words(text: str) -> set[str]:
    """Countries named by the nationality words of a victims' phrase ("12 coalition
    soldiers" -> US-led side), to keep casualties away from their own side's strikes."""
    return {_SIDE_WORDS[w] for w in re.findall(r"[a-z.]+", text.lower()) if w in _SIDE_WORDS}


def _sides(actors: list[ActorRef], role: str) -> set[str]:
    out = set()
    for a in actors:
        if a.role != role or a.modality == "denied":
            continue
        for rx, side in _SIDE_OF_ENTITY:
            if rx.search(a.name):
                out.add(side)
    return out


def _families(weapons: list[Weapon]) -> KeysView[str]:
    """The weapon families of ``weapons``, in the order they are told (a set's order
    changes with each process's string hashing: Ray's workers and the local engine
    typed acts told with two families apart)."""
    return dict.fromkeys(_FAMILIES[w.name] for w in weapons if w.name in _FAMILIES).keys()


def _anaphoric(cand: _Cand, persons: list[tuple[int, int]]) -> bool:
    """Words that retell an act already told rather than a new one: a casualty count,
    munitions that were fired or landed, "the attack"; not "a drone attack that killed
    Qassem Soleimani" (indefinite, with a named victim)."""
    if cand.reference:
        return False
    trig = cand.trigger
    if persons and cand.category == "casualty":
        return False
    doc = trig.doc
    if any(t.lower_ == "there" for t in doc[trig.i + 1:min(trig.i + 4, len(doc))]):
        return True  # "heavy bombardment there on Wednesday": the place told before
    if cand.category == "casualty":
        return True
    if trig.pos_ in {"VERB", "AUX"}:
        return trig.lemma_ in {"fire", "land", "fall", "hit", "strike", "launch"} and any(
            c.dep_ in {"nsubj", "nsubjpass"} and c.lemma_ in {
                "rocket", "missile", "mortar", "shell", "projectile", "katyusha"}
            or c.like_num for c in trig.children)
    dets = {c.lower_ for c in trig.children if c.dep_ in {"det", "poss"}}
    return bool(dets & {"the", "this", "that", "its", "their"}) or any(
        c.dep_ == "poss" for c in trig.children)


def _continues(new_sub: str, date: Interval | None, place: Place | None,
               previous: list[tuple[int, EventMention]], unit: int,
               weapons: list[Weapon] | None = None,
               perpetrators: set[str] | None = None,
               victims_text: str = "") -> EventMention | None:
    """The earlier mention an undated retelling continues, if any: same place, same kind
    of act and weapon, no other perpetrator, compatible dates; the document's lead and
    recency break ties."""
    fam = _families(weapons or [])
    perps = perpetrators or set()
    sides = _side_words(victims_text)
    best: tuple[float, EventMention] | None = None
    for k, (u, m) in enumerate(previous):
        if u == unit or m.event_type not in _VIOLENT:
            continue
        if date is not None and m.date is not None and not _overlap(date, m.date):
            continue
        mfam = _families(m.weapons)
        if fam and mfam and not fam & mfam:
            continue
        mperps = {a.entity_id for a in m.actors if a.is_perpetrator}
        if perps and not perps & mperps:
            continue
        score = 0.0
        if place is not None and m.place is not None:
            if _km(place, m.place) > 30:
                continue
            score += 3
        if sides and sides & _sides(m.actors, "perpetrator"):
            continue  # the victims' side did not attack itself
        if fam and m.sub_event_type == new_sub:
            score += 1
        if k == 0:
            score += 1
        if k == len(previous) - 1:
            score += 2
        if best is None or score > best[0]:
            best = (score, m)
    return best[1] if best else None


def document_focus(places: list[tuple[tuple[int, int], Place]]) -> set[str]:
    """The countries a document is about: those named (by places, not demonyms) at least
    half as often as the most named one, and at least twice."""
    counts: dict[str, int] = {}
    for _, p in places:
        if p.country_code and p.feature != "demonym":
            counts[p.country_code] = counts.get(p.country_code, 0) + 1
    top = max(counts.values(), default=0)
    return {c for c, n in counts.items() if n >= max(2, top / 2)}


def _add_to(target: EventMention, figures: list[FigureClaim], weapons: list[Weapon],
            roles: list[ActorRef], place: Place | None) -> None:
    """Give a retelling's figures, weapons, actors and place to the mention it retells."""
    target.figures.extend(figures)
    for w in weapons:
        if all(w.raw != x.raw for x in target.weapons):
            target.weapons.append(w)
    for a in roles:
        if a.role != "attributed_by" and all(a.entity_id != x.entity_id
                                             for x in target.actors):
            target.actors.append(a)
    if place is not None and (target.place is None or (
        place.feature in _SITES and target.place.feature not in _SITES
        and _km(place, target.place) <= 40
    )):
        # "a base north of Baghdad ... the attack on Camp Taji": the named site near the
        # town first given is the more precise place of the same act
        target.place = place


_SITES = frozenset({"base", "airport", "facility", "camp", "embassy", "crossing"})


def _same_place(cand: _Cand, date: Interval | None, place: Place | None,
                told: list[tuple[int, EventMention]]) -> EventMention | None:
    """A definite, undated reference to an act at a place the document has already told
    an act at ("comparable to the assault on Camp Taji, which involved 57 rockets"): the
    act told before, the latest one there."""
    if not cand.reference or date is not None or place is None:
        return None
    if not any(c.dep_ == "det" and c.lower_ in {"the", "that", "this"}
               for c in cand.trigger.children):
        return None
    for _, m in reversed(told):
        if m.event_type in _VIOLENT and m.place is not None and _km(m.place, place) <= 5:
            return m
    return None


def _same_subject(cand: _Cand, date: Interval | None, place: Place | None,
                  roles: list[ActorRef], weapons: list[Weapon],
                  told: list[tuple[int, EventMention]], unit: int) -> EventMention | None:
    """The act of the previous sentence that a bare, undated, unplaced noun goes on
    about: "Iran launched 16 cruise missiles at bases in Iraq. Iranian missile attacks
    did not kill anyone." Same perpetrator side, compatible weapons, no determiner that
    would introduce a new act ("a", "another")."""
    if cand.reference or date is not None or place is not None or not told:
        return None
    trig = cand.trigger
    if trig.pos_ not in {"NOUN", "PROPN"} or any(
        c.dep_ == "det" and c.lower_ in {"a", "an", "another", "one"} for c in trig.children
    ):
        return None
    u, prev = told[-1]
    if u != unit - 1 or prev.event_type not in _VIOLENT:
        return None
    sides = _sides(roles, "perpetrator")
    if not sides or not sides & _sides(prev.actors, "perpetrator"):
        return None
    fam, pfam = _families(weapons), _families(prev.weapons)
    if fam and pfam and not fam & pfam:
        return None
    return prev


def extract_mentions(
    doc: Document,
    sdoc: Doc,
    timexes: list[Timex],
    places: list[tuple[tuple[int, int], Place]],
    actors: ActorResolver,
) -> list[EventMention]:
    """Event mentions of one document.

    ``sdoc`` is the spaCy parse of exactly ``doc.text``; ``timexes`` its time expressions
    normalized against ``doc.published``; ``places`` its resolved toponyms (from
    ``wiredesk.places.find``); ``actors`` the run's resolver (aliases are remembered).
    """
    _event_place: Callable[..., Place | None] | None
    try:
        from wiredesk.places import event_place as _event_place
    except ImportError:  # pragma: no cover - the places stage is optional
        _event_place = None

    text = doc.text
    doc_air = bool(re.search(r"\b(?:air ?strikes?|airstrikes?|warplanes?|air raids?|"
                             r"fighter jets?|drone strikes?)\b", text, re.I))
    dated = [t for t in timexes if t.interval is not None and t.type in {"DATE", "TIME"}
             and _timex_ok(text, t)]
    doc_ents = list(sdoc.ents)
    person_spans = [(e.start_char, e.end_char) for e in doc_ents if e.label_ == "PERSON"]
    places = _misread(text, places, person_spans)
    all_places = places
    places = [(sp, p) for sp, p in places
              if p.feature != "demonym" and _locative(sdoc, sp, p)
              and not _after_since(text, sp[0]) and not _not_the_scene(text, sp, False)]
    # "killed south of Deir Ezzor": a landmark is the place, near it, when the sentence
    # names no other
    landmarks = [(sp, p) for sp, p in places
                 if _LANDMARK_BEFORE.search(text[max(0, sp[0] - 80):sp[0]])]
    places = [x for x in places if x not in landmarks]
    mentions: list[EventMention] = []
    told: list[tuple[int, EventMention]] = []  # (unit, mention) of the acts told so far
    units = _units(sdoc)
    org_person = [(e.start_char, e.end_char, e.label_, e.text, e.start) for e in doc_ents
                  if e.label_ in {"PERSON", "ORG"}]
    focus = document_focus(places)
    stated: set[str] = set()  # figure kinds the document has stated so far
    for ui, sent in enumerate(units):
        s0, s1 = sent.start_char, sent.end_char
        sent_text = sent.text
        weapons_here = find_weapons(sent_text)
        attributed = attribution(sent)
        skip: list[tuple[int, int]] = []
        if attributed:
            pos = sent_text.find(attributed)
            if pos >= 0:
                skip.append((s0 + pos, s0 + pos + len(attributed)))
        for am in re.finditer(r"\baccording to\b[^;.]*", sent_text):
            skip.append((s0 + am.start(), s0 + am.end()))
        persons_here = _persons(sent, person_spans)
        figures = find_figures(sent_text, doc.id, s0, persons_here, attributed)
        figures = _mark_partial(figures, text, stated)
        stated.update(f.kind for f in figures if f.value > 0)
        # "a 36-tube rocket launcher. Three of the projectiles had not been fired."
        if ui + 1 < len(units):
            nxt = units[ui + 1]
            lf = launcher_fired(sent_text, nxt.text)
            m0 = re.search(r"\b\d+[- ](?:tube|barrel|round)\b", sent_text)
            m1 = re.search(r"not been fired", nxt.text)
            if lf is not None and m0 and m1:
                st, en = s0 + m0.start(), nxt.start_char + m1.end()
                figures.append(FigureClaim(kind="munitions_fired", value=lf[0], low=lf[0],
                                           high=lf[0], quote=text[st:en], doc_id=doc.id,
                                           start=st, end=en, attributed_to=attributed))
        cands = _candidates(sent, bool(weapons_here))
        # strategic developments told without a trigger verb of ours
        dm = _DRAWDOWN.search(sent_text) if not cands else None
        if dm is not None:
            ti = _tok_at(sdoc, s0 + dm.start())
            trig = sdoc[ti] if ti is not None else sent.root
            cands = [_Cand(trigger=trig, category="drawdown", anchor=sent.root,
                           members=[trig], region={t.i for t in sent})]
        harmed = [f for f in figures if f.kind in {"fatalities", "injured"} and f.value > 0]
        if not cands and harmed and not any(m.event_type in _VIOLENT for _, m in told):
            # (an arrest told first does not make the victims its own: "... issued an
            # arrest warrant after the shooting ... The victim ... sustained a gunshot wound")
            # a headline's "Man Shot In Groin ..." (title case hides the verb from the
            # tagger): the count of victims alone reports the act
            ti = _tok_at(sdoc, harmed[0].end - 1)
            trig = sdoc[ti] if ti is not None else sent.root
            cands = [_Cand(trigger=trig, category="casualty", anchor=sent.root, members=[trig],
                           region={t.i for t in sent})]
        sent_dated = [t for t in dated if s0 <= t.start < s1]
        if not cands and told and _SITES_WERE.match(sent_text):
            # "The sites were bases of the Popular Mobilization Forces": what the act just
            # told hit, in the words of the source of the sentence before
            last = told[-1][1]
            if last.event_type in _VIOLENT and last.date is not None and told[-1][0] == ui - 1:
                mentions.append(last.model_copy(update={
                    "id": _mention_id(doc.id, s0, "sites"), "start": s0, "end": s1,
                    "quote": text[s0:s1], "trigger": sent[0].text, "figures": [],
                    "attributed_to": attributed or last.attributed_to, "cause_text": None,
                    "actors": _site_owners(sent, actors, focus, last.actors),
                    "weapons": list(last.weapons),
                }))
            continue
        if not cands:
            # figures alone continue the act just told ("Of these, 18 landed")
            if figures and told and not sent_dated:
                target = _continues("", None, None, told, ui, [w for _, w in weapons_here],
                                    None, " ".join(f.quote for f in figures))
                if target is not None:
                    target.figures.extend(figures)
            continue
        hits = _actor_hits(sent, actors, focus, org_person)
        sent_places = [(sp, p) for sp, p in places if s0 <= sp[0] < s1
                       and not any(a <= sp[0] < b for a, b in skip)]

        def region_of(char: int, cands: list[_Cand] = cands) -> _Cand | None:
            ti = _tok_at(sdoc, char)
            inside = [c for c in cands if ti is not None and ti in c.region]
            if inside:
                return min(inside, key=lambda c: len(c.region))
            return None

        def depth(tok: Token) -> int:
            d = 0
            while tok.head.i != tok.i and d < 20:
                tok = tok.head
                d += 1
            return d

        # items outside every region go to the sentence's main act, if it is not buried
        # in a reported clause ("... who launched the rockets, citing ... the attack")
        main = next((c for c in cands if not c.reference
                     and min(depth(c.anchor), depth(c.trigger)) <= 2), None)

        def governs(char: int, end: int, cands: list[_Cand] = cands) -> _Cand | None:
            # "in early January when a drone strike killed ...": the clause of the act
            # hangs on the time expression
            span = sdoc.char_span(char, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                return None
            tok = span.root
            for c in cands:
                a = c.anchor
                for _ in range(3):
                    if a.head.i == a.i:
                        break
                    a = a.head
                    if a.i == tok.i:
                        return c
            return None

        def adjacent(char: int, cands: list[_Cand] = cands, sent: Span = sent
                     ) -> _Cand | None:
            # "an attack in Qayara in November": words right after a trigger noun, with
            # only prepositional phrases between, belong to it
            ti = _tok_at(sdoc, char)
            if ti is None:
                return None
            for k in range(ti - 1, max(sent.start, ti - 7) - 1, -1):
                tok = sdoc[k]
                hit = next((c for c in cands if c.trigger.i == k), None)
                if hit is not None:
                    return hit if hit.trigger.pos_ in {"NOUN", "PROPN"} else None
                if tok.pos_ in {"VERB", "AUX", "PUNCT", "SCONJ", "CCONJ", "PRON"}:
                    return None
            return None

        def owner(char: int, end: int | None = None,
                  main: _Cand | None = main) -> _Cand | None:
            return (adjacent(char) or region_of(char)
                    or (governs(char, end) if end else None) or main)

        acts = [c for c in cands if not c.reference] or cands

        def nearest(char: int, acts: list[_Cand] = acts) -> _Cand:
            return min(acts, key=lambda k: abs(k.trigger.idx - char))

        def owner_fig(char: int) -> _Cand | None:
            # figures and weapons outside every region go to the nearest act
            return owner(char) or nearest(char)

        made: list[tuple[_Cand, EventMention]] = []
        for cand in cands:
            own_figs = [f for f in figures if owner_fig(f.start) is cand]
            own_weapons = [w for (a, b), w in weapons_here if owner_fig(s0 + a) is cand]
            own_times = [t for t in sent_dated if owner(t.start, t.end) is cand
                         and not _dates_a_description(sdoc, t, cand)]
            own_places = [(sp, p) for sp, p in sent_places if owner(sp[0]) is cand]
            if own_weapons and not own_times and not own_figs and ui > 0:
                # "Both attacks used civilian trucks outfitted with improvised launchers":
                # the means of the acts the sentence before told
                referred = _referred_acts(cand, mentions, units[ui - 1])
                if referred:
                    for m in referred:
                        m.weapons.extend(w.model_copy() for w in own_weapons
                                         if all(w.raw != x.raw for x in m.weapons))
                    continue
            r0 = min((sdoc[i].idx for i in cand.region), default=s0)
            r1 = max((sdoc[i].idx + len(sdoc[i].text) for i in cand.region), default=s1)
            if cand.category == "drawdown":
                sub: str | None = "Other"
            else:
                perp_kinds: set[str] = {h.entity.kind for h in hits if h.token in cand.region
                              and sdoc[h.token].dep_ in {"nsubj", "pobj", "compound", "amod",
                                                         "poss"}}
                region_text = text[r0:r1]
                sub = _sub_event(cand, region_text, own_weapons,
                                 _victims_civilian(own_figs, region_text), perp_kinds, doc_air,
                                 sent_text)
            if sub is None:
                continue
            date: Interval | None = None
            date_text: str | None = None
            if own_times:
                best_t = min(own_times, key=lambda t: abs(t.start - cand.trigger.idx))
                date, date_text = best_t.interval, best_t.text
            elif not cand.reference:
                since = _since_date(text[max(s0, cand.trigger.idx - 120):cand.trigger.idx],
                                    doc.published)
                if since is not None:
                    date, date_text = since
                else:
                    after = _after_dated(cand, cands, sent_dated, owner, text, s1) or \
                        _after_the_death(text[s0:cand.trigger.idx], mentions)
                    if after is not None:
                        date, date_text = after
                if date is None:
                    shared = _coordinated_time(sdoc, cand, sent_dated)
                    if shared is not None:
                        date, date_text = shared.interval, shared.text
                if date is None and doc.published is not None and \
                        cand.category in _STRATEGIC and (
                            _present_perfect(cand.trigger) or _present_perfect(cand.anchor)):
                    # "More U.S. air defense equipment ... have been deployed there": a
                    # change holding at the time of writing, dated by the publication
                    date, date_text = _recent_past(doc.published), None
            place: Place | None = None
            if own_places:
                if _event_place is not None:
                    trig_span = (cand.trigger.idx, cand.trigger.idx + len(cand.trigger.text))
                    place = _event_place(text, (s0, s1), own_places, trig_span)
                else:
                    place = own_places[0][1]
            if place is None and not own_places:
                near = [p for sp, p in landmarks if s0 <= sp[0] < s1 and owner(sp[0]) is cand]
                if near:
                    place = near[0].model_copy(update={"precision": max(2, near[0].precision)})
            if place is None and ui > 0 and _there(cand):
                # "... the U.S. posture in Iraq. More U.S. air defense equipment ... have
                # been deployed there": the place the sentence before ended on
                prev_u = units[ui - 1]
                before = [p for sp, p in places
                          if prev_u.start_char <= sp[0] < prev_u.end_char]
                place = before[-1] if before else None
            if place is None and cand.category == "drawdown":
                # the speaker's embassy is skipped as attribution, and the country left
                # is an object, not a scene: neither is an own place, both are the place
                place = _drawdown_place(sdoc, sent, all_places)
            # plural acts without a date or a figure are a trend, not an event; "the U.S.
            # strikes carried out in response" may still retell an act told before
            trend = cand.trigger.tag_ == "NNS" and date is None and not own_figs and not (
                place is not None and any(h.token in cand.region for h in hits)
            )
            # "America launched air strikes against ...": a subject's past act, no trend
            told_act = cand.anchor is not cand.trigger and cand.anchor.tag_ == "VBD" and \
                any(c.dep_ == "nsubj" for c in cand.anchor.children)
            if trend and not told_act and not any(c.dep_ == "det" and c.lower_ == "the"
                                                  for c in cand.trigger.children):
                continue
            tolls = [f for f in own_figs if f.kind in {"fatalities", "injured"}]
            if cand.category == "casualty" and (date is None or date.precision != "day") \
                    and tolls and all(f.aggregate for f in tolls) \
                    and max(f.value for f in tolls) >= _MASS_TOLL:
                # "More than 330000 people have been killed in Syria since the conflict
                # began (in 2011)", "Hundreds of thousands have been killed since ...":
                # a war's toll, no act of its own ("killed in Thursday's strike, bringing
                # the toll since Monday to 50" is dated to its day and stays, and so does
                # "a soldier was killed in Anbar, the first this year")
                continue
            cause = None
            if not cand.reference:
                for cm in _CAUSE.finditer(sent_text):
                    if _THREATENED.search(sent_text[max(0, cm.start() - 40):cm.start()]):
                        continue  # "a militia group threatened retaliation": no act's cause
                    if owner(s0 + cm.start()) is cand:
                        cause = cm.group(0)
                        break
            mod = "asserted" if cand.reference else modality(sent, cand.trigger)
            if mod not in {"asserted", "alleged"}:
                continue
            roles = _roles(cand, sent, hits, own_figs, attributed, actors, skip,
                           _last_armed_group(units, ui, actors, focus, org_person)
                           if _MILITIA_WORD.search(sent_text) else None, mod)
            for f in own_figs:
                if f.modality is None:  # the sentence's word on the act holds for its toll
                    f.modality = mod  # type: ignore[assignment]
            if sub == "Attack" and _armed_on_military(cand, roles, actors, own_figs,
                                                      text[r0:r1]):
                sub = "Armed clash"
            # an undated retelling of an act already told adds to it
            perps = {a.entity_id for a in roles if a.is_perpetrator}
            prev = _same_subject(cand, date, place, roles, own_weapons, told, ui) or \
                _same_place(cand, date, place, told)
            # (what air strikes hit is where reports disagree: depots or army posts)
            hit_told = sub == "Air/drone strike" and _HIT_WHAT.search(sent_text) is not None
            if prev is not None and cause is None and event_type(sub) in _VIOLENT:
                if hit_told and prev.date is not None:
                    # "The strikes targeted five storage facilities ...": what the act hit,
                    # as a source says, is a claim of its own about the act told before
                    date, date_text, place = prev.date, prev.date_text, place or prev.place
                else:
                    _add_to(prev, own_figs, own_weapons, roles, place)
                    continue
            if event_type(sub) in _VIOLENT and _anaphoric(cand, persons_here) and \
                    cause is None and (
                date is None or (told and any(m.date is not None and _overlap(date, m.date)
                                              for _, m in told))
            ):
                vtext = " ".join(f.quote for f in own_figs
                                 if f.kind in {"fatalities", "injured"})
                target = _continues(sub, date, place, told, ui, own_weapons, perps, vtext)
                if target is not None and trend and (
                        target.sub_event_type != sub or not (perps or hit_told)):
                    target = None  # a definite plural retells only an act of its kind
                if target is not None and hit_told and target.date is not None and \
                        date is None:
                    date, date_text = target.date, target.date_text
                    place = place or target.place
                    trend = False
                elif target is not None and (date is None or target.date is not None):
                    _add_to(target, own_figs, own_weapons, roles, place)
                    continue
            if trend and not told_act:
                continue
            # precision: an undated, unplaced act without figures is too vague to keep,
            # unless it is the document's first news
            strategic = cand.category in _STRATEGIC
            # ... unless a past act names who did it to whom ("America launched air strikes
            # against Kataib Hezbollah")
            named = {a.role for a in roles} >= {"perpetrator", "target"} and \
                cand.anchor.tag_ == "VBD"
            if date is None and place is None and not own_figs and not strategic and (
                mentions or cand.reference
            ) and not named:
                continue
            if cand.reference and date is None and not own_figs:
                continue
            # a background act named inside another sentence is quoted by its own words
            quote_s, quote_e = (s0, s1) if len(cands) == 1 and not cand.reference else (
                max(s0, r0), min(s1, r1))
            quote = text[quote_s:quote_e]
            background = cand.reference or (
                date is not None and doc.published is not None
                and (doc.published - date.end).days > 10
            )
            kinds = {a.role for a in roles}
            political: bool | None = None
            if event_type(sub) in {"Protests", "Riots", "Strategic developments"} or any(
                a.is_perpetrator and actors.kind_of(a.name) in {
                    "state_forces", "armed_group", "government", "political_party"}
                for a in roles
            ) or sub in {"Shelling/artillery/missile attack", "Air/drone strike"}:
                political = True
            conf = 0.45 + 0.1 * (date is not None) + 0.1 * (place is not None) + \
                0.1 * ("perpetrator" in kinds) + 0.1 * bool(own_figs) - 0.1 * background
            mention = EventMention(
                id=_mention_id(doc.id, quote_s, cand.trigger.text),
                doc_id=doc.id,
                start=quote_s,
                end=quote_e,
                quote=quote,
                trigger=cand.trigger.text,
                event_type=event_type(sub),
                sub_event_type=sub,
                plover=plover(sub),
                political=political,
                date=date,
                date_text=date_text,
                place=place,
                actors=roles,
                weapons=own_weapons,
                figures=own_figs,
                attributed_to=attributed,
                modality=mod,  # type: ignore[arg-type]
                background=background,
                cause_text=cause,
                confidence=round(max(0.1, min(0.95, conf)), 2),
            )
            mentions.append(mention)
            made.append((cand, mention))
            if not cand.reference:
                told.append((ui, mention))
        _similar_acts(made, text)
    _inherit_types(mentions)
    if doc.published is None:
        _past_years_are_background(mentions, text, units)
    lead_end = units[min(1, len(units) - 1)].end_char if units else 0
    mentions = _fold_undated(mentions, lead_end)
    for m in mentions:
        _flag_aggregates(m, text)
        _shot_then_died(m, text)
        _fatal_act_wounded_is_the_dead(m)
    _one_shot_is_the_dead(mentions)
    _shot_ones_died(mentions)
    _town_of_incident(mentions, text, units, all_places, places, doc.title)
    _hit_count_holds_the_dead(mentions, lead_end)
    _responsibility(units, actors, focus, org_person, mentions)
    return mentions


# what a denial or a claim is about when it is about doing an act: "denied any
# involvement", "claimed responsibility", "denied carrying out the strike", "denied its
# forces were behind the attack"
_RESPONSIBILITY = frozenset({"involvement", "responsibility", "role", "part", "participation",
                             "culpability", "credit"})
_DOING = frozenset({"carry", "conduct", "launch", "stage", "mount", "perpetrate", "commit",
                    "target", "bomb", "strike", "attack", "fire", "shell", "kill", "order"})
_RELATIVE = frozenset({"which", "who", "that"})


def _speaker(verb: Token) -> Token | None:
    """The subject of a verb of denying or claiming: its own, a shared one ("denied
    responsibility and blamed rebels"), or the noun a relative clause hangs on ("the
    regime, which denied any responsibility")."""
    v = verb
    for _ in range(2):
        subj = next((c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None:
            if subj.lower_ in _RELATIVE and v.dep_ == "relcl":
                return v.head
            # a pronoun's antecedent is left unread ("though it denied any
            # responsibility"): the one such sentence in the corpora names its party
            # in a form the actor dictionary does not know
            return None if subj.pos_ == "PRON" else subj
        if v.dep_ != "conj":
            return None
        v = v.head
    return None


def _about_doing(verb: Token) -> bool:
    """Whether what ``verb`` denies or claims is the doing of an act, not a fact."""
    for c in verb.children:
        if c.dep_ in {"dobj", "attr"} and c.lemma_.lower() in _RESPONSIBILITY:
            return True
        if c.dep_ in {"xcomp", "ccomp", "dobj"} and c.pos_ in {"VERB", "AUX"}:
            words = [t for t in c.subtree]
            if c.lemma_.lower() in _DOING or any(
                    t.lower_ in {"behind", "responsible"} for t in words):
                return True
    return False


def _responsibility(units: list[Span], resolver: ActorResolver, focus: Collection[str],
                    org_person: Sequence[tuple[int, int, str, str, int]],
                    mentions: list[EventMention]) -> None:
    """Who denies or claims an act the document reports, on that act's mention.

    "Kataib Hezbollah denied any involvement in the attack", "Moscow denied carrying
    out raids there": the denier stays on the act as a perpetrator with modality
    ``denied`` (consumers never count it as a perpetrator), beside any report that
    blames it. "X claimed responsibility for the attack": X is a perpetrator the act's
    own doer asserts. The act is the latest violent act told up to the sentence that
    names the speaker as its perpetrator, else the latest told, else the first told
    after (a headline's denial); with no violent act in the document the sentence is
    about nothing we report and is dropped.
    """
    acts = [m for m in mentions if m.event_type in _VIOLENT]
    if not acts:
        return
    for sent in units:
        verbs = [t for t in sent if t.lemma_.lower() in {"deny", "claim"}
                 and not any(c.dep_ == "neg" for c in t.children)]
        if not verbs:
            continue
        hits: list[_ActorHit] | None = None
        for verb in verbs:
            how = "denied" if verb.lemma_.lower() == "deny" else "asserted"
            if how == "asserted" and not any(
                    c.dep_ == "dobj" and c.lemma_.lower() in {"responsibility", "credit"}
                    for c in verb.children):
                continue  # "claimed" alone is a verb of saying
            if not _about_doing(verb):
                continue
            subj = _speaker(verb)
            if subj is None:
                continue
            if hits is None:
                hits = _actor_hits(sent, resolver, focus, org_person)
            lo, hi = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
            who = [h for h in hits if lo <= h.start < hi and h.entity.kind != "civilians"]
            if not who:
                continue
            ent = who[-1].entity if subj.i < who[-1].token else who[0].entity
            # an act told after the verb in its own sentence is not the one it answers:
            # "claimed responsibility for the attack, saying it was in retaliation for
            # Nato airstrikes"
            act = _answered_act(acts, ent, verb.idx)
            if act is not None:
                _put_perpetrator(act, ent, how)


def _answered_act(acts: list[EventMention], ent: Entity, end: int) -> EventMention | None:
    """The act a party's denial or claim, made at character ``end``, answers: the latest act told
    so far that names its side as perpetrator, else the latest one no other side is
    told to have done ("a U.S. missile strike ... The Syrian government has strongly
    denied responsibility" is about the gas attack, not the strike), else the first such
    act told after."""
    from wiredesk.merge import side

    party = side(ent.id)

    def sides(m: EventMention, asserted: bool) -> set[str]:
        return {side(a.entity_id) for a in m.actors
                if a.is_perpetrator and (a.modality == "asserted" or not asserted)}

    before = [m for m in acts if m.start < end]
    named = [m for m in before if party in sides(m, False)]
    if named:
        return named[-1]
    free = [m for m in acts if not sides(m, True) - {party}]
    earlier = [m for m in free if m.start < end]
    return earlier[-1] if earlier else (free[0] if free else None)


def _put_perpetrator(m: EventMention, ent: Entity, how: str) -> None:
    """Record ``ent`` as a perpetrator of ``m`` with modality ``how``: a claim makes an
    alleged or unqualified entry asserted; a denial is an entry of its own."""
    if how == "denied":
        if not any(a.entity_id == ent.id and a.modality == "denied" for a in m.actors):
            m.actors = [*m.actors, ActorRef(entity_id=ent.id, name=ent.name,
                                            role="perpetrator", modality="denied")]
        return
    if any(a.entity_id == ent.id and a.is_perpetrator for a in m.actors):
        m.actors = [a.model_copy(update={"modality": "asserted"})
                    if a.entity_id == ent.id and a.is_perpetrator else a for a in m.actors]
    else:
        m.actors = [*m.actors, ActorRef(entity_id=ent.id, name=ent.name, role="perpetrator",
                                        modality="asserted")]


_YEAR_TOLD = re.compile(r"(?<![\d/.:-])(?:in|of|since|on|during|from|back in|\d{1,2},|"
                        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?|"
                        r"Thanksgiving|Christmas|summer|spring|fall|winter)\s+((?:19|20)\d\d)\b")


def _past_years_are_background(mentions: list[EventMention], text: str,
                               units: list[Span]) -> None:
    """In a document with no date of its own, an act whose sentence dates it to a year
    before the year its lead names ("killed three men at a party in the summer of 2012"
    in a story whose dateline is December 15, 2014) is background, as a dated one would
    be. (A lead that names no year, or only old ones, as a cold-case page does, decides
    nothing.)"""
    lead_end = units[min(1, len(units) - 1)].end_char if units else 0
    years = [int(m.group(1)) for m in _YEAR_TOLD.finditer(text[:lead_end])]
    if not years:
        return
    latest = max(years)
    for m in mentions:
        unit = next((u for u in units if u.start_char <= m.start < u.end_char), None)
        sent = unit.text if unit is not None else m.quote
        told = {int(y.group(1)) for y in _YEAR_TOLD.finditer(sent)}
        if told and max(told) < latest:
            m.background = True


def _stated_number(quote: str) -> int | None:
    word = quote.split()[0].lower() if quote.split() else ""
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def _hit_count_holds_the_dead(mentions: list[EventMention], lead_end: int) -> None:
    """A headline's "Two shot" counts everyone hit: when the lead then tells one of them
    dead ("one of the victims ... has died"), the rest were wounded."""
    lead = [m for m in mentions if not m.background and m.event_type in _VIOLENT
            and m.start < lead_end]
    if not lead:
        return
    # (a count its own sentence has not already lessened: "Three shot, one dead")
    hit = [f for f in lead[0].figures if f.kind == "injured" and f.value > 1
           and re.search(r"\bshot$", f.quote) and _stated_number(f.quote) == f.value]
    if len(hit) != 1:
        return
    dead = max((f.value for m in lead for f in m.figures
                if f.kind == "fatalities" and not f.aggregate), default=0)
    if 0 < dead < hit[0].value:
        n = hit[0].value - dead
        lead[0].figures = [f.model_copy(update={"value": n, "low": n, "high": n})
                           if f is hit[0] else f for f in lead[0].figures]


_DAYS_BEFORE = re.compile(r"\b(?:just |only )?(?:a few |several |two |three |four |five )?"
                          r"(days|hours|a day|a week) (after|before)\s+(?:\w+\s+){0,2}$", re.I)


def _similar_acts(made: list[tuple[_Cand, EventMention]], text: str) -> None:
    """"Rockets hit a base ..., just days after a similar attack, killing three
    soldiers": the earlier act named as "similar" to the sentence's act is of the same
    kind, and "days after" dates it from that act (up to a week before)."""
    host = next((m for c, m in made if not c.reference and m.event_type in _VIOLENT), None)
    if host is None:
        return
    for cand, m in made:
        if not cand.reference or not any(
                c.lower_ in {"similar", "comparable", "identical"} for c in cand.trigger.children):
            continue
        if m.sub_event_type in {"Attack", "Armed clash"} and not m.weapons:
            # "similar" says the means too: a rocket barrage's similar attack was by rockets
            m.sub_event_type, m.event_type, m.plover = (host.sub_event_type, host.event_type,
                                                         host.plover)
            m.weapons = [w.model_copy() for w in host.weapons]
        if m.date is not None or host.date is None:
            continue
        gap = _DAYS_BEFORE.search(text[max(0, cand.trigger.idx - 60):cand.trigger.idx])
        if gap is None:
            continue
        unit, way = gap.group(1).lower(), gap.group(2).lower()
        span = 1 if unit in {"hours", "a day"} else 7
        d0, d1 = host.date.start, host.date.end
        if way == "after":
            start, end = d0 - dt.timedelta(days=span), d0 - dt.timedelta(days=1 if span > 1 else 0)
        else:
            start, end = d1 + dt.timedelta(days=1 if span > 1 else 0), d1 + dt.timedelta(days=span)
        m.date = Interval(start=start, end=end, precision="week" if span > 1 else "day")
        m.date_text = gap.group(0)[:gap.end(2) - gap.start(0)].strip()


# (a hospital trip, "the child was airlifted to ... with life-threatening injuries", tells
# the same state of one victim as "shot")
_SHOT_STATE = re.compile(r"\b(?:shot|struck|hit|hitting|gunshot wounds?|wounds? to|(?:taken|"
                         r"transported|rushed|brought|airlifted|flown) to)\b", re.I)
_OTHER_VICTIM = re.compile(r"\b(?:another|second|other|also|wounded|injured|hurt|critical|"
                           r"hospitali[sz]ed|two|three|four|\d+)\b", re.I)


def _shot_then_died(m: EventMention, text: str = "") -> None:
    """One victim told as shot and, in the same act, as dead ("a man with a gunshot
    wound ... he later died") is a death, not also an injury: a single "shot" claim is
    dropped from an act that counts a death, unless it names another victim (one joined
    by "and" to the one before: "they discovered Harris, ..., and a 19-year-old male, who
    had been shot once")."""
    if not any(f.kind == "fatalities" and f.value >= 1 and not f.aggregate
               for f in m.figures):
        return
    m.figures = [f for f in m.figures if not (
        f.kind == "injured" and f.value == 1 and _SHOT_STATE.search(f.quote)
        and not (re.search(r",?\s\band\s+$", text[max(0, f.start - 8):f.start])
                 and re.match(r"(?i)an?\s", f.quote))
        # (an age is no count: "a 23-year-old man", "Khushwilder Singh, 24, was ...")
        and not _OTHER_VICTIM.search(re.sub(r"\d+-year-old|,\s*\d{1,3}\s*,", "", f.quote)))]


def _fatal_act_wounded_is_the_dead(m: EventMention) -> None:
    """A "fatal shooting" or "deadly shooting" that counts no death but one victim hit
    ("a 23-year-old man suffering from at least one gunshot wound") counts that victim
    dead: the act's own word says he did not survive."""
    if any(f.kind == "fatalities" and f.value >= 1 for f in m.figures):
        return
    if not re.search(rf"\b(?i:fatal|fatally|deadly)\s+(?:\w+\s+)?{re.escape(m.trigger)}\b",
                     m.quote):
        return
    hit = [f for f in m.figures if f.kind == "injured" and f.value >= 1]
    if len(hit) == 1 and hit[0].value == 1 and _SHOT_STATE.search(hit[0].quote) and \
            not _OTHER_VICTIM.search(re.sub(r"\d+-year-old|,\s*\d{1,3}\s*,", "", hit[0].quote)):
        m.figures = [f.model_copy(update={"kind": "fatalities"}) if f is hit[0] else f
                     for f in m.figures]


_NOT_NAMES = frozenset({"The", "This", "That", "One", "Another", "Police", "Officers",
                        "Authorities", "Deputies"})


def _shot_ones_died(mentions: list[EventMention]) -> None:
    """"A and B were shot ... Both ... died": the victims counted shot and then told dead
    all together are that many deaths, not also that many wounded."""
    died = {f.value for m in mentions if not m.background for f in m.figures
            if f.kind == "fatalities" and f.value > 1 and re.match(r"(?i)both\b", f.quote)}
    # "Mitchell received multiple gunshot wounds ... Mitchell was later pronounced dead":
    # the wounds of one named victim told dead elsewhere are that death
    dead_names = {w for m in mentions if not m.background for f in m.figures
                  if f.kind == "fatalities" and f.value >= 1
                  for w in re.findall(r"\b[A-Z][a-z'’-]{2,}\b", f.quote)}
    for m in mentions:
        if not m.background:
            m.figures = [f for f in m.figures if not (
                f.kind == "injured" and f.value in died and _SHOT_STATE.search(f.quote)
            ) and not (
                f.kind == "injured" and f.value == 1 and _SHOT_STATE.search(f.quote)
                and (n := re.match(r"([A-Z][a-z'’-]{2,})\s+(?:was|had|has|received|suffered|"
                                   r"sustained)\b", f.quote)) is not None
                and n.group(1) in dead_names and n.group(1) not in _NOT_NAMES)]


_SHOT_OBJECT = re.compile(r"^(?:shot|shoots|hitting|hit|hits|striking|struck|strikes)\s", re.I)


def _one_shot_is_the_dead(mentions: list[EventMention]) -> None:
    """"The suspect shot the victim once" says a person was hit, not that he lived: in a
    story that tells a death, such a hit is that death (the killing told again), not
    another victim wounded. Victims told wounded in their own words stay."""
    if not any(f.kind == "fatalities" and f.value >= 1 and not f.aggregate
               for m in mentions if not m.background and m.event_type in _VIOLENT
               for f in m.figures):
        return
    for m in mentions:
        m.figures = [f for f in m.figures if not (
            f.kind == "injured" and f.value == 1 and _SHOT_OBJECT.match(f.quote))]


_AFTER_ACT = re.compile(r"^\s+(?:after|following)\s+(?:the|a|an|that)\s+(?:[\w-]+\s+){0,3}?"
                        r"(?=(?:attacks?|strikes?|airstrikes?|bombings?|raids?|shelling|"
                        r"killings?|assault)\b)", re.I)


def _after_dated(cand: _Cand, cands: list[_Cand], sent_dated: list[Timex],
                 owner: Callable[[int, int], _Cand | None], text: str, s1: int
                 ) -> tuple[Interval, str] | None:
    """"U.S. retaliatory strikes after the rocket attack in Kirkuk in December": an act
    named as following a dated act took place from that date to a week after it."""
    if cand.trigger.pos_ not in {"NOUN", "PROPN"}:
        return None
    end = cand.trigger.idx + len(cand.trigger.text)
    m = _AFTER_ACT.match(text[end:s1])
    if m is None:
        return None
    ref = next((c for c in cands if c is not cand and c.trigger.idx == end + m.end()), None)
    if ref is None:
        return None
    times = [t for t in sent_dated if t.interval is not None and owner(t.start, t.end) is ref]
    if not times:
        return None
    iv = times[0].interval
    assert iv is not None
    return (Interval(start=iv.start, end=iv.end + dt.timedelta(days=7),
                     precision=iv.precision), text[end:max(end, times[0].end)].strip())


_AFTER_DEATH = re.compile(r"^\W*(?:after|following)\s+the\s+(?:death|killing)\s+of\s+the\s+"
                          r"[\w-]+\s*,", re.I)


def _after_the_death(before: str, told: list[EventMention]) -> tuple[Interval, str] | None:
    """"After the death of the entrepreneur, America launched air strikes": a sentence
    opening on the death the document has just told (its latest dated act with a death)
    took place from that date to a week after it."""
    m = _AFTER_DEATH.match(before)
    if m is None:
        return None
    ref = next((t for t in reversed(told) if t.date is not None and t.event_type in _VIOLENT
                and any(f.kind.startswith("fatalities") and f.value > 0 for f in t.figures)),
               None)
    if ref is None or ref.date is None:
        return None
    return (Interval(start=ref.date.start, end=ref.date.end + dt.timedelta(days=7),
                     precision=ref.date.precision), m.group(0).strip(" ,"))


def _is_town(p: Place) -> bool:
    feature = p.feature or ""
    return (feature.startswith("PPL") and feature != "PPLX") or feature == "town"


# "AUBURN, Alabama --", "NORTH CHARLESTON, S.C. (WCIV) --", "MILWAUKEE —": a dateline
_DATELINE_TAIL = re.compile(r"^\s*(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\.?)?\s*"
                            r"(?:\([^)]{0,40}\)\s*)?(?:--|[—–-])")


# an upper-case dateline the toponym finder may not know as a name: "STOCKTON, Calif."
_CAPS_DATELINE = re.compile(r"(?:^|\n|(?:Press|AP|Reuters)\s+)([A-Z][A-Z.' ]{2,30}?[A-Z])(?=,\s*"
                            r"[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\.?\s*(?:\([^)]{0,40}\)\s*)?"
                            r"(?:--|[—–-])|\s*(?:\([^)]{0,40}\)\s*)?(?:--|[—–-]))"
                            # ... or run on after a page's repeated headline: "... now facing
                            # charges WESTMORELAND, N.Y. -- A hunter ..." (its state says so)
                            r"|(?<=[a-z] )([A-Z][A-Z.']{2,20}(?: [A-Z][A-Z.']{1,20}){0,2})(?=,\s*"
                            r"[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\.?\s*(?:\([^)]{0,40}\)\s*)?"
                            r"(?:--|[—–]))")


def _dateline_town(text: str, units: list[Span],
                   found: list[tuple[tuple[int, int], Place]],
                   county: bool = False) -> Place | None:
    """The town of the dateline that opens one of the first lines of the text (with
    ``county``, a county's too: "ADAMS COUNTY, Colo. (CBS4) --")."""
    starts = {u.start_char + len(u.text) - len(u.text.lstrip()) for u in units[:4]}
    for (a, b), p in found:
        if not (_is_town(p) or county and p.feature == "ADM2") or a > 1500:
            continue
        before = text[max(0, a - 3):a]
        at_start = a in starts or before.endswith(("\n", "/ ", "| ")) or a == 0
        if at_start and _DATELINE_TAIL.match(text[b:b + 60]):
            return p
    m = _CAPS_DATELINE.search(text[:1500])
    if m is not None:
        try:
            from wiredesk.places import resolve
        except ImportError:  # pragma: no cover - the places stage is optional
            return None
        g = 1 if m.group(1) is not None else 2
        spans = [(m.start(g), m.end(g))]
        st = re.match(r",\s*([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)", text[m.end(g):m.end(g) + 40])
        if st is not None:
            spans.append((m.end(g) + st.start(1), m.end(g) + st.end(1)))
        got, *state = resolve(text, spans)
        # "WESTMORELAND, N.Y.": a place of the state the dateline names, or none
        if state and state[0] is not None and state[0].feature == "ADM1" and (
                got is None or got.admin1 != state[0].name):
            return None
        if got is not None and (_is_town(got) or county and got.feature == "ADM2"):
            return got
    return None


# "the Rogers Park neighborhood", "the city's Point Breeze section", "Philadelphia's
# Strawberry Mansion": a part of a town, which GeoNames often lists as a town itself.
_HOOD_AFTER = re.compile(r"\s+(?:neighbou?rhoods?|section|community area)\b", re.I)
_HOOD_BEFORE = re.compile(r"(?:\bcity|\b[A-Z][\w.]+)(?:'s|’s|&#39;s)\s+$")


# The outlet's name closing a headline: "| WBOY.com: Clarksburg, Morgantown: News",
# "- Fox29 WFLX TV, West Palm Beach, FL-news & weather", "| Colorado Springs Gazette, News".
_OUTLET_SEP = re.compile(r"\s(?:\||-|–|—|::|«)\s")
_OUTLET_WORDS = re.compile(
    r"\.com\b|\b(?:News|TV|Gazette|Times|Daily|Weather|Chronicle|Herald|Journal|Tribune|"
    r"Register|Observer|Press|Post|Radio|FOX\d*|CBS\d*|ABC\d*|NBC\d*|K[A-Z]{2,3}|W[A-Z]{2,3})\b")


def _outlet_tail(text: str) -> tuple[int, int] | None:
    """The span of the outlet's name at the end of the headline (the first line)."""
    line_end = text.find("\n")
    if line_end < 0 or line_end > 400:
        return None
    seps = list(_OUTLET_SEP.finditer(text, 0, line_end))
    for sep in seps:
        # the first segment after a separator that names an outlet, to the line's end
        if _OUTLET_WORDS.search(text, sep.end(), line_end):
            seg_end = next((x.start() for x in seps if x.start() > sep.end()), line_end)
            if _OUTLET_WORDS.search(text, sep.end(), seg_end):
                return sep.start(), line_end
    return None


# A local story's town the toponym finder may miss: the headline's "shot in South
# Philadelphia" / "Augusta man shot", "the Houston Police Department", the outlet's own
# town ("| The Augusta Chronicle", "« CBS Chicago").
_CAP_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}"
_DIR_WORD = (r"(?:(?:[Nn]orth|[Ss]outh)(?:east|west|East|West)?|[Ee]ast|[Ww]est|[NSEW]\.|"
             r"[Cc]entral|[Dd]owntown|[Ss]uburban|[Nn]ear)")
_HEAD_IN = re.compile(rf"\b(?i:in|at|near|outside)\s+(?:(?i:the)\s+)?"
                      rf"(?P<dir>(?:{_DIR_WORD}(?:\s+(?i:side\s+of))?\s+)*)({_CAP_NAME})")
_HEAD_WHO = re.compile(rf"^(?:{_DIR_WORD}\s+)?({_CAP_NAME})\s+(?i:man|woman|teen|teenager|boy|"
                       rf"girl|child|toddler|police|officer|cop|deputy|trooper|resident|"
                       rf"student|homicide|shooting|standoff|family|mother|father)\b")
_FORCE = re.compile(rf"({_CAP_NAME})\s+(?:Police\s+Department|Police\s+Dept\.?|"
                    rf"police\s+department|[Pp]olice\s+(?:said|say|were|are|officers?|chief|"
                    rf"Chief|responded|found))")
_NOT_TOWN_WORDS = frozenset({
    "the", "a", "an", "man", "woman", "police", "state", "county", "city", "news",
    "local", "sheriff", "metropolitan", "metro", "university", "campus", "capitol", "and",
    "of", "shot", "shooting", "killed", "dead", "teen", "officer", "officers", "suspect",
    "home", "top", "stories", "newsroom", "breaking", "video", "update", "weather", "sports",
    "daily", "times", "herald", "chronicle", "gazette", "journal", "tribune", "post",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "christmas", "new", "year's", "street", "avenue",
    "road", "drive", "boulevard", "highway", "parkway",
})
# "Pine Street Shooting": a street's name is not a town's
_STREET_NEXT = re.compile(r"\s+(?i:street|st\.?|avenue|ave\.?|road|rd\.?|drive|boulevard|"
                          r"blvd\.?|highway|hwy\.?|parkway|court|place|way|circle|terrace)\b(?!-)")


def _name_spans(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of the names in text[a:b], longest first: "Homan Square Shooting", then
    "Homan Square", ... (a title-case headline runs the name into its verb; an outlet's
    name wraps its town: "CBS Chicago")."""
    words = [(m.start() + a, m.end() + a) for m in re.finditer(r"[^\s]+", text[a:b])]
    out = []
    for k in range(len(words), 0, -1):
        for i in range(len(words) - k + 1):
            s, e = words[i][0], words[i + k - 1][1]
            name = re.sub(r"(?:'s|’s|&#39;s|[.,:;'’-])+$", "", text[s:e])
            low = name.lower().split()
            if low and low[0] not in _NOT_TOWN_WORDS and low[-1] not in _NOT_TOWN_WORDS \
                    and not _STREET_NEXT.match(text, e):
                out.append((s, s + len(name)))
    return out


def _named_town(text: str, found: list[tuple[tuple[int, int], Place]],
                title: str | None, outlet_town: bool = True) -> Place | None:
    """The town of a story whose text names none the toponym finder knows: the headline's
    place ("shot in South Philadelphia", "Augusta man shot"), a town's police force ("the
    Houston Police Department"), else the outlet's own town ("The Augusta Chronicle").
    A place in another country than every other one the text names is a misreading."""
    try:
        from wiredesk.places import resolve
    except ImportError:  # pragma: no cover - the places stage is optional
        return None
    if title and not text.startswith(title.strip()[:60]):
        text = title.strip() + "\n" + text  # the headline read apart from the body
    outlet = _outlet_tail(text)
    line_end = text.find("\n")
    head_end = line_end if 0 < line_end <= 400 else 0
    if outlet is not None and head_end:
        head_end = min(head_end, outlet[0])
    groups: list[list[tuple[int, int]]] = []
    n_in = 0
    for m in _HEAD_IN.finditer(text, 0, head_end):
        # "in West Oak Lane" is a name, "in south Augusta" a part of one
        start = m.start("dir") if m.group("dir")[:1].isupper() else m.start(2)
        groups.append(_name_spans(text, start, m.end(2)))
        n_in += 1
    for m in _HEAD_WHO.finditer(text, 0, head_end):
        groups.append(_name_spans(text, m.start(1), m.end(1)))
    for m in _FORCE.finditer(text, 0, 3000):
        groups.append(_name_spans(text, m.start(1), m.end(1))[::-1])
    if outlet is not None and outlet_town:
        for m in re.finditer(_CAP_NAME, text[outlet[0]:outlet[1]]):
            s = outlet[0] + m.start()
            groups.append(_name_spans(text, s, outlet[0] + m.end()))
    countries = {p.country_code for _, p in found
                 if (p.feature or "").startswith(("PPL", "ADM", "PCL"))}
    for g, spans in enumerate(groups):
        for sp in spans:
            got = resolve(text, [sp])[0]
            if got is None or countries and got.country_code not in countries:
                continue
            # a headline's "Shooting In Adams County": the county, not the outlet's town
            if _is_town(got) or g < n_in and (got.feature or "") == "ADM2":
                return got
    return None


def _headline_town(text: str, found: list[tuple[tuple[int, int], Place]],
                   title: str | None) -> Place | None:
    """The town the headline places the story in: "Man Shot And Killed In Dolton «
    CBS Chicago" (the outlet's tail left out)."""
    try:
        from wiredesk.places import resolve
    except ImportError:  # pragma: no cover - the places stage is optional
        return None
    if title and not text.startswith(title.strip()[:60]):
        text = title.strip() + "\n" + text
    line_end = text.find("\n")
    if not 0 < line_end <= 400:
        return None
    outlet = _outlet_tail(text)
    head_end = min(line_end, outlet[0]) if outlet is not None else line_end
    for m in _HEAD_IN.finditer(text, 0, head_end):
        if m.group("dir"):
            continue  # "in south Augusta", "in West Philadelphia": a part of a town
        for sp in _name_spans(text, m.start(2), m.end(2)):
            got = resolve(text, [sp])[0]
            if got is not None and _is_town(got):
                return got
    return None


def _names_as_written(text: str, found: list[tuple[tuple[int, int], Place]]) -> set[str]:
    """Names of the places of ``found`` that the text writes as their own name somewhere
    (not only by an alternate name: "Feltonville" for Hudson, Mass.)."""
    from wiredesk.places.normalize import norm

    return {p.name for (a, b), p in found if norm(text[a:b]) == norm(p.name)}


def _neighbourhoods(text: str, found: list[tuple[tuple[int, int], Place]]) -> set[str]:
    """Names of the towns of ``found`` that the text presents as parts of a town."""
    out = set()
    for (a, b), p in found:
        if not _is_town(p) or p.name in out:
            continue
        # any time the text names it ("... in West Oak Lane", then "in Philadelphia's
        # West Oak Lane neighborhood", a name the toponym finder took only once)
        for occ in re.finditer(rf"\b{re.escape(text[a:b])}\b", text):
            if _HOOD_AFTER.match(text, occ.end()) or _HOOD_BEFORE.search(
                    text[max(0, occ.start() - 30):occ.start()]):
                out.add(p.name)
                break
    return out


def _town_of_incident(mentions: list[EventMention], text: str, units: list[Span],
                      found: list[tuple[tuple[int, int], Place]],
                      locative: list[tuple[tuple[int, int], Place]],
                      title: str | None = None) -> None:
    """The town of each act on the ground the document reports as news, when its
    sentence names none or only a neighbourhood: the dateline's town, else the town the
    document places things in most often (a neighbourhood gives way to a town within 30 km of it).
    The inferred town gets precision 2: the sentence itself does not name it."""
    # Acts on the ground: violence, crowds and arrests happen in a town; statements,
    # agreements and deployments need not happen where the reporter files from.
    violent = [m for m in mentions if not m.background and (
        m.event_type in _VIOLENT or m.event_type in ("Protests", "Riots")
        or m.sub_event_type == "Arrests")]
    if not violent:
        return
    # The outlet's town in the headline's tail ("... | WBOY.com: Clarksburg") is where the
    # story is published, not where it happened.
    outlet = _outlet_tail(text)
    fallback: list[tuple[tuple[int, int], Place]] = []
    if outlet is not None:
        kept = [(sp, p) for sp, p in found if not outlet[0] <= sp[0] < outlet[1]]
        # ... though a local outlet's town is where its stories are when they name no other
        fallback = [(sp, p) for sp, p in found if outlet[0] <= sp[0] < outlet[1]]
        gone = {p.name for _, p in found} - {p.name for _, p in kept}
        found = kept
        for m in violent:
            if m.place is not None and m.place.name in gone:
                m.place = None
    hoods = _neighbourhoods(text, found)
    written = _names_as_written(text, found)
    # a section of a city read as another town by that town's old name is no town at all
    found = [(sp, p) for sp, p in found if p.name not in hoods or p.name in written]
    counts: dict[str, float] = {}
    first: dict[str, Place] = {}
    # (a victim's home town and the hospital's are not candidates)
    towns = [(sp, p) for sp, p in found if _is_town(p) and not _not_the_scene(text, sp)] or [
        (sp, p) for sp, p in fallback if _is_town(p)]
    # a neighbourhood is the town only when the text names no other
    for sp, p in [(sp, t) for sp, t in towns if t.name not in hoods] or towns:
        # the lead tells the news: a name in the first third of the text counts up to
        # three times (a page's trailing headlines of other stories name their towns too)
        counts[p.name] = counts.get(p.name, 0) + 1 + 2 * max(0.0, 1 - 3 * sp[0] / len(text))
        first.setdefault(p.name, p)
    town = _dateline_town(text, units, found)
    county = _dateline_town(text, units, found, county=True) if town is None else None
    if county is not None:
        # "PALM BEACH COUNTY, Fla. - A suburban Boca Raton family ...": under a county's
        # dateline, "suburban X" is the county's land outside the town
        sub = {p.name for sp, p in towns if re.search(
            r"(?i)\bsuburban\s+$", text[max(0, sp[0] - 12):sp[0]])}
        if sub and all(re.search(r"(?i)\bsuburban\s+$", text[max(0, sp[0] - 12):sp[0]])
                       for sp, p in towns if p.name in sub):
            for name in sub:
                counts.pop(name, None)
                first.pop(name, None)
    if town is not None:
        # "CHICAGO (STMW) — ... shot to death in south suburban Dolton" under "Man Shot
        # And Killed In Dolton": the dateline is the wire's city, the headline the
        # scene, a town of the same state near it
        head = _headline_town(text, found, title)
        if head is not None and head.name != town.name and head.admin1 == town.admin1 \
                and _km(head, town) <= 60 and head.name not in hoods:
            # the lead that opens with the dateline names no other town of its own
            dl = next(((a, b) for (a, b), p in found if p.name == town.name and a < 1500),
                      None)
            unit = next((u for u in units if dl is not None
                         and u.start_char <= dl[0] < u.end_char), None)
            for m in violent:
                if unit is not None and m.place is not None and m.place.name == town.name \
                        and unit.start_char <= m.start < unit.end_char \
                        and town.name not in text[dl[1]:unit.end_char]:  # type: ignore[index]
                    m.place = None
            town = head
    if town is None and counts:
        town = first[max(counts, key=lambda n: counts[n])]
        if county is not None and county.feature == "ADM2" and (
                town.admin1 != county.admin1 or _km(town, county) > 60):
            town = county  # "JEFFERSON COUNTY, Colo. --" outweighs a street read as a town
    if town is None:
        town = county or _named_town(text, found, title, outlet_town=False)
    counties = {p.name: p for _, p in found if p.feature == "ADM2"}
    at = [sp[0] for sp, p in found if p.feature == "ADM2"]
    if town is None:
        # a story whose only place below its state is one county ("Richland County
        # deputies say ...") happened there, before its outlet's town when the story
        # dwells on it (named again, or in its lead)
        if len(counties) == 1 and (len(at) >= 2 or at[0] < len(text) / 3):
            town = next(iter(counties.values()))
        # ... unless the outlet's own town lies in it: the Los Angeles Times' story of
        # "Los Angeles County coroner's records" is a Los Angeles story
        own = _named_town(text, found, title) if town is not None else None
        if own is not None and town is not None and own.admin1 == town.admin1 and \
                _km(own, town) <= 60:
            town = own
    if town is None:
        # else the outlet's own town ("... - WVVA TV Bluefield Beckley"), else the county
        town = _named_town(text, found, title)
        if town is None and len(counties) == 1:
            town = next(iter(counties.values()))
    if town is not None and town.name in hoods and town.name not in written:
        town = None  # (the headline's "in Feltonville", read as Hudson again)
    for m in violent:
        # A neighbourhood gives way to its town (the main one if near, else the most
        # named town near it): whatever else the story names, that is where it is.
        if m.place is not None and ((m.place.feature or "") == "PPLX" or m.place.name in hoods):
            near = [t for t in first.values() if t.name != m.place.name
                    and _km(m.place, t) <= 30]
            if town is not None and town.name != m.place.name and (
                    _km(m.place, town) <= 30 or not near and m.place.name in hoods
                    and m.place.country_code == town.country_code):
                # (a namesake far off is a misreading: the story's town holds it)
                near = [town]
            if near:
                host = max(near, key=lambda t: counts.get(t.name, 0))
                m.place = host.model_copy(update={"precision": max(2, m.place.precision)})
            elif m.place.name in hoods and m.place.name not in written:
                # "the city's Feltonville section", read as Hudson, Mass., whose old name
                # it is: another town's alternate name is not the section of a city
                m.place = None
    if town is None:
        return
    # only a local story: places abroad or far away mean the dateline is the reporter's,
    # not the incident's. Weighed by mentions against the places around the town, so
    # that a stray misread name ("Paris", a surname read as a town) does not outweigh
    # a town named again and again.
    named = [p for _, p in found if p.feature != "demonym"]
    # A lone name from another country that nothing else in the text supports ("Tosa",
    # Japan, for Wauwatosa's nickname) is a misreading, not a sign of a foreign story.
    support = Counter(p.country_code for p in named)
    away = [p for p in named if (p.country_code != town.country_code
                                 and support[p.country_code] >= 2)
            or (p.country_code == town.country_code and _is_town(p) and _km(p, town) > 150)]
    local = [p for p in named if p.country_code == town.country_code and (
        p.name == town.admin1 or (p.feature or "").startswith(("PPL", "ADM2"))
        and _km(p, town) <= 150)]
    if len(away) > max(1, len(local)):
        return
    for m in violent:
        region = (m.place.feature or "") if m.place is not None else ""
        if m.place is None or (region.startswith(("ADM", "PCL")) and (
                m.place.name in {town.admin1, town.country})) or (
                # "Prosecutors in Cumberland County ..." of a story the text places in
                # Crossville, a town of that county
                region == "ADM2" and _is_town(town) and town.admin1 == m.place.admin1
                and _km(town, m.place) <= 40):
            # no place, or only the state, country or county the town is in
            m.place = town.model_copy(update={"precision": max(2, town.precision)})


def _fold_undated(mentions: list[EventMention], lead_end: int) -> list[EventMention]:
    """An undated headline or lead ("Rockets hit base ...") of an act the document dates
    further down joins that dated mention: same type, near place, no other actor."""
    out: list[EventMention] = []
    for m in mentions:
        if m.date is not None or m.background or m.start >= lead_end or m.cause_text:
            out.append(m)
            continue
        perps = {a.entity_id for a in m.actors if a.is_perpetrator}
        psides = _sides(m.actors, "perpetrator")
        fam = _families(m.weapons)
        host = None
        for o in mentions:
            if o is m or o.date is None or o.background or o.sub_event_type != m.sub_event_type:
                continue
            if m.place is not None and o.place is not None and _km(m.place, o.place) > 30:
                continue
            operps = {a.entity_id for a in o.actors if a.is_perpetrator}
            if perps and not (perps & operps or psides & _sides(o.actors, "perpetrator")):
                continue
            ofam = _families(o.weapons)
            if fam and ofam and not fam & ofam:
                continue
            host = o
            break
        if host is None:
            out.append(m)
            continue
        host.figures.extend(m.figures)
        for w in m.weapons:
            if all(w.raw != x.raw for x in host.weapons):
                host.weapons.append(w)
        for a in m.actors:
            if all(a.entity_id != x.entity_id for x in host.actors):
                host.actors.append(a)
    return out


def _inherit_types(mentions: list[EventMention]) -> None:
    """A bare "attack" takes the weapon type of a mention of the same act in the document
    ("carried out the attack Wednesday on Camp Taji" after "a rocket attack")."""
    specific = [m for m in mentions if m.event_type == "Explosions/Remote violence"]
    by_family = {"rocket": "Shelling/artillery/missile attack",
                 "missile": "Shelling/artillery/missile attack", "air": "Air/drone strike",
                 "explosive": "Remote explosive/landmine/IED"}
    for m in mentions:
        if m.sub_event_type not in {"Armed clash", "Attack"}:
            continue
        fams = [by_family[f] for f in _families(m.weapons) if f in by_family]
        if fams or any(f.kind.startswith("munitions") for f in m.figures):
            m.sub_event_type = fams[0] if fams else "Shelling/artillery/missile attack"
            m.event_type = event_type(m.sub_event_type)
            m.plover = plover(m.sub_event_type)
            _political_by_means(m)
            continue
        for o in specific:
            if o is m or not _overlap(m.date, o.date):
                continue
            near = m.place is not None and o.place is not None and _km(m.place, o.place) < 30
            same_day = m.date is not None and o.date is not None and m.date == o.date
            if near or same_day:
                m.sub_event_type = o.sub_event_type
                m.event_type = o.event_type
                m.plover = o.plover
                _political_by_means(m)
                break


def _political_by_means(m: EventMention) -> None:
    """A retyped act is political by its means as one typed so at once would be: shelling
    and air strikes are acts of armed parties."""
    if m.political is None and m.sub_event_type in {"Shelling/artillery/missile attack",
                                                    "Air/drone strike"}:
        m.political = True


_DIE = frozenset({"kill", "die", "murder", "execute", "behead", "slay", "assassinate",
                  "killing", "death", "massacre", "assassination", "slaying"})
_INJURE = frozenset({"wound", "injure", "injury", "beating", "hurt"})


def triggers(sdoc: Doc) -> list[tuple[Token, str]]:
    """Every attack, die and injure trigger word the extractor accepts in a parsed text
    (after the threat, hypothetical, generic and quote filters), typed from its lemma."""
    out: list[tuple[Token, str]] = []
    for sent in _units(sdoc):
        for cand in _candidates(sent, bool(find_weapons(sent.text))):
            for tok in cand.members:
                lemma = tok.lemma_.lower()
                if lemma in _DIE:
                    out.append((tok, "die"))
                elif lemma in _INJURE:
                    out.append((tok, "injure"))
                elif _trigger_category(tok, sent.text, True) in {
                    "attack", "explosion", "clash", "storm"
                }:
                    out.append((tok, "attack"))
    return out


_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "on", "across", "around"})


def _np(tok: Token) -> Span:
    """The noun phrase of a head word: its left compounds and modifiers up to the head."""
    return tok.doc[tok.left_edge.i:tok.i + 1]


def trigger_arguments(tok: Token) -> list[tuple[str, Span]]:
    """Attacker, victim and place arguments of one trigger word, read from the parse."""
    out: list[tuple[str, Span]] = []
    lemma = tok.lemma_.lower()
    harm_subject_is_victim = lemma in {"die", "death"}
    for c in tok.children:
        if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN", "PRON"}:
            out.append(("victim" if harm_subject_is_victim else "attacker", _np(c)))
        elif c.dep_ == "nsubjpass" or c.dep_ == "dobj":
            out.append(("victim", _np(c)))
        elif c.dep_ == "agent":
            out.extend(("attacker", _np(g)) for g in c.children if g.dep_ == "pobj")
        elif c.dep_ in {"poss", "compound", "amod"} and tok.pos_ in {"NOUN", "PROPN"} and (
            c.ent_type_ in {"ORG", "NORP", "GPE", "PERSON"}
        ):
            out.append(("victim" if lemma in _DIE | _INJURE else "attacker", _np(c)))
        elif c.dep_ == "prep":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            for g in objs:
                if c.lower_ == "by":
                    out.append(("attacker", _np(g)))
                elif c.lower_ in {"of"} and tok.pos_ in {"NOUN", "PROPN"} and (
                    lemma in _DIE | _INJURE
                ) or c.lower_ in {"on", "against", "at"} and g.ent_type_ not in {
                    "GPE", "LOC", "FAC", "DATE", "TIME"
                } and lemma not in _DIE | _INJURE:
                    out.append(("victim", _np(g)))
                elif c.lower_ in _PLACE_PREPS and g.ent_type_ in {"GPE", "LOC", "FAC"}:
                    out.append(("place", _np(g)))
    return out


# several acts ("two attacks") or several targets ("two military bases", "hit bases")
_MULTI_ACTS = re.compile(
    r"\b(?:two|three|four|five|several|multiple|separate|\d+)\s+(?:\w+\s+)?"
    r"(?:attacks|strikes|airstrikes|raids|bombings|shootings|incidents)\b", re.I)
_MULTI = re.compile(
    r"\b(?:(?:two|three|four|five|several|multiple|separate|\d+)\s+(?:\w+\s+)?(?:bases|"
    r"sites|towns|cities|locations|attacks|strikes|provinces)|hit bases|on bases|at bases)\b",
    re.I,
)
# plural act nouns that count acts, not one act's several targets ("rocket attacks on
# bases"); "airstrikes" and "strikes" name one raid as often as several
_PLURAL_ACTS = frozenset({"attacks", "bombings", "shootings", "assaults", "ambushes",
                          "incidents", "clashes", "killings", "explosions", "blasts"})


def _flag_aggregates(mention: EventMention, text: str) -> None:
    """Casualty totals over several targets or attacks are not this event's own figure.

    One act told as hitting several sites ("launched ballistic missiles at two military
    bases") is the event itself when the event is placed no finer than the country or
    province (ACLED geo_precision 3): it covers those sites, and their toll is its own.
    A count of acts ("two attacks", "rocket attacks on bases") stays a total."""
    if not _MULTI.search(mention.quote):
        return
    several_acts = _MULTI_ACTS.search(mention.quote) is not None or \
        mention.trigger.lower() in _PLURAL_ACTS
    if not several_acts and mention.place is not None and mention.place.precision >= 3:
        return
    for f in mention.figures:
        if f.kind in {"fatalities", "injured"} and f.value > 0:
            f.aggregate = True
