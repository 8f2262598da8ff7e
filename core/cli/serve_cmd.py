"""``gridgov serve``: the HTTP service (Open311 GeoReport v2 and the staff API).

The database is migrated once here, before the workers start, so they open it without
waiting on one another; each worker process then keeps a small pool of platforms (see
:mod:`gridgov.core.http.pool`).
"""

from __future__ import annotations

import os

import click

from ..platform import default_db_path
from . import cli
from .context import AppContext, pass_app


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8311, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each with its own platforms).")
@click.option("--platforms", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Platforms per worker: requests served at once by one process.")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@pass_app
def serve(app: AppContext, host: str, port: int, workers: int, platforms: int, log_level: str) -> None:
    """Serve Open311 under /open311/v2 and the staff API under /api/v1 (OpenAPI at
    /openapi.json, browsable at /docs)."""
    try:
        import uvicorn

        from ..http.serve import PLATFORMS_ENV
    except ImportError as exc:
        raise click.ClickException(f"gridgov serve needs the http extra ({exc.name} is missing): "
                                   "pip install 'gridgov[http]'") from None

    platform = app.platform  # migrates, and shows plugin failures once
    location = str(app.db_path or default_db_path())
    os.environ["GRIDGOV_DB"] = location
    if app.config:
        os.environ["GRIDGOV_CONFIG"] = str(app.config)
    os.environ[PLATFORMS_ENV] = str(platforms)
    engine = platform._store.engine
    app.close()
    click.echo(f"gridgov serving {engine} database {location if engine == 'sqlite' else '(PostgreSQL)'} "
               f"on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); "
               f"OpenAPI at /openapi.json", err=True)
    uvicorn.run("gridgov.core.http.serve:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False)
