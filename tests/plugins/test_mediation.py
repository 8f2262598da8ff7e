"""The mediation plugin: intake, routing and escalation, every outcome path, the
conflict-of-interest veto, sessions, the calendar and follow-up visits."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import AccessDenied, Actor, NotFound, Pairing, TransitionRefused, ValidationError
from gridgov.plugins.mediation.demo import install_bodies
from gridgov.plugins.mediation.records import Party
from gridgov.plugins.mediation.service import MediationService

pytestmark = pytest.mark.gridgov_engines

SYSTEM = Actor.system()


@pytest.fixture
def bodies(gridgov_platform):
    return install_bodies(gridgov_platform)


@pytest.fixture
def service(gridgov_platform, bodies):
    return MediationService(gridgov_platform)


def open_dispute(service, actors, area="SX01-B1", **parties):
    return service.open_dispute(
        actors["worker_sx01"], area=area, kind="neighbour", title="楼上漏水邻里纠纷", summary="漏水致楼下天花板发霉",
        parties=[Party(name="王芳", phone="13812345678", household="SX01-B1-0301", **parties),
                 Party(name="李强", role="respondent", household="SX01-B1-0401")],
    )  # fmt: skip


def dispatched(platform, service, actors, **kw):
    dispute = open_dispute(service, actors, **kw)
    platform.issues.act(actors["leader_sx01"], dispute.issue_id, "register")
    platform.issues.act(actors["leader_sx01"], dispute.issue_id, "dispatch")
    return service.get(SYSTEM, dispute.id)


def test_plugin_registers_category_role_actions_and_tables(gridgov_platform):
    category = gridgov_platform.categories["mediation.dispute"]
    assert (category.plugin, category.handler_kind) == ("mediation", "mediation_committee")
    assert "mediation.record" in gridgov_platform.roles["mediator"].permissions
    refer = gridgov_platform.transitions["refer"]
    assert (refer.target, refer.permission, refer.scope, set(refer.requires)) == ("closed", "mediation.refer", "assignee", {"note"})
    assert gridgov_platform.table("mediation_dispute").count() == 0
    assert not gridgov_platform.plugin_failures


def test_install_bodies_creates_bodies_and_mediators_per_level(gridgov_platform, bodies):
    orgs = {o.code: o for o in gridgov_platform.organisations.list()}
    assert orgs["MED-SX"].kind == "mediation_committee" and orgs["MED-SX"].area_code == "SX"
    assert orgs["MEDR-SX01"].profile["mediation_body"] == "mediation_room"
    assert set(orgs["MED-PH"].profile["partners"]) == {"PHPS", "SFS-PH", "LAW-PH"}  # the sample's police station is reused
    assert orgs["SFS-PH"].kind == "judicial_office" and orgs["LAW-PH"].kind == "law_firm"
    assert bodies["MED-SX"] == ["tj.sx.1", "tj.sx.2"] and bodies["MEDR-SX01"] == ["tj.sx.1", "tj.sx.2"]
    assert MediationService(gridgov_platform).mediators("SX01") == ["tj.ph.1", "tj.ph.2", "tj.sx.1", "tj.sx.2"]
    install_bodies(gridgov_platform)  # idempotent: a second run adds nothing
    assert len(gridgov_platform.organisations.list()) == len(orgs)


def test_reporting_the_category_opens_a_dispute_with_the_requester_as_applicant(gridgov_platform, gridgov_actors, service):
    issue = gridgov_platform.issues.report(gridgov_actors["worker_sx01"], area="SX01", category="mediation.dispute",
                                           title="宠物伤人纠纷", requester_name="赵敏", requester_phone="13912345678")  # fmt: skip
    dispute = service.for_issue(SYSTEM, issue.id)
    assert (dispute.kind, dispute.status, dispute.level, dispute.area_path) == ("other", "open", "grid", "/LG/PH/SX/SX01/")
    [party] = dispute.parties
    assert (party.name, party.role, party.phone) == ("赵敏", "applicant", "139****5678")


def test_a_report_with_an_unknown_dispute_kind_is_refused(gridgov_platform, gridgov_actors, service):
    with pytest.raises(TransitionRefused, match="mediation.kind must be one of neighbour"):
        gridgov_platform.issues.report(gridgov_actors["worker_sx01"], area="SX01", category="mediation.dispute",
                                       title="纠纷", payload={"mediation": {"kind": "feud"}})  # fmt: skip
    assert gridgov_platform.issues.count(SYSTEM) == 0


def test_parties_personal_data_is_masked_and_unmasking_is_logged(gridgov_platform, gridgov_actors, service):
    dispute = open_dispute(service, gridgov_actors, id_number="440307199001011232")
    shown = service.get(gridgov_actors["dispatcher_sx"], dispute.id).parties[0]
    assert (shown.phone, shown.id_number) == ("138****5678", "440307********1232")
    with pytest.raises(AccessDenied):
        service.get(gridgov_actors["dispatcher_sx"], dispute.id, unmask_reason="call the applicant")
    full = service.get(gridgov_actors["admin"], dispute.id, unmask_reason="call the applicant").parties[0]
    assert (full.phone, full.id_number) == ("13812345678", "440307199001011232")
    [entry] = gridgov_platform.access_log(SYSTEM)
    assert (entry["actor"], entry["what"], entry["reason"]) == ("admin", f"mediation_dispute:{dispute.id}:parties", "call the applicant")


def test_a_failing_party_leaves_nothing_half_written(gridgov_platform, gridgov_actors, service):
    with pytest.raises(NotFound, match="nobody"):
        open_dispute(service, gridgov_actors, member_login="nobody")
    assert gridgov_platform.issues.count(SYSTEM) == 0
    assert gridgov_platform.table("mediation_dispute").count() == 0
    with pytest.raises(ValidationError, match="phone"):
        Party(name="王芳", phone="12345")


def test_dispute_goes_to_the_grid_room_first_and_each_escalation_moves_it_up(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    assert (dispute.body_org, dispute.level) == ("MEDR-SX01", "grid")
    issue_id = dispute.issue_id
    gridgov_platform.issues.act(gridgov_actors["leader_sx01"], issue_id, "escalate", note="网格调解未果")
    assert service.get(SYSTEM, dispute.id).level == "community"
    gridgov_platform.issues.act(gridgov_actors["dispatcher_sx"], issue_id, "dispatch")
    assert service.get(SYSTEM, dispute.id).body_org == "MED-SX"
    gridgov_platform.issues.act(gridgov_actors["dispatcher_sx"], issue_id, "escalate", note="社区调解未果")
    gridgov_platform.issues.act(gridgov_actors["dispatcher_ph"], issue_id, "dispatch")
    assert (service.get(SYSTEM, dispute.id).body_org, service.get(SYSTEM, dispute.id).level) == ("MED-PH", "subdistrict")


def test_agreement_resolves_the_case_and_keeps_the_grid_level(gridgov_platform, gridgov_actors, service, gridgov_clock):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    mediator = gridgov_platform.actor("tj.sx.1")
    service.record_session(mediator, dispute.id, at=gridgov_clock.now, place="第01网格调解室",
                           mediators=["tj.sx.1", "tj.sx.2"], attendees=["王芳", "李强"], notes="释法明理")  # fmt: skip
    signed = gridgov_clock.now.date()
    gridgov_clock.advance(days=3)
    outcome = service.record_agreement(mediator, dispute.id, terms="李强赔偿维修费800元", signed_on=signed,
                                       perform_by=signed + dt.timedelta(days=15))  # fmt: skip
    assert (outcome.kind, outcome.level, outcome.recorded_by) == ("agreement", "grid", "tj.sx.1")
    issue = gridgov_platform.issues.get(SYSTEM, dispute.issue_id)
    assert issue.status == "resolved" and issue.accepted_at is not None  # accepted on the way
    assert "李强赔偿维修费800元" in gridgov_platform.issues.events(SYSTEM, dispute.issue_id)[-1].note
    assert service.get(SYSTEM, dispute.id).status == "agreed"
    assert gridgov_platform.table("mediation_outcome").get(dispute.id)["days"] == 3.0
    gridgov_platform.issues.act(gridgov_actors["worker_sx01"], dispute.issue_id, "verify")
    closed = gridgov_platform.issues.act(gridgov_actors["leader_sx01"], dispute.issue_id, "close", rating="satisfied")
    assert closed.status == "closed"
    with pytest.raises(ValidationError, match="no longer open"):
        service.record_agreement(mediator, dispute.id, terms="again", signed_on=signed, perform_by=signed)


def test_escalated_dispute_settled_in_the_community_counts_at_community_level(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    gridgov_platform.issues.act(gridgov_actors["leader_sx01"], dispute.issue_id, "escalate", note="双方分歧大")
    gridgov_platform.issues.act(gridgov_actors["dispatcher_sx"], dispute.issue_id, "dispatch")
    today = gridgov_platform.today()
    outcome = service.record_agreement(gridgov_platform.actor("tj.sx.2"), dispute.id, terms="互谅互让",
                                       signed_on=today, perform_by=today)  # fmt: skip
    assert outcome.level == "community"
    from gridgov.plugins.mediation import metrics

    stats = metrics.compute(gridgov_platform, SYSTEM, "SX")
    assert (stats.settled_grid, stats.settled_community, stats.settled_higher) == (0, 1, 0)


def test_referral_closes_the_case_as_referred(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    mediator = gridgov_platform.actor("tj.sx.1")
    with pytest.raises(ValidationError, match="receiving_body"):
        service.record_referral(mediator, dispute.id, to="court", receiving_body=" ", note="调解不成")
    assert gridgov_platform.issues.get(SYSTEM, dispute.issue_id).status == "dispatched"
    outcome = service.record_referral(mediator, dispute.id, to="court", receiving_body="龙岗区人民法院", note="双方分歧较大")
    issue = gridgov_platform.issues.get(SYSTEM, dispute.issue_id)
    assert (issue.status, issue.closed_at is not None) == ("closed", True)
    assert gridgov_platform.issues.events(SYSTEM, dispute.issue_id)[-1].action == "refer"
    assert (outcome.referred_to, outcome.receiving_body, outcome.level) == ("court", "龙岗区人民法院", "grid")
    assert service.get(SYSTEM, dispute.id).status == "referred"
    with pytest.raises(ValidationError, match="no agreement"):
        service.schedule_follow_up(mediator, dispute.id, due_on=gridgov_platform.today())


def test_withdrawal_closes_the_case(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    outcome = service.record_withdrawal(gridgov_platform.actor("tj.sx.1"), dispute.id, note="双方自行和解")
    assert outcome.kind == "withdrawn"
    assert gridgov_platform.issues.get(SYSTEM, dispute.issue_id).status == "closed"
    assert service.get(SYSTEM, dispute.id).status == "withdrawn"


def test_a_rejected_report_is_a_dispute_not_accepted(gridgov_platform, gridgov_actors, service):
    dispute = open_dispute(service, gridgov_actors)
    gridgov_platform.issues.act(gridgov_actors["leader_sx01"], dispute.issue_id, "reject", note="不属于人民调解受理范围")
    found = service.get(SYSTEM, dispute.id)
    assert (found.status, found.closed_at) == ("not_accepted", gridgov_platform.now())
    with pytest.raises(ValidationError, match="not_accepted, no longer open"):
        service.record_withdrawal(SYSTEM, dispute.id, note="x")


def test_settling_through_the_generic_workflow_is_refused(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    mediator = gridgov_platform.actor("tj.sx.1")
    gridgov_platform.issues.act(mediator, dispute.issue_id, "accept")
    for action in ("resolve", "refer", "withdraw"):
        with pytest.raises(TransitionRefused, match="vetoed by mediation"):
            gridgov_platform.issues.act(mediator, dispute.issue_id, action, note="done")
    assert gridgov_platform.issues.get(SYSTEM, dispute.issue_id).status == "in_progress"


def test_outsiders_cannot_record_outcomes(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    with pytest.raises(AccessDenied, match="mediation.record"):
        service.record_withdrawal(gridgov_actors["worker_sx01"], dispute.id, note="x")
    with pytest.raises(AccessDenied):
        service.get(gridgov_actors["worker_bnk01"], dispute.id)
    # the subdistrict station's mediator may see it (area scope) but the case is not theirs
    with pytest.raises(TransitionRefused, match="assigned to"):
        service.record_withdrawal(gridgov_platform.actor("tj.ph.1"), dispute.id, note="x")


def test_rework_after_an_agreement_reopens_mediation(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    mediator, today = gridgov_platform.actor("tj.sx.1"), gridgov_platform.today()
    service.record_agreement(mediator, dispute.id, terms="赔偿500元", signed_on=today, perform_by=today)
    gridgov_platform.issues.act(gridgov_actors["worker_sx01"], dispute.issue_id, "rework", note="申请人称未达成一致")
    assert service.get(SYSTEM, dispute.id).status == "open"
    assert service.outcome(SYSTEM, dispute.id) is None
    service.record_agreement(mediator, dispute.id, terms="赔偿800元", signed_on=today, perform_by=today)
    assert service.outcome(SYSTEM, dispute.id).terms == "赔偿800元"


# -- conflict of interest -----------------------------------------------------------------


def _dispatch_to(platform, actors, issue_id, member):
    return platform.issues.act(actors["leader_sx01"], issue_id, "dispatch", member=member)


def registered(platform, service, actors, **kw):
    dispute = open_dispute(service, actors, **kw)
    platform.issues.act(actors["leader_sx01"], dispute.issue_id, "register")
    return dispute


def test_a_mediator_who_is_a_party_by_login_cannot_be_assigned(gridgov_platform, gridgov_actors, service):
    dispute = registered(gridgov_platform, service, gridgov_actors, member_login="tj.sx.1")
    with pytest.raises(TransitionRefused, match="tj.sx.1 is a party"):
        _dispatch_to(gridgov_platform, gridgov_actors, dispute.issue_id, "tj.sx.1")
    assert _dispatch_to(gridgov_platform, gridgov_actors, dispute.issue_id, "tj.sx.2").assignee_member == "tj.sx.2"


def test_a_mediator_who_is_a_party_by_phone_cannot_be_assigned(gridgov_platform, gridgov_actors, service, gridgov_clock):
    gridgov_platform.members.update(SYSTEM, "tj.sx.1", phone="13812345678")  # the applicant's number
    dispute = registered(gridgov_platform, service, gridgov_actors)
    with pytest.raises(TransitionRefused, match="same phone or ID number"):
        _dispatch_to(gridgov_platform, gridgov_actors, dispute.issue_id, "tj.sx.1")
    assert gridgov_platform.access_log(SYSTEM) == []  # the refused dispatch is undone, its read too
    _dispatch_to(gridgov_platform, gridgov_actors, dispute.issue_id, "tj.sx.2")
    with pytest.raises(ValidationError, match="same phone or ID number"):
        service.record_session(gridgov_platform.actor("tj.sx.2"), dispute.id, at=gridgov_clock.now, place="调解室",
                               mediators=["tj.sx.1"])  # fmt: skip
    # Masked views are compared first: only the near match (tj.sx.1) had its full number
    # read, and the parties' full numbers were read for it; both reads are logged.
    assert [(e["what"], e["reason"]) for e in gridgov_platform.access_log(SYSTEM)] == [
        (f"mediation_dispute:{dispute.id}:parties", "mediation conflict-of-interest check"),
        ("member:tj.sx.1", "mediation conflict-of-interest check"),
    ]


def test_a_mediator_paired_with_a_partys_household_cannot_be_assigned(gridgov_platform, gridgov_actors, service):
    gridgov_platform.pairings.add(SYSTEM, Pairing(kind="member_household", member_login="tj.sx.2", household="SX01-B1-0401"))
    dispute = registered(gridgov_platform, service, gridgov_actors)
    with pytest.raises(TransitionRefused, match="household SX01-B1-0401 of party 李强"):
        _dispatch_to(gridgov_platform, gridgov_actors, dispute.issue_id, "tj.sx.2")
    assert gridgov_platform.issues.get(SYSTEM, dispute.issue_id).status == "registered"


def test_a_mediator_sharing_a_household_with_a_party_member_cannot_be_assigned(gridgov_platform, gridgov_actors, service):
    for login in ("tj.sx.2", "worker_sx02"):
        gridgov_platform.pairings.add(SYSTEM, Pairing(kind="member_household", member_login=login, household="SX02-B1-0101"))
    dispute = registered(gridgov_platform, service, gridgov_actors, member_login="worker_sx02")
    with pytest.raises(TransitionRefused, match="household SX02-B1-0101"):
        _dispatch_to(gridgov_platform, gridgov_actors, dispute.issue_id, "tj.sx.2")


def test_a_conflicted_or_unqualified_mediator_cannot_sit_in_a_session(gridgov_platform, gridgov_actors, service, gridgov_clock):
    dispute = dispatched(gridgov_platform, service, gridgov_actors, member_login="tj.sx.2")
    mediator = gridgov_platform.actor("tj.sx.1")
    with pytest.raises(ValidationError, match="conflict of interest: tj.sx.2 is a party"):
        service.record_session(mediator, dispute.id, at=gridgov_clock.now, place="调解室", mediators=["tj.sx.1", "tj.sx.2"])
    with pytest.raises(ValidationError, match="does not hold the mediator post"):
        service.record_session(mediator, dispute.id, at=gridgov_clock.now, place="调解室", mediators=["worker_sx01"])
    with pytest.raises(ValidationError, match="before the dispute was received"):
        service.record_session(mediator, dispute.id, at=gridgov_clock.now - dt.timedelta(days=1), place="调解室",
                               mediators=["tj.sx.1"])  # fmt: skip
    assert gridgov_platform.table("mediation_session").count() == 0


# -- calendar and follow-ups --------------------------------------------------------------


def test_a_mediators_calendar_lists_their_sessions_in_time_order(gridgov_platform, gridgov_actors, service, gridgov_clock):
    first = dispatched(gridgov_platform, service, gridgov_actors)
    second = dispatched(gridgov_platform, service, gridgov_actors, area="SX01")
    me, now = gridgov_platform.actor("tj.sx.1"), gridgov_clock.now
    service.record_session(me, second.id, at=now + dt.timedelta(days=2), place="调解室", mediators=["tj.sx.1"])
    service.record_session(me, first.id, at=now, place="调解室", mediators=["tj.sx.1", "tj.sx.2"])
    service.record_session(me, first.id, at=now + dt.timedelta(days=5), place="调解室", mediators=["tj.sx.2"])
    mine = service.calendar(me)
    assert [(s.at, d.id) for s, d in mine] == [(now, first.id), (now + dt.timedelta(days=2), second.id)]
    assert [s.at for s, _ in service.calendar(me, "tj.sx.2", since=(now + dt.timedelta(days=1)).date())] == [now + dt.timedelta(days=5)]
    assert service.calendar(me, until=now.date()) == []


def test_follow_up_visits_and_performance_after_an_agreement(gridgov_platform, gridgov_actors, service):
    dispute = dispatched(gridgov_platform, service, gridgov_actors)
    mediator, today = gridgov_platform.actor("tj.sx.1"), gridgov_platform.today()
    with pytest.raises(ValidationError, match="no agreement"):
        service.schedule_follow_up(mediator, dispute.id, due_on=today)
    service.record_agreement(mediator, dispute.id, terms="赔偿500元", signed_on=today, perform_by=today + dt.timedelta(days=10))
    visit = service.schedule_follow_up(mediator, dispute.id, due_on=today + dt.timedelta(days=13))
    assert (visit.by_login, visit.visited_on) == ("tj.sx.1", None)
    done = service.record_visit(mediator, visit.id, visited_on=today + dt.timedelta(days=13), notes="已履行")
    assert service.follow_ups(SYSTEM, dispute.id) == [done]
    assert service.record_performance(mediator, dispute.id, performed_on=today + dt.timedelta(days=10)).performed_on_time
    assert not service.record_performance(mediator, dispute.id, performed_on=today + dt.timedelta(days=11)).performed_on_time
    with pytest.raises(ValidationError, match="before the signing date"):
        service.record_performance(mediator, dispute.id, performed_on=today - dt.timedelta(days=1))


def test_dispute_list_follows_the_actors_scope(gridgov_platform, gridgov_actors, service):
    sx = open_dispute(service, gridgov_actors)
    bnk = service.open_dispute(gridgov_actors["worker_bnk01"], area="BNK01", kind="labour", title="拖欠工资",
                               parties=[Party(name="陈杰")])  # fmt: skip
    assert [d.id for d in service.list(gridgov_actors["worker_bnk01"])] == [bnk.id]
    assert {d.id for d in service.list(gridgov_actors["dispatcher_ph"])} == {sx.id, bnk.id}
    assert [d.id for d in service.list(gridgov_actors["dispatcher_ph"], area="SX")] == [sx.id]
    assert [d.id for d in service.list(SYSTEM, kind="labour")] == [bnk.id]
    with pytest.raises(AccessDenied):
        service.list(gridgov_actors["worker_bnk01"], area="SX")
