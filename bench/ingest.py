"""Time and peak memory of `kg ingest` on the bundled notes and on a synthetic corpus N times larger.

The synthetic corpus replicates the five notes; copy k shifts every service name to another
service of the vocabulary and every number by k, so each copy states different facts.
Each ingest is `kg ingest --json` in a fresh process into an empty store, as a user runs it;
times are also given as a ratio to `python -c pass` measured in the same run.

    python bench/ingest.py                                   # 1x, 10x and 100x
    python bench/ingest.py --sizes 1 --corpus ../shared/corpus/notes
    python bench/ingest.py --workers 1                       # extraction in one process
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.resources import bundled_notes_dir  # noqa: E402
from kg.vocab import PhraseFinder, default_vocabulary  # noqa: E402

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})*(?![\w.,]\d)")


def make_corpus(target: Path, copies: int) -> int:
    """Write `copies` varied copies of the bundled notes under `target`; return total bytes."""
    vocab = default_vocabulary()
    services = sorted(vocab.services)
    finder = PhraseFinder({iri: c.labels for iri, c in vocab.services.items()})
    total = 0
    sources = sorted(bundled_notes_dir().iterdir())
    texts = {p.name: p.read_text(encoding="utf-8") for p in sources}
    mentions = {name: finder.find(text) for name, text in texts.items()}
    for k in range(copies):
        folder = target / f"copy{k:03d}"
        folder.mkdir(parents=True)
        for name, text in texts.items():
            if k:
                pieces, last = [], 0
                for m in mentions[name]:
                    other = services[(services.index(m.iri) + k) % len(services)]
                    pieces += [text[last:m.start], vocab.services[other].short]
                    last = m.end
                pieces.append(text[last:])
                text = _NUMBER.sub(lambda m: str(int(m.group().replace(",", "")) + k), "".join(pieces))
            data = text.encode("utf-8")
            (folder / name).write_bytes(data)
            total += len(data)
    return total


def run_ingest(corpus: Path, db: Path, workers: int | None = None) -> tuple[float, int, dict]:
    """`kg ingest CORPUS --json` into `db` as a user runs it, in a fresh process; return
    (seconds, peak RSS bytes of the largest process, the report with its CPU seconds, workers
    included, as "cpu"). A new store takes the bulk
    path; an existing one is written a transaction per changed note."""
    import json

    env = dict(os.environ, KG_DB=str(db))
    if workers:
        env["KG_WORKERS"] = str(workers)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cli", "ingest", str(corpus), "--json"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"kg ingest {corpus} failed ({status})")
    report = json.loads(out)
    report["cpu"] = usage.ru_utime + usage.ru_stime
    report["notes"] = sum(len(report[k]) for k in ("added", "updated", "unchanged"))
    return seconds, usage.ru_maxrss * 1024, report


def python_start() -> float:
    """The median time of `python -c pass` in this venv, the unit every figure is given in."""
    import statistics

    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def report_row(name: str, nbytes: int, seconds: float, peak: int, report: dict, base: float) -> None:
    facts = report.get("limits", 0) + report.get("integrations", 0)
    print(f"{name:>10}  {report.get('notes', 0):>5} notes  {nbytes / 1e6:8.2f} MB  {seconds:7.2f} s "
          f"({seconds / base:6.1f}x python, {report['cpu']:6.2f} s CPU)  {nbytes / 1e6 / seconds:6.2f} MB/s  {facts / seconds:8.0f} facts/s  "
          f"peak RSS {peak / 2**20:6.1f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--corpus", type=Path, action="append", default=[],
                        help="also ingest this folder of notes (e.g. ../shared/corpus/notes)")
    parser.add_argument("--workers", type=int, help="KG_WORKERS for every run (default: one per core)")
    args = parser.parse_args()
    base = python_start()
    print(f"python -c pass: {base * 1000:.1f} ms")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in args.corpus:
            nbytes = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
            seconds, peak, report = run_ingest(corpus, Path(tmp) / f"store-{corpus.name}", args.workers)
            report_row(corpus.name[:10], nbytes, seconds, peak, report, base)
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus{size}"
            nbytes = make_corpus(corpus, size)
            seconds, peak, report = run_ingest(corpus, Path(tmp) / f"store{size}", args.workers)
            rows.append((size, nbytes, seconds, peak))
            report_row(f"{size}x", nbytes, seconds, peak, report, base)
            shutil.rmtree(corpus)
    if len(rows) > 1:
        (_s0, b0, t0, m0), (_s1, b1, t1, m1) = rows[0], rows[-1]
        print(f"size ratio {b1 / b0:.1f}x -> time ratio {t1 / t0:.1f}x "
              f"(per-MB cost ratio {(t1 / b1) / (t0 / b0):.2f}; 1.00 is linear), "
              f"peak memory ratio {m1 / m0:.2f}x")


if __name__ == "__main__":
    main()
