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

from kg.errors import GraphvizFailed, GraphvizMissing
from kg.namespaces import VOCABULARY_GRAPH
from kg.paths import PART_OF, ServicePath, graph_from_store
from kg.store import EmbeddedStore
from kg.vocab import Vocabulary

if TYPE_CHECKING:
    import networkx as nx

RDF_FORMATS = {"turtle": "TURTLE", "trig": "TRIG", "ntriples": "N_TRIPLES", "nquads": "N_QUADS",
               "jsonld": "JSON_LD"}
DIAGRAM_FORMATS = ("dot", "svg", "png", "mermaid", "graphml", "cytoscape")
FORMATS = (*RDF_FORMATS, *DIAGRAM_FORMATS)
EXTENSIONS = {".ttl": "turtle", ".trig": "trig", ".nt": "ntriples", ".nq": "nquads", ".jsonld": "jsonld",
              ".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png", ".mmd": "mermaid",
              ".mermaid": "mermaid", ".graphml": "graphml", ".cyjs": "cytoscape", ".json": "cytoscape"}


def format_for(path: str | None, requested: str | None) -> str:
    """The export format: --format if given, else the output file's extension, else Turtle."""
    if requested:
        return requested
    if path and path != "-":
        for ext, fmt in EXTENSIONS.items():
            if path.lower().endswith(ext):
                return fmt
    return "turtle"


# ---------------------------------------------------------------- RDF

def export_rdf(store: EmbeddedStore, fmt: str, *, with_ontology: bool = False) -> bytes:
    """Serialise the notes' graphs (and the vocabularies with `with_ontology`).

    TriG, N-Quads and JSON-LD keep one named graph per note; Turtle and N-Triples merge them,
    each triple once (SELECT DISTINCT, in the store). The quads stream from the store to the
    serialiser and are never collected in Python: at 100x, `bench/export.py` measured Turtle in
    67 s against 117 s when they were gathered in a list and a set.
    """
    import itertools

    import pyoxigraph as ox

    target = getattr(ox.RdfFormat, RDF_FORMATS[fmt])
    if fmt in ("trig", "nquads", "jsonld"):
        graphs = [g for g in store.graph_names() if with_ontology or g.value != VOCABULARY_GRAPH]
        quads = itertools.chain.from_iterable(store.quads(g) for g in graphs)
        return ox.serialize(quads, format=target)
    triples = store.merged_triples(exclude=() if with_ontology else (VOCABULARY_GRAPH,))
    return ox.serialize(triples, format=target, prefixes=_PREFIXES if fmt == "turtle" else None)


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
    if options.limits:
        from kg.facts import limit_facts

        for node in g.nodes:
            g.nodes[node]["limits"] = _key_limits(limit_facts(store, vocab, [node]))
    return g


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
    return sorted(score, key=lambda n: score[n], reverse=True)[:most]


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
    for key in sorted(notes, key=lambda k: (-len(notes[k]), k[0])):
        if key[0] not in seen:
            seen.add(key[0])
            out.append(f"{key[0]} ≤ {shown[key]}")
        if len(out) == most:
            break
    return out


def _short(vocab: Vocabulary, iri: str) -> str:
    c = vocab.services.get(iri)
    if c is None:
        return iri.rsplit("/", 1)[-1]
    abbreviations = [a for a in c.alt if a.isupper() and 2 <= len(a) <= 5]
    if abbreviations:
        return min(abbreviations, key=len)
    return re.sub(r"^(Amazon|AWS)\s+", "", c.pref)


def _edges(g: "nx.MultiDiGraph"):
    """One drawn edge per pair and relation, with all sources."""
    merged: dict[tuple, dict] = {}
    for u, v, d in g.edges(data=True):
        key = (u, v, d["relation"])
        if key in merged:
            merged[key]["sources"] = tuple(dict.fromkeys((*merged[key]["sources"], *d["sources"])))
        else:
            merged[key] = {"directed": d["directed"], "sources": tuple(d["sources"])}
    return merged


def _pair_edges(g: "nx.MultiDiGraph"):
    """One drawn line per pair of services: its relations joined, arrows for the directions stated."""
    pairs: dict[tuple, dict] = {}
    for (u, v, rel), d in _edges(g).items():
        a, b = sorted((u, v))
        p = pairs.setdefault((a, b), {"relations": [], "forward": False, "backward": False, "sources": ()})
        if rel not in p["relations"]:
            p["relations"].append(rel)
        if d["directed"]:
            p["forward" if (u, v) == (a, b) else "backward"] = True
        p["sources"] = tuple(dict.fromkeys((*p["sources"], *d["sources"])))
    return pairs


def _tooltip(sources) -> str:
    return "\n".join(f"{s.note}:{s.line}  {' '.join(s.text.split())[:120]}" for s in sources[:6]) or "vocabulary"


# ---------------------------------------------------------------- DOT, SVG, PNG

_PALETTE = ["#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe", "#cffafe", "#fee2e2", "#e0e7ff",
            "#f3e8ff", "#ecfccb", "#ffedd5", "#e2e8f0", "#fae8ff", "#d1fae5"]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_dot(g: "nx.MultiDiGraph", vocab: Vocabulary, *, title: str = "", focus: tuple[str, ...] = ()) -> str:
    """Graphviz DOT: services clustered by category, edges labelled with their relation, and the
    citing note lines as tooltips (shown on hover in SVG).

    A large drawing without a focus (the overview) is laid out force-directed (fdp) and keeps its
    relations in the tooltips only: a hundred edge labels are unreadable on a page.
    """
    overview = not focus and g.number_of_edges() > 60
    categories: dict[str, list[str]] = {}
    for node in g.nodes:
        c = vocab.services.get(node)
        cat = vocab.categories.get(c.category) if c and c.category else None
        categories.setdefault(cat.pref if cat else "Other", []).append(node)
    out = ["digraph kg {",
           f"  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label={_q(title)}, "
           "nodesep=0.35, ranksep=0.9, overlap=false, splines=true, pad=0.3, newrank=true"
           + (", layout=fdp, K=0.9, sep=\"+8\"" if overview else "") + "];",
           "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, "
           "fillcolor=\"#ffffff\", color=\"#475569\", margin=\"0.12,0.06\"];",
           "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#64748b\", fontcolor=\"#334155\", arrowsize=0.7];"]
    for n, (cat, nodes) in enumerate(sorted(categories.items())):
        out.append(f"  subgraph cluster_{n} {{ label={_q(cat)}; style=\"rounded,filled\"; "
                   f"fillcolor=\"{_PALETTE[n % len(_PALETTE)]}\"; color=\"#cbd5e1\"; fontcolor=\"#334155\";")
        for node in sorted(nodes):
            label = _short(vocab, node)
            limits = g.nodes[node].get("limits") or []
            if limits:
                label += "\n" + "\n".join(limits)
            extra = ", penwidth=2.5, color=\"#b91c1c\"" if node in focus else ""
            out.append(f"    {_q(node)} [label={_q(label)}, tooltip={_q(vocab.service_label(node))}{extra}];")
        out.append("  }")
    for (a, b), p in sorted(_pair_edges(g).items()):
        rels = p["relations"]
        style = "dashed" if rels == [PART_OF] else "solid"
        direction = {(True, True): "both", (True, False): "forward", (False, True): "back"}.get(
            (p["forward"], p["backward"]), "none")
        label = "" if overview else ",\n".join(rels[:3]) + (f"\n+{len(rels) - 3} more" if len(rels) > 3 else "")
        tip = _q(_tooltip(p["sources"]))
        out.append(f"  {_q(a)} -> {_q(b)} [label=\"{label}\", style={style}, dir={direction}, "
                   f"tooltip={tip}, labeltooltip={tip}];")
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
    for node in g.nodes:
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
