"""The demo as a newcomer sees it: loaded "today", the home screen shows the last 30 days
filled in and a queue with late and due-today cases; dates of another year say so."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import Actor, Platform, PluginHost
from gridgov.core.demo import load_demo
from gridgov.core.testing import FIXED_NOW
from gridgov.tui.app import GridgovApp
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.home import HomeScreen
from gridgov.tui.widgets.daily_plot import DailyPlot
from gridgov.tui.widgets.issue_table import IssueTable
from tui_helpers import screen_text


@pytest.fixture(scope="module")
def demo_today(tmp_path_factory):
    """The small demo loaded on the fixture clock (Monday 2026-11-02 09:30 Beijing), as
    `make run` loads it on the day it runs."""
    path = tmp_path_factory.mktemp("demo-home") / "demo.db"
    platform = Platform(path, hooks=PluginHost(entry_points=False), clock=lambda: FIXED_NOW)
    load_demo(platform, "small", seed=7)
    yield platform
    platform.close()


async def test_d4_home_of_a_demo_loaded_today_has_the_last_30_days(demo_today):
    platform = demo_today
    actor = platform.actor("demo_dispatcher")
    app = GridgovApp(platform, actor, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        received = int(home.query_one("#card-received_30d").value)
        assert received > 0
        plot = home.query_one(DailyPlot)
        assert sum(plot.values) == received and len(set(plot.values)) > 2  # not flat
        overdue = platform.issues.count(actor, overdue=True)
        end_of_day = platform.time.at(platform.today() + dt.timedelta(days=1))
        due_today = platform.issues.count(actor, due_before=end_of_day) - overdue
        assert overdue > 0 and due_today > 0
        assert home.query_one("#card-overdue").value == str(overdue)
        assert home.query_one("#card-due_today").value == str(due_today)
        assert home.query_one("#card-open").value == str(platform.issues.count(actor, open_only=True))
        assert "10-04 – 11-02" in screen_text(app)
        children = home.query_one("#children")
        thirty = [int(str(children.get_row_at(i)[4])) for i in range(children.row_count)]
        assert all(n > 0 for n in thirty)  # every grid received cases in the last 30 days


async def test_d3_due_dates_mark_late_and_today_and_name_another_year(gridgov_make_platform, gridgov_clock):
    clock = gridgov_clock
    platform = gridgov_make_platform(builtins=())
    system = Actor.system()
    worker = platform.actor("worker_sx01")
    old = platform.issues.report(worker, area="SX01", category="greening", title="去年的绿化").id
    for action, kw in (("register", {}), ("dispatch", {"org": "CGJ"}), ("accept", {})):
        platform.issues.act(system, old, action, **kw)
    clock.now = FIXED_NOW + dt.timedelta(days=60)  # 2027-01-01
    today = platform.issues.report(worker, area="SX01", category="road.repair", title="今天到期").id
    platform.issues.act(system, today, "register")
    platform.issues.act(system, today, "dispatch", org="ZJJ")  # to accept within 4 hours
    later = platform.issues.report(worker, area="SX01", category="elevator.retrofit", title="下周到期").id
    app = GridgovApp(platform, platform.actor("dispatcher_sx"), "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one(IssueTable)
        due = {int(key.value): str(table.get_row(key.value)[2]) for key in table.rows}
        assert due[old].startswith("! 2026-11-16 09:30") and due[old].endswith("resolve")  # late, last year
        assert due[today].startswith("• 01-01 ") and due[today].endswith("accept")  # due today, this year
        assert due[later].startswith("• 01-01 ") and due[later].endswith("register")  # reported: to register
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.screen.issue_id == old
        text = screen_text(app)
        assert "2026-11-02 09:30" in text and "OVERDUE" in text  # the timeline and fields name the year
        await pilot.press("1")
        await pilot.pause()
        assert "2026-12-03 – 01-01" in screen_text(app)
