"""The fast ways of writing a store give the store the slow way gives.

A store built from empty is written by the bulk loader on a background thread
(kg.store._BulkLoader), and notes are extracted in worker processes when there are many
(kg.ingest._extractions); an existing store is written one transaction per note. All of them
must hold the same quads, and the fast path must fail as safely as the slow one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kg.ingest
from kg.errors import StoreWriteFailed
from kg.ingest import ingest_new_store, ingest_paths
from kg.resources import bundled_notes_dir
from kg.store import EmbeddedStore, open_store


def quads(db: Path) -> list[str]:
    with open_store(db) as store:
        return sorted(store.dump("nq").decode("utf-8").splitlines())


@pytest.fixture(scope="module")
def transactional(tmp_path_factory) -> list[str]:
    """The bundled notes written one transaction per note, extracted in this process."""
    db = tmp_path_factory.mktemp("txn") / "store"
    mp = pytest.MonkeyPatch()
    mp.setenv("KG_WORKERS", "1")
    try:
        with EmbeddedStore(db, write=True) as store:
            ingest_paths(store, [bundled_notes_dir()])
    finally:
        mp.undo()
    return quads(db)


def test_a_bulk_loaded_store_holds_what_transactions_write(tmp_path, monkeypatch, transactional):
    monkeypatch.setenv("KG_WORKERS", "1")
    report, built = ingest_new_store(tmp_path / "store", [bundled_notes_dir()])
    assert built and len(report.added) == 5
    assert quads(tmp_path / "store") == transactional


_REAL_EXTRACT = kg.ingest._extract_note


def _recording_extract(note, *rest):
    """kg.ingest._extract_note, writing down which process ran it (a worker cannot tell the test)."""
    with open(os.environ["KG_TEST_PIDS"], "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}\n")
    return _REAL_EXTRACT(note, *rest)


def test_notes_extracted_in_worker_processes_give_the_same_store(tmp_path, monkeypatch, transactional):
    monkeypatch.setenv("KG_WORKERS", "2")
    monkeypatch.setenv("KG_TEST_PIDS", str(tmp_path / "pids"))
    monkeypatch.setattr(kg.ingest, "_extract_note", _recording_extract)
    report, _built = ingest_new_store(tmp_path / "store", [bundled_notes_dir()])
    pids = (tmp_path / "pids").read_text(encoding="utf-8").split()
    assert len(report.added) == 5 and len(pids) == 5
    assert str(os.getpid()) not in pids and len(set(pids)) == 2     # two workers, not this process
    assert quads(tmp_path / "store") == transactional


def test_few_notes_are_extracted_in_this_process(tmp_path, monkeypatch):
    """The near miss: below PARALLEL_CHARS no worker is started, whatever KG_WORKERS says."""
    monkeypatch.setenv("KG_WORKERS", "2")
    note = tmp_path / "notes" / "sqs.md"
    note.parent.mkdir()
    note.write_text("# SQS\n- A message can be up to 256 KB\n", encoding="utf-8")
    monkeypatch.setenv("KG_TEST_PIDS", str(tmp_path / "pids"))
    monkeypatch.setattr(kg.ingest, "_extract_note", _recording_extract)
    report, _built = ingest_new_store(tmp_path / "store", [note.parent])
    assert report.limits == 1
    assert (tmp_path / "pids").read_text(encoding="utf-8").split() == [str(os.getpid())]


def test_a_new_store_leaves_no_write_ahead_log(tmp_path):
    ingest_new_store(tmp_path / "store", [bundled_notes_dir()])
    logs = {p.name: p.stat().st_size for p in (tmp_path / "store").glob("*.log")}
    assert logs and max(logs.values()) < 64 * 1024, logs


def test_a_failed_bulk_load_leaves_no_store(tmp_path, monkeypatch):
    import pyoxigraph

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pyoxigraph.Store, "bulk_load", full)
    with pytest.raises(StoreWriteFailed, match="No space left on device"):
        ingest_new_store(tmp_path / "store", [bundled_notes_dir()])
    assert not (tmp_path / "store").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["store.lock"]     # nor the folder it was built in
