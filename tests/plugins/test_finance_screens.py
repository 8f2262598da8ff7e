"""The finance screens in a minimal Textual app: stations with their numbers, a station's
queue, a consultation's actions, and a firm's history."""

from __future__ import annotations

import asyncio

from gridgov.plugins.finance_station.screens import (
    ConsultationScreen,
    FirmScreen,
    FormModal,
    StationQueueScreen,
    StationsScreen,
)
from test_finance_workflow import finance  # noqa: F401  (fixture)
from textual.app import App
from textual.widgets import DataTable, Input, Static


class Host(App):
    """What the finance screens need from the real app: platform, actor and language."""

    def __init__(self, platform, actor, lang="en") -> None:
        super().__init__()
        self.platform = platform
        self.actor = actor
        self.lang = lang
        self.notices: list[str] = []

    def notify(self, message, **kwargs) -> None:
        self.notices.append(str(message))
        super().notify(message, **kwargs)


def drive(coro):
    return asyncio.run(coro)


def test_stations_queue_detail_and_grant_with_keys(finance):  # noqa: F811
    c = finance.consultation(enterprise="ENT-HD", amount="300万")
    finance.service.refer(finance.officer, c.id, finance.bank)

    async def scenario():
        app = Host(finance.platform, finance.officer)
        async with app.run_test(size=(140, 40)) as pilot:
            await app.push_screen(StationsScreen(app))
            await pilot.pause()
            stations = app.screen.query_one("#stations", DataTable)
            assert stations.row_count == 2
            assert "1 consultations" in str(
                app.screen.query_one("#finance-summary", Static).render()
            )
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, StationQueueScreen) and app.screen.station_code == "FS-EI"
            queue = app.screen.query_one("#queue", DataTable)
            assert queue.row_count == 1
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConsultationScreen)
            await pilot.press("g")
            await pilot.pause()
            assert isinstance(app.screen, FormModal)
            app.screen.query_one("#field-amount", Input).value = "250万"
            app.screen.query_one("#switch-inclusive").value = True
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConsultationScreen)
            assert "finished" in str(app.screen.query_one("#actions", Static).render())
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.query_one("#queue", DataTable).row_count == 0, (
                "granted leaves the default filter"
            )
            await pilot.press("f")
            await pilot.pause()
            assert app.screen.query_one("#queue", DataTable).row_count == 1

    drive(scenario())
    stored = finance.service.get(finance.officer, c.id)
    assert (stored.status, stored.granted_amount, stored.inclusive) == (
        "granted",
        250_000_000,
        True,
    )


def test_a_refused_action_shows_the_reason_and_changes_nothing(finance):  # noqa: F811
    c = finance.consultation()

    async def scenario():
        app = Host(finance.platform, finance.officer, lang="zh")
        async with app.run_test(size=(140, 40)) as pilot:
            await app.push_screen(ConsultationScreen(app, c.id))
            await pilot.pause()
            assert "待受理" in str(app.screen.query_one("#consultation", Static).render())
            await pilot.press("g")
            await pilot.pause()
            app.screen.query_one("#field-amount", Input).value = "-5"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConsultationScreen)
            assert any("amount: must not be negative" in n for n in app.notices)
            await pilot.press("d")
            await pilot.pause()
            app.screen.query_one("#field-reason", Input).value = "征信记录不符合要求"
            await pilot.press("enter")
            await pilot.pause()
            assert "未获授信" in str(app.screen.query_one("#consultation", Static).render())

    drive(scenario())
    assert finance.service.get(finance.officer, c.id).status == "declined"


def test_firm_history_lists_consultations_across_stations(finance):  # noqa: F811
    finance.service.open(finance.officer, enterprise="ENT-HD", station="FS-EI")
    finance.service.open(finance.officer, enterprise="ENT-HD", station="FS-IM", need="policy")

    async def scenario():
        app = Host(finance.platform, finance.officer)
        async with app.run_test(size=(140, 40)) as pilot:
            await app.push_screen(StationsScreen(app))
            await pilot.pause()
            await pilot.press("slash")
            await pilot.pause()
            app.screen.query_one("#field-firm", Input).value = finance.platform.organisations.get(
                "ENT-HD"
            ).uscc
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, FirmScreen)
            table = app.screen.query_one("#history", DataTable)
            assert [table.get_row_at(i)[1] for i in range(table.row_count)] == ["FS-EI", "FS-IM"]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConsultationScreen)

    drive(scenario())


def test_the_registered_screen_opens_from_the_spec(finance):  # noqa: F811
    spec = finance.platform.screens["finance.stations"]

    async def scenario():
        app = Host(finance.platform, finance.officer)
        async with app.run_test() as pilot:
            await app.push_screen(spec.factory(app))
            await pilot.pause()
            assert isinstance(app.screen, StationsScreen)

    drive(scenario())
