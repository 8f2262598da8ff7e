"""Outreach metrics: sessions, firms reached, people, questions answered on time, and the
coverage of eligible firms per policy.

Scope and period: sessions, firms reached, people and questions count the held sessions
whose venue lies in the area's subtree, held on a day in ``[since, until)`` (the core's
convention). Coverage counts the firms *seated* in the area that may qualify for a policy
in force, and how many of them attended a held session on that policy in the period,
wherever it was held (a grid's firms are usually briefed at a subdistrict's venue).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import Actor, Platform

from . import tables
from .eligibility import evaluate
from .records import Question
from .service import HrPolicyService


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@attrs.frozen(kw_only=True)
class Coverage:
    policy: str
    eligible: int
    reached: int

    @property
    def rate(self) -> float | None:
        return _rate(self.reached, self.eligible)


@attrs.frozen(kw_only=True)
class HrMetrics:
    area: str | None
    since: dt.date | None
    until: dt.date | None
    sessions: int
    firms_invited: int
    firms_reached: int
    people: int
    questions: int
    answered: int
    answered_on_time: int
    open_overdue: int
    coverage: tuple[Coverage, ...]

    @property
    def eligible_total(self) -> int:
        return sum(c.eligible for c in self.coverage)

    @property
    def reached_total(self) -> int:
        return sum(c.reached for c in self.coverage)

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "sessions": self.sessions,
            "firms_invited": self.firms_invited,
            "firms_reached": self.firms_reached,
            "people": self.people,
            "questions": self.questions,
            "answered": self.answered,
            "answered_on_time": self.answered_on_time,
            "open_overdue": self.open_overdue,
            "answer_rate": _rate(self.answered, self.questions),
            "on_time_rate": _rate(self.answered_on_time, self.answered),
            "coverage": {c.policy: {"eligible": c.eligible, "reached": c.reached, "rate": c.rate}
                         for c in self.coverage},
            "coverage_rate": _rate(self.reached_total, self.eligible_total),
        }


def compute(platform: Platform, actor: Actor, area: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None) -> HrMetrics:
    """The outreach metrics for the actor's view of ``area`` (the whole deployment if None)."""
    service = HrPolicyService(platform)
    service.require_read(actor, area, metrics=True)
    held = service.sessions(area=area, since=since, until=until, status="held")
    ids = [s.id for s in held]
    rows = platform.table(tables.ATTENDANCE).rows(session_id__in=ids)
    came = [r for r in rows if r["attended"]]
    questions = [Question(**r) for r in platform.table(tables.QUESTION).rows(session_id__in=ids)]
    answered = [q for q in questions if q.answered_at is not None]
    now = platform.now()

    reached_by_policy: dict[str, set[str]] = {}
    everywhere = service.sessions(since=since, until=until, status="held") if area else held
    by_session = {s.id: s for s in everywhere}
    attended = platform.table(tables.ATTENDANCE).rows(session_id__in=list(by_session), attended=True)
    for r in attended:
        for code in by_session[r["session_id"]].policies:
            reached_by_policy.setdefault(code, set()).add(r["firm"])
    firms = service.firms(area)
    day = (until - dt.timedelta(days=1)) if until else platform.time.day_of(now)
    coverage = []
    for policy in service.policies():
        if not (policy.in_force_on(day) or policy.code in reached_by_policy):
            continue
        eligible = {f.code for f in firms if evaluate(policy.rules, f).eligible}
        coverage.append(Coverage(policy=policy.code, eligible=len(eligible),
                                 reached=len(eligible & reached_by_policy.get(policy.code, set()))))
    return HrMetrics(
        area=area, since=since, until=until,
        sessions=len(held),
        firms_invited=len({r["firm"] for r in rows if r["invited"]}),
        firms_reached=len({r["firm"] for r in came}),
        people=sum(r["attendees"] for r in came),
        questions=len(questions),
        answered=len(answered),
        answered_on_time=sum(q.answered_on_time for q in answered),
        open_overdue=sum(q.overdue_at(now) for q in questions),
        coverage=tuple(coverage),
    )


def card(platform: Platform, actor: Actor, area_code: str, since: dt.date | None,
         until: dt.date | None) -> dict[str, Any]:
    """The dashboard card (``MetricSpec.compute``)."""
    m = compute(platform, actor, area_code, since, until).as_dict()
    return {
        "sessions": m["sessions"],
        "firms reached": m["firms_reached"],
        "people attending": m["people"],
        "questions": m["questions"],
        "answered on time": m["answered_on_time"],
        "on-time rate": _percent(m["on_time_rate"]),
        "coverage of eligible firms": _percent(m["coverage_rate"]),
    }


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"
