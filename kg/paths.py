"""How services connect: the graph's integrations as a networkx graph, and the paths through it.

Directed relations (triggers, delivers to, polls, ...) are followed only forwards; "integrates
with" links go both ways. A feature is linked to its service ("part of", citing the vocabulary's entry for it),
so "DynamoDB to Lambda" finds the path through DynamoDB Streams. When no path respects the
directions, paths over the undirected graph are returned, marked as such.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from kg.facts import IntegrationFact, Source, integration_facts
from kg.namespaces import KG
from kg.store import EmbeddedStore
from kg import cache
from kg.vocab import Vocabulary

if TYPE_CHECKING:
    import networkx as nx

PART_OF = "part of"
CACHE_FORMAT = "3"                  # bump when the cached graph's shape changes (3: notes named by path)


@dataclass(frozen=True)
class Hop:
    """One step of a path."""

    source: str                 # IRI
    target: str
    relation: str
    direction: str              # "forward" | "reverse" | "undirected"
    sources: tuple[Source, ...] = ()


@dataclass
class ServicePath:
    """A chain of hops from one service to another."""

    hops: list[Hop]
    directed: bool = True

    @property
    def length(self) -> int:
        """Hops between services; a feature's "part of" link to its own service does not count."""
        return sum(1 for h in self.hops if h.relation != PART_OF)

    @property
    def evidence(self) -> float:
        """How well attested the path is: specific relations, forward hops and cited lines."""
        return sum((2 if h.relation not in ("integrates with", PART_OF) else 1 if h.relation != PART_OF else 0)
                   + (1 if h.direction == "forward" else 0)
                   + (0.3 * min(len(h.sources), 3) if h.relation != PART_OF else 0) for h in self.hops)


@dataclass
class Connection:
    """The answer to "what connects X to Y"."""

    source: str
    target: str
    status: str                 # connected | not_connected | unknown_service
    paths: list[ServicePath] = field(default_factory=list)
    message: str = ""
    error: Exception | None = None     # the UnknownService behind status unknown_service


def build_graph(facts: list[IntegrationFact], vocab: Vocabulary) -> "nx.MultiDiGraph":
    """A MultiDiGraph of positive integrations (edges carry relation, directed flag and sources)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for f in facts:
        if f.negative:
            continue
        rel = vocab.relations.get(f.relation)
        if rel is not None and rel.two_way and f.directed:
            g.add_edge(f.source, f.target, relation=f.relation_label, directed=True, sources=tuple(f.sources))
            g.add_edge(f.target, f.source, relation=rel.inverse, directed=True, sources=tuple(f.sources))
        elif rel is not None and rel.inverse and f.directed:
            # "Lambda polls Kinesis": Kinesis's records flow to Lambda, so the path goes that way
            g.add_edge(f.target, f.source, relation=rel.inverse, directed=True, sources=tuple(f.sources))
        else:
            g.add_edge(f.source, f.target, relation=f.relation_label, directed=f.directed,
                       sources=tuple(f.sources))
    for node in list(g.nodes):
        _link_to_parents(g, node, vocab)
    return g


def _link_to_parents(g: "nx.MultiDiGraph", node: str, vocab: Vocabulary) -> None:
    parent = vocab.parent_service(node)
    seen = {node}
    while parent and parent not in seen:
        if not any(d.get("relation") == PART_OF for d in g.get_edge_data(node, parent, default={}).values()):
            g.add_edge(node, parent, relation=PART_OF, directed=False, sources=vocabulary_sources(vocab, node))
        seen.add(parent)
        node, parent = parent, vocab.parent_service(parent)


def vocabulary_sources(vocab: Vocabulary, iri: str) -> tuple[Source, ...]:
    """What a "part of" link cites: the concept's entry in the vocabulary (its skos:broader
    names the service), as a source like a note's line: ("ontology/services.ttl", line, text)."""
    c = vocab.services.get(iri)
    if c is None or c.entry is None:
        return ()
    file, line, text = c.entry
    return (Source(file, line, line, text),)


def graph_from_store(store: EmbeddedStore, vocab: Vocabulary) -> "nx.MultiDiGraph":
    """Read every integration from the store into a graph, or the graph cached for this content.

    Reading every integration grows with the notes (13.5 s at 100x the bundled corpus, measured
    by bench/scale.py), so the graph is kept in the user cache, keyed by the store's location,
    the vocabulary and the SHA-256 and extractor version of every note in it: any ingest that
    changes a note misses the cache. A write that bypasses kg ingest is not seen.
    """
    key = _graph_key(store, vocab)
    name = f"graph-{key}.pickle"
    if key:
        g = cache.load(name)
        if g is not None:
            return g
    g = build_graph(integration_facts(store, vocab, None), vocab)
    if key:
        cache.save(name, g, prune="graph-*.pickle")     # other stores' graphs go after a week
    return g


_NOTE_VERSIONS = f"""SELECT ?note ?sha ?version WHERE {{ GRAPH ?note {{
  ?note a <{KG}Note> ; <{KG}sha256> ?sha ; <{KG}extractorVersion> ?version }} }}"""


def _graph_key(store: EmbeddedStore, vocab: Vocabulary) -> str | None:
    rows = sorted((r["note"], r["sha"], r["version"]) for r in store.select(_NOTE_VERSIONS))
    if not rows:
        return None
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n{store.location}\n{vocab.digest}\n".encode("utf-8"))
    for row in rows:
        digest.update("\t".join(row).encode("utf-8") + b"\n")
    return digest.hexdigest()[:32]


def _simple(g: "nx.MultiDiGraph", directed: bool) -> "nx.DiGraph":
    """Collapse parallel edges; an undirected relation becomes an edge each way (cached on g)."""
    import networkx as nx

    key = "_simple_directed" if directed else "_simple_undirected"
    if key in g.graph:
        return g.graph[key]
    s = nx.DiGraph()
    s.add_nodes_from(g.nodes)
    for u, v, d in g.edges(data=True):
        if directed and d["directed"]:
            s.add_edge(u, v)
        else:
            s.add_edge(u, v)
            s.add_edge(v, u)
    g.graph[key] = s
    return s


def _hop(g: "nx.MultiDiGraph", u: str, v: str) -> Hop:
    """The best-attested relation between two adjacent services, with all its sources."""
    forward = list(g.get_edge_data(u, v, default={}).values())
    backward = [d for d in g.get_edge_data(v, u, default={}).values() if not d["directed"]]
    candidates = [(d, "forward" if d["directed"] else "undirected") for d in forward] + \
                 [(d, "undirected") for d in backward]
    if not candidates:       # only reachable against a directed edge (undirected search)
        candidates = [(d, "reverse") for d in g.get_edge_data(v, u, default={}).values()]

    def rank(item: tuple[dict, str]) -> tuple[int, int, int]:
        d, direction = item
        specific = d["relation"] not in ("integrates with", PART_OF)
        return (direction == "forward", specific, len(d["sources"]))
    best, direction = max(candidates, key=rank)
    sources: list[Source] = []
    for d, dr in candidates:
        if d["relation"] == best["relation"] and dr == direction:
            sources.extend(s for s in d["sources"] if s not in sources)
    return Hop(u, v, best["relation"], direction, tuple(sorted(sources, key=lambda s: (s.note, s.line))))


def find_paths(g: "nx.MultiDiGraph", source: str, target: str, *, max_hops: int = 3,
               limit: int = 5) -> tuple[list[ServicePath], bool]:
    """Up to `limit` shortest paths of at most `max_hops` hops; (paths, whether directions held)."""
    import networkx as nx

    if source not in g or target not in g or source == target:
        return [], True
    for directed in (True, False):
        simple = _simple(g, directed)
        found: list[ServicePath] = []
        try:
            # Yen's algorithm yields paths by hop count; a "part of" hop (a feature and its
            # service) is free, so look a little further and rank what was found
            for nodes in islice(nx.shortest_simple_paths(simple, source, target), 40):
                if len(nodes) - 1 > max_hops + 2:
                    break
                hops = [_hop(g, u, v) for u, v in zip(nodes, nodes[1:])]
                path = ServicePath(hops, directed)
                if path.length == 0 or path.length > max_hops:
                    continue
                found.append(path)
        except nx.NetworkXNoPath:
            found = []
        if found:
            found.sort(key=lambda p: (p.length, -p.evidence))
            return found[:limit], directed
    return [], True


def connect(store: EmbeddedStore, vocab: Vocabulary, a: str, b: str, *, max_hops: int = 3,
            graph: "nx.MultiDiGraph | None" = None) -> Connection:
    """Resolve two service names and find the paths between them (status unknown_service when
    a name matches no service).

    Raises:
        SameService: both names are of one service (no chain joins a service to itself).
    """
    from kg.errors import SameService, UnknownService
    from kg.match import resolve_service

    try:
        src, dst = resolve_service(a, vocab), resolve_service(b, vocab)
    except UnknownService as error:
        return Connection(a, b, "unknown_service", [], str(error), error)
    if src == dst:
        raise SameService(a, b, vocab.service_label(src))
    g = graph if graph is not None else graph_from_store(store, vocab)
    la, lb = vocab.service_label(src), vocab.service_label(dst)
    paths, directed = find_paths(g, src, dst, max_hops=max_hops)
    if not paths:
        return Connection(src, dst, "not_connected", [],
                          f"The notes connect {la} and {lb} by no chain of {max_hops} "
                          f"hop{'s' if max_hops != 1 else ''} or fewer.")
    how = "" if directed else " (only ignoring the direction of some links)"
    shortest = paths[0].length
    return Connection(src, dst, "connected", paths,
                      f"{la} connects to {lb} in {shortest} hop{'s' if shortest != 1 else ''}{how}.")
