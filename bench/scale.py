"""Ingest and query at N times the bundled notes, on the embedded store and on an Oxigraph server.

For each size, the corpus of bench/ingest.py (copy k shifts every service and number by k) is
ingested into an empty embedded store and into an empty `oxigraph serve` (started here, on
127.0.0.1 and a free port, by kg's own OxigraphServer), each ingest in a fresh process. Then
a fixed set of `kg ask` questions and one `kg connect` are answered in this process against
each backend, median of --runs; the first connect in the process is shown apart from the ones
after it. The ingest ends by reading every integration into the cached graph that connect
uses, so that read is part of the ingest time. Prints throughput and latency per size and backend, and how
each grows: per-MB ingest cost and latency at N x against 1x (1.00 is linear for the cost). Each
latency is also printed as a ratio to `python -c pass`, measured at the start of the run (these
latencies are in-process, without Python's start; bench/latency.py times whole commands).
kg's code is copied first, so both backends measure the same kg even if the checkout changes.

    python bench/scale.py                       # 1x and 10x
    python bench/scale.py --sizes 1 10 100      # 100x takes several minutes per backend
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

QUESTIONS = ["max SQS message size", "How long can a Lambda function run?", "lambda max memory",
             "kinesis shard write throughput", "DynamoDB item size limit"]
CONNECT = ("CodeCommit", "CodeDeploy")

_INGEST = """import json, sys
from pathlib import Path
from kg.ingest import ingest_paths
from kg.store import open_store
with open_store(sys.argv[2], write=True) as store:
    r = ingest_paths(store, [Path(sys.argv[1])])
    quads = len(store)
print(json.dumps({"notes": r.notes, "facts": r.limits + r.integrations, "quads": quads}))
"""


def snapshot(tmp: Path) -> Path:
    """A copy of kg's code, vocabularies and notes, imported by this process and every child, so
    that one run measures one version of kg even while the checkout changes under it."""
    code = tmp / "code"
    for name in ("kg", "ontology", "data"):
        shutil.copytree(ROOT / name, code / name, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(code))
    import kg  # noqa: F401 - from here on every kg module comes from the copy

    return code


def ingest(corpus: Path, db: str, code: Path, cache: Path) -> tuple[float, dict]:
    """Ingest `corpus` into `db` (a folder or a URL) in a child process; return (seconds, report).

    The ingest ends by caching the integration graph in `cache`, as kg ingest does in the user cache.
    """
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _INGEST, str(corpus), db], check=True, capture_output=True,
                         text=True, cwd=code, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    return time.perf_counter() - started, json.loads(out.stdout)


def median_ms(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def query_latency(db: str, runs: int, cache: Path) -> tuple[float, float, float]:
    """Median ms of each question (a fresh Reader each run, as `kg ask` makes one), their
    median; the ms of the first connect in this process, and the median ms of those after it."""
    from kg.paths import connect
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    vocab = default_vocabulary()
    os.environ["XDG_CACHE_HOME"] = str(cache)          # the cache the ingest wrote
    with open_store(db) as store:
        asks = [median_ms(lambda q=q: Reader(vocab).answer(store, parse_question(q)), runs) for q in QUESTIONS]
        cold = median_ms(lambda: connect(store, vocab, *CONNECT), 1)
        warm = median_ms(lambda: connect(store, vocab, *CONNECT), runs)
    return statistics.median(asks), cold, warm


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(backend: str, corpus: Path, tmp: Path, size: int, runs: int) -> dict:
    from kg.server import OxigraphServer

    location = tmp / f"{backend}{size}"
    cache = tmp / f"cache-{backend}{size}"
    if backend == "embedded":
        seconds, report = ingest(corpus, str(location), tmp / "code", cache)
        ask, cold, warm = query_latency(str(location), runs, cache)
    else:
        with OxigraphServer(location, port=free_port()) as server:
            seconds, report = ingest(corpus, server.url, tmp / "code", cache)
            ask, cold, warm = query_latency(server.url, runs, cache)
    shutil.rmtree(location)
    shutil.rmtree(cache, ignore_errors=True)
    return {"seconds": seconds, "ask_ms": ask, "connect_cold_ms": cold, "connect_ms": warm, **report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=5, help="runs per query; the median is shown")
    parser.add_argument("--backends", nargs="+", default=["embedded", "server"], choices=["embedded", "server"])
    args = parser.parse_args()
    rows: dict[tuple[str, int], dict] = {}
    version = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                             check=False).stdout.strip()
    base = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), max(args.runs, 5))
    print(f"kg {version or '(not a git checkout)'}, copied at start; {args.runs} runs per query, medians; "
          f"python -c pass {base:.1f} ms")
    print(f"{'size':>5} {'backend':<9} {'notes':>6} {'MB':>8} {'quads':>11} {'ingest s':>9} {'MB/s':>6} "
          f"{'facts/s':>8} {'ask ms':>8} {'connect ms':>10} {'(first)':>10} {'ask x':>6} {'connect x':>9}", flush=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        snapshot(tmp)
        from ingest import make_corpus      # bench/ingest.py, with kg from the copy

        for size in args.sizes:
            corpus = tmp / f"corpus{size}"
            nbytes = make_corpus(corpus, size)
            for backend in args.backends:
                r = rows[backend, size] = {**measure(backend, corpus, tmp, size, args.runs), "mb": nbytes / 1e6}
                print(f"{size:>4}x {backend:<9} {r['notes']:>6} {r['mb']:>8.2f} {r['quads']:>11,} {r['seconds']:>9.1f} "
                      f"{r['mb'] / r['seconds']:>6.2f} {r['facts'] / r['seconds']:>8.0f} {r['ask_ms']:>8.1f} "
                      f"{r['connect_ms']:>10.1f} {r['connect_cold_ms']:>10.1f} {r['ask_ms'] / base:>6.1f} "
                      f"{r['connect_ms'] / base:>9.1f}", flush=True)
            shutil.rmtree(corpus)
    base = min(args.sizes)
    print(f"\ngrowth against {base}x (per-MB ingest cost: 1.00 is linear; latencies as ratios)")
    for backend in args.backends:
        b = rows[backend, base]
        for size in args.sizes:
            if size == base:
                continue
            r = rows[backend, size]
            cost = (r["seconds"] / r["mb"]) / (b["seconds"] / b["mb"])
            print(f"  {backend:<9} {size:>4}x: data {r['mb'] / b['mb']:6.1f}x, ingest time {r['seconds'] / b['seconds']:6.1f}x, "
                  f"per-MB cost {cost:5.2f}, ask latency {r['ask_ms'] / b['ask_ms']:6.2f}x, "
                  f"connect latency {r['connect_ms'] / b['connect_ms']:6.2f}x "
                  f"(first in a process {r['connect_cold_ms'] / b['connect_cold_ms']:6.2f}x)")
    if len(args.backends) == 2:
        print("\nserver against embedded (time ratios)")
        for size in args.sizes:
            e, s = rows["embedded", size], rows["server", size]
            print(f"  {size:>4}x: ingest {s['seconds'] / e['seconds']:5.2f}, ask {s['ask_ms'] / e['ask_ms']:5.2f}, "
                  f"connect {s['connect_ms'] / e['connect_ms']:5.2f}")


if __name__ == "__main__":
    main()
