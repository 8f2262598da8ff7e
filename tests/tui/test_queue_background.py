"""The queue never blocks on a query: on a scope of more cases than BACKGROUND_FROM, its
count and page — and a search — are read in a worker thread, keys answer while they run,
and only the answer to the latest filters is shown. The store is slowed on purpose."""

from __future__ import annotations

import threading

from gridgov.tui.screens import queue
from gridgov.tui.screens.queue import QueueScreen
from gridgov.tui.widgets.issue_table import IssueTable
from textual.widgets import Input
from tui_helpers import screen_text

SIZE = (120, 40)


def _slowed_count(platform, monkeypatch) -> threading.Event:
    """Counting waits until the returned event is set (a million-case scope, slowed; the
    home screen has been drawn before, so only the queue meets the slow count)."""
    release = threading.Event()
    real = platform.issues.count

    def count(*args, **kwargs):
        assert release.wait(20), "the test never released the count"
        return real(*args, **kwargs)

    monkeypatch.setattr(platform.issues, "count", count)
    return release


def _report(platform, title: str) -> int:
    return platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="environment.sanitation",
                                  title=title).id


def _rows(screen: QueueScreen) -> list[int]:
    return [int(key.value) for key in screen.query_one(IssueTable).rows]


async def test_keys_answer_while_a_slow_count_runs(platform, make_app, monkeypatch):
    monkeypatch.setattr(queue, "BACKGROUND_FROM", -1)
    ids = [_report(platform, f"楼道杂物{i}") for i in range(3)]
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        release = _slowed_count(platform, monkeypatch)  # from here on, counting takes long
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert "Counting the cases in your scope" in screen_text(app)
        await pilot.press("slash", *"楼道")  # typed while the count is still running
        await pilot.pause()
        assert screen.query_one("#search", Input).value == "楼道"
        assert screen.focused is screen.query_one("#search", Input)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(_rows(screen)) == sorted(ids)
        assert "Page 1/1 · 3 cases" in screen_text(app)


async def test_only_the_answer_to_the_latest_filters_is_shown(platform, make_app, monkeypatch):
    monkeypatch.setattr(queue, "BACKGROUND_FROM", -1)
    wanted = _report(platform, "电梯停运")
    _report(platform, "楼道杂物")
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        release = _slowed_count(platform, monkeypatch)  # from here on, counting takes long
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        await pilot.press("slash", *"电梯", "enter")  # a second load starts before the first ends
        await pilot.pause()
        assert "Searching for “电梯”" in screen_text(app)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _rows(screen) == [wanted]
        assert "1 cases" in screen_text(app)


async def test_a_small_scope_is_read_at_once(platform, make_app):
    issue_id = _report(platform, "路灯不亮")
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.background is False and _rows(app.screen) == [issue_id]
