"""`kg ask`: shared by the Typer command and the fast path in cli.main. Imports no Typer."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def ensure_ingested(db: str | None) -> None:
    """First use: an empty store gets the bundled notes, with progress on stderr.

    A SPARQL server is never filled by a read: an empty one is an error (EndpointEmpty).
    """
    from kg.resources import bundled_notes_dir, default_store_path
    from kg.store import is_endpoint

    if is_endpoint(db or os.environ.get("KG_DB")):
        _require_notes(db or os.environ["KG_DB"])
        return
    path = Path(db) if db else default_store_path()
    if (path / "CURRENT").exists():
        return
    from kg.ingest import ingest_paths
    from kg.store import open_store

    _err(f"First use: building the graph from the bundled notes into {path} ...")
    progress = None
    if sys.stderr.isatty():
        def progress(done: int, total: int, name: str) -> None:
            sys.stderr.write(f"\rIngesting [{done}/{total}] {Path(name).name[:50]:<50}" + ("\n" if done == total else ""))
    with open_store(db, write=True) as store:
        report = ingest_paths(store, [bundled_notes_dir()], progress=progress)
    _err(f"Ingested {report.notes} notes ({report.limits} limits, {report.integrations} integrations) "
         f"in {report.seconds:.1f} s.")


def _require_notes(url: str) -> None:
    from kg.errors import EndpointEmpty
    from kg.namespaces import KG
    from kg.store import open_store

    with open_store(url) as store:
        if not store.ask(f"ASK {{ GRAPH ?g {{ ?g a <{KG}Note> }} }}"):
            raise EndpointEmpty(store.location)


def run_ask(question: str, db: str | None, as_json: bool) -> None:
    """Answer one question, or one per stdin line with "-"; print text or JSON.

    Raises:
        KgError: for bad input (an empty question) or an unusable store.
    """
    from kg.answer import Answerer
    from kg.errors import KgError
    from kg.question import parse_question
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli import render

    ensure_ingested(db)
    answerer = Answerer(default_vocabulary())
    with open_store(db) as store:
        if question != "-":
            answer = answerer.answer(store, parse_question(question))
            print(render.answer_json(answer) if as_json else render.answer_text(answer), flush=True)
            return
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                answer = answerer.answer(store, parse_question(line))
            except KgError as error:       # one bad line does not end a batch
                _err(f"Error: {error}")
                continue
            print(render.answer_json(answer) if as_json else render.answer_text(answer) + "\n", flush=True)
