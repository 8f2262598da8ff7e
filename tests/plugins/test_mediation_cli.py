"""``gridgov mediation …`` end to end: intake, session, outcome, follow-up, calendar, stats."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from gridgov.core import Actor
from gridgov.core.cli import main
from gridgov.plugins.mediation import metrics
from gridgov.plugins.mediation.demo import install_bodies


@pytest.fixture
def run(gridgov_platform, capsys):
    install_bodies(gridgov_platform)
    db = str(gridgov_platform.path)

    def run(*args: str, code: int = 0) -> str:
        capsys.readouterr()
        if code:
            with pytest.raises(SystemExit) as exit_info:
                main(["--db", db, "--lang", "en", "mediation", *args])
            assert exit_info.value.code == code
            return capsys.readouterr().err
        main(["--db", db, "--lang", "en", "mediation", *args])
        return capsys.readouterr().out

    return run


def opened(run) -> str:
    return run("open", "--area", "SX01-B1", "--kind", "damage", "--title", "装修损坏相邻房屋",
               "--party", "王芳,phone=13812345678,household=SX01-B1-0301",
               "--party", "李强,household=SX01-B1-0401", "--as", "worker_sx01").strip()  # fmt: skip


def day(offset: int) -> str:
    """The CLI runs on the real clock, so its dates are relative to today."""
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


def test_a_dispute_from_intake_to_agreement_and_follow_up(run, gridgov_platform):
    dispute_id = opened(run)
    issue_id = json.loads(run("show", dispute_id, "--json"))["dispute"]["issue_id"]
    system = Actor.system()
    gridgov_platform.issues.act(system, issue_id, "register")
    gridgov_platform.issues.act(system, issue_id, "dispatch")
    assert run("session", dispute_id, "--at", f"{day(1)} 14:30", "--place", "第01网格调解室", "--mediator", "tj.sx.1",
               "--attendee", "王芳", "--attendee", "李强", "--notes", "释法明理", "--as", "tj.sx.1").strip().isdigit()  # fmt: skip
    assert run("agree", dispute_id, "--terms", "李强赔偿修缮费1200元", "--signed-on", day(1),
               "--perform-by", day(18), "--as", "tj.sx.1").strip() == "agreement at grid level"  # fmt: skip
    assert run("performed", dispute_id, "--on", day(16), "--as", "tj.sx.1").strip() == "on time"
    visit = run("follow-up", dispute_id, "--due", day(21), "--as", "tj.sx.1").strip()
    run("visit", visit, "--on", day(21), "--notes", "已履行完毕", "--as", "tj.sx.1")
    shown = json.loads(run("show", dispute_id, "--json", "--as", "dispatcher_sx"))
    assert shown["dispute"]["status"] == "agreed"
    assert [p["phone"] for p in shown["dispute"]["parties"]] == ["138****5678", None]
    assert shown["outcome"]["level"] == "grid" and shown["outcome"]["performed_on"] == day(16)
    assert shown["follow_ups"][0]["visited_on"] == day(21)
    text = run("show", dispute_id, "--as", "dispatcher_sx")
    assert "terms: 李强赔偿修缮费1200元" in text and "138****5678" in text
    calendar = run("calendar", "--as", "tj.sx.1")
    assert calendar.startswith(f"{day(1)} 14:30\t第01网格调解室\tdispute " + dispute_id)
    listed = json.loads(run("list", "--json", "--as", "worker_sx01"))
    assert [d["id"] for d in listed] == [int(dispute_id)]
    stats = json.loads(run("stats", "--area", "SX", "--json", "--as", "dispatcher_sx"))
    expected = metrics.compute(gridgov_platform, system, "SX").as_dict()
    assert stats == json.loads(json.dumps(expected, default=str))
    assert stats["agreements"] == 1 and stats["settled_grid"] == 1
    assert "agreement rate: 100.0%" in run("stats", "--area", "SX", "--as", "dispatcher_sx")


def test_referral_and_one_line_errors(run, gridgov_platform):
    dispute_id = opened(run)
    issue_id = json.loads(run("show", dispute_id, "--json"))["dispute"]["issue_id"]
    gridgov_platform.issues.act(Actor.system(), issue_id, "register")
    gridgov_platform.issues.act(Actor.system(), issue_id, "dispatch")
    err = run("refer", dispute_id, "--to", "court", "--body", " ", "--note", "调解不成", "--as", "tj.sx.1", code=2)
    assert err.strip() == "error: receiving_body: a referral names the receiving body"
    assert run("refer", dispute_id, "--to", "court", "--body", "龙岗区人民法院", "--note", "调解不成",
               "--as", "tj.sx.1").strip() == "referred to court at grid level"  # fmt: skip
    assert gridgov_platform.issues.get(Actor.system(), int(issue_id)).status == "closed"
    err = run("withdraw", dispute_id, "--note", "x", "--as", "tj.sx.1", code=2)
    assert "is referred, no longer open" in err
    err = run("open", "--area", "SX01", "--kind", "family", "--title", "t", "--party", "王芳,phone=123", "--as", "worker_sx01", code=2)
    assert err.startswith("error: phone:")
    assert run("withdraw", dispute_id, "--note", "x", "--as", "worker_bnk01", code=3).startswith("error: worker_bnk01 lacks mediation.record")
