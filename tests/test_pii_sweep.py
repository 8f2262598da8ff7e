"""Personal data never leaves the command line unmasked.

Every read command of the core and the built-in plugins, in text and in ``--json``, is run
for every login of the small demo; its output is searched for any full phone or ID number
that the database holds anywhere (core tables, plugin tables, event payloads). None may
appear without an explicit unmask. A new read command that this sweep does not run fails
the completeness test, so it cannot escape the sweep.
"""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner
from gridgov.core import Actor, Platform, PluginHost
from gridgov.core.cli import _load_commands, cli
from gridgov.core.cli.transfer_cmds import KINDS
from gridgov.core.demo import DEMO_END, demo_logins, load_demo

_load_commands()

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
WRITES = {
    # Commands that change the deployment or run a program; every other command reads and
    # is run by the sweep. A new command must be put here or into _invocations.
    ("apikey", "create"), ("apikey", "revoke"), ("apikey", "service-account"), ("db", "copy"), ("demo",),
    ("import",), ("init",), ("plugin", "new"), ("serve",), ("tui",), ("sla", "load"),
    ("issue", "act"), ("issue", "report"),
    *(("finance", c) for c in ("decline", "event", "grant", "intake", "refer", "report-need", "station-add",
                               "visit", "withdraw")),
    ("hr", "attend"), ("hr", "policy", "add"), ("hr", "policy", "change"), ("hr", "question", "answer"),
    ("hr", "question", "raise"), ("hr", "session", "plan"), ("hr", "setup"), ("hr", "subscribe"),
    *(("mediation", c) for c in ("agree", "follow-up", "open", "performed", "refer", "session", "visit", "withdraw")),
    *(("lists", c) for c in ("need", "resource", "service", "decide", "progress", "check", "notice",
                             "rate-project", "order", "move")),
    *(("assessment", c) for c in ("plan", "apply", "wish", "duty-add", "post-duties", "check-in",
                                  "rate-member", "rate-unit")),
    *(("joint-meetings", c) for c in ("schedule", "raise", "minutes", "decide", "move-up", "commit", "deed")),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pii") / "demo.db"
    platform = Platform(path, hooks=PluginHost(entry_points=False), clock=lambda: DEMO_END)
    load_demo(platform, "small", seed=11)
    yield path, platform
    platform.close()


def _personal_numbers(platform: Platform) -> set[str]:
    """Every full phone and ID number stored in any text column of any table."""
    sql = platform._store.sql
    found: set[str] = set()
    tables = [r[0] for r in sql.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in sql.execute(f'PRAGMA table_info("{table}")') if r[2].upper() in ("TEXT", "")]
        for column in columns:
            for (value,) in sql.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'):
                if isinstance(value, str):
                    found.update(PHONE.findall(value))
                    found.update(ID_NUMBER.findall(value))
    return found


def _ids(platform: Platform, table: str, column: str = "id", limit: int = 2) -> list[str]:
    rows = platform._store.sql.execute(f'SELECT DISTINCT "{column}" FROM "{table}" ORDER BY 1 LIMIT {limit}')
    return [str(r[0]) for r in rows]


def _invocations(platform: Platform) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Each read command with the arguments it is run with (a few records of each kind)."""
    sql = platform._store.sql
    with_requesters = [str(r[0]) for r in sql.execute(
        "SELECT id FROM issue WHERE requester_phone IS NOT NULL ORDER BY status, id LIMIT 6")]
    first = platform.issues.get(Actor.system(), int(with_requesters[0]))
    logins = [str(r[0]) for r in sql.execute("SELECT login FROM member WHERE login IS NOT NULL ORDER BY login LIMIT 2")]
    firms = _ids(platform, "finance_station_consultation", "enterprise")
    stations = _ids(platform, "finance_station_station", "code")
    policies = _ids(platform, "hr_policy_policy", "code")
    return {
        ("issue", "list"): [(), ("--all",)],
        ("issue", "show"): [(i,) for i in with_requesters],
        ("issue", "similar"): [("--area", first.area_code, "--category", first.category, "--text", first.title)],
        ("issue", "categories"): [()],
        ("member", "list"): [()],
        ("member", "show"): [(login,) for login in logins],
        ("stats",): [()],
        ("export",): [(kind,) for kind in KINDS],
        ("apikey", "list"): [()],
        ("doctor",): [()],
        ("plugins",): [()],
        ("sla", "show"): [()],
        ("finance", "events"): [()],
        ("finance", "firm"): [(f,) for f in firms],
        ("finance", "queue"): [(s,) for s in stations],
        ("finance", "show"): [(i,) for i in _ids(platform, "finance_station_consultation")],
        ("finance", "stations"): [()],
        ("finance", "stats"): [()],
        ("finance", "visits"): [()],
        ("hr", "candidates"): [(p,) for p in policies],
        ("hr", "firm"): [(f,) for f in _ids(platform, "hr_policy_attendance", "firm")],
        ("hr", "notices"): [(p,) for p in policies],
        ("hr", "policy", "list"): [()],
        ("hr", "policy", "show"): [(p,) for p in policies],
        ("hr", "question", "list"): [()],
        ("hr", "session", "list"): [()],
        ("hr", "session", "show"): [(i,) for i in _ids(platform, "hr_policy_session")],
        ("hr", "stats"): [()],
        ("mediation", "calendar"): [()],
        ("mediation", "list"): [()],
        ("mediation", "show"): [(i,) for i in _ids(platform, "mediation_dispute")],
        ("mediation", "stats"): [()],
        ("area", "locate"): [("22.69", "114.12")],
        ("lists", "show"): [("needs",), ("resources",), ("services",)],
        ("lists", "suggest"): [(i,) for i in _ids(platform, "service_lists_need")],
        ("lists", "projects"): [()],
        ("lists", "timeline"): [(i,) for i in _ids(platform, "service_lists_project")],
        ("lists", "orders"): [()],
        ("lists", "stats"): [()],
        ("assessment", "plans"): [()],
        ("assessment", "show"): [(i,) for i in _ids(platform, "assessment_plan")],
        ("assessment", "diff"): [(i,) for i in _ids(platform, "assessment_plan")],
        ("assessment", "duties"): [()],
        ("assessment", "calendar"): [(i,) for i in _ids(platform, "assessment_duty")],
        ("assessment", "overdue"): [()],
        ("assessment", "coverage"): [(first.area_path.strip("/").split("/")[2],)],
        ("assessment", "sheets"): [(), ("--format", "json")],
        ("joint-meetings", "bodies"): [()],
        ("joint-meetings", "upcoming"): [()],
        ("joint-meetings", "agenda"): [(i,) for i in _ids(platform, "joint_meetings_body")],
        ("joint-meetings", "chain"): [(i,) for i in _ids(platform, "joint_meetings_topic")],
        ("joint-meetings", "overdue"): [()],
        ("joint-meetings", "cobuild"): [(i,) for i in _ids(platform, "joint_meetings_body")],
        ("joint-meetings", "metrics"): [()],
    }


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _leaves(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def _options(command: click.Command) -> set[str]:
    return {opt for p in command.params for opt in getattr(p, "opts", ())}


def test_every_read_command_is_in_the_sweep(demo_db):
    _, platform = demo_db
    invocations = _invocations(platform)
    commands = {path for path, _ in _leaves(cli)}
    assert commands - WRITES - set(invocations) == set(), "read commands the personal-data sweep does not run"
    assert set(invocations) - commands == set() and WRITES - commands == set()
    assert all(invocations.values()), "a command the sweep runs with no records to run it on"


def test_no_command_prints_a_full_phone_or_id_number_for_any_demo_login(demo_db, monkeypatch):
    path, platform = demo_db
    # One open platform serves every run (as the HTTP service's does): the sweep is about
    # what each command prints, and opening the database for each of a thousand runs would
    # only make it slow.
    from gridgov.core.cli import context

    monkeypatch.setattr(context, "Platform", lambda *args, **kwargs: platform)
    monkeypatch.setattr(platform, "close", lambda: None)
    secrets = _personal_numbers(platform)
    assert len(secrets) > 200  # the demo holds residents' and members' numbers
    commands = dict(_leaves(cli))
    logins = [entry["login"] for entry in demo_logins(platform)]
    assert len(logins) >= 10
    runner = CliRunner()
    runs = leaks = masked_seen = 0
    found: list[str] = []
    for command_path, arg_sets in _invocations(platform).items():
        options = _options(commands[command_path])
        for args in arg_sets:
            for login in logins:
                for as_json in (False, True) if "--json" in options else (False,):
                    argv = ["--db", str(path), *command_path, *args]
                    if "--as" in options:
                        argv += ["--as", login]
                    if as_json:
                        argv.append("--json")
                    result = runner.invoke(cli, argv)
                    runs += 1
                    output = result.output
                    masked_seen += output.count("****")
                    hits = {n for n in PHONE.findall(output) + ID_NUMBER.findall(output) if n in secrets}
                    if hits:
                        leaks += len(hits)
                        found.append(f"{' '.join(argv[2:])}: {sorted(hits)[:3]}")
    assert runs > 300
    assert masked_seen > 0  # the numbers were there, masked
    assert leaks == 0, found[:20]


def test_the_sweep_would_see_an_unmasked_number(demo_db):
    """The same search finds a number when it is unmasked on purpose (the sweep can fail)."""
    path, platform = demo_db
    secrets = _personal_numbers(platform)
    issue_id = _invocations(platform)[("issue", "show")][0][0]
    result = CliRunner().invoke(cli, ["--db", str(path), "export", "issues", "--unmask", "--reason", "audit"])
    assert result.exit_code == 0, result.output
    assert {n for n in PHONE.findall(result.output) if n in secrets}
    assert issue_id
