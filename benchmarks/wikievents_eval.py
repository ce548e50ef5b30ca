"""WikiEvents: trigger and argument F1 for attack, die and injure events.

Usage: python benchmarks/wikievents_eval.py [JSONL]
(default ../shared/data/wikievents/dev.jsonl). Each document's tokens are joined with
spaces (one sentence a line) and parsed; the extractor's trigger finder
(``wiredesk.events.extract.triggers``: the trigger words of the event mentions, after the
threat, hypothetical, generic and quote filters) gives the predicted triggers, typed
attack (Conflict.Attack.*), die (Life.Die) or injure (Life.Injure) from their lemma, and
``trigger_arguments`` their attacker (Attacker/Killer/Injurer), victim (Victim, Target)
and place. Triggers match on a token inside the gold trigger with the same type;
arguments match when the predicted span holds the gold argument's last token, for a
matched trigger and the same role class. Scores are micro precision, recall, F1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from wiredesk import nlp
from wiredesk.events.extract import trigger_arguments, triggers

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/data/wikievents/dev.jsonl"
ROLE = {"Attacker": "attacker", "Killer": "attacker", "Injurer": "attacker",
        "Victim": "victim", "Target": "victim", "Place": "place"}


def gold_type(event_type: str) -> str | None:
    if event_type.startswith("Conflict.Attack"):
        return "attack"
    if event_type.startswith("Life.Die"):
        return "die"
    if event_type.startswith("Life.Injure"):
        return "injure"
    return None


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("jsonl", nargs="?", type=Path, default=DEFAULT)
    args = ap.parse_args(argv)
    if not args.jsonl.exists():
        print(f"no data at {args.jsonl}", file=sys.stderr)
        return 2
    model = nlp.load()
    counts: Counter[str] = Counter()
    with args.jsonl.open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    for d in docs:
        # text from the gold tokens: one sentence a line, tokens joined by spaces
        tokens = d["tokens"]
        starts: list[int] = []
        pieces: list[str] = []
        pos = 0
        sent_end: set[int] = set()
        k = 0
        for sent in d["sentences"]:
            k += len(sent[0])
            sent_end.add(k - 1)
        for i, tok in enumerate(tokens):
            starts.append(pos)
            pieces.append(tok)
            pos += len(tok)
            sep = "\n" if i in sent_end else " "
            pieces.append(sep)
            pos += 1
        text = "".join(pieces)
        sdoc = model(text)
        char_to_tok = {}
        for i, st in enumerate(starts):
            for c in range(st, st + len(tokens[i])):
                char_to_tok[c] = i

        def tok_index(char: int, table: dict[int, int] = char_to_tok) -> int | None:
            return table.get(char)

        ents = {e["id"]: e for e in d["entity_mentions"]}
        gold_trig: dict[tuple[int, str], list[tuple[str, int]]] = {}
        gold_spans: list[tuple[int, int, str]] = []
        for e in d["event_mentions"]:
            typ = gold_type(e["event_type"])
            if typ is None:
                continue
            span = (e["trigger"]["start"], e["trigger"]["end"], typ)
            gold_spans.append(span)
            roles = []
            for a in e["arguments"]:
                cls = ROLE.get(a["role"])
                ent = ents.get(a["entity_id"])
                if cls and ent:
                    roles.append((cls, ent["end"] - 1))
            gold_trig[(span[0], typ)] = roles
            counts["gold_trig"] += 1
            counts["gold_arg"] += len(roles)
        matched_gold: set[tuple[int, str]] = set()
        for tok, typ in triggers(sdoc):
            ti = tok_index(tok.idx)
            if ti is None:
                continue
            counts["pred_trig"] += 1
            hit = next(((s, t) for s, e, t in gold_spans
                        if s <= ti < e and t == typ and (s, t) not in matched_gold), None)
            args_pred = trigger_arguments(tok)
            pred_roles = []
            for cls, span in args_pred:
                a = tok_index(span.start_char)
                b = tok_index(span.end_char - 1)
                if a is not None and b is not None:
                    pred_roles.append((cls, a, b))
            counts["pred_arg"] += len(pred_roles)
            if hit is None:
                continue
            matched_gold.add(hit)
            counts["tp_trig"] += 1
            gold_roles = list(gold_trig[hit])
            for cls, a, b in pred_roles:
                g = next((x for x in gold_roles if x[0] == cls and a <= x[1] <= b), None)
                if g is not None:
                    counts["tp_arg"] += 1
                    counts[f"tp_{cls}"] += 1
                    gold_roles.remove(g)
    tp, pr, go = counts["tp_trig"], counts["pred_trig"], counts["gold_trig"]
    p, r, f = _prf(tp, pr, go)
    print(f"documents {len(docs)}")
    print(f"triggers  P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, pred {pr}, gold {go})")
    tp, pr, go = counts["tp_arg"], counts["pred_arg"], counts["gold_arg"]
    p, r, f = _prf(tp, pr, go)
    print(f"arguments P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, pred {pr}, gold {go})  "
          f"matched attacker {counts['tp_attacker']}, victim {counts['tp_victim']}, "
          f"place {counts['tp_place']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
