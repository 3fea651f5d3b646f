"""The words of a yes/no or fill-in card: questions built from a note's own line.

String work only, beneath kg.cards: a setting's line with its value blanked, a capability's
feature text cleaned and completed from its line, the condition it is said under found as
written, and the question the pass that read it asks. No store, no cards.
"""

from __future__ import annotations

import re
from typing import Iterable

from kg.capabilities import stems, words_match
from kg.facts import CapabilityFact, Source
from kg.lexicon import Lexicon
from kg.units import find_quantities

YES, NO = "Yes", "No"      # how a yes/no card shows its answers (kg quiz accepts them as typed)
_WORD_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-/]*")
_BLANK = "____"
_TAG = re.compile(r"</?[A-Za-z][^>]*>")        # HTML inside a table cell: "<b>Throughput:</b>"


def _one_line(text: str) -> str:
    """A note line as one line of words: whitespace collapsed, HTML tags and a leading bullet or
    number dropped."""
    return re.sub(r"^(?:[-*•+>#]+|\d+[.)])\s*", "", " ".join(_TAG.sub(" ", text).split()))


def blank_values(text: str, values: Iterable[str], width: int = 200) -> str | None:
    """`text` with every one of `values` replaced by a blank, cut to about `width` characters
    around the first blank; None when no value occurs in it."""
    line = _one_line(text)
    found = [v for v in values if v and v in line]
    if not found:
        return None
    for v in sorted(found, key=len, reverse=True):
        line = line.replace(v, _BLANK)
    at = line.index(_BLANK)
    if len(line) > width:
        start = max(0, at - width // 2)
        line = ("…" if start else "") + line[start:start + width].strip() + ("…" if start + width < len(line) else "")
    return line


def word_count(text: str) -> int:
    return len(_WORD_TOKEN.findall(text))


# a feature text that opens a list or an aside the line goes on to give ("the following engines:")
_OPENS_LIST = re.compile(r"(?::|\bthe\s+following|\bas\s+follows|\bsuch\s+as|\bincluding|\bi\.\s?e\.?|\be\.\s?g\.?)\s*$",
                         re.IGNORECASE)
# a feature cut before its object: "can be invoked directly through"
_ENDS_OPEN = re.compile(r"\b(?:through|to|for|with|by|of|and|or|via|on|in|from|at|into|using|like|being|is|are|be|vs)\.?\s*$",
                        re.IGNORECASE)
# words that point to something said elsewhere: "manage these keys", "see it"
_POINTS_ELSEWHERE = re.compile(r"\b(?:it|them|they|these|those|this|the\s+following|above|below)\b", re.IGNORECASE)
_TRAILING_NOISE = re.compile(r"(?:\s*(?:⇒|=>|->|→|…|\betc\b\.?|[.,;!]))+\s*$", re.IGNORECASE)
_LEADING_NOISE = re.compile(r"^(?:[\s\-–—:•*,;]+)")
_SUPPORT_PREPOSITION = re.compile(r"^(?:for|on|with|of|to)\s+", re.IGNORECASE)
_PARTICIPLE = re.compile(r"^[A-Za-z]{2,}(?:ed|en|wn)$")
_STATE_NOUN = re.compile(r"^[A-Za-z]{3,}(?:ion|ing|ment)$")
QUESTION_WORDS_AT_MOST = 100


def complete_feature(text: str, sources: Iterable[Source], cut: int = 78) -> str:
    """A feature text the extractor cut at about 80 characters, completed from its note line up to
    the end of its clause."""
    if len(text) < cut:
        return text
    stem = text.rstrip("…").rstrip()
    for s in sources:
        line = _one_line(s.text)
        at = line.find(stem)
        if at >= 0:
            rest = line[at + len(stem):]
            end = re.search(r"[.;:!?](?:\s|$)|\s[-–—]\s|\(|$", rest)
            return stem + rest[:end.start()]
    return stem


def clean_feature(text: str) -> str:
    text = _LEADING_NOISE.sub("", text).split(": ", 1)[0]     # after a colon comes another sentence
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_NOISE.sub("", text).strip()
        if text.endswith(")") and text.count("(") < text.count(")"):
            text = text[:-1].rstrip()
    return text


def words_for(wanted: tuple[str, ...], text: str, slack: int = 4) -> str | None:
    """The shortest run of words of `text` whose stems (kg.capabilities.stems) hold every one of
    `wanted`, as written; None when there is none within len(wanted) + `slack` words."""
    line = _one_line(text)
    tokens = [(m, stems(m.group(0))) for m in _WORD_TOKEN.finditer(line)]
    best = None
    for i in range(len(tokens)):
        for j in range(i, min(len(tokens), i + len(wanted) + slack)):
            have = tuple(w for _m, st in tokens[i:j + 1] for w in st)
            if words_match(wanted, have) == len(wanted):
                if best is None or j - i < best[1] - best[0]:
                    best = (i, j)
                break
    if best is None:
        return None
    return line[tokens[best[0]][0].start():tokens[best[1]][0].end()]


def capability_question(fact: CapabilityFact, text: str, passes: set[str], lexicon: Lexicon,
                        condition: str | None = None, subject: bool = False) -> str | None:
    """The yes/no question a capability asks, in the words of its note, or None when they make none.

    The question follows the pass that read it. A default state asks "Is <service> encrypted by
    default?" (a participle), "Is encryption on by default in <service>?" (a noun) or, when the
    state word says what it is of elsewhere in the line ("inbound traffic is blocked by
    default"), "Is inbound traffic blocked by default in <service>?"; a clause under "By
    default, ..." asks whether it holds. "<service> supports X" asks "Does <service> support
    X?"; a modal asks "Can <service> be X?" ("can be", "cannot be"), "Does <service> let you
    X?" ("allows you to"), "Does <service> allow X?" (another "allows") or "Can <service> X?"
    ("cannot X"). A condition that is the subject (`subject`: "output values can be referenced")
    asks "In <service>, can output values be referenced ...?"; another one follows in brackets.
    A denied default state is asked only when its line denies it in words
    (a lexicon negation or off-state cue other than the state word itself): "disabled by default"
    read as "not <disabled>" would ask the opposite question.

    None for a feature longer than QUESTION_WORDS_AT_MOST characters (a sentence copied whole is
    a line to read, not a question to answer), that stops before its object ("invoked directly
    through"), that opens a list ("the following engines:"), points elsewhere ("manage
    these keys"), holds or follows a quantity (a limit, asked by its limit card: "5500
    requests per second can be achieved per prefix"), or names fewer than two words of
    content (a default's state word excepted).
    """
    label = fact.service_label
    if _OPENS_LIST.search(text) or _POINTS_ELSEWHERE.search(text):
        return None
    text = clean_feature(text)
    words = text.split()
    if not words or _ENDS_OPEN.search(text) or len(text) > QUESTION_WORDS_AT_MOST or any(not m.bare for m in find_quantities(text)):
        return None
    for s in fact.sources:
        line = _one_line(s.text)
        at = line.find(words[0])
        if at > 0 and any(not m.bare for m in find_quantities(line[:at])):
            return None        # "5500 requests per second can be achieved per prefix": an amount
    if "default" in fact.feature:
        if not fact.positive:
            line = " ".join(s.text for s in fact.sources)
            cues = [m.group(0).lower() for name in ("negation", "offState") for m in lexicon.find(name, line)]
            if lexicon.has("offState", text) or not [c for c in cues if c != text.lower()]:
                return None
        if len(words) == 1:
            state = words[0]
            of = tuple(w for w in fact.feature if w != "default" and not words_match((w,), stems(state)))
            said = next((w for s in fact.sources if (w := words_for(of, s.text))), None) if of else ""
            if said is None or not (_PARTICIPLE.match(state) or _STATE_NOUN.match(state)):
                return None
            if said:
                return f"Is {_mid_sentence(said)} {state.lower()} by default in {label}?"
            if _PARTICIPLE.match(state):
                return f"Is {label} {state.lower()} by default?"
            return f"Is {state.lower()} on by default in {label}?"
        if len(words) > 2 and fact.positive and not lexicon.has("negation", text):
            return f"True or false, of {label}: by default, {text}?"
        return None
    if len(stems(text)) < 2:
        return None
    aux, phrase = _ask_verb(fact, text, passes)
    if not condition:
        return f"{aux} {label} {phrase}?"
    if not subject:
        return f"{aux} {label} {phrase} ({condition})?"
    said = _mid_sentence(condition)
    if aux == "Does" and re.search(r"[^s]s$", said):
        aux = "Do"          # "do WebSocket APIs support"
    return f"In {label}, {aux.lower()} {said} {phrase}?"


def _mid_sentence(words: str) -> str:
    """Words that opened a line, as they read inside a sentence: "Output values" -> "output
    values"; a name keeps its capitals ("AssumeRole", "WebSocket APIs", "SSL/TLS")."""
    first = words.split()[0] if words.split() else ""
    return words[0].lower() + words[1:] if re.fullmatch(r"[A-Z][a-z\-]+", first) else words


def _ask_verb(fact: CapabilityFact, text: str, passes: set[str]) -> tuple[str, str]:
    """The auxiliary and verb phrase of a capability question ("Does", "support X")."""
    words = text.split()
    if "Support" in passes:
        return "Does", f"support {_SUPPORT_PREPOSITION.sub('', text)}"
    if words[0].lower() == "be":
        return "Can", text
    if _PARTICIPLE.match(words[0]) and fact.positive:
        return "Can", f"be {text}"
    if fact.positive and words[0].lower() == "you" and len(words) > 2 and words[1].lower() == "to":
        return "Does", f"let you {' '.join(words[2:])}"
    if fact.positive and any(re.search(r"\byou(?:\s+to)?\s+" + re.escape(words[0]), _one_line(s.text))
                             for s in fact.sources):
        return "Does", "let you " + re.sub(r"^to\s+", "", text)       # "lets you use", "enables you to"
    return ("Does", f"allow {text}") if fact.positive else ("Can", text)


def condition_words(fact: CapabilityFact, text: str) -> tuple[str, bool] | None:
    """The words of a capability's condition as its line writes them, and whether they are the
    subject of what it can do: they end right before the cue that leads to the feature ("Output
    values can be referenced": subject; "Once configured, can be managed": not). None when the
    line does not hold them, or they point elsewhere ("these can be served")."""
    for s in fact.sources:
        said = words_for(fact.condition, s.text)
        if not said or _POINTS_ELSEWHERE.search(said):
            continue
        line = _one_line(s.text)
        start = line.find(text.split()[0]) if text.split() else -1
        end = line.find(said) + len(said)
        gap = line[end:start] if 0 <= end <= start else ","
        return said, not re.search(r"[,.;:()⇒]", gap) and len(gap.split()) <= 3
    return None


__all__ = ["NO", "QUESTION_WORDS_AT_MOST", "YES", "blank_values", "capability_question", "clean_feature",
           "complete_feature", "condition_words", "word_count", "words_for"]
