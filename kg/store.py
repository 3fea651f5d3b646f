"""Where the graph lives: an embedded on-disk Oxigraph store, one named graph per note.

Every read is a SPARQL query and every write a SPARQL update or a whole-graph load, so that the
same code talks to a SPARQL server when the location is a URL (kg.sparql.ServerStore). Writers
hold an exclusive lock file beside the store and readers a shared one, because RocksDB's
read-only mode is undefined while another process writes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from kg.errors import (BadSetting, InvalidTerm, NoStore, NotAStore, QueryFailed, QuerySyntaxError, StoreDamaged,
                       StoreInsideStore, StoreIsAFile, StoreLocked, StoreWriteFailed)

def lock_wait_seconds() -> float:
    """How long kg waits for a store another process holds: KG_LOCK_TIMEOUT seconds, else 30.

    Raises:
        BadSetting: KG_LOCK_TIMEOUT is not a number of seconds.
    """
    given = os.environ.get("KG_LOCK_TIMEOUT", "").strip() or "30"      # set but empty: unset
    try:
        seconds = float(given)
    except ValueError:
        seconds = float("nan")
    if not 0 <= seconds < float("inf"):
        raise BadSetting("KG_LOCK_TIMEOUT", given, "a number of seconds, 0 or more")
    return seconds


FLUSH_BYTES = 8 * 1024 * 1024
# A store built from empty is written by RocksDB's bulk loader in batches of this many bytes of
# N-Quads: one call per note cost 6.5 s on the 261 notes of a real corpus where batches of 2 to 32
# MB cost 4.4-4.7 s, and peak memory grows with the batch (95 MiB at 2 MB, 251 MiB at 32 MB).
BULK_BYTES = 4 * 1024 * 1024
# Written into a store folder once a build has finished, just before the folder is renamed into place
STORE_MARKER = "kg-store.json"

T = TypeVar("T")
# Called while waiting for another process's lock: (who holds it, seconds waited so far)
LockWaiter = Callable[[str, float], None]


@dataclass(frozen=True)
class Term:
    """A value bound into a query: an IRI or a literal (never spliced into query text)."""

    value: str
    is_iri: bool = False
    datatype: str | None = None


def IRI(value: str) -> Term:  # noqa: N802 - reads like the SPARQL term it makes
    return Term(value, is_iri=True)


def Lit(value: object) -> Term:  # noqa: N802
    if isinstance(value, bool):
        return Term(str(value).lower(), datatype="http://www.w3.org/2001/XMLSchema#boolean")
    if isinstance(value, int):
        return Term(str(value), datatype="http://www.w3.org/2001/XMLSchema#integer")
    return Term(str(value))


# SPARQL's IRIREF excludes these, and whitespace and control characters
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | frozenset(chr(c) for c in range(0x21))
# ECHAR: a string literal may hold anything once backslash, quote and line breaks are escaped
_LITERAL_ESCAPES = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in range(0x20)},    # a raw NUL ends Virtuoso's string
                                  "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
                                  "\t": "\\t", "\b": "\\b", "\f": "\\f"})


def sparql_iri(value: str) -> str:
    """`value` as a SPARQL IRI, `<value>`.

    Raises:
        InvalidTerm: the value holds a character an IRI cannot (space, quote, bracket, backslash...).
    """
    if not value or not _IRI_FORBIDDEN.isdisjoint(value):
        raise InvalidTerm(value, "an IRI (it is empty or holds spaces, quotes, brackets or backslashes)")
    return f"<{value}>"


def sparql_term(term: Term) -> str:
    """A bound value written as SPARQL text: an IRI checked for forbidden characters, or a
    literal with every quote, backslash and line break escaped, so it can never end its string.

    Raises:
        InvalidTerm: an IRI (or a literal's datatype) holds a character IRIs cannot.
    """
    if term.is_iri:
        return sparql_iri(term.value)
    text = '"' + term.value.translate(_LITERAL_ESCAPES) + '"'
    return text + "^^" + sparql_iri(term.datatype) if term.datatype else text


def lock_path_of(path: Path) -> Path:
    """The lock file of the store at `path`: beside the folder, so a rename of the folder keeps it."""
    return path.with_name(path.name + ".lock")


def lock_holder(path: Path) -> str:
    """Who holds the store's lock, as its writer recorded it ("pid 41 (kg ingest ~/notes)").

    A writer records its process id and command in the lock file and clears them when it
    lets go; readers record nothing, so an empty file or a dead process means "another kg process".
    """
    import json

    try:
        text = lock_path_of(path).read_text(encoding="utf-8", errors="replace").strip()
        record = json.loads(text) if text else {}
        pid = int(record.get("pid", 0))
        if pid > 0:
            os.kill(pid, 0)
            return f"pid {pid} ({str(record.get('command', 'kg'))[:80]})"
    except PermissionError:        # the process exists but belongs to another user
        return f"pid {pid} ({str(record.get('command', 'kg'))[:80]})"
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return "another kg process"


def _command_line() -> str:
    args = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "kg", *sys.argv[1:]]
    if args[0] in ("__main__.py", "-m", "-c", "python", "python3"):
        args[0] = "kg"
    return " ".join(args)


def lock_store(path: Path, *, exclusive: bool, timeout: float | None = None, on_wait: LockWaiter | None = None):
    """Take the lock file beside the store at `path`: exclusive to write, shared to read.

    While another process holds it, `on_wait` is called about once a second with who holds it
    and how long this one has waited. A writer records its pid and command in the file.

    Returns the open lock file (closing it releases the lock), or None for a read from a
    location where no lock file can be made.

    Raises:
        StoreLocked: another process held the lock for `timeout` seconds.
        StoreWriteFailed: an exclusive lock file cannot be created.
    """
    timeout = lock_wait_seconds() if timeout is None else timeout
    lock_path = lock_path_of(path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+", encoding="utf-8")
    except OSError as error:
        if not exclusive:
            return None     # a read-only location: read without the lock
        if isinstance(error, (NotADirectoryError, FileExistsError)):
            raise StoreIsAFile(str(next((p for p in path.parents if p.is_file()), path))) from None
        raise StoreWriteFailed(str(path), error.strerror or str(error)) from None
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    started = time.monotonic()
    told = -1.0
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            break
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                handle.close()
                raise
            waited = time.monotonic() - started
            if waited >= timeout:
                handle.close()
                raise StoreLocked(str(path), timeout, lock_holder(path)) from None
            if on_wait is not None and waited - told >= 1.0:
                told = waited
                on_wait(lock_holder(path), waited)
            time.sleep(0.05)
    if exclusive:
        import json         # json and shutil are for writers: `kg ask` never imports them

        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "command": _command_line()}) + "\n")
            handle.flush()
    return handle


def lock_is_held(path: Path) -> bool:
    """Does another process hold the lock of the store at `path` right now (a build or an
    ingest under way)? Never waits."""
    try:
        with open(lock_path_of(path), "r", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as error:
                return error.errno in (errno.EAGAIN, errno.EACCES)
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def release_lock(handle) -> None:
    """Release a lock taken by lock_store (None is a no-op); a writer's record is cleared first."""
    if handle is not None:
        with contextlib.suppress(OSError, ValueError):
            handle.seek(0)
            if f'"pid": {os.getpid()},' in handle.read(200):     # our own record: we wrote it
                handle.truncate(0)
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


# ---------------------------------------------------------------- what a location holds

def store_state(path: Path) -> str:
    """What is at a store location: "missing", "file", "empty" (a folder), "store", or "other"
    (a folder of other files, never a kg store)."""
    try:
        if not path.exists():
            return "file" if any(p.is_file() for p in path.parents) else "missing"
        if not path.is_dir():
            return "file"
        if is_store_folder(path):
            return "store"
        return "other" if any(path.iterdir()) else "empty"
    except OSError:
        return "other"


def is_store_folder(path: Path) -> bool:
    """True for a folder holding a kg store, whole or damaged: its completion marker, or
    Oxigraph's RocksDB files (CURRENT, a MANIFEST or an OPTIONS file)."""
    if (path / STORE_MARKER).is_file() or (path / "CURRENT").is_file():
        return True
    return any(path.glob("MANIFEST-*")) or any(path.glob("OPTIONS-*"))


def _holds_a_store(folder: Path) -> bool:
    """Surely a store's folder: kg's completion marker, or RocksDB's CURRENT beside a MANIFEST
    (a lone file called CURRENT in a home folder is no store)."""
    if (folder / STORE_MARKER).is_file():
        return True
    return (folder / "CURRENT").is_file() and any(folder.glob("MANIFEST-*"))


def check_readable_location(path: Path) -> None:
    """Raise unless `path` holds a store a read can open.

    Raises:
        NoStore: nothing (or an empty folder) is there.
        StoreIsAFile: a file is there, or a file stands where a parent folder should be.
        NotAStore: a folder of other files.
    """
    state = store_state(path)
    if state == "store":
        return
    if state in ("missing", "empty"):
        raise NoStore(str(path))
    if state == "file":
        raise StoreIsAFile(str(path if path.is_file() else next(p for p in path.parents if p.is_file())))
    raise NotAStore(str(path), _example_file(path))


def check_writable_location(path: Path) -> None:
    """Raise unless a store may be written at `path` (a store, an empty or missing folder).

    Raises:
        StoreIsAFile: a file is there.
        NotAStore: a folder of other files: kg never writes its database among them.
        StoreInsideStore: a folder inside another store's folder.
    """
    state = store_state(path)
    if state != "store":
        outer = next((p for p in Path(os.path.abspath(path)).parents if _holds_a_store(p)), None)
        if outer is not None:
            raise StoreInsideStore(str(path), str(outer))
    if state == "file":
        raise StoreIsAFile(str(path if path.is_file() else next(p for p in path.parents if p.is_file())))
    if state == "other":
        raise NotAStore(str(path), _example_file(path))


def _example_file(path: Path) -> str:
    try:
        return next(iter(sorted(p.name for p in path.iterdir())), "?")
    except OSError:
        return "?"


def interrupted_builds(path: Path) -> list[Path]:
    """Build folders a killed process left beside the store at `path` (see build_store)."""
    try:
        return sorted(path.parent.glob(f".{path.name}.building-*"))
    except OSError:
        return []


def write_store_marker(folder: Path) -> None:
    """Mark the store in `folder` as completely built (STORE_MARKER: when, and by which command)."""
    import json

    marker = {"built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": _command_line()}
    (folder / STORE_MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")


def build_store(path: Path, fill: Callable[["EmbeddedStore"], T], *, on_wait: LockWaiter | None = None,
                lock_timeout: float | None = None) -> tuple[T | None, bool]:
    """Build a brand-new store at `path` whole or not at all.

    `fill` writes into a store in a temporary folder beside `path`; when it returns, a
    completion marker is written and the folder is renamed onto `path` in one step. If `fill`
    raises (Ctrl-C included), the temporary folder is deleted; if the process is killed, the
    next build finds the folder, deletes it and starts again. The store's lock is held
    throughout, so a second process waits and then finds the store built.

    Returns:
        (what `fill` returned, True), or (None, False) when another process built the store meanwhile.

    Raises:
        StoreIsAFile, NotAStore: `path` cannot hold a store.
        StoreLocked, StoreWriteFailed: as for writes.
    """
    import shutil

    check_writable_location(path)
    lock = lock_store(path, exclusive=True, timeout=lock_timeout, on_wait=on_wait)
    try:
        if store_state(path) == "store":
            return None, False
        for stale in interrupted_builds(path):      # we hold the lock: no live build owns them
            shutil.rmtree(stale, ignore_errors=True)
        tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
        store = EmbeddedStore(tmp, write=True, locked=True, location=str(path))
        store.begin_bulk()          # nobody can see the temporary folder: no transactions needed
        try:
            result = fill(store)
            store.close()
            write_store_marker(tmp)
            if path.is_dir():
                path.rmdir()            # an empty folder the user made for the store
            os.rename(tmp, path)
        except BaseException:
            store.abandon()
            store.close()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return result, True
    except OSError as error:
        raise StoreWriteFailed(str(path), error.strerror or str(error)) from None
    finally:
        release_lock(lock)


class _BulkLoader:
    """Writes new named graphs into a store being built from empty, on a background thread.

    Graphs are gathered as N-Quads and handed, a batch of about BULK_BYTES at a time, to
    Oxigraph's bulk loader, which writes table files directly (no write-ahead log, no
    transaction) and releases the GIL, so the next notes are extracted meanwhile. Only a store
    nobody else can see may be written so: build_store's temporary folder, renamed into place
    once complete. At most two batches wait, so memory stays bounded whatever the notes' size.
    """

    def __init__(self, store: Any, ox: Any) -> None:
        import queue
        import threading

        self._store, self._ox = store, ox
        self._parts: list[str] = []
        self._size = 0
        self._queue: "queue.Queue[bytes | None]" = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            if self._error is None and not self._abandoned:
                try:
                    self._store.bulk_load(batch, format=self._ox.RdfFormat.N_QUADS)
                except BaseException as error:     # reported to the writer by the next add or finish
                    self._error = error

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def add(self, graph: str, ntriples: Iterator[str] | list[str]) -> None:
        """Queue one named graph's triples (N-Triples lines)."""
        self._raise()
        g = f" <{graph}> .\n"
        text = "".join(line[:-1].rstrip() + g for line in ntriples if line)
        self._parts.append(text)
        self._size += len(text)
        if self._size >= BULK_BYTES:
            self._send()

    def _send(self) -> None:
        if self._parts:
            self._queue.put("".join(self._parts).encode("utf-8"))
            self._parts, self._size = [], 0

    def finish(self, *, abandon: bool = False) -> None:
        """Write what is queued and wait for it (or, with `abandon`, skip what has not started)."""
        if abandon:
            self._abandoned = True
            self._parts = []
        else:
            self._send()
        self._queue.put(None)
        self._thread.join()
        if not abandon:
            self._raise()


class EmbeddedStore:
    """An Oxigraph RocksDB store in a folder; needs no server."""

    def __init__(self, path: Path, *, write: bool = False, lock_timeout: float | None = None,
                 on_wait: LockWaiter | None = None, locked: bool = False, location: str | None = None) -> None:
        """Open the store folder at `path`.

        Args:
            write: open for writing (an exclusive lock; the folder is created if missing).
            on_wait: told who holds the lock while this waits for it.
            locked: the caller already holds the lock (build_store).
            location: the name to report and cache under, when `path` is a temporary folder.

        Raises:
            NoStore, StoreIsAFile, NotAStore: a read of a location that holds no store.
            StoreDamaged, StoreLocked: as open_store.
        """
        import pyoxigraph as ox

        self._ox = ox
        self.path = Path(path)
        self.location = location or str(self.path)
        self.write = write
        self._lock_file = None
        self._store = None
        self._pending = 0
        self._bulk_mode = False
        self._bulk: _BulkLoader | None = None
        if write:
            check_writable_location(self.path)
        else:
            check_readable_location(self.path)
        if not locked:
            self._lock_file = lock_store(self.path, exclusive=write, timeout=lock_timeout, on_wait=on_wait)
        try:
            if write:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
            else:
                self._store = ox.Store.read_only(str(self.path))
        except (OSError, RuntimeError) as error:       # RocksDB reports damage as "Corruption: ..."
            self.close()
            if isinstance(error, RuntimeError) and not _is_damage(error):
                raise
            message = str(error)
            if "lock" in message.lower():
                raise StoreLocked(self.location, lock_wait_seconds() if lock_timeout is None else lock_timeout) from None
            raise StoreDamaged(self.location, damage_reason(message)) from None

    def _write_failed(self, error: Exception) -> StoreWriteFailed:
        """The one-line error for a write the store refused (its first line, at most 200 characters)."""
        return StoreWriteFailed(self.location, str(error).split("\n")[0][:200])

    def begin_bulk(self) -> None:
        """Write new graphs with the bulk loader from now on (see _BulkLoader); a read waits for it.

        Only for a store that nobody else can open yet (build_store's temporary folder): a
        bulk load is not a transaction, so a reader meanwhile could see part of a note.
        """
        self._bulk_mode = self.write

    def _settle(self) -> None:
        """Finish any bulk load, so that what was written is there to read or replace."""
        if self._bulk is not None:
            bulk, self._bulk = self._bulk, None
            try:
                bulk.finish()
            except (OSError, SyntaxError, ValueError, RuntimeError) as error:
                raise self._write_failed(error) from None

    def abandon(self) -> None:
        """Stop a bulk load without writing what has not started (the build is being thrown away)."""
        if self._bulk is not None:
            bulk, self._bulk = self._bulk, None
            bulk.finish(abandon=True)

    def close(self) -> None:
        """Flush and release the store and its lock."""
        self._settle()
        if self._store is not None and self.write:
            with contextlib.suppress(Exception):
                self._store.flush()
        self._store = None
        release_lock(self._lock_file)
        self._lock_file = None

    def __enter__(self) -> "EmbeddedStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ SPARQL

    def _term(self, t: Term) -> Any:
        ox = self._ox
        if t.is_iri:
            return ox.NamedNode(t.value)
        if t.datatype:
            return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
        return ox.Literal(t.value)

    def select(self, sparql: str, **bindings: Term) -> list[dict[str, Any]]:
        """Run a SELECT query; return rows of Python values (str, int, float, bool or None)."""
        self._settle()
        subs = {self._ox.Variable(k): self._term(v) for k, v in bindings.items()}
        try:
            result = self._store.query(sparql, substitutions=subs or None)
            names = [v.value for v in result.variables]
            return [{n: _py(row[n]) for n in names} for row in result]
        except (OSError, RuntimeError) as error:
            if isinstance(error, RuntimeError) and not _is_damage(error):
                raise                    # a bad query is a bug in kg, not a damaged store
            raise StoreDamaged(self.location, damage_reason(str(error))) from None

    def construct(self, sparql: str) -> str:
        """Run a CONSTRUCT query; return the triples as N-Triples text."""
        self._settle()
        ox = self._ox
        return ox.serialize(self._store.query(sparql), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def ask(self, sparql: str, **bindings: Term) -> bool:
        self._settle()
        subs = {self._ox.Variable(k): self._term(v) for k, v in bindings.items()}
        return bool(self._store.query(sparql, substitutions=subs or None))

    def query(self, sparql: str) -> Any:
        """Run any query as given (for `kg sparql`): solutions, a boolean, or triples, as pyoxigraph returns them.

        Raises:
            QuerySyntaxError: the text is not a SPARQL query.
        """
        self._settle()
        try:
            return self._store.query(sparql)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from None
        except OSError as error:        # a SERVICE call that failed (kg sparql --allow-service)
            raise QueryFailed(str(error).split("\n")[0][:200]) from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction: all of it is written, or none of it."""
        self._settle()
        if not self.write:
            raise StoreWriteFailed(self.location, "the store was opened read-only")
        try:
            self._store.update(sparql)
        except (OSError, SyntaxError, ValueError, RuntimeError) as error:
            raise self._write_failed(error) from None

    def replace_graph(self, graph: str, ntriples: Iterator[str] | list[str], *, exists: bool = True) -> None:
        """Replace one named graph's content atomically: readers see the old graph or the new one.

        A graph that does not exist yet is written by one transactional load (in a store being
        built, see begin_bulk, it is queued for the bulk loader); an existing one is dropped and
        rewritten by one SPARQL update, which Oxigraph runs as one transaction.
        """
        if self._bulk_mode and not exists:
            try:
                if self._bulk is None:
                    self._bulk = _BulkLoader(self._store, self._ox)
                self._bulk.add(graph, ntriples)
            except (OSError, SyntaxError, ValueError, RuntimeError) as error:
                self._bulk = None
                raise self._write_failed(error) from None
            return
        self._settle()
        body = "\n".join(ntriples)
        if exists:
            g = sparql_iri(graph)
            self.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}")
        else:
            ox = self._ox
            if not self.write:
                raise StoreWriteFailed(self.location, "the store was opened read-only")
            try:
                self._store.load(body.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
            except (OSError, SyntaxError, ValueError, RuntimeError) as error:
                raise self._write_failed(error) from None
        # Flush to disk every few MB: RocksDB's memtables otherwise grew ~13 MB per note (720 MiB
        # peak at 10x the bundled corpus), while a flush per note cost 20 ms each on 10,000 notes.
        self._pending += len(body)
        if self._pending > FLUSH_BYTES:
            self._pending = 0
            try:
                self._store.flush()
            except OSError as error:
                raise self._write_failed(error) from None

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {sparql_iri(graph)}")

    def quads(self, graph: Any):
        """Every quad of one named graph (for export)."""
        self._settle()
        return self._store.quads_for_pattern(None, None, None, graph)

    def graph_names(self) -> list[Any]:
        """The named graphs, in a stable order."""
        self._settle()
        return sorted(self._store.named_graphs(), key=lambda g: g.value)

    def merged_triples(self, *, exclude: tuple[str, ...] = ()):
        """Each triple of the named graphs once, leaving out the graphs in `exclude`."""
        self._settle()
        skip = ", ".join(sparql_iri(g) for g in exclude)
        where = "GRAPH ?g { ?s ?p ?o }" + (f" FILTER (?g NOT IN ({skip}))" if exclude else "")
        return self._store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}")

    def dump(self, fmt: str = "nq") -> bytes:
        """Serialise the whole dataset (N-Quads or TriG)."""
        self._settle()
        ox = self._ox
        formats = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
        return self._store.dump(format=formats[fmt])

    def __len__(self) -> int:
        self._settle()
        return len(self._store)


def _is_damage(error: Exception) -> bool:
    text = str(error)
    return text.startswith(("Corruption", "IO error", "Invalid argument")) or "corrupt" in text.lower()


_SST_SIZE = re.compile(r"expected (\d+) and file system (\d+)\s+sstable:\s*(\S+)")
_SSTABLE = re.compile(r"sstable:\s*(\S+\.sst)|(\S+\.sst)")


def damage_reason(message: str) -> str:
    """RocksDB's complaint in a sentence that blames the right file.

    A truncated table file makes RocksDB name it and then add that the MANIFEST "may be
    corrupted"; the table file is the one that is damaged, so the reason names it alone.
    """
    first = message.split("\n")[0]
    size = _SST_SIZE.search(first)
    if size:
        return (f"its data file {Path(size.group(3)).name} is truncated "
                f"({int(size.group(2)):,} of {int(size.group(1)):,} bytes)")
    table = _SSTABLE.search(first)
    if table:
        name = Path(table.group(1) or table.group(2)).name
        return f"its data file {name} is damaged ({first.split(':')[0].strip()})"
    return first[:200]


_NUMERIC = ("#integer", "#int", "#long", "#decimal", "#double", "#float", "#boolean")


def _py(term: Any) -> Any:
    if term is None:
        return None
    value = term.value
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        return value        # an IRI, a blank node or a plain string
    dt = datatype.value
    if dt.endswith(_NUMERIC):
        if dt.endswith(("#integer", "#int", "#long")):
            return int(value)
        if dt.endswith("#boolean"):
            return value in ("true", "1")      # Virtuoso writes booleans 1 and 0 in its results
        return float(value)
    return value


def is_endpoint(location: str | Path | None) -> bool:
    """True when `location` is a URL (scheme://...), not a folder; only http and https are served."""
    if not isinstance(location, str) or "://" not in location:
        return False
    scheme = location.split("://", 1)[0]
    return scheme.isascii() and scheme.isalpha()


def open_store(location: str | Path | None = None, *, write: bool = False, on_wait: LockWaiter | None = None):
    """Open the store at `location` (default: KG_DB or the user data directory).

    A URL (http:// or https://) is a SPARQL 1.1 server (kg.sparql.ServerStore); anything
    else is a folder holding an embedded store. `on_wait` is told who holds the lock while
    this waits for it.

    Raises:
        StoreLocked: another kg process holds the store for longer than the lock timeout.
        StoreDamaged: the store exists but cannot be opened.
        NoStore, StoreIsAFile, NotAStore: a read of a location that holds no store.
        EndpointInvalid: a URL that is not a usable endpoint address.
    """
    location = location or os.environ.get("KG_DB") or None
    if is_endpoint(location):
        from kg.sparql import ServerStore       # HTTP is imported only for URLs

        return ServerStore(location, write=write)
    from kg.resources import default_store_path

    path = Path(location) if location else default_store_path()
    return EmbeddedStore(path, write=write, on_wait=on_wait)
