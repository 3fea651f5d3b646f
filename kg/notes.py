"""Note files -> Note(path, date, statements): one reader for every note style kg meets.

Handles markdown (headings, nested bullets, pipe tables, front matter, [[wiki links]]), plain-text
exports whose headings lost their markup and whose inline code was split onto lines of its own,
gists with "•" bullets, slide decks with repeated titles and tab-separated or HTML tables, cheat
sheets with dotted leaders, and prose. Each Statement keeps its 1-based line span, heading path
and parent bullets (or table column headers). No RDF here.
"""

from __future__ import annotations

import codecs
import functools
import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from kg.errors import KgError


class UnreadableNote(KgError):
    """A file that is not a text note (binary, undecodable, unreadable)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Skipped {path}: {reason}.")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class Statement:
    """One bullet, paragraph, table row or cell, or heading of a note."""

    text: str                      # cleaned: markup removed, split lines joined
    line: int                      # 1-based first line
    end_line: int                  # 1-based last line
    headings: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()  # parent bullets, or a table's column header
    kind: str = "bullet"           # bullet | paragraph | row | cell | heading
    raw: str = ""                  # verbatim lines, joined by newlines


@dataclass(frozen=True)
class Note:
    """A parsed note file."""

    path: Path
    statements: tuple[Statement, ...]
    date: str | None = None        # ISO date the note carries, if any
    title: str | None = None
    front_matter: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"


# ---------------------------------------------------------------- decoding

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF",
                 b"\x1f\x8b", b"BZh", b"\xfd7zXZ")


def decode_note(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode note bytes; return (text, encoding).

    Honours a BOM (UTF-8, UTF-16, UTF-32), then tries UTF-8, then Windows-1252.

    Raises:
        UnreadableNote: for binary data (known magic numbers, NUL bytes, control-character soup).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise UnreadableNote(path, f"invalid {encoding} ({error.reason})") from None
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise UnreadableNote(path, "binary file, not text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:8192]
    if sample:
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
        if controls / len(sample) > 0.05 or (encoding == "cp1252" and sample.count("\ufffd") > len(sample) / 20):
            raise UnreadableNote(path, "binary file, not text")
    return text, encoding


def read_note(path: Path) -> tuple[str, str]:
    """Read and decode one note file; return (text, encoding).

    Raises:
        UnreadableNote: when the file cannot be read or is not text.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableNote(str(path), error.strerror or str(error)) from None
    return decode_note(data, str(path))


# ---------------------------------------------------------------- cleaning markup

_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^{}]*)?\}\}")
_HTML_BREAK = re.compile(r"</?p>|<br\s*/?>|</li>|</div>", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|s|p|br|em|strong|span|div|font|code|pre|sup|sub|small|mark|img|li|ul|ol|table|"
    r"thead|tbody|tr|td|th|h[1-6]|hr|del|ins|details|summary|center)\b[^<>]*>", re.IGNORECASE)
_WIKI = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_LEADERS = re.compile(r"\s*(?:\.{3,}|…{2,}|·{3,}|_{4,}|-{4,})\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


_NUMBER_GLUED_TO_NAME = re.compile(r"(?<![\w.])(\d+)(?=[A-Z][a-z]+[A-Z][a-z])")


_LEADER_SEEDS = ("...", "……", "···", "____", "----")


@functools.lru_cache(maxsize=1 << 16)
def clean_text(text: str) -> str:
    """Strip markdown and HTML markup, keeping the words and numbers.

    Each pass runs only when the character that starts its markup is in the text (most lines
    have none of it), and a text is cleaned once however often it is asked for: a heading is
    cleaned again for every statement under it.
    """
    if "{{" in text:
        text = _CLOZE.sub(r"\1", text)       # Anki cloze deletions: "port {{c1::6379::number}}"
    if "<" in text:
        text = _HTML_BREAK.sub("; ", text)
        text = _HTML_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "[[" in text:
        text = _WIKI.sub(lambda m: m.group(2) or m.group(1), text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = _EMPH.sub(r"\2", text)
    if "*" in text:
        text = _ITALIC.sub(r"\1", text)
    if "\\" in text:
        text = text.replace("\\$", "$").replace("\\_", "_").replace("\\*", "*").replace("\\#", "#")
    if any(seed in text for seed in _LEADER_SEEDS):
        text = _LEADERS.sub(" ⇒ ", text)     # dotted leaders in cheat sheets: "name ..... value"
    text = _NUMBER_GLUED_TO_NAME.sub(r"\1 ", text)     # "Up to 25PutItem": code lost its spaces
    text = _SPACES.sub(" ", text)
    if ";" in text:
        text = _SEMICOLONS.sub("; ", text)
    return text.strip(" ;")


_SEMICOLONS = re.compile(r"(;\s*)+")


# ---------------------------------------------------------------- dates

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MY = re.compile(r"\b([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_DATE_LINE = re.compile(
    r"\b(?:last\s+(?:active|updated|reviewed|modified|edited|revised)|updated(?:\s+on)?|reviewed(?:\s+on)?"
    r"|revised(?:\s+on)?|modified(?:\s+on)?)\b[:\s]*(.{0,40})", re.IGNORECASE)


def parse_date(text: str) -> str | None:
    """Return the first date in `text` as ISO "YYYY-MM-DD" ("Month YYYY" gives day 1)."""
    candidates = []
    for m in _ISO.finditer(text):
        candidates.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _MDY.finditer(text):
        month = _MONTHS.get(m.group(1).lower())
        if month:
            candidates.append((m.start(), int(m.group(3)), month, int(m.group(2))))
    for m in _DMY.finditer(text):
        month = _MONTHS.get(m.group(2).lower())
        if month:
            candidates.append((m.start(), int(m.group(3)), month, int(m.group(1))))
    if not candidates:
        for m in _MY.finditer(text):
            month = _MONTHS.get(m.group(1).lower())
            if month:
                candidates.append((m.start(), int(m.group(2)), month, 1))
    for _pos, y, mo, d in sorted(candidates):
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- line classification

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+•▪◦‣●○■□➢➤►–]|\d{1,3}[.)])\s+(.*)$")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Org mode: "#+BEGIN_SRC" ... "#+END_SRC" blocks are fenced code, "** Title" is a level-2 heading
_ORG_DIRECTIVE = re.compile(r"^\s*#\+[A-Za-z_]+", re.IGNORECASE)
_ORG_BLOCK = re.compile(r"^\s*#\+(?:BEGIN|END)_", re.IGNORECASE)
_ORG_HEADING = re.compile(r"^(\*+)\s+(.*?)\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_ALIGN = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TERMINAL = re.compile(r"[.!?:;)\]]\s*$")
_CODEISH_TOKEN = re.compile(r"[_./~$<>{}()=:\\-]|[a-z][A-Z]|^[a-z]")
# A line that ends with one of these words cannot be a finished sentence.
_INCOMPLETE_END = set("""the a an to of via by with using in on for and or from as called named
set use run specifying issuing calling through into onto at is are be""".split())
_ARROWS = ("⇒", "=>", "→", "->")
_IDENTIFIER = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*")             # PutItem, Query
_GLUED_NAME = re.compile(r"[a-z)\]](" + _IDENTIFIER.pattern + r")$")     # "...dataUpdateItem", "(16MB max)Query"
_DASH_SPLIT = re.compile(r"\s+-\s+(?=\S)|(?<=[a-z0-9])-\s+(?=[A-Z])")


def _indent(ws: str) -> int:
    return len(ws.expandtabs(4))


def _is_label_like(text: str) -> bool:
    """A short bullet that names a topic ("FIFO Queue", "Limitations") rather than saying something."""
    words = text.split()
    return (0 < len(words) <= 4 and not _TERMINAL.search(text) and not re.search(r"\d", text)
            and "⇒" not in text and "→" not in text and ":" not in text)


_KEY_VALUE = re.compile(r"\.{3,}|…{2,}|·{3,}|⇒|→|->|\s=\s|:\s*\S")


def _is_standalone(text: str) -> bool:
    """A "name ..... value" or "key: value" line stands alone, as in a cheat sheet."""
    return bool(_KEY_VALUE.search(text))


def _is_heading_candidate(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 8 and not re.search(r"[.,;:!?]$", text) and "<" not in text
            and not _KEY_VALUE.search(text)
            and "--" not in text and " - " not in text and not text[0].islower()
            and not text.startswith(("(", "$", "/", "~", "{", "[", "\"", "'", "`", "⇒", "→")))


MAX_STATEMENT_CHARS = 2000
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


_VALUE_MARK = re.compile(r"\.{3,}|…|·{3,}|⇒|→|->")
_LINE_OF = re.compile(r"^\s*([=-])\1{2,}\s*$")     # a rule of one character: "=====", "-----"
_COLUMNS = re.compile(r"\S\s{2,}\S")                # words set in columns: a table's header


def framed_titles(lines: list[str], start: int = 0, markdown: bool = False) -> dict[int, int]:
    """Titles a note sets off with rule lines, by line index, and their levels: a title between
    two lines of "=" or of "-" ("=====" / "Key Management" / "=====", as banners are written) or
    a title underlined with them ("Message queues" / "-----", as setext and reStructuredText
    write them). In a plain-text note, as in reStructuredText, each style of frame (overline or
    not, and its character) is a level, in the order the note first uses them; in a Markdown
    note, as in CommonMark, "=" underlines level 1 and "-" level 2. A title is one line of at
    most eight words after a blank line or its overline: not a bullet, a "#" heading, a
    "name ..... value" line or a table's column headers; a rule under a line of prose that
    follows other text is a separator, and nothing inside fenced code or before `start` (front
    matter) is read."""
    out: dict[int, int] = {}
    styles: dict[tuple[str, str], int] = {}
    fenced = False
    for i in range(start, len(lines) - 1):
        if _FENCE.match(lines[i]):
            fenced = not fenced
        under = _LINE_OF.match(lines[i + 1])
        s = lines[i].strip()
        if fenced or not under or not s or _LINE_OF.match(lines[i]) or _BULLET.match(lines[i]) \
                or len(s.split()) > 8 or _VALUE_MARK.search(s) or _COLUMNS.search(s) or _MD_HEADING.match(s):
            continue
        over = _LINE_OF.match(lines[i - 1]) if i > start else None
        if over and over.group(1) != under.group(1):
            over = None
        if not over and i > start and lines[i - 1].strip():
            continue
        if markdown:
            if not over:
                out[i] = 1 if under.group(1) == "=" else 2
            continue
        style = (over.group(1) if over else "", under.group(1))
        out[i] = styles.setdefault(style, len(styles) + 1)
    return out


def _pieces(text: str) -> list[str]:
    """Split an over-long statement at sentence ends, else at spaces, into pieces under the limit."""
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > MAX_STATEMENT_CHARS:
            cut = sentence.rfind(" ", 0, MAX_STATEMENT_CHARS)
            cut = cut if cut > 0 else MAX_STATEMENT_CHARS
            if current:
                out.append(current)
                current = ""
            out.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + len(sentence) + 1 > MAX_STATEMENT_CHARS:
            out.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        out.append(current)
    return out


@dataclass
class _Block:
    kind: str
    line: int
    end_line: int
    raw: list[str]
    text: str
    headings: tuple[str, ...]
    parents: tuple[str, ...]
    indent: int = 0
    open: bool = True   # may still take continuation lines


# Words after which a trailing service name is part of the sentence ("backed by Lambda"),
# not a heading that lost its line break ("4Kb Lambda@Edge").
_LEAD_INS = set("""in into to from with using via by through on for of onto the a an and or is are be
was were as like than vs versus between behind inside within both either nor about use uses used poll
polls call calls invoke invokes trigger triggers read reads write writes send sends monitor monitors
consume consumes subscribe subscribes support supports enable enables integrate integrates access
accesses across over under at into & + / , : ( - ⇒ → -> such per each every""".split())

TrailingLabel = Callable[[str], "int | None"]
_GLUE_FINDERS: dict[int, tuple[object, TrailingLabel]] = {}


def glued_heading_finder(vocab=None) -> TrailingLabel:
    """Where a service name that ends a line starts, by the vocabulary's service names (default:
    kg's own), for splitting off a heading glued to the end of a bullet (see _glued_heading).

    `kg ingest` and parse_note() read with the same finder, so they see the same statements.
    """
    from kg.vocab import PhraseFinder, default_vocabulary

    vocab = vocab or default_vocabulary()
    cached = _GLUE_FINDERS.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        services = PhraseFinder({iri: c.labels for iri, c in vocab.services.items()})

        def trailing_label(text: str) -> int | None:
            stripped = clean_text(text).rstrip(" .")
            found = services.find(stripped)
            if found and found[-1].end == len(stripped):
                raw_at = text.rfind(found[-1].label)
                return raw_at if raw_at > 0 else None
            return None
        cached = _GLUE_FINDERS[id(vocab)] = (vocab, trailing_label)
    return cached[1]


class _Reader:
    """Turns lines into statements; one instance per note."""

    def __init__(self, lines: list[str], trailing_label: TrailingLabel | None = None) -> None:
        self.lines = lines
        self.trailing_label = trailing_label
        self.out: list[Statement] = []
        self.headings: list[str] = []          # index = level - 1
        self.bullets: list[tuple[int, str]] = []   # (indent, text) of open parent bullets
        self.flat_parent: str | None = None
        self.block: _Block | None = None
        self.table: list[list[str]] | None = None
        self.table_header: list[str] | None = None
        # an org file's "#" lines are comments inside its source blocks, not markdown headings
        self.org = any(_ORG_DIRECTIVE.match(line) for line in lines[:4000])
        self.markdown = not self.org and any(_MD_HEADING.match(line) for line in lines[:4000])
        indents = {_indent(m.group(1)) for line in lines if (m := _BULLET.match(line))}
        self.flat = len(indents) <= 1
        self.framed: dict[int, int] = {}
        self.label_base = 1

    # ------------------------------------------------------------ emitting

    def _heading_path(self) -> tuple[str, ...]:
        return tuple(h for h in self.headings if h)

    def flush(self) -> None:
        b = self.block
        self.block = None
        if b is None:
            return
        text = clean_text(b.text)
        if not text or not re.search(r"\w", text):
            return
        raw = "\n".join(b.raw)
        if len(text) <= MAX_STATEMENT_CHARS:
            self.out.append(Statement(text, b.line, b.end_line, b.headings, b.parents, b.kind, raw))
            return
        # A 5 MB line is not one statement: read it in sentence-sized pieces, each citing the line
        for piece in _pieces(text):
            if " " in piece.strip() or len(piece) < 200:     # an unbroken 2,000-character token is a blob
                self.out.append(Statement(piece, b.line, b.end_line, b.headings, b.parents, b.kind, piece))

    def start(self, kind: str, lineno: int, raw: str, text: str, parents: tuple[str, ...] = (),
              indent: int = 0) -> None:
        self.flush()
        self.block = _Block(kind, lineno, lineno, [raw], text, self._heading_path(), parents, indent)

    def extend(self, lineno: int, raw: str, text: str, sep: str = " ") -> None:
        assert self.block is not None
        self.block.end_line = lineno
        self.block.raw.append(raw)
        self.block.text = f"{self.block.text}{sep}{text}" if text else self.block.text

    # ------------------------------------------------------------ headings

    def heading(self, level: int, text: str, lineno: int, raw: str) -> None:
        self.flush()
        self.end_table()
        title = clean_text(text)
        if not title:
            return
        level = max(1, min(level, 6))
        self.bullets.clear()
        self.flat_parent = None
        current = self.headings[level - 1] if len(self.headings) >= level else None
        # Slide decks repeat a title on every slide: the same heading again is not a new one.
        if current == title and len(self.headings) == level:
            return
        del self.headings[level - 1:]
        while len(self.headings) < level - 1:
            self.headings.append("")
        self.headings.append(title)
        self.out.append(Statement(title, lineno, lineno, self._heading_path()[:-1], (), "heading", raw))

    # ------------------------------------------------------------ tables

    def table_row(self, cells: list[str], lineno: int, raw: str) -> None:
        self.flush()
        cells = [clean_text(c) for c in cells]
        if self.table_header is None:
            self.table_header = cells
            self.table = []
            self.out.append(Statement(" | ".join(c for c in cells if c), lineno, lineno,
                                      self._heading_path(), (), "row", raw))
            return
        header = self.table_header
        headings = self._heading_path()
        nonempty = [c for c in cells if c]
        if not nonempty:
            return
        first = cells[0] if cells else ""
        if len(cells) >= 2 and first and len(first.split()) <= 8:
            # a key column: "Memory allocation | 128 MB to 10,240 MB"
            rest = [f"{header[j]}: {c}" if len(cells) > 2 and j < len(header) and header[j] else c
                    for j, c in enumerate(cells[1:], 1) if c]
            text = f"{first}: {'; '.join(rest)}" if rest else first
            self.out.append(Statement(text, lineno, lineno, headings, tuple(h for h in header if h),
                                      "row", raw))
        else:
            # prose cells: each cell says something under its column header
            for j, cell in enumerate(cells):
                if cell:
                    col = header[j] if j < len(header) and header[j] else ""
                    self.out.append(Statement(cell, lineno, lineno, headings,
                                              (col,) if col else (), "cell", raw))

    def end_table(self) -> None:
        self.table = None
        self.table_header = None

    # ------------------------------------------------------------ bullets

    def bullet(self, ws: str, body: str, lineno: int, raw: str) -> None:
        self.end_table()
        indent = _indent(ws)
        text = body
        if self.flat:
            parents: tuple[str, ...] = (self.flat_parent,) if self.flat_parent else ()
            cleaned = clean_text(text)
            if _is_label_like(cleaned) and self._next_bullet_is_sentence(lineno):
                self.flat_parent = cleaned
                parents = ()
        else:
            while self.bullets and self.bullets[-1][0] >= indent:
                self.bullets.pop()
            parents = tuple(t for _i, t in self.bullets)
            self.bullets.append((indent, clean_text(text)))
        cut = self._glued_heading(text, lineno, indent)
        if cut is not None:
            level = max(1, len(self.headings))
            self.start("bullet", lineno, raw, text[:cut].rstrip(), parents, indent)
            self.heading(level, text[cut:].strip(), lineno, raw)
            return
        self.start("bullet", lineno, raw, text, parents, indent)

    def _glued_heading(self, text: str, lineno: int, indent: int) -> int | None:
        """Where a heading glued to the end of a bullet starts ("... is 4Kb Lambda@Edge"), if any.

        Only when the word before the name is a value ("4Kb", "256 KB"), or when the next bullet
        steps back out (a new section begins); "to orchestrate Lambda functions" is a sentence.
        """
        if self.trailing_label is None or self.markdown:
            return None
        nxt = self._next_nonblank(lineno)
        bm = _BULLET.match(nxt) if nxt is not None else None
        if bm is None:
            return None
        cut = self.trailing_label(text)
        if cut is None or cut == 0 or not text[cut:cut + 1].isupper():
            return None
        before = text[:cut].split()
        if len(before) < 2 or before[-1].lower() in _LEAD_INS or before[-1][-1] in ",:;(-⇒→/&+":
            return None
        after_value = any(re.search(r"\d", w) for w in before[-6:])   # "10,000 requests per second per account SES"
        steps_out = _indent(bm.group(1)) < indent
        return cut if after_value or steps_out else None

    def _next_bullet_is_sentence(self, lineno: int) -> bool:
        for line in self.lines[lineno:lineno + 3]:
            m = _BULLET.match(line)
            if m:
                return not _is_label_like(clean_text(m.group(2)))
            if line.strip():
                return False
        return False

    def _update_last_bullet(self) -> None:
        if self.block and self.block.kind == "bullet" and self.bullets and not self.flat:
            self.bullets[-1] = (self.bullets[-1][0], clean_text(self.block.text))

    # ------------------------------------------------------------ plain text lines

    def text_line(self, s: str, lineno: int, raw: str, prev_blank: bool) -> None:
        b = self.block
        if self.markdown:
            if b is not None and b.open and not prev_blank:
                self.extend(lineno, raw, s, sep=" " if b.kind != "paragraph" else " ")
                self._update_last_bullet()
                return
            self.end_table()
            self.start("paragraph", lineno, raw, s)
            return
        # Plain text: headings lost their markup, and inline code may sit on a line of its own.
        glued = None if self.org else self._glued_code_heading(s, lineno)
        if glued is not None:
            self.text_line(s[:glued], lineno, raw, prev_blank)
            self.heading(len(self.headings), s[glued:], lineno, raw)
            return
        if b is not None and not prev_blank and b.kind in ("bullet", "paragraph") and self._continues(b, s, lineno):
            m = _DASH_SPLIT.search(s)
            if m and b.kind == "bullet":
                self.extend(lineno, raw, s[:m.start()])
                self._update_last_bullet()
                self.bullet("", s[m.end():], lineno, raw)
            else:
                self.extend(lineno, raw, s)
                self._update_last_bullet()
            return
        if not self.org and _is_heading_candidate(s) and (self._followed_by_structure(lineno) or
                                         (s.isupper() and len(s.split()) <= 5 and prev_blank)):
            level = 1 if self._next_is_heading(lineno) else 2
            if level == 2 and not self.headings:
                level = 1
            self.heading(level + self.label_base - 1, s, lineno, raw)
            return
        if (b is not None and b.kind == "paragraph" and not prev_blank and not _is_standalone(s)
                and not _is_standalone(b.raw[-1]) and not _TERMINAL.search(b.raw[-1].strip())
                and (s[:1].islower() or len(b.raw[-1]) > 60)):
            self.extend(lineno, raw, s)     # prose wrapped over several lines
            return
        self.start("paragraph", lineno, raw, s)

    def _glued_code_heading(self, s: str, lineno: int) -> int | None:
        """Where the next entry's name starts in a glossary whose names lost their line breaks:
        "PutItem" / "⇒ Create or fully replace dataUpdateItem" / "⇒ Partial replacement ...".

        Only inside such a glossary: the section is named by an identifier, the next line starts
        with an arrow, and the name is glued to the description's last word.
        """
        if not self.headings or not _IDENTIFIER.fullmatch(self.headings[-1]):
            return None
        nxt = self._next_nonblank(lineno)
        if nxt is None or not nxt.strip().startswith(_ARROWS):
            return None
        m = _GLUED_NAME.search(s)
        return m.start(1) if m else None

    def _continues(self, b: _Block, s: str, lineno: int) -> bool:
        """Does plain-text line `s` continue the statement above it (split inline code)?"""
        prev_text = b.raw[-1].strip() if b.raw else ""
        if b.kind == "paragraph":
            return False
        prev_words = prev_text.split()
        if len(prev_words) == 1 and len(b.raw) > 1 and _CODEISH_TOKEN.search(prev_text):
            return True   # the line after split-off inline code finishes its sentence
        if _TERMINAL.search(prev_text) and not _CODEISH_TOKEN.search(prev_text.split()[-1] if prev_text.split() else ""):
            return s[:1].islower() or s.startswith(("(", ",", "."))
        if len(s.split()) == 1 and _CODEISH_TOKEN.search(s):
            ends_incomplete = bool(prev_words) and prev_words[-1].lower() in _INCOMPLETE_END
            if (not ends_incomplete and s[:1].isupper() and s.isalnum()
                    and _is_heading_candidate(s) and self._followed_by_structure(lineno)):
                return False    # "DynamoDB" after a finished sentence is a heading
            return not self._next_is_bullet(lineno) or s[:1].islower() or not s[:1].isalpha()
        if s[:1].islower() or s.startswith(("-", "~", "/", "$", "<", "(", ",", ".", "{", "[", "\"", "'")):
            return True
        if _DASH_SPLIT.search(s) and len(b.raw) > 1:
            return True
        if len(b.raw) > 1 and not (_is_heading_candidate(s) and self._followed_by_structure(lineno)):
            return True
        return False

    def _next_nonblank(self, lineno: int) -> str | None:
        for line in self.lines[lineno:]:
            if line.strip():
                return line
        return None

    def _next_is_bullet(self, lineno: int) -> bool:
        nxt = self._next_nonblank(lineno)
        return nxt is not None and bool(_BULLET.match(nxt))

    def _next_is_heading(self, lineno: int) -> bool:
        nxt = self._next_nonblank(lineno)
        if nxt is None or _BULLET.match(nxt) or nxt.startswith((" ", "\t")):
            return False
        idx = self.lines.index(nxt, lineno)
        return _is_heading_candidate(nxt.strip()) and self._followed_by_structure(idx + 1)

    def _followed_by_structure(self, lineno: int) -> bool:
        """Is the line after `lineno` a bullet, a table, or another heading-like line?"""
        for k, line in enumerate(self.lines[lineno:lineno + 3]):
            s = line.strip()
            if not s:
                continue
            if _BULLET.match(line) or "\t" in line or _PIPE_ROW.match(line) or _is_standalone(s):
                return True
            if k == 0 and _is_heading_candidate(s):
                nxt = self._next_nonblank(lineno + k + 1)
                return nxt is not None and (bool(_BULLET.match(nxt)) or _is_heading_candidate(nxt.strip()))
            return False
        return False

    # ------------------------------------------------------------ main loop

    def run(self, start: int = 0) -> list[Statement]:
        # titles framed by rule lines are the top levels; a plain-text note's label headings go below them
        self.framed = {} if self.org else framed_titles(self.lines, start, self.markdown)
        self.label_base = 1 + max(self.framed.values(), default=0)
        in_code = False
        prev_blank = True
        for idx in range(start, len(self.lines)):
            raw = self.lines[idx]
            lineno = idx + 1
            s = raw.strip()
            if _FENCE.match(raw) or (self.org and _ORG_BLOCK.match(raw)):
                self.flush()
                in_code = not in_code
                prev_blank = False
                continue
            if in_code:
                continue
            if not s:
                if self.block is not None and self.block.kind == "paragraph":
                    self.flush()
                elif self.block is not None:
                    self.block.open = False
                if self.table_header is not None:
                    self.end_table()
                prev_blank = True
                continue
            s = s.lstrip("\ufeff")
            m = _MD_HEADING.match(s) if not self.org else _ORG_HEADING.match(raw)
            if idx in self.framed:
                self.heading(self.framed[idx], s, lineno, raw)
            elif m and not raw.startswith((" ", "\t")):
                self.heading(len(m.group(1)), m.group(2), lineno, raw)
            elif self.org and _ORG_DIRECTIVE.match(s):
                self.flush()
            elif _RULE.match(s):
                self.flush()
            elif _PIPE_ROW.match(s):
                if _PIPE_ALIGN.match(s):
                    pass
                else:
                    self.table_row([c.strip() for c in s.strip().strip("|").split("|")], lineno, raw)
            elif "\t" in raw.strip() and len([c for c in raw.split("\t") if c.strip()]) >= 2:
                self.table_row([c.strip() for c in raw.rstrip("\n").split("\t")], lineno, raw)
            elif (bm := _BULLET.match(raw)) and not (self.block and self._is_continuation_dash(raw)):
                self.bullet(bm.group(1), bm.group(2), lineno, raw)
            elif s.startswith(">"):
                body = re.sub(r"^>\s*(\[![^\]]*\][+-]?\s*)?", "", s)
                if body:
                    self.text_line(body, lineno, raw, prev_blank=False if self.block else True)
            else:
                self.text_line(s, lineno, raw, prev_blank)
            prev_blank = False
        self.flush()
        return self.out

    def _is_continuation_dash(self, raw: str) -> bool:
        # "--dry-run" is split inline code, not a bullet; the bullet regex needs "- " anyway.
        return False


_FRONT_KEY = re.compile(r"^([A-Za-z_][\w -]*):\s*(.*)$")


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Parse YAML-ish front matter; return (fields, index of the first body line)."""
    if not lines or lines[0].strip().lstrip("\ufeff") != "---":
        return {}, 0
    fields: dict[str, str] = {}
    for i in range(1, min(len(lines), 200)):
        s = lines[i].strip()
        if s in ("---", "..."):
            return fields, i + 1
        m = _FRONT_KEY.match(s)
        if m:
            fields[m.group(1).strip().lower()] = m.group(2).strip().strip("\"'")
        elif s and not s.startswith(("-", "#")):
            return {}, 0
    return {}, 0


def _note_date(fields: dict[str, str], lines: list[str]) -> str | None:
    for key in ("updated", "last_updated", "last-updated", "modified", "last_reviewed", "reviewed",
                "date", "created"):
        if key in fields:
            found = parse_date(fields[key])
            if found:
                return found
    for line in lines[:400]:
        m = _DATE_LINE.search(line)
        if m:
            found = parse_date(m.group(1))
            if found:
                return found
    return None


# ---------------------------------------------------------------- delimited records (flashcard decks)

_DELIMITED = {".csv": ",", ".tsv": "\t"}
_SEPARATORS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|", "colon": ":", "space": " "}
_DIRECTIVE = re.compile(r"^#(\w[\w ]*):(.*)$")
_TAGS = re.compile(r"^\s*(?:[\w.-]+::[\w:.-]+|[\w.-]+::)(?:\s+[\w:.-]+)*\s*$")


def _records(lines: list[str], separator: str) -> list[Statement]:
    """A CSV or TSV file (an Anki or Quizlet deck export, a spreadsheet of facts): one statement
    per record, its cells joined ("front — back"), never one paragraph of several records.

    Quoted cells may span lines; a record cites the line it starts on. Anki's header directives
    ("#separator:tab", "#tags column:3", "#html:true") are read, not kept: the separator they
    name is used, and the tags column (or a last cell of "deck::tag" words) is dropped."""
    import csv

    tags_column = None
    body = 0
    while body < len(lines) and (m := _DIRECTIVE.match(lines[body].strip())):
        key, value = m.group(1).strip().lower(), m.group(2).strip()
        if key == "separator":
            separator = _SEPARATORS.get(value.lower(), value[:1] or separator)
        elif key == "tags column" and value.isdigit():
            tags_column = int(value) - 1
        body += 1
    out: list[Statement] = []
    reader = csv.reader((line + "\n" for line in lines[body:]), delimiter=separator, skipinitialspace=True)
    start = body + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            cells = []
        end = body + reader.line_num
        if tags_column is not None and tags_column < len(cells):
            cells = cells[:tags_column] + cells[tags_column + 1:]
        elif len(cells) > 1 and _TAGS.match(cells[-1]):
            cells = cells[:-1]
        parts = [clean_text(" ".join(c.split("\n"))) for c in cells]
        text = " — ".join(p for p in parts if p)
        if text:
            raw = "\n".join(lines[start - 1:end])
            out.append(Statement(text, start, end, kind="row", raw=raw))
        start = end + 1
    return out


def parse_text(text: str, path: Path | str = "<text>", trailing_label: TrailingLabel | None = None) -> Note:
    """Parse note text into statements (see the module docstring).

    Args:
        text: the note's text.
        path: where it came from.
        trailing_label: optional; returns where a service name that ends a line starts, so that a
            heading glued to the end of a bullet by a plain-text export can be split off.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if Path(str(path)).suffix.lower() in _DELIMITED:
        fields, statements = {}, _records(lines, _DELIMITED[Path(str(path)).suffix.lower()])
    else:
        fields, body_start = _front_matter(lines)
        reader = _Reader(lines, trailing_label)
        statements = reader.run(body_start)
    title = fields.get("title") or next((s.text for s in statements if s.kind == "heading"), None)
    return Note(Path(path), tuple(statements), _note_date(fields, lines), title, fields)


def parse_note(path: Path, trailing_label: TrailingLabel | None = None) -> Note:
    """Read and parse one note file (see parse_text), splitting glued headings by kg's service
    names unless `trailing_label` says otherwise, as `kg ingest` reads it.

    Raises:
        UnreadableNote: when the file cannot be read or is not text.
    """
    text, encoding = read_note(path)
    note = parse_text(text, path, trailing_label or glued_heading_finder())
    return Note(note.path, note.statements, note.date, note.title, note.front_matter, encoding)
