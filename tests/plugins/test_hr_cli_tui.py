"""HR policy plugin: demo data, the ``gridgov hr`` commands and the terminal screens."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random

import pytest
from gridgov.core import Actor
from gridgov.core.cli import main
from gridgov.plugins.hr_policy import demo, screens
from gridgov.plugins.hr_policy.metrics import compute
from gridgov.plugins.hr_policy.records import CATEGORY
from gridgov.plugins.hr_policy.service import HrPolicyService
from textual.app import App
from textual.widgets import DataTable, Input, SelectionList


@pytest.fixture
def demo_platform(gridgov_platform):
    demo.load(gridgov_platform, "small", random.Random(3))
    return gridgov_platform


def test_longgang_demo_follows_the_seed_figures(gridgov_make_platform):
    platform = gridgov_make_platform()
    demo.load(platform, "longgang", random.Random(11))
    svc = HrPolicyService(platform)
    system = Actor.system()
    held = svc.sessions(status="held")
    assert len(held) == 5
    first = [a for a in svc.attendance(held[0].id) if a.attended]
    assert len(first) >= 40 and len(held[0].hosts) == 3
    m = compute(platform, system)
    assert 440 <= m.firms_reached <= 460 and m.sessions == 5
    assert len(svc.policies()) >= 12
    questions = svc.questions(system)
    assert {q.status for q in questions} >= {"open", "answered", "closed"}
    for q in questions:
        issue = platform.issues.get(system, q.issue_id)
        assert issue.category == CATEGORY and issue.source == "meeting"
    again = gridgov_make_platform(name="again.db")
    demo.load(again, "longgang", random.Random(11))
    assert compute(again, system).as_dict() == m.as_dict()


def test_demo_is_not_loaded_twice(demo_platform):
    before = compute(demo_platform, Actor.system()).as_dict()
    demo.load(demo_platform, "small", random.Random(4))
    assert compute(demo_platform, Actor.system()).as_dict() == before


# -- command line ---------------------------------------------------------------------------


def run(platform, capsys, *args):
    capsys.readouterr()
    try:
        main(["--db", str(platform.path), *args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_catalogue_stats_and_firm_view(demo_platform, capsys):
    code, out, _ = run(demo_platform, capsys, "hr", "policy", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 14
    code, out, _ = run(demo_platform, capsys, "hr", "stats", "--json")
    stats = json.loads(out)
    expected = compute(demo_platform, Actor.system()).as_dict()
    assert {k: v for k, v in stats.items() if k != "open_overdue"} == {
        k: v for k, v in expected.items() if k != "open_overdue"}
    firm = HrPolicyService(demo_platform).sessions()[0]
    attendee = HrPolicyService(demo_platform).attendance(firm.id)[0].firm
    code, out, _ = run(demo_platform, capsys, "hr", "firm", attendee, "--all", "--json")
    judged = json.loads(out)
    assert code == 0 and all(r["reasons"] for r in judged if r["policy"] != "HR-EMP-00")


def test_cli_session_attendance_and_questions(demo_platform, capsys):
    day = dt.date.today().isoformat()
    code, out, _ = run(demo_platform, capsys, "hr", "session", "plan", "--title", "T", "--date", day,
                       "--venue-area", "PH", "--venue", "V", "--host", "HRB-TAL", "--policy", "HR-SKL-01",
                       "--invite-eligible", "4", "--as", "hr_talent")
    assert code == 0, out
    session_id, invited = out.split("\t")
    assert invited.strip() == "invited 4"
    firm = HrPolicyService(demo_platform).attendance(int(session_id))[0].firm
    code, out, _ = run(demo_platform, capsys, "hr", "attend", session_id, firm, "3", "--as", "hr_talent")
    assert code == 0 and out.split() == [firm, "attended", "3"]
    code, out, _ = run(demo_platform, capsys, "hr", "question", "raise", session_id, firm, "培训补贴怎么领？",
                       "--policy", "HR-SKL-01", "--as", "hr_talent")
    question_id = out.split("\t")[0]
    assert code == 0 and "issue" in out
    code, out, _ = run(demo_platform, capsys, "hr", "question", "answer", question_id, "线上申领。",
                       "--as", "hr_talent")
    assert code == 0 and out.split() == [question_id, "answered", "on", "time"]


def test_cli_errors_are_one_line_with_an_exit_code(demo_platform, capsys):
    code, _, err = run(demo_platform, capsys, "hr", "policy", "add", "--code", "X", "--title-zh", "x",
                       "--title-en", "x", "--topic", "other", "--department", "HRB", "--from", "2026-01-01",
                       "--rules", '{"size": ["small"]}')
    assert code == 2 and "error: rules: unknown criterion 'size'" in err
    code, _, err = run(demo_platform, capsys, "hr", "question", "list", "--as", "worker_sx01")
    assert code == 3 and "hr.read" in err
    assert "X" not in [p.code for p in HrPolicyService(demo_platform).policies()]


# -- screens --------------------------------------------------------------------------------


class ScreenHost(App):
    def __init__(self, platform, login, lang="en", screen="CatalogueScreen"):
        super().__init__()
        self.platform = platform
        self.actor = platform.actor(login)
        self.lang = lang
        self.screen_name = screen

    def on_mount(self):
        self.push_screen(getattr(screens, self.screen_name)(self))


def drive(app, scenario):
    async def go():
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(go())


def test_catalogue_screen_filters_by_topic(demo_platform):
    app = ScreenHost(demo_platform, "hr_talent", lang="zh")

    async def scenario(pilot):
        table = app.screen.query_one("#policies", DataTable)
        assert table.row_count == 14
        await pilot.press("t")
        assert table.row_count == 3
        assert "龙岗区高层次人才奖励补贴" in str(app.screen.query_one("#detail").render())

    drive(app, scenario)


def test_plan_screen_finds_firms_and_plans(demo_platform):
    app = ScreenHost(demo_platform, "hr_talent", screen="PlanSessionScreen")
    svc = HrPolicyService(demo_platform)
    before = len(svc.sessions())

    async def scenario(pilot):
        screen = app.screen
        screen.query_one("#policies", SelectionList).select("HR-TAL-03")
        screen.query_one("#area", Input).value = "PH"
        screen.query_one("#venue", Input).value = "天安数码城"
        await pilot.click("#find")
        await pilot.pause()
        expected = [c.firm.code for c in svc.invitation_list(app.actor, ["HR-TAL-03"], area="PH")]
        assert expected and screen.found == expected
        await pilot.click("#plan")
        await pilot.pause()

    drive(app, scenario)
    made = max(svc.sessions(), key=lambda s: s.id) if len(svc.sessions()) > before else None
    assert made is not None and made.policies == ("HR-TAL-03",) and made.venue == "天安数码城"
    assert made.hosts == (svc.policy("HR-TAL-03").department,)


def test_attendance_screen_records_people(demo_platform, gridgov_clock):
    svc = HrPolicyService(demo_platform)
    officer = demo_platform.actor("hr_talent")
    session = svc.plan_session(officer, title="t", held_on=gridgov_clock.now.date(), venue_area="PH", venue="v",
                               hosts=["HRB"], policies=["HR-EMP-01"], invite=["ENT-HD", "ENT-XL"])
    app = ScreenHost(demo_platform, "hr_talent", screen="AttendanceScreen")

    async def scenario(pilot):
        assert app.screen.session_id == session.id
        app.screen.query_one("#attendance", DataTable).focus()
        await pilot.press("a", "a")
        await pilot.press("down", "a", "x")
        app.screen.query_one("#walkin", Input).value = "F-NOPE"
        app.screen.query_one("#walkin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()

    drive(app, scenario)
    rows = {a.firm: (a.attended, a.attendees) for a in svc.attendance(session.id)}
    assert rows == {"ENT-HD": (True, 2), "ENT-XL": (False, 0)}
    assert svc.session(session.id).status == "held"


def test_questions_screen_answers_the_selected_question(demo_platform):
    svc = HrPolicyService(demo_platform)
    app = ScreenHost(demo_platform, "hr_talent", screen="QuestionsScreen")
    mine = [q for q in svc.questions(app.actor, status="open")
            if demo_platform.issues.get(Actor.system(), q.issue_id).assignee_org == app.actor.org_code]
    assert mine

    async def scenario(pilot):
        table = app.screen.query_one("#queue", DataTable)
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        table.move_cursor(row=keys.index(str(mine[0].id)))
        app.screen.query_one("#answer", Input).value = "请登录人才服务平台申报。"
        app.screen.query_one("#answer", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert str(mine[0].id) not in [table.coordinate_to_cell_key((i, 0)).row_key.value
                                       for i in range(table.row_count)]

    drive(app, scenario)
    answered = svc.question(mine[0].id)
    assert answered.status == "answered" and answered.answer == "请登录人才服务平台申报。"


def test_firm_screen_explains_each_policy(demo_platform):
    app = ScreenHost(demo_platform, "hr_talent", screen="FirmPoliciesScreen")

    async def scenario(pilot):
        app.screen.query_one("#firm", Input).value = "ENT-XL"
        app.screen.query_one("#firm", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#judged", DataTable)
        marks = {table.get_row_at(i)[1]: table.get_row_at(i)[0] for i in range(table.row_count)}
        assert marks["HR-EMP-02"] == "✓" and marks["HR-TAL-03"] == "✗"
        table.focus()
        table.move_cursor(row=[table.get_row_at(i)[1] for i in range(table.row_count)].index("HR-TAL-03"))
        await pilot.pause()
        assert "size micro is not one of above_scale" in str(app.screen.query_one("#reasons").render())

    drive(app, scenario)


def test_the_plugin_registers_its_category_roles_tables_and_card(gridgov_platform):
    category = gridgov_platform.categories[CATEGORY]
    assert (category.plugin, category.handler_kind, category.resolve_hours) == ("hr_policy", "agency", 120)
    assert "hr.manage" in gridgov_platform.roles["hr_officer"].permissions
    assert {t for t, p in gridgov_platform.plugin_of_table.items() if p == "hr_policy"} == {
        "hr_policy_policy", "hr_policy_session", "hr_policy_attendance", "hr_policy_question",
        "hr_policy_subscription", "hr_policy_notice"}
    assert {s for s in gridgov_platform.screens if s.startswith("hr.")} == {
        "hr.catalogue", "hr.plan", "hr.attendance", "hr.questions", "hr.firm"}
    assert "hr_policy.outreach" in gridgov_platform.metric_specs
    assert gridgov_platform.plugin_failures == []


def test_palette_command_reports_the_figures(demo_platform):
    shown = []
    app = type("FakeApp", (), {})()
    app.platform, app.actor, app.lang = demo_platform, demo_platform.actor("hr_talent"), "en"
    app.notify = lambda text, **kw: shown.append((text, kw))
    demo_platform.palette_commands["hr.outreach_summary"].run(app)
    m = compute(demo_platform, app.actor)
    assert shown[0][0].startswith(f"{m.sessions} sessions, {m.firms_reached} firms reached")
    app.actor = demo_platform.actor("head_sx01b1")
    demo_platform.palette_commands["hr.outreach_summary"].run(app)
    assert shown[1][1].get("severity") == "error"


def test_session_and_catalogue_commands_read_as_a_member_and_check_scope(demo_platform, capsys):
    """``hr session list/show``, ``hr policy list/show`` and ``hr notices`` take ``--as`` like
    the other commands: a grid worker without ``hr.read`` is refused, an officer is not."""
    svc = HrPolicyService(demo_platform)
    session_id = str(svc.sessions()[0].id)
    policy = svc.policies()[0].code
    for args in (("session", "list"), ("session", "show", session_id), ("policy", "list"),
                 ("policy", "show", policy), ("notices", policy)):
        code, out, err = run(demo_platform, capsys, "hr", *args, "--as", "worker_sx01", "--json")
        assert code != 0 and "hr.read" in err, args
        code, out, err = run(demo_platform, capsys, "hr", *args, "--as", "hr_talent", "--json")
        assert code == 0 and json.loads(out) is not None, (args, err)
    code, out, _ = run(demo_platform, capsys, "hr", "session", "list", "--as", "hr_talent", "--json")
    assert {s["id"] for s in json.loads(out)} == {s.id for s in svc.sessions()}
