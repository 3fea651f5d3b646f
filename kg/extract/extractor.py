"""The Extractor: the vocabulary's matchers, and the order the passes run in over a note."""

from __future__ import annotations

from functools import cached_property

from kg.extract.annotate import Annotated, NoteReading
from kg.extract.capabilities import extract_capabilities
from kg.extract.claims import Extraction, IntegrationClaim, LimitClaim
from kg.extract.integrations import NOTE_INTEGRATION_PASSES, integration_claims
from kg.extract.limits import NOTE_LIMIT_PASSES, limit_claims
from kg.namespaces import KG
from kg.notes import Note, glued_heading_finder, parse_text
from kg.units import Quantity
from kg.vocab import KindFinder, PhraseFinder, Vocabulary, content_stems


class Extractor:
    """Holds the compiled vocabulary matchers; reuse one for many notes."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.services = PhraseFinder({iri: c.labels for iri, c in vocab.services.items()})
        self.kinds = KindFinder(vocab.kinds)
        self.contexts = PhraseFinder({iri: c.labels for iri, c in vocab.contexts.items()})
        self.qualifiers = PhraseFinder({iri: c.labels for iri, c in vocab.qualifiers.items()},
                                       case_sensitive_upto=0)
        self.active = PhraseFinder({iri: [c.pref, *c.alt] for iri, c in vocab.relations.items()},
                                   case_sensitive_upto=0)
        self.passive = PhraseFinder({iri: c.passive for iri, c in vocab.relations.items()},
                                    case_sensitive_upto=0)
        self.generic_relation = KG.replace("#", "/relation/") + "integrates-with"

    # ------------------------------------------------------------ public

    def parse(self, text: str, path) -> Note:
        """Parse note text as `kg ingest` does, with this vocabulary's service names (glued headings)."""
        return parse_text(text, path, glued_heading_finder(self.vocab))

    def extract(self, note: Note) -> Extraction:
        """Extract every limit, integration, capability and setting from a parsed note."""
        reading = NoteReading(self, note)
        limits: list[LimitClaim] = []
        integrations: list[IntegrationClaim] = []
        mentions: dict[int, tuple[str, ...]] = {}
        topic: str | None = None      # the service the last heading that named one was about
        for index, st in enumerate(note.statements):
            a = Annotated(reading, index, topic)
            if a.mentions:
                mentions[index] = tuple(dict.fromkeys(m.iri for m in a.mentions))
            if st.kind == "heading" and a.mentions:
                topic = a.topic = self.most_specific([m.iri for m in a.mentions])
            limits.extend(limit_claims(a))
            integrations.extend(integration_claims(a))
        for p in NOTE_LIMIT_PASSES:
            limits = p.apply(limits, self)
        for p in NOTE_INTEGRATION_PASSES:
            integrations = p.apply(integrations, self)
        capabilities, settings = extract_capabilities(note, reading.services_in, reading.context_subject)
        return Extraction(note, tuple(limits), tuple(integrations), mentions, tuple(capabilities), tuple(settings))

    # ------------------------------------------------------------ what the passes look up

    def most_specific(self, iris: list[str]) -> str:
        """Of services named together, a feature before the service it belongs to."""
        v = self.vocab
        for iri in iris:
            if any(v.root_service(other) == v.root_service(iri) and other != iri
                   and iri not in v.services[other].broader and other in v.ancestors(iri)
                   for other in iris):
                return iri
        return iris[0]

    def fits(self, kind: str, q: Quantity) -> bool:
        """Does the quantity's dimension fit the kind (a kind of no dimension fits any)?"""
        dims = self.kind_dimensions.get(kind, set())
        return not dims or q.dimension in dims

    @cached_property
    def kind_dimensions(self) -> dict[str, set[str]]:
        return {iri: c.dimensions for iri, c in self.vocab.kinds.items()}

    @cached_property
    def narrower_kinds(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for iri, c in sorted(self.vocab.kinds.items()):
            for b in c.broader:
                out.setdefault(b, []).append(iri)
        return out

    @cached_property
    def generic_kinds(self) -> dict[str, str]:
        """The root kind of each dimension ("generic size"), for values nothing else describes."""
        out: dict[str, str] = {}
        for iri, c in sorted(self.vocab.kinds.items()):
            if not c.broader and len(c.dimensions) == 1 and c.pref.startswith("generic "):
                out.setdefault(next(iter(c.dimensions)), iri)
        return out

    @cached_property
    def kind_stems(self) -> dict[str, list[tuple[str, ...]]]:
        """The stems of each kind's labels, the preferred label first."""
        return {iri: [content_stems(c.pref)] + [content_stems(label) for label in c.labels]
                for iri, c in self.vocab.kinds.items()}

    @cached_property
    def context_stems(self) -> dict[str, tuple[str, ...]]:
        return {iri: content_stems(c.pref) for iri, c in self.vocab.contexts.items()}


def extract_claims(note: Note, vocab: Vocabulary) -> Extraction:
    """Extract the claims of one note (convenience wrapper around Extractor)."""
    return Extractor(vocab).extract(note)


__all__ = ["Extractor", "extract_claims"]
