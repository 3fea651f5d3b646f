"""Files and folders -> the store: re-extract what changed, drop what was deleted.

Each note's named graph is replaced in one SPARQL update (one transaction), so an interrupted
ingest leaves every note either as it was or fully replaced; a new store is bulk-loaded in a
temporary folder renamed into place when complete (kg.store.build_store), so it is whole or absent.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg.errors import KgError, NotesNotFound, StoreInsideNotes
from kg.extract import Extractor
from kg.files import IGNORE_FILE, NoteFilter, file_kind, looks_like_text, parse_rule, read_regular_file
from kg.graph import build_note_triples, note_iri, vocabulary_triples
from kg.notes import UnreadableNote, decode_note
from kg.resources import BUNDLED_ROOT, bundled_notes_dir
from kg.store import EmbeddedStore, build_store, is_store_folder
from kg.namespaces import KG, VOCABULARY_GRAPH
from kg.version import extraction_version
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
    ignored: int = 0            # files that are not notes (images, PDFs, canvases...), or left out by globs
    gone: list[tuple[str, int]] = field(default_factory=list)     # (root, notes) of folders ingested before, now gone
    limits: int = 0
    integrations: int = 0
    seconds: float = 0.0

    @property
    def notes(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)


def _root_name(root: Path) -> str:
    """How a root is recorded: the bundled notes as BUNDLED_ROOT, wherever kg is installed."""
    try:
        if root == bundled_notes_dir().resolve():
            return BUNDLED_ROOT
    except FileNotFoundError:
        pass
    return str(root)


def _is_inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_store_outside_notes(store_path: Path, paths: list[Path]) -> None:
    """Refuse a store location inside (or equal to) a folder of notes being ingested.

    Raises:
        StoreInsideNotes: the store would be read as notes and fill the notes folder with its files.
    """
    store = store_path.absolute().resolve()
    for given in paths:
        if given.is_dir() and _is_inside(store, given.resolve()):
            raise StoreInsideNotes(str(store_path), str(given))


def _included(given: Path, include: tuple[str, ...]) -> bool:
    """Does an --include glob match a file named on the command line, by its name or by the
    trailing folders of the path as given (`boards/*.canvas` for `vault/boards/B.canvas`)?"""
    if not include:
        return False
    rules = NoteFilter(include=tuple(r for r in map(parse_rule, include) if r))     # no .kgignore to read
    parts = given.as_posix().split("/")
    return any(rules.is_note_name("/".join(parts[i:])) for i in range(len(parts)))


def discover(paths: list[Path], report: IngestReport, *, include: tuple[str, ...] = (),
             exclude: tuple[str, ...] = ()) -> list[tuple[Path, Path]]:
    """Return (file, root) pairs under `paths`, in a stable order.

    A file named on the command line is read unless its extension says it is no note (a
    vault's `Board.canvas`, an image: skipped with a warning; --include globs that match it
    read it too); in a folder, only notes are (kg.files: by extension, --include/--exclude and
    the .kgignore files), and other files are counted in `report.ignored`. Named pipes,
    devices and sockets are skipped with a warning and never opened; folders holding a kg
    store are never entered, nor read when given (a store folder or a file in one is skipped
    with a warning).

    Raises:
        NotesNotFound: when a path does not exist.
    """
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise NotesNotFound(str(given))
        root = given.resolve() if given.exists() else given.absolute()
        if is_store_folder(root if given.is_dir() else root.parent):
            # a store given as notes, or one of its files: kg's own files are never notes
            report.skipped.append((str(given), "a kg store's files, not notes"))
            continue
        if given.is_file():
            if NoteFilter().is_note_name(given.name) is False and not _included(given, include):
                report.skipped.append((str(given), f"not a note by its extension ({given.suffix}); "
                                                   f"--include '*{given.suffix}' reads it"))
                continue
            if root not in seen:
                seen.add(root)
                found.append((root, root))
            continue
        if not given.is_dir():
            kind = file_kind(os.stat(given).st_mode) if given.exists() else None
            report.skipped.append((str(given), f"{kind or 'not a regular file'}, not a note or folder"))
            continue
        rules = NoteFilter.for_root(root, include, exclude)
        nested: list[tuple[str, NoteFilter]] = []      # (folder, its own .kgignore), outermost first

        def excluded(rel: str, is_dir: bool) -> bool:
            """git's rule over every ignore file above `rel`: the root's lines, then those of each
            subfolder's .kgignore from the outermost in (relative to that folder); the last line
            that matches decides, so a subfolder's `!name` takes back what the root left out."""
            out = rules.is_excluded(rel, is_dir)
            for folder, f in nested:
                if rel.startswith(folder + "/"):
                    said = f.verdict(rel[len(folder) + 1:], is_dir)
                    out = out if said is None else said
            return out
        visited_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=lambda e: report.skipped.append(
                (e.filename or str(root), e.strerror or "cannot read folder"))):
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in visited_dirs:
                dirnames[:] = []
                continue
            visited_dirs.add((st.st_dev, st.st_ino))
            here = Path(dirpath)
            rel_dir = here.relative_to(root).as_posix() if here != root else ""
            if rel_dir and (here / IGNORE_FILE).is_file():
                nested.append((rel_dir, NoteFilter.for_root(here)))
            for d in [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                # links to folders are not followed: they can loop back on themselves
                report.skipped.append((os.path.join(dirpath, d), "symbolic link to a folder (not followed)"))
                dirnames.remove(d)
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")
                                 and not excluded(f"{rel_dir}/{d}".lstrip("/"), True)
                                 and not is_store_folder(here / d))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                p = here / name
                rel = f"{rel_dir}/{name}".lstrip("/")
                if excluded(rel, False):
                    report.ignored += 1
                    continue
                note_name = rules.is_note_name(rel)
                if note_name is False:
                    report.ignored += 1
                    continue
                if p.is_symlink():
                    target = p.resolve() if p.exists() else None
                    if target is None:
                        report.skipped.append((str(p), "broken or looping symbolic link"))
                        continue
                    if target.is_dir():
                        report.skipped.append((str(p), "symbolic link to a folder (not followed)"))
                        continue
                try:
                    kind = file_kind(os.stat(p).st_mode)
                except OSError as error:
                    report.skipped.append((str(p), error.strerror or str(error)))
                    continue
                if kind is not None:
                    report.skipped.append((str(p), f"{kind}, not a regular file (never opened)"))
                    continue
                if note_name is None and not looks_like_text(p):
                    report.ignored += 1          # no extension and not text: not a note
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


def _gone_roots(stored: dict[str, dict]) -> dict[str, list[str]]:
    """Roots of stored notes (folders or single files) that no longer exist, with their notes."""
    gone: dict[str, list[str]] = {}
    for iri, row in stored.items():
        root = row["root"]
        if root != BUNDLED_ROOT and not root.startswith("bundled:") and not Path(root).exists():
            gone.setdefault(root, []).append(iri)
    return gone


def ingest_paths(store: EmbeddedStore, paths: list[Path], *, progress: Progress | None = None,
                 vocab: Vocabulary | None = None, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (),
                 prune: bool = False) -> IngestReport:
    """Ingest files and folders into `store`; return what was added, updated, removed, skipped.

    Notes under a folder ingested again that are no longer found there (deleted, or now left
    out by the globs) are dropped. Folders ingested before that have gone are reported in
    `report.gone`, and with `prune` their notes are dropped too. The bundled notes are
    recorded under BUNDLED_ROOT, so those of an earlier install are replaced, not kept beside.

    Raises:
        NotesNotFound: a path does not exist.
        StoreInsideNotes: the store's folder is inside a folder being ingested.
    """
    started = time.perf_counter()
    report = IngestReport()
    if hasattr(store, "path"):
        check_store_outside_notes(Path(store.location), paths)
    vocab = vocab or default_vocabulary()
    version = extraction_version(vocab.digest)
    files = discover(paths, report, include=include, exclude=exclude)
    stored = _stored_notes(store)
    _refresh_vocabulary(store, vocab)
    work: list[_Note] = []
    for done, (path, root) in enumerate(files, 1):
        iri = note_iri(path)
        try:
            data = read_regular_file(path, MAX_NOTE_BYTES)
            sha = hashlib.sha256(data).hexdigest()
            old = stored.get(iri)
            if old and old["sha"] == sha and old["version"] == version and old["root"] == _root_name(root):
                report.unchanged.append(str(path))
                if progress:
                    progress(done, len(files), str(path))
                continue
            text, _encoding = decode_note(data, str(path))
        except UnreadableNote as error:
            report.skipped.append((str(path), error.reason))
            continue
        work.append(_Note(path, iri, sha, _root_name(root), text))
    done = len(files) - len(work)
    prepared: dict[str, tuple] = {}         # each written note's statement index rows (kg.index)
    for note, (triples, limits, integrations, index_rows) in _extractions(work, vocab, version):
        done += 1
        if progress:
            progress(done, len(files), str(note.path))
        store.replace_graph(note.iri, triples, exists=note.iri in stored)
        prepared[note.iri] = ((note.sha, version, str(note.path.resolve())), index_rows)
        report.limits += limits
        report.integrations += integrations
        (report.updated if note.iri in stored else report.added).append(str(note.path))
    order = {str(note.path): k for k, note in enumerate(work)}      # workers finish in any order
    report.added.sort(key=order.__getitem__)
    report.updated.sort(key=order.__getitem__)
    # notes no longer found under a folder ingested again; notes of other roots are left alone
    present = {note_iri(p) for p, _root in files}
    folders = [p.resolve() for p in paths if p.is_dir()]
    roots = {_root_name(f) for f in folders}
    prefixes = [str(f).rstrip(os.sep) + os.sep for f in folders]
    for iri, row in stored.items():
        if iri in present:
            continue
        path, root = row["path"], row["root"]
        if root in roots or path.startswith(tuple(prefixes)):
            store.drop_graph(iri)
            report.removed.append(path)
    for root, iris in sorted(_gone_roots({i: r for i, r in stored.items() if r["path"] not in report.removed}).items()):
        if prune:
            for iri in iris:
                store.drop_graph(iri)
                report.removed.append(stored[iri]["path"])
        else:
            report.gone.append((root, len(iris)))
    if report.added or report.updated or report.removed:
        # read the integrations once now, while the user expects to wait, so that kg connect
        # need not (at 100x the bundled notes that read is 13-19 s; bench/scale.py)
        from kg.paths import graph_from_store

        try:
            graph_from_store(store, vocab)
        except KgError:
            pass        # the notes are written; connect will read the integrations itself
        # and bring the statement index (kg ask's full-text search) up to date, note by note
        from kg.index import open_index

        try:
            open_index(store, vocab, prepared=prepared).close()
        except (KgError, OSError):
            pass        # the notes are written; kg ask will index them itself
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Note:
    """A note to extract: where it is, its graph, and its text."""

    path: Path
    iri: str
    sha: str
    root: str
    text: str


# Extraction runs in worker processes, one per core, when the notes to extract hold at least
# this many characters: forking and sending the triples back cost about 20 ms a worker, which
# the five bundled notes (445 KB, 1.7 s of extraction on one core) repay many times over.
PARALLEL_CHARS = 64 * 1024
_worker: tuple[Extractor, str, list] | None = None     # (extractor, version, notes) a worker inherits


def _extract_note(note: _Note, extractor: Extractor, version: str) -> tuple[list[str], int, int, list[tuple]]:
    """One note's triples, how many limits and integrations they hold, and its rows of the
    statement index (kg.index.about_rows: built here, in the worker, not read back from the store)."""
    from kg.index import about_rows, extraction_statements, service_finder

    extraction = extractor.extract(extractor.parse(note.text, note.path))
    triples = list(build_note_triples(extraction, sha256=note.sha, root=note.root, version=version))
    rows = about_rows(extraction_statements(extraction), str(note.path.resolve()), service_finder(extractor.vocab))
    return triples, len(extraction.limits), len(extraction.integrations), rows


def _in_worker(k: int) -> tuple[int, tuple[list[str], int, int, list[tuple]]]:
    assert _worker is not None
    extractor, version, work = _worker
    return k, _extract_note(work[k], extractor, version)


def _death_signal_setter():
    """Linux's prctl, looked up in the parent before it forks, or None elsewhere: a child must
    not dlopen or import (a forked child of a process with threads can hang on a lock another
    thread held at the fork: the CI run hung in the workers' first line)."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _quiet_worker(parent: int, prctl) -> None:
    """Ctrl-C reaches every process of the terminal's group: the parent alone handles it. A
    worker dies with its parent (PR_SET_PDEATHSIG, through `prctl` from _death_signal_setter):
    forked, it holds the store's lock file too, and a `kill -9` of kg left workers finishing
    their notes with the store locked."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if prctl is not None:
        prctl(1, signal.SIGKILL)        # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)         # the parent died before the line above took effect


def _extractions(work: list[_Note], vocab: Vocabulary, version: str):
    """Yield (note, its extraction) for each note of `work`: in worker processes when there is much to do.

    Workers are forked, so they share the parent's vocabulary, compiled patterns and the notes'
    text without loading or sending them again; the largest notes go first, so that one long
    note does not keep a worker busy after the others are done, and results come as they are
    ready. The store holds the same quads in whatever order notes are written
    (tests/test_ingest_paths.py compares them).
    """
    global _worker
    if not work:
        return
    extractor = Extractor(vocab)
    workers = min(_worker_count(), len(work))
    if workers < 2 or sum(len(n.text) for n in work) < PARALLEL_CHARS or not _can_fork():
        for note in work:
            yield note, _extract_note(note, extractor, version)
        return
    import multiprocessing

    from kg.index import service_finder

    service_finder(vocab)       # built once, before the fork, for every worker
    _worker = (extractor, version, work)
    largest_first = sorted(range(len(work)), key=lambda k: -len(work[k].text))
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker,
                                                    initargs=(os.getpid(), _death_signal_setter()))
    try:
        for k, result in pool.imap_unordered(_in_worker, largest_first, chunksize=1):
            yield work[k], result
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _worker = None


def _worker_count() -> int:
    """KG_WORKERS extraction processes if set (1: none), else one per core this process may use."""
    try:
        return max(1, int(os.environ["KG_WORKERS"]))
    except (KeyError, ValueError):
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def ingest_new_store(path: Path, paths: list[Path], *, on_wait=None, **options) -> tuple[IngestReport | None, bool]:
    """Ingest into a store that does not exist yet, whole or not at all (kg.store.build_store).

    Returns (the report, True), or (None, False) when another process built the store meanwhile.

    Raises:
        as ingest_paths, and StoreWriteFailed, StoreIsAFile or NotAStore for the location.
    """
    check_store_outside_notes(path, paths)
    return build_store(path, lambda store: ingest_paths(store, paths, **options), on_wait=on_wait)


def _refresh_vocabulary(store: EmbeddedStore, vocab: Vocabulary) -> None:
    rows = store.select(f"""SELECT ?d WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{
        <{VOCABULARY_GRAPH}> <{KG}sha256> ?d }} }}""")
    if rows and rows[0]["d"] == vocab.digest:
        return
    body = vocabulary_triples(vocab) + f'\n<{VOCABULARY_GRAPH}> <{KG}sha256> "{vocab.digest}" .'
    store.replace_graph(VOCABULARY_GRAPH, body.split("\n"), exists=bool(rows))
