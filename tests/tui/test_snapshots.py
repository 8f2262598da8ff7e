"""Snapshots of the main screens (core only, Chinese data, fixed clock) at 80×24 and
120×40, compared with the SVGs under ``__snapshots__``; regenerate with
``pytest tests/tui --snapshot-update`` after a deliberate change, and look at the report
before committing. The same screens, read as text, must show every label, status and key
hint whole: nothing cut with an ellipsis."""

from __future__ import annotations

import pytest
from gridgov.core import Actor
from gridgov.tui.app import GridgovApp
from tui_helpers import screen_text

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
# screen → (login, keys pressed from the start)
SCREENS = {
    "home": ("dispatcher_sx", []),
    "queue": ("dispatcher_sx", ["2"]),
    "case": ("dispatcher_sx", ["2", "enter"]),
    "intake": ("worker_sx01", ["3"]),
}


@pytest.fixture
def app_as(core_platform):
    worker = core_platform.actor("worker_sx01")
    reports = (("SX01-B1", "road.repair", "路面塌陷约一米"), ("SX01-B2", "noise", "夜间施工噪声扰民"),
               ("SX01", "property.dispute", "物业费收取争议"), ("SX01-B1", "facility.repair", "楼道灯不亮"))
    for area, category, title in reports:
        core_platform.issues.report(worker, area=area, category=category, title=title,
                                    description=f"{title}，请尽快处理", requester_phone="13812345678")
    system = Actor.system()
    for action, kw in (("register", {}), ("dispatch", {"org": "ZJJ"}), ("accept", {}),
                       ("resolve", {"note": "已修复"}), ("verify", {}), ("close", {"rating": "satisfied"})):
        core_platform.issues.act(system, 1, action, **kw)
    core_platform.issues.act(system, 2, "register")
    core_platform.issues.act(system, 2, "dispatch", org="PHPS")
    core_platform.issues.act(system, 2, "accept")
    core_platform.issues.act(system, 2, "resolve", note="已与施工方沟通，夜间22点后停止施工，并安排网格员回访确认")

    def make(login: str, lang: str = "zh") -> GridgovApp:
        return GridgovApp(core_platform, core_platform.actor(login), lang)

    return make


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(app_as, snap_compare, screen, size):
    login, keys = SCREENS[screen]
    assert snap_compare(app_as(login), terminal_size=SIZES[size], press=keys)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
async def test_nothing_is_cut(app_as, screen, size, lang):
    login, keys = SCREENS[screen]
    app = app_as(login, lang)
    async with app.run_test(size=SIZES[size]) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "…" not in text, text


def test_home_narrow_english(app_as, snap_compare):
    assert snap_compare(app_as("worker_sx01", "en"), terminal_size=(80, 24))


def test_dispatch_form(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40), press=["2", "down", "enter", "g", "d"])


def test_browse(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40), press=["4", "down"])


def test_help(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx", "en"), terminal_size=(100, 30), press=["2", "enter", "question_mark"])


def test_work(app_as, snap_compare):
    assert snap_compare(app_as("worker_sx01", "en"), terminal_size=(80, 24), press=["5"])
