"""The ``gridgov`` command line: init, issue, member and stats, as scripts use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import gridgov.core.platform as platform_module
import pytest
from cli_support import run
from gridgov.core import Actor, MetricSpec, Platform, PluginHost, hookimpl, sample
from gridgov.core.cli.output import display_width, table

pytestmark = pytest.mark.usefixtures("core_cli_only")


def open_db(path: str) -> Platform:
    return Platform(path)


def report(title: str = "山厦社区1栋门口路面塌陷", area: str = "SX01-B1", *extra: str) -> int:
    result = run("issue", "report", "--area", area, "--category", "road.repair", "--title", title,
                 "--as", "worker_sx01", *extra)
    assert result.exit_code == 0, result.output
    return int(result.stdout)


def act(issue_id: int, action: str, login: str, *extra: str):
    return run("issue", "act", str(issue_id), action, "--as", login, *extra)


# -- entry point and init -------------------------------------------------------------------


def test_installed_script_shows_the_contract_commands():
    script = Path(sys.executable).with_name("gridgov")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "GRIDGOV_LOAD_PLUGINS": ""})
    assert result.returncode == 0, result.stderr
    for command in ("init", "issue", "member", "stats", "import", "export"):
        assert f"  {command} " in result.stdout


def test_installed_script_prints_one_line_errors(tmp_path):
    script = Path(sys.executable).with_name("gridgov")
    env = {**os.environ, "GRIDGOV_LOAD_PLUGINS": "", "GRIDGOV_DB": str(tmp_path / "x.db")}
    result = subprocess.run([str(script), "issue", "list", "--as", "nobody"], capture_output=True,
                            text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert result.stderr == "error: --as: no member has the login 'nobody'\n"


def test_init_creates_then_reports_up_to_date():
    first = run("init")
    assert first.exit_code == 0, first.output
    assert os.environ["GRIDGOV_DB"] in first.stdout
    assert "gridgov.core:m001_directory" in first.stdout
    assert Path(os.environ["GRIDGOV_DB"]).exists()
    again = run("init")
    assert again.exit_code == 0
    assert "up to date" in again.stdout
    assert "m001" not in again.stdout


def test_init_sets_the_deployments_levels():
    result = run("init", "--levels", "city,subdistrict,community,compound")
    assert result.exit_code == 0, result.output
    assert "city > subdistrict > community > compound" in result.stdout
    with open_db(os.environ["GRIDGOV_DB"]) as platform:
        assert platform.areas.levels() == ("city", "subdistrict", "community", "compound")


def test_init_refuses_levels_that_existing_areas_do_not_fit(sample_db):
    result = run("init", "--levels", "city,subdistrict")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: levels: areas already use ")
    with open_db(sample_db) as platform:
        assert platform.areas.levels()[0] == "district"


# -- errors ---------------------------------------------------------------------------------


def test_unknown_login_is_one_line_not_a_traceback(sample_db):
    result = run("issue", "list", "--as", "nobody")
    assert result.exit_code == 2
    assert result.stderr == "error: --as: no member has the login 'nobody'\n"


def test_bad_report_names_the_field_and_writes_nothing(sample_db):
    result = run("issue", "report", "--area", "SX01", "--category", "road.repair", "--title", "路灯不亮",
                 "--requester-phone", "12345", "--as", "worker_sx01")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: requester_phone: must be an 11-digit mobile number")
    assert len(result.stderr.splitlines()) == 1
    unknown = run("issue", "report", "--area", "SX01", "--category", "no.such", "--title", "x", "--as", "worker_sx01")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: category: unknown category no.such")
    with open_db(sample_db) as platform:
        assert platform._store.count("issue") == 0


def test_report_outside_the_workers_grid_is_denied(sample_db):
    result = run("issue", "report", "--area", "BNK01", "--category", "road.repair", "--title", "x", "--as", "worker_sx01")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: worker_sx01 lacks issue.report")


# -- issue flows ----------------------------------------------------------------------------


def test_report_prints_only_the_id_and_list_shows_it(sample_db):
    issue_id = report()
    listed = run("issue", "list", "--json", "--as", "dispatcher_sx")
    assert listed.exit_code == 0
    issues = json.loads(listed.stdout)
    assert [i["id"] for i in issues] == [issue_id]
    assert issues[0]["title"] == "山厦社区1栋门口路面塌陷"
    assert issues[0]["status"] == "reported"
    assert issues[0]["handling_area"] == "SX01"
    elsewhere = run("issue", "list", "--json", "--as", "worker_bnk01")
    assert json.loads(elsewhere.stdout) == []


def test_issue_list_filters(sample_db):
    first = report("路面塌陷一处")
    second = report("井盖缺失")
    assert act(second, "register", "dispatcher_sx").exit_code == 0

    def ids(*args: str) -> list[int]:
        result = run("issue", "list", "--json", "--as", "dispatcher_sx", *args)
        assert result.exit_code == 0, result.output
        return sorted(i["id"] for i in json.loads(result.stdout))

    assert ids("--status", "registered") == [second]
    assert ids("--status", "registered", "--status", "reported") == [first, second]
    assert ids("--search", "井盖") == [second]
    assert ids("--area", "SX02") == []
    assert ids("--limit", "1") in ([first], [second])
    assert ids("--overdue") == []
    bad = run("issue", "list", "--status", "done", "--as", "dispatcher_sx")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --status: 'done' is not a status (")


def test_issue_list_table_aligns_chinese_titles(sample_db):
    report("路面塌陷")
    report("Streetlight out 路灯不亮")
    result = run("issue", "list", "--as", "dispatcher_sx")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "status", "level", "category", "area", "due", "title"]
    title_column = display_width(lines[0].split("title")[0])
    assert len(lines) == 4
    for line, title in zip(lines[2:], ("路面塌陷", "Streetlight out 路灯不亮"), strict=False):
        assert display_width(line[: line.index(title)]) == title_column


def test_table_pads_by_display_width():
    text = table(("name", "phone", "org"), [("王小明", "138****0001", "ZJJ"), ("Li Na", "139****0002", "山厦物业")])
    lines = text.splitlines()
    starts = {display_width(line.split("13")[0]) for line in lines[2:]}
    assert len(starts) == 1
    org_starts = {display_width(line[: line.index(org)]) for line, org in zip(lines[2:], ("ZJJ", "山厦物业"), strict=True)}
    assert org_starts == {display_width(lines[0][: lines[0].index("org")])}


def test_show_has_fields_timeline_and_available_actions(sample_db):
    issue_id = report()
    as_json = run("issue", "show", str(issue_id), "--json", "--as", "dispatcher_sx")
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert set(data) == {"issue", "events", "actions"}
    assert data["issue"]["id"] == issue_id
    assert [e["action"] for e in data["events"]] == ["report"]
    assert {"register", "reject", "merge"} <= set(data["actions"])
    worker_view = json.loads(run("issue", "show", str(issue_id), "--json", "--as", "worker_sx01").stdout)
    assert "register" not in worker_view["actions"]
    text = run("issue", "show", str(issue_id), "--as", "dispatcher_sx").stdout
    assert "山厦社区1栋门口路面塌陷" in text
    assert text.splitlines()[-1] == "actions: " + ", ".join(data["actions"])


def test_requester_phone_is_masked_in_show(sample_db):
    issue_id = report("噪声扰民", "SX01", "--requester-phone", "13912345678", "--requester-name", "王先生")
    data = json.loads(run("issue", "show", str(issue_id), "--json", "--as", "dispatcher_sx").stdout)
    assert data["issue"]["requester_phone"] == "139****5678"


def test_act_walks_the_closed_loop(sample_db):
    issue_id = report()
    assert act(issue_id, "register", "dispatcher_sx").stdout == "registered\n"
    dispatched = act(issue_id, "dispatch", "dispatcher_sx", "--to", "ZJJ", "--json")
    assert dispatched.exit_code == 0, dispatched.output
    assert json.loads(dispatched.stdout)["assignee_org"] == "ZJJ"
    assert act(issue_id, "accept", "handler_zjj").stdout == "in_progress\n"
    assert act(issue_id, "resolve", "handler_zjj", "--note", "已修复路面").stdout == "resolved\n"
    assert act(issue_id, "verify", "worker_sx01").stdout == "verified\n"
    closed = act(issue_id, "close", "dispatcher_sx", "--rating", "satisfied")
    assert closed.stdout == "closed\n"
    events = json.loads(run("issue", "show", str(issue_id), "--json", "--as", "dispatcher_sx").stdout)["events"]
    assert [e["action"] for e in events] == ["report", "register", "dispatch", "accept", "resolve", "verify", "close"]


def test_dispatch_to_a_member_login(sample_db):
    issue_id = report()
    act(issue_id, "register", "dispatcher_sx")
    result = act(issue_id, "dispatch", "dispatcher_sx", "--to", "handler_sxwy", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["assignee_member"] == "handler_sxwy"
    assert data["assignee_org"] is None


def test_act_errors_are_one_line_with_their_exit_codes(sample_db):
    issue_id = report()
    refused = act(issue_id, "close", "dispatcher_sx", "--rating", "satisfied")
    assert refused.exit_code == 4
    assert refused.stderr.startswith(f"error: issue {issue_id}: close refused: the case is reported")
    act(issue_id, "register", "dispatcher_sx")
    unknown_target = act(issue_id, "dispatch", "dispatcher_sx", "--to", "NOBODY")
    assert unknown_target.exit_code == 2
    assert unknown_target.stderr == "error: --to: no organisation or member NOBODY\n"
    stale = act(issue_id, "dispatch", "dispatcher_sx", "--to", "ZJJ", "--version", "1")
    assert stale.exit_code == 5
    assert "was changed by someone else" in stale.stderr
    no_note = act(issue_id, "reject", "dispatcher_sx")
    assert no_note.exit_code == 4
    for result in (refused, unknown_target, stale, no_note):
        assert len(result.stderr.splitlines()) == 1


def test_merge_takes_an_issue_id(sample_db):
    master = report("路面塌陷")
    duplicate = report("路面塌陷（重复）")
    result = act(duplicate, "merge", "dispatcher_sx", "--to", str(master), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["status"], data["merged_into"]) == ("merged", master)
    bad = act(master, "merge", "dispatcher_sx", "--to", "ZJJ")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --to: merge needs an issue id")


def test_categories_list_codes_names_and_deadlines():
    result = run("issue", "categories", "--json")
    assert result.exit_code == 0, result.output
    by_code = {c["code"]: c for c in json.loads(result.stdout)}
    road = by_code["road.repair"]
    assert (road["name_zh"], road["response_hours"], road["resolve_hours"], road["handler_kind"]) == (
        "道路修复", 4, 72, "agency")
    text = run("issue", "categories").stdout
    assert "道路修复" in text and "road.repair" in text


def test_similar_finds_likely_duplicates(sample_db):
    first = report("山厦社区1栋门口路面塌陷")
    result = run("issue", "similar", "--area", "SX01-B1", "--category", "road.repair",
                 "--text", "1栋门口路面塌陷了", "--json", "--as", "worker_sx01")
    assert result.exit_code == 0, result.output
    assert [i["id"] for i in json.loads(result.stdout)] == [first]
    none = run("issue", "similar", "--area", "SX01", "--category", "noise", "--text", "楼上装修噪声",
               "--as", "worker_sx01")
    assert "no similar" in none.stdout


# -- members --------------------------------------------------------------------------------


def test_member_list_masks_personal_data_and_includes_handlers(sample_db):
    result = run("member", "list", "--json")
    assert result.exit_code == 0, result.output
    members = {m["login"]: m for m in json.loads(result.stdout)}
    assert set(members) == {login for login, *_ in sample.MEMBERS}
    assert members["worker_sx01"]["phone"] == "138****0005"
    handlers = json.loads(run("member", "list", "--role", "handler", "--json").stdout)
    assert [m["login"] for m in handlers] == ["handler_cgj", "handler_sxwy", "handler_zjj"]
    in_sx02 = json.loads(run("member", "list", "--area", "SX02", "--json").stdout)
    assert [m["login"] for m in in_sx02] == ["worker_sx02"]


def test_member_list_is_scoped_to_the_actor(sample_db):
    result = run("member", "list", "--json", "--as", "worker_sx02")
    assert [m["login"] for m in json.loads(result.stdout)] == ["worker_sx02"]
    denied = run("member", "list", "--area", "BNK", "--as", "worker_sx02")
    assert denied.exit_code == 3


def test_member_show_unmasks_only_with_a_reason_and_logs_it(sample_db):
    masked = json.loads(run("member", "show", "worker_sx01", "--json").stdout)
    assert masked["member"]["phone"] == "138****0005"
    assert [p["post"] for p in masked["posts"]] == ["grid_worker"]
    full = run("member", "show", "worker_sx01", "--unmask", "--reason", "回访核实", "--as", "admin")
    assert full.exit_code == 0, full.output
    assert "13800000005" in full.stdout
    no_reason = run("member", "show", "worker_sx01", "--unmask", "--as", "admin")
    assert no_reason.exit_code == 2
    assert no_reason.stderr == "error: --reason: --unmask needs a reason\n"
    denied = run("member", "show", "worker_sx01", "--unmask", "--reason", "x", "--as", "dispatcher_sx")
    assert denied.exit_code == 3
    with open_db(sample_db) as platform:
        log = platform._store.select("access_log", order_by="id")
    assert [(e["actor"], e["what"], e["reason"]) for e in log] == [("admin", "member:worker_sx01", "回访核实")]


# -- stats ----------------------------------------------------------------------------------


def _closed_case() -> int:
    issue_id = report()
    for action, login, extra in (
        ("register", "dispatcher_sx", ()),
        ("dispatch", "dispatcher_sx", ("--to", "ZJJ")),
        ("accept", "handler_zjj", ()),
        ("resolve", "handler_zjj", ("--note", "已修复")),
        ("verify", "worker_sx01", ()),
        ("close", "dispatcher_sx", ("--rating", "satisfied")),
    ):
        result = act(issue_id, action, login, *extra)
        assert result.exit_code == 0, result.output
    return issue_id


def test_stats_json_defaults_to_the_actors_scope(sample_db):
    _closed_case()
    report("井盖缺失")
    result = run("stats", "--json", "--as", "dispatcher_sx")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scope"] == "area:SX"
    assert data["flows"]["received"] == 2
    assert data["flows"]["closed"] == 1
    assert data["rates"]["closure_rate"] == 1.0
    assert data["rates"]["satisfaction_rate"] == 1.0
    assert data["settled_by_level"] == {"grid": 1}
    assert data["plugins"] == {}
    other = json.loads(run("stats", "--json", "--area", "BNK", "--as", "system").stdout)
    assert other["flows"]["received"] == 0
    root = json.loads(run("stats", "--json", "--as", "system").stdout)
    assert root["scope"] == "area:LG"


def test_stats_for_an_organisation_and_a_member_and_text_output(sample_db):
    _closed_case()
    org = json.loads(run("stats", "--org", "ZJJ", "--json", "--as", "supervisor").stdout)
    assert org["scope"] == "org:ZJJ"
    assert org["flows"]["closed"] == 1
    member = json.loads(run("stats", "--member", "handler_zjj", "--json", "--as", "handler_zjj").stdout)
    assert member["scope"] == "member:handler_zjj"
    text = run("stats", "--as", "dispatcher_sx").stdout
    assert "closure rate" in text and "100.0%" in text


def test_stats_rejects_bad_dates_and_foreign_scopes(sample_db):
    bad = run("stats", "--since", "2026-13-01", "--as", "dispatcher_sx")
    assert bad.exit_code == 2
    assert bad.stderr == "error: --since: '2026-13-01' is not a date (YYYY-MM-DD)\n"
    denied = run("stats", "--area", "BNK", "--as", "dispatcher_sx")
    assert denied.exit_code == 3
    future = json.loads(run("stats", "--since", "2099-01-01", "--json", "--as", "dispatcher_sx").stdout)
    assert future["since"] == "2099-01-01"


class CardPlugin:
    @hookimpl
    def register_metrics(self, register):
        register(MetricSpec(id="cards.open", title_zh="开放案件", title_en="open cases",
                            compute=lambda platform, actor, area, since, until: {"area": area, "open": 7}))
        register(MetricSpec(id="cards.broken", title_zh="坏卡片", title_en="broken card",
                            compute=lambda platform, actor, area, since, until: 1 / 0))


def test_stats_json_carries_plugin_cards_and_survives_a_failing_one(sample_db, monkeypatch):
    monkeypatch.setenv("GRIDGOV_LOAD_PLUGINS", "CardPlugin")
    monkeypatch.setattr(platform_module, "PluginHost", lambda: PluginHost(builtins=(), extra=[CardPlugin()]))
    result = run("stats", "--json", "--as", "dispatcher_sx")
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)["plugins"]
    assert cards["cards.open"]["values"] == {"area": "SX", "open": 7}
    assert cards["cards.broken"]["values"]["error"].startswith("ZeroDivisionError")
    text = run("--lang", "zh", "stats", "--as", "dispatcher_sx").stdout
    assert "[开放案件]" in text and "结案率" in text


def test_overdue_cases_are_listed_and_marked(sample_db):
    late = {"title": "化粪池满溢", "category": "environment.sanitation", "area_code": "SX01", "status": "dispatched",
            "assignee_org": "CGJ", "reported_at": "2026-01-05T08:00:00+08:00", "response_due": "2026-01-05T10:00:00+08:00",
            "resolve_due": "2026-01-06T08:00:00+08:00"}
    with open_db(sample_db) as platform:
        platform.transfer.import_records(Actor.system(), "issues", [("late.json record 1", late)])
    on_time = report("路面塌陷")
    result = run("issue", "list", "--overdue", "--as", "dispatcher_sx")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert "2026-01-05 10:00!" in lines[2] and "化粪池满溢" in lines[2]
    everything = run("issue", "list", "--json", "--as", "dispatcher_sx")
    assert {i["id"] for i in json.loads(everything.stdout)} == {1, on_time}
