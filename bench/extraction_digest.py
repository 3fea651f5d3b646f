"""Dump every claim the extractor makes from a folder of notes, canonically, one line per record.

Usage:
    python bench/extraction_digest.py FOLDER OUTPUT [--full]   # writes OUTPUT, prints its SHA-256 and counts

The dump holds, for each note (a "note" line naming its path relative to FOLDER, in sorted
order, then that note's lines): a digest of its parsed statements (with --full, one line per
statement: its line span, kind and a digest of its text, headings, parents and raw lines), the
services each statement mentions, and every field of every limit, integration,
capability and setting, in the order the extractor makes them (the graph mints claim IRIs from
that order, so the order is part of the graph). Fields added for explanation only (a claim's
`because`) are left out: two dumps are byte-identical exactly when the graphs built from them
are. Notes are found and read as `kg ingest` finds and reads them.

Refactoring the extractor must leave the dump of a folder unchanged; tests/test_extraction_dump.py
checks it on the bundled notes and on tests/fixtures/notes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


_KG_IRI = "https://example.org/kg/"


def _hash(*parts) -> str:
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def _statement(st) -> list:
    # the note's own words are long and repeat (headings, parents): a digest of them tells a change
    return [st.line, st.end_line, st.kind, _hash(st.text, st.headings, st.parents, st.raw)]


def _where(st) -> list:
    return [st.line, st.end_line, _hash(st.text, st.headings, st.parents)]


def _quantity(q) -> list:
    return [repr(float(q.value)), q.unit, q.text, q.noun]


def dump_extraction(extraction, name: str, full: bool = False) -> list[str]:
    """The canonical lines of one note's extraction, `name` standing for its path.

    The statements are one digest line, or with `full` one line each (to see which changed).
    """
    note = extraction.note
    out = [json.dumps(["note", name, note.title, note.date, sorted(note.front_matter.items())],
                      ensure_ascii=False)]
    rows: list[list] = []
    statements = [["statement", i, *_statement(st)] for i, st in enumerate(note.statements)]
    rows += statements if full else [["statements", len(statements), _hash(statements)]]
    rows += [["mentions", i, list(services)] for i, services in sorted(extraction.mentions.items())]
    rows += [["limit", k, c.service, c.attribute, c.kind, c.qualifier, list(c.contexts), _quantity(c.quantity),
              _where(c.statement), c.range_group, c.topical] for k, c in enumerate(extraction.limits)]
    rows += [["integration", k, c.source, c.target, c.relation, c.directed, c.negative, _where(c.statement)]
             for k, c in enumerate(extraction.integrations)]
    rows += [["capability", k, c.service, list(c.feature), c.positive, list(c.condition), c.text,
              _where(c.statement), c.rule] for k, c in enumerate(extraction.capabilities)]
    rows += [["setting", k, c.service, list(c.attribute), c.value, c.value_kind, _where(c.statement), c.rule]
             for k, c in enumerate(extraction.settings)]
    out += [json.dumps(row, ensure_ascii=False).replace(_KG_IRI, "kg:") for row in rows]
    return out


def dump_folder(folder: Path, extractor=None, full: bool = False) -> tuple[list[str], dict[str, int]]:
    """The canonical dump of every note under `folder`, and counts of what it holds."""
    from kg.extract import Extractor
    from kg.files import read_regular_file
    from kg.ingest import MAX_NOTE_BYTES, IngestReport, discover
    from kg.notes import UnreadableNote, decode_note
    from kg.vocab import default_vocabulary

    folder = folder.resolve()
    extractor = extractor or Extractor(default_vocabulary())
    lines: list[str] = []
    counts = {"notes": 0, "limits": 0, "integrations": 0, "capabilities": 0, "settings": 0}
    files = discover([folder], IngestReport())
    for path, _root in sorted(files, key=lambda pair: pair[0].relative_to(folder).as_posix()):
        name = path.relative_to(folder).as_posix()
        try:
            text, _encoding = decode_note(read_regular_file(path, MAX_NOTE_BYTES), str(path))
        except UnreadableNote as error:
            lines.append(json.dumps(["unreadable", name, error.reason]))
            continue
        extraction = extractor.extract(extractor.parse(text, path))
        lines += dump_extraction(extraction, name, full)
        counts["notes"] += 1
        for key in ("limits", "integrations", "capabilities", "settings"):
            counts[key] += len(getattr(extraction, key))
    return lines, counts


def main(argv: list[str]) -> int:
    full = "--full" in argv
    argv = [a for a in argv if a != "--full"]
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    folder, output = Path(argv[0]), Path(argv[1])
    lines, counts = dump_folder(folder, full=full)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    output.write_bytes(data)
    print(f"{output}: sha256 {hashlib.sha256(data).hexdigest()[:16]}, {len(lines)} lines, "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
