"""Time of each export format on the bundled notes and on a corpus N times larger.

    python bench/export.py            # 1x and 100x (building the 100x store takes minutes)
    python bench/export.py --sizes 1 10
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import make_corpus  # noqa: E402
from kg.export import DIAGRAM_FORMATS, RDF_FORMATS, DiagramOptions, diagram_graph, export_diagram, export_rdf  # noqa: E402
from kg.ingest import ingest_paths  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.vocab import default_vocabulary  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100])
    args = parser.parse_args()
    vocab = default_vocabulary()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            make_corpus(Path(tmp) / "corpus", size)
            with open_store(Path(tmp) / "store", write=True) as store:
                ingest_paths(store, [Path(tmp) / "corpus"])
            with open_store(Path(tmp) / "store") as store:
                print(f"{size}x corpus, {len(store):,} quads", flush=True)
                for fmt in RDF_FORMATS:
                    started = time.perf_counter()
                    data = export_rdf(store, fmt)
                    print(f"  {fmt:<10} {time.perf_counter() - started:8.2f} s  {len(data) / 1e6:8.1f} MB", flush=True)
                started = time.perf_counter()
                whole = diagram_graph(store, vocab, DiagramOptions(max_services=0))
                picture = diagram_graph(store, vocab, DiagramOptions())
                print(f"  {'graph':<10} {time.perf_counter() - started:8.2f} s  {whole.number_of_nodes()} services, "
                      f"{whole.number_of_edges()} edges (pictures: the {picture.number_of_nodes()} best-attested)",
                      flush=True)
                for fmt in DIAGRAM_FORMATS:
                    # as kg export does: pictures draw the overview, GraphML and Cytoscape carry everything
                    graph = picture if fmt in ("dot", "svg", "png", "mermaid") else whole
                    started = time.perf_counter()
                    data = export_diagram(graph, vocab, fmt)
                    print(f"  {fmt:<10} {time.perf_counter() - started:8.2f} s  {len(data) / 1e6:8.2f} MB", flush=True)


if __name__ == "__main__":
    main()
