"""Capabilities, settings and the check rules that compare them, on notes written for these tests."""

from pathlib import Path

from kg.capabilities import stems, words_match
from kg.check import capability_findings, check_graph, same_amount, setting_findings
from kg.facts import capability_facts, setting_facts
from kg.ingest import ingest_paths
from kg.store import open_store
from kg.units import parse_quantity

JOURNAL = """\
# Storage journal, week 3
## S3
- Every bucket now encrypts new objects automatically
- The instance metadata lives at http://169.254.169.254/latest/meta-data/ on EC2
"""

HOWTO = """\
How to: S3 encryption

1. Open the bucket settings
2. S3 default encryption can be enabled per bucket, it is optional
3. EC2 metadata is read from http://169.254.170.254/latest/meta-data/
"""

NEAR_MISS = """\
# EBS cheat sheet
| fact | value |
| --- | --- |
| EBS volumes encrypted by default | no |
"""


def ingest(tmp_path, notes: dict[str, str]):
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in notes.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [folder])
    return db


def test_stems_join_spellings_of_one_word():
    assert words_match(stems("Blue-Green deployments"), stems("blue/green deployment")) == 2
    assert stems("encrypted") == stems("encryption")


def test_on_by_default_against_optional_is_a_polarity_finding(tmp_path, vocab):
    db = ingest(tmp_path, {"journal.md": JOURNAL, "howto.txt": HOWTO})
    with open_store(db) as store:
        facts = capability_facts(store, vocab, None)
        found = capability_findings([f for f in facts if "default" in f.feature], vocab)
    s3 = [f for f in found if f.service == "Amazon Simple Storage Service"]
    assert s3 and {c.value.split(":")[0] for c in s3[0].claims} == {"yes", "no"}
    assert {s.note for c in s3[0].claims for s in c.sources} == {"journal.md", "howto.txt"}


def test_one_note_on_one_side_only_is_no_finding(tmp_path, vocab):
    # the near miss: an EBS default, said of another service than S3's
    db = ingest(tmp_path, {"journal.md": JOURNAL, "ebs.md": NEAR_MISS})
    with open_store(db) as store:
        found = capability_findings(capability_facts(store, vocab, None), vocab)
    assert not [f for f in found if f.service == "Amazon Simple Storage Service"]


def test_two_addresses_of_one_setting_are_a_textual_finding(tmp_path, vocab):
    db = ingest(tmp_path, {"journal.md": JOURNAL, "howto.txt": HOWTO})
    with open_store(db) as store:
        settings = setting_facts(store, vocab, None)
    assert {s.value for s in settings} >= {"169.254.169.254", "169.254.170.254"}
    found = setting_findings(settings, vocab)
    assert any({c.value for c in f.claims} == {"169.254.169.254", "169.254.170.254"} for f in found)


def test_decimal_and_binary_prefixes_are_one_amount():
    assert same_amount(parse_quantity("500 MB"), parse_quantity("0.5 GB"))
    assert same_amount(parse_quantity("1 MB"), parse_quantity("1000 KB"))
    assert not same_amount(parse_quantity("5 GB"), parse_quantity("6 GB"))


def test_capabilities_and_settings_conform_to_their_shapes(tmp_path, vocab):
    db = ingest(tmp_path, {"journal.md": JOURNAL, "howto.txt": HOWTO})
    with open_store(db) as store:
        report = check_graph(store, vocab)
    assert report.violations == []


def test_a_capability_without_a_service_is_a_shape_violation(tmp_path):
    from kg.check import validate_shapes

    with open_store(tmp_path / "store", write=True) as store:
        store.update('INSERT DATA { GRAPH <urn:bad> { <urn:c> a <https://example.org/kg#Capability> } }')
        violations = validate_shapes(store)
    assert any("capability must be about" in v.message for v in violations)
