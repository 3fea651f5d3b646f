"""kg.spans: each reader finds the answers a line can give, and leaves alone what is not one."""

from kg.spans import read_spans


def spans(text, kind):
    return [s.value for s in read_spans(text)[1] if s.type == kind]


def test_a_stated_range_is_one_span_with_both_ends():
    found = [s for s in read_spans("The timeout can be set from 0 seconds to 12 hours.")[1] if s.type == "range"]
    assert [s.value for s in found] == ["0 seconds to 12 hours"]
    assert found[0].low.canonical_value == 0 and found[0].high.canonical_value == 12 * 3600


def test_two_values_joined_by_or_are_not_a_range():
    assert spans("300 per second, or 3,000 with batching", "range") == []


def test_counts_in_words_but_not_inside_compounds():
    assert spans("Data is kept as three copies in each zone", "count") == ["3 copies"]
    assert spans("exactly-once processing", "count") == []


def test_addresses_and_cidr_blocks():
    assert spans("query 169.254.169.254 for metadata", "ip") == ["169.254.169.254"]
    assert spans("the smallest block is a /28", "cidr") == ["/28"]
    assert spans("see docs/28 for details", "cidr") == []


def test_identifiers_in_code_marks_camel_case_and_colon_names():
    values = spans('set "x-amz-server-side-encryption":"aws:kms" and attach FullAWSAccess', "ident")
    assert "aws:kms" in values and "FullAWSAccess" in values
    assert "attach" not in values


def test_versions_and_levels():
    assert "TLS 1.2" in spans("clients must use TLS 1.2 or later", "version")
    assert spans("a plain sentence with no version", "version") == []


def test_a_comma_list_after_a_colon_is_one_clause():
    assert "Mandatory, Strongly Recommended, Elective" in spans(
        "3 types: Mandatory, Strongly Recommended, Elective", "clause")


def test_a_four_digit_number_the_quantity_scanner_takes_for_a_year_is_a_number_span():
    assert "2049" in spans("NFS listens on port **2049**, open it in the SG", "number")
    assert "2020" in spans("strongly consistent since Dec 2020, no charge", "number")
    # near misses: a range of years and a date are not bare numbers
    assert spans("courses from 2019-2021", "number") == []
    assert spans("policy version 2012-10-17", "number") == []
