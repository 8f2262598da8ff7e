"""The ASGI application: Open311 for residents' apps and other systems, the staff API,
and the one place where the core's errors become HTTP answers.

``create_app(pool)`` takes a :class:`~.pool.PlatformPool`; ``gridgov serve`` builds one per
worker process on the ``--db`` location (SQLite file or PostgreSQL URL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .. import __version__
from ..errors import (
    AccessDenied,
    DatabaseBusy,
    GridgovError,
    NotFound,
    StaleUpdate,
    TransitionRefused,
    ValidationError,
    WriteConflict,
)
from . import open311, staff
from .encoding import Utf8Forms
from .formats import errors as open311_errors
from .pool import PlatformPool

DESCRIPTION = """gridgov over HTTP.

* **Open311 GeoReport v2** under `/open311/v2` (JSON and XML), with FixMyStreet's extended
  statuses and `servicerequestupdates`: residents' apps and other city systems report and
  follow requests. Reading needs no key; reporting needs an `api_key`.
* **Staff API** under `/api/v1` (JSON): a member's queue, cases with their timeline and
  the actions available now, workflow actions, metrics. Every call carries the member's
  API key as `Authorization: Bearer <key>` and acts as that member.
"""


def status_of(exc: GridgovError) -> tuple[int, str]:
    """The HTTP status and error code of a core error."""
    if isinstance(exc, StaleUpdate):
        return 409, "stale_update"
    if isinstance(exc, TransitionRefused):
        return 409, "transition_refused"
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, AccessDenied):
        return 403, "access_denied"
    if isinstance(exc, DatabaseBusy | WriteConflict):
        return 503, "busy"
    if isinstance(exc, ValidationError):
        return 400, "validation"
    return 400, "refused"


def _open311_format(request: Request) -> str:
    fmt = request.path_params.get("format")
    if fmt in ("json", "xml"):
        return fmt
    return "xml" if request.url.path.endswith(".xml") else "json"


def _is_open311(request: Request) -> bool:
    return request.url.path.startswith(open311.PREFIX)


def _open311_status(exc: GridgovError) -> int:
    """GeoReport's codes: 404 for what does not exist, 403 for keys, 400 for the rest."""
    code, _ = status_of(exc)
    return code if code in (403, 404, 503) else 400


def create_app(pool: PlatformPool, *, settings: dict[str, Any] | None = None) -> FastAPI:
    app = FastAPI(title="gridgov", version=__version__, description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    app.state.pool = pool
    app.state.settings = dict(settings or {})
    app.add_middleware(Utf8Forms)
    app.include_router(open311.router)
    app.include_router(staff.router)

    @app.exception_handler(GridgovError)
    async def core_error(request: Request, exc: GridgovError) -> Response:
        headers = {"Retry-After": "1"} if isinstance(exc, DatabaseBusy | WriteConflict) else None
        if _is_open311(request):
            response = open311_errors(_open311_format(request), _open311_status(exc), str(exc))
            response.headers.update(headers or {})
            return response
        code, error = status_of(exc)
        body: dict[str, Any] = {"error": error, "message": str(exc), "field": getattr(exc, "field", None),
                                "current_version": exc.actual if isinstance(exc, StaleUpdate) else None}
        return JSONResponse(body, status_code=code, headers=headers)

    @app.exception_handler(staff.Unauthorised)
    async def unauthorised(request: Request, exc: staff.Unauthorised) -> Response:
        return JSONResponse({"error": "unauthorised", "message": exc.message, "field": None,
                             "current_version": None}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if not _is_open311(request):
            return JSONResponse({"detail": _jsonable(exc.errors())}, status_code=422)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        return open311_errors(_open311_format(request), 400, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_open311(request):
            return open311_errors(_open311_format(request), exc.status_code, str(exc.detail))
        error = {400: "validation", 401: "unauthorised", 403: "access_denied", 404: "not_found"}.get(
            exc.status_code, "refused")
        return JSONResponse({"error": error, "message": str(exc.detail), "field": None, "current_version": None},
                            status_code=exc.status_code, headers=exc.headers)

    return app


def _jsonable(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Validation errors without the raw input objects that may not serialise (bytes)."""
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in errors]
