"""Who says so, and how firmly: attribution and modality of an event mention.

Attribution is read from the parse: the subject of a verb of saying that governs the
trigger ("US officials said"), "according to X", or a sentence-final "X said". Modality
comes from the words that govern the trigger: threats and warnings ("vowed to take
revenge", "threatened retaliation"), hypotheticals ("could", "would", "if"), denials and
hedges ("reportedly", "believed to").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string."""
    return frozenset(text.split())


SAY_LEMMAS = _words(
    """say tell report confirm announce state add claim describe note explain disclose
    reveal insist allege accuse blame acknowledge admit write tweet post deny quote"""
)
THREAT_LEMMAS = _words(
    """threaten vow warn pledge promise plan intend aspire want seek prepare vow
    consider mull weigh"""
)
HYPOTHETICAL_WORDS = _words(
    """could would might may should if unless whether possible possibly potential
    potentially likely prospect risk expected"""
)
HEDGE_WORDS = _words(
    """reportedly allegedly purportedly apparently suspected alleged believed presumably
    claimed"""
)
_SOURCE_HEAD = re.compile(
    r"\b(?:officials?|spokes(?:man|woman|person)|ministry|military|army|police|pentagon|"
    r"statement|sources?|agency|officer|commander|government|cell|witness(?:es)?|"
    r"residents?|media|observatory|group|coalition|department|secretary|general|chief|"
    r"governor|mayor|authorities|medics?|doctors?|hospital|coroner|sheriff|council|said)\b",
    re.I,
)


def _clean(span_text: str) -> str:
    text = re.sub(r"\s+", " ", span_text).strip(" ,.;:\"“”'")
    text = re.sub(r",\s*(?:who|which)\b.*$", "", text)  # drop relative clauses
    return text


def _subject_text(verb: Token) -> str | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"} and child.pos_ != "PRON":
            left = child.left_edge.i
            right = child.i
            # keep the noun phrase up to its head plus compounds/appositions before commas
            for t in child.rights:
                if t.dep_ in {"prep", "compound", "appos", "amod"} and t.text != ",":
                    right = max(right, t.right_edge.i)
                else:
                    break
            doc = verb.doc
            return _clean(doc[left:right + 1].text)
        if child.dep_ in {"nsubj"} and child.pos_ == "PRON":
            return None
    return None


def attribution(sent: Span, trigger: Token | None = None) -> str | None:
    """The source a sentence (or the clause of ``trigger``) attributes its claim to:
    "a United States official and an Iraqi military officer", "the Pentagon", None."""
    text = sent.text
    m = re.search(r"\baccording to\s+([^;]+?)(?:,\s*(?:who|which|both)\b|[.;]|$)", text)
    if m:
        src = _clean(m.group(1))
        if src:
            return src
    # a verb of saying that governs the trigger, nearest first
    if trigger is not None:
        tok: Token | None = trigger
        while tok is not None and tok.i >= sent.start:
            if tok.lemma_.lower() in SAY_LEMMAS and tok.i != trigger.i:
                subj = _subject_text(tok)
                if subj:
                    return subj
            if tok.head.i == tok.i:
                break
            tok = tok.head
    # any verb of saying in the sentence with a source-like subject
    for tok in sent:
        if tok.lemma_.lower() in {"say", "report", "tell", "confirm", "announce", "state",
                                  "add", "claim", "describe"}:
            subj = _subject_text(tok)
            if subj and _SOURCE_HEAD.search(subj):
                return subj
            if subj and any(t.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}
                            for t in tok.children if t.dep_ == "nsubj"):
                return subj
    # a sentence-final ", the Iraqi government's security media cell said on social media"
    m = re.search(r",\s+((?:the\s+|an?\s+)?[^,;]{3,80}?)\s+(?:said|reported|stated)\b"
                  r"[^,;]{0,40}$", text.rstrip(" .\n\"”"))
    if m and _SOURCE_HEAD.search(m.group(1)):
        return _clean(m.group(1))
    m = re.search(r"\b(?:the )?(statement|Pentagon|ministry) said\b", text)
    if m:
        return m.group(0).replace(" said", "")
    return None


def modality(sent: Span, trigger: Token) -> str:
    """asserted / alleged / denied / threat / hypothetical for the act ``trigger`` names."""
    # words governing the trigger, up to the sentence root
    chain: list[Token] = []
    tok = trigger
    while tok.head.i != tok.i and tok.head.i >= sent.start:
        tok = tok.head
        chain.append(tok)
        if len(chain) > 6:
            break
    for n, t in enumerate(chain):
        lemma = t.lemma_.lower()
        below = chain[n - 1] if n else trigger
        if lemma in {"want", "seek"} and below.dep_ != "xcomp":
            # an intent governs its act as "wanted to kill"; "the gunman wanted in a
            # shooting", "police are seeking a man in the killing": sought, no intent
            continue
        if lemma in THREAT_LEMMAS:
            return "threat"
        if lemma == "deny" and t.i < trigger.i:
            return "denied"
    local = [trigger, *[c for c in trigger.children]]
    for t in chain[:2]:
        local.extend(c for c in t.children if c.dep_ in {"aux", "mark", "neg", "advmod"})
    words = {t.lower_ for t in local}
    # future or conditional on the trigger itself
    if words & {"if", "unless", "whether"} or any(
        t.lower_ in {"could", "would", "might", "may", "should"} and t.dep_ == "aux"
        for t in local
    ):
        return "hypothetical"
    if any(t.lower_ in {"will", "'ll"} and t.dep_ == "aux" for t in local):
        return "hypothetical"
    if any(t.dep_ == "neg" for t in trigger.children) or words & {"never"}:
        return "denied"
    for t in local:
        if t.lower_ in HEDGE_WORDS:
            return "alleged"
    return "asserted"
