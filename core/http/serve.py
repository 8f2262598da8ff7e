"""The application each ``gridgov serve`` worker process builds (uvicorn's factory).

The worker reads where the database is from the environment ``gridgov serve`` set
(``GRIDGOV_DB``, ``GRIDGOV_CONFIG``, ``GRIDGOV_HTTP_PLATFORMS``), because uvicorn starts
its worker processes by importing this module, not by inheriting the command's objects.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from ..platform import Platform, default_db_path
from .app import create_app
from .pool import PlatformPool

PLATFORMS_ENV = "GRIDGOV_HTTP_PLATFORMS"


def app_from_env() -> FastAPI:
    location = os.environ.get("GRIDGOV_DB") or default_db_path()
    config = os.environ.get("GRIDGOV_CONFIG") or None
    size = int(os.environ.get(PLATFORMS_ENV, "4"))
    pool = PlatformPool(lambda: Platform(location, config=config), size=size)
    first = pool.first()
    return create_app(pool, settings=first.config.get("http", {}))
