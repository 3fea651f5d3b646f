"""The curated vocabularies of ontology/*.ttl, loaded once into plain Python lookups.

Services, features and categories (services.ttl), limit kinds and contexts (limit-kinds.ttl),
qualifiers and relations (kg.ttl). Everything here is names and cue words: no facts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg import cache
from kg.errors import VocabularyError
from kg.namespaces import KG, RDF, RDFS, SKOS
from kg.resources import vocabulary_paths

RDF_TYPE = RDF + "type"


@dataclass
class Concept:
    """One SKOS concept with its labels and the kg properties kg reads."""

    iri: str
    pref: str = ""
    alt: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    passive: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    schemes: set[str] = field(default_factory=set)
    broader: list[str] = field(default_factory=list)
    category: str | None = None
    dimensions: set[str] = field(default_factory=set)
    contrasts: set[str] = field(default_factory=set)
    inverse: str = ""           # relations: the label of the other direction
    two_way: bool = False       # relations: paths may follow it both ways
    comment: str = ""
    definition: str = ""        # skos:definition: what the concept is or does, in one line
    colour: str = ""            # categories: kg:colour, the fill of their services in diagrams
    entry: tuple[str, int, str] | None = None     # (file, line, text) where the concept's entry starts

    @property
    def labels(self) -> list[str]:
        seen: dict[str, None] = {}
        for label in [self.pref, *self.alt, *self.hidden]:
            if label and label.lower() not in {k.lower() for k in seen}:
                seen[label] = None
        return list(seen)

    @property
    def short(self) -> str:
        """The shortest altLabel that is an abbreviation (all capitals), else the prefLabel."""
        abbreviations = [a for a in self.alt if a.isupper() and len(a) <= 6]
        return min(abbreviations, key=len) if abbreviations else self.pref


@dataclass
class Vocabulary:
    """All concepts, grouped by scheme."""

    services: dict[str, Concept]
    kinds: dict[str, Concept]
    contexts: dict[str, Concept]
    qualifiers: dict[str, Concept]
    relations: dict[str, Concept]
    categories: dict[str, Concept]
    digest: str
    derived: dict = field(default_factory=dict)    # look-up tables built once and cached with it

    def service_label(self, iri: str) -> str:
        """The prefLabel of a service IRI (anything else is returned as given)."""
        c = self.services.get(iri)
        return c.pref if c else iri

    def parent_service(self, iri: str) -> str | None:
        c = self.services.get(iri)
        return c.broader[0] if c and c.broader else None

    def root_service(self, iri: str) -> str:
        seen = set()
        while (parent := self.parent_service(iri)) and parent not in seen:
            seen.add(iri)
            iri = parent
        return iri

    def ancestors(self, iri: str) -> set[str]:
        """Every concept a service or limit kind is filed under, through skos:broader."""
        out, todo = set(), [iri]
        while todo:
            node = todo.pop()
            c = self.services.get(node) or self.kinds.get(node)
            for b in c.broader if c else ():
                if b not in out:
                    out.add(b)
                    todo.append(b)
        return out

    def narrower(self, iri: str) -> list[str]:
        return [k for k, c in self.services.items() if iri in c.broader]

    def definition(self, iri: str) -> str:
        """The skos:definition of a concept of any scheme ("" when it has none)."""
        for group in (self.services, self.categories, self.kinds, self.contexts, self.qualifiers, self.relations):
            if iri in group:
                return group[iri].definition
        return ""


def _scheme_of(c: Concept) -> str:
    if KG + "Service" in c.types or KG + "Feature" in c.types or KG + "ServiceScheme" in c.schemes:
        return "services"
    if KG + "LimitKind" in c.types or KG + "LimitKindScheme" in c.schemes:
        return "kinds"
    if KG + "Context" in c.types or KG + "ContextScheme" in c.schemes:
        return "contexts"
    if KG + "Qualifier" in c.types or KG + "QualifierScheme" in c.schemes:
        return "qualifiers"
    if KG + "Relation" in c.types or KG + "RelationScheme" in c.schemes:
        return "relations"
    if KG + "Category" in c.types or KG + "CategoryScheme" in c.schemes:
        return "categories"
    return ""


# predicate -> Concept attribute: one value, a list of values, a set of values
_SINGLE = {SKOS + "prefLabel": "pref", KG + "category": "category", KG + "inverseLabel": "inverse",
           KG + "colour": "colour"}
_MULTI = {SKOS + "altLabel": "alt", SKOS + "hiddenLabel": "hidden", KG + "passiveLabel": "passive",
          SKOS + "broader": "broader"}
_SETS = {RDF_TYPE: "types", SKOS + "inScheme": "schemes", KG + "contrasts": "contrasts"}


def load_vocabulary(paths: list[Path] | None = None) -> Vocabulary:
    """Parse the ontology files into a Vocabulary.

    Raises:
        VocabularyError: when a file is missing or does not parse.
    """
    import pyoxigraph as ox

    paths = paths if paths is not None else vocabulary_paths()
    concepts: dict[str, Concept] = {}
    digest = hashlib.sha256()
    for path in paths:
        try:
            data = path.read_bytes()
            quads = list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
        except (OSError, SyntaxError, ValueError) as error:
            raise VocabularyError(str(path), str(error)) from None
        digest.update(data)
        for q in quads:
            s, p, o = q.subject, q.predicate.value, q.object
            if not isinstance(s, ox.NamedNode):
                continue
            c = concepts.setdefault(s.value, Concept(s.value))
            value = o.value
            if p in _SINGLE:
                setattr(c, _SINGLE[p], value)
            elif p in _MULTI:
                getattr(c, _MULTI[p]).append(value)
            elif p in _SETS:
                getattr(c, _SETS[p]).add(value)
            elif p == KG + "dimension":
                c.dimensions.add(value[len(KG):] if value.startswith(KG) else value)
            elif p == KG + "twoWay":
                c.two_way = value == "true"
            elif p == SKOS + "definition" and not c.definition:
                c.definition = value
            elif p == RDFS + "comment" and not c.comment:
                c.comment = value
        for iri, entry in _entries(path, data).items():
            if iri in concepts and concepts[iri].entry is None:
                concepts[iri].entry = entry
    groups: dict[str, dict[str, Concept]] = {k: {} for k in
                                              ("services", "kinds", "contexts", "qualifiers", "relations", "categories")}
    for iri, c in concepts.items():
        scheme = _scheme_of(c)
        if scheme and c.pref:
            groups[scheme][iri] = c
    for ctx in groups["contexts"].values():        # kg:contrasts is symmetric
        for other in ctx.contrasts:
            if other in groups["contexts"]:
                groups["contexts"][other].contrasts.add(ctx.iri)
    return Vocabulary(digest=digest.hexdigest()[:16], **groups)


_PREFIX_LINE = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>", re.I)
_SUBJECT_LINE = re.compile(r"(?:([A-Za-z][\w-]*)?:([\w.-]*[\w-])|<([^>]+)>)\s")


def _entries(path: Path, data: bytes) -> dict[str, tuple[str, int, str]]:
    """Where each subject's entry starts in a Turtle file: {IRI: ("ontology/services.ttl", line, text)}.

    An entry is a line that starts, unindented, with the subject's name (`svc:sqs a ...`), as the
    vocabularies are written; the first such line counts. This is what `kg connect` cites for a
    link that comes from the vocabulary (a feature "part of" its service).
    """
    name = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
    prefixes: dict[str, str] = {}
    out: dict[str, tuple[str, int, str]] = {}
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        declared = _PREFIX_LINE.match(line)
        if declared:
            prefixes[declared.group(1)] = declared.group(2)
            continue
        m = _SUBJECT_LINE.match(line)
        if not m:
            continue
        iri = m.group(3) if m.group(3) else prefixes.get(m.group(1) or "", None)
        if iri is None:
            continue
        iri = iri if m.group(3) else iri + m.group(2)
        out.setdefault(iri, (name, number, line.strip()))
    return out


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with kg (or KG_ONTOLOGY's), loaded once per process.

    Parsing the Turtle costs ~45 ms, so the parsed vocabulary is cached as a pickle keyed by
    the SHA-256 of the files; a changed file simply misses the cache.
    """
    paths = vocabulary_paths()
    digest = hashlib.sha256()
    # the code that builds the cached tables is part of the key: an upgrade of kg misses the cache
    here = Path(__file__).resolve().parent
    for path in [*paths, here / "vocab.py", here / "answer.py", here / "match.py"]:
        try:
            digest.update(path.read_bytes())
        except OSError as error:
            raise VocabularyError(str(path), error.strerror or str(error)) from None
    name = f"vocabulary-{digest.hexdigest()[:24]}.pickle"
    vocab = cache.load(name)
    if isinstance(vocab, Vocabulary):
        return vocab
    vocab = load_vocabulary(paths)
    from kg.answer import prepare_tables   # the question-side tables are worth caching too

    prepare_tables(vocab)
    cache.save(name, vocab)
    return vocab


# ---------------------------------------------------------------- finding labels in text

_STOP = set("""a an the of in on at to for from by with and or is are be been being was were it its
this that these those as can could will would should may might must do does did has have had
not no your you we our their they them he she i my me so if than then there here per each all any
some into onto over under up down out about via using use""".split())
_TOKEN = re.compile(r"[A-Za-z0-9@/]+(?:['’][a-z]+)?")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stemmer (cached: the same words recur in every statement): plural and -ed/-ing endings, enough to match "messages" to "message"."""
    w = word.lower().replace("’", "'").strip("/")      # "/tmp" and "tmp" are one word
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "ls":
                w = w[:-1]
            break
    return w


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Return (stem, start, end) for each word of `text` (what KindFinder reads)."""
    return [(stem(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def phrase_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """Return (start, end, lower-cased token) for each token of `text` that PhraseFinder reads:
    runs of letters and digits, and arrows and comparison signs."""
    return tuple((m.start(), m.end(), m.group().lower()) for m in _PHRASE_TOKEN.finditer(text))


def content_stems(label: str) -> tuple[str, ...]:
    """The stems of a label's content words (stopwords dropped, unless that leaves nothing)."""
    stems = [stem(m.group()) for m in _TOKEN.finditer(label)]
    content = tuple(s for s in stems if s not in _STOP)
    return content or tuple(stems)


@dataclass(frozen=True)
class Mention:
    """A vocabulary label found in text."""

    iri: str
    start: int
    end: int
    label: str


_PHRASE_TOKEN = re.compile(r"[A-Za-z0-9@&+]+|->|-->|=>|→|≤|≥|<=|>=")
_GAP = re.compile(r"[\s\-]*")


class PhraseFinder:
    """Finds concept labels in text as whole phrases, longest first.

    Labels of up to four characters (SQS, S3, EC2) match case-sensitively so that ordinary
    words are not read as services; longer labels match in any case. Words of a label may be
    joined by spaces or hyphens ("X-Ray", "X Ray") or written together ("XRay"), and a
    trailing plural "s" is allowed. Matching looks up word n-grams in a dictionary, so its
    cost does not grow with the size of the vocabulary.
    """

    def __init__(self, labels: dict[str, list[str]], case_sensitive_upto: int = 4) -> None:
        self._upto = case_sensitive_upto
        self._keys: dict[tuple[str, ...], list[tuple[str, str]]] = {}   # key -> [(label, iri)]
        self._longest = 1
        self._lengths: dict = {}    # a key's first word -> the lengths of the keys it starts
        for iri, names in labels.items():
            for name in names:
                name = name.strip()
                words = tuple(w.lower() for w in _PHRASE_TOKEN.findall(name))
                if not words:
                    continue
                variants = {words}
                if len(words) > 1 and all(w.isalnum() for w in words):
                    variants.add(("".join(words),))
                for key in variants:
                    self._keys.setdefault(key, []).append((name, iri))
                    self._longest = max(self._longest, len(key))
                    self._lengths.setdefault(key[0], set()).add(len(key))
        # every word that can start a match -> the lengths of the keys it may start, longest
        # first: a key's first word, and the plural ("queues", "buses") of a one-word key, which
        # a plural cut turns into that key
        starts = {w: set(ns) for w, ns in self._lengths.items()}
        for key in self._keys:
            if len(key) == 1:
                for plural in (key[0] + "s", key[0] + "es"):
                    starts.setdefault(plural, set()).add(1)
        self._starts = {w: tuple(sorted(ns, reverse=True)) for w, ns in starts.items()}

    def _accept(self, key: tuple[str, ...], original: str) -> str | None:
        for label, iri in self._keys.get(key, ()):
            if len(label) > self._upto:
                return iri
            squashed = re.sub(r"[\s\-]+", "", original)
            if squashed in (re.sub(r"[\s\-]+", "", label), re.sub(r"[\s\-]+", "", label) + "s"):
                return iri     # a short label must be written as it is: "SQS", never "sqs"
        return None

    def find(self, text: str, toks: tuple[tuple[int, int, str], ...] | None = None) -> list[Mention]:
        """Return non-overlapping mentions, leftmost-longest.

        Args:
            text: the text to search.
            toks: `phrase_tokens(text)`, when the caller has them already (one tokenisation of
                a statement shared by every finder).
        """
        toks = phrase_tokens(text) if toks is None else toks
        low = [t[2] for t in toks]
        out: list[Mention] = []
        i = 0
        starts = self._starts
        if starts.keys().isdisjoint(low):
            return out
        while i < len(toks):
            found = None
            lengths = starts.get(low[i])
            if lengths is None:
                i += 1
                continue
            for n in lengths:
                if n > len(toks) - i:
                    continue
                key = tuple(low[i:i + n])
                last = key[-1]
                candidates = [(key, 0)]
                for cut in ("es", "s"):
                    if len(last) > len(cut) + 1 and last.endswith(cut):
                        candidates.append((key[:-1] + (last[: -len(cut)],), len(cut)))
                if not any(k in self._keys for k, _c in candidates):
                    continue
                if n > 1 and any(not _GAP.fullmatch(text[toks[k][1]:toks[k + 1][0]])
                                 for k in range(i, i + n - 1)):
                    continue
                start, end = toks[i][0], toks[i + n - 1][1]
                original = text[start:end]
                iri = None
                for k, cut in candidates:
                    iri = self._accept(k, original[: len(original) - cut] if cut else original)
                    if iri:
                        break
                if iri is not None:
                    found = Mention(iri, start, end, original)
                    i += n
                    break
            if found:
                out.append(found)
            else:
                i += 1
        return out


@dataclass(frozen=True)
class KindHit:
    """A limit kind whose label's words were found in text."""

    iri: str
    start: int
    end: int
    size: int       # number of content words matched


class KindFinder:
    """Finds limit kinds by their labels' content words, in any order, within a small window."""

    def __init__(self, kinds: dict[str, Concept], window: int = 6) -> None:
        self.window = window
        self.labels: list[tuple[str, tuple[str, ...]]] = []
        self.by_stem: dict[str, list[int]] = {}
        for iri, c in kinds.items():
            for label in c.labels:
                stems = content_stems(label)
                if not stems:
                    continue
                idx = len(self.labels)
                self.labels.append((iri, stems))
                self.by_stem.setdefault(stems[0], []).append(idx)
                for s in stems[1:]:
                    self.by_stem.setdefault(s, []).append(idx)

    def find(self, text: str, toks: list[tuple[str, int, int]] | None = None) -> list[KindHit]:
        """Return the kinds whose words `text` holds; `toks` is `tokens(text)` if known."""
        toks = tokens(text) if toks is None else toks
        positions: dict[str, list[int]] = {}
        for i, (s, _a, _b) in enumerate(toks):
            positions.setdefault(s, []).append(i)
        hits: list[KindHit] = []
        seen: set[int] = set()
        for s in positions:
            for idx in self.by_stem.get(s, ()):
                if idx in seen:
                    continue
                seen.add(idx)
                iri, stems = self.labels[idx]
                if not all(x in positions for x in stems):
                    continue
                # the tightest window holding every stem, anchored on each occurrence of the first
                for anchor in positions[stems[0]]:
                    span = [anchor]
                    for x in stems[1:]:
                        span.append(min(positions[x], key=lambda p: abs(p - anchor)))
                    lo, hi = min(span), max(span)
                    if hi - lo <= len(stems) - 1 + self.window and len(set(span)) == len(stems):
                        hits.append(KindHit(iri, toks[lo][1], toks[hi][2], len(stems)))
        return hits
