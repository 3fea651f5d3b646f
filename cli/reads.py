"""`kg stats`, `kg describe` and `kg connect` (without a drawing) as functions that return their
output: shared by the Typer app and by cli.main, which runs them without importing Typer when
their arguments are the plain ones. Imports no Typer."""

from __future__ import annotations


def stats_output(db: str | None, as_json: bool) -> str:
    """What `kg stats` prints."""
    from kg.facts import graph_stats

    from cli import render
    from cli.ask import ensure_ingested, open_db

    ensure_ingested(db)
    with open_db(db) as store:
        counts = graph_stats(store)
    return render.to_json(counts) if as_json else render.stats_text(counts)


def describe_output(service: str, db: str | None, as_json: bool) -> str:
    """What `kg describe SERVICE` prints.

    Raises:
        UnknownService: the name matches no service.
    """
    from kg.describe import describe_service
    from kg.match import resolve_service
    from kg.vocab import default_vocabulary

    from cli import render
    from cli.ask import ensure_ingested, open_db

    ensure_ingested(db)
    vocab = default_vocabulary()
    iri = resolve_service(service, vocab)
    with open_db(db) as store:
        card = describe_service(store, vocab, iri)
    labels = {k: c.pref for k, c in vocab.contexts.items()}
    return render.card_json(card, labels) if as_json else render.card_text(card, labels)


def connection(source: str, target: str, db: str | None, as_json: bool, max_hops: int = 3):
    """(the paths `kg connect SOURCE TARGET` finds, the vocabulary), the graph built first if need be.

    Raises:
        UnknownService: a name matches no service, unless `as_json` (JSON says so in its status).
    """
    from kg.paths import connect as find_connection
    from kg.vocab import default_vocabulary

    from cli.ask import ensure_ingested, open_db

    ensure_ingested(db)
    vocab = default_vocabulary()
    with open_db(db) as store:
        result = find_connection(store, vocab, source, target, max_hops=max_hops)
    if result.error is not None and not as_json:
        raise result.error
    return result, vocab


def connect_output(source: str, target: str, db: str | None, as_json: bool, max_hops: int = 3) -> tuple[int, str]:
    """(exit status, what `kg connect SOURCE TARGET` prints): 1 when a name matches no service.

    Raises:
        UnknownService: a name matches no service, in text form (JSON says so in its status).
    """
    from cli import render

    result, vocab = connection(source, target, db, as_json, max_hops)
    text = render.to_json(render.connection_dict(result, vocab)) if as_json else render.connection_text(result, vocab)
    return (1 if result.status == "unknown_service" else 0), text
