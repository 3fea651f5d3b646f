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
