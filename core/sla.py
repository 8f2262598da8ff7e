"""Deadlines: SLA rules per category and priority, with working hours and holidays.

A rule gives the time to accept (response) and to resolve, in hours. With
``working_hours`` the hours count only inside the calendar's working day, skipping
weekends and holidays and honouring swapped working days (调休), as Chinese agencies do.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from .errors import ValidationError
from .models import PRIORITIES
from .registry import Category
from .timezone import DEFAULT_ZONE

PRIORITY_FACTOR = {"urgent": 0.25, "high": 0.5, "normal": 1.0, "low": 2.0}
DEFAULT_REGISTER_HOURS = 2.0
"""From report to registration (立案): the desk's first deadline, before any handler is named."""
DEFAULT_DISPATCH_HOURS = 2.0
"""From registration (or a return, a reopening, an escalation) to dispatch (派遣)."""


def _frozen(values: Iterable[Any]) -> frozenset[Any]:
    return frozenset(values)


@attrs.frozen(kw_only=True)
class WorkCalendar:
    work_start: dt.time = dt.time(9, 0)
    work_end: dt.time = dt.time(18, 0)
    weekdays: frozenset[int] = attrs.field(default=frozenset(range(5)), converter=_frozen)
    holidays: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_frozen)
    workdays: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_frozen)

    def __attrs_post_init__(self) -> None:
        if self.work_end <= self.work_start:
            raise ValidationError("work_end", f"{self.work_end} is not after work_start {self.work_start}")
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in self.weekdays):
            raise ValidationError("weekdays", "must be days of the week, Monday = 1 … Sunday = 7")

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def add_working_hours(self, start: dt.datetime, hours: float, zone: ZoneInfo | None = None) -> dt.datetime:
        """The moment ``hours`` of working time after ``start``.

        Working hours are wall-clock hours of the deployment's zone: an aware ``start`` is
        read in ``zone`` (default Asia/Shanghai) and the result is the UTC instant; a naive
        ``start`` is taken as wall-clock time and a naive result returned."""
        if start.tzinfo is not None:
            local_zone = zone or ZoneInfo(DEFAULT_ZONE)
            wall = start.astimezone(local_zone).replace(tzinfo=None)
            return self.add_working_hours(wall, hours).replace(tzinfo=local_zone).astimezone(dt.UTC)
        remaining = dt.timedelta(hours=hours)
        current = start
        for _ in range(3660):
            day = current.date()
            if self.is_working_day(day):
                opens = dt.datetime.combine(day, self.work_start)
                closes = dt.datetime.combine(day, self.work_end)
                if current < opens:
                    current = opens
                if current < closes:
                    available = closes - current
                    if remaining <= available:
                        return current + remaining
                    remaining -= available
            current = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))
        raise ValidationError("calendar", "no working time within ten years; check weekdays and holidays")


@attrs.frozen(kw_only=True)
class SlaRule:
    category: str = "*"
    priority: str = attrs.field(default="*")
    response_hours: float = attrs.field(validator=attrs.validators.gt(0))
    resolve_hours: float = attrs.field(validator=attrs.validators.gt(0))
    working_hours: bool = False
    register_hours: float = attrs.field(default=DEFAULT_REGISTER_HOURS, validator=attrs.validators.gt(0))
    dispatch_hours: float = attrs.field(default=DEFAULT_DISPATCH_HOURS, validator=attrs.validators.gt(0))

    @priority.validator
    def _priority(self, attribute: attrs.Attribute, value: str) -> None:
        if value != "*" and value not in PRIORITIES:
            raise ValidationError("priority", f"{value!r} is not one of *, {', '.join(PRIORITIES)}")

    def __attrs_post_init__(self) -> None:
        if self.resolve_hours < self.response_hours:
            raise ValidationError("resolve_hours", "must not be shorter than response_hours")

    @property
    def specificity(self) -> int:
        return (self.category != "*") * 2 + (self.priority != "*")


@attrs.frozen(kw_only=True)
class SlaBook:
    """The deployment's SLA rules; categories supply defaults where no rule matches."""

    rules: tuple[SlaRule, ...] = ()
    calendar: WorkCalendar = attrs.field(factory=WorkCalendar)

    def rule_for(self, category: Category | str, priority: str) -> SlaRule:
        code = category.code if isinstance(category, Category) else category
        matches = [r for r in self.rules if r.category in ("*", code) and r.priority in ("*", priority)]
        if matches:
            return max(matches, key=lambda r: r.specificity)
        factor = PRIORITY_FACTOR.get(priority, 1.0)
        if isinstance(category, Category):
            return SlaRule(
                category=code,
                priority=priority,
                response_hours=category.response_hours * factor,
                resolve_hours=category.resolve_hours * factor,
                register_hours=DEFAULT_REGISTER_HOURS * factor,
                dispatch_hours=DEFAULT_DISPATCH_HOURS * factor,
            )
        return SlaRule(category=code, priority=priority, response_hours=4 * factor, resolve_hours=72 * factor,
                       register_hours=DEFAULT_REGISTER_HOURS * factor, dispatch_hours=DEFAULT_DISPATCH_HOURS * factor)

    def deadlines(self, category: Category | str, priority: str, start: dt.datetime,
                  zone: ZoneInfo | None = None) -> tuple[dt.datetime, dt.datetime]:
        """(response due, resolution due) for a case dispatched at ``start``; working-hour
        rules count the wall-clock hours of ``zone`` (the deployment's)."""
        return self.rule_deadlines(self.rule_for(category, priority), start, zone)

    def stage_deadline(self, category: Category | str, priority: str, stage: str, start: dt.datetime,
                       zone: ZoneInfo | None = None) -> dt.datetime:
        """When the ``register`` or ``dispatch`` stage that starts at ``start`` is due."""
        return self.rule_stage_deadline(self.rule_for(category, priority), stage, start, zone)

    def rule_deadlines(self, rule: SlaRule, start: dt.datetime,
                       zone: ZoneInfo | None = None) -> tuple[dt.datetime, dt.datetime]:
        """:meth:`deadlines` for a rule already looked up (a bulk load looks each up once)."""
        if rule.working_hours:
            add = self.calendar.add_working_hours
            return add(start, rule.response_hours, zone), add(start, rule.resolve_hours, zone)
        return start + dt.timedelta(hours=rule.response_hours), start + dt.timedelta(hours=rule.resolve_hours)

    def rule_stage_deadline(self, rule: SlaRule, stage: str, start: dt.datetime,
                            zone: ZoneInfo | None = None) -> dt.datetime:
        """:meth:`stage_deadline` for a rule already looked up."""
        hours = {"register": rule.register_hours, "dispatch": rule.dispatch_hours}[stage]
        if rule.working_hours:
            return self.calendar.add_working_hours(start, hours, zone)
        return start + dt.timedelta(hours=hours)

    @classmethod
    def from_toml(cls, path: str | Path) -> SlaBook:
        """Load rules and the calendar from a TOML file (see docs/embedding.md)."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError("sla", f"{path}: {exc}") from None
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: dict) -> SlaBook:
        cal = data.get("calendar", {})
        try:
            calendar = WorkCalendar(
                work_start=dt.time.fromisoformat(cal.get("work_start", "09:00")),
                work_end=dt.time.fromisoformat(cal.get("work_end", "18:00")),
                weekdays=[d - 1 for d in cal.get("weekdays", [1, 2, 3, 4, 5])],
                holidays=[dt.date.fromisoformat(str(d)) for d in cal.get("holidays", [])],
                workdays=[dt.date.fromisoformat(str(d)) for d in cal.get("workdays", [])],
            )
            rules = tuple(SlaRule(**rule) for rule in data.get("rule", []))
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError("sla", str(exc)) from None
        return cls(rules=rules, calendar=calendar)

    def to_mapping(self) -> dict:
        return {
            "calendar": {
                "work_start": self.calendar.work_start.isoformat("minutes"),
                "work_end": self.calendar.work_end.isoformat("minutes"),
                "weekdays": sorted(d + 1 for d in self.calendar.weekdays),
                "holidays": sorted(d.isoformat() for d in self.calendar.holidays),
                "workdays": sorted(d.isoformat() for d in self.calendar.workdays),
            },
            "rule": [attrs.asdict(r) for r in self.rules],
        }

    def with_rules(self, rules: Iterable[SlaRule]) -> SlaBook:
        return attrs.evolve(self, rules=tuple(rules))
