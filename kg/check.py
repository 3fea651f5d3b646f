"""Where the notes disagree, and whether the graph is well formed.

Value conflicts among limits (compared by meaning: comparable_slots), yes/no conflicts among
capabilities, "... by default" lines and integrations, two values of a single-valued setting,
and SHACL validation of the stored graph against ontology/shapes.ttl (as SPARQL, kg/shapes.py).
Which claim is stale is read from the notes' evidence (stale_evidence). What check reads is
cached with the store's fingerprint (check_inputs), so an unchanged store is checked in a
fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.facts import IntegrationFact, LimitFact, Source, note_name, note_names, store_note_names
from kg.resources import shapes_path
from kg.store import EmbeddedStore

_SH = "http://www.w3.org/ns/shacl#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node broke which constraint, and why."""

    focus: str
    path: str | None
    message: str
    severity: str


def data_graph_ntriples(store: EmbeddedStore) -> str:
    """Every triple of every graph (notes and vocabulary) as one N-Triples document."""
    return store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def validate_shapes(store: EmbeddedStore) -> list[Violation]:
    """Validate the union of the store's graphs against the SHACL shapes; return the violations.

    The shapes run as SPARQL in the store (kg/shapes.py): one scan per shape finds the nodes
    that break something, then each constraint is asked of those nodes alone. A note's graph is
    validated once per content (its SHA-256 and extractor version) and the result kept in the
    user cache; graphs written some other way are validated every time. Shapes the compiler
    cannot translate are validated by pySHACL over a copy of the store instead.
    """
    import hashlib

    from kg import cache
    from kg.namespaces import KG
    from kg.shapes import UnsupportedShape, classes_in, combined_queries, read_shapes, shape_checks

    path = shapes_path()
    try:
        shapes = read_shapes(path)
        subclasses = {c: sorted({r["c"] for r in store.select(
            f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?c <{_RDFS}subClassOf>+ <{c}> }} }}")} | {c})
            for c in sorted(classes_in(path))}
        scans = combined_queries(shapes, subclasses)
        checks = shape_checks(path, subclasses)
    except UnsupportedShape:
        return validate_shapes_pyshacl(store)
    digest = hashlib.sha256(path.read_bytes() + repr(sorted(subclasses.items())).encode()).hexdigest()[:16]
    name = f"shapes-{digest}.pickle"
    known: dict[tuple, list[Violation]] = cache.load(name) or {}
    versions = {r["g"]: (r["g"], r["sha"], r["version"]) for r in store.select(
        f"SELECT ?g ?sha ?version WHERE {{ GRAPH ?g {{ ?g <{KG}sha256> ?sha ; <{KG}extractorVersion> ?version }} }}")}
    graphs = [r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")]
    todo = [g for g in graphs if versions.get(g) not in known]
    out = [v for g in graphs if versions.get(g) in known for v in known[versions[g]]]
    if todo:
        found: dict[str, list[Violation]] = {g: [] for g in todo}
        values = " ".join(f"<{g}>" for g in todo)
        broken: dict[str, set[str]] = {}
        for scan in scans:
            # the graphs go inside the scan's inner query, so that only they are read
            for row in store.select(scan.replace("GRAPH ?g_focus {", f"VALUES ?g_focus {{ {values} }} GRAPH ?g_focus {{", 1)):
                broken.setdefault(row["g_focus"], set()).add(row["focus"])
        for graph, nodes in broken.items():
            focus = " ".join(f"<{n}>" for n in sorted(nodes))
            for check in checks:
                for row in store.select(check.query.replace("WHERE {", f"WHERE {{ VALUES ?focus {{ {focus} }}", 1)):
                    found[graph].append(Violation(str(row["focus"]), check.path, check.message, check.severity))
        for graph, violations in found.items():
            out.extend(violations)
            if graph in versions:
                known[versions[graph]] = violations
        cache.save(name, known, prune="shapes-*.pickle")
    return out


def validate_shapes_pyshacl(store: EmbeddedStore) -> list[Violation]:
    """The same validation by pySHACL, over an rdflib copy of every graph (slow: bench/check.py)."""
    import pyshacl
    from rdflib import Graph, URIRef

    data = Graph().parse(data=data_graph_ntriples(store), format="nt")
    shapes = Graph().parse(shapes_path(), format="turtle")
    _conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                 allow_warnings=True)
    out = []
    sh = lambda name: URIRef(_SH + name)  # noqa: E731
    for result in results.subjects(predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                   object=sh("ValidationResult")):
        path = results.value(result, sh("resultPath"))
        out.append(Violation(str(results.value(result, sh("focusNode"))),
                             str(path) if path is not None else None,
                             str(results.value(result, sh("resultMessage")) or ""),
                             str(results.value(result, sh("resultSeverity"))).rsplit("#", 1)[-1]))
    return out


# ---------------------------------------------------------------- value conflicts among facts

def distinguishing(contexts, vocab) -> frozenset:
    """The contexts that tell values apart: those with an opposite (FIFO/standard, zipped/unzipped)."""
    return frozenset(c for c in contexts if c in vocab.contexts and vocab.contexts[c].contrasts)


def limit_slots(facts: list[LimitFact]) -> dict[tuple, list[LimitFact]]:
    """Facts grouped by what they are a value of: service, attribute, qualifier and dimension.

    An "exact" value is a plain statement, a list item or a worked example, not a limit: it is
    never compared (tried on the corpus: exact values of one kind across notes were lists and
    worked examples far more often than claims).
    """
    slots: dict[tuple, list[LimitFact]] = {}
    for f in facts:
        if f.qualifier != "exact":
            slots.setdefault((f.service, f.attribute, f.qualifier, f.quantity.dimension), []).append(f)
    return slots


def _slot_attribute(f: LimitFact) -> str:
    """What a fact is a value of: its limit kind from the vocabulary, else its attribute words."""
    return f.kind or " ".join(f.attribute.lower().split())


def _stated_alone(f: LimitFact, values_on_line: dict[tuple, set[float]], key: tuple) -> bool:
    """Is an exact value the only value of its limit on every line that states it?

    A line giving several values of one limit is a list, a table row or a worked example
    ("1 RCU = 4 KB strongly consistent, 2 KB eventually"), not one claim to hold against another.
    """
    return all(len(values_on_line.get((s.note, s.line, key), ())) <= 1 for s in f.sources)


def comparable_slots(facts: list[LimitFact], vocab) -> dict[tuple, list[LimitFact]]:
    """Facts grouped by what they mean, for kg check and kg describe: service, attribute (the
    vocabulary's limit kind, else the attribute words), qualifier and dimension.

    - An exact percentage (a plain statement, see _PLAIN_CLAIMS) is compared with the other
      exact percentages of its limit when it is the only value of that limit on its line (see _stated_alone), the line names its
      limit kind (see _names_its_limit), and when no note gives
      that limit two exact values (see _one_value_per_note).
    - A note that gives a limit three values or more is left out of it (see _without_tables_of_variants).
    - A maximum or minimum whose attribute names no limit kind ("scales to 45 Gbps") is a value
      of the service's only kind of that qualifier and dimension, when there is exactly one
      (a count is not: what it counts is too often something else).
    """
    values_on_line: dict[tuple, set[float]] = {}
    for f in facts:
        key = (f.service, _slot_attribute(f), f.qualifier, f.quantity.dimension)
        for s in f.sources:
            values_on_line.setdefault((s.note, s.line, key), set()).add(round(f.quantity.canonical_value, 9))
    kinds: dict[tuple, set[str]] = {}
    for f in facts:
        if f.kind and f.qualifier != "exact":
            kinds.setdefault((f.service, f.qualifier, f.quantity.dimension), set()).add(f.kind)
    slots: dict[tuple, list[LimitFact]] = {}
    for f in facts:
        attribute = _slot_attribute(f)
        key = (f.service, attribute, f.qualifier, f.quantity.dimension)
        if f.qualifier == "exact" and not (f.quantity.dimension in _PLAIN_CLAIMS and _stated_alone(f, values_on_line, key)
                                           and _names_its_limit(f, vocab)):
            continue
        if not f.kind and f.qualifier != "exact" and f.quantity.dimension != "Count":
            sole = kinds.get((f.service, f.qualifier, f.quantity.dimension), set())
            if len(sole) == 1:
                key = (f.service, next(iter(sole)), f.qualifier, f.quantity.dimension)
        slots.setdefault(key, []).append(f)
    out = {}
    for k, g in slots.items():
        if k[2] == "exact":
            if _one_value_per_note(g):
                out[k] = g
        elif g := _without_tables_of_variants(g):
            out[k] = g
    return out


def _without_tables_of_variants(group: list[LimitFact]) -> list[LimitFact]:
    """The facts of a limit without the sources of a note that gives it three values or more:
    such a note is a table of the limit's variants (one row per volume type, per tier) that
    extraction did not tell apart, and another note's value would "disagree" with all its rows
    but one."""
    from dataclasses import replace

    by_note: dict[str, set[float]] = {}
    for f in group:
        for s in f.sources:
            by_note.setdefault(s.note, set()).add(round(f.quantity.canonical_value, 9))
    tables = {n for n, v in by_note.items() if len(v) >= 3}
    if not tables:
        return group
    kept = [replace(f, sources=[s for s in f.sources if s.note not in tables]) for f in group]
    return [f for f in kept if f.sources]


# the dimensions whose exact values are claims: a percentage stated plainly ("99.99% durability")
# says what the service offers; a plain time, size or count was, on the corpus, far more often an
# example, a price sheet or a quiz answer than a limit
_PLAIN_CLAIMS = {"Ratio"}


def _names_its_limit(f: LimitFact, vocab) -> bool:
    """Does a line stating an exact value name what it is a value of (a label of its limit kind:
    "durability", "rotation")? A bare number beside other words is too often something else."""
    kind = vocab.kinds.get(f.kind) if f.kind else None
    labels = list(kind.labels) if kind else []
    return bool(labels) and f.says(labels)


def _one_value_per_note(group: list[LimitFact]) -> bool:
    """Does every note give this limit one exact value at most? A note that states several is
    working examples ("a 4.5 KB item needs 2 WCUs", "12 writes of 9.5 KB each"), not one claim."""
    by_note: dict[str, set[float]] = {}
    for f in group:
        for s in f.sources:
            by_note.setdefault(s.note, set()).add(round(f.quantity.canonical_value, 9))
    return all(len(v) == 1 for v in by_note.values())


def disagree(a: LimitFact, b: LimitFact, vocab, active: set[str]) -> bool:
    """Do two facts of one slot state different values for the same limit under the same condition?

    The one rule kg check, kg describe and kg ask share. `active` holds the slot's contexts that
    tell its values apart (see active_contexts). One note's own list of values ("3 MB (console)
    50 MB (zipped)") is no disagreement.
    """
    notes_a, notes_b = {s.note for s in a.sources}, {s.note for s in b.sources}
    return (not same_amount(a.quantity, b.quantity)
            and set(a.contexts) & active == set(b.contexts) & active
            and not _other_conditions(a, b, vocab)
            and notes_a | notes_b != notes_a & notes_b)


_BINARY_STEPS = tuple(1.024 ** k for k in range(0, 6))


def same_amount(a, b) -> bool:
    """Do two quantities state the same amount, whatever the units and formatting?

    Equal canonical values are the same amount; so are data sizes or rates that differ only by
    reading a prefix as decimal or binary (500 MB and 0.5 GB, 1 MB and 1,000 KB): notes use
    KB/KiB and MB/MiB loosely, and that never makes a conflict.
    """
    x, y = a.canonical_value, b.canonical_value
    if abs(x - y) <= 1e-9 * max(1.0, abs(x)):
        return True
    if a.dimension != b.dimension or a.canonical_unit not in ("B", "B/s") or min(x, y) <= 0:
        return False
    ratio = max(x, y) / min(x, y)
    return any(abs(ratio - step) <= 1e-3 * step for step in _BINARY_STEPS[1:])


def value_conflicts(facts: list[LimitFact], vocab) -> list[list[LimitFact]]:
    """Groups of facts that disagree (one fact per distinct value), by the rule of `disagree`."""
    out = []
    for group in comparable_slots(facts, vocab).values():
        active = active_contexts(group, vocab)
        involved = sorted({k for i, a in enumerate(group) for j, b in enumerate(group)
                           if i < j and disagree(a, b, vocab, active) for k in (i, j)})
        by_value: dict[float, LimitFact] = {}
        for k in involved:
            by_value.setdefault(round(group[k].quantity.canonical_value, 9), group[k])
        if len(by_value) > 1:
            out.append(list(by_value.values()))
    return out


# ---------------------------------------------------------------- kg check: findings



@dataclass
class FindingClaim:
    """One value in a finding, with every source that states it."""

    value: str
    canonical_value: float | None
    canonical_unit: str | None
    sources: list[Source]

    @property
    def notes(self) -> set[str]:
        return {s.note for s in self.sources}

    @property
    def date(self) -> str | None:
        dates = [s.date for s in self.sources if s.date]
        return max(dates) if dates else None


@dataclass
class Finding:
    """A disagreement among the notes."""

    service: str
    attribute: str
    qualifier: str
    context: str | None
    cls: str                      # conflict | superseded | unit-only | polarity
    claims: list[FindingClaim]
    suggestion: str
    severity: str                 # high | medium | low | info


@dataclass
class CheckReport:
    """What kg check found."""

    checked: int
    findings: list[Finding] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


def active_contexts(group: list[LimitFact], vocab) -> set[str]:
    """The contexts that tell this limit's values apart: those whose opposite is also stated for
    it ("zipped" where "unzipped" occurs too). Others are incidental ("asynchronous" inherited
    from a heading) and do not keep two values from being compared."""
    present = {c for f in group for c in f.contexts}
    return {c for c in present if c in vocab.contexts and vocab.contexts[c].contrasts & present}


def _other_conditions(a: LimitFact, b: LimitFact, vocab) -> bool:
    """Are the two values stated under different conditions, or do they count different things?

    Each names a condition with an opposite (transactional; BatchWriteItem) and neither names
    the other's: 4 MB per transaction and 16 MB per BatchWriteItem are two limits, not one
    limit stated twice.
    """
    da, db = distinguishing(a.contexts, vocab), distinguishing(b.contexts, vocab)
    if da and db and not (da & db):
        return True
    # a condition only one of them has, said on its own line ("when you batch ... 3,000/s"), not
    # inherited from a heading ("asynchronous" over "retries up to 3 times")
    if any(f.says(vocab.contexts[c].labels) for f, extra in ((a, da - db), (b, db - da)) for c in extra):
        return True
    # 1,000 batches per second and 300 messages per second count different things
    na, nb = (re.sub(r"s$", "", f.quantity.noun or "") for f in (a, b))
    return bool(na) and bool(nb) and na != nb


def probable_current(claims: list[FindingClaim]) -> tuple[FindingClaim | None, str]:
    """Which of disagreeing claims is probably current, and why ("newest", "majority" or "tied").

    The newest dated note wins; else the claim stated by more notes than any other; else none.
    kg check's suggestion and the cards of kg cards both follow this rule.
    """
    dated = [c for c in claims if c.date]
    if len({c.date for c in dated}) > 1:
        return max(dated, key=lambda c: c.date), "newest"
    ranked = sorted(claims, key=lambda c: (len(c.notes), c.value), reverse=True)
    if len(ranked) > 1 and len(ranked[0].notes) > len(ranked[1].notes):
        return ranked[0], "majority"
    return None, "tied"


def _suggest(claims: list[FindingClaim]) -> tuple[str, str]:
    """(class, suggestion): the newest dated note wins; else the majority; else unresolved."""
    current, why = probable_current(claims)
    if why == "newest":
        return "superseded", f"Probably current: {current.value} (newest note, dated {current.date})."
    counts = sorted(((len(c.notes), c.value) for c in claims), reverse=True)
    if why == "majority":
        return "conflict", (f"Majority: {counts[0][1]} in {counts[0][0]} notes against "
                            + ", ".join(f"{v} in {n}" for n, v in counts[1:]) + "; check which is current.")
    return "conflict", "Unresolved: as many notes on each side, and no dates to tell which is newer."


def _shown_attribute(group: list[LimitFact]) -> str:
    """The attribute a slot is shown by: the words of its facts that carry a limit kind, else the first's."""
    return next((f.attribute for f in group if f.kind), group[0].attribute)


def stale_evidence(claims: list[FindingClaim], notes: dict) -> tuple[FindingClaim | None, str, str]:
    """Which of disagreeing claims is probably current, by the evidence the notes carry, and
    what decided: (claim or None, evidence, the words of the suggestion).

    In order, the first that tells one claim apart decides:
      1. "line": a line says its value is the current one ("now", "no longer": lexicon
         claimCurrent) or a former one ("previously", "used to": claimFormer);
      2. "date": the newest dated note (front matter);
      3. "exam": the newer version of one exam named in the notes' text or path (DVA-C02
         over DVA-C01);
      4. "year": every claim's notes state a year (a yearCue before it: "since 2023") and one
         claim's is the latest;
      5. "majority": more independent sources, copies of one course counted once (notes:
         NoteEvidence.source);
      else "tied".
    """
    from kg.lexicon import default_lexicon

    lex = default_lexicon()

    def cue(claim, name):
        for x in claim.sources:
            m = lex.pattern(name).search(x.text)
            if m:
                return m.group(0), x
        return None

    current = [cue(c, "claimCurrent") for c in claims]
    former = [cue(c, "claimFormer") for c in claims]
    now = [i for i, hit in enumerate(current) if hit and not former[i]]
    if len(now) == 1:
        c, (word, x) = claims[now[0]], current[now[0]]
        return c, "line", f"Probably current: {c.value} (its line says '{word}': {x.note}:{x.line})."
    was = [i for i, hit in enumerate(former) if hit]
    if was and len(claims) - len(was) == 1:
        c = next(c for i, c in enumerate(claims) if i not in was)
        word, x = former[was[0]]
        return c, "line", f"Probably current: {c.value} (the other line says '{word}': {x.note}:{x.line})."
    dated = [c for c in claims if c.date]
    if len({c.date for c in dated}) > 1:
        c = max(dated, key=lambda c: c.date)
        return c, "date", f"Probably current: {c.value} (newest note, dated {c.date})."

    def evidence(c):
        return [notes[n] for n in sorted(c.notes) if n in notes]
    exams: dict[str, list[tuple[int, FindingClaim]]] = {}
    for c in claims:
        best: dict[str, int] = {}
        for ev in evidence(c):
            for code, version in ev.exams.items():
                best[code] = max(best.get(code, 0), version)
        for code, version in best.items():
            exams.setdefault(code, []).append((version, c))
    for code, named in sorted(exams.items()):
        named.sort(key=lambda vc: -vc[0])
        if len(named) > 1 and named[0][0] > named[1][0] and len({id(c) for _v, c in named}) == len(named):
            (v, c), (w, _other) = named[0], named[1]
            return c, "exam", f"Probably current: {c.value} (its note names {code}-C{v:02d}, the other's {code}-C{w:02d})."
    years = [(max((ev.year for ev in evidence(c) if ev.year), default=None), c) for c in claims]
    if all(y for y, _c in years):
        years.sort(key=lambda yc: -yc[0])
        if years[0][0] > years[1][0]:
            (y, c), (z, _other) = years[0], years[1]
            return c, "year", f"Probably current: {c.value} (its note speaks of {y}, the others of {z} at the latest)."

    def sources(c):
        return {notes[n].source if n in notes else n for n in c.notes}
    ranked = sorted(claims, key=lambda c: (len(sources(c)), len(c.notes), c.value), reverse=True)
    counts = [(len(sources(c)), len(c.notes), c.value) for c in ranked]
    if len(ranked) > 1 and counts[0][0] > counts[1][0]:
        def said(n_sources, n_notes, value):
            copies = f" ({n_notes} notes, copies of one course counted once)" if n_notes > n_sources else ""
            return f"{value} in {n_sources} {'source' if n_sources == 1 else 'sources'}{copies}"
        return ranked[0], "majority", ("Majority: " + said(*counts[0]) + " against "
                                       + ", ".join(said(*c) for c in counts[1:]) + "; check which is current.")
    copies = sorted({n for c in claims for n in c.notes if n in notes and notes[n].source != n}
                    | {notes[n].source for c in claims for n in c.notes if n in notes and notes[n].source != n})
    also = f" ({' and '.join(copies)} are copies of one course)" if copies else ""
    return None, "tied", ("Unresolved: as many independent sources on each side" + also
                          + ", and nothing in the notes to tell which is newer.")


def judge(finding: Finding, notes: dict) -> None:
    """Set a finding's suggestion (and a value conflict's class and severity) from stale_evidence."""
    current, why, suggestion = stale_evidence(finding.claims, notes)
    finding.suggestion = suggestion
    if current is not None:          # the probably current claim first
        finding.claims.sort(key=lambda c: c is not current)
    if finding.cls in ("conflict", "superseded"):
        finding.cls = "conflict" if why in ("majority", "tied", "year") else "superseded"
        finding.severity = {"majority": "medium", "tied": "high", "year": "medium"}.get(why, "low")


def value_findings(facts: list[LimitFact], vocab, *, include_unit_only: bool = False) -> list[Finding]:
    """Conflicts (and, on request, unit-only differences) among limit facts."""
    out: list[Finding] = []
    for group in comparable_slots(facts, vocab).values():
        attribute, qualifier = _shown_attribute(group), group[0].qualifier
        active = active_contexts(group, vocab)
        involved = {k for i, a in enumerate(group) for j, b in enumerate(group)
                    if i < j and disagree(a, b, vocab, active) for k in (i, j)}
        contexts = sorted({c for k in involved for c in set(group[k].contexts) & active})
        context = ", ".join(vocab.contexts[c].pref for c in contexts) or None
        label = group[0].service_label
        if involved:
            by_value: dict[float, FindingClaim] = {}
            for k in sorted(involved):
                f = group[k]
                claim = by_value.setdefault(round(f.quantity.canonical_value, 9), FindingClaim(
                    f.value, f.quantity.canonical_value, f.quantity.canonical_unit, []))
                claim.sources.extend(s for s in f.sources if s not in claim.sources)
            claims = sorted(by_value.values(), key=lambda c: (c.date or "", len(c.notes)), reverse=True)
            cls, suggestion = _suggest(claims)
            severity = "low" if cls == "superseded" else "high" if suggestion.startswith("Unresolved") else "medium"
            out.append(Finding(label, attribute, qualifier, context, cls, claims, suggestion, severity))
        elif include_unit_only and len({round(f.quantity.canonical_value, 9) for f in group}) == 1:
            forms: dict[str, FindingClaim] = {}
            for f in group:
                for form in f.forms:
                    forms.setdefault(form, FindingClaim(form, f.quantity.canonical_value, f.quantity.canonical_unit,
                                                        list(f.sources)))
            if len(forms) > 1:
                out.append(Finding(label, attribute, qualifier, context, "unit-only", list(forms.values()),
                                   "The same quantity written in different units; nothing to fix.", "info"))
    return out


def polarity_findings(integrations: list[IntegrationFact], statements: list[tuple[str, str, bool, Source]]) -> list[Finding]:
    """Statements that say opposite things: an integration affirmed and denied, or a feature
    "enabled by default" in one note and "not enabled by default" in another.

    Args:
        integrations: every integration fact.
        statements: (service label, feature words, enabled, source) for each "... by default" statement.
    """
    out: list[Finding] = []
    pairs: dict[tuple, dict[bool, list[Source]]] = {}
    labels: dict[tuple, tuple[str, str]] = {}
    for i in integrations:
        if not i.directed:
            continue      # "does not work with" is too vague to contradict anything
        key = (i.source, i.target, i.relation_label)
        pairs.setdefault(key, {}).setdefault(i.negative, []).extend(i.sources)
        labels[key] = (i.source_label, i.target_label)
    for key, sides in pairs.items():
        if True in sides and False in sides and {s.note for s in sides[True]} != {s.note for s in sides[False]} | {s.note for s in sides[True]}:
            a, b = labels[key]
            rel = key[2]
            claims = [FindingClaim(f"{a} {rel} {b}", None, None, sides[False]),
                      FindingClaim(f"{a} does not: {rel} {b}", None, None, sides[True])]
            _cls, suggestion = _suggest(claims)
            out.append(Finding(a, f"{rel} {b}", "polarity", None, "polarity", claims, suggestion, "medium"))
    defaults: dict[tuple, dict[bool, list[Source]]] = {}
    for service, feature, enabled, source in statements:
        defaults.setdefault((service, feature), {}).setdefault(enabled, []).append(source)
    for (service, feature), sides in defaults.items():
        if True in sides and False in sides and {s.note for s in sides[True]} != {s.note for s in sides[False]}:
            claims = [FindingClaim(f"{feature} enabled by default", None, None, sides[True]),
                      FindingClaim(f"{feature} not enabled by default", None, None, sides[False])]
            cls, suggestion = _suggest(claims)
            out.append(Finding(service, f"{feature} by default", "polarity", None, "polarity", claims,
                               suggestion, "medium"))
    return out


def _agree_on(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Do two stem lists name the same thing: every word of the shorter matches one of the
    longer ("default", which every default-state feature carries, does not count)?"""
    a, b = tuple(w for w in a if w != "default"), tuple(w for w in b if w != "default")
    if not a or not b:
        return not a and not b
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return words_match(shorter, longer) == len(shorter)


def words_match(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many words of `a` match a word of `b` (equal, or one a 5+ letter prefix of the other).

    The rule of kg.extract.capabilities.words_match, by which capabilities are merged; kept
    here too so that kg check does not load the extractor (tests/test_check.py holds them equal).
    """
    def same(x: str, y: str) -> bool:
        return x == y or (min(len(x), len(y)) >= 5 and (x.startswith(y) or y.startswith(x)))
    return sum(1 for x in a if any(same(x, y) for y in b))


def capability_findings(facts, vocab) -> list[Finding]:
    """A capability affirmed in one note and denied in another, of the same service, feature and
    condition (word stems matched as words_match does). One note saying both is no contradiction
    of another note.

    Each denial is one finding, holding every affirmation it contradicts (their sources merged),
    so that one claim stated in five notes is one side with five sources, not five findings.
    """
    out: list[Finding] = []
    seen: set[tuple] = set()
    positives = [a for a in facts if a.positive]
    for b in facts:
        if b.positive:
            continue
        root = vocab.root_service(b.service)
        notes_b = {x.note for x in b.sources}
        agreeing = [a for a in positives if vocab.root_service(a.service) == root
                    and _agree_on(a.feature, b.feature) and _agree_on(a.condition, b.condition)
                    and {x.note for x in a.sources} | notes_b != {x.note for x in a.sources} & notes_b]
        if not agreeing:
            continue
        yes = FindingClaim(f"yes: {agreeing[0].text}", None, None, [])
        for a in agreeing:
            yes.sources.extend(x for x in a.sources if x not in yes.sources)
        no = FindingClaim(f"no: {b.text}", None, None, list(b.sources))
        key = (root, tuple(yes.sources), tuple(no.sources))
        if key in seen:
            continue
        seen.add(key)
        claims = [yes, no]
        _cls, suggestion = _suggest(claims)
        condition = " ".join(agreeing[0].condition or b.condition) or None
        words = min((agreeing[0].feature, b.feature), key=len)
        attribute = " ".join(w for w in words if w != "default") + (" by default" if "default" in words else "")
        out.append(Finding(vocab.service_label(root), attribute.strip(), "polarity",
                           condition, "polarity", claims, suggestion, "medium"))
    return out


def default_capabilities(defaults, vocab) -> list:
    """The "... (not) enabled by default" statements as capabilities of their service (feature
    stems plus "default"), so that they are compared with the capabilities extraction found."""
    from kg.facts import CapabilityFact
    from kg.extract.capabilities import stems

    out = []
    for service, feature, enabled, source in defaults:
        words = tuple(w for w in stems(feature) if w != "default")
        if words:
            out.append(CapabilityFact(service, vocab.service_label(service), words + ("default",), (), enabled,
                                      feature, [source]))
    return out


def _share_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Do two settings' attribute words share a word of five letters or more (metadata)?"""
    return words_match(tuple(w for w in a if len(w) >= 5), b) >= 1


def setting_groups(facts, vocab) -> list[list]:
    """Settings that name one setting (same root service, value kind and attribute words sharing
    a name), in the order of `facts`: each group is one setting, whatever values it is given."""
    groups: list[list] = []
    for f in facts:
        for g in groups:
            h = g[0]
            if (vocab.root_service(h.service) == vocab.root_service(f.service) and h.value_kind == f.value_kind
                    and _share_name(h.attribute, f.attribute)):
                g.append(f)
                break
        else:
            groups.append([f])
    return groups


def setting_findings(facts, vocab) -> list[Finding]:
    """Two different values of one setting (same service, value kind and attribute words) in
    different notes: a single-valued setting such as an endpoint address stated two ways."""
    out: list[Finding] = []
    for g in setting_groups(facts, vocab):
        by_value: dict[str, FindingClaim] = {}
        for f in g:
            claim = by_value.setdefault(f.value, FindingClaim(f.value, None, None, []))
            claim.sources.extend(x for x in f.sources if x not in claim.sources)
        notes = [c.notes for c in by_value.values()]
        if len(by_value) < 2 or all(n == notes[0] for n in notes):
            continue
        claims = sorted(by_value.values(), key=lambda c: (c.date or "", len(c.notes)), reverse=True)
        cls, suggestion = _suggest(claims)
        out.append(Finding(vocab.service_label(vocab.root_service(g[0].service)), " ".join(g[0].attribute),
                           "setting", None, cls, claims, suggestion, "medium"))
    return out


def setting_conflicts(facts, vocab) -> list[Finding]:
    """setting_findings for the settings no note gives two values of: a note that lists several
    addresses for one setting (a subnet's reserved addresses) shows it is not single-valued."""
    out: list[Finding] = []
    for g in setting_groups(facts, vocab):
        by_note: dict[str, set[str]] = {}
        for f in g:
            for x in f.sources:
                by_note.setdefault(x.note, set()).add(f.value)
        if all(len(values) == 1 for values in by_note.values()):
            out.extend(setting_findings(g, vocab))
    return out


_BY_DEFAULT = re.compile(r"(?P<neg>\bnot\b|\bisn[’']t\b|\baren[’']t\b|\bnever\b)?\s*(?:enabled|turned\s+on|switched\s+on|"
                         r"\bon\b|active|activated)\s+by\s+default", re.IGNORECASE)
_FEATURE_NOISE = re.compile(r"\([^)]*\)|[*_`•\-]|\b(?:is|are|was|were|be|the|a|an|it|and|but|also|either)\b",
                            re.IGNORECASE)


def _statements_by_default(store: EmbeddedStore, vocab) -> list[tuple[str, str, bool, Source]]:
    """(root service IRI, feature words, enabled?, source) for every "... (not) enabled by default" line."""
    from kg.namespaces import KG, PROV
    from kg.vocab import PhraseFinder

    rows = store.select(f"""SELECT ?text ?line ?end ?path ?date ?parents ?headings WHERE {{ GRAPH ?g {{
        ?st <{PROV}value> ?text ; <{KG}line> ?line ; <{KG}endLine> ?end ; <{KG}inNote> ?note .
        ?note <{KG}path> ?path .
        OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }}
        OPTIONAL {{ ?st <{KG}parentText> ?parents }}
        OPTIONAL {{ ?st <{KG}headingPath> ?headings }}
        FILTER(CONTAINS(LCASE(?text), "by default")) }} }}""")
    finder = PhraseFinder({iri: c.labels for iri, c in vocab.services.items()})
    names = store_note_names(store) if rows else {}
    out = []
    for r in rows:
        m = _BY_DEFAULT.search(r["text"])
        if not m:
            continue
        before = r["text"][:m.start()]
        parents = (r.get("parents") or "").split(" > ")
        headings = (r.get("headings") or "").split(" > ")
        service = None
        for text in (before, *reversed(parents), *reversed(headings)):
            found = finder.find(text or "")
            if found:
                service = found[0].iri
                break
        if service is None:
            continue
        feature_text = before if re.search(r"[A-Za-z]{3}", _strip_services(before, finder)) else \
            (parents[-1] if parents and parents[-1] else headings[-1] if headings else "")
        feature = " ".join(_FEATURE_NOISE.sub(" ", _strip_services(feature_text, finder)).lower().split())
        if not feature and text is before and KG + "Feature" in vocab.services[service].types:
            # "VPC flow logs are not enabled by default": the feature is the one the line itself names
            feature = found[0].label.lower()
        if not feature:
            continue
        source = Source(note_name(r["path"], names), int(r["line"]), int(r["end"]), r["text"], r.get("date"))
        # "Default encryption (SSE-S3)" names an S3 feature: group by the service it belongs to
        out.append((vocab.root_service(service), feature, not m.group("neg"), source))
    return out


def _strip_services(text: str, finder) -> str:
    for m in reversed(finder.find(text)):
        text = text[:m.start] + text[m.end:]
    return text


# ---------------------------------------------------------------- what check reads, cached

@dataclass
class CheckInputs:
    """Everything kg check compares, read from the store once and cached with its fingerprint."""

    limits: list
    integrations: list
    capabilities: list
    settings: list
    defaults: list
    notes: dict = field(default_factory=dict)        # note name -> NoteEvidence
    service_words: frozenset = frozenset()           # stems of every service label (not feature words)
    violations: list | None = None                   # SHACL results, when they were asked for


@dataclass
class NoteEvidence:
    """What a note says about when it was written: exam versions and years it names, and the
    independent source it belongs to (notes that are mostly the same lines are one source)."""

    name: str
    path: str
    exams: dict[str, int] = field(default_factory=dict)   # exam code -> highest version named (SAA -> 3)
    year: int | None = None                                # the latest year the note states
    source: str = ""                                       # the note that stands for its copies


# an AWS exam code with its version, as courses name them (DVA-C02, SAA-C03, SCS-C01)
_EXAM = re.compile(r"\b([A-Z]{3})[-_ ]?C0?(\d{1,2})\b")
# a year a note states (2010-2039) after a cue of the lexicon's yearCue: "since 2023", "as of March 2024"
_YEAR = re.compile(r"(?<![\d.,$])(20[1-3]\d)(?!\d|[.,]\d|[%/]|\s*(?:[KMGTP]i?B|ms|MHz|GHz)\b)")


def stated_years(text: str) -> list[int]:
    """The years a line states as a time: a year of 2010-2039 with a yearCue word just before it."""
    from kg.lexicon import default_lexicon

    cue = default_lexicon().pattern("yearCue")
    out = []
    for m in _YEAR.finditer(text):
        before = text[max(0, m.start() - 24):m.start()]
        if any(c.end() >= len(before) - 12 for c in cue.finditer(before)):
            out.append(int(m.group(1)))
    return out


def _normal_line(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def note_evidence(store: EmbeddedStore) -> dict[str, NoteEvidence]:
    """Each note's evidence of age (exam versions in its path or text, the latest year it states)
    and its independent source: two notes sharing more than half of the lines of the smaller
    (formatting aside) are copies of one course, and count as one source."""
    from kg.namespaces import KG, PROV

    paths = {r["note"]: r["path"] for r in store.select(
        f"SELECT ?note ?path WHERE {{ GRAPH ?note {{ ?note <{KG}path> ?path }} }}")}
    names = note_names(paths.values())
    notes = {iri: NoteEvidence(names[path], path) for iri, path in paths.items()}
    for ev in notes.values():
        for code, version in _EXAM.findall(ev.path):
            ev.exams[code] = max(ev.exams.get(code, 0), int(version))
    lines: dict[str, set[str]] = {iri: set() for iri in notes}
    for r in store.select(f"SELECT ?note ?text WHERE {{ GRAPH ?note {{ ?st <{KG}inNote> ?note ; <{PROV}value> ?text }} }}"):
        ev = notes.get(r["note"])
        if ev is None:
            continue
        text = r["text"]
        if "C0" in text or "-C" in text:
            for code, version in _EXAM.findall(text):
                ev.exams[code] = max(ev.exams.get(code, 0), int(version))
        if "20" in text:
            for year in stated_years(text):
                ev.year = max(ev.year or 0, year)
        line = _normal_line(text)
        if len(line) >= 20:
            lines[r["note"]].add(line)
    # copies: shared lines counted through an index of lines, not by comparing every pair of notes
    shared: dict[tuple[str, str], int] = {}
    holders: dict[str, list[str]] = {}
    for iri, texts in lines.items():
        for line in texts:
            holders.setdefault(line, []).append(iri)
    for owners in holders.values():
        if 1 < len(owners) <= 8:             # a line in many notes is boilerplate, not a copy
            for i, a in enumerate(owners):
                for b in owners[i + 1:]:
                    shared[(a, b)] = shared.get((a, b), 0) + 1
    parent = {iri: iri for iri in notes}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x
    for (a, b), n in shared.items():
        if n > 0.5 * min(len(lines[a]), len(lines[b])):
            ra, rb = sorted((root(a), root(b)), key=lambda iri: notes[iri].name)
            parent[rb] = ra
    out: dict[str, NoteEvidence] = {}
    for iri, ev in notes.items():
        ev.source = notes[root(iri)].name
        out[ev.name] = ev
    return out


def store_fingerprint(store: EmbeddedStore) -> str | None:
    """A digest of what the store holds, from each graph's recorded SHA-256 (and extractor
    version and path): None when some graph records none (written by hand, or by another tool),
    whose content then cannot be told from its name."""
    import hashlib

    from kg.namespaces import KG

    rows = store.select(f"""SELECT ?g ?sha ?version ?path WHERE {{ GRAPH ?g {{ ?g <{KG}sha256> ?sha
        OPTIONAL {{ ?g <{KG}extractorVersion> ?version }} OPTIONAL {{ ?g <{KG}path> ?path }} }} }}""")
    graphs = {r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    if graphs != {r["g"] for r in rows}:
        return None
    return hashlib.sha256(repr(sorted((r["g"], r["sha"], r.get("version"), r.get("path")) for r in rows))
                          .encode()).hexdigest()


def _code_digest(vocab) -> str:
    """The code and data the cached inputs are built by: a change to any of them misses the cache."""
    import hashlib
    from pathlib import Path

    from kg.resources import ontology_dir

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(vocab.digest.encode())
    for path in (here / "check.py", here / "facts.py", here / "units.py", here / "shapes.py",
                 ontology_dir() / "lexicon.ttl", shapes_path()):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()[:24]


def check_inputs(store: EmbeddedStore, vocab, *, shapes: bool = True) -> CheckInputs:
    """The facts kg check compares (and, with `shapes`, the SHACL violations), from the user
    cache when the store and kg are as they were, else read from the store and cached.

    Reading the facts back is most of a check's time (SPARQL rows turned into Python); a store
    holds the SHA-256 of each note it was built from, so its fingerprint names what it holds.
    """
    from kg import cache

    fingerprint = store_fingerprint(store)
    name = f"check-{_code_digest(vocab)}-{fingerprint[:24]}.pickle" if fingerprint else None
    inputs = cache.load(name) if name else None
    if not isinstance(inputs, CheckInputs):
        inputs = read_inputs(store, vocab)
    elif not shapes or inputs.violations is not None:
        return inputs
    if shapes and inputs.violations is None:
        inputs.violations = validate_shapes(store)
    if name:
        cache.save(name, inputs, prune="check-*.pickle")
    return inputs


def read_inputs(store: EmbeddedStore, vocab) -> CheckInputs:
    """The facts kg check compares, read from the store."""
    from kg.facts import capability_facts, integration_facts, limit_facts, setting_facts

    return CheckInputs(limit_facts(store, vocab, None), integration_facts(store, vocab, None),
                       capability_facts(store, vocab, None), setting_facts(store, vocab, None),
                       _statements_by_default(store, vocab), note_evidence(store), service_words(vocab))


def service_words(vocab) -> frozenset:
    """The stems of the one-word names of services ("VPC", "Lambda"; longer labels and the
    features of a service hold common words: "AWS Encryption SDK"): a feature named by them
    alone ("VPC by default") names the service, not something it does."""
    from kg.extract.capabilities import stems

    from kg.namespaces import KG

    return frozenset(w for c in vocab.services.values() if KG + "Feature" not in c.types
                     for label in c.labels if len(label.split()) == 1 for w in stems(label))


def check_graph(store: EmbeddedStore, vocab, *, include_unit_only: bool = False, shapes: bool = True) -> CheckReport:
    """Every finding: value conflicts, polarity conflicts and (with `shapes`) SHACL violations."""
    inputs = check_inputs(store, vocab, shapes=shapes)
    return report_of(inputs, vocab, include_unit_only=include_unit_only)


def report_of(inputs: CheckInputs, vocab, *, include_unit_only: bool = False) -> CheckReport:
    """The findings among what check read (no store needed)."""
    facts = inputs.limits
    findings = value_findings(facts, vocab, include_unit_only=include_unit_only)
    findings += polarity_findings(inputs.integrations, [])
    # Only default states are compared: on the corpus, "supports"/"has no" capabilities were
    # mostly examples and lists. "... enabled by default" lines join them as capabilities.
    capabilities = [c for c in inputs.capabilities + default_capabilities(inputs.defaults, vocab)
                    if "default" in c.feature and set(c.feature) - {"default"} - inputs.service_words]
    findings += capability_findings(capabilities, vocab)
    findings += setting_conflicts(inputs.settings, vocab)
    for f in findings:
        if f.cls != "unit-only":
            judge(f, inputs.notes)
    order = {"high": 0, "medium": 1, "low": 2, "info": 3}
    findings.sort(key=lambda f: (f.service, order[f.severity], f.attribute))
    return CheckReport(len(facts), findings, list(inputs.violations or []))
