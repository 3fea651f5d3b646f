"""Typed spans read from one statement at question time: the answers a line can give.

A span is a piece of a statement that can answer a question by itself: a quantity, a range with
both ends ("1 minute to 14 days"), a count in words ("three copies"), a bare number (a port, a
status code), an IP address or CIDR block, a version string, an identifier (code marks, quotes,
CamelCase, UPPER_CASE, dotted or colon names), a marked phrase (bold), a clause of a few words,
or, for a yes/no question, the statement's polarity. Each reader below is one rule; `read_spans`
runs them all. Which span answers a question is the ranker's decision (kg.rank), not theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.units import Quantity, find_quantities, format_quantity

MAX_SPAN_WORDS = 12


@dataclass(frozen=True)
class Span:
    """A candidate answer inside a statement's cleaned text."""

    type: str                   # quantity | range | count | number | ip | cidr | version | ident | phrase | clause
    value: str                  # the answer as shown
    start: int
    end: int
    quantity: Quantity | None = None
    low: Quantity | None = None  # ranges
    high: Quantity | None = None
    marked: bool = False        # in bold, code marks or quotes in the note


_MARK = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|`([^`]+)`|\"([^\"]{1,80})\"|'([^'\s][^']{0,60})'|_([^_\s][^_]{0,60})_")
_LINK = re.compile(r"!?\[\[([^\]|]+)(?:\|([^\]]+))?\]\]|\[([^\]]+)\]\([^)]*\)")


def clean(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The statement without markdown marks, and the (start, end) of what was marked."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1) or m.group(3) or "", text)
    text = re.sub(r"^\s*(?:[-*+•>#]+|\d+[.)])\s+", "", text)
    out, marked, pos = [], [], 0
    for m in _MARK.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        out.append(text[pos:m.start()])
        start = sum(len(x) for x in out)
        keep_quotes = m.group(4) is not None
        piece = f'"{inner}"' if keep_quotes else inner
        out.append(piece)
        if keep_quotes:
            marked.append((start + 1, start + 1 + len(inner)))
        else:
            marked.append((start, start + len(inner)))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), marked


# ---------------------------------------------------------------- the readers

def _quantities(text: str, marked) -> list[Span]:
    """Quantities with units, and each stated range as one span with both ends."""
    out: list[Span] = []
    found = find_quantities(text)
    ranges: dict[int, list] = {}
    for qm in found:
        if qm.range_id >= 0:
            ranges.setdefault(qm.range_id, []).append(qm)
        q = qm.quantity
        kind = "number" if qm.bare else ("count" if q.unit == "count" else "quantity")
        value = text[qm.start:qm.end].strip() if qm.bare else format_quantity(q)
        out.append(Span(kind, value, qm.start, qm.end, q, marked=_in_marked(qm.start, qm.end, marked)))
    for members in ranges.values():
        if len(members) != 2:
            continue
        lo, hi = sorted(members, key=lambda m: m.start)
        out.append(Span("range", range_text(lo.quantity, hi.quantity), lo.start, hi.end, None, lo.quantity, hi.quantity,
                        _in_marked(lo.start, hi.end, marked)))
    return out


_YEAR_LIKE = re.compile(r"(?<![\w.,/:-])(?:19|20)\d\d(?![\w/:%-]|[.,]\d|\s*(?:[-–]|to)\s*\d)")


def _year_like(text: str, marked) -> list[Span]:
    """Bare four-digit numbers the quantity scanner takes for years ("since 2020"): a port or a
    code can look like one ("NFS on port 2049"), so each is a number span too, and the ranker
    decides by what the question asks."""
    return [Span("number", m.group(), m.start(), m.end(), Quantity(float(m.group()), "count", m.group()),
                 marked=_in_marked(m.start(), m.end(), marked)) for m in _YEAR_LIKE.finditer(text)]


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twice": 2, "single": 1, "double": 2}
_WORD_COUNT = re.compile(r"(?<![\w-])(" + "|".join(_NUMBER_WORDS) + r")(?![\w-])(?:\s+(?!(?:of|the|a|an|to|in|on|or|and|for|is|are|them|times?)\b)([a-z][a-z\-]+))?", re.I)


def _word_counts(text: str, marked) -> list[Span]:
    """Counts written as words: "three copies", "twice"; never inside a compound ("exactly-once")."""
    out = []
    for m in _WORD_COUNT.finditer(text):
        n = _NUMBER_WORDS[m.group(1).lower()]
        noun = m.group(2) or ""
        if m.group(1).lower() in ("single", "double") and not noun:
            continue
        end = m.end() if noun else m.end(1)
        out.append(Span("count", str(n) + (f" {noun}" if noun else ""), m.start(), end,
                        Quantity(float(n), "count", m.group(0), noun), marked=_in_marked(m.start(), end, marked)))
    return out


_IP = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(/\d{1,2})?(?![\w.]*\d)")
_CIDR = re.compile(r"(?<![\w./])/(\d{1,3})(?![\w/])")


def _addresses(text: str, marked) -> list[Span]:
    """IPv4 addresses and CIDR blocks ("10.0.0.0/16", "a /28")."""
    out = []
    for m in _IP.finditer(text):
        kind = "cidr" if m.group(2) else "ip"
        out.append(Span(kind, m.group(0), m.start(), m.end(), marked=_in_marked(m.start(), m.end(), marked)))
    for m in _CIDR.finditer(text):
        if int(m.group(1)) <= 128:
            out.append(Span("cidr", m.group(0), m.start(), m.end(), marked=_in_marked(m.start(), m.end(), marked)))
    return out


_VERSION = re.compile(
    r"(?<![\w.])(?:[A-Za-z][A-Za-z0-9]*[ -]?v?|v)?\d+(?:\.\d+)+[a-z]?(?![\w.])"          # TLS 1.2, NFSv4.1, v2.0
    r"|(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])"                                              # 2012-10-17
    r"|(?<![\w])[A-Z][\w]*(?:::[\w]+)+-\d{4}-\d{2}-\d{2}"                               # AWS::Serverless-2016-10-31
    r"|\b(?:[A-Z][A-Za-z]+ )?\d{3}-\d(?: [Ll]evel \d)?\b|\b[Ll]evel \d\b")              # FIPS 140-2 Level 3


def _versions(text: str, marked) -> list[Span]:
    """Version strings: dotted numbers with or without a name, ISO dates used as versions, levels."""
    return [Span("version", m.group(0).strip(), m.start(), m.end(), marked=_in_marked(m.start(), m.end(), marked))
            for m in _VERSION.finditer(text) if not _IP.fullmatch(m.group(0).strip())]


_IDENT = re.compile(
    r"(?<![\w.:/-])(?:"
    r"[a-z][a-z0-9]*(?::[A-Za-z][\w*-]*)+"                     # aws:kms, aws:SourceVpce
    r"|[A-Za-z][\w]*(?:\.[\w]+)+(?:=[\w.]+)?"                  # rds.force_ssl=1, file.config
    r"|\.[a-z][a-z0-9]{1,8}"                                  # .config, .ebextensions
    r"|[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+"                  # FullAWSAccess, ReplicaKmsKeyID
    r"|[A-Z]+[a-z]+[A-Z][\w]*"                                # AWSTemplateFormatVersion
    r"|[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)+"              # X-Forwarded-For
    r"|[a-z]{2}(?:-[a-z]+)+-\d"                               # us-east-1
    r"|[A-Z][A-Z0-9]{1,}(?:_[A-Z0-9]+)+"                      # UPPER_CASE
    r"|[A-Z]{2,}[0-9]*"                                       # GENEVE, AES256, OAI
    r")(?![\w-])")


def _identifiers(text: str, marked) -> list[Span]:
    """Identifiers: colon and dotted names, CamelCase, hyphenated capitals, region codes, capitals."""
    return [Span("ident", m.group(0), m.start(), m.end(), marked=_in_marked(m.start(), m.end(), marked))
            for m in _IDENT.finditer(text)]


def _marked(text: str, marked) -> list[Span]:
    """What the note marked itself (bold, code, quotes): a phrase of at most a few words."""
    out = []
    for a, b in marked:
        piece = text[a:b].strip(" :.,")
        if piece and len(piece.split()) <= 8:
            out.append(Span("phrase", piece, a, b, marked=True))
    return out


_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:()\[\]|→⇒=]|->|=>|\s[-–—]\s|\.\s|\.$|\bis\b|\bare\b|\bcalled\b|\buses?\b|\bvia\b)\s*")


def _clauses(text: str, marked) -> list[Span]:
    """Clauses: the pieces between punctuation and copulas, and lists of them, up to 12 words."""
    out = []
    bounds = [0]
    for m in _CLAUSE_BREAK.finditer(text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text))
    pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds) - 1, 2)]
    for a, b in pieces:
        piece = text[a:b].strip()
        if piece and len(piece.split()) <= MAX_SPAN_WORDS:
            out.append(Span("clause", piece, a, b, marked=_in_marked(a, b, marked)))
    # "Mandatory, Strongly Recommended, Elective": a comma list after a colon is one answer
    m = re.search(r":\s*([^:;.]+)$", text)
    if m and "," in m.group(1) and len(m.group(1).split()) <= MAX_SPAN_WORDS:
        out.append(Span("clause", m.group(1).strip(), m.start(1), m.end(1)))
    return out


def range_text(low: Quantity, high: Quantity) -> str:
    """A range as kg shows it: "1 minute to 14 days"."""
    return f"{format_quantity(low)} to {format_quantity(high)}"


def _in_marked(a: int, b: int, marked) -> bool:
    return any(x <= a and b <= y for x, y in marked)


READERS = (_quantities, _year_like, _word_counts, _addresses, _versions, _identifiers, _marked, _clauses)


def read_spans(statement: str) -> tuple[str, list[Span]]:
    """The cleaned statement and every span its readers find."""
    text, marked = clean(statement)
    spans: list[Span] = []
    for reader in READERS:
        spans.extend(reader(text, marked))
    return text, spans
