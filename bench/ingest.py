"""Time and peak memory of `kg ingest` on the bundled notes and on a synthetic corpus N times larger.

The synthetic corpus replicates the five notes; copy k shifts every service name to another
service of the vocabulary and every number by k, so each copy states different facts.
Each ingest runs in a fresh process (so peak RSS is its own) into an empty store.

    python bench/ingest.py            # 1x and 100x
    python bench/ingest.py --sizes 1 10
"""

from __future__ import annotations

import argparse
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


def run_ingest(corpus: Path, db: Path) -> tuple[float, int, dict]:
    """Ingest in a child process; return (seconds, peak RSS bytes, report)."""
    import json

    code = ("import json, resource, sys; from pathlib import Path; from kg.store import open_store; "
            "from kg.ingest import ingest_paths\n"
            "with open_store(Path(sys.argv[2]), write=True) as s:\n"
            "    r = ingest_paths(s, [Path(sys.argv[1])])\n"
            "print(json.dumps({'notes': r.notes, 'limits': r.limits, 'integrations': r.integrations,\n"
            "                  'peak_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(corpus), str(db)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    report = json.loads(out.stdout)
    return seconds, report["peak_kb"] * 1024, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus{size}"
            nbytes = make_corpus(corpus, size)
            seconds, peak, report = run_ingest(corpus, Path(tmp) / f"store{size}")
            facts = report["limits"] + report["integrations"]
            rows.append((size, nbytes, seconds, peak, facts, report["notes"]))
            print(f"{size:>4}x  {report['notes']:>5} notes  {nbytes / 1e6:8.2f} MB  {seconds:8.2f} s  "
                  f"{nbytes / 1e6 / seconds:6.2f} MB/s  {facts / seconds:8.0f} facts/s  "
                  f"peak RSS {peak / 2**20:7.1f} MiB", flush=True)
            shutil.rmtree(corpus)
    if len(rows) > 1:
        (_s0, b0, t0, m0, _f0, _n0), (_s1, b1, t1, m1, _f1, _n1) = rows[0], rows[-1]
        print(f"size ratio {b1 / b0:.1f}x -> time ratio {t1 / t0:.1f}x "
              f"(per-MB cost ratio {(t1 / b1) / (t0 / b0):.2f}; 1.00 is linear), "
              f"peak memory ratio {m1 / m0:.2f}x")


if __name__ == "__main__":
    main()
