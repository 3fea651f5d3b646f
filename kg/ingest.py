"""Files and folders -> the store: re-extract what changed, drop what was deleted.

Each note's named graph is replaced in one SPARQL update (one transaction), so an interrupted
ingest leaves every note either as it was or fully replaced.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg.errors import KgError, NotesNotFound
from kg.extract import EXTRACTOR_VERSION, Extractor
from kg.graph import build_note_triples, note_iri, vocabulary_triples
from kg.notes import UnreadableNote, decode_note
from kg.store import EmbeddedStore
from kg.namespaces import KG, VOCABULARY_GRAPH
from kg.vocab import Vocabulary, default_vocabulary

# A note's graph is built in memory before it is written: 16 MB of notes is ~5 million triples
MAX_NOTE_BYTES = int(os.environ.get("KG_MAX_NOTE_BYTES", str(16 * 1024 * 1024)))
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".obsidian", ".trash"}

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    """What an ingest did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (path, reason)
    limits: int = 0
    integrations: int = 0
    seconds: float = 0.0

    @property
    def notes(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)


def discover(paths: list[Path], report: IngestReport) -> list[tuple[Path, Path]]:
    """Return (file, root) pairs under `paths`, in a stable order.

    Raises:
        NotesNotFound: when a path does not exist.
    """
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise NotesNotFound(str(given))
        root = given.resolve() if given.exists() else given.absolute()
        if given.is_file():
            if root not in seen:
                seen.add(root)
                found.append((root, root))
            continue
        if not given.is_dir():
            report.skipped.append((str(given), "not a regular file or folder"))
            continue
        visited_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=lambda e: report.skipped.append(
                (e.filename or str(root), e.strerror or "cannot read folder"))):
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in visited_dirs:
                dirnames[:] = []
                continue
            visited_dirs.add((st.st_dev, st.st_ino))
            for d in [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                # links to folders are not followed: they can loop back on themselves
                report.skipped.append((os.path.join(dirpath, d), "symbolic link to a folder (not followed)"))
                dirnames.remove(d)
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                p = Path(dirpath) / name
                if p.is_symlink():
                    target = p.resolve() if p.exists() else None
                    if target is None:
                        report.skipped.append((str(p), "broken or looping symbolic link"))
                        continue
                    if target.is_dir():
                        report.skipped.append((str(p), "symbolic link to a folder (not followed)"))
                        continue
                if p not in seen:
                    seen.add(p)
                    found.append((p, root))
    return found


def _stored_notes(store: EmbeddedStore) -> dict[str, dict]:
    rows = store.select(f"""
        SELECT ?note ?path ?sha ?root ?version WHERE {{
          GRAPH ?note {{ ?note a <{KG}Note> ; <{KG}path> ?path ; <{KG}sha256> ?sha ;
                               <{KG}ingestRoot> ?root ; <{KG}extractorVersion> ?version }}
        }}""")
    return {r["note"]: r for r in rows}


def ingest_paths(store: EmbeddedStore, paths: list[Path], *, progress: Progress | None = None,
                 vocab: Vocabulary | None = None) -> IngestReport:
    """Ingest files and folders into `store`; return what was added, updated, removed, skipped.

    Raises:
        NotesNotFound: a path does not exist.
    """
    started = time.perf_counter()
    report = IngestReport()
    vocab = vocab or default_vocabulary()
    version = f"{EXTRACTOR_VERSION}+{vocab.digest}"
    files = discover(paths, report)
    stored = _stored_notes(store)
    _refresh_vocabulary(store, vocab)
    extractor: Extractor | None = None
    for done, (path, root) in enumerate(files, 1):
        if progress:
            progress(done, len(files), str(path))
        iri = note_iri(path)
        try:
            size = path.stat().st_size
            if size > MAX_NOTE_BYTES:
                raise UnreadableNote(str(path), f"larger than {MAX_NOTE_BYTES // (1024 * 1024)} MB "
                                     "(set KG_MAX_NOTE_BYTES to raise the limit)")
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            old = stored.get(iri)
            if old and old["sha"] == sha and old["version"] == version:
                report.unchanged.append(str(path))
                continue
            text, _encoding = decode_note(data, str(path))
        except UnreadableNote as error:
            report.skipped.append((str(path), error.reason))
            continue
        except OSError as error:
            report.skipped.append((str(path), error.strerror or str(error)))
            continue
        extractor = extractor or Extractor(vocab)
        note = extractor.parse(text, path)
        extraction = extractor.extract(note)
        triples = list(build_note_triples(extraction, sha256=sha, root=str(root), version=version))
        store.replace_graph(iri, triples, exists=iri in stored)
        report.limits += len(extraction.limits)
        report.integrations += len(extraction.integrations)
        (report.updated if iri in stored else report.added).append(str(path))
    # notes deleted from a folder ingested before; notes of other roots are left alone
    present = {note_iri(p) for p, _root in files}
    roots = {str(p.resolve()) for p in paths if p.is_dir()}
    for iri, row in stored.items():
        if iri in present:
            continue
        path = row["path"]
        if any(path.startswith(r.rstrip(os.sep) + os.sep) for r in roots) and not Path(path).exists():
            store.drop_graph(iri)
            report.removed.append(path)
    if report.added or report.updated or report.removed:
        # read the integrations once now, while the user expects to wait, so that kg connect
        # need not (at 100x the bundled notes that read is 13-19 s; bench/scale.py)
        from kg.paths import graph_from_store

        try:
            graph_from_store(store, vocab)
        except KgError:
            pass        # the notes are written; connect will read the integrations itself
    report.seconds = time.perf_counter() - started
    return report


def _refresh_vocabulary(store: EmbeddedStore, vocab: Vocabulary) -> None:
    rows = store.select(f"""SELECT ?d WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{
        <{VOCABULARY_GRAPH}> <{KG}sha256> ?d }} }}""")
    if rows and rows[0]["d"] == vocab.digest:
        return
    body = vocabulary_triples(vocab) + f'\n<{VOCABULARY_GRAPH}> <{KG}sha256> "{vocab.digest}" .'
    store.replace_graph(VOCABULARY_GRAPH, body.split("\n"), exists=bool(rows))
