"""The finance station's records: stations, consultations, outreach visits and events.

Records are frozen and validated like the core's, so a consultation that exists obeys
the status machine's invariants (a granted one has an amount and an institution, a
declined one a reason). The moves between statuses live in :data:`LIFECYCLE`; the
service refuses any move not listed there.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
from gridgov.core import Lifecycle, Move, ValidationError, valid_choice, valid_code, valid_text

from .money import check_fen

NEEDS = ("loan", "guarantee", "insurance", "policy", "listing")
NEED_NAMES = {
    "loan": ("贷款", "loan"),
    "guarantee": ("担保", "guarantee"),
    "insurance": ("保险", "insurance"),
    "policy": ("政策宣讲", "policy briefing"),
    "listing": ("上市辅导", "listing guidance"),
}
STATUSES = ("open", "referred", "granted", "declined", "withdrawn")
STATUS_NAMES = {
    "open": ("待受理", "open"),
    "referred": ("已转介", "referred"),
    "granted": ("已授信", "credit granted"),
    "declined": ("未获授信", "declined"),
    "withdrawn": ("已撤回", "withdrawn"),
}
# Referring again from ``referred`` hands the firm to another institution after the first
# one passed; granted, declined and withdrawn are the ends.
LIFECYCLE = Lifecycle("consultation", states=STATUSES, initial="open", moves=(
    Move("refer", {"open", "referred"}, "referred"),
    Move("grant", {"referred"}, "granted"),
    Move("decline", {"open", "referred"}, "declined"),
    Move("withdraw", {"open", "referred"}, "withdrawn"),
))
TERMINAL = LIFECYCLE.terminal
INSTITUTION_TYPES = ("bank", "insurer", "broker")
# Which kind of institution a need is referred to; policy questions may go to any partner.
REFERRAL_TYPES = {
    "loan": ("bank",),
    "guarantee": ("bank", "insurer"),
    "insurance": ("insurer",),
    "listing": ("broker",),
    "policy": INSTITUTION_TYPES,
}
# Credit is granted by banks (loans) and insurers (credit-guarantee insurance), not brokers.
CREDIT_TYPES = ("bank", "insurer")
INCLUSIVE_SIZES = ("small", "micro")


def _fen(_inst: Any, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None:
        check_fen(value, attribute.name)


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else [value]
    return tuple(value or ())


def _when(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@attrs.frozen(kw_only=True)
class Station:
    """An offline finance station (金融驿站) serving one industry cluster from an area."""

    code: str = attrs.field(validator=valid_code)
    name: str = attrs.field(validator=valid_text(100))
    area_code: str = attrs.field(validator=valid_code)
    host_org: str = attrs.field(validator=valid_code)
    cluster: str = attrs.field(validator=valid_text(40))
    partners: tuple[str, ...] = attrs.field(converter=_codes, factory=tuple)

    def __attrs_post_init__(self) -> None:
        for code in self.partners:
            valid_code(self, attrs.fields(Station).partners, code)
        if len(set(self.partners)) != len(self.partners):
            raise ValidationError("partners", "lists an institution twice")


@attrs.frozen(kw_only=True)
class Consultation:
    """A firm's request to a station, from intake to its outcome."""

    id: int | None = None
    enterprise: str = attrs.field(validator=valid_code)
    station: str = attrs.field(validator=valid_code)
    need: str = attrs.field(validator=valid_choice(NEEDS))
    amount_asked: int | None = attrs.field(default=None, validator=_fen)
    officer: str | None = None
    status: str = attrs.field(default="open", validator=valid_choice(STATUSES))
    area_code: str = attrs.field(validator=valid_code)
    area_path: str = ""
    issue_id: int | None = None
    opened_at: dt.datetime = attrs.field(converter=_when)
    referred_at: dt.datetime | None = attrs.field(default=None, converter=_when)
    institution: str | None = attrs.field(default=None, validator=valid_code)
    granted_amount: int | None = attrs.field(default=None, validator=_fen)
    inclusive: bool = attrs.field(default=False, converter=bool)
    closed_at: dt.datetime | None = attrs.field(default=None, converter=_when)
    reason: str = ""
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.status in ("referred", "granted") and not self.institution:
            raise ValidationError(
                "institution", f"a {self.status} consultation names its institution"
            )
        if self.status == "granted":
            if not self.granted_amount:
                raise ValidationError("amount", "credit granted must be more than 0 fen")
        elif self.granted_amount is not None or self.inclusive:
            raise ValidationError("amount", "only a granted consultation has a credit amount")
        if self.status == "declined" and not self.reason.strip():
            raise ValidationError("reason", "a declined consultation says why")
        if (self.status in TERMINAL) != (self.closed_at is not None):
            raise ValidationError("closed_at", "is set exactly when the consultation has ended")
        if self.closed_at and self.closed_at < self.opened_at:
            raise ValidationError(
                "closed_at", f"{self.closed_at} is before the opening {self.opened_at}"
            )

    @property
    def seconds_to_credit(self) -> int | None:
        if self.status != "granted" or self.closed_at is None:
            return None
        return int((self.closed_at - self.opened_at).total_seconds())

    def row(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        data["seconds_to_credit"] = self.seconds_to_credit
        if data["id"] is None:
            del data["id"]
        return data

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Consultation:
        names = {a.name for a in attrs.fields(cls)}
        return cls(**{k: v for k, v in row.items() if k in names})


@attrs.frozen(kw_only=True)
class OutreachVisit:
    """A service-team member's visit to a firm (走访企业), found needs in the note."""

    id: int | None = None
    enterprise: str = attrs.field(validator=valid_code)
    officer: str = attrs.field(validator=valid_text(64))
    station: str | None = attrs.field(default=None, validator=valid_code)
    visited_on: dt.date = attrs.field(converter=_day)
    note: str = ""

    def row(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        if data["id"] is None:
            del data["id"]
        return data


@attrs.frozen(kw_only=True)
class FinanceEvent:
    """A "finance for the people" activity (金融惠企活动) held with institutions and firms."""

    id: int | None = None
    name: str = attrs.field(validator=valid_text(200))
    held_on: dt.date = attrs.field(converter=_day)
    station: str | None = attrs.field(default=None, validator=valid_code)
    institutions: tuple[str, ...] = attrs.field(converter=_codes, factory=tuple)
    firms: tuple[str, ...] = attrs.field(converter=_codes, factory=tuple)

    def row(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        data["institutions"] = list(self.institutions)
        data["firms"] = list(self.firms)
        if data["id"] is None:
            del data["id"]
        return data


def station_from_row(row: dict[str, Any]) -> Station:
    return Station(**{k: v for k, v in row.items() if k in {a.name for a in attrs.fields(Station)}})


def visit_from_row(row: dict[str, Any]) -> OutreachVisit:
    return OutreachVisit(
        **{k: v for k, v in row.items() if k in {a.name for a in attrs.fields(OutreachVisit)}}
    )


def event_from_row(row: dict[str, Any]) -> FinanceEvent:
    return FinanceEvent(
        **{k: v for k, v in row.items() if k in {a.name for a in attrs.fields(FinanceEvent)}}
    )


def station_row(station: Station) -> dict[str, Any]:
    data = attrs.asdict(station, recurse=False)
    data["partners"] = list(station.partners)
    return data
