"""What the public sees of a case: GeoReport v2 request records and FixMyStreet updates.

A public record carries no personal data: not the requester's name, phone or e-mail, not
the reporter's or the assignee's login. Free text written by staff reaches the public only
for the steps whose note is addressed to the requester (why a report was not registered,
what was done, why a case was reopened); every other step shows the step's name.

Statuses: GeoReport's ``status`` is ``open`` or ``closed`` (closed = the case ended:
closed, rejected or merged). FixMyStreet's extended statuses (``extended_statuses=true``
on ``requests``, always on ``servicerequestupdates``) say more, and
``external_status_code`` gives gridgov's own state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..access import Actor, Grant
from ..converter import from_dict
from ..models import Event, Issue
from ..platform import Platform
from ..workflow import TERMINAL_STATES

EXTENDED_STATUS = {
    "reported": "open",
    "registered": "investigating",
    "returned": "investigating",
    "reopened": "open",
    "dispatched": "action_scheduled",
    "in_progress": "in_progress",
    "resolved": "in_progress",
    "verified": "in_progress",
    "closed": "fixed",
    "rejected": "no_further_action",
    "merged": "duplicate",
}
EXTENDED_STATUSES = tuple(sorted(set(EXTENDED_STATUS.values()) | {"internal_referral", "closed"}))
PUBLIC_NOTES = frozenset({"reject", "resolve", "reopen", "close"})
"""Actions whose note is written for the requester."""


def public_reader(platform: Platform) -> Actor:
    """Who reads for the public views: ``issue.read`` over the whole tree, nothing else
    (what it reads is cut down to the public fields before it leaves)."""
    roots = platform.areas.roots_paths() or ["/"]
    return Actor(login="open311-public", name="Open311",
                 grants=tuple(Grant(post="viewer", permissions=frozenset({"issue.read"}), area_path=p) for p in roots))


def w3(platform: Platform, value: dt.datetime | None) -> str | None:
    """An instant in the W3C subset of ISO 8601, in the deployment's zone with its offset."""
    return platform.time.local(value).isoformat(timespec="seconds") if value else None


def basic_status(status: str) -> str:
    return "closed" if status in TERMINAL_STATES else "open"


def event_status(event: Event) -> str:
    if event.action == "escalate":
        return "internal_referral"
    return EXTENDED_STATUS.get(event.to_status, "open" if event.to_status not in TERMINAL_STATES else "closed")


class Places:
    """Area names and points for a page of records, each area read once."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._address: dict[str, str] = {}
        self._point: dict[str, tuple[float | None, float | None]] = {}

    def address(self, code: str) -> str:
        """Most specific to most general, as GeoReport asks: 1栋, 第01网格, 福寮社区, 平湖街道, 龙岗区."""
        if code not in self._address:
            self._address[code] = ", ".join(a.name for a in self.platform.areas.ancestors(code))
        return self._address[code]

    def point(self, code: str) -> tuple[float | None, float | None]:
        """The nearest point standing for the area (its own, else an ancestor's)."""
        if code not in self._point:
            found = next((a.centroid for a in self.platform.areas.ancestors(code) if a.centroid is not None), None)
            self._point[code] = found or (None, None)
        return self._point[code]


def service_name(platform: Platform, code: str, lang: str) -> str:
    category = platform.categories.get(code)
    if category is None:
        return code
    return category.name_zh if lang == "zh" else category.name_en


def request_record(platform: Platform, issue: Issue, extra: dict[str, Any] | None, places: Places, lang: str,
                   *, extended: bool = False, notes: dict[int, str] | None = None) -> dict[str, Any]:
    """One case as a GeoReport v2 ``request`` (public fields only)."""
    extra = extra or {}
    lat, lon = (extra.get("lat"), extra.get("lon")) if extra.get("lat") is not None else places.point(issue.area_code)
    stamps = [t for t in (issue.reported_at, issue.registered_at, issue.dispatched_at, issue.accepted_at,
                          issue.resolved_at, issue.closed_at) if t]
    agency = None
    if issue.assignee_org:
        org = platform.organisations.find(issue.assignee_org)
        agency = org.name if org else None
    if agency is None and issue.handling_area:
        agency = platform.areas.get(issue.handling_area).name
    status_notes = (notes or {}).get(issue.id or 0)
    if issue.status == "merged" and issue.merged_into:
        status_notes = (f"与 {issue.merged_into} 号诉求重复，已合并办理" if lang == "zh"
                        else f"Duplicate of request {issue.merged_into}.")
    return {
        "service_request_id": issue.id,
        "status": EXTENDED_STATUS.get(issue.status, "open") if extended else basic_status(issue.status),
        "status_notes": status_notes,
        "service_name": service_name(platform, issue.category, lang),
        "service_code": issue.category,
        "description": issue.description or issue.title,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": w3(platform, issue.reported_at),
        "updated_datetime": w3(platform, issue.closed_at or max(stamps)),
        "expected_datetime": w3(platform, issue.resolve_due),
        "address": extra.get("address") or places.address(issue.area_code),
        "address_id": issue.area_code,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": extra.get("media_url"),
    }


def action_name(platform: Platform, action: str, lang: str) -> str:
    transition = platform.transitions.get(action)
    if transition is None:
        return action
    return (transition.name_zh if lang == "zh" else transition.name_en) or action


def update_record(platform: Platform, event: Event, lang: str) -> dict[str, Any]:
    """One step of a case as a FixMyStreet ``request_update``."""
    public_note = event.note.strip() if event.action in PUBLIC_NOTES else ""
    return {
        "update_id": event.id,
        "service_request_id": event.issue_id,
        "status": event_status(event),
        "updated_datetime": w3(platform, event.at),
        "description": public_note or action_name(platform, event.action, lang),
        "media_url": None,
        "external_status_code": event.to_status,
    }


def latest_notes(platform: Platform, issue_ids: list[int]) -> dict[int, str]:
    """The newest public note of each case (one query for the page)."""
    if not issue_ids:
        return {}
    rows = platform._store.select("issue_event", issue_id__in=issue_ids, action__in=sorted(PUBLIC_NOTES),
                                 order_by="id")
    notes: dict[int, str] = {}
    for row in rows:
        event = from_dict(Event, row)
        if event.note.strip():
            notes[event.issue_id] = event.note.strip()
    return notes
