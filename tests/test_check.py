"""kg check: the contradictions the issue names are found; the things that only look different are not."""

import json

import pytest
from typer.testing import CliRunner

from cli.app import app
from kg.check import check_graph, validate_shapes
from kg.ingest import ingest_paths
from kg.store import open_store

from conftest import FIXTURES

runner = CliRunner()


@pytest.fixture(scope="module")
def report(bundled_db, vocab):
    with open_store(bundled_db) as store:
        return check_graph(store, vocab, include_unit_only=True, shapes=False)


def find(report, service, attribute, qualifier, cls=None):
    return [f for f in report.findings if f.service == service and f.attribute == attribute
            and f.qualifier == qualifier and (cls is None or f.cls == cls)]


def values(finding):
    return {c.value for c in finding.claims}


@pytest.mark.parametrize("service, attribute, qualifier, expected", [
    ("AWS Lambda", "memory", "maximum", {"3,008 MB", "10,240 MB"}),
    ("AWS Lambda", "allocation increment", "maximum", {"64 MB", "1 MB"}),
    ("Amazon Aurora", "storage", "maximum", {"64 TB", "128 TB"}),
    ("AWS Lambda", "retry attempts", "maximum", {"3 times", "2 times"}),
])
def test_contradictions_named_by_the_issue_are_found(report, service, attribute, qualifier, expected):
    found = find(report, service, attribute, qualifier, "conflict")
    assert found and values(found[0]) == expected


def test_sqs_message_size_written_three_ways_is_no_conflict(report):
    # 256KB, 256 KB and **256 KB** are one form once spacing and markup are set aside
    assert not [f for f in find(report, "Amazon Simple Queue Service", "message size", "maximum")
                if f.cls != "unit-only"]


def test_the_same_quantity_in_other_units_is_only_a_unit_difference(report):
    unit_only = find(report, "AWS Lambda", "execution timeout", "maximum", "unit-only")
    assert unit_only and {c.canonical_value for c in unit_only[0].claims} == {900}


def test_default_and_maximum_are_not_a_conflict(report):
    assert not [f for f in report.findings if f.service == "Amazon Simple Queue Service"
                and f.attribute == "retention period" and f.cls == "conflict"]


def test_900_seconds_and_15_minutes_agree(report):
    assert not find(report, "AWS Lambda", "execution timeout", "maximum", "conflict")


def test_standard_and_fifo_are_never_compared(report):
    for f in report.findings:
        assert not {"standard", "FIFO"} <= set((f.context or "").split(", "))


def test_each_claim_carries_its_sources(report):
    for f in report.findings:
        assert all(c.sources for c in f.claims), f


@pytest.fixture(scope="module")
def dated(tmp_path_factory, vocab):
    db = tmp_path_factory.mktemp("dated") / "store"
    notes = FIXTURES / "notes"
    with open_store(db, write=True) as store:
        ingest_paths(store, [notes / "dated_contradictions_old.md", notes / "dated_contradictions_new.md"])
    with open_store(db) as store:
        return db, check_graph(store, vocab, shapes=False)


def test_a_dated_contradiction_is_superseded_by_the_newer_note(dated):
    _db, result = dated
    memory = find(result, "AWS Lambda", "memory", "maximum")
    assert memory and memory[0].cls == "superseded"
    assert memory[0].claims[0].value == "10,240 MB" and memory[0].claims[0].date == "2024-01-10"
    assert "10,240 MB" in memory[0].suggestion and "2024-01-10" in memory[0].suggestion


def test_enabled_by_default_against_not_enabled_is_a_polarity_finding(dated):
    _db, result = dated
    polarity = [f for f in result.findings if f.cls == "polarity" and "encrypt" in f.attribute]
    assert polarity, [f.attribute for f in result.findings]
    assert {len(c.sources) for c in polarity[0].claims} == {1}


def test_cli_exit_codes_and_json(dated, tmp_path):
    db, _result = dated
    result = runner.invoke(app, ["check", "--db", str(db), "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert set(data) == {"checked", "conflicts", "violations"}
    item = data["conflicts"][0]
    assert set(item) == {"service", "attribute", "qualifier", "context", "class", "claims", "suggestion", "severity"}
    assert set(item["claims"][0]) == {"value", "canonical_value", "canonical_unit", "sources"}
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "one.md").write_text("# SQS\n- Messages are up to 256 KB in size\n", encoding="utf-8")
    ok = runner.invoke(app, ["ingest", str(clean), "--db", str(tmp_path / "s")])
    assert ok.exit_code == 0
    assert runner.invoke(app, ["check", "--db", str(tmp_path / "s")]).exit_code == 0


def test_shacl_violations_are_reported(tmp_path):
    db = tmp_path / "store"
    with open_store(db, write=True) as store:
        store.update('INSERT DATA { GRAPH <urn:bad> { <urn:l> a <https://example.org/kg#Limit> } }')
        violations = validate_shapes(store)
    assert violations and any("service" in v.message for v in violations)


LOOKALIKES_A = """\
---
title: DynamoDB and SQS, course A
---
# [[DynamoDB]]
- Transactions can operate on up to 25 items or 4MB of data
- `BatchWriteItem` => up to 16MB per call

# [[SQS]] FIFO
- FIFO queues: up to 300 messages per second
- Lambda can't write to DynamoDB Streams directly
"""

LOOKALIKES_B = """\
# DynamoDB
- `BatchGetItem` => up to 100 items at a time
# SQS FIFO
- When you batch 10 messages per call, FIFO queues support up to 3,000 messages per second
- FIFO queues: up to 1000 batches per second
- Lambda isn't advised to consume DynamoDB Streams for real-time data
- Credentials are valid from 15 mins up to 1 hour
"""


def test_values_under_other_conditions_or_of_other_things_are_not_conflicts(tmp_path, vocab):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text(LOOKALIKES_A, encoding="utf-8")
    (folder / "b.md").write_text(LOOKALIKES_B, encoding="utf-8")
    with open_store(tmp_path / "store", write=True) as store:
        ingest_paths(store, [folder])
    with open_store(tmp_path / "store") as store:
        findings = check_graph(store, vocab, shapes=False).findings
    # 4 MB per transaction vs 16 MB per BatchWriteItem; 25 transactional items vs 100 per
    # BatchGetItem; 300 messages/s vs 3,000 when batched vs 1,000 batches/s; advice is no denial
    assert findings == []


def test_ask_describe_and_check_mark_the_same_conflicts(bundled_db, vocab, report):
    from kg.answer import Answerer
    from kg.describe import describe_service
    from kg.question import parse_question

    value_findings = [f for f in report.findings if f.cls in ("conflict", "superseded")]
    assert value_findings
    answerer = Answerer(vocab)
    with open_store(bundled_db) as store:
        for f in value_findings:
            iri = next(i for i, c in vocab.services.items() if c.pref == f.service)
            card = describe_service(store, vocab, iri)
            assert {c.value for c in f.claims} in [{g.value for g in group} for group in card.conflicts], f
        answer = answerer.answer(store, parse_question("lambda max memory"))
    memory = find(report, "AWS Lambda", "memory", "maximum")[0]
    assert answer.status == "conflict" and {a.value for a in answer.answers} == {c.value for c in memory.claims}


ORG_A = """#+TITLE: serverless log
* Lambda
** Limits
Memory: 128 - 2048MB
Max run time: 15 min
#+BEGIN_SRC bash
# not a heading
#+END_SRC
"""

ORG_B = "# Lambda\n- Memory: from 128 MB up to 4096 MB\n"


def test_org_mode_lines_are_statements_and_their_limits_compared(tmp_path, vocab):
    from kg.notes import parse_text

    note = parse_text(ORG_A, "log.org")
    assert [s.text for s in note.statements if s.kind == "heading"] == ["Lambda", "Limits"]
    assert "Memory: 128 - 2048MB" in [s.text for s in note.statements]
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "log.org").write_text(ORG_A, encoding="utf-8")
    (folder / "card.md").write_text(ORG_B, encoding="utf-8")
    with open_store(tmp_path / "store", write=True) as store:
        ingest_paths(store, [folder])
    with open_store(tmp_path / "store") as store:
        memory = find(check_graph(store, vocab, shapes=False), "AWS Lambda", "memory", "maximum")
    assert memory and values(memory[0]) == {"2,048 MB", "4,096 MB"}


def test_sparql_shapes_find_what_pyshacl_finds(tmp_path):
    from kg.check import validate_shapes_pyshacl

    with open_store(tmp_path / "store", write=True) as store:
        store.update('INSERT DATA { GRAPH <urn:bad> { <urn:l> a <https://example.org/kg#Limit> ; '
                     '<https://example.org/kg#qualifier> <urn:nonsense> } }')
        ours = {(v.focus, v.path) for v in validate_shapes(store)}
        theirs = {(v.focus, v.path) for v in validate_shapes_pyshacl(store)}
    assert ours and ours == theirs
