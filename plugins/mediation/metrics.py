"""Mediation metrics: disputes received, agreement rate, the Fengqiao ratios (where
agreements were reached: grid, community, higher), days to agreement, and performance.

Counts come straight from the plugin's rows (indexed by area path and time), so they
agree with a recount of those rows by construction of the queries, which the tests check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import Actor, Platform

from .service import subtree_range


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@attrs.frozen(kw_only=True)
class MediationStats:
    """Figures for one area subtree and period. Disputes count by the day they were
    received, outcomes by the day they were recorded. The agreement rate is agreements
    over disputes mediated to an end (agreements and referrals; a withdrawal is not a
    failed mediation). Rates are None when undefined."""

    scope: str
    since: dt.date | None
    until: dt.date | None
    received: int
    open: int
    agreements: int
    referred: int
    withdrawn: int
    settled_grid: int
    settled_community: int
    settled_higher: int
    mean_days_to_agreement: float | None
    performed_on_time: int
    performance_due: int

    @property
    def agreement_rate(self) -> float | None:
        return _rate(self.agreements, self.agreements + self.referred)

    @property
    def fengqiao_ratios(self) -> dict[str, float | None]:
        return {
            "grid": _rate(self.settled_grid, self.agreements),
            "community": _rate(self.settled_community, self.agreements),
            "higher": _rate(self.settled_higher, self.agreements),
        }

    @property
    def on_time_performance_rate(self) -> float | None:
        return _rate(self.performed_on_time, self.performance_due)

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        data["agreement_rate"] = self.agreement_rate
        data["fengqiao_ratios"] = self.fengqiao_ratios
        data["on_time_performance_rate"] = self.on_time_performance_rate
        return data



def compute(platform: Platform, actor: Actor, area: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None) -> MediationStats:
    """Mediation figures for ``area``'s subtree (default: the actor's whole scope) over
    ``[since, until)``."""
    levels = platform.areas.levels()
    grid = platform.areas.handling_level()
    community = levels[levels.index(grid) - 1] if grid in levels and levels.index(grid) > 0 else None
    today = platform.today()
    disputes = platform.table("mediation_dispute")
    outcomes = platform.table("mediation_outcome")
    received = still_open = 0
    counts = {"agreement": 0, "referred": 0, "withdrawn": 0}
    by_level = {"grid": 0, "community": 0, "higher": 0}
    days = 0.0
    on_time = due = 0
    for path in platform.metrics.read_paths(actor, area):
        rng = subtree_range(path)
        received += disputes.count(**rng, **platform.time.period_lookups("opened_at", since, until))
        still_open += disputes.count(status="open", **rng, **platform.time.period_lookups("opened_at", since, until))
        for kind in counts:
            counts[kind] += outcomes.count(kind=kind, **rng, **platform.time.period_lookups("at", since, until))
        for row in outcomes.iter_rows(kind="agreement", **rng, **platform.time.period_lookups("at", since, until)):
            level = row["level"]
            by_level["grid" if level == grid else "community" if level == community else "higher"] += 1
            days += row["days"] or 0.0
            performed, deadline = row["performed_on"], row["perform_by"]
            if performed and deadline and performed <= deadline:
                on_time += 1
            if performed or (deadline and deadline < today):
                due += 1
    agreements = counts["agreement"]
    return MediationStats(
        scope=f"area:{area}" if area else "all",
        since=since, until=until, received=received, open=still_open,
        agreements=agreements, referred=counts["referred"], withdrawn=counts["withdrawn"],
        settled_grid=by_level["grid"], settled_community=by_level["community"],
        settled_higher=by_level["higher"],
        mean_days_to_agreement=round(days / agreements, 2) if agreements else None,
        performed_on_time=on_time, performance_due=due,
    )  # fmt: skip


def card(platform: Platform, actor: Actor, area_code: str, since: dt.date | None,
         until: dt.date | None) -> dict[str, Any]:
    """The dashboard card (``register_metrics``): English label keys → values; the spec's
    ``labels_zh`` gives the Chinese labels."""
    stats = compute(platform, actor, area_code, since, until)
    ratios = stats.fengqiao_ratios

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    return {
        "disputes received": stats.received,
        "agreement rate": pct(stats.agreement_rate),
        "settled in the grid": pct(ratios["grid"]),
        "settled in the community": pct(ratios["community"]),
        "settled higher": pct(ratios["higher"]),
        "mean days to agreement": stats.mean_days_to_agreement if stats.mean_days_to_agreement is not None else "—",
        "performed on time": pct(stats.on_time_performance_rate),
    }
