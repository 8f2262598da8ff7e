"""``gridgov tui``: who it opens as, and clear messages instead of tracebacks."""

from __future__ import annotations

import gridgov.core.cli.commands  # noqa: F401  (registers the commands on ``cli``)
import pytest
from click.testing import CliRunner
from gridgov.core import Member, Platform, PluginHost, sample
from gridgov.core.access import Actor
from gridgov.core.cli import cli
from gridgov.tui.app import GridgovApp


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "tui.db"
    platform = Platform(path, hooks=PluginHost(builtins=(), entry_points=False))
    sample.build(platform)
    platform.members.add(Actor.system(), Member(login="resident", name="居民"))
    platform.close()
    return str(path)


@pytest.fixture
def opened(monkeypatch):
    seen = {}

    def fake_run(self, *args, **kwargs):
        seen.update(login=self.actor.login, lang=self.lang, path=str(self.platform.path))

    monkeypatch.setattr(GridgovApp, "run", fake_run)
    return seen


def test_opens_as_the_login_in_the_language(db, opened):
    result = CliRunner().invoke(cli, ["--db", db, "--lang", "zh", "tui", "--as", "worker_sx01"])
    assert result.exit_code == 0, result.output
    assert opened == {"login": "worker_sx01", "lang": "zh", "path": db}


def test_login_from_the_environment(db, opened, monkeypatch):
    monkeypatch.setenv("GRIDGOV_LOGIN", "dispatcher_sx")
    result = CliRunner().invoke(cli, ["--db", db, "tui"])
    assert result.exit_code == 0, result.output
    assert opened["login"] == "dispatcher_sx" and opened["lang"] == "en"


@pytest.mark.parametrize(("args", "message"), [
    (["tui", "--as", "nobody"], "unknown login 'nobody'"),
    (["tui"], "no login given"),
    (["tui", "--as", "resident"], "resident holds no post today"),
])
def test_clear_message_without_traceback(db, opened, monkeypatch, args, message):
    monkeypatch.delenv("GRIDGOV_LOGIN", raising=False)
    result = CliRunner().invoke(cli, ["--db", db, *args])
    assert result.exit_code == 2
    assert message in result.output and "try one of: admin" in result.output
    assert "Traceback" not in result.output and not opened
