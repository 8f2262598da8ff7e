"""The service-lists screens in the real app, driven with Pilot: the three lists, the
suggestions with their reasons and a decision, the orders queue, the project board."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from gridgov.core.testing import local_time
from gridgov.plugins.service_lists.orders import OrderService
from gridgov.plugins.service_lists.projects import ProjectService
from gridgov.plugins.service_lists.records import Decision, Order
from gridgov.tui.plugin import open_plugin_screen
from tui_helpers import flat, notices, screen_text

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))
from test_service_lists_support import need, resource, service, staff  # noqa: E402


def test_the_lists_the_suggestions_with_reasons_and_a_decision(gridgov_platform):
    platform = gridgov_platform
    actors = staff(platform)
    res = resource(platform, actors["keeper_sx"], capacity=4, title="支部助餐")
    wanted = need(platform, actors["worker_sx01"], tags=("助老", "助餐"), title="独居老人助餐")

    async def walk():
        async with open_plugin_screen(platform, "keeper_sx", "service_lists.lists") as pilot:
            await pilot.pause()
            first = screen_text(pilot.app)
            await pilot.press("2")
            await pilot.pause()
            resources = screen_text(pilot.app)
            await pilot.press("1", "s")
            await pilot.pause()
            suggestions = screen_text(pilot.app)
            await pilot.press("d", *"2027-03-31", "tab", *"同意", "ctrl+s")
            await pilot.pause()
            return first, resources, suggestions, notices(pilot.app), type(pilot.app.screen).__name__

    first, resources, suggestions, shown, screen = asyncio.run(walk())
    assert "needs (1 rows)" in first and "独居老人助餐" in first
    assert "resources (1 rows)" in resources and "0/4" in resources
    assert "tagsmatch:助老,助餐(2of2)" in flat(suggestions)
    assert "2stepsawayintheareatree" in flat(suggestions) and "notratedyet" in flat(suggestions)
    assert any("project 1 decided" in n for n in shown) and screen == "ListsScreen"
    project = ProjectService(platform).list(actors["keeper_sx"])[0]
    assert (project["need_id"], project["resource_id"], project["due"]) == (wanted["id"], res["id"], dt.date(2027, 3, 31))


def test_the_orders_queue_moves_an_order_one_key_at_a_time(gridgov_platform):
    platform = gridgov_platform
    actors = staff(platform)
    menu = service(platform, actors["keeper_sx"])
    order = OrderService(platform).place(actors["worker_sx01"], Order(service_id=menu["id"], area_code="SX01-B1",
                                                                       resident_name="王奶奶"))

    async def as_(login, *keys):
        async with open_plugin_screen(platform, login, "service_lists.orders") as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            return screen_text(pilot.app), notices(pilot.app), type(pilot.app.screen).__name__

    text, shown, _ = asyncio.run(as_("keeper_sx", "n"))
    assert "order 1: dispatched" in shown[-1] and "王奶奶" in text
    _, shown, _ = asyncio.run(as_("keeper_sx", "n"))
    assert "no next step for this order" in shown[-1]  # taking is the unit's
    _, shown, _ = asyncio.run(as_("unit_pb01", "n"))
    assert "order 1: taken" in shown[-1]
    _, shown, screen = asyncio.run(as_("unit_pb01", "n", *"2026-11-07 10:00", "ctrl+s"))
    assert screen == "MoveForm" and "not given on Saturdays" in shown[-1]  # refused: the form stays open
    _, shown, screen = asyncio.run(as_("unit_pb01", "x", *"本周无人手", "ctrl+s"))
    assert screen == "OrdersScreen" and "order 1: unserved" in shown[-1]
    row = platform.table("service_lists_order").get(order["id"])
    assert row["status"] == "unserved" and platform.issues.find_raw(row["issue_id"]).category == "service_lists.order"


def test_the_project_board_shows_how_each_project_stands_and_its_timeline(gridgov_platform):
    platform = gridgov_platform
    actors = staff(platform)
    res = resource(platform, actors["keeper_sx"], capacity=5)
    projects = ProjectService(platform)
    made = []
    for title, at, due in (("楼道灯维修", local_time(2026, 10, 20, 10), dt.date(2027, 3, 31)),
                           ("助餐点建设", local_time(2026, 8, 1, 10), dt.date(2027, 3, 31))):
        wanted = need(platform, actors["worker_sx01"], title=title)
        made.append(projects.decide(actors["keeper_sx"], wanted["id"], res["id"],
                                    Decision(decided_on=dt.date(2026, 7, 30), note="同意"), due=due, at=at))
    projects.report_progress(actors["unit_pb01"], made[0]["id"], percent=20, note="已备料", at=local_time(2026, 10, 28, 10))

    async def walk():
        async with open_plugin_screen(platform, "dispatcher_sx", "service_lists.board", lang="zh") as pilot:
            await pilot.pause()
            board = screen_text(pilot.app)
            await pilot.press("t")
            await pilot.pause()
            return board, screen_text(pilot.app)

    board, timeline = asyncio.run(walk())
    assert "按期推进 1" in board and "停滞 1" in board
    assert "自2026-08-01起未报告进度" in flat(board)
    assert "decision" in timeline and "同意" in timeline  # the newest project, under the cursor
