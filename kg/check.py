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
