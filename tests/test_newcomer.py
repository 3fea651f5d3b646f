"""A newcomer's session (issue 12), the parts tests/test_safety.py leaves out: every listed note
extension, sockets and devices among the notes, a pipe as an export target, a lock released while
kg waits, an interrupted `kg ingest` into a new store, forgetting the bundled notes, a store folder
given as the notes, an old store without its completion marker, and the README's pictures."""

import json
import os
import pty
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from kg.facts import graph_stats
from kg.store import STORE_MARKER, open_store

from conftest import N001, N004, NOTES, ROOT

runner = CliRunner()
SQS = "# SQS\n- Messages are up to 256 KB in size\n"


def kg(*args, env=None, **kwargs):
    """Run the real console entry point in another process."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], text=True,
                          env=env or os.environ.copy(), **kwargs)


def home_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "KG_DB"}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / "data"),
               XDG_CACHE_HOME=str(tmp_path / "home" / "cache"))
    return env


def stats(db):
    with open_store(db) as store:
        return graph_stats(store)


def on_terminal(args, stream: str, env=None) -> tuple[int, str, str]:
    """Run kg with `stream` ("stdout" or "stderr") on a pseudo-terminal; (status, pipe text, terminal text)."""
    leader, follower = pty.openpty()
    other = "stderr" if stream == "stdout" else "stdout"
    proc = subprocess.Popen([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT, env=env or os.environ.copy(),
                            **{stream: follower, other: subprocess.PIPE})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:         # the terminal's other end closed
            break
        if not chunk:
            break
        seen += chunk
    piped = getattr(proc, other).read()
    proc.wait(timeout=120)
    os.close(leader)
    return proc.returncode, piped.decode(errors="replace"), seen.decode(errors="replace")


# ---------------------------------------------------------------- what a note is

NOTE_EXTENSIONS = ["md", "markdown", "txt", "text", "org", "rst", "adoc", "csv", "tsv", "html"]


def test_every_extension_the_readme_lists_is_a_note_and_other_files_are_not(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    for ext in NOTE_EXTENSIONS:
        (folder / f"sqs.{ext}").write_text(SQS, encoding="utf-8")
    (folder / "NOTES").write_text(SQS, encoding="utf-8")             # no extension, text inside
    for name in ("diagram.png", "scan.pdf", "Board.canvas", "data.json", "report.docx"):   # near misses
        (folder / name).write_bytes(b"SQS messages are up to 256 KB\n")
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "db"), "--json"])
    assert result.exit_code == 0 and result.stderr == "", result.output
    report = json.loads(result.stdout)
    assert sorted(Path(p).name for p in report["added"]) == sorted([*(f"sqs.{e}" for e in NOTE_EXTENSIONS), "NOTES"])
    assert report["ignored"] == 5


def test_sockets_and_devices_among_the_notes_are_skipped_with_a_warning(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "sqs.md").write_text(SQS, encoding="utf-8")
    os.mknod(folder / "null.md", stat.S_IFCHR | 0o666, os.makedev(1, 3))      # a copy of /dev/null
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "sock.md"))
    try:
        done = kg("ingest", folder, "--db", tmp_path / "db", timeout=120)
    finally:
        listener.close()
    assert done.returncode == 4 and "Traceback" not in done.stderr, done.stderr
    assert f"Warning: skipped {folder / 'null.md'}: a device" in done.stderr
    assert f"Warning: skipped {folder / 'sock.md'}: a socket" in done.stderr
    assert stats(tmp_path / "db")["notes"] == 1


def test_a_store_folder_given_as_the_notes_is_not_read_as_notes(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "sqs.md").write_text(SQS, encoding="utf-8")
    old = tmp_path / "old"
    assert runner.invoke(app, ["ingest", str(notes), "--db", str(old)]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(old), str(old / "CURRENT"), "--db", str(tmp_path / "db"), "--json"])
    assert "Traceback" not in result.output
    added = json.loads(result.stdout)["added"] if result.exit_code in (0, 4) else []
    assert added == [], added                      # CURRENT, LOG, IDENTITY... are kg's own files
    assert result.exit_code == 4 and f"Warning: skipped {old}: a kg store" in result.stderr, result.output
    # the near miss: the notes folder beside it, given the same way, is read
    again = runner.invoke(app, ["ingest", str(notes), "--db", str(tmp_path / "db"), "--json"])
    assert again.exit_code == 0 and [Path(p).name for p in json.loads(again.stdout)["added"]] == ["sqs.md"]


# ---------------------------------------------------------------- exports write regular files only

def test_an_export_into_a_named_pipe_is_refused_without_opening_it(bundled_db, tmp_path):
    pipe = tmp_path / "graph.ttl"
    os.mkfifo(pipe)
    done = kg("export", "-o", pipe, "--force", "--service", "SQS", "--db", bundled_db, timeout=120)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr == f"Error: {pipe} is a named pipe, not a regular file; kg writes only regular files.\n"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_jsonld_without_a_hyphen_is_accepted(bundled_db):
    import rdflib

    result = runner.invoke(app, ["export", "-f", "jsonld", "--service", "SQS", "--db", str(bundled_db)])
    assert result.exit_code == 0, result.output
    assert len(rdflib.Dataset().parse(data=result.stdout_bytes, format="json-ld")) > 100


@pytest.mark.parametrize("args", [["connect", "SNS", "SQS", "-f", "png"], ["export", "-f", "anki", "--service", "SQS"]])
def test_binary_drawings_and_decks_are_refused_on_a_terminal_and_piped_elsewhere(bundled_db, args):
    code, err, seen = on_terminal([*args, "--db", bundled_db], "stdout")
    assert (code, seen) == (2, ""), err
    assert err.startswith("Error: ") and "binary" in err and err.count("\n") == 1
    piped = subprocess.run([sys.executable, "-m", "cli", *args, "--db", str(bundled_db)], capture_output=True,
                           cwd=ROOT, timeout=120)
    assert piped.returncode == 0 and piped.stdout[:4] in (b"\x89PNG", b"PK\x03\x04")


# ---------------------------------------------------------------- a lock that is let go

HOLD = """
import sys, time
from kg.store import open_store
with open_store(sys.argv[1], write=True):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_reader_waits_for_a_writer_says_so_with_progress_and_then_answers(tmp_path):
    db = tmp_path / "db"
    (tmp_path / "n.md").write_text(SQS, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path / "n.md"), "--db", str(db)]).exit_code == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "3"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        code, out, err = on_terminal(["stats", "--json", "--db", db], "stderr")
    finally:
        holder.wait(timeout=60)
    assert code == 0 and json.loads(out)["notes"] == 1, err
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert first.startswith(f"Waiting for the store {db}: it is in use by pid {holder.pid} (")
    assert "kg waits up to 30 s (KG_LOCK_TIMEOUT)" in first
    assert re.search(r"\r  waited [1-9]\d* s \.\.\.", err)        # the progress line, on a terminal


def test_an_interrupted_ingest_into_a_new_store_keeps_nothing(tmp_path):
    db = tmp_path / "db"
    proc = subprocess.Popen([sys.executable, "-m", "cli", "ingest", str(NOTES), "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".db.building-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the ingest finished before the signal")
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "Interrupted" in err and err.count("\n") == 1
    assert not db.exists() and not list(tmp_path.glob(".db.building-*"))
    again = runner.invoke(app, ["stats", "--db", str(db)])
    assert again.exit_code == 1 and "There is no kg store" in again.stderr


# ---------------------------------------------------------------- the bundled notes

def test_notes_lists_the_bundled_notes_with_their_dates_and_forget_removes_one_or_all(tmp_path):
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["ingest", "--db", db]).exit_code == 0          # the bundled notes
    listed = json.loads(runner.invoke(app, ["notes", "--db", db, "--json"]).stdout)
    assert len(listed) == 5 and {n["root"] for n in listed} == {"bundled:"}
    dates = {Path(n["path"]).name: n["date"] for n in listed}
    assert dates[N001] == "2022-11-02" and dates[N004] is None   # 001 is dated in its text; 004 is not
    one = next(n["path"] for n in listed if n["path"].endswith(N004))
    gone = runner.invoke(app, ["forget", one, "--db", db])
    assert gone.exit_code == 0 and gone.stdout.startswith("Forgot 1 note"), gone.output
    rest = runner.invoke(app, ["forget", "bundled:", "--db", db])
    assert rest.exit_code == 0 and rest.stdout.startswith("Forgot 4 notes"), rest.output
    assert stats(db)["notes"] == 0
    again = runner.invoke(app, ["forget", "bundled:", "--db", db])
    assert again.exit_code == 1 and "kg notes" in again.stderr


def test_forget_never_takes_the_bundled_notes_with_a_folder_nor_an_empty_path(tmp_path):
    """`kg forget ""` (an unset variable) and `kg forget <a folder holding kg's install>` forgot
    every note, the bundled ones too; the near miss, a folder of the user's notes, still works."""
    db = str(tmp_path / "db")
    notes = tmp_path / "mine"
    notes.mkdir()
    (notes / "sqs.md").write_text("# SQS\n- Messages are up to 256 KB in size\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", "--db", db]).exit_code == 0          # the bundled notes
    assert runner.invoke(app, ["ingest", str(notes), "--db", db]).exit_code == 0
    empty = runner.invoke(app, ["forget", "", "--db", db])
    assert empty.exit_code == 2 and "empty" in empty.stderr and stats(db)["notes"] == 6
    listed = json.loads(runner.invoke(app, ["notes", "--db", db, "--json"]).stdout)
    install = str(Path(next(n["path"] for n in listed if n["root"] == "bundled:")).parents[1])
    above = runner.invoke(app, ["forget", install, "--db", db])
    assert above.exit_code == 1 and stats(db)["notes"] == 6, above.output
    assert "'kg forget bundled:' does" in above.stderr
    mine = runner.invoke(app, ["forget", str(tmp_path), "--db", db])
    assert mine.exit_code == 0 and mine.stdout.startswith("Forgot 1 note") and stats(db)["notes"] == 5


def test_an_old_default_store_without_its_marker_is_finished_and_says_so(tmp_path):
    env = home_env(tmp_path)
    assert kg("stats", env=env, timeout=300).returncode == 0                 # first use builds it
    store = tmp_path / "home" / "data" / "kg" / "store"
    path = next(n["path"] for n in json.loads(kg("notes", "--json", env=env).stdout) if n["path"].endswith(N004))
    assert kg("forget", path, env=env).returncode == 0
    (store / STORE_MARKER).unlink()          # what an older kg's interrupted first use left behind
    done = kg("ask", "lambda max memory", env=env, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"The graph in {store} was left unfinished") and done.stderr.count("\n") == 1
    assert "10,240 MB" in done.stdout
    assert (store / STORE_MARKER).is_file() and stats(store)["notes"] == 5
    again = kg("ask", "lambda max memory", env=env, timeout=300)      # finished once, then read as it is
    assert (again.returncode, again.stderr, again.stdout) == (0, "", done.stdout)


def test_an_older_store_without_the_marker_is_still_read(tmp_path):
    """A store written by `kg ingest --db` before the marker existed stays usable."""
    db = tmp_path / "db"
    (tmp_path / "n.md").write_text(SQS, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path / "n.md"), "--db", str(db)]).exit_code == 0
    (db / STORE_MARKER).unlink()
    for command in (["stats", "--json"], ["ingest", str(tmp_path / "n.md")]):
        result = runner.invoke(app, [*command, "--db", str(db)])
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert stats(db)["notes"] == 1


# ---------------------------------------------------------------- conventions

def test_sparql_service_is_refused_in_any_case(bundled_db):
    query = "select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = runner.invoke(app, ["sparql", query, "--db", str(bundled_db)])
    assert (result.exit_code, result.stdout) == (1, "") and "--allow-service" in result.stderr


def test_version_and_short_help_through_the_console_entry_point():
    from importlib.metadata import version

    assert kg("--version").stdout == f"kg {version('kg')}\n"
    assert kg("-h").stdout == kg("--help").stdout and "Usage: kg" in kg("-h").stdout
    assert kg("ask", "-h").stdout == kg("ask", "--help").stdout       # kg ask runs without Typer when it can


# ---------------------------------------------------------------- the README's pictures

def _readme_pictures() -> list[tuple[str, list[str]]]:
    """(image under docs/, the kg export arguments written above it) for each SVG the README draws."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for line in text.split("## Diagrams", 1)[1].split("\n## ", 1)[0].splitlines():
        for command in re.findall(r"kg export -o (docs/\S+\.svg)([^#\n]*)", line):
            found.append((command[0], command[1].split()))
    return found


def _svg_content(svg: str) -> tuple[set, set, list]:
    """What an SVG shows, whatever Graphviz's layout: its nodes, edges and texts (the relations
    of one edge in any order: see test_an_export_does_not_depend_on_the_hash_seed)."""
    nodes = set(re.findall(r'class="node">\s*<title>(.*?)</title>', svg))
    edges = set(re.findall(r'class="edge">\s*<title>(.*?)</title>', svg))
    return nodes, edges, sorted(t.rstrip(",") for t in re.findall(r"<text[^>]*>(.*?)</text>", svg))


def test_the_readme_names_the_command_of_each_picture():
    pictures = dict(_readme_pictures())
    assert set(pictures) == {"docs/sqs-sns-lambda.svg", "docs/overview.svg"}
    for image in pictures:
        assert (ROOT / image).is_file() and (ROOT / image.replace(".svg", ".png")).is_file()


@pytest.mark.parametrize("image", ["docs/overview.svg", "docs/sqs-sns-lambda.svg"])
def test_a_readme_picture_is_what_its_command_draws_today(bundled_db, tmp_path, image):
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    args = dict(_readme_pictures())[image]
    out = tmp_path / "drawn.svg"
    result = runner.invoke(app, ["export", "-o", str(out), *args, "--db", str(bundled_db)])
    assert result.exit_code == 0, result.output
    assert _svg_content(out.read_text(encoding="utf-8")) == _svg_content((ROOT / image).read_text(encoding="utf-8"))


@pytest.mark.parametrize("args,seeds", [(["-f", "dot"], ("1", "3")),
                                        (["-f", "dot", "--service", "SQS", "--service", "SNS", "--service", "Lambda",
                                          "--limits"], ("2", "3")),
                                        (["-f", "graphml", "--service", "Lambda", "--depth", "2"], ("1", "2"))])
def test_an_export_does_not_depend_on_the_hash_seed(bundled_db, tmp_path, args, seeds):
    """Seed 1 against 3 drew ALB -> Lambda 'writes to, triggers' against 'triggers, writes to', and
    seeds 2 and 3 drew different neighbours of SQS; each run reads the integrations itself (no cache)."""
    drawn = [kg("export", *args, "--db", bundled_db, timeout=120,
                env=dict(os.environ, PYTHONHASHSEED=seed, XDG_CACHE_HOME=str(tmp_path / f"cache{seed}")))
             for seed in seeds]
    assert all(d.returncode == 0 for d in drawn), drawn[0].stderr
    assert drawn[0].stdout == drawn[1].stdout


def test_a_diagram_is_the_same_whatever_order_its_edges_came_in(vocab):
    """write_dot of one graph built in two orders; the near miss: relations of one line are ordered
    by the notes citing them, the better attested first, not by the order they came in nor by name."""
    import networkx as nx

    from kg.export import _best_neighbours, write_dot
    from kg.facts import Source

    svc = "https://example.org/kg/service/"
    edges = [(svc + "SNS", svc + "SQS", "writes to", [Source("a.md", 1, 1, "x")]),
             (svc + "SNS", svc + "SQS", "delivers to", [Source("a.md", 2, 2, "y"), Source("b.md", 5, 5, "z")]),
             (svc + "SNS", svc + "Lambda", "triggers", [Source("a.md", 3, 3, "w")]),
             (svc + "SNS", svc + "EC2", "triggers", [Source("c.md", 3, 3, "v")])]
    drawn = []
    for order in (edges, edges[::-1]):
        g = nx.MultiDiGraph()
        for u, v, rel, sources in order:
            g.add_edge(u, v, relation=rel, directed=True, sources=tuple(sources))
        drawn.append(write_dot(g, vocab))
        # Lambda and EC2 tie (one note, one line, a specific relation each): by name, not by order
        assert _best_neighbours(g, svc + "SNS", 2) == [svc + "SQS", svc + "EC2"]
    assert drawn[0] == drawn[1]
    assert 'label="delivers to,\\nwrites to"' in drawn[0]          # two notes before one


# ---------------------------------------------------------------- settings from the environment

def test_a_lock_timeout_that_is_no_number_is_one_line_not_a_traceback(tmp_path):
    """KG_LOCK_TIMEOUT=abc printed a ValueError traceback; 2.5 (the near miss) is read."""
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["ingest", str(NOTES / N004), "--db", db]).exit_code == 0
    bad = kg("stats", "--db", db, env=dict(os.environ, KG_LOCK_TIMEOUT="abc"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == "Error: KG_LOCK_TIMEOUT is 'abc'; it must be a number of seconds, 0 or more."
    assert kg("stats", "--db", db, env=dict(os.environ, KG_LOCK_TIMEOUT="2.5")).returncode == 0
    assert kg("stats", "--db", db, env=dict(os.environ, KG_LOCK_TIMEOUT="")).returncode == 0     # unset


def test_an_ontology_folder_that_is_not_there_stops_ingest_before_it_empties_the_graph(tmp_path):
    """KG_ONTOLOGY=/nonexistent re-extracted every note with no vocabulary: 0 facts, exit 0."""
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["ingest", str(NOTES / N004), "--db", db]).exit_code == 0
    before = stats(db)
    env = dict(os.environ, KG_ONTOLOGY=str(tmp_path / "nowhere"))
    bad = kg("ingest", str(NOTES / N004), "--db", db, env=env)
    assert bad.returncode == 2 and "KG_ONTOLOGY" in bad.stderr and "Traceback" not in bad.stderr
    assert stats(db) == before
    (tmp_path / "shapes").mkdir()        # the shapes alone are no vocabulary
    (tmp_path / "shapes" / "shapes.ttl").write_text("", encoding="utf-8")
    shapes = kg("ingest", str(NOTES / N004), "--db", db, env=dict(os.environ, KG_ONTOLOGY=str(tmp_path / "shapes")))
    assert shapes.returncode == 2 and "Turtle vocabularies" in shapes.stderr and stats(db) == before


def test_a_canvas_named_on_the_command_line_is_no_note_unless_included(tmp_path):
    """`kg ingest vault/Board.canvas` read the canvas's JSON as a note (junk limits quoted in
    answers); a named .md file (the near miss) is read, and --include takes the canvas in."""
    db = str(tmp_path / "db")
    canvas = tmp_path / "Board.canvas"
    canvas.write_text('{"nodes":[{"id":"a","type":"text","text":"SQS max 2 MB"}]}', encoding="utf-8")
    note = tmp_path / "sqs.md"
    note.write_text(SQS, encoding="utf-8")
    done = runner.invoke(app, ["ingest", str(canvas), str(note), "--db", db])
    assert done.exit_code == 4 and "Board.canvas: not a note by its extension (.canvas)" in done.stderr
    assert stats(db)["notes"] == 1
    taken = runner.invoke(app, ["ingest", str(canvas), str(note), "--include", "*.canvas", "--db", db])
    assert taken.exit_code == 0 and stats(db)["notes"] == 2


def test_a_store_named_with_a_literal_tilde_is_under_the_home_folder(tmp_path):
    """`--db '~/kg'` (quoted, or KG_DB from a config file) made a folder called ~ in the
    working folder; a path without one (the near miss) is left as it is."""
    env = home_env(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    made = kg("ingest", str(NOTES / N004), "--db", "~/kg", env=env, cwd=work)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "home" / "kg").is_dir() and not (work / "~").exists()
    read = kg("stats", "--json", env=dict(env, KG_DB="~/kg"), cwd=work)
    assert read.returncode == 0 and json.loads(read.stdout)["notes"] == 1
    assert kg("stats", "--db=~/kg", env=env, cwd=work).returncode == 0


def test_a_first_build_under_way_is_not_called_interrupted_by_a_second_kg(tmp_path):
    """Two `kg ask` at once on a fresh home: the second said an earlier build was interrupted
    while the first was still building; it waits and answers. A build folder whose lock is
    free (the near miss: a killed build) is still called interrupted."""
    env = home_env(tmp_path)
    first = subprocess.Popen([sys.executable, "-m", "cli", "ask", "max SQS message size"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    store = tmp_path / "home" / "data" / "kg" / "store"
    try:
        deadline = time.monotonic() + 60
        while not list(store.parent.glob(".store.building-*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert list(store.parent.glob(".store.building-*")), "the first build never started"
        second = kg("ask", "max SQS message size", env=env, timeout=300)
        first.communicate(timeout=300)
    finally:
        first.kill()
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "Waiting for the store" in second.stderr          # it did overlap the first build
    assert "interrupted" not in second.stderr and "256 KB" in second.stdout
    from kg.store import lock_is_held

    assert not lock_is_held(store)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".db.building-1").mkdir()          # what a killed build leaves
    killed = kg("ingest", str(NOTES / N004), "--db", str(tmp_path / "other" / "db"), env=env)
    assert killed.returncode == 0 and "was interrupted; building it again" in killed.stderr
