"""Compare rdflib's in-memory store with pyoxigraph (in memory and on disk) on the bundled graph.

Measures import time, load time of the whole dataset, and the median time of the query `kg facts`
runs (all limits of one service), in fresh processes so imports are not shared.

    python bench/store_choice.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

QUERY = """
SELECT ?f ?attribute ?value ?line WHERE { GRAPH ?g {
  ?f a <https://example.org/kg#Limit> ; <https://example.org/kg#service> <https://example.org/kg/service/sqs> ;
     <https://example.org/kg#attribute> ?attribute ; <http://qudt.org/schema/qudt/value> ?value ;
     <http://www.w3.org/ns/prov#wasDerivedFrom> ?st . ?st <https://example.org/kg#line> ?line } }
"""

CHILD = r"""
import json, statistics, sys, time
t0 = time.perf_counter()
kind, nq, db = sys.argv[1], sys.argv[2], sys.argv[3]
query = sys.stdin.read()
if kind == "rdflib":
    import rdflib
    t1 = time.perf_counter()
    ds = rdflib.Dataset(); ds.parse(nq, format="nquads")
    run = lambda: list(ds.query(query))
elif kind == "oxigraph-memory":
    import pyoxigraph as ox
    t1 = time.perf_counter()
    store = ox.Store(); store.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    run = lambda: list(store.query(query))
else:
    import pyoxigraph as ox
    t1 = time.perf_counter()
    store = ox.Store.read_only(db)
    run = lambda: list(store.query(query))
t2 = time.perf_counter()
rows = len(run())
times = []
for _ in range(20):
    s = time.perf_counter(); run(); times.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "query": statistics.median(times), "rows": rows}))
"""


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from kg.ingest import ingest_paths
    from kg.resources import bundled_notes_dir
    from kg.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store"
        with open_store(db, write=True) as store:
            ingest_paths(store, [bundled_notes_dir()])
            nq = Path(tmp) / "graph.nq"
            nq.write_bytes(store.dump("nq"))
            quads = len(store)
        print(f"bundled graph: {quads:,} quads, {nq.stat().st_size / 1e6:.1f} MB of N-Quads")
        results = {}
        for kind in ("rdflib", "oxigraph-memory", "oxigraph-disk"):
            out = subprocess.run([sys.executable, "-c", CHILD, kind, str(nq), str(db)], input=QUERY,
                                 capture_output=True, text=True, check=True)
            r = results[kind] = json.loads(out.stdout)
            print(f"{kind:<16} import {r['import'] * 1000:7.1f} ms  load {r['load'] * 1000:8.1f} ms  "
                  f"query {r['query'] * 1000:7.2f} ms  ({r['rows']} rows)")
        base = results["rdflib"]
        for kind in ("oxigraph-memory", "oxigraph-disk"):
            r = results[kind]
            print(f"rdflib / {kind}: load {base['load'] / max(r['load'], 1e-9):.0f}x slower, "
                  f"query {base['query'] / max(r['query'], 1e-9):.0f}x slower")


if __name__ == "__main__":
    main()
