"""The service lists' records: needs, resources, services, orders, projects and their parts.

Longgang keeps three lists (the agency's resource list, the community's needs list, the
branch's service list; SEEDS 000), Suyu and Chancheng match needs with resources into a
project list (SEEDS 001, 002), and residents order listed services (点单, SEEDS 003). The
records are frozen attrs classes whose validators raise the core's ``ValidationError``
naming the field, so the CLI and the screens say in one line what is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import (
    PRIORITIES,
    ValidationError,
    valid_choice,
    valid_code,
    valid_phone,
    valid_text,
)

PLUGIN = "service_lists"
CATEGORY = "service_lists.order"  # the core case an order that cannot be served becomes
KEEPER = "list_keeper"  # keeps a community's lists and records the committee's decisions
UNIT_CONTACT = "service_unit"  # a unit's contact who takes orders and reports progress
MANAGE = "service_lists.manage"
DECIDE = "service_lists.decide"
SERVE = "service_lists.serve"

NEED_SOURCES = ("visit", "meeting_topic", "case", "resident", "survey")
NEED_STATUSES = ("open", "matched", "closed")
SERVICE_AUDIENCES = ("all", "elderly", "disabled", "children", "low_income", "enterprises")
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO weekdays, Monday = 1
PROJECT_STATUSES = ("planned", "in_progress", "completed", "cancelled")
CHECK_STATES = ("on_track", "late", "stalled", "completed")
DECISION_KINDS = ("committee", "joint_meeting")
RATINGS_NEEDED = 50  # Donggang: at least 50 residents and members score each unit at year end

STATE_NAMES = {
    "on_track": ("按期推进", "on track"), "late": ("滞后", "late"), "stalled": ("停滞", "stalled"),
    "completed": ("已完成", "completed"), "planned": ("待启动", "planned"),
    "in_progress": ("推进中", "in progress"), "cancelled": ("已撤销", "cancelled"),
    "open": ("待对接", "open"), "matched": ("已对接", "matched"), "closed": ("已关闭", "closed"),
}  # fmt: skip


def clean_tags(value: Any) -> tuple[str, ...]:
    """Tags as a sorted tuple of distinct, trimmed words (a comma string or any iterable)."""
    if value is None:
        return ()
    items = value.replace("，", ",").split(",") if isinstance(value, str) else list(value)
    return tuple(sorted({str(t).strip() for t in items if str(t).strip()}))


def _tags(_inst: Any, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    if not value:
        raise ValidationError(attribute.name, "give at least one tag")
    for tag in value:
        if len(tag) > 20:
            raise ValidationError(attribute.name, f"tag {tag!r} is longer than 20 characters")


def _positive(_inst: Any, attribute: attrs.Attribute, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationError(attribute.name, f"{value!r} is not a whole number of at least 1")


@attrs.frozen(kw_only=True)
class Need:
    """A need on a community's needs list: where, what (tags), how urgent, who raised it and
    from what (a visit, a joint-meeting topic, a core case)."""

    area_code: str = attrs.field(validator=valid_code)
    title: str = attrs.field(validator=valid_text(100))
    description: str = attrs.field(default="", validator=valid_text(2000, required=False, multiline=True))
    tags: tuple[str, ...] = attrs.field(converter=clean_tags, validator=_tags)
    urgency: str = attrs.field(default="normal", validator=valid_choice(PRIORITIES))
    units: int = attrs.field(default=1, validator=_positive)
    source: str = attrs.field(default="visit", validator=valid_choice(NEED_SOURCES))
    source_ref: str | None = attrs.field(default=None, validator=valid_text(40, required=False))


@attrs.frozen(kw_only=True)
class Resource:
    """What an organisation offers on the resource list: tags, a capacity in units for the
    period it is offered, and the areas it may serve (each with its subtree)."""

    org_code: str = attrs.field(validator=valid_code)
    title: str = attrs.field(validator=valid_text(100))
    description: str = attrs.field(default="", validator=valid_text(2000, required=False, multiline=True))
    tags: tuple[str, ...] = attrs.field(converter=clean_tags, validator=_tags)
    capacity: int = attrs.field(validator=_positive)
    starts: dt.date
    ends: dt.date
    serve_areas: tuple[str, ...] = attrs.field(converter=lambda v: tuple(dict.fromkeys(v)))

    def __attrs_post_init__(self) -> None:
        if self.ends < self.starts:
            raise ValidationError("ends", f"{self.ends} is before starts {self.starts}")
        if not self.serve_areas:
            raise ValidationError("serve_areas", "name at least one area the resource may serve")


def _weekdays(_inst: Any, attribute: attrs.Attribute, value: tuple[int, ...]) -> None:
    if not value or any(d not in WEEKDAYS for d in value):
        raise ValidationError(attribute.name, "give weekdays 1 (Monday) to 7 (Sunday)")


@attrs.frozen(kw_only=True)
class Service:
    """A unit's or branch's offer on the service list that residents may order: orders it
    takes per month, the weekdays and hours it serves, and who may order it (the areas and
    the audience)."""

    org_code: str = attrs.field(validator=valid_code)
    title: str = attrs.field(validator=valid_text(100))
    description: str = attrs.field(default="", validator=valid_text(2000, required=False, multiline=True))
    tags: tuple[str, ...] = attrs.field(default=("服务",), converter=clean_tags, validator=_tags)
    monthly_capacity: int = attrs.field(validator=_positive)
    weekdays: tuple[int, ...] = attrs.field(default=(1, 2, 3, 4, 5), converter=lambda v: tuple(sorted(set(v))),
                                            validator=_weekdays)
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(17, 0)
    order_areas: tuple[str, ...] = attrs.field(converter=lambda v: tuple(dict.fromkeys(v)))
    audience: str = attrs.field(default="all", validator=valid_choice(SERVICE_AUDIENCES))

    def __attrs_post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValidationError("closes", f"{self.closes:%H:%M} is not after opens {self.opens:%H:%M}")
        if not self.order_areas:
            raise ValidationError("order_areas", "name at least one area whose residents may order")


@attrs.frozen(kw_only=True)
class Order:
    """A resident's order of a listed service, placed for them at the grid (or by the
    intake channel); the resident's phone is personal data, masked on every read."""

    service_id: int
    area_code: str = attrs.field(validator=valid_code)
    resident_name: str = attrs.field(validator=valid_text(60))
    resident_phone: str | None = attrs.field(default=None, validator=valid_phone)
    resident_group: str = attrs.field(default="all", validator=valid_choice(SERVICE_AUDIENCES))
    request: str = attrs.field(default="", validator=valid_text(500, required=False, multiline=True))
    priority: str = attrs.field(default="normal", validator=valid_choice(PRIORITIES))


@attrs.frozen(kw_only=True)
class Decision:
    """How the community body decided a project: its own record (``committee``: who, when,
    what), or a joint-meetings decision (``decision_ref``) when that plugin is installed."""

    kind: str = attrs.field(default="committee", validator=valid_choice(DECISION_KINDS))
    body: str = attrs.field(default="社区党委会", validator=valid_text(60))
    decided_on: dt.date
    note: str = attrs.field(default="", validator=valid_text(500, required=False, multiline=True))
    decision_ref: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind == "joint_meeting" and self.decision_ref is None:
            raise ValidationError("decision_ref", "a joint-meeting decision names the decision's id")
        if self.kind == "committee" and not self.note.strip():
            raise ValidationError("note", "record what the committee decided")


@attrs.frozen(kw_only=True)
class Milestone:
    title: str = attrs.field(validator=valid_text(100))
    due: dt.date
