"""``gridgov finance …`` from the shell: intake, actions, queues, a firm's history and the
source document's figures, with one-line errors and nothing half-written."""

from __future__ import annotations

import json
import random

from gridgov.plugins.finance_station import demo
from gridgov.plugins.finance_station.service import CATEGORY
from test_finance_workflow import NEW_USCC, PLUGIN, finance  # noqa: F401  (fixture)


class Demo:
    def __init__(self, platform) -> None:
        self.platform = platform


def run(gridgov_cli, finance, *args, as_="fin_officer01"):  # noqa: F811
    return gridgov_cli(list(args), as_=as_, platform=finance.platform)


def test_intake_refer_grant_and_show(gridgov_cli, finance):  # noqa: F811
    result = run(
        gridgov_cli, finance, "finance", "intake", "--enterprise", "ENT-HD", "--amount", "300万"
    )
    assert result.exit_code == 0, result.output
    cid = result.stdout.strip()
    assert (
        run(gridgov_cli, finance, "finance", "refer", cid, "--institution", finance.bank).exit_code
        == 0
    )
    result = run(gridgov_cli, finance, "finance", "grant", cid, "--amount", "1.5亿", "--inclusive")
    assert result.exit_code == 0 and "150,000,000.00元" in result.stdout
    shown = json.loads(run(gridgov_cli, finance, "finance", "show", cid, "--json").stdout)
    assert (
        shown["status"] == "granted"
        and shown["granted_amount"] == 15_000_000_000
        and shown["inclusive"]
    )
    assert shown["actions"] == [] and shown["uscc"]
    text = run(gridgov_cli, finance, "finance", "show", cid).stdout
    assert "150,000,000.00元" in text and "credit granted" in text


def test_bad_uscc_gets_one_line_and_writes_nothing(gridgov_cli, finance):  # noqa: F811
    bad = NEW_USCC[:-1] + ("0" if NEW_USCC[-1] != "0" else "1")
    result = run(gridgov_cli, finance, "finance", "intake", "--uscc", bad, "--name", "深圳市新创电子有限公司",
                 "--industry", "电子信息", "--size", "micro", "--area", "SX01")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "uscc: check character" in result.stderr
    assert finance.platform.organisations.by_uscc(bad) is None and finance.count() == 0


def test_bad_amounts_and_illegal_moves_exit_non_zero(gridgov_cli, finance):  # noqa: F811
    result = run(
        gridgov_cli, finance, "finance", "intake", "--enterprise", "ENT-HD", "--amount", "0.001"
    )
    assert result.exit_code == 2 and "amount:" in result.stderr and finance.count() == 0
    cid = run(gridgov_cli, finance, "finance", "intake", "--enterprise", "ENT-HD").stdout.strip()
    result = run(gridgov_cli, finance, "finance", "grant", cid, "--amount", "100万")
    assert result.exit_code == 2 and "grant needs referred" in result.stderr
    result = run(
        gridgov_cli, finance, "finance", "decline", cid, "--reason", "抵押物不足", as_="worker_sx01"
    )
    assert result.exit_code == 3 and "lacks finance.consult" in result.stderr


def test_report_need_opens_a_case_and_a_consultation(gridgov_cli, finance):  # noqa: F811
    result = run(gridgov_cli, finance, "finance", "report-need", "--area", "SX01", "--uscc", NEW_USCC,
                 "--name", "深圳市新创电子有限公司", "--industry", "智能制造", "--size", "small",
                 "--amount", "80万", as_="worker_sx01")  # fmt: skip
    assert result.exit_code == 0, result.output
    issue_id, cid = (int(x) for x in result.stdout.split())
    issue = finance.platform.issues.get(finance.system, issue_id)
    assert issue.category == CATEGORY and issue.reporter == "worker_sx01"
    queue = json.loads(run(gridgov_cli, finance, "finance", "queue", "FS-IM", "--json").stdout)
    assert [c["id"] for c in queue] == [cid] and queue[0]["amount_asked"] == 80_000_000


def test_intake_links_a_case_reported_without_a_firm(gridgov_cli, finance):  # noqa: F811
    issue = finance.platform.issues.report(
        finance.system, area="SX01", category=CATEGORY, title="企业想贷款"
    )
    result = run(gridgov_cli, finance, "finance", "intake", "--issue", str(issue.id), "--enterprise", "ENT-HD",
                 as_=None)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert finance.service.for_issue(issue.id).enterprise == "ENT-HD"
    again = run(
        gridgov_cli,
        finance,
        "finance",
        "intake",
        "--issue",
        str(issue.id),
        "--enterprise",
        "ENT-HD",
        as_=None,
    )
    assert again.exit_code == 2 and "already has a consultation" in again.stderr


def test_firm_history_across_stations(gridgov_cli, finance):  # noqa: F811
    run(gridgov_cli, finance, "finance", "intake", "--enterprise", "ENT-HD", "--station", "FS-EI")
    run(
        gridgov_cli,
        finance,
        "finance",
        "intake",
        "--enterprise",
        "ENT-HD",
        "--station",
        "FS-IM",
        "--need",
        "policy",
    )
    firm = finance.platform.organisations.get("ENT-HD")
    data = json.loads(run(gridgov_cli, finance, "finance", "firm", firm.uscc, "--json").stdout)
    assert data["enterprise"] == "ENT-HD"
    assert [c["station"] for c in data["consultations"]] == ["FS-EI", "FS-IM"]


def test_visits_and_events(gridgov_cli, finance):  # noqa: F811
    assert run(gridgov_cli, finance, "finance", "visit", "--enterprise", "ENT-XL", "--date", "2026-10-20",
               "--note", "了解扩产融资需求").exit_code == 0  # fmt: skip
    result = run(gridgov_cli, finance, "finance", "event", "--name", "“金融为民”暖心工程", "--date", "2026-10-25",
                 "--station", "FS-EI", "--institution", finance.bank, "--firm", "ENT-HD", "--firm", "ENT-XL")  # fmt: skip
    assert result.exit_code == 0, result.output
    stats = json.loads(run(gridgov_cli, finance, "finance", "stats", "--json").stdout)
    assert (stats["events"], stats["visits"]) == (1, 1)
    listed = json.loads(run(gridgov_cli, finance, "finance", "events", "--json").stdout)
    assert listed[0]["firms"] == ["ENT-HD", "ENT-XL"] and listed[0]["held_on"] == "2026-10-25"
    seen = json.loads(
        run(gridgov_cli, finance, "finance", "visits", "--enterprise", "ENT-XL", "--json").stdout
    )
    assert [(v["officer"], v["visited_on"]) for v in seen] == [("fin_officer01", "2026-10-20")]
    bad = run(
        gridgov_cli,
        finance,
        "finance",
        "event",
        "--name",
        "x",
        "--date",
        "2026-10-25",
        "--institution",
        "ZJJ",
    )
    assert bad.exit_code == 2 and "not a financial institution" in bad.stderr


def test_stats_reproduce_the_source_document(gridgov_cli, gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(PLUGIN,))
    demo.load(platform, "longgang", random.Random(2026))
    deployment = Demo(platform)
    result = run(gridgov_cli, deployment, "finance", "stats")
    assert result.exit_code == 0, result.output
    assert "95.83亿元" in result.stdout and "47.53亿元" in result.stdout and "4216" in result.stdout
    data = json.loads(
        run(gridgov_cli, deployment, "finance", "stats", "--json", "--by-station").stdout
    )
    assert (
        data["consultations"],
        data["firms_granted_credit"],
        data["credit_fen"],
        data["inclusive_fen"],
    ) == (5_986, 4_216, 958_300_000_000, 475_300_000_000)
    assert sum(s["credit_fen"] for s in data["stations"]) == 958_300_000_000
    assert len(data["stations"]) == 25
    fs01 = next(s for s in data["stations"] if s["station"] == "FS01")
    one = json.loads(
        run(gridgov_cli, deployment, "finance", "stats", "--json", "--station", "FS01").stdout
    )
    assert (one["consultations"], one["credit_fen"]) == (fs01["consultations"], fs01["credit_fen"])
    half = json.loads(run(gridgov_cli, deployment, "finance", "stats", "--json", "--station", "FS01",
                          "--since", "2026-01-01", "--until", "2026-07-01").stdout)  # fmt: skip
    assert 0 < half["consultations"] < one["consultations"]
    stations = run(gridgov_cli, deployment, "finance", "stations").stdout
    assert "金融驿站" in stations


def test_stats_refuse_bad_options_and_strangers(gridgov_cli, finance):  # noqa: F811
    result = run(gridgov_cli, finance, "finance", "stats", "--since", "2026-13-01")
    assert result.exit_code == 2 and "--since" in result.stderr
    result = run(
        gridgov_cli, finance, "finance", "stats", "--since", "2026-06-01", "--until", "2026-05-01"
    )
    assert result.exit_code == 2 and "--until" in result.stderr
    result = run(gridgov_cli, finance, "finance", "stats", "--station", "NOPE")
    assert result.exit_code == 2
    result = run(gridgov_cli, finance, "finance", "stats", "--area", "BNK01", as_="worker_sx01")
    assert result.exit_code == 3
    assert (
        run(gridgov_cli, finance, "finance", "stats", "--area", "SX01", as_="worker_sx01").exit_code
        == 0
    )
