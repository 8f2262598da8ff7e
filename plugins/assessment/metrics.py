"""The dashboard card: check-ins in the period, the share done late, and household-visit
coverage of the area shown (distinct households visited ÷ its households)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridgov.core import AccessDenied, Actor, Platform

LABELS_ZH = {"check-ins": "履职打卡", "late": "迟交占比", "households visited": "入户户数",
             "household coverage": "入户覆盖率", "pairing plan": "结对方案"}  # fmt: skip


def card(platform: Platform, actor: Actor, area_code: str, since: dt.date | None,
         until: dt.date | None) -> dict[str, Any]:
    area = platform.areas.get(area_code)
    if not actor.covers("metrics.read", area.path):
        raise AccessDenied(actor.refusal(f"{actor.login} may not read metrics of {area_code}"))
    checkins = platform.table("assessment_checkin")
    when = platform.time.period_lookups("at", since, until)
    duty = checkins.count(area_path__under=area.path, duty__ne="household_visit", **when)
    late = checkins.count(area_path__under=area.path, duty__ne="household_visit", late=True, **when)
    visited = checkins.distinct("household", area_path__under=area.path, duty="household_visit", **when)
    households = area.households or sum(a.households or 0 for a in platform.areas.children(area.code))
    plans = platform.table("assessment_plan").rows(status="applied", order_by="-year", limit=1)
    return {
        "check-ins": duty,
        "late": f"{late / duty:.0%}" if duty else "—",
        "households visited": visited,
        "household coverage": f"{visited / households:.1%}" if households else "—",
        "pairing plan": plans[0]["year"] if plans else "—",
    }
