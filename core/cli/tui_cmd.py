"""``gridgov tui [--as LOGIN]``: the terminal UI, as the member named by ``--as``
(default ``$GRIDGOV_LOGIN``). Textual is imported only when the command runs, so the
rest of the CLI starts without it."""

from __future__ import annotations

import os

import click

from . import cli
from .context import AppContext, pass_app


@cli.command("tui")
@click.option("--as", "login", default=None, metavar="LOGIN",
              help="Member to work as (default: $GRIDGOV_LOGIN).")
@pass_app
def tui(app: AppContext, login: str | None) -> None:
    """Open the terminal UI: home, queue, intake, cases and browse."""
    from gridgov.tui.app import GridgovApp
    from gridgov.tui.session import LoginProblem, resolve_actor

    platform = app.platform
    try:
        actor = resolve_actor(platform, login or os.environ.get("GRIDGOV_LOGIN"))
    except LoginProblem as exc:
        raise click.UsageError(str(exc)) from None
    GridgovApp(platform, actor, app.lang).run()
