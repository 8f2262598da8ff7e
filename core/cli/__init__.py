"""The ``gridgov`` command line (click).

Commands open the platform through :func:`get_platform` and act as the member named by
``--as`` (or the local ``system`` operator where the contract has no ``--as``). Errors
the core raises on purpose become one line on stderr and the error's exit code.
"""

from __future__ import annotations

import logging
import sys

import click

from ..errors import GridgovError
from .commands_api import CommandContext, command
from .context import AppContext, get_platform, pass_app
from .output import (
    as_option,
    echo_json,
    fields_block,
    parse_day,
    printable,
    reports_errors,
    resolve_actor,
    table,
)
from .params import LIMIT, OFFSET, RECORD_ID  # noqa: E402  (after .output, which it uses)

__all__ = [
    "LIMIT", "OFFSET", "RECORD_ID", "AppContext", "CommandContext", "as_option", "cli", "command", "echo_json",
    "fields_block", "get_platform", "main", "parse_day", "pass_app", "printable", "reports_errors", "resolve_actor",
    "table",
]  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="GRIDGOV_DB",
              help="Database file (default: $GRIDGOV_DB, then the user data directory).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of messages and the terminal UI (default: from the locale).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="GRIDGOV_CONFIG",
              help="Configuration file with plugin settings (default: $GRIDGOV_CONFIG, then "
                   "config.toml in the user's configuration directory).")
@click.version_option(package_name="gridgov")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, lang: str | None, config_path: str | None) -> None:
    """gridgov: grid governance, from a resident's request to a rated, closed case."""
    ctx.obj = AppContext(db_path=db_path, lang=lang, config=config_path)
    ctx.call_on_close(ctx.obj.close)


def _load_commands() -> None:
    from ..plugins import PluginHost
    from . import commands  # noqa: F401  (registers the core commands on ``cli``)

    host = PluginHost()
    host.call("register_cli_commands", cli=cli)
    AppContext.startup_failures = list(host.failures)


def main(argv: list[str] | None = None) -> None:
    # Plugin failures are printed once as warnings (AppContext.platform), not also by
    # logging's last-resort handler for each plugin host the process opens.
    plugin_log = logging.getLogger("gridgov.plugins")
    if not plugin_log.handlers:
        plugin_log.addHandler(logging.NullHandler())
    _load_commands()
    try:
        cli.main(args=argv, prog_name="gridgov", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GridgovError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
