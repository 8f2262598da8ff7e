"""The HR policy plugin's records: policies, outreach sessions, attendance, questions,
subscriptions and notices. Frozen attrs classes whose validators raise
:class:`ValidationError` naming the field, as the core's records do."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
from gridgov.core import (
    Lifecycle,
    Move,
    ValidationError,
    valid_choice,
    valid_code,
    valid_count,
    valid_text,
)

from .eligibility import validate_rules

CATEGORY = "hr.policy_question"
MANAGE = "hr.manage"
READ = "hr.read"

TOPICS = (
    "talent_subsidy",
    "skills_funding",
    "stable_employment",
    "labour_inspection",
    "labour_arbitration",
    "other",
)
TOPIC_NAMES = {
    "talent_subsidy": ("高层次人才补贴", "high-end talent subsidy"),
    "skills_funding": ("技能人才资助", "skills talent funding"),
    "stable_employment": ("稳岗就业", "stable employment"),
    "labour_inspection": ("劳动保障监察", "labour inspection"),
    "labour_arbitration": ("劳动人事争议仲裁", "labour arbitration"),
    "other": ("其他", "other"),
}
QUESTION_STATUSES = ("open", "answered", "closed", "withdrawn")


def _not_yet_held(session: dict[str, Any], params: dict[str, Any]) -> str | None:
    today = params.get("today")
    if today is not None and session["held_on"] > today:
        return f"it is on {session['held_on']}, not held yet"
    return None


# A session is planned, then held once attendance is recorded on or after its day (more
# attendance keeps it held); only a planned session takes invitations or is cancelled.
SESSION_LIFECYCLE = Lifecycle("session", states=("planned", "held", "cancelled"), initial="planned", moves=(
    Move("invite", {"planned"}, "planned"),
    Move("attend", {"planned", "held"}, "held", check=_not_yet_held),
    Move("cancel", {"planned"}, "cancelled"),
))


def topic_name(topic: str, lang: str) -> str:
    zh, en = TOPIC_NAMES.get(topic, (topic, topic))
    return zh if lang == "zh" else en


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError("date", f"{value!r} is not a date (YYYY-MM-DD)") from None


def _datetime(value: Any) -> dt.datetime | None:
    if value is None or value == "" or isinstance(value, dt.datetime):
        return value or None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("datetime", f"{value!r} is not a date and time") from None


def _json_list(value: Any) -> tuple[str, ...]:
    """Stored lists come back as JSON text (plugin tables keep JSON as text)."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return tuple(str(v) for v in (value or ()))


def _json_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return validate_rules(value or {})


@attrs.frozen(kw_only=True)
class Policy:
    """An enterprise policy in the catalogue (惠企政策): who issues it, when it applies,
    and the rules over a firm's profile that say which firms may qualify."""

    code: str = attrs.field(validator=valid_code)
    title_zh: str = attrs.field(validator=valid_text(200))
    title_en: str = attrs.field(validator=valid_text(200))
    topic: str = attrs.field(validator=valid_choice(TOPICS))
    department: str = attrs.field(validator=valid_code)
    effective_from: dt.date = attrs.field(converter=_date)
    effective_until: dt.date | None = attrs.field(default=None, converter=_date)
    rules: dict[str, Any] = attrs.field(factory=dict, converter=_json_dict)
    summary: str = ""
    version: int = 1

    def __attrs_post_init__(self) -> None:
        if self.effective_from is None:
            raise ValidationError("effective_from", "is required")
        if self.effective_until and self.effective_until < self.effective_from:
            raise ValidationError("effective_until", f"{self.effective_until} is before effective_from {self.effective_from}")

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    def as_row(self) -> dict[str, Any]:
        row = attrs.asdict(self)
        row["rules"] = json.dumps(self.rules, ensure_ascii=False, sort_keys=True)
        return row


@attrs.frozen(kw_only=True)
class Session:
    """An outreach session (政策宣讲会): where and when, which branches host it and which
    policies it covers."""

    id: int | None = None
    title: str = attrs.field(validator=valid_text(200))
    held_on: dt.date = attrs.field(converter=_date)
    venue_area: str = attrs.field(validator=valid_code)
    venue: str = attrs.field(validator=valid_text(200))
    hosts: tuple[str, ...] = attrs.field(converter=_json_list)
    policies: tuple[str, ...] = attrs.field(converter=_json_list)
    status: str = attrs.field(default="planned", validator=valid_choice(SESSION_LIFECYCLE.states))

    def __attrs_post_init__(self) -> None:
        if self.held_on is None:
            raise ValidationError("held_on", "is required")
        if not self.hosts:
            raise ValidationError("hosts", "a session needs at least one hosting branch")
        if not self.policies:
            raise ValidationError("policies", "a session covers at least one policy")

    def as_row(self) -> dict[str, Any]:
        row = attrs.asdict(self)
        row["hosts"] = json.dumps(list(self.hosts), ensure_ascii=False)
        row["policies"] = json.dumps(list(self.policies), ensure_ascii=False)
        if row["id"] is None:
            del row["id"]
        return row


@attrs.frozen(kw_only=True)
class Attendance:
    """A firm at a session: invited, whether it came, and how many of its people came."""

    session_id: int
    firm: str = attrs.field(validator=valid_code)
    invited: bool = True
    attended: bool = False
    attendees: int = attrs.field(default=0, validator=valid_count)
    contact: str = ""
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.attendees and not self.attended:
            raise ValidationError("attendees", "a firm that did not attend has no attendees")
        if self.attended and not self.attendees:
            raise ValidationError("attendees", "a firm that attended sent at least one person")


@attrs.frozen(kw_only=True)
class Question:
    """A question a firm raised at a session; it becomes a core issue (``issue_id``)
    routed to the HR bureau, and is answered when that issue is resolved."""

    id: int | None = None
    session_id: int
    firm: str = attrs.field(validator=valid_code)
    topic: str = attrs.field(validator=valid_choice(TOPICS))
    policy: str | None = attrs.field(default=None, validator=valid_code)
    text: str = attrs.field(validator=valid_text(2000))
    asked_by: str = ""
    raised_at: dt.datetime = attrs.field(converter=_datetime)
    issue_id: int | None = None
    status: str = attrs.field(default="open", validator=valid_choice(QUESTION_STATUSES))
    due_at: dt.datetime | None = attrs.field(default=None, converter=_datetime)
    answer: str = ""
    answered_at: dt.datetime | None = attrs.field(default=None, converter=_datetime)

    @property
    def answered_on_time(self) -> bool:
        return self.answered_at is not None and self.due_at is not None and self.answered_at <= self.due_at

    def overdue_at(self, now: dt.datetime) -> bool:
        return self.status == "open" and self.due_at is not None and self.due_at < now


@attrs.frozen(kw_only=True)
class Subscription:
    """A firm following a topic: it is on the notice list of every new or changed policy
    of that topic."""

    firm: str = attrs.field(validator=valid_code)
    topic: str = attrs.field(validator=valid_choice(TOPICS))
    since: dt.date = attrs.field(converter=_date)
    id: int | None = None


@attrs.frozen(kw_only=True)
class Notice:
    """A firm to reach about a policy version, and why (subscribed or eligible)."""

    policy: str
    version: int
    firm: str
    reason: str = attrs.field(validator=valid_choice(("subscribed", "eligible", "subscribed_eligible")))
    created_at: dt.datetime = attrs.field(converter=_datetime)
    id: int | None = None
