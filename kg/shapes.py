"""SHACL shapes run where the data is: each constraint of ontology/shapes.ttl as one SPARQL query.

pySHACL needs the whole store copied into an rdflib graph (91% of `kg check` on the bundled
notes, 2.9 GB on 100 notes). The shapes kg writes use a small part of SHACL Core, so each
property constraint is compiled to a SELECT that returns the focus nodes breaking it, run on the
union of the store's graphs (the notes' graphs and the vocabulary, as pySHACL saw them).
`bench/check.py` times both; tests/test_check.py checks they report the same focus nodes.

Supported: sh:targetClass (with rdfs:subClassOf), sh:path (one IRI), sh:minCount, sh:maxCount,
sh:class, sh:datatype, sh:nodeKind, sh:in, sh:minLength, sh:minInclusive, sh:message and sh:node
(the values must conform to another shape). A shapes file using anything else is refused with
UnsupportedShape, and `kg check` falls back to pySHACL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.namespaces import RDF, RDFS, XSD

SH = "http://www.w3.org/ns/shacl#"
_RDF_FIRST, _RDF_REST, _RDF_NIL = RDF + "first", RDF + "rest", RDF + "nil"
_PARAMETERS = {SH + p for p in ("path", "minCount", "maxCount", "class", "datatype", "nodeKind", "in",
                                "minLength", "minInclusive", "message", "node", "name", "description",
                                "severity")}
_SHAPE_KEYS = {SH + p for p in ("targetClass", "property", "nodeKind", "message", "severity")} | \
    {RDF + "type", RDFS + "label", RDFS + "comment"}
_NODE_KINDS = {SH + "IRI": "isIRI(?v)", SH + "Literal": "isLiteral(?v)", SH + "BlankNode": "isBlank(?v)",
               SH + "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))", SH + "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
               SH + "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))"}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature this compiler does not translate (pySHACL then runs them)."""


@dataclass(frozen=True)
class Term:
    """An RDF term as pyoxigraph parsed it, kept as its N-Triples text and its value."""

    nt: str
    value: str
    kind: str          # iri | literal | blank


@dataclass
class PropertyShape:
    path: str
    constraints: dict[str, Term | list[Term]] = field(default_factory=dict)
    message: str | None = None


@dataclass
class NodeShape:
    iri: str
    target_classes: list[str] = field(default_factory=list)
    properties: list[PropertyShape] = field(default_factory=list)
    node_kind: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the query returns ?focus for each node that breaks it."""

    query: str
    path: str | None
    message: str
    severity: str = "Violation"


def _term(t) -> Term:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return Term(str(t), t.value, "iri")
    if isinstance(t, ox.Literal):
        return Term(str(t), t.value, "literal")
    return Term(str(t), str(t), "blank")


def read_shapes(path: Path) -> dict[str, NodeShape]:
    """The node shapes of a Turtle shapes file, by IRI.

    Raises:
        UnsupportedShape: a shape uses a parameter the compiler does not know.
    """
    import pyoxigraph as ox

    by_subject: dict[str, dict[str, list[Term]]] = {}
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s = _term(q.subject)
        by_subject.setdefault(s.nt, {}).setdefault(q.predicate.value, []).append(_term(q.object))

    def one(props: dict, key: str) -> Term | None:
        values = props.get(key) or []
        return values[0] if values else None

    def rdf_list(head: Term) -> list[Term]:
        out = []
        while head.value != _RDF_NIL:
            node = by_subject[head.nt]
            out.append(node[_RDF_FIRST][0])
            head = node[_RDF_REST][0]
        return out

    shapes: dict[str, NodeShape] = {}
    for subject, props in by_subject.items():
        types = {t.value for t in props.get(RDF + "type", [])}
        if SH + "NodeShape" not in types:
            continue
        unknown = {p for p in props if p.startswith(SH)} - _SHAPE_KEYS
        if unknown:
            raise UnsupportedShape(", ".join(sorted(unknown)))
        shape = NodeShape(subject, [t.value for t in props.get(SH + "targetClass", [])])
        kind = one(props, SH + "nodeKind")
        shape.node_kind = kind.value if kind else None
        msg = one(props, SH + "message")
        shape.message = msg.value if msg else None
        for ref in props.get(SH + "property", []):
            p = by_subject[ref.nt]
            unknown = {k for k in p if k.startswith(SH)} - _PARAMETERS
            path_term = one(p, SH + "path")
            if unknown or path_term is None or path_term.kind != "iri":
                raise UnsupportedShape(", ".join(sorted(unknown)) or "a property path that is not one IRI")
            prop = PropertyShape(path_term.value)
            for key, values in p.items():
                name = key[len(SH):]
                if name in ("path", "name", "description", "severity"):
                    continue
                if name == "message":
                    prop.message = values[0].value
                elif name == "in":
                    prop.constraints[name] = rdf_list(values[0])
                else:
                    prop.constraints[name] = values[0]
            shape.properties.append(prop)
        shapes[subject.strip("<>")] = shape
    return shapes


def _focus_pattern(shape: NodeShape, var: str, subclasses: dict[str, list[str]]) -> str:
    """The shape's targets, in the graph ?g_focus (which a caller may bind with VALUES)."""
    classes = sorted({c for t in shape.target_classes for c in subclasses.get(t, [t])})
    values = " ".join(f"<{c}>" for c in classes)
    return f"GRAPH ?g_{var} {{ ?{var} a ?t_{var} }} VALUES ?t_{var} {{ {values} }}"


def _value_test(name: str, term, subclasses: dict[str, list[str]]) -> str | None:
    """A SPARQL condition that a value ?v breaks constraint `name` with parameter `term`."""
    if name == "datatype":
        return f"(!isLiteral(?v) || datatype(?v) != <{term.value}>)"
    if name == "nodeKind":
        return f"!{_NODE_KINDS[term.value]}"
    if name == "in":
        return f"(?v NOT IN ({', '.join(t.nt for t in term)}))"
    if name == "minLength":
        return f"(isBlank(?v) || STRLEN(STR(?v)) < {int(term.value)})"
    if name == "minInclusive":
        return f"(!isLiteral(?v) || !(?v >= {term.nt}))"
    if name == "class":
        values = " ".join(f"<{c}>" for c in subclasses.get(term.value, [term.value]))
        return f"NOT EXISTS {{ GRAPH ?gc {{ ?v a ?tc }} VALUES ?tc {{ {values} }} }}"
    return None


_DEFAULT_MESSAGES = {
    "minCount": "Less than {n} values on {path}", "maxCount": "More than {n} values on {path}",
    "datatype": "Value is not a literal of datatype {n}", "nodeKind": "Value is not of node kind {n}",
    "in": "Value is not one of the allowed values", "minLength": "Value has fewer than {n} characters",
    "minInclusive": "Value is not >= {n}", "class": "Value is not of class {n}",
    "node": "Value does not conform to shape {n}",
}


def compile_shapes(shapes: dict[str, NodeShape], subclasses: dict[str, list[str]]) -> list[Check]:
    """One query per constraint; each SELECTs DISTINCT ?focus breaking it.

    `subclasses` maps a class to itself and every class under it (rdfs:subClassOf*), so that a
    Feature counts as a Service as it does for pySHACL.
    """
    checks: list[Check] = []

    def constraint_checks(shape: NodeShape, focus: str, var: str, depth: int) -> list[Check]:
        """Checks of `shape` for the nodes ?{var} that pattern `focus` binds; each reports ?focus."""
        out = []
        if shape.node_kind:
            test = _NODE_KINDS[shape.node_kind].replace("?v", f"?{var}")
            out.append(Check(f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER(!{test}) }}", None,
                             shape.message or f"Node is not of node kind {shape.node_kind}"))
        for prop in shape.properties:
            triple = f"GRAPH ?gv {{ ?{var} <{prop.path}> ?v }}"
            for name, term in prop.constraints.items():
                shown = term.value if isinstance(term, Term) else ""
                message = prop.message or _DEFAULT_MESSAGES[name].format(n=shown, path=prop.path)
                if name in ("minCount", "maxCount"):
                    op = "<" if name == "minCount" else ">"
                    keys = "?focus" if var == "focus" else f"?focus ?{var}"
                    q = (f"SELECT DISTINCT ?focus WHERE {{ {{ SELECT {keys} (COUNT(DISTINCT ?v) AS ?n) "
                         f"WHERE {{ {focus} OPTIONAL {{ {triple} }} }} GROUP BY {keys} }} "
                         f"FILTER(?n {op} {int(term.value)}) }}")
                    out.append(Check(q, prop.path, message))
                elif name == "node":
                    nested = shapes.get(term.value)
                    if nested is None or depth > 3:
                        raise UnsupportedShape(f"sh:node {term.value}")
                    inner = f"n{depth}"
                    pattern = f"{focus} GRAPH ?gn{depth} {{ ?{var} <{prop.path}> ?{inner} }}"
                    out.extend(Check(c.query, prop.path, prop.message or c.message)
                               for c in constraint_checks(nested, pattern, inner, depth + 1))
                else:
                    test = _value_test(name, term, subclasses)
                    if test is None:
                        raise UnsupportedShape(f"sh:{name}")
                    q = f"SELECT DISTINCT ?focus WHERE {{ {focus} {triple} FILTER({test}) }}"
                    out.append(Check(q, prop.path, message))
        return out

    for shape in shapes.values():
        if not shape.target_classes:
            continue
        focus = _focus_pattern(shape, "focus", subclasses)
        checks.extend(constraint_checks(shape, focus, "focus", 0))
    return checks


def combined_query(shape: NodeShape, shapes: dict[str, NodeShape], subclasses: dict[str, list[str]],
                   focus: str | None = None, var: str = "focus", depth: int = 0) -> str | None:
    """One query over a shape's targets that returns ?focus for each node breaking any of its
    constraints: one scan of the data per shape instead of one per constraint.

    Which constraint a returned node breaks is asked afterwards (compile_shapes), for those nodes only.
    """
    focus = focus or _focus_pattern(shape, "focus", subclasses)
    optionals, tests = [], []
    if shape.node_kind:
        tests.append(f"SUM(IF(!{_NODE_KINDS[shape.node_kind].replace('?v', f'?{var}')}, 1, 0)) > 0")
    for i, prop in enumerate(shape.properties):
        v = f"?v{depth}_{i}"
        optionals.append(f"OPTIONAL {{ GRAPH ?g{depth}_{i} {{ ?{var} <{prop.path}> {v} }} }}")
        for name, term in prop.constraints.items():
            if name == "minCount":
                tests.append(f"COUNT(DISTINCT {v}) < {int(term.value)}")
            elif name == "maxCount":
                tests.append(f"COUNT(DISTINCT {v}) > {int(term.value)}")
            elif name == "node":
                continue       # its own scan (the nested shape over these values)
            else:
                test = _value_test(name, term, subclasses)
                if test is None:
                    raise UnsupportedShape(f"sh:{name}")
                tests.append(f"SUM(IF(BOUND({v}) && {test.replace('?v', v)}, 1, 0)) > 0")
    if not tests:
        return None
    keys = "?g_focus ?focus" if var == "focus" else f"?g_focus ?focus ?{var}"
    return (f"SELECT DISTINCT ?g_focus ?focus WHERE {{ {{ SELECT {keys} WHERE {{ {focus} {' '.join(optionals)} }} "
            f"GROUP BY {keys} HAVING ({' || '.join(tests)}) }} }}")


def combined_queries(shapes: dict[str, NodeShape], subclasses: dict[str, list[str]]) -> list[str]:
    """combined_query for every targeted shape, and for each sh:node over the values it names."""
    out = []
    for shape in shapes.values():
        if not shape.target_classes:
            continue
        focus = _focus_pattern(shape, "focus", subclasses)
        q = combined_query(shape, shapes, subclasses, focus)
        if q:
            out.append(q)
        for i, prop in enumerate(shape.properties):
            if "node" in prop.constraints:
                nested = shapes.get(prop.constraints["node"].value)
                if nested is None:
                    raise UnsupportedShape("sh:node")
                pattern = f"{focus} GRAPH ?gn {{ ?focus <{prop.path}> ?n1 }}"
                q = combined_query(nested, shapes, subclasses, pattern, "n1", 1)
                if q:
                    out.append(q)
    return out


@lru_cache(maxsize=4)
def _compiled(path: str, mtime: float, subclass_key: tuple) -> tuple[Check, ...]:
    return tuple(compile_shapes(read_shapes(Path(path)), dict(subclass_key)))


def shape_checks(path: Path, subclasses: dict[str, list[str]]) -> tuple[Check, ...]:
    """The compiled checks of a shapes file (cached per file version and class tree)."""
    key = tuple(sorted((k, tuple(v)) for k, v in subclasses.items()))
    return _compiled(str(path), path.stat().st_mtime, key)


def classes_in(path: Path) -> set[str]:
    """Every class a shapes file names (targets and sh:class), for the subclass look-up."""
    shapes = read_shapes(path)
    out = {c for s in shapes.values() for c in s.target_classes}
    out |= {p.constraints["class"].value for s in shapes.values() for p in s.properties if "class" in p.constraints}
    return out


__all__ = ["Check", "UnsupportedShape", "classes_in", "compile_shapes", "read_shapes", "shape_checks", "XSD"]
