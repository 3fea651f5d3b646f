"""Integrations: each clause that names services and a relation cue becomes a draft that
INTEGRATION_PASSES shape in order (relation, polarity, direction) or drop; each pair of ends it
yields then runs through PAIR_PASSES. A statement with no cue of its own may take its parent
bullet's (RelationFromParentBullet). NOTE_INTEGRATION_PASSES run over all of a note's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

from kg.extract.annotate import Annotated
from kg.extract.claims import IntegrationClaim
from kg.extract.words import (ADVICE, ARROW, COMPARISON, DETERMINERS, LIST_GAP, LOOSE_LIST_GAP, MULTIPLICITY, NEGATION,
                              OR_WORD, PROCEDURE_STEP, STEP_LEAD, WORD)
from kg.notes import Statement
from kg.vocab import Mention


def distinct(ms: list[Mention]) -> list[Mention]:
    """The mentions with each service once, at its first mention."""
    out, seen = [], set()
    for m in ms:
        if m.iri not in seen:
            seen.add(m.iri)
            out.append(m)
    return out


def subject_list_of(before: list[Mention], text: str) -> list[Mention]:
    """The services right before a cue: the nearest one and any list it ends ("A, B and C")."""
    if not before:
        return []
    out = [before[-1]]
    for m in reversed(before[:-1]):
        if LIST_GAP.match(text[m.end:out[0].start]):
            out.insert(0, m)
        else:
            break
    return distinct(out)


@dataclass(frozen=True)
class IntegrationDraft:
    """What the passes know so far about the integrations one clause states."""

    a: Annotated
    clause: tuple[int, int]
    mentions: tuple[Mention, ...]          # the services named in the clause, every mention
    cues: tuple[tuple[Mention, bool], ...] = ()   # (relation cue, passive voice)
    cue: Mention | None = None
    passive: bool = False
    negative: bool = False
    sources: tuple[Mention | None, ...] = ()      # None: the service the section is about
    targets: tuple[Mention | None, ...] = ()
    pairs: tuple[tuple[Mention, Mention], ...] = ()   # (source, target) of each hop of a chain
    because: tuple[str, ...] = ()

    @property
    def services(self) -> list[Mention]:
        return distinct(list(self.mentions))


class IntegrationPass:
    """A pass over one clause's integration draft; subclasses state their rule in their docstring."""

    decides = ""

    @property
    def name(self) -> str:
        return type(self).__name__

    def apply(self, d: IntegrationDraft) -> IntegrationDraft | None:
        raise NotImplementedError

    def set(self, d: IntegrationDraft, **changes) -> IntegrationDraft:
        return replace(d, because=(*d.because, self.name), **changes)


def coordinated_with(first: Mention, mentions: list[Mention], text: str) -> list[Mention]:
    """`first` and the mentions that follow it joined by a list gap ("A, B and C", "A or a B")."""
    out = [first]
    for m in mentions:
        if m.start >= out[-1].end and m.iri != out[-1].iri:
            if LOOSE_LIST_GAP.match(text[out[-1].end:m.start]):
                out.append(m)
            else:
                break
    return out


class DropComparedServices(IntegrationPass):
    """A service named right after a comparison ("less scalable than X", "similar to X", "X vs
    Y"), with any list it opens, is compared, not related: it is no end of an integration."""

    decides = "drop"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft:
        text = d.a.text
        ms = list(d.mentions)
        compared: set[int] = set()
        for i, m in enumerate(ms):
            if i in compared or not COMPARISON.search(text[max(d.clause[0], m.start - 30):m.start]):
                continue
            for other in coordinated_with(m, ms[i + 1:], text):
                compared.add(ms.index(other))
        if not compared:
            return d
        return self.set(d, mentions=tuple(m for i, m in enumerate(ms) if i not in compared))


class DropQuestion(IntegrationPass):
    """A question ("Which service lets EC2 read from S3?") asks and states nothing: a clause
    that ends in a question mark yields no integration."""

    decides = "drop"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft | None:
        ca, cb = d.clause
        return None if d.a.text[ca:cb].rstrip(" \t\"'*_`").endswith("?") else d


class RelationCuesInClause(IntegrationPass):
    """A clause states an integration only if it names a service and a relation cue (active
    "sends to", passive "is triggered by") that is not itself part of a service's name."""

    decides = "relation"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft | None:
        a = d.a
        ca, cb = d.clause
        ms = d.services
        cues = [(h, False) for h in a.active_cues if ca <= h.start < cb]
        cues += [(h, True) for h in a.passive_cues if ca <= h.start < cb]
        cues = [(h, p) for h, p in cues if not any(m.start <= h.start < m.end for m in ms)]
        if not cues or not ms:
            return None
        return self.set(d, cues=tuple(cues))


class DropLoneService(IntegrationPass):
    """A clause naming one service relates it to the service its section is about; with no such
    section service, or the same one, or one of its family, it states no integration."""

    decides = "drop"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft | None:
        ms = d.services
        names = {m.iri for m in ms}
        if len(names) != 1:
            return d
        context, root = d.a.context_subject, d.a.x.vocab.root_service
        if not context or context in names or root(context) == root(ms[0].iri):
            return None
        return d


class RelationFromNearestCue(IntegrationPass):
    """Of several cues, the relation is the one standing between the named services, a specific
    one before the generic "integrates with", nearest the first service, the longest."""

    decides = "relation"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft:
        ms = d.services
        first, last = ms[0].start, ms[-1].end
        generic = d.a.x.generic_relation

        def key(item: tuple[Mention, bool]) -> tuple[int, int, int, int]:
            h, _p = item
            return (not first <= h.start < last, h.iri == generic, abs(h.start - first), -(h.end - h.start))
        cue, passive = min(d.cues, key=key)
        return self.set(d, cue=cue, passive=passive)


class PolarityFromLeadingDenial(IntegrationPass):
    """A denial governs the relation when it stands just before the cue, within 30 characters
    of its clause ("can't send", "no link to"), or opens the cue itself; one trailing
    after it ("directly, no queue needed") does not."""

    decides = "polarity"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft:
        text, cue = d.a.text, d.cue
        lead = text[max(d.clause[0], cue.start - 30):cue.start]
        if NEGATION.search(lead) or NEGATION.fullmatch(cue.label.split()[0]):
            return self.set(d, negative=True)
        return d


class DropDeniedAdviceOrMultiplicity(IntegrationPass):
    """A denied piece of advice ("isn't advised to consume") or a denied multiplicity ("cannot
    send to several queues") says nothing against the integration itself: no claim either way."""

    decides = "drop"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft | None:
        if not d.negative:
            return d
        text, cue = d.a.text, d.cue
        lead = text[max(d.clause[0], cue.start - 30):cue.start]
        if ADVICE.search(lead) or MULTIPLICITY.match(text[cue.end:d.clause[1]]):
            return None
        return d


class DirectionAlongArrows(IntegrationPass):
    """A chain of two or more arrows ("A -> B -> C") relates each service to the one after the
    next arrow only: each hop joins the service nearest before an arrow (after the previous
    one) to the service nearest after it (before the next one); a step naming no service
    breaks the chain there. A chain whose steps open with imperative verbs ("Launch an
    instance -> select the VPC -> create a group") is a procedure: it relates nothing."""

    decides = "direction"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft | None:
        ca, cb = d.clause
        text = d.a.text
        arrows = [m for m in ARROW.finditer(text, ca, cb)]
        if len(arrows) < 2:
            return d
        starts = [ca, *[m.end() for m in arrows]]
        if any(PROCEDURE_STEP.match(text, STEP_LEAD.match(text, at).end()) for at in starts):
            return None
        bounds = [ca, *[m.start() for m in arrows], cb]
        ends = [m.end() for m in arrows]
        segments = []
        for k in range(len(bounds) - 1):
            lo = ends[k - 1] if k else ca
            segments.append([m for m in d.mentions if lo <= m.start and m.end <= bounds[k + 1]])
        pairs = tuple((seg[-1], nxt[0]) for seg, nxt in zip(segments, segments[1:]) if seg and nxt)
        arrow = next((h for h, _p in d.cues if ARROW.fullmatch(h.label)), d.cue)
        return self.set(d, pairs=pairs, cue=arrow, passive=False if arrow is not d.cue else d.passive)


class DirectionFromVoice(IntegrationPass):
    """Active voice: the service (or each of a list of services) right before the cue is a
    source and the services after it the targets; a list before the cue with nothing after it
    relates its first member to the others, unless they are alternatives ("A or B"). With none
    before, the section's service is the source, unless it is named after the cue; with no
    section service either, the first service after the cue is the source of the others, unless
    they are alternatives. A service separated from the cue by "or" and other words opens
    another alternative, not the cue's subject. Passive voice ("X is triggered by Y"): the
    services after the cue are the sources and those before it (else the section's service)
    the targets."""

    decides = "direction"

    def apply(self, d: IntegrationDraft) -> IntegrationDraft:
        if d.pairs:
            return d
        text, cue, context = d.a.text, d.cue, d.a.context_subject
        before = subject_list_of([m for m in d.mentions if m.end <= cue.start], text)
        if before:
            gap = text[before[-1].end:cue.start]
            if OR_WORD.search(gap) and not LIST_GAP.match(gap):
                before = []
        after = distinct([m for m in d.mentions if m.start >= cue.end])
        if d.passive:
            sources = after or ([] if not context else [None])
            targets = before or ([None] if context else [])
        elif before and after:
            sources, targets = before, after
        elif before:
            alternatives = any(OR_WORD.search(text[a.end:b.start]) for a, b in zip(before, before[1:]))
            sources, targets = ([], []) if alternatives else (before[:1], before[1:])
        elif context and context not in {m.iri for m in after}:
            sources, targets = [None], after
        elif len(after) > 1 and OR_WORD.search(text[after[0].end:after[1].start]) \
                and len(coordinated_with(after[0], after[1:2], text)) > 1:
            sources, targets = [], []
        else:
            sources, targets = after[:1], after[1:]
        return self.set(d, sources=tuple(sources), targets=tuple(targets))


INTEGRATION_PASSES: tuple[IntegrationPass, ...] = (
    DropQuestion(), DropComparedServices(), RelationCuesInClause(), DropLoneService(), RelationFromNearestCue(),
    PolarityFromLeadingDenial(), DropDeniedAdviceOrMultiplicity(), DirectionAlongArrows(), DirectionFromVoice(),
)


class DropSameOrMissingEnd(IntegrationPass):
    """An integration needs two different services at its ends."""

    decides = "drop"

    def keeps(self, source: str | None, target: str | None, x) -> bool:
        return bool(source) and bool(target) and source != target


class DropPartOfWhole(IntegrationPass):
    """A service and a feature of it ("a table's stream" and "the table") are a part and its
    whole, not an integration."""

    decides = "drop"

    def keeps(self, source: str, target: str, x) -> bool:
        return source not in x.vocab.ancestors(target) and target not in x.vocab.ancestors(source)


PAIR_PASSES = (DropSameOrMissingEnd(), DropPartOfWhole())


class RelationFromParentBullet:
    """A child bullet that lists services (it opens with a service's name), under a parent bullet with a relation cue and no
    service after it ("X rotates credentials for:"), takes the parent's relation: the parent's
    service before the cue (else its section's) relates to each listed service, in the cue's
    voice, denied when a denial stands just before the parent's cue."""

    decides = "relation"
    name = "RelationFromParentBullet"

    def claims(self, a: Annotated) -> Iterator[IntegrationClaim]:
        st, x = a.statement, a.x
        if not st.parents or st.kind != "bullet":
            return
        first = a.mentions[0]
        if any(w.lower() not in DETERMINERS for w in WORD.findall(st.text[:first.start])):
            return            # the child says something of its own, not a list of services
        parent = st.parents[-1]
        cues = [(h, False) for h in a.reading.find("active", parent)] + \
            [(h, True) for h in a.reading.find("passive", parent)]
        if not cues:
            return
        parent_mentions = a.reading.services_in(parent)
        cue, passive = max(cues, key=lambda c: (c[0].iri != x.generic_relation, c[0].start))
        if any(m.start >= cue.end for m in parent_mentions):
            return            # the parent names its own objects; the children are something else
        before = [m for m in parent_mentions if m.end <= cue.start]
        subject = before[-1].iri if before else None
        if subject is None:
            outer = Statement(parent, st.line, st.end_line, st.headings, st.parents[:-1])
            subject = a.reading.context_subject(outer)
        if subject is None:
            return
        negative = bool(NEGATION.search(parent[max(0, cue.start - 30):cue.start]))
        for m in distinct(a.mentions):
            if m.iri == subject or subject in x.vocab.ancestors(m.iri) or m.iri in x.vocab.ancestors(subject):
                continue
            source, target = (m.iri, subject) if passive else (subject, m.iri)
            yield IntegrationClaim(source, target, cue.iri, cue.iri != x.generic_relation, negative, st,
                                   (self.name,))


INHERITED_PASSES = (RelationFromParentBullet(),)


def integration_claims(a: Annotated) -> Iterator[IntegrationClaim]:
    """The integrations the statement `a` states."""
    if not a.mentions:
        return
    if not a.active_cues and not a.passive_cues:
        for p in INHERITED_PASSES:
            yield from p.claims(a)
        return
    x = a.x
    context = a.context_subject
    for ca, cb in a.clauses:
        d: IntegrationDraft | None = IntegrationDraft(a, (ca, cb), tuple(m for m in a.mentions if ca <= m.start < cb))
        for p in INTEGRATION_PASSES:
            d = p.apply(d)
            if d is None:
                break
        if d is None:
            continue
        ends = d.pairs or tuple((s, t) for s in d.sources for t in d.targets)
        for s, t in ends:
            s_iri = s.iri if s is not None else context
            t_iri = t.iri if t is not None else context
            if all(p.keeps(s_iri, t_iri, x) for p in PAIR_PASSES):
                yield IntegrationClaim(s_iri, t_iri, d.cue.iri, d.cue.iri != x.generic_relation,
                                       d.negative, a.statement, d.because)


class DropRepeatedIntegration:
    """A statement that states the same integration twice states one."""

    decides = "drop"
    name = "DropRepeatedIntegration"

    def apply(self, claims: list[IntegrationClaim], x) -> list[IntegrationClaim]:
        out, seen = [], set()
        for c in claims:
            key = (c.statement.line, c.statement.text, c.source, c.target, c.relation, c.negative)
            if key not in seen:
                seen.add(key)
                out.append(c)
        return out


NOTE_INTEGRATION_PASSES = (DropRepeatedIntegration(),)


__all__ = ["INHERITED_PASSES", "INTEGRATION_PASSES", "IntegrationDraft", "IntegrationPass",
           "NOTE_INTEGRATION_PASSES", "PAIR_PASSES", "integration_claims"]
