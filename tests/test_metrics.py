"""Metrics: counts, rates and level shares per area, organisation, member and period, checked
against what the test itself did (not against the platform's own bookkeeping)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from gridgov.core import AccessDenied, Actor, Platform, PluginHost, Transition, hookimpl, sample
from gridgov.core.testing import FIXED_NOW, Clock

pytestmark = pytest.mark.gridgov_engines

# road.repair, priority normal: accept within 4 h, resolve within 72 h of dispatch.
RESPONSE = dt.timedelta(hours=4)
RESOLVE = dt.timedelta(hours=72)
PLACES = {
    "SX01": ("SX01-B1", "worker_sx01", "leader_sx01", ["LG", "PH", "SX", "SX01", "SX01-B1"]),
    "SX02": ("SX02", "worker_sx02", "dispatcher_sx", ["LG", "PH", "SX", "SX02"]),
    "BNK01": ("BNK01-B1", "worker_bnk01", "dispatcher_ph", ["LG", "PH", "BNK", "BNK01", "BNK01-B1"]),
}
OUTCOMES = (
    "reported", "registered", "reject", "merge", "close", "close_late", "accept_late",
    "escalate_community", "escalate_subdistrict", "return_redispatch", "rework", "reopen",
    "to_member",
)  # fmt: skip
SATISFIED = {"satisfied", "basically_satisfied"}


@pytest.fixture
def gridgov_platform(gridgov_make_platform):
    return gridgov_make_platform(builtins=())


class Script:
    """Runs cases along chosen paths and writes down, independently, what each step counts."""

    def __init__(self, platform, clock):
        self.platform = platform
        self.clock = clock
        self.log: list[dict] = []

    def note(self, case, counter, at, **extra):
        self.log.append({"case": case, "counter": counter, "day": at.date(), "org": None, "member": None} | extra)

    def act(self, case, login, issue_id, action, at, **params):
        self.clock.now = at
        return self.platform.issues.act(self.platform.actor(login), issue_id, action, **params)

    def run(self, n, grid, outcome, start, rating, master_id=None):
        area, worker, desk, codes = PLACES[grid]
        case = {"n": n, "codes": codes, "grid": grid}
        log = lambda counter, at, **kw: self.note(n, counter, at, codes=codes, **kw)  # noqa: E731
        self.clock.now = start
        issue = self.platform.issues.report(self.platform.actor(worker), area=area, category="road.repair", title=f"第{n}件")
        log("received", start)
        case["id"] = issue.id
        if outcome == "reported":
            return case
        leader = "leader_sx01" if grid == "SX01" else "system"
        grid_desk = leader if grid == "SX01" else "system"
        t = start + dt.timedelta(minutes=10)
        if outcome == "reject":
            self.act(n, grid_desk, issue.id, "reject", t, note="不予立案")
            log("rejected", t)
            return case
        if outcome == "merge":
            self.act(n, grid_desk, issue.id, "merge", t, merge_into=master_id)
            log("merged", t)
            return case
        self.act(n, grid_desk, issue.id, "register", t)
        log("registered", t)
        if outcome == "registered":
            return case
        level, desk_login = "grid", grid_desk
        if outcome in ("escalate_community", "escalate_subdistrict"):
            t += dt.timedelta(minutes=10)
            self.act(n, grid_desk, issue.id, "escalate", t, note="上移社区")
            log("escalated", t)
            level, desk_login = "community", {"BNK01": "system"}.get(grid, "dispatcher_sx")
            if outcome == "escalate_subdistrict":
                t += dt.timedelta(minutes=10)
                self.act(n, desk_login, issue.id, "escalate", t, note="上移街道")
                log("escalated", t)
                level, desk_login = "subdistrict", "dispatcher_ph"
        org, member, handler = "ZJJ", None, "handler_zjj"
        if outcome == "to_member":
            # A member is dispatched to only where one of their posts serves the case:
            # the SX property company's handler in Shanxia's grids, the bureau's elsewhere.
            member = "handler_sxwy" if grid.startswith("SX") else "handler_zjj"
            org, handler = None, member
        t += dt.timedelta(minutes=10)
        if outcome == "return_redispatch":
            self.act(n, desk_login, issue.id, "dispatch", t, org="CGJ")
            log("dispatched", t, org="CGJ")
            t += dt.timedelta(hours=1)
            self.act(n, "handler_cgj", issue.id, "return", t, note="非本局职责")
            log("returned", t, org="CGJ")
            t += dt.timedelta(minutes=10)
        dispatched = t
        self.act(n, desk_login, issue.id, "dispatch", t, org=org, member=member)
        log("dispatched", t, org=org, member=member)
        t += dt.timedelta(hours=5 if outcome == "accept_late" else 1)
        self.act(n, handler, issue.id, "accept", t)
        log("accepted", t, org=org, member=member, on_time=t <= dispatched + RESPONSE)
        t += dt.timedelta(hours=80 if outcome == "close_late" else 2)
        self.act(n, handler, issue.id, "resolve", t, note="已处理")
        log("resolved", t, org=org, member=member)
        t += dt.timedelta(minutes=30)
        if outcome == "rework":
            self.act(n, worker, issue.id, "rework", t, note="未修好")
            log("reworked", t, org=org, member=member)
            t += dt.timedelta(hours=1)
            self.act(n, handler, issue.id, "resolve", t, note="返工完成")
            log("resolved", t, org=org, member=member)
            t += dt.timedelta(minutes=30)
        self.act(n, worker, issue.id, "verify", t)
        log("verified", t, org=org, member=member)
        t += dt.timedelta(minutes=30)
        close_rating = "dissatisfied" if outcome == "reopen" else rating
        self.act(n, desk_login, issue.id, "close", t, rating=close_rating)
        log("closed", t, org=org, member=member, on_time=t <= dispatched + RESOLVE, rating=close_rating,
            seconds=int((t - start).total_seconds()), level=level)
        if outcome == "reopen":
            t += dt.timedelta(hours=1)
            self.act(n, desk_login, issue.id, "reopen", t, note="居民不满意")
            log("reopened", t, org=org, member=member)
        case["level"] = level
        return case


def expected(log, *, area=None, org=None, member=None, since=None, until=None) -> tuple[Counter, Counter]:
    counts, settled = Counter(), Counter()
    for entry in log:
        if area and area not in entry["codes"]:
            continue
        if org and entry["org"] != org:
            continue
        if member and entry["member"] != member:
            continue
        if (since and entry["day"] < since) or (until and entry["day"] >= until):
            continue
        counts[entry["counter"]] += 1
        if entry["counter"] == "accepted" and entry["on_time"]:
            counts["accepted_on_time"] += 1
        if entry["counter"] == "closed":
            counts["closed_on_time"] += entry["on_time"]
            counts["close_seconds"] += entry["seconds"]
            counts["rated"] += 1
            counts["satisfied"] += entry["rating"] in SATISFIED
            settled[entry["level"]] += 1
    return counts, settled


def assert_matches(metrics, log, **scope):
    counts, settled = expected(log, **scope)
    got = {k: v for k, v in metrics.counts.items() if v and not k.startswith("settled_depth_")}
    assert got == {k: v for k, v in counts.items() if v}, metrics.scope
    assert metrics.settled_by_level == {k: v for k, v in settled.items() if v}
    return counts, settled


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """Sixty cases over a week with every outcome, in all three grids, seeded; built once
    for the module (the tests only read, or rebuild counters to the same values)."""
    clock = Clock()
    platform = Platform(tmp_path_factory.mktemp("metrics") / "gridgov.db",
                        hooks=PluginHost(builtins=(), entry_points=False), clock=clock)
    sample.build(platform)
    rng = random.Random(20261102)
    script = Script(platform, clock)
    masters = {}
    for n in range(60):
        grid = rng.choice(list(PLACES))
        outcome = OUTCOMES[n % len(OUTCOMES)] if n < len(OUTCOMES) * 2 else rng.choice(OUTCOMES)
        if outcome == "merge" and grid not in masters:
            outcome = "reported"
        start = FIXED_NOW + dt.timedelta(days=rng.randrange(7), hours=rng.randrange(8))
        case = script.run(n, grid, outcome, start, rng.choice(["satisfied", "basically_satisfied", "dissatisfied"]),
                          master_id=masters.get(grid))
        if outcome == "reported":
            masters.setdefault(grid, case["id"])
    yield script
    platform.close()


def test_area_metrics_match_a_recount(scripted):
    system = Actor.system()
    for area in ("LG", "PH", "SX", "BNK", "SX01", "SX02", "BNK01", "SX01-B1"):
        assert_matches(scripted.platform.metrics.for_area(system, area), scripted.log, area=area)


def cohort_recount(platform, area, since=None, until=None) -> Counter:
    """The cohort of the cases registered in ``[since, until)`` (Beijing days), counted
    from the issue rows the slow, obvious way."""
    path = platform.areas.path_of(area)
    found = Counter()
    for issue in platform.issues.iter_all(Actor.system()):
        if not issue.area_path.startswith(path) or issue.registered_at is None:
            continue
        day = issue.registered_at.astimezone(FIXED_NOW.tzinfo).date()
        if (since and day < since) or (until and day >= until):
            continue
        closed = issue.status == "closed"
        found["registered"] += 1
        found["responded"] += issue.accepted_at is not None
        found["responded_on_time"] += issue.accepted_at is not None and issue.accepted_at <= issue.response_due
        found["closed"] += closed
        found["closed_on_time"] += closed and issue.closed_at <= issue.resolve_due
        found["rated"] += closed and issue.rating is not None
        found["satisfied"] += closed and issue.rating in SATISFIED
        found["reworked"] += issue.rework_count > 0
    return found


def test_rates_are_cohort_shares_and_level_shares_come_from_the_flows(scripted):
    metrics = scripted.platform.metrics.for_area(Actor.system(), "PH")
    counts, settled = expected(scripted.log, area="PH")
    cohort = cohort_recount(scripted.platform, "PH")
    assert counts["closed"] > 10 and set(settled) == {"grid", "community", "subdistrict"}
    assert {k: v for k, v in metrics.cohort.items() if v} == {k: v for k, v in cohort.items() if v}
    rates = metrics.rates
    assert rates["closure_rate"] == round(cohort["closed"] / cohort["registered"], 4)
    assert rates["on_time_closure_rate"] == round(cohort["closed_on_time"] / cohort["closed"], 4)
    assert rates["satisfaction_rate"] == round(cohort["satisfied"] / cohort["rated"], 4)
    assert rates["response_rate"] == round(cohort["responded"] / cohort["registered"], 4)
    assert rates["on_time_response_rate"] == round(cohort["responded_on_time"] / cohort["responded"], 4)
    assert rates["rework_rate"] == round(cohort["reworked"] / cohort["registered"], 4)
    assert 0 < rates["on_time_closure_rate"] < 1 and 0 < rates["satisfaction_rate"] < 1
    closed = sum(settled.values())
    assert metrics.level_shares == {level: round(n / closed, 4) for level, n in settled.items()}
    assert abs(sum(metrics.level_shares.values()) - 1) < 0.001
    assert metrics.mean_hours_to_close == round(counts["close_seconds"] / counts["closed"] / 3600, 2)
    as_dict = metrics.as_dict()
    assert as_dict["level_shares"] == metrics.level_shares and as_dict["flows"]["closed"] == counts["closed"]
    assert as_dict["cohort"]["registered"] == cohort["registered"]
    assert not any(k.startswith("settled_depth") for k in as_dict["flows"])


@pytest.mark.parametrize("window", [(0, 1), (1, 3), (3, 10), (2, None), (None, 4)])
def test_cohort_of_a_period_matches_a_recount(scripted, window):
    since = FIXED_NOW.date() + dt.timedelta(days=window[0]) if window[0] is not None else None
    until = FIXED_NOW.date() + dt.timedelta(days=window[1]) if window[1] is not None else None
    for area in ("LG", "SX", "BNK01"):
        got = scripted.platform.metrics.for_area(Actor.system(), area, since=since, until=until).cohort
        assert {k: v for k, v in got.items() if v} == dict(+cohort_recount(scripted.platform, area, since, until))


def test_a_case_reopened_and_closed_again_keeps_every_rate_within_one(gridgov_make_platform, gridgov_clock):
    """Flow counts see two closes; the cohort sees one closed case, so no rate passes 100 %."""
    platform = gridgov_make_platform(builtins=())
    leader, handler, worker = (platform.actor(x) for x in ("leader_sx01", "handler_zjj", "worker_sx01"))
    issue = platform.issues.report(worker, area="SX01", category="road.repair", title="反复坑洼")
    platform.issues.act(leader, issue.id, "register")
    for rating in ("dissatisfied", "satisfied"):
        for action, params in (("dispatch", {"org": "ZJJ"}), ("accept", {}), ("resolve", {"note": "修好"}), ("verify", {})):
            platform.issues.act(handler if action in ("accept", "resolve") else worker if action == "verify" else leader,
                                issue.id, action, **params)
        platform.issues.act(leader, issue.id, "close", rating=rating)
        if rating == "dissatisfied":
            platform.issues.act(leader, issue.id, "reopen", note="居民不满意")
    metrics = platform.metrics.for_area(Actor.system(), "SX")
    assert metrics.counts["closed"] == 2 and metrics.counts["registered"] == 1
    assert metrics.cohort["closed"] == 1 and metrics.cohort["registered"] == 1
    assert metrics.rates["closure_rate"] == 1.0
    assert all(rate is None or 0 <= rate <= 1 for rate in metrics.rates.values())


@pytest.mark.parametrize("window", [(0, 1), (1, 3), (3, 10), (2, None), (None, 4)])
def test_period_filters(scripted, window):
    since = FIXED_NOW.date() + dt.timedelta(days=window[0]) if window[0] is not None else None
    until = FIXED_NOW.date() + dt.timedelta(days=window[1]) if window[1] is not None else None
    system = Actor.system()
    metrics = scripted.platform.metrics
    for area in ("LG", "SX"):
        assert_matches(metrics.for_area(system, area, since=since, until=until), scripted.log, area=area, since=since, until=until)
    assert_matches(metrics.for_org(system, "ZJJ", since=since, until=until), scripted.log, org="ZJJ", since=since, until=until)


def test_period_halves_add_up(scripted):
    metrics, system = scripted.platform.metrics, Actor.system()
    cut = FIXED_NOW.date() + dt.timedelta(days=3)
    whole = metrics.for_area(system, "LG").counts
    first = metrics.for_area(system, "LG", until=cut).counts
    second = metrics.for_area(system, "LG", since=cut).counts
    assert {k: first[k] + second[k] for k in whole} == whole
    assert first["received"] and second["received"]


def test_org_and_member_metrics(scripted):
    metrics, system = scripted.platform.metrics, Actor.system()
    for org in ("ZJJ", "CGJ", "SXWY", "PHPS"):
        assert_matches(metrics.for_org(system, org), scripted.log, org=org)
    zjj, _ = expected(scripted.log, org="ZJJ")
    assert zjj["closed"] > 0 and zjj["received"] == 0
    cgj, _ = expected(scripted.log, org="CGJ")
    assert cgj["returned"] == cgj["dispatched"] > 0 and cgj["accepted"] == 0
    assert_matches(metrics.for_member(system, "handler_sxwy"), scripted.log, member="handler_sxwy")
    # A handler reads its own numbers.
    own = metrics.for_member(scripted.platform.actor("handler_sxwy"), "handler_sxwy")
    assert own.counts["accepted"] == expected(scripted.log, member="handler_sxwy")[0]["accepted"] > 0


def test_rebuild_counters_gives_the_same_counters(scripted):
    store = scripted.platform._store
    query = "SELECT * FROM metric_daily ORDER BY area_code, day"
    before = list(store.sql.execute(query))
    assert len(before) > 20
    cohorts = "SELECT * FROM metric_cohort ORDER BY area_code, day"
    cohorts_before = list(store.sql.execute(cohorts))
    assert len(cohorts_before) > 20
    scripted.platform.metrics.rebuild_counters(Actor.system())
    assert list(store.sql.execute(query)) == before
    assert list(store.sql.execute(cohorts)) == cohorts_before
    assert_matches(scripted.platform.metrics.for_area(Actor.system(), "LG"), scripted.log, area="LG")


def test_daily_series(scripted):
    scripted.clock.now = FIXED_NOW + dt.timedelta(days=7)
    series = scripted.platform.metrics.daily(Actor.system(), "LG", "received", days=10)
    assert len(series) == 10
    by_day = Counter(e["day"].isoformat() for e in scripted.log if e["counter"] == "received")
    assert dict((d, n) for d, n in series if n) == dict(by_day)


def test_undefined_rates_are_none(gridgov_platform):
    metrics = gridgov_platform.metrics.for_area(Actor.system(), "LG")
    assert set(metrics.rates.values()) == {None}
    assert (metrics.mean_hours_to_close, metrics.level_shares, metrics.settled_by_level) == (None, {}, {})


def test_metrics_respect_scope(gridgov_platform, gridgov_actors):
    metrics = gridgov_platform.metrics
    assert metrics.for_area(gridgov_actors["worker_sx01"], "SX01").scope == "area:SX01"
    with pytest.raises(AccessDenied):
        metrics.for_area(gridgov_actors["worker_sx01"], "BNK01")
    with pytest.raises(AccessDenied):
        metrics.for_area(gridgov_actors["worker_sx01"], "SX")
    with pytest.raises(AccessDenied):
        metrics.for_area(gridgov_actors["handler_zjj"], "SX01")
    assert metrics.for_org(gridgov_actors["dispatcher_sx"], "SXWY").scope == "org:SXWY"
    with pytest.raises(AccessDenied):
        metrics.for_org(gridgov_actors["dispatcher_sx"], "ZJJ")
    with pytest.raises(AccessDenied):
        metrics.for_member(gridgov_actors["worker_sx01"], "worker_bnk01")


class SettlePlugin:
    """A department plugin whose own action ends a case (as mediation's "refer" does)."""

    __name__ = "settle_plugin"

    @hookimpl
    def register_actions(self, register):
        register(Transition(action="settle", sources={"in_progress"}, target="closed", permission="issue.resolve",
                            scope="assignee", requires={"note"}, name_zh="调解结案", name_en="settle"))


def test_plugin_action_that_closes_a_case_counts_as_closed(gridgov_make_platform, gridgov_clock):
    platform = gridgov_make_platform(builtins=(), plugins=[SettlePlugin()])
    leader, handler = platform.actor("leader_sx01"), platform.actor("handler_zjj")
    issue = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="road.repair", title="邻里纠纷")
    platform.issues.act(leader, issue.id, "register")
    platform.issues.act(leader, issue.id, "dispatch", org="ZJJ")
    platform.issues.act(handler, issue.id, "accept")
    gridgov_clock.advance(hours=2)
    settled = platform.issues.act(handler, issue.id, "settle", note="双方达成和解")
    assert (settled.status, settled.closed_at) == ("closed", gridgov_clock.now)
    counts = platform.metrics.for_area(Actor.system(), "SX").counts
    assert (counts["closed"], counts["closed_on_time"], counts["rated"]) == (1, 1, 0)
    cohort = platform.metrics.for_area(Actor.system(), "SX").cohort
    assert (cohort["closed"], cohort["closed_on_time"], cohort["rated"]) == (1, 1, 0)
    assert counts["close_seconds"] == 2 * 3600
    assert platform.metrics.for_area(Actor.system(), "SX").settled_by_level == {"grid": 1}
    assert platform.metrics.for_org(Actor.system(), "ZJJ").counts["closed"] == 1
    assert platform.issues.replay(Actor.system(), issue.id, unmask_reason="integrity check") == platform.issues.find_raw(issue.id)


def test_settled_level_is_the_handling_areas_level_when_the_tree_skips_one(gridgov_make_platform):
    """A grid directly under the subdistrict (no community between, which the tree allows)
    is still a grid in the level shares."""
    from gridgov.core import Area

    platform = gridgov_make_platform(builtins=())
    system = Actor.system()
    platform.areas.add(system, Area(code="PH-IND", name="工业园网格", level="grid", parent_code="PH"))
    issue = platform.issues.report(system, area="PH-IND", category="road.repair", title="园区道路破损")
    assert (issue.handling_area, issue.level) == ("PH-IND", "grid")
    for action, params in [("register", {}), ("dispatch", {"org": "ZJJ"}), ("accept", {}),
                           ("resolve", {"note": "ok"}), ("verify", {}), ("close", {"rating": "satisfied"})]:
        platform.issues.act(system, issue.id, action, **params)
    for scope in ("LG", "PH", "PH-IND"):
        assert platform.metrics.for_area(system, scope).settled_by_level == {"grid": 1}, scope
    assert platform.metrics.for_org(system, "ZJJ").settled_by_level == {"grid": 1}
