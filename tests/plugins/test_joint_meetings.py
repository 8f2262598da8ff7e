"""The joint-meetings plugin: bodies per level, a topic moved up two levels and its
decision coming back down to the original core case, the refusals (skipping a level, no
minutes), and what the agenda builder proposes."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import AccessDenied, Actor, RoleAssignment, TransitionRefused, ValidationError
from gridgov.core.testing import local_time
from gridgov.plugins.joint_meetings.records import Attendance
from gridgov.plugins.joint_meetings.service import JointMeetingsService

SYSTEM = Actor.system()


@pytest.fixture
def axis(gridgov_platform):
    """Joint bodies of LG, PH, SX and SX01 (the sample's four levels above the building),
    with party secretaries of SX01 and PH, and a service."""
    platform = gridgov_platform
    service = JointMeetingsService(platform)
    for login, area in (("leader_sx01", "SX01"), ("dispatcher_ph", "PH")):
        platform.members.assign(SYSTEM, RoleAssignment(login=login, post="party_secretary", area_code=area,
                                                       starts=dt.date(2026, 1, 1)))
    bodies = {}
    for area, name, convener in (("LG", "区联席会议", None), ("PH", "平湖街道大工委", "dispatcher_ph"),
                                 ("SX", "山厦社区大党委", None), ("SX01", "第01网格联席会议", "leader_sx01")):
        bodies[area] = service.add_body(SYSTEM, area=area, name=name, convener=convener,
                                        members=[{"org_code": "ZJJ", "role": "part_time"}] if area == "PH" else [])
    return service, bodies


def held(service, actor, body, day, minutes="讨论了议题", topics=()):
    meeting = service.schedule(actor, body.id, at=local_time(2026, 10, day, 15), place="会议室")
    for topic in topics:
        service.add_to_agenda(actor, meeting.id, topic.id)
    return service.record_minutes(actor, meeting.id, minutes=minutes,
                                  attendees=[Attendance(org_code="ZJJ"), Attendance(login="worker_sx01", present=False, reason="病假")])


def test_bodies_take_the_levels_cadence_and_members(gridgov_platform, axis):
    service, bodies = axis
    assert [(b.level, b.cadence) for b in bodies.values()] == [
        ("district", None), ("subdistrict", "quarter"), ("community", "quarter"), ("grid", "month")]
    assert [(m.org_code, m.role) for m in service.members(SYSTEM, bodies["PH"].id)] == [
        (None, "convener"), ("ZJJ", "part_time")]
    assert service.parent_body(bodies["SX01"]).id == bodies["SX"].id
    with pytest.raises(ValidationError, match="area: SX already has a joint meeting body"):
        service.add_body(SYSTEM, area="SX", name="又一个")
    # a grid worker sees the bodies over his grid, not those of other grids
    worker = gridgov_platform.actor("worker_sx01")
    assert [b.area_code for b in service.bodies(worker)] == ["SX01"]
    with pytest.raises(AccessDenied):
        service.add_body(worker, area="SX02", name="第02网格联席会议")


def test_a_topic_moves_up_two_levels_and_its_decision_comes_back_to_the_case(gridgov_platform, axis, gridgov_issue):
    service, bodies = axis
    platform = gridgov_platform
    case = gridgov_issue(area="SX01-B1", title="小区围墙倒塌需重建", to="in_progress")
    grid_secretary, ph_secretary = platform.actor("leader_sx01"), platform.actor("dispatcher_ph")

    topic = service.raise_topic(grid_secretary, bodies["SX01"].id, title="围墙重建资金", origin="case", issue_id=case.id,
                                at=local_time(2026, 10, 10, 9))
    m1 = held(service, grid_secretary, bodies["SX01"], 12, "网格无力解决重建资金，提请社区", [topic])
    service.move_up(grid_secretary, topic.id, meeting_id=m1.id, note="资金超出网格能力", at=local_time(2026, 10, 12, 17))
    assert platform.issues.get(SYSTEM, case.id).status == "in_progress"  # noted on the case, not resolved

    # the community finds it on its next agenda, moved up from the grid
    proposals = service.build_agenda(SYSTEM, bodies["SX"].id)
    assert [(p.kind, p.topic_id, p.from_body) for p in proposals] == [("moved_up", topic.id, "第01网格联席会议")]
    m2 = held(service, SYSTEM, bodies["SX"], 20, "社区协调未果，提请街道大工委", [topic])
    service.move_up(SYSTEM, topic.id, meeting_id=m2.id, at=local_time(2026, 10, 20, 17))

    m3 = held(service, ph_secretary, bodies["PH"], 28, "街道大工委议定由住建局牵头重建", [topic])
    decision = service.decide(ph_secretary, m3.id, topic_id=topic.id, text="住建局牵头重建围墙", owner_org="ZJJ",
                              due=dt.date(2026, 11, 30), at=local_time(2026, 10, 28, 17))

    chain = service.chain(grid_secretary, topic.id)
    assert [(s.move, s.body_name) for s in chain.steps] == [
        ("raise", "第01网格联席会议"), ("move_up", "第01网格联席会议"), ("move_up", "山厦社区大党委"),
        ("settle", "平湖街道大工委")]
    assert chain.steps[1].minutes == "网格无力解决重建资金，提请社区" and chain.steps[2].to_body_name == "平湖街道大工委"
    assert chain.topic.status == "settled" and chain.topic.moves == 2 and chain.topic.level == "subdistrict"
    assert [d.id for d in chain.decisions] == [decision.id]
    assert chain.reported_back_to == ("第01网格联席会议", "山厦社区大党委")
    assert [t.id for t, _ in service.reported_back(grid_secretary, bodies["SX01"].id)] == [topic.id]
    # the decision came back down to the original case through the workflow
    assert chain.case_status == "resolved"
    events = platform.issues.events(SYSTEM, case.id)
    assert [e.action for e in events][-3:] == ["meeting_decision", "meeting_decision", "meeting_resolve"]
    assert "住建局牵头重建围墙" in events[-1].note
    row = platform.table("joint_meetings_decision").get(decision.id)
    assert (row["meeting_id"], row["topic_id"], row["owner_org"], row["status"]) == (m3.id, topic.id, "ZJJ", "open")


def test_a_topic_cannot_skip_a_level_or_move_without_minutes(gridgov_platform, axis):
    service, bodies = axis
    topic = service.raise_topic(SYSTEM, bodies["SX01"].id, title="楼道堆物", origin="resident", origin_ref="1栋居民")
    planned = service.schedule(SYSTEM, bodies["SX01"].id, at=local_time(2026, 10, 30, 15), place="网格站")
    service.add_to_agenda(SYSTEM, planned.id, topic.id)
    with pytest.raises(TransitionRefused, match=f"topic {topic.id}: move_up refused: meeting {planned.id} has no minutes"):
        service.move_up(SYSTEM, topic.id, meeting_id=planned.id)
    with pytest.raises(TransitionRefused, match="move_up refused: meeting_id is required"):
        service.move_up(SYSTEM, topic.id, meeting_id=None)
    minutes = service.record_minutes(SYSTEM, planned.id, minutes="网格无法协调")
    with pytest.raises(TransitionRefused, match="cannot skip a level: 第01网格联席会议 moves it to 山厦社区大党委 "
                                                r"\(community\), not to 平湖街道大工委 \(subdistrict\)"):
        service.move_up(SYSTEM, topic.id, meeting_id=minutes.id, to_body=bodies["PH"].id)
    other = service.raise_topic(SYSTEM, bodies["SX01"].id, title="未上会", origin="member_unit")
    with pytest.raises(TransitionRefused, match="was not on the agenda"):
        service.move_up(SYSTEM, other.id, meeting_id=minutes.id)
    assert gridgov_platform.table("joint_meetings_topic_history").count(move="move_up") == 0
    moved = service.move_up(SYSTEM, topic.id, meeting_id=minutes.id, to_body=bodies["SX"].id)
    assert moved.body_id == bodies["SX"].id
    # the top of the tree has nowhere to go
    top = service.raise_topic(SYSTEM, bodies["LG"].id, title="全区议题", origin="lower_level")
    m = held(service, SYSTEM, bodies["LG"], 31, topics=[top])
    with pytest.raises(TransitionRefused, match="no parent level"):
        service.move_up(SYSTEM, top.id, meeting_id=m.id)


def test_other_refusals_name_the_field(gridgov_platform, axis, gridgov_issue):
    service, bodies = axis
    future = service.schedule(SYSTEM, bodies["SX"].id, at=local_time(2026, 11, 20, 15), place="社区")
    with pytest.raises(ValidationError, match="minutes: .* after now"):
        service.record_minutes(SYSTEM, future.id, minutes="尚未召开")
    with pytest.raises(ValidationError, match="minutes: the minutes say"):
        service.record_minutes(SYSTEM, future.id, minutes="  ")
    with pytest.raises(ValidationError, match="meeting: .* is planned; record its minutes first"):
        service.decide(SYSTEM, future.id, text="x", owner_org="ZJJ", due=dt.date(2026, 12, 1))
    elsewhere = gridgov_issue(area="BNK01-B1", as_="worker_bnk01")
    with pytest.raises(ValidationError, match="issue_id: .* outside SX01"):
        service.raise_topic(SYSTEM, bodies["SX01"].id, title="别的网格", origin="case", issue_id=elsewhere.id)
    with pytest.raises(ValidationError, match="issue_id: a topic from a core case names the case"):
        service.raise_topic(SYSTEM, bodies["SX01"].id, title="无案件", origin="case")
    m = held(service, SYSTEM, bodies["SX"], 15)
    with pytest.raises(ValidationError, match="due: 2026-10-01 is before the meeting"):
        service.decide(SYSTEM, m.id, text="x", owner_org="ZJJ", due=dt.date(2026, 10, 1))
    worker = gridgov_platform.actor("worker_sx01")
    with pytest.raises(AccessDenied):
        service.decide(worker, m.id, text="x", owner_org="ZJJ", due=dt.date(2026, 12, 1))


def test_the_agenda_builder_proposes_open_topics_and_escalated_cases(gridgov_platform, axis, gridgov_issue):
    service, bodies = axis
    escalated = gridgov_issue(area="SX01-B1", title="跨网格排水问题", to="registered")
    gridgov_platform.issues.act(SYSTEM, escalated.id, "escalate", note="网格无法处理")
    own = service.raise_topic(SYSTEM, bodies["SX"].id, title="社区停车难", origin="resident")
    proposals = service.build_agenda(SYSTEM, bodies["SX"].id)
    assert [(p.kind, p.topic_id, p.issue_id) for p in proposals] == [("open", own.id, None), ("case", None, escalated.id)]
    service.raise_topic(SYSTEM, bodies["SX"].id, title="跨网格排水问题", origin="case", issue_id=escalated.id)
    assert [p.kind for p in service.build_agenda(SYSTEM, bodies["SX"].id)] == ["open", "open"]


def test_a_decision_on_a_case_not_being_worked_on_is_noted(gridgov_platform, axis, gridgov_issue):
    service, bodies = axis
    case = gridgov_issue(area="SX01-B1", title="路灯不亮")  # reported, not registered yet
    topic = service.raise_topic(SYSTEM, bodies["SX01"].id, title="路灯", origin="case", issue_id=case.id)
    m = held(service, SYSTEM, bodies["SX01"], 30, topics=[topic])
    decision = service.decide(SYSTEM, m.id, topic_id=topic.id, text="物业维修", owner_org="SXWY", due=dt.date(2026, 11, 5))
    after = gridgov_platform.issues.get(SYSTEM, case.id)
    assert after.status == "reported"
    assert gridgov_platform.issues.events(SYSTEM, case.id)[-1].action == "meeting_decision"
    done = service.complete(SYSTEM, decision.id, done_on=dt.date(2026, 11, 1))
    assert done.status == "done"
    with pytest.raises(TransitionRefused, match="settle refused: the topic is settled"):
        service.decide(SYSTEM, m.id, topic_id=topic.id, text="再议", owner_org="SXWY", due=dt.date(2026, 11, 5))
