"""`kg cards` and `kg quiz`: study from the graph, every answer cited.

register(app) adds the commands; the formatting of cards and of a quiz session is here, beside
the two commands that print them.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cli.app import DbOption, JsonOption, reports_errors

ServiceOption = Annotated[Optional[list[str]], typer.Option(
    "--service", help="Only cards about this service and its features (repeatable)")]
KindOption = Annotated[Optional[list[str]], typer.Option(
    "--kind", help="Only this kind of card: limit, default, range, setting, capability or integration (repeatable)")]
SOURCES_SHOWN = 4


def _check_kinds(kinds: list[str] | None) -> list[str] | None:
    from kg.cards import CARD_KINDS

    for kind in kinds or ():
        if kind not in CARD_KINDS:
            raise typer.BadParameter(f"{kind!r} is not one of: {', '.join(CARD_KINDS)}", param_hint="--kind")
    return kinds


def select_cards(db: str | None, services: list[str] | None, kinds: list[str] | None,
                 limit: int | None = None) -> list:
    """The cards of the store at `db` about `services` (names as typed) of `kinds`.

    Raises:
        UnknownService: a service name matches nothing.
    """
    from kg.cards import build_cards
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli.ask import ensure_ingested

    _check_kinds(kinds)
    ensure_ingested(db)
    vocab = default_vocabulary()
    scope = _scope(vocab, services)
    with open_store(db) as store:
        return build_cards(store, vocab, services=scope, kinds=kinds, limit=limit)


def export_cards_data(store, fmt: str, services: list[str] | None, kinds: list[str] | None,
                      limit: int | None) -> bytes:
    """`kg export --format anki|cards-csv|cards-json`: the selected cards in that format."""
    from kg.cards import export_cards
    from kg.vocab import default_vocabulary

    _check_kinds(kinds)
    vocab = default_vocabulary()
    return export_cards(store, vocab, fmt, services=_scope(vocab, services), kinds=kinds, limit=limit)


def _scope(vocab, services: list[str] | None) -> list[str] | None:
    """The IRIs of the services named and of their features (None: every service)."""
    from kg.facts import service_and_features
    from kg.match import resolve_service

    if not services:
        return None
    scope: list[str] = []
    for name in services:
        scope.extend(s for s in service_and_features(vocab, resolve_service(name, vocab)) if s not in scope)
    return scope


# ---------------------------------------------------------------- formatting

def _sources(sources, indent: str = "      ") -> list[str]:
    from kg.cards import source_line

    out = [f"{indent}{source_line(s)[:140]}" for s in sources[:SOURCES_SHOWN]]
    if len(sources) > SOURCES_SHOWN:
        out.append(f"{indent}... and {len(sources) - SOURCES_SHOWN} more")
    return out


def _notes(n: int) -> str:
    return f"{n} note{'s' if n != 1 else ''}"


def answer_lines(card, indent: str = "  ") -> list[str]:
    """A card's answers, each with its sources; a conflict marks the probably current value."""
    out = []
    if card.conflict:
        out.append(f"{indent}  The notes disagree:")
    elif len(card.answers) > 1 and card.kind != "integration":
        out.append(f"{indent}  The notes give {len(card.answers)} values, under different conditions:")
    for a in card.answers:
        mark = ""
        if card.conflict and card.verdict and not card.verdict.startswith("Unresolved"):
            mark = "  <- probably current" if a.current else "  (probably stale)"
        dated = f", dated {a.date}" if a.date else ""
        when = f" ({a.conditions})" if a.conditions else ""
        out.append(f"{indent}  {a.text}{when}  [{_notes(a.note_count)}{dated}]{mark}")
        out.extend(_sources(a.sources, indent + "      "))
    for a in card.denied:
        out.append(f"{indent}  not: {a.text}  [{_notes(a.note_count)}]")
        out.extend(_sources(a.sources, indent + "      "))
    if card.verdict:
        out.append(f"{indent}{card.verdict}")
    return out


def card_text(card) -> str:
    head = f"[{card.kind}] {card.id}  {card.service_label} ({card.category})"
    return "\n".join([head, f"  Q: {card.front}", "  A:", *answer_lines(card, "  ")])


def cards_text(cards) -> str:
    if not cards:
        return "The notes give no cards for that selection."
    return "\n\n".join(card_text(c) for c in cards) + f"\n\n{len(cards)} card{'s' if len(cards) != 1 else ''}."


def verdict_text(card, answer: str, verdict) -> list[str]:
    """What the quiz says after an answer: right or wrong, the answer the notes give, the sources."""
    if verdict.right:
        head = "Right."
    elif not answer.strip():
        head = "Passed."
    elif not verdict.understood:
        head = "Not read as yes or no: answer yes or no."
    elif verdict.stale:
        head = f"Not quite: {verdict.matched.text} is what {_notes(verdict.matched.note_count)} say, but it is probably stale."
    else:
        head = "Wrong."
    return [head, *answer_lines(card, "  ")]


# ---------------------------------------------------------------- the commands

def register(app: typer.Typer) -> None:
    """Add `kg cards` and `kg quiz` to the app."""

    @app.command()
    @reports_errors
    def cards(
        service: ServiceOption = None,
        kind: KindOption = None,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many cards")] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Print flashcards built from the graph, each answer cited

        One card per fact (a limit, a default, a range, a setting, a yes/no capability, a
        service's integrations), whatever notes state it; where notes disagree, the card shows every value and which is probably
        current. Ids come from the fact, so the same graph gives the same cards. Export them
        with kg export --format anki (or cards-csv, cards-json).

        Example: kg cards --service SQS --kind limit
        """
        from kg.cards import cards_json

        chosen = select_cards(db, service, kind, limit)
        typer.echo(cards_json(chosen).rstrip("\n") if as_json else cards_text(chosen))

    @app.command()
    @reports_errors
    def quiz(
        service: ServiceOption = None,
        kind: KindOption = None,
        count: Annotated[int, typer.Option("--count", "-n", min=1, help="Cards to ask")] = 10,
        history: Annotated[Optional[str], typer.Option(
            "--history", help="Review history file (default: beside the store)")] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Ask flashcards in the terminal, check answers by value and schedule reviews

        Reads one answer per line from stdin ("15 min" is right for 900 seconds), says right
        or wrong, and shows the answer with its sources. Cards missed come back first next
        time (Leitner boxes, a history file per store). An empty line passes; the end of
        input ends the quiz. --json prints the cards it would ask, and asks nothing.

        Example: printf '256 KB\\n4 days\\n' | kg quiz --service SQS --count 2
        """
        from pathlib import Path

        from kg.cards import cards_json
        from kg.quiz import ReviewHistory, check_answer, history_path, now_utc, pick_cards
        from kg.resources import default_store_path
        from kg.vocab import default_vocabulary

        chosen = select_cards(db, service, kind)
        location = db or str(default_store_path().resolve())
        store_path = location if "://" in location else str(Path(location).resolve())
        path = Path(history) if history else history_path(store_path)
        reviews = ReviewHistory.load(path)
        now = now_utc()
        asked = pick_cards(chosen, reviews, count, now)
        if as_json:
            typer.echo(cards_json(asked).rstrip("\n"))
            return
        if not asked:
            typer.echo("The notes give no cards for that selection.")
            return
        vocab = default_vocabulary()
        typer.echo(f"{len(asked)} card{'s' if len(asked) != 1 else ''}; history in {path}. "
                   "Type an answer, or an empty line to pass.")
        right = done = 0
        for n, card in enumerate(asked, 1):
            typer.echo(f"\n{n}/{len(asked)}  {card.front}")
            try:
                text = input("> ") if sys.stdin.isatty() else input()
            except EOFError:
                typer.echo("(end of input)")
                break
            if not sys.stdin.isatty():
                typer.echo(f"> {text}")
            verdict = check_answer(card, text, vocab)
            review = reviews.record(card, verdict.right, now)
            done += 1
            right += verdict.right
            typer.echo("\n".join(verdict_text(card, text, verdict)))
            typer.echo(f"  Box {review.box}: due {review.due[:10]}." if verdict.right
                       else "  Back to box 1: asked first next time.")
        typer.echo(f"\nScore: {right} of {done} right.")
