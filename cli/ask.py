"""`kg ask`, first use and opening the store: shared by the Typer app and the fast path in
cli.main. Imports no Typer."""

from __future__ import annotations

import os
import sys


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def error_exit_code(error: Exception) -> int:
    """The exit status of a KgError: 1, or 2 for a usage error, 130 for an interrupted build."""
    return int(getattr(error, "exit_code", 1))


def error_line(error: Exception) -> str:
    """The one stderr line of a KgError: "Error: ...", or the message alone for an interruption."""
    return str(error) if error_exit_code(error) == 130 else f"Error: {error}"


def lock_waiter(path: object):
    """A callback for kg.store's lock wait: says once who holds the store and that kg waits,
    then keeps a progress line of the seconds waited (on a terminal)."""
    from kg.store import lock_wait_seconds

    shown = {"first": True, "line": False}

    def wait(holder: str, waited: float) -> None:
        if shown["first"]:
            shown["first"] = False
            _err(f"Waiting for the store {path}: it is in use by {holder}; kg waits up to "
                 f"{lock_wait_seconds():.0f} s (KG_LOCK_TIMEOUT).")
        if sys.stderr.isatty():
            sys.stderr.write(f"\r  waited {waited:.0f} s ...")
            sys.stderr.flush()
            shown["line"] = True
    wait.shown = shown          # type: ignore[attr-defined]
    return wait


def open_db(db: str | None, *, write: bool = False):
    """open_store with the CLI's lock-wait messages on stderr."""
    from kg.resources import default_store_path
    from kg.store import is_endpoint, open_store

    location = db or os.environ.get("KG_DB") or None
    waiter = None if is_endpoint(location) else lock_waiter(location or default_store_path())
    try:
        return open_store(location, write=write, on_wait=waiter)
    finally:
        if waiter is not None and waiter.shown["line"]:
            sys.stderr.write("\n")


def progress_line(label: str):
    """A progress line on stderr when it is a terminal; None (quiet) otherwise."""
    if not sys.stderr.isatty():
        return None
    from pathlib import Path

    def show(done: int, total: int, name: str) -> None:
        sys.stderr.write(f"\r{label} [{done}/{total}] {Path(name).name[:50]:<50}" + ("\n" if done == total else ""))
        sys.stderr.flush()
    return show


def ensure_ingested(db: str | None) -> None:
    """First use: the default store, when it does not exist, is built from the bundled notes
    (whole or not at all, with progress on stderr); when it lacks its completion marker, the
    first use that made it did not finish and is finished now (_finish_first_use). A store
    named by --db or KG_DB must exist, and is read as it is, marker or not.

    A SPARQL server is never filled by a read: an empty one is an error (EndpointEmpty).

    Raises:
        NoStore, StoreIsAFile, NotAStore: --db or KG_DB names no store.
        BuildInterrupted: Ctrl-C during the first-use build.
    """
    from pathlib import Path

    from kg.resources import bundled_notes_dir, default_store_path
    from kg.store import (STORE_MARKER, check_readable_location, interrupted_builds, is_endpoint, lock_is_held,
                          store_state)

    location = db or os.environ.get("KG_DB") or None
    if is_endpoint(location):
        _require_notes(location)
        return
    path = Path(location) if location else default_store_path()
    state = store_state(path)
    if state == "store":
        if location is None and not (path / STORE_MARKER).is_file():
            _finish_first_use(path)
        return
    if location is not None or state not in ("missing", "empty"):
        check_readable_location(path)       # raises: a named location must hold a store
    from kg.errors import BuildInterrupted
    from kg.ingest import ingest_new_store

    if lock_is_held(path):
        pass        # another kg is building it: the lock waiter names it, and the build is found done
    elif interrupted_builds(path):
        _err(f"An earlier build of the graph into {path} was interrupted; building it again from the bundled notes ...")
    else:
        _err(f"First use: building the graph from the bundled notes into {path} ...")
    try:
        report, built = ingest_new_store(path, [bundled_notes_dir()], progress=progress_line("Ingesting"),
                                         on_wait=lock_waiter(path))
    except KeyboardInterrupt:
        raise BuildInterrupted(str(path)) from None
    if built and report is not None:
        from cli.render import counted

        _err(f"Ingested {counted(report.notes, 'note')} ({counted(report.limits, 'limit')}, "
             f"{counted(report.integrations, 'integration')}) in {report.seconds:.1f} s.")


def _finish_first_use(path) -> None:
    """Finish a default store that has no completion marker: an older kg's first use, cut short,
    kept the notes it had written. The bundled notes are ingested into it again, which adds
    those it lacks and leaves the others (the user's own notes included) as they are; then the
    marker is written. Ctrl-C keeps what was written, and the next command carries on."""
    from kg.ingest import ingest_paths
    from kg.resources import bundled_notes_dir
    from kg.store import STORE_MARKER, write_store_marker

    _err(f"The graph in {path} was left unfinished by an earlier first use (it has no {STORE_MARKER}); "
         "finishing it from the bundled notes ...")
    with open_db(None, write=True) as store:
        ingest_paths(store, [bundled_notes_dir()], progress=progress_line("Ingesting"))
        write_store_marker(path)


def _require_notes(url: str) -> None:
    from kg.errors import EndpointEmpty
    from kg.namespaces import KG
    from kg.store import open_store

    with open_store(url) as store:
        if not store.ask(f"ASK {{ GRAPH ?g {{ ?g a <{KG}Note> }} }}"):
            raise EndpointEmpty(store.location)


def run_ask(question: str, db: str | None, as_json: bool) -> int:
    """Answer one question, or one per stdin line with "-"; print text or JSON.

    Returns the exit status: 1 when a single question names no known service (README's table;
    the answer still prints, as JSON on stdout or one Error line on stderr), else 0. A batch
    (`-`) always ends 0, one answer per line, so a script can pair questions and answers.

    A single question asked again of an unchanged store prints the outputs kept by
    cli.answer_cache, without opening the store.

    Raises:
        KgError: for bad input (an empty question) or an unusable store.
    """
    if question != "-":
        from cli import answer_cache

        location = answer_cache.store_location(db)
        cached, ticket = answer_cache.lookup(location, question, as_json) if location else (None, None)
        if cached is not None:
            status, out, err = cached
        else:
            status, out, err = answer_outputs(question, db, as_json)
        if err:
            _err(err.rstrip("\n"))
        if out:
            sys.stdout.write(out)
            sys.stdout.flush()
        if ticket is not None:
            answer_cache.remember(ticket, question, as_json, (status, out, err))
        if location is None and not db and not answer_cache.is_endpoint_location(db):
            answer_cache.note_default_location()
        return status
    return _run_batch(db, as_json)


def answer_outputs(question: str, db: str | None, as_json: bool) -> tuple[int, str, str]:
    """One question's (exit status, stdout, stderr), answered from the store (see run_ask)."""
    from kg.reading import Reader
    from kg.question import parse_question
    from kg.vocab import default_vocabulary

    from cli import render

    ensure_ingested(db)
    answerer = Reader(default_vocabulary())
    with open_db(db) as store:
        answer = answerer.answer(store, parse_question(question))
    # a misspelt word read as the notes spell it is said on stderr, so that stdout stays the answer
    read_as = f"Read as: {answer.read_as}\n" if getattr(answer, "read_as", None) else ""
    if getattr(answer, "unknown_service", False):
        if as_json:
            return 1, render.answer_json(answer) + "\n", read_as
        return 1, "", f"{read_as}Error: {answer.message}\n"
    return 0, (render.answer_json(answer) if as_json else render.answer_text(answer)) + "\n", read_as


def _run_batch(db: str | None, as_json: bool) -> int:
    """`kg ask -`: one answer per stdin line (see run_ask)."""
    from kg.errors import KgError
    from kg.reading import Reader
    from kg.question import parse_question
    from kg.vocab import default_vocabulary

    from cli import render

    ensure_ingested(db)
    answerer = Reader(default_vocabulary())
    with open_db(db) as store:
        for line in sys.stdin:
            if not line.strip() and not as_json:
                continue        # text answers take several lines each: a blank line is only spacing
            try:
                # with --json, one line per input line (the nth answer is the nth line's): a blank
                # line is an empty question, which the answerer refuses like any other
                answer = answerer.answer(store, parse_question(line))
            except KgError as error:       # one bad line does not end a batch, nor lose its line
                _err(f"Error: {error}")
                if as_json:
                    print(render.to_json({"question": line.strip(), "status": "error", "message": str(error),
                                          "answers": [], "suggestions": []}), flush=True)
                continue
            print(render.answer_json(answer) if as_json else render.answer_text(answer) + "\n", flush=True)
    return 0
