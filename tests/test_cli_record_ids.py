"""Record ids, offsets and limits on the command line: a number outside what the database can
hold is a one-line error naming the argument or option, never a traceback."""

from __future__ import annotations

import click
import pytest
from cli_support import run
from gridgov.core import cli as core_cli

HUGE = "99999999999999999999"
ONE_PAST = str(2**63)

CASES = [
    (("issue", "show", HUGE, "--as", "admin"), "ISSUE_ID"),
    (("issue", "show", ONE_PAST, "--as", "admin"), "ISSUE_ID"),
    (("issue", "show", "0", "--as", "admin"), "ISSUE_ID"),
    (("issue", "act", HUGE, "register", "--as", "admin"), "ISSUE_ID"),
    (("issue", "act", "1", "merge", "--to", HUGE, "--as", "admin"), "--to"),
    (("issue", "act", "1", "register", "--version", HUGE, "--as", "admin"), "--version"),
    (("issue", "list", "--offset", HUGE, "--as", "admin"), "--offset"),
    (("issue", "list", "--limit", "0", "--as", "admin"), "--limit"),
    (("mediation", "show", HUGE), "DISPUTE_ID"),
    (("mediation", "withdraw", HUGE, "--note", "x"), "DISPUTE_ID"),
    (("finance", "show", HUGE), "CONSULTATION_ID"),
    (("finance", "queue", "STN", "--offset", HUGE), "--offset"),
    (("hr", "session", "show", HUGE), "SESSION_ID"),
    (("hr", "question", "answer", HUGE, "答复"), "QUESTION_ID"),
]


@pytest.mark.parametrize(("args", "name"), CASES, ids=[" ".join(a[:3]) + f" {n}" for a, n in CASES])
def test_an_id_the_database_cannot_hold_is_a_one_line_error(sample_db, args, name):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {name}: "), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output


def test_record_id_is_public_and_takes_the_whole_int64_range():
    assert {"RECORD_ID", "OFFSET", "LIMIT"} <= set(core_cli.__all__)

    @click.command()
    @click.argument("thing_id", type=core_cli.RECORD_ID)
    def show(thing_id: int) -> None:
        click.echo(repr(thing_id))

    from click.testing import CliRunner

    assert CliRunner().invoke(show, [str(2**63 - 1)]).stdout == f"{2**63 - 1}\n"
    refused = CliRunner().invoke(show, ["abc"])
    assert refused.exit_code == 2
    assert refused.stderr == "error: THING_ID: 'abc' is not a record id (a whole number from 1 to 9223372036854775807)\n"


def test_issue_show_still_shows_a_case(sample_db):
    made = run("issue", "report", "--area", "SX01", "--category", "road.repair", "--title", "路灯不亮",
               "--as", "worker_sx01")
    assert made.exit_code == 0, made.output
    shown = run("issue", "show", made.stdout.strip(), "--as", "worker_sx01")
    assert shown.exit_code == 0, shown.output
    assert "路灯不亮" in shown.stdout
