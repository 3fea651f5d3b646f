"""The words extraction reads statements by: one place for its word lists and cue patterns.

Word lists are English function words and punctuation only (no service, value or note line).
"""

from __future__ import annotations

import re

# a word: a letter, then letters, digits, apostrophes and hyphens
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")


def words(text: str) -> list[str]:
    """The words of `text`, as written."""
    return WORD.findall(text)


NEGATION = re.compile(
    r"\b(?:can[’']?t|cannot|canot|can not|won[’']?t|doesn[’']?t|don[’']?t|isn[’']?t|aren[’']?t|not|no|never|"
    r"unable to|without|neither|nor|unsupported)\b", re.IGNORECASE)
PREPOSITIONS = {"in", "into", "to", "from", "with", "using", "via", "by", "through", "on", "for",
                "of", "onto", "inside", "within", "behind", "like", "than", "and", "or"}
DETERMINERS = {"a", "an", "the", "one", "another", "any", "each", "every", "your", "its", "their", "this",
               "that", "same", "other", "separate", "existing", "new", "multiple", "many", "all"}
# words that name no attribute: left out of a free label made from the words around a value
LABEL_STOP = {"the", "a", "an", "of", "is", "are", "be", "can", "to", "in", "for", "and", "or",
              "it", "its", "with", "on", "at", "by", "that", "this", "you", "your", "we", "up",
              "max", "maximum", "min", "minimum", "default", "limit", "limits", "only", "must",
              "will", "was", "has", "have", "each", "per", "set", "upto", "from", "than", "more",
              "less", "least", "most", "between", "about", "approximately", "around", "supports",
              "support", "has", "there", "which", "when", "if", "after", "before", "until"}
# words that may stand beside a value in a statement that says nothing but the value
VALUE_FILLER = {"to", "per", "up", "each", "a", "an", "from", "and", "or", "max", "min", "maximum", "minimum"}
STATUS_WORDS = re.compile(r"\b(?:error|errors|status|code|codes|exception|http|throttl\w*|rate exceeded)\b",
                          re.IGNORECASE)
# a denied piece of advice or a denied multiplicity says nothing against the integration itself
ADVICE = re.compile(r"\b(?:advised|advisable|recommended|suggested|ideal|best|wise|good idea)\b", re.IGNORECASE)
MULTIPLICITY = re.compile(r"\s*(?:to\s+|with\s+|into\s+)?(?:multiple|several|more than one|many|both)\b",
                          re.IGNORECASE)
LIMITISH = re.compile(r"\b(?:limits?|quotas?|constraints?|limitations?)\b", re.IGNORECASE)
PER_SECOND = re.compile(r"\bper\s+second\b|/\s?s(?:ec)?\b", re.IGNORECASE)
# a leading condition clause: "when ..., ", "if ..., "
CONDITION = re.compile(r"\s*(?:when|if|once|with|without)\b[^,;]{0,80},", re.IGNORECASE)
# what follows a label that opens a line and names its topic: an arrow, colon or dash
TOPIC_MARK = re.compile(r"^[\s`*_]*(?:⇒|=>|->|→|:|–|—|\s-\s)")
COORDINATION = re.compile(r"^\s*(?:,|/|or|and|,\s*or|,\s*and)\s*$", re.IGNORECASE)
LIST_GAP = re.compile(r"^[\s,/&+]*(?:and|or)?[\s,/&+]*$", re.IGNORECASE)
# a list gap that may hold an article: "an Internet Gateway or a NAT Gateway"
LOOSE_LIST_GAP = re.compile(r"^[\s,/&+]*(?:and|or|nor)?[\s,/&+]*(?:(?:a|an|the|either)\s+)?$", re.IGNORECASE)
OR_WORD = re.compile(r"\bor\b|/", re.IGNORECASE)
# what a compared thing follows: "less scalable than X", "similar to X", "X vs Y"
COMPARISON = re.compile(r"\b(?:than|similar\s+to|unlike|versus|vs\.?|compared\s+(?:to|with)|instead\s+of|"
                        r"alternative\s+to|as\s+opposed\s+to)\s+(?:(?:a|an|the)\s+)?$", re.IGNORECASE)
# the arrows of a chain of steps: "A -> B -> C"
ARROW = re.compile(r"-->|->|→|=>")
# where a free label's words stop: punctuation, arrows, dashes and copulas
LABEL_BREAK_BEFORE = re.compile(r"[:⇒→=(),]|\s-\s|\bis\b|\bare\b|\bof\b")
LABEL_BREAK_AFTER = re.compile(r"[:⇒→=(),.;]|\s-\s")
