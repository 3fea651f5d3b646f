"""Which files under a notes folder are notes, and reading one without ever blocking.

A note is a regular text file: by extension (markdown, plain text, org, reStructuredText,
AsciiDoc, CSV and TSV, HTML), or with no extension when its first bytes are text. Everything
else in a folder (a vault's images, PDFs, canvases, JSON) is not a note and is counted, not
warned about. `--include` globs replace the extension test, `--exclude` globs and a `.kgignore`
file in the notes folder or a folder under it (kg.ingest.discover; gitignore syntax: `#`
comments, `!` negation, a trailing `/` for folders, a leading or inner `/` to anchor at the
folder) leave files out.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kg.notes import UnreadableNote

# The formats kg/notes.py reads: markdown (and Obsidian/gist flavours), plain-text exports, org,
# reStructuredText, AsciiDoc, delimited tables, and HTML (its tables and paragraphs)
NOTE_EXTENSIONS = frozenset({
    ".md", ".markdown", ".mdown", ".mkd", ".mdx", ".txt", ".text", ".org", ".rst", ".adoc", ".asciidoc",
    ".csv", ".tsv", ".htm", ".html",
})
IGNORE_FILE = ".kgignore"
_SNIFF_BYTES = 4096


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is ("a named pipe", "a device", "a socket")."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, read without ever blocking on a pipe or device.

    The file is opened with O_NONBLOCK (a named pipe opens at once instead of waiting for a
    writer) and checked with fstat before a byte is read, so a FIFO or device swapped in after
    the folder was listed is refused too.

    Raises:
        UnreadableNote: not a regular file, larger than `max_bytes`, or unreadable.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UnreadableNote(str(path), error.strerror or str(error)) from None
    try:
        st = os.fstat(fd)
        kind = file_kind(st.st_mode)
        if kind is not None:
            raise UnreadableNote(str(path), f"{kind}, not a regular file (never opened for reading)")
        if st.st_size > max_bytes:
            raise UnreadableNote(str(path), f"larger than {max_bytes // (1024 * 1024)} MB "
                                 "(set KG_MAX_NOTE_BYTES to raise the limit)")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableNote(str(path), error.strerror or str(error)) from None
    finally:
        os.close(fd)


def looks_like_text(path: Path) -> bool:
    """Do the first bytes of a regular file read as text (no NUL, few control characters)?"""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return True          # let the reader name the error
    try:
        if file_kind(os.fstat(fd).st_mode) is not None:
            return True      # the reader refuses it with a warning
        head = os.read(fd, _SNIFF_BYTES)
    except OSError:
        return True
    finally:
        os.close(fd)
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in b"\n\r\t\f\v")
    return controls <= len(head) * 0.05


# ---------------------------------------------------------------- globs

def _glob_regex(pattern: str) -> re.Pattern:
    """A gitignore-style glob as a regex on a '/'-separated relative path: `*` and `?` stay in
    one path part, `**` spans parts, `[...]` is a character class."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class Rule:
    """One glob line: anchored rules match the whole relative path, others any trailing part."""

    regex: re.Pattern
    anchored: bool
    folders_only: bool
    negated: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.folders_only and not is_dir:
            return False
        if self.anchored:
            return bool(self.regex.match(rel))
        parts = rel.split("/")
        return any(self.regex.match("/".join(parts[i:])) for i in range(len(parts)))


def parse_rule(line: str) -> Rule | None:
    """A `.kgignore` line (or an --include/--exclude glob) as a Rule; None for blanks and comments."""
    text = line.rstrip("\n").rstrip()
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    text = text[1:] if negated else text
    folders_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text
    text = text.lstrip("/")
    if not text:
        return None
    return Rule(_glob_regex(text), anchored, folders_only, negated)


@dataclass
class NoteFilter:
    """Decides, for one notes folder, which files are notes and which folders to enter."""

    include: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()        # --exclude, then .kgignore lines in order

    @classmethod
    def for_root(cls, root: Path, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> "NoteFilter":
        """The filter of a notes folder: the given globs plus the folder's .kgignore."""
        rules = [r for r in map(parse_rule, exclude) if r]
        try:
            ignore = root / IGNORE_FILE
            if ignore.is_file():
                rules += [r for r in map(parse_rule, ignore.read_text(encoding="utf-8", errors="replace").splitlines())
                          if r]
        except OSError:
            pass
        return cls(tuple(r for r in map(parse_rule, include) if r), tuple(rules))

    def is_excluded(self, rel: str, is_dir: bool) -> bool:
        """gitignore's rule: the last matching line decides, and `!` lines take a path back."""
        return bool(self.verdict(rel, is_dir))

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """What the last line matching `rel` says (True: left out, False: taken back), or None
        when no line matches: a later ignore file then decides alone (kg.ingest.discover)."""
        said = None
        for rule in self.exclude:
            if rule.matches(rel, is_dir):
                said = not rule.negated
        return said

    def is_note_name(self, rel: str) -> bool | None:
        """True when the name makes a file a note, False when it makes it not one, None when
        only its content can tell (no extension, no --include)."""
        if self.include:
            return any(r.matches(rel, False) for r in self.include)
        suffix = PurePosixPath(rel).suffix.lower()
        if suffix in NOTE_EXTENSIONS:
            return True
        return None if not suffix or not suffix[1:].isalpha() or len(suffix) > 10 else False
