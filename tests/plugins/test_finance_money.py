"""Money as whole fen: exact parsing, refusal of bad amounts, display, and splitting a
reported total without drift."""

from __future__ import annotations

from decimal import Decimal

import pytest
from gridgov.core import ValidationError
from gridgov.plugins.finance_station.money import (
    FEN_PER_YI,
    MAX_FEN,
    check_fen,
    format_short,
    format_wan,
    format_yi,
    format_yuan,
    parse_amount,
    split_exactly,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.34", 1234),
        ("12.3", 1230),
        ("0.01", 1),
        ("0", 0),
        ("1,200元", 120_000),
        ("300万", 300_000_000),
        ("300万元", 300_000_000),
        ("1.5亿", 15_000_000_000),
        ("95.83亿元", 958_300_000_000),
        ("47.53亿", 475_300_000_000),
        (" 8.5 万 ", 8_500_000),
        ("0.0000000001亿", 1),
        (12345, 12345),
    ],
)
def test_amounts_parse_to_exact_fen(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5", "negative"),
        ("-0.01亿", "negative"),
        ("0.001", "whole number of fen"),
        ("0.00000000001亿", "whole number of fen"),
        ("1e5", "not an amount"),
        ("abc", "not an amount"),
        ("12.34.5", "not an amount"),
        ("", "not an amount"),
        ("NaN", "not an amount"),
        ("1,2,3", "thousands separators"),
        ("10000亿", "over the limit"),
        (-1, "negative"),
        (MAX_FEN + 1, "over the limit"),
        (1.5, "must be an amount"),
        (True, "must be an amount"),
    ],
)
def test_bad_amounts_are_refused_with_the_field(text, reason):
    with pytest.raises(ValidationError) as info:
        parse_amount(text, "amount")
    assert info.value.field == "amount" and reason in info.value.reason


def test_check_fen_refuses_floats_even_when_whole():
    with pytest.raises(ValidationError):
        check_fen(100.0)


def test_display_in_yuan_and_yi():
    assert format_yuan(958_300_000_000) == "9,583,000,000.00元"
    assert format_yuan(1) == "0.01元"
    assert format_yi(958_300_000_000) == "95.83亿元"
    assert format_yi(475_300_000_000) == "47.53亿元"
    assert format_yi(FEN_PER_YI * 1000) == "1000亿元"
    assert format_yi(1) == "0.0000000001亿元"
    assert format_yi(958_349_999_999, places=2) == "95.83亿元"
    assert format_wan(300_000_000) == "300万元"
    assert format_short(250_000) == "2,500.00元"
    assert format_short(2_500_000) == "2.5万元"
    assert format_short(958_300_000_000) == "95.83亿元"
    assert format_short(95_830_000_000) == "9.583亿元"
    assert format_short(95_830_000_001) == "9.58亿元"


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_yuan_text_round_trips_exactly(fen):
    assert parse_amount(format_yuan(fen).replace(",", "").removesuffix("元")) == fen
    assert parse_amount(format_yi(fen)) == fen


@given(st.lists(st.integers(min_value=0, max_value=MAX_FEN // 10_000), max_size=200))
def test_sums_of_parsed_amounts_do_not_drift(amounts):
    texts = [f"{Decimal(a) / 100:f}" for a in amounts]
    total = sum(parse_amount(t) for t in texts)
    assert total == sum(amounts)
    assert parse_amount(format_yi(total)) == total if total <= MAX_FEN else True


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.floats(min_value=0.001, max_value=1000, allow_nan=False), min_size=1, max_size=300),
    st.sampled_from([1, 100, 1_000_000]),
)
def test_split_exactly_keeps_the_total(units, weights, unit):
    minimum = min(3, units // len(weights))
    parts = split_exactly(units * unit, weights, unit=unit, minimum=minimum)
    assert sum(parts) == units * unit
    assert len(parts) == len(weights)
    assert all(p % unit == 0 and p >= minimum * unit for p in parts)


def test_split_reproduces_the_source_figures():
    parts = split_exactly(958_300_000_000, [1.0, 2.5, 0.3] * 1460, unit=1_000_000, minimum=10)
    assert sum(parts) == 958_300_000_000 and len(parts) == 4380


def test_split_refuses_impossible_requests():
    with pytest.raises(ValueError):
        split_exactly(5, [1, 1], unit=2)
    with pytest.raises(ValueError):
        split_exactly(10, [1, 1], minimum=6)
    with pytest.raises(ValueError):
        split_exactly(10, [0, 0])
