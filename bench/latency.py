"""Latency of each reading command, as a ratio to `python -c pass`, at N times the bundled notes.

kg's code is copied first (as bench/scale.py does), so one run measures one version of kg even
while the checkout changes. For each size, the corpus of bench/ingest.py (copy k shifts every
service and number by k) is ingested by `kg ingest` into an empty store (its own user cache, as
a user's first ingest leaves it). Then each command runs as a user runs it, through what the
`kg` console script runs (`from cli.main import main`) in a fresh process, with bytecode caching on (PYTHONDONTWRITEBYTECODE, which some sandboxes set, is
removed), after one warm-up run; the commands take turns with `python -c pass`, run by the
same interpreter, so a busy machine slows both alike. Medians of --runs. Two `kg ask` figures:

- "ask (repeated)": the question asked before, printed from cli/answer_cache.py;
- "ask (new)": the answer cache removed before each run, so the store is read and the
  question answered in full (the statement index and the parsed vocabulary stay cached, as
  they are after `kg ingest`).

    python bench/latency.py                     # 1x
    python bench/latency.py --sizes 1 10 100    # 100x ingests ~47 MB first
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

from _common import ROOT

QUESTION = "max SQS message size"
COMMANDS = [
    ("kg --help", ["--help"]),
    ("kg stats", ["stats"]),
    ("kg describe SQS", ["describe", "SQS"]),
    ("kg connect SNS Lambda", ["connect", "SNS", "Lambda"]),
    ("kg ask (new)", ["ask", QUESTION]),
    ("kg ask (repeated)", ["ask", QUESTION]),
]


def _once(cmd: list[str], env: dict[str, str], before=None) -> float:
    if before:
        before()
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def measure(kg: list[str], env: dict[str, str], cache: Path, runs: int) -> dict[str, float]:
    """Median seconds of `python -c pass` and of each command, taking turns run by run."""
    def forget_answers() -> None:
        for f in (cache / "kg").glob("answers-*.marshal"):
            f.unlink()

    base = [sys.executable, "-c", "pass"]
    plan = [("python -c pass", base, None)] + [
        (name, [*kg, *args], forget_answers if name == "kg ask (new)" else None) for name, args in COMMANDS]
    for _name, cmd, before in plan:             # warm-up: bytecode, page cache, the statement index
        _once(cmd, env, before)
    times: dict[str, list[float]] = {name: [] for name, _c, _b in plan}
    for _ in range(runs):
        for name, cmd, before in plan:
            times[name].append(_once(cmd, env, before))
    return {name: statistics.median(t) for name, t in times.items()}


def snapshot(tmp: Path) -> Path:
    """A copy of kg's code, vocabularies and notes; the commands run from it (PYTHONPATH)."""
    code = tmp / "code"
    for name in ("kg", "cli", "ontology", "data"):
        shutil.copytree(ROOT / name, code / name, ignore=shutil.ignore_patterns("__pycache__"))
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1])
    parser.add_argument("--runs", type=int, default=11, help="runs per command; the median is shown")
    args = parser.parse_args()
    version = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                             check=False).stdout.strip()
    print(f"kg {version or '(not a git checkout)'}; medians of {args.runs} runs; ratio = command / python -c pass")
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        code = snapshot(tmp)
        kg = [sys.executable, "-c", "import sys; from cli.main import main; sys.argv[0] = 'kg'; sys.exit(main())"]
        sys.path.insert(0, str(ROOT / "bench"))
        from ingest import make_corpus

        for size in args.sizes:
            corpus, store, cache = tmp / f"corpus{size}", tmp / f"store{size}", tmp / f"cache{size}"
            nbytes = make_corpus(corpus, size)
            env = dict(os.environ, KG_DB=str(store), XDG_CACHE_HOME=str(cache), PYTHONPATH=str(code))
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            started = time.perf_counter()
            subprocess.run([*kg, "ingest", str(corpus)], check=True, stdout=subprocess.DEVNULL, env=env)
            print(f"\n{size}x: {nbytes / 1e6:.2f} MB ingested in {time.perf_counter() - started:.1f} s", flush=True)
            r = results[size] = measure(kg, env, cache, args.runs)
            base = r["python -c pass"]
            for name, seconds in r.items():
                print(f"  {name:<24} {seconds * 1000:8.1f} ms  {seconds / base:6.1f}x", flush=True)
            shutil.rmtree(store)
            shutil.rmtree(corpus)
    if len(results) > 1:
        print("\nratio to python -c pass, by size")
        names = list(next(iter(results.values())))
        print(f"  {'command':<24}" + "".join(f"{size:>7}x" for size in results))
        for name in names[1:]:
            print(f"  {name:<24}" + "".join(f"{r[name] / r['python -c pass']:8.1f}" for r in results.values()))


if __name__ == "__main__":
    main()
