"""Metrics of the closed loop per area subtree, organisation, member and period.

Area metrics come from daily counters kept for every area on the issue's path, written
in the same transaction as each event, so a subdistrict's year is a few hundred rows
whatever the size of the issue table. Organisation and member metrics add up the
counters stored on their events (indexed by organisation/member and time).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs

from ..access import Actor
from ..errors import AccessDenied
from ..storage.schema import METRIC_COLUMNS
from .base import Service


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@attrs.frozen(kw_only=True)
class Metrics:
    """Counts and rates for one scope and period. Rates are None when undefined (÷0)."""

    scope: str
    since: dt.date | None
    until: dt.date | None
    counts: dict[str, int]
    levels: tuple[str, ...]

    @property
    def rates(self) -> dict[str, float | None]:
        c = self.counts
        return {
            "response_rate": _rate(c["accepted"], c["dispatched"]),
            "on_time_response_rate": _rate(c["accepted_on_time"], c["accepted"]),
            "closure_rate": _rate(c["closed"], c["registered"]),
            "on_time_closure_rate": _rate(c["closed_on_time"], c["closed"]),
            "satisfaction_rate": _rate(c["satisfied"], c["rated"]),
            "rework_rate": _rate(c["reworked"], c["resolved"]),
        }

    @property
    def mean_hours_to_close(self) -> float | None:
        c = self.counts
        return round(c["close_seconds"] / c["closed"] / 3600, 2) if c["closed"] else None

    @property
    def settled_by_level(self) -> dict[str, int]:
        """Closed cases by the level that closed them (grid, community, …)."""
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
            "counts": counts,
            "rates": self.rates,
            "mean_hours_to_close": self.mean_hours_to_close,
            "settled_by_level": self.settled_by_level,
            "level_shares": self.level_shares,
        }


class MetricsService(Service):
    def for_area(self, actor: Actor, area: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Metrics:
        """Metrics of the cases located in an area's subtree, counted on the day each step happened."""
        path = self.platform.areas.path_of(area)
        if not actor.covers("metrics.read", path):
            raise AccessDenied(f"{actor.login} may not read metrics of {area}")
        counts = self.store.sum_metrics(area, since, until)
        return Metrics(scope=f"area:{area}", since=since, until=until, counts=counts, levels=self._levels(path))

    def _levels(self, path: str) -> tuple[str, ...]:
        """Level names by the index the settled-at counters use (the deployment's levels;
        see :func:`~gridgov.core.workflow.metric_deltas`)."""
        return self.platform.areas.levels()

    def for_org(self, actor: Actor, org: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Metrics:
        """Metrics of the events where the case was with this organisation."""
        if not self._may_read_org(actor, org):
            raise AccessDenied(f"{actor.login} may not read metrics of {org}")
        rows = self.store.events_for(org=org, since=_start(since), until=_start(until))
        return self._from_events(f"org:{org}", rows, since, until)

    def _may_read_org(self, actor: Actor, org: str) -> bool:
        """Through a post in the organisation, or over the area where it is seated."""
        if org in actor.orgs_for("metrics.read") or actor.covers("metrics.read", "/"):
            return True
        seat = self.platform.organisations.get(org).area_code
        return bool(seat) and actor.covers("metrics.read", self.platform.areas.path_of(seat))

    def for_member(self, actor: Actor, login: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Metrics:
        if actor.login != login and not actor.covers("metrics.read", "/"):
            self.platform.members.get(actor, login)
        rows = self.store.events_for(member=login, since=_start(since), until=_start(until))
        return self._from_events(f"member:{login}", rows, since, until)

    def _from_events(self, scope: str, rows: list[dict], since, until) -> Metrics:
        counts = dict.fromkeys(METRIC_COLUMNS, 0)
        for row in rows:
            for key, value in json.loads(row["metrics"] or "{}").items():
                counts[key] += value
        levels = self.platform.areas.levels()
        return Metrics(scope=scope, since=since, until=until, counts=counts, levels=levels)

    def daily(self, actor: Actor, area: str, counter: str, *, days: int = 30) -> list[tuple[str, int]]:
        """One counter per day over the last ``days`` (for sparklines), zero-filled."""
        path = self.platform.areas.path_of(area)
        if not actor.covers("metrics.read", path):
            raise AccessDenied(f"{actor.login} may not read metrics of {area}")
        until = self.platform.now().date() + dt.timedelta(days=1)
        since = until - dt.timedelta(days=days)
        found = dict(self.store.daily_metric(area, counter, since, until))
        return [((since + dt.timedelta(days=i)).isoformat(), found.get((since + dt.timedelta(days=i)).isoformat(), 0)) for i in range(days)]

    def rebuild_counters(self) -> None:
        """Recompute every area counter from the event log (after an import or repair)."""
        totals: dict[tuple[str, str], dict[str, int]] = {}
        paths: dict[int, str] = {}
        with self.store.write():
            self.store.clear_metrics()
            for event in self.store.iter_events():
                metrics = json.loads(event["metrics"] or "{}")
                if not metrics:
                    continue
                issue_id = event["issue_id"]
                if issue_id not in paths:
                    paths[issue_id] = self.store.issue_row(issue_id)["area_path"]
                day = event["at"][:10]
                for code in paths[issue_id].strip("/").split("/"):
                    bucket = totals.setdefault((code, day), {})
                    for key, value in metrics.items():
                        bucket[key] = bucket.get(key, 0) + value
            self.store.add_metrics_many((code, day, deltas) for (code, day), deltas in totals.items())


def _start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(0)) if day else None
