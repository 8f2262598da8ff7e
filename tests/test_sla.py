"""Deadlines: which rule applies, working hours with holidays and swapped days, TOML files,
and the ``gridgov sla`` commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Category,
    Platform,
    PluginHost,
    SlaBook,
    SlaRule,
    ValidationError,
    WorkCalendar,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sla.toml"
GRIDGOV = str(Path(sys.executable).with_name("gridgov"))
ROAD = Category(code="road.repair", name_zh="道路修复", name_en="road repair", response_hours=4, resolve_hours=72)
MON = dt.datetime(2026, 11, 2, 9, 30)


def test_most_specific_rule_wins():
    book = SlaBook(rules=(
        SlaRule(response_hours=10, resolve_hours=100),
        SlaRule(priority="urgent", response_hours=1, resolve_hours=10),
        SlaRule(category="road.repair", response_hours=3, resolve_hours=30),
        SlaRule(category="road.repair", priority="high", response_hours=2, resolve_hours=20),
    ))  # fmt: skip
    assert book.rule_for(ROAD, "high").response_hours == 2
    assert book.rule_for(ROAD, "urgent").response_hours == 3  # category beats priority
    assert book.rule_for(ROAD, "low").response_hours == 3
    assert book.rule_for("noise", "urgent").response_hours == 1
    assert book.rule_for("noise", "normal").response_hours == 10


def test_category_defaults_scale_with_priority():
    book = SlaBook()
    assert [(r.response_hours, r.resolve_hours) for r in (book.rule_for(ROAD, p) for p in ("urgent", "high", "normal", "low"))] == [
        (1, 18), (2, 36), (4, 72), (8, 144),
    ]  # fmt: skip
    assert (book.rule_for("unknown.category", "normal").response_hours, book.rule_for("x", "normal").resolve_hours) == (4, 72)


def test_plain_hours_run_round_the_clock():
    book = SlaBook(rules=(SlaRule(response_hours=2, resolve_hours=30),))
    assert book.deadlines(ROAD, "normal", dt.datetime(2026, 11, 6, 23, 0)) == (
        dt.datetime(2026, 11, 7, 1, 0), dt.datetime(2026, 11, 8, 5, 0),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (MON, 1, dt.datetime(2026, 11, 2, 10, 30)),
        (dt.datetime(2026, 11, 2, 7, 0), 1, dt.datetime(2026, 11, 2, 10, 0)),  # before opening
        (dt.datetime(2026, 11, 2, 19, 0), 1, dt.datetime(2026, 11, 3, 10, 0)),  # after closing
        (dt.datetime(2026, 11, 2, 9, 0), 9, dt.datetime(2026, 11, 2, 18, 0)),  # exactly one day
        (dt.datetime(2026, 11, 6, 17, 0), 2, dt.datetime(2026, 11, 9, 10, 0)),  # over the weekend
        (dt.datetime(2026, 11, 7, 12, 0), 1, dt.datetime(2026, 11, 9, 10, 0)),  # from a Saturday
        (MON, 45, dt.datetime(2026, 11, 9, 9, 30)),  # five working days later
    ],
)
def test_working_hours(start, hours, due):
    assert WorkCalendar().add_working_hours(start, hours) == due


def test_holidays_and_swapped_working_days():
    holidays = [dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7)]
    cal = WorkCalendar(holidays=holidays, workdays=[dt.date(2026, 10, 10)])
    # 1 h on 30 September, then the holiday week, then 2 h on Thursday 8 October.
    assert cal.add_working_hours(dt.datetime(2026, 9, 30, 17, 0), 3) == dt.datetime(2026, 10, 8, 11, 0)
    # Saturday 10 October is worked in exchange.
    assert cal.add_working_hours(dt.datetime(2026, 10, 9, 17, 0), 2) == dt.datetime(2026, 10, 10, 10, 0)
    assert not cal.is_working_day(dt.date(2026, 10, 5)) and cal.is_working_day(dt.date(2026, 10, 10))


def test_custom_working_day_and_week():
    cal = WorkCalendar(work_start=dt.time(8, 30), work_end=dt.time(12, 0), weekdays=range(6))
    assert cal.add_working_hours(dt.datetime(2026, 11, 6, 11, 0), 2) == dt.datetime(2026, 11, 7, 9, 30)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: WorkCalendar(work_start=dt.time(18), work_end=dt.time(9)), "work_end"),
        (lambda: WorkCalendar(weekdays=[7]), "weekdays"),
        (lambda: SlaRule(response_hours=10, resolve_hours=5), "resolve_hours"),
        (lambda: SlaRule(priority="asap", response_hours=1, resolve_hours=5), "priority"),
    ],
)
def test_invalid_rules_and_calendars(make, field):
    with pytest.raises(ValidationError) as e:
        make()
    assert e.value.field == field


def test_no_working_time_at_all_is_reported():
    cal = WorkCalendar(weekdays=[])
    with pytest.raises(ValidationError, match="no working time"):
        cal.add_working_hours(MON, 1)


def test_example_file_loads_and_round_trips():
    book = SlaBook.from_toml(EXAMPLE)
    assert len(book.rules) == 5
    assert dt.date(2026, 10, 1) in book.calendar.holidays and dt.date(2026, 10, 10) in book.calendar.workdays
    assert book.calendar.weekdays == frozenset(range(5))
    assert SlaBook.from_mapping(book.to_mapping()) == book
    urgent_safety = book.rule_for("public.safety", "urgent")
    assert (urgent_safety.response_hours, urgent_safety.resolve_hours) == (0.5, 4)
    road = book.rule_for("road.repair", "normal")
    assert road.working_hours
    # Dispatched on Wednesday 30 September at 17:00, a road repair must be accepted by
    # Thursday 8 October 12:00 (1 h + 3 h of working time across the holiday).
    assert book.deadlines("road.repair", "normal", dt.datetime(2026, 9, 30, 17, 0))[0] == dt.datetime(2026, 10, 8, 12, 0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[rule]\nresponse_hours = 1", "sla"),
        ("[[rule]]\ncategory = 'x'\nresponse_hours = 1\nresolve_hours = 2\ncolour = 'red'", "colour"),
        ("[[rule]]\nresponse_hours = 0\nresolve_hours = 2", "response_hours"),
        ("[calendar]\nwork_start = 'nine'", "nine"),
        ("[calendar]\nholidays = ['2026-13-01']", "month"),
        ("[[rule]]\nresponse_hours = 5\nresolve_hours = 2", "resolve_hours"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        SlaBook.from_toml(path)
    assert words in str(e.value)


def test_set_sla_is_stored_checked_and_guarded(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=())
    book = SlaBook.from_toml(EXAMPLE)
    with pytest.raises(AccessDenied):
        platform.set_sla(platform.actor("dispatcher_ph"), book)
    with pytest.raises(ValidationError) as e:
        platform.set_sla(Actor.system(), SlaBook(rules=(SlaRule(category="no.such", response_hours=1, resolve_hours=2),)))
    assert e.value.field == "category"
    platform.set_sla(platform.actor("admin"), book)
    reopened = Platform(platform.path, hooks=PluginHost(builtins=(), entry_points=False))
    try:
        assert reopened.sla == book
    finally:
        reopened.close()


# -- the command line ---------------------------------------------------------------------------


def _gridgov(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRIDGOV_DB": str(db), "GRIDGOV_LOAD_PLUGINS": "", "GRIDGOV_LANG": "en"}
    return subprocess.run([GRIDGOV, *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_sla_load_and_show(tmp_path):
    db = tmp_path / "cli.db"
    shown = _gridgov(db, "sla", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    before = json.loads(shown.stdout)
    assert before["rule"] == []
    road = next(r for r in before["effective"] if (r["category"], r["priority"]) == ("road.repair", "normal"))
    assert (road["response_hours"], road["resolve_hours"], road["source"]) == (4, 72, "category default")

    loaded = _gridgov(db, "sla", "load", str(EXAMPLE))
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 5 rules" in loaded.stdout
    after = json.loads(_gridgov(db, "sla", "show", "--json").stdout)
    assert after["calendar"]["workdays"] == ["2026-10-10"]
    assert len(after["rule"]) == 5
    effective = {(r["category"], r["priority"]): r for r in after["effective"]}
    assert effective[("road.repair", "low")]["working_hours"] is True
    assert effective[("road.repair", "low")]["source"] == "rule road.repair/*"
    assert effective[("noise", "urgent")]["response_hours"] == 1
    assert effective[("noise", "normal")]["source"] == "category default"
    text = _gridgov(db, "sla", "show")
    assert text.returncode == 0 and "5 rules" in text.stdout and "public.safety" in text.stdout


def test_cli_sla_load_refuses_bad_input(tmp_path):
    db = tmp_path / "cli.db"
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\ncategory = 'no.such'\nresponse_hours = 1\nresolve_hours = 2\n", encoding="utf-8")
    result = _gridgov(db, "sla", "load", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: category: SLA rule for unknown category no.such"]
    assert json.loads(_gridgov(db, "sla", "show", "--json").stdout)["rule"] == []
    missing = _gridgov(db, "sla", "load", str(tmp_path / "missing.toml"))
    assert missing.returncode != 0 and "missing.toml" in missing.stderr
