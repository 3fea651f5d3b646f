"""Quizzing on cards: typed answers checked by value, and a Leitner schedule kept per store.

An answer is right when it means one of the card's accepted answers: the same quantity in any
unit ("15 min" for 900 seconds, "256KB" for 256 KB), the same two ends of a range, service
names that are all among the card's, yes or no (read by the lexicon's cue words), or a setting's
value written the same way once case and punctuation are set aside. The review history is a small JSON file beside the store
folder (for a SPARQL endpoint, in the user data directory, named by a digest of its URL),
replaced atomically after each answer.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kg.card_questions import NO, YES
from kg.cards import Card, CardAnswer
from kg.errors import ReviewHistoryDamaged, ReviewHistoryWriteFailed
from kg.lexicon import Lexicon, default_lexicon
from kg.units import Quantity, find_quantities
from kg.vocab import PhraseFinder, Vocabulary

LEITNER_BOXES = 5


# ---------------------------------------------------------------- checking an answer

@dataclass(frozen=True)
class Verdict:
    """Whether a typed answer is right, and which of the card's answers it matched (if any)."""

    right: bool
    matched: CardAnswer | None = None
    stale: bool = False          # it matched a value the notes state, but one that is probably stale
    understood: bool = True      # False: a yes/no card's answer read as neither yes nor no


def _same(a: Quantity, b: Quantity) -> bool:
    return a.dimension == b.dimension and math.isclose(a.canonical_value, b.canonical_value,
                                                       rel_tol=1e-9, abs_tol=1e-12)


def typed_quantities(text: str, like: tuple[Quantity, ...]) -> list[Quantity]:
    """The quantities in a typed answer; a bare number is read in the unit of the card's value.

    "256" for a card whose answer is 256 KB means 256 KB: the question names what is counted,
    and a student who writes the number alone has not written another unit.
    """
    found = find_quantities(text)
    out = []
    for i, m in enumerate(found):
        q = m.quantity
        if m.bare and like:
            ref = like[min(i, len(like) - 1)]
            q = Quantity(q.value, ref.unit, q.text, ref.noun)
        out.append(q)
    return out


def _matches_quantity(text: str, answer: CardAnswer) -> bool:
    typed = typed_quantities(text, answer.quantities)
    return len(typed) == 1 and _same(typed[0], answer.quantities[0])


def _matches_range(text: str, answer: CardAnswer) -> bool:
    typed = typed_quantities(text, answer.quantities)
    return len(typed) == 2 and all(_same(t, q) for t, q in zip(typed, answer.quantities))


def named_services(text: str, vocab: Vocabulary) -> set[str]:
    """The services (IRIs) a typed answer names by a label or alias ("SNS", "Lambda")."""
    finder = vocab.derived.get("quiz-service-finder")
    if finder is None:
        finder = vocab.derived["quiz-service-finder"] = PhraseFinder(
            {iri: [*c.labels, re.sub(r"^(Amazon|AWS)\s+", "", c.pref)] for iri, c in vocab.services.items()})
    return {m.iri for m in finder.find(text)}


# cue sets a typed yes or no is read by (ontology/lexicon.ttl); answerYes and answerNo, the
# bare answer words ("y", "true", "false"), are read when the lexicon has them
YES_CUES = ("answerYes", "onState")
NO_CUES = ("answerNo", "negation", "offState")


def read_yes_no(text: str, lexicon: Lexicon | None = None) -> bool | None:
    """Does a typed answer say yes (True), no (False) or neither (None)?

    The words a yes/no card shows ("Yes", "No") are read as typed; otherwise a cue of the
    lexicon's no-sets ("no", "not", "disabled") makes it no, else one of its yes-sets
    ("enabled", "supported") makes it yes. No is read first: "not enabled" is no.
    """
    words = _normal(text)
    if not words:
        return None
    if words in (_normal(YES), _normal(NO)):
        return words == _normal(YES)
    lexicon = lexicon or default_lexicon()
    if any(lexicon.has(name, text) for name in NO_CUES):
        return False
    if any(lexicon.has(name, text) for name in YES_CUES):
        return True
    return None


def _normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def same_text(typed: str, value: str) -> bool:
    """Is a typed answer the value, case, spacing and punctuation aside? The value may come
    with other words around it ("it is 169.254.169.254", "http://169.254.169.254/")."""
    t, v = _normal(typed), _normal(value)
    return bool(t) and bool(v) and f" {v} " in f" {t} "


def check_answer(card: Card, text: str, vocab: Vocabulary) -> Verdict:
    """Is `text` a right answer to `card`?

    Quantities compare by canonical value (any unit of the same dimension); a range needs both
    ends; a services card needs at least one service named and none that is not among its
    answers (naming a service a note denies is wrong); a yes/no answer is read by read_yes_no
    (neither yes nor no is wrong and not `understood`); a setting's value compares by
    same_text. An answer matching a value the notes state but call probably stale is wrong, and
    says so.
    """
    if card.answers and card.answers[0].kind == "services":
        named = named_services(text, vocab)
        allowed = {s for a in card.answers for s in a.services}
        hit = next((a for a in card.answers if set(a.services) & named), None)
        return Verdict(bool(named) and named <= allowed, hit)
    if card.answers and card.answers[0].kind == "yesno":
        said = read_yes_no(text)
        hit = next((a for a in card.answers if said is not None and a.yes == said), None)
        if hit is None:
            return Verdict(False, understood=said is not None or not text.strip())
        return Verdict(hit.current, hit, stale=not hit.current)
    for answer in card.answers:
        if _matches(answer, text):
            return Verdict(answer.current, answer, stale=not answer.current)
    return Verdict(False)


def _matches(answer: CardAnswer, text: str) -> bool:
    if answer.kind == "quantity":
        return _matches_quantity(text, answer)
    if answer.kind == "range":
        return _matches_range(text, answer)
    return same_text(text, answer.text)


# ---------------------------------------------------------------- the schedule

@dataclass
class Review:
    """What the history knows of one card."""

    box: int = 1
    due: str = ""                # ISO time; "" never reviewed
    right: int = 0
    wrong: int = 0
    last: str = ""

    @property
    def seen(self) -> bool:
        return bool(self.last)


def next_review(review: Review, right: bool, now: datetime) -> Review:
    """Leitner's rule: a right answer moves the card up one box (at most LEITNER_BOXES) and
    makes it due after 2^(box-1) days (2, 4, 8, 16); a miss sends it back to box 1, due now,
    so the cards a student misses come back first."""
    box = min(review.box + 1, LEITNER_BOXES) if right else 1
    due = now + timedelta(days=2 ** (box - 1)) if right else now
    return Review(box, due.isoformat(timespec="seconds"), review.right + right, review.wrong + (not right),
                  now.isoformat(timespec="seconds"))


def pick_cards(cards: list[Card], history: "ReviewHistory", count: int, now: datetime) -> list[Card]:
    """The `count` cards to ask now: due cards first (lowest box, then longest overdue), then
    cards never asked (those more notes state first, then in deck order), then the cards due
    soonest."""
    due, new, later = [], [], []
    stamp = now.isoformat(timespec="seconds")
    for n, card in enumerate(cards):
        r = history.reviews.get(card.id)
        if r is None or not r.seen:
            new.append(((-len({s.note for s in card.sources}), n), card))
        elif r.due <= stamp:
            due.append(((r.box, r.due, n), card))
        else:
            later.append(((r.due, r.box, n), card))
    ordered = [c for _k, c in sorted(due, key=lambda x: x[0])] + [c for _k, c in sorted(new, key=lambda x: x[0])] + \
              [c for _k, c in sorted(later, key=lambda x: x[0])]
    return ordered[:count]


# ---------------------------------------------------------------- the history file

def history_path(location: str) -> Path:
    """Where the review history of the store at `location` lives.

    A store folder keeps it beside itself (`store.reviews.json`, as its lock file); a SPARQL
    endpoint's is in the user data directory, named by a digest of the URL.
    """
    from kg.store import is_endpoint

    if is_endpoint(location):
        from platformdirs import user_data_dir

        digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
        return Path(user_data_dir("kg")) / "reviews" / f"{digest}.json"
    path = Path(location)
    return path.with_name(path.name + ".reviews.json")


@dataclass
class ReviewHistory:
    """Every card's Leitner box and due time, read from and written to one JSON file."""

    path: Path
    reviews: dict[str, Review] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "ReviewHistory":
        """Read the history at `path` (none yet is an empty history).

        Raises:
            ReviewHistoryDamaged: the file is not a history kg wrote.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as error:
            raise ReviewHistoryDamaged(str(path), getattr(error, "strerror", None) or str(error)) from None
        try:
            reviews = {k: Review(int(v["box"]), str(v["due"]), int(v["right"]), int(v["wrong"]), str(v["last"]))
                       for k, v in data["cards"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ReviewHistoryDamaged(str(path), f"unexpected content ({error})") from None
        return cls(path, reviews)

    def record(self, card: Card, right: bool, now: datetime) -> Review:
        """Schedule `card` after an answer, and write the history."""
        review = next_review(self.reviews.get(card.id, Review()), right, now)
        self.reviews[card.id] = review
        self.save()
        return review

    def save(self) -> None:
        """Replace the file in one rename, so an interrupted quiz never leaves half a history.

        Raises:
            ReviewHistoryWriteFailed: the folder is missing or not writable.
        """
        data = {"version": 1, "cards": {k: vars(r) for k, r in sorted(self.reviews.items())}}
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            tmp = None
        except OSError as error:
            raise ReviewHistoryWriteFailed(str(self.path), error.strerror or str(error)) from None
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


__all__ = ["LEITNER_BOXES", "NO_CUES", "YES_CUES", "Review", "ReviewHistory", "Verdict", "check_answer",
           "history_path", "named_services", "next_review", "now_utc", "pick_cards", "read_yes_no", "same_text",
           "typed_quantities"]
