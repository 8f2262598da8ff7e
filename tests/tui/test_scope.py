"""A grid worker sees his grid's cases and never another grid's — on any screen."""

from __future__ import annotations

from gridgov.core import Actor
from gridgov.tui.messages import OpenIssue
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.widgets.area_tree import AreaTree
from gridgov.tui.widgets.issue_table import IssueTable
from textual.widgets import Input, Select
from tui_helpers import notices, screen_text


def report(platform, login, area, title):
    return platform.issues.report(platform.actor(login), area=area, category="noise", title=title).id


async def test_grid_worker_sees_only_his_grid(platform, make_app):
    own = [report(platform, "worker_sx01", "SX01-B1", f"本网格噪声{i}") for i in range(2)]
    other = [report(platform, "worker_sx02", "SX02", f"邻网格噪声{i}") for i in range(3)]
    report(platform, "worker_bnk01", "BNK01", "白泥坑噪声")
    platform.issues.act(Actor.system(), other[0], "register")

    app = make_app("worker_sx01", "zh")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#card-open").value == "2"
        children = app.screen.query_one("#children")
        assert [str(k.value) for k in children.rows] == ["SX01-B1", "SX01-B2"]

        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one(IssueTable)
        assert sorted(int(k.value) for k in table.rows) == own
        app.screen.query_one("#status", Select).value = "all"
        await pilot.pause()
        assert sorted(int(k.value) for k in table.rows) == own
        text = screen_text(app)
        assert "本网格噪声0" in text and "邻网格" not in text and "白泥坑" not in text

        search = app.screen.query_one("#search", Input)
        search.value = "邻网格噪声"
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert table.row_count == 0
        assert "没有案件同时包含“邻网格噪声”" in screen_text(app)

        app.post_message(OpenIssue(other[0]))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, CaseScreen)
        assert any(f"#{other[0]}" in n for n in notices(app))

        await pilot.press("4")
        await pilot.pause()
        tree = app.screen.query_one(AreaTree)
        assert [n.data for n in tree.root.children] == ["SX01"]


async def test_handler_sees_only_cases_dispatched_to_his_organisation(platform, make_app):
    system = Actor.system()
    to_zjj = report(platform, "worker_sx01", "SX01", "给住建局")
    to_cgj = report(platform, "worker_sx01", "SX01", "给城管局")
    for issue_id, org in ((to_zjj, "ZJJ"), (to_cgj, "CGJ")):
        platform.issues.act(system, issue_id, "register")
        platform.issues.act(system, issue_id, "dispatch", org=org)
    app = make_app("handler_cgj")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert [int(k.value) for k in app.screen.query_one(IssueTable).rows] == [to_cgj]
        assert "给住建局" not in screen_text(app)
