"""The closed loop: every transition of the table, every refusal, escalation, routing,
deadlines, overdue cases and duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Area,
    Member,
    RoleAssignment,
    StaleUpdate,
    TransitionRefused,
)
from gridgov.core.testing import local_time
from gridgov.core.workflow import CORE_TRANSITIONS

pytestmark = pytest.mark.gridgov_engines

T0 = local_time(2026, 11, 2, 9, 30)  # the fixture clock: a Monday morning


@pytest.fixture
def gridgov_platform(gridgov_make_platform):
    return gridgov_make_platform(builtins=())


@pytest.fixture
def flow(gridgov_platform, gridgov_actors):
    return Flow(gridgov_platform, gridgov_actors)


class Flow:
    """Drives a case to any state along the ordinary path in grid SX01."""

    PATHS = {
        "reported": [],
        "registered": ["register"],
        "rejected": ["reject"],
        "merged": ["merge"],
        "dispatched": ["register", "dispatch"],
        "returned": ["register", "dispatch", "return"],
        "in_progress": ["register", "dispatch", "accept"],
        "resolved": ["register", "dispatch", "accept", "resolve"],
        "verified": ["register", "dispatch", "accept", "resolve", "verify"],
        "closed": ["register", "dispatch", "accept", "resolve", "verify", "close"],
        "reopened": ["register", "dispatch", "accept", "resolve", "verify", "close", "reopen"],
    }
    ACTOR = {
        "register": "leader_sx01", "reject": "leader_sx01", "merge": "leader_sx01",
        "dispatch": "leader_sx01", "close": "leader_sx01", "reopen": "leader_sx01",
        "escalate": "leader_sx01", "accept": "handler_zjj", "return": "handler_zjj",
        "resolve": "handler_zjj", "verify": "worker_sx01", "rework": "worker_sx01",
        "urge": "supervisor", "unmerge": "leader_sx01", "callback": "worker_sx01", "complaint": "supervisor",
    }  # fmt: skip

    def __init__(self, platform, actors):
        self.platform = platform
        self.actors = actors

    def report(self, *, area="SX01-B1", category="road.repair", title="路面坑洼", **kw):
        return self.platform.issues.report(self.actors["worker_sx01"], area=area, category=category, title=title, **kw)

    def params(self, action, issue):
        if action == "merge":
            return {"merge_into": self.report(title="同一处路面坑洼").id}
        return {
            "reject": {"note": "不属于受理范围"},
            "dispatch": {"org": "ZJJ"},
            "return": {"note": "非本单位职责"},
            "resolve": {"note": "已修复"},
            "rework": {"note": "现场仍有积水"},
            "close": {"rating": "dissatisfied"},
            "reopen": {"note": "居民不满意，重新办理"},
            "escalate": {"note": "需社区协调"},
            "urge": {"note": "请尽快办理"},
            "unmerge": {"note": "不是同一件事"},
            "callback": {"note": "已电话回访，居民表示满意"},
            "complaint": {"note": "居民投诉未实际解决"},
        }.get(action, {})

    def act(self, issue_id, action, actor=None, **params):
        actor = self.actors[actor or self.ACTOR[action]]
        return self.platform.issues.act(actor, issue_id, action, **params)

    def to(self, state, **report):
        issue = self.report(**report)
        for action in self.PATHS[state]:
            issue = self.act(issue.id, action, **self.params(action, issue))
        assert issue.status == state
        return issue


SOURCE_CASES = [(t.action, s) for t in CORE_TRANSITIONS for s in sorted(t.sources) if t.target is not None]


@pytest.mark.parametrize(("action", "source"), SOURCE_CASES)
def test_every_transition_from_every_source(flow, action, source):
    issue = flow.to(source)
    params = flow.params(action, issue)
    if action == "close":
        params = {"rating": "satisfied"}
    if action == "reopen":
        assert issue.rating == "dissatisfied"
    version = issue.version
    after = flow.act(issue.id, action, **params)
    transition = flow.platform.transitions[action]
    assert after.status == transition.target
    assert after.version == version + 1
    last = flow.platform.issues.events(Actor.system(), issue.id)[-1]
    assert (last.action, last.from_status, last.to_status, last.seq) == (action, source, transition.target, version + 1)
    assert last.actor == flow.ACTOR[action]
    assert last.note == params.get("note", "")
    assert flow.platform.issues.replay(Actor.system(), issue.id, unmask_reason="integrity check") == flow.platform.issues.find_raw(issue.id)
    assert EFFECTS[action](issue, after), f"{action} from {source}: {after}"


EFFECTS = {
    "register": lambda b, a: a.registered_at == T0 and a.dispatch_due == T0 + dt.timedelta(hours=2),
    "reject": lambda b, a: not a.is_open,
    "merge": lambda b, a: a.merged_into is not None and a.merged_into != a.id,
    "dispatch": lambda b, a: (a.assignee_org, a.dispatched_at, a.accepted_at) == ("ZJJ", T0, None)
    and a.response_due == T0 + dt.timedelta(hours=4) and a.resolve_due == T0 + dt.timedelta(hours=72),
    "accept": lambda b, a: a.accepted_at == T0 and a.assignee_org == "ZJJ",
    "return": lambda b, a: (a.assignee_org, a.assignee_member, a.return_count) == (None, None, b.return_count + 1),
    "resolve": lambda b, a: a.resolved_at == T0,
    "verify": lambda b, a: a.resolved_at == b.resolved_at,
    "rework": lambda b, a: (a.resolved_at, a.rework_count) == (None, b.rework_count + 1),
    "close": lambda b, a: (a.closed_at, a.rating, a.is_open) == (T0, "satisfied", False),
    "reopen": lambda b, a: (a.closed_at, a.rating, a.resolved_at, a.is_open) == (None, None, None, True),
    "escalate": lambda b, a: (a.handling_area, a.level, a.assignee_org, a.response_due, a.escalation_count)
    == ("SX", "community", None, None, b.escalation_count + 1),
    "unmerge": lambda b, a: (a.merged_into, a.is_open, a.register_due) == (None, True, T0 + dt.timedelta(hours=2)),
    "complaint": lambda b, a: (a.closed_at, a.rating, a.is_open, a.dispatch_due)
    == (None, None, True, T0 + dt.timedelta(hours=2)),
}


URGE_SOURCES = sorted(next(t for t in CORE_TRANSITIONS if t.action == "urge").sources)


@pytest.mark.parametrize("source", URGE_SOURCES)
def test_urge_from_every_source_once_overdue(flow, gridgov_clock, source):
    issue = flow.to(source)
    with pytest.raises(TransitionRefused, match="only an overdue case can be urged"):
        flow.act(issue.id, "urge", note="快")  # every stage has a deadline, none passed yet
    gridgov_clock.advance(days=40)
    after = flow.act(issue.id, "urge", note="请尽快办理")
    assert (after.status, after.urge_count, after.version) == (source, 1, issue.version + 1)
    event = flow.platform.issues.events(Actor.system(), issue.id)[-1]
    assert (event.from_status, event.to_status) == (source, source)


def test_the_table_covers_every_core_action():
    assert {t.action for t in CORE_TRANSITIONS} == {
        "register", "reject", "merge", "dispatch", "accept", "return", "resolve", "verify",
        "rework", "close", "reopen", "escalate", "urge", "unmerge", "callback", "complaint",
    }  # fmt: skip


# -- refusals ---------------------------------------------------------------------------------


def _refused(excinfo) -> str:
    return excinfo.value.reason


@pytest.mark.parametrize("action", ["register", "accept", "resolve", "verify", "close", "reopen", "dispatch"])
def test_wrong_state_names_the_state(flow, action):
    issue = flow.to("in_progress" if action == "reopen" else "closed")
    params = flow.params(action, issue) | ({"rating": "satisfied"} if action == "close" else {})
    with pytest.raises(TransitionRefused) as e:
        flow.act(issue.id, action, **params)
    sources = " or ".join(sorted(flow.platform.transitions[action].sources))
    assert _refused(e) == f"the case is {issue.status}; {action} needs {sources}"
    assert flow.platform.issues.find_raw(issue.id).version == issue.version


def test_terminal_states_refuse_everything(flow):
    for state in ("rejected", "merged"):
        issue = flow.to(state)
        for action in ("register", "dispatch", "escalate", "urge", "reopen"):
            with pytest.raises(TransitionRefused, match=f"the case is {state}"):
                flow.act(issue.id, action, note="x", org="ZJJ", actor="admin")


def test_not_in_scope(flow):
    issue = flow.report()
    with pytest.raises(TransitionRefused) as e:
        flow.act(issue.id, "register", actor="worker_sx01")
    assert _refused(e) == "worker_sx01 lacks issue.register over SX01 (not in scope)"
    dispatched = flow.to("dispatched")
    with pytest.raises(TransitionRefused, match="dispatcher_sx lacks issue.urge over SX01-B1"):
        flow.act(dispatched.id, "urge", actor="dispatcher_sx", note="x")
    # Another grid's staff cannot even see the case.
    with pytest.raises(AccessDenied):
        flow.act(issue.id, "verify", actor="worker_sx02")
    with pytest.raises(AccessDenied):
        flow.act(issue.id, "register", actor="worker_bnk01")
    assert flow.platform.issues.find_raw(issue.id).status == "reported"


@pytest.mark.parametrize(
    ("state", "action", "params", "words"),
    [
        ("reported", "reject", {}, "a note (reason or result) is required"),
        ("reported", "reject", {"note": "   "}, "a note (reason or result) is required"),
        ("dispatched", "return", {}, "a note"),
        ("in_progress", "resolve", {}, "a note"),
        ("resolved", "rework", {}, "a note"),
        ("registered", "escalate", {}, "a note"),
        ("closed", "reopen", {}, "a note"),
        ("verified", "close", {}, "a rating is required"),
        ("verified", "close", {"rating": "great"}, "rating must be one of satisfied, basically_satisfied, dissatisfied"),
        ("reported", "merge", {}, "the master issue to merge into is required"),
    ],
)
def test_missing_requirements(flow, state, action, params, words):
    issue = flow.to(state)
    with pytest.raises(TransitionRefused) as e:
        flow.act(issue.id, action, **params)
    assert words in _refused(e)
    assert flow.platform.issues.find_raw(issue.id).version == issue.version


def test_dispatch_without_target_and_no_router_result(gridgov_platform):
    system = Actor.system()
    gridgov_platform.areas.add(system, Area(code="ZZ", name="新区", level="district"))
    gridgov_platform.areas.add(system, Area(code="ZZ01", name="新区网格", level="grid", parent_code="ZZ"))
    issue = gridgov_platform.issues.report(system, area="ZZ01", category="road.repair", title="无人负责")
    gridgov_platform.issues.act(system, issue.id, "register")
    with pytest.raises(TransitionRefused, match="a target is required: no router found a handler"):
        gridgov_platform.issues.act(system, issue.id, "dispatch")


def test_unknown_action(flow):
    issue = flow.report()
    with pytest.raises(TransitionRefused, match="unknown action; known: register"):
        flow.platform.issues.act(flow.actors["admin"], issue.id, "teleport")


def test_reopen_only_when_dissatisfied(flow):
    issue = flow.to("verified")
    issue = flow.act(issue.id, "close", rating="basically_satisfied")
    assert "reopen" not in flow.platform.issues.available_actions(flow.actors["leader_sx01"], issue)
    with pytest.raises(TransitionRefused) as e:
        flow.act(issue.id, "reopen", note="再看看")
    assert _refused(e) == "only a case rated dissatisfied reopens; this one is basically_satisfied"


def test_reopen_clears_the_outcome_and_the_case_goes_round_again(flow):
    issue = flow.to("reopened")
    assert (issue.rating, issue.closed_at, issue.resolved_at) == (None, None, None)
    assert issue.registered_at is not None
    for action in ("dispatch", "accept", "resolve", "verify"):
        issue = flow.act(issue.id, action, **flow.params(action, issue))
    issue = flow.act(issue.id, "close", rating="satisfied")
    assert issue.status == "closed" and issue.rating == "satisfied"


def test_urge_when_not_overdue(flow):
    issue = flow.to("dispatched")
    assert "urge" not in flow.platform.issues.available_actions(flow.actors["supervisor"], issue)
    with pytest.raises(TransitionRefused) as e:
        flow.act(issue.id, "urge", note="快")
    assert _refused(e) == "only an overdue case can be urged"


def test_escalate_at_the_top(flow):
    issue = flow.to("registered")
    flow.act(issue.id, "escalate", note="社区协调")
    flow.act(issue.id, "escalate", actor="dispatcher_sx", note="街道协调")
    issue = flow.act(issue.id, "escalate", actor="dispatcher_ph", note="区级协调")
    assert (issue.handling_area, issue.level, issue.escalation_count) == ("LG", "district", 3)
    assert "escalate" not in flow.platform.issues.available_actions(flow.actors["admin"], issue)
    with pytest.raises(TransitionRefused) as e:
        flow.act(issue.id, "escalate", actor="admin", note="再上")
    assert _refused(e) == "LG is the top of the tree; there is no level above"


def test_merge_refusals(flow):
    master = flow.report()
    dup = flow.report(title="同一个坑")
    with pytest.raises(TransitionRefused, match="cannot be merged into itself"):
        flow.act(dup.id, "merge", merge_into=dup.id)
    closed = flow.to("closed")
    with pytest.raises(TransitionRefused, match=f"master issue {closed.id} is closed"):
        flow.act(dup.id, "merge", merge_into=closed.id)
    with pytest.raises(TransitionRefused, match="master issue 9999 does not exist"):
        flow.act(dup.id, "merge", merge_into=9999)
    elsewhere = flow.platform.issues.report(flow.actors["worker_bnk01"], area="BNK01", category="road.repair", title="别处的坑")
    with pytest.raises(TransitionRefused, match=f"master issue {elsewhere.id} is outside leader_sx01's scope"):
        flow.act(dup.id, "merge", merge_into=elsewhere.id)
    merged = flow.act(dup.id, "merge", merge_into=master.id)
    assert (merged.status, merged.merged_into) == ("merged", master.id)
    assert flow.platform.issues.find_raw(master.id).status == "reported"


def test_dispatch_to_unknown_organisation_or_member(flow):
    issue = flow.to("registered")
    with pytest.raises(TransitionRefused, match="unknown organisation NOPE"):
        flow.act(issue.id, "dispatch", org="NOPE")
    with pytest.raises(TransitionRefused, match="unknown member nobody"):
        flow.act(issue.id, "dispatch", member="nobody")
    with pytest.raises(TransitionRefused, match="worker_sx02 holds no post that may accept cases"):
        flow.act(issue.id, "dispatch", member="worker_sx02")
    assert flow.platform.issues.find_raw(issue.id).status == "registered"


def test_handler_not_assigned(flow):
    issue = flow.to("dispatched")
    # A handler of another organisation does not see the case at all…
    with pytest.raises(AccessDenied):
        flow.act(issue.id, "accept", actor="handler_cgj")
    # …and a handler who can see it (through an area post) is still not its assignee.
    system = Actor.system()
    flow.platform.members.add(system, Member(login="handler_grid", name="网格处置员", home_area="SX01"))
    flow.platform.members.assign(system, RoleAssignment(login="handler_grid", post="handler", area_code="SX01"))
    grid_handler = flow.platform.actor("handler_grid")
    assert flow.platform.issues.get(grid_handler, issue.id).id == issue.id
    with pytest.raises(TransitionRefused) as e:
        flow.platform.issues.act(grid_handler, issue.id, "accept")
    assert _refused(e) == "the case is assigned to ZJJ, not to handler_grid"
    with pytest.raises(TransitionRefused, match="lacks issue.accept"):
        flow.act(issue.id, "accept", actor="dispatcher_sx")


def test_stale_update_names_both_versions(flow):
    issue = flow.to("registered")
    assert issue.version == 2
    flow.act(issue.id, "dispatch", org="ZJJ")
    with pytest.raises(StaleUpdate) as e:
        flow.act(issue.id, "accept", expected_version=2)
    assert (e.value.expected, e.value.actual) == (2, 3)
    assert "you had version 2, the database has version 3" in str(e.value)
    assert flow.act(issue.id, "accept", expected_version=3).version == 4


def test_events_are_the_history(flow):
    issue = flow.to("closed")
    events = flow.platform.issues.events(Actor.system(), issue.id)
    assert [e.action for e in events] == ["report", *Flow.PATHS["closed"]]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [(e.from_status, e.to_status) for e in events][:3] == [(None, "reported"), ("reported", "registered"), ("registered", "dispatched")]
    assert events[2].org == "ZJJ" and events[-1].org == "ZJJ"
    assert flow.platform.issues.replay(Actor.system(), issue.id, unmask_reason="integrity check") == flow.platform.issues.find_raw(issue.id)


# -- escalation -------------------------------------------------------------------------------


def test_escalation_grid_to_community_to_subdistrict(flow):
    issue = flow.to("dispatched")
    assert (issue.handling_area, issue.level) == ("SX01", "grid")
    issue = flow.act(issue.id, "escalate", note="涉及多个网格")
    assert (issue.status, issue.handling_area, issue.level) == ("registered", "SX", "community")
    assert (issue.assignee_org, issue.response_due, issue.resolve_due) == (None, None, None)
    # The grid leader no longer owns it; the community dispatcher does.
    with pytest.raises(TransitionRefused, match="not in scope"):
        flow.act(issue.id, "dispatch", org="ZJJ")
    assert "dispatch" in flow.platform.issues.available_actions(flow.actors["dispatcher_sx"], issue)
    assert flow.platform.issues.available_actions(flow.actors["leader_sx01"], issue) == ["callback"]  # it talks to the resident
    issue = flow.act(issue.id, "escalate", actor="dispatcher_sx", note="需要街道协调")
    assert (issue.handling_area, issue.level, issue.escalation_count) == ("PH", "subdistrict", 2)
    with pytest.raises(TransitionRefused, match="not in scope"):
        flow.act(issue.id, "dispatch", actor="dispatcher_sx", org="ZJJ")
    issue = flow.act(issue.id, "dispatch", actor="dispatcher_ph", org="ZJJ")
    issue = flow.act(issue.id, "accept")
    issue = flow.act(issue.id, "resolve", note="已协调解决")
    issue = flow.act(issue.id, "verify")  # verification stays with the grid (site scope)
    with pytest.raises(TransitionRefused, match="not in scope"):
        flow.act(issue.id, "close", rating="satisfied")
    issue = flow.act(issue.id, "close", actor="dispatcher_ph", rating="satisfied")
    assert issue.status == "closed"
    metrics = flow.platform.metrics.for_area(flow.actors["admin"], "PH")
    assert metrics.settled_by_level == {"subdistrict": 1}
    assert metrics.counts["escalated"] == 2
    events = flow.platform.issues.events(Actor.system(), issue.id)
    assert [e.level for e in events if e.action == "escalate"] == ["community", "subdistrict"]


def test_escalated_case_shows_in_the_upper_queue_by_level(flow):
    issue = flow.to("registered")
    flow.act(issue.id, "escalate", note="社区协调")
    dispatcher = flow.actors["dispatcher_sx"]
    assert [i.id for i in flow.platform.issues.list(dispatcher, level="community")] == [issue.id]
    assert flow.platform.issues.list(dispatcher, level="grid") == []


# -- routing and deadlines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "area", "org"),
    [
        ("facility.repair", "SX01-B1", "SXWY"),  # property company seated in the community
        ("elevator.retrofit", "SX01", "ZJJ"),  # agency paired with the subdistrict
        ("noise", "SX02", "PHPS"),  # police station seated in the subdistrict
        ("livelihood.help", "SX01", "SX-PB01"),  # party branch paired with the grid
        ("livelihood.help", "SX02-B1", "SX-PB02"),
        ("property.dispute", "BNK01", "BNK-PB01"),  # no property company up the tree: nearest paired org
    ],
)
def test_dispatch_without_target_uses_the_default_router(gridgov_platform, gridgov_actors, category, area, org):
    reporter = gridgov_actors["worker_bnk01" if area.startswith("BNK") else "worker_sx01" if area.startswith("SX01") else "worker_sx02"]
    issue = gridgov_platform.issues.report(reporter, area=area, category=category, title="测试派遣")
    gridgov_platform.issues.act(Actor.system(), issue.id, "register")
    issue = gridgov_platform.issues.act(Actor.system(), issue.id, "dispatch")
    assert issue.assignee_org == org


@pytest.mark.parametrize(
    ("category", "priority", "response", "resolve"),
    [
        ("road.repair", None, dt.timedelta(hours=4), dt.timedelta(hours=72)),
        ("road.repair", "high", dt.timedelta(hours=2), dt.timedelta(hours=36)),
        ("road.repair", "urgent", dt.timedelta(hours=1), dt.timedelta(hours=18)),
        ("elevator.retrofit", None, dt.timedelta(hours=48), dt.timedelta(hours=1440)),  # low by default
        ("public.safety", None, dt.timedelta(minutes=30), dt.timedelta(hours=12)),  # high by default
    ],
)
def test_deadlines_set_on_dispatch(flow, gridgov_clock, category, priority, response, resolve):
    issue = flow.report(category=category, **({"priority": priority} if priority else {}))
    flow.act(issue.id, "register")
    assert issue.response_due is None
    gridgov_clock.advance(hours=1)
    issue = flow.act(issue.id, "dispatch", org="ZJJ")
    start = T0 + dt.timedelta(hours=1)
    assert issue.dispatched_at == start
    assert (issue.response_due, issue.resolve_due) == (start + response, start + resolve)


def test_deadlines_follow_the_deployment_sla(flow, gridgov_clock):
    from gridgov.core import SlaBook, SlaRule

    book = SlaBook(rules=(SlaRule(category="road.repair", response_hours=2, resolve_hours=9, working_hours=True),))
    flow.platform.set_sla(Actor.system(), book)
    gridgov_clock.now = local_time(2026, 11, 6, 17, 0)  # Friday 17:00
    issue = flow.to("dispatched")
    assert issue.response_due == local_time(2026, 11, 9, 10, 0)  # 1 h Friday + 1 h Monday
    assert issue.resolve_due == local_time(2026, 11, 9, 17, 0)  # 1 h Friday + 8 h Monday
    other = flow.report(category="noise")
    flow.act(other.id, "register")
    other = flow.act(other.id, "dispatch", org="PHPS")
    assert other.response_due == gridgov_clock.now + dt.timedelta(hours=2)


def test_overdue_list_after_time_passes(flow, gridgov_clock):
    waiting = flow.to("dispatched")  # response due in 4 h
    working = flow.to("in_progress")  # resolution due in 72 h
    fresh = flow.to("registered")  # due for dispatch in 2 h
    supervisor = flow.actors["supervisor"]
    assert flow.platform.issues.list(supervisor, overdue=True) == []
    gridgov_clock.advance(hours=5)
    assert [i.id for i in flow.platform.issues.list(supervisor, overdue=True)] == [fresh.id, waiting.id]
    assert flow.platform.issues.count(supervisor, overdue=True) == 2
    assert "urge" in flow.platform.issues.available_actions(supervisor, flow.platform.issues.get(supervisor, waiting.id))
    gridgov_clock.advance(hours=72)
    overdue = [i.id for i in flow.platform.issues.list(supervisor, overdue=True)]
    assert overdue == [fresh.id, waiting.id, working.id]  # soonest due first
    flow.act(working.id, "resolve", note="done")
    flow.act(working.id, "verify")
    flow.act(working.id, "close", rating="satisfied")
    assert [i.id for i in flow.platform.issues.list(supervisor, overdue=True)] == [fresh.id, waiting.id]
    closed = flow.platform.metrics.for_area(flow.actors["admin"], "SX")
    assert (closed.counts["closed"], closed.counts["closed_on_time"]) == (1, 0)


def test_late_acceptance_is_not_on_time(flow, gridgov_clock):
    issue = flow.to("dispatched")
    gridgov_clock.advance(hours=5)
    flow.act(issue.id, "accept")
    counts = flow.platform.metrics.for_area(flow.actors["admin"], "SX01").counts
    assert (counts["accepted"], counts["accepted_on_time"]) == (1, 0)


# -- duplicates -------------------------------------------------------------------------------


def test_similar_finds_open_duplicates_in_the_same_grid(flow):
    platform = flow.platform
    worker = flow.actors["worker_sx01"]
    master = flow.report(category="elevator.retrofit", title="1栋申请加装电梯", description="老人上下楼困难")
    flow.report(category="road.repair", title="1栋门口加装电梯施工占道")  # other category
    other_grid = platform.issues.report(flow.actors["worker_sx02"], area="SX02", category="elevator.retrofit", title="2栋申请加装电梯")
    found = platform.issues.similar(worker, category="elevator.retrofit", area="SX01-B2", text="申请加装电梯")
    assert [i.id for i in found] == [master.id]
    assert other_grid.id not in [i.id for i in found]
    assert platform.issues.similar(worker, category="elevator.retrofit", area="SX01", text="垃圾清运不及时") == []
    dup = flow.report(category="elevator.retrofit", title="居民再次申请加装电梯")
    assert master.id in [i.id for i in platform.issues.similar(worker, category="elevator.retrofit", area="SX01", text=dup.title)]
    merged = flow.act(dup.id, "merge", merge_into=master.id)
    assert (merged.status, merged.merged_into) == ("merged", master.id)
    # Merged and closed cases are no longer offered as duplicates.
    again = platform.issues.similar(worker, category="elevator.retrofit", area="SX01", text="居民再次申请加装电梯")
    assert dup.id not in [i.id for i in again]
    assert platform.metrics.for_area(flow.actors["admin"], "SX01").counts["merged"] == 1


def test_similar_hides_cases_the_actor_cannot_see(flow):
    platform = flow.platform
    flow.report(category="elevator.retrofit", title="1栋申请加装电梯")
    outsider = flow.actors["worker_bnk01"]
    assert platform.issues.similar(outsider, category="elevator.retrofit", area="SX01", text="申请加装电梯") == []


def test_conflict_is_stale_even_when_the_case_left_the_actors_scope(flow):
    """A handler looking at version N of a case that was since escalated away gets
    "reload" (StaleUpdate), not a misleading "outside your scope"."""
    issue = flow.to("dispatched")
    seen = flow.platform.issues.get(flow.actors["handler_zjj"], issue.id)
    flow.act(issue.id, "escalate", note="需社区协调")
    with pytest.raises(StaleUpdate) as e:
        flow.act(issue.id, "accept", expected_version=seen.version)
    assert (e.value.expected, e.value.actual) == (seen.version, seen.version + 1)
    with pytest.raises(AccessDenied):
        flow.act(issue.id, "accept", expected_version=seen.version + 1)


def test_deadline_boundaries(flow, gridgov_clock):
    """Due at 13:30 means 13:30 is still in time; one second later is overdue."""
    issue = flow.to("dispatched")
    supervisor = flow.actors["supervisor"]
    gridgov_clock.now = issue.response_due
    assert flow.platform.issues.list(supervisor, overdue=True) == []
    gridgov_clock.advance(seconds=1)
    assert [i.id for i in flow.platform.issues.list(supervisor, overdue=True)] == [issue.id]
    gridgov_clock.now = issue.response_due
    flow.act(issue.id, "accept")
    gridgov_clock.now = issue.resolve_due
    for action in ("resolve", "verify"):
        flow.act(issue.id, action, **flow.params(action, issue))
    assert flow.platform.issues.list(supervisor, overdue=True) == []
    flow.act(issue.id, "close", rating="satisfied")
    counts = flow.platform.metrics.for_area(flow.actors["admin"], "SX01").counts
    assert (counts["accepted_on_time"], counts["closed_on_time"]) == (1, 1)


def test_one_second_late_is_late(flow, gridgov_clock):
    issue = flow.to("dispatched")
    gridgov_clock.now = issue.response_due + dt.timedelta(seconds=1)
    flow.act(issue.id, "accept")
    gridgov_clock.now = issue.resolve_due + dt.timedelta(seconds=1)
    for action in ("resolve", "verify"):
        flow.act(issue.id, action, **flow.params(action, issue))
    flow.act(issue.id, "close", rating="satisfied")
    counts = flow.platform.metrics.for_area(flow.actors["admin"], "SX01").counts
    assert (counts["accepted"], counts["accepted_on_time"], counts["closed"], counts["closed_on_time"]) == (1, 0, 1, 0)


@pytest.mark.parametrize("source", sorted(next(t for t in CORE_TRANSITIONS if t.action == "callback").sources))
def test_a_call_back_is_recorded_in_every_open_state_and_after_closing(flow, source):
    issue = flow.to(source)
    after = flow.act(issue.id, "callback", note="已电话回访，居民表示满意")
    assert (after.status, after.version, after.callback_count) == (issue.status, issue.version + 1, issue.callback_count + 1)
    last = flow.platform.issues.events(Actor.system(), issue.id)[-1]
    assert (last.action, last.note) == ("callback", "已电话回访，居民表示满意")


def test_deadlines_run_from_the_moment_of_report(flow, gridgov_clock):
    issue = flow.report()
    assert (issue.due_stage, issue.due_at) == ("register", T0 + dt.timedelta(hours=2))
    gridgov_clock.advance(hours=3)
    system = Actor.system()
    overdue = flow.platform.issues.list(system, overdue=True)
    assert [i.id for i in overdue] == [issue.id]  # a report nobody registered is overdue
    assert "urge" in flow.platform.issues.available_actions(flow.actors["supervisor"], issue)
    registered = flow.act(issue.id, "register")
    assert (registered.due_stage, registered.due_at) == ("dispatch", gridgov_clock.now + dt.timedelta(hours=2))
    urgent = flow.report(priority="urgent", title="路灯全灭")
    assert urgent.due_at == gridgov_clock.now + dt.timedelta(minutes=30)  # urgent ×0.25
    queue = flow.platform.issues.list(system, open_only=True)
    assert queue[0].id == urgent.id  # new and urgent cases come first, not last


def test_a_merge_needs_the_same_category_and_can_be_undone(flow):
    master = flow.report()
    pothole = flow.report(category="road.repair", title="同一处坑")
    elevator = flow.report(category="elevator.retrofit", title="加装电梯")
    with pytest.raises(TransitionRefused, match="is a road.repair case, this one elevator.retrofit"):
        flow.act(elevator.id, "merge", merge_into=master.id)
    merged = flow.act(pothole.id, "merge", merge_into=master.id)
    assert [d.id for d in flow.platform.issues.duplicates(flow.actors["leader_sx01"], master.id)] == [merged.id]
    undone = flow.act(pothole.id, "unmerge", note="不是同一处")
    assert (undone.status, undone.merged_into) == ("reported", None)
    assert flow.platform.issues.duplicates(flow.actors["leader_sx01"], master.id) == []


def test_a_supervisor_reopens_a_closed_case_on_a_complaint_whatever_its_rating(flow):
    issue = flow.to("closed")
    satisfied = flow.platform.issues.find_raw(issue.id)
    assert satisfied.rating == "dissatisfied"  # the path's close; rate it well instead:
    fresh = flow.report(title="再来一件")
    for action in ("register", "dispatch", "accept", "resolve", "verify"):
        fresh = flow.act(fresh.id, action, **flow.params(action, fresh))
    fresh = flow.act(fresh.id, "close", rating="satisfied")
    with pytest.raises(TransitionRefused, match="only a case rated dissatisfied reopens"):
        flow.act(fresh.id, "reopen", note="居民不满意")
    with pytest.raises(TransitionRefused, match="lacks issue.complaint"):
        flow.act(fresh.id, "complaint", actor="leader_sx01", note="投诉")
    reopened = flow.act(fresh.id, "complaint", note="居民投诉：问题仍在")
    assert (reopened.status, reopened.rating) == ("reopened", None)


def test_attachments_are_kept_listed_and_limited(flow):
    issue = flow.report()
    worker, handler = flow.actors["worker_sx01"], flow.actors["handler_zjj"]
    photo = flow.platform.issues.attach(worker, issue.id, name="现场.jpg", content_type="image/jpeg", data=b"\xff\xd8jpeg")
    assert (photo["seq"], photo["size"]) == (1, 6)
    with pytest.raises(AccessDenied):
        flow.platform.issues.attach(handler, issue.id, name="x.jpg", content_type="image/jpeg", data=b"x")
    for action in ("register", "dispatch", "accept"):
        issue = flow.act(issue.id, action, **flow.params(action, issue))
    result = flow.platform.issues.attach(handler, issue.id, name="修复后.png", content_type="image/png", data=b"png")
    assert result["seq"] == issue.version
    from gridgov.core import ValidationError
    from gridgov.core.services.issues import MAX_ATTACHMENT_BYTES

    with pytest.raises(ValidationError, match="at most"):
        flow.platform.issues.attach(worker, issue.id, name="big.bin", content_type="application/octet-stream",
                                    data=b"0" * (MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValidationError, match="name"):
        flow.platform.issues.attach(worker, issue.id, name="../etc/passwd", content_type="text/plain", data=b"x")
    listed = flow.platform.issues.attachments(worker, issue.id)
    assert [a["name"] for a in listed] == ["现场.jpg", "修复后.png"]
    assert flow.platform.issues.attachment_data(worker, issue.id, listed[0]["id"]) == b"\xff\xd8jpeg"
    with pytest.raises(AccessDenied):
        flow.platform.issues.attachments(flow.actors["worker_bnk01"], issue.id)


def test_a_case_reported_by_its_point_lands_in_the_grid_that_holds_it(flow):
    area = flow.platform.areas.get("SX01")
    lat, lon = area.centroid
    issue = flow.platform.issues.report(flow.actors["worker_sx01"], category="road.repair", title="按坐标上报",
                                        lat=lat, lon=lon, address="山厦社区1栋门前")
    assert (issue.area_code, issue.address, issue.lat) == ("SX01", "山厦社区1栋门前", lat)
    from gridgov.core import ValidationError

    with pytest.raises(ValidationError, match="no area of this deployment holds the point"):
        flow.platform.issues.report(flow.actors["worker_sx01"], category="road.repair", title="海上", lat=1.0, lon=1.0)
