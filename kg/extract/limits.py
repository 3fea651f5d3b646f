"""Limits: each quantity of a statement becomes a Draft that LIMIT_PASSES shape in order.

A pass decides one thing about the draft (its unit, kind, subject, attribute, qualifier or
conditions) or drops it, and records its name in the draft's `because`. A pass that returns
None drops the quantity. NOTE_LIMIT_PASSES then run over all the limits of a note.

The helpers below (nearest kind, subject scoring, parenthesised asides) are shared by the passes;
every decision is made in a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Protocol

from kg.extract.annotate import Annotated
from kg.extract.claims import LimitClaim
from kg.extract.words import (CONDITION, COORDINATION, DETERMINERS, LABEL_BREAK_AFTER, LABEL_BREAK_BEFORE,
                              LABEL_STOP, LIMITISH, PER_SECOND, PREPOSITIONS, STATUS_WORDS, TOPIC_MARK,
                              VALUE_FILLER, WORD)
from kg.units import Quantity, QuantityMatch, find_quantities
from kg.vocab import Mention, content_stems


@dataclass(frozen=True)
class Draft:
    """What the passes know so far about one quantity of one statement."""

    a: Annotated                  # the statement
    qm: QuantityMatch             # the quantity as found
    q: Quantity                   # the quantity as read (a borrowed unit, seconds for "/s")
    clause: tuple[int, int]       # the clause holding the quantity
    kind: str | None = None
    blocked: bool = False         # the kind's words stand past another value
    subject: str | None = None
    topical: bool = False         # the subject was carried over from an earlier heading
    attribute: str | None = None
    qualifier: str | None = None
    cue: str | None = None        # the qualifier cue that decided the qualifier
    contexts: tuple[str, ...] = ()
    distance: tuple[tuple[str, int], ...] = ()   # how far each condition of the clause stands
    because: tuple[str, ...] = ()

    def claim(self) -> LimitClaim:
        qm = self.qm
        return LimitClaim(self.subject, self.attribute, self.kind, self.qualifier, tuple(sorted(set(self.contexts))),
                          self.q, self.a.statement, qm.range_id if qm.range_role else -1, self.topical,
                          self.because)

    @property
    def clause_mentions(self) -> list[Mention]:
        ca, cb = self.clause
        return [m for m in self.a.mentions if ca <= m.start < cb]

    @property
    def counts_nothing_yet(self) -> bool:
        """A bare number read as a plain count, of no kind so far."""
        return self.qm.bare and self.q.unit == "count" and self.kind is None


class LimitPass:
    """A pass over one limit draft; subclasses state their rule in their docstring."""

    decides = ""     # what it decides: unit, kind, subject, attribute, qualifier, conditions, drop

    @property
    def name(self) -> str:
        return type(self).__name__

    def apply(self, d: Draft) -> Draft | None:
        raise NotImplementedError

    def set(self, d: Draft, **changes) -> Draft:
        """`d` with `changes`, this pass recorded among the passes that shaped it."""
        return replace(d, because=(*d.because, self.name), **changes)


class NotePass(Protocol):
    name: str

    def apply(self, claims: list[LimitClaim], x) -> list[LimitClaim]: ...


# ---------------------------------------------------------------- helpers of the passes

def is_topic(text: str, start: int, end: int, found: list[QuantityMatch]) -> bool:
    """Does the label at start..end open the line, before any value, followed by an arrow,
    colon or dash? Then it names what every value on the line is about."""
    return bool(text) and not text[:start].strip(" `*_") and not any(o.start < start for o in found) \
        and bool(TOPIC_MARK.match(text[end:]))


def in_aside(text: str, at: int, qm: QuantityMatch) -> bool:
    """Is `at` inside a parenthesis that neither holds the value nor directly follows it?"""
    open_at = text.rfind("(", 0, at)
    if open_at < 0 or text.find(")", open_at, at) >= 0:
        return False
    close_at = text.find(")", at)
    close_at = len(text) if close_at < 0 else close_at
    if open_at <= qm.start < close_at:
        return False
    return bool(text[qm.end:open_at].strip())


def parenthesised_by(text: str, at: int, found: list[QuantityMatch]) -> QuantityMatch | None:
    """The value a parenthesis holding position `at` explains: the value right before it opens."""
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


def coordinated(text: str, a: QuantityMatch, b: QuantityMatch) -> bool:
    """Are two values joined only by "or"/"and"/a comma (alternatives of one limit)?"""
    first, second = (a, b) if a.start < b.start else (b, a)
    return bool(COORDINATION.match(text[first.end:second.start]))


def contains(seq: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Is `part` a contiguous run of `seq`?"""
    n = len(part)
    return n > 0 and any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def nearest_kind(d: Draft, q: Quantity, span: tuple[int, int], same_clause: bool = True) -> tuple[str | None, bool]:
    """The kind whose words within `span` stand nearest the quantity and fit its dimension;
    (kind, whether another value stands between them)."""
    a, qm, x = d.a, d.qm, d.a.x
    text, found = a.text, a.quantities
    ca, cb = span
    best, best_key = None, None
    for h in a.kinds:
        if not (ca <= h.start < cb) or not x.fits(h.iri, q):
            continue
        if not same_clause and h.start <= qm.start < h.end:
            continue
        if in_aside(text, h.start, qm):
            continue        # the words of an aside about something else
        if h.end <= qm.start:
            lo, hi = h.end, qm.start
        elif h.start >= qm.end:
            lo, hi = qm.end, h.start
        else:
            lo, hi = h.start, h.end     # the kind's words surround the number
        past_others = any(lo <= o.start < hi and (o.range_id != qm.range_id or qm.range_id < 0)
                          for o in found if o is not qm)
        # the label that opens the line names every value on it, after any nearer label
        blocked = past_others and not is_topic(text, h.start, h.end, found)
        if lo == h.start:
            lo = hi = qm.start
        distance = max(0, hi - lo)
        # past other values, a label before the value is likelier its own than one after it
        key = (blocked, past_others, blocked and h.start > qm.start, -min(h.size, 3), distance)
        if best_key is None or key < best_key:
            best, best_key = h.iri, key
    return best, bool(best_key and best_key[0])


def kind_from_section(d: Draft, q: Quantity, parents_only: bool = False) -> str | None:
    """The widest fitting kind named by the parent bullets, else the headings, innermost first."""
    st, x = d.a.statement, d.a.x
    for text in (*reversed(st.parents), *(() if parents_only else reversed(st.headings))):
        hits = [h for h in d.a.reading.find("kinds", text) if x.fits(h.iri, q)]
        if hits:
            return max(hits, key=lambda h: (h.size, h.end)).iri
    return None


def is_prepositional(text: str, m: Mention) -> bool:
    """Is the service named after a preposition (and determiners): an instrument, not the subject?"""
    ws = [w.lower() for w in WORD.findall(text[max(0, m.start - 40):m.start])]
    while ws and ws[-1] in DETERMINERS:
        ws.pop()
    return bool(ws) and ws[-1] in PREPOSITIONS


def subject_among(text: str, qm: QuantityMatch, mentions: list[Mention]) -> Mention | None:
    """Of `mentions`, the likeliest subject of the value: not after a preposition, before the
    value, nearest it."""
    if not mentions:
        return None

    def key(m: Mention) -> tuple[int, int, int]:
        before = m.end <= qm.start
        distance = qm.start - m.end if before else m.start - qm.end
        return (is_prepositional(text, m), not before, distance)
    return min(mentions, key=key)


# ---------------------------------------------------------------- unit

class UnitFromQualifiedNeighbour(LimitPass):
    """A bare number right after a qualifier cue ("..., default 4") borrows the unit of the
    value before it in its clause ("up to 9 hours, default 4": 4 hours), else of the parent
    bullet's value. A cue that follows another value belongs to that one."""

    decides = "unit"

    def apply(self, d: Draft) -> Draft:
        if not d.qm.bare:
            return d
        a, qm = d.a, d.qm
        found = a.quantities
        if not any(0 <= qm.start - h.end <= 12 and not any(h.end <= o.start < qm.start for o in found)
                   for h in a.qualifier_cues):
            return d
        before = [o for o in found if o.end <= qm.start and o.start >= d.clause[0] and not o.bare]
        if not before and a.statement.parents:
            before = [o for o in find_quantities(a.statement.parents[-1]) if not o.bare]
        if not before:
            return d
        unit_from = before[-1].quantity
        return self.set(d, q=Quantity(qm.quantity.value, unit_from.unit, qm.quantity.text, unit_from.noun))


class DropRepeatedOrStatusNumber(LimitPass):
    """A bare number that repeats another value of the statement, or is an HTTP status code
    (400-599) in a clause about errors or codes, is no limit."""

    decides = "drop"

    def apply(self, d: Draft) -> Draft | None:
        if not (d.qm.bare and d.q.unit == "count"):
            return d
        a, qm = d.a, d.qm
        v = qm.quantity.value
        if any(o is not qm and not o.bare and o.quantity.value == v for o in a.quantities):
            return None
        ca, cb = d.clause
        if 400 <= v < 600 and v == int(v) and bool(STATUS_WORDS.search(a.text[ca:cb])):
            return None
        return d


# ---------------------------------------------------------------- kind

class KindFromClause(LimitPass):
    """The limit kind is the vocabulary kind whose words stand nearest the value in its clause
    and whose dimension fits the value's; a kind whose words stand past another value is
    taken only if nothing nearer fits (and marked blocked)."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        kind, blocked = nearest_kind(d, d.q, d.clause)
        return self.set(d, kind=kind, blocked=blocked) if kind else d


class SecondsWrittenAsRate(LimitPass):
    """A value written "N/s" with no counted noun that fits no kind as a rate is read as N
    seconds when a time kind fits, in its clause or else anywhere in the statement (some notes
    write "5/s" for five seconds)."""

    decides = "unit"

    def apply(self, d: Draft) -> Draft:
        q = d.q
        if d.kind is not None or q.unit != "count/s" or q.noun or "/" not in q.text:
            return d
        as_seconds = Quantity(q.value, "s", q.text)
        kind, blocked = nearest_kind(d, as_seconds, d.clause)
        if kind is None:
            kind, blocked = nearest_kind(d, as_seconds, (0, len(d.a.text)), same_clause=False)
        if kind is None:
            return replace(d, blocked=blocked)
        return self.set(d, q=as_seconds, kind=kind, blocked=blocked)


class KindFromStatement(LimitPass):
    """A value with a unit whose clause names no fitting kind (or only one past another value)
    takes the nearest fitting kind named elsewhere in the statement, unless that one too stands
    past another value."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        if not (d.kind is None or d.blocked) or d.qm.bare:
            return d
        other, other_blocked = nearest_kind(d, d.q, (0, len(d.a.text)), same_clause=False)
        if other and not other_blocked:
            return self.set(d, kind=other, blocked=False)
        return d


def _same_noun(a: str, b: str) -> bool:
    """Do two nouns share a word, singular or plural ("users", "user")?"""
    def words(text: str) -> set[str]:
        return {w.lower().rstrip("s") for w in WORD.findall(text)}
    return bool(words(a) & words(b))


class KindFromSection(LimitPass):
    """A value with a unit that still has no kind of its own takes the kind its parent bullets
    or headings name (innermost first, the widest fitting kind); a count that says what it
    counts ("300 groups") takes none that is the number of something else ("number of users")."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        if not (d.kind is None or d.blocked) or d.qm.bare:
            return d
        kind = kind_from_section(d, d.q)
        if kind and d.q.unit == "count" and d.q.noun:
            pref = d.a.x.vocab.kinds[kind].pref or ""
            if pref.startswith("number of ") and not _same_noun(pref[len("number of "):], d.q.noun):
                return d
        return self.set(d, kind=kind, blocked=False) if kind else d


class KindFromCountedNoun(LimitPass):
    """A count that says what it counts ("12 partitions") has the first kind its noun names."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        if d.kind is not None or not d.q.noun:
            return d
        x = d.a.x
        kind = next((h.iri for h in d.a.reading.find("kinds", d.q.noun) if x.fits(h.iri, d.q)), None)
        return self.set(d, kind=kind) if kind else d


class KindFromAntecedent(LimitPass):
    """A bare number in a sentence that opens with a pronoun ("They range from 2 to 9") measures
    the kind the sentence before named, the longest first; when that sentence speaks of a rate
    per second, the number is one per second."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        antecedent = d.a.antecedent
        if not d.counts_nothing_yet or antecedent is None:
            return d
        x, q = d.a.x, d.q
        per_second = Quantity(q.value, "count/s", q.text, q.noun)
        rate = bool(PER_SECOND.search(antecedent.text))
        for h in sorted(d.a.reading.find("kinds", antecedent.text), key=lambda h: (-h.size, h.start)):
            if x.fits(h.iri, q):
                return self.set(d, kind=h.iri)
            if rate and x.fits(h.iri, per_second):
                return self.set(d, kind=h.iri, q=per_second)
        return d


class KindOfBareNumberFromSection(LimitPass):
    """A bare number takes a count-like kind its parent bullets name, or, when it opens the
    line (a row of a list of quotas), one its headings name too."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        if not d.counts_nothing_yet:
            return d
        kind = kind_from_section(d, d.q, parents_only=d.qm.start != 0)
        return self.set(d, kind=kind) if kind else d


class DropUncountedNumber(LimitPass):
    """A bare number counts something only when a count-like kind says what: without one, it
    is no limit (a year, a version, a step number)."""

    decides = "drop"

    def apply(self, d: Draft) -> Draft | None:
        return None if d.counts_nothing_yet else d


class NarrowerKindFromSection(LimitPass):
    """A kind becomes a narrower kind whose extra words the parent bullets or the heading say:
    a retention period under a heading about snapshots is the snapshot retention period."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        if not d.kind:
            return d
        x, st = d.a.x, d.a.statement
        around = {stem for text in (*st.parents, *st.headings[-1:]) for stem in content_stems(text)}
        if not around:
            return d
        own = set(content_stems(x.vocab.kinds[d.kind].pref))
        for narrower in x.narrower_kinds.get(d.kind, ()):
            extra = set(content_stems(x.vocab.kinds[narrower].pref)) - own
            if extra and extra <= around and x.fits(narrower, d.q):
                return self.set(d, kind=narrower)
        return d


# ---------------------------------------------------------------- subject

class SubjectFromClause(LimitPass):
    """The subject is a service the value's clause names, not after a preposition ("stored in
    S3" names an instrument): the nearest one before the value, else after it."""

    decides = "subject"

    def apply(self, d: Draft) -> Draft:
        direct = [m for m in d.clause_mentions if not is_prepositional(d.a.text, m)]
        if not direct:
            return d
        return self.set(d, subject=subject_among(d.a.text, d.qm, direct).iri)


class SubjectFromStatement(LimitPass):
    """With no such service in the clause, the subject is one the statement names elsewhere,
    not after a preposition, chosen the same way."""

    decides = "subject"

    def apply(self, d: Draft) -> Draft:
        if d.subject is not None:
            return d
        direct = [m for m in d.a.mentions if not is_prepositional(d.a.text, m)]
        if not direct:
            return d
        return self.set(d, subject=subject_among(d.a.text, d.qm, direct).iri)


class SubjectFromSection(LimitPass):
    """With only services after prepositions, the subject is the service the parent bullets or
    headings are about, unless a service of the same family is named in the statement (then
    that one, more specific); with no section service, the named one."""

    decides = "subject"

    def apply(self, d: Draft) -> Draft:
        if d.subject is not None:
            return d
        x = d.a.x
        context = d.a.context_subject
        indirect = subject_among(d.a.text, d.qm, d.clause_mentions or d.a.mentions)
        if context is None:
            chosen = indirect.iri if indirect else None
        elif indirect and x.vocab.root_service(indirect.iri) == x.vocab.root_service(context):
            chosen = indirect.iri
        else:
            chosen = context
        return self.set(d, subject=chosen) if chosen else d


class SubjectFromTopic(LimitPass):
    """A value of a known kind in a statement whose section names no service is about the
    service the last heading naming one was about (a slide deck's topic carries over); such a
    limit is kept only if the note confirms it (DropUnconfirmedTopical)."""

    decides = "subject"

    def apply(self, d: Draft) -> Draft:
        if d.subject is not None or d.kind is None or d.a.topic is None:
            return d
        return self.set(d, subject=d.a.topic, topical=True)


class DropWithoutSubject(LimitPass):
    """A value no service can be found for is no limit."""

    decides = "drop"

    def apply(self, d: Draft) -> Draft | None:
        return None if d.subject is None else d


class FeatureOfSubject(LimitPass):
    """A service becomes the feature of it the clause or the parent bullets name: a limit said
    of a queue under a bullet about FIFO queues is the FIFO queue's."""

    decides = "subject"

    def apply(self, d: Draft) -> Draft:
        a, x = d.a, d.a.x
        pool = [m.iri for m in d.clause_mentions]
        for text in reversed(a.statement.parents):
            pool.extend(m.iri for m in a.reading.services_in(text))
        for iri in pool:
            if d.subject in x.vocab.ancestors(iri):
                return self.set(d, subject=iri)
        return d


# ---------------------------------------------------------------- attribute

class AttributeFromKind(LimitPass):
    """A limit of a known kind is named by the kind's preferred label."""

    decides = "attribute"

    def apply(self, d: Draft) -> Draft:
        if not d.kind:
            return d
        return self.set(d, attribute=d.a.x.vocab.kinds[d.kind].pref or "value")


class AttributeFromWords(LimitPass):
    """A value of no known kind is named by up to four content words before it in its clause,
    back to the nearest colon, arrow, bracket or copula ("Name ⇒ 42 MB": name), else by the
    first words after it; so no quantity is dropped for want of a kind. A count that says what
    it counts and has no words of its own before it is the number of those ("300 groups
    limit": number of groups)."""

    decides = "attribute"

    def apply(self, d: Draft) -> Draft:
        if d.kind:
            return d
        text, qm = d.a.text, d.qm
        ca, cb = d.clause
        pieces = LABEL_BREAK_BEFORE.split(text[ca:qm.start])
        before = next((p for p in reversed(pieces) if WORD.search(p)), "")
        ws = [w for w in WORD.findall(before) if w.lower() not in LABEL_STOP]
        if not ws and d.q.unit == "count" and d.q.noun:
            return self.set(d, attribute=f"number of {d.q.noun.lower()}")
        if not ws:
            after = LABEL_BREAK_AFTER.split(text[qm.end:cb])[0]
            ws = [w for w in WORD.findall(after) if w.lower() not in LABEL_STOP][:4]
        return self.set(d, attribute=" ".join(ws[-4:]).lower() or "value")


class GenericKindOfBareValue(LimitPass):
    """A statement that says nothing but values (with the service's name, conditions, "per",
    "to") under parents naming no kind states the service's own size, duration or count: the
    generic kind of the value's dimension, attribute "value"."""

    decides = "kind"

    def apply(self, d: Draft) -> Draft:
        a, x = d.a, d.a.x
        if d.kind is not None or any(a.reading.find("kinds", p) for p in a.statement.parents):
            return d
        rest = a.text
        spans = [(o.start, o.end) for o in a.quantities] + [(m.start, m.end) for m in [*a.mentions, *a.conditions]]
        for span in sorted(spans, reverse=True):
            rest = rest[:span[0]] + " " + rest[span[1]:]
        if [w for w in WORD.findall(rest) if w.lower() not in VALUE_FILLER]:
            return d
        return self.set(d, kind=x.generic_kinds.get(d.q.dimension), attribute="value")


# ---------------------------------------------------------------- qualifier

class QualifierFromRange(LimitPass):
    """The lower end of a stated range is a minimum, the upper end a maximum."""

    decides = "qualifier"

    def apply(self, d: Draft) -> Draft:
        if not d.qm.range_role:
            return d
        return self.set(d, qualifier="minimum" if d.qm.range_role == "min" else "maximum")


class QualifierFromCue(LimitPass):
    """A qualifier cue ("up to", "at least", "by default") governs the nearest value in its
    clause: one shortly before it with no comma or bracket between, or one right after it
    ("30 days max"); never a value past another value, unless the two are alternatives joined
    by "or"/"and"."""

    decides = "qualifier"

    def apply(self, d: Draft) -> Draft:
        if d.qualifier is not None:
            return d
        a, qm = d.a, d.qm
        text, found = a.text, a.quantities
        ca, cb = d.clause
        best, best_d = None, None
        for h in a.qualifier_cues:
            if not (ca <= h.start < cb):
                continue
            if h.end <= qm.start:
                gap, lo, hi = qm.start - h.end, h.end, qm.start
                if gap > 45 or any(c in text[h.end:qm.start] for c in ",;("):
                    continue        # a cue past a comma or bracket is another value's
            elif h.start >= qm.end:
                gap, lo, hi = h.start - qm.end, qm.end, h.start
                if gap > 12 or any(c in text[qm.end:h.start] for c in "()[]"):
                    continue        # a cue in the next bracket belongs to the next value
                gap += 50 if gap <= 3 else 1000    # a cue right after binds tighter than one past a comma
            else:
                continue
            if any(lo <= o.start < hi for o in found
                   if o is not qm and (o.range_id != qm.range_id or qm.range_id < 0)
                   and not coordinated(text, o, qm)):
                continue        # another value stands between the cue and this one
            if best_d is None or gap < best_d:
                best, best_d = h.iri, gap
        if best is None:
            return d
        return self.set(d, qualifier=best.rsplit("#", 1)[-1], cue=best)


class DefaultQuota(LimitPass):
    """A maximum said under "default" ("by default an account holds up to 8", "default max of 6")
    is a default quota, one that can be raised, unless the default cue trails another value
    ("512 MB default, up to 10 GB")."""

    decides = "qualifier"

    def apply(self, d: Draft) -> Draft:
        if d.cue is None or d.qualifier != "maximum":
            return d
        a, qm = d.a, d.qm
        for h in a.qualifier_cues:
            if h.iri.endswith("#default") and d.clause[0] <= h.start and h.end <= qm.start \
                    and qm.start - h.end <= 45 \
                    and not any(h.start - 15 <= o.end and o.start < qm.start for o in a.quantities if o is not qm):
                return self.set(d, qualifier="default")
        return d


class QualifierFromLimitSection(LimitPass):
    """A value with no cue of its own, under a parent bullet or heading about limits or quotas,
    is a maximum."""

    decides = "qualifier"

    def apply(self, d: Draft) -> Draft:
        if d.qualifier is not None:
            return d
        st = d.a.statement
        if any(LIMITISH.search(text) for text in (*reversed(st.parents), *reversed(st.headings[-1:]))):
            return self.set(d, qualifier="maximum")
        return d


class QualifierExact(LimitPass):
    """A value that no cue, range or limits section qualifies is stated exactly."""

    decides = "qualifier"

    def apply(self, d: Draft) -> Draft:
        return d if d.qualifier is not None else self.set(d, qualifier="exact")


class DropWordNumberStatedExactly(LimitPass):
    """A number written as a word ("two layers") is a limit only with a cue or range ("at most
    four retries"); stated exactly, it is prose, not a limit."""

    decides = "drop"

    def apply(self, d: Draft) -> Draft | None:
        return None if d.q.text[:1].isalpha() and d.qualifier == "exact" else d


# ---------------------------------------------------------------- conditions

class ConditionsFromClause(LimitPass):
    """A condition named in the value's clause applies to it when: a leading "when/if/with ...,"
    clause states it before the value; or it stands in a parenthesis right after the value; or
    it labels the line's topic; or it is alone with the value in the clause; or, with other
    values around, it stands within 25 characters of this value (or of its range partner, or of
    an alternative joined by "or" when the condition stands before both or starts with "per")."""

    decides = "conditions"

    def apply(self, d: Draft) -> Draft:
        a, qm = d.a, d.qm
        text, found = a.text, a.quantities
        ca, cb = d.clause
        out: list[str] = []
        distance: dict[str, int] = {}
        for h in a.conditions:
            if not (ca <= h.start < cb):
                continue
            gap_to_value = min(abs(h.start - qm.end), abs(qm.start - h.end))
            distance[h.iri] = min(distance.get(h.iri, gap_to_value), gap_to_value)
            cond = CONDITION.match(text, ca)
            if cond and h.end <= cond.end() <= qm.start < cb:
                out.append(h.iri)
                continue
            owner = parenthesised_by(text, h.start, found)
            if owner is not None:
                if owner is qm:
                    out.append(h.iri)
                continue
            if is_topic(text, h.start, h.end, found):
                out.append(h.iri)
                continue
            near = [o for o in found if ca <= o.start < cb]
            nearest = min(near, key=lambda o: min(abs(h.start - o.end), abs(o.start - h.end)))
            gap = min(abs(h.start - nearest.end), abs(nearest.start - h.end))
            if gap <= 25 and len(near) > 1:
                if nearest is qm or (qm.range_id >= 0 and nearest.range_id == qm.range_id) or \
                        (coordinated(text, qm, nearest) and (h.end <= min(qm.start, nearest.start)
                                                             or h.label.lower().startswith("per "))):
                    out.append(h.iri)
            else:
                out.append(h.iri)
        if not distance:
            return d
        changes = {"distance": tuple(sorted(distance.items()))}
        return self.set(d, contexts=(*d.contexts, *out), **changes) if out else replace(d, **changes)


class ConditionsFromSection(LimitPass):
    """Conditions the parent bullets and the last heading name apply to every value under them,
    except where a heading names both sides of a contrast ("long vs short"), which is about
    neither, and except the column headers a wide table row carries inline (more than two
    parents), which are not every cell's."""

    decides = "conditions"

    def apply(self, d: Draft) -> Draft:
        st, x = d.a.statement, d.a.x
        inherited = st.parents if not (st.kind == "row" and len(st.parents) > 2) else ()
        out: list[str] = []
        for text in (*inherited, *st.headings[-1:]):
            named = {m.iri for m in d.a.reading.find("contexts", text)}
            out.extend(c for c in named if not (x.vocab.contexts[c].contrasts & named))
        return self.set(d, contexts=(*d.contexts, *out)) if out else d


class DropConditionNamingKind(LimitPass):
    """A condition whose words are part of the kind's own preferred label is no condition of it:
    "cold start" is no condition of a cold start duration."""

    decides = "conditions"

    def apply(self, d: Draft) -> Draft:
        if not d.kind or not d.contexts:
            return d
        x = d.a.x
        pref = x.kind_stems[d.kind][0]
        kept = tuple(c for c in d.contexts if not contains(pref, x.context_stems[c]))
        return self.set(d, contexts=kept) if kept != d.contexts else d


class NearerOfOppositeConditions(LimitPass):
    """Of two opposite conditions (a contrast pair) found for one value, the value has the one
    that stands nearer it in the clause."""

    decides = "conditions"

    def apply(self, d: Draft) -> Draft:
        if len(d.contexts) < 2:
            return d
        x = d.a.x
        distance = dict(d.distance)
        far = float("inf")
        kept = tuple(c for c in d.contexts if not any(
            other in x.vocab.contexts[c].contrasts and distance.get(other, far) < distance.get(c, far)
            for other in d.contexts if c in x.vocab.contexts))
        return self.set(d, contexts=kept) if kept != d.contexts else d


LIMIT_PASSES: tuple[LimitPass, ...] = (
    UnitFromQualifiedNeighbour(), DropRepeatedOrStatusNumber(),
    KindFromClause(), SecondsWrittenAsRate(), KindFromStatement(), KindFromSection(), KindFromCountedNoun(),
    KindFromAntecedent(), KindOfBareNumberFromSection(), DropUncountedNumber(), NarrowerKindFromSection(),
    SubjectFromClause(), SubjectFromStatement(), SubjectFromSection(), SubjectFromTopic(), DropWithoutSubject(),
    FeatureOfSubject(),
    AttributeFromKind(), AttributeFromWords(), GenericKindOfBareValue(),
    QualifierFromRange(), QualifierFromCue(), DefaultQuota(), QualifierFromLimitSection(), QualifierExact(),
    DropWordNumberStatedExactly(),
    ConditionsFromClause(), ConditionsFromSection(), DropConditionNamingKind(), NearerOfOppositeConditions(),
)


def limit_claims(a: Annotated, passes: tuple[LimitPass, ...] = LIMIT_PASSES) -> Iterator[LimitClaim]:
    """The limits the statement `a` states: every quantity drafted and run through `passes`."""
    if not a.quantities:
        return
    for qm in a.quantities:
        d: Draft | None = Draft(a, qm, qm.quantity, a.clause_at(qm.start))
        for p in passes:
            d = p.apply(d)
            if d is None:
                break
        else:
            yield d.claim()


# ---------------------------------------------------------------- over a note's limits

class DropUnconfirmedTopical(LimitPass):
    """A limit whose subject was carried over from an earlier heading is kept only when the
    note states a limit of that kind, or under one of its contrasted conditions, of the same
    service family elsewhere with the service named."""

    decides = "drop"

    def apply(self, claims: list[LimitClaim], x) -> list[LimitClaim]:
        root = x.vocab.root_service
        stated = {(root(c.service), c.kind) for c in claims if not c.topical}
        conditions = {(root(c.service), k) for c in claims if not c.topical
                      for k in c.contexts if x.vocab.contexts[k].contrasts}
        return [c for c in claims if not c.topical or (root(c.service), c.kind) in stated
                or any((root(c.service), k) in conditions for k in c.contexts)]


def _value_key(c: LimitClaim) -> tuple:
    return (c.statement.line, c.statement.text, c.service, c.attribute, round(c.quantity.canonical_value, 6))


class DropRestatedExact(LimitPass):
    """An exact value that repeats a default, minimum or maximum of the same statement, service
    and attribute adds nothing ("default is 30s; done within 30s")."""

    decides = "drop"

    def apply(self, claims: list[LimitClaim], x) -> list[LimitClaim]:
        qualified = {_value_key(c) for c in claims if c.qualifier != "exact"}
        return [c for c in claims if c.qualifier != "exact" or _value_key(c) not in qualified]


class DropRepeatedLimit(LimitPass):
    """A statement that says the same limit twice ("600 seconds (10 minutes)") states one."""

    decides = "drop"

    def apply(self, claims: list[LimitClaim], x) -> list[LimitClaim]:
        out, seen = [], set()
        for c in claims:
            key = (c.statement.line, c.statement.text, c.service, c.attribute, c.qualifier, c.contexts,
                   c.quantity.dimension, round(c.quantity.canonical_value, 6))
            if key not in seen:
                seen.add(key)
                out.append(c)
        return out


NOTE_LIMIT_PASSES: tuple[LimitPass, ...] = (DropUnconfirmedTopical(), DropRestatedExact(), DropRepeatedLimit())


__all__ = ["Draft", "LIMIT_PASSES", "LimitPass", "NOTE_LIMIT_PASSES", "limit_claims"]
