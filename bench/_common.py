"""Shared by the benchmark scripts: a store to measure against."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def bundled_store(db: str | None = None) -> Iterator:
    """Open `db` read-only; without one, ingest the bundled notes into a temporary store first."""
    from kg.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(db) if db else Path(tmp) / "store"
        if not db:
            from kg.ingest import ingest_paths
            from kg.resources import bundled_notes_dir

            with open_store(path, write=True) as store:
                ingest_paths(store, [bundled_notes_dir()])
        with open_store(path) as store:
            yield store
