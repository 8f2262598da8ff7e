"""Talking to the resident, by keys: a call-back records its outcome in the note; the
phone stays masked until a member who may see it gives a reason (logged in the access
log); and a supervisor reopens a closed case on complaint, which then waits in the
dispatcher's queue."""

from __future__ import annotations

from gridgov.core import Actor
from gridgov.tui.screens.action_form import ActionForm
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.queue import QueueScreen
from gridgov.tui.screens.unmask import UnmaskDialog
from gridgov.tui.widgets.issue_table import IssueTable
from textual.widgets import Input, Select
from tui_helpers import flat, screen_text

SIZE = (120, 40)
SYSTEM = Actor.system()
PHONE, MASKED = "13812345678", "138****5678"


def report(platform, title="路灯不亮", **kw) -> int:
    return platform.issues.report(platform.actor("worker_sx01"), area="SX01-B1", category="facility.repair",
                                  title=title, requester_name="陈女士", requester_phone=PHONE, **kw).id


async def open_case(pilot, issue_id: int) -> CaseScreen:
    await pilot.press("2", "number_sign", *str(issue_id), "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CaseScreen) and screen.issue_id == issue_id
    return screen


def rows(screen) -> list[int]:
    return [int(key.value) for key in screen.query_one(IssueTable).rows]


async def test_call_back_records_the_outcome_in_the_note(platform, make_app):
    issue_id = report(platform)
    platform.issues.act(SYSTEM, issue_id, "register")
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(pilot, issue_id)
        assert MASKED in screen_text(app) and PHONE not in screen_text(app)
        await pilot.press("k")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm) and form.query_one("#outcome", Select).value is Select.NULL
        await pilot.press("ctrl+s")  # no outcome chosen: refused in the form
        await pilot.pause()
        assert app.screen is form and "请选择回访结果" in screen_text(app)
        await pilot.press("enter", "down", "down", "enter")  # 未接通 (not reached)
        await pilot.press("tab", *"晚上再打", "enter")
        await pilot.pause()
        assert app.screen is case
        assert "未接通：晚上再打" in screen_text(app) and "回访 1" in screen_text(app)
        await pilot.press("k")  # the outcome alone is a note
        await pilot.pause()
        await pilot.press("enter", "down", "enter", "ctrl+s")  # 已联系上 (reached)
        await pilot.pause()
    issue = platform.issues.get(SYSTEM, issue_id)
    assert (issue.status, issue.callback_count) == ("registered", 2)
    notes = [e.note for e in platform.issues.events(SYSTEM, issue_id) if e.action == "callback"]
    assert notes == ["未接通：晚上再打", "已联系上"]


async def test_the_full_number_only_with_a_reason_and_logged(platform, make_app):
    issue_id = report(platform)
    admin = platform.actor("admin")
    # A dispatcher holds no personal.unmask: no key, no dialog, nothing logged.
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(pilot, issue_id)
        assert "Show number" not in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is case and PHONE not in screen_text(app)
    assert platform.access_log(admin) == []

    app = make_app("admin", "en")
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(pilot, issue_id)
        text = screen_text(app)
        assert MASKED in text and PHONE not in text and "p Show number" in text
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UnmaskDialog)
        await pilot.press("enter")  # no reason: nothing shown, nothing logged
        await pilot.pause()
        assert "A reason is required" in screen_text(app) and PHONE not in screen_text(app)
        assert dialog.shown is None and platform.access_log(admin) == []
        await pilot.press(*"   ", "enter")  # blanks are no reason either
        await pilot.pause()
        assert PHONE not in screen_text(app) and platform.access_log(admin) == []
        dialog.query_one("#reason", Input).value = ""
        await pilot.press(*"call back", "enter")
        await pilot.pause()
        assert PHONE in screen_text(app) and "access log" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is case and PHONE not in screen_text(app) and MASKED in screen_text(app)
    [entry] = platform.access_log(admin)
    assert (entry["actor"], entry["what"], entry["reason"]) == ("admin", f"issue:{issue_id}:requester_phone",
                                                               "call back")


async def test_supervisor_reopens_a_closed_case_on_complaint(platform, make_app):
    issue_id = report(platform, "楼道灯不亮")
    for action, kw in (("register", {}), ("dispatch", {"org": "SXWY"}), ("accept", {}), ("resolve", {"note": "已修"}),
                       ("verify", {}), ("close", {"rating": "satisfied"})):
        platform.issues.act(SYSTEM, issue_id, action, **kw)
    app = make_app("supervisor", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("2")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen) and issue_id not in rows(queue)  # closed: not in the open queue
        case = await open_case(pilot, issue_id)
        assert case.actions == ["complaint"]  # rated satisfied, still reopened on complaint
        assert "已结案" in screen_text(app) and "满意" in screen_text(app)
        await pilot.press("O")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        await pilot.press("enter")  # a note is required
        await pilot.pause()
        assert isinstance(app.screen, ActionForm) and platform.issues.get(SYSTEM, issue_id).status == "closed"
        await pilot.press(*"居民投诉灯又不亮了", "enter")
        await pilot.pause()
        assert app.screen is case
        assert "重新办理" in screen_text(app) and "居民投诉灯又不亮了" in flat(screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is queue and issue_id in rows(queue)  # the queue has reloaded
        assert not [n for n in app._notifications if n.severity == "error"]
    issue = platform.issues.get(SYSTEM, issue_id)
    assert (issue.status, issue.rating, issue.closed_at) == ("reopened", None, None)

    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert rows(app.screen) == [issue_id]
        await pilot.press("enter")
        await pilot.pause()
        assert "dispatch" in app.screen.actions and "重新办理" in screen_text(app)
