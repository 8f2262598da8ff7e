"""Cadence periods in the deployment's time zone.

A weekly duty's periods are ISO weeks (Monday to Sunday), a monthly one's months, a
quarterly one's quarters, a yearly one's calendar years — all as days of the deployment's
zone, so a patrol at 23:30 on Sunday in Beijing (15:30 UTC) is that week's, and the week's
check-in is due at 00:00 Beijing time on Monday. Keys are text: ``2026-W05``, ``2026-03``,
``2026-Q1``, ``2026``.
"""

from __future__ import annotations

import datetime as dt
import re

from gridgov.core import DeploymentTime, ValidationError

_KEY = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


def period_of(cadence: str, day: dt.date) -> str:
    """The key of the period holding the (deployment-zone) ``day``."""
    if cadence == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if cadence == "month":
        return f"{day.year}-{day.month:02d}"
    if cadence == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if cadence == "year":
        return f"{day.year}"
    raise ValidationError("cadence", f"{cadence!r} is not a cadence")


def bounds(cadence: str, key: str) -> tuple[dt.date, dt.date]:
    """The first day of period ``key`` and the first day after it."""
    found = _KEY[cadence].match(key) if cadence in _KEY else None
    if found is None:
        raise ValidationError("period", f"{key!r} is not a {cadence} period (e.g. {period_of(cadence, dt.date(2026, 1, 5))})")
    year = int(found.group(1))
    if cadence == "week":
        week = int(found.group(2))
        if not 1 <= week <= dt.date(year, 12, 28).isocalendar().week:
            raise ValidationError("period", f"{year} has no ISO week {week}")
        start = dt.date.fromisocalendar(year, week, 1)
        return start, start + dt.timedelta(days=7)
    if cadence == "month":
        month = int(found.group(2))
        if not 1 <= month <= 12:
            raise ValidationError("period", f"{key!r}: no month {month}")
        return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1)
    if cadence == "quarter":
        q = int(found.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        return start, dt.date(year + q // 4, (3 * q) % 12 + 1, 1)
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def due_at(time: DeploymentTime, cadence: str, key: str) -> dt.datetime:
    """The instant (UTC) period ``key`` ends: midnight of its next day, deployment zone."""
    return time.at(bounds(cadence, key)[1])


def periods_between(cadence: str, first: dt.date, last: dt.date) -> list[str]:
    """Keys of every period touching the days ``first``..``last`` (inclusive), in order."""
    keys: list[str] = []
    day = first
    while day <= last:
        key = period_of(cadence, day)
        keys.append(key)
        day = bounds(cadence, key)[1]
    return keys
