"""Flashcards from the graph: one card per fact, every answer cited, disagreements shown whole.

A card's id is a digest of what its fact is about (the card kind, the service, the attribute or
relation, the qualifier, and the contexts that tell values apart), never of where the fact sits
in a note or in the store, so the same graph gives the same cards with the same ids, and a note
that changes a value changes that card's answer, not its id. A fact stated by several notes is one
card citing them all. Where the notes disagree (by kg.check.disagree), the card shows every value
with its sources and marks the one kg.check.probable_current calls current.

Each kind of card is built by one small function in CARD_BUILDERS: a new kind of fact is one more
entry there, and its answers say how `kg quiz` checks them (CardAnswer.kind).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable, Iterator

from kg.card_questions import (NO, YES, blank_values, capability_question, clean_feature, complete_feature,
                               condition_words, word_count)
from kg.check import (FindingClaim, active_contexts, capability_findings, disagree, limit_slots,
                      probable_current, setting_findings, setting_groups)
from kg.facts import (CapabilityFact, IntegrationFact, LimitFact, SettingFact, Source, capability_facts,
                      integration_facts, limit_facts, note_name, setting_facts, store_note_names)
from kg.lexicon import default_lexicon
from kg.namespaces import KG, PROV
from kg.store import EmbeddedStore
from kg.units import UNITS, Quantity, format_quantity
from kg.vocab import Vocabulary

_QUDT = "http://qudt.org/schema/qudt/"
_UNIT = "http://qudt.org/vocab/unit/"


@dataclass(frozen=True)
class CardAnswer:
    """One answer the notes give to a card's question, with the lines that give it.

    `kind` tells `kg quiz` how to compare a typed answer: "quantity" (one value with units),
    "range" (two), "services" (service names), "yesno" (`yes` says which) or "text".
    """

    text: str
    kind: str
    quantities: tuple[Quantity, ...] = ()
    services: tuple[str, ...] = ()          # IRIs, for "services" answers
    sources: tuple[Source, ...] = ()
    current: bool = True                    # False: a side of a disagreement that is probably stale
    note_count: int = 0
    conditions: str = ""                    # contexts every line stating it names, beyond the card's
    yes: bool | None = None                 # for a "yesno" answer: is it yes?

    @property
    def date(self) -> str | None:
        dates = [s.date for s in self.sources if s.date]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Card:
    """A question about one fact, and every answer the notes give to it."""

    id: str
    kind: str                              # limit | default | range | integration | ...
    service: str                           # IRI of the service or feature it is about
    service_label: str
    category: str                          # the service's category label ("Other" when none)
    front: str
    answers: tuple[CardAnswer, ...]
    conflict: bool = False
    verdict: str = ""                      # for a conflict: which value is probably current, and why
    denied: tuple[CardAnswer, ...] = ()    # integrations a note denies ("does not deliver to")
    tags: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[CardAnswer, ...]:
        """The answers a quiz accepts: the probably current one(s)."""
        return tuple(a for a in self.answers if a.current)

    @property
    def sources(self) -> list[Source]:
        seen: dict[Source, None] = {}
        for a in (*self.answers, *self.denied):
            for s in a.sources:
                seen.setdefault(s, None)
        return sorted(seen, key=lambda s: (s.note, s.line))

    @property
    def back(self) -> str:
        """The answer as one line of plain text."""
        if self.conflict:
            values = "; ".join(f"{a.text} [{_notes(a.note_count)}{', dated ' + a.date if a.date else ''}]"
                               for a in self.answers)
            return f"The notes disagree: {values}. {self.verdict}"
        text = ", ".join(a.text for a in self.answers) if self.kind == "integration" else \
            "; ".join(a.text + (f" ({a.conditions})" if a.conditions and len(self.answers) > 1 else "")
                      for a in self.answers)
        if self.denied:
            text += ". Not: " + ", ".join(a.text for a in self.denied)
        return text


def _notes(n: int) -> str:
    return f"{n} note{'s' if n != 1 else ''}"


def card_id(*identity: str) -> str:
    """A card's id: 16 hex digits of the SHA-256 of what its fact is about."""
    return hashlib.sha256("\x1f".join(identity).encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- what the builders read

@dataclass
class RangeEnd:
    """One end of a stated range ("1 minute to 14 days"), as one store node."""

    node: str
    service: str
    attribute: str
    qualifier: str
    contexts: tuple[str, ...]
    quantity: Quantity
    source: Source


_RANGE_QUERY = f"""
SELECT ?a ?b ?service ?attribute ?qualifier ?value ?unit ?stated ?noun ?context ?path ?line ?end ?text ?date
WHERE {{ GRAPH ?g {{
  ?a <{KG}rangeWith> ?b ; <{KG}service> ?service ; <{KG}attribute> ?attribute ; <{KG}qualifier> ?qualifier ;
     <{_QUDT}value> ?value ; <{_QUDT}hasUnit> ?unit ; <{KG}statedValue> ?stated ; <{PROV}wasDerivedFrom> ?st .
  OPTIONAL {{ ?a <{KG}countOf> ?noun }}
  OPTIONAL {{ ?a <{KG}context> ?context }}
  ?st <{KG}line> ?line ; <{KG}endLine> ?end ; <{PROV}value> ?text ; <{KG}inNote> ?note .
  ?note <{KG}path> ?path .
  OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }}
}} }}
"""
_QUDT_TO_SYMBOL = {u.qudt: u.symbol for u in UNITS.values()}
_CAPABILITY_PASS_QUERY = f"""
SELECT ?service ?feature ?condition ?polarity ?rule WHERE {{ GRAPH ?g {{
  ?f a <{KG}Capability> ; <{KG}service> ?service ; <{KG}feature> ?feature ; <{KG}polarity> ?polarity ;
     <{KG}extractedBy> ?rule .
  OPTIONAL {{ ?f <{KG}condition> ?condition }}
}} }}
"""


class FactSource:
    """The facts card builders read, each read from the store once, within one scope of services."""

    def __init__(self, store: EmbeddedStore, vocab: Vocabulary, services: list[str] | None = None) -> None:
        self.store, self.vocab, self.services = store, vocab, services

    def in_scope(self, iri: str) -> bool:
        return self.services is None or iri in self.services

    @cached_property
    def limits(self) -> list[LimitFact]:
        return limit_facts(self.store, self.vocab, self.services)

    @cached_property
    def integrations(self) -> list[IntegrationFact]:
        return integration_facts(self.store, self.vocab, self.services)

    @cached_property
    def capabilities(self) -> list[CapabilityFact]:
        return capability_facts(self.store, self.vocab, self.services)

    @cached_property
    def settings(self) -> list[SettingFact]:
        return setting_facts(self.store, self.vocab, self.services)

    @cached_property
    def capability_passes(self) -> dict[tuple, set[str]]:
        """The extraction passes (kg:extractedBy) behind each capability, by the key
        kg.facts.capability_facts merges on: (service, feature, condition, positive)."""
        out: dict[tuple, set[str]] = {}
        for r in self.store.select(_CAPABILITY_PASS_QUERY):
            if self.in_scope(r["service"]):
                key = (r["service"], tuple(r["feature"].split()), tuple((r.get("condition") or "").split()),
                       not r["polarity"].endswith("negative"))
                out.setdefault(key, set()).add(r["rule"])
        return out

    @cached_property
    def ranges(self) -> list[tuple[RangeEnd, RangeEnd]]:
        """(minimum, maximum) pairs linked by kg:rangeWith, of one attribute and dimension."""
        ends: dict[str, RangeEnd] = {}
        partners: dict[str, set[str]] = {}
        contexts: dict[str, set[str]] = {}
        names = store_note_names(self.store)
        for r in self.store.select(_RANGE_QUERY):
            if not self.in_scope(r["service"]):
                continue
            partners.setdefault(r["a"], set()).add(r["b"])
            if r.get("context"):
                contexts.setdefault(r["a"], set()).add(r["context"])
            if r["a"] not in ends:
                symbol = _QUDT_TO_SYMBOL.get(r["unit"].replace(_UNIT, ""), "count")
                ends[r["a"]] = RangeEnd(
                    r["a"], r["service"], r["attribute"], r["qualifier"].rsplit("#", 1)[-1], (),
                    Quantity(float(r["value"]), symbol, r["stated"], r.get("noun") or ""),
                    Source(note_name(r["path"], names), int(r["line"]), int(r["end"]), r["text"], r.get("date")))
        for node, end in ends.items():
            end.contexts = tuple(sorted(contexts.get(node, ())))
        pairs = []
        for node, end in sorted(ends.items()):
            for other in sorted(partners[node]):
                hi = ends.get(other)
                if (hi is not None and end.qualifier == "minimum" and hi.qualifier == "maximum"
                        and (end.service, end.attribute) == (hi.service, hi.attribute)
                        and end.quantity.dimension == hi.quantity.dimension):
                    pairs.append((end, hi))
        return pairs

    def category(self, iri: str) -> str:
        """The label of the category a service (or the service a feature belongs to) is filed in."""
        for candidate in (iri, self.vocab.root_service(iri)):
            c = self.vocab.services.get(candidate)
            if c is not None and c.category in self.vocab.categories:
                return self.vocab.categories[c.category].pref
        return "Other"

    def tags(self, iri: str, kind: str, *extra: str) -> tuple[str, ...]:
        """Anki tags (no spaces): the service's short name, its category and the card kind."""
        c = self.vocab.services.get(self.vocab.root_service(iri))
        names = [c.short if c else iri.rsplit("/", 1)[-1], self.category(iri), kind, *extra]
        return tuple(dict.fromkeys(re.sub(r"[^\w\-]+", "_", n).strip("_") for n in names if n))

    def context_labels(self, contexts: Iterable[str]) -> str:
        return ", ".join(self.vocab.contexts[c].pref if c in self.vocab.contexts else c.rsplit("/", 1)[-1]
                         for c in sorted(contexts))


# ---------------------------------------------------------------- values -> answers

def _answer(kind: str, text: str, quantities: tuple[Quantity, ...], sources: Iterable[Source],
            conditions: str = "") -> CardAnswer:
    ordered = tuple(sorted(set(sources), key=lambda s: (s.note, s.line)))
    return CardAnswer(text, kind, quantities, (), ordered, note_count=len({s.note for s in ordered}),
                      conditions=conditions)


def _claims_answers(answers: list[CardAnswer], conflict: bool) -> tuple[tuple[CardAnswer, ...], str]:
    """The answers of a card, and a verdict when they conflict.

    In a conflict, the value kg.check.probable_current names (the newest dated note, else the
    majority) is current and the others stale; when it names none, every value stands.
    """
    if not conflict:
        return tuple(answers), ""
    claims = [FindingClaim(a.text, None, None, list(a.sources)) for a in answers]
    current, why = probable_current(claims)
    if current is None:
        return tuple(answers), ("Unresolved: as many notes on each side and no two dates to tell which is newer; "
                                "any of these is accepted.")
    chosen = claims.index(current)
    marked = [CardAnswer(a.text, a.kind, a.quantities, a.services, a.sources, i == chosen, a.note_count,
                         a.conditions, a.yes) for i, a in enumerate(answers)]
    marked.sort(key=lambda a: (not a.current, -a.note_count, a.text))
    if why == "newest":
        verdict = f"Probably current: {current.value} (the newest note, dated {current.date})."
    else:
        verdict = (f"Probably current: {current.value} (stated by more notes: "
                   f"{len(current.notes)} against {max(len(c.notes) for c in claims if c is not current)}).")
    return tuple(marked), verdict


def _any_disagree(groups: list[list[LimitFact]], vocab: Vocabulary, active: dict[str, set[str]]) -> bool:
    """Do facts of two different values disagree, by kg.check.disagree, within one dimension?"""
    for i, ga in enumerate(groups):
        for gb in groups[i + 1:]:
            for a in ga:
                for b in gb:
                    dim = a.quantity.dimension
                    if dim == b.quantity.dimension and disagree(a, b, vocab, active.get(dim, set())):
                        return True
    return False


def _phrase(service: str, contexts: str) -> str:
    return f"{service} ({contexts})" if contexts else service


# ---------------------------------------------------------------- the builders

def build_limit_cards(facts: FactSource) -> Iterator[Card]:
    """One card per limit or default: service, attribute, qualifier and the contexts that tell
    its values apart (FIFO where standard is stated too: kg.check.active_contexts), whatever
    notes state it. "Standard queues: 256 KB" and "256 KB" are one card while no note states
    the FIFO value.

    An "exact" value (a plain statement, a list item, a worked example) makes no card, as it is
    never compared by kg check. A minimum or maximum every note states only as one end of a range
    is asked by its range card instead.
    """
    vocab = facts.vocab
    in_range: dict[tuple[str, str], set[tuple[str, int]]] = {}
    for lo, hi in facts.ranges:
        for end in (lo, hi):
            in_range.setdefault((end.service, end.attribute), set()).add((end.source.note, end.source.line))
    identities: dict[tuple, list[LimitFact]] = {}
    active: dict[tuple, dict[str, set[str]]] = {}
    for (service, attribute, qualifier, dim), group in limit_slots(facts.limits).items():
        slot_active = active_contexts(group, vocab)
        for f in group:
            ident = (service, attribute, qualifier, tuple(sorted(set(f.contexts) & slot_active)))
            identities.setdefault(ident, []).append(f)
            active.setdefault(ident, {})[dim] = slot_active
    for ident, group in identities.items():
        service, attribute, qualifier, contexts = ident
        covered = in_range.get((service, attribute), set())
        if qualifier != "default" and all({(s.note, s.line) for s in f.sources} <= covered for f in group):
            continue
        by_value: dict[tuple, list[LimitFact]] = {}
        for f in group:
            by_value.setdefault((f.quantity.dimension, round(f.quantity.canonical_value, 9)), []).append(f)
        keys = sorted(by_value)
        conflict = _any_disagree([by_value[k] for k in keys], vocab, active[ident])
        values = []
        for k in keys:
            shown = max(by_value[k], key=lambda f: (len(f.sources), f.value))
            shared = set.intersection(*(set(f.contexts) for f in by_value[k])) - set(contexts)
            values.append(_answer("quantity", shown.value, (shown.quantity,),
                                  [s for f in by_value[k] for s in f.sources], facts.context_labels(shared)))
        answers, verdict = _claims_answers(values, conflict)
        label = group[0].service_label
        kind = "default" if qualifier == "default" else "limit"
        front = f"What is the {qualifier} {attribute} of {_phrase(label, facts.context_labels(contexts))}?"
        yield Card(card_id(kind, service, attribute, qualifier, *contexts), kind, service, label,
                   facts.category(service), front, answers, conflict, verdict,
                   tags=facts.tags(service, kind, "conflict" if conflict else ""))


def build_range_cards(facts: FactSource) -> Iterator[Card]:
    """One card per stated range ("from 1 minute to 14 days"): service, attribute and the contexts
    whose opposite is stated for it too. Two ranges disagree when their minima or maxima do."""
    vocab = facts.vocab
    identities: dict[tuple, dict[tuple, list[tuple[RangeEnd, RangeEnd]]]] = {}
    ends: dict[tuple[str, str], list[RangeEnd]] = {}
    for lo, hi in facts.ranges:
        ends.setdefault((lo.service, lo.attribute), []).extend((lo, hi))
    telling = {key: active_contexts(group, vocab) for key, group in ends.items()}
    for lo, hi in facts.ranges:
        contexts = tuple(sorted(telling[(lo.service, lo.attribute)] & {*lo.contexts, *hi.contexts}))
        ident = (lo.service, lo.attribute, contexts)
        value = (round(lo.quantity.canonical_value, 9), round(hi.quantity.canonical_value, 9))
        identities.setdefault(ident, {}).setdefault(value, []).append((lo, hi))
    for (service, attribute, contexts), by_value in identities.items():
        label = vocab.service_label(service)
        keys = sorted(by_value)

        def end_facts(which: int, qualifier: str) -> list[list[LimitFact]]:
            return [[LimitFact(service, label, attribute, None, qualifier, pair[which].contexts,
                               pair[which].quantity, pair[which].quantity.text, [pair[which].source])
                     for pair in by_value[k]] for k in keys]
        conflict = False
        for which, qualifier in ((0, "minimum"), (1, "maximum")):
            groups = end_facts(which, qualifier)
            flat = [f for g in groups for f in g]
            act = {flat[0].quantity.dimension: active_contexts(flat, vocab)}
            conflict = conflict or _any_disagree(groups, vocab, act)
        values = []
        for k in keys:
            lo, hi = by_value[k][0]
            values.append(_answer("range", f"{format_quantity(lo.quantity)} to {format_quantity(hi.quantity)}",
                                  (lo.quantity, hi.quantity), [p[0].source for p in by_value[k]]))
        answers, verdict = _claims_answers(values, conflict)
        front = f"What is the range of the {attribute} of {_phrase(label, facts.context_labels(contexts))}?"
        yield Card(card_id("range", service, attribute, *contexts), "range", service, label,
                   facts.category(service), front, answers, conflict, verdict,
                   tags=facts.tags(service, "range", "conflict" if conflict else ""))


def build_integration_cards(facts: FactSource) -> Iterator[Card]:
    """One card per service and relation: "Amazon S3 delivers to which services?" -> every
    target, each cited. A relation without a direction ("integrates with") counts both ends;
    targets a note denies are shown apart and never accepted."""
    vocab = facts.vocab
    groups: dict[tuple[str, str], dict[bool, dict[str, list[Source]]]] = {}
    labels: dict[str, str] = {}
    for i in facts.integrations:
        ends = [(i.source, i.target)] + ([] if i.directed else [(i.target, i.source)])
        labels[i.relation] = i.relation_label
        for subject, other in ends:
            if subject == other or not facts.in_scope(subject):
                continue
            side = groups.setdefault((subject, i.relation), {}).setdefault(i.negative, {})
            side.setdefault(other, []).extend(i.sources)
    for (service, relation), sides in groups.items():
        positive = sides.get(False, {})
        if not positive:
            continue

        def answers(side: dict[str, list[Source]]) -> tuple[CardAnswer, ...]:
            out = []
            for iri, sources in side.items():
                sources = sorted(set(sources), key=lambda s: (s.note, s.line))
                out.append(CardAnswer(vocab.service_label(iri), "services", (), (iri,), tuple(sources),
                                      note_count=len({s.note for s in sources})))
            return tuple(sorted(out, key=lambda a: a.text))
        label = vocab.service_label(service)
        front = f"{label} {labels[relation]} which services?"
        yield Card(card_id("integration", service, relation), "integration", service, label,
                   facts.category(service), front, answers(positive), denied=answers(sides.get(True, {})),
                   tags=facts.tags(service, "integration"))


# ---------------------------------------------------------------- settings and capabilities

def build_setting_cards(facts: FactSource) -> Iterator[Card]:
    """One card per setting (a literal value, such as an address): the settings kg check reads as
    one (same service, value kind and attribute words sharing a name) are one card. The question
    is the note line most notes state it by, with the value blanked: a setting's attribute is
    stored only as word stems, and the line names it in the note's own words. Where
    kg.check.setting_findings finds the values disagree, the card shows every value, each cited,
    and the one kg.check.probable_current calls current. A line that keeps fewer than three
    words once the value is blanked asks nothing and makes no card."""
    vocab = facts.vocab
    for group in setting_groups(facts.settings, vocab):
        by_value: dict[str, list[Source]] = {}
        for f in group:
            by_value.setdefault(f.value, []).extend(f.sources)
        rep = max(group, key=lambda f: (len({s.note for s in by_value[f.value]}), len(f.sources), -group.index(f)))
        front_line = None
        for s in rep.sources:
            front_line = blank_values(s.text, by_value)
            if front_line and word_count(front_line) >= 3:
                break
            front_line = None
        if front_line is None:
            continue
        values = [_answer("text", v, (), srcs) for v, srcs in sorted(by_value.items())]
        conflict = bool(setting_findings(group, vocab))
        answers, verdict = _claims_answers(values, conflict)
        front = f"{rep.service_label}: which {rep.value_kind} fills the blank? “{front_line}”"
        yield Card(card_id("setting", vocab.root_service(rep.service), rep.value_kind, *rep.attribute), "setting",
                   rep.service, rep.service_label, facts.category(rep.service), front, answers, conflict, verdict,
                   tags=facts.tags(rep.service, "setting", "conflict" if conflict else ""))


def build_capability_cards(facts: FactSource) -> Iterator[Card]:
    """One yes/no card per capability a clear question can be asked of (capability_question).

    A capability one note affirms and another denies (by kg.check.capability_findings) is one
    card showing both answers, each cited, and the one kg.check.probable_current calls current;
    its question comes from the side a question can be asked of, the affirmed one first. A
    capability said under a condition ("on-prem has no blue/green") asks with the condition's
    own words, and makes no card when they cannot be found in its line or point elsewhere
    ("these can be served").
    """
    vocab, lexicon = facts.vocab, default_lexicon()
    caps = facts.capabilities
    parent = list(range(len(caps)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    by_root: dict[str, list[int]] = {}
    for n, f in enumerate(caps):
        by_root.setdefault(vocab.root_service(f.service), []).append(n)
    for members in by_root.values():
        for i in members:
            for j in members:
                if caps[i].positive and not caps[j].positive and capability_findings([caps[i], caps[j]], vocab):
                    parent[find(j)] = find(i)
    groups: dict[int, list[CapabilityFact]] = {}
    for n, f in enumerate(caps):
        groups.setdefault(find(n), []).append(f)
    for group in groups.values():
        asked = None
        for f in sorted(group, key=lambda f: (not f.positive, -len(f.sources), f.feature)):
            passes = facts.capability_passes.get((f.service, f.feature, f.condition, f.positive), set())
            text = complete_feature(f.text, f.sources)
            said = condition_words(f, clean_feature(text)) if f.condition else ("", False)
            front = capability_question(f, text, passes, lexicon, *said) if said else None
            if front:
                asked = (f, front)
                break
        if asked is None:
            continue
        rep, front = asked
        values = []
        for yes in (True, False):
            sources = [s for f in group if f.positive == yes for s in f.sources]
            if sources:
                a = _answer("yesno", YES if yes else NO, (), sources)
                values.append(CardAnswer(a.text, a.kind, sources=a.sources, note_count=a.note_count, yes=yes))
        conflict = len(values) > 1
        answers, verdict = _claims_answers(values, conflict)
        yield Card(card_id("capability", rep.service, *rep.feature, "|", *rep.condition, YES if rep.positive else NO),
                   "capability",
                   rep.service, rep.service_label, facts.category(rep.service), front, answers, conflict, verdict,
                   tags=facts.tags(rep.service, "capability", "conflict" if conflict else ""))


@dataclass(frozen=True)
class CardBuilder:
    """A function that makes one kind (or a few kinds) of card from the facts."""

    kinds: tuple[str, ...]
    build: Callable[[FactSource], Iterable[Card]]


CARD_BUILDERS: tuple[CardBuilder, ...] = (
    CardBuilder(("limit", "default"), build_limit_cards),
    CardBuilder(("range",), build_range_cards),
    CardBuilder(("setting",), build_setting_cards),
    CardBuilder(("capability",), build_capability_cards),
    CardBuilder(("integration",), build_integration_cards),
)
CARD_KINDS: tuple[str, ...] = tuple(k for b in CARD_BUILDERS for k in b.kinds)


def build_cards(store: EmbeddedStore, vocab: Vocabulary, *, services: list[str] | None = None,
                kinds: Iterable[str] | None = None, limit: int | None = None) -> list[Card]:
    """Every card the graph gives, in a stable order (service, kind, question).

    Args:
        store: the graph.
        vocab: the vocabulary (labels, categories, contexts).
        services: IRIs of services and features to make cards about (None: all).
        kinds: card kinds to make (see CARD_KINDS; None: all).
        limit: at most this many cards (None: all).
    """
    wanted = set(kinds) if kinds else set(CARD_KINDS)
    source = FactSource(store, vocab, services)
    cards = [card for builder in CARD_BUILDERS if wanted & set(builder.kinds)
             for card in builder.build(source) if card.kind in wanted]
    order = {k: n for n, k in enumerate(CARD_KINDS)}

    def position(c: Card) -> tuple:
        root = vocab.root_service(c.service)     # a service's own cards, then its features'
        return (vocab.service_label(root), c.service != root, c.service_label,
                order.get(c.kind, len(order)), c.front, c.id)
    cards.sort(key=position)
    return cards[:limit] if limit is not None else cards


# ---------------------------------------------------------------- JSON, CSV, Anki

def _source_dict(s: Source) -> dict:
    return {"note": s.note, "line": s.line, "end_line": s.end_line, "text": s.text, "date": s.date}


def _quantity_dict(q: Quantity) -> dict:
    return {"value": q.value, "unit": q.unit, "canonical_value": q.canonical_value,
            "canonical_unit": q.canonical_unit}


def card_dict(card: Card) -> dict:
    """A card as plain data (the JSON of `kg cards --json` and of the cards-json export)."""
    def answer(a: CardAnswer) -> dict:
        return {"text": a.text, "kind": a.kind, "current": a.current, "notes": a.note_count,
                "conditions": a.conditions or None,
                "quantities": [_quantity_dict(q) for q in a.quantities], "services": list(a.services),
                "sources": [_source_dict(s) for s in a.sources]}
    return {"id": card.id, "kind": card.kind, "service": card.service_label, "service_iri": card.service,
            "category": card.category, "front": card.front, "back": card.back, "conflict": card.conflict,
            "verdict": card.verdict or None, "answers": [answer(a) for a in card.answers],
            "denied": [answer(a) for a in card.denied], "tags": list(card.tags)}


def cards_json(cards: list[Card]) -> str:
    return json.dumps([card_dict(c) for c in cards], ensure_ascii=False, indent=1) + "\n"


def source_line(s: Source) -> str:
    """"note:line  verbatim text" for one source, on one line."""
    where = f"{s.note}:{s.line}" + (f"-{s.end_line}" if s.end_line != s.line else "")
    return f"{where}  {' '.join(s.text.split())}"


def cards_csv(cards: list[Card]) -> str:
    """CSV with a header row front,back,sources,tags: Anki, Quizlet and spreadsheets import it.

    Sources are one per line inside their cell; tags are separated by spaces, as Anki reads them.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["front", "back", "sources", "tags"])
    for c in cards:
        writer.writerow([c.front, c.back, "\n".join(source_line(s) for s in c.sources), " ".join(c.tags)])
    return buf.getvalue()


ANKI_MODEL_NAME = "kg cited card"
ANKI_DECK = "kg"
ANKI_FIELDS = ("Front", "Back", "Sources", "Service", "CardId")


def _stable_anki_id(name: str) -> int:
    """An Anki model or deck id derived from its name: the same in every export, in genanki's range."""
    return (1 << 30) + int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % (1 << 30)


def _back_html(card: Card) -> str:
    rows = []
    for a in card.answers:
        mark = ("<b>current</b> " if a.current else "<i>probably stale</i> ") if card.conflict and card.verdict else ""
        rows.append(f"<li>{mark}{html.escape(a.text)} <small>[{_notes(a.note_count)}]</small></li>")
    for a in card.denied:
        rows.append(f"<li>not: {html.escape(a.text)}</li>")
    head = "<p>The notes disagree.</p>" if card.conflict else ""
    verdict = f"<p>{html.escape(card.verdict)}</p>" if card.verdict else ""
    return f"{head}<ul>{''.join(rows)}</ul>{verdict}"


def anki_package(cards: list[Card], *, deck: str = ANKI_DECK) -> bytes:
    """An Anki package (.apkg): one subdeck per service category, one note per card.

    The model id and deck ids derive from their names and each note's GUID from its card id, so
    importing an updated deck updates its notes instead of adding copies.
    """
    import genanki      # ~170 ms to import: only an Anki export pays for it

    model = genanki.Model(
        _stable_anki_id(ANKI_MODEL_NAME), ANKI_MODEL_NAME, fields=[{"name": n} for n in ANKI_FIELDS],
        templates=[{"name": "Question", "qfmt": "{{Front}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Back}}<div class=sources>{{Sources}}</div>"}],
        css=".card { font-family: sans-serif; font-size: 18px; } .sources { font-size: 12px; color: #555; "
            "text-align: left; margin-top: 1em; }")
    decks: dict[str, genanki.Deck] = {}
    for card in cards:
        name = f"{deck}::{card.category}"
        if name not in decks:
            decks[name] = genanki.Deck(_stable_anki_id(name), name)
        sources = "<br>".join(html.escape(source_line(s)) for s in card.sources)
        decks[name].add_note(genanki.Note(model=model, guid=genanki.guid_for(card.id), tags=list(card.tags),
                                          fields=[html.escape(card.front), _back_html(card), sources,
                                                  html.escape(card.service_label), card.id]))
    buf = io.BytesIO()
    genanki.Package([decks[n] for n in sorted(decks)]).write_to_file(buf)
    return buf.getvalue()


def export_cards(store: EmbeddedStore, vocab: Vocabulary, fmt: str, *, services: list[str] | None = None,
                 kinds: Iterable[str] | None = None, limit: int | None = None) -> bytes:
    """The cards of a selection in an export format: "anki" (.apkg), "cards-csv" or "cards-json"."""
    cards = build_cards(store, vocab, services=services, kinds=kinds, limit=limit)
    if fmt == "anki":
        return anki_package(cards)
    if fmt == "cards-csv":
        return cards_csv(cards).encode("utf-8")
    return cards_json(cards).encode("utf-8")


__all__ = ["ANKI_FIELDS", "CARD_BUILDERS", "CARD_KINDS", "Card", "CardAnswer", "CardBuilder", "FactSource",
           "anki_package", "build_cards", "card_dict", "card_id", "cards_csv", "cards_json", "export_cards",
           "source_line"]
