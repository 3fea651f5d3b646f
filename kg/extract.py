"""Note -> claims: the limits and integrations each statement states, each with its source.

Subject: the service named in the statement's clause, else in its parent bullets, else in its
headings (innermost first). Limit kind: the vocabulary kind whose words stand nearest the
quantity and whose dimension fits it, looked for in the same order; a free label from the
words around the quantity when no kind fits, so no quantity is dropped for want of a kind.
Integrations: two services and a relation cue in one clause, directed by the cue's voice, with
negative polarity when the clause denies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from kg.capabilities import extract_capabilities
from kg.notes import Note, Statement, clean_text, parse_text
from kg.units import Quantity, QuantityMatch, find_quantities
from kg.namespaces import KG
from kg.vocab import KindFinder, KindHit, Mention, PhraseFinder, Vocabulary, content_stems

_CLAUSE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|;\s+|\s+\|\s+")
_NEGATION = re.compile(
    r"\b(?:can[’']?t|cannot|canot|can not|won[’']?t|doesn[’']?t|don[’']?t|isn[’']?t|aren[’']?t|not|no|never|"
    r"unable to|without|neither|nor|unsupported)\b", re.IGNORECASE)
_PREPOSITIONS = {"in", "into", "to", "from", "with", "using", "via", "by", "through", "on", "for",
                 "of", "onto", "inside", "within", "behind", "like", "than", "and", "or"}
_DETERMINERS = {"a", "an", "the", "one", "another", "any", "each", "every", "your", "its", "their", "this",
                "that", "same", "other", "separate", "existing", "new", "multiple", "many", "all"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")
_FREE_STOP = {"the", "a", "an", "of", "is", "are", "be", "can", "to", "in", "for", "and", "or",
              "it", "its", "with", "on", "at", "by", "that", "this", "you", "your", "we", "up",
              "max", "maximum", "min", "minimum", "default", "limit", "limits", "only", "must",
              "will", "was", "has", "have", "each", "per", "set", "upto", "from", "than", "more",
              "less", "least", "most", "between", "about", "approximately", "around", "supports",
              "support", "has", "there", "which", "when", "if", "after", "before", "until"}
_STATUS_WORDS = re.compile(r"\b(?:error|errors|status|code|codes|exception|http|throttl\w*|rate exceeded)\b",
                           re.IGNORECASE)
# a denied piece of advice or a denied multiplicity says nothing against the integration itself
_ADVICE = re.compile(r"\b(?:advised|advisable|recommended|suggested|ideal|best|wise|good idea)\b", re.IGNORECASE)
_MULTIPLICITY = re.compile(r"\s*(?:to\s+|with\s+|into\s+)?(?:multiple|several|more than one|many|both)\b",
                           re.IGNORECASE)
_LIMITISH = re.compile(r"\b(?:limits?|quotas?|constraints?|limitations?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class LimitClaim:
    """One quantity a statement states about a service."""

    service: str
    attribute: str
    kind: str | None
    qualifier: str            # maximum | minimum | default | exact
    contexts: tuple[str, ...]
    quantity: Quantity
    statement: Statement
    range_group: int = -1     # the two ends of one stated range share a group
    topical: bool = False     # the subject was carried over from an earlier heading


@dataclass(frozen=True)
class IntegrationClaim:
    """One statement that a service works with another."""

    source: str
    target: str
    relation: str
    directed: bool
    negative: bool
    statement: Statement


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one note."""

    note: Note
    limits: tuple[LimitClaim, ...]
    integrations: tuple[IntegrationClaim, ...]
    mentions: dict[int, tuple[str, ...]]   # statement index -> services it names
    capabilities: tuple = ()                # kg.capabilities.CapabilityClaim
    settings: tuple = ()                    # kg.capabilities.SettingClaim


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

    @cached_property
    def _kind_dimensions(self) -> dict[str, set[str]]:
        return {iri: c.dimensions for iri, c in self.vocab.kinds.items()}

    # ------------------------------------------------------------ public

    def trailing_service_label(self, text: str) -> int | None:
        """Where a service name that ends `text` starts (for the reader's glued headings)."""
        stripped = clean_text(text).rstrip(" .")
        found = self.services.find(stripped)
        if found and found[-1].end == len(stripped):
            raw_at = text.rfind(found[-1].label)
            return raw_at if raw_at > 0 else None
        return None

    def parse(self, text: str, path) -> Note:
        """Parse note text with this vocabulary's help (glued headings)."""
        return parse_text(text, path, self.trailing_service_label)

    def extract(self, note: Note) -> Extraction:
        """Extract every limit and integration from a parsed note."""
        limits: list[LimitClaim] = []
        integrations: list[IntegrationClaim] = []
        mentions: dict[int, tuple[str, ...]] = {}
        cache: dict[str, list[Mention]] = {}
        topic: str | None = None      # the service the last heading that named one was about
        for index, st in enumerate(note.statements):
            found = self._services_in(st.text, cache)
            if found:
                mentions[index] = tuple(dict.fromkeys(m.iri for m in found))
            if st.kind == "heading" and found:
                topic = self._most_specific([m.iri for m in found])
            limits.extend(self._limits(st, cache, _antecedent(note.statements, index), topic))
            integrations.extend(self._integrations(st, cache))
        # a carried-over subject only for a kind of limit the note states of that service elsewhere
        stated = {(self.vocab.root_service(c.service), c.kind) for c in limits if not c.topical}
        conditions = {(self.vocab.root_service(c.service), x) for c in limits if not c.topical
                      for x in c.contexts if self.vocab.contexts[x].contrasts}
        limits = [c for c in limits if not c.topical or (self.vocab.root_service(c.service), c.kind) in stated
                  or any((self.vocab.root_service(c.service), x) in conditions for x in c.contexts)]
        capabilities, settings = extract_capabilities(
            note, lambda text: self._services_in(text, cache), lambda st: self._context_subject(st, cache))
        return Extraction(note, tuple(_dedupe_limits(limits)), tuple(_dedupe_integrations(integrations)),
                          mentions, tuple(capabilities), tuple(settings))

    # ------------------------------------------------------------ shared helpers

    def _services_in(self, text: str, cache: dict[str, list[Mention]]) -> list[Mention]:
        if text not in cache:
            cache[text] = self.services.find(text)
        return cache[text]

    def _context_subject(self, st: Statement, cache: dict[str, list[Mention]]) -> str | None:
        """The service the statement's parents or headings are about, innermost first."""
        for text in (*reversed(st.parents), *reversed(st.headings)):
            found = self._services_in(text, cache)
            if found:
                return self._most_specific([m.iri for m in found])
        return None

    def _most_specific(self, iris: list[str]) -> str:
        """Prefer a feature over its parent service when both are named."""
        for iri in iris:
            if any(self.vocab.root_service(other) == self.vocab.root_service(iri) and other != iri
                   and iri not in self.vocab.services[other].broader and other in self.vocab.ancestors(iri)
                   for other in iris):
                return iri
        return iris[0]

    @staticmethod
    def _clauses(text: str) -> list[tuple[int, int]]:
        spans, start = [], 0
        for m in _CLAUSE_SPLIT.finditer(text):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, len(text)))
        return [(a, b) for a, b in spans if b > a]

    # ------------------------------------------------------------ limits

    def _limits(self, st: Statement, cache: dict[str, list[Mention]],
                antecedent: Statement | None = None, topic: str | None = None) -> Iterator[LimitClaim]:
        text = st.text
        found = find_quantities(text)
        if not found:
            return
        mentions = self._services_in(text, cache)
        kind_hits = self.kinds.find(text)
        ctx_hits = [m for m in self.contexts.find(text)
                    if not any(q.start <= m.start < q.end for q in found)]
        qual_hits = self.qualifiers.find(text)
        clauses = self._clauses(text)
        for qm in found:
            q = qm.quantity
            ca, cb = next(((a, b) for a, b in clauses if a <= qm.start < b), (0, len(text)))
            if qm.bare:
                q = self._borrow_unit(st, text, qm, found, qual_hits, ca)
                if q.unit == "count" and self._is_noise_number(text, qm, found, ca, cb):
                    continue
            kind, blocked = self._pick_kind(qm, q, kind_hits, found, ca, cb, text=text)
            if kind is None and q.unit == "count/s" and not q.noun and "/" in q.text:
                as_seconds = Quantity(q.value, "s", q.text)    # "0/s to 20/s": seconds, written oddly
                kind, blocked = self._pick_kind(qm, as_seconds, kind_hits, found, ca, cb, text=text)
                if kind is None:
                    kind, blocked = self._pick_kind(qm, as_seconds, kind_hits, found, 0, len(text),
                                                    same_clause=False, text=text)
                q = as_seconds if kind else q
            if (kind is None or blocked) and not qm.bare:
                other, other_blocked = self._pick_kind(qm, q, kind_hits, found, 0, len(text),
                                                       same_clause=False, text=text)
                kind = (other if other and not other_blocked else None) or self._kind_from_context(st, q) or kind
            if kind is None and q.noun:
                kind = next((h.iri for h in self.kinds.find(q.noun) if self._fits(h.iri, q)), None)
            if qm.bare and q.unit == "count" and kind is None and antecedent is not None:
                kind, q = self._kind_from_antecedent(antecedent, q)
            if qm.bare and q.unit == "count" and kind is None:
                # "3000 – US West ..." under "Burst concurrency quotas"; "between 5,500 and 30,000
                # for symmetric keys" under a bullet about request quotas
                kind = self._kind_from_context(st, q, parents_only=qm.start != 0)
            if qm.bare and q.unit == "count" and kind is None:
                continue    # a bare number counts something only when a count-like kind says what
            if kind:
                kind = self._specialise(kind, st, q)
            # subject
            clause_mentions = [m for m in mentions if ca <= m.start < cb]
            chosen = self._choose_subject(st, text, qm, clause_mentions, mentions, cache)
            topical = chosen is None and kind is not None and topic is not None
            if topical:
                chosen = topic       # a slide that names no service continues the deck's last one
            if chosen is None:
                continue
            chosen = self._refine_feature(chosen, clause_mentions, st, cache)
            attribute = (self.vocab.kinds[kind].pref if kind else self._free_label(text, qm, ca, cb)) or "value"
            if kind is None and not any(self.kinds.find(p) for p in st.parents) and \
                    self._bare_value(text, found, mentions, ctx_hits):
                # "50Tb to 80Tb" right under "Snowball", "100PB per Snowmobile": the service's own
                # size, duration or count, of no more specific kind
                kind = self._generic_kinds.get(q.dimension)
                attribute = "value"
            qualifier = self._pick_qualifier(st, qm, qual_hits, found, ca, cb)
            if q.text[:1].isalpha() and qualifier == "exact":
                continue    # "two layers" in an example sentence; "up to three times" is a limit
            contexts = self._pick_contexts(st, qm, ctx_hits, found, ca, cb, kind)
            yield LimitClaim(chosen, attribute, kind, qualifier, contexts, q, st,
                             qm.range_id if qm.range_role else -1, topical)

    def _is_noise_number(self, text: str, qm: QuantityMatch, found: list[QuantityMatch],
                         ca: int, cb: int) -> bool:
        """A bare number that repeats another value, or is an HTTP status or error code."""
        v = qm.quantity.value
        if any(o is not qm and not o.bare and o.quantity.value == v for o in found):
            return True
        return 400 <= v < 600 and v == int(v) and bool(_STATUS_WORDS.search(text[ca:cb]))

    def _choose_subject(self, st: Statement, text: str, qm: QuantityMatch, clause_mentions: list[Mention],
                        mentions: list[Mention], cache: dict[str, list[Mention]]) -> str | None:
        """The service named as the clause's subject, else the statement's, else the section's."""
        direct = [m for m in clause_mentions if not self._is_prepositional(text, m)]
        if direct:
            return self._pick_subject(text, qm, direct).iri
        direct = [m for m in mentions if not self._is_prepositional(text, m)]
        if direct:
            return self._pick_subject(text, qm, direct).iri
        context = self._context_subject(st, cache)
        indirect = self._pick_subject(text, qm, clause_mentions or mentions)
        if context is None:
            return indirect.iri if indirect else None
        if indirect and self.vocab.root_service(indirect.iri) == self.vocab.root_service(context):
            return indirect.iri
        return context

    def _borrow_unit(self, st: Statement, text: str, qm: QuantityMatch, found: list[QuantityMatch],
                     qual_hits: list[Mention], clause_start: int) -> Quantity:
        """"up to 14 days, default of 4": a bare number after a qualifier borrows the unit before it.

        With no unit before it in the statement, it borrows from the parent bullet's value
        ("goes up to 20 seconds" > "default is 0").
        """
        if not any(0 <= qm.start - h.end <= 12 and not any(h.end <= o.start < qm.start for o in found)
                   for h in qual_hits):
            return qm.quantity      # no cue right before it, or the cue is another value's ("min 3 AZ. 6 copies")
        before = [o for o in found if o.end <= qm.start and o.start >= clause_start and not o.bare]
        if not before and st.parents:
            before = [o for o in find_quantities(st.parents[-1]) if not o.bare]
        if before:
            unit_from = before[-1].quantity
            return Quantity(qm.quantity.value, unit_from.unit, qm.quantity.text, unit_from.noun)
        return qm.quantity

    def _fits(self, kind: str, q: Quantity) -> bool:
        dims = self._kind_dimensions.get(kind, set())
        return not dims or q.dimension in dims

    def _pick_kind(self, qm: QuantityMatch, q: Quantity, hits: list[KindHit],
                   found: list[QuantityMatch], ca: int, cb: int,
                   same_clause: bool = True, text: str = "") -> tuple[str | None, bool]:
        """The kind whose words stand nearest the quantity; (kind, whether another value stands between)."""
        best, best_key = None, None
        for h in hits:
            if not (ca <= h.start < cb) or not self._fits(h.iri, q):
                continue
            if not same_clause and h.start <= qm.start < h.end:
                continue
            if text and _in_aside(text, h.start, qm):
                continue        # "at least 3 copies of data (... on compute nodes ...)": the aside's words
            if h.end <= qm.start:
                lo, hi = h.end, qm.start
            elif h.start >= qm.end:
                lo, hi = qm.end, h.start
            else:
                lo, hi = h.start, h.end     # the kind's words surround the number
            past_others = any(lo <= o.start < hi and (o.range_id != qm.range_id or qm.range_id < 0)
                              for o in found if o is not qm)
            # the label that opens the line names every value on it, after any nearer label
            blocked = past_others and not _is_topic(text, h.start, h.end, found)
            if lo == h.start:
                lo = hi = qm.start
            distance = max(0, hi - lo)
            # past other values, a label before the value ("Memory: 128 MB min, 10,240 MB max")
            # is likelier its own than one after it ("(1 MB steps)")
            key = (blocked, past_others, blocked and h.start > qm.start, -min(h.size, 3), distance)
            if best_key is None or key < best_key:
                best, best_key = h.iri, key
        return best, bool(best_key and best_key[0])

    def _specialise(self, kind: str, st: Statement, q: Quantity) -> str:
        """A narrower kind whose extra words the parent bullets or heading say: "retention period"
        under "Backups" is the backup retention period."""
        around = {stem for text in (*st.parents, *st.headings[-1:]) for stem in content_stems(text)}
        if not around:
            return kind
        own = set(content_stems(self.vocab.kinds[kind].pref))
        for narrower in self._narrower.get(kind, ()):
            extra = set(content_stems(self.vocab.kinds[narrower].pref)) - own
            if extra and extra <= around and self._fits(narrower, q):
                return narrower
        return kind

    @cached_property
    def _narrower(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for iri, c in sorted(self.vocab.kinds.items()):
            for b in c.broader:
                out.setdefault(b, []).append(iri)
        return out

    @cached_property
    def _generic_kinds(self) -> dict[str, str]:
        """The root kind of each dimension ("generic size"), for values nothing else describes."""
        out: dict[str, str] = {}
        for iri, c in sorted(self.vocab.kinds.items()):
            if not c.broader and len(c.dimensions) == 1 and c.pref.startswith("generic "):
                out.setdefault(next(iter(c.dimensions)), iri)
        return out

    def _bare_value(self, text: str, found: list[QuantityMatch], mentions: list[Mention],
                    contexts: list[Mention]) -> bool:
        """Is the statement nothing but values (and the service's name, a condition, "per", "to")?"""
        rest = text
        spans = [(o.start, o.end) for o in found] + [(m.start, m.end) for m in [*mentions, *contexts]]
        for span in sorted(spans, reverse=True):
            rest = rest[:span[0]] + " " + rest[span[1]:]
        return not [w for w in _WORD.findall(rest) if w.lower() not in _BARE_FILLER]

    def _kind_from_antecedent(self, antecedent: Statement, q: Quantity) -> tuple[str | None, Quantity]:
        """ "KMS has a quota for cryptographic operations per second" / "They are between 5,500
        and 30,000": a bare number in a sentence that starts with a pronoun measures what the
        sentence before named, in its unit."""
        per_second = Quantity(q.value, "count/s", q.text, q.noun)
        rate = bool(_PER_SECOND.search(antecedent.text))
        for h in sorted(self.kinds.find(antecedent.text), key=lambda h: (-h.size, h.start)):
            if self._fits(h.iri, q):
                return h.iri, q
            if rate and self._fits(h.iri, per_second):
                return h.iri, per_second
        return None, q

    def _kind_from_context(self, st: Statement, q: Quantity, parents_only: bool = False) -> str | None:
        for text in (*reversed(st.parents), *(() if parents_only else reversed(st.headings))):
            hits = [h for h in self.kinds.find(text) if self._fits(h.iri, q)]
            if hits:
                return max(hits, key=lambda h: (h.size, h.end)).iri
        return None

    def _pick_subject(self, text: str, qm: QuantityMatch, mentions: list[Mention]) -> Mention | None:
        if not mentions:
            return None
        def key(m: Mention) -> tuple[int, int, int]:
            prep = self._is_prepositional(text, m)
            before = m.end <= qm.start
            distance = qm.start - m.end if before else m.start - qm.end
            return (prep, not before, distance)
        return min(mentions, key=key)

    @staticmethod
    def _is_prepositional(text: str, m: Mention) -> bool:
        words = [w.lower() for w in _WORD.findall(text[max(0, m.start - 40):m.start])]
        while words and words[-1] in _DETERMINERS:
            words.pop()
        return bool(words) and words[-1] in _PREPOSITIONS

    def _refine_feature(self, chosen: str, clause_mentions: list[Mention], st: Statement,
                        cache: dict[str, list[Mention]]) -> str:
        pool = [m.iri for m in clause_mentions]
        for text in reversed(st.parents):
            pool.extend(m.iri for m in self._services_in(text, cache))
        for iri in pool:
            if chosen in self.vocab.ancestors(iri):
                return iri
        return chosen

    def _pick_qualifier(self, st: Statement, qm: QuantityMatch, hits: list[Mention],
                        found: list[QuantityMatch], ca: int, cb: int) -> str:
        if qm.range_role:
            return "minimum" if qm.range_role == "min" else "maximum"
        best, best_d = None, None
        for h in hits:
            if not (ca <= h.start < cb):
                continue
            if h.end <= qm.start:
                gap, lo, hi = qm.start - h.end, h.end, qm.start
                if gap > 45:
                    continue
                if re.search(r"[,;(]", st.text[h.end:qm.start]):
                    continue        # "1 day by default, can go to 7 days", "maximum (64 MB steps)": not this value's cue
            elif h.start >= qm.end:
                gap, lo, hi = h.start - qm.end, qm.end, h.start
                if gap > 12 or re.search(r"[()\[\]]", st.text[qm.end:h.start]):
                    continue        # "(12 hours) (default 30/s)": the cue belongs to the next value
                gap += 50 if gap <= 3 else 1000    # "3653 days max" binds tighter than a cue past a comma
            else:
                continue
            if any(lo <= o.start < hi for o in found
                   if o is not qm and (o.range_id != qm.range_id or qm.range_id < 0)
                   and not _coordinated(st.text, o, qm)):
                continue        # another value stands between the cue and this one ("up to X and Y": both)
            if best_d is None or gap < best_d:
                best, best_d = h.iri, gap
        if best is None:
            for text in (*reversed(st.parents), *reversed(st.headings[-1:])):
                if _LIMITISH.search(text):
                    return "maximum"
            return "exact"
        qualifier = best.rsplit("#", 1)[-1]
        if qualifier == "maximum" and self._default_quota(st.text, qm, hits, found, ca):
            return "default"
        return qualifier

    @staticmethod
    def _default_quota(text: str, qm: QuantityMatch, hits: list[Mention], found: list[QuantityMatch],
                       ca: int) -> bool:
        """ "Default max of 4 EIPs", "by default you can create up to 5 VPCs": a default quota."""
        for h in hits:
            if h.iri.endswith("#default") and ca <= h.start and h.end <= qm.start and qm.start - h.end <= 45 \
                    and not any(h.start - 15 <= o.end and o.start < qm.start for o in found if o is not qm):
                return True     # ...unless the cue trails another value: "512 MB default, up to 10,240 MB"
        return False

    def _pick_contexts(self, st: Statement, qm: QuantityMatch, hits: list[Mention],
                       found: list[QuantityMatch], ca: int, cb: int, kind: str | None) -> tuple[str, ...]:
        out: list[str] = []
        distance: dict[str, int] = {}       # how far each context found in the clause stands from the value
        kind_stems = self._kind_stems.get(kind, []) if kind else []
        for h in hits:
            if not (ca <= h.start < cb):
                continue
            d = min(abs(h.start - qm.end), abs(qm.start - h.end))
            distance[h.iri] = min(distance.get(h.iri, d), d)
            cond = _CONDITION.match(st.text, ca)
            if cond and h.end <= cond.end() <= qm.start < cb:
                out.append(h.iri)       # "When you batch 10 messages, FIFO queues support 3,000/s"
                continue
            owner = _parenthesised_by(st.text, h.start, found)
            if owner is not None:
                if owner is qm:         # "50 MB (zipped, for direct upload) 250 MB": the 50 MB's
                    out.append(h.iri)
                continue
            if _is_topic(st.text, h.start, h.end, found):
                out.append(h.iri)   # "BatchGetItem ⇒ up to 100 items (16MB max)": the line's topic
                continue
            near = [o for o in found if ca <= o.start < cb]
            nearest = min(near, key=lambda o: min(abs(h.start - o.end), abs(o.start - h.end)))
            gap = min(abs(h.start - nearest.end), abs(nearest.start - h.end))
            if gap <= 25 and len(near) > 1:
                if nearest is qm or (qm.range_id >= 0 and nearest.range_id == qm.range_id) or \
                        (_coordinated(st.text, qm, nearest) and (h.end <= min(qm.start, nearest.start)
                                                                 or h.label.lower().startswith("per "))):
                    # "1 MB/s or 1000 messages/s per shard": both per shard; but "300/s or 3000
                    # with batching": only the second is batched
                    out.append(h.iri)
            else:
                out.append(h.iri)
        # a wide table row carries its column headers inline ("Aurora Replica: Up to 15; MySQL
        # Replica: Up to 5"), found in the clause above; each header is not every cell's context
        inherited = st.parents if not (st.kind == "row" and len(st.parents) > 2) else ()
        for text in (*inherited, *st.headings[-1:]):
            named = {m.iri for m in self.contexts.find(text)}
            # "Long Polling vs Short Polling": a heading naming both sides is about neither
            out.extend(c for c in named if not (self.vocab.contexts[c].contrasts & named))
        # "long polling" is no context of the long polling wait time: the words name the kind
        # itself. Words of its other labels still are ("compressed code size": zipped)
        if kind_stems:
            pref = kind_stems[0]
            out = [c for c in out if not _contains(pref, self._context_stems[c])]
        # of two opposite conditions, the value has the nearer one: "Standard throughput free,
        # higher throughput (1000 req/second)" is the higher throughput's
        far = float("inf")
        out = [c for c in out if not any(
            other in self.vocab.contexts[c].contrasts and distance.get(other, far) < distance.get(c, far)
            for other in out if c in self.vocab.contexts)]
        return tuple(sorted(set(out)))

    @cached_property
    def _kind_stems(self) -> dict[str, list[tuple[str, ...]]]:
        # the prefLabel first, then every label
        return {iri: [content_stems(c.pref)] + [content_stems(label) for label in c.labels]
                for iri, c in self.vocab.kinds.items()}

    @cached_property
    def _context_stems(self) -> dict[str, tuple[str, ...]]:
        return {iri: content_stems(c.pref) for iri, c in self.vocab.contexts.items()}

    @staticmethod
    def _free_label(text: str, qm: QuantityMatch, ca: int, cb: int) -> str:
        pieces = re.split(r"[:⇒→=(),]|\s-\s|\bis\b|\bare\b|\bof\b", text[ca:qm.start])
        before = next((p for p in reversed(pieces) if _WORD.search(p)), "")   # "Name ⇒ 42 MB": the name
        words = [w for w in _WORD.findall(before) if w.lower() not in _FREE_STOP]
        if not words:
            after = re.split(r"[:⇒→=(),.;]|\s-\s", text[qm.end:cb])[0]
            words = [w for w in _WORD.findall(after) if w.lower() not in _FREE_STOP][:4]
        return " ".join(words[-4:]).lower()

    # ------------------------------------------------------------ integrations

    def _integrations(self, st: Statement, cache: dict[str, list[Mention]]) -> Iterator[IntegrationClaim]:
        text = st.text
        mentions = self._services_in(text, cache)
        if not mentions:
            return
        actives = self.active.find(text)
        passives = self.passive.find(text)
        if not actives and not passives:
            yield from self._inherited_integrations(st, mentions, cache)
            return
        context_subject = self._context_subject(st, cache)
        for ca, cb in self._clauses(text):
            clause_all = [m for m in mentions if ca <= m.start < cb]
            ms = _distinct(clause_all)
            cues = [(h, False) for h in actives if ca <= h.start < cb]
            cues += [(h, True) for h in passives if ca <= h.start < cb]
            cues = [(h, p) for h, p in cues if not any(m.start <= h.start < m.end for m in ms)]
            if not cues or not ms:
                continue
            names = {m.iri for m in ms}
            if len(names) == 1:
                if not context_subject or context_subject in names or \
                        self.vocab.root_service(context_subject) == self.vocab.root_service(ms[0].iri):
                    continue
            cue, passive = self._pick_cue(cues, ms)
            # a denial governs the relation when it stands just before the cue ("can't send",
            # "no integration with"), not when it trails after it ("directly, no queue needed")
            lead = text[max(ca, cue.start - 30):cue.start]
            negative = bool(_NEGATION.search(lead)) or bool(_NEGATION.fullmatch(cue.label.split()[0]))
            if negative and (_ADVICE.search(lead) or _MULTIPLICITY.match(text[cue.end:cb])):
                continue    # "isn't advised to consume", "cannot send to multiple ... queues": no denial
            before = _subject_list_of([m for m in clause_all if m.end <= cue.start], text)
            after = _distinct([m for m in clause_all if m.start >= cue.end])
            if passive:
                # "X is triggered by Y": the services after the cue are the sources
                sources = after or ([] if not context_subject else [None])
                targets = before or ([None] if context_subject else [])
            elif before:
                sources, targets = before[:1], before[1:] + after
                if not after and len(before) > 1:
                    sources, targets = before[:1], before[1:]
            else:
                if context_subject and context_subject not in {m.iri for m in after}:
                    sources, targets = [None], after
                else:
                    sources, targets = after[:1], after[1:]
            for s in sources:
                for t in targets:
                    s_iri = s.iri if s is not None else context_subject
                    t_iri = t.iri if t is not None else context_subject
                    if not s_iri or not t_iri or s_iri == t_iri:
                        continue
                    if s_iri in self.vocab.ancestors(t_iri) or t_iri in self.vocab.ancestors(s_iri):
                        continue   # "DynamoDB Streams" and "DynamoDB": a part, not an integration
                    yield IntegrationClaim(s_iri, t_iri, cue.iri, cue.iri != self.generic_relation,
                                           negative, st)

    def _inherited_integrations(self, st: Statement, mentions: list[Mention],
                                cache: dict[str, list[Mention]]) -> Iterator[IntegrationClaim]:
        """A child bullet that only lists services takes the relation of its parent bullet:
        "Secrets Manager offers automatic rotation of credentials for:" > "Amazon RDS"."""
        if not st.parents or st.kind != "bullet":
            return
        parent = st.parents[-1]
        cues = [(h, False) for h in self.active.find(parent)] + [(h, True) for h in self.passive.find(parent)]
        if not cues:
            return
        parent_mentions = self._services_in(parent, cache)
        cue, passive = max(cues, key=lambda c: (c[0].iri != self.generic_relation, c[0].start))
        if any(m.start >= cue.end for m in parent_mentions):
            return            # the parent names its own objects; the children are something else
        before = [m for m in parent_mentions if m.end <= cue.start]
        subject = before[-1].iri if before else None
        if subject is None:
            outer = Statement(parent, st.line, st.end_line, st.headings, st.parents[:-1])
            subject = self._context_subject(outer, cache)
        if subject is None:
            return
        negative = bool(_NEGATION.search(parent[max(0, cue.start - 30):cue.start]))
        for m in _distinct(mentions):
            if m.iri == subject or subject in self.vocab.ancestors(m.iri) or m.iri in self.vocab.ancestors(subject):
                continue
            source, target = (m.iri, subject) if passive else (subject, m.iri)
            yield IntegrationClaim(source, target, cue.iri, cue.iri != self.generic_relation, negative, st)

    def _pick_cue(self, cues: list[tuple[Mention, bool]], ms: list[Mention]) -> tuple[Mention, bool]:
        first, last = ms[0].start, ms[-1].end
        def key(item: tuple[Mention, bool]) -> tuple[int, int, int, int]:
            h, _p = item
            generic = h.iri == self.generic_relation
            between = first <= h.start < last
            return (not between, generic, abs(h.start - first), -(h.end - h.start))
        return min(cues, key=key)


_LIST_GAP = re.compile(r"^[\s,/&+]*(?:and|or)?[\s,/&+]*$", re.IGNORECASE)


def _subject_list_of(before: list[Mention], text: str) -> list[Mention]:
    """The services right before a cue: the nearest one and any list it ends ("S3, SNS and Lambda")."""
    if not before:
        return []
    out = [before[-1]]
    for m in reversed(before[:-1]):
        if _LIST_GAP.match(text[m.end:out[0].start]):
            out.insert(0, m)
        else:
            break
    return _distinct(out)


_CONDITION = re.compile(r"\s*(?:when|if|once|with|without)\b[^,;]{0,80},", re.IGNORECASE)
_TOPIC = re.compile(r"^[\s`*_]*(?:⇒|=>|->|→|:|–|—|\s-\s)")
_COORDINATION = re.compile(r"^\s*(?:,|/|or|and|,\s*or|,\s*and)\s*$", re.IGNORECASE)


def _is_topic(text: str, start: int, end: int, found: list[QuantityMatch]) -> bool:
    """A label that opens the line before an arrow or dash names what every value on it is about:
    "ReceiveMessageWaitTimeSeconds – Sets polling. 0/s to 20/s (default 0s)"."""
    return bool(text) and not text[:start].strip(" `*_") and not any(o.start < start for o in found) \
        and bool(_TOPIC.match(text[end:]))


_BARE_FILLER = {"to", "per", "up", "each", "a", "an", "from", "and", "or", "max", "min", "maximum", "minimum"}
_PRONOUN_START = re.compile(r"^(?:they|it|these|those|this|that|both)\b", re.IGNORECASE)
_PER_SECOND = re.compile(r"\bper\s+second\b|/\s?s(?:ec)?\b", re.IGNORECASE)


def _antecedent(statements: list[Statement], index: int) -> Statement | None:
    """The statement a sentence starting with a pronoun refers to: the one just before it, under
    the same headings and parents."""
    st = statements[index]
    if index == 0 or not _PRONOUN_START.match(st.text):
        return None
    prev = statements[index - 1]
    return prev if (prev.headings, prev.parents) == (st.headings, st.parents) else None


def _in_aside(text: str, at: int, qm: QuantityMatch) -> bool:
    """Is `at` inside a parenthesis that neither holds the value nor directly follows it?"""
    open_at = text.rfind("(", 0, at)
    if open_at < 0 or text.find(")", open_at, at) >= 0:
        return False
    close_at = text.find(")", at)
    close_at = len(text) if close_at < 0 else close_at
    if open_at <= qm.start < close_at:
        return False
    return bool(text[qm.end:open_at].strip())


def _parenthesised_by(text: str, at: int, found: list[QuantityMatch]) -> QuantityMatch | None:
    """The value a parenthesis at `at` explains: "50 MB (zipped, for direct upload)"."""
    depth, i = 0, at - 1
    while i >= 0:
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                break
            depth -= 1
        i -= 1
    if i < 0:
        return None
    return next((o for o in found if o.end <= i and not text[o.end:i].strip()), None)


def _coordinated(text: str, a: QuantityMatch, b: QuantityMatch) -> bool:
    """Two values joined only by "or"/"and" ("1 MB/s or 1000 messages/s"): alternatives of one limit."""
    first, second = (a, b) if a.start < b.start else (b, a)
    return bool(_COORDINATION.match(text[first.end:second.start]))


def _contains(seq: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Is `part` a contiguous run of `seq`?"""
    n = len(part)
    return n > 0 and any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def _distinct(ms: list[Mention]) -> list[Mention]:
    out, seen = [], set()
    for m in ms:
        if m.iri not in seen:
            seen.add(m.iri)
            out.append(m)
    return out


def _dedupe_limits(claims: list[LimitClaim]) -> list[LimitClaim]:
    """One statement saying the same thing twice ("900 seconds (15 minutes)") is one claim.

    An "exact" value that repeats a default or maximum of the same statement ("default is 30s;
    processed within 30s") adds nothing and is dropped.
    """
    qualified = {(c.statement.line, c.statement.text, c.service, c.attribute, round(c.quantity.canonical_value, 6))
                 for c in claims if c.qualifier != "exact"}
    claims = [c for c in claims if c.qualifier != "exact" or
              (c.statement.line, c.statement.text, c.service, c.attribute,
               round(c.quantity.canonical_value, 6)) not in qualified]
    out, seen = [], set()
    for c in claims:
        key = (c.statement.line, c.statement.text, c.service, c.attribute, c.qualifier, c.contexts,
               c.quantity.dimension, round(c.quantity.canonical_value, 6))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _dedupe_integrations(claims: list[IntegrationClaim]) -> list[IntegrationClaim]:
    out, seen = [], set()
    for c in claims:
        key = (c.statement.line, c.statement.text, c.source, c.target, c.relation, c.negative)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def extract_claims(note: Note, vocab: Vocabulary) -> Extraction:
    """Extract the claims of one note (convenience wrapper around Extractor)."""
    return Extractor(vocab).extract(note)


__all__ = ["Extraction", "Extractor", "IntegrationClaim", "LimitClaim", "extract_claims"]
