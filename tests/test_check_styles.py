"""kg check on notes written in other styles (a limits table, a cheat sheet, a dated journal, a
how-to, folders named by exam version, one course copied in two formats): one test per class of
conflict, each beside the near miss it must not report, and the evidence that says which claim
is stale."""

import pytest

from kg.check import (check_graph, check_inputs, stale_evidence, stated_years, store_fingerprint,
                      words_match)
from kg.ingest import ingest_paths
from kg.store import open_store

from conftest import FIXTURES


def _report(tmp_path_factory, vocab, folder, name):
    db = tmp_path_factory.mktemp(name) / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [folder])
    with open_store(db) as store:
        return check_graph(store, vocab, shapes=False)


@pytest.fixture(scope="module")
def styles(tmp_path_factory, vocab):
    return _report(tmp_path_factory, vocab, FIXTURES / "check_styles", "styles")


def _finding(report, service, attribute):
    found = [f for f in report.findings if f.service == service and f.attribute == attribute]
    assert len(found) == 1, [(f.service, f.attribute) for f in report.findings]
    return found[0]


def _values(finding):
    return {c.value for c in finding.claims}


def _lines(finding):
    return {(s.note, s.line) for c in finding.claims for s in c.sources}


def test_a_limit_in_a_table_and_in_a_cheat_sheet_is_compared(styles):
    # the cheat sheet's "(default 4 days)" is a default, never held against the table's maximum
    retention = _finding(styles, "Amazon Simple Queue Service", "retention period")
    assert _values(retention) == {"10 days", "14 days"}
    assert _lines(retention) == {("limits-table.md", 6), ("cheat-sheet.txt", 5)}


def test_a_value_whose_words_name_no_kind_is_a_value_of_its_services_only_kind(styles):
    # "scales up to 30 Gbps" names no limit kind; the table's "bandwidth up to 80 Gbps" does
    bandwidth = _finding(styles, "Amazon VPC NAT gateways", "network bandwidth")
    assert _values(bandwidth) == {"30 Gbps", "80 Gbps"}


def test_enabled_by_default_against_an_option_to_turn_on(styles):
    polarity = _finding(styles, "Amazon Simple Storage Service", "encrypt by default")
    assert polarity.cls == "polarity"
    assert [c.value.split(":")[0] for c in polarity.claims] == ["yes", "no"]
    assert _lines(polarity) == {("journal.md", 8), ("cheat-sheet.txt", 9)}


def test_two_addresses_of_one_single_valued_setting(styles):
    setting = _finding(styles, "Amazon Elastic Compute Cloud", setting_attribute(styles))
    assert _values(setting) == {"169.254.169.254", "169.254.170.254"}
    assert {n for n, _ in _lines(setting)} == {"howto.md", "howto-2.md"}


def setting_attribute(report):
    return next(f.attribute for f in report.findings if f.qualifier == "setting")


def test_a_note_that_lists_several_addresses_of_a_setting_shows_it_is_not_single_valued(styles):
    # subnet-plan.md gives the router, DNS and a spare address; the recap gives two of them
    assert not [f for f in styles.findings if {"subnet-plan.md", "subnet-recap.md"} & {n for n, _ in _lines(f)}]


def test_a_line_saying_now_makes_its_value_the_current_one(styles):
    memory = _finding(styles, "AWS Lambda", "memory")
    assert memory.cls == "superseded" and memory.claims[0].value == "6,144 MB"
    assert "'now'" in memory.suggestion and "journal.md:7" in memory.suggestion


def test_every_side_lists_its_sources_with_note_and_line(styles):
    for f in styles.findings:
        assert len(f.claims) >= 2
        assert all(c.sources and all(s.note and s.line >= 1 for s in c.sources) for c in f.claims), f


def test_the_newer_exam_version_in_a_folder_name_decides(tmp_path_factory, vocab):
    report = _report(tmp_path_factory, vocab, FIXTURES / "check_exams", "exams")
    [finding] = report.findings
    assert finding.cls == "superseded" and finding.claims[0].value == "500 shards"
    assert "SAA-C03" in finding.suggestion and "SAA-C02" in finding.suggestion


def test_copies_of_one_course_count_as_one_source(tmp_path_factory, vocab):
    # course.md and course.txt are one course in two formats: 2 notes, 1 source, against 1
    report = _report(tmp_path_factory, vocab, FIXTURES / "check_copies", "copies")
    [finding] = report.findings
    assert _values(finding) == {"2 MB/s", "1 MB/s"}
    assert finding.suggestion.startswith("Unresolved") and "course.md and course.txt are copies" in finding.suggestion


def test_a_year_stated_in_each_note_decides_and_previously_marks_a_former_value(tmp_path, vocab):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# Lambda\n- Updated in 2024: functions get up to 8,192 MB of memory\n")
    (folder / "b.md").write_text("# Lambda\n- Since 2021 functions get up to 2,048 MB of memory\n")
    (folder / "c.md").write_text("# SQS\n- Messages are up to 512 KB in size\n")
    (folder / "d.md").write_text("# SQS notes\n- The message size limit was previously up to 128 KB\n")
    with open_store(tmp_path / "store", write=True) as store:
        ingest_paths(store, [folder])
    with open_store(tmp_path / "store") as store:
        report = check_graph(store, vocab, shapes=False)
    memory = _finding(report, "AWS Lambda", "memory")
    assert memory.claims[0].value == "8,192 MB" and "2024" in memory.suggestion and "2021" in memory.suggestion
    size = _finding(report, "Amazon Simple Queue Service", "message size")
    assert size.cls == "superseded" and size.claims[0].value == "512 KB" and "'previously'" in size.suggestion


def test_a_by_default_line_naming_a_feature_alone_is_compared_and_a_service_alone_is_not(tmp_path, vocab):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# Networking\n- VPC flow logs are not enabled by default\n"
                                 "- VPC by default uses the Amazon DNS resolver\n")
    (folder / "b.md").write_text("# Logging\n- VPC flow logs are enabled by default for every new VPC\n"
                                 "- A VPC is not created by default in a new Region\n")
    with open_store(tmp_path / "store", write=True) as store:
        ingest_paths(store, [folder])
    with open_store(tmp_path / "store") as store:
        report = check_graph(store, vocab, shapes=False)
    assert [f.attribute for f in report.findings] == ["vpc flow logs by default"]


def test_stated_years_need_a_cue_and_are_no_quantity():
    assert stated_years("since 2023 the limit is 10 GB") == [2023]
    assert stated_years("as of March 2024, it changed") == [2024]
    assert stated_years("buffers of 2048 MB in 2019 MB chunks") == []
    assert stated_years("port 2022 is open") == []


def test_stale_evidence_is_tied_without_any():
    from kg.check import FindingClaim
    from kg.facts import Source

    claims = [FindingClaim("1", None, None, [Source("a.md", 1, 1, "up to 1")]),
              FindingClaim("2", None, None, [Source("b.md", 1, 1, "up to 2")])]
    assert stale_evidence(claims, {})[:2] == (None, "tied")


def test_check_words_match_is_extractions_rule():
    from kg.extract.capabilities import words_match as extraction_rule

    for a, b in [(("encrypt",), ("encrypt", "default")), (("bluegreen", "deploy"), ("bluegreendeploy",)),
                 (("onprem",), ("onpremis",)), (("log",), ("logs",)), (("rotat",), ("rotation",))]:
        assert words_match(a, b) == extraction_rule(a, b)


def test_the_cache_follows_the_store(tmp_path, vocab, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# SQS\n- Messages are up to 256 KB in size\n")
    db = tmp_path / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [folder])
    with open_store(db) as store:
        before = store_fingerprint(store)
        assert check_graph(store, vocab).findings == []
        assert check_inputs(store, vocab).limits          # read back from the cache
    (folder / "b.md").write_text("# SQS\n- Messages are up to 1 MB in size\n")
    with open_store(db, write=True) as store:
        ingest_paths(store, [folder])
    with open_store(db) as store:
        assert store_fingerprint(store) != before
        assert [f.attribute for f in check_graph(store, vocab).findings] == ["message size"]
    # a graph written by hand records no digest: the store has no fingerprint, nothing is cached
    with open_store(db, write=True) as store:
        store.update('INSERT DATA { GRAPH <urn:hand> { <urn:x> <urn:p> "y" } }')
        assert store_fingerprint(store) is None


def test_a_note_listing_three_variants_of_a_limit_is_left_out_of_it(tmp_path, vocab):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "types.md").write_text("# EBS volume types\n- gp3: up to 16,000 IOPS\n- io1: up to 64,000 IOPS\n"
                                     "- io2: up to 256,000 IOPS\n")
    (folder / "one.md").write_text("# EBS\n- A volume delivers up to 20,000 IOPS\n")
    (folder / "two.md").write_text("# EBS in short\n- gp3 volumes reach up to 12,000 IOPS\n"
                                   "- io2 volumes reach up to 256,000 IOPS\n")
    with open_store(tmp_path / "store", write=True) as store:
        ingest_paths(store, [folder])
    with open_store(tmp_path / "store") as store:
        report = check_graph(store, vocab, shapes=False)
    # types.md's three rows are variants; two.md's two values still stand against one.md's
    iops = _finding(report, "Amazon Elastic Block Store", "IOPS")
    assert {n for n, _ in _lines(iops)} == {"one.md", "two.md"}
    assert _values(iops) == {"12,000", "20,000", "256,000"}
