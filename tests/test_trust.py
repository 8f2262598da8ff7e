"""What a security review asked of the core beyond the access matrix: dispatch targets
that serve the case, reads that take an actor, versions on members and organisations,
and a grant can never be wider than the granter's."""

from __future__ import annotations

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Organisation,
    Pairing,
    RoleAssignment,
    Route,
    StaleUpdate,
    TransitionRefused,
    hookimpl,
)

pytestmark = pytest.mark.gridgov_engines


@pytest.fixture
def platform(gridgov_make_platform):
    return gridgov_make_platform(builtins=())


def registered(platform, area="SX01"):
    issue = platform.issues.report(platform.actor("worker_sx01"), area=area, category="property.dispute", title="漏水纠纷")
    return platform.issues.act(platform.actor("leader_sx01"), issue.id, "register")


def test_a_dispatch_target_must_serve_the_handling_area(platform):
    leader = platform.actor("leader_sx01")
    system = Actor.system()
    platform.organisations.add(system, Organisation(code="BNKWY", name="白泥坑物业", kind="property_company", area_code="BNK"))
    issue = registered(platform)
    with pytest.raises(TransitionRefused, match="BNKWY does not serve SX01"):
        platform.issues.act(leader, issue.id, "dispatch", org="BNKWY")
    # Seated above (a district agency), seated in the community, or paired with the grid: fine.
    assert platform.issues.act(leader, issue.id, "dispatch", org="ZJJ").assignee_org == "ZJJ"
    second = registered(platform)
    assert platform.issues.act(leader, second.id, "dispatch", org="SXWY").assignee_org == "SXWY"
    platform.pairings.add(system, Pairing(kind="agency_community", org_code="BNKWY", area_code="SX"))
    third = registered(platform)
    assert platform.issues.act(leader, third.id, "dispatch", org="BNKWY").assignee_org == "BNKWY"


def test_a_member_target_must_hold_a_post_that_serves_the_case_and_be_active(platform):
    leader, system = platform.actor("leader_sx01"), Actor.system()
    platform.members.assign(system, RoleAssignment(login="worker_bnk01", post="handler", area_code="BNK01"))
    issue = registered(platform)
    with pytest.raises(TransitionRefused, match="worker_bnk01 holds no post that serves SX01"):
        platform.issues.act(leader, issue.id, "dispatch", member="worker_bnk01")
    platform.members.update(system, "handler_sxwy", active=False)
    with pytest.raises(TransitionRefused, match="handler_sxwy is deactivated"):
        platform.issues.act(leader, issue.id, "dispatch", member="handler_sxwy")


def test_a_routers_choice_is_checked_like_a_dispatchers(gridgov_make_platform):
    class Stray:
        __name__ = "stray_router"

        @hookimpl(tryfirst=True)
        def route_issue(self, platform, issue):
            return Route(org_code="FAR", reason="always FAR")

    platform = gridgov_make_platform(builtins=(), plugins=[Stray()])
    platform.organisations.add(Actor.system(), Organisation(code="FAR", name="远处的单位", kind="agency", area_code="BNK"))
    issue = registered(platform)
    with pytest.raises(TransitionRefused, match="FAR .the router's choice. does not serve SX01"):
        platform.issues.act(platform.actor("leader_sx01"), issue.id, "dispatch")


def test_reads_of_whole_logs_take_an_actor_and_unmasking_them_is_logged(platform):
    issue = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="road.repair", title="坑",
                                   requester_phone="13812345678")
    admin, worker_bnk = platform.actor("admin"), platform.actor("worker_bnk01")
    assert platform.issues.replay(admin, issue.id).requester_phone == "138****5678"
    with pytest.raises(AccessDenied):
        platform.issues.replay(worker_bnk, issue.id)
    full = platform.issues.replay(admin, issue.id, unmask_reason="核对回放")
    assert full.requester_phone == "13812345678"
    assert [e["what"] for e in platform.access_log(admin)] == [f"issue:{issue.id}:replay"]
    assert [i.id for i in platform.issues.iter_all(worker_bnk)] == []
    assert [i.requester_phone for i in platform.issues.iter_all(admin)] == ["138****5678"]
    events = platform.issues.events(admin, issue.id)
    assert events[0].changes["requester_phone"] == "138****5678"


def test_household_pairings_are_read_only_in_scope(platform):
    system = Actor.system()
    platform.pairings.add(system, Pairing(kind="member_household", member_login="worker_sx01", household="SX01-B1-0301",
                                          area_code="SX01"))
    assert len(platform.pairings.list(platform.actor("dispatcher_sx"), kind="member_household")) == 1
    assert platform.pairings.list(platform.actor("worker_bnk01"), kind="member_household") == []


def test_member_and_organisation_updates_take_the_version_the_caller_saw(platform):
    system = Actor.system()
    seen = platform.members.get(system, "worker_sx01").version
    platform.members.update(system, "worker_sx01", name="王小明（改）", expected_version=seen)
    with pytest.raises(StaleUpdate, match="member worker_sx01 was changed by someone else"):
        platform.members.update(system, "worker_sx01", name="又改", expected_version=seen)
    org = platform.organisations.get("SXWY")
    platform.organisations.update(system, "SXWY", name="山厦物业（改）", expected_version=org.version)
    with pytest.raises(StaleUpdate, match="organisation SXWY"):
        platform.organisations.update(system, "SXWY", name="又改", expected_version=org.version)


def test_nobody_grants_more_than_they_hold(platform):
    system = Actor.system()
    platform.members.assign(system, RoleAssignment(login="dispatcher_ph", post="admin", area_code="PH"))
    sub_admin = platform.actor("dispatcher_ph")
    platform.members.assign(sub_admin, RoleAssignment(login="worker_bnk01", post="grid_leader", area_code="BNK01"))
    with pytest.raises(AccessDenied, match="lacks member.manage over the post admin at LG"):
        platform.members.assign(sub_admin, RoleAssignment(login="dispatcher_ph", post="admin", area_code="LG"))
    # A community dispatcher holds no member.manage: it cannot hand out even a grid worker's post.
    with pytest.raises(AccessDenied):
        platform.members.assign(platform.actor("dispatcher_sx"),
                                RoleAssignment(login="worker_sx02", post="grid_worker", area_code="SX01"))
