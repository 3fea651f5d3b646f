"""Emphasis markup around a denial ("_DOES NOT_ support") still denies, on notes written for
this test in a wiki style (underscore and asterisk emphasis)."""

from kg.facts import capability_facts
from kg.ingest import ingest_paths
from kg.store import open_store

WIKI = """\
= Container launch options =
* Fargate _DOES NOT_ support EBS integration
* ECS on EC2 supports EBS integration
* Fargate does **not** support EBS volumes
* AWS Batch does __not__ support Windows containers
* Amazon ECS _DOES SUPPORT_ EFS integration
"""


def test_a_denial_wrapped_in_emphasis_is_a_denial_and_emphasis_alone_is_not(tmp_path, vocab):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "wiki.txt").write_text(WIKI, encoding="utf-8")
    with open_store(tmp_path / "store", write=True) as store:
        ingest_paths(store, [folder])
        facts = capability_facts(store, vocab, None)
    by_line = {}
    for f in facts:
        for s in f.sources:
            by_line.setdefault(s.line, set()).add(f.positive)
    assert by_line.get(2) == {False}          # "_DOES NOT_ support": a denial
    assert by_line.get(3) == {True}           # near miss: the same cue with no denial affirms
    assert by_line.get(4) == {False}          # "**not** support"
    assert by_line.get(5) == {False}          # "__not__ support"
    assert by_line.get(6) == {True}           # a cue in emphasis, "_DOES SUPPORT_", is found and affirms
