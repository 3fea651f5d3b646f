"""Score extraction against the expected facts of tests/fixtures/expected/*.json."""

from __future__ import annotations

import json
from pathlib import Path

from kg.errors import UnknownService
from kg.match import resolve_service

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _related(vocab, a: str, b: str) -> bool:
    return a == b or vocab.root_service(a) == vocab.root_service(b)


def score_fixture(name: str, extractor, vocab) -> dict:
    """Return limit and integration recall for one fixture, with the misses."""
    expected = json.loads((FIXTURES / "expected" / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
    path = FIXTURES / "notes" / expected["note"]
    extraction = extractor.extract(extractor.parse(path.read_bytes().decode("utf-8-sig"), path))
    got_limits, missed_limits = 0, []
    for e in expected["limits"]:
        try:
            svc = resolve_service(e["service"], vocab)
        except UnknownService:
            missed_limits.append((e, "unknown service"))
            continue
        ok = any(_related(vocab, c.service, svc) and c.qualifier == e["qualifier"]
                 and abs(c.quantity.canonical_value - e["canonical_value"]) < 1e-6
                 and c.statement.line <= e["line"] <= c.statement.end_line
                 for c in extraction.limits)
        got_limits += ok
        if not ok:
            missed_limits.append((e, "not extracted"))
    got_ints, missed_ints = 0, []
    for e in expected["integrations"]:
        try:
            a, b = resolve_service(e["from"], vocab), resolve_service(e["to"], vocab)
        except UnknownService:
            missed_ints.append((e, "unknown service"))
            continue
        negative = e.get("polarity") == "negative"
        ok = any(c.statement.line <= e["line"] <= c.statement.end_line and c.negative == negative and
                 ((_related(vocab, c.source, a) and _related(vocab, c.target, b)) or
                  (not c.directed and _related(vocab, c.source, b) and _related(vocab, c.target, a)))
                 for c in extraction.integrations)
        got_ints += ok
        if not ok:
            missed_ints.append((e, "not extracted"))
    return {"note": expected["note"], "date": expected.get("date"), "parsed_date": extraction.note.date,
            "limits": (got_limits, len(expected["limits"])), "integrations": (got_ints, len(expected["integrations"])),
            "missed_limits": missed_limits, "missed_integrations": missed_ints}


def fixture_names() -> list[str]:
    return sorted(p.stem for p in (FIXTURES / "expected").glob("*.json"))
