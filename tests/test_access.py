"""Personal data is masked unless unmasked for a logged reason; every actor sees only its scope."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Member,
    RoleAssignment,
    ValidationError,
    make_id_number,
)
from gridgov.core.storage.errors import IntegrityProblem
from gridgov.core.testing import local_time

pytestmark = pytest.mark.gridgov_engines

ID_NUMBER = make_id_number("440307", dt.date(1985, 6, 15), 42)


@pytest.fixture
def gridgov_platform(gridgov_make_platform):
    return gridgov_make_platform(builtins=())


@pytest.fixture
def resident(gridgov_platform):
    member = Member(login="resident01", name="居民陈静", home_area="SX01-B1", phone="13812341234", id_number=ID_NUMBER)
    gridgov_platform.members.add(Actor.system(), member)
    return member


def _report(platform, actor, area, **kw):
    kw.setdefault("category", "road.repair")
    kw.setdefault("title", "路面破损")
    return platform.issues.report(actor, area=area, **kw)


# -- masking -----------------------------------------------------------------------------------


def test_member_personal_data_is_masked_by_default(gridgov_platform, gridgov_actors, resident):
    for viewer in ("admin", "leader_sx01", "worker_sx01", "dispatcher_sx"):
        seen = gridgov_platform.members.get(gridgov_actors[viewer], "resident01")
        assert seen.phone == "138****1234"
        assert seen.id_number == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    listed = {m.login: m for m in gridgov_platform.members.list(gridgov_actors["worker_sx01"])}
    assert listed["resident01"].phone == "138****1234"
    assert "*" in listed["resident01"].id_number


def test_mask_format():
    from gridgov.core import mask_id_number, mask_phone

    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("440307199001011234") == "440307********1234"
    assert "12345678"[-4:] in mask_phone("0755-12345678") and "1234" not in mask_phone("0755-12345678")[:-4]


def test_requester_phone_is_masked_in_every_issue_view(gridgov_platform, gridgov_actors):
    worker = gridgov_actors["worker_sx01"]
    issue = _report(gridgov_platform, worker, "SX01", requester_phone="13912345678")
    assert issue.requester_phone == "139****5678"
    assert gridgov_platform.issues.get(gridgov_actors["admin"], issue.id).requester_phone == "139****5678"
    assert gridgov_platform.issues.list(worker)[0].requester_phone == "139****5678"
    acted = gridgov_platform.issues.act(gridgov_actors["leader_sx01"], issue.id, "register")
    assert acted.requester_phone == "139****5678"
    # The stored row keeps the real number (it is masked on the way out, not lost).
    assert gridgov_platform._store.issue_row(issue.id)["requester_phone"] == "13912345678"


def test_unmask_member_needs_permission_and_reason_and_is_logged(gridgov_platform, gridgov_actors, gridgov_clock, resident):
    platform = gridgov_platform
    with pytest.raises(AccessDenied, match="personal.unmask"):
        platform.members.get(gridgov_actors["leader_sx01"], "resident01", unmask_reason="回访")
    with pytest.raises(ValidationError) as e:
        platform.members.get(gridgov_actors["admin"], "resident01", unmask_reason="   ")
    assert e.value.field == "reason"
    assert platform._store.count("access_log") == 0

    gridgov_clock.advance(minutes=5)
    full = platform.members.get(gridgov_actors["admin"], "resident01", unmask_reason="核实低保申请")
    assert full.phone == "13812341234" and full.id_number == ID_NUMBER
    log = platform.access_log(gridgov_actors["admin"])
    assert len(log) == 1
    entry = log[0]
    assert entry["actor"] == "admin"
    assert entry["what"] == "member:resident01"
    assert entry["reason"] == "核实低保申请"
    assert dt.datetime.fromisoformat(entry["at"]) == local_time(2026, 11, 2, 9, 35)


def test_unmask_issue_requester_is_logged(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    issue = _report(platform, gridgov_actors["worker_sx01"], "SX01", requester_phone="13912345678")
    with pytest.raises(AccessDenied):
        platform.issues.get(gridgov_actors["worker_sx01"], issue.id, unmask_reason="回访")
    full = platform.issues.get(gridgov_actors["admin"], issue.id, unmask_reason="电话回访")
    assert full.requester_phone == "13912345678"
    (entry,) = platform.access_log(gridgov_actors["admin"])
    assert (entry["actor"], entry["what"], entry["reason"]) == ("admin", f"issue:{issue.id}:requester_phone", "电话回访")


def test_access_log_needs_unmask_permission_to_read(gridgov_platform, gridgov_actors):
    with pytest.raises(AccessDenied):
        gridgov_platform.access_log(gridgov_actors["dispatcher_sx"])


def test_access_log_refuses_update_and_delete(gridgov_platform, gridgov_actors, resident):
    platform = gridgov_platform
    platform.members.get(gridgov_actors["admin"], "resident01", unmask_reason="核实")
    (entry,) = platform.access_log(gridgov_actors["admin"])
    with pytest.raises(ValidationError, match="append-only"):
        platform._store.update("access_log", entry["id"], {"reason": "改掉"})
    with pytest.raises(ValidationError, match="append-only"):
        platform._store.delete("access_log", entry["id"])
    sql = platform._store.sql
    with pytest.raises(IntegrityProblem, match="append-only"):
        sql.execute("UPDATE access_log SET actor = 'nobody'")
    with pytest.raises(IntegrityProblem, match="append-only"):
        sql.execute("DELETE FROM access_log")
    assert platform.access_log(gridgov_actors["admin"]) == [entry]


# -- scope -------------------------------------------------------------------------------------


def test_grid_worker_cannot_read_another_grids_members(gridgov_platform, gridgov_actors):
    worker = gridgov_actors["worker_sx01"]
    with pytest.raises(AccessDenied):
        gridgov_platform.members.get(worker, "worker_sx02")
    with pytest.raises(AccessDenied):
        gridgov_platform.members.get(worker, "worker_bnk01")
    visible = {m.login for m in gridgov_platform.members.list(worker)}
    assert "worker_sx01" in visible and "head_sx01b1" in visible
    assert not visible & {"worker_sx02", "worker_bnk01", "dispatcher_ph"}
    with pytest.raises(AccessDenied):
        gridgov_platform.members.list(worker, area="SX02")


def test_grid_worker_cannot_read_another_grids_issues(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    mine = _report(platform, gridgov_actors["worker_sx01"], "SX01-B1")
    theirs = _report(platform, gridgov_actors["worker_sx02"], "SX02")
    other_community = _report(platform, gridgov_actors["worker_bnk01"], "BNK01")
    worker = gridgov_actors["worker_sx01"]
    assert platform.issues.get(worker, mine.id).id == mine.id
    for issue in (theirs, other_community):
        with pytest.raises(AccessDenied):
            platform.issues.get(worker, issue.id)
        with pytest.raises(AccessDenied):
            platform.issues.events(worker, issue.id)
        with pytest.raises(AccessDenied):
            platform.issues.act(worker, issue.id, "verify")
    assert [i.id for i in platform.issues.list(worker)] == [mine.id]
    assert platform.issues.count(worker) == 1
    with pytest.raises(AccessDenied):
        platform.issues.list(worker, area="SX02")


def test_grid_worker_cannot_report_outside_the_grid(gridgov_platform, gridgov_actors):
    with pytest.raises(AccessDenied):
        _report(gridgov_platform, gridgov_actors["worker_sx01"], "BNK01")
    assert gridgov_platform._store.count("issue") == 0


def test_community_dispatcher_sees_the_whole_community(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    a = _report(platform, gridgov_actors["worker_sx01"], "SX01-B2")
    b = _report(platform, gridgov_actors["worker_sx02"], "SX02")
    c = _report(platform, gridgov_actors["worker_bnk01"], "BNK01")
    dispatcher = gridgov_actors["dispatcher_sx"]
    assert {i.id for i in platform.issues.list(dispatcher)} == {a.id, b.id}
    assert {i.id for i in platform.issues.list(dispatcher, area="SX02")} == {b.id}
    with pytest.raises(AccessDenied):
        platform.issues.get(dispatcher, c.id)
    assert {m.login for m in platform.members.list(dispatcher)} >= {"worker_sx01", "worker_sx02", "leader_sx01"}
    assert "worker_bnk01" not in {m.login for m in platform.members.list(dispatcher)}
    subdistrict = gridgov_actors["dispatcher_ph"]
    assert {i.id for i in platform.issues.list(subdistrict)} == {a.id, b.id, c.id}
    # A district view with a narrower grant returns only what the grant covers.
    assert {i.id for i in platform.issues.list(dispatcher, area="LG")} == {a.id, b.id}


def test_handler_sees_cases_assigned_to_its_organisation(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    leader = gridgov_actors["leader_sx01"]
    to_zjj = _report(platform, gridgov_actors["worker_sx01"], "SX01", category="elevator.retrofit", title="加装电梯")
    to_wy = _report(platform, gridgov_actors["worker_sx01"], "SX01", category="facility.repair", title="路灯不亮")
    for issue, org in ((to_zjj, "ZJJ"), (to_wy, "SXWY")):
        platform.issues.act(leader, issue.id, "register")
        platform.issues.act(leader, issue.id, "dispatch", org=org)
    zjj = gridgov_actors["handler_zjj"]
    assert [i.id for i in platform.issues.list(zjj)] == [to_zjj.id]
    assert platform.issues.get(zjj, to_zjj.id).assignee_org == "ZJJ"
    with pytest.raises(AccessDenied):
        platform.issues.get(zjj, to_wy.id)
    # Once it returns the case, the organisation no longer sees it.
    platform.issues.act(zjj, to_zjj.id, "return", note="不属于本局职责")
    assert platform.issues.list(zjj) == []
    with pytest.raises(AccessDenied):
        platform.issues.get(zjj, to_zjj.id)


def test_member_assigned_case_is_visible_to_that_member(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    issue = _report(platform, gridgov_actors["worker_sx01"], "SX01")
    platform.issues.act(gridgov_actors["leader_sx01"], issue.id, "register")
    platform.issues.act(gridgov_actors["leader_sx01"], issue.id, "dispatch", member="handler_sxwy")
    sxwy = platform.actor("handler_sxwy")
    assert [i.id for i in platform.issues.list(sxwy)] == [issue.id]
    assert platform.issues.act(sxwy, issue.id, "accept").status == "in_progress"


def test_roles_outside_their_dates_grant_nothing(gridgov_platform, gridgov_clock):
    platform = gridgov_platform
    platform.members.add(Actor.system(), Member(login="temp_worker", name="临时网格员"))
    platform.members.assign(
        Actor.system(),
        RoleAssignment(login="temp_worker", post="grid_worker", area_code="SX02",
                       starts=dt.date(2026, 1, 1), ends=dt.date(2026, 11, 30)),
    )
    assert platform.actor("temp_worker").covers("issue.read", "/LG/PH/SX/SX02/")
    gridgov_clock.advance(days=30)
    late = platform.actor("temp_worker")
    assert not late.covers("issue.read", "/LG/PH/SX/SX02/")
    assert platform.issues.list(late) == []


def test_an_actor_with_two_grids_sees_both_and_nothing_between(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    system = Actor.system()
    platform.members.add(system, Member(login="worker_two", name="兼任网格员"))
    for grid in ("SX01", "BNK01"):
        platform.members.assign(system, RoleAssignment(login="worker_two", post="grid_worker", area_code=grid))
    a = _report(platform, gridgov_actors["worker_sx01"], "SX01")
    b = _report(platform, gridgov_actors["worker_bnk01"], "BNK01-B1")
    c = _report(platform, gridgov_actors["worker_sx02"], "SX02")
    both = platform.actor("worker_two")
    assert {i.id for i in platform.issues.list(both)} == {a.id, b.id}
    assert platform.issues.count(both) == 2
    assert [i.id for i in platform.issues.list(both, area="BNK01")] == [b.id]
    assert {i.id for i in platform.issues.list(both, area="PH")} == {a.id, b.id}
    with pytest.raises(AccessDenied):
        platform.issues.get(both, c.id)
    assert {m.login for m in platform.members.list(both)} >= {"worker_sx01", "worker_bnk01"}
    assert "worker_sx02" not in {m.login for m in platform.members.list(both)}


# -- organisation posts, admins and masked values -----------------------------------------------


def test_district_admin_lists_members_who_hold_only_organisation_posts(gridgov_platform, gridgov_actors):
    logins = {m.login for m in gridgov_platform.members.list(gridgov_actors["admin"], limit=None)}
    assert {"handler_zjj", "handler_cgj", "handler_sxwy"} <= logins
    handlers = {m.login for m in gridgov_platform.members.list(gridgov_actors["admin"], role="handler")}
    assert handlers == {"handler_zjj", "handler_cgj", "handler_sxwy"}
    assert "handler_zjj" not in {m.login for m in gridgov_platform.members.list(gridgov_actors["worker_sx01"])}


def test_district_admin_may_act_for_the_assignee_inside_the_district(gridgov_platform, gridgov_actors):
    issue = _report(gridgov_platform, gridgov_actors["worker_sx01"], "SX01")
    desk = gridgov_actors["dispatcher_sx"]
    gridgov_platform.issues.act(desk, issue.id, "register")
    gridgov_platform.issues.act(desk, issue.id, "dispatch", org="CGJ")
    accepted = gridgov_platform.issues.act(gridgov_actors["admin"], issue.id, "accept")
    assert accepted.status == "in_progress"


def test_masked_personal_data_cannot_overwrite_the_real_number(gridgov_platform, resident):
    with pytest.raises(ValidationError, match="phone: is a masked value"):
        gridgov_platform.members.update(Actor.system(), "resident01", phone="138****1234")
    with pytest.raises(ValidationError, match="id_number: is a masked value"):
        gridgov_platform.members.add(Actor.system(), Member(login="copy01", name="复制", id_number="440307********1234"))
    assert gridgov_platform.members.get(Actor.system(), "resident01", unmask_reason="check").phone == "13812341234"


def test_belonging_to_an_agency_does_not_open_its_cases_district_wide(gridgov_platform, gridgov_actors):
    system = Actor.system()
    gridgov_platform.members.add(system, Member(login="worker_in_zjj", name="住建局网格员", org_code="ZJJ"))
    gridgov_platform.members.assign(system, RoleAssignment(login="worker_in_zjj", post="grid_worker", area_code="SX02"))
    far = _report(gridgov_platform, gridgov_actors["worker_bnk01"], "BNK01")
    gridgov_platform.issues.act(system, far.id, "register")
    gridgov_platform.issues.act(system, far.id, "dispatch", org="ZJJ")
    worker = gridgov_platform.actor("worker_in_zjj")
    assert far.id not in [i.id for i in gridgov_platform.issues.list(worker, status=["dispatched"])]
    with pytest.raises(AccessDenied):
        gridgov_platform.issues.get(worker, far.id)
    assert gridgov_platform.issues.get(gridgov_actors["handler_zjj"], far.id).assignee_org == "ZJJ"
