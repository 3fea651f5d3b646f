"""The claims extracted from the bundled notes and the style fixtures, field by field, as
bench/extraction_digest.py dumps them, against the committed dumps in fixtures/expected/extraction/.

A change to extraction that changes a claim must update the dump on purpose:
    python bench/extraction_digest.py data/notes tests/fixtures/expected/extraction/bundled.jsonl
    python bench/extraction_digest.py tests/fixtures/notes tests/fixtures/expected/extraction/fixtures.jsonl
"""

import difflib
import importlib.util

import pytest

from conftest import FIXTURES, NOTES, ROOT

EXPECTED = FIXTURES / "expected" / "extraction"


def _digest_module():
    spec = importlib.util.spec_from_file_location("extraction_digest", ROOT / "bench" / "extraction_digest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("folder", "expected"), [(NOTES, "bundled.jsonl"), (FIXTURES / "notes", "fixtures.jsonl")])
def test_extraction_matches_the_committed_dump(extractor, folder, expected):
    lines, _counts = _digest_module().dump_folder(folder, extractor)
    want = (EXPECTED / expected).read_text(encoding="utf-8").splitlines()
    if lines != want:
        diff = list(difflib.unified_diff(want, lines, "expected", "extracted", n=0, lineterm=""))
        pytest.fail(f"{expected}: {len(diff)} diff lines\n" + "\n".join(diff[:60]))
