"""Metrics of the closed loop per area subtree, organisation, member and period.

Area metrics come from daily counters kept for every area on the issue's path, written
in the same transaction as each event, so a subdistrict's year is a few hundred rows
whatever the size of the issue table: flow counters by the day each step happened, cohort
counters by the day each case was registered. Organisation and member metrics add up the
counters stored on their events (indexed by organisation/member and time), and take their
cohort from the cases dispatched to them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs

from ..access import Actor
from ..converter import from_dict
from ..errors import AccessDenied
from ..models import Event, Issue
from ..storage.schema import COHORT_COLUMNS, METRIC_COLUMNS
from ..workflow import cohort_flags
from .base import Service


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@attrs.frozen(kw_only=True)
class Metrics:
    """Figures for one scope and period, in two families.

    ``counts`` are **flow counts** of the period: how many cases were received,
    registered, closed… on its days (a case reopened and closed again is closed twice).
    ``cohort`` describes the **cases registered in the period** as they stand now, and the
    **rates** are shares of that cohort, each in [0, 1]:

    - ``closure_rate``: closed / registered;
    - ``on_time_closure_rate``: closed before the resolution deadline / closed;
    - ``satisfaction_rate``: satisfied or basically satisfied / rated;
    - ``rework_rate``: sent back for rework at least once / registered;
    - ``response_rate``: taken on by a handler / registered, and
      ``on_time_response_rate``: of those, accepted before the response deadline.

    Rates are None when undefined (÷0)."""

    scope: str
    since: dt.date | None
    until: dt.date | None
    counts: dict[str, int]
    levels: tuple[str, ...]
    cohort: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(COHORT_COLUMNS, 0))

    @property
    def rates(self) -> dict[str, float | None]:
        c = self.cohort
        return {
            "response_rate": _rate(c["responded"], c["registered"]),
            "on_time_response_rate": _rate(c["responded_on_time"], c["responded"]),
            "closure_rate": _rate(c["closed"], c["registered"]),
            "on_time_closure_rate": _rate(c["closed_on_time"], c["closed"]),
            "satisfaction_rate": _rate(c["satisfied"], c["rated"]),
            "rework_rate": _rate(c["reworked"], c["registered"]),
        }

    @property
    def mean_hours_to_close(self) -> float | None:
        """Mean hours from report to close over the closes of the period (a flow figure)."""
        c = self.counts
        return round(c["close_seconds"] / c["closed"] / 3600, 2) if c["closed"] else None

    @property
    def settled_by_level(self) -> dict[str, int]:
        """Closes of the period by the level that closed them (grid, community, …)."""
        out: dict[str, int] = {}
        for depth, level in enumerate(self.levels[:6]):
            value = self.counts.get(f"settled_depth_{depth}", 0)
            if value:
                out[level] = value
        return out

    @property
    def level_shares(self) -> dict[str, float]:
        closed = sum(self.settled_by_level.values())
        return {level: round(n / closed, 4) for level, n in self.settled_by_level.items()} if closed else {}

    def as_dict(self) -> dict[str, Any]:
        counts = {k: v for k, v in self.counts.items() if not k.startswith("settled_depth_")}
        return {
            "scope": self.scope,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "flows": counts,
            "cohort": dict(self.cohort),
            "rates": self.rates,
            "mean_hours_to_close": self.mean_hours_to_close,
            "settled_by_level": self.settled_by_level,
            "level_shares": self.level_shares,
        }


def cohort_of_rows(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The cohort counters of a set of issue rows (an organisation's or member's cases)."""
    totals = dict.fromkeys(COHORT_COLUMNS, 0)
    for row in rows:
        for key, value in cohort_flags(from_dict(Issue, _cohort_row(row))).items():
            totals[key] += value
    return totals


def _cohort_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "title": "-", "category": "-", "area_code": row["area_path"].strip("/").rsplit("/", 1)[-1],
            "reported_at": row["registered_at"]}


class MetricsService(Service):
    def read_paths(self, actor: Actor, area: str | None = None) -> list[str]:
        """The area subtrees whose figures ``actor`` may read: ``area``'s alone when given
        (refused outside the actor's metrics.read scope), else every subtree of that scope.
        Plugins summing their own rows per scope start here."""
        if area:
            path = self.platform.areas.path_of(area)
            if not actor.covers("metrics.read", path):
                raise AccessDenied(actor.refusal(f"{actor.login} may not read metrics of {area}"))
            return [path]
        paths = actor.paths_for("metrics.read")
        if not paths:
            raise AccessDenied(actor.refusal(f"{actor.login} lacks metrics.read"))
        return paths

    def for_area(self, actor: Actor, area: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Metrics:
        """Metrics of the cases located in an area's subtree: flows counted on the day each
        step happened, the cohort by the day each case was registered (deployment zone)."""
        path = self.platform.areas.path_of(area)
        if not actor.covers("metrics.read", path):
            raise AccessDenied(actor.refusal(f"{actor.login} may not read metrics of {area}"))
        counts = self.store.sum_metrics(area, since, until)
        cohort = self.store.sum_cohorts(area, since, until)
        return Metrics(scope=f"area:{area}", since=since, until=until, counts=counts, cohort=cohort,
                       levels=self.platform.areas.levels())

    def for_org(self, actor: Actor, org: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Metrics:
        """Metrics of the events where the case was with this organisation; the cohort is
        the cases dispatched to it in the period."""
        if not self._may_read_org(actor, org):
            raise AccessDenied(actor.refusal(f"{actor.login} may not read metrics of {org}"))
        start, end = self.platform.time.start_of(since), self.platform.time.start_of(until)
        rows = self.store.events_for(org=org, since=start, until=end)
        cohort = cohort_of_rows(self.store.dispatched_issues(org=org, since=start, until=end))
        return self._from_events(f"org:{org}", rows, since, until, cohort)

    def _may_read_org(self, actor: Actor, org: str) -> bool:
        """Through a post in the organisation, or over the area where it is seated."""
        if org in actor.orgs_for("metrics.read") or actor.covers("metrics.read", "/"):
            return True
        seat = self.platform.organisations.get(org).area_code
        return seat is not None and actor.covers("metrics.read", self.platform.areas.path_of(seat))

    def for_member(self, actor: Actor, login: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Metrics:
        if actor.login != login and not actor.covers("metrics.read", "/"):
            self.platform.members.get(actor, login)
        start, end = self.platform.time.start_of(since), self.platform.time.start_of(until)
        rows = self.store.events_for(member=login, since=start, until=end)
        cohort = cohort_of_rows(self.store.dispatched_issues(member=login, since=start, until=end))
        return self._from_events(f"member:{login}", rows, since, until, cohort)

    def _from_events(self, scope: str, rows: list[dict], since: dt.date | None, until: dt.date | None,
                     cohort: dict[str, int]) -> Metrics:
        counts = dict.fromkeys(METRIC_COLUMNS, 0)
        for row in rows:
            for key, value in json.loads(row["metrics"] or "{}").items():
                counts[key] += value
        levels = self.platform.areas.levels()
        return Metrics(scope=scope, since=since, until=until, counts=counts, cohort=cohort, levels=levels)

    def daily(self, actor: Actor, area: str, counter: str, *, days: int = 30) -> list[tuple[str, int]]:
        """One counter per day over the last ``days`` (for sparklines), zero-filled."""
        path = self.platform.areas.path_of(area)
        if not actor.covers("metrics.read", path):
            raise AccessDenied(actor.refusal(f"{actor.login} may not read metrics of {area}"))
        until = self.platform.today() + dt.timedelta(days=1)
        since = until - dt.timedelta(days=days)
        found = dict(self.store.daily_metric(area, counter, since, until))
        return [((since + dt.timedelta(days=i)).isoformat(), found.get((since + dt.timedelta(days=i)).isoformat(), 0)) for i in range(days)]

    def rebuild_counters(self, actor: Actor) -> None:
        """Recompute every area counter from the event log, and the cohorts from the cases
        (after an import or a repair; the whole deployment's, so a global admin's job)."""
        self.platform.require_global(actor, "metrics.rebuild")
        totals: dict[tuple[str, str], dict[str, int]] = {}
        paths: dict[int, str] = {}
        day_of = self.platform.time.day_of
        with self.store.write():
            self.store.clear_metrics()
            for event in self.store.iter_events():
                metrics = json.loads(event["metrics"] or "{}")
                if not metrics:
                    continue
                issue_id = event["issue_id"]
                if issue_id not in paths:
                    paths[issue_id] = self.store.issue_row(issue_id)["area_path"]
                day = day_of(from_dict(Event, event).at).isoformat()
                for code in paths[issue_id].strip("/").split("/"):
                    bucket = totals.setdefault((code, day), {})
                    for key, value in metrics.items():
                        bucket[key] = bucket.get(key, 0) + value
            self.store.add_metrics_many((code, day, deltas) for (code, day), deltas in totals.items())
            self.rebuild_cohorts()

    def rebuild_cohorts(self) -> None:
        """Recompute the cohort counters from the cases as they stand (inside a write)."""
        totals: dict[tuple[str, str], dict[str, int]] = {}
        day_of = self.platform.time.day_of
        with self.store.write():
            self.store.clear_cohorts()
            for row in self.store.cohort_rows():
                issue = from_dict(Issue, _cohort_row(row))
                assert issue.registered_at is not None
                day = day_of(issue.registered_at).isoformat()
                flags = {k: v for k, v in cohort_flags(issue).items() if v}
                for code in row["area_path"].strip("/").split("/"):
                    bucket = totals.setdefault((code, day), {})
                    for key, value in flags.items():
                        bucket[key] = bucket.get(key, 0) + value
            self.store.add_cohorts_many((code, day, deltas) for (code, day), deltas in totals.items())
