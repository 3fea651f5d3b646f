"""Fuzz the note reader, the quantity scanner and the question parser with hypothesis.

    python bench/fuzz_notes.py                    # 20,000 examples each (a few minutes)
    python bench/fuzz_notes.py --examples 500000  # longer

Each target must never raise, must cite only lines that exist, and must finish each input in
bounded time. Failing inputs are shrunk and printed by hypothesis. The same properties run with
300 examples in tests/test_hostile.py on every CI run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from kg.notes import decode_note, parse_text, UnreadableNote  # noqa: E402
from kg.question import parse_question  # noqa: E402
from kg.units import find_quantities  # noqa: E402

SYNTAX = ["# SQS", "## Limits", "- max 256 KB", "  - FIFO", "\t- 300 msgs/s", "| a | b |", "|---|---|",
          "| x | 5 GB |", "a\tb", "```", "---", "> [!note] x", "• 15 mins", "", "title: x", "Messages up to",
          "SendMessage", "API call - next", "1 minute to 14 days", "default of 4", "[[Amazon SQS|SQS]]",
          "<b>x</b>\t<p>y</p>", "Lambda@Edge", "SNS -> SQS ⇒ fan out", "....... 30 seconds"]


def run(examples: int) -> None:
    common = settings(max_examples=examples, deadline=2000, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

    @given(st.binary(max_size=4000))
    @common
    def decode_and_read(data: bytes) -> None:
        try:
            text, _encoding = decode_note(data)
        except UnreadableNote:
            return
        lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        for s in parse_text(text).statements:
            assert 1 <= s.line <= s.end_line <= lines

    @given(st.lists(st.sampled_from(SYNTAX) | st.text(max_size=40), max_size=80))
    @common
    def read_note_syntax(lines: list[str]) -> None:
        text = "\n".join(lines)
        count = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1   # a lone CR ends a line too
        for s in parse_text(text).statements:
            assert 1 <= s.line <= s.end_line <= count

    @given(st.text(max_size=2000))
    @common
    def scan_quantities(text: str) -> None:
        for m in find_quantities(text):
            assert 0 <= m.start < m.end <= len(text)

    @given(st.text(max_size=3000))
    @common
    def parse_questions(text: str) -> None:
        assert parse_question(text).kind in ("limit", "connect", "empty")

    for target in (decode_and_read, read_note_syntax, scan_quantities, parse_questions):
        started = time.perf_counter()
        target()
        print(f"{target.__name__:<18} {examples:,} examples passed in {time.perf_counter() - started:6.1f} s",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000)
    run(parser.parse_args().examples)


if __name__ == "__main__":
    main()
