"""The assessment screens in the real app (``open_plugin_screen``), driven by Pilot and
checked by what is on screen: the plan with its explanations and rotation diff, the
check-in calendar (checking in with a key), the yearly sheets."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from gridgov.core import Actor, Member
from gridgov.core.testing import local_time
from gridgov.plugins.assessment.duties import DutyService
from gridgov.plugins.assessment.plans import PlanService
from gridgov.plugins.assessment.records import Duty
from gridgov.plugins.assessment.sheets import SheetService
from gridgov.tui.plugin import open_plugin_screen
from textual.widgets import DataTable, Static

SYSTEM = Actor.system()


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def title(screen) -> str:
    return str(screen.query_one("#title", Static).render())


@pytest.fixture
def planned(gridgov_platform):
    for code, households in (("SX01", 300), ("SX02", 320), ("BNK01", 280)):
        gridgov_platform.areas.update(SYSTEM, code, households=households)
    gridgov_platform.members.add(SYSTEM, Member(login="pm1", name="党员一", org_code="SX-PB01", party_member=True,
                                                in_service=True, home_area="SX01-B2"))
    stored, _ = PlanService(gridgov_platform).make(SYSTEM, 2027)
    return stored


def test_the_plan_screen_shows_links_with_why_and_the_diff(gridgov_platform, planned):
    async def walk():
        async with open_plugin_screen(gridgov_platform, "admin", "assessment.plan") as pilot:
            screen = pilot.app.screen
            links = cells(screen.query_one(DataTable))
            first = title(screen)
            await pilot.press("d")
            diff = cells(screen.query_one(DataTable))
            second = title(screen)
            await pilot.press("m")
            members = cells(screen.query_one(DataTable))
            return first, links, second, diff, members

    first, links, second, diff, members = asyncio.run(walk())
    assert first == f"plan {planned.id} (2027, draft) · units: links and why"
    assert ["SX-PB01", "SX01"] == links[[r[0] for r in links].index("SX-PB01")][:2]
    assert any("kept from last year (rotation: keep)" in r[2] for r in links)
    assert second == f"plan {planned.id} · units rotation diff: kept 4, rotated 0, new 1, ended 0"
    assert ["CGJ", "new", "—", "PH"] == diff[[r[0] for r in diff].index("CGJ")][:4]
    assert members[0][:2] == ["pm1", "new"] and members[0][3].startswith("SX01-B")


def test_the_calendar_marks_periods_and_checks_in(gridgov_platform):
    service = DutyService(gridgov_platform)
    duty = service.add_duty(SYSTEM, Duty(subject="leader_sx01", duty="weekly_patrol", area_code="SX01",
                                         starts=dt.date(2026, 10, 12)))
    service.check_in(SYSTEM, duty.id, at=local_time(2026, 10, 20, 10))
    service.check_in(SYSTEM, duty.id, at=local_time(2026, 11, 2, 8), period="2026-W44")

    async def walk():
        async with open_plugin_screen(gridgov_platform, "leader_sx01", "assessment.calendar") as pilot:
            periods = pilot.app.screen.query_one("#periods", DataTable)
            before = cells(periods)
            await pilot.press("c")
            await pilot.pause()
            return before, cells(periods)

    before, after = asyncio.run(walk())
    assert [r[:2] for r in before] == [["2026-W42", "missed"], ["2026-W43", "on time"], ["2026-W44", "late"],
                                       ["2026-W45", "open"]]
    assert after[-1][:2] == ["2026-W45", "on time"]
    assert service.checkins_of(SYSTEM, subject="leader_sx01")[-1].channel == "tui"


def test_the_sheets_screen_shows_members_and_units_in_chinese(gridgov_platform):
    sheets = SheetService(gridgov_platform)
    for i in range(3):
        sheets.rate_unit(SYSTEM, 2026, "ZJJ", rater=f"r{i}", rater_kind="resident", score=80, area="SX")
    sheets.rate_member(SYSTEM, 2026, "leader_sx01", side="branch", score=90, area="SX")
    sheets.rate_member(SYSTEM, 2026, "leader_sx01", side="community", score=70, area="SX")

    async def walk():
        async with open_plugin_screen(gridgov_platform, "admin", "assessment.sheets", lang="zh") as pilot:
            screen = pilot.app.screen
            members = cells(screen.query_one(DataTable))
            first = title(screen)
            await pilot.press("u")
            return first, members, title(screen), cells(screen.query_one(DataTable))

    first, members, second, units = asyncio.run(walk())
    assert first == "2026年度考核表 · 党员（1）"
    assert members[0][:2] == ["leader_sx01", "80.0"]
    assert second == "2026年度考核表 · 单位（1）"
    assert units[0][0] == "ZJJ" and units[0][1] == "—" and "not enough raters (3 of 50)" in units[0][5]
