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


# ---------------------------------------------------------------- the version is the code's digest

def test_the_version_is_a_digest_of_the_extraction_code():
    from kg.version import extraction_files

    files = extraction_files()
    names = {p.name for p in files}
    assert {"notes.py", "units.py", "graph.py", "vocab.py"} <= names
    assert "extract.py" in names or any(p.parent.name == "extract" for p in files)   # a module or a package
    assert "errors.py" not in names and "answer.py" not in names      # messages and answering shape no graph


def test_an_edit_to_the_extraction_code_re_extracts_every_note(folder, tmp_path, monkeypatch):
    import kg.ingest
    from kg.version import extraction_files, extraction_version

    code = tmp_path / "code"
    code.mkdir()
    copies = []
    for path in extraction_files():
        (code / path.name).write_bytes(path.read_bytes())
        copies.append(code / path.name)
    monkeypatch.setattr(kg.ingest, "extraction_version", lambda digest: extraction_version(digest, copies))
    db = tmp_path / "store"
    ingest(db, folder)
    assert len(ingest(db, folder).unchanged) == 2
    with open(code / "units.py", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    report = ingest(db, folder)
    assert (len(report.updated), report.unchanged) == (2, [])
    assert len(ingest(db, folder).unchanged) == 2            # and once re-extracted, it is current


def test_an_edit_to_a_vocabulary_re_extracts_every_note(folder, tmp_path):
    from kg.resources import vocabulary_paths
    from kg.vocab import load_vocabulary

    onto = tmp_path / "onto"
    onto.mkdir()
    for path in vocabulary_paths():
        (onto / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [folder], vocab=load_vocabulary(sorted(onto.glob("*.ttl"))))
    services = onto / "services.ttl"
    services.write_text(services.read_text(encoding="utf-8") + "\n# curated: a comment\n", encoding="utf-8")
    with open_store(db, write=True) as store:
        report = ingest_paths(store, [folder], vocab=load_vocabulary(sorted(onto.glob("*.ttl"))))
    assert (len(report.updated), report.unchanged) == (2, [])
