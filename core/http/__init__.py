"""gridgov over HTTP: Open311 GeoReport v2 for residents' apps and other systems, and a
staff API with per-member keys (FastAPI, served by uvicorn through ``gridgov serve``)."""

from .app import create_app
from .pool import PlatformPool

__all__ = ["PlatformPool", "create_app"]
