"""The lexicon: cue words of polarity and of expected answer types (ontology/lexicon.ttl).

One place for the words kg reads questions and statements by, so that answering and
extraction use the same lists. `Lexicon.has(set_name, text)` tells whether a cue of a set
occurs in text on word boundaries; `Lexicon.answer_types(text)` lists the answer types whose
cues a question holds, in the order of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.namespaces import KG

LEX = "https://example.org/kg/lexicon/"


@dataclass
class Lexicon:
    """Cue sets by local name (``negation``, ``asksRange``...), with their answer types."""

    cues: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)         # set name -> answer type
    _patterns: dict[str, re.Pattern] = field(default_factory=dict, repr=False)

    def pattern(self, name: str) -> re.Pattern:
        """The cues of a set as one expression: whole words, spaces between a cue's words free,
        and a cue of four letters or more also in its plural."""
        rx = self._patterns.get(name)
        if rx is None:
            rx = self._patterns[name] = _alternation(self.cues.get(name, ()), plurals=True)
        return rx

    def exact_pattern(self, name: str) -> re.Pattern:
        """The cues of a set as one expression of whole words, as written (no plural): for sets
        whose words change meaning with an ending ("create" a step, "creates" a statement)."""
        key = "=" + name
        rx = self._patterns.get(key)
        if rx is None:
            rx = self._patterns[key] = _alternation(self.cues.get(name, ()), plurals=False)
        return rx

    def has(self, name: str, text: str) -> bool:
        return bool(self.pattern(name).search(text))

    def find(self, name: str, text: str) -> list[re.Match]:
        return list(self.pattern(name).finditer(text))

    def answer_types(self, text: str) -> list[str]:
        """The answer types whose cues `text` holds, in file order (yes/no openings excluded)."""
        return [t for name, t in self.types.items() if t != "yesno" and self.has(name, text)]


def _alternation(cues, *, plurals: bool) -> re.Pattern:
    """Cues as one expression, longest first: whole words, spaces between a cue's words free, and
    with `plurals` a cue of four letters or more also in its plural ("protocols", "headers").
    The word boundaries of the cues that begin and end with a letter or digit are written once
    around them all (the same matches; the expression compiles in half the time, on every `kg ask`)."""
    inner, other = [], []
    for w in sorted(cues, key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in w.split())
        if plurals and len(w.split()[-1]) >= 4 and w[-1].isalpha():
            body += "(?:e?s)?"
        if w[0].isalnum() and w[-1].isalnum():
            inner.append(body)
        else:
            other.append((r"(?<![\w'])" if w[0].isalnum() else "") + body + (r"(?![\w'])" if w[-1].isalnum() else ""))
    alts = ([r"(?<![\w'])(?:" + "|".join(inner) + r")(?![\w'])"] if inner else []) + other
    return re.compile("|".join(alts) or r"(?!x)x", re.IGNORECASE)


def load_lexicon(path=None) -> Lexicon:
    """Parse ontology/lexicon.ttl (or `path`)."""
    import pyoxigraph as ox

    from kg.resources import ontology_dir

    path = path or ontology_dir() / "lexicon.ttl"
    lex = Lexicon()
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError, ValueError):
        return lex
    for q in quads:
        s = q.subject.value
        if not s.startswith(LEX):
            continue
        name = s[len(LEX):]
        if q.predicate.value == KG + "cue":
            lex.cues.setdefault(name, []).append(q.object.value)
        elif q.predicate.value == KG + "answerType":
            lex.types[name] = q.object.value
    order = list(lex.cues)
    lex.types = {n: lex.types[n] for n in order if n in lex.types}
    return lex


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()
