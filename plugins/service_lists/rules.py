"""Small rules shared by orders and projects: who acts for a unit, how a project stands,
and the deployment-zone months and quarters the checks and notices belong to.

``classify`` is the one rule behind the monthly check and the quarterly inspection
notice, written over plain values so a test can recount a notice from the stored rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from gridgov.core import AccessDenied, Actor, ValidationError

from .records import SERVE

STALL_DAYS = 30  # no progress reported for longer than this: the project has stalled
BEHIND_POINTS = 25  # done share this many points below the share of time gone: late


def acts_for(actor: Actor, org_code: str) -> bool:
    """The actor acts for the unit: a post scoped to it that takes its work (the unit's
    handlers take orders as they accept cases; ``service_unit`` contacts too)."""
    return actor.is_system or actor.covers_org(SERVE, org_code) or actor.covers_org("issue.accept", org_code)


def require_unit(actor: Actor, org_code: str, what: str) -> None:
    if not acts_for(actor, org_code):
        raise AccessDenied(actor.refusal(f"{actor.login} does not act for {org_code}, which holds {what}"))


def classify(*, completed: bool, percent: int, starts: dt.date, due: dt.date, last_progress: dt.date | None,
             open_milestones: Iterable[tuple[str, dt.date]], as_of: dt.date) -> tuple[str, str, str]:
    """How a project stands on day ``as_of``: ``(state, reason_zh, reason_en)``.

    In order: completed; late when past its due date or a milestone is past due and not
    done; stalled when no progress was reported for more than STALL_DAYS days (counted
    from the start when none ever was); late when the share done trails the share of the
    time gone by more than BEHIND_POINTS points; else on track."""
    if completed:
        return "completed", "已完成", "completed"
    if due < as_of:
        return "late", f"已过完成期限{due}，完成{percent}%", f"past its due date {due} at {percent}%"
    overdue = sorted((d, t) for t, d in open_milestones if d < as_of)
    if overdue:
        day, title = overdue[0]
        return "late", f"节点“{title}”应于{day}完成，尚未完成", f"milestone '{title}' was due {day} and is not done"
    since = last_progress or starts
    if (as_of - since).days > STALL_DAYS:
        return "stalled", f"自{since}起未报告进度", f"no progress reported since {since}"
    total = max(1, (due - starts).days)
    gone = min(100, max(0, round((as_of - starts).days * 100 / total)))
    if percent + BEHIND_POINTS < gone:
        return "late", f"完成{percent}%，时间已过{gone}%", f"{percent}% done with {gone}% of the time gone"
    return "on_track", f"完成{percent}%，时间已过{gone}%", f"{percent}% done with {gone}% of the time gone"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_days(quarter: str) -> tuple[dt.date, dt.date]:
    """``2026Q3`` → (2026-07-01, 2026-10-01): the quarter's first day and the next one's."""
    found = _QUARTER.match(quarter or "")
    if not found:
        raise ValidationError("quarter", f"{quarter!r} is not a quarter like 2026Q3")
    year, q = int(found.group(1)), int(found.group(2))
    first = dt.date(year, 3 * (q - 1) + 1, 1)
    following = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, following
