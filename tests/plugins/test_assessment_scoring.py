"""Scoring rules against hand-computed sheets and an independent recount."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from gridgov.core import ValidationError, to_dict
from gridgov.plugins.assessment.scoring import (
    CheckIn,
    HouseholdVisit,
    MemberRating,
    ScoringRules,
    UnitRating,
    WorkRecord,
    duty_lines,
    member_sheets,
    overall_coverage,
    unit_sheets,
    visit_coverage,
)
from hypothesis import given, settings
from hypothesis import strategies as st

YEAR = 2026


def weekly(subject, weeks):
    """A patrol on the Monday of each ISO week in ``weeks`` of 2026."""
    return [CheckIn(subject=subject, duty="weekly_patrol", day=dt.date.fromisocalendar(YEAR, w, 1)) for w in weeks]


def test_a_member_sheet_by_hand():
    ratings = [MemberRating(login="m1", side="branch", score=90), MemberRating(login="m1", side="branch", score=80),
               MemberRating(login="m1", side="community", score=70)]
    work = [WorkRecord(subject="m1", handled=10, on_time=8, rated=5, satisfied=4),
            WorkRecord(subject="m1", handled=10, on_time=10, rated=5, satisfied=5)]
    checkins = weekly("m1", range(1, 27)) + weekly("m1", [1, 2]) + [
        CheckIn(subject="m1", duty="monthly_summary", day=dt.date(YEAR, m, 28)) for m in range(1, 13)] + [
        CheckIn(subject="m1", duty="quarterly_report", day=dt.date(YEAR, 3, 31)),
        CheckIn(subject="m1", duty="quarterly_report", day=dt.date(YEAR, 2, 1))]
    sheet = member_sheets(YEAR, ["m1"], ratings=ratings, work=work, checkins=checkins)[0]
    assert sheet.branch_score == 85 and sheet.community_score == 70 and sheet.rating == 77.5
    assert (sheet.work.handled, sheet.work.on_time_rate, sheet.work.satisfaction_rate) == (20, 0.9, 0.9)
    assert sheet.work.score == pytest.approx(90)
    assert [(x.duty, x.done, x.expected) for x in sheet.duties] == [
        ("weekly_patrol", 26, 53), ("monthly_summary", 12, 12), ("quarterly_report", 1, 4)]
    assert sheet.duty_score == pytest.approx(100 * (26 / 53 + 1 + 0.25) / 3)
    assert sheet.total == pytest.approx(0.5 * 77.5 + 0.3 * 90 + 0.2 * sheet.duty_score)
    assert sheet.remarks == ("weekly patrol: 26 of 53", "quarterly report: 1 of 4")


def test_two_way_rating_needs_both_sides_and_weights_are_configurable():
    ratings = [MemberRating(login="m1", side="branch", score=90), MemberRating(login="m2", side="branch", score=60),
               MemberRating(login="m2", side="community", score=100)]
    rules = ScoringRules(branch_weight=0.25, community_weight=0.75, member_duties=())
    one, two = member_sheets(YEAR, ["m1", "m2"], ratings=ratings, rules=rules)
    assert one.rating is None and "no rating by the community: two-way rating left out" in one.remarks
    assert two.rating == pytest.approx(90)
    assert two.total == pytest.approx(90)


def test_a_unit_rating_counts_only_with_enough_raters():
    ratings = [UnitRating(unit="DP001", rater=f"r{i}", rater_kind="resident" if i % 2 else "member", score=60 + i % 40)
               for i in range(49)]
    few = unit_sheets(YEAR, ["DP001"], ratings=ratings)[0]
    assert few.rating is None and few.rating_text == "not enough raters (49 of 50)"
    assert few.remarks[0] == "year-end rating not counted: not enough raters (49 of 50)"
    enough = unit_sheets(YEAR, ["DP001"], ratings=[*ratings, UnitRating(unit="DP001", rater="r49", rater_kind="member",
                                                                          score=100)])[0]
    expected = (sum(60 + i % 40 for i in range(49)) + 100) / 50
    assert enough.rating == pytest.approx(expected)
    assert enough.rating_text == f"{expected:.1f} from 50 raters"
    assert (enough.resident_raters, enough.member_raters) == (24, 26)
    assert unit_sheets(YEAR, ["DP002"], ratings=ratings)[0].rating_text == "not enough raters (0 of 50)"


def test_a_rater_scores_a_unit_once():
    twice = [UnitRating(unit="DP001", rater="r1", rater_kind="resident", score=80)] * 2
    with pytest.raises(ValidationError, match="rater: r1 scored unit DP001 twice"):
        unit_sheets(YEAR, ["DP001"], ratings=twice)


def test_leader_visits_are_counted_per_quarter():
    visits = [CheckIn(subject="LD001", duty="quarterly_visit", day=dt.date(YEAR, m, 5)) for m in (1, 2, 5, 11)] + [
        CheckIn(subject="LD001", duty="quarterly_visit", day=dt.date(YEAR - 1, 12, 30))]
    sheet = unit_sheets(YEAR, ["LD001"], checkins=visits)[0]
    assert [(x.done, x.expected) for x in sheet.duties] == [(3, 4)]
    assert sheet.duty_score == 75 and sheet.total == 75
    assert "quarterly leader visit: 3 of 4" in sheet.remarks


def test_a_patrol_in_early_january_can_belong_to_last_years_week():
    assert dt.date(2027, 1, 1).isocalendar().year == 2026
    lines = duty_lines(2026, "m1", [CheckIn(subject="m1", duty="weekly_patrol", day=dt.date(2027, 1, 1))],
                       ["weekly_patrol"])
    assert (lines[0].done, lines[0].expected) == (1, 53)


def test_chancheng_visited_944_per_mille_of_households():
    households = {"A": 15_000, "B": 16_780}
    visits = [HouseholdVisit(area="A", household=f"h{i}") for i in range(14_200)] + [
        HouseholdVisit(area="B", household=f"h{i}") for i in range(15_800)] + [
        HouseholdVisit(area="A", household="h1")]
    rows = visit_coverage(households, visits)
    assert [(r.area, r.visited) for r in rows] == [("A", 14_200), ("B", 15_800)]
    total = overall_coverage(rows, "Chancheng")
    assert (total.visited, total.households) == (30_000, 31_780)
    assert round(total.rate * 100, 1) == 94.4


def test_coverage_refuses_unknown_areas_and_counts_out_of_date():
    with pytest.raises(ValidationError, match="area: visit to h1 in X: area X has no household count"):
        visit_coverage({"A": 1}, [HouseholdVisit(area="X", household="h1")])
    with pytest.raises(ValidationError, match="households: area A: 2 households visited of 1 listed"):
        visit_coverage({"A": 1}, [HouseholdVisit(area="A", household="h1"), HouseholdVisit(area="A", household="h2")])


@pytest.mark.parametrize(("make", "message"), [
    (lambda: WorkRecord(subject="m1", handled=2, on_time=3), "on_time: m1: 3 on time of 2 handled"),
    (lambda: WorkRecord(subject="m1", handled=2, on_time=1, rated=1, satisfied=2), "satisfied: m1: 2 satisfied of 1 rated"),
    (lambda: MemberRating(login="m1", side="branch", score=101), "score: must be a score from 0 to 100, got 101"),
    (lambda: MemberRating(login="m1", side="street", score=1), "side: 'street' is not one of branch, community"),
    (lambda: ScoringRules(branch_weight=0, community_weight=0), "branch_weight: the weights of one score must not all be 0"),
    (lambda: ScoringRules(member_duties=("daily_selfie",)), "duties: 'daily_selfie' is not one of weekly_patrol, "
                                                            "monthly_summary, quarterly_report, quarterly_visit"),
])
def test_bad_records_are_refused(make, message):
    with pytest.raises(ValidationError) as caught:
        make()
    assert str(caught.value) == message


def test_sheets_export_as_dicts():
    sheet = unit_sheets(YEAR, ["DP001"], work=[WorkRecord(subject="DP001", handled=4, on_time=3, rated=2, satisfied=2)])[0]
    data = sheet.to_dict()
    assert data["work"] == {"handled": 4, "on_time": 3, "rated": 2, "satisfied": 2, "on_time_rate": 0.75,
                            "satisfaction_rate": 1.0, "score": 87.5}
    json.dumps(data)
    assert to_dict(sheet) == data


# -- an independent recount -----------------------------------------------------------

scores = st.integers(0, 100)
logins = st.sampled_from(["m1", "m2", "m3"])
days = st.dates(dt.date(YEAR - 1, 12, 1), dt.date(YEAR + 1, 1, 31))


@settings(max_examples=150, deadline=None)
@given(ratings=st.lists(st.tuples(logins, st.sampled_from(["branch", "community"]), scores), max_size=12),
       work=st.lists(st.tuples(logins, st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), max_size=6),
       checkins=st.lists(st.tuples(logins, st.sampled_from(["weekly_patrol", "monthly_summary", "quarterly_report"]), days),
                         max_size=30),
       weights=st.tuples(st.integers(0, 3), st.integers(1, 3), st.integers(0, 3), st.integers(0, 3), st.integers(1, 3)))
def test_member_sheets_match_a_recount(ratings, work, checkins, weights):
    wb, wc, wr, ww, wd = weights
    rules = ScoringRules(branch_weight=wb, community_weight=wc, rating_weight=wr, work_weight=ww, duty_weight=wd)
    records = [WorkRecord(subject=s, handled=h + o + k, on_time=h, rated=o + k, satisfied=o) for s, h, o, k in work]
    sheets = member_sheets(YEAR, ["m1", "m2", "m3"], rules=rules, work=records,
                           ratings=[MemberRating(login=s, side=side, score=v) for s, side, v in ratings],
                           checkins=[CheckIn(subject=s, duty=d, day=day) for s, d, day in checkins])
    for sheet in sheets:
        b = [v for s, side, v in ratings if s == sheet.login and side == "branch"]
        c = [v for s, side, v in ratings if s == sheet.login and side == "community"]
        rating = None
        if b and c:
            rating = (wb * sum(b) / len(b) + wc * sum(c) / len(c)) / (wb + wc)
        assert sheet.rating == pytest.approx(rating)
        mine = [r for r in records if r.subject == sheet.login]
        handled = sum(r.handled for r in mine)
        on_time = sum(r.on_time for r in mine) / handled if handled else None
        rated = sum(r.rated for r in mine)
        satisfied = sum(r.satisfied for r in mine) / rated if rated else None
        parts = [(100 * x, 0.5) for x in (on_time, satisfied) if x is not None]
        work_score = sum(v * w for v, w in parts) / sum(w for _, w in parts) if parts else None
        assert sheet.work.score == pytest.approx(work_score)
        done = []
        for duty, expected in (("weekly_patrol", 53), ("monthly_summary", 12), ("quarterly_report", 4)):
            periods = set()
            for s, d, day in checkins:
                if s != sheet.login or d != duty:
                    continue
                if duty == "weekly_patrol" and day.isocalendar()[0] == YEAR:
                    periods.add(day.isocalendar()[1])
                elif duty == "monthly_summary" and day.year == YEAR:
                    periods.add(day.month)
                elif duty == "quarterly_report" and day.year == YEAR:
                    periods.add((day.month + 2) // 3)
            done.append(len(periods) / expected)
        duty_score = 100 * sum(done) / 3
        assert sheet.duty_score == pytest.approx(duty_score)
        parts = [(v, w) for v, w in ((rating, wr), (work_score, ww), (duty_score, wd)) if v is not None and w > 0]
        total = sum(v * w for v, w in parts) / sum(w for _, w in parts) if parts else None
        assert sheet.total == pytest.approx(total)
        assert sheet.total is None or 0 <= sheet.total <= 100


@settings(max_examples=100, deadline=None)
@given(given_scores=st.lists(st.tuples(st.sampled_from(["U1", "U2"]), st.integers(0, 30), scores), max_size=60),
       minimum=st.integers(0, 20))
def test_unit_sheets_match_a_recount(given_scores, minimum):
    latest = {}
    for unit, rater, score in given_scores:
        latest.setdefault((unit, f"r{rater}"), score)
    ratings = [UnitRating(unit=u, rater=r, rater_kind="resident", score=v) for (u, r), v in latest.items()]
    for sheet in unit_sheets(YEAR, ["U1", "U2"], ratings=ratings, rules=ScoringRules(min_raters=minimum, unit_duties=())):
        mine = [v for (u, _), v in latest.items() if u == sheet.unit]
        assert sheet.raters == len(mine)
        if len(mine) >= minimum and mine:
            assert sheet.rating == pytest.approx(sum(mine) / len(mine)) and sheet.total == pytest.approx(sheet.rating)
        else:
            assert sheet.rating is None and sheet.rating_text == f"not enough raters ({len(mine)} of {minimum})"
