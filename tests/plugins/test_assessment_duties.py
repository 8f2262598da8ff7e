"""Duties and check-ins: cadence periods in the deployment zone (the edges of weeks,
months, quarters and ISO years), late and missed periods, who may check in, and
household-visit coverage against an independent recount."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from gridgov.core import AccessDenied, Actor, Member, RoleAssignment, ValidationError
from gridgov.core.testing import local_time
from gridgov.plugins.assessment import periods
from gridgov.plugins.assessment.duties import DutyService
from gridgov.plugins.assessment.records import Duty

SYSTEM = Actor.system()
UTC = dt.UTC


@pytest.fixture
def service(gridgov_platform):
    return DutyService(gridgov_platform)


def patrol(service, starts=dt.date(2026, 10, 1), duty="weekly_patrol", subject="leader_sx01", area="SX01"):
    return service.add_duty(SYSTEM, Duty(subject=subject, duty=duty, area_code=area, starts=starts))


# -- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(("cadence", "day", "key", "first", "after"), [
    ("week", dt.date(2026, 11, 1), "2026-W44", dt.date(2026, 10, 26), dt.date(2026, 11, 2)),
    ("week", dt.date(2027, 1, 1), "2026-W53", dt.date(2026, 12, 28), dt.date(2027, 1, 4)),  # 2026 has 53 ISO weeks
    ("week", dt.date(2025, 12, 29), "2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 5)),
    ("month", dt.date(2028, 2, 29), "2028-02", dt.date(2028, 2, 1), dt.date(2028, 3, 1)),
    ("month", dt.date(2026, 12, 31), "2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    ("quarter", dt.date(2026, 12, 31), "2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    ("quarter", dt.date(2026, 4, 1), "2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
    ("year", dt.date(2026, 6, 30), "2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
])
def test_period_keys_and_bounds(cadence, day, key, first, after):
    assert periods.period_of(cadence, day) == key
    assert periods.bounds(cadence, key) == (first, after)


def test_a_week_that_does_not_exist_is_refused():
    with pytest.raises(ValidationError, match="2025 has no ISO week 53"):
        periods.bounds("week", "2025-W53")
    with pytest.raises(ValidationError, match="is not a quarter period"):
        periods.bounds("quarter", "2026-Q5")


def test_periods_between_cover_every_day_once():
    keys = periods.periods_between("week", dt.date(2026, 12, 20), dt.date(2027, 1, 10))
    assert keys == ["2026-W51", "2026-W52", "2026-W53", "2027-W01"]
    assert periods.periods_between("quarter", dt.date(2026, 2, 1), dt.date(2026, 7, 1)) == ["2026-Q1", "2026-Q2", "2026-Q3"]


# -- check-ins ----------------------------------------------------------------------------


def test_sunday_night_in_beijing_is_that_weeks_patrol(gridgov_platform, service):
    duty = patrol(service)
    sunday_night = local_time(2026, 11, 1, 23, 30)  # 15:30 UTC, Sunday in Beijing
    assert sunday_night.astimezone(UTC).hour == 15
    record = service.check_in(gridgov_platform.actor("leader_sx01"), duty.id, at=sunday_night)
    assert (record.period, record.late) == ("2026-W44", False)
    assert record.due_at == local_time(2026, 11, 2).astimezone(UTC)
    monday = local_time(2026, 11, 2, 0, 5)
    late = service.check_in(gridgov_platform.actor("leader_sx01"), duty.id, at=monday, period="2026-W44")
    assert late.late and late.period == "2026-W44"


def test_a_monthly_summary_after_local_midnight_is_late(gridgov_platform, service):
    duty = patrol(service, duty="monthly_summary")
    after = dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 November in Beijing
    record = service.check_in(gridgov_platform.actor("leader_sx01"), duty.id, at=after, period="2026-10")
    assert record.late
    assert service.check_in(SYSTEM, duty.id, at=after).period == "2026-11"
    before = dt.datetime(2026, 10, 31, 15, 59, tzinfo=UTC)  # 23:59 on 31 October
    assert not service.check_in(SYSTEM, duty.id, at=before).late


def test_the_calendar_tells_on_time_late_missed_and_open(gridgov_platform, service):
    duty = patrol(service)  # from Thursday 1 October (week 40); today is Monday 2 November (week 45)
    leader = gridgov_platform.actor("leader_sx01")
    service.check_in(leader, duty.id, at=local_time(2026, 10, 28, 10), period="2026-W43")
    service.check_in(leader, duty.id, at=local_time(2026, 10, 29, 10))
    states = {s.period: s.state for s in service.calendar(leader, duty.id)}
    assert states == {"2026-W40": "missed", "2026-W41": "missed", "2026-W42": "missed", "2026-W43": "late",
                      "2026-W44": "on_time", "2026-W45": "open"}
    flagged = [(s.period, s.state) for s in service.overdue(gridgov_platform.actor("admin"))]
    assert flagged == [("2026-W40", "missed"), ("2026-W41", "missed"), ("2026-W42", "missed"), ("2026-W43", "late")]


def test_a_quarterly_report_spans_the_quarter(gridgov_platform, service):
    duty = patrol(service, duty="quarterly_report", starts=dt.date(2026, 1, 1))
    service.check_in(SYSTEM, duty.id, at=local_time(2026, 9, 30, 23, 59))
    service.check_in(SYSTEM, duty.id, at=local_time(2026, 10, 1, 0, 1), period="2026-Q3")
    states = {s.period: s.state for s in service.calendar(SYSTEM, duty.id)}
    assert states == {"2026-Q1": "missed", "2026-Q2": "missed", "2026-Q3": "on_time", "2026-Q4": "open"}


def test_who_may_check_in_and_what_is_refused(gridgov_platform, service):
    duty = patrol(service)
    with pytest.raises(AccessDenied):
        service.check_in(gridgov_platform.actor("worker_sx02"), duty.id)
    with pytest.raises(ValidationError, match="in the future"):
        service.check_in(SYSTEM, duty.id, at=local_time(2026, 11, 3))
    with pytest.raises(ValidationError, match="has not begun"):
        service.check_in(SYSTEM, duty.id, at=local_time(2026, 11, 1), period="2026-W45")
    with pytest.raises(ValidationError, match="does not run in 2026-W39"):
        service.check_in(SYSTEM, duty.id, at=local_time(2026, 11, 1), period="2026-W39")
    with pytest.raises(ValidationError, match="only household visits name a household"):
        service.check_in(SYSTEM, duty.id, household="SX01-B1-0301")
    visit = patrol(service, duty="household_visit", area="SX")
    with pytest.raises(ValidationError, match="names the household"):
        service.check_in(SYSTEM, visit.id)
    with pytest.raises(ValidationError, match="outside the duty's area"):
        service.check_in(SYSTEM, visit.id, household="BNK01-B1-0101", area="BNK01")
    with pytest.raises(AccessDenied):
        service.add_duty(gridgov_platform.actor("worker_sx01"), Duty(subject="worker_sx01", duty="weekly_patrol",
                                                                     area_code="SX01", starts=dt.date(2026, 1, 1)))


def test_post_duties_go_to_every_holder_once(gridgov_platform, service):
    for login, area in (("fs1", "SX01"), ("fs2", "BNK01")):
        gridgov_platform.members.add(SYSTEM, Member(login=login, name="第一书记", home_area=area))
        gridgov_platform.members.assign(SYSTEM, RoleAssignment(login=login, post="first_secretary", area_code=area,
                                                               starts=dt.date(2026, 1, 1)))
    added = service.duties_of_post(SYSTEM, "first_secretary", starts=dt.date(2026, 1, 1))
    assert sorted((d.subject, d.duty) for d in added) == [
        ("fs1", "monthly_summary"), ("fs1", "quarterly_report"), ("fs1", "weekly_patrol"),
        ("fs2", "monthly_summary"), ("fs2", "quarterly_report"), ("fs2", "weekly_patrol")]
    assert service.duties_of_post(SYSTEM, "first_secretary", starts=dt.date(2026, 1, 1)) == []


# -- coverage -----------------------------------------------------------------------------


@pytest.mark.gridgov_engines
def test_household_coverage_matches_a_recount(gridgov_platform, service):
    households = {"SX01-B1": 40, "SX01-B2": 30, "SX02-B1": 50, "BNK01-B1": 20}
    for code, count in households.items():
        gridgov_platform.areas.update(SYSTEM, code, households=count)
    duty = patrol(service, duty="household_visit", area="PH", subject="worker_sx01")
    rng = random.Random(7)
    visits = []
    for building, count in households.items():
        for _ in range(rng.randint(0, count + 15)):  # some households visited twice
            household = f"{building}-{rng.randint(1, count):02d}"
            visits.append((building, household))
            service.check_in(SYSTEM, duty.id, at=local_time(2026, 10, rng.randint(1, 31), 10), household=household,
                             area=building)
    rows, total = service.coverage(SYSTEM, "PH", level="building")
    recount = {b: len({h for bb, h in visits if bb == b}) for b in households}
    assert {r.area: (r.households, r.visited) for r in rows} == {b: (households[b], recount[b]) for b in households}
    assert (total.households, total.visited) == (140, sum(recount.values()))
    assert total.rate == pytest.approx(sum(recount.values()) / 140)
    grids, _ = service.coverage(SYSTEM, "PH", level="grid")
    assert {r.area: r.visited for r in grids} == {"SX01": recount["SX01-B1"] + recount["SX01-B2"],
                                                  "SX02": recount["SX02-B1"], "BNK01": recount["BNK01-B1"]}
    with pytest.raises(AccessDenied):
        service.coverage(gridgov_platform.actor("worker_sx02"), "PH")


def test_chancheng_coverage_is_94_4_percent(gridgov_platform, service):
    gridgov_platform.areas.update(SYSTEM, "SX01-B1", households=1589)  # Chancheng's 31,780 ÷ 20
    duty = patrol(service, duty="household_visit", area="SX01-B1", subject="worker_sx01")
    for i in range(1500):  # 30,000 ÷ 20 households visited
        service.check_in(SYSTEM, duty.id, at=local_time(2026, 10, 5 + i % 20, 10), household=f"H{i:04d}")
    _, total = service.coverage(SYSTEM, "SX01-B1")
    assert (total.visited, total.households, f"{total.rate:.1%}") == (1500, 1589, "94.4%")
