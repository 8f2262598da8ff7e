"""Instants are aware UTC whatever zone the host runs in; days, working hours and counters
belong to the deployment's zone (Asia/Shanghai); naive input is refused at the API edge;
databases written before hold naive local text, which migration m004 turns into UTC."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from zoneinfo import ZoneInfo

import pytest
from gridgov.core import (
    Actor,
    Platform,
    PluginHost,
    ValidationError,
    WorkCalendar,
)
from gridgov.core.storage import migrate
from gridgov.core.storage.schema import CORE
from gridgov.core.storage.sqlite_engine import SqliteEngine
from gridgov.core.testing import Clock, local_time
from hypothesis import given
from hypothesis import strategies as st

SCENARIO = textwrap.dedent("""
    import datetime as dt, json, sys
    from zoneinfo import ZoneInfo
    from gridgov.core import Actor, Platform, PluginHost, SlaBook, SlaRule, sample
    from gridgov.core.testing import Clock

    clock = Clock(dt.datetime(2026, 11, 2, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")))  # Monday 07:30 Beijing
    platform = Platform(sys.argv[1], hooks=PluginHost(builtins=(), entry_points=False), clock=clock)
    sample.build(platform)
    system = Actor.system()
    platform.set_sla(system, SlaBook(rules=(SlaRule(category="road.repair", response_hours=2, resolve_hours=9,
                                                     working_hours=True),)))
    issue = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="road.repair", title="路面塌陷")
    platform.issues.act(system, issue.id, "register")
    issue = platform.issues.act(system, issue.id, "dispatch", org="ZJJ")
    clock.advance(hours=12)  # 19:30 Beijing: the response deadline (11:00) has passed
    out = {
        "reported": issue.reported_at.isoformat(), "response_due": issue.response_due.isoformat(),
        "resolve_due": issue.resolve_due.isoformat(), "today": platform.today().isoformat(),
        "daily": platform.metrics.daily(system, "SX01", "received", days=3),
        "overdue": [i.id for i in platform.issues.list(system, overdue=True)],
        "cohort": platform.metrics.for_area(system, "SX01", since=dt.date(2026, 11, 2)).cohort,
        "event_at": [e.at.isoformat() for e in platform.issues.events(system, issue.id)],
    }
    print(json.dumps(out, sort_keys=True))
""")


def run_in_zone(tmp_path, tz: str) -> dict:
    env = {**os.environ, "TZ": tz, "GRIDGOV_NO_ENTRY_POINTS": "1"}
    done = subprocess.run([sys.executable, "-c", SCENARIO, str(tmp_path / f"{tz.replace('/', '_')}.db")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_same_scenario_gives_the_same_results_under_utc_and_shanghai(tmp_path):
    utc, shanghai = run_in_zone(tmp_path, "UTC"), run_in_zone(tmp_path, "Asia/Shanghai")
    assert utc == shanghai
    # 07:30 Beijing is 23:30 UTC the day before; it still counts on the Beijing day.
    assert utc["reported"] == "2026-11-01T23:30:00+00:00"
    assert ["2026-11-02", 1] in utc["daily"]
    # Working hours are Beijing's 09:00–18:00: 2 h from 09:00, 9 h = one whole working day.
    assert utc["response_due"] == "2026-11-02T03:00:00+00:00"  # 11:00 Beijing
    assert utc["resolve_due"] == "2026-11-02T10:00:00+00:00"  # 18:00 Beijing
    assert utc["overdue"] == [1] and utc["today"] == "2026-11-02"
    assert utc["cohort"]["registered"] == 1
    assert all(at.endswith("+00:00") for at in utc["event_at"])


def test_naive_datetimes_are_refused_at_the_api_edge(gridgov_platform, gridgov_actors):
    worker = gridgov_actors["worker_sx01"]
    with pytest.raises(ValidationError, match="at: .* has no time zone"):
        gridgov_platform.issues.report(worker, area="SX01", category="road.repair", title="无时区",
                                       at=dt.datetime(2026, 11, 2, 9, 0))
    issue = gridgov_platform.issues.report(worker, area="SX01", category="road.repair", title="有时区",
                                           at=local_time(2026, 11, 2, 9, 0))
    assert issue.reported_at == dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="has no time zone"):
        gridgov_platform.issues.act(gridgov_actors["leader_sx01"], issue.id, "register", at=dt.datetime(2026, 11, 2, 10))
    with pytest.raises(ValidationError, match="clock"):
        Platform(":memory:", clock=lambda: dt.datetime(2026, 11, 2, 9, 0)).now()


def test_a_naive_clock_or_sla_start_keeps_wall_clock_semantics():
    calendar = WorkCalendar()
    naive = dt.datetime(2026, 11, 6, 17, 0)  # Friday 17:00, wall clock
    assert calendar.add_working_hours(naive, 2) == dt.datetime(2026, 11, 9, 10, 0)
    aware = local_time(2026, 11, 6, 17, 0)
    assert calendar.add_working_hours(aware, 2) == local_time(2026, 11, 9, 10, 0)


def test_a_database_written_before_m004_is_migrated_to_utc_instants(tmp_path):
    """An old database: naive Beijing wall-clock text everywhere, no cohort counters."""
    path = tmp_path / "old.db"
    engine = SqliteEngine(path)
    engine.begin()
    migrate.apply(engine, ("gridgov.core", CORE[:3]))
    engine.commit()
    engine.execute("INSERT INTO area (code, name, level, path, version) VALUES ('LG', '龙岗区', 'district', '/LG/', 1)")
    engine.execute("INSERT INTO area (code, name, level, parent_code, path, version) "
                   "VALUES ('SX01', '网格', 'grid', 'LG', '/LG/SX01/', 1)")
    engine.execute(
        "INSERT INTO issue (id, title, description, category, priority, source, area_code, area_path, handling_area, level, status, "
        "reported_at, registered_at, version, payload, is_open, due_at, rework_count, return_count, escalation_count, "
        "urge_count) VALUES (1, '旧案件', '', 'road.repair', 'normal', 'visit', 'SX01', '/LG/SX01/', 'SX01', 'grid', 'registered', "
        "'2026-11-02T07:30:00', '2026-11-02T08:00:00', 2, '{}', 1, '9999-12-31T23:59:59', 0, 0, 0, 0)")
    changes = json.dumps({"reported_at": "2026-11-02T07:30:00", "title": "旧案件", "category": "road.repair",
                          "priority": "normal", "source": "visit",
                          "area_code": "SX01", "area_path": "/LG/SX01/", "handling_area": "SX01", "level": "grid"})
    engine.execute("INSERT INTO issue_event (issue_id, seq, at, actor, action, from_status, to_status, changes, metrics) "
                   "VALUES (1, 1, '2026-11-02T07:30:00', 'system', 'report', NULL, 'reported', ?, '{\"received\": 1}')",
                   [changes])
    engine.execute("INSERT INTO issue_event (issue_id, seq, at, actor, action, from_status, to_status, changes, metrics) "
                   "VALUES (1, 2, '2026-11-02T08:00:00', 'system', 'register', 'reported', 'registered', "
                   "'{\"registered_at\": \"2026-11-02T08:00:00\"}', '{\"registered\": 1}')")
    engine.close()
    with Platform(path, hooks=PluginHost(builtins=(), entry_points=False)) as platform:
        issue = platform.issues.find_raw(1)
        assert issue.reported_at == dt.datetime(2026, 11, 1, 23, 30, tzinfo=dt.UTC)
        assert issue.registered_at == dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)
        assert platform.issues.replay(Actor.system(), 1) == issue
        cohort = platform.metrics.for_area(Actor.system(), "LG", since=dt.date(2026, 11, 2), until=dt.date(2026, 11, 3))
        assert cohort.cohort["registered"] == 1
        assert platform._store.setting("time_zone") == "Asia/Shanghai"


def test_the_deployment_zone_is_a_global_setting(gridgov_platform, gridgov_actors):
    with pytest.raises(ValidationError, match="not a known IANA time zone"):
        gridgov_platform.set_time_zone(Actor.system(), "Mars/Olympus")
    from gridgov.core import AccessDenied

    with pytest.raises(AccessDenied):
        gridgov_platform.set_time_zone(gridgov_actors["dispatcher_ph"], "Asia/Urumqi")
    gridgov_platform.set_time_zone(Actor.system(), "Asia/Urumqi")
    reopened = Platform(gridgov_platform.path, hooks=PluginHost(builtins=(), entry_points=False), clock=Clock())
    try:
        assert reopened.zone.key == "Asia/Urumqi"
        assert reopened.today() == dt.date(2026, 11, 2)  # 09:30 Beijing = 07:30 Urumqi
    finally:
        reopened.close()




@given(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8)), ZoneInfo("America/St_Johns")])))
def test_instants_are_stored_as_iso_text_in_utc_to_the_second(value):
    """The quick path for instants already in UTC and the general one write the same text."""
    from gridgov.core.converter import decode_instant, encode_instant

    text = encode_instant(value)
    utc = value.astimezone(dt.UTC).replace(microsecond=0)
    assert text == utc.isoformat(timespec="seconds")
    assert decode_instant(text) == utc
