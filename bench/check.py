"""Time `kg check` on the bundled notes and, given a folder, on another corpus.

Usage: python bench/check.py [--corpus PATH] [--runs 5] [--pyshacl]

Each corpus is ingested once into a temporary store. `kg check --json` then runs as a user runs
it (a fresh process), first with an empty shapes cache (cold: every note's graph is validated)
and then `--runs` times warm; the median is printed with its ratio to `python -c pass`, so that
figures from machines of other speeds compare. `--pyshacl` also times the old validation, pySHACL
over an rdflib copy of the store, and the SPARQL shapes, in-process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-m", "cli"]


def timed(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def measure(name: str, notes: Path, runs: int, pyshacl: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, KG_DB=str(Path(tmp) / "db"), XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        subprocess.run([*KG, "ingest", str(notes)], env=env, check=True, capture_output=True)
        baseline = statistics.median(timed([sys.executable, "-c", "pass"], env) for _ in range(runs))
        cold = timed([*KG, "check", "--json"], env)
        warm = statistics.median(timed([*KG, "check", "--json"], env) for _ in range(runs))
        print(f"{name}: kg check cold {cold:.2f} s ({cold / baseline:.0f}x python -c pass), "
              f"warm median of {runs} {warm:.2f} s ({warm / baseline:.0f}x); python -c pass {baseline * 1000:.0f} ms")
        if pyshacl:
            sys.path.insert(0, str(ROOT))
            from kg.check import validate_shapes, validate_shapes_pyshacl
            from kg.store import open_store

            os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache-inproc")
            with open_store(Path(tmp) / "db") as store:
                for label, fn in (("SPARQL shapes, cold", validate_shapes), ("SPARQL shapes, warm", validate_shapes),
                                  ("pySHACL", validate_shapes_pyshacl)):
                    started = time.perf_counter()
                    fn(store)
                    print(f"  {label}: {time.perf_counter() - started:.2f} s")
            shutil.rmtree(Path(tmp) / "cache-inproc", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="a folder of notes to time besides the bundled ones")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pyshacl", action="store_true", help="also time pySHACL against the SPARQL shapes")
    a = ap.parse_args()
    measure("bundled notes", ROOT / "data" / "notes", a.runs, a.pyshacl)
    if a.corpus:
        measure(str(a.corpus), a.corpus, a.runs, a.pyshacl)


if __name__ == "__main__":
    main()
