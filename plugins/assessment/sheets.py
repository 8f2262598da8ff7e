"""Ratings and yearly sheets: two-way ratings of members (by their branch and by the
community served), year-end scores of units by residents and members, work records from
the core's metrics (cases closed, closed on time, rated, satisfied) and duty check-ins,
turned into sheets by :mod:`.scoring` and exported as CSV or JSON.

The rules (minimum raters, default 50; the weights) come from ``[plugins.assessment]``
in the configuration file, defaults those of :class:`~.scoring.ScoringRules`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

import attrs
from gridgov.core import Actor, Platform, ValidationError, to_dict

from . import periods
from .records import DUTY_CADENCE, RATER_KINDS, RATING_SIDES
from .scoring import (
    DUTIES,
    CheckIn,
    MemberRating,
    MemberSheet,
    ScoringRules,
    UnitRating,
    UnitSheet,
    WorkRecord,
    member_sheets,
    unit_sheets,
)

RULE_FIELDS = {f.name for f in attrs.fields(ScoringRules)}


def scoring_rules(platform: Platform) -> ScoringRules:
    settings = platform.plugin_settings("assessment")
    return ScoringRules(**{k: v for k, v in settings.items() if k in RULE_FIELDS})


class SheetService:
    """Ratings in, sheets out; every call takes the acting member."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.member_ratings = platform.table("assessment_member_rating")
        self.unit_ratings = platform.table("assessment_unit_rating")
        self.checkins = platform.table("assessment_checkin")

    def _path(self, area: str) -> str:
        return self.platform.areas.require_exists(area).path

    def rate_member(self, actor: Actor, year: int, login: str, *, side: str, score: float, area: str,
                    rater: str | None = None) -> int:
        """The member's branch (``side="branch"``) or the community served rates the member;
        ``assessment.rate`` over ``area`` (the branch's seat or the community)."""
        if side not in RATING_SIDES:
            raise ValidationError("side", f"{side!r} is not one of {', '.join(RATING_SIDES)}")
        rating = MemberRating(login=login, side=side, score=score, rater=rater or actor.login)
        self.platform.members.get(Actor.system(), login)
        path = self._path(area)
        actor.require("assessment.rate", path, what=f"area {area}")
        return self.member_ratings.insert({"year": year, "login": rating.login, "side": side, "score": float(score),
                                           "rater": rating.rater, "area_path": path, "at": self.platform.now()})

    def rate_unit(self, actor: Actor, year: int, unit: str, *, rater: str, rater_kind: str, score: float,
                  area: str) -> int:
        """A resident's or member's year-end score of a unit, collected in ``area`` (the
        community served); one score per rater and unit a year."""
        if rater_kind not in RATER_KINDS:
            raise ValidationError("rater_kind", f"{rater_kind!r} is not one of {', '.join(RATER_KINDS)}")
        UnitRating(unit=unit, rater=rater, rater_kind=rater_kind, score=score)
        if self.platform.organisations.find(unit) is None:
            raise ValidationError("unit", f"unknown organisation {unit}")
        path = self._path(area)
        actor.require("assessment.rate", path, what=f"area {area}")
        if self.unit_ratings.count(year=year, unit=unit, rater=rater):
            raise ValidationError("rater", f"{rater} has scored {unit} for {year} already")
        return self.unit_ratings.insert({"year": year, "unit": unit, "rater": rater, "rater_kind": rater_kind,
                                         "score": float(score), "area_path": path, "at": self.platform.now()})

    # -- inputs -------------------------------------------------------------------------

    def _year(self, year: int) -> tuple[dt.date, dt.date]:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)

    def _checkins(self, year: int, subjects: Sequence[str]) -> list[CheckIn]:
        """Check-ins of the year's periods, each on its period's first day, so a late one
        counts for the period it was done for."""
        found = []
        for row in self.checkins.rows(subject__in=list(subjects), duty__in=list(DUTIES)):
            first, _ = periods.bounds(DUTY_CADENCE[row["duty"]], row["period"])
            found.append(CheckIn(subject=row["subject"], duty=row["duty"], day=first))  # scoring keeps ``year``
        return found

    def _work(self, actor: Actor, subject: str, year: int, *, member: bool) -> WorkRecord:
        since, until = self._year(year)
        metrics = self.platform.metrics.for_member(actor, subject, since=since, until=until) if member else \
            self.platform.metrics.for_org(actor, subject, since=since, until=until)
        c = metrics.cohort
        return WorkRecord(subject=subject, handled=c["closed"], on_time=min(c["closed_on_time"], c["closed"]),
                          rated=min(c["rated"], c["closed"]), satisfied=min(c["satisfied"], c["rated"], c["closed"]))

    # -- sheets -------------------------------------------------------------------------

    def member_sheets(self, actor: Actor, year: int, logins: Sequence[str] | None = None, *,
                      area: str | None = None) -> list[MemberSheet]:
        """Sheets of the members rated (or holding duties) under ``area`` in the actor's
        ``assessment.read`` scope, or of ``logins``."""
        where = {"area_path__under": self._path(area)} if area else {}
        rows = self.member_ratings.rows(scope=actor, year=year, **where)
        if logins is None:
            duty_rows = self.platform.table("assessment_duty").rows(scope=actor, subject_kind="member", **where)
            logins = sorted({r["login"] for r in rows} | {r["subject"] for r in duty_rows})
        else:
            for login in logins:
                self.platform.members.get(actor, login)
        ratings = [MemberRating(login=r["login"], side=r["side"], score=r["score"], rater=r["rater"])
                   for r in rows if r["login"] in set(logins)]
        work = [self._work(actor, login, year, member=True) for login in logins]
        return member_sheets(year, list(logins), ratings=ratings, work=work,
                             checkins=self._checkins(year, logins), rules=scoring_rules(self.platform))

    def unit_sheets(self, actor: Actor, year: int, units: Sequence[str] | None = None, *,
                    area: str | None = None) -> list[UnitSheet]:
        """Sheets of the units scored under ``area`` (or of ``units``); a score counts only
        with at least the configured minimum of raters."""
        where = {"area_path__under": self._path(area)} if area else {}
        rows = self.unit_ratings.rows(scope=actor, year=year, **where)
        if units is None:
            units = sorted({r["unit"] for r in rows})
        ratings = [UnitRating(unit=r["unit"], rater=r["rater"], rater_kind=r["rater_kind"], score=r["score"])
                   for r in rows if r["unit"] in set(units)]
        work = [self._work(actor, unit, year, member=False) for unit in units]
        return unit_sheets(year, list(units), ratings=ratings, work=work,
                           checkins=self._checkins(year, units), rules=scoring_rules(self.platform))


# -- export ---------------------------------------------------------------------------

MEMBER_COLUMNS = ("login", "year", "branch_score", "branch_raters", "community_score", "community_raters", "rating",
                  "handled", "on_time", "rated", "satisfied", "work_score", "duty_score", "total", "remarks")
UNIT_COLUMNS = ("unit", "year", "raters", "resident_raters", "member_raters", "min_raters", "rating", "rating_text",
                "handled", "on_time", "rated", "satisfied", "work_score", "duty_score", "total", "remarks")


def _flat(sheet: MemberSheet | UnitSheet) -> dict[str, Any]:
    data = to_dict(sheet)
    work = data.pop("work")
    data.update(handled=work["handled"], on_time=work["on_time"], rated=work["rated"], satisfied=work["satisfied"],
                work_score=work["score"], remarks="; ".join(data["remarks"]))
    for line in data.pop("duties"):
        data[f"{line['duty']}_done"] = line["done"]
        data[f"{line['duty']}_expected"] = line["expected"]
    return data


def export(sheets: Sequence[MemberSheet | UnitSheet], fmt: str) -> str:
    """The sheets as ``csv`` (one row each, duties as ``<duty>_done``/``_expected``
    columns, numbers rounded to 2 places) or ``json`` (the records in full)."""
    if fmt == "json":
        return json.dumps([to_dict(s) for s in sheets], ensure_ascii=False, indent=2)
    if fmt != "csv":
        raise ValidationError("format", f"{fmt!r} is not csv or json")
    rows = [_flat(s) for s in sheets]
    base = MEMBER_COLUMNS if sheets and isinstance(sheets[0], MemberSheet) else UNIT_COLUMNS
    extra = sorted({k for r in rows for k in r} - set(base))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*base, *extra], extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()})
    return out.getvalue()
