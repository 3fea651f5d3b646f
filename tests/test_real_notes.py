"""Extraction on the five bundled notes: the facts the issue names, at the right lines."""

import pytest

from kg.facts import graph_stats, limit_facts, service_and_features
from kg.match import resolve_service
from kg.store import open_store

from conftest import N000, N001, N002, N003, N004


@pytest.fixture(scope="module")
def facts_of(bundled_db, vocab):
    store = open_store(bundled_db)
    cache = {}

    def get(name):
        if name not in cache:
            iri = resolve_service(name, vocab)
            cache[name] = limit_facts(store, vocab, service_and_features(vocab, iri))
        return cache[name]
    yield get
    store.close()


def find(facts, attribute, qualifier, canonical):
    return [f for f in facts if f.attribute == attribute and f.qualifier == qualifier
            and abs(f.quantity.canonical_value - canonical) < 1e-6]


def lines_by_note(facts):
    out = {}
    for f in facts:
        for s in f.sources:
            out.setdefault(s.note, set()).add(s.line)
    return out


def test_stats_meet_the_floor(bundled_db):
    with open_store(bundled_db) as store:
        stats = graph_stats(store)
    assert stats["notes"] == 5
    assert stats["services"] >= 60
    assert stats["limits"] >= 250
    assert stats["integrations"] >= 120
    assert stats["unsourced"] == 0


def test_sqs_max_message_size_256_kb_from_each_note_that_states_it(facts_of):
    found = lines_by_note(find(facts_of("SQS"), "message size", "maximum", 256 * 1024))
    assert 608 in found[N000]
    assert 1608 in found[N001]
    assert 665 in found[N002]
    assert {4641, 4859} <= found[N004]


@pytest.mark.parametrize("attribute, qualifier, canonical", [
    ("retention period", "default", 4 * 86400),
    ("retention period", "maximum", 14 * 86400),
    ("visibility timeout", "default", 30),
    ("visibility timeout", "maximum", 12 * 3600),
    ("delivery delay", "maximum", 15 * 60),
    ("long polling wait time", "maximum", 20),
])
def test_sqs_limits_named_by_the_issue(facts_of, attribute, qualifier, canonical):
    assert find(facts_of("SQS"), attribute, qualifier, canonical), (attribute, qualifier)


@pytest.mark.parametrize("rate", [300, 3000])
def test_sqs_fifo_throughput(facts_of, rate):
    fifo = [f for f in facts_of("SQS") if "fifo" in f.service.lower() or
            any("fifo" in c for c in f.contexts)]
    assert [f for f in fifo if f.quantity.dimension == "Rate" and f.quantity.canonical_value == rate]


def test_lambda_max_memory_is_two_separate_cited_facts(facts_of):
    old = lines_by_note(find(facts_of("Lambda"), "memory", "maximum", 3008 * 1024 ** 2))
    new = lines_by_note(find(facts_of("Lambda"), "memory", "maximum", 10240 * 1024 ** 2))
    assert {N000, N001, N002} <= set(old)
    assert 751 in old[N000] and 1801 in old[N001]
    assert set(new) == {N004} and 3093 in new[N004]


def test_exam_notes_are_read_too(facts_of):
    timeout = find(facts_of("API Gateway"), "integration timeout", "default", 29)
    assert any(s.note == N003 for f in timeout for s in f.sources)


def test_every_bundled_graph_conforms_to_the_shapes(bundled_db):
    from kg.check import validate_shapes

    with open_store(bundled_db) as store:
        violations = validate_shapes(store)
    assert violations == [], violations[:5]
