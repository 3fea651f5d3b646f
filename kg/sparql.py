"""The graph on a SPARQL 1.1 server: the embedded store's reads and writes, over HTTP.

`ServerStore` answers the same calls as `EmbeddedStore` and returns the same pyoxigraph
objects, so every command works against a server unchanged. It speaks only the SPARQL 1.1
Protocol: queries are URL-encoded POSTs to the query endpoint, writes are SPARQL updates
POSTed to the update endpoint. Tested against Oxigraph's server; Fuseki, GraphDB and Neptune
take the same requests once KG_SPARQL_QUERY / KG_SPARQL_UPDATE name their paths.

The protocol has no parameter for bound values, so `bind_values` writes them as a `VALUES` row
into the query's WHERE group and each group inside that uses them, every value rendered by
`kg.store.sparql_term` (escaped literal or checked IRI): no value can close its string or add
a clause.

This module is imported only when a store location is a URL; the embedded path never loads it.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import socket
import ssl
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from kg.errors import (EndpointDenied, EndpointFailed, EndpointInvalid, EndpointNotFound, EndpointTimeout,
                       EndpointUnreachable, StoreWriteFailed)
from kg.namespaces import KG
from kg.store import Term, _py, sparql_iri, sparql_term

# Oxigraph's paths; Fuseki's are sparql and update under the dataset. Writes are SPARQL updates,
# so the Graph Store Protocol is not needed (a PUT measured within 8% of the update's time).
DEFAULT_PATHS = {"query": "query", "update": "update"}
TIMEOUT = 300.0          # KG_SPARQL_TIMEOUT overrides; an update of a big note can take minutes
CONNECT_TIMEOUT = 10.0
# One request body at most this big; a larger note is written in parts to a staging graph
MAX_REQUEST_BYTES = 16 * 1024 * 1024        # KG_SPARQL_MAX_BYTES overrides
# Triples in one INSERT DATA operation; a request holds as many operations as fit. Virtuoso 7.2's
# parser runs out of stack past about 5,000 triples in one operation ("SP030 ... memory exhausted").
TRIPLES_PER_BLOCK = 1000

_RESULTS_JSON = "application/sparql-results+json"
# TSV first: on a 179-row SELECT it took 1.5 ms to fetch and parse against JSON's 3.5 ms
# (the embedded store: 1.5 ms); a server without TSV answers JSON or XML, read by content type
_RESULTS_ANY = f"text/tab-separated-values, {_RESULTS_JSON};q=0.9, application/sparql-results+xml;q=0.8"
_RESULTS_NO_TSV = f"{_RESULTS_JSON}, application/sparql-results+xml;q=0.8"
_NTRIPLES = "application/n-triples"

# kg's graphs on a server: each graph kg writes names itself with its SHA-256 (a note's graph its
# note, the vocabulary's graph its digest). A server holds others that kg must neither count nor
# export: Virtuoso's system graphs (virtrdf#, ldp#, ...) or other people's data, and a default
# graph that may be the union of all (Virtuoso). Written without VALUES or an empty GRAPH
# pattern, which Virtuoso 7.2 evaluates wrongly inside a UNION or a GRAPH.
KG_GRAPHS = f"GRAPH ?g {{ ?g <{KG}sha256> ?kg_sha256 }}"


# ---------------------------------------------------------------- reading SPARQL text

_STRING = r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*\""""
_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<comment>#[^\n\r]*)"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    rf"|(?P<string>{_STRING})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<word>(?:[^\s{}()<>;,\"'#?$\\]|\\.)+)"
    r"|(?P<other>.)", re.S)
_UPDATE_WORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}
_QUERY_WORDS = {"select", "construct", "describe", "ask"}
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _tokens(text: str) -> Iterator[tuple[str, int, str]]:
    """(kind, start, text) of each token that matters, skipping white space and comments."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            yield kind, m.start(), m.group()


def _after_prologue(tokens: Iterator[tuple[str, int, str]]) -> tuple[str, int, str] | None:
    """The first token after BASE, PREFIX and VERSION declarations."""
    for kind, start, text in tokens:
        word = text.lower() if kind == "word" else ""
        if word == "base":
            next(tokens, None)                  # <iri>
        elif word == "prefix":
            next(tokens, None)                  # pname:
            next(tokens, None)                  # <iri>
        elif word == "version":
            next(tokens, None)                  # "1.2"
        else:
            return kind, start, text
    return None


def query_form(text: str) -> str | None:
    """What a SPARQL text is, from its first keyword: select, construct, describe, ask, or update.

    Returns None for text that starts with neither (a syntax error, left to the parser to name).
    """
    first = _after_prologue(_tokens(text))
    if first is None or first[0] != "word":
        return None
    word = first[2].lower()
    if word in _QUERY_WORDS:
        return word
    return "update" if word in _UPDATE_WORDS else None


def network_keyword(text: str) -> str | None:
    """The keyword by which a SPARQL text would make the engine reach out over the network,
    outside strings, IRIs and comments: SERVICE (a federated query calls another server) or
    LOAD (an update fetches a document); None when it has neither."""
    for kind, _start, word in _tokens(text):
        if kind == "word" and word.lower() in ("service", "load"):
            return word.upper()
    return None


def _where_tokens(sparql: str) -> list[tuple[str, int, str]]:
    """The tokens of a SELECT, ASK or CONSTRUCT query from the `{` opening its WHERE group on."""
    tokens = _tokens(sparql)
    first = _after_prologue(tokens)
    form = first[2].lower() if first and first[0] == "word" else None
    if form not in ("select", "ask", "construct"):
        raise ValueError(f"bindings need a SELECT, ASK or CONSTRUCT query, not {form!r}")
    parens = depth = 0
    template = form == "construct"
    for kind, start, text in tokens:
        if (kind, text) == ("other", "("):
            parens += 1
        elif (kind, text) == ("other", ")"):
            parens -= 1
        elif (kind, text) == ("other", "{") and parens == 0:
            if depth == 0 and not template:
                return [(kind, start, text), *tokens]
            depth += 1
        elif (kind, text) == ("other", "}") and parens == 0:
            depth -= 1
            if depth == 0 and template:
                template = False            # the CONSTRUCT template ended; WHERE comes next
    raise ValueError("the query has no WHERE group")


def _groups_using(sparql: str, names: set[str]) -> list[tuple[int, set[str]]]:
    """(offset just inside its `{`, bound variables it uses) of each group pattern that uses one,
    the WHERE group first (with all of them). VALUES data blocks and the braces around a
    subquery are not group patterns; a subquery's own WHERE group is."""
    tokens = _where_tokens(sparql)
    stack: list[tuple[int, str, set[str]]] = []         # (offset, kind, variables used inside)
    found: list[tuple[int, set[str]]] = []
    values_next = False
    for i, (kind, start, text) in enumerate(tokens):
        if kind == "word" and text.lower() == "values":
            values_next = True
        elif kind == "var":
            for _offset, _kind, used in stack:
                used.add(text[1:])
        elif (kind, text) == ("other", "{"):
            following = tokens[i + 1] if i + 1 < len(tokens) else ("", 0, "")
            role = "data" if values_next else "subquery" if following[2].lower() == "select" else "group"
            values_next = False
            stack.append((start + 1, role, set()))
        elif (kind, text) == ("other", "}") and stack:
            offset, role, used = stack.pop()
            if not stack:
                found.insert(0, (offset, set(names)))
                break
            if role == "group" and used & names:
                found.append((offset, used & names))
    return found


def bind_values(sparql: str, bindings: dict[str, Term]) -> str:
    """The query with each variable bound to its value, as pyoxigraph's `substitutions` binds it.

    A `VALUES` row opens the WHERE group, so the variables stay bound in the results, and
    every group inside that uses one of them (an OPTIONAL, a GRAPH, an EXISTS, a UNION
    branch), so its FILTERs see the value as they do when it is substituted. Known
    differences from substitution: a MINUS that shares only a bound variable, and a subquery
    that uses one without projecting it. Only kg's own query texts are bound into.

    Raises:
        InvalidTerm: an IRI holds characters an IRI cannot.
        ValueError: a variable name that is not a plain name, or a query kg cannot bind into.
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARNAME.match(name):
            raise ValueError(f"not a variable name: {name!r}")
    rendered = {name: sparql_term(term) for name, term in bindings.items()}
    out = sparql
    for offset, used in sorted(_groups_using(sparql, set(bindings)), reverse=True):
        names = [n for n in bindings if n in used]
        row = " ".join(rendered[n] for n in names)
        out = f"{out[:offset]} VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}\n{out[offset:]}"
    return out


# ---------------------------------------------------------------- where the server is

@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server: scheme, host, port, base path, the paths of its query and update services, credentials."""

    scheme: str
    host: str
    port: int
    base: str
    paths: dict[str, str]
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def address(self) -> str:
        """The server's URL as the user gave it, without credentials."""
        return self.origin + self.base

    def path(self, service: str) -> str:
        """The request path of a service (query or update)."""
        tail = self.paths[service].strip("/")
        return f"{self.base}/{tail}" if tail else (self.base or "/")

    def url(self, service: str) -> str:
        """The full URL of a service, for messages (never with credentials)."""
        return self.origin + self.path(service)


def parse_endpoint(location: str, environ: dict[str, str] | None = None) -> Endpoint:
    """Read `http(s)://host[:port][/base]` and the KG_SPARQL_* variables.

    KG_SPARQL_QUERY and KG_SPARQL_UPDATE are paths under the base (default query and update,
    as Oxigraph serves them; empty for the base itself); KG_SPARQL_USER and KG_SPARQL_PASSWORD
    are sent as HTTP Basic credentials.

    Raises:
        EndpointInvalid: not http or https, no host, credentials or a query in the URL.
    """
    env = os.environ if environ is None else environ
    try:
        parts = urllib.parse.urlsplit(location)
        port = parts.port
    except ValueError as error:
        raise EndpointInvalid(_redact(location), str(error)) from None
    shown = _redact(location)
    if parts.scheme.lower() not in ("http", "https"):
        raise EndpointInvalid(shown, "it must start with http:// or https://")
    if parts.username is not None or parts.password is not None:
        raise EndpointInvalid(shown, "credentials do not go in the URL; set KG_SPARQL_USER and KG_SPARQL_PASSWORD")
    if not parts.hostname:
        raise EndpointInvalid(shown, "it names no host")
    if parts.query or parts.fragment:
        raise EndpointInvalid(shown, "it must not have a ?query or #fragment")
    scheme = parts.scheme.lower()
    paths = {k: env.get(f"KG_SPARQL_{k.upper()}", v) for k, v in DEFAULT_PATHS.items()}
    return Endpoint(scheme, parts.hostname, port or (443 if scheme == "https" else 80), parts.path.rstrip("/"),
                    paths, env.get("KG_SPARQL_USER") or None, env.get("KG_SPARQL_PASSWORD"))


def _redact(location: str) -> str:
    """A URL with any user:password@ removed, for messages."""
    return re.sub(r"(?<=//)[^/@]*@", "", location)


# ---------------------------------------------------------------- HTTP

class _Connection:
    """One keep-alive HTTP connection; errors become one-line KgErrors naming the URL."""

    def __init__(self, endpoint: Endpoint, timeout: float) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._headers = {"User-Agent": "kg"}
        if endpoint.user is not None:
            token = base64.b64encode(f"{endpoint.user}:{endpoint.password or ''}".encode("utf-8")).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def _open(self) -> http.client.HTTPConnection:
        e = self.endpoint
        limit = min(CONNECT_TIMEOUT, self.timeout)
        if e.scheme == "https":
            conn = http.client.HTTPSConnection(e.host, e.port, timeout=limit, context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(e.host, e.port, timeout=limit)
        conn.connect()
        conn.sock.settimeout(self.timeout)
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, service: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[str, bytes]:
        """Send one request to a service; return the response's content type and body.

        Raises:
            EndpointUnreachable, EndpointTimeout, EndpointDenied, EndpointNotFound, EndpointFailed.
        """
        url = self.endpoint.url(service)
        target = self.endpoint.path(service)
        for attempt in (1, 2):
            reused = self._conn is not None
            try:
                if self._conn is None:
                    self._conn = self._open()
                self._conn.request(method, target, body=body, headers={**self._headers, **(headers or {})})
                response = self._conn.getresponse()
                data = response.read()
            except TimeoutError:
                self.close()
                raise EndpointTimeout(url, self.timeout) from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                self.close()
                if reused and attempt == 1:
                    continue            # the server closed an idle keep-alive connection: open a new one
                raise EndpointUnreachable(url, _reason(error)) from None
            except ssl.SSLError as error:
                self.close()
                raise EndpointUnreachable(url, f"TLS failed ({error.reason or error})") from None
            except OSError as error:
                self.close()
                raise EndpointUnreachable(url, _reason(error)) from None
            except http.client.HTTPException as error:
                self.close()
                raise EndpointFailed(url, f"a malformed HTTP response ({type(error).__name__})") from None
            if response.will_close:
                self.close()
            _check_status(url, response.status, response.reason, data, "Authorization" in self._headers)
            return response.getheader("Content-Type", ""), data
        raise AssertionError("unreachable")


def _reason(error: OSError) -> str:
    if isinstance(error, socket.gaierror):
        return "the host name does not resolve"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    return (error.strerror or str(error) or type(error).__name__).rstrip(".")


def _check_status(url: str, status: int, reason: str, body: bytes, sent_credentials: bool) -> None:
    if 200 <= status < 300:
        return
    lines = body.decode("utf-8", "replace").strip().splitlines()
    said = lines[0][:200] if lines and not lines[0].lstrip().startswith("<") else ""    # not an HTML page
    detail = f": {said}" if said else ""
    if status in (401, 403):
        raise EndpointDenied(url, status, reason + detail, sent_credentials)
    if status == 404:
        raise EndpointNotFound(url)
    raise EndpointFailed(url, f"HTTP {status} {reason}{detail}", status, said)


# ---------------------------------------------------------------- the store

class ServerStore:
    """A SPARQL 1.1 server used as kg's store; the server serialises writers, so no lock file."""

    def __init__(self, location: str, *, write: bool = False, timeout: float | None = None) -> None:
        self.endpoint = parse_endpoint(location)
        self.location = self.endpoint.address
        self.write = write
        if timeout is None:
            timeout = _env_number("KG_SPARQL_TIMEOUT", TIMEOUT)
        self._http = _Connection(self.endpoint, timeout)
        self._tsv = True            # until the server answers TSV that is not SPARQL's

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ServerStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ reads

    def _query(self, sparql: str, accept: str) -> tuple[str, bytes]:
        body = urllib.parse.urlencode({"query": sparql}).encode("ascii")
        return self._http.request("POST", "query", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def _results(self, sparql: str, accept: str = _RESULTS_ANY) -> Any:
        if accept == _RESULTS_ANY and not self._tsv:
            accept = _RESULTS_NO_TSV
        ctype, data = self._query(sparql, accept)
        url = self.endpoint.url("query")
        fmt = _results_format(ctype, url)
        if fmt == ox.QueryResultsFormat.TSV and not _is_sparql_tsv(data):
            # Virtuoso answers TSV of its own (quoted column names, bare IRIs): ask it for JSON from now on
            self._tsv = False
            return self._results(sparql, _RESULTS_NO_TSV)
        try:
            return ox.parse_query_results(data, format=fmt)
        except (SyntaxError, ValueError) as error:
            raise EndpointFailed(url, f"its {_media(ctype)} results do not parse ({str(error).splitlines()[0][:120]})") from None

    def select(self, sparql: str, **bindings: Term) -> list[dict[str, Any]]:
        """Run a SELECT query; return rows of Python values (str, int, float, bool or None)."""
        result = self._results(bind_values(sparql, bindings))
        names = [v.value for v in result.variables]
        return [{n: _py(row[n]) for n in names} for row in result]

    def ask(self, sparql: str, **bindings: Term) -> bool:
        return bool(self._boolean(bind_values(sparql, bindings)))

    def _boolean(self, sparql: str) -> Any:
        """An ASK query's answer as a QueryBoolean. TSV has no booleans, so JSON is asked for;
        Virtuoso may still answer a SELECT of one column, __ASK_RETVAL, with a row when true."""
        result = self._results(sparql, _RESULTS_JSON)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            if names != ["__ASK_RETVAL"]:
                raise EndpointFailed(self.endpoint.url("query"), "it answered an ASK query with solutions, not a boolean")
            true = any(row[0] is not None and row[0].value not in ("0", "false") for row in result)
            result = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if true else b"false"),
                                            format=ox.QueryResultsFormat.JSON)
        return result

    def _triples(self, sparql: str) -> Iterator[Any]:
        ctype, data = self._query(sparql, _NTRIPLES)
        return _parse_triples(ctype, data, self.endpoint.url("query"))

    def construct(self, sparql: str) -> str:
        """Run a CONSTRUCT query; return the triples as N-Triples text."""
        ctype, data = self._query(sparql, _NTRIPLES)
        if _media(ctype) == _NTRIPLES:
            return data.decode("utf-8")
        triples = _parse_triples(ctype, data, self.endpoint.url("query"))
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def query(self, sparql: str) -> Any:
        """Run any query as given (for `kg sparql`): solutions, a boolean, or triples.

        Raises:
            QuerySyntaxError: the server rejected the text (HTTP 400), or it is not a query.
        """
        from kg.errors import QuerySyntaxError

        form = query_form(sparql)
        try:
            if form in ("construct", "describe"):
                return self._triples(sparql)
            if form in ("select", "ask"):
                return self._results(sparql) if form == "select" else self._boolean(sparql)
            self._query(sparql, _RESULTS_JSON)      # not a query by its first keyword: let the server say why
        except EndpointFailed as error:
            if error.status != 400:
                raise
            raise QuerySyntaxError(f"{error.said or 'the server rejected it'} (said {error.url})") from None
        raise QuerySyntaxError("it is not a SELECT, CONSTRUCT, DESCRIBE or ASK query")

    def quads(self, graph: Any) -> Iterator[Any]:
        """Every quad of one named graph (for export), as pyoxigraph Quads."""
        triples = self._triples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {sparql_iri(graph.value)} {{ ?s ?p ?o }} }}")
        return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    def graph_names(self) -> list[Any]:
        """kg's named graphs (see KG_GRAPHS), in a stable order."""
        result = self._results(f"SELECT DISTINCT ?g WHERE {{ {KG_GRAPHS} }}")
        return sorted((row["g"] for row in result), key=lambda g: g.value)

    def merged_triples(self, *, exclude: tuple[str, ...] = ()) -> Iterator[Any]:
        """Each triple of kg's named graphs once, leaving out the graphs in `exclude`."""
        skip = ", ".join(sparql_iri(g) for g in exclude)
        # the embedded store's query plus a FILTER, so an Oxigraph server returns triples in its order
        where = ("GRAPH ?g { ?s ?p ?o }" + (f" FILTER (?g NOT IN ({skip}))" if exclude else "")
                 + f" FILTER EXISTS {{ {KG_GRAPHS} }}")
        return self._triples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}")

    def dump(self, fmt: str = "nq") -> bytes:
        """Serialise kg's named graphs (N-Quads or TriG); kg writes nothing to the default graph."""
        import itertools

        formats = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
        named = itertools.chain.from_iterable(self.quads(g) for g in self.graph_names())
        return ox.serialize(named, format=formats[fmt])

    def __len__(self) -> int:
        """The quads of kg's named graphs."""
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {KG_GRAPHS} GRAPH ?g {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    # ------------------------------------------------------------ writes

    def _writable(self) -> None:
        if not self.write:
            raise StoreWriteFailed(self.location, "the store was opened read-only")

    def _update(self, body: bytes) -> None:
        self._writable()
        self._http.request("POST", "update", body=body, headers={"Content-Type": "application/sparql-update"})

    def update(self, sparql: str) -> None:
        """Run a SPARQL update; the server runs it as one request (Oxigraph: one transaction)."""
        self._update(sparql.encode("utf-8"))

    def replace_graph(self, graph: str, ntriples: Iterable[str], *, exists: bool = True) -> None:
        """Replace one named graph's content: `DROP SILENT GRAPH ; INSERT DATA` in one update.

        A graph too big for one request (KG_SPARQL_MAX_BYTES) is written in parts to a staging
        graph and moved over the old one by one `MOVE`, so readers still see the old graph or
        the new one; an interrupted write leaves the staging graph, dropped by the next write.
        N-Triples of a note have no blank nodes, which could not span parts.
        """
        g = sparql_iri(graph).encode()
        parts = _parts(ntriples, int(_env_number("KG_SPARQL_MAX_BYTES", MAX_REQUEST_BYTES)), overhead=len(g) + 80)
        first = next(parts, [])
        second = next(parts, None)
        if second is None:
            self._update(b"DROP SILENT GRAPH " + g + b" ;\n" + _insert_data(g, first))
            return
        staging = sparql_iri("urn:kg:staging:" + hashlib.sha256(graph.encode("utf-8")).hexdigest()[:32])
        self.update(f"DROP SILENT GRAPH {staging}")
        for part in (first, second, *parts):
            self._update(_insert_data(staging.encode(), part))
        self.update(f"MOVE SILENT {staging} TO {g.decode()}")

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {sparql_iri(graph)}")


def _env_number(name: str, default: float) -> float:
    """A positive number from the environment, else `default`."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def _parts(lines: Iterable[str], limit: int, overhead: int) -> Iterator[list[bytes]]:
    """Whole lines in groups that make requests of at most `limit` bytes (a longer line goes alone),
    counting `overhead` bytes for the INSERT DATA around each TRIPLES_PER_BLOCK of them."""
    part: list[bytes] = []
    size = 0
    for line in lines:
        data = line.encode("utf-8")
        # each line costs its newline, and each block of them an INSERT DATA wrapper
        cost = len(data) + 1 + (overhead if len(part) % TRIPLES_PER_BLOCK == 0 else 0)
        if part and size + cost > limit:
            yield part
            part, size = [], 0
            cost = len(data) + 1 + overhead
        part.append(data)
        size += cost
    if part:
        yield part


def _insert_data(graph: bytes, lines: list[bytes]) -> bytes:
    """`INSERT DATA` operations into one graph, TRIPLES_PER_BLOCK triples each, joined by `;`."""
    blocks = (b"INSERT DATA { GRAPH " + graph + b" {\n" + b"\n".join(lines[i:i + TRIPLES_PER_BLOCK]) + b"\n} }"
              for i in range(0, max(len(lines), 1), TRIPLES_PER_BLOCK))
    return b" ;\n".join(blocks)


def _media(ctype: str) -> str:
    return ctype.split(";")[0].strip().lower()


def _parse_triples(ctype: str, data: bytes, url: str) -> Iterator[Any]:
    """The triples of a CONSTRUCT response, in whatever RDF syntax the server chose."""
    fmt = ox.RdfFormat.from_media_type(_media(ctype)) if ctype else ox.RdfFormat.N_TRIPLES
    if fmt is None:
        raise EndpointFailed(url, f"it answered a CONSTRUCT query with {_media(ctype)}, not RDF")
    return (q.triple for q in ox.parse(data, format=fmt))


def _is_sparql_tsv(data: bytes) -> bool:
    """True when a TSV body starts as SPARQL 1.1 TSV does: a header of ?variables (or none)."""
    header = data.split(b"\n", 1)[0].strip(b"\r")
    return all(name.startswith((b"?", b"$")) for name in header.split(b"\t") if name)


def _results_format(ctype: str, url: str) -> Any:
    media = _media(ctype)
    formats = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "application/xml": ox.QueryResultsFormat.XML,
               "text/tab-separated-values": ox.QueryResultsFormat.TSV}
    if media not in formats:
        raise EndpointFailed(url, f"it answered a query with {media or 'no content type'}, not SPARQL results")
    return formats[media]


# ---------------------------------------------------------------- `kg sparql` output

def format_results(result: Any, fmt: str) -> bytes:
    """A query's result for `kg sparql`: solutions as a table, SPARQL JSON or CSV; a boolean as
    true/false (or SPARQL JSON); triples as N-Triples whatever `fmt`."""
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        if fmt == "json":
            return result.serialize(format=ox.QueryResultsFormat.JSON) + b"\n"
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if bool(result) else b"false\n"
        if fmt == "csv":
            return result.serialize(format=ox.QueryResultsFormat.CSV)
        return _table(result).encode("utf-8")
    return ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)


_CELL = 60


def _cell(term: Any) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)
    text = " ".join(text.split())
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


def _table(solutions: Any) -> str:
    """Columns padded to their widest cell (cells cut at 60 characters; --format csv has them whole)."""
    names = [v.value for v in solutions.variables]
    rows = [[_cell(row[n]) for n in names] for row in solutions]
    widths = [max([len(n) + 1, *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(f"?{n}".ljust(w) for n, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
