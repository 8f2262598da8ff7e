"""What the CLI test modules share: the core command line run in-process on the test's
database ($GRIDGOV_DB). Their fixtures (``sample_db``, ``core_cli_only``) live in conftest.py."""

from __future__ import annotations

from click.testing import CliRunner
from gridgov.core.cli import _load_commands, cli

_load_commands()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))
