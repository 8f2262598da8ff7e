"""Demo data, produced through the plugin's own services at every scale: duties for the
posts that carry them (first secretaries; grid leaders where a scale has none), a year of
check-ins (most on time, some late, some periods missed), household visits reaching
94.4 % of one community's households (Chancheng, SEEDS 002), year-end scores of agencies
(some above the 50-rater minimum, some below), two-way ratings of the duty holders, and
next year's pairing plan solved from the demo deployment, stored as a draft with its
explanations and rotation diff. It is not applied: the core's pairings carry no dates that
its routing reads, so next year's links would serve cases this year; ``gridgov assessment
apply`` writes them when the year comes.

Shares are invented but plausible.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from gridgov.core import Actor, GridgovError, Platform

from . import periods
from .duties import DutyService
from .plans import PlanService
from .records import DUTY_CADENCE, Duty
from .sheets import SheetService

HOLDERS = {"small": 6, "district": 87, "longgang": 120}
RATED_UNITS = {"small": 6, "district": 20, "longgang": 40}
ON_TIME, LATE = 0.82, 0.10  # the rest of the periods are missed
COVERAGE = 0.944


def _moment(platform: Platform, day: dt.date, rng: random.Random) -> dt.datetime:
    return platform.time.at(day, dt.time(rng.randint(8, 20), rng.choice((0, 15, 30, 45))))


class _Demo:
    def __init__(self, platform: Platform, scale: str, rng: random.Random, progress) -> None:
        self.platform, self.scale, self.rng, self.progress = platform, scale, rng, progress
        self.system = Actor.system()
        self.duties = DutyService(platform)
        period = platform.demo_period()
        end = period[1] if period else platform.now()
        start = period[0] if period else end - dt.timedelta(days=365)
        self.first, self.last = platform.time.day_of(start), platform.time.day_of(end)
        self.now = end

    def holders(self) -> list[tuple[str, str, str]]:
        found = self.platform.members.assignments(post="first_secretary")
        post = "first_secretary"
        if not found:
            found, post = self.platform.members.assignments(post="grid_leader"), "grid_leader"
        chosen = [a for a in found if a.area_code][: HOLDERS.get(self.scale, 6)]
        return [(a.login, a.area_code, post) for a in chosen]

    def add_duties(self) -> list[Duty]:
        added = []
        with self.platform.transaction():
            for login, area, post in self.holders():
                for kind in ("weekly_patrol", "monthly_summary", "quarterly_report"):
                    added.append(self.duties.add_duty(self.system, Duty(subject=login, duty=kind, area_code=area,
                                                                        post=post, starts=self.first)))
        return added

    def check_ins(self, duties: list[Duty]) -> None:
        rng = self.rng
        for n, duty in enumerate(duties, start=1):
            cadence = DUTY_CADENCE[duty.duty]
            with self.platform.transaction():
                for key in periods.periods_between(cadence, duty.starts, self.last):
                    first, after = periods.bounds(cadence, key)
                    first = max(first, duty.starts)
                    roll = rng.random()
                    if roll < ON_TIME:
                        day = first + dt.timedelta(days=rng.randrange(max((after - first).days, 1)))
                    elif roll < ON_TIME + LATE:
                        day = after + dt.timedelta(days=rng.randint(0, 4))
                    else:
                        continue
                    at = _moment(self.platform, day, rng)
                    if at > self.now or day < first:
                        continue
                    self.duties.check_in(self.system, duty.id, at=at, period=key, channel="demo")
            if n % 50 == 0 or n == len(duties):
                self.progress("assessment check-ins", n, len(duties))

    def household_visits(self) -> str | None:
        """Visits by the members paired with one community's buildings, to 94.4 % of its
        households. The households are its grids' counts from the core (a grid's households
        spread over its buildings), so the coverage of each grid and of the community is
        reckoned against the figures the core holds."""
        unit_level = self.platform.areas.handling_level()
        levels = self.platform.areas.levels()
        community_level = levels[levels.index(unit_level) - 1]
        communities = self.platform.areas.subtree(self.platform.areas.roots()[0].code, level=community_level)
        households: list[tuple[Any, str]] = []
        for community in communities:  # the first community whose grids have household counts and buildings
            for unit in self.platform.areas.subtree(community.code, level=unit_level):
                buildings = self.platform.areas.children(unit.code)
                if unit.households and buildings:
                    households += [(buildings[k % len(buildings)], f"{unit.code}-H{k + 1:04d}")
                                   for k in range(unit.households)]
            if households:
                break
        else:
            return None
        paired = {p.area_code: p.member_login for p in self.platform.pairings.list(self.system, kind="member_building")
                  if p.member_login and p.area_code}
        visited = self.rng.sample(households, round(COVERAGE * len(households)))
        duty_of: dict[str, int] = {}
        with self.platform.transaction():
            for building, household in sorted(visited, key=lambda x: x[1]):
                if building.code not in duty_of:
                    login = paired.get(building.code) or self._any_member(community.code)
                    duty = Duty(subject=login, duty="household_visit", area_code=building.code, starts=self.first)
                    duty_of[building.code] = self.duties.add_duty(self.system, duty).id
                day = self.first + dt.timedelta(days=self.rng.randrange(max((self.last - self.first).days, 1)))
                self.duties.check_in(self.system, duty_of[building.code], at=min(_moment(self.platform, day, self.rng),
                                                                                  self.now),
                                     household=household, channel="demo")
        self.progress("assessment household visits", len(visited), len(visited))
        return community.code

    def _any_member(self, community: str) -> str:
        holders = self.platform.members.assignments(area=community) or self.platform.members.assignments()
        return holders[0].login

    def ratings(self, duties: list[Duty], community: str | None) -> None:
        sheets = SheetService(self.platform)
        year = self.last.year
        area = community or self.platform.areas.roots()[0].code
        agencies = [o.code for o in self.platform.organisations.list(kind="agency")][: RATED_UNITS.get(self.scale, 6)]
        with self.platform.transaction():
            for i, unit in enumerate(agencies):
                raters = self.rng.randint(52, 80) if i % 3 else self.rng.randint(20, 49)
                for r in range(raters):
                    sheets.rate_unit(self.system, year, unit, rater=f"{unit}-R{r:03d}",
                                     rater_kind="resident" if r % 4 else "member",
                                     score=self.rng.randint(60, 100), area=area)
            for login in sorted({d.subject for d in duties}):
                place = next(d.area_code for d in duties if d.subject == login)
                for side in ("branch", "community"):
                    for _ in range(self.rng.randint(1, 3)):
                        sheets.rate_member(self.system, year, login, side=side, score=self.rng.randint(65, 98),
                                           area=place)
        self.progress("assessment ratings", len(agencies), len(agencies))

    def plan(self) -> None:
        service = PlanService(self.platform)
        try:
            service.make(self.system, self.last.year + 1)
        except GridgovError as exc:  # a rule the demo deployment cannot keep: said, not fatal
            self.progress(f"assessment: no plan ({exc})", 1, 1)
            return
        self.progress("assessment plan", 1, 1)


def load(platform: Platform, scale: str, rng: random.Random, progress: Callable[[str, int, int], None]) -> None:
    """Duties, check-ins, household visits, ratings and next year's plan for a demo."""
    demo = _Demo(platform, scale, rng, progress)
    duties = demo.add_duties()
    demo.check_ins(duties)
    community = demo.household_visits()
    demo.ratings(duties, community)
    demo.plan()
