"""HR policy outreach: catalogue, sessions and reach, questions as cases, subscriptions,
and metrics against a recount."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Member,
    Organisation,
    RoleAssignment,
    TransitionRefused,
    ValidationError,
    make_uscc,
)
from gridgov.plugins.hr_policy.bureau import ensure_bureau
from gridgov.plugins.hr_policy.eligibility import FirmProfile
from gridgov.plugins.hr_policy.metrics import compute
from gridgov.plugins.hr_policy.records import CATEGORY, Policy
from gridgov.plugins.hr_policy.service import HrPolicyService
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.gridgov_engines

# code, seat, industry, size, headcount, certified talents
FIRMS = (
    ("F-A", "SX01", "电子信息", "above_scale", 800, 12),
    ("F-B", "SX01", "智能制造", "small", 150, 2),
    ("F-C", "SX02", "餐饮住宿", "micro", 9, 0),
    ("F-D", "SX02", "电子信息", "small", 45, 0),
    ("F-E", "BNK01", "智能制造", "above_scale", 420, 6),
    ("F-F", "BNK01", "商贸服务", "micro", 4, 0),
)


@pytest.fixture
def hr(gridgov_platform, gridgov_clock):
    platform = gridgov_platform
    system = Actor.system()
    units = ensure_bureau(platform, system, "LG")
    for i, (code, seat, industry, size, headcount, talents) in enumerate(FIRMS):
        platform.organisations.add(system, Organisation(
            code=code, name=f"测试企业{code}", kind="enterprise", area_code=seat,
            uscc=make_uscc(f"91440307MA5T0{i:04d}"), industry=industry, size=size, headcount=headcount,
            profile={"certified_talents": talents}))
    for login, unit in (("hr_tal", "talent"), ("hr_ins", "labour_inspection"), ("hr_bur", "bureau")):
        platform.members.add(system, Member(login=login, name=f"专员{login}", org_code=units[unit]))
        platform.members.assign(system, RoleAssignment(login=login, post="hr_officer", area_code="LG",
                                                       org_code=units[unit]))
    platform.members.add(system, Member(login="firm_a", name="企业人事甲", org_code="F-A"))
    svc = HrPolicyService(platform)
    officer = platform.actor("hr_tal")
    policies = {
        "TAL": Policy(code="TAL", title_zh="人才补贴", title_en="talent subsidy", topic="talent_subsidy",
                      department=units["talent"], effective_from="2026-01-01", rules={"certified_talents_min": 1}),
        "EMP": Policy(code="EMP", title_zh="稳岗返还", title_en="job retention refund", topic="stable_employment",
                      department=units["bureau"], effective_from="2026-01-01",
                      rules={"size_in": ["small", "micro"], "area_in": ["SX"]}),
        "INS": Policy(code="INS", title_zh="用工合规体检", title_en="labour compliance check",
                      topic="labour_inspection", department=units["labour_inspection"],
                      effective_from="2026-01-01", rules={"headcount_min": 100}),
        "OLD": Policy(code="OLD", title_zh="过期政策", title_en="expired policy", topic="other",
                      department=units["bureau"], effective_from="2024-01-01", effective_until="2025-12-31"),
    }
    for p in policies.values():
        svc.publish(officer, p)
    return SimpleNamespace(platform=platform, svc=svc, units=units, officer=officer, system=system,
                           clock=gridgov_clock, policies=policies)


def held_session(hr, policies, firms, *, days_ago=1, venue="PH", people=2):
    day = hr.clock.now.date() - dt.timedelta(days=days_ago)
    s = hr.svc.plan_session(hr.officer, title="宣讲会", held_on=day, venue_area=venue, venue="园区",
                            hosts=[hr.units["talent"]], policies=policies, invite=firms)
    for firm in firms:
        hr.svc.record_attendance(hr.officer, s.id, firm, people)
    return s


# -- catalogue and eligibility ------------------------------------------------------------


def test_publishing_lists_eligible_firms_and_subscribers(hr):
    hr.svc.subscribe(hr.officer, "F-F", "talent_subsidy")
    notices = hr.svc.publish(hr.officer, Policy(
        code="TAL2", title_zh="人才补贴二", title_en="talent 2", topic="talent_subsidy",
        department=hr.units["talent"], effective_from="2026-01-01", rules={"certified_talents_min": 5}))
    assert {n.firm: n.reason for n in notices} == {"F-A": "eligible", "F-E": "eligible", "F-F": "subscribed"}
    assert [n.firm for n in hr.svc.notices("TAL2")] == ["F-A", "F-E", "F-F"]


def test_changing_a_policy_bumps_its_version_and_skips_reached_firms(hr):
    held_session(hr, ["TAL"], ["F-A"])
    hr.svc.subscribe(hr.officer, "F-A", "talent_subsidy")
    notices = hr.svc.change(hr.officer, "TAL", rules={"certified_talents_min": 2})
    assert hr.svc.policy("TAL").version == 2
    assert {n.firm: n.reason for n in notices} == {"F-A": "subscribed", "F-B": "eligible", "F-E": "eligible"}
    assert len(hr.svc.notices("TAL", 1)) == 3 and len(hr.svc.notices("TAL", 2)) == 3


def test_catalogue_writes_are_checked(hr, gridgov_actors):
    with pytest.raises(AccessDenied):
        hr.svc.publish(gridgov_actors["worker_sx01"], attrs_evolve(hr.policies["TAL"], code="X1"))
    with pytest.raises(ValidationError, match="already exists"):
        hr.svc.publish(hr.officer, hr.policies["TAL"])
    with pytest.raises(ValidationError, match="department"):
        hr.svc.publish(hr.officer, attrs_evolve(hr.policies["TAL"], code="X2", department="NOPE"))
    with pytest.raises(ValidationError, match="effective_until"):
        Policy(code="X3", title_zh="x", title_en="x", topic="other", department="HRB",
               effective_from="2026-05-01", effective_until="2026-01-01")
    assert [p.code for p in hr.svc.policies()] == ["TAL", "EMP", "INS", "OLD"]


def attrs_evolve(record, **changes):
    import attrs

    return attrs.evolve(record, **changes)


def test_a_firm_sees_the_policies_in_force_it_may_qualify_for(hr, gridgov_actors):
    judged = hr.svc.policies_for_firm(hr.officer, "F-B")
    assert [p.code for p, _ in judged] == ["TAL", "EMP", "INS"]
    everything = hr.svc.policies_for_firm(hr.platform.actor("firm_a"), "F-A", all_policies=True)
    assert [(p.code, v.eligible) for p, v in everything] == [("TAL", True), ("INS", True), ("EMP", False)]
    emp = dict((p.code, v) for p, v in everything)["EMP"]
    assert {r.criterion for r in emp.unmet} == {"size_in"}
    with pytest.raises(AccessDenied):
        hr.svc.policies_for_firm(gridgov_actors["worker_sx01"], "F-B")
    with pytest.raises(ValidationError, match="not an enterprise"):
        hr.svc.policies_for_firm(hr.officer, "ZJJ")


def test_candidates_are_eligible_firms_of_the_area_not_reached_yet(hr):
    # the sample's ENT-HD (small, 120 people, SX01) qualifies too
    assert [f.code for f, _ in hr.svc.candidates(hr.officer, "EMP")] == ["F-B", "ENT-HD", "F-D", "F-C"]
    assert [f.code for f, _ in hr.svc.candidates(hr.officer, "TAL", area="SX")] == ["F-A", "F-B"]
    held_session(hr, ["EMP"], ["F-B"])
    s = hr.svc.plan_session(hr.officer, title="t", held_on=hr.clock.now.date(), venue_area="PH", venue="v",
                            hosts=["HRB"], policies=["EMP"], invite=["F-D"])
    hr.svc.record_attendance(hr.officer, s.id, "F-D", 0)
    assert [f.code for f, _ in hr.svc.candidates(hr.officer, "EMP")] == ["ENT-HD", "F-D", "F-C"]
    assert len(hr.svc.candidates(hr.officer, "EMP", include_reached=True)) == 4


def test_invitation_list_ranks_firms_by_open_policies(hr):
    found = hr.svc.invitation_list(hr.officer, ["TAL", "EMP", "INS"], area="SX")
    assert [(c.firm.code, c.policies) for c in found] == [
        ("F-B", ("TAL", "EMP", "INS")), ("F-A", ("TAL", "INS")), ("ENT-HD", ("EMP", "INS")),
        ("F-D", ("EMP",)), ("F-C", ("EMP",))]
    with pytest.raises(ValidationError):
        hr.svc.invitation_list(hr.officer, [])
    held_session(hr, ["TAL"], ["F-B"])
    after = {c.firm.code: c for c in hr.svc.invitation_list(hr.officer, ["TAL", "EMP", "INS"], area="SX")}
    assert after["F-B"].policies == ("TAL", "EMP", "INS") and after["F-B"].open_policies == ("EMP", "INS")


# -- sessions and attendance --------------------------------------------------------------


def test_attendance_and_reach_counts(hr):
    s1 = held_session(hr, ["TAL", "INS"], ["F-A", "F-B", "F-E"], days_ago=10, people=3)
    hr.svc.record_attendance(hr.officer, s1.id, "F-E", 0)
    walk_in = hr.svc.record_attendance(hr.officer, s1.id, "F-F", 1)
    assert walk_in.invited is False
    s2 = held_session(hr, ["EMP"], ["F-B", "F-C"], days_ago=2, people=1)
    assert hr.svc.session(s1.id).status == "held"
    assert hr.svc.reached_firms() == {"F-A", "F-B", "F-F", "F-C"}
    assert hr.svc.reached_firms("INS") == {"F-A", "F-B", "F-F"}
    m = compute(hr.platform, hr.officer)
    assert (m.sessions, m.firms_reached, m.people, m.firms_invited) == (2, 4, 3 + 3 + 1 + 1 + 1, 4)
    only_second = compute(hr.platform, hr.officer, since=s2.held_on)
    assert (only_second.sessions, only_second.firms_reached, only_second.people) == (1, 2, 2)


def test_attendance_is_refused_for_future_or_cancelled_sessions(hr):
    later = hr.svc.plan_session(hr.officer, title="t", held_on=hr.clock.now.date() + dt.timedelta(days=3),
                                venue_area="PH", venue="v", hosts=["HRB"], policies=["TAL"], invite=["F-A"])
    with pytest.raises(ValidationError, match="not held yet"):
        hr.svc.record_attendance(hr.officer, later.id, "F-A", 2)
    hr.svc.cancel_session(hr.officer, later.id)
    hr.clock.advance(days=5)
    with pytest.raises(ValidationError, match="cancelled"):
        hr.svc.record_attendance(hr.officer, later.id, "F-A", 2)
    with pytest.raises(ValidationError, match="hosts"):
        hr.svc.plan_session(hr.officer, title="t", held_on=hr.clock.now.date(), venue_area="PH", venue="v",
                            hosts=[], policies=["TAL"])
    with pytest.raises(AccessDenied):
        hr.svc.plan_session(hr.platform.actor("worker_sx01"), title="t", held_on=hr.clock.now.date(),
                            venue_area="PH", venue="v", hosts=["HRB"], policies=["TAL"])
    assert hr.svc.attendance(later.id)[0].attended is False


# -- questions as core issues ---------------------------------------------------------------


def test_a_question_becomes_a_meeting_issue_routed_to_the_topic_branch(hr):
    s = held_session(hr, ["TAL", "INS"], ["F-A", "F-B"])
    q = hr.svc.raise_question(hr.officer, s.id, "F-B", "用工合规体检需要准备哪些材料？", policy="INS", asked_by="王经理")
    issue = hr.platform.issues.get(hr.system, q.issue_id)
    assert (issue.category, issue.source, issue.area_code, issue.status) == (CATEGORY, "meeting", "SX01", "dispatched")
    assert issue.assignee_org == hr.units["labour_inspection"]
    assert issue.payload["hr_question"] == {"session": s.id, "firm": "F-B", "policy": "INS",
                                            "topic": "labour_inspection"}
    assert q.topic == "labour_inspection" and q.status == "open"
    assert q.due_at == issue.resolve_due == hr.clock.now + dt.timedelta(hours=120)
    with pytest.raises(ValidationError, match="did not attend"):
        hr.svc.raise_question(hr.officer, s.id, "F-C", "问题")


def test_answering_resolves_the_issue_on_time(hr):
    s = held_session(hr, ["TAL"], ["F-A"])
    q = hr.svc.raise_question(hr.officer, s.id, "F-A", "人才补贴何时申报？", policy="TAL")
    hr.clock.advance(hours=30)
    with pytest.raises(TransitionRefused):
        hr.svc.answer(hr.platform.actor("hr_ins"), q.id, "不归我答")
    answered = hr.svc.answer(hr.officer, q.id, "每年3月在网上办事大厅申报。")
    issue = hr.platform.issues.get(hr.system, q.issue_id)
    assert issue.status == "resolved"
    assert [e.action for e in hr.platform.issues.events(hr.system, issue.id)] == [
        "report", "register", "dispatch", "accept", "resolve"]
    assert hr.platform.issues.events(hr.system, issue.id)[-1].note == "每年3月在网上办事大厅申报。"
    assert answered.status == "answered" and answered.answered_on_time
    assert answered.answered_at == hr.clock.now


def test_a_late_answer_is_not_on_time(hr):
    s = held_session(hr, ["EMP"], ["F-B"])
    q = hr.svc.raise_question(hr.platform.actor("hr_bur"), s.id, "F-B", "稳岗返还要申请吗？", policy="EMP")
    assert hr.platform.issues.get(hr.system, q.issue_id).assignee_org == hr.units["bureau"]
    hr.clock.advance(hours=121)
    assert [x.id for x in hr.svc.questions(hr.officer, overdue=True)] == [q.id]
    late = hr.svc.answer(hr.platform.actor("hr_bur"), q.id, "无需申请，系统自动返还。")
    assert late.status == "answered" and not late.answered_on_time
    assert hr.svc.questions(hr.officer, overdue=True) == []


def test_resolving_through_the_core_workflow_answers_and_rework_reopens(hr):
    s = held_session(hr, ["TAL"], ["F-A"])
    q = hr.svc.raise_question(hr.officer, s.id, "F-A", "外籍人才可以申请吗？", policy="TAL")
    hr.platform.issues.act(hr.officer, q.issue_id, "accept")
    hr.platform.issues.act(hr.officer, q.issue_id, "resolve", note="可以，需持工作许可。")
    assert (hr.svc.question(q.id).status, hr.svc.question(q.id).answer) == ("answered", "可以，需持工作许可。")
    worker = hr.platform.actor("worker_sx01")
    hr.platform.issues.act(worker, q.issue_id, "rework", note="企业反映答复不完整")
    reopened = hr.svc.question(q.id)
    assert (reopened.status, reopened.answered_at, reopened.answer) == ("open", None, "")
    hr.svc.answer(hr.officer, q.id, "可以，需持工作许可和学历认证。")
    hr.platform.issues.act(worker, q.issue_id, "verify")
    hr.platform.issues.act(hr.platform.actor("dispatcher_sx"), q.issue_id, "close", rating="satisfied")
    closed = hr.svc.question(q.id)
    assert closed.status == "closed" and closed.answer == "可以，需持工作许可和学历认证。"


def test_a_policy_question_reported_elsewhere_is_routed_to_the_bureau(hr, gridgov_actors):
    issue = hr.platform.issues.report(gridgov_actors["worker_sx01"], area="SX01", category=CATEGORY,
                                      title="企业咨询社保补贴")
    dispatcher = gridgov_actors["dispatcher_sx"]
    hr.platform.issues.act(dispatcher, issue.id, "register")
    routed = hr.platform.issues.act(dispatcher, issue.id, "dispatch")
    assert routed.assignee_org == hr.units["bureau"]
    assert hr.svc.question_for_issue(issue.id) is None


# -- subscriptions ----------------------------------------------------------------------------


def test_subscriptions_by_the_firm_itself_or_an_officer(hr, gridgov_actors):
    firm_member = hr.platform.actor("firm_a")
    hr.svc.subscribe(firm_member, "F-A", "skills_funding")
    assert hr.svc.subscribe(firm_member, "F-A", "skills_funding").id == hr.svc.subscriptions(firm="F-A")[0].id
    with pytest.raises(AccessDenied):
        hr.svc.subscribe(firm_member, "F-B", "skills_funding")
    with pytest.raises(ValidationError, match="topic"):
        hr.svc.subscribe(hr.officer, "F-B", "lottery")
    hr.svc.subscribe(hr.officer, "F-C", "skills_funding")
    notices = hr.svc.publish(hr.officer, Policy(
        code="SKL", title_zh="技能补贴", title_en="skills", topic="skills_funding",
        department=hr.units["talent"], effective_from="2026-01-01", rules={"headcount_min": 400}))
    assert {n.firm: n.reason for n in notices} == {"F-A": "subscribed_eligible", "F-C": "subscribed",
                                                   "F-E": "eligible"}
    assert hr.svc.unsubscribe(firm_member, "F-A", "skills_funding")
    assert [s.firm for s in hr.svc.subscriptions(topic="skills_funding")] == ["F-C"]


# -- metrics against a recount ------------------------------------------------------------------


def test_metrics_match_a_recount(hr):
    clock = hr.clock
    start = clock.now
    plan = [  # days ago, policies, attendance {firm: people}
        (40, ["TAL", "INS"], {"F-A": 3, "F-B": 2, "F-E": 1}),
        (20, ["EMP"], {"F-B": 1, "F-C": 2, "F-D": 0}),
        (3, ["TAL", "EMP"], {"F-D": 2, "F-F": 1, "F-A": 1}),
    ]
    sessions = []
    for days, policies, people in plan:
        s = hr.svc.plan_session(hr.officer, title="t", held_on=(start - dt.timedelta(days=days)).date(),
                                venue_area="PH", venue="v", hosts=["HRB-TAL"], policies=policies, invite=list(people))
        for firm, n in people.items():
            hr.svc.record_attendance(hr.officer, s.id, firm, n)
        sessions.append(s)
    bur = hr.platform.actor("hr_bur")
    raised = [
        (0, "F-A", "TAL", hr.officer, 10),    # answered after 10 h: on time
        (0, "F-B", "INS", hr.platform.actor("hr_ins"), 200),  # answered late
        (1, "F-C", "EMP", bur, None),         # never answered: overdue
        (2, "F-D", "EMP", bur, 30),           # on time
        (2, "F-F", "TAL", hr.officer, None),  # open, still within its deadline
    ]
    for index, (session_index, firm, policy, answerer, after_hours) in enumerate(raised):
        days = plan[session_index][0]
        at = start - dt.timedelta(days=days) + dt.timedelta(minutes=index)
        q = hr.svc.raise_question(answerer, sessions[session_index].id, firm, f"问题{index}", policy=policy, at=at)
        if after_hours is not None:
            hr.svc.answer(answerer, q.id, f"答复{index}", at=at + dt.timedelta(hours=after_hours))
    m = compute(hr.platform, hr.officer).as_dict()

    issues = hr.platform.issues.list(hr.system, category=CATEGORY, limit=1000)
    answered = [i for i in issues if i.resolved_at is not None]
    attended = {(s_i, f): n for s_i, (_, _, people) in enumerate(plan) for f, n in people.items() if n}
    recount = {
        "sessions": len(plan),
        "firms_reached": len({f for _, f in attended}),
        "people": sum(attended.values()),
        "questions": sum(i.source == "meeting" for i in issues),
        "answered": len(answered),
        "answered_on_time": sum(i.resolved_at <= i.resolve_due for i in answered),
        "open_overdue": sum(i.is_open and i.resolved_at is None and i.resolve_due < clock.now for i in issues),
    }
    assert {k: m[k] for k in recount} == recount == {
        "sessions": 3, "firms_reached": 6, "people": 13, "questions": 5, "answered": 3,
        "answered_on_time": 2, "open_overdue": 1}

    firms = [FirmProfile(code=o.code, size=o.size, headcount=o.headcount,
                         certified_talents=o.profile.get("certified_talents", 0),
                         area_path=hr.platform.areas.get(o.area_code).path)
             for o in hr.platform.organisations.list(kind="enterprise")]
    assert len(firms) == len(FIRMS) + 2
    for code, policy in hr.policies.items():
        if code == "OLD":
            assert code not in m["coverage"]
            continue
        eligible = {f.code for f in firms if oracle_eligible(policy.rules, f)}
        reached = {f for s_i, f in attended if code in plan[s_i][1]}
        assert m["coverage"][code] == {"eligible": len(eligible), "reached": len(eligible & reached),
                                       "rate": round(len(eligible & reached) / len(eligible), 4)}

    sx = compute(hr.platform, hr.officer, "SX").as_dict()
    assert sx["sessions"] == 0 and sx["coverage"]["EMP"] == {"eligible": 4, "reached": 3, "rate": 0.75}
    card = hr.platform.metric_specs["hr_policy.outreach"].compute(hr.platform, hr.officer, "LG", None, None)
    assert card["firms reached"] == 6 and card["answered on time"] == 2 and card["on-time rate"] == "67%"


def oracle_eligible(rules: dict, firm: FirmProfile) -> bool:
    return all((
        "size_in" not in rules or firm.size in rules["size_in"],
        "headcount_min" not in rules or (firm.headcount or 0) >= rules["headcount_min"],
        "certified_talents_min" not in rules or firm.certified_talents >= rules["certified_talents_min"],
        "area_in" not in rules or any(f"/{c}/" in firm.area_path for c in rules["area_in"]),
    ))


def test_metrics_need_a_reading_grant(hr, gridgov_actors):
    assert compute(hr.platform, gridgov_actors["worker_sx01"], "SX01").sessions == 0
    with pytest.raises(AccessDenied):
        compute(hr.platform, gridgov_actors["worker_sx01"], "PH")
    with pytest.raises(AccessDenied):
        hr.svc.questions(gridgov_actors["worker_sx01"])


# -- eligibility over stored firms (property) ---------------------------------------------------

SEATS = ("SX01", "SX02", "BNK01", "SX01-B1", "SX", "PH")
stored_firms = st.lists(st.tuples(
    st.sampled_from(("above_scale", "small", "micro")), st.sampled_from(("电子信息", "智能制造", "餐饮住宿")),
    st.integers(0, 1200), st.integers(0, 30), st.sampled_from(SEATS)), min_size=1, max_size=6)
stored_rules = st.fixed_dictionaries({}, optional={
    "size_in": st.lists(st.sampled_from(("above_scale", "small", "micro")), min_size=1, unique=True),
    "industry_in": st.lists(st.sampled_from(("电子信息", "智能制造", "餐饮住宿")), min_size=1, unique=True),
    "headcount_min": st.integers(0, 1000),
    "certified_talents_min": st.integers(0, 20),
    "area_in": st.lists(st.sampled_from(("SX", "BNK", "SX02", "PH")), min_size=1, unique=True),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(firms=stored_firms, rules=stored_rules, area=st.sampled_from((None, "PH", "SX", "BNK01")))
def test_candidates_over_stored_firms_match_the_oracle(hr, firms, rules, area):
    count = hr.platform.organisations.count(kind="enterprise")
    for i, (size, industry, headcount, talents, seat) in enumerate(firms):
        code = f"H{count + i:05d}"
        hr.platform.organisations.add(hr.system, Organisation(
            code=code, name=code, kind="enterprise", area_code=seat, uscc=make_uscc(f"91440307MA5H{count + i:05d}"),
            industry=industry, size=size, headcount=headcount, profile={"certified_talents": talents}))
    code = f"P{count}"
    hr.svc.publish(hr.officer, Policy(code=code, title_zh="p", title_en="p", topic="other", department="HRB",
                                      effective_from="2026-01-01", rules=rules))
    prefix = hr.platform.areas.get(area).path if area else "/"
    expected = set()
    for o in hr.platform.organisations.list(kind="enterprise"):
        path = hr.platform.areas.get(o.area_code).path
        ok = (path.startswith(prefix)
              and ("size_in" not in rules or o.size in rules["size_in"])
              and ("industry_in" not in rules or o.industry in rules["industry_in"])
              and ("headcount_min" not in rules or o.headcount >= rules["headcount_min"])
              and ("certified_talents_min" not in rules
                   or o.profile.get("certified_talents", 0) >= rules["certified_talents_min"])
              and ("area_in" not in rules or any(f"/{c}/" in path for c in rules["area_in"])))
        if ok:
            expected.add(o.code)
    assert {f.code for f, _ in hr.svc.candidates(hr.officer, code, area=area)} == expected
