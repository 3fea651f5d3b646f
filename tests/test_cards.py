"""kg.cards: one cited card per fact, stable ids, conflicts shown whole; the Anki and CSV exports."""

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from conftest import FIXTURES
from kg.cards import (ANKI_FIELDS, CARD_BUILDERS, CARD_KINDS, Card, CardAnswer, CardBuilder, anki_package,
                      build_cards, cards_csv)
from kg.ingest import ingest_paths
from kg.match import resolve_service
from kg.store import open_store

NOTES = FIXTURES / "notes"


def cards_of(db, vocab, **kwargs) -> list[Card]:
    with open_store(db) as store:
        return build_cards(store, vocab, **kwargs)


@pytest.fixture(scope="module")
def bundled_cards(bundled_db, vocab):
    return cards_of(bundled_db, vocab)


@pytest.fixture(scope="module")
def flash_db(tmp_path_factory):
    """The Q-and-A flashcard note and the two dated notes that contradict each other."""
    db = tmp_path_factory.mktemp("flash") / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [NOTES / "qa_flashcards.md", NOTES / "dated_contradictions_old.md",
                             NOTES / "dated_contradictions_new.md"])
    return db


@pytest.fixture(scope="module")
def flash_cards(flash_db, vocab):
    return cards_of(flash_db, vocab)


def one(cards, service, front_words, kind=None):
    found = [c for c in cards if c.service_label == service and all(w in c.front for w in front_words)
             and (kind is None or c.kind == kind)]
    assert len(found) == 1, [c.front for c in cards if c.service_label == service]
    return found[0]


def test_every_card_cites_note_lines(bundled_cards):
    assert len(bundled_cards) > 100
    assert {c.kind for c in bundled_cards} == set(CARD_KINDS)
    for card in bundled_cards:
        assert card.sources and all(s.text.strip() and s.line > 0 for s in card.sources), card.front
        assert all(a.sources for a in card.answers), card.front


def test_the_same_graph_gives_the_same_cards(bundled_db, vocab, bundled_cards):
    again = cards_of(bundled_db, vocab)
    assert [(c.id, c.front, c.back) for c in again] == [(c.id, c.front, c.back) for c in bundled_cards]
    assert len({c.id for c in bundled_cards}) == len(bundled_cards)


def test_a_fact_several_notes_state_is_one_card(bundled_cards):
    size = one(bundled_cards, "Amazon Simple Queue Service", ["maximum message size"])
    assert [a.text for a in size.answers] == ["256 KB"] and not size.conflict
    assert size.answers[0].note_count >= 4


def test_card_ids_come_from_the_fact_not_its_position(tmp_path, vocab):
    """The same fact on another line, after other facts, in a note of another name: the same id."""
    (tmp_path / "a.md").write_text("# SQS\n\n- SQS message size is up to 256 KB\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# SQS\n\n- Visibility timeout defaults to 30 seconds\n- Delay up to 15 minutes\n\n"
                                   "Some words.\n\n- SQS message size is up to 256 KB\n", encoding="utf-8")
    ids = []
    for name in ("a.md", "b.md"):
        db = tmp_path / f"store-{name}"
        with open_store(db, write=True) as store:
            ingest_paths(store, [tmp_path / name])
        card = one(cards_of(db, vocab), "Amazon Simple Queue Service", ["maximum message size"])
        ids.append(card.id)
        assert card.sources[0].note == name
    assert ids[0] == ids[1]


def test_a_conflict_card_shows_every_value_and_the_probably_current_one(flash_cards):
    memory = one(flash_cards, "AWS Lambda", ["maximum memory"])
    assert memory.conflict
    assert [(a.text, a.current) for a in memory.answers] == [("10,240 MB", True), ("3,008 MB", False)]
    assert {s.note for s in memory.answers[1].sources} == {"dated_contradictions_old.md"}
    assert "10,240 MB" in memory.verdict and "2024-03-01" in memory.verdict
    assert "3,008 MB" in memory.back and "10,240 MB" in memory.back
    # near miss: a value every note states alike is one answer, not a conflict
    minimum = one(flash_cards, "AWS Lambda", ["minimum memory"])
    assert not minimum.conflict and [a.text for a in minimum.answers] == ["128 MB"]
    assert minimum.answers[0].note_count == 3


def test_a_range_is_one_card_and_its_ends_are_not_asked_again(flash_cards):
    retention = one(flash_cards, "Amazon Simple Queue Service", ["range", "retention period"])
    assert [a.text for a in retention.answers] == ["1 minute to 14 days"]
    assert [(s.note, s.line) for s in retention.sources] == [("qa_flashcards.md", 8)]
    sqs = [c.front for c in flash_cards if c.service_label == "Amazon Simple Queue Service"]
    assert not any("minimum retention" in f or "maximum retention" in f for f in sqs), sqs
    # near miss: an end the notes also state on its own keeps its card
    assert one(flash_cards, "AWS Lambda", ["maximum memory"], kind="limit")


def test_a_default_is_its_own_card(flash_cards):
    default = one(flash_cards, "Amazon Kinesis Data Streams", ["default retention period"])
    assert default.kind == "default" and [a.text for a in default.answers] == ["24 hours"]
    assert one(flash_cards, "Amazon Kinesis Data Streams", ["maximum retention period"]).answers[0].text == "365 days"


def test_an_integration_card_lists_the_targets_cited(flash_cards):
    triggers = one(flash_cards, "Amazon Simple Queue Service", ["triggers"])
    assert triggers.front == "Amazon Simple Queue Service triggers which services?"
    assert [a.text for a in triggers.answers] == ["AWS Lambda"]
    assert [(s.note, s.line) for s in triggers.sources] == [("qa_flashcards.md", 14)]


def test_selection_by_service_and_kind(flash_db, vocab):
    sqs = resolve_service("SQS", vocab)
    cards = cards_of(flash_db, vocab, services=[sqs], kinds=["default"])
    assert [c.front for c in cards] == ["What is the default retention period of Amazon Simple Queue Service?"]
    assert len(cards_of(flash_db, vocab, limit=2)) == 2


def test_a_new_kind_of_card_is_one_builder(flash_db, vocab, monkeypatch):
    def trivia_cards(facts):
        for f in facts.limits[:1]:
            yield Card("x1", "trivia", f.service, f.service_label, "Other", "Does it?",
                       (CardAnswer("yes", "yesno", sources=tuple(f.sources), yes=True),))
    monkeypatch.setattr("kg.cards.CARD_BUILDERS", (*CARD_BUILDERS, CardBuilder(("trivia",), trivia_cards)))
    cards = cards_of(flash_db, vocab, kinds=["trivia"])
    assert [(c.kind, c.front) for c in cards] == [("trivia", "Does it?")]


# ---------------------------------------------------------------- exports

def read_apkg(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "collection.anki2" in z.namelist()
        raw = z.read("collection.anki2")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.anki2"
        path.write_bytes(raw)
        db = sqlite3.connect(path)
        try:
            notes = db.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY guid").fetchall()
            models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
            decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
            n_cards = db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        finally:
            db.close()
    return notes, models, decks, n_cards


def test_the_anki_package_holds_one_cited_note_per_card(bundled_cards):
    notes, models, decks, n_cards = read_apkg(anki_package(bundled_cards))
    assert len(notes) == n_cards == len(bundled_cards)
    (model,) = models.values()
    assert [f["name"] for f in model["flds"]] == list(ANKI_FIELDS)
    by_id = {c.id: c for c in bundled_cards}
    for _guid, _mid, flds, tags in notes:
        front, back, sources, service, card_id = flds.split("\x1f")
        assert front and back and sources, flds
        card = by_id[card_id]
        assert card.sources[0].note in sources and card.kind in tags.split()
    names = {d["name"] for d in decks.values()}
    assert {"kg::Compute", "kg::Application Integration"} <= names


def test_a_second_export_gives_the_same_guids_and_model(bundled_db, vocab, bundled_cards):
    first = read_apkg(anki_package(bundled_cards))
    second = read_apkg(anki_package(cards_of(bundled_db, vocab)))
    assert [n[0] for n in first[0]] == [n[0] for n in second[0]]
    assert list(first[1]) == list(second[1])


def test_the_csv_has_front_back_sources_and_tags(flash_cards):
    rows = list(csv.reader(io.StringIO(cards_csv(flash_cards))))
    assert rows[0] == ["front", "back", "sources", "tags"]
    assert len(rows) == len(flash_cards) + 1
    assert all(r[2] for r in rows[1:])
    memory = next(r for r in rows if r[0] == "What is the maximum memory of AWS Lambda?")
    assert "3,008 MB" in memory[1] and "10,240 MB" in memory[1] and "dated_contradictions_old.md:9" in memory[2]


# ---------------------------------------------------------------- kg cards

def test_kg_cards_json_and_selection(flash_db):
    result = CliRunner().invoke(app, ["cards", "--db", str(flash_db), "--service", "SQS", "--kind", "limit",
                                      "--json"])
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert [c["front"] for c in cards] == ["What is the maximum message size of Amazon Simple Queue Service?"]
    assert cards[0]["answers"][0]["sources"][0]["note"]


def test_kg_cards_text_shows_the_sources(flash_db):
    result = CliRunner().invoke(app, ["cards", "--db", str(flash_db), "--service", "Lambda", "--limit", "50"])
    assert result.exit_code == 0
    assert "The notes disagree:" in result.stdout and "<- probably current" in result.stdout
    assert "dated_contradictions_old.md:9  - Memory: 128 MB minimum, 3,008 MB maximum" in result.stdout


def test_kg_cards_rejects_an_unknown_kind(flash_db):
    result = CliRunner().invoke(app, ["cards", "--db", str(flash_db), "--kind", "trivia"])
    assert result.exit_code == 2 and "trivia" in result.output


def test_kg_export_writes_an_anki_package_and_cards_csv(flash_db, vocab, tmp_path):
    deck = tmp_path / "aws.apkg"
    result = CliRunner().invoke(app, ["export", "--db", str(flash_db), "--format", "anki", "-o", str(deck)])
    assert result.exit_code == 0, result.output
    notes, _models, _decks, _n = read_apkg(deck.read_bytes())
    assert len(notes) == len(cards_of(flash_db, vocab))
    table = tmp_path / "sqs.csv"             # the format follows the extension
    result = CliRunner().invoke(app, ["export", "--db", str(flash_db), "-o", str(table), "--service", "SQS",
                                      "--kind", "limit", "--limit", "5"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:]] == ["What is the maximum message size of Amazon Simple Queue Service?"]
