"""Attachments and location by keys: the report form takes an address, a point (which
names its area, or lets the core find it) and files; a file the core refuses keeps the
form and saves nothing; the resolve form attaches the repair photo; the case screen shows
the address, the point and each file at the step it came with."""

from __future__ import annotations

from gridgov.core import Actor
from gridgov.core.services.issues import MAX_ATTACHMENT_BYTES
from gridgov.tui.screens.action_form import ActionForm
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.intake import IntakeScreen, parse_point
from textual.widgets import Input, Select
from tui_helpers import flat, screen_text

SIZE = (120, 40)
SYSTEM = Actor.system()


async def type_into(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*[{" ": "space", ",": "comma"}.get(ch, ch) for ch in text])


def test_points_are_two_numbers_on_the_globe():
    assert parse_point("22.69, 114.12") == (22.69, 114.12)
    assert parse_point(" 22.69 114.12 ") == (22.69, 114.12)
    assert parse_point("22.69，114.12") == (22.69, 114.12)
    assert parse_point("") is None
    for bad in ("22.69", "a, b", "91, 0", "0, 181", "1, 2, 3"):
        try:
            parse_point(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


async def test_report_with_address_point_and_photo(platform, make_app, tmp_path):
    photo = tmp_path / "路灯.jpg"
    photo.write_bytes(b"\xff\xd8" + b"x" * 2046)
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        intake = app.screen
        assert isinstance(intake, IntakeScreen) and intake.query_one("#area", Input).value == "SX"
        intake.query_one("#category", Select).value = "facility.repair"
        await type_into(pilot, "#title", "路灯不亮")
        await type_into(pilot, "#address", "山厦路12号")
        await type_into(pilot, "#point", "22.70, 114.12")
        await pilot.pause()
        # The point lies in the second grid: the area field, still at its start, follows it.
        assert intake.query_one("#area", Input).value == "SX02"
        assert "坐标位于 山厦社区第02网格 SX02" in screen_text(app)
        await type_into(pilot, "#files", str(photo))
        await pilot.press("ctrl+s")
        await pilot.pause()
        case = app.screen
        assert isinstance(case, CaseScreen)
        text = screen_text(app)
        assert "山厦路12号" in text and "22.7, 114.12" in text
        assert "附件：路灯.jpg·2.0KB·dispatcher_sx" in flat(text)  # name, size, who (and when)
        issue_id = case.issue_id
    issue = platform.issues.get(SYSTEM, issue_id)
    assert (issue.area_code, issue.address, issue.lat, issue.lon) == ("SX02", "山厦路12号", 22.70, 114.12)
    [attachment] = platform.issues.attachments(SYSTEM, issue_id)
    assert (attachment["name"], attachment["size"], attachment["seq"], attachment["actor"]) == (
        "路灯.jpg", 2048, 1, "dispatcher_sx")
    assert attachment["content_type"] == "image/jpeg"
    assert platform.issues.attachment_data(SYSTEM, issue_id, attachment["id"]) == photo.read_bytes()


async def test_area_left_empty_is_found_from_the_point_by_the_core(platform, make_app):
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        intake = app.screen
        intake.query_one("#category", Select).value = "facility.repair"
        await type_into(pilot, "#title", "lamp")
        await type_into(pilot, "#point", "22.69 114.105")
        intake.query_one("#area", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        issue_id = app.screen.issue_id
        await pilot.press("3")
        await pilot.pause()
        await type_into(pilot, "#point", "10, 10")  # outside every area: said at once, refused on save
        await pilot.pause()
        assert "No area of this deployment holds this point" in screen_text(app)
        intake.query_one("#area", Input).value = ""
        intake.query_one("#category", Select).value = "facility.repair"
        intake.query_one("#title", Input).value = "far away"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is intake and "no area of this deployment holds the point" in screen_text(app)
    issue = platform.issues.get(SYSTEM, issue_id)
    assert (issue.area_code, issue.lat, issue.lon) == ("SX01", 22.69, 114.105)
    assert platform.issues.count(SYSTEM) == 1


async def test_a_file_the_core_refuses_keeps_the_form_and_saves_nothing(platform, make_app, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"x" * (MAX_ATTACHMENT_BYTES + 1))
    app = make_app("worker_sx01", "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        intake = app.screen
        intake.query_one("#category", Select).value = "facility.repair"
        await type_into(pilot, "#title", "lamp out")
        await type_into(pilot, "#files", str(tmp_path / "missing.jpg"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is intake and "missing.jpg: no such file" in screen_text(app)
        intake.query_one("#files", Input).value = str(big)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is intake
        error = str(intake.query_one("#intake-error").render())
        assert error == f"data: is {MAX_ATTACHMENT_BYTES + 1:,} bytes; at most {MAX_ATTACHMENT_BYTES:,}"
        assert "\n" not in error  # one line
        assert intake.query_one("#title", Input).value == "lamp out"  # the form as it was
    assert platform.issues.count(SYSTEM) == 0


async def test_the_resolve_form_attaches_the_repair_photo(platform, make_app, tmp_path):
    worker = platform.actor("worker_sx01")
    issue_id = platform.issues.report(worker, area="SX01", category="road.repair", title="路面塌陷").id
    for action, kw in (("register", {}), ("dispatch", {"org": "ZJJ"}), ("accept", {})):
        platform.issues.act(SYSTEM, issue_id, action, **kw)
    after = tmp_path / "after.jpg"
    after.write_bytes(b"y" * 3000)
    big = tmp_path / "huge.jpg"
    big.write_bytes(b"y" * (MAX_ATTACHMENT_BYTES + 10))
    app = make_app("handler_zjj", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")  # the handler starts on his work: the case is the first row
        await pilot.pause()
        case = app.screen
        assert isinstance(case, CaseScreen) and case.issue_id == issue_id
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        await pilot.press(*"已修复路面", "tab")
        await type_into(pilot, "#files", str(big))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and "at most" in screen_text(app)  # kept, with the core's reason
        assert platform.issues.get(SYSTEM, issue_id).status == "in_progress"
        form.query_one("#files", Input).value = str(after)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is case
        assert "after.jpg" in screen_text(app) and "已修复路面" in screen_text(app)
    issue = platform.issues.get(SYSTEM, issue_id)
    assert issue.status == "resolved"
    [attachment] = platform.issues.attachments(SYSTEM, issue_id)
    resolve = [e for e in platform.issues.events(SYSTEM, issue_id) if e.action == "resolve"][0]
    assert (attachment["name"], attachment["seq"], attachment["actor"]) == ("after.jpg", resolve.seq, "handler_zjj")
