"""Answer by reading: the best statements for a question, typed spans read from them, one ranker.

The pipeline, for a question that is not a connection question:
1. analysis (`analyse`): the answer type expected (range, yes/no, port, count, duration, name ...,
   from the lexicon's cue words), the qualifier asked (maximum, minimum, default), the services
   named (kg.match, through the Answerer's service resolution) and the attribute words left over;
2. statements: the statement index (kg.index) searched with the attribute and service words, once
   over every statement and once over the statements about the named services;
3. candidates: the typed spans of those statements (kg.spans), a yes or no from each statement's
   polarity, and the graph's own answer (the limit facts kg.answer.Answerer ranks);
4. one ranker (kg.rank): a linear score over named features, with weights fitted on data by
   bench/fit_ranker.py and kept in kg/ranker.json; the best candidate answers, unless its score is
   "nil" (the notes do not say, itself a scored candidate), and then kg says so, with the closest lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.answer import Answer, AnswerItem, Answerer
from kg.facts import Source, service_and_features
from kg.index import Hit, open_index
from kg.lexicon import Lexicon, default_lexicon
from kg.question import Question, parse_question
from kg.rank import Ranker, load_ranker
from kg.spans import Span, range_text, read_spans
from kg.units import COUNT, DURATION, MONEY, RATIO, Quantity, convert, find_quantities, format_quantity
from kg.vocab import Vocabulary, stem

# which candidate types can answer which expected type (every other pair is a type mismatch)
_FITS = {
    "range": {"range"},
    "yesno": {"yesno"},
    "port": {"number"},
    "ip": {"ip"},
    "cidr": {"cidr"},
    "version": {"version"},
    "percentage": {"quantity"},
    "money": {"quantity"},
    "duration": {"quantity", "range"},
    "count": {"count", "number", "quantity"},
    "quantity": {"quantity", "count", "number", "range"},
    "name": {"ident", "phrase", "clause", "version", "number"},
}
DESCRIBED_BY_HITS = 20          # statements whose services vote for the service a question describes
DESCRIBED_BY_DEFINITION = 5     # services whose definitions add a vote
SEARCH_LIMIT = 40               # statements read per search (all notes, then the services in scope)
_QUANTITY_TYPES = {"quantity", "count", "duration", "percentage", "money"}
_TYPE_OF_DIMENSION = {DURATION: "duration", COUNT: "count", RATIO: "percentage", MONEY: "money"}
_DIMENSION_OF_TYPE = {"percentage": RATIO, "money": MONEY, "duration": DURATION}
_WORD = re.compile(r"[A-Za-z0-9@/]+")
_GAP = re.compile(r"[\s*`_\"'():=-]*(?:\b(?:is|are)\b)?[\s*`_\"'():=-]*")
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|where|when|why|how)\b", re.I)
_QWORD = re.compile(r"[\w@][\w@\-./'’]*")
_WH = re.compile(r"^\s*(?:what|which|who|whom|whose|where|when|why|how)\b", re.I)


@dataclass
class Analysis:
    """What a question asks for."""

    question: Question
    expected: str                       # one of _FITS' keys
    cues: list[str]                     # every answer type whose cue words the question holds
    qualifier: str | None               # maximum | minimum | default | None
    services: list[str]                 # IRIs in scope: named services, their features, their parents
    named: list[str]                    # IRIs the question names itself
    attribute: list[str]                # stems of the words that are not the service or filler
    words: set[str] = field(default_factory=set)   # stems of every question word
    described: list[str] = field(default_factory=list)  # services its words describe, when none is named
    idf: dict[str, float] = field(default_factory=dict)  # attribute stem -> its idf in the statements
    content: dict[str, float] = field(default_factory=dict)  # every content word's stem (services too) -> idf
    unknown: str | None = None          # its rarest word kg knows nothing of ("kafka" in "kafka retention")
    unheard: bool = False               # and no statement of the notes holds that word
    alone: bool = False                 # and it is the only word of the question kg knows nothing of
    absent: bool = False                # it names services and no statement mentions any of them
    stated: frozenset = frozenset()     # the quantities the question itself states ("at 5-minute granularity")
    head: str | None = None             # stem of the noun it asks the value of ("security groups" -> group)
    parents: set[str] = field(default_factory=set)  # services in scope only as what a named feature is part of


@dataclass
class Candidate:
    """One possible answer, with where it was read and the features the ranker scores."""

    type: str
    value: str
    hit: Hit | None
    span: Span | None = None
    quantity: Quantity | None = None
    low: Quantity | None = None
    high: Quantity | None = None
    item: AnswerItem | None = None       # a graph fact's answer item (kg.answer)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    def key(self) -> tuple:
        """Candidates with equal keys say the same thing."""
        if self.low is not None and self.high is not None:
            return ("range", self.low.dimension, round(self.low.canonical_value, 6),
                    round(self.high.canonical_value, 6))
        if self.quantity is not None:
            return ("q", self.quantity.dimension, round(self.quantity.canonical_value, 6))
        return (self.type, re.sub(r"\W+", " ", self.value.lower()).strip())


class Reader:
    """Answers questions by reading statements; reuse one for many questions (kg ask -)."""

    def __init__(self, vocab: Vocabulary, *, ranker: Ranker | None = None, lexicon: Lexicon | None = None) -> None:
        self.vocab = vocab
        self.graph = Answerer(vocab)
        self.ranker = ranker or load_ranker()
        self.lexicon = lexicon or default_lexicon()
        self._index = None
        self.keep_facts = True          # read limit facts kept in the statement index (False: the store's)
        self._spans: dict[str, tuple] = {}
        self._filler = {stem(w) for w in self.lexicon.cues.get("filler", ())}
        self._head_words = self._head_lexicon()
        self._known: set[str] | None = None

    def _head_lexicon(self) -> tuple[set[str], set[str], list[list[str]], set[str]]:
        """The words `_head` reads a question by, from the lexicon and the vocabulary's qualifiers:
        the stems that end a head, those skipped before it, the multi-word openings ("how long")
        and the verbs that, right after an opening, leave a question without a head."""
        lex = self.lexicon
        stop = self._filler | {stem(w) for w in lex.cues.get("headBoundary", ())}
        opening = [phrase.split() for name in lex.types for phrase in lex.cues.get(name, ())
                   if " " in phrase and stem(phrase.split()[0]) in self._filler]     # "how long"
        skip = {stem(w) for w, _q in self.graph.qualifier_phrases if " " not in w} | \
            {stem(w) for phrase in lex.cues.get("asksCount", ()) for w in phrase.split()} | \
            {stem(w) for words in opening for w in words}
        return stop, skip, opening, set(lex.cues.get("asksYesNo", ()))

    # ------------------------------------------------------------ entry point

    def answer(self, store, question: Question) -> Answer:
        typed = question
        question = self.spelled(store, question)
        answer = self._answer(store, question)
        if question is not typed:
            answer.question, answer.read_as = typed.text, question.text
        return answer

    def spelled(self, store, question: Question) -> Question:
        """The question with each word the notes never write, and kg knows nowhere else (a
        service's name, a cue word), replaced by the notes' word it misspells
        (kg.index.StatementIndex.correct): "route53 helth check interval" is read as "route53
        health check interval". A question without such a word is returned as it came."""
        if question.kind != "limit":
            return question
        known = self._known_words()
        index = self._open(store)
        text = question.text
        for w in dict.fromkeys(question.words):
            if w.isalpha() and len(w) >= 5 and w not in known and stem(w) not in self._filler:
                right = index.correct(w)
                if right:
                    text = re.sub(rf"(?i)(?<![\w@]){re.escape(w)}(?![\w@])", right, text)
        return question if text == question.text else parse_question(text)

    def _known_words(self) -> set[str]:
        """Words kg knows apart from the notes: those of service names and limit kinds, and cue words."""
        if self._known is None:
            phrases = [label for group in (self.vocab.services, self.vocab.kinds) for c in group.values()
                       for label in c.labels]
            phrases += [cue for cues in self.lexicon.cues.values() for cue in cues]
            self._known = {w.lower() for p in phrases for w in re.findall(r"[A-Za-z]+", p)}
        return self._known

    def _answer(self, store, question: Question) -> Answer:
        if question.kind == "limit" and self.keep_facts:
            # the statement index also keeps each service's limit facts, for the graph's answer
            self.graph.fact_source = self._open(store).limit_facts
        graph_answer = self.graph.answer(store, question)
        if question.kind != "limit":
            return graph_answer
        analysis, candidates = self.candidates(store, question, graph_answer)
        return self.decide(analysis, candidates, graph_answer)

    def candidates(self, store, question: Question, graph_answer: Answer) -> tuple[Analysis, list[Candidate]]:
        """The analysis of a question and every candidate answer with its features (bench/fit_ranker.py)."""
        analysis = self.analyse(question)
        index = self._open(store)
        terms = [w for w in question.words if stem(w) not in self._filler and len(w) > 1]
        terms += _compound_terms(index, terms)
        hits = index.search(terms, limit=SEARCH_LIMIT)
        if not analysis.named:
            analysis.described = self._described_in_notes(analysis, hits)
            analysis.services = [iri for d in analysis.described for iri in service_and_features(self.vocab, d)]
        if analysis.services:
            hits += index.search(terms, services=analysis.services, limit=SEARCH_LIMIT)
        seen: dict[int, Hit] = {}
        for h in hits:
            if h.id not in seen or h.bm25 < seen[h.id].bm25:
                seen[h.id] = h
        hits = sorted(seen.values(), key=lambda h: h.bm25)
        out: list[Candidate] = []
        best_bm25 = min((h.bm25 for h in hits), default=-1.0) or -1.0
        # how informative each attribute word is: a rare word a line lacks says it is another matter
        words = {stem(w): w for w in question.words}
        analysis.idf = {s: index.idf(words.get(s, s)) for s in set(analysis.attribute)}
        analysis.content = {stem(w): index.idf(w) for w in terms}
        analysis.absent = bool(analysis.named) and not index.mentions(
            [iri for n in analysis.named for iri in service_and_features(self.vocab, self.vocab.root_service(n))])
        leftover = self.graph._leftover(question)
        analysis.unknown = max(leftover, key=lambda w: (index.idf(w), w)) if leftover else None
        analysis.alone = len(leftover) == 1
        analysis.unheard = bool(analysis.unknown) and index.frequency(analysis.unknown) == 0 and \
            not index.spelled_like(analysis.unknown)
        for rank, h in enumerate(hits):
            out.extend(self._read(analysis, h, rank, best_bm25))
        graph = self._graph_candidates(analysis, graph_answer, hits)
        self._graph_read(graph, out)
        out.extend(graph)
        self._agreement(out)
        out.append(self._nil(analysis))
        for c in out:
            c.score = self.ranker.score(c.features)
        # ties go to the earlier line of the earlier note, whatever order the store returned rows in
        out.sort(key=_order)
        if self.ranker.trees:
            out = self._rerank(out)
        return analysis, out

    def _rerank(self, ordered: list[Candidate]) -> list[Candidate]:
        """The ranker's second stage (kg.rank): the best candidates by the linear score, and nil,
        scored again by the trees; every other candidate keeps its linear order below them."""
        r = self.ranker
        best = [c for c in ordered if c.type != "nil"][:r.rerank]
        chosen = set(map(id, best))
        again = best + [c for c in ordered if c.type == "nil"]
        rest = [c for c in ordered if id(c) not in chosen and c.type != "nil"]
        for c in again:
            c.score = r.tree_score(c.features, c.type == "nil")
        again.sort(key=_order)
        floor = min((c.score for c in again), default=0.0) - 1.0
        for i, c in enumerate(rest):
            c.score = floor - i * 1e-6
        return again + rest

    def _open(self, store):
        if self._index is None:
            self._index = open_index(store, self.vocab)
        return self._index

    # ------------------------------------------------------------ question analysis

    def analyse(self, question: Question) -> Analysis:
        """The expected answer type, qualifier, services and attribute words of a question."""
        text = question.text
        lex = self.lexicon
        cues = lex.answer_types(text)
        first = question.words[0] if question.words else ""
        yesno = (first in lex.cues.get("asksYesNo", ()) and not _WH.match(text)) or (
            not _WH.match(text) and text.rstrip().endswith("?") and bool(re.search(r"\bby default\s*\?$", text, re.I)))
        if yesno:
            expected = "yesno"
        elif "range" in cues and not self.graph._wanted_qualifier(question)[1]:
            expected = "range"          # "what range ... at most" asks for one end
        else:
            expected = self._answer_type(question)
        hits, scope = self.graph.services_named(question)
        named = [h.iri for h in hits]
        covered = {i for h in hits for i in range(h.start, h.end)}
        words = {stem(w) for w in question.words}
        attribute = [stem(w) for i, w in enumerate(question.words)
                     if i not in covered and stem(w) not in self._filler and len(w) > 1]
        described: list[str] = []
        if not named:
            described = self._described(attribute, keep=DESCRIBED_BY_DEFINITION)
            scope = [iri for d in described for iri in service_and_features(self.vocab, d)]
        qualifier, _explicit = self.graph._wanted_qualifier(question)
        own = {iri for n in named for iri in service_and_features(self.vocab, n)}
        stated = frozenset(m.quantity for m in find_quantities(text) if not m.bare)
        return Analysis(question, expected, cues, qualifier, scope, named, attribute, words, described,
                        head=self._head(question), parents=set(scope) - own if named else set(), stated=stated)

    def _head(self, question: Question) -> str | None:
        """The noun a question asks the value of: the last word of its first run of content words.

        The run starts after the opening (filler such as "what is the", an answer-type cue that
        opens a question such as "how many" or "how long", qualifier words such as "maximum", a
        count cue such as "number of") and ends at the next filler,
        head-boundary, qualifier or count-cue word: "How many security groups can a VPC have?" asks
        about groups, "iam users per account limit" about users, "max size of an item" about a size.
        Service words count: a note writes "500 security groups per VPC". An opening cue followed by
        a verb ("how long does a failover take") asks about what is done, and there is no head."""
        stop, skip, opening, verbs = self._head_words
        words = [w.lower() for w in question.words]
        for phrase in opening:
            if words[:len(phrase)] == phrase and words[len(phrase):len(phrase) + 1] and \
                    words[len(phrase)] in verbs:
                return None             # "how long does a failover take": it asks about the verb
        run: list[str] = []
        for word in words:
            parts = re.findall(r"[a-z0-9]+", word)
            s = stem(parts[-1]) if parts else ""
            if not s or s in stop or s in skip:
                if run:
                    break
                continue
            run.append(s)
        return run[-1] if run else None

    def _answer_type(self, question: Question) -> str:
        """The answer type a question asks for: the type of the cue at its head.

        Every cue of an answer type (the lexicon's asks* sets) and every limit kind of a single
        dimension the question names is a mark at its place in the question. A question opening
        with a wh-word asks about the mark nearest its opening ("how many IP addresses ...": a
        count, not an address); a keyword query about the last mark before its head ends (the
        lexicon's headBoundary words: "tables per region" asks about tables, not a region). A
        unit the question states decides the dimension over a bare count ("within how many
        seconds": a duration). An opening wh-word that is itself a name cue ("which ...") names
        the type only when nothing else does.
        """
        text = question.text
        lex = self.lexicon
        opening = _WH_WORD.search(text)
        marks: list[tuple[int, int, str]] = []
        generic = False
        for name, kind in lex.types.items():
            if kind in ("yesno", "range"):
                continue
            for m in lex.find(name, text):
                if kind == "name" and opening and m.start() == opening.start():
                    generic = True
                    continue
                marks.append((m.start(), m.end(), kind))
        cue_count = len(marks)
        for hit in self.graph.kinds.find(text):
            dims = self.vocab.kinds[hit.iri].dimensions if hit.iri in self.vocab.kinds else set()
            if len(dims) == 1:
                marks.append((hit.start, hit.end, _TYPE_OF_DIMENSION.get(next(iter(dims)), "quantity")))
        cues, kinds = _cues_over_kinds(marks, cue_count)
        marks = cues + kinds
        chosen = None
        after = sorted(m for m in marks if opening and m[0] >= opening.start())
        if after and after[0][0] == opening.start():
            chosen = after[0][2]            # the wh-phrase itself: "how many", "how long"
        elif opening and opening.group().lower() in ("what", "which"):
            # "which feature of the warehouse lets you query ...": the head is the noun phrase
            # after the wh-word; a mark beyond it ("query") qualifies what is asked, never names it
            end = self._phrase_end(text, opening.end())
            inside = [m for m in cues if opening.start() <= m[0] < end] or \
                [m for m in kinds if opening.start() <= m[0] < end]
            if inside:
                chosen = _head_of_run(sorted(inside))
            elif self._qualified(text[opening.end():end]):
                chosen = "quantity"         # "what's the biggest single data record ...": a magnitude
        elif after:
            chosen = _head_of_run(after)
        elif marks and not opening:
            bounds = [m.start() for m in lex.find("headBoundary", text) if m.start() > 0]
            cut = min(bounds, default=len(text))
            head = [m for m in marks if m[1] <= cut]
            if head:
                chosen = max(head, key=lambda m: (m[1], m[1] - m[0]))[2]
        if question.dimension and chosen in (None, "count", "quantity"):
            return _TYPE_OF_DIMENSION.get(question.dimension, "quantity")
        if chosen:
            return chosen
        if generic or opening and not re.match(r"\s*how\b", text, re.I):
            return "name"
        return "quantity"

    def _phrase_end(self, text: str, start: int) -> int:
        """Where the noun phrase after a wh-word ends: the first filler or head-boundary word
        after a content word ("which VPC endpoint type | is free", "which feature | of the
        warehouse"). Qualifier and count words before the first content word belong to it ("what
        is the maximum size | of ...")."""
        lex = self.lexicon
        stop = {w for name in ("filler", "headBoundary") for w in lex.cues.get(name, ())}
        skip = {w for w, _q in self.graph.qualifier_phrases if " " not in w} | \
            {w for phrase in lex.cues.get("asksCount", ()) for w in phrase.split()}
        started = False
        for m in _QWORD.finditer(text, start):
            parts = re.findall(r"[a-z0-9]+", m.group().lower())
            word = parts[-1] if parts else ""
            if word in ("", "s") or word in stop or word in skip:   # words, not stems: "setting"
                if started:
                    return m.start()
                continue
            started = True
        return len(text)

    def _qualified(self, phrase: str) -> bool:
        """Does a phrase hold a qualifier word ("biggest", "minimum")?"""
        words = {stem(w) for w in re.findall(r"[a-z0-9]+", phrase.lower())}
        return any(stem(w) in words for w, _q in self.graph.qualifier_phrases if " " not in w)

    def _described_in_notes(self, a: Analysis, hits: list[Hit], keep: int = 2) -> list[str]:
        """The services a question describes instead of naming, as the notes describe them.

        "the serverless function", "the managed NoSQL key-value table": the statements that best
        match the question's words are mostly about the service meant, so each of the first
        DESCRIBED_BY_HITS hits votes for the services it mentions (by its bm25 relative to the
        best; a service only in its headings counts half), and the vocabulary's definitions
        (`_described`) add a vote by rank. Measured on the corpus train split's questions that
        name no service: definitions alone found the service meant in 25 of 58, the notes' votes
        in 46.
        """
        votes: dict[str, float] = {}
        top = hits[:DESCRIBED_BY_HITS]
        best = min((h.bm25 for h in top), default=-1.0) or -1.0
        for h in top:
            for iri in h.direct | h.around:
                root = self.vocab.root_service(iri)
                votes[root] = votes.get(root, 0.0) + (1.0 if iri in h.direct else 0.5) * h.bm25 / best
        n = len(a.described)
        for i, iri in enumerate(a.described):
            root = self.vocab.root_service(iri)
            votes[root] = votes.get(root, 0.0) + (n - i) / n
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        return [iri for iri, _v in ranked[:keep]]

    def _described(self, stems: list[str], keep: int = 2) -> list[str]:
        """Services a question describes instead of naming ("the managed key service"): those whose
        one-line definitions share the most informative of its words (idf-weighted overlap)."""
        table = self.vocab.derived.get("definition-stems")
        if table is None:
            import math

            postings: dict[str, set[str]] = {}
            for iri, c in self.vocab.services.items():
                text = f"{c.definition} {' '.join(c.labels)}"
                for w in {stem(t) for t in re.findall(r"[A-Za-z0-9]+", text)}:
                    if w not in self._filler and len(w) > 2:
                        postings.setdefault(w, set()).add(iri)
            n = max(len(self.vocab.services), 1)
            table = {w: (math.log(n / len(s)), s) for w, s in postings.items()}
            self.vocab.derived["definition-stems"] = table
        scores: dict[str, float] = {}
        # definitions are read word by word: "key-value" in a question is "key" and "value"
        stems = [stem(p) for w in stems for p in re.findall(r"[A-Za-z0-9]+", w)]
        for w in set(stems):
            idf, services = table.get(w, (0.0, ()))
            if len(services) > 12:
                continue            # a word most definitions share names nothing
            for iri in services:
                scores[iri] = scores.get(iri, 0.0) + idf
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [iri for iri, sc in ranked[:keep] if sc > 0]

    # ------------------------------------------------------------ candidates from a statement

    def _read(self, a: Analysis, h: Hit, rank: int, best_bm25: float) -> list[Candidate]:
        read = self._spans.get(h.text)         # spans depend on the text alone
        if read is None:
            read = self._spans[h.text] = read_spans(h.text)
        text, spans = read
        low = text.lower()
        found = [(m.group(), m.start()) for m in _WORD.finditer(text)]
        toks = [(stem(w), p) for w, p in found]
        attr = set(a.attribute)
        text_stems = {s for s, _p in toks} | _compounds([w for w, _p in found])
        context_stems = _with_compounds(re.findall(r"[A-Za-z0-9]+", f"{h.headings} {h.parents}"))
        scope = set(a.services)
        named = set(a.named)
        base = {
            "bm25": h.bm25 / best_bm25 if best_bm25 else 0.0,
            "rank": 1.0 / (1 + rank),
            "svc_direct": float(bool(h.direct & scope)),
            "svc_named_direct": float(bool(h.direct & named)),
            "svc_around": float(bool(h.around & scope) and not h.direct & scope),
            "svc_other": float(bool(scope) and bool(h.direct) and not (h.direct | h.around) & scope),
            "svc_parent_only": float(_parent_only(a, h)),
            "svc_none": float(not scope),
            "svc_described": float(bool(a.described) and bool((h.direct | h.around) & scope)),
            "attr_cov": len(attr & text_stems) / len(attr) if attr else 0.0,
            "attr_ctx": len(attr & context_stems) / len(attr) if attr else 0.0,
            "negated": float(self.lexicon.has("negation", low)),
            **self._missing(a, text_stems | context_stems),
            **_coverage(a, h, text_stems, context_stems),
            "short_line": float(len(text.split()) <= 12),
            **self._type_cues(a, low, f"{h.headings} {h.parents}".lower()),
        }
        cue_spans = {name: [(m.start(), m.end()) for m in self.lexicon.find(name, low)]
                     for name in ("cueMaximum", "cueMinimum", "cueDefault")}
        out: list[Candidate] = []
        ranges = [sp for sp in spans if sp.type == "range"]
        for sp in spans:
            c = Candidate(sp.type, sp.value, h, sp, sp.quantity, sp.low, sp.high)
            f = dict(base)
            self._span_features(a, c, text, low, toks, f, cue_spans)
            _range_features(a, sp, ranges, f)
            c.features = f
            out.append(c)
        if a.expected == "yesno":
            out.append(self._yesno(a, h, text, low, base))
        return out

    def _type_cues(self, a: Analysis, text: str, context: str) -> dict[str, float]:
        """Does a statement, or its headings and parent bullets, name the kind of thing asked
        for? A port question over "ports (SG rules): ... PostgreSQL 5432", a mode question over a
        "Performance mode" heading: the words of the expected type's cues (the lexicon's asks*
        set of that type) in the line or around it."""
        names = [name for name, kind in self.lexicon.types.items() if kind == a.expected and kind != "yesno"]
        if not names:
            return {}
        return {"type_cue": float(any(self.lexicon.has(n, text) for n in names)),
                "type_cue_ctx": float(any(self.lexicon.has(n, context) for n in names))}

    def _missing(self, a: Analysis, present: set[str]) -> dict[str, float]:
        """The informative question words a statement lacks, and those it has (idf-weighted)."""
        missing = [a.idf.get(s, 0.0) for s in set(a.attribute) if s not in present]
        found = [a.idf.get(s, 0.0) for s in set(a.attribute) if s in present]
        total = sum(missing) + sum(found)
        return {"miss_idf_max": max(missing, default=0.0) / 10.0, "miss_idf_sum": min(sum(missing), 20.0) / 10.0,
                "hit_idf_sum": min(sum(found), 20.0) / 10.0, "cov_idf": sum(found) / total if total else 0.0}

    def _span_features(self, a: Analysis, c: Candidate, text: str, low: str, toks: list[tuple[str, int]],
                       f: dict[str, float], cue_spans: dict[str, list[tuple[int, int]]]) -> None:
        sp = c.span
        attr = set(a.attribute)
        attr_pos = [p for s, p in toks if s in attr]
        f[f"t:{a.expected}:{c.type}"] = 1.0
        f["fit"] = float(c.type in _FITS.get(a.expected, ()))
        for cue in a.cues:
            f[f"c:{cue}:{c.type}"] = 1.0
        want_dim = _DIMENSION_OF_TYPE.get(a.expected) or a.question.dimension
        q = c.quantity or c.low
        if q is not None and want_dim:
            dims = {q.dimension, *( ("Rate",) if q.dimension == "DataRate" else ())}
            f["dim_fit"] = float(want_dim in dims or (want_dim == "Throughput" and q.dimension in ("Rate", "DataRate")))
            f["dim_bad"] = 1.0 - f["dim_fit"]
        if attr_pos:
            d = min(abs(p - sp.start) for p in attr_pos)
            f["near"] = 1.0 / (1.0 + d / 12.0)
            f["after_attr"] = float(any(p < sp.start for p in attr_pos))
            # the attribute words within a few words of the value: the value a list gives for them
            local = {s for s, p in toks if sp.start - 60 <= p <= sp.end + 30 and s in attr}
            f["local_cov"] = len(local) / len(attr)
            f["adjacent"] = float(_adjacent(text, toks, sp, attr))
        if a.head is not None:
            beside = _head_beside(text, toks, sp, a.head)
            f["head_beside" if beside else "head_apart"] = 1.0
        words = re.findall(r"[A-Za-z0-9]+", c.value)
        if words:
            inq = sum(1 for w in words if stem(w) in a.words)
            f["in_question"] = inq / len(words)
            f["all_in_question"] = float(inq == len(words))
        n = len(words)
        bucket = "1" if n <= 1 else "2-3" if n <= 3 else "4-6" if n <= 6 else "7+"
        f[f"len{bucket}"] = 1.0
        f[f"len{bucket}:{a.expected}"] = 1.0
        f["marked"] = float(sp.marked)
        # "retention of metrics at 5-minute granularity": a value the question states is a
        # condition of what it asks, not the answer
        f["stated_in_question"] = float(any(x is not None and x in a.stated for x in (c.quantity, c.low, c.high)))
        f["capitalised"] = float(_capitalised(c.value))
        for name, want in (("cueMaximum", "maximum"), ("cueMinimum", "minimum"), ("cueDefault", "default")):
            spans = cue_spans.get(name, ())
            hit = any(sp.start - 30 <= e <= sp.start for _b, e in spans) or (
                name == "cueDefault" and any(sp.end <= b <= sp.end + 25 for b, _e in spans))
            f[name] = float(hit)
            if hit:
                f["qual_match" if a.qualifier == want else "qual_other"] = 1.0
            elif want == "default" and a.qualifier == "default":
                f["default_missing"] = 1.0

    def _yesno(self, a: Analysis, h: Hit, text: str, low: str, base: dict) -> Candidate:
        """A yes or no from the statement's polarity: a denial or an off state says no."""
        negative = self.lexicon.has("negation", low) or self.lexicon.has("offState", low)
        asked_negative = self.lexicon.has("negation", a.question.text.lower())
        value = "no" if negative != asked_negative else "yes"
        f = dict(base)
        f["t:yesno:yesno"] = 1.0
        f["fit"] = 1.0
        f["yes" if value == "yes" else "no"] = 1.0
        f["on_state"] = float(self.lexicon.has("onState", low))
        return Candidate("yesno", value, h, None, features=f)

    # ------------------------------------------------------------ candidates from the graph

    def _graph_candidates(self, a: Analysis, answer: Answer, hits: list[Hit]) -> list[Candidate]:
        """The graph's own answer: each answer item of kg.answer.Answerer, as one candidate."""
        out = []
        if answer.status not in ("answered", "conflict"):
            return out
        for i, item in enumerate(answer.answers[:3]):
            c = Candidate("graph", item.value, None, None, item.quantity, item=item)
            f = {"graph": 1.0, "graph_first": float(i == 0), "graph_conflict": float(answer.status == "conflict"),
                 "graph_score": min(answer.score, 12.0) / 12.0,
                 "quantity_question": float(a.expected in _QUANTITY_TYPES),
                 f"t:{a.expected}:graph": 1.0, "svc_none": float(not a.services)}
            f["stated_in_question"] = float(item.quantity is not None and item.quantity in a.stated)
            if item.quantity is not None and (_DIMENSION_OF_TYPE.get(a.expected) or a.question.dimension):
                want = _DIMENSION_OF_TYPE.get(a.expected) or a.question.dimension
                f["dim_fit"] = float(item.quantity.dimension == want)
            c.features = f
            out.append(c)
        return out

    def _graph_read(self, graph: list[Candidate], read: list[Candidate]) -> None:
        """A graph fact whose value was also read from one of its own source lines takes that
        reading's statement features (search rank, attribute words, services) beside its own."""
        for g in graph:
            lines = {(s.note, s.line) for s in g.item.sources}
            same = [c for c in read if c.key() == g.key() and (_source(c.hit).note, c.hit.line) in lines]
            if same:
                best = max(same, key=lambda c: c.features.get("bm25", 0.0))
                for k, v in best.features.items():
                    g.features.setdefault(k, v)
                g.features["graph_read"] = 1.0

    def _nil(self, a: Analysis) -> Candidate:
        """The answer "the notes do not say", a candidate like the others."""
        f = {"nil": 1.0, f"nil:{a.expected}": 1.0, "nil:named": float(bool(a.named)),
             "nil:described": float(bool(a.described)), "nil:qualifier": float(a.qualifier is not None),
             "nil:idf": min(sum(a.idf.values()), 30.0) / 10.0,
             # a word of the question that no note holds, nor any word spelt like it: what it asks
             # about is not in the notes
             "nil:unheard": float(a.unheard)}
        return Candidate("nil", "", None, features=f)

    def _agreement(self, cands: list[Candidate]) -> None:
        """How many notes state the same value: a feature of every candidate."""
        notes: dict[tuple, set[str]] = {}
        for c in cands:
            if c.hit is not None and c.type not in ("clause", "phrase"):
                notes.setdefault(c.key(), set()).add(c.hit.note)
        for c in cands:
            n = len(notes.get(c.key(), ()))
            if c.item is not None:
                n = max(n, c.item.agreeing_notes)
            c.features["agree"] = min(n, 4) / 4.0

    # ------------------------------------------------------------ the decision

    def decide(self, a: Analysis, cands: list[Candidate], graph_answer: Answer) -> Answer:
        """The best candidate; "nil" first means the notes do not say."""
        q = a.question
        if a.absent:
            # "polly max characters" with no note on Polly: whatever a line on another service says
            # about characters is not the answer
            names = ", ".join(dict.fromkeys(self.vocab.service_label(i) for i in a.named))
            return Answer(q.text, "not_found", f"No note mentions {names}.")
        if graph_answer.unknown_service and a.alone and (
                a.unheard or not self._names_the_unknown(a, cands[0] if cands else None)):
            # "kafka retention": the one word kg does not know is what the question is about; no
            # note holds it (nor a word like it), or the best line is about something else
            return graph_answer
        read_range = bool(cands) and cands[0].type == "range" and a.qualifier not in ("maximum", "minimum")
        explicit = self._asks_one_end(q)
        if a.expected in _QUANTITY_TYPES and graph_answer.status in ("answered", "conflict") and not read_range and \
                min(graph_answer.score, 12.0) / 12.0 >= self.ranker.graph_trust:
            # the graph's facts are quantities: they answer quantity questions; one end of a range
            # its line states is that range, unless the question asks for one end
            stated = None if explicit or graph_answer.status != "answered" else \
                _range_of_fact(graph_answer.answers[0], cands)
            if stated is None:
                return graph_answer
            return self._read_answer(a, stated, [stated])
        if a.expected == "range":
            # a range question never gets a lone maximum: the best range read, or the graph's two ends
            joined = self._graph_range(graph_answer)
            ranges = [c for c in cands if c.type == "range"][:1] or ([joined] if joined is not None else [])
        if not cands or cands[0].type == "nil":
            return self._abstain(a, cands, graph_answer)
        cands = [c for c in cands if c.type != "nil"]
        if a.expected == "range" and ranges:
            cands = ranges + [c for c in cands if c is not ranges[0]]
        best = cands[0]
        if best.type != "range" and not explicit:
            best = _whole_range(best, cands) or best
        if best.type == "range" and a.expected not in ("range", "duration") and a.qualifier in ("maximum", "minimum"):
            # "at most" over a stated range: its upper end ("1 to 5 minutes" -> 5 minutes)
            end = best.high if a.qualifier == "maximum" else best.low
            best = Candidate("quantity", format_quantity(end), best.hit, best.span, end, features=best.features,
                             score=best.score)
        if best.item is not None:
            if graph_answer.status == "conflict" or best.features.get("graph_first"):
                return graph_answer
            return Answer(q.text, "answered", graph_answer.message, [best.item])
        return self._read_answer(a, best, cands)

    def _asks_one_end(self, q: Question) -> bool:
        """Does a cue word ask for a maximum, minimum or default ("at most", "smallest")? "How
        long" and "how many" alone do not: they ask for what the notes state."""
        text = f" {' '.join(q.words)} "
        return any(f" {phrase} " in text for phrase, _qualifier in self.graph.qualifier_phrases
                   if not phrase.startswith("how "))

    def _read_answer(self, a: Analysis, best: Candidate, cands: list[Candidate]) -> Answer:
        """The answer a candidate read from statements gives, cited from every line that states it."""
        q = a.question
        same = [c for c in cands if c.key() == best.key() and c.hit is not None]
        sources: list[Source] = []
        for c in same:
            s = _source(c.hit)
            if s not in sources:
                sources.append(s)
        sources.sort(key=lambda s: (s.note, s.line))
        converted = None
        if q.target_unit and best.quantity is not None:
            try:
                converted = convert(best.quantity, q.target_unit)
            except ValueError:
                converted = None
        service = self._service_label(a, best.hit)
        attribute = " ".join(w for w in q.words if stem(w) in set(a.attribute)) or best.type
        item = AnswerItem(service, attribute, a.qualifier or "stated", None, best.value, best.quantity,
                          converted, sources, max((s.date for s in sources if s.date), default=None))
        item.kind = best.type
        item.low, item.high = best.low, best.high
        return Answer(q.text, "answered", f"{service} {attribute}: {best.value}", [item])

    def _names_the_unknown(self, a: Analysis, best: Candidate | None) -> bool:
        """Does the best answer's line name what the question names that kg knows nothing of?

        A question whose rarest word is no service, kind or qualifier kg knows ("kafka retention")
        is about that thing: an answer read from a line that does not mention it is about something
        else, and kg says it knows no such service. A line that does mention it ("DHCP options
        sets list up to 4 DNS servers" for "how many DNS servers can a DHCP options set list")
        answers."""
        if best is None or best.type == "nil" or not a.unknown:
            return False
        texts = [f"{best.hit.text} {best.hit.headings} {best.hit.parents}"] if best.hit is not None else \
            [s.text for s in best.item.sources] if best.item is not None else []
        want = stem(a.unknown)
        return any(want in _with_compounds(re.findall(r"[A-Za-z0-9.]+", t)) for t in texts)

    def _graph_range(self, answer: Answer) -> Candidate | None:
        """The graph's maximum and minimum of one limit, as one range candidate."""
        items = answer.answers if answer.status == "answered" else []
        top = [i for i in items if i.qualifier == "maximum" and i.quantity is not None]
        low = [i for i in items if i.qualifier == "minimum" and i.quantity is not None]
        if not top or not low or top[0].quantity.dimension != low[0].quantity.dimension:
            return None
        hi, lo = top[0], low[0]
        if lo.quantity.canonical_value > hi.quantity.canonical_value:
            return None
        item = AnswerItem(hi.service, hi.attribute, "range", hi.context,
                          range_text(lo.quantity, hi.quantity), None, None,
                          sorted(set(lo.sources) | set(hi.sources), key=lambda s: (s.note, s.line)),
                          hi.date or lo.date, "range", lo.quantity, hi.quantity)
        return Candidate("range", item.value, None, None, None, lo.quantity, hi.quantity, item,
                         features={"graph": 1.0})

    def _service_label(self, a: Analysis, hit: Hit) -> str:
        for iri in [*a.named, *a.services]:
            if iri in hit.direct or iri in hit.around:
                return self.vocab.service_label(iri)
        for iri in sorted(hit.direct) or sorted(hit.around):
            return self.vocab.service_label(iri)
        return self.vocab.service_label(a.named[0]) if a.named else ""

    def _abstain(self, a: Analysis, cands: list[Candidate], graph_answer: Answer) -> Answer:
        q = a.question
        if graph_answer.unknown_service:
            return graph_answer
        lines, seen = [], set()
        for c in cands:
            if c.hit is not None and c.hit.id not in seen:
                seen.add(c.hit.id)
                lines.append(f"{_source(c.hit).note}:{c.hit.line}  {' '.join(c.hit.text.split())[:100]}")
            if len(lines) == 3:
                break
        subject = ", ".join(self.vocab.service_label(i) for i in a.named) or "that"
        what = " ".join(w for w in q.words if stem(w) in set(a.attribute)) or "this"
        message = f"The notes say nothing about the {what} of {subject}." if a.named else \
            f"The notes say nothing that answers '{q.text}'."
        return Answer(q.text, "not_found", message + (" Closest lines follow." if lines else ""),
                      suggestions=lines)


def _cues_over_kinds(marks: list[tuple[int, int, str]], cues: int):
    """A question's answer-type cues and its limit kinds' marks, a kind's mark dropped where a cue
    covers it: "IP address" is an address cue and also words of a limit kind that counts
    addresses, and the cue says what is asked. The first `cues` marks are the lexicon's."""
    cue, kinds = marks[:cues], marks[cues:]
    return cue, [k for k in kinds if not any(c[0] <= k[0] and k[1] <= c[1] for c in cue)]


def _capitalised(value: str) -> bool:
    """Is a value a proper name, one to four words each written with a capital or a digit
    ("General Purpose", "Redshift Spectrum", "Max I/O"), not a phrase of ordinary words?"""
    words = value.split()
    return 0 < len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words) and \
        any(ch.isalpha() for ch in value)


def _head_of_run(marks: list[tuple[int, int, str]]) -> str:
    """The type of the last of the first marks written together ("what status code", "which
    policy size"): the head of a noun phrase is its last word."""
    run = [marks[0]]
    for m in marks[1:]:
        if m[0] - run[-1][1] <= 1:
            run.append(m)
        elif m[0] > run[-1][1]:
            break
    return run[-1][2]


def _compound_terms(index, words: list[str]) -> list[str]:
    """The question's compounds as the notes write them: "timeout" where a note has "time out",
    "time out" where it has "timeout" (only forms some statement holds)."""
    out: list[str] = []
    for w in words:
        if w.isalpha() and len(w) >= 7:
            out += [f"{w[:i]} {w[i:]}" for i in range(3, len(w) - 2) if index.frequency(f"{w[:i]} {w[i:]}")]
    for x, y in zip(words, words[1:]):
        if x.isalpha() and y.isalpha() and index.frequency(x + y):
            out.append(x + y)
    return out


def _range_of_fact(item: AnswerItem, cands: list[Candidate]) -> Candidate | None:
    """A range read from the lines of a graph fact, with the fact's value as one of its ends.

    Only when at least half the lines the fact is cited from state the range: where more notes
    state the value alone ("up to 1 hour" in three notes, "15 minutes up to 1 hour" in one), the
    fact stands.
    """
    if item.quantity is None:
        return None
    lines = {(s.note, s.line) for s in item.sources}
    ranged = {(_source(c.hit).note, c.hit.line) for c in cands if c.type == "range" and c.hit is not None}
    if 2 * len(lines & ranged) < len(lines):
        return None
    value = round(item.quantity.canonical_value, 6)
    for c in cands:
        if c.type == "range" and c.hit is not None and (_source(c.hit).note, c.hit.line) in lines and \
                c.low is not None and c.high is not None and c.low.dimension == item.quantity.dimension and \
                value in (round(c.low.canonical_value, 6), round(c.high.canonical_value, 6)):
            return c
    return None


def _whole_range(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """A value that is one end of a range its line states, read as that range.

    "1 to 20 seconds" answers "what wait time can be set" as the range, not as "20 seconds";
    only a question that asks for one end by a cue word ("at most", "minimum") gets one end.
    """
    if best.span is None or best.hit is None or best.quantity is None:
        return None
    for c in cands:
        sp = c.span
        if c.type == "range" and c.hit is not None and c.hit.id == best.hit.id and sp is not None and \
                sp.start <= best.span.start and best.span.end <= sp.end:
            return c
    return None


def _parent_only(a: Analysis, h: Hit) -> bool:
    """Is a statement about the service a named feature is part of, and not about the feature?
    "the timeout of a Lambda@Edge function": a line of the Lambda section states Lambda's own
    timeout. The ranker weighs it (a feature's limit is often stated under its service)."""
    about = (h.direct | h.around) & set(a.services)
    return bool(a.parents) and bool(about) and about <= a.parents


def _order(c: Candidate) -> tuple:
    """Best score first; ties to the earlier line of the earlier note, then the earlier span."""
    return (-c.score, c.hit.path if c.hit else "", c.hit.line if c.hit else 0, c.span.start if c.span else -1, c.value)


def _source(h: Hit) -> Source:
    return Source(h.name or h.path.rsplit("/", 1)[-1], h.line, h.end_line, h.text, h.date)


def _compounds(words: list[str]) -> set[str]:
    """The stems of each two neighbouring words written as one ("time out" gives "timeout", "read
    replica" "readreplica"): notes and questions split compounds differently."""
    return {stem(a + b) for a, b in zip(words, words[1:]) if a.isalpha() and b.isalpha()}


def _with_compounds(words: list[str]) -> set[str]:
    """The stems of a text's words and of its compounds (`_compounds`)."""
    return {stem(w) for w in words} | _compounds(words)


def _coverage(a: Analysis, h: Hit, text_stems: set[str], context_stems: set[str]) -> dict[str, float]:
    """How much of the whole question a statement covers: the named services it mentions (in its
    text or around it), and the share of every content word's idf found in it, service words too
    (the attribute coverage leaves out the words that named a service)."""
    f: dict[str, float] = {}
    if a.named:
        where = h.direct | h.around
        f["named_cov"] = sum(1 for iri in set(a.named) if iri in where) / len(set(a.named))
    total = sum(a.content.values())
    if total:
        here = text_stems | context_stems
        f["q_cov_idf"] = sum(v for s, v in a.content.items() if s in here) / total
        f["q_full"] = float(all(s in here for s in a.content))
        f["q_cov_text"] = sum(v for s, v in a.content.items() if s in text_stems) / total
    return f


def _range_features(a: Analysis, sp: Span, ranges: list[Span], f: dict[str, float]) -> None:
    """A value that is one end of a range stated on its line, and a range, each by the qualifier
    the question asks: an unqualified question over "1 to 20 seconds" is asked about the range, an
    "at most" question about its upper end."""
    asked = a.qualifier or "none"
    if sp.type == "range":
        f[f"range:{asked}"] = 1.0
        return
    if sp.quantity is None:
        return
    for r in ranges:
        if r.start <= sp.start and sp.end <= r.end:
            end = "high" if r.high is not None and abs(r.high.canonical_value - sp.quantity.canonical_value) < 1e-9 \
                else "low"
            f[f"range_end:{end}:{asked}"] = 1.0
            return


def _adjacent(text: str, toks: list[tuple[str, int]], sp: Span, attr: set[str]) -> bool:
    """Is a word the question asks about written right beside the value, with nothing between
    but spaces, marks, a colon or an "is" ("the GENEVE protocol", "port 6081", "default is us-east-1")?"""
    for s, p in toks:
        if s not in attr:
            continue
        if p >= sp.end and _GAP.fullmatch(text[sp.end:p]):
            return True
        if p < sp.start:
            end = p + len(_WORD.match(text, p).group())
            if end <= sp.start and _GAP.fullmatch(text[end:sp.start]):
                return True
    return False


_NEXT_GAP = re.compile(r"[\s*`_\"'()-]*")


def _head_beside(text: str, toks: list[tuple[str, int]], sp: Span, head: str) -> bool:
    """Is the noun the question asks about written with the value: one of the two words right after
    it ("500 security groups per VPC", "10 messages", "5,000 IAM users") or right before it
    (`_adjacent`: "security groups: 500")? A count is a count of something; a number beside
    another noun counts that instead ("2 VPCs" does not count peering connections)."""
    after = [(s, p) for s, p in toks if p >= sp.end][:2]
    prev = sp.end
    for s, p in after:
        if not _NEXT_GAP.fullmatch(text[prev:p]):
            break
        if s == head:
            return True
        prev = p + len(_WORD.match(text, p).group())
    return _adjacent(text, toks, sp, {head})

