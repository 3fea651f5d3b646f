"""Quantities in note text: "256 KB", "12,500,000", "1 minute to 14 days" -> Quantity.

Units are parsed through the closed table below, never by a general unit library (pint and
quantulum3 misread "KB", "Gb" and "1 minute").

Size policy: KB, MB, GB, TB and PB are binary (1 KB = 1,024 bytes), as AWS documentation uses
them, so 256 KB is 262,144 bytes. Notes routinely write "Mb", "Gb" and "Kb" for megabytes, so a
lowercase "b" still means bytes; bits need an explicit "bit", "bps" ("Mbps") or "bit/s".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

QUDT_UNIT = "http://qudt.org/vocab/unit/"

# Dimensions, named as in ontology/kg.ttl.
DATA_SIZE, DURATION, COUNT, RATE, DATA_RATE, MONEY, RATIO = (
    "DataSize", "Duration", "Count", "Rate", "DataRate", "Money", "Ratio")

_KIB = 1024


@dataclass(frozen=True)
class Unit:
    """One row of the unit table."""

    symbol: str       # how kg writes it: "KB", "s", "count/s"
    qudt: str         # QUDT local name: "KiloBYTE"
    dimension: str
    factor: float     # multiply by this to get the canonical unit of the dimension
    singular: str     # display words
    plural: str


CANONICAL = {DATA_SIZE: "B", DURATION: "s", COUNT: "count", RATE: "count/s", DATA_RATE: "B/s",
             MONEY: "USD", RATIO: "%"}
CANONICAL_NAMES = {"B": "byte", "s": "second", "count": "count", "count/s": "count/s",
                   "B/s": "byte/s", "USD": "USD", "%": "percent"}

UNITS: dict[str, Unit] = {u.symbol: u for u in [
    Unit("B", "BYTE", DATA_SIZE, 1, "byte", "bytes"),
    Unit("KB", "KiloBYTE", DATA_SIZE, _KIB, "KB", "KB"),
    Unit("MB", "MegaBYTE", DATA_SIZE, _KIB ** 2, "MB", "MB"),
    Unit("GB", "GigaBYTE", DATA_SIZE, _KIB ** 3, "GB", "GB"),
    Unit("TB", "TeraBYTE", DATA_SIZE, _KIB ** 4, "TB", "TB"),
    Unit("PB", "PetaBYTE", DATA_SIZE, _KIB ** 5, "PB", "PB"),
    Unit("bit", "BIT", DATA_SIZE, 1 / 8, "bit", "bits"),
    Unit("ms", "MilliSEC", DURATION, 0.001, "millisecond", "milliseconds"),
    Unit("s", "SEC", DURATION, 1, "second", "seconds"),
    Unit("min", "MIN", DURATION, 60, "minute", "minutes"),
    Unit("h", "HR", DURATION, 3600, "hour", "hours"),
    Unit("day", "DAY", DURATION, 86400, "day", "days"),
    Unit("week", "WK", DURATION, 7 * 86400, "week", "weeks"),
    Unit("month", "MO", DURATION, 30 * 86400, "month", "months"),
    Unit("year", "YR", DURATION, 365 * 86400, "year", "years"),
    Unit("count", "NUM", COUNT, 1, "", ""),
    Unit("count/s", "NUM-PER-SEC", RATE, 1, "per second", "per second"),
    Unit("count/min", "NUM-PER-MIN", RATE, 1 / 60, "per minute", "per minute"),
    Unit("count/h", "NUM-PER-HR", RATE, 1 / 3600, "per hour", "per hour"),
    Unit("count/day", "NUM-PER-DAY", RATE, 1 / 86400, "per day", "per day"),
    Unit("B/s", "BYTE-PER-SEC", DATA_RATE, 1, "byte/s", "bytes/s"),
    Unit("KB/s", "KiloBYTE-PER-SEC", DATA_RATE, _KIB, "KB/s", "KB/s"),
    Unit("MB/s", "MegaBYTE-PER-SEC", DATA_RATE, _KIB ** 2, "MB/s", "MB/s"),
    Unit("GB/s", "GigaBYTE-PER-SEC", DATA_RATE, _KIB ** 3, "GB/s", "GB/s"),
    Unit("Kbit/s", "KiloBIT-PER-SEC", DATA_RATE, 1000 / 8, "Kbps", "Kbps"),
    Unit("Mbit/s", "MegaBIT-PER-SEC", DATA_RATE, 1000 ** 2 / 8, "Mbps", "Mbps"),
    Unit("Gbit/s", "GigaBIT-PER-SEC", DATA_RATE, 1000 ** 3 / 8, "Gbps", "Gbps"),
    Unit("USD", "CCY_USD", MONEY, 1, "USD", "USD"),
    Unit("%", "PERCENT", RATIO, 1, "%", "%"),
]}

# Spellings -> symbol. Keys are matched case-sensitively first, then case-insensitively
# (see _lookup_unit), so "KB", "kb", "Kb" and "kB" all land on KB.
_SPELLINGS: dict[str, str] = {
    "b": "B", "byte": "B", "bytes": "B",
    "kb": "KB", "kib": "KB", "kilobyte": "KB", "kilobytes": "KB",
    "mb": "MB", "mib": "MB", "megabyte": "MB", "megabytes": "MB",
    "gb": "GB", "gib": "GB", "gigabyte": "GB", "gigabytes": "GB",
    "tb": "TB", "tib": "TB", "terabyte": "TB", "terabytes": "TB",
    "pb": "PB", "pib": "PB", "petabyte": "PB", "petabytes": "PB",
    "bit": "bit", "bits": "bit",
    "ms": "ms", "msec": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "min", "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "day", "day": "day", "days": "day",
    "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "mo": "month", "month": "month", "months": "month",
    "yr": "year", "yrs": "year", "year": "year", "years": "year",
    "usd": "USD", "dollar": "USD", "dollars": "USD",
    "kbps": "Kbit/s", "mbps": "Mbit/s", "gbps": "Gbit/s",
    "%": "%", "percent": "%",
}
# Read before the table above, as written: a capital B before "ps" is bytes ("200 MBps" per TiB
# of FSx is 200 MB/s), a lower-case one bits ("10 Gbps"), the way network and storage docs write them.
_CASED_SPELLINGS: dict[str, str] = {"KBps": "KB/s", "kBps": "KB/s", "MBps": "MB/s", "GBps": "GB/s"}
_PER_TIME = {"s": "count/s", "sec": "count/s", "second": "count/s", "min": "count/min",
             "minute": "count/min", "h": "count/h", "hr": "count/h", "hour": "count/h",
             "day": "count/day"}
_DATA_PER_SECOND = {"B": "B/s", "KB": "KB/s", "MB": "MB/s", "GB": "GB/s"}

# Things a bare number can count ("300 messages", "10 tags"): the unit table of counts.
COUNTED_NOUNS = (
    "messages message records record items item requests request calls call api calls "
    "invocations invocation transactions transaction operations operation executions execution "
    "functions function layers layer tags tag characters character chars subscribers subscriber "
    "subscriptions subscription topics topic queues queue shards shard partitions partition "
    "buckets bucket versions version retries retry attempts attempt times users user groups group "
    "roles role policies policy keys key attributes attribute indexes indices index gsis gsi lsis "
    "lsi replicas replica azs az regions region instances instance tasks task containers "
    "container nodes node stages stage apis rules rule targets target consumers consumer "
    "producers producer batches batch events event environments environment stacks stack "
    "resources resource outputs output parameters parameter mappings mapping conditions alarms "
    "alarm metrics metric dimensions dimension destinations destination steps step states state "
    "workers worker connections connection routes route certificates certificate accounts "
    "account domains domain vpcs vpc subnets subnet addresses questions question wcu wcus rcu "
    "rcus units unit transitions notifications notification filters filter endpoints endpoint "
    "clusters cluster snapshots snapshot volumes volume aliases alias deployments deployment "
    "variables variable concurrent processes process threads thread vcpus vcpu cpus cpu "
    "invocations/s writes write reads read puts put gets get msgs msg reqs req ops txns"
).split()

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "thousand": 1000,
}
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mil": 1e6, "million": 1e6,
                "mm": 1e6, "billion": 1e9, "bn": 1e9}


@dataclass(frozen=True)
class Quantity:
    """A number with a unit from the table; `text` keeps how the note wrote it."""

    value: float
    unit: str
    text: str = ""
    noun: str = ""   # what a count counts ("messages"), when the note says

    @property
    def dimension(self) -> str:
        return UNITS[self.unit].dimension

    @property
    def canonical_value(self) -> float:
        return _tidy(self.value * UNITS[self.unit].factor)

    @property
    def canonical_unit(self) -> str:
        return CANONICAL[self.dimension]

    @property
    def qudt_unit(self) -> str:
        return QUDT_UNIT + UNITS[self.unit].qudt

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return (self.dimension == other.dimension
                and math.isclose(self.canonical_value, other.canonical_value, rel_tol=1e-9))

    def __hash__(self) -> int:
        return hash((self.dimension, round(self.canonical_value, 6)))

    def __str__(self) -> str:
        return format_quantity(self)


@dataclass(frozen=True)
class QuantityMatch:
    """A quantity found in text, with its character span.

    `bare` marks a number with no unit of its own (kept only when the extractor finds a
    count-like limit kind for it); `range_id` pairs the two ends of a stated range.
    """

    start: int
    end: int
    quantity: Quantity
    bare: bool = False
    range_role: str = ""   # "", "min" or "max"
    range_id: int = -1


def _tidy(x: float) -> float:
    """A whole number that floating point missed by its last digits (3.0000000000000004) is that
    number; a value with eleven decimals a note wrote (99.999999999%) is kept."""
    r = round(x)
    return float(r) if math.isclose(x, r, rel_tol=1e-13, abs_tol=1e-13) else x


def format_number(x: float) -> str:
    """Write a number with thousands separators and no needless decimals."""
    x = _tidy(x)
    if x == int(x):
        return f"{int(x):,}"
    text = f"{x:,.15g}"             # every digit a note can write, none of binary noise
    return f"{x:,.15f}".rstrip("0").rstrip(".") if "e" in text else text


def format_quantity(q: Quantity) -> str:
    """Write a quantity the way a person would: "256 KB", "14 days", "3,000 per second"."""
    unit = UNITS[q.unit]
    if q.unit == "USD":
        return f"${q.value:,.2f}" if q.value != int(q.value) else f"${format_number(q.value)}"
    if q.unit == "%":
        return f"{format_number(q.value)}%"
    if q.unit == "count":
        return f"{format_number(q.value)} {q.noun}".rstrip()
    word = unit.singular if q.value == 1 else unit.plural
    if unit.dimension == RATE and q.noun:
        return f"{format_number(q.value)} {q.noun} {word}"
    return f"{format_number(q.value)} {word}"


def convert(q: Quantity, unit: str) -> Quantity:
    """Return `q` expressed in `unit` (a symbol or spelling); raise ValueError across dimensions."""
    symbol = _lookup_unit(unit) or unit
    if symbol not in UNITS or UNITS[symbol].dimension != q.dimension:
        raise ValueError(f"cannot express {format_quantity(q)} in {unit}")
    value = _tidy(q.canonical_value / UNITS[symbol].factor)
    # a fraction a conversion makes is as exact as six figures (15 minutes is 0.0104167 days, not
    # 0.0104166666666667); a whole number stays whole (5 TB is 5,497,558,138,880 bytes)
    if value != int(value):
        value = float(f"{value:.6g}")
    return Quantity(value, symbol, noun=q.noun)


def _lookup_unit(word: str) -> str | None:
    if word in ("B", "M"):         # a lone "B" is bytes only in upper case; "M" is a multiplier
        return "B" if word == "B" else None
    return _CASED_SPELLINGS.get(word) or _SPELLINGS.get(word.lower())


# ---------------------------------------------------------------- scanning text

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_WORDNUM = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_MULT = r"(?:k|K|thousand|M|mil|million|MM|billion|bn)"
_MAY_HOLD_NUMBER = re.compile(rf"\d|\b(?:{_WORDNUM})\b", re.IGNORECASE)
_UNIT_WORDS = sorted({*(_SPELLINGS), "kb", "mb"}, key=len, reverse=True)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNIT_WORDS)
_COUNT_ALT = "|".join(re.escape(n) for n in sorted(set(COUNTED_NOUNS), key=len, reverse=True))
_PER = r"(?:\s*/\s*|\s+per\s+|\s+a\s+|\s+an\s+|\s+each\s+)"
_TIME_WORD = r"(?:seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|hr|h|days?)"

_QTY_PATTERN = (
    rf"""
    (?<![\w./:@#=,])                           # not inside an identifier, version, address or 3,000
    (?<![A-Za-z_]-)
    (?P<dollar>\\?\$\s?)?
    (?P<num>{_NUM}|(?i:\b(?:{_WORDNUM})\b))(?!\d)            # never the "3" of "32vCPUs"
    (?:(?P<mult_space>\s?)(?P<mult>{_MULT})(?![A-Za-z]))?
    (?:
        \s?-?\s?(?P<unit>(?i:{_UNIT_ALT}))(?![A-Za-z0-9])(?!-sec|-hour|-month|-s\b)
        (?:(?P<per>{_PER})(?P<per_unit>{_TIME_WORD})(?![A-Za-z]))?
      | \s?(?P<noun>(?:[A-Z][A-Z0-9]*(?:/[A-Z][A-Z0-9]*)+\s+)?(?i:(?:{_COUNT_ALT})(?:\s+(?:{_COUNT_ALT}))?))(?![A-Za-z])
        (?:(?P<nper>{_PER})(?P<nper_unit>{_TIME_WORD})(?![A-Za-z]))?
      | (?P<bper>{_PER})(?P<bper_unit>{_TIME_WORD})(?![A-Za-z])
      | (?P<tps>\s?(?:TPS|RPS|tps|rps))(?![A-Za-z])
    )?
    (?P<usd>\s?(?:USD|usd))?
    (?(dollar)(?!(?!x)[\w.]\d)|(?![\w./]\d))(?:(?![A-Za-z])|(?=x\d))   # "$0.05x10,000 calls": times
    """
)


@lru_cache(maxsize=1)
def _quantity_re() -> re.Pattern[str]:
    """The quantity scanner, compiled on first use (10 ms that `kg ask` seldom needs)."""
    return re.compile(_QTY_PATTERN, re.VERBOSE)
# Things that hold digits but are not quantities: masked before scanning.
_NOT_QUANTITIES = re.compile(
    r"""https?://\S+|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b"""
    r"""|\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d+)?\b|\b\d+(?:\.\d+){2,}\b|\barn:\S+|\b[0-9a-f]{8}-[0-9a-f-]{27,}\b"""
    r"""|<[^>]*>|\b\d{12}\b""",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and|through|thru|or|up\s+to)\s*$", re.IGNORECASE)
_RANGE_LEAD = re.compile(r"(?:\bfrom|\bbetween|\branges?\s+from|\branging\s+from)\s*$", re.IGNORECASE)


def _number(text: str) -> float:
    low = text.lower()
    if low in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[low])
    return float(text.replace(",", ""))


def _unit_from_match(m: re.Match[str]) -> tuple[str | None, str]:
    """Return (unit symbol or None when bare, counted noun)."""
    if m.group("unit"):
        symbol = _lookup_unit(m.group("unit"))
        if symbol is None:
            return None, ""
        if m.group("per_unit"):
            if UNITS[symbol].dimension == DATA_SIZE and symbol in _DATA_PER_SECOND:
                if _PER_TIME.get(m.group("per_unit").lower().rstrip("s") or "s", "") == "count/s":
                    return _DATA_PER_SECOND[symbol], ""
            return symbol, ""
        return symbol, ""
    if m.group("noun"):
        noun = m.group("noun")
        noun = noun if noun.isupper() else noun.lower()     # "3,000 RCU" keeps its acronym
        if m.group("nper_unit"):
            return _per_time(m.group("nper_unit")), noun
        return "count", noun
    if m.group("bper_unit"):
        return _per_time(m.group("bper_unit")), ""
    if m.group("tps"):
        return "count/s", m.group("tps").strip().upper()
    if m.group("dollar") or m.group("usd"):
        return "USD", ""
    return None, ""


def _per_time(word: str) -> str:
    w = word.lower()
    for key in (w, w.rstrip("s")):
        if key in _PER_TIME:
            return _PER_TIME[key]
    return "count/s"


def find_quantities(text: str) -> list[QuantityMatch]:
    """Find every quantity in `text`, pairing the two ends of stated ranges.

    Bare numbers (no unit, no counted noun) are returned with `bare=True` and unit "count";
    a bare number at the start of a range borrows the unit of its other end ("5-12 hours").
    Four-digit years and numbers inside identifiers ("EC2", "SHA-256", "us-east-1") are skipped.
    """
    if not _MAY_HOLD_NUMBER.search(text):
        return []       # most statements hold no number: skip the masking and the long pattern
    raw: list[QuantityMatch] = []
    masked = _NOT_QUANTITIES.sub(lambda m: " " * len(m.group()), text)
    for m in _quantity_re().finditer(masked):
        num_text = m.group("num")
        try:
            value = _number(num_text)
        except ValueError:
            continue
        if m.group("mult"):
            mult = m.group("mult")
            if mult in ("M",) or mult.lower() in _MULTIPLIERS:
                value *= _MULTIPLIERS.get(mult.lower(), 1e6)
        symbol, noun = _unit_from_match(m)
        bare = symbol is None
        if num_text.lower() == "one" and symbol in (None, "count"):
            continue          # "or one function with 900": an article, not a count
        if bare:
            if num_text.isalpha():
                continue      # "one", "two": only numbers that count something
            if re.match(r"-[A-Za-z]", masked[m.end():m.end() + 2]):
                continue      # "45-foot container", "256-bit key": part of a compound word
            if re.fullmatch(r"(19|20)\d\d", num_text) and not m.group("mult"):
                continue      # a year
            symbol = "count"
        start, end = m.start(), m.end()
        q = Quantity(value, symbol, text[start:end].strip(), noun)
        raw.append(QuantityMatch(start, end, q, bare=bare))
    return _borrow_alternative_units(masked, _borrow_range_units(masked, _pair_ranges(text, raw)))


_ALTERNATIVE = re.compile(r"^\s*(?:,\s*)?(?:or|and|/|,)\s*(?:up\s+to\s+)?$", re.IGNORECASE)
_LISTED_BEFORE = re.compile(r"^\s*(?:,\s*)?(?:or|and|&|,)\s*$", re.IGNORECASE)


def _borrow_alternative_units(text: str, found: list[QuantityMatch]) -> list[QuantityMatch]:
    """"300 API calls per second or 3000 with batching": the second value is in the first's unit.

    Also "300 msgs/s without batching, 3000 msgs with": a count of the same thing right after a
    rate of it is that rate. And the other way round, "1 or 3 years", "1, 10 or 100 Gbps": bare
    numbers listed as alternatives before a value with a unit are in its unit.
    """
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if a.bare and not b.bare and a.range_role == "" and _LISTED_BEFORE.match(text[a.end:b.start]):
            q = Quantity(a.quantity.value, b.quantity.unit, a.quantity.text, b.quantity.noun)
            out[i] = QuantityMatch(a.start, a.end, q, False, a.range_role, a.range_id)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        qa, qb = a.quantity, b.quantity
        if qa.unit == "count" or a.bare:
            continue
        between = text[a.end:b.start]
        same_thing = (qb.unit == "count" and qb.noun and qb.noun == qa.noun and len(between) <= 40
                      and not re.search(r"\d", between))
        if (b.bare and _ALTERNATIVE.match(between)) or same_thing:
            q = Quantity(qb.value, qa.unit, qb.text, qa.noun)
            out[i] = QuantityMatch(b.start, b.end, q, False, b.range_role, b.range_id)
    return out


def _borrow_range_units(text: str, found: list[QuantityMatch]) -> list[QuantityMatch]:
    """"128 - 3008 (64Mb increments)": a bare range takes the unit written right after it."""
    out = list(found)
    for i, qm in enumerate(out):
        if qm.bare and qm.range_role == "max" and i + 1 < len(out) and not out[i + 1].bare:
            nxt = out[i + 1]
            if re.fullmatch(r"\s*\(?\s*", text[qm.end:nxt.start]):
                unit, noun = nxt.quantity.unit, nxt.quantity.noun
                lo = out[i - 1]
                out[i - 1] = QuantityMatch(lo.start, lo.end, Quantity(lo.quantity.value, unit, lo.quantity.text, noun),
                                           False, "min", lo.range_id)
                out[i] = QuantityMatch(qm.start, qm.end, Quantity(qm.quantity.value, unit, qm.quantity.text, noun),
                                       False, "max", qm.range_id)
    return out


def _pair_ranges(text: str, found: list[QuantityMatch]) -> list[QuantityMatch]:
    out = list(found)
    range_id = 0
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        between = text[a.end:b.start]
        led_by_between = bool(re.search(r"\bbetween\s*$", text[:a.start], re.IGNORECASE))
        if _RANGE_JOIN.match(between) and not (a.bare and b.bare and not led_by_between and
                                               between.strip().lower() in ("and", "or")):
            qa, qb = a.quantity, b.quantity
            joiner = between.strip().lower()
            led = bool(_RANGE_LEAD.search(text[:a.start]))
            if joiner in ("and", "up to") and not led:     # "from 15 mins up to 1 hour" is a range
                i += 1
                continue
            if joiner == "or":          # "300 ... or 3000 with batching": two values, not a range
                i += 1
                continue
            if a.bare and not b.bare:
                qa = Quantity(qa.value, qb.unit, qa.text, qb.noun)
            elif b.bare and not a.bare:
                qb = Quantity(qb.value, qa.unit, qb.text, qa.noun)
            if qa.dimension == qb.dimension and qa.canonical_value <= qb.canonical_value:
                out[i] = QuantityMatch(a.start, a.end, qa, a.bare and b.bare, "min", range_id)
                out[i + 1] = QuantityMatch(b.start, b.end, qb, a.bare and b.bare, "max", range_id)
                range_id += 1
                i += 2
                continue
        i += 1
    return out


def parse_quantity(text: str) -> Quantity:
    """Parse a whole string as one quantity ("256 KB", "15 minutes", "$0.20").

    Raises:
        ValueError: when the text is not exactly one quantity with a unit.
    """
    stripped = text.strip()
    found = [m for m in find_quantities(stripped) if not m.bare]
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(stripped):
        # "3,000 per second", "$150 USD": the scanner's span can stop short of trailing words
        if len(found) == 1 and found[0].start == 0 and not stripped[found[0].end:].strip():
            return found[0].quantity
        raise ValueError(f"not a single quantity: {text!r}")
    return found[0].quantity


def iter_unit_words() -> Iterator[str]:
    """Yield every unit spelling the parser knows (for the question parser)."""
    yield from _SPELLINGS
