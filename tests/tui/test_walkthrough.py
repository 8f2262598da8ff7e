"""What a keys-only walk by a grid worker, a dispatcher and a handler found, each checked
by pressing the keys they pressed: the screen shows what they needed and the database
holds what they meant. Numbers are the walkthrough's items."""

from __future__ import annotations

import datetime as dt

from gridgov.core import Actor
from gridgov.tui.messages import OpenIssue
from gridgov.tui.screens.action_form import ActionForm, ConfirmAction
from gridgov.tui.screens.case import CaseScreen
from gridgov.tui.screens.duplicates import DuplicatesScreen
from gridgov.tui.screens.home import HomeScreen
from gridgov.tui.screens.intake import IntakeScreen
from gridgov.tui.screens.queue import QueueScreen
from gridgov.tui.screens.work import WorkScreen
from gridgov.tui.widgets.issue_table import IssueTable
from gridgov.tui.widgets.phone_input import PhoneInput
from textual.widgets import DataTable, Input, Select
from tui_helpers import flat, notices, region_text, screen_text

SIZE = (120, 40)
SYSTEM = Actor.system()


def report(platform, title, area="SX01", category="facility.repair", login="worker_sx01", **kw) -> int:
    return platform.issues.report(platform.actor(login), area=area, category=category, title=title, **kw).id


def act(platform, issue_id, *steps):
    for action, kw in steps:
        platform.issues.act(SYSTEM, issue_id, action, **kw)


def dispatched(platform, title, org="ZJJ", **kw) -> int:
    issue_id = report(platform, title, **kw)
    act(platform, issue_id, ("register", {}), ("dispatch", {"org": org}))
    return issue_id


def resolved(platform, title, note, **kw) -> int:
    issue_id = dispatched(platform, title, **kw)
    act(platform, issue_id, ("accept", {}), ("resolve", {"note": note}))
    return issue_id


def rows(table: DataTable) -> list[int]:
    return [int(key.value) for key in table.rows]


# -- 1. digit keys never switch screens while typing ------------------------------------


async def test_1_digits_typed_in_the_report_form_never_switch_screens(platform, make_app):
    app = make_app("worker_sx01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake.focused is intake.query_one("#category", Select)  # the first field
        phone = intake.query_one(PhoneInput)
        phone.focus()
        await pilot.press(*"1391234")
        await pilot.pause()
        assert app.screen is intake and phone.value == "1391234"
        await pilot.press("tab", *"1391234")  # one Tab too many: the digits go nowhere
        await pilot.pause()
        assert app.screen is intake and app.current_mode == "intake"
        assert "Screens" not in screen_text(app).splitlines()[-1]  # the footer offers no screen keys here
        await pilot.press("escape")  # the way out of the form
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_1_digits_in_a_search_box_or_a_dialog_stay_there(platform, make_app):
    report(platform, "1栋门口路灯不亮")
    app = make_app("worker_sx01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"2024")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#search", Input).value == "2024"
        await pilot.press("enter", "3")  # Enter leaves the search box for the list: now 3 switches
        await pilot.pause()
        app.screen.query_one("#category", Select).value = "facility.repair"
        app.screen.query_one("#title", Input).value = "1栋门口路灯不亮"
        await pilot.press("ctrl+s")  # the duplicates dialog, its list focused
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DuplicatesScreen)
        await pilot.press(*"2134")
        await pilot.pause()
        assert app.screen is dialog and app.current_mode == "intake"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
    assert platform.issues.count(SYSTEM) == 1


# -- 2. the screen keys show the screen they name ---------------------------------------


async def test_2_report_after_saving_gives_a_new_form_at_the_own_grid(platform, make_app):
    app = make_app("worker_sx01", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        intake = app.screen
        intake.query_one("#category", Select).value = "elevator.retrofit"
        intake.query_one("#area", Input).value = "SX01-B2"
        intake.query_one("#title", Input).value = "2栋加装电梯意见征询"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        saved = app.screen.issue_id
        await pilot.press("3")
        await pilot.pause()
        assert app.screen is intake  # a new form, not the case just saved
        assert intake.query_one("#title", Input).value == ""
        assert intake.query_one("#area", Input).value == "SX01"  # not the last case's building
        assert intake.query_one("#category", Select).value is Select.NULL
        intake.query_one("#area", Input).value = "SX01-B1"
        intake.query_one("#title", Input).value = "3栋加装电梯"
        await pilot.press("ctrl+r")  # Clear
        await pilot.pause()
        assert intake.query_one("#area", Input).value == "SX01" and intake.query_one("#title", Input).value == ""
    assert platform.issues.get(SYSTEM, saved).area_code == "SX01-B2"
    assert platform.issues.count(SYSTEM) == 1


async def test_2_queue_key_on_a_case_shows_the_queue(platform, make_app):
    issue_id = report(platform, "路灯不亮")
    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.screen.issue_id == issue_id
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter", "1")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)  # not the case left open before


# -- 4. notes in full ----------------------------------------------------------------------

LONG_NOTE = ("已于当日下午组织施工队到现场，对三栋东侧破损路面进行切割清理并重新浇筑混凝土，"
             "养护期间设置围挡和警示标志，并与诉求人电话沟通确认结束语甲乙丙")


async def test_4_the_result_to_verify_is_shown_in_full_at_both_sizes(platform, make_app):
    issue_id = resolved(platform, "三栋东侧路面破损", LONG_NOTE, category="road.repair")
    for size in ((120, 40), (80, 24)):
        app = make_app("worker_sx01", "zh")
        async with app.run_test(size=size) as pilot:
            app.post_message(OpenIssue(issue_id))
            await pilot.pause()
            await pilot.pause(0.3)  # the timeline scrolls to its newest event after a refresh
            case = app.screen
            assert isinstance(case, CaseScreen)
            fields = region_text(app, case.query_one("#case-fields-box"))
            assert "处置结果" in fields and LONG_NOTE in flat(fields), size
            timeline = case.query_one("#timeline")
            for _ in range(30):  # scrolling to the newest event takes a few frames on a busy machine
                if LONG_NOTE in flat(region_text(app, timeline)):
                    break
                await pilot.pause(0.1)
            assert LONG_NOTE in flat(region_text(app, timeline)), size


# -- 6. the easy path is not the dangerous one ----------------------------------------------


async def test_6_closing_needs_a_rating_chosen_and_verify_asks(platform, make_app):
    issue_id = resolved(platform, "楼道灯不亮", "已更换灯泡")
    app = make_app("worker_sx01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        case = app.screen
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmAction)
        assert "已更换灯泡" in screen_text(app)  # what is being confirmed
        await pilot.press("enter")  # Enter lands on Cancel
        await pilot.pause()
        assert app.screen is case and platform.issues.get(SYSTEM, issue_id).status == "resolved"
        await pilot.press("v", "n")
        await pilot.pause()
        assert platform.issues.get(SYSTEM, issue_id).status == "resolved"
        await pilot.press("v", "y")
        await pilot.pause()
        assert platform.issues.get(SYSTEM, issue_id).status == "verified"

    app = make_app("dispatcher_sx")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter", "c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.query_one("#rating", Select).value is Select.NULL
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "Choose the rating" in screen_text(app)
        assert platform.issues.get(SYSTEM, issue_id).status == "verified"
        await pilot.press("enter", "down", "down", "down", "enter", "ctrl+s")  # dissatisfied
        await pilot.pause()
    issue = platform.issues.get(SYSTEM, issue_id)
    assert (issue.status, issue.rating) == ("closed", "dissatisfied")


# -- 7. an action that takes the case away says so -----------------------------------------


async def test_7_a_return_says_where_the_case_went_and_the_list_forgets_it(platform, make_app):
    mine = dispatched(platform, "不属于本单位的事")
    other = dispatched(platform, "本单位的事")
    app = make_app("handler_zjj", "zh")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        work = app.screen
        assert isinstance(work, WorkScreen)
        assert rows(work.query_one(IssueTable)) == [mine, other]
        await pilot.press("enter", "b")
        await pilot.pause()
        await pilot.press(*"不属于本单位职责", "enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is work
        assert rows(work.query_one(IssueTable)) == [other]
        said = notices(app)[-1]
        assert f"#{mine}" in said and "山厦社区第01网格" in said
        assert not [n for n in app._notifications if n.severity == "error"]
    assert platform.issues.get(SYSTEM, mine).status == "returned"


# -- 9. search words are ANDed ----------------------------------------------------------------


async def test_9_every_search_word_must_occur_and_an_empty_result_says_what(platform, make_app):
    elevator = report(platform, "3栋加装电梯申请", category="elevator.retrofit")
    upkeep = report(platform, "电梯维保不到位", description="电梯经常停运")
    share = report(platform, "电梯费用分摊", description="加装后如何分摊")
    report(platform, "楼道灯不亮", description="50%的灯坏了")
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one(IssueTable)
        search = app.screen.query_one("#search", Input)
        for text, expected in (("加装 电梯", [elevator, share]), ("电梯 维保", [upkeep]), ("维保", [upkeep]),
                               ("电梯  加装电梯", [elevator]), ("50%", [4]), ("5_%", [])):
            search.value = ""
            await pilot.press("slash", *text, "enter")
            await pilot.pause()
            assert sorted(rows(table)) == sorted(expected), text
        assert "没有案件同时包含“5_%”中的每个词" in screen_text(app)


# -- 10. my work ------------------------------------------------------------------------------


async def test_10_my_work_lists_what_waits_on_each_post(platform, make_app, gridgov_clock):
    late = dispatched(platform, "早已派给住建局")
    gridgov_clock.advance(days=5)
    fresh = dispatched(platform, "刚派给住建局")
    elsewhere = dispatched(platform, "派给城管局的事", org="CGJ")
    new = report(platform, "刚上报待立案")
    to_verify = resolved(platform, "待核查的事", "已处理", org="SXWY")
    expected = {
        "handler_zjj": [late, fresh],  # assigned to his organisation, the late one first
        "handler_cgj": [elsewhere],
        "dispatcher_sx": [new, to_verify],  # register (due two hours after the report) first
        "worker_sx01": [to_verify],
        "supervisor": [late],  # late cases to urge
    }
    for login, ids in expected.items():
        app = make_app(login)
        async with app.run_test(size=SIZE) as pilot:
            if login not in ("handler_zjj", "handler_cgj"):
                await pilot.press("5")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, WorkScreen), login
            assert rows(screen.query_one(IssueTable)) == ids, login
            text = screen_text(app)
            if login == "handler_zjj":
                assert "accept / return" in text and "1 overdue" in text


async def test_10_handlers_start_on_their_work_and_home_leads_there(platform, make_app):
    dispatched(platform, "派给住建局")
    app = make_app("handler_zjj")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkScreen) and "1 case(s) wait on you" in screen_text(app)
        await pilot.press("2", "1")
        await pilot.pause()
        assert isinstance(app.screen, WorkScreen)


# -- 14. find by name ---------------------------------------------------------------------------


async def test_14_dispatch_target_found_by_part_of_its_chinese_name(platform, make_app):
    issue_id = report(platform, "三栋门前路面塌陷", category="road.repair")
    platform.issues.act(SYSTEM, issue_id, "register")
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter", "d")
        await pilot.pause()
        await pilot.press(*"住房")
        await pilot.pause()
        assert "区住房和建设局 · ZJJ" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#target", Input).value == "ZJJ 区住房和建设局"
        await pilot.press("enter")
        await pilot.pause()
    issue = platform.issues.get(SYSTEM, issue_id)
    assert (issue.status, issue.assignee_org) == ("dispatched", "ZJJ")


async def test_14_areas_by_name_with_their_grid_and_members_by_name(platform, make_app):
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        area = app.screen.query_one("#area", Input)
        area.value = ""
        area.focus()
        await pilot.press(*"1栋")  # two grids of the community have a 1栋
        await pilot.pause()
        text = screen_text(app)
        assert "山厦社区第01网格 1栋 · 楼栋 · SX01-B1" in text and "山厦社区第02网格 1栋 · 楼栋 · SX02-B1" in text
        assert "白泥坑" not in text  # outside the dispatcher's community
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert area.value == "SX02-B1 1栋" and "✓ 龙岗区 › 平湖街道 › 山厦社区 › 山厦社区第02网格 › 1栋" in screen_text(app)
        await pilot.press("escape", "4")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"小明")
        await pilot.pause()
        members = app.screen.query_one("#members", DataTable)
        assert [str(members.get_row_at(i)[0]) for i in range(members.row_count)] == ["worker_sx01"]
        assert "网格员 · 山厦社区第01网格" in screen_text(app)


async def test_14_the_escalate_form_says_where_the_case_goes(platform, make_app):
    issue_id = report(platform, "物业费争议", category="property.dispute")
    platform.issues.act(SYSTEM, issue_id, "register")
    app = make_app("leader_sx01", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter", "e")
        await pilot.pause()
        text = screen_text(app)
        assert "案件将上移至： 山厦社区 (社区)" in text and "dispatcher_sx" in text


# -- 15. the language inside the app -------------------------------------------------------


async def test_15_switch_language_from_the_palette_with_translated_commands_once(platform, make_app):
    app = make_app("dispatcher_sx", "zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "ctrl+p")
        await pilot.pause(0.5)
        text = screen_text(app)
        assert "首页" in text and "Keys" not in text
        for query, shown in (("退出", "退出 gridgov"), ("配色", "更换界面配色"), ("截图", "SVG"), ("按键", "列出全部按键")):
            await pilot.press(*query)
            await pilot.pause(0.5)
            text = screen_text(app)
            assert shown in text, query
            assert text.count(shown) == 1  # listed once
            await pilot.press(*["backspace"] * len(query))
        assert "Quit" not in text and "Theme" not in text
        await pilot.press(*"English", "enter")
        await pilot.pause()
        await pilot.pause()
        assert app.lang == "en" and isinstance(app.screen, QueueScreen)
        text = screen_text(app)
        assert "Next" in text and "Page 1/1" in text and "下一页" not in text
        await pilot.press("ctrl+p", *"Qui")
        await pilot.pause(0.5)
        assert "Leave gridgov" in screen_text(app)
        await pilot.press(*["backspace"] * 3, *"Chin")
        await pilot.pause(0.5)
        assert "中文 (Chinese)" in screen_text(app)
        await pilot.press("escape", "1")
        await pilot.pause()
        assert "Open" in screen_text(app)


# -- 16. it fits the terminal -----------------------------------------------------------------


async def test_16_statuses_labels_and_places_fit_and_refit_on_resize(platform, make_app):
    issue_id = dispatched(platform, "楼道堆放杂物", area="SX01-B2", org="CGJ")
    platform.issues.act(SYSTEM, issue_id, "accept")
    dispatched(platform, "井盖缺失", area="SX01-B1")
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert "in progress" in text and "dispatched" in text and "…" not in text
        assert "第01网格 2栋" in text  # the building with its grid
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        text = screen_text(app)
        assert "山厦社区第01网格 2栋" in text and "Priority" in text and "Category" in text
        await pilot.press("3")
        await pilot.pause()
        text = screen_text(app)
        assert "Description" in text and "Descriptio\n" not in text


# -- and the rest of the walk ----------------------------------------------------------------


async def test_duplicates_dialog_names_the_key_that_works(platform, make_app):
    report(platform, "1栋门口路灯不亮")
    app = make_app("worker_sx01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        app.screen.query_one("#category", Select).value = "facility.repair"
        app.screen.query_one("#title", Input).value = "1栋门口路灯不亮"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesScreen)
        assert "s saves anyway" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
    assert platform.issues.count(SYSTEM) == 2


async def test_the_phone_box_takes_digits_only(platform, make_app):
    app = make_app("worker_sx01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        phone = app.screen.query_one(PhoneInput)
        phone.focus()
        await pilot.press(*"张三138", "space", *"1234abc5678")
        await pilot.pause()
        assert phone.value == "138 12345678"


async def test_typed_text_shows_literally_never_as_markup(platform, make_app):
    issue_id = report(platform, "[red]x[/red] [b]加粗", description="[link=http://x]点我[/link]")
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "[red]x[/red] [b]加粗" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[red]x[/red] [b]加粗" in text and "[link=http://x]点我[/link]" in text
        app.notify("[bold]raw[/bold]")
        await pilot.pause()
        assert app._notifications and not list(app._notifications)[-1].markup
    assert platform.issues.get(SYSTEM, issue_id).title.startswith("[red]")


async def test_home_cards_say_which_figures_are_flows_and_which_cohort_rates(platform, make_app, gridgov_clock):
    closed = report(platform, "已办结")
    act(platform, closed, ("register", {}), ("dispatch", {"org": "SXWY"}), ("accept", {}),
        ("resolve", {"note": "done"}), ("verify", {}), ("close", {"rating": "satisfied"}))
    report(platform, "刚上报")
    app = make_app("dispatcher_sx", "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Flow of the last 30 days" in text and "Of the 1 cases registered in the last 30 days" in text
        assert "the deadline of the stage a case is in" in text
        cards = {key: app.screen.query_one(f"#card-{key}").value for key in
                 ("received_30d", "closed_30d", "closure_rate", "satisfaction_rate")}
        metrics = platform.metrics.for_area(SYSTEM, "SX", since=platform.today() - dt.timedelta(days=29))
        assert cards == {"received_30d": str(metrics.counts["received"]), "closed_30d": "1",
                         "closure_rate": "100.0%", "satisfaction_rate": "100.0%"}
        assert metrics.counts["received"] == 2
