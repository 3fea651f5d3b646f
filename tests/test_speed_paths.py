"""The fast paths give what the full paths give: stats' MINUS count, the answer cache, the
commands that skip Typer or networkx. Speed itself is measured by bench/latency.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kg.facts import graph_stats
from kg.namespaces import KG, PROV, VOCABULARY_GRAPH
from kg.store import open_store

from conftest import ROOT

_NOT_EXISTS = f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH ?g {{
  {{ ?x a <{KG}Limit> }} UNION {{ ?x a <{KG}Integration> }}
  FILTER NOT EXISTS {{ ?x <{PROV}wasDerivedFrom> ?st . ?st <{KG}line> ?l ; <{PROV}value> ?t }} }}
  FILTER(?g != <{VOCABULARY_GRAPH}>) }}"""


def _note(tmp_path, text: str):
    notes = tmp_path / "notes"
    notes.mkdir(exist_ok=True)
    (notes / "sqs.md").write_text(text, encoding="utf-8")
    return notes


@pytest.fixture()
def small_db(tmp_path):
    from kg.ingest import ingest_paths

    db = tmp_path / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [_note(tmp_path, "# SQS\n- Messages are up to 256 KB in size\n"
                                             "- SNS fans out to SQS\n")])
    return db


def test_unsourced_counts_facts_without_a_cited_line_as_not_exists_does(small_db):
    """The MINUS form of graph_stats counts what the FILTER NOT EXISTS form counted: a limit with
    no wasDerivedFrom, an integration whose statement has no line, and not a sourced fact, nor a
    fact in the vocabulary graph."""
    g = "http://example.org/test-graph"
    with open_store(small_db, write=True) as store:
        before = graph_stats(store)
        assert before["unsourced"] == 0 and before["limits"] > 0
        store.update(f"""INSERT DATA {{
          GRAPH <{g}> {{
            <urn:x:bare> a <{KG}Limit> .
            <urn:x:lineless> a <{KG}Integration> ; <{PROV}wasDerivedFrom> <urn:x:st> .
            <urn:x:st> <{PROV}value> "SNS fans out to SQS" .
            <urn:x:sourced> a <{KG}Limit> ; <{PROV}wasDerivedFrom> <urn:x:st2> .
            <urn:x:st2> <{KG}line> 3 ; <{PROV}value> "up to 256 KB" .
          }}
          GRAPH <{VOCABULARY_GRAPH}> {{ <urn:x:vocab> a <{KG}Limit> }}
        }}""")
        after = graph_stats(store)
        reference = int(store.select(_NOT_EXISTS)[0]["n"])
    assert after["unsourced"] == reference == 2
    assert after["limits"] == before["limits"] + 2


def test_a_sourced_fact_in_another_graph_than_its_statement_is_unsourced(small_db):
    """Near miss: the statement with its line exists, but in another graph than the fact; both
    forms look inside the fact's own graph, so the fact is unsourced."""
    with open_store(small_db, write=True) as store:
        store.update(f"""INSERT DATA {{
          GRAPH <http://example.org/a> {{ <urn:x:f> a <{KG}Limit> ; <{PROV}wasDerivedFrom> <urn:x:st> }}
          GRAPH <http://example.org/b> {{ <urn:x:st> <{KG}line> 1 ; <{PROV}value> "x" }}
        }}""")
        assert graph_stats(store)["unsourced"] == int(store.select(_NOT_EXISTS)[0]["n"]) == 1


# ------------------------------------------------------------ the answer cache (cli/answer_cache.py)

GOLD = [json.loads(line)["question"] for line in (ROOT / "tests" / "gold" / "ask.jsonl").open(encoding="utf-8")]


@pytest.fixture()
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KG_DB", raising=False)
    return tmp_path / "cache"


def _ask(capsys, question: str, db, as_json: bool = False) -> tuple[int, str, str]:
    from cli.ask import run_ask

    status = run_ask(question, str(db), as_json)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_every_gold_question_is_answered_from_the_cache_as_by_the_full_path(bundled_db, own_cache, capsys,
                                                                             monkeypatch):
    """A repeated question prints, byte for byte, what the full path printed; the second time
    it is a hit (the store is not read)."""
    from cli import answer_cache

    # the code's stamp taken once: a checkout edited while this runs must not turn hits into misses
    # (that the stamp covers the code is test_a_changed_vocabulary_file_misses)
    stamp = answer_cache.code_stamp()
    monkeypatch.setattr(answer_cache, "code_stamp", lambda: stamp)
    location = str(bundled_db)
    step = 1 if os.environ.get("CI") else 5         # every fifth question locally: the suite stays fast
    for i, question in enumerate(GOLD[::step]):
        as_json = i % 2 == 1
        full = _ask(capsys, question, bundled_db, as_json)
        cached, ticket = answer_cache.lookup(location, question, as_json)
        assert cached == full and ticket is None, question
        assert _ask(capsys, question, bundled_db, as_json) == full, question


def test_the_console_script_prints_a_cached_answer_as_it_printed_the_first(bundled_db, own_cache):
    env = {**os.environ, "XDG_CACHE_HOME": str(own_cache), "KG_DB": str(bundled_db)}
    for args in (["max SQS message size"], ["kafka", "retention"], ["lambda max memory", "--json"]):
        runs = [subprocess.run([sys.executable, "-m", "cli", "ask", *args], capture_output=True, text=True,
                               cwd=ROOT, env=env) for _ in range(2)]
        assert runs[0].stdout or runs[0].stderr
        assert [(r.returncode, r.stdout, r.stderr) for r in runs[1:]] == [(runs[0].returncode, runs[0].stdout,
                                                                            runs[0].stderr)]
    assert list(own_cache.glob("kg/answers-*.marshal"))


def test_a_store_written_again_is_read_again(small_db, own_cache, capsys, tmp_path):
    """Re-ingesting a changed note changes the store's stamp: the next ask reads the store."""
    from kg.ingest import ingest_paths
    from cli import answer_cache
    from cli.ask import answer_outputs

    first = _ask(capsys, "max SQS message size", small_db)
    assert first[1].startswith("256 KB")
    notes = _note(tmp_path, "# SQS\n- Messages are up to 1 MB in size\n")
    with open_store(small_db, write=True) as store:
        ingest_paths(store, [notes])
    cached, ticket = answer_cache.lookup(str(small_db), "max SQS message size", False)
    assert cached is None and ticket is not None
    again = _ask(capsys, "max SQS message size", small_db)
    assert again == answer_outputs("max SQS message size", str(small_db), False) and again[1].startswith("1 MB")


def test_a_changed_vocabulary_file_misses(small_db, own_cache, capsys, tmp_path, monkeypatch):
    """Near miss of a hit: the same store and question, but a vocabulary file touched since."""
    import shutil

    from cli import answer_cache
    from kg.resources import ontology_dir

    ontology = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), ontology)
    monkeypatch.setenv("KG_ONTOLOGY", str(ontology))
    _ask(capsys, "max SQS message size", small_db)
    assert answer_cache.lookup(str(small_db), "max SQS message size", False)[0] is not None
    assert answer_cache.lookup(str(small_db), "max SQS message size", True)[0] is None      # --json: not asked
    path = ontology / "lexicon.ttl"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    cached, ticket = answer_cache.lookup(str(small_db), "max SQS message size", False)
    assert cached is None and ticket is not None


def test_a_writer_holding_the_store_sends_the_question_down_the_full_path(small_db, own_cache, capsys):
    from cli import answer_cache
    from kg.store import lock_store

    _ask(capsys, "max SQS message size", small_db)
    assert answer_cache.lookup(str(small_db), "max SQS message size", False)[0] is not None
    handle = lock_store(small_db, exclusive=True)
    try:
        assert answer_cache.lookup(str(small_db), "max SQS message size", False) == (None, None)
    finally:
        handle.close()


def test_a_server_location_is_never_cached(own_cache):
    from cli import answer_cache

    assert answer_cache.store_location("http://127.0.0.1:7878") is None
    assert answer_cache.store_location("relative/store") == os.path.abspath("relative/store")


# ------------------------------------------------------------ stats, describe, connect without Typer

def test_integration_facts_of_each_service_are_those_of_one_query_per_service(bundled_db, vocab):
    """integration_facts' VALUES query gives, for every service's scope, what one query per
    service and end gave (the form it replaced), in the same order."""
    from kg.facts import _INTEGRATION_QUERY, integration_facts, service_and_features
    from kg.store import IRI
    import kg.facts as facts

    def per_service(store, scope):
        batches = [store.select(_INTEGRATION_QUERY, source=IRI(s)) for s in scope] + \
                  [store.select(_INTEGRATION_QUERY, target=IRI(s)) for s in scope]
        return [r for rows in batches for r in rows]

    compared = 0
    with open_store(bundled_db) as store:
        for iri in sorted(vocab.services):
            scope = service_and_features(vocab, iri)
            batched = integration_facts(store, vocab, scope)
            original = store.select
            rows = per_service(store, scope)
            store.select = lambda q, **b: rows if q == _INTEGRATION_QUERY else original(q, **b)
            try:
                reference = facts.integration_facts(store, vocab, None)   # the same merge over those rows
            finally:
                store.select = original
            assert batched == reference, iri
            compared += bool(batched)
    assert compared > 50


@pytest.mark.parametrize("args", [["stats"], ["stats", "--json"], ["describe", "SQS"], ["describe", "lambda", "--json"],
                                  ["connect", "SNS", "Lambda"], ["connect", "CodeCommit", "CodeDeploy", "--json"],
                                  ["connect", "SQS", "Nope"], ["describe", "Nope"]])
def test_the_console_script_prints_what_typer_prints(bundled_db, args, tmp_path):
    from typer.testing import CliRunner

    from cli.app import app

    env = {**os.environ, "KG_DB": str(bundled_db), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    fast = subprocess.run([sys.executable, "-X", "importtime", "-m", "cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    typer_run = CliRunner().invoke(app, [*args, "--db", str(bundled_db)])
    err = "".join(line + "\n" for line in fast.stderr.splitlines() if not line.startswith("import time:"))
    assert (fast.returncode, fast.stdout, err) == (typer_run.exit_code, typer_run.stdout, typer_run.stderr)
    assert " typer\n" not in fast.stderr and fast.stdout + err


# ------------------------------------------------------------ limit facts kept in the statement index

def test_answers_with_facts_from_the_index_equal_answers_with_facts_from_the_store(bundled_db, vocab, own_cache):
    """The graph's answer reads each service's limit facts from the index once they are kept
    there; every answer (every fifth gold question, every one in CI) is the one the store gives."""
    from cli import render
    from kg.question import parse_question
    from kg.reading import Reader

    step = 1 if os.environ.get("CI") else 5
    with open_store(bundled_db) as store:
        for question in GOLD[::step]:
            Reader(vocab).answer(store, parse_question(question))          # the first time fills the index
            via_index = Reader(vocab).answer(store, parse_question(question))
            plain = Reader(vocab)
            plain.keep_facts = False
            from_store = plain.answer(store, parse_question(question))
            assert render.answer_json(via_index) == render.answer_json(from_store), question


def test_kept_facts_are_read_again_when_a_note_changes(small_db, vocab, own_cache, tmp_path):
    """Near miss: the same service asked after its note changed reads the store, not the kept facts."""
    from kg.index import open_index
    from kg.ingest import ingest_paths

    sqs = next(iri for iri, c in vocab.services.items() if c.short == "SQS" or "SQS" in c.labels)
    with open_store(small_db) as store:
        index = open_index(store, vocab)
        before = [f.quantity.text for f in index.limit_facts(store, vocab, sqs)]
        index.close()
    with open_store(small_db, write=True) as store:
        ingest_paths(store, [_note(tmp_path, "# SQS\n- Messages are up to 1 MB in size\n")])
    with open_store(small_db) as store:
        index = open_index(store, vocab)
        after = [f.quantity.text for f in index.limit_facts(store, vocab, sqs)]
        index.close()
    assert before != after and any("1 MB" in t for t in after)
