"""Question text -> Question: what kind of question, which words name what. String work only.

Understands terse keywords ("max SQS message size"), sentences ("How long can a Lambda
function run?"), paraphrases, unit requests ("... in bytes") and connection questions
("what connects SNS to Lambda", "how does S3 integrate with Lambda", "path from X to Y").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUESTION_CHARS = 2000

# Connection questions: the two services are the named groups.
_CONNECT = [
    re.compile(r"^\s*(?:what|which)\s+(?:services?\s+)?(?:connects?|links?|joins?|ties?)\s+(?P<a>.+?)\s+(?:to|with|and)\s+(?P<b>.+?)\s*\??$", re.I),
    re.compile(r"^\s*how\s+(?:does|do|can|could|would|is|are)\s+(?P<a>.+?)\s+(?:integrate|connect|talk|work|communicate|get|send\w*|link|interact|relate)\w*\s+(?:with|to|into)\s+(?P<b>.+?)\s*\??$", re.I),
    re.compile(r"^\s*(?:show\s+(?:me\s+)?)?(?:the\s+)?(?:path|route|chain|connection|link)s?\s+(?:from|between)\s+(?P<a>.+?)\s+(?:to|and)\s+(?P<b>.+?)\s*\??$", re.I),
    re.compile(r"^\s*(?:is|are)\s+(?P<a>.+?)\s+(?:connected|integrated|linked)\s+(?:to|with)\s+(?P<b>.+?)\s*\??$", re.I),
    re.compile(r"^\s*(?:connect|path)\s+(?P<a>.+?)\s+(?:to|->|→)\s+(?P<b>.+?)\s*\??$", re.I),
]

# "... in bytes", "in seconds", "(in MB)": a unit the answer should be converted to.
_IN_UNIT = re.compile(r"[\s(,]+(?:in|as|to|into)\s+(?P<unit>[A-Za-z%/]+)\s*\)?\s*\??\s*$", re.I)

# Question words that say what dimension is asked for.
_DIMENSION_CUES = [
    (re.compile(r"\bhow\s+(?:long|many\s+(?:seconds|minutes|hours|days|weeks|months|years))\b|\bwhen\b|\bduration\b|\bhow\s+old\b", re.I), "Duration"),
    (re.compile(r"\bhow\s+(?:big|large|much\s+(?:data|memory|storage|space))\b|\bsize\b|\bbytes?\b", re.I), "DataSize"),
    (re.compile(r"\bhow\s+much\b.*\b(?:cost|price|charge|pay)\b|\bcosts?\b|\bprice\b|\$", re.I), "Money"),
    (re.compile(r"\bper\s+(?:second|sec|minute|min)\b|\b/s\b", re.I), "Rate"),
    (re.compile(r"\bthroughput\b|\brate\b", re.I), "Throughput"),     # requests or bytes per second
    (re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b", re.I), "Count"),
]

# "how long can X run", "how long does X keep": the question asks for an upper bound.
_IMPLIED_MAXIMUM = re.compile(r"\bhow\s+(?:long|big|large|many|much|far)\b|\bat\s+most\b|\blongest\b|\blargest\b|\bbiggest\b", re.I)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Question:
    """A parsed question."""

    text: str                       # as typed, cleaned of control characters
    kind: str                       # "limit" | "connect" | "empty"
    words: tuple[str, ...] = ()     # lowercase word tokens
    target_unit: str | None = None  # "bytes", "seconds", ... when a conversion is asked for
    dimension: str | None = None    # a dimension the question words imply
    implied_maximum: bool = False
    ends: tuple[str, str] | None = None   # the two names of a connection question
    extra: dict[str, str] = field(default_factory=dict)


_TOKEN = re.compile(r"[\w@][\w@\-./'’]*")


def normalise_question(text: str) -> str:
    """Make arbitrary input safe to work with: NFKC, no control characters, bounded length."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


def tokenize(text: str) -> tuple[str, ...]:
    """Lowercase word tokens, punctuation stripped at the edges."""
    out = []
    for t in _TOKEN.findall(text):
        t = re.sub(r"['’]s$", "", t).strip(".'’-/").lower()     # "Lambda's" -> "lambda"
        if t:
            out.append(t)
    return tuple(out)


def _unit_dimension(words: tuple[str, ...]) -> str | None:
    """The dimension of a unit the question names ("MB/s", "KB", "days"), if it names one."""
    from kg.units import UNITS, _lookup_unit      # a table look-up: the quantity scanner costs 7 ms to compile

    for i, w in enumerate(words):
        if i and words[i - 1] in ("per", "a", "an", "each", "every"):
            continue        # "messages per second", "cost per month": the unit of a rate, not what is asked
        if len(w) < 2 or not w.isascii() or not w[0].isalpha():
            continue
        head, _, per = w.partition("/")
        symbol = _lookup_unit(head)
        if symbol is None or symbol == "count" or symbol not in UNITS:
            continue
        dimension = UNITS[symbol].dimension
        if per:             # "mb/s": a data rate
            if dimension == "DataSize" and _lookup_unit(per) == "s":
                return "DataRate"
            continue
        return dimension
    return None


def parse_question(text: str) -> Question:
    """Classify a question and pull out its unit request and dimension cues.

    Which service and which limit it names is left to kg.match, which knows the vocabulary.
    """
    clean = normalise_question(text)
    if not tokenize(clean):
        return Question(clean, "empty")
    for rx in _CONNECT:
        m = rx.match(clean)
        if m:
            a, b = (re.sub(r"^(?:the|an?)\s+", "", m.group(g).strip(" ?.!"), flags=re.I) for g in ("a", "b"))
            if a and b:
                return Question(clean, "connect", tokenize(clean), ends=(a, b))
    target_unit = None
    body = clean
    m = _IN_UNIT.search(clean)
    if m:
        from kg.units import iter_unit_words

        unit = m.group("unit").lower()
        if unit in set(iter_unit_words()):
            target_unit = unit
            body = clean[:m.start()]
    dimension = _unit_dimension(tokenize(body))      # "kinesis shard write MB/s": a data rate
    for rx, dim in _DIMENSION_CUES:
        if dimension is None and rx.search(body):
            dimension = dim
            break
    return Question(clean, "limit", tokenize(body), target_unit, dimension,
                    bool(_IMPLIED_MAXIMUM.search(body)))
