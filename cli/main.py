"""The `kg` console script.

`kg ask QUESTION... [--db PATH] [--json]`, `kg stats`, `kg describe SERVICE` and `kg connect X Y`
with those options only are run without importing Typer, which costs ~60 ms to import and ~40 ms
to build its commands (bench/latency.py measures each command against Python's own start).
Every other form (help, other options, other commands) goes to the Typer app in cli.app, which
runs the same code (cli.ask.run_ask, cli.reads).
"""

from __future__ import annotations

import os
import sys


def _plain_args(args: list[str]) -> tuple[list[str], str | None, bool] | None:
    """(words, --db, --json) of arguments that are only those; None when any other option is given."""
    words: list[str] = []
    db, as_json = os.environ.get("KG_DB") or None, False
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
    return words, db, as_json


def _fast_ask(argv: list[str]) -> int | None:
    """Answer `kg ask` here when its arguments are the plain ones; its exit status, or None to
    defer to Typer. The question's words may come unquoted: `kg ask max SQS message size`."""
    if not argv or argv[0] != "ask":
        return None
    plain = _plain_args(argv[1:])
    if plain is None:
        return None
    words, db, as_json = plain
    if not words or ("-" in words and len(words) > 1):
        return None
    from cli.ask import run_ask

    return _reported(lambda: run_ask(" ".join(words), db, as_json), "Interrupted.")


def _reported(run, interrupted: str) -> int:
    """Run a command without Typer and return its exit status: Ctrl-C says `interrupted` (130), and
    kg's errors are the one line and exit code the Typer app gives them."""
    from cli.ask import error_exit_code, error_line

    try:
        return run()
    except KeyboardInterrupt:
        sys.stderr.write(interrupted + "\n")
        return 130
    except Exception as error:
        from kg.errors import KgError       # imported only when needed: a cached answer needs no kg module

        if not isinstance(error, KgError):
            raise
        sys.stderr.write(error_line(error) + "\n")
        return error_exit_code(error)


# the reading commands cli.reads runs without Typer, by the number of words they take
_READS = {"stats": 0, "describe": 1, "connect": 2}


def _fast_read(argv: list[str]) -> int | None:
    """Run `kg stats`, `kg describe X` or `kg connect X Y` here when their arguments are the plain
    ones (--db, --json); the exit status, or None to defer to Typer (which runs the same code)."""
    if not argv or argv[0] not in _READS:
        return None
    plain = _plain_args(argv[1:])
    if plain is None or len(plain[0]) != _READS[argv[0]] or "-" in plain[0]:
        return None
    words, db, as_json = plain
    from cli import reads

    def run() -> int:
        status = 0
        if argv[0] == "stats":
            text = reads.stats_output(db, as_json)
        elif argv[0] == "describe":
            text = reads.describe_output(words[0], db, as_json)
        else:
            status, text = reads.connect_output(words[0], words[1], db, as_json)
        sys.stdout.write(text + "\n")
        return status

    return _reported(run, "Interrupted; the store keeps every note that was fully written.")


def _home_expanded(argv: list[str]) -> list[str]:
    """A store named with a literal ~ (`KG_DB='~/kg'` in a config file, `--db '~/kg'` quoted) is
    the folder under the home directory the shell would have named, not a folder called ~;
    KG_DB is rewritten in place, and the arguments are returned with --db's value expanded."""
    env = os.environ.get("KG_DB")
    if env and env.startswith("~"):
        os.environ["KG_DB"] = os.path.expanduser(env)
    out = list(argv)
    for i, a in enumerate(out):
        if a.startswith("--db=~"):
            out[i] = "--db=" + os.path.expanduser(a[len("--db="):])
        elif a == "--db" and i + 1 < len(out) and out[i + 1].startswith("~"):
            out[i + 1] = os.path.expanduser(out[i + 1])
    return out


def main() -> None:
    """Entry point of the `kg` console script."""
    sys.argv[1:] = _home_expanded(sys.argv[1:])
    try:
        status = _fast_ask(sys.argv[1:])
        if status is None:
            status = _fast_read(sys.argv[1:])
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
