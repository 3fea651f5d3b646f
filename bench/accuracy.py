"""Accuracy of `kg ask` on tests/gold/ask.jsonl: Hits@1, citation accuracy and abstention.

    python bench/accuracy.py [--db STORE] [--gold FILE] [--show-misses]

Hits@1: of the answerable questions, the share whose top answer states an expected value.
Citation accuracy: of those, the share whose top answer cites at least one evidence line.
Abstention: of the unanswerable questions, the share answered with status not_found.
With no --db, the bundled notes are ingested into a temporary store first.
--gold tests/gold/heldout.jsonl scores the held-out set: questions written from the notes by
someone who had not seen kg's vocabulary or the main set, and never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import bundled_store  # noqa: E402
from kg.reading import Reader  # noqa: E402
from kg.question import parse_question  # noqa: E402
from kg.units import parse_quantity  # noqa: E402
from kg.vocab import default_vocabulary  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "ask.jsonl"


def load_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def expected_canonicals(row: dict) -> list[float]:
    canon = row.get("canonical")
    if isinstance(canon, list):
        return [c["value"] for c in canon if c]
    if isinstance(canon, dict) and canon.get("value") is not None:
        values = [canon["value"]]
    else:
        values = []
    for v in row.get("values", []):
        try:
            values.append(parse_quantity(v.replace("+", "")).canonical_value)
        except ValueError:
            pass
    return values


def states_expected(item, row: dict) -> bool:
    if item is None or item.quantity is None:
        return False
    got = item.quantity.canonical_value
    return any(abs(got - v) <= 1e-6 * max(1.0, abs(v)) for v in expected_canonicals(row))


def cites_evidence(item, row: dict) -> bool:
    evidence = {(e["note"], e["line"]) for e in row.get("evidence", [])}
    return any((s.note, line) in evidence for s in item.sources for line in range(s.line, s.end_line + 1))


def evaluate(store, rows: list[dict]) -> dict:
    answerer = Reader(default_vocabulary())
    hits = cited = answerable = abstained = unanswerable = 0
    misses = []
    for row in rows:
        answer = answerer.answer(store, parse_question(row["question"]))
        top = answer.answers[0] if answer.answers else None
        if row["status"] == "not_found":
            unanswerable += 1
            ok = answer.status == "not_found"
            abstained += ok
            if not ok:
                misses.append((row, answer))
            continue
        answerable += 1
        ok = states_expected(top, row)
        hits += ok
        cited += ok and cites_evidence(top, row)
        if not ok:
            misses.append((row, answer))
    return {"answerable": answerable, "hits_at_1": hits / max(answerable, 1),
            "citation_accuracy": cited / max(answerable, 1), "unanswerable": unanswerable,
            "abstention": abstained / max(unanswerable, 1), "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    rows = load_gold(args.gold)
    with bundled_store(args.db) as store:
        result = evaluate(store, rows)
    if args.show_misses:
        for row, answer in result["misses"]:
            top = answer.answers[0] if answer.answers else None
            got = f"{top.service} {top.attribute} ({top.qualifier}) = {top.value}" if top else answer.message
            print(f"MISS {row['id']} [{row['style']}] {row['question']!r}: want {row['values']} "
                  f"{row.get('attribute')} ({row.get('qualifier')}); got {answer.status}: {got}")
    print(f"{args.gold.name}: {result['answerable']} answerable, {result['unanswerable']} unanswerable")
    print(f"Hits@1             {result['hits_at_1']:.1%}")
    print(f"citation accuracy  {result['citation_accuracy']:.1%}")
    print(f"abstention         {result['abstention']:.1%}")


if __name__ == "__main__":
    main()
