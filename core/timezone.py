"""Instants and the deployment's time zone.

Every instant gridgov stores or passes around is an aware ``datetime`` in UTC, whatever
zone the host runs in: a process under ``TZ=UTC`` and one under ``TZ=Asia/Shanghai``
read and write the same values. Days belong to the deployment's zone (default
Asia/Shanghai): working hours, holidays, daily counters and "this month" are reckoned
there, so a case reported at 07:30 Beijing time counts on that Beijing day.

A naive datetime has no defined instant, so the API refuses one (:func:`instant`);
importers, which read spreadsheets written by people, read naive values in the
deployment's zone instead (:meth:`DeploymentTime.read`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError

UTC = dt.UTC
DEFAULT_ZONE = "Asia/Shanghai"


def instant(value: dt.datetime | None, field: str = "at") -> dt.datetime | None:
    """``value`` as an aware UTC datetime, seconds precision; refuses a naive one."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, f"must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, f"{value.isoformat()} has no time zone; give an aware datetime (UTC or with an offset)")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(microsecond=0) if value.microsecond else value


def utc_now() -> dt.datetime:
    """The current instant (aware UTC, whole seconds)."""
    return dt.datetime.now(UTC).replace(microsecond=0)


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("time_zone", f"{name!r} is not a known IANA time zone (e.g. Asia/Shanghai)") from None


class DeploymentTime:
    """Conversions between instants and the deployment zone's days and wall-clock times."""

    def __init__(self, zone: ZoneInfo | str = DEFAULT_ZONE) -> None:
        self.zone = zone_named(zone) if isinstance(zone, str) else zone

    @property
    def name(self) -> str:
        return self.zone.key

    def local(self, value: dt.datetime) -> dt.datetime:
        """An instant as wall-clock time in the deployment zone (aware)."""
        return value.astimezone(self.zone)

    def day_of(self, value: dt.datetime) -> dt.date:
        """The deployment-zone calendar day an instant falls on."""
        return value.astimezone(self.zone).date()

    def at(self, day: dt.date, time: dt.time = dt.time(0)) -> dt.datetime:
        """The instant (UTC) of wall-clock ``time`` on ``day`` in the deployment zone."""
        return dt.datetime.combine(day, time, tzinfo=self.zone).astimezone(UTC)

    def start_of(self, day: dt.date | None) -> dt.datetime | None:
        """The instant a deployment-zone day begins (None passes through)."""
        return self.at(day) if day is not None else None

    def period_lookups(self, column: str, since: dt.date | None, until: dt.date | None, *,
                       dates: bool = False) -> dict[str, Any]:
        """Table lookups for the deployment-zone days ``[since, until)`` on ``column``
        (instants; ``dates=True`` for a column of calendar days), as the core's metrics
        count them: ``table.rows(**time.period_lookups("opened_at", since, until))``."""
        where: dict[str, Any] = {}
        if since:
            where[f"{column}__gte"] = since if dates else self.at(since)
        if until:
            where[f"{column}__lt"] = until if dates else self.at(until)
        return where

    def read(self, value: dt.datetime, field: str = "at") -> dt.datetime:
        """An aware value as UTC; a naive one read as wall-clock time in the deployment zone."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        result = instant(value, field)
        assert result is not None
        return result

    def format(self, value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """Wall-clock text in the deployment zone ('' for None)."""
        return value.astimezone(self.zone).strftime(fmt) if value is not None else ""
