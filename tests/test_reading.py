"""kg.reading on a note style written for these tests (reStructuredText study log)."""

import json

import pytest

from tests.conftest import FIXTURES

NOTE = FIXTURES / "notes" / "study_log.rst"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    from kg.ingest import ingest_paths
    from kg.store import open_store

    db = tmp_path_factory.mktemp("reading") / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [NOTE])
    return db


@pytest.fixture(scope="module")
def ask(store_path, vocab):
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)

    def run(text):
        with open_store(store_path) as store:
            return reader.answer(store, parse_question(text))
    return run


def test_a_range_question_gets_one_answer_with_both_ends(ask):
    answer = ask("What range can the SQS visibility timeout be set to?")
    assert answer.status == "answered"
    top = answer.answers[0]
    assert top.value == "0 seconds to 12 hours"
    assert top.low.canonical_value == 0 and top.high.canonical_value == 43200
    assert top.sources and top.sources[0].note == "study_log.rst"


def _best_read(store_path, vocab, text):
    """The best candidate that is an answer ("nil", the notes do not say, left aside)."""
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)
    q = parse_question(text)
    with open_store(store_path) as store:
        analysis, cands = reader.candidates(store, q, reader.graph.answer(store, q))
    return analysis, [c for c in cands if c.type != "nil"][0]


def test_a_cidr_block_is_the_best_reading(store_path, vocab):
    analysis, best = _best_read(store_path, vocab, "smallest vpc cidr block")
    assert analysis.expected == "cidr" and analysis.qualifier == "minimum"
    assert best.type == "cidr" and best.value == "/28"


def test_a_port_is_the_best_reading(store_path, vocab):
    analysis, best = _best_read(store_path, vocab, "security group port for ssh")
    assert analysis.expected == "port" and best.value == "22"


def test_an_address_is_the_best_reading(store_path, vocab):
    analysis, best = _best_read(store_path, vocab, "instance metadata ip address")
    assert analysis.expected == "ip" and best.value == "169.254.169.254"


def test_every_question_has_a_nil_candidate(store_path, vocab):
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)
    q = parse_question("smallest vpc cidr block")
    with open_store(store_path) as store:
        _a, cands = reader.candidates(store, q, reader.graph.answer(store, q))
    assert [c.type for c in cands].count("nil") == 1


def test_an_answer_cites_the_line_it_was_read_from(ask):
    answer = ask("What range can the SQS visibility timeout be set to?")
    line = answer.answers[0].sources[0].line
    assert "0 seconds to 12 hours" in NOTE.read_text().splitlines()[line - 1], answer


def test_range_json_has_min_and_max(store_path, ask):
    from cli.render import answer_dict

    data = answer_dict(ask("What range can the SQS visibility timeout be set to?"))
    item = data["answers"][0]
    assert item["kind"] == "range"
    assert item["min"] == {"value": 0.0, "unit": "s"} and item["max"] == {"value": 12.0, "unit": "h"}
    json.dumps(data)


# ---------------------------------------------------------------- the answer type at a question's head

@pytest.mark.parametrize("question, expected", [
    ("How many addresses does the provider hold back in a subnet?", "count"),   # "how many" beats "addresses"
    ("Which address do instances read their metadata from?", "ip"),             # near miss: no count asked
    ("Which HTTP header carries the client's address?", "name"),               # "header" is the head
    ("What is the largest policy size?", "quantity"),                          # last of "policy size"
    ("queue tables per region", "quantity"),                                    # head ends at "per"
    ("default region for token requests", "name"),                              # near miss: "region" heads
    ("Within how many seconds must a health checker connect?", "duration"),     # a unit beats a count
    ("How many health checkers probe an endpoint?", "count"),                   # near miss: no unit
    ("Which feature of the warehouse lets you query files in place?", "name"),  # "query" is past the head
    ("What is the largest size of a warehouse query?", "quantity"),            # near miss: "size" heads
    ("Which VPC endpoint type is free?", "name"),                              # a cue beats a limit kind
    ("Which CloudHSM user type manages users?", "name"),                       # the verb ends the phrase
    ("What IP address do instances query?", "ip"),                             # "IP address" is a cue first
])
def test_the_answer_type_is_read_at_the_head(vocab, question, expected):
    from kg.question import parse_question
    from kg.reading import Reader

    assert Reader(vocab).analyse(parse_question(question)).expected == expected


def test_an_unqualified_question_over_a_stated_range_gets_the_range(ask):
    answer = ask("SQS long polling wait time")
    assert answer.status == "answered" and answer.answers[0].value == "1 second to 20 seconds", answer


def test_a_range_end_is_marked_by_what_was_asked(store_path, vocab):
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    reader = Reader(vocab)
    for text, mark in (("SQS long polling wait time", "range_end:high:none"),
                       ("What is the longest SQS long polling wait?", "range_end:high:maximum")):
        q = parse_question(text)
        with open_store(store_path) as store:
            _a, cands = reader.candidates(store, q, reader.graph.answer(store, q))
        twenty = [c for c in cands if c.type == "quantity" and c.value == "20 seconds" and c.hit is not None]
        assert twenty and all(c.features.get(mark) == 1.0 for c in twenty), text
        one = [c for c in cands if c.type == "quantity" and c.value == "1 second"]
        assert one and not any(c.features.get(mark) for c in one)


def test_compounds_written_apart_cover_the_question(store_path, vocab):
    from kg.reading import _with_compounds

    assert "timeout" in _with_compounds(["time", "out"]) and "time" in _with_compounds(["time", "out"])
    assert _with_compounds(["port", "22"]) == {"port", "22"}


def test_an_unknown_name_stands_unless_the_answer_line_names_it(vocab):
    """"kafka retention": kafka is no service kg knows; a retention read from an RDS line is about
    something else. A line that names the unknown word is about it and answers."""
    from kg.index import Hit
    from kg.question import parse_question
    from kg.reading import Analysis, Candidate, Reader

    reader = Reader(vocab)

    def line(text):
        return Candidate("quantity", "7 days", Hit(1, "n", "n.md", 1, 1, text, "", "", None, -1.0,
                                                   frozenset(), frozenset()))
    a = Analysis(parse_question("kafka retention"), "duration", [], None, [], [], ["kafka", "retent"],
                 unknown="kafka")
    assert not reader._names_the_unknown(a, line("Backups are kept for 7 days by default."))
    assert reader._names_the_unknown(a, line("Kafka keeps records for 7 days by default."))


def test_a_word_no_note_holds_is_unheard_unless_a_note_word_is_spelt_like_it(store_path, vocab):
    """The unknown word of "kafka retention" is in no statement: unheard. A typo of a word the
    notes hold ("retenion") is not unheard, and neither is a word they hold."""
    from kg.index import open_index
    from kg.store import open_store

    with open_store(store_path) as store:
        index = open_index(store, vocab)
        assert index.frequency("kafka") == 0 and not index.spelled_like("kafka")
        assert index.frequency("retenion") == 0 and index.spelled_like("retenion")
        assert index.frequency("polling") > 0


def test_several_words_kg_does_not_know_describe_the_subject_and_the_reader_decides(ask):
    """Only a question whose one unknown word is its subject is refused as naming an unknown
    service ("kafka smallest subnet"), while the notes' own words still find their line."""
    assert ask("kafka smallest subnet").unknown_service
    answer = ask("how long does long polling wait for a message")
    assert answer.status == "answered" and "20 seconds" in answer.answers[0].value


@pytest.mark.parametrize("line, word, value, beside", [
    ("Tunnels use the GENEVE protocol on port 6081.", "protocol", "GENEVE", True),
    ("Tunnels use the GENEVE protocol on port 6081.", "protocol", "6081", False),     # near miss: a word away
    ("Default is eu-west-2 for new stacks", "default", "eu-west-2", True),
    ("the port list has 22 entries", "port", "22", False),                            # near miss
])
def test_a_value_beside_an_asked_word(line, word, value, beside):
    import re

    from kg.reading import _adjacent
    from kg.spans import read_spans
    from kg.vocab import stem

    text, spans = read_spans(line)
    toks = [(stem(m.group()), m.start()) for m in re.finditer(r"[A-Za-z0-9@/]+", text)]
    span = next(s for s in spans if s.value == value)
    assert _adjacent(text, toks, span, {stem(word)}) is beside


DESCRIBED = """\
# week 3 flashcards

Q: Lambda memory?
A: a Lambda function gets 128 MB to 10,240 MB of memory

Q: Lambda timeout?
A: a Lambda function runs for at most 15 minutes

Q: DynamoDB item?
A: an item in a DynamoDB table is at most 400 KB

Q: DynamoDB backups?
A: point-in-time recovery restores a DynamoDB table to any second of the last 35 days

Q: SQS retention?
A: SQS keeps a message for 4 days unless told otherwise

Q: EBS snapshots?
A: EBS snapshots are incremental backups kept in S3

Q: Serverless?
A: serverless means no servers to manage
"""


def test_a_described_service_is_the_one_the_best_matching_lines_are_about(tmp_path, vocab):
    """No service named: "the serverless function", "the key-value table" are what the notes'
    best lines for the question are about (their votes), not whichever definitions share a word."""
    from kg.ingest import ingest_paths
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    (tmp_path / "cards.md").write_text(DESCRIBED, encoding="utf-8")
    with open_store(tmp_path / "db", write=True) as store:
        ingest_paths(store, [tmp_path / "cards.md"])
    reader = Reader(vocab)
    with open_store(tmp_path / "db") as store:
        def described(text):
            q = parse_question(text)
            a, _c = reader.candidates(store, q, reader.graph.answer(store, q))
            return [iri.rsplit("/", 1)[-1] for iri in a.described]
        assert described("how much memory can a serverless function be given")[0] == "lambda"
        assert described("how far back can a key-value table be restored")[0] == "dynamodb"
        assert described("max DynamoDB item size") == []          # near miss: a named service is no description


def _line_candidates(text, line_id=1, path="n.md", line=1):
    from kg.index import Hit
    from kg.reading import Candidate
    from kg.spans import read_spans

    hit = Hit(line_id, "n", path, line, line, text, "", "", None, -1.0, frozenset(), frozenset())
    _clean, spans = read_spans(text)
    return [Candidate(sp.type, sp.value, hit, sp, sp.quantity, sp.low, sp.high) for sp in spans]


def test_one_end_of_a_stated_range_is_read_as_the_range():
    """ "Long polling waits 1 to 20 seconds": 20 seconds alone is half the answer; a value on
    another line, or not inside the range's words, stays what it is (near miss)."""
    from kg.reading import _whole_range

    cands = _line_candidates("Long polling waits from 1 to 20 seconds; the default is 0 seconds.")
    ranged = next(c for c in cands if c.type == "range")
    end = next(c for c in cands if c.type == "quantity" and c.value == "20 seconds")
    assert _whole_range(end, cands) is ranged
    other = next(c for c in cands if c.type == "quantity" and c.value == "0 seconds")
    assert _whole_range(other, cands) is None
    elsewhere = _line_candidates("Messages wait at most 20 seconds.", line_id=2, line=2)
    assert _whole_range(elsewhere[0], cands + elsewhere) is None


def test_a_graph_fact_becomes_its_lines_range_only_if_most_of_its_lines_state_it():
    from kg.answer import AnswerItem
    from kg.facts import Source
    from kg.reading import _range_of_fact

    ranged = _line_candidates("Credentials last from 15 minutes up to 1 hour.", line=4)
    plain = _line_candidates("Credentials last up to 1 hour.", line_id=2, path="m.md", line=9)
    hour = next(c for c in ranged if c.type == "quantity" and c.value == "1 hour").quantity
    one = AnswerItem("STS", "duration", "maximum", None, "1 hour", hour, None, [Source("n.md", 4, 4, "", None)])
    assert _range_of_fact(one, ranged + plain) is not None and _range_of_fact(one, ranged + plain).type == "range"
    three = AnswerItem("STS", "duration", "maximum", None, "1 hour", hour, None,
                       [Source("n.md", 4, 4, "", None), Source("m.md", 9, 9, "", None),
                        Source("o.md", 3, 3, "", None)])
    assert _range_of_fact(three, ranged + plain) is None          # near miss: most notes state it alone


def test_a_compound_is_searched_as_the_notes_write_it(store_path, vocab):
    """The study log writes "timeout" and "long polling": "time out" asks for "timeout"; a word
    split where no note splits it adds nothing (near miss)."""
    from kg.index import open_index
    from kg.reading import _compound_terms
    from kg.store import open_store

    with open_store(store_path) as store:
        index = open_index(store, vocab)
        assert _compound_terms(index, ["visibility", "time", "out"]) == ["timeout"]
        assert _compound_terms(index, ["retention", "period"]) == []


SPEECH = """S3 cheat sheet (a plain list, no markup)
bucket names: 3 to 63 characters, lowercase
S3 versioning, once on, can only be suspended
"""


def test_a_question_about_a_service_no_note_mentions_is_not_answered(tmp_path, vocab):
    """A question naming only services that no statement mentions, not even through a parent
    service, is answered "no note mentions ...": a line about another service's characters is
    not an answer about Polly's."""
    from kg.ingest import ingest_paths
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    (tmp_path / "s3.txt").write_text(SPEECH, encoding="utf-8")
    with open_store(tmp_path / "db", write=True) as store:
        ingest_paths(store, [tmp_path / "s3.txt"])
    reader = Reader(vocab)
    with open_store(tmp_path / "db") as store:
        polly = reader.answer(store, parse_question("polly max characters"))
        assert polly.status == "not_found" and polly.message == "No note mentions Amazon Polly.", polly
        # near misses: the service is mentioned; a feature of a mentioned service
        s3 = reader.answer(store, parse_question("s3 bucket name max characters"))
        assert s3.status == "answered" and "63" in s3.answers[0].value, s3
        q = parse_question("can S3 versioning be turned off")
        a, _c = reader.candidates(store, q, reader.graph.answer(store, q))
        assert a.named and not a.absent


def test_a_value_the_question_states_is_marked_as_a_condition(tmp_path, vocab):
    """"... at 5-minute granularity": the 5 minutes are what the question says, not its answer."""
    from kg.ingest import ingest_paths
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    (tmp_path / "cw.org").write_text("* CloudWatch\n- metrics at 5 minutes granularity are kept for 63 days\n",
                                     encoding="utf-8")
    with open_store(tmp_path / "db", write=True) as store:
        ingest_paths(store, [tmp_path / "cw.org"])
    reader = Reader(vocab)
    with open_store(tmp_path / "db") as store:
        def marks(text):
            q = parse_question(text)
            _a, cands = reader.candidates(store, q, reader.graph.answer(store, q))
            return {c.value: c.features.get("stated_in_question") for c in cands if c.type == "quantity"}
        assert marks("CloudWatch retention at 5-minute granularity") == {"5 minutes": 1.0, "63 days": 0.0}
        # near miss: another value of the same dimension is not the one stated
        assert marks("CloudWatch retention at 1-minute granularity") == {"5 minutes": 0.0, "63 days": 0.0}


def test_a_percentage_fits_a_percentage_question(tmp_path, vocab):
    """The dimension a percentage question asks for is the one kg.units gives "%" (a ratio):
    "54%" fits "what discount", "54 GB" does not."""
    from kg.ingest import ingest_paths
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    (tmp_path / "ec2.md").write_text("# EC2\n- reserved instances: up to 54% discount, 54 GB of notes\n",
                                     encoding="utf-8")
    with open_store(tmp_path / "db", write=True) as store:
        ingest_paths(store, [tmp_path / "ec2.md"])
    reader = Reader(vocab)
    with open_store(tmp_path / "db") as store:
        q = parse_question("What percentage discount do EC2 reserved instances give?")
        a, cands = reader.candidates(store, q, reader.graph.answer(store, q))
        fit = {c.value: c.features.get("dim_fit") for c in cands if c.type == "quantity"}
    assert a.expected == "percentage"
    assert fit == {"54%": 1.0, "54 GB": 0.0}, fit
