"""The contract with plugins: their screens (filtered by permission) in Browse and the
palette, their palette commands, their home cards, and their failures as warnings."""

from __future__ import annotations

from gridgov.core import MetricSpec, PaletteCommand, ScreenSpec, hookimpl
from gridgov.tui.app import GridgovApp
from textual.screen import Screen
from textual.widgets import DataTable, Static
from tui_helpers import notices, screen_text


class StationScreen(Screen):
    def __init__(self, app) -> None:
        super().__init__()
        self.seen = (app.actor.login, app.lang, app.platform.issues.count(app.actor))

    def compose(self):
        yield Static("stations of the demo plugin", id="stations")


class DemoPlugin:

    @staticmethod
    @hookimpl
    def register_screens(register):
        register(ScreenSpec(id="demo.stations", title_zh="演示站点", title_en="Demo stations", factory=StationScreen))
        register(ScreenSpec(id="demo.secret", title_zh="机密", title_en="Secret", factory=StationScreen,
                            permission="demo.secret"))

    @staticmethod
    @hookimpl
    def register_palette_commands(register):
        register(PaletteCommand(id="demo.hello", title_zh="问好", title_en="Say hello",
                                run=lambda app: app.notify(f"hello {app.actor.login} in {app.lang}")))

    @staticmethod
    @hookimpl
    def register_metrics(register):
        register(MetricSpec(id="demo.card", title_zh="演示卡片", title_en="Demo card",
                            compute=lambda platform, actor, area, since, until: {"stations": 7, "area": area},
                            labels_zh={"stations": "站点数"}))
        register(MetricSpec(id="demo.broken", title_zh="坏卡片", title_en="Broken card",
                            compute=lambda platform, actor, area, since, until: 1 / 0))


class FailingPlugin:

    @staticmethod
    @hookimpl
    def register_categories(register):
        raise RuntimeError("boom at start-up")


async def test_plugin_screens_commands_and_cards(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(), plugins=[DemoPlugin])
    app = GridgovApp(platform, platform.actor("dispatcher_sx"), "en")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Demo card" in text and "stations: 7" in text and "area: SX" in text
        assert "Broken card" in text and "card failed" in text  # the home screen keeps working
        assert any("Plugin" in n and "division by zero" in n for n in notices(app))

        await pilot.press("4")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        table = app.screen.query_one("#plugin-screens", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Demo stations"]  # no Secret
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StationScreen)
        assert app.screen.seen == ("dispatcher_sx", "en", 0)

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Say hello")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert "hello dispatcher_sx in en" in notices(app)


async def test_plugin_failure_at_start_is_a_warning_naming_the_plugin(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(), plugins=[FailingPlugin, DemoPlugin], strict=False)
    failures = len(platform.plugin_failures)
    assert failures
    app = GridgovApp(platform, platform.actor("worker_sx01"), "zh")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert any("FailingPlugin" in n and "boom" in n for n in notices(app))
        await app.workers.wait_for_complete()  # the home cards, read on a second connection
        assert len(platform.plugin_failures) == failures
        cards = {str(card.content) for card in app.screen.query(".plugin-card").results(Static)}
        assert "站点数: 7\narea: SX01" in cards  # labels in the reader's language where the plugin gives them
        await pilot.press("2")
        await pilot.pause()
        assert "案件" in screen_text(app)


async def test_builtin_department_plugins_load_into_the_tui(platform, make_app):
    app = make_app("admin", "zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "p")
        await pilot.pause()
        table = app.screen.query_one("#plugin-screens", DataTable)
        titles = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert titles == [app.title_of(s) for s in platform.screens.values()]
