"""Every error kg reports to a user, each message written once, here."""

from __future__ import annotations


class KgError(Exception):
    """Base class of the errors kg reports as one line and a non-zero exit."""


class NotesNotFound(KgError):
    """A path given to ingest does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"No such file or folder: {path}.")
        self.path = path


class StoreLocked(KgError):
    """Another kg process is writing to the store."""

    def __init__(self, path: str, waited: float) -> None:
        super().__init__(
            f"The store {path} is locked by another kg process (waited {waited:.0f} s). "
            "Try again when it has finished."
        )
        self.path = path


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
