"""The joint-meetings screens in the real app, driven by Pilot: the bodies with their
cadence flags, a body's topics, the topic chain, and the agenda builder."""

from __future__ import annotations

import asyncio
import datetime as dt

from gridgov.core import Actor, RoleAssignment
from gridgov.core.testing import local_time
from gridgov.plugins.joint_meetings.service import JointMeetingsService
from gridgov.tui.plugin import open_plugin_screen
from textual.widgets import DataTable, Input, Static

SYSTEM = Actor.system()


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def moved_topic(platform):
    """A topic raised in grid SX01, moved up to community SX and settled there."""
    service = JointMeetingsService(platform)
    grid = service.add_body(SYSTEM, area="SX01", name="第01网格联席会议")
    community = service.add_body(SYSTEM, area="SX", name="山厦社区大党委")
    topic = service.raise_topic(SYSTEM, grid.id, title="小区排水不畅", origin="resident")
    m1 = service.schedule(SYSTEM, grid.id, at=local_time(2026, 10, 10, 15), place="网格站")
    service.add_to_agenda(SYSTEM, m1.id, topic.id)
    service.record_minutes(SYSTEM, m1.id, minutes="网格无法解决，提请社区")
    service.move_up(SYSTEM, topic.id, meeting_id=m1.id)
    m2 = service.schedule(SYSTEM, community.id, at=local_time(2026, 10, 20, 15), place="社区")
    service.add_to_agenda(SYSTEM, m2.id, topic.id)
    service.record_minutes(SYSTEM, m2.id, minutes="议定物业疏通")
    service.decide(SYSTEM, m2.id, topic_id=topic.id, text="物业疏通管道", owner_org="SXWY", due=dt.date(2026, 11, 30))
    return grid, community, topic


def test_bodies_flags_topics_and_the_chain(gridgov_platform):
    grid, community, topic = moved_topic(gridgov_platform)

    async def drive() -> None:
        async with open_plugin_screen(gridgov_platform, "admin", "joint_meetings.bodies") as pilot:
            screen = pilot.app.screen
            table = screen.query_one(DataTable)
            rows = [table.get_row_at(i) for i in range(table.row_count)]
            assert [(r[2], r[5]) for r in rows] == [("山厦社区大党委", ""), ("第01网格联席会议", "overdue")]
            assert text(screen, "#summary") == "2 bodies, 1 overdue"
            await pilot.press("o")
            assert table.row_count == 1 and table.get_row_at(0)[2] == "第01网格联席会议"
            await pilot.press("o")
            await pilot.press("enter")  # the community's topics
            await pilot.pause()
            topics = pilot.app.screen.query_one(DataTable)
            assert topics.get_row_at(0)[2] == "settled" and topics.get_row_at(0)[4] == "小区排水不畅"
            await pilot.press("enter")  # the chain
            await pilot.pause()
            chain = pilot.app.screen
            steps = chain.query_one(DataTable)
            assert [steps.get_row_at(i)[1] for i in range(steps.row_count)] == ["raised", "moved up", "settled"]
            assert steps.get_row_at(1)[4] == "网格无法解决，提请社区"
            assert "物业疏通管道" in text(chain, "#decisions") and "第01网格联席会议" in text(chain, "#decisions")

    asyncio.run(drive())


def test_the_chain_in_chinese_from_the_moved_topics_list(gridgov_platform):
    _, _, topic = moved_topic(gridgov_platform)

    async def drive() -> None:
        async with open_plugin_screen(gridgov_platform, "admin", "joint_meetings.chain", lang="zh") as pilot:
            table = pilot.app.screen.query_one(DataTable)
            assert table.get_row_at(0)[0] == str(topic.id) and table.get_row_at(0)[1] == "已议决"
            await pilot.press("enter")
            await pilot.pause()
            steps = pilot.app.screen.query_one(DataTable)
            assert [steps.get_row_at(i)[1] for i in range(steps.row_count)] == ["提出", "上移", "议决"]
            assert "已反馈：第01网格联席会议" in text(pilot.app.screen, "#decisions")

    asyncio.run(drive())


def test_the_agenda_builder_plans_a_meeting_and_fills_its_agenda(gridgov_platform, gridgov_issue):
    service = JointMeetingsService(gridgov_platform)
    gridgov_platform.members.assign(SYSTEM, RoleAssignment(login="dispatcher_sx", post="party_secretary",
                                                           area_code="SX", starts=dt.date(2026, 1, 1)))
    community = service.add_body(SYSTEM, area="SX", name="山厦社区大党委")
    case = gridgov_issue(area="SX01-B1", title="跨网格排水", to="registered")
    gridgov_platform.issues.act(SYSTEM, case.id, "escalate", note="网格无法处理")
    service.raise_topic(SYSTEM, community.id, title="停车难", origin="resident")

    async def drive() -> None:
        async with open_plugin_screen(gridgov_platform, "dispatcher_sx", "joint_meetings.agenda") as pilot:
            await pilot.press("enter")  # the only joint body: SX
            await pilot.pause()
            screen = pilot.app.screen
            assert text(screen, "#meeting") == "no meeting planned (press n)"
            table = screen.query_one(DataTable)
            assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["open here", "escalated case"]
            await pilot.press("a")
            await pilot.pause()
            assert table.row_count == 2  # refused: no meeting yet
            await pilot.press("n")
            await pilot.pause()
            form = pilot.app.screen
            form.query_one("#at", Input).value = "2026-11-20 15:00"
            form.query_one("#place", Input).value = "社区党群服务中心"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert text(screen, "#meeting") == "next meeting: 2026-11-20 15:00 社区党群服务中心"
            await pilot.press("a")
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            assert table.row_count == 0
            assert text(screen, "#agenda") == "on the agenda: 停车难；跨网格排水"
        [meeting] = service.upcoming(SYSTEM)
        agenda = service.agenda(SYSTEM, meeting[0].id)
        assert [t.issue_id for t in agenda] == [None, case.id]

    asyncio.run(drive())
