"""kg quiz on yes/no and setting cards: yes and no read by the lexicon's cues, values by their words."""

import pytest
from typer.testing import CliRunner

from cli.app import app
from kg.lexicon import load_lexicon
from kg.quiz import check_answer, read_yes_no, same_text


def card(cards, words):
    (found,) = [c for c in cards if all(w in c.front for w in words)]
    return found


@pytest.mark.parametrize("typed, said", [
    ("Yes", True), ("yes.", True), ("No", False), ("enabled", True), ("supported", True),
    ("not enabled", False), ("disabled", False), ("no, it is optional", False),
    ("", None), ("maybe", None), ("I think so", None),
])
def test_yes_and_no_are_read_by_the_cue_words(typed, said):
    assert read_yes_no(typed) is said


def test_bare_answer_words_come_from_the_lexicon(tmp_path):
    """"y" and "true" are read once the lexicon has answerYes/answerNo sets (none is typed in code)."""
    ttl = tmp_path / "lexicon.ttl"
    ttl.write_text('@prefix kg: <https://example.org/kg#> .\n@prefix lex: <https://example.org/kg/lexicon/> .\n'
                   'lex:answerYes kg:cue "y", "true" .\nlex:answerNo kg:cue "n", "false" .\n', encoding="utf-8")
    lex = load_lexicon(ttl)
    assert (read_yes_no("y", lex), read_yes_no("TRUE", lex), read_yes_no("false", lex)) == (True, True, False)
    assert read_yes_no("yesterday", lex) is None       # near miss: a word that starts like a cue


def test_a_yes_no_conflict_accepts_the_current_side_and_names_the_stale_one(yes_no_cards, vocab):
    enc = card(yes_no_cards, ["encrypted by default"])
    assert check_answer(enc, "yes", vocab).right
    stale = check_answer(enc, "no", vocab)
    assert not stale.right and stale.stale and stale.matched.text == "No"
    unread = check_answer(enc, "perhaps", vocab)
    assert not unread.right and not unread.understood


@pytest.mark.parametrize("typed, right", [
    ("169.254.169.254", True), ("http://169.254.169.254/", True), ("it is 169.254.169.254", True),
    ("169.254.169.253", False), ("169.254", False), ("", False),
])
def test_a_setting_value_compares_by_its_words(yes_no_cards, vocab, typed, right):
    meta = card(yes_no_cards, ["metadata", "fills the blank"])
    assert check_answer(meta, typed, vocab).right is right


def test_same_text_ignores_case_and_punctuation():
    assert same_text("GP2!", "gp2") and not same_text("gp3", "gp2")


def test_kg_quiz_on_yes_no_cards_through_stdin(yes_no_db, tmp_path):
    result = CliRunner().invoke(app, ["quiz", "--db", str(yes_no_db), "--history", str(tmp_path / "h.json"),
                                      "--kind", "capability", "--service", "S3", "--count", "2"],
                                input="yes\nmaybe\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Right." in out and "Not read as yes or no" in out
    assert "yes_no_and_settings_new.md:8" in out and "Score: 1 of 2 right." in out
