"""``gridgov init``: create or migrate the database, and name the deployment's levels."""

from __future__ import annotations

import click

from ..access import Actor
from . import cli
from .context import AppContext, pass_app
from .output import reports_errors


@cli.command("init")
@click.option("--levels", metavar="NAMES",
              help="The deployment's level names, top first, comma-separated "
                   "(e.g. district,subdistrict,community,grid,building).")
@pass_app
@reports_errors
def init(app: AppContext, levels: str | None) -> None:
    """Create the database, or bring it up to date (core and plugin migrations).

    Safe to run again: it applies only what is missing and says so.
    """
    platform = app.platform
    click.echo(f"database: {platform.path}")
    applied = platform.applied_migrations
    if applied:
        click.echo(f"applied {len(applied)} migration{'s' if len(applied) != 1 else ''}:")
        for name in applied:
            click.echo(f"  {name}")
    else:
        click.echo("up to date: no migrations to apply")
    if levels is not None:
        names = [n.strip() for n in levels.split(",") if n.strip()]
        platform.areas.set_levels(Actor.system(), names)
    click.echo(f"levels: {' > '.join(platform.areas.levels())}")
