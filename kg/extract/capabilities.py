"""Statement -> capabilities (yes/no, with a condition) and settings (a literal value).

Each pass is a small class whose docstring states its rule; CAPABILITY_PASSES lists them in the
order they run. A pass reads one clause of a statement with the service it is about and yields
claims. The Extractor calls `extract_capabilities` once per note (kg/extract/extractor.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

from kg.extract.words import (ABILITY, CAPABILITY_CLAUSE, CLAUSE_OPENING, DEFAULT_WORD, DETERMINERS, FEATURE_END, IPV4,
                              NEGATION, NOT_STATES, OFF_STATE, ON_BY_DEFAULT, OPTIONAL, PARTICIPLE_BEFORE, PREPOSITIONS,
                              READER, STATE_VERB, STEM_STOP, STEM_WORD, SUPPORT)
from kg.notes import Note, Statement
from kg.vocab import Mention

_EMPHASIS = re.compile(r"[_*]+")


def _denies(text: str) -> bool:
    """Does the text hold a denial word, emphasis markup around it or not ("_DOES NOT_ support",
    "**not** enabled")? Underscores are word characters, so "NOT_" alone hides its "not"."""
    return bool(NEGATION.search(_EMPHASIS.sub(" ", text)))


def _unmarked(text: str) -> str:
    """The text with emphasis markup blanked, each mark by a space so offsets hold: a cue
    written "_DOES SUPPORT_" is found as "DOES SUPPORT"."""
    return _EMPHASIS.sub(lambda m: " " * len(m.group(0)), text)


def stems(text: str) -> tuple[str, ...]:
    """Content words of `text`, lower-cased, hyphens and slashes dropped, common endings cut:
    "Blue-Green deployments" -> ("bluegreen", "deploy"); "encrypted", "encryption" -> "encrypt"."""
    out = []
    for w in STEM_WORD.findall(text):
        w = w.lower().replace("’", "'")
        if w in STEM_STOP or len(w) < 2:
            continue
        w = re.sub(r"[-/'.]", "", w)
        w = re.sub(r"(?:ments?|ions?|ing|ed|es|s)$", "", w) if len(w) > 5 else w
        if w and w not in STEM_STOP:
            out.append(w)
    return tuple(dict.fromkeys(out))


def words_match(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many words of `a` match a word of `b` (equal, or one a 5+ letter prefix of the other)."""
    def same(x: str, y: str) -> bool:
        return x == y or (min(len(x), len(y)) >= 5 and (x.startswith(y) or y.startswith(x)))
    return sum(1 for x in a if any(same(x, y) for y in b))


@dataclass(frozen=True)
class CapabilityClaim:
    """A statement that a service does, or does not, have a capability (under a condition)."""

    service: str
    feature: tuple[str, ...]      # stems of what it can or cannot do ("encrypt", "default")
    positive: bool
    condition: tuple[str, ...]    # stems of the condition it is said under ("onprem"), or ()
    text: str                     # the words that name the feature, as written
    statement: Statement
    rule: str


@dataclass(frozen=True)
class SettingClaim:
    """A literal value a note gives for a setting of a service (an address)."""

    service: str
    attribute: tuple[str, ...]    # stems of the words around the value
    value: str
    value_kind: str               # address
    statement: Statement
    rule: str


@dataclass(frozen=True)
class Clause:
    """One clause of a statement with what the passes need: its text and its service."""

    text: str
    statement: Statement
    service: str | None           # named in the clause, else in the parents or headings
    named: tuple[tuple[int, int], ...]   # spans of service names in the clause
    before: tuple[tuple[int, str], ...] = ()   # (end, IRI) of each service named, in order
    inherited: str | None = None  # the service of the parents or headings


class Pass(Protocol):
    def claims(self, clause: Clause) -> Iterator[CapabilityClaim | SettingClaim]: ...


def _without(text: str, spans) -> str:
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    return text


def _after_preposition(text: str, at: int) -> bool:
    """Is the service named at `at` after a preposition (and articles): an instrument or place?"""
    ws = [w.lower() for w in STEM_WORD.findall(text[max(0, at - 30):at])]
    while ws and ws[-1] in DETERMINERS:
        ws.pop()
    return bool(ws) and ws[-1] in PREPOSITIONS


def _by_default(feature: tuple[str, ...]) -> tuple[str, ...]:
    return (*(w for w in feature if w != "default"), "default")


class DefaultState:
    """A feature said to be on by default ("automatically encrypted", "encrypted by default",
    "created by default") is a positive capability "<feature> by default"; one denied ("not
    replicated by default"), said to be off ("disabled by default") or said to be optional or to
    need turning on ("default encryption can be set", "must be enabled") is negative. The
    feature is the state word nearest before the cue (a known state verb, else the participle
    right before it); "enabled by default" names the words before it, or the parent bullet's
    when it says nothing else; with no verb at all, the words between the subject and the cue
    are the state ("private by default"). A clause opening "By default, ..." states its own
    words by default. Its subject is a service named before the state word ("encrypted through KMS"
    names the instrument, not the subject), else the one the parents or headings are about."""

    name = "DefaultState"

    def claims(self, clause: Clause) -> Iterator[CapabilityClaim]:
        text = clause.text
        on = ON_BY_DEFAULT.search(text)
        optional = OPTIONAL.search(text)
        verbs = list(STATE_VERB.finditer(text))
        generic = False
        if on is not None:
            verbs = [v for v in verbs if v.end() <= on.start()] or verbs
            participle = PARTICIPLE_BEFORE.search(text[:on.start()])
            if participle and not any(v.end() == participle.end(1) for v in verbs) and \
                    participle.group(1).lower() not in NOT_STATES:
                verbs, generic = [participle], True
            # the words before the cue, service names aside: a value there belongs to a limit
            before = _without(text[:on.start()], [sp for sp in clause.named if sp[1] <= on.start()])
            by = on.group(0).lower().startswith("by") and not re.search(r"\d", before)
            opens = not stems(before) or bool(re.search(r"(?:,|\bthen)\s*$", before, re.IGNORECASE))
            if by and opens and not any(v.end() <= on.start() for v in verbs) \
                    and CLAUSE_OPENING.match(text, on.end()) and len(stems(text[on.end():])) >= 2:
                yield from self._leading(clause, on)
                return
            if by and not verbs:
                yield from self._state_before(clause, on)
                return
        if not verbs:
            return
        verb = min(verbs, key=lambda v: on.start() - v.end() if on is not None and v.end() <= on.start() else 10**6)
        subject = next((iri for end, iri in reversed(clause.before) if end <= verb.start()), clause.inherited)
        if subject is None:
            return
        if optional and DEFAULT_WORD.search(text):
            positive = False
        elif on and not optional:
            positive = not (_denies(text[:on.start()][-40:]) or OFF_STATE.search(verb.group(0)))
        else:
            return
        word = verb.group(1) if verb.groups() else verb.group(0)
        feature = stems(word)
        if generic:
            # a participle of no known state: what it is said of comes with it ("account created")
            named = [s for s in clause.named if s[1] <= verb.start()]
            feature = (*stems(_without(text[:verb.start()], named))[-2:], *feature)
        if not feature or feature[0].startswith("enabl") or feature[0].startswith("disabl"):
            # "enabled by default": the feature is the subject words before it
            before = _without(text[:verb.start()], [s for s in clause.named if s[1] <= verb.start()])
            feature = stems(before)[-2:]
            if not feature and clause.statement.parents:
                feature = stems(clause.statement.parents[-1])[-2:]
        if feature:
            yield CapabilityClaim(subject, _by_default(feature), positive, (), word, clause.statement, self.name)

    def _state_before(self, clause: Clause, on: re.Match) -> Iterator[CapabilityClaim]:
        """ "S3 is private by default", "cannot reach the internet by default": the words between
        the subject and the cue are the state, denied when a denial stands among them."""
        text = clause.text
        named = [(span, iri) for span, (_e, iri) in zip(clause.named, clause.before) if span[1] <= on.start()]
        start = max((b for (_a, b), _iri in named), default=0)
        words = text[start:on.start()]
        feature = stems(NEGATION.sub(" ", words))[-3:]
        # the first service named before the cue, not one after a preposition ("inside a VPC")
        direct = [iri for (a, _b), iri in named if not _after_preposition(text, a)]
        subject = direct[0] if direct else clause.inherited
        if subject and feature:
            yield CapabilityClaim(subject, _by_default(feature), not _denies(words), (), words.strip()[:80],
                                  clause.statement, self.name)

    def _leading(self, clause: Clause, lead: re.Match) -> Iterator[CapabilityClaim]:
        """ "By default, X is Y", "by default X does Y": the rest of the clause holds by default,
        unless denied."""
        rest = clause.text[lead.end():]
        named = [(a - lead.end(), b - lead.end()) for a, b in clause.named if a >= lead.end()]
        # the service that opens the rest is its subject ("by default CodeDeploy deploys ...")
        subject = next((iri for (a, _b), (_e, iri) in zip(clause.named, clause.before)
                        if a >= lead.end() and not stems(clause.text[lead.end():a])), clause.inherited)
        feature = stems(NEGATION.sub(" ", _without(rest, named)))[:4]
        if subject and feature:
            yield CapabilityClaim(subject, _by_default(feature), not _denies(rest), (), rest.strip()[:80],
                                  clause.statement, self.name)


class Support:
    """"X supports Y", "X works with Y" affirm that X can do Y; "X does not support Y", "X has no Y"
    deny it. X is the service named last before the cue, else the one the section is about (a
    service named after the cue is what is supported, not the subject). Y is the words after
    the cue in its clause; words before the cue that do not name the service are the condition
    it is said under ("on-prem has no blue/green deployment")."""

    name = "Support"

    def claims(self, clause: Clause) -> Iterator[CapabilityClaim]:
        text = clause.text
        m = SUPPORT.search(_unmarked(text))
        if m is None:
            return
        subject = next((iri for end, iri in reversed(clause.before) if end <= m.start()), clause.inherited)
        if subject is None:
            return
        cue = m.group(0).lower()
        positive = not (_denies(cue) or _denies(text[max(0, m.start() - 12):m.start()]))
        obj = stems(text[m.end():])[:4]
        if not obj:
            return
        condition = stems(_without(text[:m.start()], [s for s in clause.named if s[1] <= m.start()]))[-3:]
        yield CapabilityClaim(subject, obj, positive, condition, text[m.end():].strip()[:80],
                              clause.statement, self.name)


class Ability:
    """A modal denial ("cannot", "can't", "unable to", "not able to", "not possible to") says a
    service cannot do what follows it; "allows", "lets you", "enables you to" and "can be
    <done>" say it can. What follows is the feature (the clause's next words); the subject is
    the service named last before the modal, else the one the section is about; words before
    the modal that name no service are the condition ("once locked, ... cannot delete"). A
    clause that "supports" or states a default is left to Support and DefaultState, and "you
    can" (advice to the reader) states no capability."""

    name = "Ability"

    def claims(self, clause: Clause) -> Iterator[CapabilityClaim]:
        text = clause.text
        m = ABILITY.search(text)
        if m is None or SUPPORT.search(text) or ON_BY_DEFAULT.search(text):
            return
        positive = m.group("deny") is None
        subject = next((iri for end, iri in reversed(clause.before) if end <= m.start()), clause.inherited)
        rest = text[m.end():]
        stop = FEATURE_END.search(rest)
        rest = rest[:stop.start()] if stop else rest
        named = [(a - m.end(), b - m.end()) for a, b in clause.named if a >= m.end()]
        feature = stems(_without(rest, [(a, b) for a, b in named if b <= len(rest)]))
        feature = feature[1:5] if feature[:1] == ("used",) else feature[:4]   # "can be used to X": X
        if subject is None or not feature:
            return
        before = _without(text[:m.start()], [s for s in clause.named if s[1] <= m.start()])
        condition = tuple(w for w in stems(before) if w not in READER)[-3:]
        yield CapabilityClaim(subject, feature, positive, condition, rest.strip()[:80], clause.statement, self.name)


class Address:
    """An IPv4 address (not a CIDR block) is the value of the setting named by the other words
    of its clause, URL path words included ("http://169.254.169.254/latest/meta-data/": metadata)."""

    name = "Address"

    def claims(self, clause: Clause) -> Iterator[SettingClaim]:
        if clause.service is None:
            return
        for m in IPV4.finditer(clause.text):
            rest = _without(clause.text, [(m.start(), m.end()), *clause.named]).replace("http://", " ").replace("https://", " ")
            attribute = stems(rest)
            if attribute:
                yield SettingClaim(clause.service, attribute, m.group(1), "address", clause.statement, self.name)


CAPABILITY_PASSES: tuple[Pass, ...] = (DefaultState(), Support(), Ability(), Address())
# what some pass must find for it to yield anything: DefaultState a default or an option, Support
# its cue, Ability a modal, Address a digit
_ANY_CUE = re.compile("|".join(f"(?:{p.pattern})" for p in (ON_BY_DEFAULT, OPTIONAL, SUPPORT, ABILITY))
                      + r"|\d", re.IGNORECASE)


def clauses_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in CAPABILITY_CLAUSE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def extract_capabilities(note: Note, services_in: Callable[[str], list], context_subject: Callable[[Statement], str | None]
                         ) -> tuple[list[CapabilityClaim], list[SettingClaim]]:
    """Every capability and setting the note's statements state.

    Args:
        note: the parsed note.
        services_in: text -> service mentions (with .iri, .start, .end), as the Extractor finds them;
            called once per statement, each clause reading the statement's mentions.
        context_subject: statement -> the service its parents or headings are about.
    """
    capabilities: list[CapabilityClaim] = []
    settings: list[SettingClaim] = []
    for st in note.statements:
        if st.kind == "heading" or not _ANY_CUE.search(_unmarked(st.text)):
            continue        # no pass's cue in the statement: no pass can yield
        inherited = None
        mentions = services_in(st.text)
        for a, b in clauses_of(st.text):
            text = st.text[a:b]
            found = [Mention(m.iri, m.start - a, m.end - a, m.label) for m in mentions if a <= m.start and m.end <= b]
            inherited = inherited or context_subject(st)
            service = found[0].iri if found else inherited
            clause = Clause(text, st, service, tuple((m.start, m.end) for m in found),
                            tuple((m.end, m.iri) for m in found), inherited)
            for p in CAPABILITY_PASSES:
                for claim in p.claims(clause):
                    (capabilities if isinstance(claim, CapabilityClaim) else settings).append(claim)
    return capabilities, settings


__all__ = ["CAPABILITY_PASSES", "CapabilityClaim", "SettingClaim", "extract_capabilities", "stems", "words_match"]
