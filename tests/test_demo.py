"""The demo deployments: what a user loading ``gridgov demo`` relies on.

The small scale is tested fully; the district scale (Suyu's figures) is slow and marked so.
The Longgang scale is never loaded here (it takes minutes); ``bench/`` builds it.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from gridgov.core import STATES, Actor, ValidationError
from gridgov.core.demo import DEMO_END, demo_logins, load_demo
from gridgov.core.demo_scales import SCALES
from gridgov.core.workflow import issue_row
from hypothesis import given
from hypothesis import strategies as st

CORE_POSTS = {"admin", "supervisor", "dispatcher", "grid_leader", "grid_worker", "building_head", "handler"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """One small demo for the read-only tests of this module (loading takes a few seconds)."""
    from gridgov.core import Platform, PluginHost

    path = tmp_path_factory.mktemp("demo") / "small.db"
    platform = Platform(path, hooks=PluginHost(entry_points=False), clock=lambda: DEMO_END)
    summary = load_demo(platform, "small", seed=7)
    yield platform, summary
    platform.close()


def _all_rows(platform, table: str) -> list[tuple]:
    return platform._store.sql.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _table(platform, name: str) -> list[dict]:
    return platform._store.select(name, order_by="id")


def test_small_demo_has_cases_in_every_state(small):
    platform, _ = small
    found = {row[0] for row in platform._store.sql.execute("SELECT DISTINCT status FROM issue")}
    assert found == set(STATES)


def test_small_demo_follows_its_scale(small):
    platform, summary = small
    spec = SCALES["small"]
    levels = {level: platform.areas.count(level=level) for level in spec.levels}
    assert levels["district"] == 1
    assert levels["subdistrict"] == len(spec.subdistricts)
    assert levels["community"] == spec.communities
    assert levels["grid"] == spec.units
    assert spec.buildings[0] * spec.units <= levels["building"] <= spec.buildings[1] * spec.units
    assert platform.organisations.count(kind="agency", code__startswith="AG") == spec.agencies
    assert platform.pairings.count(kind="branch_grid") == spec.units
    assert summary.counts["dual_registration"] == spec.dual_registrations
    assert platform._store.count("issue", source__ne="plugin") >= spec.issues


def test_every_demo_case_replays_to_its_row(small):
    platform, _ = small
    ids = [row[0] for row in platform._store.sql.execute("SELECT id FROM issue")]
    for issue_id in random.Random(3).sample(ids, 120):
        expected = issue_row(platform.issues.replay(Actor.system(), issue_id, unmask_reason="integrity check"))
        stored = platform._store.issue_row(issue_id)
        assert {k: stored[k] for k in expected} == expected


def test_demo_cases_carry_the_stage_deadlines_the_core_would_set(small):
    """A demo case is due for registering two hours (by its SLA rule) after it was reported,
    and every registered one has a dispatch deadline, as if the core's effects had run."""
    platform, _ = small
    system = Actor.system()
    rows = platform._store.sql.execute(
        "SELECT id FROM issue WHERE source != 'plugin' ORDER BY id").fetchall()
    for (issue_id,) in random.Random(5).sample(rows, 200):
        issue = platform.issues.get(system, issue_id)
        category = platform.categories[issue.category]
        assert issue.register_due == platform.sla.stage_deadline(
            category, issue.priority, "register", issue.reported_at, platform.zone), issue_id
        if issue.registered_at is not None:
            assert issue.dispatch_due is not None, issue_id
    open_unregistered = platform.issues.list(system, status="reported", open_only=True, limit=50)
    assert open_unregistered and all(i.due_stage == "register" for i in open_unregistered)


def test_demo_metrics_look_like_a_real_district(small):
    platform, _ = small
    district = platform.areas.roots()[0].code
    metrics = platform.metrics.for_area(Actor.system(), district)
    shares = metrics.level_shares
    assert 0.7 <= shares["grid"] <= 0.9
    assert 0.08 <= shares["community"] <= 0.25
    assert metrics.rates["satisfaction_rate"] > 0.95
    assert 0.75 <= metrics.rates["on_time_closure_rate"] < 1
    counts = metrics.counts
    assert counts["reworked"] and counts["returned"] and counts["urged"] and counts["escalated"]
    overdue = platform._store.count("issue", is_open=1, due_at__lt=DEMO_END)
    assert overdue > 0


def test_demo_uses_plugin_categories_when_their_plugins_are_loaded(small):
    platform, _ = small
    used = {r[0] for r in platform._store.sql.execute("SELECT DISTINCT category FROM issue").fetchall()}
    for code in ("mediation.dispute", "finance.financing_need", "hr.policy_question"):
        if code in platform.categories:
            assert code in used
    assert {"road.repair", "elevator.retrofit", "property.dispute"} <= used


def test_demo_logins_work_for_each_core_post(small):
    platform, summary = small
    posts = {login.post for login in summary.logins}
    assert CORE_POSTS <= posts
    fixed = {login.login for login in summary.logins}
    assert {"admin", "demo_dispatcher", "demo_worker", "demo_leader", "demo_handler", "demo_supervisor"} <= fixed
    assert [d["login"] for d in demo_logins(platform)] == [login.login for login in summary.logins]
    by_post = {}
    for login in summary.logins:
        by_post.setdefault(login.post, login)
        assert login.post in platform.actor(login.login).posts
    worker = platform.actor(by_post["grid_worker"].login)
    queue = platform.issues.list(worker, open_only=True)
    assert queue and all(i.area_path.startswith(platform.areas.path_of(by_post["grid_worker"].scope)) for i in queue)
    issue = platform.issues.report(worker, area=by_post["grid_worker"].scope, category="road.repair",
                                   title="演示账号上报测试")
    leader = platform.actor(by_post["grid_leader"].login)
    registered = platform.issues.act(leader, issue.id, "register")
    assert registered.status == "registered"


def test_demo_is_repeatable(gridgov_make_platform):
    """The same seed gives the same cases and events, row for row."""
    first = gridgov_make_platform(with_sample=False, name="a.db")
    second = gridgov_make_platform(with_sample=False, name="b.db")
    load_demo(first, "small", seed=11, issues=150)
    load_demo(second, "small", seed=11, issues=150)
    for table in ("issue", "issue_event", "member", "pairing"):
        key = "login" if table == "member" else "id"
        assert first._store.select(table, order_by=key) == second._store.select(table, order_by=key)
    third = gridgov_make_platform(with_sample=False, name="c.db")
    load_demo(third, "small", seed=12, issues=150)
    assert third._store.select("issue", order_by="id", limit=20) != first._store.select("issue", order_by="id", limit=20)


def test_demo_in_worker_processes_gives_the_same_database(gridgov_make_platform):
    """Large loads simulate chunks of days in worker processes; the result must not depend on it."""
    serial = gridgov_make_platform(with_sample=False, builtins=(), name="serial.db")
    parallel = gridgov_make_platform(with_sample=False, builtins=(), name="parallel.db")
    load_demo(serial, "small", seed=5, issues=1200, processes=1, chunk_size=150)
    load_demo(parallel, "small", seed=5, issues=1200, processes=2, chunk_size=150)
    for table in ("issue", "issue_event"):
        assert serial._store.select(table, order_by="id") == parallel._store.select(table, order_by="id")
    assert serial.metrics.for_area(Actor.system(), "440307").counts == parallel.metrics.for_area(Actor.system(), "440307").counts


def test_demo_refuses_a_database_that_is_not_empty(gridgov_platform):
    with pytest.raises(ValidationError) as info:
        load_demo(gridgov_platform, "small")
    assert info.value.field == "database"


def test_demo_refuses_an_unknown_scale(gridgov_make_platform):
    with pytest.raises(ValidationError) as info:
        load_demo(gridgov_make_platform(with_sample=False), "province")
    assert info.value.field == "scale"


def test_demo_command_prints_logins_and_resets(tmp_path):
    from click.testing import CliRunner
    from gridgov.core.cli import cli, commands  # noqa: F401

    db = tmp_path / "cli.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "demo", "--issues", "60"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "demo logins" in result.output and "grid worker" in result.output and "demo_dispatcher" in result.output
    assert "\r" not in result.output, "no progress bar when stderr is not a terminal"
    again = runner.invoke(cli, ["--db", str(db), "demo", "--issues", "60"])
    assert again.exit_code != 0
    assert "not empty" in again.output
    reset = runner.invoke(cli, ["--db", str(db), "demo", "--issues", "80", "--reset"], catch_exceptions=False)
    assert reset.exit_code == 0, reset.output
    from gridgov.core import Platform

    with Platform(db) as platform:
        assert platform._store.setting("demo")["issues"] == 80


@pytest.mark.slow
def test_district_demo_follows_suyu(gridgov_make_platform):
    """SEEDS 001: 3 subdistricts, 10 communities, 59 compounds, 87 agencies, 8,263 members,
    3,800 dual registrations, 87 first secretaries; cases handled first at the compound."""
    platform = gridgov_make_platform(with_sample=False, builtins=())
    summary = load_demo(platform, "district", issues=3000)
    assert platform.areas.levels() == ("district", "subdistrict", "community", "compound", "building")
    assert platform.areas.handling_level() == "compound"
    assert platform.areas.count(level="subdistrict") == 3
    assert platform.areas.count(level="community") == 10
    assert platform.areas.count(level="compound") == 59
    assert platform.organisations.count(kind="agency") == 87
    assert summary.counts["member"] == 8263
    assert summary.counts["dual_registration"] == 3800
    assert len(platform.members.assignments(post="first_secretary")) == 87
    assert "first_secretary" in platform.actor("demo_first_secretary").posts
    assert platform.pairings.count(kind="agency_compound") == 87
    assert platform.pairings.count(kind="member_household") == 362
    handling = {r[0] for r in platform._store.sql.execute("SELECT DISTINCT level FROM issue").fetchall()}
    assert "compound" in handling and "grid" not in handling


def test_demo_command_until_fixes_the_end_of_the_period(tmp_path):
    from click.testing import CliRunner
    from gridgov.core import Platform
    from gridgov.core.cli import cli, commands  # noqa: F401
    from gridgov.core.testing import local_time

    db = tmp_path / "until.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "demo", "--issues", "60", "--until", "2026-12-01"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2025-12-01 18:00 – 2026-12-01 18:00" in result.output
    with Platform(db) as platform:
        assert platform.demo_period()[1] == local_time(2026, 12, 1, 18, 0)
    at = runner.invoke(cli, ["--db", str(tmp_path / "at.db"), "demo", "--issues", "30", "--until", "2026-12-01T09:30"])
    assert at.exit_code == 0, at.output
    with Platform(tmp_path / "at.db") as platform:
        assert platform.demo_period()[1] == local_time(2026, 12, 1, 9, 30)
    bad = runner.invoke(cli, ["--db", str(tmp_path / "bad.db"), "demo", "--until", "2026-13-01"])
    assert bad.exit_code != 0 and "until" in bad.output and len(bad.output.strip().splitlines()) == 1
    assert not (tmp_path / "bad.db").exists()


def test_the_fast_simulation_takes_every_step_as_the_workflow_does(gridgov_make_platform, monkeypatch):
    """The demo takes a case's steps on plain dicts; the checked twin takes each also with
    make_event/apply_event/metric_deltas and fails on the first row that differs. Both
    give the same database, counters included."""
    from gridgov.core.demo_issues import CheckedLife, Simulator

    fast = gridgov_make_platform(with_sample=False, name="fast.db")
    load_demo(fast, "small", seed=9, issues=1500)
    monkeypatch.setattr(Simulator, "life_class", CheckedLife)
    checked = gridgov_make_platform(with_sample=False, name="checked.db")
    load_demo(checked, "small", seed=9, issues=1500)
    for table in ("issue", "issue_event", "metric_daily", "metric_cohort"):
        assert _all_rows(fast, table) == _all_rows(checked, table), table


def test_the_checked_simulation_catches_a_step_that_strays(gridgov_make_platform, monkeypatch):
    """The twin is a real check: a fast step that stores its counters wrongly is caught."""
    from gridgov.core.demo_issues import CheckedLife, Simulator

    monkeypatch.setattr(Simulator, "life_class", CheckedLife)
    monkeypatch.setattr(Simulator, "metrics_text", lambda self, deltas: "{}")
    platform = gridgov_make_platform(with_sample=False, builtins=())
    with pytest.raises(AssertionError, match="is not the workflow's"):
        load_demo(platform, "small", seed=9, issues=50)


def test_demo_counters_are_written_once_a_day_is_settled():
    from gridgov.core.demo import _Counters

    counters = _Counters()
    counters.add([("A", "2026-01-01", {"received": 1}), ("A", "2026-01-02", {"received": 2})])
    counters.add([("A", "2026-01-02", {"received": 1, "closed": 1}), ("B", "2026-01-03", {"urged": 1})])
    assert counters.settled(before="2026-01-02") == [("A", "2026-01-01", {"received": 1})]
    assert counters.settled(before="2026-01-02") == []
    counters.add([("0", "2026-01-03", {"urged": 2})])
    assert counters.settled(before=None) == [("0", "2026-01-03", {"urged": 2}),
                                             ("A", "2026-01-02", {"received": 3, "closed": 1}),
                                             ("B", "2026-01-03", {"urged": 1})]


def test_demo_cohorts_are_what_a_recount_of_the_cases_gives(gridgov_make_platform):
    """The simulation adds up each case's cohort as it ends; a recount from the stored
    cases (what ``rebuild_cohorts`` does) finds the same rows."""
    platform = gridgov_make_platform(with_sample=False, builtins=())
    load_demo(platform, "small", seed=4, issues=1200, chunk_size=200)
    loaded = _all_rows(platform, "metric_cohort")
    platform.metrics.rebuild_cohorts()
    assert loaded and _all_rows(platform, "metric_cohort") == loaded


@given(at=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1), timezones=st.just(dt.UTC)),
       zone=st.sampled_from(["Asia/Shanghai", "America/St_Johns", "Asia/Kathmandu", "Europe/London", "Australia/Lord_Howe"]))
def test_the_simulations_local_day_is_the_zones_calendar_day(at, zone):
    """The simulation looks a day up once per quarter hour of UTC; it is the day a
    conversion gives, in zones with half- and quarter-hour offsets and summer time too."""
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from gridgov.core.demo_issues import Simulator

    sim = SimpleNamespace(_days={}, zone=ZoneInfo(zone))
    for moment in (at, at + dt.timedelta(minutes=14, seconds=59)):
        Simulator.local_day(sim, moment)  # fill the cache from a neighbouring instant first
    assert Simulator.local_day(sim, at) == at.astimezone(ZoneInfo(zone)).date().isoformat()
