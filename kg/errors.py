"""Every error kg reports to a user, each message written once, here."""

from __future__ import annotations


class KgError(Exception):
    """Base class of the errors kg reports as one line and a non-zero exit."""

    exit_code = 1           # the README's exit-code table: 1 error, 2 usage, 130 interrupted


class UsageError(KgError):
    """A bad option value, reported as one line with exit status 2."""

    exit_code = 2


class NotesNotFound(KgError):
    """A path given to ingest does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"No such file or folder: {path}.")
        self.path = path


class StoreLocked(KgError):
    """Another kg process is writing to the store."""

    def __init__(self, path: str, waited: float, holder: str = "another kg process") -> None:
        super().__init__(
            f"The store {path} is locked by {holder} (waited {waited:.0f} s). "
            "Try again when it has finished."
        )
        self.path, self.holder = path, holder


class StoreDamaged(KgError):
    """The store cannot be opened or read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"The store {path} cannot be opened: {reason.rstrip('. ')}. "
            "Move it aside and run 'kg ingest' to rebuild it."
        )
        self.path = path


class StoreWriteFailed(KgError):
    """A write to the store failed; the store keeps what it had."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not write to the store {path}: {reason}. The graph is unchanged.")
        self.path = path


class UnknownService(KgError):
    """No service label is close enough to what the user typed."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No service matches {name!r}.{hint}")
        self.name, self.suggestions = name, suggestions


class VocabularyError(KgError):
    """An ontology file is missing or does not parse."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"The vocabulary {path} cannot be read: {reason}.")
        self.path = path


class EmptyQuestion(KgError):
    """The question has no words."""

    def __init__(self) -> None:
        super().__init__("The question is empty. Ask about a service, for example: kg ask \"max SQS message size\".")


class OutputExists(KgError):
    """An export would overwrite a file."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} exists; add --force to overwrite it.")


class OutputIsLink(KgError):
    """An export target is a symbolic link."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} is a symbolic link; kg does not write through links. Give the real path.")


class OutputFailed(KgError):
    """An export could not be written."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not write {path}: {reason}. Nothing was changed.")


class GraphvizMissing(KgError):
    """SVG and PNG need Graphviz's dot program."""

    def __init__(self) -> None:
        super().__init__("Graphviz's 'dot' program is not installed; install the graphviz package "
                         "(Debian/Ubuntu: apt-get install graphviz) to draw SVG and PNG.")


class GraphvizFailed(KgError):
    """dot exited with an error."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Graphviz could not draw the diagram: {reason}.")


# ---------------------------------------------------------------- SPARQL servers (`--db http://...`)

class EndpointInvalid(KgError):
    """A --db URL that is not a usable SPARQL endpoint address."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url} is not a usable SPARQL endpoint URL: {reason}.")
        self.url = url


class EndpointUnreachable(KgError):
    """No connection to the SPARQL server."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Cannot reach the SPARQL endpoint {url}: {reason}. "
                         "Check the URL and that the server is running.")
        self.url = url


class EndpointTimeout(KgError):
    """The SPARQL server did not answer in time."""

    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(f"The SPARQL endpoint {url} did not answer within {seconds:g} s "
                         "(KG_SPARQL_TIMEOUT sets the limit).")
        self.url = url


class EndpointDenied(KgError):
    """HTTP 401 or 403: the server wants other credentials."""

    def __init__(self, url: str, status: int, reason: str, sent_credentials: bool) -> None:
        hint = ("check KG_SPARQL_USER and KG_SPARQL_PASSWORD" if sent_credentials
                else "set KG_SPARQL_USER and KG_SPARQL_PASSWORD if it needs them")
        super().__init__(f"The SPARQL endpoint {url} refused access (HTTP {status} {reason.rstrip('. ')}); {hint}.")
        self.url, self.status = url, status


class EndpointNotFound(KgError):
    """HTTP 404: nothing serves SPARQL at that path."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url} answered 404 Not Found: no SPARQL service at that path. Set KG_SPARQL_QUERY "
                         "and KG_SPARQL_UPDATE to the server's paths (Fuseki: sparql and update under the dataset).")
        self.url = url


class EndpointFailed(KgError):
    """The SPARQL server answered with an error (5xx, or a request it rejected)."""

    def __init__(self, url: str, reason: str, status: int | None = None, said: str = "") -> None:
        super().__init__(f"The SPARQL endpoint {url} failed: {reason.rstrip('. ')}.")
        self.url, self.status, self.said = url, status, said


class EndpointEmpty(KgError):
    """A SPARQL server that holds no notes yet (kg never fills a shared server by itself)."""

    def __init__(self, url: str) -> None:
        super().__init__(f"The SPARQL endpoint {url} holds no notes yet; load them with 'kg ingest --db {url}'.")
        self.url = url


class InvalidTerm(KgError):
    """A value that cannot be written as a SPARQL term (an IRI with spaces, quotes or brackets)."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"{value[:80]!r} cannot be used as {reason}.")


class QuerySyntaxError(KgError):
    """`kg sparql`: the text is not SPARQL."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The SPARQL text does not parse: {reason.splitlines()[0] if reason else 'syntax error'}.")


class UpdateNotAllowed(KgError):
    """`kg sparql` was given an update without --allow-update."""

    def __init__(self) -> None:
        super().__init__("This is a SPARQL update, and kg sparql is read-only; add --allow-update to change the graph.")


class ServerMissing(KgError):
    """`kg serve` needs the oxigraph program."""

    def __init__(self) -> None:
        super().__init__("The 'oxigraph' server program is not installed; pip install 'kg[server]'.")


class ServerFailed(KgError):
    """`kg serve`: the oxigraph server did not start."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The SPARQL server did not start: {reason.rstrip('. ')}.")


# ---------------------------------------------------------------- store locations (issue 12)

class NoStore(KgError):
    """A --db or KG_DB location that holds no store, given to a command that only reads."""

    def __init__(self, path: str) -> None:
        super().__init__(f"There is no kg store at {path}. Build one with 'kg ingest --db {path}' "
                         "(or leave out --db and KG_DB to use the default store).")
        self.path = path


class StoreIsAFile(KgError):
    """A store location that is a file, not a folder."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} is a file, not a store folder; give --db (or KG_DB) a folder.")
        self.path = path


class NotAStore(KgError):
    """A folder that holds other files and was never a kg store: kg neither reads nor writes it."""

    def __init__(self, path: str, example: str) -> None:
        super().__init__(f"{path} is not a kg store (it holds other files, such as {example}); "
                         "give --db (or KG_DB) a new or empty folder.")
        self.path = path


class StoreInsideStore(KgError):
    """A new store would sit inside another store's folder, among its database files."""

    def __init__(self, path: str, outer: str) -> None:
        super().__init__(f"{path} is inside the kg store {outer}; give --db (or KG_DB) a folder outside it.")
        self.path = path


class StoreInsideNotes(KgError):
    """The store would sit inside a folder of notes, where ingest would read it as notes."""

    def __init__(self, store: str, notes: str) -> None:
        super().__init__(f"The store {store} would be inside the notes folder {notes}; "
                         "put the store somewhere else (--db) or leave out --db.")
        self.store, self.notes = store, notes


class BuildInterrupted(KgError):
    """Ctrl-C while a brand-new store was being built: nothing was kept."""

    exit_code = 130

    def __init__(self, path: str) -> None:
        super().__init__(f"Interrupted: the graph at {path} was not built, and nothing was kept. "
                         "The next command builds it again.")
        self.path = path


class NoSuchNote(KgError):
    """`kg forget` was given a path that no note in the graph has."""

    def __init__(self, path: str, bundled: str | None = None) -> None:
        if bundled:
            super().__init__(f"{path} holds kg's bundled notes, which a folder never forgets; "
                             f"'kg forget {bundled}' does.")
        else:
            super().__init__(f"No note in the graph is at or under {path}; 'kg notes' lists them.")
        self.path = path


class BadSetting(UsageError):
    """An environment variable kg reads holds a value it cannot use."""

    def __init__(self, name: str, given: str, wanted: str) -> None:
        super().__init__(f"{name} is {given!r}; it must be {wanted}.")
        self.name = name


class EmptyQuery(UsageError):
    """`kg sparql ''`: a query of no text."""

    def __init__(self) -> None:
        super().__init__("The SPARQL query is empty; for example: kg sparql 'SELECT * WHERE { ?s ?p ?o } LIMIT 5'.")


class SameService(UsageError):
    """`kg connect` given two names of one service."""

    def __init__(self, a: str, b: str, label: str) -> None:
        same = f"'{a}' and '{b}' both name {label}" if a != b else f"Both ends are '{a}' ({label})"
        super().__init__(f"{same}; kg connect links two different services.")


class EmptyPath(UsageError):
    """A path argument or option given as an empty string (an unset shell variable)."""

    def __init__(self, what: str, wanted: str = "a file or folder") -> None:
        super().__init__(f"The {what} is empty; name {wanted}.")
        self.what = what


class UnknownFormat(UsageError):
    """An export format or file extension kg cannot write."""

    def __init__(self, given: str, accepted: str, *, extension: bool = False) -> None:
        what = f"The file name {given!r} has no extension kg can write" if extension else f"Unknown format {given!r}"
        super().__init__(f"{what}. Accepted formats: {accepted}.")
        self.given = given


class FormatNotAllowed(UsageError):
    """A format that exists but not for this command (kg connect draws; it writes no RDF)."""

    def __init__(self, fmt: str, command: str, accepted: str) -> None:
        super().__init__(f"kg {command} cannot write {fmt}; accepted formats: {accepted}.")


class BinaryToTerminal(UsageError):
    """Binary output (PNG) with no -o while stdout is a terminal."""

    def __init__(self, fmt: str) -> None:
        super().__init__(f"{fmt.upper()} is binary and would garble the terminal; "
                         f"give -o FILE, or redirect: > picture.{fmt}.")


class UnknownRelation(UsageError):
    """--relation names no relation of the vocabulary."""

    def __init__(self, given: str, valid: list[str]) -> None:
        super().__init__(f"Unknown relation {given!r}. Valid relations: {', '.join(valid)}.")
        self.given = given


class OutputNotRegular(KgError):
    """An export target that exists and is not a regular file (a folder, device, pipe or socket)."""

    def __init__(self, path: str, kind: str) -> None:
        hint = f"; give a file name inside it, such as {path.rstrip('/')}/graph.ttl" if kind == "a folder" else ""
        super().__init__(f"{path} is {kind}, not a regular file; kg writes only regular files{hint}.")
        self.path = path


class ServiceNotAllowed(KgError):
    """A SPARQL query with a SERVICE clause, or an update with LOAD, which would make kg reach
    other servers."""

    def __init__(self, keyword: str = "SERVICE") -> None:
        what = ("an update with LOAD, which would fetch a document" if keyword == "LOAD" else
                "a SERVICE clause, which would send it to another server")
        super().__init__(f"The query has {what} over the network; add --allow-service if you mean that.")
        self.keyword = keyword


class QueryFailed(KgError):
    """`kg sparql`: the query parsed but failed while running."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The query failed: {reason.rstrip('. ')}.")


class ReviewHistoryDamaged(KgError):
    """`kg quiz`: the review history file cannot be read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"The review history {path} cannot be read: {reason.rstrip('. ')}. "
                         "Move it aside to start a new history.")
        self.path = path


class ReviewHistoryWriteFailed(KgError):
    """`kg quiz`: the review history file cannot be written."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not write the review history {path}: {reason}. Give another with --history.")
        self.path = path
