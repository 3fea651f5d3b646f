"""Setting cards (a value blanked in its line) and yes/no capability cards, conflicts shown whole;
the questions of kg.card_questions."""

import pytest

from kg.card_questions import blank_values, capability_question, condition_words, words_for
from kg.cards import CARD_KINDS, build_cards
from kg.facts import CapabilityFact, Source
from kg.lexicon import default_lexicon
from kg.store import open_store

def one(cards, service, words):
    (found,) = [c for c in cards if c.service_label == service and all(w in c.front for w in words)]
    return found


def test_the_new_kinds_are_card_kinds():
    assert {"setting", "capability"} <= set(CARD_KINDS)


def test_a_setting_card_blanks_the_value_in_its_own_line(yes_no_cards):
    meta = one(yes_no_cards, "Amazon Elastic Compute Cloud", ["fills the blank"])
    assert meta.kind == "setting" and not meta.conflict
    assert "169.254.169.254" not in meta.front and "http://____/latest/meta-data/" in meta.front
    assert [a.text for a in meta.answers] == ["169.254.169.254"]
    assert {s.note for s in meta.sources} == {"yes_no_and_settings_old.md", "yes_no_and_settings_new.md"}


def test_a_setting_in_conflict_shows_both_values_and_the_newer_as_current(yes_no_cards):
    dns = one(yes_no_cards, "Amazon Route 53", ["resolver"])
    assert dns.conflict
    assert [(a.text, a.current) for a in dns.answers] == [("10.0.0.2", True), ("169.254.169.253", False)]
    assert "10.0.0.2" not in dns.front and "169.254.169.253" not in dns.front
    assert "2023-02-15" in dns.verdict


def test_a_capability_in_conflict_is_one_yes_no_card(yes_no_cards):
    enc = one(yes_no_cards, "Amazon Simple Storage Service", ["encrypted by default"])
    assert enc.front == "Is Amazon Simple Storage Service encrypted by default?"
    assert enc.conflict and [(a.text, a.yes, a.current) for a in enc.answers] == [
        ("Yes", True, True), ("No", False, False)]
    assert [s.line for s in enc.answers[1].sources] == [8]
    # near miss: a capability no note denies is a plain card
    site = one(yes_no_cards, "Amazon Simple Storage Service", ["support static website hosting"])
    assert not site.conflict and [a.text for a in site.answers] == ["Yes"]


def test_no_card_for_a_list_opening_or_a_pointer_elsewhere(yes_no_cards):
    fronts = " ".join(c.front for c in yes_no_cards)
    assert "following" not in fronts and "these" not in fronts and "edge locations" not in fronts


def test_card_ids_are_stable(yes_no_db, vocab, yes_no_cards):
    with open_store(yes_no_db) as store:
        again = build_cards(store, vocab, kinds=["setting", "capability"])
    assert [(c.id, c.front) for c in again] == [(c.id, c.front) for c in yes_no_cards]


def fact(text, feature, positive=True, line="- S3 does it"):
    return CapabilityFact("https://example.org/kg/service/s3", "Amazon S3", tuple(feature), (), positive, text,
                          [Source("n.md", 3, 3, line)])


@pytest.mark.parametrize("text, passes, question", [
    ("static website hosting", {"Support"}, "Does Amazon S3 support static website hosting?"),
    ("for HTTP/2 and WebSocket", {"Support"}, "Does Amazon S3 support HTTP/2 and WebSocket?"),
    ("be moved between regions", {"Ability"}, "Can Amazon S3 be moved between regions?"),
    ("shared between accounts", {"Ability"}, "Can Amazon S3 be shared between accounts?"),
    ("you to grant temporary access", {"Ability"}, "Does Amazon S3 let you grant temporary access?"),
    # near misses: a list opening, a pointer, one word of content, an amount
    ("the following storage classes:", {"Support"}, None),
    ("manage these keys", {"Ability"}, None),
    ("operations", {"Ability"}, None),
    ("invoked directly through:", {"Ability"}, None),
    ("up to 3,000 messages per second", {"Support"}, None),
])
def test_the_question_follows_the_pass_that_read_it(text, passes, question):
    from kg.capabilities import stems

    assert capability_question(fact(text, stems(text)), text, passes, default_lexicon()) == question


def test_a_default_state_asks_its_state_word_and_never_the_opposite():
    lex = default_lexicon()
    assert capability_question(fact("encrypted", ("encrypt", "default")), "encrypted", {"DefaultState"}, lex) == \
        "Is Amazon S3 encrypted by default?"
    denied = fact("replicated", ("replicat", "default"), False, "- Old objects are not replicated automatically")
    assert capability_question(denied, "replicated", {"DefaultState"}, lex) == "Is Amazon S3 replicated by default?"
    # "disabled by default" is stored as a denied state: asking "Is it disabled?" would want "No"
    off = fact("disabled", ("disabl", "default"), False, "- Cross-zone balancing is disabled by default")
    assert capability_question(off, "disabled", {"DefaultState"}, lex) is None


def test_words_for_finds_stems_as_written():
    assert words_for(("onprem",), "- On-prem has no Blue-Green deployment") == "On-prem"
    assert words_for(("nothere",), "- On-prem has no Blue-Green deployment") is None


def test_blank_values():
    assert blank_values("- listens at 10.0.0.2 in a VPC", ["10.0.0.2", "169.254.169.253"]) == "listens at ____ in a VPC"
    assert blank_values("- no address here", ["10.0.0.2"]) is None


def test_bundled_notes_give_setting_and_capability_cards(bundled_db, vocab):
    with open_store(bundled_db) as store:
        cards = build_cards(store, vocab, kinds=["setting", "capability"])
    kinds = {c.kind for c in cards}
    assert kinds == {"setting", "capability"}
    for c in cards:
        assert c.sources and all(a.sources for a in c.answers), c.front
        assert c.front.endswith("?") or c.front.endswith("”"), c.front


def test_a_condition_that_is_the_subject_asks_of_it():
    lex = default_lexicon()
    line = "- Output values can be referenced in other stacks"
    f = CapabilityFact("https://example.org/kg/service/cloudformation", "AWS CloudFormation",
                       ("referenc", "other", "stack"), ("output", "valu"), True, "referenced in other stacks",
                       [Source("n.md", 3, 3, line)])
    said = condition_words(f, f.text)
    assert said == ("Output values", True)
    assert capability_question(f, f.text, {"Ability"}, lex, *said) == \
        "In AWS CloudFormation, can output values be referenced in other stacks?"
    # near miss: a condition set off by a comma is not the subject
    g = CapabilityFact(f.service, f.service_label, ("manag", "console"), ("once", "configur"), True,
                       "managed by the console", [Source("n.md", 4, 4, "- Once configured, can be managed by the console")])
    said = condition_words(g, g.text)
    assert said == ("Once configured", False)
    assert capability_question(g, g.text, {"Ability"}, lex, *said) == \
        "Can AWS CloudFormation be managed by the console (Once configured)?"
