"""The `kg` console script.

`kg ask QUESTION... [--db PATH] [--json]` is answered without importing Typer: Typer 0.26+ costs
~30 ms to import and `kg ask` must answer within 10x the start-up time of Python itself
(bench/ask_latency.py). Every other form (help, other options, other commands) goes to the
Typer app in cli.app, which runs the same code (cli.ask.run_ask).
"""

from __future__ import annotations

import os
import sys


def _fast_ask(argv: list[str]) -> int | None:
    """Answer `kg ask` here when its arguments are the plain ones; its exit status, or None to
    defer to Typer. The question's words may come unquoted: `kg ask max SQS message size`."""
    if not argv or argv[0] != "ask":
        return None
    words: list[str] = []
    db, as_json = os.environ.get("KG_DB") or None, False
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--json":
            as_json = True
        elif a == "--db" and i + 1 < len(args):
            db = args[i + 1]
            i += 1
        elif a.startswith("--db="):
            db = a[len("--db="):]
        elif a == "--":
            words.extend(args[i + 1:])
            break
        elif a.startswith("-") and a != "-":
            return None                 # --help, -h and anything else: Typer's job
        else:
            words.append(a)
        i += 1
    if not words or ("-" in words and len(words) > 1):
        return None
    from cli.ask import error_exit_code, error_line, run_ask

    try:
        return run_ask(" ".join(words), db, as_json)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return 130
    except Exception as error:
        from kg.errors import KgError       # imported only when needed: a cached answer needs no kg module

        if not isinstance(error, KgError):
            raise
        sys.stderr.write(error_line(error) + "\n")
        return error_exit_code(error)


def main() -> None:
    """Entry point of the `kg` console script."""
    try:
        status = _fast_ask(sys.argv[1:])
        if status is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            # everything is written and the store is closed: skip the interpreter's teardown
            # (freeing every module, pyoxigraph's and SQLite's handles), which costs more than the answer
            os._exit(status)
        from cli.app import main as typer_main

        typer_main()
    except BrokenPipeError:
        # `kg ask ... | head`: the reader left; stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(141) from None
