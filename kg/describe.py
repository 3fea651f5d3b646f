"""One card per service: names, limits by kind, integrations in and out, contradictions, notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.check import value_conflicts
from kg.facts import (IntegrationFact, LimitFact, integration_facts, limit_facts, note_name, service_and_features,
                      store_note_names)
from kg.namespaces import KG
from kg.store import IRI, EmbeddedStore
from kg.vocab import Vocabulary


@dataclass
class ServiceCard:
    """Everything the notes say about one service."""

    iri: str
    name: str
    aliases: list[str]
    category: str | None
    parent: str | None
    features: list[str]
    limits: list[LimitFact]
    outgoing: list[IntegrationFact]
    incoming: list[IntegrationFact]
    conflicts: list[list[LimitFact]]
    notes: dict[str, int] = field(default_factory=dict)     # note -> statements that name the service


_MENTIONS = f"""SELECT ?svc ?path (COUNT(?st) AS ?n) WHERE {{ GRAPH ?g {{
  ?st <{KG}mentions> ?svc ; <{KG}inNote> ?note . ?note <{KG}path> ?path }} }} GROUP BY ?svc ?path"""


def describe_service(store: EmbeddedStore, vocab: Vocabulary, iri: str) -> ServiceCard:
    """Build the card of the service `iri` (its features' facts included)."""
    concept = vocab.services[iri]
    scope = service_and_features(vocab, iri)
    limits = limit_facts(store, vocab, scope)
    integrations = integration_facts(store, vocab, scope)
    inside = set(scope)
    outgoing = [i for i in integrations if i.source in inside and i.target not in inside]
    incoming = [i for i in integrations if i.target in inside and i.source not in inside]
    notes: dict[str, int] = {}
    names = store_note_names(store)
    for svc in scope:
        for row in store.select(_MENTIONS, svc=IRI(svc)):
            name = note_name(row["path"], names)
            notes[name] = notes.get(name, 0) + int(row["n"])
    category = vocab.categories.get(concept.category or "")
    parent = vocab.parent_service(iri)
    return ServiceCard(iri, concept.pref, [a for a in concept.alt if a != concept.pref], category.pref if category else None,
                       vocab.service_label(parent) if parent else None,
                       [vocab.service_label(f) for f in scope[1:]], limits, outgoing, incoming,
                       value_conflicts(limits, vocab), dict(sorted(notes.items())))
