"""The demo's timeline: the simulated year ends when the demo is loaded (or on the day
``--until`` names), the same day gives the same database in any process, and the cases it
leaves open form a queue a dispatcher would recognise — recent, some late, some due today."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from gridgov.core import Actor, Platform, PluginHost
from gridgov.core.demo import load_demo
from gridgov.core.demo_scales import SCALES
from gridgov.core.testing import FIXED_NOW, local_time
from gridgov.core.workflow import TERMINAL_STATES

UNTIL = dt.date(2026, 12, 1)
CORE_CASES = SCALES["small"].issues  # ids above are the plugins' demo cases
# The longest a case plausibly waits at the desk in each early state (over a weekend).
LONGEST_WAIT = {"reported": dt.timedelta(days=2), "registered": dt.timedelta(days=2),
                "dispatched": dt.timedelta(days=3), "returned": dt.timedelta(days=2)}


@pytest.fixture(scope="module")
def today_demo(tmp_path_factory):
    """The small demo loaded "now", on the fixture clock (Monday 2026-11-02 09:30 Beijing)."""
    path = tmp_path_factory.mktemp("timeline") / "today.db"
    platform = Platform(path, hooks=PluginHost(entry_points=False), clock=lambda: FIXED_NOW)
    load_demo(platform, "small", seed=7)
    yield platform
    platform.close()


def _open_core_cases(platform) -> list:
    cases = platform.issues.list(Actor.system(), open_only=True, limit=10_000)
    return [issue for issue in cases if issue.id <= CORE_CASES]


def test_the_period_ends_when_the_demo_is_loaded(today_demo):
    start, end = today_demo.demo_period()
    assert end == FIXED_NOW and end - start == dt.timedelta(days=365)
    latest = today_demo._store.sql.execute("SELECT max(at) FROM issue_event").fetchone()[0]
    earliest = today_demo._store.sql.execute("SELECT min(reported_at) FROM issue WHERE id <= ?", [CORE_CASES]).fetchone()[0]
    assert dt.datetime.fromisoformat(latest) <= FIXED_NOW
    assert dt.datetime.fromisoformat(earliest) >= start
    assert today_demo._store.setting("demo")["end"] == FIXED_NOW.isoformat()


def test_until_names_the_last_day_of_the_period(gridgov_make_platform):
    platform = gridgov_make_platform(with_sample=False, builtins=())
    load_demo(platform, "small", issues=1000, until=UNTIL)
    start, end = platform.demo_period()
    assert end == local_time(2026, 12, 1, 18, 0) and start == end - dt.timedelta(days=365)
    latest = dt.datetime.fromisoformat(platform._store.sql.execute("SELECT max(at) FROM issue_event").fetchone()[0])
    assert UNTIL - dt.timedelta(days=2) <= platform.time.day_of(latest) <= UNTIL and latest <= end
    days = [row[0] for row in platform._store.sql.execute(
        "SELECT DISTINCT day FROM metric_daily WHERE area_code = '440307' ORDER BY day")]
    assert days[0] > platform.time.day_of(start).isoformat() and days[-1] <= UNTIL.isoformat()


def test_until_refuses_an_instant_without_a_zone(gridgov_make_platform):
    from gridgov.core import ValidationError

    platform = gridgov_make_platform(with_sample=False, builtins=())
    with pytest.raises(ValidationError) as info:
        load_demo(platform, "small", issues=10, until=dt.datetime(2026, 12, 1, 9, 0))
    assert info.value.field == "until"


def test_open_cases_wait_for_plausible_lengths_of_time(today_demo):
    """Reports wait for registration a weekend at most; no case is left more than three
    weeks past its deadline; no case is older than twice its category's time to resolve
    and six weeks (an elevator retrofit has 30 days, a sanitation case one)."""
    cases = _open_core_cases(today_demo)
    assert 15 <= len(cases) <= 80
    for issue in cases:
        last = today_demo.issues.events(Actor.system(), issue.id)[-1]
        waiting = FIXED_NOW - last.at
        assert waiting >= dt.timedelta(0)
        if issue.status in LONGEST_WAIT:
            assert waiting <= LONGEST_WAIT[issue.status], (issue.id, issue.status, waiting)
        if issue.due_at is not None:
            assert FIXED_NOW - issue.due_at <= dt.timedelta(days=23), (issue.id, issue.status, issue.due_at)
        oldest = 2 * dt.timedelta(hours=today_demo.categories[issue.category].resolve_hours) + dt.timedelta(weeks=6)
        assert FIXED_NOW - issue.reported_at <= oldest, (issue.id, issue.category, issue.reported_at)


def test_the_queue_has_late_cases_and_cases_due_today(today_demo):
    cases = [issue for issue in _open_core_cases(today_demo) if issue.due_at is not None]
    end_of_day = today_demo.time.at(today_demo.today() + dt.timedelta(days=1))
    overdue = [issue for issue in cases if issue.due_at < FIXED_NOW]
    due_today = [issue for issue in cases if FIXED_NOW <= issue.due_at < end_of_day]
    later = [issue for issue in cases if issue.due_at >= end_of_day]
    assert overdue and due_today and later
    assert len(overdue) < len(cases) / 2
    assert {issue.status for issue in cases} >= {"dispatched", "in_progress"}


def test_every_state_is_in_the_demo_loaded_today(today_demo):
    found = {row[0] for row in today_demo._store.sql.execute("SELECT DISTINCT status FROM issue WHERE id <= ?",
                                                           [CORE_CASES])}
    from gridgov.core import STATES

    assert found == set(STATES)
    assert not TERMINAL_STATES & {issue.status for issue in _open_core_cases(today_demo)}


def test_the_last_day_is_a_partial_day(gridgov_make_platform, gridgov_clock):
    """Loaded at 09:30, today holds the cases of a morning, not a whole day squeezed into it."""
    platform = gridgov_make_platform(with_sample=False, builtins=())
    load_demo(platform, "small", issues=3000, until=FIXED_NOW)
    received = dict(platform._store.sql.execute(
        "SELECT day, received FROM metric_daily WHERE area_code = '440307'").fetchall())
    today, yesterday = received["2026-11-02"], received["2026-11-01"]
    weekday = received["2026-10-30"]  # a Friday
    assert 0 < today < weekday / 2
    assert yesterday > 0


_DUMP = """
import datetime as dt, json, re, sys
from gridgov.core import Platform, PluginHost
from gridgov.core.demo import load_demo
from gridgov.core.demo_scales import SCALES
builtins = () if sys.argv[2] == "core" else None
hooks = PluginHost(entry_points=False) if builtins is None else PluginHost(builtins=(), entry_points=False)
platform = Platform(sys.argv[1], hooks=hooks)
load_demo(platform, "small", seed=3, issues=300, until=dt.date(2026, 12, 1))
tables = [r[0] for r in platform._store.sql.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite%' "
    "AND name NOT IN ('_sqlite_migrations', 'access_log', 'setting') ORDER BY name")]
dump = {t: [list(r) for r in platform._store.sql.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}
# How long the planner's solver ran is measured, not drawn from the seed.
dump["assessment_plan"] = [[re.sub(r'"seconds": [0-9.e-]+', '"seconds": _', str(v)) for i, v in enumerate(r) if i != 9]
                           for r in dump.get("assessment_plan", [])]
dump["setting"] = [list(r) for r in platform._store.sql.execute(
    "SELECT * FROM setting WHERE key IN ('demo', 'demo_period') ORDER BY key")]
print(json.dumps(dump, default=str, ensure_ascii=False))
"""


def _dump_in_process(tmp_path, name: str, hash_seed: str, which: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", _DUMP, str(tmp_path / name), which], env=env, check=True,
                         capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout)


def _differences(first: dict, second: dict) -> list[str]:
    return [table for table in first if first[table] != second.get(table)]


@pytest.mark.slow
def test_the_same_day_gives_the_same_database_in_any_process(tmp_path):
    """String hashes change from process to process; nothing the core's demo writes may
    depend on them (set order, ``hash()``)."""
    first = _dump_in_process(tmp_path, "a.db", "1", "core")
    second = _dump_in_process(tmp_path, "b.db", "2", "core")
    assert first["issue"] and "finance_station_station" not in first
    assert _differences(first, second) == []


@pytest.mark.slow
def test_the_same_day_gives_the_same_database_with_the_builtin_plugins(tmp_path):
    first = _dump_in_process(tmp_path, "a.db", "1", "all")
    second = _dump_in_process(tmp_path, "b.db", "2", "all")
    assert _differences(first, second) == []


HAPPENED = ("opened_at", "created_at", "recorded_at", "closed_at", "decided_at", "reported_at",
            "referred_at", "answered_at", "granted_at", "done_at", "done_on", "signed_on")


def test_no_plugin_demo_row_lies_outside_the_demo_period(today_demo):
    """Every plugin's demo data lies on the core's period: nothing happened before it began,
    and nothing that records a past event (opened, recorded, closed …) after it ended.
    Deadlines and planned meetings may lie ahead."""
    start, end = today_demo.demo_period()
    sql = today_demo._store.sql
    early: list[str] = []
    late: list[str] = []
    for table in sorted(today_demo.plugin_of_table):
        columns = [r[1] for r in sql.execute(f'PRAGMA table_info("{table}")')]
        for column in columns:
            if not (column.endswith(("_at", "_on")) or column in ("at", "day", "held_on", "due")):
                continue
            first, last = sql.execute(f'SELECT min("{column}"), max("{column}") FROM "{table}"').fetchone()
            if first is None:
                continue
            if str(first)[:10] < (start - dt.timedelta(days=1)).date().isoformat():
                early.append(f"{table}.{column} {first}")
            if column in HAPPENED and str(last)[:10] > (end + dt.timedelta(days=1)).date().isoformat():
                late.append(f"{table}.{column} {last}")
    assert early == [] and late == []
