"""Path queries: on the bundled notes (ms per `kg connect` query beyond loading the graph) and
on a synthetic graph of 100,000 services and 1,000,000 integrations.

    python bench/connect.py [--services 100000] [--integrations 1000000] [--queries 200]

The synthetic graph has the shape of the real one: a few hub services that many integrate
with, most links directed, about a quarter "integrates with" (undirected).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import bundled_store  # noqa: E402
from kg.facts import Source  # noqa: E402
from kg.paths import find_paths, graph_from_store  # noqa: E402


def time_queries(g, pairs) -> tuple[float, float]:
    """Median and 95th-percentile seconds of `find_paths` over `pairs`."""
    times = []
    for a, b in pairs:
        started = time.perf_counter()
        find_paths(g, a, b, max_hops=3)
        times.append(time.perf_counter() - started)
    return statistics.median(times), sorted(times)[int(0.95 * len(times))]


def bundled(queries: int) -> None:
    from kg.vocab import default_vocabulary

    vocab = default_vocabulary()
    with bundled_store() as store:
        started = time.perf_counter()
        g = graph_from_store(store, vocab)
        load = time.perf_counter() - started
    nodes = sorted(g.nodes)
    rng = random.Random(7)
    median, p95 = time_queries(g, [rng.sample(nodes, 2) for _ in range(queries)])
    print(f"bundled: {g.number_of_nodes()} services, {g.number_of_edges()} edges; load {load * 1000:.0f} ms; "
          f"query median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms ({queries} random pairs)")


def synthetic(services: int, integrations: int, queries: int) -> None:
    import networkx as nx

    rng = random.Random(11)
    started = time.perf_counter()
    g = nx.MultiDiGraph()
    hubs = max(10, services // 1000)
    src = (Source("synthetic.md", 1, 1, "synthetic"),)
    relations = ["triggers", "delivers to", "writes to", "integrates with"]
    for _ in range(integrations):
        u = rng.randrange(services)
        v = rng.randrange(hubs) if rng.random() < 0.3 else rng.randrange(services)
        if u != v:
            rel = rng.choice(relations)
            g.add_edge(u, v, relation=rel, directed=rel != "integrates with", sources=src)
    build = time.perf_counter() - started
    started = time.perf_counter()
    find_paths(g, 0, 1, max_hops=3)      # builds the cached simple graphs
    first = time.perf_counter() - started
    median, p95 = time_queries(g, [(rng.randrange(services), rng.randrange(services)) for _ in range(queries)])
    print(f"synthetic: {g.number_of_nodes():,} services, {g.number_of_edges():,} integrations; build {build:.1f} s, "
          f"first query {first:.1f} s; query median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
          f"({queries} random pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--integrations", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    bundled(args.queries)
    synthetic(args.services, args.integrations, args.queries)


if __name__ == "__main__":
    main()
