"""The graph out to other tools: standard RDF, and diagrams (DOT, SVG/PNG via Graphviz, Mermaid,
GraphML, Cytoscape.js JSON). Functions return bytes or text; writing files is the caller's job.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import FormatNotAllowed, GraphvizFailed, GraphvizMissing, UnknownFormat, UnknownRelation
from kg.namespaces import KG, PROV, VOCABULARY_GRAPH
from kg.paths import PART_OF, ServicePath, graph_from_store
from kg.store import EmbeddedStore
from kg.vocab import Vocabulary

if TYPE_CHECKING:
    import networkx as nx

@dataclass(frozen=True)
class Format:
    """One format kg writes: its name, the other names tools use for it, its file extensions."""

    name: str
    aliases: tuple[str, ...]
    extensions: tuple[str, ...]
    binary: bool                  # bytes that would garble a terminal
    kind: str                     # "rdf" (export_rdf), "diagram" (export_diagram) or "cards" (kg.cards.export_cards)
    rdf: str | None = None        # pyoxigraph's RdfFormat member, for RDF
    dataset: bool = False         # keeps one named graph per note (TriG, N-Quads, JSON-LD)


# The one table of export formats. kg export, kg connect -o, the --format help and the error that
# lists the accepted formats all read it; a new format (say "anki" or "cards-csv", kind "cards")
# is a new row here plus its writer, and nothing else needs to learn its name or extension.
FORMAT_TABLE: tuple[Format, ...] = (
    Format("turtle", ("ttl",), (".ttl",), False, "rdf", "TURTLE"),
    Format("trig", (), (".trig",), False, "rdf", "TRIG", dataset=True),
    Format("ntriples", ("nt", "n-triples", "nt11"), (".nt",), False, "rdf", "N_TRIPLES"),
    Format("nquads", ("nq", "n-quads"), (".nq",), False, "rdf", "N_QUADS", dataset=True),
    Format("jsonld", ("json-ld",), (".jsonld",), False, "rdf", "JSON_LD", dataset=True),
    Format("rdfxml", ("rdf/xml", "xml", "rdf", "owl"), (".rdf", ".owl"), False, "rdf", "RDF_XML"),
    Format("n3", (), (".n3",), False, "rdf", "N3"),
    Format("dot", ("gv", "graphviz"), (".dot", ".gv"), False, "diagram"),
    Format("svg", (), (".svg",), False, "diagram"),
    Format("png", (), (".png",), True, "diagram"),
    Format("mermaid", ("mmd",), (".mmd", ".mermaid"), False, "diagram"),
    Format("graphml", (), (".graphml",), False, "diagram"),
    Format("cytoscape", ("cyjs",), (".cyjs", ".json"), False, "diagram"),
    Format("anki", ("apkg",), (".apkg",), True, "cards"),
    Format("cards-csv", ("csv",), (".csv",), False, "cards"),
    Format("cards-json", (), (), False, "cards"),
)
FORMAT_BY_NAME = {f.name: f for f in FORMAT_TABLE}
RDF_FORMATS = tuple(f.name for f in FORMAT_TABLE if f.kind == "rdf")
DIAGRAM_FORMATS = tuple(f.name for f in FORMAT_TABLE if f.kind == "diagram")
FORMATS = tuple(f.name for f in FORMAT_TABLE)


def accepted_formats(kinds: tuple[str, ...] = ("rdf", "diagram")) -> str:
    """The formats of `kinds` as a user reads them: "turtle (ttl, .ttl), trig (.trig), ..."."""
    def shown(f: Format) -> str:
        other = (*f.aliases, *f.extensions)
        return f"{f.name} ({', '.join(other)})" if other else f.name   # cards-json has no other name
    return ", ".join(shown(f) for f in FORMAT_TABLE if f.kind in kinds)


def find_format(name: str) -> Format | None:
    """The format a name or alias names, in any case; None for an unknown name."""
    wanted = name.strip().lower()
    return next((f for f in FORMAT_TABLE if wanted == f.name or wanted in f.aliases), None)


def format_of_path(path: str) -> Format | None:
    """The format a file name's extension names (".ttl" is Turtle); None for an unknown one."""
    lower = path.lower()
    return next((f for f in FORMAT_TABLE if any(lower.endswith(ext) for ext in f.extensions)), None)


def choose_format(output: str | None, requested: str | None, *, kinds: tuple[str, ...] = ("rdf", "diagram"),
                  command: str = "export", default: str = "turtle") -> Format:
    """The format to write: --format if given, else the output file's extension, else `default`.

    Raises:
        UnknownFormat: an unknown --format, or a file name whose extension names no format.
        FormatNotAllowed: a known format this command does not write (kg connect writes no RDF).
    """
    if requested:
        chosen = find_format(requested)
        if chosen is None:
            raise UnknownFormat(requested, accepted_formats(kinds))
    elif output and output != "-":
        chosen = format_of_path(output)
        if chosen is None:
            raise UnknownFormat(output, accepted_formats(kinds), extension=True)
    else:
        chosen = FORMAT_BY_NAME[default]
    if chosen.kind not in kinds:
        raise FormatNotAllowed(chosen.name, command, accepted_formats(kinds))
    return chosen


def format_for(path: str | None, requested: str | None) -> str:
    """The export format's name: --format, else the output file's extension, else Turtle."""
    return choose_format(path, requested).name


def resolve_relations(vocab: Vocabulary, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The relations `names` mean ({IRI: the labels its edges carry, inverse included}), matched
    by label, inverse label or IRI name, in any case.

    Raises:
        UnknownRelation: a name that is no relation of the vocabulary (the error lists them).
    """
    chosen: dict[str, tuple[str, ...]] = {}
    for name in names:
        wanted = " ".join(name.lower().replace("-", " ").replace("_", " ").split())
        for iri, c in vocab.relations.items():
            labels = tuple(x for x in (c.pref, getattr(c, "inverse", "") or "") if x)
            local = iri.rsplit("/", 1)[-1].replace("-", " ")
            if wanted in {x.lower() for x in labels} | {local}:
                chosen[iri] = labels
                break
        else:
            raise UnknownRelation(name, sorted(c.pref for c in vocab.relations.values()))
    return chosen


# ---------------------------------------------------------------- RDF

def export_rdf(store: EmbeddedStore, fmt: str, *, with_ontology: bool = False,
               services: set[str] | None = None, relations: set[str] | None = None) -> bytes:
    """Serialise the notes' graphs (and the vocabularies with `with_ontology`).

    TriG, N-Quads and JSON-LD keep one named graph per note; Turtle, N-Triples and RDF/XML
    merge them, each triple once (SELECT DISTINCT, in the store). The quads stream from the
    store to the serialiser and are never collected in Python: at 100x, `bench/export.py`
    measured Turtle in 67 s against 117 s when they were gathered in a list and a set.

    With `services` (IRIs) or `relations` (relation IRIs), only a neighbourhood is written:
    see neighbourhood_quads.
    """
    import itertools

    import pyoxigraph as ox

    spec = FORMAT_BY_NAME[fmt]
    options = {"format": getattr(ox.RdfFormat, spec.rdf)}
    if fmt in ("turtle", "trig"):
        options["prefixes"] = _PREFIXES
    graphs = [g for g in store.graph_names() if with_ontology or g.value != VOCABULARY_GRAPH]
    if services is not None or relations is not None:
        quads = list(itertools.chain.from_iterable(
            store.quads(g) if g.value == VOCABULARY_GRAPH else neighbourhood_quads(store.quads(g), services, relations)
            for g in graphs))
        if spec.dataset:
            return ox.serialize(quads, **options)
        return ox.serialize(list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)), **options)
    if spec.dataset:
        return ox.serialize(itertools.chain.from_iterable(store.quads(g) for g in graphs), **options)
    return ox.serialize(store.merged_triples(exclude=() if with_ontology else (VOCABULARY_GRAPH,)), **options)


_FOLLOW = {PROV + "wasDerivedFrom", KG + "inNote"}      # fact -> statement -> note


def neighbourhood_quads(quads, services: set[str] | None, relations: set[str] | None) -> list:
    """The quads of one note's graph that concern `services`: their facts (limits and any other
    fact with kg:service), the integrations between two of them, each with the statement it
    was derived from and the note. With `relations`, integrations of other relations are left out.
    """
    by_subject: dict = {}
    for q in quads:
        by_subject.setdefault(q.subject, []).append(q)

    def is_in(term) -> bool:
        return services is None or term.value in services
    seeds, ends = [], set()
    for subject, own in by_subject.items():
        props = {q.predicate.value: q.object for q in own}
        if KG + "service" in props:
            if services is not None and is_in(props[KG + "service"]):
                seeds.append(subject)
        elif KG + "source" in props and KG + "target" in props:
            relation = props.get(KG + "relation")
            if is_in(props[KG + "source"]) and is_in(props[KG + "target"]) and (
                    relations is None or (relation is not None and relation.value in relations)):
                seeds.append(subject)
                polarity = props.get(KG + "polarity")
                if polarity is None or polarity.value != KG + "negative":
                    ends.add((props[KG + "source"].value, props[KG + "target"].value))
    kept, seen, todo = [], set(), list(seeds)
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for q in by_subject.get(subject, ()):
            kept.append(q)
            if q.predicate.value in _FOLLOW and q.object in by_subject:
                todo.append(q.object)
    for subject, own in by_subject.items():      # "svc:SNS kg:integratesWith svc:SQS" of kept integrations
        for q in own:
            if q.predicate.value == KG + "integratesWith" and (subject.value, q.object.value) in ends:
                kept.append(q)
    return kept


def neighbourhood(store: EmbeddedStore, vocab: Vocabulary, focus: tuple[str, ...], depth: int,
                  relations: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """The services within `depth` hops of `focus` along the integrations (of `relations`, if given)."""
    import networkx as nx

    g = graph_from_store(store, vocab)
    if relations:
        keep = {label.lower() for labels in relations.values() for label in labels}
        g = g.edge_subgraph([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
                             if d["relation"].lower() in keep or d["relation"] == PART_OF])
    undirected = g.to_undirected(as_view=True)
    near: set[str] = set(focus)
    for service in focus:
        if service in g:
            near |= set(nx.single_source_shortest_path_length(undirected, service, cutoff=max(0, depth)))
    return near


_PREFIXES = {"kg": "https://example.org/kg#", "svc": "https://example.org/kg/service/",
             "kind": "https://example.org/kg/kind/", "ctx": "https://example.org/kg/context/",
             "rel": "https://example.org/kg/relation/", "prov": "http://www.w3.org/ns/prov#",
             "qudt": "http://qudt.org/schema/qudt/", "unit": "http://qudt.org/vocab/unit/",
             "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
             "xsd": "http://www.w3.org/2001/XMLSchema#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


# ---------------------------------------------------------------- the diagram graph

@dataclass
class DiagramOptions:
    """What to draw."""

    services: tuple[str, ...] = ()    # IRIs of the focus services
    depth: int = 1
    relations: tuple[str, ...] = ()   # keep only these relation labels
    limits: bool = False              # put key limits on the nodes
    max_neighbours: int = 12          # per focus service at depth 1: the best-attested ones (0: all)
    max_services: int = 40            # the whole graph: the best-attested services (0: all)
    max_nodes: int = 0                # size guard: at most this many services drawn (0: no guard)
    max_edges: int = 0                # size guard: at most this many links drawn (0: no guard)


# The size guard of the pictures kg draws (DOT, SVG, PNG, Mermaid): past these, the best-attested
# part is drawn and the rest named in a warning. `--depth 2` around Lambda drew 10,893 x 17,183 px
# (26 MB of PNG) before; 60 services and 90 links stay readable on a screen.
MAX_DRAWN_NODES = 60
MAX_DRAWN_EDGES = 90


@dataclass(frozen=True)
class DiagramCut:
    """What the size guard left out of a picture, and how to get it all."""

    nodes: int
    total_nodes: int
    edges: int
    total_edges: int

    @property
    def message(self) -> str:
        return (f"The diagram would show {self.total_nodes} services and {self.total_edges} links; drew the "
                f"{self.nodes} best-attested services and {self.edges} links. --max-nodes 0 draws them all; "
                "GraphML and Cytoscape exports always carry the whole graph.")


def diagram_graph(store: EmbeddedStore, vocab: Vocabulary, options: DiagramOptions) -> "nx.MultiDiGraph":
    """The integrations to draw: everything, or a service's neighbourhood, or some relations."""
    import networkx as nx

    g = graph_from_store(store, vocab)
    if options.relations:
        keep = {r.lower() for r in options.relations}
        drop = [(u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
                if d["relation"].lower() not in keep and d["relation"] != PART_OF]
        g.remove_edges_from(drop)
    focus = [s for s in options.services if s in g]
    if options.services:
        undirected = g.to_undirected(as_view=True)
        near: set[str] = set()
        for service in focus:
            near |= set(nx.single_source_shortest_path_length(undirected, service, cutoff=max(0, options.depth)))
        g = g.subgraph(near).copy()
        if options.depth <= 1:
            # one hop: the services' own links; links among their neighbours only crowd the picture
            g.remove_edges_from([(u, v, k) for u, v, k in g.edges(keys=True)
                                 if u not in focus and v not in focus])
            if options.max_neighbours:
                keep = set(focus)
                for service in focus:
                    keep |= set(_best_neighbours(g, service, options.max_neighbours))
                g = g.subgraph(keep).copy()
    if not options.services and options.max_services and g.number_of_nodes() > options.max_services:
        g = _overview(g, options.max_services)
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0 and n not in focus])
    g = _size_guard(g, focus, options.max_nodes, options.max_edges)
    if options.limits:
        from kg.facts import limit_facts

        for node in g.nodes:
            g.nodes[node]["limits"] = _key_limits(limit_facts(store, vocab, [node]))
    return g


def _attestation(d: dict) -> tuple[int, int, int]:
    """How well a link is attested: notes citing it, a specific relation, lines citing it."""
    return (len({s.note for s in d["sources"]}), int(d["relation"] not in ("integrates with", PART_OF)),
            len(d["sources"]))


def _edge_rank(edge: tuple) -> tuple:
    """The order links are kept in when some must go: best attested first, then by services,
    relation and cited lines, so that no tie is left to the order edges were added in (which
    follows Python's string hashing through networkx's subgraphs)."""
    u, v, _k, d = edge
    return (tuple(-x for x in _attestation(d)), u, v, d["relation"], _source_keys(d["sources"]))


def _source_keys(sources) -> tuple:
    return tuple((s.note, s.line, s.end_line, s.text) for s in sources)


def _sorted_sources(sources) -> tuple:
    """Sources once each, by note and line: a tooltip or export lists the same lines first whatever
    order the edges came in."""
    return tuple(sorted(dict.fromkeys(sources), key=lambda s: (s.note, s.line, s.end_line, s.text)))


def _size_guard(g: "nx.MultiDiGraph", focus: list[str], max_nodes: int, max_edges: int) -> "nx.MultiDiGraph":
    """At most `max_nodes` services (the focus and the best-linked others) and `max_edges` links
    (the best-attested); what was cut is kept as g.graph["cut"], a DiagramCut. 0 turns a limit off."""
    nodes, edges = g.number_of_nodes(), g.number_of_edges()
    if (not max_nodes or nodes <= max_nodes) and (not max_edges or edges <= max_edges):
        return g
    h = g
    if max_nodes and nodes > max_nodes:
        weight = {n: 0 for n in g}
        for u, v, d in g.edges(data=True):
            w = _attestation(d)[0] + 1
            weight[u] += w
            weight[v] += w
        keep = list(dict.fromkeys([*focus, *sorted(weight, key=lambda n: (-weight[n], n))]))[:max_nodes]
        h = g.subgraph(keep).copy()
    if max_edges and h.number_of_edges() > max_edges:
        ranked = sorted(h.edges(keys=True, data=True), key=_edge_rank)
        h = h.copy()
        h.remove_edges_from([(u, v, k) for u, v, k, _d in ranked[max_edges:]])
    h.remove_nodes_from([n for n in list(h) if h.degree(n) == 0 and n not in focus])
    h.graph["cut"] = DiagramCut(h.number_of_nodes(), nodes, h.number_of_edges(), edges)
    return h


def _overview(g: "nx.MultiDiGraph", most: int) -> "nx.MultiDiGraph":
    """The `most` services the notes link most (by notes citing their links), and the links among
    them that more than one note states, or that name a specific relation."""
    weight: dict[str, int] = {}
    for u, v, d in g.edges(data=True):
        notes = len({s.note for s in d["sources"]})
        weight[u] = weight.get(u, 0) + notes
        weight[v] = weight.get(v, 0) + notes
    keep = sorted(weight, key=lambda n: (-weight[n], n))[:most]
    h = g.subgraph(keep).copy()
    h.remove_edges_from([(u, v, k) for u, v, k, d in h.edges(keys=True, data=True)
                         if d["relation"] == "integrates with" and len({s.note for s in d["sources"]}) < 2])
    # a legible map: the best-attested links, about one and a half per service
    ranked = sorted(h.edges(keys=True, data=True), key=_edge_rank)
    h.remove_edges_from([(u, v, k) for u, v, k, _d in ranked[most * 3 // 2:]])
    return h


def _best_neighbours(g: "nx.MultiDiGraph", service: str, most: int) -> list[str]:
    """The neighbours whose links to `service` are best attested: notes citing them, then how specific."""
    score: dict[str, tuple] = {}
    for u, v, d in [*g.out_edges(service, data=True), *g.in_edges(service, data=True)]:
        other = v if u == service else u
        notes = {s.note for s in d["sources"]}
        specific = d["relation"] not in ("integrates with", PART_OF)
        old = score.get(other, (0, 0, 0))
        score[other] = (max(old[0], len(notes)), max(old[1], int(specific or d["relation"] == PART_OF)),
                        old[2] + len(d["sources"]))
    return sorted(score, key=lambda n: (*(-x for x in score[n]), n))[:most]     # ties: by name


def path_graph(paths: list[ServicePath]) -> "nx.MultiDiGraph":
    """The hops of `kg connect`'s paths as a graph to draw."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for p in paths:
        for h in p.hops:
            if not g.has_edge(h.source, h.target):
                g.add_edge(h.source, h.target, relation=h.relation, directed=h.direction != "undirected",
                           sources=h.sources)
    return g


def _key_limits(facts, most: int = 3) -> list[str]:
    """A service's best-attested maxima, as "message size ≤ 256 KB" (notes counted across contexts)."""
    notes: dict[tuple, set] = {}
    shown: dict[tuple, str] = {}
    for f in facts:
        if f.qualifier == "maximum" and f.kind:
            key = (f.attribute, round(f.quantity.canonical_value, 6))
            notes.setdefault(key, set()).update(s.note for s in f.sources)
            shown.setdefault(key, f.value)
    out, seen = [], set()
    for key in sorted(notes, key=lambda k: (-len(notes[k]), k)):
        if key[0] not in seen:
            seen.add(key[0])
            out.append(f"{key[0]} ≤ {shown[key]}")
        if len(out) == most:
            break
    return out


def _short(vocab: Vocabulary, iri: str) -> str:
    """A service's name on a diagram: its prefLabel without a leading "Amazon " or "AWS "
    ("DynamoDB", "Simple Queue Service"), never a bare abbreviation a student must decode."""
    c = vocab.services.get(iri)
    if c is None:
        return iri.rsplit("/", 1)[-1]
    return re.sub(r"^(Amazon|AWS)\s+", "", c.pref)


def _edges(g: "nx.MultiDiGraph"):
    """One drawn edge per pair and relation, with all sources (by note and line), in the order of
    (source, target, relation): what a diagram shows never follows the order edges were added in."""
    merged: dict[tuple, dict] = {}
    for u, v, d in g.edges(data=True):
        key = (u, v, d["relation"])
        if key in merged:
            merged[key]["sources"] = (*merged[key]["sources"], *d["sources"])
            merged[key]["directed"] = merged[key]["directed"] or d["directed"]
        else:
            merged[key] = {"directed": d["directed"], "sources": tuple(d["sources"])}
    return {key: {**d, "sources": _sorted_sources(d["sources"])} for key, d in sorted(merged.items())}


def _pair_edges(g: "nx.MultiDiGraph"):
    """One drawn line per pair of services: its relations joined (the best attested first, then
    by name), arrows for the directions stated."""
    pairs: dict[tuple, dict] = {}
    cited: dict[tuple, set] = {}
    for (u, v, rel), d in _edges(g).items():
        a, b = sorted((u, v))
        p = pairs.setdefault((a, b), {"relations": [], "forward": False, "backward": False, "sources": ()})
        if rel not in p["relations"]:
            p["relations"].append(rel)
        cited.setdefault((a, b, rel), set()).update(s.note for s in d["sources"])
        if d["directed"]:
            p["forward" if (u, v) == (a, b) else "backward"] = True
        p["sources"] = _sorted_sources((*p["sources"], *d["sources"]))
    for (a, b), p in pairs.items():
        p["relations"].sort(key=lambda rel: (-len(cited[a, b, rel]), rel))
    return pairs


def _tooltip(sources) -> str:
    return "\n".join(f"{s.note}:{s.line}  {' '.join(s.text.split())[:120]}" for s in sources[:6]) or "vocabulary"


# ---------------------------------------------------------------- DOT, SVG, PNG

UNCATEGORISED = "#f1f5f9"      # the fill of services the vocabulary files under no category


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def category_colours(vocab: Vocabulary) -> dict[str, str]:
    """{category label: fill colour}, from each category's kg:colour in the vocabulary: fixed per
    category, so a category has the same colour in every diagram whatever else it shows."""
    return {c.pref: c.colour or UNCATEGORISED for c in vocab.categories.values()}


def _legend(categories: list[str], colours: dict[str, str], edge_kinds: list[str]) -> str:
    """A DOT node whose HTML label is the key: each category's colour, each kind of line."""
    rows = [f'<tr><td bgcolor="{colours.get(cat, UNCATEGORISED)}" width="18"> </td>'
            f'<td align="left">{html.escape(cat)}</td></tr>' for cat in categories]
    lines = {"directed": ("&#8594;", "a directed relation (the label says which); arrow: the way it goes"),
             "undirected": ("&#8212;", "integrates with (no direction stated)"),
             "part of": ("- - -", "part of: a feature of its service (from the vocabulary)")}
    rows += [f'<tr><td>{lines[k][0]}</td><td align="left">{lines[k][1]}</td></tr>' for k in edge_kinds]
    return ('  legend [shape=plain, label=<<table border="1" cellborder="0" cellspacing="2" cellpadding="3" '
            'color="#94a3b8"><tr><td colspan="2"><b>Legend</b></td></tr>' + "".join(rows) + "</table>>];")


def write_dot(g: "nx.MultiDiGraph", vocab: Vocabulary, *, title: str = "", focus: tuple[str, ...] = ()) -> str:
    """Graphviz DOT: services clustered by category (each in its vocabulary colour), every edge
    labelled with its relation, a legend, and the citing note lines as tooltips (shown on
    hover in SVG). Names are the vocabulary's full names, not abbreviations.
    """
    colours = category_colours(vocab)
    categories: dict[str, list[str]] = {}
    for node in g.nodes:
        c = vocab.services.get(node)
        cat = vocab.categories.get(c.category) if c and c.category else None
        categories.setdefault(cat.pref if cat else "Other", []).append(node)
    out = ["digraph kg {",
           f"  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=13, labelloc=t, label={_q(title)}, "
           "nodesep=0.3, ranksep=1.1, splines=true, pad=0.3, newrank=true, concentrate=false];",
           "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, "
           "fillcolor=\"#ffffff\", color=\"#475569\", margin=\"0.12,0.06\"];",
           "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#64748b\", fontcolor=\"#1e293b\", arrowsize=0.7];"]
    # a node is filled with its category's colour, which the legend names: clusters per category
    # pulled every edge across the page
    for cat, nodes in sorted(categories.items()):
        for node in sorted(nodes):
            label = _short(vocab, node)
            limits = g.nodes[node].get("limits") or []
            if limits:
                label += "\n" + "\n".join(limits)
            extra = ", penwidth=2.5, color=\"#b91c1c\"" if node in focus else ""
            out.append(f"  {_q(node)} [label={_q(label)}, fillcolor=\"{colours.get(cat, UNCATEGORISED)}\", "
                       f"tooltip={_q(vocab.service_label(node) + ' (' + cat + ')')}{extra}];")
    kinds: set[str] = set()
    for (a, b), p in sorted(_pair_edges(g).items()):
        rels = p["relations"]
        style = "dashed" if rels == [PART_OF] else "solid"
        direction = {(True, True): "both", (True, False): "forward", (False, True): "back"}.get(
            (p["forward"], p["backward"]), "none")
        kinds.add("part of" if style == "dashed" else "undirected" if direction == "none" else "directed")
        label = ",\n".join(rels[:3]) + (f"\n+{len(rels) - 3} more" if len(rels) > 3 else "")
        tip = _q(_tooltip(p["sources"]))
        out.append(f"  {_q(a)} -> {_q(b)} [label={_q(label)}, style={style}, dir={direction}, "
                   f"tooltip={tip}, labeltooltip={tip}];")
    if g.number_of_nodes():
        out.append(_legend(sorted(categories), colours, [k for k in ("directed", "undirected", "part of") if k in kinds]))
    out.append("}")
    return "\n".join(out) + "\n"


def render_graphviz(dot: str, fmt: str, *, layout: str = "dot") -> bytes:
    """Draw DOT with the real Graphviz (`dot -Tsvg` / `-Tpng`).

    Raises:
        GraphvizMissing: when Graphviz is not installed.
        GraphvizFailed: when it rejects the input.
    """
    exe = shutil.which(layout) or shutil.which("dot")
    if exe is None:
        raise GraphvizMissing()
    args = [exe, f"-T{fmt}"] + (["-Gdpi=110"] if fmt == "png" else [])
    if layout != "dot" and exe.endswith("/dot"):
        args.append(f"-K{layout}")
    try:
        done = subprocess.run(args, input=dot.encode("utf-8"), capture_output=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        raise GraphvizFailed("it ran for more than 5 minutes") from None
    if done.returncode != 0:
        raise GraphvizFailed(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:][0]
                             if done.stderr.strip() else f"exit status {done.returncode}")
    return done.stdout


# ---------------------------------------------------------------- Mermaid, GraphML, Cytoscape

def write_mermaid(g: "nx.MultiDiGraph", vocab: Vocabulary) -> str:
    """A Mermaid flowchart (renders in GitHub markdown): categories as subgraphs."""
    ids = {node: f"n{i}" for i, node in enumerate(sorted(g.nodes))}
    categories: dict[str, list[str]] = {}
    for node in g.nodes:
        c = vocab.services.get(node)
        cat = vocab.categories.get(c.category) if c and c.category else None
        categories.setdefault(cat.pref if cat else "Other", []).append(node)

    def text(s: str) -> str:
        return html.escape(s, quote=True).replace("|", "&#124;")
    out = ["flowchart LR"]
    for n, (cat, nodes) in enumerate(sorted(categories.items())):
        out.append(f'  subgraph c{n}["{text(cat)}"]')
        out.extend(f'    {ids[node]}["{text(_short(vocab, node))}"]' for node in sorted(nodes))
        out.append("  end")
    for (u, v, rel), d in sorted(_edges(g).items()):
        link = "-.-" if rel == PART_OF else ("-->" if d["directed"] else "---")
        out.append(f'  {ids[u]} {link}|"{text(rel)}"| {ids[v]}')
    return "\n".join(out) + "\n"


def write_graphml(g: "nx.MultiDiGraph", vocab: Vocabulary) -> bytes:
    """GraphML for yEd and Gephi: node labels and categories, edge relations and citations."""
    import io

    import networkx as nx

    h = nx.MultiDiGraph()
    for node in sorted(g.nodes):
        c = vocab.services.get(node)
        cat = vocab.categories.get(c.category) if c and c.category else None
        h.add_node(node, label=_short(vocab, node), name=vocab.service_label(node),
                   category=cat.pref if cat else "Other")
    for (u, v, rel), d in _edges(g).items():
        h.add_edge(u, v, relation=rel, directed=bool(d["directed"]),
                   sources="; ".join(f"{s.note}:{s.line}" for s in d["sources"]))
    buf = io.BytesIO()
    nx.write_graphml(h, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def write_cytoscape(g: "nx.MultiDiGraph", vocab: Vocabulary) -> str:
    """Cytoscape.js elements JSON ({"elements": {"nodes": [...], "edges": [...]}})."""
    nodes = []
    for node in sorted(g.nodes):
        c = vocab.services.get(node)
        cat = vocab.categories.get(c.category) if c and c.category else None
        nodes.append({"data": {"id": node, "value": node, "label": _short(vocab, node), "name": vocab.service_label(node),
                               "category": cat.pref if cat else "Other"}})
    edges = []
    for i, ((u, v, rel), d) in enumerate(sorted(_edges(g).items())):
        edges.append({"data": {"id": f"e{i}", "source": u, "target": v, "key": rel, "relation": rel,
                               "directed": bool(d["directed"]),
                               "sources": [{"note": s.note, "line": s.line, "text": s.text} for s in d["sources"]]}})
    # data/directed/multigraph: the keys networkx's cytoscape reader also wants; Cytoscape.js ignores them
    return json.dumps({"data": {"name": "kg"}, "directed": True, "multigraph": True,
                       "elements": {"nodes": nodes, "edges": edges}}, ensure_ascii=False, indent=1)


def export_diagram(g: "nx.MultiDiGraph", vocab: Vocabulary, fmt: str, *, title: str = "",
                   focus: tuple[str, ...] = ()) -> bytes:
    """A diagram of `g` in `fmt` (dot, svg, png, mermaid, graphml, cytoscape)."""
    if fmt in ("dot", "svg", "png"):
        dot = write_dot(g, vocab, title=title, focus=focus)
        return dot.encode("utf-8") if fmt == "dot" else render_graphviz(dot, fmt)
    if fmt == "mermaid":
        return write_mermaid(g, vocab).encode("utf-8")
    if fmt == "graphml":
        return write_graphml(g, vocab)
    return write_cytoscape(g, vocab).encode("utf-8")
