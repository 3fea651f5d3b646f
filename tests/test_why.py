"""`kg facts SERVICE --why`: the extraction passes behind each fact, in text and JSON."""

import json

from typer.testing import CliRunner

from cli.app import app

from kg.extract import ALL_PASSES

NAMES = {p.name for p in ALL_PASSES}


def test_facts_why_prints_the_passes_under_every_source(bundled_db):
    result = CliRunner().invoke(app, ["facts", "Lambda", "--why", "--db", str(bundled_db)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    passes = [line.split("passes:", 1)[1].strip() for line in lines if line.strip().startswith("passes:")]
    assert passes and all(set(p.split(" > ")) <= NAMES for p in passes)
    plain = CliRunner().invoke(app, ["facts", "Lambda", "--db", str(bundled_db)]).stdout.splitlines()
    assert [line for line in lines if not line.strip().startswith("passes:")] == plain
    assert len(lines) - len(plain) == len(passes)


def test_facts_why_json_lists_passes_per_source_and_per_fact(bundled_db):
    result = CliRunner().invoke(app, ["facts", "SQS", "--why", "--json", "--db", str(bundled_db)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    facts = data["limits"] + data["integrations"]
    assert facts and all(f["passes"] and set(f["passes"]) <= NAMES for f in facts)
    assert all(s["passes"] and set(s["passes"]) <= set(f["passes"]) for f in facts for s in f["sources"])
    assert any("QualifierFromCue" in f["passes"] for f in data["limits"])
    assert any("DirectionFromVoice" in f["passes"] for f in data["integrations"])


def test_facts_json_without_why_has_no_passes(bundled_db):
    data = json.loads(CliRunner().invoke(app, ["facts", "SQS", "--json", "--db", str(bundled_db)]).stdout)
    assert "passes" not in data["limits"][0] and "passes" not in data["limits"][0]["sources"][0]


def test_a_note_changed_since_ingest_has_unknown_passes(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "sqs.md"
    note.write_text("# Amazon SQS\n- Messages are up to 256 KB\n", encoding="utf-8")
    db = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(notes), "--db", db]).exit_code == 0
    fresh = json.loads(runner.invoke(app, ["facts", "SQS", "--why", "--json", "--db", db]).stdout)
    assert fresh["limits"][0]["sources"][0]["passes"][-1] == "QualifierFromCue"
    note.write_text("# Amazon SQS\n- Messages are up to 256 KB\n- edited\n", encoding="utf-8")
    stale = runner.invoke(app, ["facts", "SQS", "--why", "--db", db])
    assert "passes: unknown" in stale.stdout
