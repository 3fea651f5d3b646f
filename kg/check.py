"""Graph integrity: validate the stored graph against ontology/shapes.ttl with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass

from kg.resources import shapes_path
from kg.store import EmbeddedStore

_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node broke which constraint, and why."""

    focus: str
    path: str | None
    message: str
    severity: str


def data_graph_ntriples(store: EmbeddedStore) -> str:
    """Every triple of every graph (notes and vocabulary) as one N-Triples document."""
    return store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def validate_shapes(store: EmbeddedStore) -> list[Violation]:
    """Validate the union of the store's graphs against the SHACL shapes; return the violations."""
    import pyshacl
    from rdflib import Graph, URIRef

    data = Graph().parse(data=data_graph_ntriples(store), format="nt")
    shapes = Graph().parse(shapes_path(), format="turtle")
    _conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                 allow_warnings=True)
    out = []
    sh = lambda name: URIRef(_SH + name)  # noqa: E731
    for result in results.subjects(predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                   object=sh("ValidationResult")):
        path = results.value(result, sh("resultPath"))
        out.append(Violation(str(results.value(result, sh("focusNode"))),
                             str(path) if path is not None else None,
                             str(results.value(result, sh("resultMessage")) or ""),
                             str(results.value(result, sh("resultSeverity"))).rsplit("#", 1)[-1]))
    return out


# ---------------------------------------------------------------- value conflicts among facts

def distinguishing(contexts, vocab) -> frozenset:
    """The contexts that tell values apart: those with an opposite (FIFO/standard, zipped/unzipped)."""
    return frozenset(c for c in contexts if c in vocab.contexts and vocab.contexts[c].contrasts)


def value_conflicts(facts: list, vocab) -> list[list]:
    """Groups of limit facts that state different values for the same limit under the same condition.

    Facts are comparable when they share service, attribute, qualifier, dimension and
    distinguishing contexts; equal canonical values (900 s and 15 min) agree.
    Returns one list of facts per disagreement, a fact per distinct value.
    """
    slots: dict[tuple, dict[float, object]] = {}
    for f in facts:
        key = (f.service, f.attribute, f.qualifier, f.quantity.dimension, distinguishing(f.contexts, vocab))
        slots.setdefault(key, {}).setdefault(round(f.quantity.canonical_value, 6), f)
    return [list(values.values()) for values in slots.values() if len(values) > 1]
