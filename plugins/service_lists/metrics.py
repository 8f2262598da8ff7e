"""Service-list figures per area subtree, unit and period.

Flow counts belong to the deployment-zone days ``[since, until)`` of the instant they
count (a need by the day it was raised, an order by the day it was placed, taken,
completed…). Rates are shares of the orders they are about and lie in [0, 1]: on time is
completed by the deadline among the orders completed in the period, satisfaction is
satisfied or basically satisfied (the core's rule) among those rated in it. Projects are
counted by status among those decided in the period; resources by the capacity and use of
those offered during it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import AccessDenied, Actor, Platform

from . import rules
from .tables import NEED, ORDER, PROJECT, RESOURCE

PROJECT_STATES = ("planned", "in_progress", "completed", "cancelled")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@attrs.frozen(kw_only=True)
class ListStats:
    scope: str
    since: dt.date | None
    until: dt.date | None
    needs_raised: int
    needs_matched: int
    orders_placed: int
    orders_taken: int
    orders_completed: int
    completed_on_time: int
    orders_unserved: int
    orders_rated: int
    orders_satisfied: int
    projects: dict[str, int]
    capacity: int
    used: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.completed_on_time, self.orders_completed)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.orders_satisfied, self.orders_rated)

    @property
    def use_rate(self) -> float | None:
        return _rate(self.used, self.capacity)

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        data.update(on_time_rate=self.on_time_rate, satisfaction_rate=self.satisfaction_rate, use_rate=self.use_rate)
        return data


def _filters(platform: Platform, actor: Actor, area: str | None, org: str | None) -> tuple[str, list[dict[str, Any]]]:
    if org is not None:
        platform.organisations.get(org)
        if not (rules.acts_for(actor, org) or platform.covers_global(actor, "metrics.read")):
            raise AccessDenied(actor.refusal(f"{actor.login} may not read the figures of {org}"))
        if area:
            path = platform.areas.path_of(area)
            return f"org:{org}@{area}", [{"org_code": org, "area_path__under": path}]
        return f"org:{org}", [{"org_code": org}]
    if area:
        path = platform.areas.path_of(area)
        actor.require("metrics.read", path, what=f"area {area}")
        return f"area:{area}", [{"area_path__under": path}]
    paths = actor.paths_for("metrics.read")
    if not paths:
        raise AccessDenied(actor.refusal(f"{actor.login} lacks metrics.read"))
    return "all", [{"area_path__under": p} for p in paths]


def compute(platform: Platform, actor: Actor, area: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None, *, org: str | None = None) -> ListStats:
    """Figures for ``area``'s subtree (default: the actor's scope), or for the unit ``org``."""
    scope, groups = _filters(platform, actor, area, org)
    period = platform.time.period_lookups
    needs, orders, projects, resources = (platform.table(n) for n in (NEED, ORDER, PROJECT, RESOURCE))
    counts = dict.fromkeys(("raised", "matched", "placed", "taken", "completed", "on_time", "unserved", "rated",
                            "satisfied", "capacity", "used"), 0)
    by_state = dict.fromkeys(PROJECT_STATES, 0)
    for where in groups:
        need_where = {k: v for k, v in where.items() if k != "org_code"}
        if "org_code" not in where:
            counts["raised"] += needs.count(**need_where, **period("raised_at", since, until))
            counts["matched"] += needs.count(**need_where, **period("matched_at", since, until), matched_at__isnull=False)
        else:
            counts["matched"] += projects.count(**where, status__ne="cancelled", **period("created_at", since, until))
        counts["placed"] += orders.count(**where, **period("placed_at", since, until))
        counts["taken"] += orders.count(**where, **period("taken_at", since, until), taken_at__isnull=False)
        counts["unserved"] += orders.count(**where, status="unserved", **period("closed_at", since, until))
        for row in orders.iter_rows(**where, completed_at__isnull=False, **period("completed_at", since, until)):
            counts["completed"] += 1
            counts["on_time"] += int(row["complete_due"] is not None and row["completed_at"] <= row["complete_due"])
        rated = orders.count_by("rating", **where, rated_at__isnull=False, **period("rated_at", since, until))
        counts["rated"] += sum(rated.values())
        counts["satisfied"] += rated.get("satisfied", 0) + rated.get("basically_satisfied", 0)
        for status, n in projects.count_by("status", **where, **period("created_at", since, until)).items():
            by_state[status] = by_state.get(status, 0) + n
        offered: dict[str, Any] = {}
        if since:
            offered["ends__gte"] = since
        if until:
            offered["starts__lt"] = until
        counts["capacity"] += resources.sum("capacity", **where, **offered)
        counts["used"] += resources.sum("used", **where, **offered)
    return ListStats(
        scope=scope, since=since, until=until, needs_raised=counts["raised"], needs_matched=counts["matched"],
        orders_placed=counts["placed"], orders_taken=counts["taken"], orders_completed=counts["completed"],
        completed_on_time=counts["on_time"], orders_unserved=counts["unserved"], orders_rated=counts["rated"],
        orders_satisfied=counts["satisfied"], projects=by_state, capacity=counts["capacity"], used=counts["used"],
    )  # fmt: skip


CARD_LABELS_ZH = {
    "needs raised": "需求", "needs matched": "已对接", "orders placed": "点单", "orders completed": "办结",
    "completed on time": "按期办结率", "satisfaction": "满意率", "projects running": "在建项目",
    "projects completed": "完成项目", "resources used": "资源使用率",
}  # fmt: skip


def card(platform: Platform, actor: Actor, area_code: str, since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    """The dashboard card (``register_metrics``)."""
    s = compute(platform, actor, area_code, since, until)

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    return {
        "needs raised": s.needs_raised, "needs matched": s.needs_matched, "orders placed": s.orders_placed,
        "orders completed": s.orders_completed, "completed on time": pct(s.on_time_rate),
        "satisfaction": pct(s.satisfaction_rate),
        "projects running": s.projects.get("planned", 0) + s.projects.get("in_progress", 0),
        "projects completed": s.projects.get("completed", 0), "resources used": pct(s.use_rate),
    }  # fmt: skip
