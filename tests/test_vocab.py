"""ontology/services.ttl as data (definitions, categories, unique labels) and its botocore import tool."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from kg.vocab import PhraseFinder, load_vocabulary
from kg.resources import vocabulary_paths

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "ontology" / "services.ttl"
TOOL = ROOT / "ontology" / "tools" / "import_botocore.py"
KG = rdflib.Namespace("https://example.org/kg#")
SVC = "https://example.org/kg/service/"
# a number standing on its own ("15 minutes", "256 KB", "layer 7"); digits inside a name (S3, EC2, IPv6) are fine
STANDALONE_NUMBER = re.compile(r"(?<![A-Za-z])\d")


@pytest.fixture(scope="module")
def services() -> rdflib.Graph:
    return rdflib.Graph().parse(SERVICES, format="turtle")


def concepts(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, rdflib.URIRef))


def test_every_concept_has_one_definition_of_one_line_without_numbers(services):
    bad = []
    for concept in concepts(services):
        definitions = [str(o) for o in services.objects(concept, SKOS.definition)]
        if len(definitions) != 1:
            bad.append(f"{concept}: {len(definitions)} definitions")
            continue
        text = definitions[0]
        if "\n" in text or not text.strip() or text.startswith("TODO") or STANDALONE_NUMBER.search(text):
            bad.append(f"{concept}: {text!r}")
    assert not bad, "\n".join(bad)


def test_the_number_rule_catches_a_limit_and_spares_a_name():
    assert STANDALONE_NUMBER.search("Runs code for up to 15 minutes.")
    assert STANDALONE_NUMBER.search("Messages of 256KB at most.")
    assert not STANDALONE_NUMBER.search("Copies S3 objects to EC2 over IPv6.")


def test_every_service_and_feature_has_one_category_that_exists(services):
    categories = set(services.subjects(RDF.type, KG.Category))
    bad = []
    for concept in concepts(services):
        if (concept, RDF.type, KG.Category) in services:
            continue
        found = list(services.objects(concept, KG.category))
        if len(found) != 1 or found[0] not in categories:
            bad.append(f"{concept}: {found}")
    assert not bad, "\n".join(bad)


def _phrase_key(label: str) -> str:
    # PhraseFinder reads spaces, hyphens and none alike ("X-Ray", "X Ray", "XRay") and ignores case
    return re.sub(r"[\s\-]+", "", label.lower())


def test_no_label_names_two_concepts(services):
    owners: dict[str, set[str]] = defaultdict(set)
    for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for concept, label in services.subject_objects(predicate):
            owners[_phrase_key(str(label))].add(str(concept))
    shared = {label: sorted(c) for label, c in owners.items() if len(c) > 1}
    assert not shared


def test_each_botocore_name_belongs_to_one_concept(services):
    owners: dict[str, set[str]] = defaultdict(set)
    for concept, notation in services.subject_objects(SKOS.notation):
        owners[str(notation)].add(str(concept))
    assert owners                               # the notations are there
    assert not {n: c for n, c in owners.items() if len(c) > 1}


def test_vocabulary_loads_definitions():
    vocab = load_vocabulary(vocabulary_paths())
    fifo = vocab.definition(SVC + "sqs-fifo")
    assert "order" in fifo
    assert vocab.definition(SVC + "kms") != vocab.definition(SVC + "lambda")
    assert vocab.definition(SVC + "no-such-service") == ""
    assert vocab.definition("https://example.org/kg/category/storage")      # categories have them too


def test_common_words_are_not_service_mentions():
    """Services named after ordinary words are found only by their full names."""
    vocab = load_vocabulary(vocabulary_paths())
    finder = PhraseFinder({iri: c.labels for iri, c in vocab.services.items()})
    plain = ("Connect the config file, then forecast demand, personalize the page, pinpoint the detective "
             "work, support the proton beam and shield the batch from the glue; an EC2 instance connects to SNS.")
    found = {vocab.services[m.iri].pref for m in finder.find(plain)}
    assert found == {"Amazon Elastic Compute Cloud", "Amazon Simple Notification Service"}
    named = "Amazon Connect, AWS Config, Amazon Forecast and Amazon Personalize feed Amazon Detective."
    assert [vocab.services[m.iri].pref for m in finder.find(named)] == [
        "Amazon Connect", "AWS Config", "Amazon Forecast", "Amazon Personalize", "Amazon Detective"]


# ---------------------------------------------------------------- ontology/tools/import_botocore.py

SMALL_SERVICES = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix kg: <https://example.org/kg#> .
@prefix svc: <https://example.org/kg/service/> .
@prefix cat: <https://example.org/kg/category/> .

svc:sqs a kg:Service , skos:Concept ;
    skos:prefLabel "Amazon Simple Queue Service"@en ;
    skos:altLabel "SQS"@en ;
    skos:notation "sqs" ;
    kg:category cat:application-integration .

svc:lambda a kg:Service , skos:Concept ;
    skos:prefLabel "AWS Lambda"@en ;
    kg:category cat:compute .
"""

EXPECTED_DRAFTS = """\
svc:datazone a kg:Service , skos:Concept ;
    skos:inScheme kg:ServiceScheme ;
    skos:prefLabel "Amazon DataZone"@en ;
    skos:altLabel "DataZone"@en ;
    skos:notation "datazone" ;
    skos:definition "TODO: what Amazon DataZone does, in one line."@en ;
    kg:category cat:TODO .

# bare name "Forecast": a label only if it is not an ordinary word or phrase
svc:forecast a kg:Service , skos:Concept ;
    skos:inScheme kg:ServiceScheme ;
    skos:prefLabel "Amazon Forecast"@en ;
    skos:notation "forecast" ;
    skos:definition "TODO: what Amazon Forecast does, in one line."@en ;
    kg:category cat:TODO .

# lambda (AWS Lambda) is svc:lambda by its label: add skos:notation "lambda" there

# bare name "MQ": a label only if it is not an ordinary word or phrase
svc:mq a kg:Service , skos:Concept ;
    skos:inScheme kg:ServiceScheme ;
    skos:prefLabel "Amazon MQ"@en ;
    skos:notation "mq" ;
    skos:definition "TODO: what Amazon MQ does, in one line."@en ;
    kg:category cat:TODO .

# bare name "Simple Workflow Service": a label only if it is not an ordinary word or phrase
# abbreviation "SWF": a label only if it names nothing else
svc:simple-workflow-service a kg:Service , skos:Concept ;
    skos:inScheme kg:ServiceScheme ;
    skos:prefLabel "Amazon Simple Workflow Service"@en ;
    skos:altLabel "Amazon SWF"@en ;
    skos:notation "swf" ;
    skos:definition "TODO: what Amazon Simple Workflow Service does, in one line."@en ;
    kg:category cat:TODO .
"""


def _model(root: Path, name: str, version: str, metadata: dict, *, gz: bool = False) -> None:
    folder = root / "botocore" / "data" / name / version
    folder.mkdir(parents=True)
    data = json.dumps({"version": "2.0", "metadata": metadata, "operations": {}})
    if gz:
        with gzip.open(folder / "service-2.json.gz", "wt", encoding="utf-8") as handle:
            handle.write(data)
    else:
        (folder / "service-2.json").write_text(data, encoding="utf-8")


@pytest.fixture
def fake_botocore(tmp_path: Path) -> Path:
    """A tiny botocore tree: covered, skipped, known-by-label and new services, .json and .json.gz."""
    root = tmp_path / "unpacked"
    _model(root, "sqs", "2012-11-05", {"serviceFullName": "Amazon Simple Queue Service", "serviceId": "SQS"})
    _model(root, "lambda", "2015-03-31", {"serviceFullName": "AWS Lambda", "serviceId": "Lambda"}, gz=True)
    _model(root, "datazone", "2018-05-10", {"serviceFullName": "Amazon DataZone", "serviceId": "DataZone"}, gz=True)
    _model(root, "forecast", "2018-06-26", {"serviceFullName": "Amazon Forecast Service", "serviceId": "forecast"})
    _model(root, "mq", "2017-11-27", {"serviceFullName": "AmazonMQ", "serviceId": "mq"})
    _model(root, "swf", "2012-01-25", {"serviceFullName": "Amazon Simple Workflow Service",
                                       "serviceAbbreviation": "Amazon SWF", "serviceId": "SWF"})
    # an older API version with another name must lose to the newest
    _model(root, "swf", "2010-01-01", {"serviceFullName": "Old Name", "serviceId": "Old"})
    _model(root, "partnercentral-selling", "2022-07-26", {"serviceFullName": "Partner Central Selling API"})
    (tmp_path / "services.ttl").write_text(SMALL_SERVICES, encoding="utf-8")
    (tmp_path / "skipped.tsv").write_text("# name\treason\npartnercentral-selling\tnot a service\n", encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def tool():
    """ontology/tools/import_botocore.py as a module (it is a script, not part of the kg package)."""
    spec = importlib.util.spec_from_file_location("import_botocore", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module         # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def _run_tool(tool, capsys, base: Path, *extra: str) -> str:
    assert tool.main([str(base / "unpacked"), "--services", str(base / "services.ttl"),
                      "--skip", str(base / "skipped.tsv"), *extra]) == 0
    return capsys.readouterr().out


def test_import_botocore_drafts_only_what_services_ttl_lacks(tool, capsys, fake_botocore):
    first = _run_tool(tool, capsys, fake_botocore)
    assert first == EXPECTED_DRAFTS
    assert _run_tool(tool, capsys, fake_botocore) == first                # deterministic


def test_import_botocore_merge_appends_drafts_that_parse(tool, capsys, fake_botocore):
    assert _run_tool(tool, capsys, fake_botocore, "--merge") == ""
    merged = rdflib.Graph().parse(fake_botocore / "services.ttl", format="turtle")
    notations = {str(o) for o in merged.objects(None, SKOS.notation)}
    assert notations == {"sqs", "datazone", "forecast", "mq", "swf"}
    assert _run_tool(tool, capsys, fake_botocore) == (
        "# lambda (AWS Lambda) is svc:lambda by its label: add skos:notation \"lambda\" there\n")


def test_import_botocore_has_nothing_left_to_draft_for_the_shipped_file(tool, capsys, tmp_path):
    """With the shipped services.ttl and skip list, a covered and a skipped service print nothing."""
    root = tmp_path / "unpacked"
    _model(root, "sqs", "2012-11-05", {"serviceFullName": "Amazon Simple Queue Service", "serviceId": "SQS"})
    _model(root, "freetier", "2023-09-07", {"serviceFullName": "AWS Free Tier", "serviceId": "FreeTier"})
    assert tool.main([str(root)]) == 0
    assert capsys.readouterr().out == ""
