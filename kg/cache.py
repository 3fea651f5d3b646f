"""Pickles in the user cache (XDG_CACHE_HOME/kg, else ~/.cache/kg): what kg may rebuild at will.

The parsed vocabulary and the integration graph live here, each under a name that holds the
digest of everything it was built from, so a changed input simply misses. Files are written
atomically; a cache that cannot be read or written is rebuilt every time, never an error.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kg"


def load(name: str) -> object | None:
    """The object cached under `name`, or None when there is none or it cannot be read."""
    try:
        with open(cache_dir() / name, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


def save(name: str, value: object, *, prune: str | None = None, keep_seconds: float = 7 * 24 * 3600) -> None:
    """Cache `value` under `name`; with `prune` (a glob), drop such files unwritten for `keep_seconds`."""
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if prune:
            for old in path.parent.glob(prune):
                if old != path and time.time() - old.stat().st_mtime > keep_seconds:
                    old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass        # a read-only home: rebuild every time
