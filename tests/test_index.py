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


_OWN_NOTE = """# Amazon SQS limits
| Setting | Value |
|---|---|
| Message retention | up to 14 days |
| Visibility timeout | up to 12 hours |

- Queues
  - Standard queues deliver at least once
    - FIFO queues keep the order, with SNS fan-out
- "Quoted" text with a tab\\tand a backslash \\\\ stays as written
"""


def _rows_from_ingest_and_from_store(tmp_path, vocab, monkeypatch, notes):
    """The index rows kg ingest writes from the extraction, and those built by reading the store back."""
    import kg.index
    from kg.index import StatementIndex, open_index
    from kg.store import open_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("KG_WORKERS", "2")
    real = kg.index._store_statements
    reads = []

    def counted(store, note):
        reads.append(note)
        return real(store, note)

    monkeypatch.setattr(kg.index, "_store_statements", counted)
    db = tmp_path / "store"
    _ingest(db, [notes])
    assert reads == []                  # every note was indexed from its extraction
    with open_store(db) as store:
        index = open_index(store, vocab)
        from_ingest = index.rows()
        index.close()
        fresh = StatementIndex(None)
        fresh.sync(store, vocab)
        from_store = fresh.rows()
        fresh.close()
    assert reads                        # and the fresh index did read the store
    return from_ingest, from_store


def test_the_index_built_at_ingest_is_the_one_read_back_from_the_store(tmp_path, vocab, monkeypatch):
    import shutil

    notes = tmp_path / "notes"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "notes", notes)
    (notes / "own.md").write_text(_OWN_NOTE)
    from_ingest, from_store = _rows_from_ingest_and_from_store(tmp_path, vocab, monkeypatch, notes)
    assert len(from_store) > 1000
    assert any("14 days" in str(r) for r in from_store) and any("FIFO" in str(r) for r in from_store)
    assert from_ingest == from_store


def test_one_small_note_extracted_in_process_gives_the_same_index(tmp_path, vocab, monkeypatch):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "own.md").write_text(_OWN_NOTE)
    from_ingest, from_store = _rows_from_ingest_and_from_store(tmp_path, vocab, monkeypatch, notes)
    assert any(r[0] == "statement" and r[6] for r in from_store)        # a bullet with parents
    assert from_ingest == from_store
