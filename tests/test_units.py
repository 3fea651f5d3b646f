import math

import pytest
from hypothesis import given, strategies as st

from kg.units import (UNITS, Quantity, convert, find_quantities, format_quantity, parse_quantity)


def found(text):
    return [(format_quantity(m.quantity), m.range_role, m.bare) for m in find_quantities(text)]


@pytest.mark.parametrize("text, value, unit", [
    ("256 KB", 256, "KB"), ("256KB", 256, "KB"), ("3,008MB", 3008, "MB"), ("5Gb", 5, "GB"),
    ("15 mins", 15, "min"), ("1 minute", 1, "min"), ("12 hours", 12, "h"), ("29s", 29, "s"),
    ("$0.20", 0.2, "USD"), ("1 MB/s", 1, "MB/s"), ("10 Gbps", 10, "Gbit/s"), ("14 days", 14, "day"),
])
def test_parse_quantity_reads_the_closed_unit_table(text, value, unit):
    q = parse_quantity(text)
    assert (q.value, q.unit) == (value, unit)


def test_kilobytes_are_binary_as_aws_writes_them():
    assert parse_quantity("256 KB").canonical_value == 262144
    assert parse_quantity("10,240 MB").canonical_value == 10240 * 1024 ** 2


def test_lowercase_b_still_means_bytes_but_bps_means_bits():
    assert parse_quantity("64Mb").unit == "MB"
    assert parse_quantity("1 Gbps").canonical_value == 1e9 / 8


def test_equal_quantities_written_differently_are_equal():
    assert parse_quantity("900 seconds") == parse_quantity("15 minutes")
    assert parse_quantity("43,200 s") == parse_quantity("12 hours")
    assert parse_quantity("256KB") == parse_quantity("256 KB")


@pytest.mark.parametrize("text, expected", [
    ("from 1 minute to 14 days", [("1 minute", "min", False), ("14 days", "max", False)]),
    ("128 MB to 10,240 MB, in 1-MB increments",
     [("128 MB", "min", False), ("10,240 MB", "max", False), ("1 MB", "", False)]),
    ("between 0 and 20 seconds", [("0 seconds", "min", False), ("20 seconds", "max", False)]),
    ("5-12 hours", [("5 hours", "min", False), ("12 hours", "max", False)]),
    ("Memory allocation: 128 - 3008 (64Mb increments)",
     [("128 MB", "min", False), ("3,008 MB", "max", False), ("64 MB", "", False)]),
])
def test_ranges_give_a_minimum_and_a_maximum(text, expected):
    assert found(text) == expected


def test_two_values_joined_by_or_are_not_a_range():
    assert [r for _q, r, _b in found("up to 300 API calls per second or 3000 with batching")] == ["", ""]


def test_counts_rates_and_multipliers():
    assert found("Up to 10M subscribers and 100k topics") == [
        ("10,000,000 subscribers", "", False), ("100,000 topics", "", False)]
    assert found("1000 messages/s per shard") == [("1,000 messages per second", "", False)]
    assert found("retries up to three times") == [("3 times", "", False)]


def test_identifiers_years_addresses_and_dates_are_not_quantities():
    assert found("SHA-256 on EC2 in us-east-1 at 10.0.0.1/16, version 1.2.3, on 2024-03-22 in 2022") == []


def test_a_bare_number_is_marked_bare():
    assert found("Concurrent executions ⇒ 1000") == [("1,000", "", True)]


def test_convert_between_units_of_one_dimension():
    assert convert(parse_quantity("15 minutes"), "seconds").value == 900
    assert convert(parse_quantity("256 KB"), "bytes").value == 262144
    with pytest.raises(ValueError, match="cannot express"):
        convert(parse_quantity("256 KB"), "seconds")


_SYMBOLS = [s for s in UNITS if s not in ("count",)]


@given(value=st.one_of(st.integers(min_value=0, max_value=10 ** 9),
                       st.decimals(min_value=0, max_value=10 ** 6, places=2).map(float)),
       unit=st.sampled_from(_SYMBOLS))
def test_quantities_round_trip_through_format_and_parse(value, unit):
    q = Quantity(float(value), unit)
    back = parse_quantity(format_quantity(q))
    assert back.unit == q.unit or back == q
    assert math.isclose(back.canonical_value, q.canonical_value, rel_tol=1e-9, abs_tol=1e-9)


@given(st.text(max_size=300))
def test_find_quantities_never_crashes_on_arbitrary_text(text):
    for m in find_quantities(text):
        assert 0 <= m.start < m.end <= len(text)


def test_a_counted_noun_glued_to_its_number_is_read_whole():
    found = find_quantities("Compute can scale up to 32vCPUs and 244Gb memory")
    assert [(m.quantity.value, m.quantity.unit) for m in found] == [(32, "count"), (244, "GB")]


def test_a_price_times_a_count_keeps_the_price():
    found = find_quantities("higher throughput: $0.05x10,000 calls")
    assert [(m.quantity.value, m.quantity.unit) for m in found] == [(0.05, "USD")]


def test_from_x_up_to_y_is_a_range():
    assert found("valid from 15 mins up to 1 hour") == [("15 minutes", "min", False), ("1 hour", "max", False)]
    assert [r for _v, r, _b in found("4 days, up to 14 days")] == ["", ""]


def test_a_value_is_written_with_every_digit_the_note_gave():
    """Eleven nines of durability are 99.999999999%, not 100%; binary noise (0.1 + 0.2) and a
    whole number missed by its last bits still print short, and tiny values never as 1e-06."""
    assert format_quantity(parse_quantity("99.999999999%")) == "99.999999999%"
    assert format_quantity(Quantity(0.1 + 0.2, "s")) == "0.3 seconds"
    assert format_quantity(Quantity(3.0000000000000004, "GB")) == "3 GB"
    assert format_quantity(Quantity(0.000001, "s")) == "0.000001 seconds"


def test_a_capital_b_before_ps_is_bytes_a_small_one_bits():
    """"200 MBps per TiB" (a file system's throughput) is 200 MB/s; "10 Gbps" and "100 mbps" are
    bits, as network figures are written."""
    assert parse_quantity("200 MBps") == parse_quantity("200 MB/s")
    assert parse_quantity("10 Gbps").unit == "Gbit/s" and parse_quantity("100 mbps").unit == "Mbit/s"


def test_a_converted_fraction_has_six_figures_and_a_whole_number_all_of_its():
    """15 minutes in days printed 0.0104166666666667 once every digit was kept; 5 TB in bytes
    (the near miss) must keep all thirteen."""
    assert format_quantity(convert(parse_quantity("15 minutes"), "days")) == "0.0104167 days"
    assert format_quantity(convert(parse_quantity("5 TB"), "bytes")) == "5,497,558,138,880 bytes"
