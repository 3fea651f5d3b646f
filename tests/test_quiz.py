"""kg.quiz: answers checked by value, the Leitner schedule and its history file; kg quiz through stdin."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from conftest import FIXTURES
from kg.cards import build_cards
from kg.errors import ReviewHistoryDamaged
from kg.ingest import ingest_paths
from kg.quiz import Review, ReviewHistory, check_answer, history_path, next_review, pick_cards
from kg.store import open_store

NOTES = FIXTURES / "notes"
NOW = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def flash_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("quiz") / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [NOTES / "qa_flashcards.md", NOTES / "dated_contradictions_old.md",
                             NOTES / "dated_contradictions_new.md"])
    return db


@pytest.fixture(scope="module")
def cards(flash_db, vocab):
    with open_store(flash_db) as store:
        return build_cards(store, vocab)


def card(cards, service, words):
    (found,) = [c for c in cards if c.service_label == service and all(w in c.front for w in words)]
    return found


@pytest.mark.parametrize("typed, right", [
    ("256 KB", True), ("256KB", True), ("0.25 MB", True), ("262144 bytes", True), ("256", True),
    ("256 MB", False), ("25.6 KB", False), ("", False), ("I don't know", False),
])
def test_a_quantity_is_right_in_any_unit(cards, vocab, typed, right):
    size = card(cards, "Amazon Simple Queue Service", ["maximum message size"])
    assert check_answer(size, typed, vocab).right is right


def test_minutes_for_seconds_and_hours_for_days(cards, vocab):
    default = card(cards, "Amazon Kinesis Data Streams", ["default retention period"])   # 24 hours
    assert check_answer(default, "1 day", vocab).right
    assert check_answer(default, "1440 min", vocab).right
    assert not check_answer(default, "1 week", vocab).right


def test_a_range_needs_both_ends(cards, vocab):
    retention = card(cards, "Amazon Simple Queue Service", ["range", "retention period"])  # 1 minute to 14 days
    assert check_answer(retention, "60 seconds to 2 weeks", vocab).right
    assert check_answer(retention, "1 min - 14d", vocab).right
    assert not check_answer(retention, "1 minute to 7 days", vocab).right
    assert not check_answer(retention, "14 days", vocab).right


def test_a_conflict_accepts_the_current_value_and_names_a_stale_one(cards, vocab):
    memory = card(cards, "AWS Lambda", ["maximum memory"])         # 10,240 MB (2024) against 3,008 MB (2019)
    assert check_answer(memory, "10 GB", vocab).right
    stale = check_answer(memory, "3008 MB", vocab)
    assert not stale.right and stale.stale and stale.matched.text == "3,008 MB"


def test_services_named_must_all_be_targets(cards, vocab):
    triggers = card(cards, "Amazon Simple Queue Service", ["triggers"])   # AWS Lambda
    assert check_answer(triggers, "Lambda", vocab).right
    assert check_answer(triggers, "AWS Lambda", vocab).right
    assert not check_answer(triggers, "Lambda and SNS", vocab).right
    assert not check_answer(triggers, "a function", vocab).right


def test_leitner_boxes():
    r = next_review(Review(), True, NOW)
    assert (r.box, r.due) == (2, (NOW + timedelta(days=2)).isoformat())
    r = next_review(r, True, NOW)
    assert (r.box, r.due) == (3, (NOW + timedelta(days=4)).isoformat())
    missed = next_review(r, False, NOW)
    assert (missed.box, missed.due, missed.right, missed.wrong) == (1, NOW.isoformat(), 2, 1)


def test_a_missed_card_comes_back_first_and_a_known_one_waits(tmp_path, cards):
    history = ReviewHistory(tmp_path / "h.json")
    first = pick_cards(cards, history, 3, NOW)
    history.record(first[0], True, NOW)
    history.record(first[1], False, NOW)
    later = NOW + timedelta(hours=1)
    again = pick_cards(cards, history, len(cards), later)
    assert again[0] == first[1]                    # missed: asked first
    assert again[-1] == first[0]                   # known: due in two days, asked last
    assert pick_cards(cards, history, len(cards), NOW + timedelta(days=3))[0] == first[1]


def test_the_history_file_is_written_whole_and_read_back(tmp_path, cards):
    path = tmp_path / "store.reviews.json"
    history = ReviewHistory(path)
    history.record(cards[0], True, NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["store.reviews.json"]      # no temporary file left
    assert ReviewHistory.load(path).reviews == history.reviews
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReviewHistoryDamaged, match="store.reviews.json"):
        ReviewHistory.load(path)


def test_the_history_lives_beside_the_store_or_in_the_data_dir(tmp_path):
    assert history_path(str(tmp_path / "store")) == tmp_path / "store.reviews.json"
    url = history_path("http://127.0.0.1:7878")
    assert url.parent.name == "reviews" and url != history_path("http://127.0.0.1:7879")


# ---------------------------------------------------------------- kg quiz

def quiz(flash_db, history, *args, input=""):
    return CliRunner().invoke(app, ["quiz", "--db", str(flash_db), "--history", str(history), *args], input=input)


def test_kg_quiz_json_prints_the_cards_it_would_ask(flash_db, tmp_path):
    result = quiz(flash_db, tmp_path / "h.json", "--service", "SQS", "--count", "2", "--json")
    assert result.exit_code == 0, result.output
    asked = json.loads(result.stdout)
    assert len(asked) == 2 and all(c["answers"][0]["sources"] for c in asked)
    assert not (tmp_path / "h.json").exists()          # --json asks nothing


def test_a_quiz_through_stdin_marks_answers_by_value_and_shows_sources(flash_db, tmp_path):
    history = tmp_path / "h.json"
    result = quiz(flash_db, history, "--service", "SQS", "--kind", "limit", "--kind", "default", "--count", "2",
                  input="0.25 MB\n3 days\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "1/2  What is the maximum message size of Amazon Simple Queue Service?" in out
    assert "2/2  What is the default retention period of Amazon Simple Queue Service?" in out
    assert out.index("Right.") < out.index("Wrong.")
    assert "qa_flashcards.md:11-12  Q: Largest SQS message? A: SQS message size is up to 256 KB." in out
    assert "qa_flashcards.md:8-9" in out and "Score: 1 of 2 right." in out
    # the next session asks the missed card first
    again = quiz(flash_db, history, "--service", "SQS", "--kind", "limit", "--kind", "default", "--count", "1",
                 "--json")
    assert [c["front"] for c in json.loads(again.stdout)] == [
        "What is the default retention period of Amazon Simple Queue Service?"]


def test_kg_quiz_piped_into_the_console_script(flash_db, tmp_path):
    """The real `kg` program with a pipe for stdin: plain input(), no terminal."""
    kg = Path(sys.executable).with_name("kg")
    done = subprocess.run([str(kg), "quiz", "--db", str(flash_db), "--history", str(tmp_path / "h.json"),
                           "--service", "Lambda", "--kind", "limit", "--count", "3"],
                          input="15 min\n10 GB\n", capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KG_DB": ""})
    assert done.returncode == 0, done.stderr
    assert "1/3  What is the maximum execution timeout of AWS Lambda?\n> 15 min\nRight." in done.stdout  # 900 s
    assert "2/3  What is the maximum memory of AWS Lambda?\n> 10 GB\nRight." in done.stdout   # 10,240 MB
    assert "(end of input)" in done.stdout and "Score: 2 of 2 right." in done.stdout
    assert "dated_contradictions_new.md:9" in done.stdout
