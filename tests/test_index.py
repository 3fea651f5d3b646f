"""kg.index: every statement searchable, in step with the store, note by note."""

from pathlib import Path


def _ingest(db, paths):
    from kg.ingest import ingest_paths
    from kg.store import open_store

    with open_store(db, write=True) as store:
        ingest_paths(store, paths)


def _search(db, vocab, words, services=None):
    from kg.index import open_index
    from kg.store import open_store

    with open_store(db) as store:
        index = open_index(store, vocab)
        try:
            return [h.text for h in index.search(words, services=services)]
        finally:
            index.close()


def test_a_changed_note_replaces_its_rows_and_a_deleted_note_drops_them(tmp_path, vocab, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    notes = tmp_path / "notes"
    notes.mkdir()
    a = notes / "a.md"
    b = notes / "b.md"
    a.write_text("# Amazon SQS\n- messages wait in the queue for a while\n")
    b.write_text("# Amazon SNS\n- topics fan out to subscribers\n")
    db = tmp_path / "store"
    _ingest(db, [notes])
    assert any("queue" in t for t in _search(db, vocab, ["queue"]))
    a.write_text("# Amazon SQS\n- consumers poll for work\n")
    _ingest(db, [notes])
    assert not _search(db, vocab, ["queue"])
    assert _search(db, vocab, ["poll"])
    b.unlink()
    _ingest(db, [notes])
    assert not _search(db, vocab, ["subscribers"])


def test_a_statement_is_about_the_service_of_its_heading(tmp_path, vocab, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    note = tmp_path / "n.md"
    note.write_text("# Amazon SQS\n- retention is configurable\n# Amazon SNS\n- retention is not a thing here\n")
    db = tmp_path / "store"
    _ingest(db, [note])
    sqs = next(iri for iri, c in vocab.services.items() if c.pref == "Amazon Simple Queue Service")
    found = _search(db, vocab, ["retention"], services=[sqs])
    assert found == ["- retention is configurable"] or found == ["retention is configurable"]
