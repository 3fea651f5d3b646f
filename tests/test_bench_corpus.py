"""kg's own corpus (bench/corpus): every gold row's evidence is the line its note holds."""

import subprocess
import sys

from conftest import ROOT


def test_every_evidence_line_of_the_own_corpus_is_in_its_note():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "corpus" / "validate.py")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "problems=0" in done.stdout, done.stdout[-2000:]


def test_a_changed_evidence_line_is_caught(tmp_path):
    """The near miss: the validator run on a copy whose note lost a line fails, naming the row."""
    import shutil

    copy = tmp_path / "corpus"
    shutil.copytree(ROOT / "bench" / "corpus", copy)
    note = copy / "notes" / "vault" / "Compute" / "Lambda.md"
    lines = note.read_text(encoding="utf-8").split("\n")
    note.write_text("\n".join(lines[1:]), encoding="utf-8")
    done = subprocess.run([sys.executable, str(copy / "validate.py")], capture_output=True, text=True)
    assert done.returncode == 1 and "Lambda.md" in done.stdout
