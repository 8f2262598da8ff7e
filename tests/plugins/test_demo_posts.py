"""Each department's demo login finishes its own flow on the demo loaded today.

The logins `gridgov demo` prints are what a newcomer tries first; each must find work it
can finish, not a list of records whose next step fails: the finance officer grants credit
on a referred consultation, the mediator records a session and an agreement (the dispute's
case is resolved), the HR officer answers an open question.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from gridgov.core import Actor, Platform, PluginHost
from gridgov.core.cli import _load_commands, cli
from gridgov.core.demo import demo_logins, load_demo

_load_commands()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("posts") / "demo.db"
    platform = Platform(path, hooks=PluginHost(entry_points=False))
    load_demo(platform, "small", seed=5)
    logins = {entry["post"]: entry["login"] for entry in demo_logins(platform)}
    yield path, platform, logins
    platform.close()


def run(path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(path), *args])
    return result.exit_code, result.output


def _rows(platform, sql: str, params=()) -> list[tuple]:
    return platform._store.sql.execute(sql, params).fetchall()


def test_the_finance_officer_grants_a_referred_consultation(demo):
    path, platform, logins = demo
    officer = logins["finance_officer"]
    referred = _rows(platform, "SELECT id FROM finance_station_consultation "
                               "WHERE status = 'referred' AND need IN ('loan', 'insurance') ORDER BY id")
    assert referred, "the demo leaves consultations waiting for a decision"
    code, out = run(path, "finance", "grant", str(referred[0][0]), "--amount", "100万", "--as", officer)
    assert code == 0, out
    [(status,)] = _rows(platform, "SELECT status FROM finance_station_consultation WHERE id = ?", [referred[0][0]])
    assert status == "granted"


def test_the_mediator_finishes_a_dispute_on_their_desk(demo):
    path, platform, logins = demo
    mediator = logins["mediator"]
    waiting = _rows(platform, """SELECT d.id, d.issue_id FROM mediation_dispute d JOIN issue i ON i.id = d.issue_id
                                 WHERE d.status = 'open' AND i.status = 'in_progress' AND i.assignee_org IN
                                 (SELECT org_code FROM role_assignment WHERE login = ? AND post = 'mediator')
                                 ORDER BY d.id""", [mediator])
    assert waiting, "the demo mediator has a dispute to finish"
    dispute, issue = waiting[0]
    today = platform.time.local(platform.now()).date().isoformat()
    code, out = run(path, "mediation", "session", str(dispute), "--at", today, "--place", "调解室",
                    "--mediator", mediator, "--as", mediator)
    assert code == 0, out
    code, out = run(path, "mediation", "agree", str(dispute), "--terms", "双方同意分担维修费用",
                    "--signed-on", today, "--perform-by", today, "--as", mediator)
    assert code == 0, out
    assert platform.issues.get(Actor.system(), issue).status == "resolved"


def test_the_hr_officer_answers_an_open_question(demo):
    path, platform, logins = demo
    officer = logins["hr_officer"]
    open_ = _rows(platform, "SELECT id FROM hr_policy_question WHERE status = 'open' ORDER BY id")
    assert open_, "the demo leaves questions to answer"
    code, out = run(path, "hr", "question", "answer", str(open_[-1][0]), "按实际招用人数申报。", "--as", officer)
    assert code == 0, out
    [(status,)] = _rows(platform, "SELECT status FROM hr_policy_question WHERE id = ?", [open_[-1][0]])
    assert status == "answered"
