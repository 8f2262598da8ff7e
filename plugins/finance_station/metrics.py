"""The figures a finance station reports: consultations, firms served and granted credit,
credit granted and its inclusive micro-loan share, and the days from consultation to credit.

Periods are ``[since, until)``, as in the core's metrics: a consultation counts on the day
it was opened; credit counts on the day it was granted (so a year's credit includes
consultations opened the year before). Areas: a
consultation belongs to the area where the firm is seated (the station's area when the
firm has none). All sums are SQL sums of integer fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs
from gridgov.core import AccessDenied, Actor, Platform

from .money import format_short, format_yi
from .tables import CONSULTATION, EVENT, STATION, VISIT


@attrs.frozen(kw_only=True)
class Figures:
    consultations: int
    firms_served: int
    granted: int
    firms_granted: int
    credit_fen: int
    inclusive_fen: int
    seconds_to_credit: int
    events: int
    visits: int

    @property
    def inclusive_share(self) -> Decimal | None:
        """Inclusive micro-loans as a share of credit granted (by amount), 4 places."""
        if not self.credit_fen:
            return None
        return (Decimal(self.inclusive_fen) / Decimal(self.credit_fen)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_EVEN)  # fmt: skip

    @property
    def mean_days_to_credit(self) -> float | None:
        if not self.granted:
            return None
        return round(self.seconds_to_credit / self.granted / 86400, 1)

    def as_dict(self) -> dict[str, Any]:
        share = self.inclusive_share
        return {
            "consultations": self.consultations,
            "firms_served": self.firms_served,
            "credits_granted": self.granted,
            "firms_granted_credit": self.firms_granted,
            "credit_fen": self.credit_fen,
            "credit": format_yi(self.credit_fen),
            "inclusive_fen": self.inclusive_fen,
            "inclusive": format_yi(self.inclusive_fen),
            "inclusive_share": str(share) if share is not None else None,
            "mean_days_to_credit": self.mean_days_to_credit,
            "events": self.events,
            "visits": self.visits,
        }


def figures(
    platform: Platform,
    *,
    station: str | None = None,
    area: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Figures:
    """The figures of one station and/or area subtree over a period (no access check)."""
    scope: dict[str, Any] = {}
    station_scope: dict[str, Any] = {}
    if station:
        scope["station"] = station
        station_scope["station"] = station
    if area:
        path = platform.areas.path_of(area)
        scope["area_path__gte"] = path
        scope["area_path__lt"] = path[:-1] + "0"
        codes = [r["code"] for r in platform.table(STATION).rows()
                 if platform.areas.path_of(r["area_code"]).startswith(path)]  # fmt: skip
        if station:
            codes = [c for c in codes if c == station]
        station_scope = {"station__in": codes}
    consultations = platform.table(CONSULTATION)
    opened = {**scope, **platform.time.period_lookups("opened_at", since, until)}
    granted = {**scope, "status": "granted", **platform.time.period_lookups("closed_at", since, until)}
    return Figures(
        consultations=consultations.count(**opened),
        firms_served=consultations.distinct("enterprise", **opened),
        granted=consultations.count(**granted),
        firms_granted=consultations.distinct("enterprise", **granted),
        credit_fen=int(consultations.sum("granted_amount", **granted)),
        inclusive_fen=int(consultations.sum("granted_amount", inclusive=True, **granted)),
        seconds_to_credit=int(consultations.sum("seconds_to_credit", **granted)),
        events=platform.table(EVENT).count(
            **station_scope, **platform.time.period_lookups("held_on", since, until, dates=True)
        ),
        visits=platform.table(VISIT).count(
            **station_scope, **platform.time.period_lookups("visited_on", since, until, dates=True)
        ),
    )


def require_reader(platform: Platform, actor: Actor, area: str | None) -> None:
    """Finance staff read every station's figures; others need ``metrics.read`` over the area."""
    if actor.has("finance.consult") or actor.has("finance.manage"):
        return
    if area and actor.covers("metrics.read", platform.areas.path_of(area)):
        return
    if not area and actor.covers("metrics.read", "/"):
        return
    raise AccessDenied(f"{actor.login} may not read finance figures{' of ' + area if area else ''}")


def card(
    platform: Platform,
    actor: Actor,
    area_code: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> dict[str, Any]:
    """The dashboard card (``register_metrics``): empty for an actor who may not read the
    figures, so the home screen of a building head shows no card instead of an error."""
    try:
        require_reader(platform, actor, area_code)
    except AccessDenied:
        return {}
    f = figures(platform, area=area_code, since=since, until=until)
    share = f.inclusive_share
    return {
        "consultations": f.consultations,
        "firms served": f.firms_served,
        "firms granted credit": f.firms_granted,
        "credit granted": format_short(f.credit_fen),
        "inclusive micro-loans": format_short(f.inclusive_fen),
        "inclusive share": f"{share * 100:.1f}%" if share is not None else "—",
        "mean days to credit": f.mean_days_to_credit if f.mean_days_to_credit is not None else "—",
    }
