import json

from typer.testing import CliRunner

from cli.app import app

from conftest import FIXTURES

runner = CliRunner()


def test_ingest_then_stats_json(tmp_path):
    db = str(tmp_path / "store")
    result = runner.invoke(app, ["ingest", str(FIXTURES / "notes" / "pipe_tables.md"), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Ingested 1 note in")
    stats = json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)
    assert set(stats) == {"notes", "statements", "services", "limits", "integrations", "triples", "unsourced"}
    assert stats["notes"] == 1 and stats["limits"] > 0 and stats["unsourced"] == 0


def test_ingest_missing_path_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: No such file or folder") and result.stderr.count("\n") == 1


def test_ingest_skips_binary_files_with_a_warning_and_exit_4(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("# SQS\n- Messages are up to 256 KB in size\n", encoding="utf-8")
    (notes / "slides.md").write_bytes(b"%PDF-1.7\n\x00\x01binary")     # a note by name, binary inside
    result = runner.invoke(app, ["ingest", str(notes), "--db", str(tmp_path / "store")])
    assert result.exit_code == 4
    assert "Warning: skipped" in result.stderr and "slides.md" in result.stderr and "binary" in result.stderr
    assert "1 added" in result.stdout


def test_attachments_are_not_notes_and_not_warnings(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("# SQS\n- Messages are up to 256 KB in size\n", encoding="utf-8")
    (notes / "slides.pdf").write_bytes(b"%PDF-1.7\n\x00\x01binary")
    result = runner.invoke(app, ["ingest", str(notes), "--db", str(tmp_path / "store")])
    assert result.exit_code == 0 and result.stderr == ""
    assert "1 added" in result.stdout and "1 file was not a note" in result.stdout


def test_facts_unknown_service_names_suggestions(bundled_db):
    result = runner.invoke(app, ["facts", "kafka", "--db", str(bundled_db)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No service matches 'kafka'.")


def test_facts_json_lists_sources(bundled_db):
    result = runner.invoke(app, ["facts", "SQS", "--db", str(bundled_db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["service"] == "Amazon Simple Queue Service"
    assert all(f["sources"] for f in data["limits"])


def test_stats_on_a_store_that_does_not_exist_is_an_error(tmp_path):
    result = runner.invoke(app, ["stats", "--db", str(tmp_path / "none"), "--json"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: There is no kg store at {tmp_path / 'none'}.")
    assert not (tmp_path / "none").exists()


def test_a_misspelt_word_is_answered_as_the_notes_spell_it_and_said_on_stderr(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "r53.txt").write_text("Route 53 health checks :: run every 30 seconds by default\n", encoding="utf-8")
    db = str(tmp_path / "store")
    assert runner.invoke(app, ["ingest", str(notes), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["ask", "route53 helth check interval", "--db", db])
    assert result.exit_code == 0
    assert result.stderr == "Read as: route53 health check interval\n"
    # near miss: a question spelt as the notes spell it says nothing on stderr
    result = runner.invoke(app, ["ask", "route53 health check interval", "--db", db])
    assert result.exit_code == 0 and result.stderr == ""
