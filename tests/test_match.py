"""kg.match: service names in what users type."""

import pytest


@pytest.mark.parametrize("typed, label, typo", [
    ("cloudwach", "cloudwatch", True),                       # a letter dropped inside the word
    ("api gatway", "api gateway", True),
    ("key mgmt service", "key management service", True),   # a word shortened
    ("managed", "managedad", False),                         # "the managed database": a word short of "Managed AD"
    ("cloud", "cloud9", False),                              # "the cloud database" is not Cloud9
    ("security have", "security lake", False),               # a word replaced is no typo
    ("relational database keep", "relational database service", False),
])
def test_a_fuzzy_service_name_is_a_misspelling_not_a_word_short(typed, label, typo):
    from kg.match import is_misspelling

    assert is_misspelling(typed, label) is typo


def test_generic_words_in_a_described_question_name_no_service(vocab):
    """ "the managed relational database", "a serverless function": descriptions, not Managed AD or SAM."""
    from kg.match import find_service_names
    from kg.question import parse_question

    def named(text):
        return [h.iri.rsplit("/", 1)[-1] for h in find_service_names(parse_question(text).words, vocab)]

    assert "managed-microsoft-ad" not in named("how many days does the managed relational database keep logs")
    assert "sam" not in named("what step size can the RAM of a serverless function grow in")
    assert named("cloudwach retention") == ["cloudwatch"]            # near miss: a typo still names it
