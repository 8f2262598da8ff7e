"""Eligibility rules of the HR policy plugin, checked against an independent oracle."""

from __future__ import annotations

import pytest
from gridgov.core import ValidationError
from gridgov.plugins.hr_policy.eligibility import FirmProfile, describe, evaluate, validate_rules
from hypothesis import given, settings
from hypothesis import strategies as st

PATHS = ("/LG/", "/LG/PH/", "/LG/PH/SX/", "/LG/PH/SX/SX01/", "/LG/PH/BNK/BNK01/", "/LG/BT/", "/LG/BT/MA/MA03/")
CODES = ("LG", "PH", "SX", "SX01", "BNK", "BNK01", "BT", "MA", "MA03", "XX")
INDUSTRIES = ("电子信息", "智能制造", "生物医药", "餐饮住宿")
SIZES = ("above_scale", "small", "micro")

firms = st.builds(
    lambda size, industry, headcount, talents, path: FirmProfile(
        code="F1", size=size, industry=industry, headcount=headcount, certified_talents=talents,
        area_code=path.strip("/").split("/")[-1], area_path=path),
    st.sampled_from((*SIZES, None)),
    st.sampled_from((*INDUSTRIES, None)),
    st.one_of(st.none(), st.integers(0, 3000)),
    st.integers(0, 100),
    st.sampled_from(PATHS),
)


@st.composite
def rule_sets(draw):
    rules = {}
    if draw(st.booleans()):
        rules["size_in"] = draw(st.lists(st.sampled_from(SIZES), min_size=1, unique=True))
    if draw(st.booleans()):
        rules["industry_in"] = draw(st.lists(st.sampled_from(INDUSTRIES), min_size=1, unique=True))
    low = draw(st.one_of(st.none(), st.integers(0, 2000)))
    if low is not None:
        rules["headcount_min"] = low
    if draw(st.booleans()):
        rules["headcount_max"] = draw(st.integers(low or 0, 3000))
    if draw(st.booleans()):
        rules["certified_talents_min"] = draw(st.integers(0, 60))
    if draw(st.booleans()):
        rules["area_in"] = draw(st.lists(st.sampled_from(CODES), min_size=1, unique=True))
    return rules


def oracle_failures(rules: dict, firm: FirmProfile) -> set[str]:
    """Which criteria a firm fails, written independently of the plugin."""
    failed = set()
    if "size_in" in rules and firm.size not in rules["size_in"]:
        failed.add("size_in")
    if "industry_in" in rules and firm.industry not in rules["industry_in"]:
        failed.add("industry_in")
    if "headcount_min" in rules and (firm.headcount is None or firm.headcount < rules["headcount_min"]):
        failed.add("headcount_min")
    if "headcount_max" in rules and (firm.headcount is None or firm.headcount > rules["headcount_max"]):
        failed.add("headcount_max")
    if "certified_talents_min" in rules and firm.certified_talents < rules["certified_talents_min"]:
        failed.add("certified_talents_min")
    if "area_in" in rules and not any(f"/{code}/" in firm.area_path for code in rules["area_in"]):
        failed.add("area_in")
    return failed


@settings(max_examples=400, deadline=None)
@given(rules=rule_sets(), firm=firms)
def test_evaluation_matches_the_oracle(rules, firm):
    verdict = evaluate(rules, firm)
    failed = oracle_failures(rules, firm)
    assert verdict.eligible == (not failed)
    assert {r.criterion for r in verdict.unmet} == failed
    assert {r.criterion for r in verdict.reasons} == set(rules)
    assert all(r.text_en and r.text_zh for r in verdict.reasons)


@settings(max_examples=100, deadline=None)
@given(firm=firms)
def test_empty_rules_fit_every_firm(firm):
    verdict = evaluate({}, firm)
    assert verdict.eligible and verdict.reasons == ()


def test_area_matches_a_subtree_not_a_prefix_of_a_code():
    firm = FirmProfile(code="F", area_code="SX01", area_path="/LG/PH/SX/SX01/")
    assert evaluate({"area_in": ["PH"]}, firm).eligible
    assert evaluate({"area_in": ["SX01"]}, firm).eligible
    assert not evaluate({"area_in": ["SX0"]}, firm).eligible
    assert not evaluate({"area_in": ["BNK"]}, firm).eligible


def test_reasons_explain_in_both_languages():
    firm = FirmProfile(code="F", size="micro", headcount=8, certified_talents=0, area_path="/LG/")
    verdict = evaluate({"size_in": ["small"], "headcount_min": 10}, firm)
    assert not verdict.eligible
    texts = [r.text("en") for r in verdict.unmet]
    assert "size micro is not one of small" in texts
    assert "headcount 8 < 10" in texts
    assert "员工8人少于10人" in [r.text("zh") for r in verdict.unmet]


def test_unknown_headcount_does_not_qualify():
    verdict = evaluate({"headcount_max": 50}, FirmProfile(code="F"))
    assert not verdict.eligible and verdict.unmet[0].text_en == "headcount unknown"


@pytest.mark.parametrize("rules, field_text", [
    ({"size": ["small"]}, "unknown criterion"),
    ({"size_in": "small"}, "must be a list"),
    ({"size_in": ["huge"]}, "sizes are"),
    ({"headcount_min": -1}, "whole number"),
    ({"headcount_min": True}, "whole number"),
    ({"headcount_min": 50, "headcount_max": 10}, "below headcount_min"),
    ({"area_in": []}, "at least one"),
    (["size_in"], "mapping"),
])
def test_bad_rules_are_refused_with_the_reason(rules, field_text):
    with pytest.raises(ValidationError) as info:
        validate_rules(rules)
    assert info.value.field == "rules" and field_text in info.value.reason


def test_describe_summarises_rules():
    rules = {"size_in": ["small", "micro"], "headcount_min": 10}
    assert describe(rules) == "size: micro/small; headcount ≥ 10"
    assert describe(rules, "zh") == "规模:微型企业、小型企业；员工≥10"
    assert describe({}) == "all firms"
