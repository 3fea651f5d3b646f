"""The `kg` console script.

`kg ask QUESTION [--db PATH] [--json]` is answered without importing Typer: Typer 0.26+ costs
~30 ms to import and `kg ask` must answer within 10x the start-up time of Python itself
(bench/ask_latency.py). Every other form (help, other options, other commands) goes to the
Typer app in cli.app, which runs the same code (cli.ask.run_ask).
"""

from __future__ import annotations

import os
import sys


def _fast_ask(argv: list[str]) -> bool:
    """Answer `kg ask` here when its arguments are the plain ones; False to defer to Typer."""
    if not argv or argv[0] != "ask":
        return False
    question, db, as_json = None, os.environ.get("KG_DB") or None, False
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
        elif a.startswith("-") and a != "-":
            return False                # --help and anything else: Typer's job
        elif question is None:
            question = a
        else:
            return False
        i += 1
    if question is None:
        return False
    from kg.errors import KgError

    from cli.ask import run_ask

    try:
        run_ask(question, db, as_json)
    except KgError as error:
        sys.stderr.write(f"Error: {error}\n")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    return True


def main() -> None:
    """Entry point of the `kg` console script."""
    try:
        if _fast_ask(sys.argv[1:]):
            return
        from cli.app import main as typer_main

        typer_main()
    except BrokenPipeError:
        # `kg ask ... | head`: the reader left; stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(141) from None
