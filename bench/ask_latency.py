"""Latency of `kg ask` against `python3 -c pass`, medians of N runs each, in one run.

    python bench/ask_latency.py [--runs 15] [--question "max SQS message size"]

The store is built first (not timed). Prints both medians and their ratio; the issue's bar
is a ratio of at most 10. Both commands run as in a user's shell: with bytecode caching on
(PYTHONDONTWRITEBYTECODE, which some sandboxes set, is removed) and after one warm-up run.
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


def median_seconds(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
        base = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        ask = median_seconds([kg, "ask", args.question], args.runs, env)
    print(f"python3 -c pass   median {base * 1000:7.1f} ms  ({args.runs} runs)")
    print(f"kg ask            median {ask * 1000:7.1f} ms  ({args.runs} runs): {args.question!r}")
    print(f"ratio             {ask / base:7.1f}  (bar: 10)")


if __name__ == "__main__":
    main()
