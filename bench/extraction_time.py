"""Time extraction over a folder of notes: parsing, then the extraction passes, apart from the store.

Usage:
    python bench/extraction_time.py FOLDER [--runs 5]

Notes are found and read once, as `kg ingest` finds and reads them; each run then parses every
note and extracts it with one Extractor (built before the clock starts). It prints the median of
the runs for parsing and for extraction, in seconds of wall time and of this process's CPU time
(steadier on a shared machine), and MB/s of note text, with the `python -c pass` start-up time
measured in the same run for scale.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def read_notes(folder: Path) -> list[tuple[Path, str]]:
    from kg.files import read_regular_file
    from kg.ingest import MAX_NOTE_BYTES, IngestReport, discover
    from kg.notes import UnreadableNote, decode_note

    out = []
    for path, _root in sorted(discover([folder.resolve()], IngestReport())):
        try:
            text, _enc = decode_note(read_regular_file(path, MAX_NOTE_BYTES), str(path))
        except UnreadableNote:
            continue
        out.append((path, text))
    return out


def main(argv: list[str]) -> int:
    runs = 5
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    from kg.extract import Extractor
    from kg.vocab import default_vocabulary

    notes = read_notes(Path(argv[0]))
    size = sum(len(t.encode("utf-8")) for _p, t in notes)
    extractor = Extractor(default_vocabulary())
    parse_s, extract_s, extract_cpu = [], [], []
    for k in range(runs):
        print(f"run {k + 1}/{runs}", file=sys.stderr)
        t0 = time.perf_counter()
        parsed = [extractor.parse(text, path) for path, text in notes]
        t1, c1 = time.perf_counter(), time.process_time()
        for note in parsed:
            extractor.extract(note)
        t2, c2 = time.perf_counter(), time.process_time()
        parse_s.append(t1 - t0)
        extract_s.append(t2 - t1)
        extract_cpu.append(c2 - c1)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python_pass = time.perf_counter() - t0
    parse, extract = statistics.median(parse_s), statistics.median(extract_s)
    print(json.dumps({"notes": len(notes), "bytes": size, "runs": runs,
                      "parse_s": round(parse, 3), "extract_s": round(extract, 3),
                      "extract_cpu_s": round(statistics.median(extract_cpu), 3),
                      "extract_MB_per_s": round(size / 1e6 / extract, 2),
                      "python_pass_s": round(python_pass, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
