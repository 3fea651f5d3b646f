"""kg.reading on a note style written for these tests (reStructuredText study log)."""

import json

import pytest

from tests.conftest import FIXTURES

NOTE = FIXTURES / "notes" / "study_log.rst"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    from kg.ingest import ingest_paths
    from kg.store import open_store

    db = tmp_path_factory.mktemp("reading") / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [NOTE])
    return db


@pytest.fixture(scope="module")
def ask(store_path, vocab):
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)

    def run(text):
        with open_store(store_path) as store:
            return reader.answer(store, parse_question(text))
    return run


def test_a_range_question_gets_one_answer_with_both_ends(ask):
    answer = ask("What range can the SQS visibility timeout be set to?")
    assert answer.status == "answered"
    top = answer.answers[0]
    assert top.value == "0 seconds to 12 hours"
    assert top.low.canonical_value == 0 and top.high.canonical_value == 43200
    assert top.sources and top.sources[0].note == "study_log.rst"


def _best_read(store_path, vocab, text):
    """The best candidate that is an answer ("nil", the notes do not say, left aside)."""
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)
    q = parse_question(text)
    with open_store(store_path) as store:
        analysis, cands = reader.candidates(store, q, reader.graph.answer(store, q))
    return analysis, [c for c in cands if c.type != "nil"][0]


def test_a_cidr_block_is_the_best_reading(store_path, vocab):
    analysis, best = _best_read(store_path, vocab, "smallest vpc cidr block")
    assert analysis.expected == "cidr" and analysis.qualifier == "minimum"
    assert best.type == "cidr" and best.value == "/28"


def test_a_port_is_the_best_reading(store_path, vocab):
    analysis, best = _best_read(store_path, vocab, "security group port for ssh")
    assert analysis.expected == "port" and best.value == "22"


def test_an_address_is_the_best_reading(store_path, vocab):
    analysis, best = _best_read(store_path, vocab, "instance metadata ip address")
    assert analysis.expected == "ip" and best.value == "169.254.169.254"


def test_every_question_has_a_nil_candidate(store_path, vocab):
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)
    q = parse_question("smallest vpc cidr block")
    with open_store(store_path) as store:
        _a, cands = reader.candidates(store, q, reader.graph.answer(store, q))
    assert [c.type for c in cands].count("nil") == 1


def test_an_answer_cites_the_line_it_was_read_from(ask):
    answer = ask("What range can the SQS visibility timeout be set to?")
    line = answer.answers[0].sources[0].line
    assert "0 seconds to 12 hours" in NOTE.read_text().splitlines()[line - 1], answer


def test_range_json_has_min_and_max(store_path, ask):
    from cli.render import answer_dict

    data = answer_dict(ask("What range can the SQS visibility timeout be set to?"))
    item = data["answers"][0]
    assert item["kind"] == "range"
    assert item["min"] == {"value": 0.0, "unit": "s"} and item["max"] == {"value": 12.0, "unit": "h"}
    json.dumps(data)
