"""Claims -> RDF: one named graph per note, every fact derived from a line-span statement.

Terms: kg (ontology/kg.ttl), QUDT for values and units, PROV-O for provenance, SKOS labels and
DCTERMS dates. Statement IRIs are RFC 5147 line fragments of the note's file IRI: lines 10 to
11 (1-based) are `#line=9,11`, since RFC 5147 counts line positions from 0.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from kg.extract import Extraction
from kg.namespaces import BASE, DCTERMS, KG, PROV, QUDT, RDF, RDFS, UNIT, XSD
from kg.vocab import Vocabulary
QUALIFIERS = {q: KG + q for q in ("maximum", "minimum", "default", "exact")}
CANONICAL_QUDT = {"B": "BYTE", "s": "SEC", "count": "NUM", "count/s": "NUM-PER-SEC",
                  "B/s": "BYTE-PER-SEC", "USD": "CCY_USD", "%": "PERCENT"}


def note_iri(path: Path) -> str:
    """The IRI of a note: its absolute file URI."""
    return path.resolve().as_uri()


def statement_iri(note: str, line: int, end_line: int) -> str:
    """An RFC 5147 line fragment for 1-based lines `line`..`end_line`."""
    return f"{note}#line={line - 1},{end_line}"


def _key(note: str) -> str:
    return hashlib.sha1(note.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------- N-Triples terms

def iri(value: str) -> str:
    """An IRI term in N-Triples syntax."""
    return f"<{value}>"


_CONTROL = re.compile(r"[\x00-\x1f]")


def literal(value: object, datatype: str | None = None) -> str:
    """A literal term in N-Triples syntax, escaped."""
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, float):
        return f'"{_decimal(value)}"^^<{XSD}decimal>'
    text = str(value)
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    if _CONTROL.search(escaped):        # other control characters: rare, so looked for first
        escaped = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", escaped)
    suffix = f"^^<{datatype}>" if datatype else ""
    return f'"{escaped}"{suffix}'


def _decimal(x: float) -> str:
    d = Decimal(repr(x)) if x != int(x) else Decimal(int(x))
    text = format(d, "f")
    return text if "." in text else text + ".0"


def build_note_triples(extraction: Extraction, *, sha256: str, root: str, version: str) -> Iterator[str]:
    """Yield the N-Triples lines (without graph) of one note's named graph.

    `version` names the extractor and vocabulary that built it, so a change to either re-extracts.
    """
    note = extraction.note
    n_iri = note_iri(note.path)
    n = iri(n_iri)
    yield f"{n} <{RDF}type> <{KG}Note> ."
    yield f"{n} <{RDFS}label> {literal(note.path.name)} ."
    yield f"{n} <{KG}path> {literal(str(note.path.resolve()))} ."
    yield f"{n} <{KG}sha256> {literal(sha256)} ."
    yield f"{n} <{KG}ingestRoot> {literal(root)} ."
    yield f"{n} <{KG}extractorVersion> {literal(version)} ."
    if note.title:
        yield f"{n} <{DCTERMS}title> {literal(note.title)} ."
    if note.date:
        yield f"{n} <{DCTERMS}date> {literal(note.date, XSD + 'date')} ."

    def statement(st_index: int | None, st) -> str:
        return iri(statement_iri(n_iri, st.line, st.end_line))

    written: set[str] = set()
    for index, st in enumerate(note.statements):
        s = statement(index, st)
        if s in written:
            continue
        written.add(s)
        yield f"{s} <{RDF}type> <{KG}Statement> ."
        yield f"{s} <{KG}inNote> {n} ."
        yield f"{s} <{KG}line> {literal(st.line)} ."
        yield f"{s} <{KG}endLine> {literal(st.end_line)} ."
        yield f"{s} <{PROV}value> {literal(st.raw or st.text)} ."
        if st.headings:
            yield f"{s} <{KG}headingPath> {literal(' > '.join(st.headings))} ."
        if st.parents:
            yield f"{s} <{KG}parentText> {literal(' > '.join(st.parents))} ."
    for index, services in extraction.mentions.items():
        st = note.statements[index]
        for service in services:
            yield f"{statement(index, st)} <{KG}mentions> {iri(service)} ."

    key = _key(n_iri)
    range_iris: dict[int, list[str]] = {}
    for k, c in enumerate(extraction.limits):
        f = iri(f"{BASE}limit/{key}-{k}")
        q = c.quantity
        yield f"{f} <{RDF}type> <{KG}Limit> ."
        yield f"{f} <{KG}service> {iri(c.service)} ."
        if c.kind:
            yield f"{f} <{KG}limitKind> {iri(c.kind)} ."
        yield f"{f} <{KG}attribute> {literal(c.attribute)} ."
        yield f"{f} <{KG}qualifier> {iri(QUALIFIERS[c.qualifier])} ."
        for ctx in c.contexts:
            yield f"{f} <{KG}context> {iri(ctx)} ."
        yield f"{f} <{KG}statedValue> {literal(q.text)} ."
        yield f"{f} <{QUDT}value> {literal(float(q.value))} ."
        yield f"{f} <{QUDT}hasUnit> {iri(q.qudt_unit)} ."
        yield f"{f} <{KG}canonicalValue> {literal(float(q.canonical_value))} ."
        yield f"{f} <{KG}canonicalUnit> {iri(UNIT + CANONICAL_QUDT[q.canonical_unit])} ."
        if q.noun:
            yield f"{f} <{KG}countOf> {literal(q.noun)} ."
        yield f"{f} <{PROV}wasDerivedFrom> {statement(None, c.statement)} ."
        if c.range_group >= 0:
            range_iris.setdefault(c.range_group * 100000 + c.statement.line, []).append(f)
    for members in range_iris.values():
        for a in members:
            for b in members:
                if a != b:
                    yield f"{a} <{KG}rangeWith> {b} ."

    for k, c in enumerate(extraction.integrations):
        f = iri(f"{BASE}integration/{key}-{k}")
        yield f"{f} <{RDF}type> <{KG}Integration> ."
        yield f"{f} <{KG}source> {iri(c.source)} ."
        yield f"{f} <{KG}target> {iri(c.target)} ."
        yield f"{f} <{KG}relation> {iri(c.relation)} ."
        yield f"{f} <{KG}directed> {literal(c.directed)} ."
        yield f"{f} <{KG}polarity> <{KG}{'negative' if c.negative else 'positive'}> ."
        yield f"{f} <{PROV}wasDerivedFrom> {statement(None, c.statement)} ."
        if not c.negative:
            yield f"{iri(c.source)} <{KG}integratesWith> {iri(c.target)} ."

    for k, c in enumerate(getattr(extraction, "capabilities", ())):
        f = iri(f"{BASE}capability/{key}-{k}")
        yield f"{f} <{RDF}type> <{KG}Capability> ."
        yield f"{f} <{KG}service> {iri(c.service)} ."
        yield f"{f} <{KG}feature> {literal(' '.join(c.feature))} ."
        yield f"{f} <{KG}featureText> {literal(c.text)} ."
        if c.condition:
            yield f"{f} <{KG}condition> {literal(' '.join(c.condition))} ."
        yield f"{f} <{KG}polarity> <{KG}{'positive' if c.positive else 'negative'}> ."
        yield f"{f} <{KG}extractedBy> {literal(c.rule)} ."
        yield f"{f} <{PROV}wasDerivedFrom> {statement(None, c.statement)} ."

    for k, c in enumerate(getattr(extraction, "settings", ())):
        f = iri(f"{BASE}setting/{key}-{k}")
        yield f"{f} <{RDF}type> <{KG}Setting> ."
        yield f"{f} <{KG}service> {iri(c.service)} ."
        yield f"{f} <{KG}attribute> {literal(' '.join(c.attribute))} ."
        yield f"{f} <{KG}settingValue> {literal(c.value)} ."
        yield f"{f} <{KG}valueKind> {literal(c.value_kind)} ."
        yield f"{f} <{KG}extractedBy> {literal(c.rule)} ."
        yield f"{f} <{PROV}wasDerivedFrom> {statement(None, c.statement)} ."


def vocabulary_triples(vocab: Vocabulary) -> str:
    """The ontology and vocabulary files as one N-Triples document (for the vocabulary graph)."""
    import pyoxigraph as ox

    from kg.resources import vocabulary_paths

    out = []
    for path in vocabulary_paths():
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            out.append(f"{q.subject} {q.predicate} {q.object} .")
    return "\n".join(out)
