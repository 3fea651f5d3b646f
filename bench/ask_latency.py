"""Latency of `kg ask` against `python3 -c pass`, medians of N runs each, in one run.

    python bench/ask_latency.py [--runs 15] [--question "max SQS message size"]

The store is built first (not timed). Prints the medians and their ratios to `python -c pass`:
the question asked again (printed from cli/answer_cache.py; issue 16's bar is 5) and the
question answered in full (the answer cache removed before each run; the statement index and
the service's limit facts it keeps stay, as after one earlier question about that service).
The commands run as in a user's shell: with bytecode caching on (PYTHONDONTWRITEBYTECODE, which
some sandboxes set, is removed), after one warm-up run, taking turns run by run.
bench/latency.py measures every reading command so, at 1x, 10x and 100x the bundled notes.
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


def median_seconds(cmds: list[tuple[list[str], object]], runs: int, env: dict[str, str]) -> list[float]:
    """Median seconds of each (command, what to do before it), the commands taking turns."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, (cmd, before) in enumerate(cmds):
            if before:
                before()
            started = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times[i].append(time.perf_counter() - started)
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--question", default="max SQS message size")
    args = parser.parse_args()
    kg = shutil.which("kg") or str(Path(sys.executable).with_name("kg"))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, KG_DB=str(Path(tmp) / "store"), XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([kg, "ingest"], check=True, stdout=subprocess.DEVNULL, env=env)
        subprocess.run([kg, "ask", args.question], check=True, stdout=subprocess.DEVNULL, env=env)  # warm caches

        def forget() -> None:
            for f in (Path(tmp) / "cache" / "kg").glob("answers-*.marshal"):
                f.unlink()

        ask = [kg, "ask", args.question]
        base, again, full = median_seconds([([sys.executable, "-c", "pass"], None), (ask, None), (ask, forget)],
                                           args.runs, env)
    print(f"python3 -c pass         median {base * 1000:7.1f} ms  ({args.runs} runs)")
    print(f"kg ask, asked again     median {again * 1000:7.1f} ms  ratio {again / base:5.1f}  (bar: 5): {args.question!r}")
    print(f"kg ask, answered anew   median {full * 1000:7.1f} ms  ratio {full / base:5.1f}")


if __name__ == "__main__":
    main()
