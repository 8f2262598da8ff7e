"""The plugin's records and vocabulary: duties and their cadences, the posts that carry
them, check-ins, and the names shown to people (zh/en).

A duty belongs to a subject — a member's login (a first secretary's weekly patrol) or a
unit's code (a department's quarterly visit by its linked leader) — over one area. Each
cadence cuts the year into periods in the deployment's time zone; a check-in done after
its period has ended is late, and a period past its end without a check-in is missed.
"""

from __future__ import annotations

import datetime as dt

import attrs
from gridgov.core import ValidationError, valid_choice, valid_code, valid_text

CADENCES = ("week", "month", "quarter", "year")
DUTY_CADENCE = {
    "weekly_patrol": "week",
    "monthly_summary": "month",
    "quarterly_report": "quarter",
    "quarterly_visit": "quarter",
    "household_visit": "year",
}
DUTY_KINDS = tuple(DUTY_CADENCE)
DUTY_NAMES = {
    "weekly_patrol": ("每周走访巡查", "weekly patrol"),
    "monthly_summary": ("每月工作小结", "monthly summary"),
    "quarterly_report": ("每季度述职报告", "quarterly report"),
    "quarterly_visit": ("挂点领导每季度走访", "linked leader's quarterly visit"),
    "household_visit": ("入户走访", "household visits"),
}
SUBJECT_KINDS = ("member", "unit")
CHANNELS = ("cli", "tui", "api", "demo")

# Posts and the duties their holders carry (SEEDS 001: first secretaries' patrol, summary
# and report; 004: a linked leader visits the community at least once a quarter; 001/002:
# members paired with households visit them).
FIRST_SECRETARY = "first_secretary"
LINKED_LEADER = "linked_leader"
PAIRED_MEMBER = "paired_member"
ASSESSOR = "assessment_officer"
POST_DUTIES = {
    FIRST_SECRETARY: ("weekly_patrol", "monthly_summary", "quarterly_report"),
    LINKED_LEADER: ("quarterly_visit",),
    PAIRED_MEMBER: ("household_visit",),
}
POST_NAMES = {
    FIRST_SECRETARY: ("驻村（社区）第一书记", "first secretary"),
    LINKED_LEADER: ("挂点联系领导", "linked leader"),
    PAIRED_MEMBER: ("结对帮扶党员", "paired member"),
    ASSESSOR: ("结对考核专员", "assessment officer"),
}

PLAN_STATUSES = ("draft", "applied", "superseded")
RATING_SIDES = ("branch", "community")
RATER_KINDS = ("resident", "member")


def duty_name(duty: str, lang: str) -> str:
    zh, en = DUTY_NAMES[duty]
    return zh if lang == "zh" else en


@attrs.frozen(kw_only=True)
class Duty:
    """A recurring duty of one subject over one area, from ``starts`` (and until ``ends``)."""

    id: int | None = None
    subject: str = attrs.field(validator=valid_code)
    subject_kind: str = attrs.field(default="member", validator=valid_choice(SUBJECT_KINDS))
    duty: str = attrs.field(validator=valid_choice(DUTY_KINDS))
    area_code: str = attrs.field(validator=valid_code)
    area_path: str = ""
    post: str | None = None
    starts: dt.date
    ends: dt.date | None = None

    @property
    def cadence(self) -> str:
        return DUTY_CADENCE[self.duty]

    def __attrs_post_init__(self) -> None:
        if self.ends is not None and self.ends < self.starts:
            raise ValidationError("ends", f"{self.ends} is before starts {self.starts}")


@attrs.frozen(kw_only=True)
class CheckInRecord:
    """One check-in: the duty done for ``period`` at ``at``; ``late`` when ``at`` is after
    ``due_at`` (the end of the period in the deployment zone). A household visit names the
    household; its area is the household's grid or building."""

    id: int | None = None
    duty_id: int
    subject: str
    duty: str
    area_code: str
    area_path: str
    period: str
    due_at: dt.datetime
    at: dt.datetime
    late: bool
    household: str | None = None
    note: str = attrs.field(default="", validator=valid_text(2000, required=False, multiline=True))
    channel: str = attrs.field(default="cli", validator=valid_choice(CHANNELS))
    recorded_by: str | None = None
