"""Safe to trust on a real machine (issue 12): nothing half-built, nothing overwritten, kg's own
files never read as notes, only regular files read or written, and the conventions people expect."""

import json
import os
import re
import signal
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

from conftest import NOTES, ROOT

runner = CliRunner()
SQS = "# SQS\n- Messages are up to 256 KB in size\n"
LAMBDA = "# Lambda\n- Maximum execution time is 15 minutes\n"


def stats(db):
    with open_store(db) as store:
        return graph_stats(store)


def kg(*args, env=None, **kwargs):
    """Run the real console entry point in another process."""
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env or os.environ.copy(), **kwargs)


def home_env(tmp_path) -> dict:
    """An empty HOME: the default store and cache live under tmp_path."""
    env = {k: v for k, v in os.environ.items() if k != "KG_DB"}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / "data"),
               XDG_CACHE_HOME=str(tmp_path / "home" / "cache"))
    return env


def default_store(tmp_path) -> Path:
    return tmp_path / "home" / "data" / "kg" / "store"


# ---------------------------------------------------------------- 1. first use: whole or nothing

def _start_first_use(tmp_path):
    env = home_env(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "ask", "lambda max memory"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    building = default_store(tmp_path).parent
    deadline = time.monotonic() + 60
    while not list(building.glob(".store.building-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)         # some notes written into the build folder
    return proc, env


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_first_use_keeps_nothing_and_the_next_command_builds_it_all(tmp_path, sig):
    proc, env = _start_first_use(tmp_path)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    store = default_store(tmp_path)
    assert not store.exists()                               # no partial graph at the store's place
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err
        assert "Interrupted: the graph at" in err and "was not built" in err
        assert not list(store.parent.glob(".store.building-*"))
    again = kg("ask", "lambda max memory", env=env)
    assert again.returncode == 0, again.stderr
    said = "was interrupted; building it again" if sig == signal.SIGKILL else "First use"
    assert said in again.stderr
    assert stats(store)["notes"] == 5 and (store / STORE_MARKER).is_file()
    assert "10,240 MB" in again.stdout                       # the note that states it is there
    assert not list(store.parent.glob(".store.building-*"))


def test_a_new_store_from_kg_ingest_is_built_whole(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sqs.md").write_text(SQS, encoding="utf-8")
    db = tmp_path / "db"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0 and (db / STORE_MARKER).is_file()
    assert not list(tmp_path.glob(".db.building-*"))


# ---------------------------------------------------------------- 2. a store is never among the notes

def test_a_store_inside_the_notes_folder_is_refused(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sqs.md").write_text(SQS, encoding="utf-8")
    for db in (folder, folder / "store"):
        result = runner.invoke(app, ["ingest", str(folder), "--db", str(db)])
        assert (result.exit_code, result.stdout) == (1, ""), result.output
        assert "inside the notes folder" in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in folder.iterdir()) == ["sqs.md"]


def test_a_store_folder_among_the_notes_is_never_read_as_notes(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sqs.md").write_text(SQS, encoding="utf-8")
    old = tmp_path / "old"
    assert runner.invoke(app, ["ingest", str(folder / "sqs.md"), "--db", str(old)]).exit_code == 0
    old.rename(folder / "old-store")             # a store moved in among the notes
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "db"), "--json"])
    assert result.exit_code == 0, result.output
    assert [Path(p).name for p in json.loads(result.stdout)["added"]] == ["sqs.md"]


# ---------------------------------------------------------------- 3. only regular files are read

def test_a_named_pipe_is_skipped_with_a_warning_and_never_opened(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sqs.md").write_text(SQS, encoding="utf-8")
    os.mkfifo(folder / "pipe.md")
    (folder / "link.md").symlink_to(folder / "pipe.md")
    done = kg("ingest", folder, "--db", tmp_path / "db", timeout=120)
    assert done.returncode == 4, done.stderr
    assert "pipe.md: a named pipe, not a regular file" in done.stderr
    assert "link.md: a named pipe" in done.stderr and "Traceback" not in done.stderr
    assert stats(tmp_path / "db")["notes"] == 1


def test_the_reader_refuses_a_pipe_swapped_in_after_listing(tmp_path):
    from kg.files import read_regular_file
    from kg.notes import UnreadableNote

    os.mkfifo(tmp_path / "late.md")
    with pytest.raises(UnreadableNote, match="named pipe"):
        read_regular_file(tmp_path / "late.md", 1 << 20)        # returns at once: O_NONBLOCK, fstat
    (tmp_path / "ok.md").write_text(SQS, encoding="utf-8")
    assert read_regular_file(tmp_path / "ok.md", 1 << 20) == SQS.encode()


# ---------------------------------------------------------------- 4-5. exports

def test_export_never_replaces_a_device_or_a_folder(bundled_db, tmp_path):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))     # a copy of /dev/null
    result = runner.invoke(app, ["export", "-o", str(device), "-f", "turtle", "--force", "--db", str(bundled_db)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert "is a device, not a regular file" in result.stderr and "--force" not in result.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode)
    for args in (["-f", "turtle"], []):           # named as the target's kind, not as a missing extension
        result = runner.invoke(app, ["export", "-o", str(tmp_path), *args, "--db", str(bundled_db)])
        assert result.exit_code == 1 and "is a folder, not a regular file" in result.stderr
        assert "--force" not in result.stderr
        result = runner.invoke(app, ["export", "-o", str(device), *args, "--db", str(bundled_db)])
        assert result.exit_code == 1 and "is a device" in result.stderr


@pytest.mark.parametrize("name", ["map.pdf", "x.docx", "graph"])
def test_an_unknown_extension_is_refused_naming_the_formats(bundled_db, tmp_path, name):
    result = runner.invoke(app, ["export", "-o", str(tmp_path / name), "--db", str(bundled_db)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "Accepted formats: turtle (ttl, .ttl)" in result.stderr
    assert "()" not in result.stderr           # a format with no other name is shown bare
    assert not (tmp_path / name).exists()
    drawn = runner.invoke(app, ["connect", "SNS", "Lambda", "-o", str(tmp_path / name), "--db", str(bundled_db)])
    assert drawn.exit_code == 2 and "svg" in drawn.stderr and "turtle" not in drawn.stderr


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("nq", "nquads"),
                                                ("json-ld", "json-ld"), ("trig", "trig"), ("rdf/xml", "xml")])
def test_short_format_names_of_other_rdf_tools_are_accepted(bundled_db, fmt, rdflib_format):
    import rdflib

    result = runner.invoke(app, ["export", "-f", fmt, "--service", "SQS", "--db", str(bundled_db)])
    assert result.exit_code == 0, result.output
    parsed = rdflib.Dataset() if rdflib_format in ("nquads", "trig", "json-ld") else rdflib.Graph()
    parsed.parse(data=result.stdout_bytes, format=rdflib_format)
    assert len(parsed) > 100


def test_an_rdf_extension_writes_rdf_xml(bundled_db, tmp_path):
    import rdflib

    out = tmp_path / "x.rdf"
    assert runner.invoke(app, ["export", "-o", str(out), "--service", "SNS", "--db", str(bundled_db)]).exit_code == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    assert len(rdflib.Graph().parse(out, format="xml")) > 50


def test_rdf_export_of_a_service_is_its_neighbourhood(bundled_db):
    import rdflib

    from kg.vocab import default_vocabulary

    whole = rdflib.Graph().parse(data=runner.invoke(app, ["export", "-f", "nt", "--db", str(bundled_db)]).stdout,
                                 format="nt")
    part_text = runner.invoke(app, ["export", "-f", "nt", "--service", "SQS", "--depth", "1",
                                    "--db", str(bundled_db)]).stdout
    part = rdflib.Graph().parse(data=part_text, format="nt")
    assert 0 < len(part) < len(whole) / 2
    kg_ns = rdflib.Namespace("https://example.org/kg#")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    sqs = rdflib.URIRef(next(i for i, c in default_vocabulary().services.items() if c.pref.endswith("Queue Service")))
    assert (None, kg_ns.service, sqs) in part
    for fact in part.subjects(kg_ns.service, None):                  # every fact keeps its source line
        statement = part.value(fact, prov.wasDerivedFrom)
        assert statement is not None and part.value(statement, prov.value) is not None
    sources = set(part.objects(None, kg_ns.source)) | set(part.objects(None, kg_ns.target))
    assert sqs in sources
    depth0 = runner.invoke(app, ["export", "-f", "nt", "--service", "SQS", "--depth", "0", "--db", str(bundled_db)])
    services0 = set(rdflib.Graph().parse(data=depth0.stdout, format="nt").objects(None, kg_ns.service))
    assert services0 == {sqs}


def test_an_unknown_relation_is_a_usage_error_listing_the_valid_ones(bundled_db):
    result = runner.invoke(app, ["export", "-f", "dot", "--relation", "nonsense", "--db", str(bundled_db)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert "Unknown relation 'nonsense'. Valid relations:" in result.stderr and "triggers" in result.stderr
    near = runner.invoke(app, ["export", "-f", "dot", "--relation", "Triggers", "--db", str(bundled_db)])
    assert near.exit_code == 0 and "triggers" in near.stdout


def test_binary_output_is_refused_on_a_terminal(bundled_db, tmp_path):
    import pty

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "cli", "export", "-f", "png", "--db", str(bundled_db)],
                          stdout=follower, stderr=subprocess.PIPE, cwd=ROOT, text=True, timeout=120)
    os.close(follower)
    os.close(leader)
    assert done.returncode == 2 and "PNG is binary" in done.stderr


# ---------------------------------------------------------------- 6. reads build on first use, or fail

@pytest.mark.parametrize("command", [["stats", "--json"], ["facts", "SQS", "--json"]])
def test_stats_and_facts_build_the_graph_on_first_use(tmp_path, command):
    done = kg(*command, env=home_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "First use" in done.stderr and json.loads(done.stdout)
    assert stats(default_store(tmp_path))["notes"] == 5


@pytest.mark.parametrize("command", [["stats"], ["facts", "SQS"], ["ask", "max SQS message size"],
                                     ["describe", "SQS"], ["check"], ["connect", "SNS", "SQS"],
                                     ["export", "-f", "nt"], ["sparql", "ASK { ?s ?p ?o }"], ["notes"]])
def test_a_named_store_that_does_not_exist_is_an_error_for_reads(tmp_path, command):
    env = dict(home_env(tmp_path), KG_DB=str(tmp_path / "typo" / "store"))
    done = kg(*command, env=env)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr == (f"Error: There is no kg store at {tmp_path / 'typo' / 'store'}. Build one with "
                           f"'kg ingest --db {tmp_path / 'typo' / 'store'}' (or leave out --db and KG_DB to use "
                           "the default store).\n")
    assert not (tmp_path / "typo").exists()


# ---------------------------------------------------------------- 7. what a note is

@pytest.fixture
def vault(tmp_path):
    """An Obsidian-style vault: notes, pasted images, a PDF, a canvas, its settings."""
    root = tmp_path / "vault"
    (root / "attachments").mkdir(parents=True)
    (root / ".obsidian").mkdir()
    (root / "AWS").mkdir()
    (root / "AWS" / "SQS.md").write_text(SQS, encoding="utf-8")
    (root / "AWS" / "Lambda.markdown").write_text(LAMBDA, encoding="utf-8")
    (root / "journal.org").write_text("* Kinesis Data Streams\n- Retention up to 365 days\n", encoding="utf-8")
    (root / "README").write_text("# SNS\n- SNS messages are up to 256 KB\n", encoding="utf-8")
    (root / "attachments" / "Pasted image 2024.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    (root / "attachments" / "slides.pdf").write_bytes(b"%PDF-1.7\n" + bytes(300))
    (root / "Board.canvas").write_text('{"nodes":[{"text":"SQS messages are up to 256 KB"}],"edges":[]}')
    (root / "data.json").write_text('{"limit": "256 KB"}')
    (root / "blob").write_bytes(os.urandom(300) + b"\x00")
    (root / ".obsidian" / "workspace.json").write_text("{}")
    return root


def test_an_obsidian_vault_reads_its_notes_and_nothing_else(vault, tmp_path):
    result = runner.invoke(app, ["ingest", str(vault), "--db", str(tmp_path / "db"), "--json"])
    assert result.exit_code == 0 and result.stderr == "", result.output
    report = json.loads(result.stdout)
    assert sorted(Path(p).name for p in report["added"]) == ["Lambda.markdown", "README", "SQS.md", "journal.org"]
    assert report["ignored"] == 5          # png, pdf, canvas, json, and the extension-less binary


def test_include_exclude_and_kgignore(vault, tmp_path):
    (vault / ".kgignore").write_text("# drafts\nAWS/\n!AWS/SQS.md\n*.org\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(vault), "--db", str(tmp_path / "db"), "--json",
                                 "--exclude", "README"])
    added = sorted(Path(p).name for p in json.loads(result.stdout)["added"])
    assert added == [], result.output      # AWS/ is left out as a folder: its files cannot come back
    (vault / ".kgignore").write_text("AWS/*\n!AWS/SQS.md\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(vault), "--db", str(tmp_path / "db2"), "--json"])
    assert sorted(Path(p).name for p in json.loads(result.stdout)["added"]) == ["README", "SQS.md", "journal.org"]
    result = runner.invoke(app, ["ingest", str(vault), "--db", str(tmp_path / "db3"), "--json",
                                 "--include", "*.canvas", "--include", "**/*.md"])
    assert sorted(Path(p).name for p in json.loads(result.stdout)["added"]) == ["Board.canvas", "SQS.md"]


def test_a_kgignore_in_a_subfolder_leaves_out_files_below_it(tmp_path):
    """A .kgignore in a/ listing two.md was not read; its lines count from a/, as git reads a
    .gitignore there, so b/two.md beside the notes root (the near miss) stays in."""
    notes = tmp_path / "notes"
    for rel in ("a/b/two.md", "a/one.md", "b/two.md"):
        (notes / rel).parent.mkdir(parents=True, exist_ok=True)
        (notes / rel).write_text(f"# SQS\n- {rel}: up to 256 KB\n", encoding="utf-8")
    (notes / "a" / ".kgignore").write_text("two.md\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(notes), "--db", str(tmp_path / "db"), "--json"])
    added = sorted(Path(p).relative_to(notes).as_posix() for p in json.loads(result.stdout)["added"])
    assert result.exit_code == 0 and added == ["a/one.md", "b/two.md"], result.output
    (notes / ".kgignore").write_text("*.draft.md\n", encoding="utf-8")
    (notes / "a" / "keep.draft.md").write_text("# SQS\n- kept: up to 256 KB\n", encoding="utf-8")
    (notes / "b" / "drop.draft.md").write_text("# SQS\n- dropped: up to 256 KB\n", encoding="utf-8")
    (notes / "a" / ".kgignore").write_text("two.md\n!keep.draft.md\n", encoding="utf-8")
    again = runner.invoke(app, ["ingest", str(notes), "--db", str(tmp_path / "db2"), "--json"])
    added = sorted(Path(p).relative_to(notes).as_posix() for p in json.loads(again.stdout)["added"])
    assert added == ["a/keep.draft.md", "a/one.md", "b/two.md"], again.output   # a/'s ! takes it back


def test_glob_rules_match_like_gitignore():
    from kg.files import NoteFilter, parse_rule

    rules = NoteFilter(exclude=tuple(map(parse_rule, ["*.tmp", "/build/", "docs/**/draft.md"])))
    assert rules.is_excluded("a/b/x.tmp", False) and rules.is_excluded("build", True)
    assert not rules.is_excluded("src/build", True)           # anchored: only at the root
    assert rules.is_excluded("docs/a/b/draft.md", False) and rules.is_excluded("docs/draft.md", False)
    assert not rules.is_excluded("docs/a/final.md", False)


# ---------------------------------------------------------------- 8. notes that pile up

def test_notes_lists_and_forget_removes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "sqs.md").write_text(SQS, encoding="utf-8")
    (b / "lambda.md").write_text(LAMBDA, encoding="utf-8")
    db = str(tmp_path / "db")
    runner.invoke(app, ["ingest", str(a), "--db", db])
    runner.invoke(app, ["ingest", str(b), "--db", db])
    listed = json.loads(runner.invoke(app, ["notes", "--db", db, "--json"]).stdout)
    assert [(Path(n["path"]).name, n["root"]) for n in listed] == [("sqs.md", str(a)), ("lambda.md", str(b))]
    assert all(n["facts"] >= 1 for n in listed)
    assert "sqs.md" in runner.invoke(app, ["notes", "--db", db]).stdout
    gone = runner.invoke(app, ["forget", str(a), "--db", db])
    assert gone.exit_code == 0 and gone.stdout.startswith("Forgot 1 note at")
    assert stats(db)["notes"] == 1
    missing = runner.invoke(app, ["forget", str(tmp_path / "nowhere"), "--db", db])
    assert missing.exit_code == 1 and "kg notes" in missing.stderr


def test_a_root_that_has_gone_is_reported_and_pruned(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "sqs.md").write_text(SQS, encoding="utf-8")
    (b / "lambda.md").write_text(LAMBDA, encoding="utf-8")
    db = str(tmp_path / "db")
    runner.invoke(app, ["ingest", str(a), "--db", db])
    a.rename(tmp_path / "moved")
    result = runner.invoke(app, ["ingest", str(b), "--db", db])
    assert result.exit_code == 0
    assert f"Warning: {a} was ingested before and is gone (1 note kept); 'kg ingest --prune'" in result.stderr
    assert stats(db)["notes"] == 2
    pruned = runner.invoke(app, ["ingest", str(b), "--db", db, "--prune"])
    assert pruned.exit_code == 0 and "gone" not in pruned.stderr and stats(db)["notes"] == 1


def test_a_reinstall_replaces_the_bundled_notes(tmp_path, monkeypatch):
    """Two installs of kg: the bundled notes at two paths are one set of notes, recorded as bundled."""
    import kg.ingest
    from kg.ingest import ingest_paths

    installs = []
    for name in ("venv1", "venv2"):
        copy = tmp_path / name / "kg" / "data" / "notes"
        copy.mkdir(parents=True)
        (copy / "sqs.md").write_text(SQS, encoding="utf-8")
        (copy / "lambda.md").write_text(LAMBDA, encoding="utf-8")
        installs.append(copy)
    db = tmp_path / "db"
    for copy in installs:
        monkeypatch.setattr(kg.ingest, "bundled_notes_dir", lambda copy=copy: copy)
        with open_store(db, write=True) as store:
            report = ingest_paths(store, [copy])
    assert stats(db)["notes"] == 2 and len(report.removed) == 2
    listed = json.loads(runner.invoke(app, ["notes", "--db", str(db), "--json"]).stdout)
    assert {n["root"] for n in listed} == {"bundled:"} and all("venv2" in n["path"] for n in listed)


# ---------------------------------------------------------------- 9. a lock says who holds it

def test_waiting_for_the_lock_says_who_holds_it(tmp_path):
    db = tmp_path / "db"
    (tmp_path / "n.md").write_text(SQS, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path / "n.md"), "--db", str(db)]).exit_code == 0
    with open_store(db, write=True):
        done = kg("stats", "--db", db, env=dict(os.environ, KG_LOCK_TIMEOUT="2"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"Waiting for the store {db}: it is in use by pid {os.getpid()} (")
    assert "kg waits up to 2 s" in lines[0]
    assert lines[-1].startswith(f"Error: The store {db} is locked by pid {os.getpid()} (")


# ---------------------------------------------------------------- 10. no tracebacks

def test_a_file_as_the_store_is_one_line(tmp_path):
    (tmp_path / "afile.txt").write_text("hello\n")
    for db in (tmp_path / "afile.txt", tmp_path / "afile.txt" / "store"):
        for command in (["stats"], ["ingest", str(NOTES / "003_3f18f43faf6af0b4.txt")]):
            done = kg(*command, env=dict(os.environ, KG_DB=str(db)))
            assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
            assert done.stderr == f"Error: {tmp_path / 'afile.txt'} is a file, not a store folder; give --db (or KG_DB) a folder.\n"


def test_a_folder_that_was_never_a_store_is_not_called_damaged(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "todo.txt").write_text("x")
    for command in (["stats"], ["ingest", str(NOTES / "003_3f18f43faf6af0b4.txt")]):
        result = runner.invoke(app, [*command, "--db", str(tmp_path / "mine")])
        assert result.exit_code == 1 and "is not a kg store (it holds other files, such as todo.txt)" in result.stderr
        assert "Move it aside" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["todo.txt"]


def test_a_truncated_table_file_is_blamed_for_the_damage(tmp_path):
    db = tmp_path / "store"
    assert runner.invoke(app, ["ingest", str(NOTES / "003_3f18f43faf6af0b4.txt"), "--db", str(db)]).exit_code == 0
    table = max(db.glob("*.sst"), key=lambda p: p.stat().st_size)
    size = table.stat().st_size
    os.truncate(table, size // 2)
    result = runner.invoke(app, ["stats", "--db", str(db)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "Move it aside" in result.stderr and "MANIFEST" not in result.stderr
    assert re.search(rf"data file \d+\.sst is truncated|data file {table.name}", result.stderr), result.stderr


def test_sparql_service_clauses_are_refused_unless_allowed(bundled_db):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = runner.invoke(app, ["sparql", query, "--db", str(bundled_db)])
    assert (result.exit_code, result.stdout) == (1, "") and "--allow-service" in result.stderr
    allowed = runner.invoke(app, ["sparql", query, "--allow-service", "--db", str(bundled_db)])
    assert allowed.exit_code == 1 and allowed.stderr.startswith("Error: The query failed")
    near = runner.invoke(app, ["sparql", 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }  # SERVICE',
                               "--db", str(bundled_db)])
    assert near.exit_code == 0, near.output


def test_a_load_update_is_refused_unless_allowed_like_a_service_clause(tmp_path):
    """`kg sparql --allow-update 'LOAD <http://...>'` went to DNS; a LOAD inside a string (the
    near miss) is no LOAD."""
    db = tmp_path / "db"
    assert runner.invoke(app, ["ingest", str(NOTES / "003_3f18f43faf6af0b4.txt"), "--db", str(db)]).exit_code == 0
    load = runner.invoke(app, ["sparql", "--allow-update", "LOAD <http://127.0.0.1:9/x.ttl>", "--db", str(db)])
    assert load.exit_code == 1 and "LOAD" in load.stderr and "--allow-service" in load.stderr
    near = runner.invoke(app, ["sparql", "--allow-update",
                               'INSERT DATA { <urn:a> <urn:b> "LOAD <http://x/>" }', "--db", str(db)])
    assert near.exit_code == 0, near.output


# ---------------------------------------------------------------- 11. conventions

def test_version_short_help_and_completion():
    from importlib.metadata import version

    assert runner.invoke(app, ["--version"]).stdout == f"kg {version('kg')}\n"
    assert runner.invoke(app, ["ask", "-h"]).stdout == runner.invoke(app, ["ask", "--help"]).stdout
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


def test_help_paragraphs_wrap_at_word_boundaries():
    """A line of a help paragraph ends early only where its next word would not fit."""
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        text = runner.invoke(app, [name, "--help"], terminal_width=80, env={"COLUMNS": "80"}).stdout
        description = text.split("\n\n", 1)[1].split("\nOptions:")[0].split("\nArguments:")[0]
        for paragraph in description.split("\n\n"):
            lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
            for line, following in zip(lines, lines[1:]):
                assert len(line) + 1 + len(following.split()[0]) > 78, (name, line, following)


def test_ask_takes_unquoted_words(bundled_db):
    typer_run = runner.invoke(app, ["ask", "max", "SQS", "message", "size", "--db", str(bundled_db), "--json"])
    fast = kg("ask", "max", "SQS", "message", "size", "--db", bundled_db, "--json")
    assert typer_run.exit_code == 0 and fast.returncode == 0, fast.stderr
    assert json.loads(fast.stdout) == json.loads(typer_run.stdout)
    assert json.loads(fast.stdout)["answers"][0]["value"] == "256 KB"


def test_a_batch_keeps_one_json_line_per_question_and_exit_0(bundled_db):
    questions = "max SQS message size\nkafka retention\n\x07\x1b\nlambda max memory\n"
    done = subprocess.run([sys.executable, "-m", "cli", "ask", "-", "--json", "--db", str(bundled_db)],
                          input=questions, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["answered", "not_found", "error", "conflict"]


def test_a_blank_line_in_a_json_batch_keeps_its_place_as_an_empty_question(bundled_db):
    """Blank lines were dropped, so the nth JSON answer was no longer the nth line's; text
    answers (several lines each) still pass over blank lines."""
    questions = "kafka retention\n\n   \nmax SQS message size\n"
    done = subprocess.run([sys.executable, "-m", "cli", "ask", "-", "--json", "--db", str(bundled_db)],
                          input=questions, capture_output=True, text=True, cwd=ROOT)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and [r["status"] for r in rows] == ["not_found", "error", "error", "answered"]
    text = subprocess.run([sys.executable, "-m", "cli", "ask", "-", "--db", str(bundled_db)],
                          input=questions, capture_output=True, text=True, cwd=ROOT)
    assert text.returncode == 0 and "empty" not in text.stderr and text.stdout.count("256 KB") >= 1


@pytest.mark.parametrize("args", [["export", "-o", ""], ["export", "-o", "", "--force"],
                                  ["connect", "SNS", "Lambda", "-o", ""]])
def test_an_empty_output_name_is_refused_before_anything_is_written(bundled_db, args, tmp_path):
    """`-o ""` said ' exists; add --force', with --force tried to replace the working folder,
    and kg connect printed text as if no -o was given."""
    done = subprocess.run([sys.executable, "-m", "cli", *args, "--db", str(bundled_db)], capture_output=True,
                          text=True, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.strip() == "Error: The output file name (-o) is empty; name a file, or - for stdout."


def test_a_store_is_never_made_inside_another_store(tmp_path):
    """`kg ingest --db STORE/sub` made sub/ and sub.lock among STORE's RocksDB files; a store
    beside it (the near miss) is made."""
    db = tmp_path / "db"
    note = str(NOTES / "003_3f18f43faf6af0b4.txt")
    assert runner.invoke(app, ["ingest", note, "--db", str(db)]).exit_code == 0
    before = sorted(p.name for p in db.iterdir())
    inner = runner.invoke(app, ["ingest", note, "--db", str(db / "sub")])
    assert inner.exit_code == 1 and "inside the kg store" in inner.stderr and "Traceback" not in inner.stderr
    assert sorted(p.name for p in db.iterdir()) == before
    assert runner.invoke(app, ["ingest", note, "--db", str(tmp_path / "db2")]).exit_code == 0
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "CURRENT").write_text("a file of the user's\n", encoding="utf-8")
    beside = runner.invoke(app, ["ingest", note, "--db", str(tmp_path / "proj" / "kg")])
    assert beside.exit_code == 0, beside.output           # a lone CURRENT makes no store of proj/
    sibling = runner.invoke(app, ["ingest", note, "--db", str(db / ".." / "db3")])
    assert sibling.exit_code == 0, sibling.output         # db/../db3 is beside db, not inside it


def test_connect_of_one_service_to_itself_and_an_empty_query_are_usage_errors(bundled_db):
    """`kg connect SNS SNS` printed 'no chain of 3 hops' with exit 0, `kg sparql ''` a parser's
    'expected [_]'; two services (the near miss) still connect."""
    same = runner.invoke(app, ["connect", "SNS", "Simple Notification Service", "--db", str(bundled_db)])
    assert same.exit_code == 2 and "both name Amazon Simple Notification Service" in same.stderr
    empty = runner.invoke(app, ["sparql", "  ", "--db", str(bundled_db)])
    assert empty.exit_code == 2 and empty.stderr.startswith("Error: The SPARQL query is empty")
    assert runner.invoke(app, ["connect", "SNS", "Lambda", "--db", str(bundled_db)]).exit_code == 0


def test_an_empty_notes_path_is_refused_not_read_as_the_working_folder(tmp_path):
    """`kg ingest "$NOTES"` with NOTES unset read the working folder; "." (the near miss) still does."""
    (tmp_path / "sqs.md").write_text("# SQS\n- Messages are up to 256 KB in size\n", encoding="utf-8")
    empty = subprocess.run([sys.executable, "-m", "cli", "ingest", "", "--db", str(tmp_path.parent / f"{tmp_path.name}-db")],
                           capture_output=True, text=True, cwd=tmp_path)
    assert empty.returncode == 2 and "notes path is empty" in empty.stderr
    dot = subprocess.run([sys.executable, "-m", "cli", "ingest", ".", "--db", str(tmp_path.parent / f"{tmp_path.name}-db")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert dot.returncode == 0 and "1 added" in dot.stdout, dot.stderr
