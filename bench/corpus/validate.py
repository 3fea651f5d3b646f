#!/usr/bin/env python3
"""Check kg's own corpus (bench/corpus): every gold row's evidence re-read from its note.

usage: python bench/corpus/validate.py [--merge]

The layout is the development corpus's (notes/<repo>/..., gold/ask.jsonl, gold/unanswerable.jsonl,
SPLIT), so the corpus scorer and bench/fit_ranker.py read it as they read that one. Evidence lines
are 1-based, counted on "\\n" like `sed -n 'Np' FILE`, and their `text` is the line with surrounding
whitespace trimmed. `--merge` first adds the rows of gold/parts/<repo>.ask.jsonl and
<repo>.unanswerable.jsonl (one file per writer) that the two gold files lack.
Standard library only; exits 1 on any problem.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTES, GOLD = HERE / "notes", HERE / "gold"
KINDS = {"limit", "default", "range", "duration", "count", "percentage", "price", "ratio", "port", "cidr",
         "ip", "version", "name", "yesno"}
STYLES = {"terse", "sentence", "paraphrase", "typo", "abbrev"}


def split() -> dict[str, str]:
    out = {}
    for line in (HERE / "SPLIT").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            repo, part = line.split()
            out[repo] = part
    return out


def merge() -> None:
    """Each part's rows join its gold file, unless a row of that id is there already."""
    for kind in ("ask", "unanswerable"):
        gold = GOLD / f"{kind}.jsonl"
        rows = [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()] \
            if gold.is_file() else []
        ids = {json.loads(line)["id"] for line in rows}
        for part in sorted((GOLD / "parts").glob(f"*.{kind}.jsonl")):
            for line in part.read_text(encoding="utf-8").splitlines():
                if line.strip() and json.loads(line)["id"] not in ids:
                    rows.append(line)
                    ids.add(json.loads(line)["id"])
        gold.write_text("\n".join(rows) + "\n", encoding="utf-8")


def problems() -> list[str]:
    found: list[str] = []
    lines: dict[str, list[str]] = {}

    def line_of(file: str, n: int) -> str | None:
        if file not in lines:
            path = NOTES / file
            lines[file] = path.read_text(encoding="utf-8").split("\n") if path.is_file() else []
        text = lines[file]
        return text[n - 1].strip() if 1 <= n <= len(text) else None

    def check_evidence(row_id: str, evidence: list[dict]) -> None:
        for e in evidence:
            got = line_of(e["file"], int(e["line"]))
            if got != e["text"].strip():
                found.append(f"{row_id}: {e['file']}:{e['line']} reads {got!r}, not {e['text']!r}")

    repos = split()
    for folder in NOTES.iterdir():
        if folder.is_dir() and folder.name not in repos:
            found.append(f"SPLIT does not name notes/{folder.name}")
    ids = set()
    for row in map(json.loads, filter(str.strip, (GOLD / "ask.jsonl").read_text(encoding="utf-8").splitlines())):
        rid = row.get("id", "?")
        if rid in ids:
            found.append(f"{rid}: id used twice")
        ids.add(rid)
        if row.get("kind") not in KINDS or row.get("style") not in STYLES or not row.get("expected"):
            found.append(f"{rid}: kind, style or expected missing or unknown")
        check_evidence(rid, row.get("evidence", []))
        for item in row.get("expected", []):
            check_evidence(rid, item.get("evidence", []))
        if row.get("conflict") and len(row.get("expected", [])) < 2:
            found.append(f"{rid}: a conflict needs two expected values")
    for row in map(json.loads, filter(str.strip, (GOLD / "unanswerable.jsonl").read_text(encoding="utf-8").splitlines())):
        if row.get("id") in ids or not row.get("question"):
            found.append(f"{row.get('id')}: unanswerable row without a question or with a used id")
        if not any(str(row.get("id", "")).startswith(repo + "-") for repo in repos):
            found.append(f"{row.get('id')}: an unanswerable id starts with its repository's name (its split)")
        ids.add(row.get("id"))
    return found


def main() -> int:
    if "--merge" in sys.argv[1:]:
        merge()
    found = problems()
    for p in found:
        print(p)
    asks = sum(1 for line in (GOLD / "ask.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"ask={asks} problems={len(found)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
