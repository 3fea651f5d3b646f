"""The kg command line: one thin function per command; kg does the work, render formats it."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Callable, Optional, ParamSpec, TypeVar

import typer

from kg.errors import KgError

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Turn study notes into a cited knowledge graph and answer questions from it.")

DbOption = Annotated[Optional[str], typer.Option(
    "--db", envvar="KG_DB", show_envvar=True,
    help="Store folder, or a SPARQL endpoint URL http://host:port (default: the user data directory)")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a KgError into 'Error: ...' on stderr and exit status 1."""
    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KgError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=1) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted; the store keeps every note that was fully written.", err=True)
            raise typer.Exit(code=130) from None
    return wrapper


def _progress(label: str) -> Callable[[int, int, str], None] | None:
    """A progress line on stderr when it is a terminal; quiet otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, path: str) -> None:
        name = Path(path).name
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{label} [{done}/{total}] {name[:50]:<50}{end}")
        sys.stderr.flush()
    return show


@app.callback()
def root() -> None:
    """Turn study notes into a queryable knowledge graph."""


@app.command()
@reports_errors
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Note files or folders (default: the bundled notes)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build or update the graph from note files and folders

    Re-extracts only notes whose content changed, and drops notes deleted from a folder
    ingested before. Unreadable files are skipped with a warning; the exit status is 0 when
    everything was read and 4 when some files were skipped.

    Example: kg ingest ~/notes/aws
    """
    from kg.ingest import ingest_paths
    from kg.resources import bundled_notes_dir
    from kg.store import open_store

    from cli import render

    targets = list(paths) if paths else [bundled_notes_dir()]
    with open_store(db, write=True) as store:
        report = ingest_paths(store, targets, progress=_progress("Ingesting"))
    for path, reason in report.skipped:
        typer.echo(f"Warning: skipped {path}: {reason}.", err=True)
    if not report.notes and not report.skipped and not report.removed:
        typer.echo(f"Warning: no note files under {', '.join(str(t) for t in targets)}.", err=True)
    typer.echo(render.ingest_json(report) if as_json else render.ingest_text(report))
    if report.skipped:
        raise typer.Exit(code=4)


@app.command()
@reports_errors
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count notes, statements, services, limits, integrations and triples

    Example: kg stats --json
    """
    from kg.facts import graph_stats
    from kg.store import open_store

    from cli import render

    with open_store(db) as store:
        counts = graph_stats(store)
    typer.echo(render.to_json(counts) if as_json else render.stats_text(counts))


@app.command()
@reports_errors
def facts(
    service: Annotated[str, typer.Argument(help="Service name, alias or abbreviation")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every fact extracted about one service, with sources

    Example: kg facts SQS
    """
    from kg.facts import integration_facts, limit_facts, service_and_features
    from kg.match import resolve_service
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli import render

    vocab = default_vocabulary()
    iri = resolve_service(service, vocab)
    scope = service_and_features(vocab, iri)
    with open_store(db) as store:
        limits = limit_facts(store, vocab, scope)
        integrations = integration_facts(store, vocab, scope)
    concept = vocab.services[iri]
    context_labels = {k: c.pref for k, c in vocab.contexts.items()}
    if as_json:
        typer.echo(render.facts_json(concept.pref, iri, limits, integrations, context_labels))
    else:
        typer.echo(render.facts_text(concept.pref, concept.alt[:4], limits, integrations, context_labels))


@app.command()
@reports_errors
def ask(
    question: Annotated[str, typer.Argument(help="Question in plain English, or - to read one per line from stdin")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the notes, citing the lines that say so

    Prints the answer first, then each source (note:line and its text). When the notes
    disagree, all values are shown, the newest dated note first; when they don't say, kg says
    so and lists close things they do say. With '-', answers one question per line of stdin
    (JSON Lines with --json), loading the graph once.

    Example: kg ask "max SQS message size"
    """
    from cli.ask import run_ask

    run_ask(question, db, as_json)


@app.command()
@reports_errors
def connect(
    source: Annotated[str, typer.Argument(help="Service the chain starts from")],
    target: Annotated[str, typer.Argument(help="Service the chain ends at")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=6, help="Longest chain to look for")] = 3,
    db: DbOption = None,
    as_json: JsonOption = False,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="Draw the paths: dot, svg, png, mermaid, "
                                               "graphml or cytoscape")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File for the drawing, or - for stdout")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Show how two services connect, every hop cited

    Up to five shortest chains of integrations, following each relation's direction; when
    only chains that ignore a direction exist, they are shown marked as undirected. With
    --format or -o, draws the chains instead (an SVG's tooltips cite the note lines).

    Example: kg connect SNS Lambda --format svg -o sns-lambda.svg
    """
    from kg.paths import connect as find_connection
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli import render
    from cli.ask import ensure_ingested

    ensure_ingested(db)
    vocab = default_vocabulary()
    with open_store(db) as store:
        result = find_connection(store, vocab, source, target, max_hops=max_hops)
    if result.error is not None and not as_json:
        raise result.error
    if fmt or output:
        from kg.export import DIAGRAM_FORMATS, export_diagram, format_for, path_graph

        from cli.output import write_output

        _check_format(fmt, DIAGRAM_FORMATS)
        chosen = format_for(output, fmt)
        chosen = chosen if chosen in DIAGRAM_FORMATS else "svg"      # a path is drawn, never RDF
        title = result.message
        data = export_diagram(path_graph(result.paths), vocab, chosen, title=title,
                              focus=(result.source, result.target) if result.paths else ())
        write_output(output or "-", data, force=force)
        if output and output != "-":
            typer.echo(f"Wrote {output} ({chosen}, {len(data):,} bytes).", err=True)
        return
    typer.echo(render.to_json(render.connection_dict(result, vocab)) if as_json
               else render.connection_text(result, vocab))
    if result.status == "unknown_service":
        raise typer.Exit(code=1)


@app.command()
@reports_errors
def describe(
    service: Annotated[str, typer.Argument(help="Service name, alias or abbreviation")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print a cheat-sheet card of everything the notes say about a service

    Names and aliases, limits grouped by kind with their sources, integrations in and out,
    contradictions among its facts, and the notes that mention it.

    Example: kg describe SQS
    """
    from kg.describe import describe_service
    from kg.match import resolve_service
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli import render
    from cli.ask import ensure_ingested

    ensure_ingested(db)
    vocab = default_vocabulary()
    iri = resolve_service(service, vocab)
    with open_store(db) as store:
        card = describe_service(store, vocab, iri)
    labels = {k: c.pref for k, c in vocab.contexts.items()}
    typer.echo(render.card_json(card, labels) if as_json else render.card_text(card, labels))


@app.command()
@reports_errors
def check(
    show_all: Annotated[bool, typer.Option("--all", help="Also list values that agree but are written differently")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find where the notes contradict each other and say which claim is probably stale

    Compares limits of the same service, kind, qualifier and condition by canonical value (900
    seconds is 15 minutes), and statements that affirm and deny the same thing. The newest
    dated note wins; otherwise the majority. Also validates the graph against the SHACL shapes.
    Exit status 0 when clean, 3 when there are findings (as pySHACL does), 1 on error.

    Example: kg check --json
    """
    from kg.check import check_graph
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli import render
    from cli.ask import ensure_ingested

    ensure_ingested(db)
    with open_store(db) as store:
        report = check_graph(store, default_vocabulary(), include_unit_only=show_all)
    typer.echo(render.to_json(render.check_dict(report)) if as_json else render.check_text(report))
    if any(f.cls != "unit-only" for f in report.findings) or report.violations:
        raise typer.Exit(code=3)


FormatOption = Annotated[Optional[str], typer.Option(
    "--format", "-f", help="turtle, trig, ntriples, nquads, jsonld, dot, svg, png, mermaid, graphml or "
    "cytoscape (default: from the file's extension, else turtle)")]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout")]


def _check_format(fmt: str | None, allowed: tuple[str, ...]) -> None:
    if fmt is not None and fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of: {', '.join(allowed)}", param_hint="--format")


@app.command()
@reports_errors
def export(
    output: OutputOption = "-",
    fmt: FormatOption = None,
    service: Annotated[Optional[list[str]], typer.Option("--service", help="Draw this service's neighbourhood (repeatable)")] = None,
    depth: Annotated[int, typer.Option("--depth", min=0, max=6, help="Hops around --service")] = 1,
    relation: Annotated[Optional[list[str]], typer.Option("--relation", help="Keep only this relation (repeatable)")] = None,
    limits: Annotated[bool, typer.Option("--limits", help="Put each service's key limits on its node")] = False,
    max_neighbours: Annotated[int, typer.Option("--max-neighbours", min=0,
                                                help="Best-attested neighbours per service at depth 1 (0: all)")] = 12,
    max_services: Annotated[int, typer.Option("--max-services", min=0,
                                              help="Without --service: the best-attested services to draw (0: all)")] = 40,
    with_ontology: Annotated[bool, typer.Option("--with-ontology", help="Add the ontology and vocabularies (RDF)")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
    db: DbOption = None,
) -> None:
    """Export the graph as RDF for other tools, or draw it as a diagram

    RDF: Turtle, TriG (one named graph per note), N-Triples, N-Quads, JSON-LD. Diagrams: DOT,
    SVG and PNG (drawn by Graphviz), Mermaid, GraphML (yEd, Gephi), Cytoscape.js JSON. Files are
    written atomically and never overwritten without --force.

    Example: kg export -o sqs.svg --service SQS --depth 1 --limits
    """
    from kg.export import FORMATS, RDF_FORMATS, DiagramOptions, diagram_graph, export_diagram, export_rdf, format_for
    from kg.store import open_store
    from kg.vocab import default_vocabulary

    from cli.ask import ensure_ingested
    from cli.output import write_output

    _check_format(fmt, FORMATS)
    chosen = format_for(output, fmt)
    ensure_ingested(db)
    with open_store(db) as store:
        if chosen in RDF_FORMATS:
            data = export_rdf(store, chosen, with_ontology=with_ontology)
        else:
            from kg.match import resolve_service

            vocab = default_vocabulary()
            focus = tuple(resolve_service(s, vocab) for s in service or ())
            picture = chosen in ("dot", "svg", "png", "mermaid")    # GraphML and Cytoscape carry everything
            graph = diagram_graph(store, vocab, DiagramOptions(focus, depth, tuple(relation or ()), limits,
                                                               max_neighbours if picture else 0,
                                                               max_services if picture else 0))
            names = ", ".join(vocab.service_label(f).replace("Amazon ", "").replace("AWS ", "") for f in focus)
            title = (f"{names}: integrations within {depth} hop{'s' if depth != 1 else ''}, from the notes"
                     if focus else "Integrations in the notes")
            if focus and depth <= 1 and max_neighbours and picture:
                title += f" (best-attested {max_neighbours} neighbours each; --max-neighbours 0 for all)"
            if not focus and max_services and picture:
                title += f" (the {max_services} best-attested services; --max-services 0 for all)"
            data = export_diagram(graph, vocab, chosen, title=title, focus=focus)
    write_output(output, data, force=force)
    if output != "-":
        typer.echo(f"Wrote {output} ({chosen}, {len(data):,} bytes).", err=True)


@app.command()
@reports_errors
def sparql(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or - to read it from stdin")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json (SPARQL 1.1 JSON results) or csv")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json")] = False,
    allow_update: Annotated[bool, typer.Option("--allow-update", help="Also run SPARQL updates (INSERT, DELETE, DROP...)")] = False,
    db: DbOption = None,
) -> None:
    """Run a SPARQL query against the graph, read-only unless --allow-update

    SELECT prints a table (cells cut at 60 characters), SPARQL 1.1 JSON results or CSV; ASK
    prints true or false; CONSTRUCT and DESCRIBE print N-Triples. Each note is a named graph,
    so match its triples inside GRAPH ?g { ... }. Works on the store folder and on a server.

    Example: kg sparql 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
    """
    from kg.errors import UpdateNotAllowed
    from kg.sparql import format_results, query_form
    from kg.store import is_endpoint, open_store

    from cli.ask import ensure_ingested

    _check_format(fmt, ("table", "json", "csv"))
    text = sys.stdin.read() if query == "-" else query
    if query_form(text) == "update":
        if not allow_update:
            raise UpdateNotAllowed()
        with open_store(db, write=True) as store:
            store.update(text)
        typer.echo("Update done.", err=True)
        return
    if not is_endpoint(db):
        ensure_ingested(db)
    with open_store(db) as store:
        data = format_results(store.query(text), "json" if as_json else fmt)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


@app.command()
@reports_errors
def serve(
    bind: Annotated[str, typer.Option("--bind", help="Address to listen on; loopback unless you mean to share")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on")] = 7878,
    read_only: Annotated[bool, typer.Option("--read-only", help="Answer queries only, refuse updates")] = False,
    db: DbOption = None,
) -> None:
    """Serve the store over the SPARQL 1.1 Protocol until Ctrl-C

    Runs Oxigraph's server program (the oxigraph package, kg's server extra) on the store
    folder. Other tools and kg itself (--db http://127.0.0.1:7878) query it at /query and
    update it at /update. Read-write, it holds the store's lock, so other kg commands use the
    URL meanwhile; --read-only lets kg read the folder too, and makes kg ingest on it wait.

    Example: kg serve --port 7878 --read-only
    """
    import signal

    from kg.resources import default_store_path
    from kg.server import OxigraphServer, is_loopback
    from kg.store import is_endpoint

    from cli.ask import ensure_ingested

    if is_endpoint(db):
        raise typer.BadParameter("kg serve serves a store folder, not a URL", param_hint="--db")
    if bind.count(":") == 1:
        raise typer.BadParameter("give the address alone and the port with --port", param_hint="--bind")
    path = Path(db) if db else default_store_path()
    if read_only:
        ensure_ingested(db)         # a read-only server on nothing would serve nothing
    server = OxigraphServer(path, host=bind, port=port, read_only=read_only)

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    server.start()
    status = 0
    try:
        mode = "read-only" if read_only else "read-write"
        services = f"query {server.url}/query" + ("" if read_only else f", update {server.url}/update")
        typer.echo(f"Serving {path} at {server.url} ({mode}): {services}.")
        typer.echo(f"Use it with --db {server.url}; Ctrl-C stops.")
        if not is_loopback(bind):
            typer.echo(f"Warning: listening on {bind}, so other machines can reach it; "
                       "the server asks for no password.", err=True)
        status = server.wait()
    except KeyboardInterrupt:
        typer.echo("Stopped.", err=True)
    finally:
        server.stop()
    if status:
        from kg.errors import ServerFailed

        raise ServerFailed(f"oxigraph exited with status {status}")


from cli import study  # noqa: E402
study.register(app)


def main() -> None:
    """Entry point of the Typer app (the console script starts in cli.main)."""
    app(prog_name="kg")
