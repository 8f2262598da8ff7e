"""Duties and check-ins: who must do what how often, what they did, what is late, and
how many households the paired members have visited.

Every read and write names the area it touches: a check-in needs the duty's holder
(the member themselves, or a member of the unit) or ``assessment.checkin`` over the duty's
area; reading needs ``assessment.read`` there. Periods are the deployment zone's
(:mod:`.periods`), so "this week" and "late" mean what they mean in the district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from gridgov.core import AccessDenied, Actor, NotFound, Platform, ValidationError, instant

from . import periods
from .records import DUTY_CADENCE, POST_DUTIES, CheckInRecord, Duty
from .scoring import Coverage, HouseholdVisit, overall_coverage, visit_coverage


def _duty(row: dict[str, Any]) -> Duty:
    return Duty(id=row["id"], subject=row["subject"], subject_kind=row["subject_kind"], duty=row["duty"],
                area_code=row["area_code"], area_path=row["area_path"], post=row["post"], starts=row["starts"],
                ends=row["ends"])  # fmt: skip


def _checkin(row: dict[str, Any]) -> CheckInRecord:
    return CheckInRecord(id=row["id"], duty_id=row["duty_id"], subject=row["subject"], duty=row["duty"],
                         area_code=row["area_code"], area_path=row["area_path"], period=row["period"],
                         due_at=row["due_at"], at=row["at"], late=bool(row["late"]), household=row["household"],
                         note=row["note"] or "", channel=row["channel"] or "cli", recorded_by=row["recorded_by"])  # fmt: skip


@attrs.frozen(kw_only=True)
class PeriodState:
    """One period of one duty: done (on time or late), missed (ended with no check-in), or
    open (not ended yet)."""

    duty_id: int
    subject: str
    duty: str
    period: str
    starts: dt.date
    due_at: dt.datetime
    state: str  # "on_time" | "late" | "missed" | "open"
    checkins: int


class DutyService:
    """Duties, check-ins and household-visit coverage; every call takes the acting member."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.duties = platform.table("assessment_duty")
        self.checkins = platform.table("assessment_checkin")

    # -- duties -------------------------------------------------------------------------

    def add_duty(self, actor: Actor, duty: Duty) -> Duty:
        """Give a subject a duty over an area (``assessment.manage`` there)."""
        area = self.platform.areas.require_exists(duty.area_code)
        actor.require("assessment.manage", area.path, what=f"area {area.code}")
        self._require_subject(duty)
        row = {k: v for k, v in attrs.asdict(duty).items() if k != "id"}
        row["area_path"] = area.path
        new_id = self.duties.insert(row)
        return attrs.evolve(duty, id=new_id, area_path=area.path)

    def _require_subject(self, duty: Duty) -> None:
        if duty.subject_kind == "member":
            self.platform.members.get(Actor.system(), duty.subject)
        elif self.platform.organisations.find(duty.subject) is None:
            raise ValidationError("subject", f"unknown organisation {duty.subject}")

    def duties_of_post(self, actor: Actor, post: str, *, starts: dt.date, area: str | None = None) -> list[Duty]:
        """Give every current holder of ``post`` (under ``area``) the duties the post carries,
        over the area of their post; a holder who has the duty already keeps it."""
        if post not in POST_DUTIES:
            raise ValidationError("post", f"{post!r} carries no duties; posts with duties: {', '.join(POST_DUTIES)}")
        added = []
        for assignment in self.platform.members.assignments(post=post, area=area):
            place = assignment.area_code
            if place is None:
                continue
            for kind in POST_DUTIES[post]:
                if self.duties.count(subject=assignment.login, duty=kind, area_code=place, ends=None):
                    continue
                added.append(self.add_duty(actor, Duty(subject=assignment.login, duty=kind, area_code=place,
                                                       post=post, starts=starts)))
        return added

    def get_duty(self, actor: Actor, duty_id: int) -> Duty:
        duty = _duty(self.duties.get(duty_id))
        if not self._may_read(actor, duty):
            raise AccessDenied(actor.refusal(f"{actor.login} may not read duties in {duty.area_code}"))
        return duty

    def list_duties(self, actor: Actor, *, subject: str | None = None, area: str | None = None,
                    duty: str | None = None, limit: int = 500) -> list[Duty]:
        """Duties the actor may see: their own, and those in their ``assessment.read`` scope."""
        where: dict[str, Any] = {}
        if subject:
            where["subject"] = subject
        if duty:
            where["duty"] = duty
        if area:
            where["area_path__under"] = self.platform.areas.path_of(area)
        if subject == actor.login:
            rows = self.duties.rows(order_by="id", limit=limit, **where)
        else:
            rows = self.duties.rows(scope=actor, order_by="id", limit=limit, **where)
        return [_duty(r) for r in rows]

    def _may_read(self, actor: Actor, duty: Duty) -> bool:
        return duty.subject == actor.login or actor.covers("assessment.read", duty.area_path)

    def _may_check_in(self, actor: Actor, duty: Duty) -> bool:
        if duty.subject_kind == "member" and duty.subject == actor.login:
            return True
        if duty.subject_kind == "unit" and actor.active:
            member = self.platform.members.get(Actor.system(), actor.login) if actor.login != "system" else None
            if member is not None and member.org_code == duty.subject:
                return True
        return actor.covers("assessment.checkin", duty.area_path)

    # -- check-ins ----------------------------------------------------------------------

    def check_in(self, actor: Actor, duty_id: int, *, at: dt.datetime | None = None, period: str | None = None,
                 household: str | None = None, area: str | None = None, note: str = "",
                 channel: str = "cli") -> CheckInRecord:
        """Record that the duty was done at ``at`` (default now) for ``period`` (default the
        period holding ``at`` in the deployment zone). Late when ``at`` is past the period's
        end. A household visit names the household and may name its area (a grid or
        building under the duty's area)."""
        duty = _duty(self.duties.get(duty_id))
        if not self._may_check_in(actor, duty):
            raise AccessDenied(actor.refusal(f"{actor.login} may not check in duty {duty_id} of {duty.subject}"))
        at = instant(at, "at") if at is not None else self.platform.now()
        if at > self.platform.now():
            raise ValidationError("at", f"{self.platform.time.format(at)} is in the future")
        cadence = DUTY_CADENCE[duty.duty]
        day = self.platform.time.day_of(at)
        key = period or periods.period_of(cadence, day)
        first, _ = periods.bounds(cadence, key)
        if first > day:
            raise ValidationError("period", f"period {key} has not begun on {day}")
        if first < periods.bounds(cadence, periods.period_of(cadence, duty.starts))[0] or \
                (duty.ends is not None and first > duty.ends):
            raise ValidationError("period", f"duty {duty_id} does not run in {key} (from {duty.starts}"
                                            f"{' to ' + str(duty.ends) if duty.ends else ''})")
        where_code, where_path = duty.area_code, duty.area_path
        if duty.duty == "household_visit":
            if not household:
                raise ValidationError("household", "a household visit names the household")
            if area:
                found = self.platform.areas.require_exists(area)
                if not found.path.startswith(duty.area_path):
                    raise ValidationError("area", f"{area} is outside the duty's area {duty.area_code}")
                where_code, where_path = found.code, found.path
        elif household:
            raise ValidationError("household", f"only household visits name a household, not {duty.duty}")
        due = periods.due_at(self.platform.time, cadence, key)
        record = CheckInRecord(duty_id=duty_id, subject=duty.subject, duty=duty.duty, area_code=where_code,
                               area_path=where_path, period=key, due_at=due, at=at, late=at >= due,
                               household=household, note=note, channel=channel, recorded_by=actor.login)
        row = {k: v for k, v in attrs.asdict(record).items() if k != "id"}
        return attrs.evolve(record, id=self.checkins.insert(row))

    def checkins_of(self, actor: Actor, *, subject: str | None = None, area: str | None = None,
                    since: dt.date | None = None, until: dt.date | None = None, duty: str | None = None,
                    late: bool | None = None, limit: int | None = 2000) -> list[CheckInRecord]:
        """Check-ins in the actor's scope (or the actor's own), oldest first; ``since`` and
        ``until`` are deployment-zone days ``[since, until)``."""
        where: dict[str, Any] = dict(self.platform.time.period_lookups("at", since, until))
        for key, value in (("subject", subject), ("duty", duty), ("late", late)):
            if value is not None:
                where[key] = value
        if area:
            where["area_path__under"] = self.platform.areas.path_of(area)
        rows = self.checkins.rows(order_by=["at", "id"], limit=limit, **where) if subject == actor.login \
            else self.checkins.rows(scope=actor, order_by=["at", "id"], limit=limit, **where)
        return [_checkin(r) for r in rows]

    def calendar(self, actor: Actor, duty_id: int, *, until: dt.date | None = None) -> list[PeriodState]:
        """Every period of a duty from its start to ``until`` (default today): on time, late,
        missed (ended with no check-in) or still open."""
        duty = self.get_duty(actor, duty_id)
        cadence = DUTY_CADENCE[duty.duty]
        last = min(until or self.platform.today(), duty.ends or dt.date.max)
        done: dict[str, list[bool]] = {}
        for row in self.checkins.rows(duty_id=duty_id, order_by="at"):
            done.setdefault(row["period"], []).append(bool(row["late"]))
        now = self.platform.now()
        states = []
        for key in periods.periods_between(cadence, duty.starts, last):
            due = periods.due_at(self.platform.time, cadence, key)
            seen = done.get(key, [])
            if seen:
                state = "on_time" if not all(seen) else "late"
            else:
                state = "missed" if due <= now else "open"
            states.append(PeriodState(duty_id=duty_id, subject=duty.subject, duty=duty.duty, period=key,
                                      starts=periods.bounds(cadence, key)[0], due_at=due, state=state,
                                      checkins=len(seen)))
        return states

    def overdue(self, actor: Actor, *, area: str | None = None, until: dt.date | None = None) -> list[PeriodState]:
        """Periods that ended without a check-in, or were checked in late, over the duties
        in the actor's scope (household visits, counted by coverage, left out)."""
        flagged = []
        for duty in self.list_duties(actor, area=area, limit=10_000):
            if duty.duty == "household_visit":
                continue
            flagged += [s for s in self.calendar(actor, duty.id, until=until) if s.state in ("missed", "late")]
        return flagged

    # -- household visits ---------------------------------------------------------------

    def coverage(self, actor: Actor, area: str, *, level: str | None = None, since: dt.date | None = None,
                 until: dt.date | None = None) -> tuple[list[Coverage], Coverage]:
        """Household-visit coverage of the areas at ``level`` under ``area`` (default: its
        children): distinct households visited ÷ the area's households (the core's count;
        an area without one adds up its children's), and the whole of ``area``."""
        top = self.platform.areas.get(area)
        actor.require("assessment.read", top.path, what=f"area {area}")
        parts = self.platform.areas.subtree(top.code, level=level) if level else \
            (self.platform.areas.children(top.code) or [top])
        households = {a.code: self._households(a) for a in parts}
        mine: list[HouseholdVisit] = []
        for path, household in self._visits(top.path, since, until):
            # The visited place's path names its ancestors: the first listed one is its part.
            code = next((c for c in path.strip("/").split("/") if c in households), None)
            if code is not None:
                mine.append(HouseholdVisit(area=code, household=household))
        rows = visit_coverage(households, mine)
        return rows, overall_coverage(rows, area=top.code)

    def _visits(self, path: str, since: dt.date | None, until: dt.date | None) -> Iterable[tuple[str, str]]:
        where = dict(self.platform.time.period_lookups("at", since, until))
        rows = self.checkins.rows(duty="household_visit", area_path__under=path, **where)
        return [(r["area_path"], r["household"]) for r in rows]

    def _households(self, area: Any) -> int:
        if area.households is not None:
            return int(area.households)
        return sum(self._households(c) for c in self.platform.areas.children(area.code))


__all__ = ["DutyService", "NotFound", "PeriodState"]
