"""Name look-ups for what users type: exact labels and aliases first, then rapidfuzz.

The cut-offs live here. Short abbreviations (SQS, SNS) are never matched fuzzily against each
other: a typo'd abbreviation must be closer to one label than to any other by a clear margin.
"""

from __future__ import annotations

import re

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
