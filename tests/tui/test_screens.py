"""Each screen doing what a grid worker or dispatcher relies on, checked on screen and in
the database: home figures, queue paging and filters, intake with duplicates, stale
updates, the command palette, the help screen, browse."""

from __future__ import annotations

import datetime as dt

from gridgov.core import Actor
from gridgov.tui.screens.area_picker import AreaPicker
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.duplicates import DuplicatesScreen
from gridgov.tui.screens.help import HelpScreen
from gridgov.tui.screens.home import HomeScreen
from gridgov.tui.screens.intake import IntakeScreen
from gridgov.tui.screens.queue import QueueScreen
from gridgov.tui.widgets.issue_table import IssueTable
from textual.widgets import DataTable, Input, Select, TextArea
from tui_helpers import notices, screen_text

SIZE = (120, 40)


def report(platform, title="路灯不亮", area="SX01", category="facility.repair", login="worker_sx01", **kw):
    return platform.issues.report(platform.actor(login), area=area, category=category, title=title, **kw).id


def close_loop(platform, issue_id, rating="satisfied"):
    system = Actor.system()
    for action, kw in (("register", {}), ("dispatch", {"org": "SXWY"}), ("accept", {}),
                       ("resolve", {"note": "done"}), ("verify", {}), ("close", {"rating": rating})):
        platform.issues.act(system, issue_id, action, **kw)


async def test_home_shows_counts_rates_and_level_shares(platform, make_app, gridgov_clock):
    closed = report(platform, "已办结")
    close_loop(platform, closed)
    late = report(platform, "超期未办")
    platform.issues.act(Actor.system(), late, "register")
    platform.issues.act(Actor.system(), late, "dispatch", org="SXWY")
    report(platform, "刚上报")  # never registered: ten days later its register stage is overdue too
    gridgov_clock.advance(days=10)
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        values = {key: screen.query_one(f"#card-{key}").value for key in
                  ("open", "overdue", "due_today", "closure_rate", "satisfaction_rate", "on_time_closure_rate")}
        assert values == {"open": "2", "overdue": "2", "due_today": "0", "closure_rate": "50.0%",
                          "satisfaction_rate": "100.0%", "on_time_closure_rate": "100.0%"}
        assert "网格" in screen_text(app) and "100.0%" in screen_text(app)  # settled at grid level
        children = screen.query_one("#children", DataTable)
        sx01 = [str(cell) for cell in children.get_row("SX01")]
        assert sx01[2:4] == ["2", "2"]


async def test_due_today_counts_cases_due_before_midnight(platform, make_app, gridgov_clock):
    issue_id = report(platform, "今日到期", category="environment.sanitation")
    for action, kw in (("register", {}), ("dispatch", {"org": "CGJ"}), ("accept", {})):
        platform.issues.act(Actor.system(), issue_id, action, **kw)
    due = platform.issues.get(Actor.system(), issue_id).due_at
    gridgov_clock.now = platform.time.at(platform.time.day_of(due), dt.time(0, 1))  # early on the day it is due
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#card-due_today").value == "1"
        assert app.screen.query_one("#card-overdue").value == "0"


async def test_queue_pages_from_the_database_and_filters(platform, make_app, gridgov_clock):
    ids = [report(platform, f"楼道杂物{i:03d}", category="environment.sanitation") for i in range(3)]
    for issue_id in ids:
        platform.issues.act(Actor.system(), issue_id, "register")
        platform.issues.act(Actor.system(), issue_id, "dispatch", org="CGJ")
    gridgov_clock.advance(days=3)  # the three dispatched ones are overdue, the rest just reported
    ids += [report(platform, f"楼道杂物{i:03d}", category="environment.sanitation") for i in range(3, 120)]
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(IssueTable)
        shown = [int(k.value) for k in table.rows]
        assert len(shown) == 50 and shown[:3] == ids[:3]  # the dispatched (due) ones first
        assert "Page 1/3 · 120 cases" in screen_text(app)
        await pilot.press("n", "n")
        await pilot.pause()
        assert [int(k.value) for k in table.rows] == ids[100:]
        assert "Page 3/3" in screen_text(app)
        await pilot.press("n")  # no page after the last
        await pilot.pause()
        assert screen.page == 2
        await pilot.press("p")
        await pilot.pause()
        assert [int(k.value) for k in table.rows] == ids[50:100]

        await pilot.press("o")  # overdue only
        await pilot.pause()
        assert [int(k.value) for k in table.rows] == ids[:3]
        assert "Page 1/1 · 3 cases" in screen_text(app)
        await pilot.press("o")
        screen.query_one("#status", Select).value = "dispatched"
        await pilot.pause()
        assert [int(k.value) for k in table.rows] == ids[:3]
        screen.query_one("#status", Select).value = "open"
        screen.query_one("#level", Select).value = "community"
        await pilot.pause()
        assert table.row_count == 0
        screen.query_one("#level", Select).clear()
        await pilot.press("slash", *"杂物007", "enter")
        await pilot.pause()
        assert [int(k.value) for k in table.rows] == [ids[7]]
        assert table.has_focus


async def test_intake_warns_about_duplicates_before_saving(platform, make_app):
    existing = report(platform, "1栋门口路灯不亮", description="1栋门口路灯不亮已三天")
    app = make_app("worker_sx01", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#area", Input).value == "SX01"  # the worker's own grid
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "请选择类别" in screen_text(app)
        screen.query_one("#category", Select).value = "facility.repair"
        screen.query_one("#description", TextArea).text = "1栋门口路灯不亮"
        await pilot.pause()
        assert screen.query_one("#priority", Select).value == "normal"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesScreen)
        assert str(app.screen.query_one(DataTable).get_row(str(existing))[3]) == "1栋门口路灯不亮"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert platform.issues.count(Actor.system()) == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")  # open the existing case instead
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.screen.issue_id == existing
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("s")  # save anyway
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.screen.issue_id != existing
        new = platform.issues.get(Actor.system(), app.screen.issue_id)
        assert (new.title, new.area_code, new.category) == ("1栋门口路灯不亮", "SX01", "facility.repair")
        assert platform.issues.count(Actor.system()) == 2


async def test_intake_area_from_the_tree_and_a_bad_phone(platform, make_app):
    app = make_app("worker_sx01", "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, AreaPicker)
        await pilot.press("down", "enter")  # SX01 is open: its first building
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#area", Input).value == "SX01-B1"
        screen.query_one("#category", Select).value = "noise"
        screen.query_one("#title", Input).value = "night construction"
        screen.query_one("#phone", Input).value = "12345"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Phone:" in screen_text(app)
        assert platform.issues.count(Actor.system()) == 0


async def test_stale_case_shows_a_message_and_reloads(platform, make_app):
    issue_id = report(platform)
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        case = app.screen
        assert isinstance(case, CaseScreen) and case.issue.status == "reported"
        platform.issues.act(platform.actor("leader_sx01"), issue_id, "register")  # someone else
        await pilot.press("g")
        await pilot.pause()
        assert any("changed by someone else" in n for n in notices(app))
        assert case.issue.status == "registered" and "register" not in case.actions
        events = platform.issues.events(Actor.system(), issue_id)
        assert [e.action for e in events] == ["report", "register"]


async def test_palette_runs_case_actions_and_help_lists_keys(platform, make_app):
    issue_id = report(platform)
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = [app.screen.query_one(DataTable).get_row_at(i) for i in range(app.screen.query_one(DataTable).row_count)]
        ids = {str(row[1]): (str(row[0]), str(row[2])) for row in rows}
        assert ids["case.act.register"] == ("g", "register")
        assert ids["nav.queue"] == ("2", "Queue") and "app.palette" in ids
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"register")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert platform.issues.get(Actor.system(), issue_id).status == "registered"


async def test_browse_shows_posts_pairings_and_members(platform, make_app):
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        posts = screen.query_one("#area-posts", DataTable)
        assert [str(posts.get_row_at(i)[0]) for i in range(posts.row_count)] == ["dispatcher_sx"]
        await pilot.press("down")  # SX01
        await pilot.pause()
        pairings = screen.query_one("#area-pairings", DataTable)
        assert [str(c) for c in pairings.get_row_at(0)[:2]] == ["支部联网格", "山厦社区第一网格党支部"]
        logins = {str(posts.get_row_at(i)[0]) for i in range(posts.row_count)}
        assert logins == {"leader_sx01", "worker_sx01"}
        await pilot.press("m")
        await pilot.pause()
        members = screen.query_one("#members", DataTable)
        rows = {str(members.get_row_at(i)[0]): str(members.get_row_at(i)[2]) for i in range(members.row_count)}
        assert rows["worker_sx01"] == "网格员 · 山厦社区第01网格" and "worker_bnk01" not in rows


async def test_home_drills_into_child_areas_and_back(platform, make_app):
    report(platform, "山厦的事", area="SX01")
    report(platform, "白泥坑的事", area="BNK01", login="worker_bnk01")
    report(platform, "白泥坑的另一件事", area="BNK01", login="worker_bnk01")
    app = make_app("dispatcher_ph", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        children = screen.query_one("#children", DataTable)
        assert [str(k.value) for k in children.rows] == ["BNK", "SX"]
        assert screen.query_one("#card-open").value == "3"
        children.focus()
        await pilot.press("enter")  # BNK, the first row
        await pilot.pause()
        assert screen.area == "BNK" and screen.query_one("#card-open").value == "2"
        assert [str(k.value) for k in children.rows] == ["BNK01"]
        assert "龙岗区 › 平湖街道 › 白泥坑社区" in screen_text(app)
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.area == "PH" and screen.query_one("#card-open").value == "3"
        await pilot.press("backspace")  # never above the dispatcher's own area
        await pilot.pause()
        assert screen.area == "PH"


async def test_merge_asks_for_the_master_case(platform, make_app):
    master = report(platform, "路灯不亮")
    duplicate = report(platform, "路灯又不亮了")
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "down", "enter")
        await pilot.pause()
        assert app.screen.issue_id == duplicate
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#merge_into", Input)  # no similar text: type it
        await pilot.press("enter")  # no number yet
        await pilot.pause()
        assert "Give the number" in screen_text(app)
        await pilot.press(*str(master), "enter")
        await pilot.pause()
        assert f"merge case #{duplicate}?" in screen_text(app)
        await pilot.press("y")  # both cases were shown; merge
        await pilot.pause()
        issue = platform.issues.get(Actor.system(), duplicate)
        assert (issue.status, issue.merged_into) == ("merged", master)
        assert f"#{master}" in screen_text(app) and app.screen.actions == ["unmerge"]
