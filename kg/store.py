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
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from kg.errors import InvalidTerm, QuerySyntaxError, StoreDamaged, StoreLocked, StoreWriteFailed

LOCK_TIMEOUT = float(os.environ.get("KG_LOCK_TIMEOUT", "30"))
FLUSH_BYTES = 8 * 1024 * 1024


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
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
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


def lock_store(path: Path, *, exclusive: bool, timeout: float = LOCK_TIMEOUT):
    """Take the lock file beside the store at `path`: exclusive to write, shared to read.

    Returns the open lock file (closing it releases the lock), or None for a read from a
    location where no lock file can be made.

    Raises:
        StoreLocked: another process held the lock for `timeout` seconds.
        StoreWriteFailed: an exclusive lock file cannot be created.
    """
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")
    except OSError as error:
        if not exclusive:
            return None     # a read-only location: read without the lock
        raise StoreWriteFailed(str(path), error.strerror or str(error)) from None
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return handle
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                handle.close()
                raise
            if time.monotonic() >= deadline:
                handle.close()
                raise StoreLocked(str(path), timeout) from None
            time.sleep(0.05)


def release_lock(handle) -> None:
    """Release a lock taken by lock_store (None is a no-op)."""
    if handle is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


class EmbeddedStore:
    """An Oxigraph RocksDB store in a folder; needs no server."""

    def __init__(self, path: Path, *, write: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.path = Path(path)
        self.location = str(self.path)
        self.write = write
        self._lock_file = None
        self._store = None
        self._pending = 0
        exists = (self.path / "CURRENT").exists()
        if not write and not exists:
            if self.path.exists() and any(self.path.iterdir()):
                raise StoreDamaged(self.location, "it is not a kg store (no database files)")
            self._store = ox.Store()        # empty: nothing ingested yet
            return
        self._lock(exclusive=write, timeout=lock_timeout)
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
                raise StoreLocked(self.location, lock_timeout) from None
            raise StoreDamaged(self.location, message.split("\n")[0]) from None

    # ------------------------------------------------------------ locking

    def _lock(self, *, exclusive: bool, timeout: float) -> None:
        self._lock_file = lock_store(self.path, exclusive=exclusive, timeout=timeout)

    def close(self) -> None:
        """Flush and release the store and its lock."""
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
        subs = {self._ox.Variable(k): self._term(v) for k, v in bindings.items()}
        try:
            result = self._store.query(sparql, substitutions=subs or None)
            names = [v.value for v in result.variables]
            return [{n: _py(row[n]) for n in names} for row in result]
        except (OSError, RuntimeError) as error:
            if isinstance(error, RuntimeError) and not _is_damage(error):
                raise                    # a bad query is a bug in kg, not a damaged store
            raise StoreDamaged(self.location, str(error).split("\n")[0][:200]) from None

    def construct(self, sparql: str) -> str:
        """Run a CONSTRUCT query; return the triples as N-Triples text."""
        ox = self._ox
        return ox.serialize(self._store.query(sparql), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def ask(self, sparql: str, **bindings: Term) -> bool:
        subs = {self._ox.Variable(k): self._term(v) for k, v in bindings.items()}
        return bool(self._store.query(sparql, substitutions=subs or None))

    def query(self, sparql: str) -> Any:
        """Run any query as given (for `kg sparql`): solutions, a boolean, or triples, as pyoxigraph returns them.

        Raises:
            QuerySyntaxError: the text is not a SPARQL query.
        """
        try:
            return self._store.query(sparql)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction: all of it is written, or none of it."""
        if not self.write:
            raise StoreWriteFailed(self.location, "the store was opened read-only")
        try:
            self._store.update(sparql)
        except (OSError, SyntaxError, ValueError, RuntimeError) as error:
            raise StoreWriteFailed(self.location, str(error).split("\n")[0][:200]) from None

    def replace_graph(self, graph: str, ntriples: Iterator[str] | list[str], *, exists: bool = True) -> None:
        """Replace one named graph's content atomically: readers see the old graph or the new one.

        A graph that does not exist yet is written by one transactional load; an existing one
        is dropped and rewritten by one SPARQL update, which Oxigraph runs as one transaction.
        """
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
                raise StoreWriteFailed(self.location, str(error).split("\n")[0][:200]) from None
        # Flush to disk every few MB: RocksDB's memtables otherwise grew ~13 MB per note (720 MiB
        # peak at 10x the bundled corpus), while a flush per note cost 20 ms each on 10,000 notes.
        self._pending += len(body)
        if self._pending > FLUSH_BYTES:
            self._pending = 0
            try:
                self._store.flush()
            except OSError as error:
                raise StoreWriteFailed(self.location, str(error).split("\n")[0][:200]) from None

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {sparql_iri(graph)}")

    def quads(self, graph: Any):
        """Every quad of one named graph (for export)."""
        return self._store.quads_for_pattern(None, None, None, graph)

    def graph_names(self) -> list[Any]:
        """The named graphs, in a stable order."""
        return sorted(self._store.named_graphs(), key=lambda g: g.value)

    def merged_triples(self, *, exclude: tuple[str, ...] = ()):
        """Each triple of the named graphs once, leaving out the graphs in `exclude`."""
        skip = ", ".join(sparql_iri(g) for g in exclude)
        where = "GRAPH ?g { ?s ?p ?o }" + (f" FILTER (?g NOT IN ({skip}))" if exclude else "")
        return self._store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}")

    def dump(self, fmt: str = "nq") -> bytes:
        """Serialise the whole dataset (N-Quads or TriG)."""
        ox = self._ox
        formats = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
        return self._store.dump(format=formats[fmt])

    def __len__(self) -> int:
        return len(self._store)


def _is_damage(error: Exception) -> bool:
    text = str(error)
    return text.startswith(("Corruption", "IO error", "Invalid argument")) or "corrupt" in text.lower()


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
            return value == "true"
        return float(value)
    return value


def is_endpoint(location: str | Path | None) -> bool:
    """True when `location` is a URL (scheme://...), not a folder; only http and https are served."""
    if not isinstance(location, str) or "://" not in location:
        return False
    scheme = location.split("://", 1)[0]
    return scheme.isascii() and scheme.isalpha()


def open_store(location: str | Path | None = None, *, write: bool = False):
    """Open the store at `location` (default: KG_DB or the user data directory).

    A URL (http:// or https://) is a SPARQL 1.1 server (kg.sparql.ServerStore); anything
    else is a folder holding an embedded store.

    Raises:
        StoreLocked: another kg process holds the store for longer than the lock timeout.
        StoreDamaged: the store exists but cannot be opened.
        EndpointInvalid: a URL that is not a usable endpoint address.
    """
    location = location or os.environ.get("KG_DB") or None
    if is_endpoint(location):
        from kg.sparql import ServerStore       # HTTP is imported only for URLs

        return ServerStore(location, write=write)
    from kg.resources import default_store_path

    path = Path(location) if location else default_store_path()
    return EmbeddedStore(path, write=write)
