"""Service lists: the three lists, suggestions with reasons, projects from a decision."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import AccessDenied, Actor, ValidationError
from gridgov.plugins.service_lists.projects import ProjectService
from gridgov.plugins.service_lists.records import Decision, Milestone, Need
from gridgov.plugins.service_lists.service import ListsService
from test_service_lists_support import SYSTEM, need, resource, service, staff

DECISION = Decision(body="山厦社区党委会", decided_on=dt.date(2026, 10, 20), note="同意由第一网格党支部承接")


@pytest.fixture
def platform(gridgov_platform):
    return gridgov_platform


@pytest.fixture
def actors(platform):
    return staff(platform)


def test_the_plugin_registers_its_category_roles_tables_and_card(platform):
    category = platform.categories["service_lists.order"]
    assert (category.plugin, category.handler_kind) == ("service_lists", "party_branch")
    assert "service_lists.decide" in platform.roles["list_keeper"].permissions
    assert platform.plugin_of_table["service_lists_need"] == "service_lists"
    assert "service_lists" in platform.metric_specs and not platform.plugin_failures


def test_needs_are_raised_by_grid_staff_in_their_areas(platform, actors):
    row = need(platform, actors["worker_sx01"], tags="助老，助餐, 助老", description="三位独居老人午餐无人照料")
    assert (row["status"], row["tags"], row["area_path"], row["raised_by"]) == (
        "open", ["助老", "助餐"], "/LG/PH/SX/SX01/SX01-B1/", "worker_sx01")
    with pytest.raises(AccessDenied, match="worker_sx02 lacks issue.report"):
        need(platform, actors["worker_sx02"])
    with pytest.raises(ValidationError, match="tags: give at least one tag"):
        need(platform, actors["worker_sx01"], tags=" , ")
    lists = ListsService(platform)
    assert [n["id"] for n in lists.needs(actors["dispatcher_sx"])] == [row["id"]]
    assert lists.needs(actors["worker_sx02"]) == []


def test_a_need_from_a_case_names_a_case_the_actor_can_read(platform, actors, gridgov_issue):
    case = gridgov_issue(category="livelihood.help", area="SX01", title="老人吃饭难")
    row = need(platform, actors["worker_sx01"], area="SX01", source="case", source_ref=str(case.id))
    assert row["source_ref"] == str(case.id)
    with pytest.raises(ValidationError, match="source_ref"):
        need(platform, actors["worker_sx01"], source="case", source_ref="abc")


def test_resources_and_services_are_listed_for_the_areas_the_keeper_keeps(platform, actors):
    keeper = actors["keeper_sx"]
    res = resource(platform, keeper, serve=("SX01", "SX02"))
    assert (res["used"], res["serve_areas"], res["area_path"]) == (0, ["SX01", "SX02"], "/LG/PH/SX/")
    with pytest.raises(AccessDenied, match="keeper_sx lacks service_lists.manage over area BNK"):
        resource(platform, keeper, serve=("SX", "BNK"))
    with pytest.raises(ValidationError, match="org_code: unknown organisation NOPE"):
        resource(platform, keeper, org="NOPE")
    with pytest.raises(ValidationError, match="ends"):
        resource(platform, keeper, starts=dt.date(2026, 5, 1), ends=dt.date(2026, 4, 1))
    svc = service(platform, keeper)
    lists = ListsService(platform)
    assert [r["id"] for r in lists.resources(actors["worker_sx01"])] == [res["id"]]
    assert lists.resources(actors["worker_bnk01"] if "worker_bnk01" in actors else platform.actor("worker_bnk01")) == []
    assert [s["id"] for s in lists.services(actors["worker_sx02"])] == [svc["id"]]
    lists.set_service_active(keeper, svc["id"], False)
    assert lists.services(actors["worker_sx02"]) == []


def test_suggestions_rank_by_tags_distance_capacity_and_rating_with_reasons(platform, actors):
    keeper = actors["keeper_sx"]
    near = resource(platform, keeper, org="SX-PB01", tags=("助老", "助餐"), capacity=4, title="支部助餐")
    far = resource(platform, SYSTEM, org="ZJJ", tags=("助老",), capacity=10, serve=("LG",), title="住建局志愿")
    resource(platform, keeper, org="SXWY", tags=("保洁",), capacity=3, title="物业保洁")  # no shared tag
    resource(platform, SYSTEM, org="CGJ", tags=("助老",), capacity=3, serve=("BNK",), title="白泥坑助老")  # wrong area
    wanted = need(platform, actors["worker_sx01"], tags=("助老", "助餐"), units=2)
    found = ListsService(platform).suggest(actors["worker_sx01"], wanted["id"])
    assert [s.resource_id for s in found] == [near["id"], far["id"]]
    best = found[0]
    assert (best.units, best.shared_tags, best.distance) == (2, ("助老", "助餐"), 2)
    assert best.reason_text("en") == ("tags match: 助老, 助餐 (2 of 2); 2 steps away in the area tree; "
                                      "4 of 4 units left, offers 2; not rated yet")
    assert "标签相符：助老、助餐（2/2）" in best.reason_text("zh")
    assert found[1].distance == 4 and found[1].tag_fit == 0.5


def test_a_decision_makes_a_project_taking_capacity_and_a_withdrawal_gives_it_back(platform, actors):
    keeper = actors["keeper_sx"]
    res = resource(platform, keeper, capacity=3)
    first = need(platform, actors["worker_sx01"], units=2)
    projects = ProjectService(platform)
    project = projects.decide(keeper, first["id"], res["id"], DECISION, due=dt.date(2027, 3, 31),
                              milestones=[Milestone(title="摸排名单", due=dt.date(2026, 12, 1))])
    assert (project["units"], project["status"], project["org_code"], project["decision_kind"]) == (
        2, "planned", "SX-PB01", "committee")
    assert ListsService(platform).resource(res["id"])["used"] == 2
    assert ListsService(platform).need(keeper, first["id"])["status"] == "matched"
    second = need(platform, actors["worker_sx01"], units=2)
    with pytest.raises(ValidationError, match="units: 2 units asked; resource 1 has 1 left"):
        projects.decide(keeper, second["id"], res["id"], DECISION, due=dt.date(2027, 3, 31), units=2)
    with pytest.raises(ValidationError, match="need_id: need 1 is matched"):
        projects.decide(keeper, first["id"], res["id"], DECISION, due=dt.date(2027, 3, 31))
    with pytest.raises(AccessDenied, match="keeper_bnk lacks service_lists.decide"):
        projects.decide(actors["keeper_bnk"], second["id"], res["id"], DECISION, due=dt.date(2027, 3, 31))
    partial = projects.decide(keeper, second["id"], res["id"], DECISION, due=dt.date(2027, 3, 31))
    assert partial["units"] == 1 and ListsService(platform).resource(res["id"])["used"] == 3
    third = need(platform, actors["worker_sx01"])
    with pytest.raises(ValidationError, match="has no capacity left"):
        projects.decide(keeper, third["id"], res["id"], DECISION, due=dt.date(2027, 3, 31))
    projects.cancel(keeper, project["id"], note="老人已由家属照料")
    assert ListsService(platform).resource(res["id"])["used"] == 1
    assert ListsService(platform).need(keeper, first["id"])["status"] == "open"


def test_a_committee_decision_needs_its_note_and_a_joint_meeting_its_id(platform, actors):
    with pytest.raises(ValidationError, match="note: record what the committee decided"):
        Decision(decided_on=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="decision_ref"):
        Decision(kind="joint_meeting", decided_on=dt.date(2026, 10, 1))
    # With the built-in joint-meetings plugin: a decision of the community's body links, a
    # made-up id is refused.
    from gridgov.core.testing import local_time
    from gridgov.plugins.joint_meetings.service import JointMeetingsService

    keeper = actors["keeper_sx"]
    res = resource(platform, keeper)
    wanted = need(platform, actors["worker_sx01"])
    meetings, system = JointMeetingsService(platform), Actor.system()
    body = meetings.add_body(system, area="SX", name="山厦社区大党委")
    meeting = meetings.schedule(system, body.id, at=local_time(2026, 10, 15, 15), place="社区")
    meetings.record_minutes(system, meeting.id, minutes="议定助餐点由第一网格党支部承办")
    decision = meetings.decide(system, meeting.id, text="助餐点由第一网格党支部承办", owner_org="ZJJ",
                               due=dt.date(2026, 12, 31))

    def linked(ref):
        return ProjectService(platform).decide(
            keeper, wanted["id"], res["id"],
            Decision(kind="joint_meeting", decided_on=dt.date(2026, 10, 16), decision_ref=ref), due=dt.date(2027, 1, 31))

    with pytest.raises(ValidationError, match="no joint-meetings decision 9999"):
        linked(9999)
    project = linked(decision.id)
    assert (project["decision_kind"], project["decision_ref"]) == ("joint_meeting", decision.id)


def test_need_records_refuse_bad_input():
    with pytest.raises(ValidationError, match="units"):
        Need(area_code="SX01", title="x", tags=("a",), units=0)
    with pytest.raises(ValidationError, match="urgency"):
        Need(area_code="SX01", title="x", tags=("a",), urgency="asap")
