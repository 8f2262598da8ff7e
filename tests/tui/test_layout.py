"""The main screens at 80×24 and 120×40 with Chinese data: everything important is on
screen, and columns of tables stay aligned although Chinese characters are two cells wide."""

from __future__ import annotations

import pytest
from gridgov.core import Actor
from gridgov.tui.app import GridgovApp
from gridgov.tui.widgets.issue_table import IssueTable
from rich.cells import cell_len
from tui_helpers import screen_text

SIZES = [(80, 24), (120, 40)]
TITLES = ("路面塌陷", "楼道堆放杂物影响通行", "噪声", "电梯停运三天居民出行困难", "a lamp is out")


@pytest.fixture
def chinese_platform(core_platform):
    worker = core_platform.actor("worker_sx01")
    areas = ("SX01", "SX01-B1", "SX01-B2", "SX01", "SX01-B1")
    for title, area in zip(TITLES, areas, strict=True):
        core_platform.issues.report(worker, area=area, category="environment.sanitation", title=title,
                                    requester_phone="13912345678")
    core_platform.issues.act(Actor.system(), 2, "register")
    core_platform.issues.act(Actor.system(), 2, "dispatch", org="CGJ")
    return core_platform


def cell_offset(line: str, text: str) -> int:
    return cell_len(line[: line.index(text)])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_queue_columns_align_with_chinese_text(chinese_platform, size):
    app = GridgovApp(chinese_platform, chinese_platform.actor("dispatcher_sx"), "zh")
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert len(lines) == size[1] and all(cell_len(line) == size[0] for line in lines)
        header = next(line for line in lines if "编号" in line and "状态" in line)
        starts = [title[:4] for title in TITLES]
        areas = ("第01网格",) if size[0] < 100 else ("山厦社区第01网格",)  # a building shows its grid first
        rows = [line for line in lines if any(s in line for s in starts)]
        assert len(rows) == len(TITLES)
        for column, values in (("状态", ("已上报", "已派遣")), ("标题", starts), ("区域", areas)):
            expected = cell_offset(header, column)
            for row in rows:
                value = next((v for v in values if v in row), None)
                assert value is not None, (column, row)
                assert cell_offset(row, value) == expected, (column, row)
        assert "第 1/1 页 · 共 5 件" in "\n".join(lines)
        assert "下一页" in lines[-1]  # the footer names the keys


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_home_case_and_intake_fit(chinese_platform, size):
    app = GridgovApp(chinese_platform, chinese_platform.actor("dispatcher_sx"), "zh")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for label in ("在办", "今日到期", "已超期", "本周结案", "响应率", "结案率", "满意率"):
            assert label in text
        assert "社区派遣员黄丽 (dispatcher_sx)" in text and "派遣员 · 山厦社区" in text

        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one(IssueTable)
        table.move_cursor(row=table.get_row_index("2"))  # the dispatched case
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "楼道堆放杂物影响通行" in text and "已派遣" in text and "区城市管理和综合执法局" in text
        assert "139****5678" in text and "13912345678" not in text
        assert " e  上移" in text  # the action bar shows the keys open to the dispatcher

        await pilot.press("escape", "3")
        await pilot.pause()
        text = screen_text(app)
        for label in ("类别", "地点", "优先级", "标题", "描述", "诉求人"):
            assert label in text
