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


def test_a_port_is_read_from_its_line(ask):
    answer = ask("security group port for ssh")
    assert answer.status == "answered" and answer.answers[0].value == "22"


def test_a_cidr_block_is_the_best_candidate(store_path, vocab):
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)
    q = parse_question("smallest vpc cidr block")
    with open_store(store_path) as store:
        analysis, cands = reader.candidates(store, q, reader.graph.answer(store, q))
    assert analysis.expected == "cidr" and analysis.qualifier == "minimum"
    assert cands[0].type == "cidr" and cands[0].value == "/28"


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
