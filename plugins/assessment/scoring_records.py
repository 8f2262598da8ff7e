"""Records of the scoring rules: what goes in (ratings, work records, duty check-ins,
household visits) and the yearly sheets that come out. All are frozen attrs records;
``to_dict`` (from ``gridgov.core``) exports any of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import ValidationError, to_dict, valid_choice, valid_code, valid_count

SIDES = ("branch", "community")
RATER_KINDS = ("resident", "member")
DUTIES = ("weekly_patrol", "monthly_summary", "quarterly_report", "quarterly_visit")
DUTY_NAMES = {"weekly_patrol": "weekly patrol", "monthly_summary": "monthly summary",
              "quarterly_report": "quarterly report", "quarterly_visit": "quarterly leader visit"}


def _score(_inst: Any, attribute: attrs.Attribute, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ValidationError(attribute.name, f"must be a score from 0 to 100, got {value!r}")


def _weight(_inst: Any, attribute: attrs.Attribute, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationError(attribute.name, f"must be a weight ≥ 0, got {value!r}")


@attrs.frozen(kw_only=True)
class MemberRating:
    """A member's rating by their own branch or by the community they serve (two-way rating)."""

    login: str = attrs.field(validator=valid_code)
    side: str = attrs.field(validator=valid_choice(SIDES))
    score: float = attrs.field(validator=_score)
    rater: str | None = attrs.field(default=None, validator=valid_code)


@attrs.frozen(kw_only=True)
class UnitRating:
    """One resident's or member's year-end score of a unit (agency, department, branch)."""

    unit: str = attrs.field(validator=valid_code)
    rater: str = attrs.field(validator=valid_code)
    rater_kind: str = attrs.field(validator=valid_choice(RATER_KINDS))
    score: float = attrs.field(validator=_score)


@attrs.frozen(kw_only=True)
class WorkRecord:
    """Cases a member or unit handled in the year: how many, how many on time, and of the
    rated ones how many satisfied the requester."""

    subject: str = attrs.field(validator=valid_code)
    handled: int = attrs.field(validator=valid_count)
    on_time: int = attrs.field(validator=valid_count)
    rated: int = attrs.field(default=0, validator=valid_count)
    satisfied: int = attrs.field(default=0, validator=valid_count)

    def __attrs_post_init__(self) -> None:
        if self.on_time > self.handled:
            raise ValidationError("on_time", f"{self.subject}: {self.on_time} on time of {self.handled} handled")
        if self.satisfied > self.rated:
            raise ValidationError("satisfied", f"{self.subject}: {self.satisfied} satisfied of {self.rated} rated")
        if self.rated > self.handled:
            raise ValidationError("rated", f"{self.subject}: {self.rated} rated of {self.handled} handled")


@attrs.frozen(kw_only=True)
class CheckIn:
    """A duty done on a day: weekly patrol, monthly summary, quarterly report, leader visit."""

    subject: str = attrs.field(validator=valid_code)
    duty: str = attrs.field(validator=valid_choice(DUTIES))
    day: dt.date


@attrs.frozen(kw_only=True)
class HouseholdVisit:
    """A visit to one household of an area (the same household visited twice counts once)."""

    area: str = attrs.field(validator=valid_code)
    household: str = attrs.field(validator=valid_code)


@attrs.frozen(kw_only=True)
class ScoringRules:
    """Weights and thresholds. A unit's year-end rating counts only with at least
    ``min_raters`` distinct raters (Donggang: 50). A member's two-way rating weighs the
    branch's and the community's average; a sheet's total weighs rating, work and duties
    (parts without data are left out and the weights of the rest rescaled)."""

    min_raters: int = attrs.field(default=50, validator=valid_count)
    branch_weight: float = attrs.field(default=0.5, validator=_weight)
    community_weight: float = attrs.field(default=0.5, validator=_weight)
    on_time_weight: float = attrs.field(default=0.5, validator=_weight)
    satisfaction_weight: float = attrs.field(default=0.5, validator=_weight)
    rating_weight: float = attrs.field(default=0.5, validator=_weight)
    work_weight: float = attrs.field(default=0.3, validator=_weight)
    duty_weight: float = attrs.field(default=0.2, validator=_weight)
    member_duties: tuple[str, ...] = attrs.field(default=("weekly_patrol", "monthly_summary", "quarterly_report"),
                                                 converter=tuple)
    unit_duties: tuple[str, ...] = attrs.field(default=("quarterly_visit",), converter=tuple)

    def __attrs_post_init__(self) -> None:
        for name, pair in (("branch_weight", (self.branch_weight, self.community_weight)),
                           ("on_time_weight", (self.on_time_weight, self.satisfaction_weight)),
                           ("rating_weight", (self.rating_weight, self.work_weight, self.duty_weight))):
            if sum(pair) <= 0:
                raise ValidationError(name, "the weights of one score must not all be 0")
        for duty in (*self.member_duties, *self.unit_duties):
            if duty not in DUTIES:
                raise ValidationError("duties", f"{duty!r} is not one of {', '.join(DUTIES)}")


# -- output ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class WorkSummary:
    handled: int
    on_time: int
    rated: int
    satisfied: int
    on_time_rate: float | None
    satisfaction_rate: float | None
    score: float | None


@attrs.frozen(kw_only=True)
class DutyLine:
    """One duty: periods with a check-in, periods expected in the year, and the share done."""

    duty: str
    done: int
    expected: int
    rate: float


@attrs.frozen(kw_only=True)
class MemberSheet:
    login: str
    year: int
    branch_score: float | None
    branch_raters: int
    community_score: float | None
    community_raters: int
    rating: float | None
    work: WorkSummary
    duties: tuple[DutyLine, ...]
    duty_score: float | None
    total: float | None
    remarks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@attrs.frozen(kw_only=True)
class UnitSheet:
    unit: str
    year: int
    raters: int
    resident_raters: int
    member_raters: int
    min_raters: int
    rating: float | None
    rating_text: str
    work: WorkSummary
    duties: tuple[DutyLine, ...]
    duty_score: float | None
    total: float | None
    remarks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@attrs.frozen(kw_only=True)
class Coverage:
    """Household-visit coverage of an area: distinct households visited of its households."""

    area: str
    households: int
    visited: int
    rate: float | None

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)
