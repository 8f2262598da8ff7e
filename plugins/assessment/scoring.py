"""Scoring rules: two-way ratings of members, year-end scoring of units, work records and
duty check-ins, feeding each member's and unit's yearly sheet; household-visit coverage.

Sources: Longgang (SEEDS 000) rates a member both by their own branch and by the community
served; Suyu (001) checks first secretaries' weekly patrol, monthly summary and quarterly
report; Donggang (004) has at least 50 residents and members score each unit at year end,
and its leaders visit their community at least once a quarter; Chancheng (002) visited
94.4 % of households. Every input is a plain record, every output an attrs record.

>>> from gridgov.plugins.assessment.scoring import UnitRating, unit_sheets
>>> ratings = [UnitRating(unit="DP001", rater=f"r{i}", rater_kind="resident", score=80) for i in range(12)]
>>> unit_sheets(2026, ["DP001"], ratings=ratings)[0].rating_text
'not enough raters (12 of 50)'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from gridgov.core import ValidationError

from .scoring_records import (
    DUTIES,
    DUTY_NAMES,
    CheckIn,
    Coverage,
    DutyLine,
    HouseholdVisit,
    MemberRating,
    MemberSheet,
    ScoringRules,
    UnitRating,
    UnitSheet,
    WorkRecord,
    WorkSummary,
)

__all__ = [
    "DEFAULT_RULES", "DUTIES", "CheckIn", "Coverage", "DutyLine", "HouseholdVisit", "MemberRating", "MemberSheet",
    "ScoringRules", "UnitRating", "UnitSheet", "WorkRecord", "WorkSummary", "duty_lines", "member_sheets",
    "overall_coverage", "unit_sheets", "visit_coverage", "work_summary",
]  # fmt: skip


DEFAULT_RULES = ScoringRules()


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _weighted(parts: Sequence[tuple[float | None, float]]) -> float | None:
    """Weighted mean of the parts that have a value (weights of the others dropped)."""
    present = [(v, w) for v, w in parts if v is not None and w > 0]
    total = sum(w for _, w in present)
    return sum(v * w for v, w in present) / total if total else None


def expected_periods(duty: str, year: int) -> int:
    if duty == "weekly_patrol":
        return dt.date(year, 12, 28).isocalendar().week
    return 12 if duty == "monthly_summary" else 4


def _period(duty: str, day: dt.date, year: int) -> int | None:
    """The period of ``year`` a check-in falls in (ISO week, month or quarter), or None."""
    if duty == "weekly_patrol":
        iso = day.isocalendar()
        return iso.week if iso.year == year else None
    if day.year != year:
        return None
    return day.month if duty == "monthly_summary" else (day.month - 1) // 3 + 1


def duty_lines(year: int, subject: str, checkins: Iterable[CheckIn], duties: Sequence[str]) -> tuple[DutyLine, ...]:
    """Per duty: how many of the year's periods have at least one check-in by ``subject``."""
    covered: dict[str, set[int]] = {d: set() for d in duties}
    for c in checkins:
        if c.subject == subject and c.duty in covered:
            period = _period(c.duty, c.day, year)
            if period is not None:
                covered[c.duty].add(period)
    lines = []
    for duty in duties:
        expected = expected_periods(duty, year)
        done = len(covered[duty])
        lines.append(DutyLine(duty=duty, done=done, expected=expected, rate=done / expected))
    return tuple(lines)


def work_summary(records: Iterable[WorkRecord], rules: ScoringRules) -> WorkSummary:
    """Sum of a subject's work records; the score weighs the on-time and satisfaction rates."""
    rows = list(records)
    handled = sum(r.handled for r in rows)
    on_time = sum(r.on_time for r in rows)
    rated = sum(r.rated for r in rows)
    satisfied = sum(r.satisfied for r in rows)
    on_time_rate = on_time / handled if handled else None
    satisfaction_rate = satisfied / rated if rated else None
    score = _weighted([(None if on_time_rate is None else 100 * on_time_rate, rules.on_time_weight),
                       (None if satisfaction_rate is None else 100 * satisfaction_rate, rules.satisfaction_weight)])
    return WorkSummary(handled=handled, on_time=on_time, rated=rated, satisfied=satisfied,
                       on_time_rate=on_time_rate, satisfaction_rate=satisfaction_rate, score=score)


def _by_subject(records: Iterable[WorkRecord]) -> dict[str, list[WorkRecord]]:
    found: dict[str, list[WorkRecord]] = {}
    for r in records:
        found.setdefault(r.subject, []).append(r)
    return found


def _duty_score(lines: Sequence[DutyLine]) -> float | None:
    return 100 * sum(min(line.rate, 1.0) for line in lines) / len(lines) if lines else None


def member_sheets(year: int, logins: Sequence[str], *, ratings: Iterable[MemberRating] = (),
                  work: Iterable[WorkRecord] = (), checkins: Iterable[CheckIn] = (),
                  rules: ScoringRules = DEFAULT_RULES) -> list[MemberSheet]:
    """Each member's yearly sheet, in the order of ``logins``.

    The two-way rating is the weighted mean of the branch's and the community's average
    score and needs both sides; the total weighs rating, work and duties."""
    sides: dict[tuple[str, str], list[float]] = {}
    for r in ratings:
        sides.setdefault((r.login, r.side), []).append(r.score)
    work_of = _by_subject(work)
    checkins = list(checkins)
    sheets = []
    for login in logins:
        branch = sides.get((login, "branch"), [])
        community = sides.get((login, "community"), [])
        remarks = []
        rating = None
        if branch and community:
            rating = _weighted([(_mean(branch), rules.branch_weight), (_mean(community), rules.community_weight)])
        else:
            missing = " and ".join(s for s, v in (("branch", branch), ("community", community)) if not v)
            remarks.append(f"no rating by the {missing}: two-way rating left out")
        summary = work_summary(work_of.get(login, []), rules)
        if summary.score is None:
            remarks.append("no cases handled: work left out")
        lines = duty_lines(year, login, checkins, rules.member_duties)
        remarks += [f"{DUTY_NAMES[x.duty]}: {x.done} of {x.expected}" for x in lines if x.done < x.expected]
        duty = _duty_score(lines)
        total = _weighted([(rating, rules.rating_weight), (summary.score, rules.work_weight),
                           (duty, rules.duty_weight)])
        sheets.append(MemberSheet(login=login, year=year, branch_score=_mean(branch), branch_raters=len(branch),
                                  community_score=_mean(community), community_raters=len(community),
                                  rating=rating, work=summary, duties=lines, duty_score=duty, total=total,
                                  remarks=tuple(remarks)))
    return sheets


def unit_sheets(year: int, units: Sequence[str], *, ratings: Iterable[UnitRating] = (),
                work: Iterable[WorkRecord] = (), checkins: Iterable[CheckIn] = (),
                rules: ScoringRules = DEFAULT_RULES) -> list[UnitSheet]:
    """Each unit's yearly sheet, in the order of ``units``. Its year-end rating (the mean
    score of residents and members) counts only with at least ``rules.min_raters``
    distinct raters; a rater scoring one unit twice is refused."""
    scores: dict[str, dict[str, UnitRating]] = {u: {} for u in units}
    for r in ratings:
        seen = scores.setdefault(r.unit, {})
        if r.rater in seen:
            raise ValidationError("rater", f"{r.rater} scored unit {r.unit} twice")
        seen[r.rater] = r
    work_of = _by_subject(work)
    checkins = list(checkins)
    sheets = []
    for unit in units:
        given = list(scores[unit].values())
        n = len(given)
        enough = n >= rules.min_raters and n > 0
        rating = _mean([r.score for r in given]) if enough else None
        text = f"{rating:.1f} from {n} raters" if rating is not None else \
            f"not enough raters ({n} of {rules.min_raters})"
        remarks = [] if enough else [f"year-end rating not counted: {text}"]
        summary = work_summary(work_of.get(unit, []), rules)
        lines = duty_lines(year, unit, checkins, rules.unit_duties)
        remarks += [f"{DUTY_NAMES[x.duty]}: {x.done} of {x.expected}" for x in lines if x.done < x.expected]
        duty = _duty_score(lines)
        total = _weighted([(rating, rules.rating_weight), (summary.score, rules.work_weight),
                           (duty, rules.duty_weight)])
        sheets.append(UnitSheet(unit=unit, year=year, raters=n,
                                resident_raters=sum(r.rater_kind == "resident" for r in given),
                                member_raters=sum(r.rater_kind == "member" for r in given),
                                min_raters=rules.min_raters, rating=rating, rating_text=text, work=summary,
                                duties=lines, duty_score=duty, total=total, remarks=tuple(remarks)))
    return sheets


def visit_coverage(households: Mapping[str, int], visits: Iterable[HouseholdVisit]) -> list[Coverage]:
    """Per area (in the order of ``households``): distinct households visited / households.
    A visit to an area not listed is refused; more households visited than the area has
    means the household count is out of date, and is refused too."""
    seen: dict[str, set[str]] = {a: set() for a in households}
    for v in visits:
        if v.area not in seen:
            raise ValidationError("area", f"visit to {v.household} in {v.area}: area {v.area} has no household count")
        seen[v.area].add(v.household)
    found = []
    for area, count in households.items():
        visited = len(seen[area])
        if visited > count:
            raise ValidationError("households", f"area {area}: {visited} households visited of {count} listed")
        found.append(Coverage(area=area, households=count, visited=visited, rate=visited / count if count else None))
    return found


def overall_coverage(rows: Sequence[Coverage], area: str = "all") -> Coverage:
    """The coverage of several areas together (Chancheng: ~30,000 of its households, 94.4 %)."""
    households = sum(r.households for r in rows)
    visited = sum(r.visited for r in rows)
    return Coverage(area=area, households=households, visited=visited,
                    rate=visited / households if households else None)
