"""A case walked through the whole closed loop, and an escalation, by keys only.

Each step runs the app as the member who takes it (grid worker, dispatchers, handler),
presses the keys a person would press, then checks what the screen shows and what the
database holds.
"""

from __future__ import annotations

import pytest
from gridgov.core import Actor
from gridgov.tui.screens.action_form import ActionForm
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.intake import IntakeScreen
from gridgov.tui.widgets.issue_table import IssueTable
from gridgov.tui.widgets.phone_input import PhoneInput
from tui_helpers import screen_text

SIZE = (120, 40)


def stored(platform, issue_id):
    return platform.issues.get(Actor.system(), issue_id)


async def open_first_case(pilot) -> CaseScreen:
    await pilot.press("2")
    await pilot.pause()
    assert pilot.app.screen.query_one(IssueTable).row_count >= 1
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CaseScreen)
    return pilot.app.screen


@pytest.mark.slow
async def test_whole_loop_by_keys(platform, make_app):
    # 1. The grid worker reports a case at a building of his grid through the intake form.
    app = make_app("worker_sx01", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press("enter", "down", "enter")  # first category: 道路修复 road.repair
        await pilot.press("tab", *"SX01-B", "right")  # the inline completion gives SX01-B1 1栋
        await pilot.pause()
        assert "1栋" in screen_text(app)
        await pilot.press("tab", "tab", *"路面塌陷")  # skip priority, type the title
        await pilot.press("tab", *"3栋门前路面塌陷约一米")
        await pilot.press("tab", *"陈女士", "tab", *"13812345678", "tab")
        await pilot.pause()
        phone = app.screen.query_one(PhoneInput)
        assert phone.value == "138****5678" and phone.current() == "13812345678"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        text = screen_text(app)
        assert "路面塌陷" in text and "已上报" in text and "138****5678" in text
        issue_id = app.screen.issue_id
    issue = platform.issues.get(Actor.system(), issue_id, unmask_reason="test")
    assert (issue.status, issue.area_code, issue.category) == ("reported", "SX01-B1", "road.repair")
    assert issue.requester_phone == "13812345678" and issue.requester_name == "陈女士"
    assert issue.description == "3栋门前路面塌陷约一米"

    # 2. The community dispatcher registers it (g) and dispatches it to the housing bureau (d).
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        assert case.actions == ["register", "reject", "merge", "callback"]
        await pilot.press("g")
        await pilot.pause()
        assert stored(platform, issue_id).status == "registered"
        assert "已立案" in screen_text(app)
        assert "dispatch" in case.actions and "register" not in case.actions
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        await pilot.press(*"ZJJ", "enter")
        await pilot.pause()
        assert app.screen is case
        issue = stored(platform, issue_id)
        assert (issue.status, issue.assignee_org) == ("dispatched", "ZJJ")
        assert issue.resolve_due is not None
        assert "已派遣" in screen_text(app) and "区住房和建设局" in screen_text(app)

    # 3. The bureau's handler accepts it (a) and reports the result (f, with a note).
    app = make_app("handler_zjj", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        assert case.actions == ["accept", "return"]
        await pilot.press("a")
        await pilot.pause()
        assert stored(platform, issue_id).status == "in_progress"
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"已修复路面", "enter")
        await pilot.pause()
        assert stored(platform, issue_id).status == "resolved"
        assert "已修复路面" in screen_text(app)  # the note shows in the timeline

    # 4. The grid worker checks on site and verifies (v).
    app = make_app("worker_sx01", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        assert case.actions == ["verify", "rework", "callback"]
        await pilot.press("v")  # verify asks first, showing the handler's result
        await pilot.pause()
        assert "已修复路面" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert stored(platform, issue_id).status == "verified"
        assert case.actions == ["callback"]  # closing is the dispatcher's; a call-back stays open

    # 5. The dispatcher closes it with the requester's rating (c, choose "basically satisfied").
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        assert "close" in case.actions
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter", "down", "down", "enter")  # no rating chosen in advance
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        issue = stored(platform, issue_id)
        assert (issue.status, issue.rating) == ("closed", "basically_satisfied")
        assert "已结案" in screen_text(app) and "基本满意" in screen_text(app)
        await pilot.press("escape", "1")
        await pilot.pause()
        assert app.screen.query_one("#card-closed_week").value == "1"
        assert app.screen.query_one("#card-open").value == "0"
    actions = [e.action for e in platform.issues.events(Actor.system(), issue_id)]
    assert actions == ["report", "register", "dispatch", "accept", "resolve", "verify", "close"]


@pytest.mark.slow
async def test_escalation_by_keys(platform, make_app):
    worker = platform.actor("worker_sx01")
    issue_id = platform.issues.report(worker, area="SX01", category="property.dispute", title="物业费争议").id

    # The grid leader registers, then escalates to the community with a reason.
    app = make_app("leader_sx01", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert "escalate" in case.actions
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # no reason yet: the form refuses and stays open
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        assert "必须填写" in screen_text(app)
        await pilot.press(*"涉及全社区多个小区", "enter")
        await pilot.pause()
        assert app.screen is case
        issue = stored(platform, issue_id)
        assert (issue.handling_area, issue.level, issue.status) == ("SX", "community", "registered")
        assert case.actions == ["callback"]  # the grid leader may still call the resident back, no more
        assert "山厦社区 · 社区" in screen_text(app)

    # The community dispatcher escalates again, to the subdistrict.
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"需街道协调", "enter")
        await pilot.pause()
        issue = stored(platform, issue_id)
        assert (issue.handling_area, issue.level, issue.escalation_count) == ("PH", "subdistrict", 2)
        assert "平湖街道 · 街道" in screen_text(app)

    # The subdistrict dispatcher dispatches it; the default router chooses when the target is empty.
    app = make_app("dispatcher_ph", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_first_case(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        issue = stored(platform, issue_id)
        assert issue.status == "dispatched" and issue.assignee_org == "SXWY"
    levels = [e.level for e in platform.issues.events(Actor.system(), issue_id)]
    assert levels == ["grid", "grid", "community", "subdistrict", "subdistrict"]
