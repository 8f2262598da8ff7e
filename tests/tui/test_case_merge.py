"""Merge checked and reversible, by keys: the form suggests the likely master, both cases
are shown before merging, the master lists its duplicates with their requesters (masked),
the close form names them, and a dispatcher unmerges with a note."""

from __future__ import annotations

from gridgov.core import Actor
from gridgov.tui.screens.action_form import ActionForm, ConfirmAction
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.case_picker import CasePicker
from gridgov.tui.screens.merge import MergeForm
from textual.widgets import DataTable
from tui_helpers import flat, notices, screen_text

SIZE = (120, 40)
SYSTEM = Actor.system()


def report(platform, title, category="facility.repair", **kw) -> int:
    return platform.issues.report(platform.actor("worker_sx01"), area="SX01-B1", category=category, title=title,
                                  **kw).id


async def open_case(pilot, issue_id: int) -> CaseScreen:
    await pilot.press("2", "number_sign", *str(issue_id), "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CaseScreen) and screen.issue_id == issue_id
    return screen


async def test_merge_suggested_confirmed_shown_on_the_master_and_undone(platform, make_app):
    master = report(platform, "1栋门口路灯不亮", requester_name="陈女士", requester_phone="13812345678")
    dup = report(platform, "1栋门口路灯坏了不亮", requester_name="李先生", requester_phone="13987654321")
    report(platform, "1栋门口路面塌陷", category="road.repair")  # another category: never suggested
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_case(pilot, dup)
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MergeForm)
        assert [i.id for i in form.candidates] == [master]  # the same category, similar text, not itself
        assert "1栋门口路灯不亮" in screen_text(app) and "路面塌陷" not in screen_text(app)
        await pilot.press("enter")  # the highlighted suggestion
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmAction)
        text = screen_text(app)
        assert f"本案 #{dup}" in text and f"并入 #{master}" in text
        assert "李先生 139****4321" in text and "陈女士 138****5678" in text
        await pilot.press("n")  # not yet: nothing changes
        await pilot.pause()
        assert app.screen is case and platform.issues.get(SYSTEM, dup).status == "reported"
        await pilot.press("m", "enter", "y")
        await pilot.pause()
        assert app.screen is case
        issue = platform.issues.get(SYSTEM, dup)
        assert (issue.status, issue.merged_into) == ("merged", master)
        assert f"#{master}" in screen_text(app) and "已合并" in screen_text(app)
        assert case.actions == ["unmerge"]

        await pilot.press("T")  # to the master: its duplicate and the requester to answer
        await pilot.pause()
        master_case = app.screen
        assert isinstance(master_case, CaseScreen) and master_case.issue_id == master
        text = flat(screen_text(app))
        assert "1件并入本案，其诉求人也须答复" in text and f"#{dup}李先生139****4321·1栋门口路灯坏了不亮" in text
        assert "13987654321" not in text
        assert [i.id for i in platform.issues.duplicates(SYSTEM, master)] == [dup]

        await pilot.press("D")  # the duplicates, one opened
        await pilot.pause()
        assert isinstance(app.screen, CasePicker)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.screen.issue_id == dup
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        await pilot.press("enter")  # unmerge needs a note
        await pilot.pause()
        assert isinstance(app.screen, ActionForm) and platform.issues.get(SYSTEM, dup).status == "merged"
        await pilot.press(*"不是同一盏灯", "enter")
        await pilot.pause()
        issue = platform.issues.get(SYSTEM, dup)
        assert (issue.status, issue.merged_into) == ("reported", None)
        assert "不是同一盏灯" in screen_text(app) and "register" in app.screen.actions
        await pilot.press("escape")  # the master, shown again, has reloaded
        await pilot.pause()
        assert app.screen is master_case and master_case.duplicates == []
        assert "重复件" not in screen_text(app)
        assert not [n for n in app._notifications if n.severity == "error"]
    assert platform.issues.duplicates(SYSTEM, master) == []
    actions = [e.action for e in platform.issues.events(SYSTEM, dup)]
    assert actions == ["report", "merge", "unmerge"]


async def test_merge_by_typed_number_refusals_stay_readable(platform, make_app):
    dup = report(platform, "楼道灯不亮")
    road = report(platform, "路面塌陷", category="road.repair")
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_case(pilot, dup)
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MergeForm) and form.candidates == []
        assert not form.query_one("#masters", DataTable).display
        assert "No similar open case nearby" in screen_text(app)
        await pilot.press(*str(dup), "enter")  # itself: refused in the form
        await pilot.pause()
        assert app.screen is form and "cannot be merged into itself" in screen_text(app)
        await pilot.press("backspace", *str(road), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmAction) and "路面塌陷" in screen_text(app)
        await pilot.press("y")  # the core refuses another category; the screen says so
        await pilot.pause()
        assert app.screen is case
        assert "road.repair case" in notices(app)[-1]
    assert platform.issues.get(SYSTEM, dup).status == "reported"


async def test_closing_a_master_names_the_requesters_of_its_duplicates(platform, make_app):
    master = report(platform, "楼道灯不亮", requester_name="陈女士", requester_phone="13812345678")
    dup = report(platform, "楼道灯坏了", requester_name="李先生", requester_phone="13987654321")
    platform.issues.act(SYSTEM, dup, "merge", merge_into=master)
    for action, kw in (("register", {}), ("dispatch", {"org": "SXWY"}), ("accept", {}), ("resolve", {"note": "已修"}),
                       ("verify", {})):
        platform.issues.act(SYSTEM, master, action, **kw)
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, master)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        text = screen_text(app)
        assert "Answer these requesters too" in text and f"#{dup} 李先生 139****4321" in text


async def test_at_80x24_both_cases_and_the_duplicates_show_whole(platform, make_app):
    long_master = "山厦路十二号一栋东门口的路灯连续三个晚上都不亮居民出行不便"
    long_dup = "山厦路十二号一栋东门口路灯不亮已经三天晚上出行很不方便"
    master = report(platform, long_master, requester_name="陈女士", requester_phone="13812345678",
                    address="山厦路十二号一栋东门")
    dup = report(platform, long_dup, requester_name="李先生", requester_phone="13987654321")
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot, dup)
        await pilot.press("m", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmAction)
        text = flat(screen_text(app))
        assert "…" not in text and "y：合并·n或Esc：取消" in text  # the whole dialog, down to its keys
        for part in (long_master[:8], long_master[-8:], long_dup[:8], long_dup[-8:], "山厦路十二号一栋东门"):
            assert part in text, part  # each title folds within its column, never cut
        await pilot.press("y", "T")
        await pilot.pause()
        assert app.screen.issue_id == master
        text = screen_text(app)
        assert "…" not in text and f"#{dup}李先生139****4321·{long_dup}" in flat(text)


async def test_at_80x24_the_merge_form_with_every_suggestion_shows_its_keys(platform, make_app):
    ids = [report(platform, f"1栋门口路灯不亮第{i}次") for i in range(7)]
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot, ids[-1])
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MergeForm) and len(form.candidates) == 5
        text = screen_text(app)
        assert "…" not in text and "Esc 取消" in text and "备注（可选）" in text
