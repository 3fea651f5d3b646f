"""Draw corpus lines that state a value, and extracted integrations, to judge extraction by hand.

Usage:
    python bench/extraction_sample.py --corpus /work/shared/corpus/notes --seed 1401          # draw, show
    python bench/extraction_sample.py --corpus ... --seed 1401 --judged bench/extraction_judged.jsonl  # score

Drawing. Every line of every note (found as `kg ingest` finds them) is a candidate when a
pattern independent of kg's extractor says it may state a value: a number with a unit, a
port, a CIDR block, a version, a name given to a default or setting, or a yes/no capability
("supports", "by default", "cannot"). The candidates are shuffled with the seed and shown in
that order (`--lines`, 100, plus spares for the ones judged to state no value), each with
what kg extracted from the statement that holds the line: limits (service | attribute |
qualifier | value), settings (service | attribute words | value), capabilities (service |
feature | yes/no | condition). Then `--integrations` (50) integrations drawn with the same seed
from all the corpus's, each with its line.

Scoring. `--judged FILE` reads judgements (JSON Lines, one per drawn item, written by hand):
    {"seed": 1401, "item": "line", "note": "a/b.md", "line": 12, "verdict": "right|wrong|none", "why": "..."}
    {"seed": 1401, "item": "integration", "note": ..., "line": ..., "source": ..., "relation": ...,
     "target": ..., "verdict": "right|wrong", "why": "..."}
"none" marks a drawn line that states no value after all (it is not counted); a line is
"right" when every value it states became a fact with the right subject, attribute and value.
It prints recall (right / value-stating lines, the first `--lines` of them in drawn order)
and the precision of the integrations.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_UNIT = (r"(?:[KMGTP]i?B|bytes?|[kKMG]bps|ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|"
         r"weeks?|months?|years?|%|percent|IOPS|TPS|RPS|requests?|messages?|records?|items?|partitions?|shards?|"
         r"instances?|nodes?|replicas?|regions?|AZs?|subnets?|rules?|users?|accounts?|functions?|queues?|"
         r"topics?|buckets?|objects?|tables?|volumes?|snapshots?|characters?|chars?|calls?|connections?|"
         r"transactions?|operations?|writes?|reads?|events?|targets?|policies?|roles?|groups?|keys?|tags?|"
         r"attempts?|retries|times|x)")
CANDIDATE = re.compile(
    r"(?<![\w.$/-])\d[\d,.]*\s*(?:(?:-|to|–)\s*\d[\d,.]*\s*)?" + _UNIT + r"(?![A-Za-z])"   # a number with a unit
    r"|\bports?\s*:?\s*\d+|\b\d{2,5}\s*(?:/\s*)?(?:TCP|UDP)\b|\b(?:TCP|UDP|HTTPS?|SSH|RDP)\s*:?\s*\d{2,5}\b"  # a port
    r"|\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b|(?<![\w/])/\d{1,2}\b"              # an address or CIDR
    r"|\b(?:v|version\s*|TLS\s*|SSL\s*|HTTP/|IPv)\d+(?:\.\d+)*\b"                 # a version
    r"|\bdefault(?:s)?\b[^.]{0,40}?(?:\bis\b|:|=|⇒|->)\s*[\"'`]?[A-Z][\w-]+"       # a named default
    r"|\b(?:supports?|supported|by\s+default|cannot|can[’']?t|can\s+not|not\s+possible)\b",  # a yes/no capability
    re.IGNORECASE)


def corpus_notes(corpus: Path):
    """(relative path, text, parsed note, extraction) of every note of `corpus`, in path order."""
    from kg.extract import Extractor
    from kg.files import read_regular_file
    from kg.ingest import MAX_NOTE_BYTES, IngestReport, discover
    from kg.notes import UnreadableNote, decode_note
    from kg.vocab import default_vocabulary

    corpus = corpus.resolve()
    extractor = Extractor(default_vocabulary())
    files = sorted(discover([corpus], IngestReport()), key=lambda pair: pair[0].relative_to(corpus).as_posix())
    for path, _root in files:
        try:
            text, _enc = decode_note(read_regular_file(path, MAX_NOTE_BYTES), str(path))
        except UnreadableNote:
            continue
        note = extractor.parse(text, path)
        yield path.relative_to(corpus).as_posix(), text, extractor.extract(note)


def _label(vocab, iri: str | None) -> str:
    if iri is None:
        return "?"
    c = vocab.services.get(iri)
    return c.pref if c is not None else iri.rsplit("/", 1)[-1]


def facts_by_line(extraction, vocab) -> dict[int, list[str]]:
    """Line number -> the facts extracted from the statement covering it, in short form."""
    out: dict[int, list[str]] = {}

    def put(st, fact: str) -> None:
        for line in range(st.line, st.end_line + 1):
            out.setdefault(line, []).append(fact)

    for c in extraction.limits:
        ctx = f" [{', '.join(k.rsplit('/', 1)[-1] for k in c.contexts)}]" if c.contexts else ""
        put(c.statement, f"limit: {_label(vocab, c.service)} | {c.attribute} | {c.qualifier} | "
                         f"{c.quantity.text} ({c.quantity.value:g} {c.quantity.unit}){ctx}")
    for c in extraction.settings:
        put(c.statement, f"setting: {_label(vocab, c.service)} | {' '.join(c.attribute)} | {c.value} ({c.value_kind})")
    for c in extraction.capabilities:
        cond = f" | when {' '.join(c.condition)}" if c.condition else ""
        put(c.statement, f"capability: {_label(vocab, c.service)} | {' '.join(c.feature)} | "
                         f"{'yes' if c.positive else 'no'}{cond}")
    return out


def draw(corpus: Path, seed: int, lines: int, integrations: int) -> tuple[list[dict], list[dict], dict]:
    """The drawn candidate lines (with spares) and integrations, and counts of the corpus."""
    from kg.vocab import default_vocabulary

    vocab = default_vocabulary()
    candidates: list[dict] = []
    all_integrations: list[dict] = []
    counts = {"notes": 0, "lines": 0, "candidates": 0, "integrations": 0}
    started = time.perf_counter()
    for name, text, extraction in corpus_notes(corpus):
        counts["notes"] += 1
        facts = facts_by_line(extraction, vocab)
        for number, line in enumerate(text.splitlines(), 1):
            counts["lines"] += 1
            if CANDIDATE.search(line):
                candidates.append({"note": name, "line": number, "text": line.strip()[:300],
                                   "facts": facts.get(number, [])})
        for c in extraction.integrations:
            all_integrations.append({"note": name, "line": c.statement.line,
                                     "source": _label(vocab, c.source), "relation": c.relation.rsplit("/", 1)[-1],
                                     "target": _label(vocab, c.target), "negative": c.negative,
                                     "text": c.statement.text[:300]})
    counts["candidates"], counts["integrations"] = len(candidates), len(all_integrations)
    counts["extract_seconds"] = round(time.perf_counter() - started, 2)
    rng = random.Random(seed)
    rng.shuffle(candidates)
    picked = rng.sample(all_integrations, min(integrations, len(all_integrations)))
    return candidates[:int(lines * 1.5)], picked, counts


def score(judged: Path, seed: int, lines: int) -> dict:
    """Recall of value lines and precision of integrations from the judgements of one seed."""
    rows = [json.loads(s) for s in judged.read_text(encoding="utf-8").splitlines() if s.strip()]
    rows = [r for r in rows if r.get("seed") == seed]
    value_lines = [r for r in rows if r["item"] == "line" and r["verdict"] != "none"][:lines]
    ints = [r for r in rows if r["item"] == "integration"]
    right = sum(r["verdict"] == "right" for r in value_lines)
    precise = sum(r["verdict"] == "right" for r in ints)
    return {"seed": seed, "value_lines": len(value_lines), "right": right,
            "recall": round(right / len(value_lines), 3) if value_lines else None,
            "not_value_lines": sum(r["item"] == "line" and r["verdict"] == "none" for r in rows),
            "integrations": len(ints), "precise": precise,
            "precision": round(precise / len(ints), 3) if ints else None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--integrations", type=int, default=50)
    parser.add_argument("--judged", type=Path, help="score the judgements in this file")
    parser.add_argument("--json", action="store_true", help="print the draw as JSON Lines")
    args = parser.parse_args(argv)
    if args.judged:
        print(json.dumps(score(args.judged, args.seed, args.lines)))
        return 0
    drawn, picked, counts = draw(args.corpus, args.seed, args.lines, args.integrations)
    print(json.dumps({"seed": args.seed, **counts}), file=sys.stderr)
    if args.json:
        for i, row in enumerate(drawn, 1):
            print(json.dumps({"item": "line", "n": i, **row}, ensure_ascii=False))
        for i, row in enumerate(picked, 1):
            print(json.dumps({"item": "integration", "n": i, **row}, ensure_ascii=False))
        return 0
    for i, row in enumerate(drawn, 1):
        print(f"L{i} {row['note']}:{row['line']}  {row['text']}")
        for fact in row["facts"] or ["(nothing extracted)"]:
            print(f"      {fact}")
    for i, row in enumerate(picked, 1):
        neg = "NOT " if row["negative"] else ""
        print(f"I{i} {row['note']}:{row['line']}  {row['source']} -{neg}{row['relation']}-> {row['target']}")
        print(f"      {row['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
