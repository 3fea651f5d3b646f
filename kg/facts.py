"""Read facts back out of the store: counts for `kg stats`, one service's facts for `kg facts`."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.namespaces import KG, PROV, VOCABULARY_GRAPH
from kg.store import IRI, EmbeddedStore, sparql_iri
from kg.units import CANONICAL_NAMES, UNITS, Quantity, format_quantity
from kg.vocab import Vocabulary

_QUDT = "http://qudt.org/schema/qudt/"
_UNIT = "http://qudt.org/vocab/unit/"
_QUDT_TO_SYMBOL = {u.qudt: u.symbol for u in UNITS.values()}


@dataclass(frozen=True)
class Source:
    """Where a fact was stated."""

    note: str
    line: int
    end_line: int
    text: str
    date: str | None = None


@dataclass
class LimitFact:
    """A limit as stored, with every source that states the same thing."""

    service: str            # IRI
    service_label: str
    attribute: str
    kind: str | None
    qualifier: str
    contexts: tuple[str, ...]
    quantity: Quantity
    stated: str
    sources: list[Source] = field(default_factory=list)
    forms: dict[str, int] = field(default_factory=dict)   # each way the notes write the value -> sources
    order: int = 0          # where it was stated among its note's limits: "1 MB/s or 1000/s" in that order

    @property
    def value(self) -> str:
        return format_quantity(self.quantity)

    def says(self, labels) -> bool:
        """Does a line stating the fact contain one of `labels` (case-insensitive, 3+ characters)?"""
        wanted = [label.lower() for label in labels if len(label) > 2]
        return any(label in s.text.lower() for s in self.sources for label in wanted)


@dataclass
class IntegrationFact:
    """An integration as stored."""

    source: str
    target: str
    source_label: str
    target_label: str
    relation: str
    relation_label: str
    directed: bool
    negative: bool
    sources: list[Source] = field(default_factory=list)


def graph_stats(store: EmbeddedStore) -> dict[str, int]:
    """Counts of notes, statements, services, limits, integrations, triples and unsourced facts."""
    def count(pattern: str, var: str = "x") -> int:
        rows = store.select(f"SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} "
                            f"FILTER(?g != <{VOCABULARY_GRAPH}>) }}")
        return int(rows[0]["n"]) if rows else 0

    services = store.select(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{
        {{ ?f <{KG}service> ?s }} UNION {{ ?f <{KG}source> ?s }} UNION {{ ?f <{KG}target> ?s }} }}
        FILTER(?g != <{VOCABULARY_GRAPH}>) }}""")
    # the notes' graphs, by name: a server may hold graphs of its own (Virtuoso's system graphs)
    triples = store.select(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?g a <{KG}Note> . ?s ?p ?o }} }}""")
    # MINUS, not FILTER NOT EXISTS: the same count (?x is the one shared variable), but Oxigraph
    # runs NOT EXISTS once per fact (2.5 s on the bundled notes) and MINUS as one anti-join (44 ms)
    unsourced = count(f"""{{ {{ ?x a <{KG}Limit> }} UNION {{ ?x a <{KG}Integration> }} }}
        MINUS {{ ?x <{PROV}wasDerivedFrom> ?st . ?st <{KG}line> ?l ; <{PROV}value> ?t }}""")
    return {
        "notes": count(f"?x a <{KG}Note>"),
        "statements": count(f"?x a <{KG}Statement>"),
        "services": int(services[0]["n"]) if services else 0,
        "limits": count(f"?x a <{KG}Limit>"),
        "integrations": count(f"?x a <{KG}Integration>"),
        "triples": int(triples[0]["n"]) if triples else 0,
        "unsourced": unsourced,
    }


def _label_map(store: EmbeddedStore, vocab: Vocabulary, iri: str) -> str:
    c = vocab.services.get(iri) or vocab.kinds.get(iri) or vocab.contexts.get(iri) or vocab.relations.get(iri)
    return c.pref if c else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _quantity(row: dict) -> Quantity:
    symbol = _QUDT_TO_SYMBOL.get(row["unit"].replace(_UNIT, ""), "count")
    return Quantity(float(row["value"]), symbol, row["stated"], row.get("noun") or "")


# Two plain joins, assembled in Python: the same query with OPTIONALs and GROUP_CONCAT took
# ~90 ms per service on the bundled graph, these take ~5 ms together.
_LIMIT_TRIPLES = f"""
SELECT ?service ?f ?p ?o WHERE {{ GRAPH ?g {{ ?f <{KG}service> ?service . ?f ?p ?o }} }}
"""
_LIMIT_SOURCES = f"""
SELECT ?service ?f ?path ?line ?end ?text ?date WHERE {{ GRAPH ?g {{
  ?f <{KG}service> ?service ; <{PROV}wasDerivedFrom> ?st .
  ?st <{KG}line> ?line ; <{KG}endLine> ?end ; <{PROV}value> ?text ; <{KG}inNote> ?note .
  ?note <{KG}path> ?path .
  OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }}
}} }}
"""
_P = {KG + "attribute": "attribute", KG + "limitKind": "kind", KG + "qualifier": "qualifier",
      KG + "statedValue": "stated", _QUDT + "value": "value", _QUDT + "hasUnit": "unit",
      KG + "countOf": "noun", KG + "context": "context"}


def note_names(paths) -> dict[str, str]:
    """The name each note goes by in answers and findings, by its path: its file name, or as many
    of its last folders as tell it apart from another note of the same file name
    ("a/lambda.md" and "b/lambda.md"; a vault's "index.md" files). Notes are counted by path,
    never by this name alone, but two notes never share it."""
    parts = {p: p.split("/") for p in dict.fromkeys(paths)}
    depth = dict.fromkeys(parts, 1)
    while True:
        taken: dict[str, list[str]] = {}
        for p, k in depth.items():
            taken.setdefault("/".join(parts[p][-k:]), []).append(p)
        clash = [p for same in taken.values() if len(same) > 1 for p in same if depth[p] < len(parts[p])]
        if not clash:
            return {p: "/".join(parts[p][-k:]) for p, k in depth.items()}
        for p in clash:
            depth[p] += 1


# the notes the statement index holds (kg.index._NOTES): both name them alike
_NOTE_PATHS = f"""SELECT DISTINCT ?path WHERE {{ GRAPH ?note {{
  ?note a <{KG}Note> ; <{KG}sha256> ?sha ; <{KG}extractorVersion> ?version ; <{KG}path> ?path }} }}"""


def store_note_names(store) -> dict[str, str]:
    """note_names of every note the store holds."""
    return note_names(r["path"] for r in store.select(_NOTE_PATHS))


def note_name(path: str, names: dict[str, str]) -> str:
    """A note's name in `names` (store_note_names), else its file name (a note the index has not seen)."""
    return names.get(path) or path.rsplit("/", 1)[-1]


def _fact_order(iri: str) -> tuple[str, int]:
    """A fact IRI (.../limit/<note digest>-<position>) as a sort key: the note, then the position."""
    head, _, tail = iri.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (iri, 0)


def limit_facts(store: EmbeddedStore, vocab: Vocabulary, services: list[str] | None) -> list[LimitFact]:
    """Every limit about any of `services` (IRIs; None for all), merged: one fact per distinct claim."""
    targets: list[dict] = [{"service": IRI(s)} for s in services] if services is not None else [{}]
    nodes: dict[str, dict] = {}
    sources: dict[str, list[Source]] = {}
    names = store_note_names(store)
    for binding in targets:
        for r in store.select(_LIMIT_TRIPLES, **binding):
            node = nodes.setdefault(r["f"], {"service": r["service"], "context": []})
            key = _P.get(r["p"])
            if key == "context":
                node["context"].append(r["o"])
            elif key:
                node[key] = r["o"]
        for r in store.select(_LIMIT_SOURCES, **binding):
            sources.setdefault(r["f"], []).append(
                Source(note_name(r["path"], names), int(r["line"]), int(r["end"]), r["text"], r.get("date")))
    merged: dict[tuple, LimitFact] = {}
    seen_sources: dict[tuple, set[Source]] = {}
    forms: dict[tuple, dict[tuple, int]] = {}
    # in the order of the facts' IRIs (note, then position), not the order rows came in: which
    # node's wording a merged fact shows must not depend on the store (Virtuoso's order differs)
    for f, node in sorted(nodes.items(), key=lambda kv: _fact_order(kv[0])):
        if not {"attribute", "qualifier", "stated", "value", "unit"} <= set(node):
            continue
        service = node["service"]
        q = _quantity(node)
        contexts = tuple(sorted(node["context"]))
        qualifier = node["qualifier"].rsplit("#", 1)[-1]
        key = (service, node["attribute"], qualifier, contexts, q.dimension, round(q.canonical_value, 6))
        fact = merged.get(key)
        order = int(f.rsplit("-", 1)[-1]) if f.rsplit("-", 1)[-1].isdigit() else 0
        if fact is None:
            fact = merged[key] = LimitFact(service, _label_map(store, vocab, service), node["attribute"],
                                           node.get("kind"), qualifier, contexts, q, node["stated"], order=order)
        fact.order = min(fact.order, order)
        seen = seen_sources.setdefault(key, set())
        for src in sources.get(f, []):
            if src not in seen:             # a set: a fact stated in 500 notes was O(n^2) with a list
                seen.add(src)
                fact.sources.append(src)
        written = forms.setdefault(key, {})
        form = (q.value, q.unit, q.noun)      # "15 minutes" and "900 seconds": equal quantities, two forms
        written[form] = written.get(form, 0) + len(sources.get(f, [])) + 1
    for key, fact in merged.items():
        # show the value as most sources write it: "15 minutes", not the one "900 seconds"
        value, unit, noun = max(forms[key].items(), key=lambda kv: kv[1])[0]
        fact.quantity = Quantity(value, unit, fact.quantity.text, noun)
        fact.forms = {format_quantity(Quantity(v, u, "", n)): count for (v, u, n), count in forms[key].items()}
    # a stable order, whatever order the store returns rows in (it follows the notes' paths)
    out = sorted(merged.values(), key=lambda f: (f.service, f.attribute, f.qualifier, f.contexts,
                                                 f.quantity.dimension, f.quantity.canonical_value))
    for fact in out:
        fact.sources.sort(key=lambda s: (s.note, s.line))
    return out


_INTEGRATION_QUERY = f"""
SELECT ?source ?target ?relation ?directed ?polarity ?path ?line ?end ?text ?date WHERE {{
  GRAPH ?g {{
    ?i a <{KG}Integration> ; <{KG}source> ?source ; <{KG}target> ?target ; <{KG}relation> ?relation ;
       <{KG}directed> ?directed ; <{KG}polarity> ?polarity ; <{PROV}wasDerivedFrom> ?st .
    ?st <{KG}line> ?line ; <{KG}endLine> ?end ; <{PROV}value> ?text ; <{KG}inNote> ?note .
    ?note <{KG}path> ?path .
    OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }}
  }}
}}
"""


def _with_values(query: str, var: str, iris: list[str]) -> str:
    """`query` with `VALUES ?var { <iri> ... }` opening its GRAPH pattern: the rows of those IRIs only.

    Raises:
        InvalidTerm: an IRI holds a character an IRI cannot.
    """
    values = " ".join(sparql_iri(i) for i in dict.fromkeys(iris))
    head, graph, rest = query.partition("GRAPH ?g {")
    return f"{head}{graph} VALUES ?{var} {{ {values} }}{rest}"


def integration_facts(store: EmbeddedStore, vocab: Vocabulary, services: list[str] | None) -> list[IntegrationFact]:
    """Every integration in or out of any of `services` (None for all), merged by ends, relation, polarity."""
    if services is None:
        batches = [store.select(_INTEGRATION_QUERY)]
    else:
        # one query per end for all the services, each row in the order one query per service
        # gave (the services' order, then the store's): a VALUES row inside the graph pattern
        # is joined first, where a bound variable was joined last (3.5 ms against 35 ms for SQS)
        order = {s: i for i, s in enumerate(services)}
        batches = [sorted(store.select(_with_values(_INTEGRATION_QUERY, end, services)), key=lambda r, e=end: order[r[e]])
                   for end in ("source", "target")] if services else []
    merged: dict[tuple, IntegrationFact] = {}
    seen_sources: dict[tuple, set[Source]] = {}
    names = store_note_names(store) if batches else {}
    for rows in batches:
        for r in rows:
            negative = r["polarity"].endswith("negative")
            key = (r["source"], r["target"], r["relation"], negative)
            fact = merged.get(key)
            if fact is None:
                fact = merged[key] = IntegrationFact(
                    r["source"], r["target"], _label_map(store, vocab, r["source"]),
                    _label_map(store, vocab, r["target"]), r["relation"],
                    _label_map(store, vocab, r["relation"]), bool(r["directed"]), negative)
            src = Source(note_name(r["path"], names), int(r["line"]), int(r["end"]), r["text"], r.get("date"))
            if src not in seen_sources.setdefault(key, set()):
                seen_sources[key].add(src)
                fact.sources.append(src)
    out = sorted(merged.values(), key=lambda f: (f.source, f.target, f.relation, f.negative))
    for fact in out:
        fact.sources.sort(key=lambda s: (s.note, s.line))
    return out


@dataclass
class CapabilityFact:
    """A capability as stored: a service can (positive) or cannot do `feature`, under `condition`."""

    service: str
    service_label: str
    feature: tuple[str, ...]
    condition: tuple[str, ...]
    positive: bool
    text: str
    sources: list[Source] = field(default_factory=list)


@dataclass
class SettingFact:
    """A setting as stored: the literal `value` a note gives for `attribute` of a service."""

    service: str
    service_label: str
    attribute: tuple[str, ...]
    value: str
    value_kind: str
    sources: list[Source] = field(default_factory=list)


_CAPABILITY_QUERY = f"""
SELECT ?f ?service ?feature ?text ?condition ?polarity ?path ?line ?end ?stext ?date WHERE {{ GRAPH ?g {{
  ?f a <{KG}Capability> ; <{KG}service> ?service ; <{KG}feature> ?feature ; <{KG}featureText> ?text ;
     <{KG}polarity> ?polarity ; <{PROV}wasDerivedFrom> ?st .
  OPTIONAL {{ ?f <{KG}condition> ?condition }}
  ?st <{KG}line> ?line ; <{KG}endLine> ?end ; <{PROV}value> ?stext ; <{KG}inNote> ?note .
  ?note <{KG}path> ?path .
  OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }}
}} }}
"""
_SETTING_QUERY = f"""
SELECT ?f ?service ?attribute ?value ?kind ?path ?line ?end ?stext ?date WHERE {{ GRAPH ?g {{
  ?f a <{KG}Setting> ; <{KG}service> ?service ; <{KG}attribute> ?attribute ; <{KG}settingValue> ?value ;
     <{KG}valueKind> ?kind ; <{PROV}wasDerivedFrom> ?st .
  ?st <{KG}line> ?line ; <{KG}endLine> ?end ; <{PROV}value> ?stext ; <{KG}inNote> ?note .
  ?note <{KG}path> ?path .
  OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }}
}} }}
"""


def _rows_for(store: EmbeddedStore, query: str, services: list[str] | None) -> list[dict]:
    """The rows of `query` for `services`, in the order of their facts' IRIs (note, then position)
    and source lines: which row's wording a merged fact shows must not depend on the store's order."""
    if services is None:
        rows = store.select(query)
    else:
        rows = [r for s in services for r in store.select(query, service=IRI(s))]
    return sorted(rows, key=lambda r: (_fact_order(r["f"]), r["path"], int(r["line"])))


def capability_facts(store: EmbeddedStore, vocab: Vocabulary, services: list[str] | None) -> list[CapabilityFact]:
    """Every capability of any of `services` (IRIs; None for all), merged by service, feature,
    condition and polarity, each with every source that states it.

    `feature` and `condition` are word stems (kg.capabilities.stems): compare them with
    kg.capabilities.words_match, not by equality of text.
    """
    merged: dict[tuple, CapabilityFact] = {}
    names = store_note_names(store)
    for r in _rows_for(store, _CAPABILITY_QUERY, services):
        positive = not r["polarity"].endswith("negative")
        feature = tuple(r["feature"].split())
        condition = tuple((r.get("condition") or "").split())
        key = (r["service"], feature, condition, positive)
        fact = merged.get(key)
        if fact is None:
            fact = merged[key] = CapabilityFact(r["service"], _label_map(store, vocab, r["service"]), feature,
                                                condition, positive, r["text"])
        src = Source(note_name(r["path"], names), int(r["line"]), int(r["end"]), r["stext"], r.get("date"))
        if src not in fact.sources:
            fact.sources.append(src)
    out = sorted(merged.values(), key=lambda f: (f.service, f.feature, f.condition, f.positive))
    for fact in out:
        fact.sources.sort(key=lambda s: (s.note, s.line))
    return out


def setting_facts(store: EmbeddedStore, vocab: Vocabulary, services: list[str] | None) -> list[SettingFact]:
    """Every setting of any of `services` (IRIs; None for all), merged by service, attribute and value."""
    merged: dict[tuple, SettingFact] = {}
    names = store_note_names(store)
    for r in _rows_for(store, _SETTING_QUERY, services):
        attribute = tuple(r["attribute"].split())
        key = (r["service"], attribute, r["value"])
        fact = merged.get(key)
        if fact is None:
            fact = merged[key] = SettingFact(r["service"], _label_map(store, vocab, r["service"]), attribute,
                                             r["value"], r["kind"])
        src = Source(note_name(r["path"], names), int(r["line"]), int(r["end"]), r["stext"], r.get("date"))
        if src not in fact.sources:
            fact.sources.append(src)
    out = sorted(merged.values(), key=lambda f: (f.service, f.attribute, f.value))
    for fact in out:
        fact.sources.sort(key=lambda s: (s.note, s.line))
    return out


def service_and_features(vocab: Vocabulary, iri: str) -> list[str]:
    """The service and every feature under it (transitively), service first.

    Narrower concepts that are services in their own right (Aurora under RDS) are not included.
    """
    out, todo = [iri], [iri]
    while todo:
        for child in vocab.narrower(todo.pop()):
            if child not in out and KG + "Feature" in vocab.services[child].types:
                out.append(child)
                todo.append(child)
    return out


__all__ = ["CANONICAL_NAMES", "CapabilityFact", "IntegrationFact", "LimitFact", "SettingFact", "Source",
           "capability_facts", "graph_stats", "integration_facts", "limit_facts", "note_name", "note_names",
           "service_and_features", "setting_facts", "store_note_names"]
