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


# A student's flash-card file: "front :: back" lines, one card a line.
CARDS = """Route 53 health checks :: run every 30 seconds by default
Kinesis partition key :: up to 256 characters
SQS visibility timeout :: hides a message from other consumers, so take care
Ice-age analogy :: glacial retrieval takes hours
CloudFormation templates :: declare resources
"""


def test_a_word_the_notes_never_write_is_read_as_the_word_it_misspells(tmp_path, vocab, monkeypatch):
    from kg.index import open_index
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cards.txt").write_text(CARDS)
    db = tmp_path / "store"
    _ingest(db, [notes])
    with open_store(db) as store:
        index = open_index(store, vocab)
        assert index.correct("helth") == "health"          # a letter dropped
        assert index.correct("partiton") == "partition"    # the stem cut short
        assert index.correct("visiblity") == "visibility"  # a misspelling the stemmer forgives
        # near misses: a word the notes write, a short word, a word too far from any
        assert index.correct("health") is None
        assert index.correct("helt") is None
        assert index.correct("hxxxth") is None            # three edits from "health"
        assert index.correct("declares") is None          # another form of "declare"
        assert index.correct("carve") is None             # a short word: only a dropped letter is put back
        reader = Reader(vocab)
        asked = reader.spelled(store, parse_question("route53 helth check interval"))
        assert "health" in asked.words
        # a service's name is known without the notes: "glacier" is not "glacial"
        asked = reader.spelled(store, parse_question("glacier retreival time"))
        assert "glacier" in asked.words and "retrieval" in asked.words
        index.close()
