"""The joint-meetings plugin's records: standing bodies, meetings, topics, decisions, and
the co-building bodies' commitments and things done.

Records are frozen attrs classes whose validators raise the core's ``ValidationError``
naming the field, so the CLI and the screens show one line saying what is wrong. The
names follow the glossary: a *joint meeting* (联席会议) is a standing meeting of one level;
a topic that level cannot settle is *moved up* (议题上移) to the parent level's body.
"""

from __future__ import annotations

import datetime as dt

import attrs
from gridgov.core import ValidationError, valid_choice, valid_code, valid_text

PLUGIN = "joint_meetings"
SECRETARY = "party_secretary"  # the level's party secretary: convenes its joint meeting
CONVENE = "joint_meetings.convene"  # hold meetings, record minutes and decisions, move topics up
COBUILD = "joint_meetings.cobuild"  # record commitments and things done of co-building bodies
DECIDE_ACTION = "meeting_decision"  # a decision written on a linked core case (status kept)
RESOLVE_ACTION = "meeting_resolve"  # a decision that settles a linked core case (→ resolved)

BODY_KINDS = ("joint", "cobuild")
BODY_KIND_NAMES = {"joint": ("联席会议", "joint meeting"), "cobuild": ("联建治理服务共同体", "co-building body")}
CADENCES = ("month", "quarter", "year")
CADENCE_NAMES = {"month": ("每月", "monthly"), "quarter": ("每季度", "quarterly"), "year": ("每年", "yearly")}
# The issue's defaults: subdistrict and community at least quarterly, compound at least
# monthly. The handling level of a deployment (grid, compound) is monthly when unnamed.
DEFAULT_CADENCE = {"subdistrict": "quarter", "community": "quarter", "compound": "month", "grid": "month"}
MEMBER_ROLES = ("member", "part_time", "convener")
TOPIC_ORIGINS = ("case", "resident", "member_unit", "lower_level")
ORIGIN_NAMES = {"case": ("案件", "core case"), "resident": ("居民", "resident"),
                "member_unit": ("成员单位", "member unit"), "lower_level": ("下级", "level below")}
TOPIC_STATUSES = ("open", "settled", "withdrawn")
TOPIC_STATUS_NAMES = {"open": ("待议", "open"), "settled": ("已议决", "settled"), "withdrawn": ("已撤回", "withdrawn")}
MEETING_STATUSES = ("planned", "held", "cancelled")
DECISION_STATUSES = ("open", "done")
COMMITMENT_KINDS = ("people", "goods", "money", "services")
COMMITMENT_NAMES = {"people": ("人力", "people"), "goods": ("物资", "goods"), "money": ("资金", "money"),
                    "services": ("服务", "services")}
COMMITMENT_STATUSES = ("signed", "kept", "lapsed")


@attrs.frozen(kw_only=True)
class Body:
    """A standing body of one area: the level's joint meeting (convened by the level's
    party secretary) or a community's co-building body of member units."""

    id: int | None = None
    kind: str = attrs.field(default="joint", validator=valid_choice(BODY_KINDS))
    area_code: str = attrs.field(validator=valid_code)
    area_path: str = ""
    level: str = ""
    name: str = attrs.field(validator=valid_text(120))
    convener: str | None = None
    cadence: str | None = attrs.field(default=None, validator=valid_choice(CADENCES, optional=True))
    created_at: dt.datetime | None = None
    version: int = 1


@attrs.frozen(kw_only=True)
class BodyMember:
    """A member organisation or person of a body (Suyu: agencies as part-time members)."""

    body_id: int
    org_code: str | None = attrs.field(default=None, validator=valid_code)
    login: str | None = None
    role: str = attrs.field(default="member", validator=valid_choice(MEMBER_ROLES))
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.org_code and not self.login:
            raise ValidationError("member", "a body member is an organisation or a person")


@attrs.frozen(kw_only=True)
class Attendance:
    """One invited organisation or person at a meeting: present, or absent with a reason."""

    org_code: str | None = None
    login: str | None = None
    present: bool = True
    reason: str = attrs.field(default="", validator=valid_text(200, required=False))

    def __attrs_post_init__(self) -> None:
        if not self.org_code and not self.login:
            raise ValidationError("attendees", "an attendee is an organisation or a person")


@attrs.frozen(kw_only=True)
class Meeting:
    """A joint meeting: when, where, who came, the agenda, the minutes."""

    id: int | None = None
    body_id: int
    held_at: dt.datetime
    place: str = attrs.field(validator=valid_text(200))
    status: str = attrs.field(default="planned", validator=valid_choice(MEETING_STATUSES))
    minutes: str = attrs.field(default="", validator=valid_text(20_000, required=False, multiline=True))
    area_path: str = ""
    level: str = ""
    recorded_by: str | None = None
    version: int = 1


@attrs.frozen(kw_only=True)
class Topic:
    """A matter put to a body. ``body_id`` is where it lies now; ``origin_body_id`` where
    it was raised; ``issue_id`` the core case it came from, if any."""

    id: int | None = None
    title: str = attrs.field(validator=valid_text(200))
    text: str = attrs.field(default="", validator=valid_text(10_000, required=False, multiline=True))
    origin: str = attrs.field(validator=valid_choice(TOPIC_ORIGINS))
    origin_ref: str | None = attrs.field(default=None, validator=valid_text(120, required=False))
    body_id: int
    origin_body_id: int
    level: str = ""
    origin_level: str = ""
    area_path: str = ""
    issue_id: int | None = None
    status: str = attrs.field(default="open", validator=valid_choice(TOPIC_STATUSES))
    moves: int = 0
    raised_at: dt.datetime
    settled_at: dt.datetime | None = None
    raised_by: str | None = None
    version: int = 1

    @property
    def moved_up(self) -> bool:
        return self.moves > 0


@attrs.frozen(kw_only=True)
class Decision:
    """What a meeting decided, with the unit that carries it out and by when."""

    id: int | None = None
    meeting_id: int
    topic_id: int | None = None
    owner_org: str = attrs.field(validator=valid_code)
    due: dt.date
    status: str = attrs.field(default="open", validator=valid_choice(DECISION_STATUSES))
    text: str = attrs.field(validator=valid_text(2000, multiline=True))
    area_path: str = ""
    done_on: dt.date | None = None
    version: int = 1

    def overdue_on(self, day: dt.date) -> bool:
        return self.status == "open" and self.due < day


@attrs.frozen(kw_only=True)
class Commitment:
    """What a member unit of a co-building body signs to give: people, goods, money or
    services; ``amount`` in yuan where the commitment has a value."""

    id: int | None = None
    body_id: int
    org_code: str = attrs.field(validator=valid_code)
    kind: str = attrs.field(validator=valid_choice(COMMITMENT_KINDS))
    text: str = attrs.field(validator=valid_text(500))
    amount: int | None = None
    signed_on: dt.date
    due: dt.date
    status: str = attrs.field(default="signed", validator=valid_choice(COMMITMENT_STATUSES))
    area_path: str = ""
    version: int = 1

    def __attrs_post_init__(self) -> None:
        if self.due < self.signed_on:
            raise ValidationError("due", f"{self.due} is before the signing date {self.signed_on}")
        if self.amount is not None and self.amount < 0:
            raise ValidationError("amount", "an amount is not negative")


@attrs.frozen(kw_only=True)
class Deed:
    """A thing a member unit did for the community, with its value in yuan."""

    id: int | None = None
    body_id: int
    org_code: str = attrs.field(validator=valid_code)
    commitment_id: int | None = None
    done_on: dt.date
    text: str = attrs.field(validator=valid_text(500))
    value: int = 0
    area_path: str = ""

    def __attrs_post_init__(self) -> None:
        if self.value < 0:
            raise ValidationError("value", "a value is not negative")


def name(pair: tuple[str, str], lang: str) -> str:
    """The Chinese or English half of a ``(zh, en)`` name."""
    return pair[0] if lang == "zh" else pair[1]
