"""The graph on a SPARQL server: a real `oxigraph serve` against the embedded store, `kg serve`,
`kg sparql`, bound values that stay values, and one-line errors for every way HTTP fails.

Answers are compared embedded against server in the same run, never against frozen values.
"""

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.app import app
from kg.errors import EndpointInvalid, InvalidTerm
from kg.graph import note_iri
from kg.sparql import bind_values, parse_endpoint, query_form
from kg.store import IRI, EmbeddedStore, Lit, open_store

from conftest import NOTES, ROOT

runner = CliRunner()
KG = str(Path(sys.executable).with_name("kg"))
HOSTILE = ['"} ; DROP ALL ; SELECT * WHERE { "', "\\", '\\"', "'''", '"""', "a\nb\r\nc", "} } ; DROP ALL",
           "\\u0022 } ; DROP ALL #", "> ; DROP ALL", "\t\x00\x0b", "é ✓ 💥", "$x ?y", "#", ""]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_oxigraph(program: str, location: Path):
    """`oxigraph serve` on 127.0.0.1 and a free port; yields its URL once it answers, stops it after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([program, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(f"{url}/query", proc, lambda: proc.stderr.read().decode())
        yield url
    finally:
        _stop(proc)
        proc.stderr.close()


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""
# Virtuoso serves queries and updates at one path; its /sparql takes updates from the "SPARQL"
# account once granted (its /sparql-auth wants HTTP Digest, which kg does not speak)
VIRTUOSO_ENV = {"KG_SPARQL_QUERY": "sparql", "KG_SPARQL_UPDATE": "sparql"}


@contextlib.contextmanager
def running_virtuoso(programs: tuple[str, str], folder: Path):
    """`virtuoso-t` on 127.0.0.1 with a database in `folder` and free ports, the SPARQL account
    allowed to update; yields its URL once /sparql answers, stops it after."""
    server, isql = programs
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, http_port=http_port, sql_port=sql_port), encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}"
    proc = subprocess.Popen([server, "+configfile", str(ini), "+foreground"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"{url}/sparql", proc, lambda: (folder / "virtuoso.log").read_text(errors="replace")[-2000:])
        granted = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                                 capture_output=True, text=True, timeout=60)
        assert granted.returncode == 0, granted.stdout + granted.stderr
        yield url
    finally:
        _stop(proc)


def _wait_for(query_url: str, proc: subprocess.Popen, log) -> None:
    """Wait until a SPARQL endpoint answers ASK {} (60 s at most)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            request = urllib.request.Request(query_url, data=b"query=ASK%7B%7D",
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert proc.poll() is None, log()
        assert time.monotonic() < deadline, f"{query_url} did not answer within 60 s: {log()}"
        time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Server:
    """A running SPARQL server: its URL and the KG_SPARQL_* variables kg needs for it."""

    name: str
    url: str
    env: dict


@contextlib.contextmanager
def running_server(request, name: str, folder: Path):
    """Oxigraph or Virtuoso, started in `folder`; the program fixture decides skip or fail."""
    if name == "oxigraph":
        with running_oxigraph(request.getfixturevalue("oxigraph_program"), folder) as url:
            yield Server(name, url, {})
    else:
        with running_virtuoso(request.getfixturevalue("virtuoso_programs"), folder) as url:
            yield Server(name, url, VIRTUOSO_ENV)


SERVERS = ["oxigraph", "virtuoso"]


@dataclass
class Twins:
    """The same notes in an embedded store and on a server."""

    embedded: str
    url: str
    server: str = "oxigraph"


@pytest.fixture(scope="session", params=SERVERS)
def _twins(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"twins-{request.param}")
    with running_server(request, request.param, root / "server") as server:
        embedded = str(root / "embedded")
        for db in (embedded, server.url):
            result = runner.invoke(app, ["ingest", str(NOTES), "--db", db], env=server.env)
            assert result.exit_code == 0, result.output
            assert "5 added" in result.stdout
        yield Twins(embedded, server.url, server.name), server.env


@pytest.fixture
def twins(_twins, monkeypatch):
    """The twins of one server, with its KG_SPARQL_* variables set for the test."""
    pair, env = _twins
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return pair


@pytest.fixture(scope="session")
def _spare_virtuoso(request, tmp_path_factory):
    """One Virtuoso for the tests that write, emptied of kg's graphs before each (it takes ~5 s to start)."""
    with running_server(request, "virtuoso", tmp_path_factory.mktemp("virtuoso-spare")) as server:
        yield server


@pytest.fixture(params=SERVERS)
def fresh_server(request, tmp_path, monkeypatch):
    """An empty server (of kg's graphs) for tests that write: its URL, with its variables set."""
    if request.param == "oxigraph":
        with running_server(request, "oxigraph", tmp_path / "server-store") as server:
            yield server.url
        return
    server = request.getfixturevalue("_spare_virtuoso")
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    with open_store(server.url, write=True) as store:
        for graph in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            if not graph["g"].startswith("http://www.openlinksw.com/") and graph["g"] not in VIRTUOSO_OWN:
                store.drop_graph(graph["g"])
    yield server.url


# The graphs a new Virtuoso 7.2 database holds
VIRTUOSO_OWN = {"http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                "http://localuriqaserver/sparql"}


def on_both(twins: Twins, args: list[str], stdin: str | None = None):
    embedded = runner.invoke(app, [*args, "--db", twins.embedded], input=stdin)
    server = runner.invoke(app, [*args, "--db", twins.url], input=stdin)
    return embedded, server


def quads_of(db: str) -> set[str]:
    with open_store(db) as store:
        return set(store.dump("nq").decode("utf-8").splitlines())


def fingerprint(db: str) -> tuple[int, list[str]]:
    """Quads and named graphs: what any update would change."""
    with open_store(db) as store:
        return len(store), [g.value for g in store.graph_names()]


# ---------------------------------------------------------------- the same answers

def test_stats_of_the_server_equal_the_embedded_stores(twins):
    embedded, server = on_both(twins, ["stats", "--json"])
    assert server.exit_code == embedded.exit_code == 0, server.output
    assert json.loads(server.stdout) == json.loads(embedded.stdout)
    assert json.loads(server.stdout)["notes"] == 5


def test_every_gold_question_gets_the_same_json_answer_from_the_server(twins):
    questions = [json.loads(line)["question"] for line in (ROOT / "tests" / "gold" / "ask.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    embedded, server = on_both(twins, ["ask", "-", "--json"], stdin="\n".join(questions) + "\n")
    assert server.exit_code == embedded.exit_code == 0, server.output
    answers = embedded.stdout.splitlines()
    assert len(answers) == len(questions) > 200
    assert sum(json.loads(a)["status"] == "answered" for a in answers) > len(questions) // 2
    assert server.stdout.splitlines() == answers
    assert server.stderr == embedded.stderr


@pytest.mark.parametrize("args, status", [
    (["connect", "CodeCommit", "CodeDeploy", "--json"], 0),
    (["connect", "SNS", "Lambda", "--json"], 0),
    (["connect", "SQS", "Glacier", "--max-hops", "4"], 0),
    (["describe", "SQS", "--json"], 0),
    (["describe", "Lambda"], 0),
    (["facts", "DynamoDB", "--json"], 0),
    (["check", "--json"], 3),
    (["ask", "How long can a Lambda function run?"], 0),
    (["ask", "what connects CodeCommit to CodeDeploy", "--json"], 0),
    (["ask", "kafka retention"], 1),
])
def test_commands_answer_the_same_from_the_server(twins, args, status):
    embedded, server = on_both(twins, args)
    assert embedded.exit_code == status, embedded.output
    assert (server.exit_code, server.stdout, server.stderr) == (embedded.exit_code, embedded.stdout, embedded.stderr)
    assert len(embedded.stdout if status != 1 else embedded.stderr) > 20


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "ntriples", "jsonld", "graphml", "cytoscape",
                                 "mermaid", "dot"])
def test_exports_from_the_server_are_byte_identical(twins, fmt):
    """Diagrams are byte-identical from any server; RDF is in the order the store gives quads,
    which only an Oxigraph server shares with the embedded store: from Virtuoso the same quads."""
    embedded, server = on_both(twins, ["export", "-o", "-", "--format", fmt])
    assert server.exit_code == embedded.exit_code == 0, server.output
    assert len(embedded.stdout_bytes) > 1000
    if twins.server == "oxigraph" or fmt in DIAGRAMS:
        assert server.stdout_bytes == embedded.stdout_bytes
    else:
        assert _quads(server.stdout_bytes, fmt) == _quads(embedded.stdout_bytes, fmt)


DIAGRAMS = {"graphml", "cytoscape", "mermaid", "dot"}


def _quads(data: bytes, fmt: str) -> set:
    formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE,
               "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    quads = set(ox.parse(data, format=formats[fmt]))
    assert not any(isinstance(term, ox.BlankNode) for q in quads for term in q), "blank nodes need isomorphism"
    return quads


def test_the_whole_dataset_and_its_graphs_match(twins):
    assert quads_of(twins.url) == quads_of(twins.embedded)
    with open_store(twins.url) as server, open_store(twins.embedded) as embedded:
        assert [g.value for g in server.graph_names()] == [g.value for g in embedded.graph_names()]
        assert len(server) == len(embedded) > 50_000


def test_kg_ask_fast_path_answers_from_the_server(twins):
    """The console script's Typer-free path (cli/main.py) with --db URL and with KG_DB=URL."""
    question = "max SQS message size"
    embedded = subprocess.run([KG, "ask", question, "--db", twins.embedded], capture_output=True, text=True)
    by_option = subprocess.run([KG, "ask", question, "--db", twins.url], capture_output=True, text=True)
    by_env = subprocess.run([KG, "ask", question], capture_output=True, text=True,
                            env={**os.environ, "KG_DB": twins.url})
    assert embedded.returncode == 0 and "256 KB" in embedded.stdout
    assert (by_option.returncode, by_option.stdout) == (0, embedded.stdout)
    assert (by_env.returncode, by_env.stdout) == (0, embedded.stdout)


# ---------------------------------------------------------------- ingest to a server

def _write_notes(folder: Path, sqs_size: str = "256 KB") -> None:
    folder.mkdir(exist_ok=True)
    (folder / "sqs.md").write_text(f"# SQS\n- Messages are up to {sqs_size} in size\n"
                                   "- Messages stay in the queue up to 14 days\n", encoding="utf-8")
    (folder / "lambda.md").write_text("# Lambda\n- Up to 15 minutes of execution\n"
                                      "- SNS fans out to SQS and Lambda\n", encoding="utf-8")


def test_reingest_replaces_a_changed_note_and_drops_a_deleted_one(fresh_server, tmp_path):
    notes, embedded = tmp_path / "notes", str(tmp_path / "embedded")
    _write_notes(notes)
    for db in (embedded, fresh_server):
        assert "2 added" in runner.invoke(app, ["ingest", str(notes), "--db", db]).stdout
        assert "2 unchanged" in runner.invoke(app, ["ingest", str(notes), "--db", db]).stdout
    before = quads_of(fresh_server)
    assert before == quads_of(embedded)

    _write_notes(notes, sqs_size="1 MB")
    (notes / "lambda.md").unlink()
    for db in (embedded, fresh_server):
        result = runner.invoke(app, ["ingest", str(notes), "--db", db])
        assert result.exit_code == 0, result.output
        assert "1 updated" in result.stdout and "1 removed" in result.stdout
    after = quads_of(fresh_server)
    assert after == quads_of(embedded) and after != before
    with open_store(fresh_server) as store:
        graphs = {g.value for g in store.graph_names()}
        assert note_iri(notes / "sqs.md") in graphs and note_iri(notes / "lambda.md") not in graphs
        texts = [r["t"] for r in store.select("SELECT ?t WHERE { GRAPH ?g { ?s <http://www.w3.org/ns/prov#value> ?t } }")]
        assert any("1 MB" in t for t in texts) and not any("256 KB" in t for t in texts)


def test_a_note_bigger_than_one_request_is_written_in_parts(fresh_server, tmp_path, monkeypatch):
    import kg.sparql
    from kg.ingest import ingest_paths

    notes, embedded = tmp_path / "notes", tmp_path / "embedded"
    _write_notes(notes)
    monkeypatch.setenv("KG_SPARQL_MAX_BYTES", "1500")
    requests = []
    real = kg.sparql.ServerStore._update
    monkeypatch.setattr(kg.sparql.ServerStore, "_update", lambda self, body: (requests.append(len(body)), real(self, body)))
    for size in ("256 KB", "1 MB"):         # a new graph, then a replaced one
        _write_notes(notes, sqs_size=size)
        with open_store(fresh_server, write=True) as store:
            ingest_paths(store, [notes])
        with open_store(embedded, write=True) as store:
            ingest_paths(store, [notes])
    assert len(requests) > 20 and max(requests) < 1500 + 100
    assert quads_of(fresh_server) == quads_of(str(embedded))
    with open_store(fresh_server) as store:
        assert not [g for g in store.graph_names() if "staging" in g.value]


def test_ingest_into_a_read_only_server_store_object_is_refused(fresh_server):
    from kg.errors import StoreWriteFailed

    with open_store(fresh_server) as store, pytest.raises(StoreWriteFailed, match="read-only"):
        store.replace_graph("urn:g", ['<urn:a> <urn:b> "c" .'])


def test_an_empty_server_is_an_error_not_a_silent_ingest(fresh_server):
    result = runner.invoke(app, ["ask", "max SQS message size", "--db", fresh_server])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"Error: The SPARQL endpoint {fresh_server} holds no notes yet; "
                             f"load them with 'kg ingest --db {fresh_server}'.\n")
    with open_store(fresh_server) as store:
        assert len(store) == 0


# ---------------------------------------------------------------- kg sparql

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.mark.parametrize("update", [
    "DROP ALL", "drop all", "  # a comment\nCLEAR ALL", "PREFIX x: <urn:x#> INSERT DATA { x:a x:b x:c }",
    "BASE <urn:b> DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:1/x>", "CREATE GRAPH <urn:new>", "MOVE DEFAULT TO <urn:x>",
])
def test_sparql_refuses_updates_without_allow_update(twins, update):
    before = fingerprint(twins.url), fingerprint(twins.embedded)
    for db in (twins.embedded, twins.url):
        result = runner.invoke(app, ["sparql", update, "--db", db])
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == ("Error: This is a SPARQL update, and kg sparql is read-only; "
                                 "add --allow-update to change the graph.\n")
    assert (fingerprint(twins.url), fingerprint(twins.embedded)) == before


@pytest.mark.parametrize("text", [f"{COUNT} ; DROP ALL", "SELEC * WHERE { ?s ?p ?o }", "DROP ALL ; SELECT * {}"])
def test_sparql_syntax_errors_are_one_line_and_change_nothing(twins, text):
    before = fingerprint(twins.url)
    for db in (twins.embedded, twins.url):
        result = runner.invoke(app, ["sparql", text, "--db", db, "--allow-update"])
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        if not text.startswith("DROP"):
            assert result.stderr.startswith("Error: The SPARQL text does not parse: "), result.stderr
            if twins.server == "oxigraph":          # Virtuoso's own words: "SP030: ... syntax error at"
                assert result.stderr.startswith("Error: The SPARQL text does not parse: error at 1:")
    assert fingerprint(twins.url) == before


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_sparql_select_prints_the_same_on_both(twins, fmt):
    # kg's graphs, which name themselves: a server may hold others (Virtuoso's system graphs)
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g <https://example.org/kg#sha256> ?d . ?s ?p ?o } } "
             "GROUP BY ?g ORDER BY ?g")
    embedded, server = on_both(twins, ["sparql", query, "--format", fmt])
    assert server.exit_code == embedded.exit_code == 0, server.output
    assert server.stdout == embedded.stdout
    if fmt == "json":
        rows = json.loads(server.stdout)["results"]["bindings"]
        assert len(rows) == 6 and all(int(r["n"]["value"]) > 100 for r in rows)
    elif fmt == "table":
        assert server.stdout.splitlines()[0].split() == ["?g", "?n"] and server.stdout.endswith("(6 rows)\n")


def test_sparql_ask_construct_and_the_json_alias(twins):
    embedded, server = on_both(twins, ["sparql", "ASK { GRAPH ?g { ?s a <https://example.org/kg#Note> } }"])
    assert server.stdout == embedded.stdout == "true\n"
    embedded, server = on_both(twins, ["sparql", "ASK { GRAPH ?g { ?s a <urn:nothing> } }", "--json"])
    assert json.loads(server.stdout) == json.loads(embedded.stdout) == {"head": {}, "boolean": False}
    query = ("CONSTRUCT { ?n <urn:path> ?p } WHERE { GRAPH ?g { ?n a <https://example.org/kg#Note> ; "
             "<https://example.org/kg#path> ?p } }")
    embedded, server = on_both(twins, ["sparql", query])
    parsed = list(ox.parse(server.stdout.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == 5
    assert sorted(server.stdout.splitlines()) == sorted(embedded.stdout.splitlines())


def test_sparql_update_runs_with_allow_update(fresh_server, tmp_path):
    update = 'INSERT DATA { GRAPH <urn:kg:test> { <urn:a> <urn:b> "c\\"} ; DROP ALL" } }'
    for db in (str(tmp_path / "embedded"), fresh_server):
        result = runner.invoke(app, ["sparql", update, "--allow-update", "--db", db])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["sparql", "SELECT ?o WHERE { GRAPH <urn:kg:test> { ?s ?p ?o } }",
                                     "--format", "csv", "--db", db])
        assert result.stdout.splitlines() == ["o", '"c""} ; DROP ALL"']


def test_sparql_reads_the_query_from_stdin(twins):
    result = runner.invoke(app, ["sparql", "-", "--format", "csv", "--db", twins.url], input=COUNT)
    assert result.exit_code == 0 and int(result.stdout.splitlines()[1]) > 50_000


# ---------------------------------------------------------------- bound values stay values

@settings(max_examples=300, deadline=None)
@given(st.text())
@example('"} ; DROP ALL ; SELECT * WHERE { "')
@example("\\")
@example('\\" } ; DROP ALL #')
@example("\\u0022 } } ; DROP ALL")
@example("'''\"\"\"\n\r")
def test_any_text_round_trips_as_one_literal(text):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"), ox.NamedNode("urn:g")))
    query = bind_values("SELECT ?x ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"x": Lit(text)})
    assert query_form(query) == "select"
    rows = list(store.query(query))
    assert [(r["x"], r["o"]) for r in rows] == [(ox.Literal(text), ox.Literal("c"))]
    assert len(store) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcXYZ019-._~!$&'()*+,;=:@/éß✓"), max_size=30))
def test_safe_iris_round_trip(tail):
    iri = "urn:x:" + tail
    rows = list(ox.Store().query(bind_values("SELECT ?x WHERE { }", {"x": IRI(iri)})))
    assert [r["x"] for r in rows] == [ox.NamedNode(iri)]


@given(st.text(max_size=20), st.sampled_from(list('<>"{}|^`\\ \n\t\x00')), st.text(max_size=20))
def test_iris_with_forbidden_characters_are_refused(head, bad, tail):
    with pytest.raises(InvalidTerm):
        bind_values("SELECT ?x WHERE { }", {"x": IRI("urn:" + head + bad + tail)})


def test_variable_names_are_checked():
    with pytest.raises(ValueError):
        bind_values("SELECT ?x WHERE { }", {"x } DROP ALL": Lit("a")})


_DATA = [("urn:s1", "urn:p", "a", "urn:g1"), ("urn:s1", "urn:q", "1", "urn:g1"), ("urn:s2", "urn:p", "b", "urn:g1"),
         ("urn:s2", "urn:p", "a", "urn:g2"), ("urn:s3", "urn:q", "2", "urn:g2")]
_SHAPES = [  # (query, variable bound): the shapes kg binds into, and harder ones; pyoxigraph
    # substitutes only variables of the projection, and so does kg
    ("SELECT ?s ?o WHERE { GRAPH ?g { ?s <urn:p> ?o } }", "s"),
    ("SELECT ?s ?o ?g WHERE { GRAPH ?g { ?s <urn:p> ?o } }", "g"),
    ("SELECT ?s ?n ?x WHERE { GRAPH ?g { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?n FILTER(?n != ?x) } } }", "x"),
    ("SELECT ?g (COUNT(?s) AS ?c) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "g"),
    ("SELECT ?o (COUNT(*) AS ?c) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?o", "o"),
    ("SELECT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { GRAPH ?g { ?s <urn:q> ?o2 } } }", "g"),
    ("PREFIX u: <urn:> SELECT DISTINCT ?s ?o WHERE { { GRAPH ?g { ?s u:p ?o } } UNION { GRAPH ?g { ?s u:q ?o } } }", "o"),
    ("SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o LIMIT 2", "s"),
    ("SELECT ?s ?x WHERE { GRAPH ?g { ?s ?p ?o FILTER EXISTS { ?s <urn:q> ?n FILTER(?n != ?x) } } }", "x"),
    ("SELECT ?s ?x WHERE { { GRAPH ?g { ?s <urn:p> ?x } } UNION { GRAPH ?g { ?s <urn:q> ?o FILTER(?o != ?x) } } }", "x"),
    ("SELECT ?o ?s WHERE { { SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } } }", "o"),
]
_VALUES = st.one_of(st.sampled_from(["urn:s1", "urn:s2", "urn:g1", "urn:g2", "urn:nope"]).map(IRI),
                    st.sampled_from(["a", "b", "1", "2", "zz"]).map(Lit), st.text(max_size=5).map(Lit))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SHAPES), _VALUES)
def test_values_binding_gives_what_pyoxigraph_substitutions_give(shape, term):
    query, var = shape
    store = ox.Store()
    for s, p, o, g in _DATA:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o), ox.NamedNode(g)))
    native = ox.NamedNode(term.value) if term.is_iri else ox.Literal(term.value)
    substituted = store.query(query, substitutions={ox.Variable(var): native})
    bound = store.query(bind_values(query, {var: term}))
    names = [v.value for v in substituted.variables]
    assert names == [v.value for v in bound.variables]

    def rows(result):
        return sorted(tuple(str(r[n]) for n in names) for r in result)
    assert rows(bound) == rows(substituted)


def test_hostile_values_round_trip_through_the_server(twins):
    with open_store(twins.url) as server:
        total = server.select(COUNT)[0]["n"]
        for text in HOSTILE:
            assert server.select("SELECT ?x WHERE { }", x=Lit(text)) == [{"x": text}]
            assert server.select(COUNT, x=Lit(text))[0]["n"] == total
        assert server.select("SELECT ?x WHERE { }", x=Lit(7)) == [{"x": 7}]
        assert server.ask("ASK { FILTER(?x) }", x=Lit(True))
    assert quads_of(twins.url) == quads_of(twins.embedded)


def test_query_form_reads_the_first_keyword_after_the_prologue():
    assert query_form("PREFIX a: <urn:drop#all> BASE <urn:b> # DROP\n select * {}") == "select"
    assert query_form("  # SELECT\n drop graph <urn:x>") == "update"
    assert query_form("PREFIX ex: <urn:select> INSERT DATA {}") == "update"
    assert query_form('SELECT ("DROP" AS ?x) {}') == "select"
    assert query_form("CONSTRUCT WHERE { ?s ?p ?o }") == "construct"
    assert query_form("") is None and query_form("SELEC * {}") is None


# ---------------------------------------------------------------- endpoint URLs

def test_endpoint_paths_follow_the_environment():
    fuseki = parse_endpoint("http://db.example:3030/ds/", {"KG_SPARQL_QUERY": "sparql", "KG_SPARQL_UPDATE": "/update"})
    assert (fuseki.url("query"), fuseki.url("update")) == ("http://db.example:3030/ds/sparql",
                                                           "http://db.example:3030/ds/update")
    graphdb = parse_endpoint("https://g.example/repositories/kg", {"KG_SPARQL_QUERY": "", "KG_SPARQL_UPDATE": "statements"})
    assert graphdb.url("query") == "https://g.example:443/repositories/kg"
    assert graphdb.url("update") == "https://g.example:443/repositories/kg/statements"
    oxigraph = parse_endpoint("http://[::1]:7878", {})
    assert (oxigraph.url("query"), oxigraph.user) == ("http://[::1]:7878/query", None)


@pytest.mark.parametrize("url, why", [("ftp://h:1", "http://"), ("http://bob:hunter2@127.0.0.1:1", "credentials"),
                                      ("http://127.0.0.1:1/?a=b", "query"), ("http://:1", "no host")])
def test_bad_endpoint_urls_are_refused_without_echoing_a_password(url, why):
    with pytest.raises(EndpointInvalid, match=why) as error:
        parse_endpoint(url, {})
    assert "hunter2" not in str(error.value)
    result = runner.invoke(app, ["stats", "--db", url])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "hunter2" not in result.stderr


# ---------------------------------------------------------------- HTTP failures

class _Recorder(BaseHTTPRequestHandler):
    """A stand-in server: records the Authorization header; the path picks the answer."""

    seen: list = []

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append(self.headers.get("Authorization"))
        status, body, ctype = 200, b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}}]}}', \
            "application/sparql-results+json"
        if self.path.startswith("/xml/"):        # a server that answers in XML whatever kg prefers
            ctype = "application/sparql-results+xml"
            body = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
                    b'<variable name="n"/></head><results><result><binding name="n"><literal>1</literal></binding>'
                    b'</result></results></sparql>')
        elif self.path.startswith("/denied/"):
            status, body, ctype = 401, b"<html>login</html>", "text/html"
        elif self.path.startswith("/missing/"):
            status, body, ctype = 404, b"not here", "text/plain"
        elif self.path.startswith("/broken/"):
            status, body, ctype = 500, b"boom: the disk is full\nsecond line", "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_results_in_json_or_xml_are_read_as_well_as_tsv(recorder):
    for base in ("", "/xml"):
        result = runner.invoke(app, ["sparql", "SELECT ?n WHERE { }", "--format", "csv", "--db", recorder + base])
        assert (result.exit_code, result.stdout.splitlines()) == (0, ["n", "1"]), result.output
        with open_store(recorder + base) as store:
            assert store.select("SELECT ?n WHERE { }") == [{"n": "1"}]


def test_credentials_come_from_the_environment_as_basic_auth(recorder):
    env = {"KG_SPARQL_USER": "alice", "KG_SPARQL_PASSWORD": "s3cret:x"}
    result = runner.invoke(app, ["sparql", "SELECT ?n WHERE { }", "--format", "csv", "--db", recorder], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "1"]
    assert _Recorder.seen == ["Basic " + base64.b64encode(b"alice:s3cret:x").decode()]
    result = runner.invoke(app, ["sparql", "SELECT ?n WHERE { }", "--db", recorder],
                           env={"KG_SPARQL_USER": None, "KG_SPARQL_PASSWORD": None})
    assert result.exit_code == 0 and _Recorder.seen[-1] is None


@pytest.mark.parametrize("base, expected", [
    ("/denied", "refused access (HTTP 401 Unauthorized); check KG_SPARQL_USER and KG_SPARQL_PASSWORD."),
    ("/missing", "answered 404 Not Found: no SPARQL service at that path"),
    ("/broken", "failed: HTTP 500 Internal Server Error: boom: the disk is full."),
])
def test_http_errors_are_one_line_naming_the_url_not_the_password(recorder, base, expected):
    env = {"KG_SPARQL_USER": "alice", "KG_SPARQL_PASSWORD": "s3cret"}
    result = runner.invoke(app, ["stats", "--db", recorder + base], env=env)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert f"{recorder}{base}/query" in result.stderr and expected in result.stderr
    assert "s3cret" not in result.stderr and "alice" not in result.stderr


def test_an_unreachable_server_is_a_one_line_error():
    url = f"http://127.0.0.1:{free_port()}"
    fast = subprocess.run([KG, "ask", "max SQS message size", "--db", url], capture_output=True, text=True)
    assert fast.returncode == 1 and fast.stdout == ""
    assert fast.stderr == (f"Error: Cannot reach the SPARQL endpoint {url}/query: connection refused. "
                           "Check the URL and that the server is running.\n")
    for args in (["ingest", str(NOTES)], ["export", "-o", "-"], ["check"], ["sparql", COUNT]):
        result = runner.invoke(app, [*args, "--db", url])
        assert result.exit_code == 1 and result.stderr.startswith(f"Error: Cannot reach the SPARQL endpoint {url}/")
        assert result.stderr.count("\n") == 1


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)            # accepts connections, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        result = runner.invoke(app, ["stats", "--db", url], env={"KG_SPARQL_TIMEOUT": "0.5"})
        assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert result.stderr == (f"Error: The SPARQL endpoint {url}/query did not answer within 0.5 s "
                             "(KG_SPARQL_TIMEOUT sets the limit).\n")


# ---------------------------------------------------------------- kg serve

def _small_store(tmp_path: Path) -> str:
    notes, db = tmp_path / "notes", str(tmp_path / "store")
    _write_notes(notes)
    assert runner.invoke(app, ["ingest", str(notes), "--db", db]).exit_code == 0
    return db


@contextlib.contextmanager
def kg_serve(*args: str):
    proc = subprocess.Popen([KG, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Serving "), line + proc.stderr.read()
        yield proc, line.split(" at ", 1)[1].split(" ", 1)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kg_serve_answers_queries_holds_the_lock_and_stops(oxigraph_program, tmp_path):
    db = _small_store(tmp_path)
    with open_store(db) as store:
        expected = store.select(COUNT)[0]["n"]
    port = free_port()
    with kg_serve("--db", db, "--port", str(port)) as (proc, url):
        assert url == f"http://127.0.0.1:{port}"
        result = runner.invoke(app, ["sparql", COUNT, "--format", "csv", "--db", url])
        assert result.exit_code == 0 and result.stdout.splitlines()[1] == str(expected)
        assert runner.invoke(app, ["ask", "max SQS message size", "--db", url]).stdout.startswith("256 KB")
        locked = subprocess.run([KG, "stats", "--db", db], capture_output=True, text=True,
                                env={**os.environ, "KG_LOCK_TIMEOUT": "0.3"})
        assert locked.returncode == 1 and "Try again when it has finished" in locked.stderr, locked.stderr
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        assert "Stopped." in proc.stderr.read()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    EmbeddedStore(Path(db), write=True, lock_timeout=1).close()     # the lock is free again


def test_kg_serve_read_only_refuses_updates_and_lets_kg_read_the_folder(oxigraph_program, tmp_path):
    db = _small_store(tmp_path)
    with kg_serve("--db", db, "--port", str(free_port()), "--read-only") as (proc, url):
        result = runner.invoke(app, ["sparql", "CLEAR ALL", "--allow-update", "--db", url])
        assert result.exit_code == 1 and "HTTP 403 Forbidden: The server is read-only" in result.stderr
        assert runner.invoke(app, ["stats", "--db", db, "--json"]).exit_code == 0
        writer = subprocess.run([KG, "ingest", str(tmp_path / "notes"), "--db", db], capture_output=True, text=True,
                                env={**os.environ, "KG_LOCK_TIMEOUT": "0.3"})
        assert writer.returncode == 1 and "is locked" in writer.stderr
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0


def test_kg_serve_on_a_taken_port_is_a_one_line_error(oxigraph_program, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([KG, "serve", "--db", str(tmp_path / "store"), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"Error: The SPARQL server did not start: cannot listen on 127.0.0.1:{port} "
                             "(address already in use).\n")


def test_kg_serve_without_oxigraph_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr == "Error: The 'oxigraph' server program is not installed; pip install 'kg[server]'.\n"


def test_kg_serve_refuses_a_url_and_a_port_in_the_address(tmp_path):
    result = runner.invoke(app, ["serve", "--db", "http://127.0.0.1:7878"])
    assert result.exit_code == 2 and "not a URL" in result.output
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "store"), "--bind", "127.0.0.1:9999"])
    assert result.exit_code == 2 and "--port" in result.output
