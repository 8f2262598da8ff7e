"""Projects: progress and its timeline, the monthly check, the quarterly inspection notice
against an independent recount, the year-end rating, and the joint-meetings link."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from gridgov.core import (
    DEFAULT_PLUGINS,
    AccessDenied,
    Migrations,
    TransitionRefused,
    ValidationError,
    hookimpl,
)
from gridgov.core.testing import local_time
from gridgov.plugins.service_lists.projects import ProjectService
from gridgov.plugins.service_lists.records import Decision, Milestone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_service_lists_support import SYSTEM, need, resource, staff

DECISION = Decision(decided_on=dt.date(2026, 1, 5), note="社区党委会同意立项")


@pytest.fixture
def platform(gridgov_platform):
    return gridgov_platform


@pytest.fixture
def actors(platform):
    return staff(platform)


def project(platform, actors, *, at, due, milestones=(), res=None, area="SX01-B1"):
    res = res or resource(platform, actors["keeper_sx"], capacity=10_000)
    wanted = need(platform, actors["worker_sx01"], area=area)
    return ProjectService(platform).decide(actors["keeper_sx"], wanted["id"], res["id"], DECISION, due=due,
                                           milestones=milestones, at=at)


def test_progress_reports_build_a_timeline_and_100_percent_completes(platform, actors):
    p = project(platform, actors, at=local_time(2026, 9, 1, 10), due=dt.date(2026, 12, 31),
                milestones=[Milestone(title="摸排名单", due=dt.date(2026, 9, 30))])
    projects = ProjectService(platform)
    unit = actors["unit_pb01"]
    projects.report_progress(unit, p["id"], percent=30, note="完成摸排", at=local_time(2026, 9, 20, 10))
    with pytest.raises(ValidationError, match="percent: 20% is below the 30% already reported"):
        projects.report_progress(unit, p["id"], percent=20)
    with pytest.raises(ValidationError, match="percent"):
        projects.report_progress(unit, p["id"], percent=130)
    with pytest.raises(AccessDenied, match="handler_zjj neither acts for SX-PB01"):
        projects.report_progress(actors["handler_zjj"], p["id"], percent=50)
    [m] = projects.milestones(unit, p["id"])
    projects.milestone_done(unit, m["id"], done_on=dt.date(2026, 9, 28))
    done = projects.report_progress(unit, p["id"], percent=100, note="全部送餐到户", at=local_time(2026, 10, 30, 10))
    assert (done["status"], done["completed_at"]) == ("completed", local_time(2026, 10, 30, 10))
    kinds = [i["kind"] for i in projects.timeline(actors["dispatcher_sx"], p["id"])]
    assert kinds == ["decision", "progress", "milestone", "progress"]
    with pytest.raises(TransitionRefused, match="project 1: report refused: the project is completed"):
        projects.report_progress(unit, p["id"], percent=100)


def test_the_monthly_check_records_each_running_project_once_a_month(platform, actors):
    on_track = project(platform, actors, at=local_time(2026, 10, 20, 10), due=dt.date(2027, 6, 30))
    stalled = project(platform, actors, at=local_time(2026, 8, 1, 10), due=dt.date(2027, 6, 30))
    late = project(platform, actors, at=local_time(2026, 5, 1, 10), due=dt.date(2026, 10, 31))
    projects = ProjectService(platform)
    checks = projects.monthly_check(actors["keeper_sx"], "SX")
    states = {c["project_id"]: (c["state"], c["reason"]) for c in checks}
    assert states == {on_track["id"]: ("on_track", "完成0%，时间已过5%"),
                      stalled["id"]: ("stalled", "自2026-08-01起未报告进度"),
                      late["id"]: ("late", "已过完成期限2026-10-31，完成0%")}
    assert projects.monthly_check(actors["keeper_sx"], "SX") == checks  # once a month
    with pytest.raises(AccessDenied):
        projects.monthly_check(actors["worker_sx01"], "SX")


def recount(platform, area_path: str, first: dt.date, following: dt.date) -> dict[str, int]:
    """The notice's figures counted again straight from the stored rows."""
    end = platform.time.start_of(following)
    as_of = following - dt.timedelta(days=1)
    if platform.now() < end:
        end, as_of = platform.now() + dt.timedelta(seconds=1), platform.today()
    counts = {"on_track": 0, "late": 0, "stalled": 0, "completed": 0}
    for p in platform.table("service_lists_project").rows(area_path__under=area_path):
        if p["status"] == "cancelled" or p["created_at"] >= end:
            continue
        reports = [r for r in platform.table("service_lists_progress").rows(project_id=p["id"]) if r["at"] < end]
        if p["completed_at"] and p["completed_at"] < end:
            counts["completed"] += 1
            continue
        if p["due"] < as_of:
            counts["late"] += 1
            continue
        missed = [m for m in platform.table("service_lists_milestone").rows(project_id=p["id"])
                  if m["due"] < as_of and (m["done_on"] is None or m["done_on"] > as_of)]
        if missed:
            counts["late"] += 1
            continue
        last = max((platform.time.day_of(r["at"]) for r in reports), default=p["starts"])
        if (as_of - last).days > 30:
            counts["stalled"] += 1
            continue
        percent = max((r["percent"] for r in reports), default=0)
        gone = (as_of - p["starts"]).days / max(1, (p["due"] - p["starts"]).days) * 100
        counts["late" if percent + 25 < round(min(100, max(0, gone))) else "on_track"] += 1
    return counts


START = dt.date(2026, 2, 1)
plans = st.lists(st.fixed_dictionaries({
    "start": st.integers(0, 200), "length": st.integers(20, 240),
    "reports": st.lists(st.tuples(st.integers(0, 260), st.integers(0, 100)), max_size=4),
    "milestone": st.none() | st.tuples(st.integers(0, 100), st.none() | st.integers(0, 120)),
}), min_size=1, max_size=5)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=plans, quarter=st.sampled_from(("2026Q2", "2026Q3", "2026Q4")))
def test_the_quarterly_notice_agrees_with_an_independent_recount(gridgov_platform, plans, quarter):
    platform = gridgov_platform
    if platform.table("service_lists_resource").count() == 0:
        staff(platform)
        resource(platform, platform.actor("keeper_sx"), capacity=100_000)
    actors = {login: platform.actor(login) for login in ("keeper_sx", "worker_sx01", "unit_pb01")}
    res = platform.table("service_lists_resource").rows(limit=1)[0]
    projects = ProjectService(platform)
    now = platform.now()
    for plan in plans:
        starts = START + dt.timedelta(days=plan["start"])
        due = starts + dt.timedelta(days=plan["length"])
        milestones = []
        if plan["milestone"]:
            offset, done = plan["milestone"]
            milestones = [Milestone(title="节点", due=min(due, starts + dt.timedelta(days=offset)))]
        p = project(platform, actors, at=platform.time.start_of(starts) + dt.timedelta(hours=10), due=due,
                    milestones=milestones, res=res)
        if plan["milestone"] and plan["milestone"][1] is not None:
            [m] = projects.milestones(SYSTEM, p["id"])
            projects.milestone_done(actors["unit_pb01"], m["id"], done_on=starts + dt.timedelta(days=plan["milestone"][1]))
        percent = 0
        for day, pct in sorted(plan["reports"]):
            at = platform.time.start_of(starts + dt.timedelta(days=day)) + dt.timedelta(hours=15)
            percent = max(percent, pct)
            if at > now or platform.table("service_lists_project").get(p["id"])["status"] == "completed":
                break
            projects.report_progress(actors["unit_pb01"], p["id"], percent=percent, at=at)
    notice = projects.quarterly_notice(actors["keeper_sx"], "SX", quarter)
    from gridgov.plugins.service_lists.rules import quarter_days

    first, following = quarter_days(quarter)
    expected = recount(platform, "/LG/PH/SX/", first, following)
    assert notice["body"]["counts"] == expected
    assert {k: notice[k] for k in expected} == expected
    assert len(notice["body"]["projects"]) == sum(expected.values())
    assert all(item["reason_zh"] and item["reason_en"] for item in notice["body"]["projects"])


def test_a_notice_for_a_quarter_not_begun_is_refused(platform, actors):
    with pytest.raises(ValidationError, match="quarter: 2027Q1 has not begun"):
        ProjectService(platform).quarterly_notice(actors["keeper_sx"], "SX", "2027Q1")
    with pytest.raises(ValidationError, match="is not a quarter"):
        ProjectService(platform).quarterly_notice(actors["keeper_sx"], "SX", "Q3")


def test_the_year_end_rating_needs_enough_residents_once_a_year(platform, actors):
    res = resource(platform, actors["keeper_sx"], starts=dt.date(2025, 1, 1))
    p = project(platform, actors, at=local_time(2025, 11, 1, 10), due=dt.date(2026, 6, 30), res=res)
    projects = ProjectService(platform)
    keeper = actors["keeper_sx"]
    with pytest.raises(ValidationError, match="ratings: 30 residents rated; at least 50 are needed"):
        projects.rate_year_end(keeper, p["id"], year=2025, satisfied=20, basically_satisfied=5, dissatisfied=5)
    with pytest.raises(ValidationError, match="the 2026 year-end rating opens on 2026-12-01"):
        projects.rate_year_end(keeper, p["id"], year=2026, satisfied=50, basically_satisfied=0, dissatisfied=0)
    row = projects.rate_year_end(keeper, p["id"], year=2025, satisfied=40, basically_satisfied=12, dissatisfied=8)
    assert row["share"] == round(52 / 60, 4)
    with pytest.raises(ValidationError, match="already rated for 2025"):
        projects.rate_year_end(keeper, p["id"], year=2025, satisfied=50, basically_satisfied=0, dissatisfied=0)
    # The rating now counts in the organisation's suggestions.
    wanted = need(platform, actors["worker_sx01"])
    from gridgov.plugins.service_lists.service import ListsService

    [s] = ListsService(platform).suggest(keeper, wanted["id"])
    assert s.rating == round(52 / 60, 4) and "past satisfaction 87% over 1 projects" in s.reason_text("en")


# -- a joint-meetings decision, when that plugin is installed --------------------------------------

def joint_meetings_stand_in() -> types.ModuleType:
    """A plugin named joint_meetings with the decision table the real one declares."""
    module = types.ModuleType("gridgov_joint_meetings")
    migrations = Migrations("joint_meetings")

    @migrations()
    def m001(schema):
        schema.create_table("decision", {"id": "int", "meeting_id": "int", "topic_id": "int", "owner_org": "text",
                                         "due": "date", "status": "text", "text": "text", "area_path": "text"})

    @hookimpl
    def register_migrations(register):
        register(migrations)

    module.register_migrations = register_migrations
    return module


def test_a_joint_meeting_decision_is_checked_when_that_plugin_is_loaded(gridgov_make_platform):
    builtins = tuple(m for m in DEFAULT_PLUGINS if not m.endswith(".joint_meetings"))
    platform = gridgov_make_platform(plugins=[joint_meetings_stand_in()], builtins=builtins)
    actors = staff(platform)
    decisions = platform.table("joint_meetings_decision")
    ours = decisions.insert({"meeting_id": 1, "topic_id": 1, "owner_org": "SX-PB01", "due": dt.date(2026, 12, 31),
                             "status": "open", "text": "助餐点由第一网格党支部承办", "area_path": "/LG/PH/SX/"})
    theirs = decisions.insert({"meeting_id": 2, "topic_id": 2, "owner_org": "BNK-PB01", "due": dt.date(2026, 12, 31),
                               "status": "open", "text": "x", "area_path": "/LG/PH/BNK/"})
    res = resource(platform, actors["keeper_sx"])
    wanted = need(platform, actors["worker_sx01"])
    decide = ProjectService(platform).decide

    def linked(ref):
        return decide(actors["keeper_sx"], wanted["id"], res["id"],
                      Decision(kind="joint_meeting", decided_on=dt.date(2026, 10, 30), decision_ref=ref),
                      due=dt.date(2027, 3, 31))

    with pytest.raises(ValidationError, match="decision_ref: no joint-meetings decision 99"):
        linked(99)
    with pytest.raises(ValidationError, match="belongs to another area"):
        linked(theirs)
    assert linked(ours)["decision_ref"] == ours
