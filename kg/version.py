"""The version stored with each note's graph: a digest of the code and data that extracted it.

Any edit to the note reader, the extractor (kg/extract.py, or a kg/extract/ package), the unit
table, the RDF builder or a vocabulary changes the digest, so the next `kg ingest` re-extracts
every note instead of keeping what an older kg made. Nobody has to remember to bump a number.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_KG = Path(__file__).resolve().parent
# The code whose output is stored: a change to any of these files changes what a note's graph holds
EXTRACTION_CODE = ("notes.py", "extract.py", "extract", "units.py", "graph.py", "lexicon.py", "spans.py")

_memo: dict[tuple, str] = {}


def _code_files(names: tuple[str, ...] = EXTRACTION_CODE, base: Path = _KG) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = base / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return files


def extraction_version(vocabulary_digest: str, files: list[Path] | None = None) -> str:
    """A short digest of the extraction code and the vocabulary (`vocabulary_digest`, the
    digest of its files' bytes), cached per process by the files' sizes and times.

    Args:
        vocabulary_digest: Vocabulary.digest of the vocabulary that extracted the notes.
        files: the code files to hash (default: EXTRACTION_CODE under kg/).
    """
    files = _code_files() if files is None else files
    stamps = []
    for path in files:
        try:
            st = path.stat()
            stamps.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            stamps.append((str(path), -1, -1))
    key = (vocabulary_digest, tuple(stamps))
    if key not in _memo:
        digest = hashlib.sha256(vocabulary_digest.encode("utf-8"))
        for path in files:
            digest.update(path.name.encode("utf-8") + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"<missing>")
        _memo[key] = digest.hexdigest()[:20]
    return _memo[key]
