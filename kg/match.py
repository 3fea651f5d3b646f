"""Name look-ups for what users type: exact labels and aliases first, then rapidfuzz.

The cut-offs live here. Short abbreviations (SQS, SNS) are never matched fuzzily against each
other: a typo'd abbreviation must be closer to one label than to any other by a clear margin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import UnknownService
from kg.vocab import Vocabulary

FUZZY_CUTOFF = 86.0
SUGGEST_CUTOFF = 60.0


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_]+", " ", text.lower()).strip()


def _labels(vocab: Vocabulary) -> dict[str, str]:
    """Every service label, normalised -> IRI (prefLabel, altLabels, hiddenLabels)."""
    out: dict[str, str] = {}
    for iri, c in vocab.services.items():
        for label in c.labels:
            out.setdefault(_norm(label), iri)
    return out


def resolve_service(name: str, vocab: Vocabulary) -> str:
    """Return the IRI of the service `name` means.

    Tries, in order: an exact label or alias in any case ("sqs", "Amazon Simple Queue
    Service"), the same without "amazon"/"aws" and plural endings, then a fuzzy match over
    labels of four or more characters.

    Raises:
        UnknownService: when nothing is close enough; it carries up to three suggestions.
    """
    labels = _labels(vocab)
    key = _norm(name)
    candidates = [key, re.sub(r"^(amazon|aws)\s+", "", key)]
    candidates += [c[:-1] for c in candidates if c.endswith("s")]
    for c in candidates:
        if c in labels:
            return labels[c]
    from rapidfuzz import fuzz, process, utils

    long_labels = {label: iri for label, iri in labels.items() if len(label) > 4}
    if len(key) >= 4:
        best = process.extractOne(key, list(long_labels), scorer=fuzz.WRatio,
                                  processor=utils.default_process, score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            return long_labels[best[0]]
    raise UnknownService(name, suggest_services(name, vocab))


def suggest_services(name: str, vocab: Vocabulary, limit: int = 3) -> list[str]:
    """Up to `limit` service names close to `name`, best first (prefLabels, no repeats)."""
    from rapidfuzz import fuzz, process, utils

    labels = _labels(vocab)
    found = process.extract(_norm(name), list(labels), scorer=fuzz.WRatio,
                            processor=utils.default_process, limit=limit * 4,
                            score_cutoff=SUGGEST_CUTOFF)
    out: list[str] = []
    for label, _score, _i in found:
        pref = vocab.services[labels[label]].pref
        if pref not in out:
            out.append(pref)
    return out[:limit]


# ---------------------------------------------------------------- names inside a question

_FILLER = set("""a an the of in on at to for from by with and or is are be was were it its this that
what which who whom whose how when where why does do did can could should would will shall may might
must i me my we our you your they them their there here much many long big large size max maximum min
minimum default limit limits value values number amount per much about does get set using use via""".split())


def is_misspelling(typed: str, label: str) -> bool:
    """Is `typed` the label `label` misspelt, rather than another word or a word short?

    A fuzzy match stands for a typo: characters wrong inside the words, never a word added or
    dropped ("managed" is not "Managed AD", "cloud" not "Cloud9": the typed text, spaces
    aside, is where the label starts or ends) nor a word replaced ("security have" is not
    "Security Lake": written in as many words, each typed word must be like its label word, or
    shortened from it: "Key Mgmt Service").
    """
    a, b = typed.replace(" ", ""), label.replace(" ", "")
    if a != b and (b.startswith(a) or b.endswith(a) or a.startswith(b) or a.endswith(b)):
        return False
    words, label_words = typed.split(), label.split()
    if len(words) == len(label_words) > 1:
        from rapidfuzz import fuzz

        return all(x == y or fuzz.ratio(x, y) >= 75 or _shortened(x, y) for x, y in zip(words, label_words))
    return True


def _shortened(short: str, word: str) -> bool:
    """Is `short` `word` abbreviated: its first letter, then some of its letters in order ("mgmt")?"""
    if len(short) < 3 or len(short) >= len(word) or short[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in short[1:])


@dataclass(frozen=True)
class NameHit:
    """A service named in a question: which words, which concept, how sure."""

    iri: str
    start: int       # token index
    end: int         # token index, exclusive
    score: float     # 100 for an exact label, less for a fuzzy one
    words: str


def label_index(vocab: Vocabulary) -> dict[str, str]:
    """Normalised label -> service IRI, with and without an "amazon"/"aws" prefix."""
    out: dict[str, str] = {}
    for iri, c in vocab.services.items():
        for label in c.labels:
            key = " ".join(re.findall(r"[\w@]+", label.lower()))
            if not key:
                continue
            out.setdefault(key, iri)
            short = re.sub(r"^(?:amazon|aws)\s+", "", key)
            if " " in short:        # "AWS Config" must not make "config" a service name
                out.setdefault(short, iri)
            if " " in key and len(key.replace(" ", "")) >= 4:
                out.setdefault(key.replace(" ", ""), iri)     # "xray", "dynamodb"
    return out


def find_service_names(words: tuple[str, ...], vocab: Vocabulary, *, avoid: set[str] | None = None,
                       index: dict[str, str] | None = None) -> list[NameHit]:
    """Find the services a question names, longest exact labels first, then fuzzy ones.

    Args:
        words: the question's lowercase tokens.
        vocab: the vocabulary.
        avoid: words that name limit kinds or qualifiers, never tried as fuzzy service names.
        index: a prebuilt label_index (built on demand otherwise).
    """
    index = index if index is not None else label_index(vocab)
    norm = [" ".join(re.findall(r"[\w@]+", w)) for w in words]
    taken = [False] * len(words)
    hits: list[NameHit] = []
    for n in range(min(6, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            if any(taken[i:i + n]):
                continue
            key = " ".join(w for w in norm[i:i + n] if w)
            for candidate in (key, key[:-1] if key.endswith("s") else None,
                              key[:-2] if key.endswith("es") else None):
                if candidate and candidate in index:
                    hits.append(NameHit(index[candidate], i, i + n, 100.0, " ".join(words[i:i + n])))
                    taken[i:i + n] = [True] * n
                    break
    avoid = avoid or set()
    long_labels: list[str] | None = None
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(taken[i:i + n]):
                continue
            span = words[i:i + n]
            if any(w in _FILLER or w.isdigit() for w in span) or all(w in avoid for w in span):
                continue
            key = " ".join(norm[i:i + n])
            if len(key) < 5:
                continue        # short abbreviations are never guessed: SQS is not SNS
            from rapidfuzz import fuzz, process   # only a word no label explains pays for this

            if long_labels is None:
                long_labels = [k for k in index if len(k) >= 5]
            best = process.extractOne(key, long_labels, scorer=fuzz.ratio, score_cutoff=84)
            if best is not None and abs(len(best[0]) - len(key)) <= 3 and is_misspelling(key, best[0]):
                hits.append(NameHit(index[best[0]], i, i + n, float(best[1]), " ".join(span)))
                taken[i:i + n] = [True] * n
    hits.sort(key=lambda h: h.start)
    return hits
