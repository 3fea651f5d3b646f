"""Which extraction passes shaped each stored fact (`kg facts --why`).

The graph records where a fact was stated, not how it was read, so the passes are found by
extracting the source notes again, as `kg ingest` did, and matching each claim to the fact it
became (by note, line and the fact's own fields). A note whose file changed or went since it
was ingested is not re-read: its facts' passes are unknown (None).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kg.facts import note_names
from kg.namespaces import KG
from kg.store import EmbeddedStore
from kg.vocab import Vocabulary


def _limit_key(note: str, line: int, service: str, attribute: str, qualifier: str, contexts, quantity) -> tuple:
    return (note, line, service, attribute, qualifier, tuple(sorted(contexts)), quantity.dimension,
            round(quantity.canonical_value, 6))


@dataclass
class FactPasses:
    """The passes behind each (fact, source) pair, looked up by `limit()` and `integration()`."""

    limits: dict[tuple, tuple[str, ...]] = field(default_factory=dict)
    integrations: dict[tuple, tuple[str, ...]] = field(default_factory=dict)
    stale: set[str] = field(default_factory=set)       # note names whose file changed since ingest

    def limit(self, fact, source) -> tuple[str, ...] | None:
        """The passes that made `fact` from `source`, or None if the note could not be re-read."""
        if source.note in self.stale:
            return None
        return self.limits.get(_limit_key(source.note, source.line, fact.service, fact.attribute, fact.qualifier,
                                          fact.contexts, fact.quantity))

    def integration(self, fact, source) -> tuple[str, ...] | None:
        if source.note in self.stale:
            return None
        return self.integrations.get((source.note, source.line, fact.source, fact.target, fact.relation,
                                      fact.negative))


def explain_facts(store: EmbeddedStore, vocab: Vocabulary, facts) -> FactPasses:
    """Re-extract the notes that `facts` (limits and integrations of kg.facts) cite, and return
    the passes behind each fact.

    Args:
        store: the store the facts were read from.
        vocab: the vocabulary that extracted them.
        facts: LimitFact and IntegrationFact objects.
    """
    from kg.extract import Extractor
    from kg.files import read_regular_file
    from kg.ingest import MAX_NOTE_BYTES
    from kg.notes import UnreadableNote, decode_note

    wanted = {s.note for f in facts for s in f.sources}
    out = FactPasses()
    if not wanted:
        return out
    rows = store.select(f"""SELECT ?path ?sha WHERE {{ GRAPH ?note {{
        ?note a <{KG}Note> ; <{KG}path> ?path ; <{KG}sha256> ?sha }} }}""")
    extractor = Extractor(vocab)
    names = note_names(r["path"] for r in rows)          # as kg.facts names a source's note
    for row in sorted(rows, key=lambda r: r["path"]):
        name = names[row["path"]]
        if name not in wanted:
            continue
        path = Path(row["path"])
        try:
            data = read_regular_file(path, MAX_NOTE_BYTES)
            if hashlib.sha256(data).hexdigest() != row["sha"]:
                out.stale.add(name)
                continue
            text, _encoding = decode_note(data, str(path))
        except (OSError, UnreadableNote):
            out.stale.add(name)
            continue
        extraction = extractor.extract(extractor.parse(text, path))
        for c in extraction.limits:
            key = _limit_key(name, c.statement.line, c.service, c.attribute, c.qualifier, c.contexts, c.quantity)
            out.limits.setdefault(key, c.because)
        for c in extraction.integrations:
            key = (name, c.statement.line, c.source, c.target, c.relation, c.negative)
            out.integrations.setdefault(key, c.because)
    return out


__all__ = ["FactPasses", "explain_facts"]
