"""Snapshots of the main screens (core only, Chinese data, fixed clock), compared with the
SVGs under ``__snapshots__``; regenerate with ``pytest tests/tui --snapshot-update`` after
a deliberate change, and look at the report before committing."""

from __future__ import annotations

import pytest
from gridgov.core import Actor
from gridgov.tui.app import GridgovApp


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

    def make(login: str, lang: str = "zh") -> GridgovApp:
        return GridgovApp(core_platform, core_platform.actor(login), lang)

    return make


def test_home(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40))


def test_home_narrow_english(app_as, snap_compare):
    assert snap_compare(app_as("worker_sx01", "en"), terminal_size=(80, 24))


def test_queue(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40), press=["2"])


def test_queue_narrow(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(80, 24), press=["2"])


def test_case(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40), press=["2", "enter"])


def test_dispatch_form(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40), press=["2", "down", "enter", "g", "d"])


def test_intake(app_as, snap_compare):
    assert snap_compare(app_as("worker_sx01"), terminal_size=(80, 24), press=["3"])


def test_browse(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx"), terminal_size=(120, 40), press=["4", "down"])


def test_help(app_as, snap_compare):
    assert snap_compare(app_as("dispatcher_sx", "en"), terminal_size=(100, 30), press=["2", "enter", "question_mark"])
