"""Every statement of the graph, searchable: an SQLite FTS5 index kept in step with the store.

Each kg:Statement (its text, and as context its heading path, parent bullets and the note's file
name) is a row of an FTS5 table with the Porter stemmer, ranked by bm25(). Beside it, the
services each statement is about: those its text mentions (kg:mentions, found at extraction)
and, one level weaker, those its headings, parents or file name name.

The index is derived data: it lives in the user cache (kg.cache.cache_dir), one file per store
location, and holds the SHA-256 and extractor version of each note it indexed. `sync_index`
compares those with the store's notes and re-reads only the notes that changed, drops the ones
that are gone, and so serves the embedded store and a SPARQL server alike. `kg ingest` syncs it
at its end, so `kg ask` normally finds it current after one cheap query of the notes.

Why SQLite FTS5: sqlite3 is in the standard library, keeps the index on disk (nothing to
rebuild per process) and replaces one note's rows in place. bm25s, the other candidate, has not
been measured against it yet.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kg.namespaces import KG, PROV
from kg.store import sparql_iri

INDEX_FORMAT = "5"          # bump when the table layout or what is indexed changes

_NOTES = f"""SELECT ?note ?sha ?version ?path ?date WHERE {{ GRAPH ?note {{
  ?note a <{KG}Note> ; <{KG}sha256> ?sha ; <{KG}extractorVersion> ?version ; <{KG}path> ?path .
  OPTIONAL {{ ?note <http://purl.org/dc/terms/date> ?date }} }} }}"""

_STATEMENTS = """SELECT ?st ?line ?end ?text ?headings ?parents WHERE {{ GRAPH {g} {{
  ?st a <{kg}Statement> ; <{kg}line> ?line ; <{kg}endLine> ?end ; <{prov}value> ?text .
  OPTIONAL {{ ?st <{kg}headingPath> ?headings }}
  OPTIONAL {{ ?st <{kg}parentText> ?parents }} }} }}"""

_MENTIONS = """SELECT ?st ?service WHERE {{ GRAPH {g} {{ ?st <{kg}mentions> ?service }} }}"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS notes(iri TEXT PRIMARY KEY, sha TEXT, version TEXT, path TEXT, date TEXT);
CREATE TABLE IF NOT EXISTS statements(id INTEGER PRIMARY KEY, note TEXT, line INTEGER, end_line INTEGER,
                                      text TEXT, headings TEXT, parents TEXT);
CREATE INDEX IF NOT EXISTS statements_note ON statements(note);
CREATE TABLE IF NOT EXISTS about(id INTEGER, service TEXT, direct INTEGER);
CREATE INDEX IF NOT EXISTS about_service ON about(service);
CREATE INDEX IF NOT EXISTS about_id ON about(id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, context, tokenize='porter unicode61');
CREATE TABLE IF NOT EXISTS facts(service TEXT PRIMARY KEY, key TEXT, data BLOB);
"""
# what the facts kept in the index are computed by, besides the notes and the vocabulary
_FACT_CODE = ("facts.py", "units.py")


@dataclass(frozen=True)
class Hit:
    """A statement found for a query, with what the index knows of it."""

    id: int
    note: str               # the note's IRI
    path: str               # the note's file path
    line: int
    end_line: int
    text: str
    headings: str
    parents: str
    date: str | None
    bm25: float             # SQLite's bm25(): lower is better; 0.0 when not ranked by a query
    direct: frozenset[str]  # services the text mentions
    around: frozenset[str]  # services its headings, parents or file name name
    name: str = ""          # the note's name in answers (kg.facts.note_names)


def index_path(location: str) -> Path:
    """The index file of a store location (a folder or a URL), in the user cache."""
    from kg.cache import cache_dir

    key = hashlib.sha256(f"{INDEX_FORMAT}\n{location}".encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"index-{key}.sqlite"


class StatementIndex:
    """An open statement index; use `open_index(store, vocab)` to get one that is current."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        target = str(path) if path else ":memory:"
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self._forget_derived()

    def _forget_derived(self) -> None:
        """Drop what is derived from the rows (note paths, the statement count, idf): after a sync."""
        self._notes: dict[str, tuple[str, str | None]] | None = None
        self._names: dict[str, str] | None = None
        self._count: int | None = None
        self._df: dict[str, int] = {}
        self._terms: list[str] | None = None
        self._fact_key: str | None = None
        self._ranking: tuple[str, object, list] | None = None     # the last MATCH: its cursor, rows read

    def _ranked(self, match: str):
        """Statements matching `match`, best bm25 first (ties by id), read from one query as far
        as a caller goes: a search of all notes and one of the services in scope ask the same
        MATCH, and the second goes on where the first stopped instead of ranking every match again."""
        if self._ranking is None or self._ranking[0] != match:
            cursor = self.db.execute(f"SELECT rowid, {_BM25} AS s FROM fts WHERE fts MATCH ? ORDER BY s, rowid",
                                     (match,))
            self._ranking = (match, cursor, [])
        _match, cursor, rows = self._ranking
        i = 0
        while True:
            if i == len(rows):
                row = cursor.fetchone()
                if row is None:
                    return
                rows.append(row)
            yield rows[i]
            i += 1

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ keeping it current

    def sync(self, store, vocab, rows: list[dict] | None = None, prepared: dict | None = None) -> int:
        """Re-index the notes of `store` that changed since the last sync; return how many."""
        rows = rows if rows is not None else store.select(_NOTES)
        have = {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT iri, sha, version FROM notes")}
        want = {r["note"]: r for r in rows}
        # in IRI order: statement ids (and so bm25 ties) must not depend on the order the store returns notes
        changed = sorted((r for iri, r in want.items() if have.get(iri) != (r["sha"], r["version"])),
                         key=lambda r: r["note"])
        gone = [iri for iri in have if iri not in want]
        if not changed and not gone:
            return 0
        finder = service_finder(vocab)
        self.db.execute("BEGIN")
        try:
            for iri in gone + [r["note"] for r in changed]:
                self._drop(iri)
            for r in changed:
                self._add(store, finder, r, prepared)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._forget_derived()
        return len(changed) + len(gone)

    def _drop(self, note: str) -> None:
        ids = [i for (i,) in self.db.execute("SELECT id FROM statements WHERE note = ?", (note,))]
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            marks = ",".join("?" * len(part))
            self.db.execute(f"DELETE FROM fts WHERE rowid IN ({marks})", part)
            self.db.execute(f"DELETE FROM about WHERE id IN ({marks})", part)
        self.db.execute("DELETE FROM statements WHERE note = ?", (note,))
        self.db.execute("DELETE FROM notes WHERE iri = ?", (note,))

    def _add(self, store, finder, row: dict, prepared: dict | None = None) -> None:
        note = row["note"]
        ready = (prepared or {}).get(note)
        if ready is not None and ready[0] == (row["sha"], row["version"], row["path"]):
            rows = ready[1]            # built from the note's extraction as its graph was written
        else:
            rows = about_rows(_store_statements(store, note), row["path"], finder)
        for line, end, text, headings, parents, body_context, direct, around in rows:
            cur = self.db.execute(
                "INSERT INTO statements(note, line, end_line, text, headings, parents) VALUES (?,?,?,?,?,?)",
                (note, line, end, text, headings, parents))
            sid = cur.lastrowid
            self.db.execute("INSERT INTO fts(rowid, body, context) VALUES (?,?,?)", (sid, text, body_context))
            self.db.executemany("INSERT INTO about(id, service, direct) VALUES (?,?,?)",
                                [(sid, s, 1) for s in direct] + [(sid, s, 0) for s in around])
        self.db.execute("INSERT INTO notes(iri, sha, version, path, date) VALUES (?,?,?,?,?)",
                        (note, row["sha"], row["version"], row["path"], row.get("date")))

    def rows(self) -> list[tuple]:
        """Every row the index holds, in a stable order (by note, line, services), ids left out:
        what two indexes of the same notes must agree on."""
        about: dict[int, list[tuple[str, int]]] = {}
        for i, service, direct in self.db.execute("SELECT id, service, direct FROM about"):
            about.setdefault(i, []).append((service, direct))
        body = {i: (b, c) for i, b, c in self.db.execute("SELECT rowid, body, context FROM fts")}
        out = [("note",) + tuple(r) for r in self.db.execute(
            "SELECT iri, sha, version, path, date FROM notes ORDER BY iri")]
        for i, note, line, end, text, headings, parents in self.db.execute(
                "SELECT id, note, line, end_line, text, headings, parents FROM statements"):
            out.append(("statement", note, line, end, text, headings, parents, body.get(i),
                        tuple(sorted(about.get(i, [])))))
        return sorted(out, key=repr)

    # ------------------------------------------------------------ reading

    def _note_info(self) -> dict[str, tuple[str, str | None]]:
        if self._notes is None:
            self._notes = {iri: (path, date) for iri, path, date in
                           self.db.execute("SELECT iri, path, date FROM notes")}
        return self._notes

    def search(self, terms: list[str], *, services: list[str] | None = None, limit: int = 60) -> list[Hit]:
        """Statements matching any of `terms` (words), best bm25 first; only those about
        `services` (directly or by their headings) when given."""
        words = [w for w in dict.fromkeys(_fts_word(t) for t in terms) if w]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        try:
            if not services:
                ranked = []
                for row in self._ranked(match):
                    ranked.append(row)
                    if len(ranked) == limit:
                        break
            else:
                # filtering in Python: an IN (subquery) inside the MATCH query costs 100x more
                marks = ",".join("?" * len(services))
                about = {i for (i,) in self.db.execute(f"SELECT id FROM about WHERE service IN ({marks})",
                                                       list(services))}
                ranked = []
                for i, score in self._ranked(match):
                    if i in about:
                        ranked.append((i, score))
                        if len(ranked) == limit:
                            break
        except sqlite3.OperationalError:
            self._ranking = None
            return []
        return self._hits(ranked)

    def mentions(self, services: list[str]) -> bool:
        """Does any statement mention one of `services` (directly or by its headings)?"""
        if not services:
            return False
        marks = ",".join("?" * len(services))
        return self.db.execute(f"SELECT 1 FROM about WHERE service IN ({marks}) LIMIT 1",
                               list(services)).fetchone() is not None

    def _hits(self, ranked: list[tuple[int, float]]) -> list[Hit]:
        if not ranked:
            return []
        ids = [i for i, _ in ranked]
        marks = ",".join("?" * len(ids))
        rows = {r[0]: r for r in self.db.execute(
            f"SELECT id, note, line, end_line, text, headings, parents FROM statements WHERE id IN ({marks})", ids)}
        about: dict[int, tuple[set[str], set[str]]] = {i: (set(), set()) for i in ids}
        for i, service, direct in self.db.execute(
                f"SELECT id, service, direct FROM about WHERE id IN ({marks})", ids):
            about[i][0 if direct else 1].add(service)
        info = self._note_info()
        names = self.note_names()
        out = []
        for i, score in ranked:
            r = rows.get(i)
            if r is None:
                continue
            path, date = info.get(r[1], (r[1], None))
            out.append(Hit(i, r[1], path, r[2], r[3], r[4], r[5] or "", r[6] or "", date, score,
                           frozenset(about[i][0]), frozenset(about[i][1]), names.get(path, "")))
        return out

    def note_names(self) -> dict[str, str]:
        """kg.facts.note_names of the indexed notes' paths (the store's notes, once synced)."""
        if self._names is None:
            from kg.facts import note_names

            self._names = note_names(path for path, _date in self._note_info().values())
        return self._names

    def frequency(self, word: str) -> int:
        """How many statements hold `word` (its stem); every statement for a word FTS cannot search."""
        cache = self._df
        if word not in cache:
            term = _fts_word(word)
            try:
                cache[word] = self.db.execute("SELECT COUNT(*) FROM fts WHERE fts MATCH ?",
                                              (f'"{term}"',)).fetchone()[0] if term else self.count()
            except sqlite3.OperationalError:
                cache[word] = self.count()
        return cache[word]

    def _vocabulary(self, where: str = "", args: tuple = ()) -> list[tuple[str, int]]:
        """(Porter stem, statements holding it) of the indexed text, `where` filtering the terms."""
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, fts, 'row')")
        return self.db.execute(f"SELECT term, doc FROM temp.terms {where}", args).fetchall()

    def _stems(self) -> list[str]:
        """Every Porter stem of the indexed text (3 letters or more)."""
        if self._terms is None:
            try:
                self._terms = [t for t, _d in self._vocabulary() if len(t) >= 3]
            except sqlite3.Error:
                self._terms = []
        return self._terms

    def correct(self, word: str) -> str | None:
        """The notes' word that a word they never write is a misspelling of ("helth": "health",
        "visiblity": "visibility", "partiton": "partition"), or None.

        The rule: a word of 5 letters or more that no statement holds as written is compared with
        the notes' words that share its first letter, by edit distance counting a swap of two
        letters as one edit: one edit, two for a word of 10 letters or more; a word of 5 letters
        only takes a dropped letter back ("helth", not "carve" to "care"). The
        words compared are those of the statements holding the word's own stem, when some do (a
        misspelling the stemmer forgives), else of the statements holding the stems nearest to it
        (the typed word cut to a stem's length when the stem is shorter, as a stem is a word cut
        short). Two forms of one word ("declares", "declare") are not a misspelling. The nearest
        word wins, then the one written most often."""
        from rapidfuzz.distance import OSA

        word = word.lower()
        if len(word) < 5 or not word.isalpha():
            return None
        term = _fts_word(word)
        try:
            if self.db.execute("SELECT 1 FROM fts JOIN statements s ON s.id = fts.rowid WHERE fts MATCH ? "
                               "AND instr(lower(s.text), ?) LIMIT 1", (f'"{term}"', word)).fetchone():
                return None
            stems = self._vocabulary("WHERE term >= ? AND term < ?", (word[0], chr(ord(word[0]) + 1)))
        except sqlite3.Error:
            return None
        most = 2 if len(word) >= 10 else 1
        near = []
        for t, docs in stems:
            if t.isalpha() and max(4, len(word) - 4) <= len(t) <= len(word) + 2:
                d = OSA.distance(word[:len(t)] if len(t) < len(word) else word, t, score_cutoff=most)
                if d <= most:
                    near.append((d, -docs, t))
        counts: dict[str, int] = {}
        # a word whose stem the notes hold is compared with the words of that stem alone; a stem
        # is matched as a prefix, as the stemmer would cut it again ("extens" to "exten")
        matches = [f'"{term}"'] if self.frequency(word) else [f'"{t}"*' for _d, _n, t in sorted(near)[:12]]
        for match in matches:
            for (text,) in self.db.execute("SELECT s.text FROM fts JOIN statements s ON s.id = fts.rowid "
                                           "WHERE fts MATCH ? LIMIT 20", (match,)):
                for w in re.findall(r"[A-Za-z]+", text):
                    w = w.lower()
                    if w[0] == word[0] and w != word and abs(len(w) - len(word)) <= most \
                            and not _inflected(w, word):
                        counts[w] = counts.get(w, 0) + 1
        if len(word) == 5:      # a short word: only a letter dropped, the commonest slip ("helth")
            counts = {w: n for w, n in counts.items() if len(w) == 6}
        best = min(counts, key=lambda w: (OSA.distance(w, word), -counts[w], w), default=None)
        return best if best is not None and OSA.distance(best, word) <= most else None

    def spelled_like(self, word: str, cutoff: float = 80.0) -> bool:
        """Does some indexed word look like `word` misspelt ("wating": "wait")? The index keeps
        Porter stems, so a typed word is compared with the stems of the notes' words."""
        self._stems()
        from rapidfuzz import fuzz, process

        word = word.lower()
        if process.extractOne(word, self._terms, scorer=fuzz.ratio, score_cutoff=cutoff) is not None:
            return True
        # a stem is a word cut short ("retent"): the typed word cut as short is compared with it
        return any(fuzz.ratio(word[:len(t)], t) >= cutoff for t in self._terms
                   if len(t) >= 4 and t[0] == word[0] and len(word) - 3 <= len(t) < len(word))

    def idf(self, word: str) -> float:
        """log(N / (1 + statements holding `word`)): how much a word tells statements apart."""
        import math

        n = max(self.count(), 1)
        df = self.frequency(word)
        return math.log(n / (1 + df)) if df < n else 0.0

    # ------------------------------------------------------------ each service's limit facts

    def fact_key(self, vocab) -> str:
        """What the limit facts of a service are made of: every note's SHA-256 and extractor
        version (as the last sync found them in the store), the vocabulary, and the code that
        merges facts (kg/facts.py, kg/units.py, by size and modification time)."""
        if self._fact_key is None:
            digest = hashlib.sha256(f"{INDEX_FORMAT}\n{getattr(vocab, 'digest', '')}\n".encode("utf-8"))
            here = Path(__file__).parent
            for name in _FACT_CODE:
                try:
                    st = (here / name).stat()
                    digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns}\n".encode("utf-8"))
                except OSError:
                    digest.update(f"{name}:?\n".encode("utf-8"))
            for row in self.db.execute("SELECT iri, sha, version FROM notes ORDER BY iri"):
                digest.update("\t".join(row).encode("utf-8") + b"\n")
            self._fact_key = digest.hexdigest()[:32]
        return self._fact_key

    def limit_facts(self, store, vocab, service: str | None) -> list:
        """kg.facts.limit_facts of one service (None: of every service), kept in the index under
        fact_key: a question about a service already asked of the same notes reads its facts here,
        not from the store. A fact kept here is the one the store gives, pickled."""
        import pickle

        from kg.facts import limit_facts

        name = service if service is not None else "*"
        key = self.fact_key(vocab)
        try:
            row = self.db.execute("SELECT data FROM facts WHERE service = ? AND key = ?", (name, key)).fetchone()
            if row is not None:
                return pickle.loads(row[0])
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            pass
        facts = limit_facts(store, vocab, [service] if service is not None else None)
        if self.path is not None:
            try:
                self.db.execute("INSERT OR REPLACE INTO facts(service, key, data) VALUES (?,?,?)",
                                (name, key, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)))
            except sqlite3.Error:
                pass        # a read-only cache: computed again next time
        return facts

    def count(self) -> int:
        if self._count is None:
            self._count = self.db.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
        return self._count


# the body counts more than its headings and parents
_BM25 = "bm25(fts, 1.0, 0.35)"


# endings by which English inflects or derives a word: two words that differ only by them
# ("declares" / "declare", "slowest" / "slower", "economical" / "economic") are not a misspelling
_ENDINGS = {"", "s", "es", "d", "ed", "r", "er", "st", "est", "ing", "al", "ally", "ly", "ion", "ions"}


def _inflected(a: str, b: str) -> bool:
    """Are `a` and `b` one word with two endings (kg.index.StatementIndex.correct)?"""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    # the endings may share letters: "protect|ing", "protect|ion"
    return any(a[k:] in _ENDINGS and b[k:] in _ENDINGS for k in range(n, max(n - 4, 3), -1))


def _fts_word(term: str) -> str:
    """A question word as an FTS5 string token: letters and digits only."""
    return " ".join(re.findall(r"[A-Za-z0-9]+", term)).strip()


def service_finder(vocab):
    """The phrase finder of service names the index uses (built once per vocabulary)."""
    if vocab is None:
        return None
    from kg.vocab import PhraseFinder

    finder = vocab.derived.get("index-services")
    if finder is None:
        finder = PhraseFinder({iri: c.labels for iri, c in vocab.services.items()})
        vocab.derived["index-services"] = finder
    return finder


def _store_statements(store, note: str) -> list[tuple]:
    """(line, end line, text, headings, parents, services mentioned) of each statement of a
    note's graph, as the store holds them."""
    g = sparql_iri(note)
    mentions: dict[str, set[str]] = {}
    for m in store.select(_MENTIONS.format(g=g, kg=KG)):
        mentions.setdefault(m["st"], set()).add(m["service"])
    return [(int(st["line"]), int(st["end"]), st["text"], st.get("headings") or "", st.get("parents") or "",
             mentions.get(st["st"], set()))
            for st in store.select(_STATEMENTS.format(g=g, kg=KG, prov=PROV))]


def extraction_statements(extraction) -> list[tuple]:
    """The statements of a note's extraction as `_store_statements` reads them back from its graph
    (kg.graph.build_note_triples): one per line span, the first of a span kept, the services
    of every statement of a span merged."""
    spans: dict[tuple[int, int], tuple] = {}
    for st in extraction.note.statements:
        span = (st.line, st.end_line)
        if span not in spans:
            spans[span] = (st.line, st.end_line, st.raw or st.text, " > ".join(st.headings) if st.headings else "",
                           " > ".join(st.parents) if st.parents else "", set())
    for k, services in extraction.mentions.items():
        st = extraction.note.statements[k]
        spans[(st.line, st.end_line)][5].update(services)
    return list(spans.values())


def about_rows(statements: list[tuple], path: str, finder) -> list[tuple]:
    """The index rows of one note's statements, in line order: (line, end line, text, headings,
    parents, FTS context, services the text mentions, services its headings, parents or file
    name name). Workers of kg ingest build them beside a note's triples (kg.ingest)."""
    stem = re.sub(r"^[\d_\-. ]+", "", Path(path).stem).replace("_", " ").replace("-", " ")
    file_services = {m.iri for m in finder.find(stem)} if finder else set()
    seen_context: dict[str, set[str]] = {}
    out = []
    for line, end, text, headings, parents, direct in sorted(statements, key=lambda r: (r[0], r[1])):
        context = " > ".join(x for x in (headings, parents) if x)
        if context not in seen_context:
            seen_context[context] = {m.iri for m in finder.find(context)} if finder and context else set()
        around = (seen_context[context] | file_services) - direct
        out.append((line, end, text, headings, parents, f"{context} {stem}".strip(),
                    sorted(direct), sorted(around)))
    return out


def open_index(store, vocab, *, rows: list[dict] | None = None, prepared: dict | None = None) -> StatementIndex:
    """The statement index of `store`, brought up to date with its notes.

    `prepared` maps a note's IRI to ((sha256, extractor version, path), its about_rows) built
    from its extraction: a changed note found there with the same sha, version and path is
    indexed from those rows, not read back from the store.

    When the user cache cannot be written, the index is built in memory for this process.
    """
    try:
        index = StatementIndex(index_path(store.location))
    except (sqlite3.Error, OSError):
        index = StatementIndex(None)
    try:
        index.sync(store, vocab, rows, prepared)
    except sqlite3.Error:
        index.close()
        if index.path:
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(str(index.path) + suffix)
                except OSError:
                    pass
        index = StatementIndex(None)
        index.sync(store, vocab, rows, prepared)
    return index
