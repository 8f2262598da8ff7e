"""The mediation screens, driven with Textual's Pilot in a minimal app that carries
``platform``, ``actor`` and ``lang`` like the real one."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from gridgov.core import Actor
from gridgov.plugins.mediation.demo import install_bodies
from gridgov.plugins.mediation.records import Party
from gridgov.plugins.mediation.screens import calendar_screen, dispute_list_screen
from gridgov.plugins.mediation.service import MediationService
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

SYSTEM = Actor.system()


class MiniApp(App):
    def __init__(self, platform, actor, factory, lang: str = "en") -> None:
        super().__init__()
        self.platform, self.actor, self.lang, self.factory = platform, actor, lang, factory

    def on_mount(self) -> None:
        self.push_screen(self.factory(self))


@pytest.fixture
def dispute(gridgov_platform, gridgov_actors):
    install_bodies(gridgov_platform)
    service = MediationService(gridgov_platform)
    found = service.open_dispute(gridgov_actors["worker_sx01"], area="SX01", kind="family", title="家庭赡养纠纷",
                                 summary="赡养费争议", parties=[Party(name="王芳", phone="13812345678"), Party(name="王强")])  # fmt: skip
    gridgov_platform.issues.act(SYSTEM, found.issue_id, "register")
    gridgov_platform.issues.act(SYSTEM, found.issue_id, "dispatch")
    return found


def fill(screen, **values: str) -> None:
    for widget_id, value in values.items():
        screen.query_one(f"#{widget_id}", Input).value = value


def test_list_detail_session_outcome_and_follow_up(gridgov_platform, dispute, gridgov_clock):
    app = MiniApp(gridgov_platform, gridgov_platform.actor("tj.sx.1"), dispute_list_screen)
    service = MediationService(gridgov_platform)

    async def drive() -> None:
        async with app.run_test(size=(120, 50)) as pilot:
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            assert table.row_count == 1 and table.get_row_at(0)[0] == str(dispute.id)
            await pilot.press("enter")
            await pilot.pause()
            assert "138****5678" in str(app.screen.query_one("#parties", Static).render())
            await pilot.press("s")
            await pilot.pause()
            fill(app.screen, at=f"{gridgov_clock.now:%Y-%m-%d} 15:00", place="第01网格调解室", attendees="王芳, 王强", notes="耐心疏导")
            await pilot.click("#save")
            await pilot.pause()
            [session] = service.sessions(SYSTEM, dispute.id)
            assert (session.mediators, session.attendees, session.place) == (("tj.sx.1",), ("王芳", "王强"), "第01网格调解室")
            await pilot.press("o")
            await pilot.pause()
            fill(app.screen, terms="子女每月支付赡养费800元")
            await pilot.click("#save")
            await pilot.pause()
            outcome = service.outcome(SYSTEM, dispute.id)
            assert (outcome.kind, outcome.terms, outcome.level) == ("agreement", "子女每月支付赡养费800元", "grid")
            assert "子女每月支付赡养费800元" in str(app.screen.query_one("#outcome", Static).render())
            await pilot.press("f")
            await pilot.pause()
            await pilot.click("#save")
            await pilot.pause()
            [visit] = service.follow_ups(SYSTEM, dispute.id)
            assert visit.due_on == gridgov_clock.now.date() + dt.timedelta(days=14)
            await pilot.press("p")
            await pilot.pause()
            await pilot.click("#save")
            await pilot.pause()
            assert service.outcome(SYSTEM, dispute.id).performed_on == gridgov_clock.now.date()
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.query_one(DataTable).get_row_at(0)[2] == "agreed"

    asyncio.run(drive())


def test_a_referral_without_a_target_stays_in_the_form(gridgov_platform, dispute):
    app = MiniApp(gridgov_platform, gridgov_platform.actor("tj.sx.1"), dispute_list_screen, lang="zh")

    async def drive() -> None:
        async with app.run_test(size=(120, 50)) as pilot:
            await pilot.pause()
            assert str(app.screen.query_one("#title", Static).render()) == "矛盾纠纷调解"
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("o")
            await pilot.pause()
            form = app.screen
            form.query_one("#kind", Select).value = "referred"
            fill(form, receiving_body="龙岗区人民法院", note="调解不成")
            await pilot.click("#save")
            await pilot.pause()
            assert app.screen is form  # the form stays open with an error notice
            form.query_one("#to", Select).value = "court"
            await pilot.pause(0.3)  # a button ignores clicks during its press animation
            await pilot.click("#save")
            await pilot.pause()
            assert app.screen is not form

    asyncio.run(drive())
    assert MediationService(gridgov_platform).outcome(SYSTEM, dispute.id).referred_to == "court"


def test_a_mediators_calendar_shows_their_sessions_with_the_next_one_selected(gridgov_platform, dispute, gridgov_clock):
    service, now = MediationService(gridgov_platform), gridgov_clock.now
    mediator = gridgov_platform.actor("tj.sx.2")
    service.record_session(mediator, dispute.id, at=now - dt.timedelta(hours=2), place="调解室", mediators=["tj.sx.2"])
    service.record_session(mediator, dispute.id, at=now + dt.timedelta(days=1), place="社区调解室", mediators=["tj.sx.2"])
    service.record_session(mediator, dispute.id, at=now + dt.timedelta(days=2), place="调解室", mediators=["tj.sx.1"])
    app = MiniApp(gridgov_platform, mediator, calendar_screen)

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            assert table.row_count == 2
            assert table.cursor_row == 1 and table.get_row_at(1)[2] == "社区调解室"
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen.dispute_id == dispute.id

    asyncio.run(drive())
