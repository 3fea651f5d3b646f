"""kg.lexicon: cue sets read from ontology/lexicon.ttl and matched as whole words."""

from kg.lexicon import default_lexicon


def test_a_cue_matches_its_plural():
    lex = default_lexicon()
    assert "name" in lex.answer_types("file transfer protocols")      # "protocol", plural
    assert "name" in lex.answer_types("which file transfer protocol")


def test_a_cue_matches_whole_words_only():
    lex = default_lexicon()
    assert not lex.has("asksPort", "passport office hours")             # near miss: "port" inside a word
    assert lex.has("asksPort", "which port does SSH use")


def test_short_cues_take_no_plural():
    lex = default_lexicon()
    assert lex.has("negation", "this is not encrypted")
    assert not lex.has("negation", "the nots of it")
