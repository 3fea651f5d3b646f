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

# rich_markup_mode=None: Click's own formatter rewraps each help paragraph at word boundaries
# (Rich kept the docstrings' line breaks and wrapped again, breaking sentences mid-line), and
# an error is a plain "Error: ..." line under the usage, not a box.
app = typer.Typer(no_args_is_help=True, add_completion=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Turn study notes into a cited knowledge graph and answer questions from it.")

DbOption = Annotated[Optional[str], typer.Option(
    "--db", envvar="KG_DB", show_envvar=True,
    help="Store folder, or a SPARQL endpoint URL http://host:port (default: the user data directory)")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a KgError into 'Error: ...' on stderr and exit status 1."""
    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from cli.ask import error_exit_code, error_line

        try:
            return command(*args, **kwargs)
        except KgError as error:
            typer.echo(error_line(error), err=True)
            raise typer.Exit(code=error_exit_code(error)) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted; the store keeps every note that was fully written.", err=True)
            raise typer.Exit(code=130) from None
    return wrapper


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"kg {version('kg')}")
        except PackageNotFoundError:
            typer.echo("kg (not installed)")
        raise typer.Exit()


@app.callback()
def root(
    _version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                           help="Print kg's version and exit")] = False,
) -> None:
    """Turn study notes into a queryable knowledge graph."""


@app.command()
@reports_errors
def ingest(
    paths: Annotated[Optional[list[str]], typer.Argument(
        help="Note files or folders (default: the bundled notes)")] = None,
    include: Annotated[Optional[list[str]], typer.Option(
        "--include", help="Read only files matching this glob, whatever their extension (repeatable)")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", help="Leave out files and folders matching this glob (repeatable)")] = None,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Drop the notes of folders ingested before that no longer exist")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build or update the graph from note files and folders

    Reads text notes: .md, .markdown, .txt, .text, .org, .rst, .adoc, .csv, .tsv, .html and
    files with no extension that hold text. Other files (a vault's images, PDFs, canvases) are
    counted, not read. --include and --exclude take globs, and a .kgignore file in a notes
    folder lists more (gitignore syntax). Re-extracts only notes whose content or kg's
    extraction changed, and drops notes no longer in a folder ingested before. A new store
    is built whole or not at all. Unreadable files, pipes and devices are skipped with a
    warning; the exit status is 0 when everything was read and 4 when some files were skipped.

    Example: kg ingest ~/notes/aws --exclude 'drafts/*'
    """
    from kg.ingest import check_store_outside_notes, ingest_new_store, ingest_paths
    from kg.resources import bundled_notes_dir, default_store_path
    from kg.store import interrupted_builds, is_endpoint, lock_is_held, store_state

    from cli import render
    from cli.ask import lock_waiter, open_db, progress_line

    if paths and any(not p.strip() for p in paths):
        from kg.errors import EmptyPath

        raise EmptyPath("notes path")        # "" (an unset variable) would be the working folder
    targets = [Path(p) for p in paths] if paths else [bundled_notes_dir()]
    options = {"progress": progress_line("Ingesting"), "include": tuple(include or ()),
               "exclude": tuple(exclude or ()), "prune": prune}
    location = db or None
    report = None
    if not is_endpoint(location):
        path = Path(location) if location else default_store_path()
        check_store_outside_notes(path, targets)
        if store_state(path) != "store":
            if interrupted_builds(path) and not lock_is_held(path):     # held: another kg is building it
                typer.echo(f"An earlier build of {path} was interrupted; building it again.", err=True)
            try:
                report, _built = ingest_new_store(path, targets, on_wait=lock_waiter(path), **options)
            except KeyboardInterrupt:
                from kg.errors import BuildInterrupted

                raise BuildInterrupted(str(path)) from None
    if report is None:
        with open_db(db, write=True) as store:
            report = ingest_paths(store, targets, **options)
    for path_, reason in report.skipped:
        typer.echo(f"Warning: skipped {path_}: {reason}.", err=True)
    for root_, count in report.gone:
        typer.echo(f"Warning: {root_} was ingested before and is gone ({count} note{'s' if count != 1 else ''} "
                   "kept); 'kg ingest --prune' drops them.", err=True)
    if not report.notes and not report.skipped and not report.removed:
        typer.echo(f"Warning: no note files under {', '.join(str(t) for t in targets)}.", err=True)
    typer.echo(render.ingest_json(report) if as_json else render.ingest_text(report))
    if report.skipped:
        raise typer.Exit(code=4)


@app.command()
@reports_errors
def notes(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the notes in the graph, with the folder each came from, its date and its facts

    The bundled notes are listed under bundled:, wherever kg is installed.

    Example: kg notes --json
    """
    from kg.catalog import list_notes

    from cli import render
    from cli.ask import ensure_ingested, open_db

    ensure_ingested(db)
    with open_db(db) as store:
        found = list_notes(store)
    typer.echo(render.notes_json(found) if as_json else render.notes_text(found))


@app.command()
@reports_errors
def forget(
    path: Annotated[str, typer.Argument(help="A note, a folder of notes (it need not exist any more), or bundled:")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove a note, or every note under a folder, from the graph

    The files themselves are left alone; 'kg ingest' reads them again.

    Example: kg forget ~/old-notes
    """
    from kg.catalog import forget_notes

    from cli import render
    from cli.ask import ensure_ingested, open_db

    ensure_ingested(db)
    with open_db(db, write=True) as store:
        gone = forget_notes(store, path)
    if as_json:
        typer.echo(render.notes_json(gone))
    else:
        typer.echo(f"Forgot {len(gone)} note{'s' if len(gone) != 1 else ''} at {path}.")


@app.command()
@reports_errors
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count notes, statements, services, limits, integrations and triples

    Example: kg stats --json
    """
    from cli.reads import stats_output

    typer.echo(stats_output(db, as_json))


@app.command()
@reports_errors
def facts(
    service: Annotated[str, typer.Argument(help="Service name, alias or abbreviation")],
    db: DbOption = None,
    as_json: JsonOption = False,
    why: Annotated[bool, typer.Option("--why", help="Show the extraction passes that shaped each fact")] = False,
) -> None:
    """List every fact extracted about one service, with sources

    Example: kg facts SQS --why
    """
    from kg.facts import integration_facts, limit_facts, service_and_features
    from kg.match import resolve_service
    from kg.vocab import default_vocabulary

    from cli import render
    from cli.ask import ensure_ingested, open_db

    vocab = default_vocabulary()
    iri = resolve_service(service, vocab)
    scope = service_and_features(vocab, iri)
    ensure_ingested(db)
    with open_db(db) as store:
        limits = limit_facts(store, vocab, scope)
        integrations = integration_facts(store, vocab, scope)
        passes = None
        if why:
            from kg.explain import explain_facts

            passes = explain_facts(store, vocab, [*limits, *integrations])
    concept = vocab.services[iri]
    context_labels = {k: c.pref for k, c in vocab.contexts.items()}
    if as_json:
        typer.echo(render.facts_json(concept.pref, iri, limits, integrations, context_labels, passes))
    else:
        typer.echo(render.facts_text(concept.pref, concept.alt[:4], limits, integrations, context_labels,
                                     passes))


@app.command()
@reports_errors
def ask(
    question: Annotated[list[str], typer.Argument(
        help="Question in plain English (quotes optional), or - to read one per line from stdin")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the notes, citing the lines that say so

    Prints the answer first, then each source (note:line and its text). When the notes
    disagree, all values are shown, the newest dated note first; when they don't say, kg says
    so and lists close things they do say. With '-', answers one question per line of stdin
    (JSON Lines with --json), loading the graph once. Exit status 1 when the question names no
    service kg knows.

    Example: kg ask max SQS message size
    """
    from cli.ask import run_ask

    status = run_ask(" ".join(question), db, as_json)
    if status:
        raise typer.Exit(code=status)


@app.command()
@reports_errors
def connect(
    source: Annotated[str, typer.Argument(help="Service the chain starts from")],
    target: Annotated[str, typer.Argument(help="Service the chain ends at")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=6, help="Longest chain to look for")] = 3,
    db: DbOption = None,
    as_json: JsonOption = False,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="Draw the paths: dot, svg, png, mermaid, "
                                               "graphml or cytoscape (default: from -o's extension)")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File for the drawing, or - for stdout")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Show how two services connect, every hop cited

    Up to five shortest chains of integrations, following each relation's direction; when
    only chains that ignore a direction exist, they are shown marked as undirected. With
    --format or -o, draws the chains instead (an SVG's tooltips cite the note lines).

    Example: kg connect SNS Lambda --format svg -o sns-lambda.svg
    """
    if not (fmt or output is not None):
        from cli.reads import connect_output

        status, text = connect_output(source, target, db, as_json, max_hops)
        typer.echo(text)
        if status:
            raise typer.Exit(code=status)
        return
    from kg.export import choose_format

    from cli.output import check_target
    from cli.reads import connection

    check_target(output)
    drawing = choose_format(output, fmt, kinds=("diagram",), command="connect", default="svg")
    _refuse_binary_to_terminal(drawing, output)
    result, vocab = connection(source, target, db, as_json, max_hops)
    from kg.export import export_diagram, path_graph

    from cli.output import write_output

    data = export_diagram(path_graph(result.paths), vocab, drawing.name, title=result.message,
                          focus=(result.source, result.target) if result.paths else ())
    write_output(output or "-", data, force=force)
    if output and output != "-":
        typer.echo(f"Wrote {output} ({drawing.name}, {len(data):,} bytes).", err=True)


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
    from cli.reads import describe_output

    typer.echo(describe_output(service, db, as_json))


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
    from kg.vocab import default_vocabulary

    from cli import render
    from cli.ask import ensure_ingested, open_db

    ensure_ingested(db)
    with open_db(db) as store:
        report = check_graph(store, default_vocabulary(), include_unit_only=show_all)
    typer.echo(render.to_json(render.check_dict(report)) if as_json else render.check_text(report))
    if any(f.cls != "unit-only" for f in report.findings) or report.violations:
        raise typer.Exit(code=3)


FormatOption = Annotated[Optional[str], typer.Option(
    "--format", "-f", help="RDF: turtle (ttl), trig, ntriples (nt), nquads (nq), jsonld (json-ld), rdfxml, n3; "
    "diagrams: dot, svg, png, mermaid, graphml, cytoscape; cards: anki (apkg), cards-csv, cards-json "
    "(default: from the file's extension; turtle when writing to stdout)")]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout")]


def _check_format(fmt: str | None, allowed: tuple[str, ...]) -> None:
    if fmt is not None and fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of: {', '.join(allowed)}", param_hint="--format")


def _refuse_binary_to_terminal(chosen, output: str | None) -> None:
    """PNG bytes on a terminal garble it: ask for -o or a redirect instead."""
    if chosen.binary and (not output or output == "-") and sys.stdout.isatty():
        from kg.errors import BinaryToTerminal

        raise BinaryToTerminal(chosen.name)


@app.command()
@reports_errors
def export(
    output: OutputOption = "-",
    fmt: FormatOption = None,
    service: Annotated[Optional[list[str]], typer.Option("--service", help="Only this service's neighbourhood (repeatable)")] = None,
    depth: Annotated[int, typer.Option("--depth", min=0, max=6, help="Hops around --service")] = 1,
    relation: Annotated[Optional[list[str]], typer.Option("--relation", help="Keep only this relation (repeatable)")] = None,
    limits: Annotated[bool, typer.Option("--limits", help="Put each service's key limits on its node")] = False,
    max_neighbours: Annotated[int, typer.Option("--max-neighbours", min=0,
                                                help="Best-attested neighbours per service at depth 1 (0: all)")] = 12,
    max_services: Annotated[int, typer.Option("--max-services", min=0,
                                              help="Without --service: the best-attested services to draw (0: all)")] = 20,
    max_nodes: Annotated[int, typer.Option("--max-nodes", min=0,
                                           help="Size guard: at most this many services in a picture, then a warning (0: no limit)")] = 60,
    with_ontology: Annotated[bool, typer.Option("--with-ontology", help="Add the ontology and vocabularies (RDF)")] = False,
    kind: Annotated[Optional[list[str]], typer.Option(
        "--kind", help="Cards: only this kind: limit, default, range, setting, capability or integration (repeatable)")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Cards: at most this many")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
    db: DbOption = None,
) -> None:
    """Export the graph as RDF for other tools, or draw it as a diagram

    RDF: Turtle, TriG (one named graph per note), N-Triples, N-Quads, JSON-LD, RDF/XML, N3.
    Diagrams: DOT, SVG and PNG (drawn by Graphviz), Mermaid, GraphML (yEd, Gephi),
    Cytoscape.js JSON. The format follows --format, else the file's extension; an unknown one
    is refused. --service, --depth and --relation choose a neighbourhood for RDF too: the
    facts of those services and the integrations among them, with their sources. Only
    regular files are written, atomically, and never over a file without --force.

    Example: kg export -o sqs.svg --service SQS --depth 1 --limits
    """
    from kg.export import DiagramOptions, choose_format, diagram_graph, export_diagram, export_rdf

    from cli.ask import ensure_ingested, open_db
    from cli.output import write_output

    from cli.output import check_target

    check_target(output)
    chosen = choose_format(output, fmt, kinds=("rdf", "diagram", "cards"))
    _refuse_binary_to_terminal(chosen, output)
    vocab = None
    relations: dict[str, tuple[str, ...]] = {}
    if relation:
        from kg.export import resolve_relations
        from kg.vocab import default_vocabulary

        vocab = default_vocabulary()
        relations = resolve_relations(vocab, tuple(relation))
    ensure_ingested(db)
    with open_db(db) as store:
        if chosen.kind == "cards":
            from cli.study import export_cards_data

            data = export_cards_data(store, chosen.name, service, kind, limit)
        elif chosen.kind == "rdf":
            services = None
            if service:
                from kg.export import neighbourhood
                from kg.match import resolve_service
                from kg.vocab import default_vocabulary

                vocab = vocab or default_vocabulary()
                focus = tuple(resolve_service(s, vocab) for s in service)
                services = neighbourhood(store, vocab, focus, depth, relations or None)
            data = export_rdf(store, chosen.name, with_ontology=with_ontology, services=services,
                              relations=set(relations) if relations else None)
        else:
            from kg.match import resolve_service
            from kg.vocab import default_vocabulary

            vocab = vocab or default_vocabulary()
            focus = tuple(resolve_service(s, vocab) for s in service or ())
            picture = chosen.name in ("dot", "svg", "png", "mermaid")    # GraphML and Cytoscape carry everything
            labels = tuple(label for names in relations.values() for label in names)
            from kg.export import MAX_DRAWN_EDGES

            graph = diagram_graph(store, vocab, DiagramOptions(
                focus, depth, labels, limits, max_neighbours if picture else 0, max_services if picture else 0,
                max_nodes if picture else 0, (MAX_DRAWN_EDGES * max_nodes // 60 if max_nodes else 0) if picture else 0))
            if "cut" in graph.graph:
                typer.echo(f"Warning: {graph.graph['cut'].message}", err=True)
            names = ", ".join(vocab.service_label(f).replace("Amazon ", "").replace("AWS ", "") for f in focus)
            title = (f"{names}: integrations within {depth} hop{'s' if depth != 1 else ''}, from the notes"
                     if focus else "Integrations in the notes")
            if focus and depth <= 1 and max_neighbours and picture:
                title += f" (best-attested {max_neighbours} neighbours each; --max-neighbours 0 for all)"
            if not focus and max_services and picture:
                drawn = graph.number_of_nodes()      # those of the best with a link among the best links
                title += (f" (the {drawn} best-attested linked service{'s' if drawn != 1 else ''}; "
                          "--max-services 0 for all)")
            data = export_diagram(graph, vocab, chosen.name, title=title, focus=focus)
    write_output(output, data, force=force)
    if output != "-":
        typer.echo(f"Wrote {output} ({chosen.name}, {len(data):,} bytes).", err=True)


@app.command()
@reports_errors
def sparql(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or - to read it from stdin")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json (SPARQL 1.1 JSON results) or csv")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json")] = False,
    allow_update: Annotated[bool, typer.Option("--allow-update", help="Also run SPARQL updates (INSERT, DELETE, DROP...)")] = False,
    allow_service: Annotated[bool, typer.Option("--allow-service",
                                                help="Let SERVICE clauses and LOAD reach other servers over the network")] = False,
    db: DbOption = None,
) -> None:
    """Run a SPARQL query against the graph, read-only unless --allow-update

    SELECT prints a table (cells cut at 60 characters), SPARQL 1.1 JSON results or CSV; ASK
    prints true or false; CONSTRUCT and DESCRIBE print N-Triples. Each note is a named graph,
    so match its triples inside GRAPH ?g { ... }. Works on the store folder and on a server.
    A query never reaches the network unless --allow-service lets its SERVICE clauses (or an
    update's LOAD) run.

    Example: kg sparql 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
    """
    from kg.errors import ServiceNotAllowed, UpdateNotAllowed
    from kg.sparql import format_results, network_keyword, query_form
    from kg.store import is_endpoint

    from cli.ask import ensure_ingested, open_db

    _check_format(fmt, ("table", "json", "csv"))
    text = sys.stdin.read() if query == "-" else query
    if not text.strip():
        from kg.errors import EmptyQuery

        raise EmptyQuery()
    update = query_form(text) == "update"
    if update and not allow_update:
        raise UpdateNotAllowed()        # read-only first: a LOAD is refused as an update
    reach = network_keyword(text)
    if not allow_service and reach:
        raise ServiceNotAllowed(reach)
    if update:
        with open_db(db, write=True) as store:
            store.update(text)
        typer.echo("Update done.", err=True)
        return
    if not is_endpoint(db):
        ensure_ingested(db)
    with open_db(db) as store:
        try:
            data = format_results(store.query(text), "json" if as_json else fmt)
        except OSError as error:      # results stream lazily: a SERVICE call fails while they are read
            from kg.errors import QueryFailed

            raise QueryFailed(str(error).split("\n")[0][:200]) from None
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
