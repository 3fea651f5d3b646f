"""The README's exit-code table is the contract: every code it lists is provoked here, and a code
added to the table without a way to provoke it fails this test."""

import os
import re
import signal
import subprocess
import sys
import time

from conftest import ROOT


def readme_codes() -> dict[int, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+?) \|$", table, re.M)}


def kg(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env or os.environ.copy(), timeout=300)


def interrupted(db) -> int:
    """Ctrl-C while `kg ask -` waits for questions."""
    proc = subprocess.Popen([sys.executable, "-m", "cli", "ask", "-", "--db", str(db)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    return proc.returncode


def reader_gone(db) -> int:
    """`kg ask - | head`: the reader closed its end before kg wrote anything."""
    proc = subprocess.Popen([sys.executable, "-m", "cli", "ask", "-", "--db", str(db)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    _out, err = proc.communicate(b"max SQS message size\n" * 50, timeout=120)
    assert b"Traceback" not in err
    return proc.returncode


def test_every_exit_code_in_the_readme_happens_as_documented(bundled_db, tmp_path):
    binary = tmp_path / "notes"
    binary.mkdir()
    (binary / "good.md").write_text("# SQS\n- Messages are up to 256 KB\n", encoding="utf-8")
    (binary / "scan.md").write_bytes(b"%PDF-1.7\n" + bytes(100))
    provoke = {
        0: [lambda: kg("ask", "max SQS message size", "--db", bundled_db).returncode,
            lambda: kg("ask", "snowmobile max retention period", "--db", bundled_db).returncode,   # notes don't say
            lambda: kg("ask", "-", "--json", "--db", bundled_db, stdin="kafka retention\n").returncode],
        1: [lambda: kg("ask", "kafka retention", "--db", bundled_db).returncode,
            lambda: kg("ask", "", "--db", bundled_db).returncode,
            lambda: kg("ingest", tmp_path / "missing", "--db", tmp_path / "db").returncode,
            lambda: kg("stats", "--db", tmp_path / "no-store").returncode],
        2: [lambda: kg("export", "--bogus").returncode,
            lambda: kg("export", "-o", tmp_path / "map.pdf", "--db", bundled_db).returncode,
            lambda: kg("export", "-f", "dot", "--relation", "nonsense", "--db", bundled_db).returncode],
        3: [lambda: kg("check", "--db", bundled_db).returncode],
        4: [lambda: kg("ingest", binary, "--db", tmp_path / "db4").returncode],
        130: [lambda: interrupted(bundled_db)],
        141: [lambda: reader_gone(bundled_db)],
    }
    documented = readme_codes()
    assert set(documented) == set(provoke), "a code in the README without a test, or a test without a row"
    for code, ways in provoke.items():
        for way in ways:
            assert way() == code, documented[code]
