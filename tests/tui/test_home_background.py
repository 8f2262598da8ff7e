"""The home screen never blocks on a count: on a scope of more cases than
BACKGROUND_FROM, the open, due and overdue counts (of the scope and of each child area)
are read in a worker thread, keys answer while they run, and a refresh shows only the
latest answer. The store is slowed on purpose."""

from __future__ import annotations

import threading

from gridgov.tui.screens import queue
from gridgov.tui.screens.home import HomeScreen
from gridgov.tui.widgets.stat_card import StatCard
from textual.widgets import DataTable
from tui_helpers import screen_text

SIZE = (120, 40)


def _slowed_count(platform, monkeypatch) -> tuple[threading.Event, list[int]]:
    release, calls = threading.Event(), []
    real = platform.issues.count

    def count(*args, **kwargs):
        calls.append(1)
        assert release.wait(20), "the test never released the count"
        return real(*args, **kwargs)

    monkeypatch.setattr(platform.issues, "count", count)
    return release, calls


def _card(screen: HomeScreen, key: str) -> str:
    return screen.query_one(f"#card-{key}", StatCard).value


async def test_keys_answer_while_the_home_counts_run(platform, make_app, monkeypatch):
    monkeypatch.setattr(queue, "BACKGROUND_FROM", -1)
    worker = platform.actor("worker_sx01")
    platform.issues.report(worker, area="SX01", category="environment.sanitation", title="楼道杂物")
    dispatcher = platform.actor("dispatcher_sx")
    expected = platform.issues.count(dispatcher, open_only=True)
    release, calls = _slowed_count(platform, monkeypatch)
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert calls, "the counts started"
        assert _card(screen, "open") == "…"
        table = screen.query_one("#children", DataTable)
        assert table.row_count > 0 and "…" in screen_text(app)
        before = screen.focused
        await pilot.press("tab")  # answered while the count waits
        assert screen.focused is not before
        await pilot.press("r")  # a second count starts before the first ends
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _card(screen, "open") == str(expected)
        assert "…" not in [str(table.get_cell_at((row, 2))) for row in range(table.row_count)]


async def test_a_small_scope_is_counted_at_once(platform, make_app):
    dispatcher = platform.actor("dispatcher_sx")
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.background is False
        assert _card(screen, "open") == str(platform.issues.count(dispatcher, open_only=True))
