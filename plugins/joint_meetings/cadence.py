"""Cadence: a body that has not met in its period is flagged.

"This month" and "this quarter" are the deployment's (its time zone decides when a month
begins, whatever zone the host runs in): a compound's meeting at 23:30 on 31 October in
Beijing belongs to October, one at 00:30 on 1 November to November.
"""

from __future__ import annotations

import datetime as dt

import attrs
from gridgov.core import Actor, Platform

from . import rows
from .records import Body
from .tables import BODY, MEETING


def period_start(day: dt.date, cadence: str) -> dt.date:
    """The first day of the month, quarter or year holding ``day``."""
    if cadence == "month":
        return day.replace(day=1)
    if cadence == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


@attrs.frozen(kw_only=True)
class CadenceFlag:
    """A body's standing against its cadence on ``day``: the period it is in, its last
    held meeting, and whether it is overdue (no meeting held in the period so far)."""

    body: Body
    cadence: str
    period_start: dt.date
    last_held: dt.date | None
    held_in_period: int

    @property
    def overdue(self) -> bool:
        return self.held_in_period == 0


def flags(platform: Platform, actor: Actor, *, area: str | None = None, on: dt.date | None = None,
          overdue_only: bool = False, level: str | None = None) -> list[CadenceFlag]:
    """Cadence flags of the joint bodies in the actor's areas (or ``area``'s subtree), for
    the day ``on`` (default today, in the deployment's zone)."""
    day = on or platform.today()
    where: dict = {"kind": "joint"}
    if level:
        where["level"] = level
    if area:
        path = platform.areas.path_of(area)
        actor.require("issue.read", path, what=f"area {area}")
        found = platform.table(BODY).rows(order_by="area_path", **rows.subtree_range(path), **where)
    else:
        found = platform.table(BODY).rows(order_by="area_path", scope=actor, **where)
    meetings = platform.table(MEETING)
    out = []
    end = platform.time.at(day + dt.timedelta(days=1))
    for row in found:
        body = rows.body(row)
        if not body.cadence:
            continue
        start = period_start(day, body.cadence)
        held = meetings.count(body_id=body.id, status="held", held_at__gte=platform.time.at(start), held_at__lt=end)
        last = meetings.rows(body_id=body.id, status="held", held_at__lt=end, order_by="-held_at", limit=1)
        last_day = platform.time.day_of(rows.as_datetime(last[0]["held_at"])) if last else None
        flag = CadenceFlag(body=body, cadence=body.cadence, period_start=start, last_held=last_day, held_in_period=held)
        if flag.overdue or not overdue_only:
            out.append(flag)
    return out
