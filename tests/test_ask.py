"""kg ask: the answer, its sources, honesty when the notes don't say, and the accuracy ratchet."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli.app import app
from kg.answer import Answerer
from kg.errors import EmptyQuestion
from kg.question import parse_question
from kg.store import open_store

from conftest import N000, N001, N002, N004, ROOT

runner = CliRunner()


@pytest.fixture(scope="module")
def ask(bundled_db, vocab):
    answerer = Answerer(vocab)
    store = open_store(bundled_db)
    yield lambda q: answerer.answer(store, parse_question(q))
    store.close()


def test_max_sqs_message_size_is_256_kb_with_every_source(ask):
    answer = ask("max SQS message size")
    assert answer.status == "answered"
    top = answer.answers[0]
    assert (top.value, top.qualifier) == ("256 KB", "maximum")
    cited = {(s.note, s.line) for s in top.sources}
    assert {(N000, 608), (N001, 1608), (N002, 665), (N004, 4641)} <= cited
    assert top.agreeing_notes == 4


@pytest.mark.parametrize("question", ["MAX SQS MESSAGE SIZE", "largest payload an SQS queue accepts",
                                      "Amazon Simple Queue Service maximum message size",
                                      "sqs mesage size limit"])
def test_phrasings_find_the_same_answer(ask, question):
    assert ask(question).answers[0].value == "256 KB"


def test_sqs_and_sns_are_never_confused(ask):
    answer = ask("max SNS message size")
    assert all(a.service == "Amazon Simple Notification Service" for a in answer.answers)


def test_disagreeing_notes_are_a_conflict_with_both_values(ask):
    answer = ask("lambda max memory")
    assert answer.status == "conflict"
    assert {a.value for a in answer.answers} == {"3,008 MB", "10,240 MB"}


def test_how_long_can_x_run_asks_for_a_maximum(ask):
    top = ask("How long can a Lambda function run?").answers[0]
    assert top.qualifier == "maximum" and top.quantity.canonical_value == 900


def test_unit_conversion_on_request(ask):
    top = ask("max SQS message size in bytes").answers[0]
    assert top.converted.value == 262144 and top.converted.unit == "B"


def test_unknown_service_is_named_with_close_services(ask):
    answer = ask("kafka retention")
    assert answer.status == "not_found" and "'kafka'" in answer.message


def test_a_limit_the_notes_do_not_state_is_not_found_not_guessed(ask):
    answer = ask("max number of SQS queues per account")
    assert answer.status == "not_found"
    assert answer.answers == []


def test_empty_question_is_an_error():
    with pytest.raises(EmptyQuestion):
        Answerer.__new__(Answerer).answer(None, parse_question("   "))


def test_json_has_exactly_the_documented_keys(bundled_db):
    result = runner.invoke(app, ["ask", "max SQS message size", "--db", str(bundled_db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"question", "status", "message", "answers", "suggestions"}
    item = data["answers"][0]
    assert set(item) == {"service", "attribute", "qualifier", "context", "value", "quantity", "kind",
                         "sources", "agreeing_notes"}
    assert set(item["quantity"]) == {"value", "unit", "canonical_value", "canonical_unit"}
    assert item["quantity"]["canonical_value"] == 262144 and item["quantity"]["canonical_unit"] == "byte"
    assert set(item["sources"][0]) == {"note", "line", "text"}


def test_text_answer_comes_first_then_sources(bundled_db):
    result = runner.invoke(app, ["ask", "max SQS message size", "--db", str(bundled_db)])
    first, *rest = result.stdout.splitlines()
    assert first.startswith("256 KB")
    assert any(line.strip().startswith(f"{N000}:608") for line in rest)


def test_empty_question_exits_1_with_one_line(bundled_db):
    result = runner.invoke(app, ["ask", "  ", "--db", str(bundled_db)])
    assert result.exit_code == 1 and result.stderr.startswith("Error: The question is empty")


def test_batch_reads_stdin_and_prints_json_lines(bundled_db):
    stdin = "max SQS message size\n\nkafka retention\n"
    result = runner.invoke(app, ["ask", "-", "--db", str(bundled_db), "--json"], input=stdin)
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    # one JSON line per input line, so the nth answer is the nth line's: the blank one is an empty question
    assert [x["status"] for x in lines] == ["answered", "error", "not_found"]


def test_the_console_fast_path_answers_like_typer(bundled_db):
    out = subprocess.run([sys.executable, "-m", "cli", "ask", "max SQS message size", "--db", str(bundled_db),
                          "--json"], capture_output=True, text=True, check=True, cwd=ROOT)
    typer_out = runner.invoke(app, ["ask", "max SQS message size", "--db", str(bundled_db), "--json"]).stdout
    assert json.loads(out.stdout) == json.loads(typer_out)


def test_the_fast_path_does_not_import_typer(bundled_db, tmp_path):
    # the fast path ends with os._exit, so the imports are read from -X importtime, not sys.modules;
    # a cache of its own, so the answer is computed, not printed from cli.answer_cache
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "cli", "ask", "max SQS message size", "--db",
                          str(bundled_db)], check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "kg.reading" in imported and "typer" not in imported and run.stdout.startswith("256 KB")


def test_first_use_ingests_the_bundled_notes(tmp_path, monkeypatch):
    # first use is the default store's (no --db, no KG_DB); a named store must exist (test_safety.py)
    monkeypatch.delenv("KG_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = runner.invoke(app, ["ask", "max SQS message size"])
    assert result.exit_code == 0
    assert "First use" in result.stderr and result.stdout.startswith("256 KB")
    assert (tmp_path / "data" / "kg" / "store" / "kg-store.json").is_file()


# The accuracy ratchet: the levels reached on tests/gold/ask.jsonl when they were set. It was
# 0.953 / 0.953 / 1.0 (203/213, 203/213, 42/42) with answers from the graph's facts alone; kg ask
# now reads typed spans from every statement and ranks them with the graph's facts by one fitted
# ranker (kg.reading), which took the corpus train split from 22.3% to 41.9% Hits@1 (abstention
# 70% to 83%) and this set to 187/213, 187/213, 42/42. The floor was lowered to those figures on
# purpose (issue 13); raise it as answering improves. Raised to 188/213 when the answer type came to
# be read at the question's head (corpus train 44.9%, test 36.8%). Raised to 191/213 when described
# services came to be found by the notes' best lines and stated ranges to answer as ranges (corpus
# train 50.2%, test 38.9%). Raised to 200/213 when the ranker's tree stage came to correct the
# linear score under the same sign constraints and misspelt words came to be read as the notes
# spell them (corpus test 44.2%). Raised to 203/213 when a which/what question's type came to be
# read in the noun phrase after its wh-word, CSV decks to be read one record per statement, and a
# value the question states to count as its condition (corpus train 81.5%).
ACCURACY_FLOOR = {"hits_at_1": 0.953, "citation_accuracy": 0.953, "abstention": 1.0}


def test_accuracy_on_the_gold_questions_does_not_fall(bundled_db):
    sys.path.insert(0, str(ROOT / "bench"))
    from accuracy import evaluate, load_gold

    with open_store(bundled_db) as store:
        result = evaluate(store, load_gold())
    for key, floor in ACCURACY_FLOOR.items():
        assert result[key] >= floor, (key, result[key])


@pytest.mark.parametrize("question, value", [
    ("what's the default visibility timeout for sqs?", "30 seconds"),
    ("how big can a dynamodb item be", "400 KB"),
    ("max lambda timeout in seconds", "15 minutes"),
    ("s3 max object size", "5 TB"),
])
def test_questions_outside_the_gold_set(ask, question, value):
    assert ask(question).answers[0].value == value


def test_a_slash_path_names_the_limit(ask):
    assert {a.value for a in ask("lambda /tmp size").answers} >= {"512 MB"}


OWN_NOTE = """\
# Exam cheat sheet

## S3 Glacier
- Standard retrieval: 3-5 hours

## S3 Glacier Deep Archive
- Standard retrieval: 12 hours

## RDS
- Storage up to 64 TB

## Aurora
- Storage auto-scales up to 128 TB

## Lambda
- Timeout: 15 minutes max
- Payload: 6 MB (synchronous), 256 KB (asynchronous)

## Lambda burst concurrency quotas
- 3000 – US West (Oregon), US East (N. Virginia)
- 1000 – Asia Pacific (Tokyo)
- 500 – Other Regions

## Snowmobile
- 100PB per Snowmobile

## Redshift
- Config options:
  - Single Node (160Gb)
  - Multi-Node: up to 128 compute nodes

## Kinesis Data Streams
- Producers write up to 1MB/s or 1000 records/s per shard

## EBS
- Provisioned IOPS volumes: up to 64,000 IOPS

## DynamoDB indexes
- Up to 5 local secondary indexes per table

## DynamoDB partitions
- Requests may be throttled past 3000 RCU or 1000 WCU for a single partition key value

## Lambda pricing
- First 1 million requests free, then $0.20 per million requests
- 400,000 GB-seconds of compute free per month

## DynamoDB API
- `BatchWriteItem` => up to 25 items per call (16MB max)
- `BatchGetItem` => up to 100 items per call (16MB max)
"""


@pytest.fixture(scope="module")
def ask_own(tmp_path_factory, vocab):
    from kg.ingest import ingest_paths

    folder = tmp_path_factory.mktemp("own")
    (folder / "cheatsheet.md").write_text(OWN_NOTE, encoding="utf-8")
    db = folder / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [folder / "cheatsheet.md"])
    answerer = Answerer(vocab)
    store = open_store(db)
    yield lambda q: answerer.answer(store, parse_question(q))
    store.close()


def test_a_service_named_before_its_part_only_qualifies_it(ask_own):
    answer = ask_own("RDS Aurora max storage")
    assert answer.answers[0].service == "Amazon Aurora" and answer.answers[0].value == "128 TB"


def test_the_named_part_answers_before_the_service_it_belongs_to(ask_own):
    answer = ask_own("How long does a standard retrieval from Glacier Deep Archive take?")
    assert answer.answers[0].value == "12 hours"


def test_an_operation_name_alone_finds_its_service(ask_own):
    assert ask_own("How many items can one BatchGetItem call return?").answers[0].value == "100 items"
    assert ask_own("BatchWriteItem max items").answers[0].value == "25 items"


def test_a_part_with_no_facts_is_not_answered_with_its_parent_s(ask_own):
    answer = ask_own("Lambda@Edge viewer request function timeout")
    assert answer.status == "not_found"
    assert ask_own("lambda timeout").answers[0].value == "15 minutes"


def test_payload_size_names_the_invocation_payload(ask_own):
    assert ask_own("max payload size for a synchronous Lambda invocation").answers[0].value == "6 MB"


def test_the_unit_word_of_a_value_is_its_condition(ask_own):
    assert ask_own("max RCU per partition key dynamodb").answers[0].value == "3,000 RCU"
    assert ask_own("max WCU per partition key dynamodb").answers[0].value == "1,000 WCU"


def test_a_question_s_words_that_name_a_condition_pick_the_value_under_it(ask_own):
    assert ask_own("how many Lambda requests are free before you start paying").answers[0].value == "1,000,000 requests"


def test_max_over_one_note_s_list_is_its_largest_value(ask_own):
    answer = ask_own("lambda burst concurrency max")
    assert answer.answers[0].value == "3,000"


def test_alternatives_on_one_line_answer_in_the_order_stated(ask_own):
    assert ask_own("kinesis shard write throughput").answers[0].value == "1 MB/s"


def test_a_bare_value_under_a_service_answers_what_it_measures(ask_own):
    assert ask_own("How much data does one Snowmobile hold?").answers[0].value == "100 PB"
    assert ask_own("storage of a single-node redshift cluster").answers[0].value == "160 GB"
    assert ask_own("snowmobile max retention period").status == "not_found"


def test_a_unit_in_the_question_says_what_is_asked(ask_own):
    assert ask_own("kinesis shard write MB/s").answers[0].value == "1 MB/s"
    assert ask_own("kinesis shard records per second").answers[0].value == "1,000 records per second"


def test_a_feature_s_name_can_be_the_limit_asked(ask_own):
    assert ask_own("How many local secondary indexes can I create on a DynamoDB table?").answers[0].value == "5"


def test_a_model_the_notes_never_name_is_not_answered_with_another_s_limit(ask_own):
    assert ask_own("gp3 volume max iops").status == "not_found"
    assert ask_own("ebs max iops").answers[0].value == "64,000"
