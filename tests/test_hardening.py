"""The input edges and failure modes an outside tester found: an empty --as, terminal
control characters, the private store and the doctor, readers and a held write lock,
plugin actions limited to their categories, a plugin whose migration raises, hook
failures on the command line, and hooks that run past their time budget."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import types

import pytest
from cli_support import run
from gridgov.core import (
    Actor,
    Member,
    Migrations,
    Platform,
    PluginHost,
    Transition,
    TransitionRefused,
    ValidationError,
    hookimpl,
    sample,
)


def test_an_empty_as_is_refused_not_read_as_the_local_operator(sample_db):
    report = run("issue", "report", "--area", "SX01", "--category", "road.repair", "--title", "x", "--as", "")
    assert report.exit_code == 2 and report.stderr == "error: --as: is empty; give a member's login\n"
    act = run("issue", "act", "1", "register", "--as", "  ")
    assert act.exit_code == 2 and "--as: is empty" in act.stderr


def test_a_deactivated_member_cannot_act_from_the_cli(sample_db):
    with Platform(sample_db) as platform:
        platform.members.update(Actor.system(), "worker_sx01", active=False)
    result = run("issue", "report", "--area", "SX01", "--category", "road.repair", "--title", "x", "--as", "worker_sx01")
    assert result.exit_code == 3
    assert result.stderr == "error: worker_sx01 is deactivated: a deactivated member holds no post and cannot act\n"


@pytest.mark.parametrize("text", ["\x1b[2J清屏", "空\x00字节", "\u202e反转文字", "回\r车", "\x9b控制"])
def test_control_characters_and_bidi_overrides_are_refused_in_titles_and_names(gridgov_platform, text):
    worker = gridgov_platform.actor("worker_sx01")
    with pytest.raises(ValidationError, match="title: contains"):
        gridgov_platform.issues.report(worker, area="SX01", category="road.repair", title=text)
    with pytest.raises(ValidationError, match="name: contains"):
        Member(login="evil", name=text)


def test_notes_and_descriptions_keep_line_breaks_but_refuse_escapes(gridgov_platform):
    worker, leader = gridgov_platform.actor("worker_sx01"), gridgov_platform.actor("leader_sx01")
    issue = gridgov_platform.issues.report(worker, area="SX01", category="road.repair", title="积水",
                                           description="第一行\n第二行\t备注")
    assert issue.description == "第一行\n第二行\t备注"
    with pytest.raises(ValidationError, match="note: contains the control character U\\+001B"):
        gridgov_platform.issues.act(leader, issue.id, "reject", note="\x1b[31m红色")
    assert gridgov_platform.issues.get(Actor.system(), issue.id).status == "reported"


def test_untrusted_text_is_printed_safely():
    """Text that reaches the CLI without the validators (a plugin's columns, older rows)
    cannot move the cursor or clear the screen."""
    from gridgov.core.cli import printable, table

    shown = table(("title",), [["\x1b[2J抹掉屏幕\u202e"], ["正常"]])
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[2J抹掉屏幕\\u202e" in shown
    assert printable("第一行\n第二行", multiline=True) == "第一行\n第二行"
    assert printable("第一行\n第二行") == "第一行\\x0a第二行"


def test_the_store_is_not_public_and_the_doctor_checks_the_triggers(sample_db):
    with Platform(sample_db) as platform:
        assert not hasattr(platform, "store")
        platform._store.sql.execute("DROP TRIGGER issue_event_no_update")
    result = run("doctor")
    assert result.exit_code == 1
    assert "FAIL issue_event append-only: the trigger that refuses UPDATE and DELETE is missing" in result.stdout
    assert "ok   access_log append-only" in result.stdout


READER = textwrap.dedent("""
    import sys, time
    from gridgov.core import Actor, Platform
    started = time.monotonic()
    with Platform(sys.argv[1]) as platform:
        found = platform.issues.list(Actor.system(), limit=5)
    print(len(found), round(time.monotonic() - started, 2))
""")


def test_a_reader_does_not_wait_for_a_writer_holding_the_lock(sample_db):
    """Opening the platform no longer takes the write lock when no migration is pending."""
    with Platform(sample_db) as writer:
        writer.issues.report(writer.actor("worker_sx01"), area="SX01", category="road.repair", title="读写并发")
        with writer.transaction():
            writer._store.set_setting("held", True)  # the write lock is ours until the block ends
            env = {**os.environ, "GRIDGOV_NO_ENTRY_POINTS": "1"}
            done = subprocess.run([sys.executable, "-c", READER, sample_db], env=env, capture_output=True,
                                  text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    count, seconds = done.stdout.split()
    assert count == "1" and float(seconds) < 20  # it did not wait for the 30 s busy timeout


def test_a_writer_that_cannot_get_the_lock_gets_one_line(sample_db, monkeypatch):
    from gridgov.core.storage import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    with Platform(sample_db) as holder, holder.transaction():
        holder._store.set_setting("held", True)
        other = Platform(sample_db)
        try:
            other._store.sql.conn.execute("PRAGMA busy_timeout = 200")
            with pytest.raises(Exception) as caught:
                other.issues.report(other.actor("worker_sx01"), area="SX01", category="road.repair", title="等不到锁")
        finally:
            other.close()
    assert type(caught.value).__name__ == "DatabaseBusy"
    assert str(caught.value).startswith("the database is busy: another process has held the write lock")


def test_a_plugin_action_applies_only_to_its_categories(gridgov_make_platform):
    platform = gridgov_make_platform()  # the built-in plugins: mediation's refer and withdraw
    admin = platform.actor("admin")
    issue = platform.issues.report(admin, area="SX01", category="road.repair", title="道路")
    platform.issues.act(admin, issue.id, "register")
    platform.issues.act(admin, issue.id, "dispatch", org="ZJJ")
    assert "withdraw" not in platform.issues.available_actions(admin, platform.issues.get(admin, issue.id))
    with pytest.raises(TransitionRefused, match="withdraw applies to mediation.dispute cases, not to road.repair"):
        platform.issues.act(admin, issue.id, "withdraw", note="撤回")
    assert platform.issues.get(admin, issue.id).status == "dispatched"


def broken_migration_plugin() -> types.ModuleType:
    module = types.ModuleType("gridgov_broken_schema")
    migrations = Migrations("broken_schema")

    @migrations()
    def m001(schema):
        schema.create_table("note", {"id": "int"})
        raise RuntimeError("half a migration")

    @hookimpl
    def register_migrations(register):
        register(migrations)

    @hookimpl
    def register_actions(register):
        register(Transition(action="broken_move", sources={"reported"}, target="registered", permission="issue.register",
                            scope="handling"))

    module.register_migrations = register_migrations
    module.register_actions = register_actions
    return module


def test_a_plugin_whose_migration_raises_is_disabled_and_named_and_the_rest_works(tmp_path):
    host = PluginHost(builtins=(), extra=[broken_migration_plugin()], entry_points=False)
    with Platform(tmp_path / "b.db", hooks=host) as platform:
        sample.build(platform)
        assert "broken_schema" in platform.hooks.disabled
        assert "broken_move" not in platform.transitions
        assert "broken_schema_note" not in platform._store.table_names()  # its half migration is undone
        [failure] = [f for f in platform.plugin_failures if f.plugin == "broken_schema"]
        assert failure.hook == "register_migrations" and "half a migration" in failure.error
        issue = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="road.repair", title="照常")
        assert issue.status == "reported"


def failing_hook_plugin(sleep: float = 0.0) -> types.ModuleType:
    module = types.ModuleType("gridgov_noisy")

    @hookimpl
    def issue_changed(platform, issue, event):
        if sleep:
            time.sleep(sleep)
        raise RuntimeError("the noisy plugin broke")

    module.issue_changed = issue_changed
    return module


def test_a_hook_failure_is_printed_by_the_cli_and_kept_for_gridgov_plugins(tmp_path):
    db = tmp_path / "noisy.db"
    with Platform(db, hooks=PluginHost(entry_points=False)) as platform:
        sample.build(platform)
        issue = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="road.repair", title="x")
    site = tmp_path / "site"
    site.mkdir()
    (site / "gridgov_noisy.py").write_text(textwrap.dedent("""
        from gridgov.core import hookimpl

        @hookimpl
        def issue_changed(platform, issue, event):
            raise RuntimeError("the noisy plugin broke")
    """), encoding="utf-8")
    dist = site / "gridgov_noisy-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gridgov-noisy\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[gridgov]\nnoisy = gridgov_noisy\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site), "GRIDGOV_DB": str(db)}
    env.pop("GRIDGOV_NO_ENTRY_POINTS", None)
    gridgov = [sys.executable, "-c", "from gridgov.core.cli import main; main()"]
    act = subprocess.run([*gridgov, "issue", "act", str(issue.id), "register", "--as", "leader_sx01"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert act.returncode == 0, act.stderr
    assert act.stdout == "registered\n"
    assert "warning: plugin noisy failed in issue_changed: RuntimeError: the noisy plugin broke" in act.stderr
    listed = subprocess.run([*gridgov, "plugins"], env=env, capture_output=True, text=True, timeout=120)
    assert "failures in the last 7 days (1, newest first):" in listed.stdout
    assert "noisy in issue_changed: RuntimeError: the noisy plugin broke" in listed.stdout


def test_a_hook_past_its_time_budget_is_stopped_its_writes_undone_and_the_case_goes_on(gridgov_make_platform,
                                                                                        monkeypatch):
    monkeypatch.setenv("GRIDGOV_HOOK_BUDGET", "0.5")
    platform = gridgov_make_platform(builtins=(), plugins=[failing_hook_plugin(sleep=30)], strict=False)
    issue = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="road.repair", title="慢插件")
    started = time.monotonic()
    registered = platform.issues.act(platform.actor("leader_sx01"), issue.id, "register")
    assert time.monotonic() - started < 10
    assert registered.status == "registered"
    [failure] = [f for f in platform.plugin_failures if f.hook == "issue_changed"]
    assert "ran past its time budget of 0.5 s and was stopped" in failure.error
