"""The core's value records.

Records are frozen attrs classes: a change is ``attrs.evolve(record, field=value)``, which
runs the validators again, so a record that exists is a record that is valid. Validators
raise :class:`~gridgov.core.errors.ValidationError` naming the field, which the CLI and the
importers turn into one line of output.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import attrs

from .errors import ValidationError
from .geo import geometry_problem, label_point, point_problem
from .identifiers import uscc_problem
from .timezone import instant
from .validators import (
    valid_choice,
    valid_code,
    valid_count,
    valid_id_number,
    valid_phone,
    valid_text,
)

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")

DEFAULT_LEVELS = ("district", "subdistrict", "community", "grid", "building")

ORGANISATION_KINDS = (
    "agency",
    "party_committee",
    "party_working_committee",
    "party_branch",
    "party_group",
    "enterprise",
    "property_company",
    "owners_committee",
    "residents_committee",
    "financial_institution",
    "mediation_committee",
    "law_firm",
    "police_station",
    "judicial_office",
    "social_organisation",
    "co_building_body",
    "other",
)
ENTERPRISE_SIZES = ("above_scale", "small", "micro")
PRIORITIES = ("low", "normal", "high", "urgent")
SOURCES = ("visit", "hotline", "walk_in", "member", "meeting", "online", "plugin", "import")
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
PAIRING_KINDS = (
    "agency_subdistrict",
    "agency_community",
    "agency_compound",
    "branch_grid",
    "member_building",
    "member_household",
    "leader_community",
    "department_community",
    "co_building",
)


def _to_instant(value: Any, field: attrs.Attribute) -> dt.datetime | None:
    return instant(value, field.name)


def instant_field(*, optional: bool = True) -> Any:
    """An attrs field holding an instant: aware input is kept as UTC, naive input refused."""
    converter = attrs.Converter(_to_instant, takes_field=True)  # type: ignore[call-overload]
    return attrs.field(default=None, converter=converter) if optional else attrs.field(converter=converter)


def _coordinate(limit: float) -> Callable[[Any, attrs.Attribute, Any], None]:
    """A WGS-84 latitude (±90) or longitude (±180), or None."""

    def check(_inst: Any, attribute: attrs.Attribute, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
            raise ValidationError(attribute.name, f"{value!r} is not a coordinate within ±{limit:g}")

    return check


def _check(field: str, problem: str | None) -> None:
    if problem:
        raise ValidationError(field, problem)


def _dates_in_order(start: str, end: str) -> Callable[[Any], None]:
    def check(inst: Any) -> None:
        a, b = getattr(inst, start), getattr(inst, end)
        if a and b and b < a:
            raise ValidationError(end, f"{b} is before {start} {a}")

    return check


def _valid_geometry(_inst: Any, attribute: attrs.Attribute, value: dict[str, Any] | None) -> None:
    if value is not None:
        _check(attribute.name, geometry_problem(value))


def _valid_degrees(_inst: Any, attribute: attrs.Attribute, value: float | None) -> None:
    if value is not None:
        _check(attribute.name, point_problem(attribute.name, value))


def _as_float(value: Any) -> Any:
    """Whole numbers from JSON or CSV (``22``) become floats; anything else is left for the
    validator to judge."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


@attrs.frozen(kw_only=True)
class Area:
    """A node of the area tree. ``path`` is the materialised path of codes, e.g. ``/LG/PH/``.

    ``geometry`` is an optional GeoJSON Polygon or MultiPolygon in WGS-84 (positions are
    ``[longitude, latitude]``); ``centroid_lat``/``centroid_lon`` is the point that stands
    for the area (a building has only this point). Without a centroid, an area with a
    geometry gets :func:`~gridgov.core.geo.label_point` of it: a point inside the area.
    """

    code: str = attrs.field(validator=valid_code)
    name: str = attrs.field(validator=valid_text(100))
    level: str = attrs.field(validator=valid_text(40))
    parent_code: str | None = attrs.field(default=None, validator=valid_code)
    path: str = ""
    population: int | None = attrs.field(default=None, validator=valid_count)
    households: int | None = attrs.field(default=None, validator=valid_count)
    geometry: dict[str, Any] | None = attrs.field(default=None, validator=_valid_geometry)
    centroid_lat: float | None = attrs.field(default=None, converter=_as_float, validator=_valid_degrees)
    centroid_lon: float | None = attrs.field(default=None, converter=_as_float, validator=_valid_degrees)
    version: int = 1

    def __attrs_post_init__(self) -> None:
        if self.parent_code == self.code:
            raise ValidationError("parent_code", f"area {self.code} cannot be its own parent")
        if (self.centroid_lat is None) != (self.centroid_lon is None):
            missing, given = ("centroid_lon", "centroid_lat") if self.centroid_lon is None else ("centroid_lat", "centroid_lon")
            raise ValidationError(missing, f"is required with {given}")
        if self.geometry is not None and self.centroid_lat is None:
            lat, lon = label_point(self.geometry)
            object.__setattr__(self, "centroid_lat", lat)  # the attrs way to fill in a frozen field
            object.__setattr__(self, "centroid_lon", lon)

    @property
    def centroid(self) -> tuple[float, float] | None:
        """``(lat, lon)`` of the area's point, or None."""
        if self.centroid_lat is None or self.centroid_lon is None:
            return None
        return self.centroid_lat, self.centroid_lon

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


@attrs.frozen(kw_only=True)
class Organisation:
    """An agency, party organisation, enterprise, property company, bank, law firm…"""

    code: str = attrs.field(validator=valid_code)
    name: str = attrs.field(validator=valid_text(200))
    kind: str = attrs.field(validator=valid_choice(ORGANISATION_KINDS, optional=True))
    area_code: str | None = attrs.field(default=None, validator=valid_code)
    parent_code: str | None = attrs.field(default=None, validator=valid_code)
    uscc: str | None = attrs.field(default=None)
    industry: str | None = None
    size: str | None = attrs.field(default=None, validator=valid_choice(ENTERPRISE_SIZES, optional=True))
    headcount: int | None = attrs.field(default=None, validator=valid_count)
    profile: dict[str, Any] = attrs.field(factory=dict)
    version: int = 1

    @uscc.validator
    def _uscc(self, attribute: attrs.Attribute, value: str | None) -> None:
        if value:
            _check("uscc", uscc_problem(value))
        elif self.kind == "enterprise":
            raise ValidationError("uscc", "an enterprise needs its unified social credit code")

    def __attrs_post_init__(self) -> None:
        if self.parent_code == self.code:
            raise ValidationError("parent_code", f"organisation {self.code} cannot be its own parent")


@attrs.frozen(kw_only=True)
class Member:
    """A person using or served by the platform; phone and ID number are personal data."""

    login: str = attrs.field()
    name: str = attrs.field(validator=valid_text(60))
    org_code: str | None = attrs.field(default=None, validator=valid_code)
    party_member: bool = False
    in_service: bool = False
    home_area: str | None = attrs.field(default=None, validator=valid_code)
    phone: str | None = attrs.field(default=None, validator=valid_phone)
    id_number: str | None = attrs.field(default=None, validator=valid_id_number)
    active: bool = True
    version: int = 1

    @login.validator
    def _login(self, attribute: attrs.Attribute, value: str) -> None:
        if not isinstance(value, str) or not _LOGIN.fullmatch(value):
            raise ValidationError(
                "login", f"{value!r} must be 2–64 lowercase letters, digits, _ . -"
            )
        if value == "system":
            # platform.actor("system") is the all-powerful local operator; a member with
            # that login would inherit every permission.
            raise ValidationError("login", "system is reserved for the local operator")


@attrs.frozen(kw_only=True)
class RoleAssignment:
    """A post held by a member over an area subtree or an organisation, between two dates."""

    login: str
    post: str = attrs.field(validator=valid_text(60))
    area_code: str | None = attrs.field(default=None, validator=valid_code)
    org_code: str | None = attrs.field(default=None, validator=valid_code)
    starts: dt.date | None = None
    ends: dt.date | None = None
    duties: str = ""
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.area_code and not self.org_code:
            raise ValidationError("area_code", "a post needs a scope: an area or an organisation")
        _dates_in_order("starts", "ends")(self)

    def active_on(self, day: dt.date) -> bool:
        return (self.starts is None or self.starts <= day) and (self.ends is None or day <= self.ends)


@attrs.frozen(kw_only=True)
class Pairing:
    """A standing link between an organisation or member and an area or a household."""

    kind: str = attrs.field(validator=valid_choice(PAIRING_KINDS, optional=True))
    org_code: str | None = attrs.field(default=None, validator=valid_code)
    member_login: str | None = None
    area_code: str | None = attrs.field(default=None, validator=valid_code)
    household: str | None = None
    starts: dt.date | None = None
    ends: dt.date | None = None
    voluntary: bool = False
    commitments: str = ""
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.org_code and not self.member_login:
            raise ValidationError("org_code", "a pairing links an organisation or a member")
        if not self.area_code and not self.household:
            raise ValidationError("area_code", "a pairing links to an area or a household")
        _dates_in_order("starts", "ends")(self)


@attrs.frozen(kw_only=True)
class DualRegistration:
    """A member registered both with the paired community and with the home community."""

    login: str
    paired_community: str = attrs.field(validator=valid_code)
    home_community: str = attrs.field(validator=valid_code)
    registered_on: dt.date
    id: int | None = None


@attrs.frozen(kw_only=True)
class Issue:
    """A resident's request or a found problem, handled as a case.

    ``handling_area`` is the area whose dispatchers own the case now; escalation moves it to
    the parent area. ``level`` is that area's level name.
    """

    id: int | None = None
    title: str = attrs.field(validator=valid_text(200))
    description: str = attrs.field(default="", validator=valid_text(10_000, required=False, multiline=True))
    category: str = attrs.field(validator=valid_text(80))
    priority: str = attrs.field(default="normal", validator=valid_choice(PRIORITIES, optional=True))
    area_code: str = attrs.field(validator=valid_code)
    area_path: str = ""
    handling_area: str | None = None
    level: str | None = None
    source: str = attrs.field(default="visit", validator=valid_choice(SOURCES, optional=True))
    reporter: str | None = None
    requester_name: str | None = attrs.field(default=None, validator=valid_text(60, required=False))
    requester_phone: str | None = attrs.field(default=None, validator=valid_phone)
    status: str = "reported"
    assignee_org: str | None = None
    assignee_member: str | None = None
    reported_at: dt.datetime = instant_field(optional=False)
    registered_at: dt.datetime | None = instant_field()
    dispatched_at: dt.datetime | None = instant_field()
    accepted_at: dt.datetime | None = instant_field()
    resolved_at: dt.datetime | None = instant_field()
    closed_at: dt.datetime | None = instant_field()
    response_due: dt.datetime | None = instant_field()
    resolve_due: dt.datetime | None = instant_field()
    register_due: dt.datetime | None = instant_field()
    dispatch_due: dt.datetime | None = instant_field()
    rating: str | None = attrs.field(default=None, validator=valid_choice(RATINGS, optional=True))
    merged_into: int | None = None
    rework_count: int = 0
    return_count: int = 0
    escalation_count: int = 0
    urge_count: int = 0
    callback_count: int = 0
    version: int = 0
    payload: dict[str, Any] = attrs.field(factory=dict)
    address: str | None = attrs.field(default=None, validator=valid_text(200, required=False))
    lat: float | None = attrs.field(default=None, validator=_coordinate(90))
    lon: float | None = attrs.field(default=None, validator=_coordinate(180))

    @property
    def is_open(self) -> bool:
        from .workflow import TERMINAL_STATES

        return self.status not in TERMINAL_STATES

    @property
    def due_at(self) -> dt.datetime | None:
        """The deadline that matters now, from the moment of report: registering a new
        case, dispatching a registered (returned, reopened) one, accepting a dispatched one,
        then resolving it — each stage has its own, as the digital urban-management
        standard sets them."""
        if self.status == "reported":
            return self.register_due
        if self.status in ("registered", "returned", "reopened"):
            return self.dispatch_due
        if self.status == "dispatched":
            return self.response_due or self.resolve_due
        return self.resolve_due

    @property
    def due_stage(self) -> str:
        """Which deadline :attr:`due_at` is: register, dispatch, response or resolve."""
        if self.status == "reported":
            return "register"
        if self.status in ("registered", "returned", "reopened"):
            return "dispatch"
        if self.status == "dispatched" and self.response_due is not None:
            return "response"
        return "resolve"

    def overdue_at(self, now: dt.datetime) -> bool:
        due = self.due_at
        return self.is_open and due is not None and due < now


@attrs.frozen(kw_only=True)
class Event:
    """One change of an issue, as stored in the append-only event log.

    ``changes`` holds every field the change set, so replaying events rebuilds the issue.
    """

    issue_id: int
    seq: int
    at: dt.datetime = instant_field(optional=False)
    actor: str
    action: str
    from_status: str | None
    to_status: str
    level: str | None = None
    note: str = attrs.field(default="", validator=valid_text(10_000, required=False, multiline=True))
    changes: dict[str, Any] = attrs.field(factory=dict)
    org: str | None = None
    member: str | None = None
    id: int | None = None


@attrs.frozen(kw_only=True)
class AccessLogEntry:
    """Who saw unmasked personal data or exported records, why, and when."""

    actor: str
    what: str
    reason: str
    at: dt.datetime = instant_field(optional=False)
    id: int | None = None
