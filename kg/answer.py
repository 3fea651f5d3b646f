"""Question -> Answer: the best facts for a question, with every source, or an honest "not found".

Service first (exact label or alias, then fuzzy), then the limit kind (the vocabulary's labels
and the free labels of that service's facts), then the qualifier and context. A fact of another
service or another limit kind is never offered as the answer; when the notes disagree on the
same service, kind, qualifier and context, the status is "conflict" and the newest note leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.errors import EmptyQuestion
from kg.facts import LimitFact, Source, limit_facts, service_and_features
from kg.match import NameHit, find_service_names, label_index, suggest_services
from kg.question import Question
from kg.store import EmbeddedStore
from kg.units import Quantity, convert, format_quantity
from kg.vocab import KindFinder, Vocabulary, stem, tokens

MIN_SCORE = 3.0    # below this no fact answers the question: say so rather than guess


@dataclass
class AnswerItem:
    """One value offered as an answer, with everything that supports it."""

    service: str
    attribute: str
    qualifier: str
    context: str | None
    value: str
    quantity: Quantity | None
    converted: Quantity | None
    sources: list[Source]
    date: str | None = None
    kind: str = "limit"                 # the type of answer: limit, range, yesno, name, port, ...
    low: Quantity | None = None         # a range's two ends
    high: Quantity | None = None

    @property
    def agreeing_notes(self) -> int:
        return len({s.note for s in self.sources})


@dataclass
class Answer:
    """What kg says to a question."""

    question: str
    status: str                     # answered | conflict | not_found | ambiguous
    message: str
    answers: list[AnswerItem] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    paths: list = field(default_factory=list)      # for connection questions
    score: float = 0.0              # the best fact's score (kg.reading reads it as a feature)
    unknown_service: bool = False   # no service of the vocabulary is named: exit status 1 (README)
    read_as: str | None = None      # the question as answered, when misspelt words were read as the notes spell them


class Answerer:
    """Holds the vocabulary look-ups; reuse one for many questions (kg ask -)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        tables = prepare_tables(vocab)
        self.index = tables["index"]
        self.kinds = tables["kinds"]
        self.kind_words = tables["kind_words"]
        self.kind_labels = tables["kind_labels"]
        self.qualifier_words = tables["qualifier_words"]
        self.qualifier_phrases = tables["qualifier_phrases"]
        self.context_words = tables["context_words"]
        self.spellings = tables["spellings"]
        self._context_stems = tables["context_stems"]
        self._facts_cache: dict[str, list[LimitFact]] = {}
        self._context_key_stems: dict[str, set[str]] = {}
        # where a service's limit facts are read when not yet in this process: the store, or a
        # keeper of them (kg.index.StatementIndex.limit_facts, which reads the store on a miss)
        self.fact_source = None


    # ------------------------------------------------------------ entry point

    def answer(self, store: EmbeddedStore, question: Question) -> Answer:
        if question.kind == "empty":
            raise EmptyQuestion()
        if question.kind == "connect":
            return self._connect(store, question)
        hits = self._named(question)
        question = self._corrected(question, hits)
        if not hits:
            return self._without_service(store, question)
        services = self._scope(hits)
        facts = [f for iri in services for f in self._facts(store, iri)]
        facts += self._umbrella_facts(store, hits, services, facts)
        if not facts:
            names = ", ".join(dict.fromkeys(self.vocab.service_label(h.iri) for h in hits))
            return Answer(question.text, "not_found", f"The notes state no limits about {names}.")
        scored = self._score(question, hits, facts)
        if not scored or scored[0][0] < MIN_SCORE:
            return Answer(question.text, "not_found",
                          f"The notes do not say that about {self.vocab.service_label(hits[0].iri)}.",
                          suggestions=self._suggest(facts, scored))
        return self._assemble(question, scored)

    def services_named(self, question: Question) -> tuple[list[NameHit], list[str]]:
        """The services a question names, and the services in scope for it (kg.reading)."""
        hits = self._named(question)
        return hits, self._scope(hits) if hits else []

    def _named(self, question: Question) -> list[NameHit]:
        avoid = {w for w in question.words if stem(w) in self.kind_words or w in self.qualifier_words}
        hits = find_service_names(question.words, self.vocab, avoid=avoid, index=self.index)
        hits = self._narrowest(hits)
        if len(hits) > 1:
            # "the most RAM for a Lambda function": RAM the memory, not AWS Resource Access Manager
            hits = [h for h in hits if not (h.end - h.start == 1 and h.words in self.kind_labels)] or hits
        return hits + self._features_named_in_part(question, hits)

    # ------------------------------------------------------------ connection questions

    def _connect(self, store: EmbeddedStore, question: Question) -> Answer:
        """ "what connects SNS to Lambda": the paths of kg connect, in the answer's `paths`."""
        from kg.paths import connect

        a, b = question.ends
        result = connect(store, self.vocab, a, b, graph=self._graph(store))
        status = "answered" if result.status == "connected" else "not_found"
        return Answer(question.text, status, result.message, paths=result.paths)

    def _graph(self, store: EmbeddedStore):
        if "graph" not in self._facts_cache:
            from kg.paths import graph_from_store

            self._facts_cache["graph"] = graph_from_store(store, self.vocab)   # once per batch
        return self._facts_cache["graph"]

    # ------------------------------------------------------------ services

    def _narrowest(self, hits: list[NameHit]) -> list[NameHit]:
        """ "RDS Aurora", "S3 Glacier": a service named right before one filed under it only qualifies it."""
        out = []
        for i, h in enumerate(hits):
            nxt = hits[i + 1] if i + 1 < len(hits) else None
            if nxt and nxt.start == h.end and h.iri in self.vocab.ancestors(nxt.iri):
                continue
            out.append(h)
        return out

    def _features_named_in_part(self, question: Question, hits: list[NameHit]) -> list[NameHit]:
        """ "lambda sqs event source max batch size": with Lambda named, "event source" names its
        event source mapping. Two or more words in a row of a named service's feature label,
        covering most of what the label adds to the service's own name."""
        taken = {i for h in hits for i in range(h.start, h.end)}
        words = question.words
        out = []
        for h in hits:
            own = set(re.findall(r"[a-z0-9]+", self.vocab.service_label(h.iri).lower()))
            for feature in self.vocab.narrower(h.iri):
                best = None
                for label in self.vocab.services[feature].labels:
                    extra = [w for w in re.findall(r"[a-z0-9]+", label.lower()) if w not in own]
                    if len(extra) < 2:
                        continue
                    for n in range(len(extra), 1, -1):
                        if 3 * n < 2 * len(extra):
                            break
                        part = tuple(extra[:n])
                        for i in range(len(words) - n + 1):
                            if words[i:i + n] == part and not taken & set(range(i, i + n)):
                                best = best or NameHit(feature, i, i + n, 90.0, " ".join(part))
                if best:
                    out.append(best)
                    taken |= set(range(best.start, best.end))
        return out

    def _scope(self, hits: list[NameHit]) -> list[str]:
        """The named services, their features, then the services they are part of.

        "max LSIs per DynamoDB table" names the LSI feature, but the notes state the limit under
        DynamoDB: the parent's facts are in scope too (scored a little lower).
        """
        out: list[str] = []
        for h in hits:
            for iri in service_and_features(self.vocab, h.iri):
                if iri not in out:
                    out.append(iri)
        for h in hits:
            parent = self.vocab.parent_service(h.iri)
            while parent and parent not in out:
                out.append(parent)
                parent = self.vocab.parent_service(parent)
        return out

    def _umbrella_facts(self, store: EmbeddedStore, hits: list[NameHit], scope: list[str],
                        own: list[LimitFact]) -> list[LimitFact]:
        """Facts of services filed under a named one, when the notes use the name as an umbrella.

        "Kinesis shard read throughput": the notes state it of Kinesis Data Streams. A name is an
        umbrella when it names a family (two or more services filed under it) whose members carry
        more facts than it does; RDS, with Aurora alone under it, does not answer for Aurora.
        """
        extra: list[LimitFact] = []
        for h in hits:
            children = [c for c in self.vocab.narrower(h.iri) if c not in scope]
            if len(children) < 2:
                continue
            theirs = [f for c in children for iri in service_and_features(self.vocab, c)
                      for f in self._facts(store, iri)]
            mine = [f for f in own if self.vocab.root_service(f.service) == self.vocab.root_service(h.iri)]
            if len(theirs) > len(mine):
                extra.extend(theirs)
        return extra

    def _without_service(self, store: EmbeddedStore, question: Question) -> Answer:
        """No service named: answer only if one service's fact clearly fits ("BatchWriteItem size")."""
        if "*" not in self._facts_cache:
            self._facts_cache["*"] = self._read_facts(store, None)
        every = self._facts_cache["*"]
        # a condition only one service's facts carry names that service ("BatchGetItem": DynamoDB)
        asked = self._distinguishing(self._wanted_contexts(question))
        owners = {self.vocab.root_service(f.service) for f in every if asked & set(f.contexts)}
        if len(owners) == 1:
            root = owners.pop()
            scored = self._score(question, [NameHit(root, -1, -1, 0.0, "")],
                                 [f for f in every if self.vocab.root_service(f.service) == root])
            if scored and scored[0][0] >= MIN_SCORE:
                return self._assemble(question, scored)
        scored = self._score(question, [], every, require_kind=True)
        if not scored or scored[0][0] < MIN_SCORE + 2:
            return self._unknown_service(question)
        best = scored[0][0]
        close = [f for sc, f in scored if sc >= best - 1.0]
        if len({self.vocab.root_service(f.service) for f in close}) > 1:
            if self._leftover(question):
                return self._unknown_service(question)     # "kafka retention": kafka is the service
            names = list(dict.fromkeys(f.service_label for f in close))[:5]
            return Answer(question.text, "ambiguous",
                          f"The question names no service, and several fit: {', '.join(names)}. Name one.",
                          suggestions=self._suggest(close, scored))
        return self._assemble(question, scored)

    def _facts(self, store: EmbeddedStore, iri: str) -> list[LimitFact]:
        if iri not in self._facts_cache:
            self._facts_cache[iri] = self._read_facts(store, iri)
        return self._facts_cache[iri]

    def _read_facts(self, store: EmbeddedStore, iri: str | None) -> list[LimitFact]:
        if self.fact_source is not None:
            return self.fact_source(store, self.vocab, iri)
        return limit_facts(store, self.vocab, [iri] if iri is not None else None)

    def _leftover(self, question: Question) -> list[str]:
        """Words that name neither a limit, a qualifier, a context nor anything else kg knows."""
        return [w for w in question.words if w not in _QUESTION_FILLER and stem(w) not in self.kind_words
                and w not in self.qualifier_words and w not in self.context_words and not w.isdigit()
                and w not in self.spellings]

    def _unknown_service(self, question: Question) -> Answer:
        leftover = self._leftover(question)
        name = " ".join(leftover[:3]) or question.text
        near = suggest_services(name, self.vocab) if leftover else []
        hint = f" Closest known services: {', '.join(near)}." if near else ""
        return Answer(question.text, "not_found",
                      f"No service in the notes matches '{name}'.{hint}", suggestions=near, unknown_service=True)

    # ------------------------------------------------------------ scoring facts

    def _wanted_qualifier(self, question: Question) -> tuple[str | None, bool]:
        """The qualifier the question asks for, and whether a cue word names it.

        A cue word or phrase of the vocabulary names it; "how long", "how many" only imply a
        maximum ("how long does a standard retrieval take" asks for the one duration stated).
        """
        text = f" {' '.join(question.words)} "
        for phrase, qualifier in self.qualifier_phrases:       # longest first: "by default" before "default"
            if f" {phrase} " in text:
                return qualifier, not phrase.startswith("how ")
        return ("maximum", False) if question.implied_maximum else (None, False)

    def _wanted_contexts(self, question: Question) -> set[str]:
        """Contexts the question names; "without batching" is unbatched, not also batching."""
        text = " " + " ".join(question.words).replace("-", " ") + " "      # "single-node": single node
        found = [(text.find(f" {label} "), len(label), iri) for label, iri in self.context_words.items()
                 if f" {label} " in text]
        found.sort(key=lambda x: (x[0], -x[1]))
        out, covered = set(), []
        for start, length, iri in found:
            if any(a <= start and start + length <= b for a, b in covered):
                continue
            covered.append((start, start + length + 1))
            out.add(iri)
        return out

    def _score(self, question: Question, hits: list[NameHit], facts: list[LimitFact],
               require_kind: bool = False) -> list[tuple[float, LimitFact]]:
        """Score each fact against the question; facts of another limit kind are left out.

        With `require_kind` (no service named), only facts of a specific kind the question names count.
        """
        named = {h.iri for h in hits}
        service_tokens = {i for h in hits for i in range(h.start, h.end)}
        rest = [w for i, w in enumerate(question.words) if i not in service_tokens]
        # "gp3", "io2", "t3.micro": a model the question names must be on the fact's own line
        models = [w for w in rest if _MODEL.fullmatch(w) and w not in self.index]
        rest_text = " ".join(rest)
        rest_stems = {stem(w) for w in rest if w not in _QUESTION_FILLER}
        kind_hits = self.kinds.find(rest_text)
        if not kind_hits:
            # "how many local secondary indexes ... on a table": the feature's name is the limit's
            feature_words = " ".join(h.words for h in hits if self.vocab.parent_service(h.iri))
            kind_hits = [h for h in self.kinds.find(feature_words) if h.size >= 2] if feature_words else []
        asked_kinds: dict[str, int] = {}
        for h in kind_hits:
            asked_kinds[h.iri] = max(asked_kinds.get(h.iri, 0), h.size)
        # keep the most specific kinds asked: "item size" asks for item size, not for any size
        spans = {h.iri: (h.start, h.end) for h in kind_hits}
        asked_kinds = {k: n for k, n in asked_kinds.items() if not any(
            other != k and (k in self.vocab.kinds[other].broader or
                            (spans[other][0] <= spans[k][0] and spans[k][1] <= spans[other][1] and asked_kinds[other] > n))
            for other in asked_kinds)}
        if asked_kinds and max(asked_kinds.values()) == 1 and not any(
                f.kind in asked_kinds or (f.kind and self._related_kind(f.kind, asked_kinds))
                or self._fits_by_dimension(f, asked_kinds, question) for f in facts):
            # "largest payload an SQS queue accepts": "payload" alone names Lambda's invocation
            # payload, which SQS has none of; fall back to the words the facts' labels share
            asked_kinds = {}
        qualifier, explicit = self._wanted_qualifier(question)
        contexts = self._wanted_contexts(question)
        ancestors = {a for n in named for a in self.vocab.ancestors(n)} - named
        asked_context_stems = {stem(w) for label, iri in self.context_words.items() if iri in contexts
                               and f" {label} " in f" {rest_text} " for w in label.split()}
        out = []
        for f in facts:
            score = 0.0
            if require_kind and not (f.kind in asked_kinds and self.vocab.kinds[f.kind].broader):
                continue
            if models and not all(any(m in s.text.lower() for s in f.sources) for m in models):
                continue             # EBS's 64,000 IOPS are not gp3's
            if contexts and self._contrasts(set(f.contexts) | self._noun_contexts(f), contexts):
                continue             # "unzipped" asked: the zipped value is another thing; "RCU": not 1,000 WCU
            kind_fits = True         # the fact is of the kind asked, one near it, or fits it otherwise
            if f.kind and f.kind in asked_kinds:
                score += 4 + 2 * asked_kinds[f.kind]
            elif f.kind and self._related_kind(f.kind, asked_kinds):
                score += 3
            elif f.kind and self._evidenced_broader(f, asked_kinds):
                score += 4           # "retention period" stated on a line about backups
            elif f.kind and self._generic_fit(f, asked_kinds):
                score += 2           # "100PB per Snowmobile", a bare size, for "how much data does it hold"
            elif asked_kinds and f.kind:
                continue             # the question names another kind of limit: never offer this one
            elif asked_kinds and self._fits_by_context(f, asked_kinds, contexts):
                score += 3           # "BatchGetItem ⇒ ... (16MB max)": a size stated under the asked operation
            elif asked_kinds and self._fits_by_dimension(f, asked_kinds, question):
                score += 2           # "User keys created in KMS ⇒ $1/month" is a price
            else:
                kind_fits = False
            label_stems = {stem(w) for w in re.findall(r"[A-Za-z0-9]+", f.attribute.lower())}
            if f.kind:
                label_stems |= {stem(w) for label in self.vocab.kinds[f.kind].labels
                                for w in re.findall(r"[A-Za-z0-9]+", label.lower())}
            overlap = float(len(rest_stems & label_stems))    # typos were corrected by _spell
            # the words of a vocabulary kind's own name are strong evidence; a free label's are not
            name_stems = ({stem(w) for w in re.findall(r"[A-Za-z0-9]+", self.vocab.kinds[f.kind].pref.lower())}
                          - _GENERIC_STEMS) if f.kind in self.vocab.kinds else set()
            if not kind_fits and not (rest_stems & name_stems) and \
                    not (rest_stems & label_stems - _GENERIC_STEMS - self._context_stems):
                continue             # only "size", "limit" or "per account" in common: not the same thing
            score += 1.5 * overlap
            if question.dimension and f.quantity.dimension != question.dimension and not (
                    (question.dimension, f.quantity.dimension) in _COMPATIBLE_DIMENSIONS):
                score -= 4
            if qualifier:
                if f.qualifier == qualifier:
                    score += 2
                elif f.qualifier == "exact":
                    score += 0 if explicit else 1      # "how long does it take": the one duration stated
                else:
                    score -= 2.5 if explicit else 1.5
            else:
                score += {"maximum": 0.6, "default": 0.8, "exact": 0.4, "minimum": 0.0}[f.qualifier]
            # a context whose key word the question uses ("requests" for per request) is no extra condition
            hinted = {c for c in f.contexts if c not in contexts and self._hinted(c, rest_stems)}
            if contexts:
                score += 3 * len(contexts & set(f.contexts)) - 0.5 * len(set(f.contexts) - contexts - hinted)
            else:
                score -= 0.3 * len(set(f.contexts) - hinted)
            score += 0.5 * len(hinted)
            if f.quantity.noun and {stem(w) for w in f.quantity.noun.split()} <= rest_stems - asked_context_stems:
                score += 1.0         # "how many batches": the value counts batches
            if f.service in named:
                score += 0.5         # the service itself before its features
            elif f.service in ancestors:
                if not (f.says(label for n in named if n in self.vocab.services
                               for label in self.vocab.services[n].labels)
                        or self._distinguishing(contexts) & set(f.contexts)):
                    continue         # Lambda's 15 minutes says nothing about Lambda@Edge
                score -= 1.0         # the service a named one is part of, on a line naming the part
            elif self.vocab.root_service(f.service) not in {self.vocab.root_service(n) for n in named}:
                score -= 0.5         # a service filed under the named one
            score += 0.15 * min(len({s.note for s in f.sources}), 4)
            # the question's other words on the fact's own lines: "one full vCPU" and "1 full vCPU at 1792MB"
            score += 0.3 * min(len(rest_stems & self._line_stems(f)), 3)
            out.append((score, f))
        # ties broken by the facts themselves, never by the order the store returned them in
        out.sort(key=lambda x: (-round(x[0], 9), -len({s.note for s in x[1].sources}), x[1].service,
                                x[1].attribute, x[1].qualifier, x[1].contexts, x[1].order,
                                x[1].quantity.canonical_value))
        return out

    def _fits_by_context(self, f: LimitFact, asked: dict[str, int], contexts: set[str]) -> bool:
        """A free-labelled fact of the asked kind's dimension, stated under a distinguishing
        condition the question names ("BatchGetItem response size" and "BatchGetItem ⇒ ... 16MB max")."""
        if f.kind or not asked or not (self._distinguishing(contexts) & set(f.contexts)):
            return False
        return any(f.quantity.dimension in self.vocab.kinds[k].dimensions for k in asked if k in self.vocab.kinds)

    def _generic_fit(self, f: LimitFact, asked: dict[str, int]) -> bool:
        """A fact of a dimension's generic kind (a line that is nothing but a value of the service)
        answers any asked kind under that generic one."""
        c = self.vocab.kinds.get(f.kind or "")
        if c is None or c.broader or not asked:
            return False
        return any(f.kind in self.vocab.ancestors(k) for k in asked)

    def _fits_by_dimension(self, f: LimitFact, asked: dict[str, int], question: Question) -> bool:
        """A free-labelled amount of money answers a question about a price: "User keys created
        in KMS ⇒ $1/month" is what a key costs. (A bare size is not so clear: "0.5GB to 237GB"
        under a cache bullet is the cache's, not the service's.)"""
        if f.kind or not asked or f.quantity.dimension != "Money" or question.dimension != "Money":
            return False
        return any("Money" in self.vocab.kinds[k].dimensions for k in asked if k in self.vocab.kinds)

    def _contrasts(self, a, b) -> bool:
        """Do two sets of contexts contradict each other (zipped and unzipped)?"""
        return any(y in self.vocab.contexts[x].contrasts for x in a if x in self.vocab.contexts for y in b)

    def _distinguishing(self, contexts) -> frozenset:
        """The contexts that tell values apart: those with an opposite (FIFO/standard, zipped/unzipped)."""
        return frozenset(c for c in contexts if c in self.vocab.contexts and self.vocab.contexts[c].contrasts)

    def _evidenced_broader(self, f: LimitFact, asked: dict[str, int]) -> bool:
        """Is the fact's kind broader than an asked kind, with the asked kind's own words on its line?"""
        for k in asked:
            if f.kind not in self.vocab.ancestors(k):
                continue
            extra = {stem(w) for w in re.findall(r"[a-z0-9]+", self.vocab.kinds[k].pref.lower())} - \
                {stem(w) for w in re.findall(r"[a-z0-9]+", self.vocab.kinds[f.kind].pref.lower())} - _GENERIC_STEMS
            # the words may be on the line or in a context it inherited ("automated backups")
            texts = " ".join([s.text.lower() for s in f.sources] +
                             [self.vocab.contexts[c].pref.lower() for c in f.contexts if c in self.vocab.contexts])
            if extra and all(any(stem(w) == e for w in re.findall(r"[a-z0-9]+", texts)) for e in extra):
                return True
        return False

    def _noun_contexts(self, f: LimitFact) -> set[str]:
        """Contexts a value's own unit word names: "3,000 RCU" is a read, "1,000 WCU" a write."""
        noun = (f.quantity.noun or "").lower()
        if not noun:
            return set()
        return {iri for key in (noun, noun.rstrip("s")) if (iri := self.context_words.get(key))}

    def _hinted(self, context: str, stems: set[str]) -> bool:
        own = self._context_key_stems.get(context)
        if own is None:
            c = self.vocab.contexts.get(context)
            own = {stem(w) for w in re.findall(r"[a-z0-9]+", c.pref.lower())} - {"per", "each"} if c else set()
            self._context_key_stems[context] = own
        return bool(own) and own <= stems

    def _line_stems(self, f: LimitFact) -> set[str]:
        return {stem(w) for s in f.sources for w in re.findall(r"[a-z0-9]+", s.text.lower())} - _GENERIC_STEMS

    def _related_kind(self, kind: str, asked: dict[str, int]) -> bool:
        """Is the fact's kind a narrower kind of one asked for ("timeout" asked, "visibility timeout" stated)?"""
        c = self.vocab.kinds.get(kind)
        return bool(c) and any(b in asked for b in c.broader)

    def _corrected(self, question: Question, hits: list[NameHit]) -> Question:
        """The question with typos in its limit words corrected (service names are matched already)."""
        from dataclasses import replace

        names = {i for h in hits for i in range(h.start, h.end)}
        words = tuple(w if i in names else self._spell(w) for i, w in enumerate(question.words))
        return question if words == question.words else replace(question, words=words)

    def _spell(self, word: str) -> str:
        """Correct a typo in a limit word ("visiblity" -> "visibility"); leave other words alone."""
        if (len(word) < 5 or not word.isalpha() or stem(word) in self.kind_words or word in self.qualifier_words
                or word in _QUESTION_FILLER or word in self.context_words):
            return word
        from rapidfuzz import fuzz, process

        best = process.extractOne(word, self.spellings, scorer=fuzz.ratio, score_cutoff=82)
        if best is not None and abs(len(best[0]) - len(word)) <= 2:
            return best[0]
        return word

    # ------------------------------------------------------------ building the answer

    def _same_limit(self, f: LimitFact, g: LimitFact) -> bool:
        return (f.service, f.attribute, f.qualifier, f.quantity.dimension) == \
            (g.service, g.attribute, g.qualifier, g.quantity.dimension)

    def _assemble(self, question: Question, scored: list[tuple[float, LimitFact]]) -> Answer:
        answer = self._assemble_items(question, scored)
        answer.score = scored[0][0]
        return answer

    def _assemble_items(self, question: Question, scored: list[tuple[float, LimitFact]]) -> Answer:
        """The best fact, every fact that agrees with it, and the values that contradict it.

        Whether a value contradicts the best one is kg check's rule (kg.check.disagree), so
        that ask, describe and check mark the same conflicts; a different value under another
        condition ("with batching") is another answer, and values under contrasting conditions
        (zipped vs unzipped) are not compared at all.
        """
        from kg.check import active_contexts, disagree

        best_score, best = scored[0]
        wanted, explicit = self._wanted_qualifier(question)
        if explicit and wanted in ("maximum", "minimum") and best.qualifier == wanted:
            # "burst concurrency max" over one note's list of per-region maxima (3000, 1000, 500):
            # the largest of the near-equal candidates; "lowest ...": the smallest
            near = [(sc, f) for sc, f in scored if sc >= best_score - 1.0 and self._same_limit(f, best)
                    and set(f.contexts) == set(best.contexts)]
            pick = max if wanted == "maximum" else min
            best_score, best = pick(near, key=lambda x: (x[1].quantity.canonical_value, x[0]))
            scored = [(best_score, best)] + [x for x in scored if x[1] is not best]
        same = [(sc, f) for sc, f in scored if f is best or
                (self._same_limit(f, best) and not self._contrasts(f.contexts, best.contexts))]
        active = active_contexts([f for _sc, f in same], self.vocab)
        values: dict[float, list[LimitFact]] = {}
        specific: list[tuple[float, LimitFact]] = []
        for sc, f in same:
            value = round(f.quantity.canonical_value, 6)
            if value == round(best.quantity.canonical_value, 6) or (
                    best.qualifier != "exact" and disagree(best, f, self.vocab, active)):
                values.setdefault(value, []).append(f)
            else:
                specific.append((sc, f))
        groups = [self._item(question, fs) for fs in values.values()]
        groups.sort(key=lambda it: (it.date or "", it.agreeing_notes), reverse=True)
        if len(groups) > 1:
            message = (f"The notes disagree on {best.service_label} {best.attribute} ({best.qualifier}): "
                       + "; ".join(f"{g.value} in {g.agreeing_notes} note{'s' if g.agreeing_notes != 1 else ''}"
                                   for g in groups) + ".")
            return Answer(question.text, "conflict", message, groups)
        # the same limit under more specific conditions, or its other qualifiers, as "also" lines
        extra, seen = [], {round(best.quantity.canonical_value, 6)}
        for sc, f in specific + [(sc, f) for sc, f in scored[1:] if f.service == best.service
                                 and f.attribute == best.attribute and f.qualifier != best.qualifier]:
            key = (f.qualifier, round(f.quantity.canonical_value, 6))
            if sc < best_score - 4 or len(extra) >= 3 or key in seen:
                continue
            seen.add(key)
            extra.append(self._item(question, [f]))
        top = groups[0]
        message = (f"{top.service} {top.attribute} ({top.qualifier}"
                   f"{', ' + top.context if top.context else ''}): {top.value}")
        return Answer(question.text, "answered", message, [top, *extra])

    def _item(self, question: Question, facts: list[LimitFact]) -> AnswerItem:
        f = max(facts, key=lambda g: len(g.sources))      # the value as most notes write it
        sources: list[Source] = []
        for g in facts:
            for s in g.sources:
                if s not in sources:
                    sources.append(s)
        sources.sort(key=lambda s: (s.note, s.line))
        converted = None
        if question.target_unit:
            try:
                converted = convert(f.quantity, question.target_unit)
            except ValueError:
                converted = None
        context = ", ".join(self.vocab.contexts[c].pref for c in f.contexts if c in self.vocab.contexts) or None
        dates = [s.date for s in sources if s.date]
        return AnswerItem(f.service_label, f.attribute, f.qualifier, context, format_quantity(f.quantity),
                          f.quantity, converted, sources, max(dates) if dates else None)

    def _suggest(self, facts: list[LimitFact], scored: list[tuple[float, LimitFact]]) -> list[str]:
        out: list[str] = []
        for _s, f in scored or [(0, f) for f in facts]:
            text = f"{f.service_label} {f.attribute} ({f.qualifier}): {f.value}"
            if text not in out:
                out.append(text)
            if len(out) == 3:
                break
        return out


def prepare_tables(vocab: Vocabulary) -> dict:
    """The question-side look-up tables of a vocabulary, built once and kept in vocab.derived."""
    tables = vocab.derived.get("answer")
    if tables is not None:
        return tables
    qualifier_words: dict[str, str] = {}
    qualifier_phrases: list[tuple[str, str]] = []
    for iri, c in vocab.qualifiers.items():
        for label in c.labels:
            words = " ".join(re.findall(r"[a-z]+", label.lower()))
            if words:
                qualifier_phrases.append((words, iri.rsplit("#", 1)[-1]))
            if " " not in label and label.isalpha():
                qualifier_words[label.lower()] = iri.rsplit("#", 1)[-1]
    qualifier_phrases.sort(key=lambda p: -len(p[0]))
    tables = {
        "index": label_index(vocab),
        "kinds": KindFinder(vocab.kinds, window=2),    # questions are terse: words stand together
        "kind_words": {stem(w) for c in vocab.kinds.values() for label in c.labels
                       for w in re.findall(r"[A-Za-z0-9]+", label.lower())},
        "kind_labels": {label.lower() for c in vocab.kinds.values() for label in c.labels},
        "qualifier_words": qualifier_words,
        "qualifier_phrases": qualifier_phrases,
        "context_words": {label.lower(): iri for iri, c in vocab.contexts.items() for label in c.labels},
        # words worth correcting a typo towards: those of limit kinds, contexts and qualifiers
        "context_stems": {stem(w) for c in vocab.contexts.values() for label in c.labels
                          for w in re.findall(r"[A-Za-z0-9]+", label.lower())},
        "spellings": sorted({w for c in [*vocab.kinds.values(), *vocab.contexts.values()] for label in c.labels
                             for w in re.findall(r"[a-z]+", label.lower()) if len(w) >= 4}
                            | {w for w in qualifier_words if len(w) >= 4}),
    }
    vocab.derived["answer"] = tables
    return tables


# a question's dimension cue and the fact dimensions that still answer it: "how many requests
# per second" (Count) and a rate; "throughput" and 1,000 records/s or 1 MB/s
_COMPATIBLE_DIMENSIONS = {("Count", "Rate"), ("Throughput", "Rate"), ("Throughput", "DataRate")}

# a model name: starts with a letter and holds a digit ("gp3", "t3.micro"); "256kb" starts with a digit
_MODEL = re.compile(r"(?=[a-z0-9.\-]*\d)[a-z][a-z0-9.\-]*")


_GENERIC_STEMS = {"size", "limit", "time", "number", "count", "rate", "value", "max", "maximum", "min",
                  "minimum", "default", "total", "amount", "period", "length", "quota"}

_QUESTION_FILLER = set("""a an the of in on at to for from by with and or is are be was were it its this
that what which who how when where why does do did can could should would will may might must i me my we
you your they there here much many long big large max maximum min minimum default limit limits value
number amount per about get set using use whats what's tell show give""".split())


def answer_question(store: EmbeddedStore, vocab: Vocabulary, question: Question) -> Answer:
    """Answer one question (see Answerer for many)."""
    return Answerer(vocab).answer(store, question)


__all__ = ["Answer", "AnswerItem", "Answerer", "answer_question", "tokens"]
