"""Open311 GeoReport v2, with FixMyStreet's extended statuses and request updates.

Every path ends in ``.json`` or ``.xml`` (the format of the answer); errors come in the
spec's error document with 400, 403 or 404 (and 503 when the database is busy: try again).
Reading needs no key; reporting needs an ``api_key`` (see :mod:`.open311_intake`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..converter import from_dict
from ..errors import NotFound, ValidationError
from ..models import Event, Issue
from ..platform import Platform
from ..services.api_keys import ApiKeyService
from .attributes import attributes_for
from .formats import render
from .language import language
from .open311_intake import Submission, attributes_of, take_in
from .open311_views import EXTENDED_STATUS, Places, latest_notes, request_record, update_record
from .pool import PlatformPool

PREFIX = "/open311/v2"
Format = Annotated[Literal["json", "xml"], Path(description="json or xml")]
MAX_PAGE = 1000
DEFAULT_SPAN = dt.timedelta(days=90)

router = APIRouter(prefix=PREFIX, tags=["Open311 GeoReport v2"])


class Open311Error(BaseModel):
    code: int
    description: str


class ServiceOut(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class ValueOut(BaseModel):
    key: str
    name: str


class AttributeOut(BaseModel):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[ValueOut]


class DefinitionOut(BaseModel):
    service_code: str
    attributes: list[AttributeOut]


class RequestOut(BaseModel):
    service_request_id: int
    status: str
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str
    address_id: str
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class PostedOut(BaseModel):
    service_request_id: int
    token: str | None
    service_notice: str
    account_id: str | None


class TokenOut(BaseModel):
    service_request_id: int
    token: str


class UpdateOut(BaseModel):
    update_id: int
    service_request_id: int
    status: str
    updated_datetime: str
    description: str
    media_url: str | None
    external_status_code: str


class EndpointOut(BaseModel):
    specification: str
    url: str
    changeset: str
    type: str
    formats: list[str]


class DiscoveryOut(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[EndpointOut]


_XML = {"text/xml": {"schema": {"type": "string"}}}


def _responses(model: Any, *codes: int) -> dict[int | str, dict[str, Any]]:
    described = {400: "Bad request (the description says which field and why)", 403: "Missing or invalid api_key",
                 404: "No such service, request or token", 503: "The database is busy; nothing was changed, try again"}
    out: dict[int | str, dict[str, Any]] = {200: {"model": model, "content": _XML}}
    for code in (400, *codes, 503):
        out[code] = {"model": list[Open311Error], "content": _XML, "description": described[code]}
    return out


def _pool(request: Request) -> PlatformPool:
    return request.app.state.pool


def _read(request: Request, work: Any) -> Any:
    with _pool(request).reading() as platform:
        return work(platform)


# -- discovery and services -----------------------------------------------------------


@router.get("/discovery.{format}", responses=_responses(DiscoveryOut), summary="Service discovery")
def discovery(request: Request, format: Format) -> Response:
    settings = request.app.state.settings
    base = str(request.base_url).rstrip("/") + PREFIX
    changeset = settings.get("changeset", "2026-12-01T00:00:00+08:00")
    return render(format, "discovery", {
        "changeset": changeset,
        "contact": settings.get("contact", ""),
        "key_service": settings.get("key_service", "API keys are issued by the deployment's administrators "
                                                   "(gridgov apikey service-account)."),
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base, "changeset": changeset,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    })


def _service(platform: Platform, code: str, lang: str) -> dict[str, Any]:
    category = platform.categories[code]
    zh = lang == "zh"
    rule = platform.sla.rule_for(category, category.default_priority)
    name, other = (category.name_zh, category.name_en) if zh else (category.name_en, category.name_zh)
    description = (f"{name}：{rule.response_hours:g} 小时内响应，{rule.resolve_hours:g} 小时内办结" if zh
                   else f"{name}: response within {rule.response_hours:g} h, resolution within {rule.resolve_hours:g} h")
    return {"service_code": code, "service_name": name, "description": description,
            "metadata": bool(attributes_for(code)), "type": "realtime",
            "keywords": ", ".join([other, *code.split(".")]),
            "group": category.plugin if category.plugin != "gridgov" else code.split(".")[0]}


@router.get("/services.{format}", responses=_responses(list[ServiceOut]), summary="GET Service List")
def services(request: Request, format: Format, jurisdiction_id: str | None = None) -> Response:
    lang = language(request)
    found = _read(request, lambda p: [_service(p, code, lang) for code in sorted(p.categories)])
    return render(format, "services", found)


@router.get("/services/{service_code}.{format}", responses=_responses(DefinitionOut, 404),
            summary="GET Service Definition")
def service_definition(request: Request, service_code: str, format: Format,
                       jurisdiction_id: str | None = None) -> Response:
    lang = language(request)

    def work(platform: Platform) -> dict[str, Any]:
        if service_code not in platform.categories:
            raise NotFound("service_code", service_code)
        return {"service_code": service_code,
                "attributes": [a.definition(i, lang) for i, a in enumerate(attributes_for(service_code), 1)]}

    return render(format, "service_definition", _read(request, work))


# -- reading requests -----------------------------------------------------------------


def parse_instant(platform: Platform, value: str | None, field: str) -> dt.datetime | None:
    """A W3C date-time (an offset or Z; a time without one is read in the deployment's zone)."""
    if value is None or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a W3C date-time such as 2026-10-01T00:00:00+08:00") from None
    return platform.time.read(parsed, field)


def _statuses(value: str | None) -> list[str] | None:
    """gridgov states for a ``status`` filter: open, closed, or extended statuses."""
    if not value or not value.strip():
        return None
    wanted = {v.strip().lower() for v in value.split(",") if v.strip()}
    from ..workflow import STATES, TERMINAL_STATES

    states: set[str] = set()
    for name in wanted:
        if name == "open":
            states |= set(STATES) - TERMINAL_STATES
        elif name == "closed":
            states |= TERMINAL_STATES
        elif name in EXTENDED_STATUS.values():
            states |= {s for s, ext in EXTENDED_STATUS.items() if ext == name}
        else:
            raise ValidationError("status", f"{name!r} is not open, closed or an extended status")
    return sorted(states)


def _records(platform: Platform, issues: list[Issue], lang: str, extended: bool) -> list[dict[str, Any]]:
    ids = [i.id for i in issues if i.id is not None]
    extras = {r["issue_id"]: r for r in platform._store.select("service_request", issue_id__in=ids)} if ids else {}
    notes = latest_notes(platform, ids)
    places = Places(platform)
    return [request_record(platform, i, extras.get(i.id), places, lang, extended=extended, notes=notes)
            for i in issues]


def _issues(platform: Platform, rows: list[dict[str, Any]]) -> list[Issue]:
    """Cases read for the public views, which take no requester field from them."""
    return [from_dict(Issue, r) for r in rows]


@router.get("/requests.{format}", responses=_responses(list[RequestOut]), summary="GET Service Requests")
def requests(
    request: Request, format: Format,
    service_request_id: Annotated[str | None, Query(description="Comma-separated ids; overrides the rest")] = None,
    service_code: Annotated[str | None, Query(description="Comma-separated service codes")] = None,
    start_date: str | None = None, end_date: str | None = None,
    status: Annotated[str | None, Query(description="open, closed (or extended statuses), comma-separated")] = None,
    extended_statuses: Annotated[bool, Query(description="FixMyStreet's status vocabulary")] = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    jurisdiction_id: str | None = None,
) -> Response:
    lang = language(request)

    def work(platform: Platform) -> list[dict[str, Any]]:
        if service_request_id and service_request_id.strip():
            ids = []
            for part in service_request_id.split(","):
                if not (part.strip().isascii() and part.strip().isdigit()) or len(part.strip()) > 18:
                    raise ValidationError("service_request_id", f"{part.strip()!r} is not a request id")
                ids.append(int(part))
            rows = platform._store.select("issue", id__in=ids[:MAX_PAGE], order_by="id")
            return _records(platform, _issues(platform, rows), lang, extended_statuses)
        start = parse_instant(platform, start_date, "start_date")
        end = parse_instant(platform, end_date, "end_date")
        if end is None:
            end = (start + DEFAULT_SPAN) if start else platform.now()
        if start is None:
            start = end - DEFAULT_SPAN
        if end < start:
            raise ValidationError("end_date", "is before start_date")
        where: dict[str, Any] = {"reported_at__gte": start, "reported_at__lte": end}
        if service_code and service_code.strip():
            where["category__in"] = [c.strip() for c in service_code.split(",") if c.strip()]
        states = _statuses(status)
        if states is not None:
            where["status__in"] = states
        rows = platform._store.select("issue", order_by="-id", limit=page_size, offset=(page - 1) * page_size, **where)
        return _records(platform, _issues(platform, rows), lang, extended_statuses)

    return render(format, "service_requests", _read(request, work))


@router.get("/requests/{service_request_id}.{format}", responses=_responses(list[RequestOut], 404),
            summary="GET Service Request")
def request_one(request: Request, service_request_id: Annotated[int, Path(ge=1, le=2**62)], format: Format,
                extended_statuses: bool = False, jurisdiction_id: str | None = None) -> Response:
    lang = language(request)

    def work(platform: Platform) -> list[dict[str, Any]]:
        row = platform._store.find("issue", service_request_id)
        if row is None:
            raise NotFound("service_request_id", service_request_id)
        return _records(platform, _issues(platform, [row]), lang, extended_statuses)

    return render(format, "service_requests", _read(request, work))


@router.get("/tokens/{token}.{format}", responses=_responses(list[TokenOut], 404),
            summary="GET service_request_id from a token")
def token(request: Request, token: str, format: Format, jurisdiction_id: str | None = None) -> Response:
    def work(platform: Platform) -> list[dict[str, Any]]:
        rows = platform._store.select("service_request", token=token)
        if not rows:
            raise NotFound("token", token)
        return [{"service_request_id": rows[0]["issue_id"], "token": token}]

    return render(format, "service_requests", _read(request, work))


@router.get("/servicerequestupdates.{format}", responses=_responses(list[UpdateOut]),
            summary="GET Service Request Updates (FixMyStreet)")
def updates(request: Request, format: Format, start_date: str | None = None, end_date: str | None = None,
            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
            page_size: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
            api_key: str | None = None, jurisdiction_id: str | None = None) -> Response:
    """Each step of each case since ``start_date`` (default: the last day), oldest first:
    what another system polls to follow the cases it sent."""
    lang = language(request)

    def work(platform: Platform) -> list[dict[str, Any]]:
        start = parse_instant(platform, start_date, "start_date")
        end = parse_instant(platform, end_date, "end_date") or platform.now()
        start = start or end - dt.timedelta(days=1)
        rows = platform._store.select("issue_event", order_by="id", limit=page_size, offset=(page - 1) * page_size,
                                     at__gte=start, at__lte=end, action__ne="report")
        return [update_record(platform, from_dict(Event, r), lang) for r in rows]

    return render(format, "service_requests_updates", _read(request, work))


# -- reporting ------------------------------------------------------------------------


@router.post("/requests.{format}", responses=_responses(list[PostedOut], 403, 404), summary="POST Service Request")
async def post_request(
    request: Request, format: Format,
    api_key: Annotated[str | None, Form()] = None,
    service_code: Annotated[str | None, Form()] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    long: Annotated[float | None, Form(ge=-180, le=180)] = None,
    datum: Annotated[Literal["wgs84", "gcj02", "bd09"], Form(description="Extension: the datum of lat/long")] = "wgs84",
    address_string: Annotated[str | None, Form(max_length=300)] = None,
    address_id: Annotated[str | None, Form(max_length=64)] = None,
    email: Annotated[str | None, Form(max_length=200)] = None,
    device_id: Annotated[str | None, Form(max_length=200)] = None,
    account_id: Annotated[str | None, Form(max_length=200)] = None,
    first_name: Annotated[str | None, Form(max_length=60)] = None,
    last_name: Annotated[str | None, Form(max_length=60)] = None,
    phone: Annotated[str | None, Form(max_length=40)] = None,
    description: Annotated[str | None, Form(max_length=4000)] = None,
    media_url: Annotated[str | None, Form(max_length=1000)] = None,
    jurisdiction_id: Annotated[str | None, Form()] = None,
) -> Response:
    """Report a request; ``attribute[code]=value`` (``attribute[code][]=…`` for a list)
    carries the service definition's attributes."""
    form = await request.form()
    submission = Submission(
        service_code=service_code, lat=lat, long=long, datum=datum, address_string=address_string,
        address_id=address_id, email=email, device_id=device_id, account_id=account_id, first_name=first_name,
        last_name=last_name, phone=phone, description=description, media_url=media_url,
        attributes=attributes_of(form),
    )
    lang = language(request)

    def work() -> list[dict[str, Any]]:
        with _pool(request).transaction() as platform:
            key, actor = ApiKeyService(platform).authenticate(api_key)
            outcome = take_in(platform, key, actor, submission, lang)
        return [{"service_request_id": outcome.issue.id, "token": outcome.token, "service_notice": outcome.notice,
                 "account_id": account_id}]

    return render(format, "service_requests", await run_in_threadpool(work))
