"""How many of the gold pairs in tests/gold/connect.jsonl kg connect finds, every hop cited.

    python bench/connect_accuracy.py [--db STORE] [--show-misses]

found: connected pairs (direct and multi-hop) found within 3 hops with every hop citing a
note line (a feature's "part of" link cites the vocabulary); direct one hop: direct pairs
whose best path has one hop; cites evidence: found direct pairs whose hop cites a gold line;
not connected: pairs the notes never link, reported as not connected.
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
from kg.paths import PART_OF, connect, graph_from_store  # noqa: E402
from kg.vocab import default_vocabulary  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "connect.jsonl"


def evaluate(store, rows: list[dict]) -> dict:
    vocab = default_vocabulary()
    graph = graph_from_store(store, vocab)
    found = one_hop = cited = separated = 0
    linked = [r for r in rows if r["kind"] != "not_connected"]
    direct = [r for r in rows if r["kind"] == "direct"]
    apart = [r for r in rows if r["kind"] == "not_connected"]
    misses = []
    for r in rows:
        result = connect(store, vocab, r["from"], r["to"], graph=graph)
        best = result.paths[0] if result.paths else None
        ok_cited = best is not None and all(h.sources for h in best.hops if h.relation != PART_OF)
        if r["kind"] == "not_connected":
            separated += result.status == "not_connected"
            if result.status != "not_connected":
                misses.append((r, result))
            continue
        found += result.status == "connected" and ok_cited
        if r["kind"] == "direct":
            one = best is not None and best.length == 1
            one_hop += one
            evidence = {(e["note"], e["line"]) for e in r.get("evidence", [])}
            cited += one and any((s.note, line) in evidence for h in best.hops for s in h.sources
                                 for line in range(s.line, s.end_line + 1))
            if not one:
                misses.append((r, result))
        elif result.status != "connected":
            misses.append((r, result))
    return {"linked": len(linked), "found": found / max(len(linked), 1),
            "direct": len(direct), "direct_one_hop": one_hop / max(len(direct), 1),
            "direct_cites_evidence": cited / max(len(direct), 1),
            "apart": len(apart), "not_connected": separated / max(len(apart), 1), "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    with bundled_store(args.db) as store:
        result = evaluate(store, rows)
    if args.show_misses:
        for r, res in result["misses"]:
            got = f"{res.paths[0].length} hops" if res.paths else res.status
            print(f"MISS {r['id']} [{r['kind']}] {r['from']} -> {r['to']}: got {got}; {res.message}")
    print(f"pairs: {result['linked']} linked ({result['direct']} direct), {result['apart']} not linked")
    print(f"found, every hop cited     {result['found']:.1%}")
    print(f"direct pairs in one hop    {result['direct_one_hop']:.1%}")
    print(f"  ...citing a gold line    {result['direct_cites_evidence']:.1%}")
    print(f"not-linked pairs reported  {result['not_connected']:.1%}")


if __name__ == "__main__":
    main()
