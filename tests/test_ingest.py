"""kg ingest: re-extract only what changed, drop deleted notes, leave other roots alone."""

from pathlib import Path

import pytest

from kg.errors import NotesNotFound, StoreWriteFailed
from kg.facts import graph_stats
from kg.ingest import ingest_paths
from kg.store import open_store

SQS_NOTE = "# SQS\n- Messages are up to 256 KB in size\n- Default retention period is 4 days\n"
LAMBDA_NOTE = "# Lambda\n- Maximum execution time is 15 minutes\n- S3 can trigger Lambda\n"


@pytest.fixture
def folder(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "sqs.md").write_text(SQS_NOTE, encoding="utf-8")
    (notes / "lambda.md").write_text(LAMBDA_NOTE, encoding="utf-8")
    return notes


def ingest(db: Path, *paths: Path):
    with open_store(db, write=True) as store:
        return ingest_paths(store, list(paths))


def stats(db: Path) -> dict:
    with open_store(db) as store:
        return graph_stats(store)


def test_second_ingest_of_unchanged_notes_extracts_nothing(folder, tmp_path):
    db = tmp_path / "store"
    first = ingest(db, folder)
    assert sorted(Path(p).name for p in first.added) == ["lambda.md", "sqs.md"]
    second = ingest(db, folder)
    assert (second.added, second.updated, len(second.unchanged)) == ([], [], 2)


def test_a_changed_note_replaces_its_graph(folder, tmp_path):
    db = tmp_path / "store"
    ingest(db, folder)
    before = stats(db)
    (folder / "sqs.md").write_text(SQS_NOTE + "- Maximum visibility timeout is 12 hours\n", encoding="utf-8")
    report = ingest(db, folder)
    assert [Path(p).name for p in report.updated] == ["sqs.md"]
    after = stats(db)
    assert after["limits"] == before["limits"] + 1
    assert after["notes"] == 2


def test_a_deleted_note_is_dropped_and_other_roots_are_left_alone(folder, tmp_path):
    db = tmp_path / "store"
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    (elsewhere / "kinesis.md").write_text("# Kinesis Data Streams\n- Data retention up to 365 days\n",
                                          encoding="utf-8")
    ingest(db, folder)
    ingest(db, elsewhere)
    (folder / "lambda.md").unlink()
    report = ingest(db, folder)
    assert [Path(p).name for p in report.removed] == ["lambda.md"]
    assert stats(db)["notes"] == 2          # sqs.md and the other root's kinesis.md


def test_missing_path_raises(tmp_path):
    with pytest.raises(NotesNotFound, match="nope"):
        ingest(tmp_path / "store", tmp_path / "nope")


def test_a_failed_update_leaves_the_previous_graph(folder, tmp_path, monkeypatch):
    db = tmp_path / "store"
    ingest(db, folder)
    before = stats(db)
    (folder / "sqs.md").write_text("# SQS\n- totally different\n", encoding="utf-8")
    def broken(*args, **kwargs):
        yield "<urn:a> <urn:b> <urn:c> ."
        yield "this is not N-Triples"
    monkeypatch.setattr("kg.ingest.build_note_triples", broken)
    with pytest.raises(StoreWriteFailed):
        ingest(db, folder)
    assert stats(db) == before
