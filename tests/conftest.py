import signal
from pathlib import Path

import pytest

# A shell starts a background job (`bash .ci/run &`, `nohup ... &`) with Ctrl-C ignored, and a
# process that starts with SIGINT ignored hands that on to every program it runs. Several tests send
# SIGINT to a `kg` subprocess and expect it to stop as a user's Ctrl-C stops it, so the test process
# gives its children the default disposition whatever it was started with.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "data" / "notes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
N000, N001, N002, N003, N004 = sorted(p.name for p in NOTES.iterdir())


@pytest.fixture(scope="session")
def vocab():
    from kg.vocab import default_vocabulary

    return default_vocabulary()


@pytest.fixture(scope="session")
def extractor(vocab):
    from kg.extract import Extractor

    return Extractor(vocab)


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory):
    """A store with the five bundled notes ingested, shared by the read-only tests."""
    from kg.ingest import ingest_paths
    from kg.store import open_store

    db = tmp_path_factory.mktemp("bundled") / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [NOTES])
    return db


@pytest.fixture(scope="session")
def bundled_extractions(extractor):
    from kg.notes import parse_note

    return {p.name: extractor.extract(parse_note(p)) for p in sorted(NOTES.iterdir())}


@pytest.fixture(scope="session")
def oxigraph_program():
    """The `oxigraph` server program (PyPI `oxigraph`, in the dev extra); tests skip without it, except in CI."""
    import os

    from kg.errors import ServerMissing
    from kg.server import find_oxigraph

    try:
        return find_oxigraph()
    except ServerMissing:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph program is missing: pip install -e '.[dev]'")
        pytest.skip("the oxigraph program is not installed (pip install -e '.[dev]')")


@pytest.fixture(scope="session")
def virtuoso_programs():
    """Virtuoso Open Source's server and isql programs (Debian: virtuoso-opensource), as
    (virtuoso-t, isql); tests skip without them, except in CI."""
    import os
    import shutil

    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    if server is None or isql is None:
        if os.environ.get("CI"):
            pytest.fail("Virtuoso is missing: apt-get install virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    return server, isql


@pytest.fixture(scope="session")
def yes_no_db(tmp_path_factory):
    """Two dated study notes (tests/fixtures/study, not under notes/: the extraction dump of the
    fixtures stays as committed): S3 encryption by default denied, then affirmed; a DNS address changed."""
    from kg.ingest import ingest_paths
    from kg.store import open_store

    study = FIXTURES / "study"
    db = tmp_path_factory.mktemp("yesno") / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [study / "yes_no_and_settings_old.md", study / "yes_no_and_settings_new.md"])
    return db


@pytest.fixture(scope="session")
def yes_no_cards(yes_no_db, vocab):
    """The setting and capability cards of `yes_no_db`."""
    from kg.cards import build_cards
    from kg.store import open_store

    with open_store(yes_no_db) as store:
        return build_cards(store, vocab, kinds=["setting", "capability"])
