"""The words extraction reads statements by: one place for its word lists and cue patterns.

Word lists are English function words and punctuation only (no service, value or note line).
The cue words that are vocabulary, shared with answering (denials, advice), are cue sets of
ontology/lexicon.ttl, read through kg.lexicon; the patterns built from them live here.
"""

from __future__ import annotations

import re

from kg.lexicon import default_lexicon

# a word: a letter, then letters, digits, apostrophes and hyphens
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")


def words(text: str) -> list[str]:
    """The words of `text`, as written."""
    return WORD.findall(text)


# a denial of what a statement names, and words of advice (ontology/lexicon.ttl)
NEGATION = default_lexicon().pattern("statementDenial")
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
ADVICE = default_lexicon().pattern("statementAdvice")
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
# a step of a procedure opens with an imperative verb ("select the VPC"), ontology/lexicon.ttl
PROCEDURE_STEP = default_lexicon().exact_pattern("procedureStep")
# what may stand before a step's first word: spaces, emphasis, a number
STEP_LEAD = re.compile(r"[\s*_`\d.)]*")
# where a free label's words stop: punctuation, arrows, dashes and copulas
LABEL_BREAK_BEFORE = re.compile(r"[:⇒→=(),]|\s-\s|\bis\b|\bare\b|\bof\b")
LABEL_BREAK_AFTER = re.compile(r"[:⇒→=(),.;]|\s-\s")

# ---------------------------------------------------------------- capabilities and settings
# the words of a capability's feature or a setting's name: letters, digits, hyphens, slashes
STEM_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-/]*")
# words that name no feature (kg.extract.capabilities.stems)
STEM_STOP = {"the", "a", "an", "of", "is", "are", "be", "been", "to", "in", "for", "and", "or", "it", "its", "with",
         "on", "at", "by", "that", "this", "you", "your", "we", "can", "will", "also", "all", "any", "both", "only",
         "just", "new", "per", "from", "as", "which", "there", "their", "they", "so", "do", "does", "not", "no",
         "has", "have", "into", "using", "use", "via", "get", "set", "option", "options", "instead", "e.g", "eg",
         "either", "each", "every", "than", "other", "others", "if", "when", "but", "type", "types", "mode"}
CAPABILITY_CLAUSE = re.compile(r"(?<=[.!?;])\s+|,\s+(?:but|while|whereas|however)\s+|\s+but\s+", re.IGNORECASE)
# a state said of a feature by default: "encrypted by default", "automatically encrypted"
ON_BY_DEFAULT = re.compile(r"\b(?:by\s+default|automatically|out\s+of\s+the\s+box)\b", re.IGNORECASE)
OPTIONAL = re.compile(r"\b(?:can\s+be\s+(?:set|enabled|turned\s+on|configured)|must\s+be\s+(?:enabled|set|turned\s+on)|"
                       r"optional(?:ly)?|opt[- ]in)\b", re.IGNORECASE)
DEFAULT_WORD = re.compile(r"\bdefault\b", re.IGNORECASE)
# the participle a default state is said of: "replicated by default", "created by default"
PARTICIPLE_BEFORE = re.compile(r"\b([A-Za-z]{3,}(?:ed|en|wn)|(?:turned|switched)\s+o(?:n|ff))\s+"
                                r"(?:(?:only|automatically|always)\s+)?$", re.IGNORECASE)
CLAUSE_OPENING = re.compile(r"\s*,?\s*[A-Za-z]")
NOT_STATES = {"used", "needed", "required", "given", "seen", "been", "then", "when", "often", "even", "open"}
OFF_STATE = re.compile(r"\b(?:disabl\w*|turned\s+off|switched\s+off|off|blocked|denied)\b", re.IGNORECASE)
STATE_VERB = re.compile(r"\b(encrypt\w*|enabl\w*|disabl\w*|replicat\w*|version\w*|log\w*|backed\s+up|backup\w*)\b",
                         re.IGNORECASE)
# "X supports Y", "X has no Y", "X does not support Y", "X works with Y"
SUPPORT = re.compile(r"\b(?:(?:does\s*n[o’']?t|do\s*n[o’']?t|not)\s+)?(?:supports?|supported|works?\s+with|has\s+no|have\s+no|"
                      r"(?:is|are)\s+not\s+(?:supported|available)\s+(?:for|on|with))\b", re.IGNORECASE)
ABILITY = re.compile(
    r"\b(?:(?P<deny>can[’']?t|cannot|canot|can\s+not|(?:is|are)\s+unable\s+to|unable\s+to|"
    r"(?:is|are)\s+not\s+able\s+to|not\s+able\s+to|(?:is|are)\s+not\s+possible\s+to|not\s+possible\s+to)|"
    r"allows?(?!\s+(?:for|or|you\s+to\s+(?:use|choose|pick)))|lets\s+you|enables\s+you\s+to|can\s+be(?=\s+\w+(?:ed|en)\b))\s+",
    re.IGNORECASE)
# where a feature's words stop: the next clause or an aside
FEATURE_END = re.compile(r"[,;:(]|\s[-–—]\s|\b(?:but|nor|unless|because|so|only|just|instead|which)\b", re.IGNORECASE)
READER = {"you", "user", "users", "even"}
IPV4 = re.compile(r"(?<![\d.])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?![\d.]|/\d)")
