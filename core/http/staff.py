"""The staff API: a member's queue, cases, workflow actions and figures, as JSON.

Every call carries the member's API key (``Authorization: Bearer ggk_…``) and runs as that
member, through the same services as the CLI and the terminal UI: the same scopes,
refusals, masking (``unmask_reason`` unmasks, checked and logged) and stale-update checks.
A workflow action sent with an old ``expected_version`` answers 409 with the version to
reload.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from ..access import Actor
from ..converter import to_dict
from ..errors import AccessDenied, ValidationError
from ..models import PRIORITIES, SOURCES
from ..platform import Platform
from ..services.api_keys import ApiKeyService, mask_email
from ..workflow import STATES
from .open311_intake import Submission, locate

router = APIRouter(prefix="/api/v1", tags=["staff"])
bearer = HTTPBearer(auto_error=False, description="A member's API key (gridgov apikey create)")


class ErrorOut(BaseModel):
    error: str = Field(description="stale_update, transition_refused, validation, not_found, access_denied, "
                                   "unauthorised, busy")
    message: str
    field: str | None = None
    current_version: int | None = Field(None, description="For stale_update: the version to reload")


class IssueOut(BaseModel):
    id: int
    title: str
    description: str
    category: str
    priority: str
    area_code: str
    area_path: str
    handling_area: str | None
    level: str | None
    source: str
    reporter: str | None
    requester_name: str | None
    requester_phone: str | None
    status: str
    assignee_org: str | None
    assignee_member: str | None
    reported_at: str
    registered_at: str | None
    dispatched_at: str | None
    accepted_at: str | None
    resolved_at: str | None
    closed_at: str | None
    response_due: str | None
    resolve_due: str | None
    rating: str | None
    merged_into: int | None
    rework_count: int
    return_count: int
    escalation_count: int
    urge_count: int
    version: int
    payload: dict[str, Any]


class EventOut(BaseModel):
    id: int | None
    issue_id: int
    seq: int
    at: str
    actor: str
    action: str
    from_status: str | None
    to_status: str
    level: str | None
    note: str
    changes: dict[str, Any]
    org: str | None
    member: str | None


class IntakeOut(BaseModel):
    token: str
    lat: float | None
    lon: float | None
    address: str | None
    email: str | None
    media_url: str | None


class CaseOut(BaseModel):
    issue: IssueOut
    events: list[EventOut]
    actions: list[str] = Field(description="The workflow actions this member may take now")
    intake: IntakeOut | None = Field(None, description="What an Open311 client sent with the request")


class QueueOut(BaseModel):
    items: list[IssueOut]
    limit: int
    offset: int


class MeOut(BaseModel):
    login: str
    name: str
    posts: list[str]
    api_key_id: int


class ActionIn(BaseModel):
    note: str = Field("", max_length=10_000)
    org: str | None = Field(None, max_length=64, description="dispatch: the organisation")
    member: str | None = Field(None, max_length=64, description="dispatch: the member")
    rating: str | None = Field(None, max_length=40, description="close: satisfied, basically_satisfied, dissatisfied")
    merge_into: int | None = Field(None, ge=1, le=2**62)
    expected_version: int | None = Field(None, ge=0, le=2**62, description="Refused with 409 if the case moved on")


class ReportIn(BaseModel):
    category: str = Field(max_length=80)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=10_000)
    area: str | None = Field(None, max_length=64, description="The area code; or lat and lon")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    priority: str | None = Field(None, description=", ".join(PRIORITIES))
    source: str = Field("visit", description=", ".join(SOURCES))
    requester_name: str | None = Field(None, max_length=60)
    requester_phone: str | None = Field(None, max_length=40)


class CategoryOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    default_priority: str
    response_hours: float
    resolve_hours: float
    handler_kind: str | None
    plugin: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (400, "Bad input (the field and the reason)"), (401, "No API key, or an unknown or revoked one"),
        (403, "Outside the member's scope, a permission they lack, or a deactivated member"),
        (404, "No such case, area or category"), (409, "A refused action, or a stale version (reload)"),
        (503, "The database is busy; nothing was changed, try again"),
    )
}


def caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorised("an API key is required: Authorization: Bearer <key>")
    return credentials.credentials


class Unauthorised(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Secret = Annotated[str, Depends(caller)]


def _run(request: Request, secret: str, work: Any, *, write: bool = False) -> Any:
    """One request: the key's member as the actor, one store transaction (a read-only
    one unless the request writes)."""
    pool = request.app.state.pool
    with pool.transaction() if write else pool.reading() as platform:
        try:
            key, actor = ApiKeyService(platform).authenticate(secret)
        except AccessDenied as exc:
            if "deactivated" in str(exc):
                raise
            raise Unauthorised(str(exc)) from None
        return work(platform, actor, key)


@router.get("/me", response_model=MeOut, responses=ERRORS, summary="Who the key acts as")
def me(request: Request, secret: Secret) -> dict[str, Any]:
    return _run(request, secret, lambda p, actor, key: {"login": actor.login, "name": actor.name,
                                                        "posts": list(actor.posts), "api_key_id": key.id})


@router.get("/categories", response_model=list[CategoryOut], responses=ERRORS, summary="Issue categories")
def categories(request: Request, secret: Secret) -> list[dict[str, Any]]:
    def work(platform: Platform, actor: Actor, key: Any) -> list[dict[str, Any]]:
        out = []
        for code in sorted(platform.categories):
            cat = platform.categories[code]
            rule = platform.sla.rule_for(cat, cat.default_priority)
            out.append({"code": code, "name_zh": cat.name_zh, "name_en": cat.name_en,
                        "default_priority": cat.default_priority, "response_hours": rule.response_hours,
                        "resolve_hours": rule.resolve_hours, "handler_kind": cat.handler_kind, "plugin": cat.plugin})
        return out

    return _run(request, secret, work)


@router.get("/issues", response_model=QueueOut, responses=ERRORS, summary="The member's queue")
def queue(
    request: Request, secret: Secret,
    status: Annotated[list[str] | None, Query(description="Only these states (default: the open ones)")] = None,
    all_states: Annotated[bool, Query(alias="all", description="Closed, rejected and merged cases too")] = False,
    area: Annotated[str | None, Query(max_length=64)] = None,
    category: Annotated[str | None, Query(max_length=80)] = None,
    overdue: bool = False,
    search: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Open cases soonest due first, as ``platform.issues.list`` gives them."""
    def work(platform: Platform, actor: Actor, key: Any) -> dict[str, Any]:
        known = set(STATES) | {t.target for t in platform.transitions.values() if t.target}
        for value in status or []:
            if value not in known:
                raise ValidationError("status", f"{value!r} is not a status ({', '.join(sorted(known))})")
        if area:
            platform.areas.require_exists(area, "area")
        issues = platform.issues.list(actor, area=area, status=status or [], category=category, overdue=overdue,
                                      open_only=not (status or all_states), search=search or None, limit=limit,
                                      offset=offset)
        return {"items": [to_dict(i) for i in issues], "limit": limit, "offset": offset}

    return _run(request, secret, work)


def _case(platform: Platform, actor: Actor, issue_id: int, unmask_reason: str | None) -> dict[str, Any]:
    issue = platform.issues.get(actor, issue_id, unmask_reason=unmask_reason)
    events = platform.issues.events(actor, issue_id, unmask_reason=unmask_reason)
    intake = platform._store.find("service_request", issue_id)
    if intake is not None:
        intake = {k: intake[k] for k in ("token", "lat", "lon", "address", "email", "media_url")}
        if unmask_reason is None:
            intake["email"] = mask_email(intake["email"])
    return {"issue": to_dict(issue), "events": [to_dict(e) for e in events],
            "actions": platform.issues.available_actions(actor, issue), "intake": intake}


@router.get("/issues/{issue_id}", response_model=CaseOut, responses=ERRORS, summary="A case with its timeline")
def case(request: Request, secret: Secret, issue_id: Annotated[int, Path(ge=1, le=2**62)],
         unmask_reason: Annotated[str | None, Query(max_length=200, description="Unmask personal data (logged)")]
         = None) -> dict[str, Any]:
    return _run(request, secret, lambda p, actor, key: _case(p, actor, issue_id, unmask_reason),
                write=unmask_reason is not None)


@router.post("/issues/{issue_id}/actions/{action}", response_model=IssueOut, responses=ERRORS,
             summary="Take a workflow action")
def act(request: Request, secret: Secret, issue_id: Annotated[int, Path(ge=1, le=2**62)],
        action: Annotated[str, Path(max_length=40)], body: ActionIn) -> dict[str, Any]:
    def work(platform: Platform, actor: Actor, key: Any) -> dict[str, Any]:
        updated = platform.issues.act(actor, issue_id, action, note=body.note, org=body.org, member=body.member,
                                      rating=body.rating, merge_into=body.merge_into,
                                      expected_version=body.expected_version)
        return to_dict(updated)

    return _run(request, secret, work, write=True)


@router.post("/issues", response_model=IssueOut, status_code=201, responses=ERRORS, summary="Report a case")
def report(request: Request, secret: Secret, body: ReportIn) -> dict[str, Any]:
    """A case reported by the member (a grid worker's handheld); the area by code, or
    located from ``lat``/``lon``."""
    def work(platform: Platform, actor: Actor, key: Any) -> dict[str, Any]:
        area = body.area
        if area is None:
            found, _, _ = locate(platform, actor, Submission(lat=body.lat, long=body.lon))
            area = found.code
        issue = platform.issues.report(actor, area=area, category=body.category, title=body.title,
                                       description=body.description, priority=body.priority, source=body.source,
                                       requester_name=body.requester_name, requester_phone=body.requester_phone)
        return to_dict(issue)

    return _run(request, secret, work, write=True)


@router.get("/stats", responses=ERRORS, summary="Metrics of an area: flows, cohort, rates")
def stats(request: Request, secret: Secret,
          area: Annotated[str | None, Query(max_length=64, description="Default: the member's top scope")] = None,
          since: Annotated[dt.date | None, Query(description="First day counted")] = None,
          until: Annotated[dt.date | None, Query(description="Day after the last one counted")] = None,
          ) -> dict[str, Any]:
    def work(platform: Platform, actor: Actor, key: Any) -> dict[str, Any]:
        code = area
        if code is None:
            paths = actor.paths_for("metrics.read")
            if not paths:
                raise AccessDenied(actor.denial("metrics.read"))
            code = paths[0].strip("/").rsplit("/", 1)[-1]
        platform.areas.require_exists(code, "area")
        return platform.metrics.for_area(actor, code, since=since, until=until).as_dict()

    return _run(request, secret, work)
