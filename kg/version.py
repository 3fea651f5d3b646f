"""The version stored with each note's graph: a digest of the code and data that extracted it.

Any edit to the note reader, the extractor (kg/extract.py, or a kg/extract/ package), the unit
table, the RDF builder, a module they import, or a vocabulary changes the digest, so the next
`kg ingest` re-extracts every note instead of keeping what an older kg made. Nobody has to
remember to bump a number.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

_KG = Path(__file__).resolve().parent
# Where extraction starts; the kg modules they import at module level are followed from here
EXTRACTION_ROOTS = ("notes", "extract", "units", "graph")
# Imported by extraction but shaping none of its output: messages, the pickle cache, file locations
NOT_EXTRACTION = frozenset({"errors", "cache", "resources"})
_IMPORT = re.compile(r"^(?:from kg\.(\w+)|from kg import (\w+)|import kg\.(\w+))", re.M)

_memo: dict[tuple, str] = {}


def _module_files(name: str, base: Path) -> list[Path]:
    package = base / name
    if package.is_dir():
        return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    single = base / f"{name}.py"
    return [single] if single.is_file() else []


def extraction_files(roots: tuple[str, ...] = EXTRACTION_ROOTS, base: Path = _KG) -> list[Path]:
    """The source files of the extraction modules and of every kg module they import at module
    level (imports inside functions are lazy and left out), in a stable order."""
    seen: set[str] = set()
    todo = list(roots)
    files: list[Path] = []
    while todo:
        name = todo.pop()
        if name in seen or name in NOT_EXTRACTION:
            continue
        seen.add(name)
        for path in _module_files(name, base):
            files.append(path)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            todo.extend(next(g for g in m.groups() if g) for m in _IMPORT.finditer(text))
    return sorted(set(files))


def extraction_version(vocabulary_digest: str, files: list[Path] | None = None) -> str:
    """A short digest of the extraction code and the vocabulary (`vocabulary_digest`, the digest
    of its files' bytes), computed once per process for the files' sizes and modification times.

    Args:
        vocabulary_digest: Vocabulary.digest of the vocabulary that extracts the notes.
        files: the code files to hash (default: extraction_files()).
    """
    files = extraction_files() if files is None else files
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
