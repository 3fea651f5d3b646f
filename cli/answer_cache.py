"""Answers already given: `kg ask` prints a question's answer again without reading the store,
as long as nothing the answer was made of has changed.

An answer is made of the question (exactly as typed), the output form (text or --json), the
store, kg's code and vocabularies, and the installed packages. The cache keeps, per store
location, a stamp of all of those, and the outputs (exit status, stdout, stderr) of the
questions answered under that stamp. A lookup costs a few `stat` calls and one small file read:

- the store: its folder's device, inode and modification time. Every write session of
  Oxigraph's RocksDB creates files in the folder (a new write-ahead log), a rebuild renames a
  new folder into place, so any write changes the stamp. The shared lock beside the store is
  taken (without waiting) while the cache is read: a writer that holds the store (`kg ingest`,
  `kg serve`) sends the question down the full path, which waits for it as before;
- kg's code, vocabularies and ranker: name, size and modification time of every file of the
  `kg` and `cli` packages and of the ontology folder (KG_ONTOLOGY or the bundled one);
- the installed packages: the modification time of each site-packages folder on sys.path
  (an install or upgrade adds and removes folders there).

The stamp is taken before the store is read, so a write between the stamp and the read can
only make the next lookup miss, never serve an old answer. Only folder stores are cached: a
SPARQL server's data changes without kg seeing it. The file lives in the user cache beside the
statement index (kg.cache.cache_dir), is replaced atomically, holds at most MAX_ANSWERS answers
and is dropped whole when the stamp changes. A cache that cannot be read or written is a miss.

This module imports nothing beyond the standard library's built-in modules, so that a repeated
question costs little more than Python's own start.
"""

from __future__ import annotations

import marshal
import os
import sys

FORMAT = 1                      # bump when the file layout or what the stamp covers changes
MAX_ANSWERS = 512
_SUFFIXES = (".py", ".ttl", ".json")
_HERE = os.path.dirname(os.path.abspath(__file__))


def _cache_dir() -> str:
    """kg.cache.cache_dir, without importing pathlib."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kg")


def _ontology_dir(kg_dir: str) -> str:
    """kg.resources.ontology_dir, without importing pathlib."""
    env = os.environ.get("KG_ONTOLOGY")
    if env:
        return env
    inside = os.path.join(kg_dir, "ontology")
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(kg_dir), "ontology")


def _files(folder: str, out: list[str], depth: int = 0) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        out.append(f"{folder}:?")
        return
    for e in entries:
        if e.name.endswith(_SUFFIXES) and e.is_file():
            st = e.stat()
            out.append(f"{e.name}:{st.st_size}:{st.st_mtime_ns}")
        elif depth < 2 and e.is_dir() and not e.name.startswith((".", "_")) and e.name not in ("data", "notes"):
            out.append(f"{e.name}/")
            _files(e.path, out, depth + 1)


def code_stamp() -> str:
    """kg's code, vocabularies and installed packages as one string (see the module's docstring)."""
    kg_dir = os.path.join(os.path.dirname(_HERE), "kg")
    ontology = _ontology_dir(kg_dir)
    parts = [f"{FORMAT}", sys.version, kg_dir, ontology]
    for folder in (kg_dir, _HERE, ontology):
        parts.append(f"[{folder}]")
        _files(folder, parts)
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):
            try:
                parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
            except OSError:
                pass
    return "\n".join(parts)


def store_stamp(path: str) -> str | None:
    """The stamp of the store folder at `path`, or None when it holds no finished kg store."""
    try:
        st = os.stat(path)
        if not os.path.isfile(os.path.join(path, "kg-store.json")) and not os.path.isfile(os.path.join(path, "CURRENT")):
            return None
    except OSError:
        return None
    return f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}"


def _file_of(path: str) -> str:
    import zlib

    return os.path.join(_cache_dir(), f"answers-{zlib.crc32(path.encode('utf-8', 'surrogateescape')):08x}.marshal")


class Ticket:
    """What a lookup found: the cached outputs, or the stamp to file the new answer under."""

    def __init__(self, path: str, stamp: str, entries: dict | None) -> None:
        self.path = path
        self.stamp = stamp
        self.entries = entries          # the answers filed under this same stamp (None: none)


def _shared_lock(path: str):
    """The store's lock (kg.store.lock_path_of), shared and without waiting; None if a writer holds it."""
    import fcntl

    try:
        handle = os.open(path.rstrip("/") + ".lock", os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return -1                       # a read-only location: read without the lock, as kg.store does
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        return None
    return handle


def is_endpoint_location(db: str | None) -> bool:
    location = db or os.environ.get("KG_DB") or ""
    return location.startswith(("http://", "https://"))


def store_location(db: str | None) -> str | None:
    """The store folder a `kg ask` reads (absolute), or None when it is a SPARQL server, or the
    default store whose place has not been noted under this environment (note_default_location)."""
    location = db or os.environ.get("KG_DB") or None
    if is_endpoint_location(location):
        return None
    if location is None:
        try:
            with open(os.path.join(_cache_dir(), "answers-default-store.marshal"), "rb") as handle:
                noted = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if isinstance(noted, dict) and noted.get("env") == _default_env() and isinstance(noted.get("path"), str):
            return noted["path"]
        return None
    return os.path.abspath(location)


def _default_env() -> list:
    """What kg.resources.default_store_path (platformdirs' user data folder) depends on."""
    return [sys.platform, os.environ.get("HOME"), os.environ.get("XDG_DATA_HOME"), FORMAT]


def note_default_location() -> None:
    """Note where the default store is under this environment, so that the next lookup need not
    import platformdirs to find it (its place is platformdirs' answer, never guessed here)."""
    if os.environ.get("KG_DB"):
        return
    from kg.resources import default_store_path

    _write(os.path.join(_cache_dir(), "answers-default-store.marshal"),
           {"env": _default_env(), "path": os.path.abspath(str(default_store_path()))})


def _write(target: str, value: object) -> None:
    """marshal `value` into `target` atomically; a cache that cannot be written is no error."""
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "wb") as handle:
            marshal.dump(value, handle)
        os.replace(tmp, target)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def lookup(path: str, question: str, as_json: bool) -> tuple[tuple[int, str, str] | None, Ticket | None]:
    """(the cached outputs, None) on a hit; (None, a ticket for `remember`) on a miss; (None,
    None) when this answer must not be cached (no store there yet, or a writer holds it)."""
    stamp = store_stamp(path)
    if stamp is None:
        return None, None
    lock = _shared_lock(path)
    if lock is None:
        return None, None
    try:
        stamp += "\n" + code_stamp()
        try:
            with open(_file_of(path), "rb") as handle:
                data = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            data = None
        if not isinstance(data, dict) or data.get("path") != path or data.get("stamp") != stamp:
            return None, Ticket(path, stamp, None)
        entries = data.get("answers")
        if not isinstance(entries, dict):
            return None, Ticket(path, stamp, None)
        hit = entries.get(f"{int(as_json)}{question}")
        if isinstance(hit, tuple) and len(hit) == 3:
            return hit, None
        return None, Ticket(path, stamp, entries)
    finally:
        if lock != -1:
            os.close(lock)


def remember(ticket: Ticket, question: str, as_json: bool, outputs: tuple[int, str, str]) -> None:
    """File an answer's outputs under the ticket's stamp (the older answers of that stamp kept)."""
    entries = dict(ticket.entries or {})
    entries[f"{int(as_json)}{question}"] = outputs
    while len(entries) > MAX_ANSWERS:
        del entries[next(iter(entries))]
    _write(_file_of(ticket.path), {"path": ticket.path, "stamp": ticket.stamp, "answers": entries})
