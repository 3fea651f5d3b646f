"""One annotation of a statement: its tokens, quantities, service mentions, cue words and
clauses, each found once and shared by every pass; and the note it is read in (carried-over
subjects).

Each distinct text (a statement, or a heading or parent bullet however many statements sit
under it) is tokenised once (TextTokens), and every finder reads those tokens: the service,
condition, qualifier and relation-cue finders the phrase tokens, the limit-kind finder the
stemmed ones. Everything is found lazily, on first use: most statements hold no quantity, and
then their limit kinds and qualifier cues are never looked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kg.notes import Note, Statement
from kg.units import QuantityMatch, find_quantities
from kg.vocab import KindHit, Mention, phrase_tokens, tokens

if TYPE_CHECKING:
    from kg.extract.extractor import Extractor

# a sentence end before a capital or digit, a semicolon, or a table cell's bar
_CLAUSE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|;\s+|\s+\|\s+")
_NAME_NOISE = re.compile(r"[\d_\-.]+")
_PRONOUN_START = re.compile(r"^(?:they|it|these|those|this|that|both)\b", re.IGNORECASE)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each clause of `text`: sentences, semicolon parts and table cells."""
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


class TextTokens:
    """The tokens of one text, each tokenisation made once, on first use."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def phrase(self) -> tuple[tuple[int, int, str], ...]:
        """(start, end, lower-cased token): what the phrase finders read."""
        return phrase_tokens(self.text)

    @cached_property
    def stems(self) -> list[tuple[str, int, int]]:
        """(stem, start, end) of each word: what the limit-kind finder reads."""
        return tokens(self.text)


@dataclass
class NoteReading:
    """A note being extracted: the extractor's matchers, and each text's tokens and what the
    finders found in it, kept per text (a heading or parent bullet is read once however many
    statements sit under it)."""

    x: "Extractor"
    note: Note
    found: dict[str, list[Mention]] = field(default_factory=dict)
    _tokens: dict[str, TextTokens] = field(default_factory=dict)
    _finds: dict[tuple[str, str], list] = field(default_factory=dict)

    def tokens_of(self, text: str) -> TextTokens:
        """The tokens of `text`, tokenised once per note."""
        t = self._tokens.get(text)
        if t is None:
            t = self._tokens[text] = TextTokens(text)
        return t

    def services_in(self, text: str) -> list[Mention]:
        if text not in self.found:
            self.found[text] = self.x.services.find(text, self.tokens_of(text).phrase)
        return self.found[text]

    def find(self, finder: str, text: str) -> list:
        """What the extractor's finder `finder` ("kinds", "contexts", "qualifiers", "active",
        "passive") finds in `text`, from the text's one tokenisation, found once per note."""
        key = (finder, text)
        hits = self._finds.get(key)
        if hits is None:
            t = self.tokens_of(text)
            hits = getattr(self.x, finder).find(text, t.stems if finder == "kinds" else t.phrase)
            self._finds[key] = hits
        return hits

    def context_subject(self, st: Statement) -> str | None:
        """The service the statement's parents or headings are about, innermost first; else the
        one the note's file name names (a vault's note per service)."""
        for text in (*reversed(st.parents), *reversed(st.headings)):
            found = self.services_in(text)
            if found:
                return self.x.most_specific([m.iri for m in found])
        return self.note_subject

    @cached_property
    def note_subject(self) -> str | None:
        """The one service (family) the note's file name names ("04_IAM.md", "Elastic Block
        Store.md"), digits and separators aside; None when it names none or several."""
        stem = _NAME_NOISE.sub(" ", Path(str(self.note.path)).stem).strip()
        found = self.services_in(stem) if stem else []
        roots = {self.x.vocab.root_service(m.iri) for m in found}
        return self.x.most_specific([m.iri for m in found]) if len(roots) == 1 else None

    def antecedent(self, index: int) -> Statement | None:
        """The statement a sentence starting with a pronoun refers to: the one just before it,
        under the same headings and parents."""
        statements = self.note.statements
        st = statements[index]
        if index == 0 or not _PRONOUN_START.match(st.text):
            return None
        prev = statements[index - 1]
        return prev if (prev.headings, prev.parents) == (st.headings, st.parents) else None


class Annotated:
    """One statement with what the passes read in it, each found once."""

    def __init__(self, reading: NoteReading, index: int, topic: str | None = None) -> None:
        self.reading = reading
        self.x = reading.x
        self.index = index
        self.statement: Statement = reading.note.statements[index]
        self.text: str = self.statement.text
        self.topic = topic          # the service the last heading that named one was about

    @cached_property
    def mentions(self) -> list[Mention]:
        """The services the statement names, in order."""
        return self.reading.services_in(self.text)

    @cached_property
    def quantities(self) -> list[QuantityMatch]:
        return find_quantities(self.text)

    @cached_property
    def tokens(self) -> TextTokens:
        """The statement's tokens, shared by every finder."""
        return self.reading.tokens_of(self.text)

    @cached_property
    def kinds(self) -> list[KindHit]:
        """Words of limit kinds."""
        return self.reading.find("kinds", self.text)

    @cached_property
    def conditions(self) -> list[Mention]:
        """Words of conditions (contexts), outside the quantities."""
        return [m for m in self.reading.find("contexts", self.text)
                if not any(q.start <= m.start < q.end for q in self.quantities)]

    @cached_property
    def qualifier_cues(self) -> list[Mention]:
        """Cue words of qualifiers ("up to", "default", "at least")."""
        return self.reading.find("qualifiers", self.text)

    @cached_property
    def active_cues(self) -> list[Mention]:
        """Relation cue words in the active voice ("triggers", "->")."""
        return self.reading.find("active", self.text)

    @cached_property
    def passive_cues(self) -> list[Mention]:
        """Relation cue words in the passive voice ("is triggered by")."""
        return self.reading.find("passive", self.text)

    @cached_property
    def clauses(self) -> list[tuple[int, int]]:
        return clause_spans(self.text)

    def clause_at(self, at: int) -> tuple[int, int]:
        """The clause holding position `at` (the whole statement if none does)."""
        return next(((a, b) for a, b in self.clauses if a <= at < b), (0, len(self.text)))

    @cached_property
    def context_subject(self) -> str | None:
        return self.reading.context_subject(self.statement)

    @cached_property
    def antecedent(self) -> Statement | None:
        return self.reading.antecedent(self.index)


__all__ = ["Annotated", "NoteReading", "TextTokens", "clause_spans"]
