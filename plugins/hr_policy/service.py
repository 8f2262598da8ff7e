"""The HR policy outreach service: the catalogue, sessions, attendance, questions and
subscriptions, on top of the core's public API.

Questions raised at a session become core issues of category ``hr.policy_question``
(source ``meeting``), routed to the HR bureau's branch for the question's topic; the
question row mirrors its issue (deadline, answer, state) through the ``issue_changed``
hook, so answering from the core queue or from this plugin ends the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from gridgov.core import (
    AccessDenied,
    Actor,
    NotFound,
    Organisation,
    Platform,
    ValidationError,
)

from . import records, tables
from .eligibility import FirmProfile, Verdict, evaluate
from .questions import QuestionDesk
from .records import MANAGE, READ, TOPICS, Attendance, Notice, Policy, Session, Subscription


def firm_profile(platform: Platform, org: Organisation) -> FirmProfile:
    """The rule-relevant view of an enterprise."""
    talents = (org.profile or {}).get("certified_talents", 0)
    return FirmProfile(
        code=org.code,
        name=org.name,
        size=org.size,
        industry=org.industry,
        headcount=org.headcount,
        certified_talents=talents if isinstance(talents, int) and talents >= 0 else 0,
        area_code=org.area_code,
        area_path=platform.areas.path_of(org.area_code) if org.area_code else "",
    )


@attrs.frozen(kw_only=True)
class Candidate:
    """A firm that may qualify for some policies, with the verdict for each; ``open_policies``
    are those it qualifies for and was not reached for yet."""

    firm: FirmProfile
    verdicts: tuple[tuple[str, Verdict], ...]
    open_policies: tuple[str, ...] = ()

    @property
    def policies(self) -> tuple[str, ...]:
        return tuple(code for code, v in self.verdicts if v.eligible)


class HrPolicyService(QuestionDesk):
    """Every operation takes the acting member; writes need ``hr.manage``."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def _t(self, name: str):
        return self.platform.table(name)

    # -- access -------------------------------------------------------------------------

    def _path(self, area: str) -> str:
        try:
            return self.platform.areas.path_of(area)
        except NotFound:
            raise ValidationError("area", f"unknown area {area}") from None

    def _require(self, actor: Actor, permission: str, area: str | None = None) -> None:
        if area is None:
            actor.require(permission, anywhere=True)
        else:
            actor.require(permission, self._path(area), what=f"area {area}")

    def require_read(self, actor: Actor, area: str | None = None, *, metrics: bool = False) -> None:
        """Lists of firms and questions need ``hr.read`` (or ``hr.manage``); the aggregate
        metrics also accept ``metrics.read``."""
        path = self._path(area) if area else None
        allowed = (READ, MANAGE, "metrics.read") if metrics else (READ, MANAGE)
        if not any((actor.covers(p, path) if path else actor.has(p)) for p in allowed):
            raise AccessDenied(f"{actor.login} lacks {READ}" + (f" over area {area}" if area else ""))

    def today(self) -> dt.date:
        return self.platform.today()

    # -- firms --------------------------------------------------------------------------

    def firm(self, code: str) -> FirmProfile:
        org = self.platform.organisations.find(code)
        if org is None or org.kind != "enterprise":
            raise ValidationError("firm", f"{code} is not an enterprise of this deployment")
        return firm_profile(self.platform, org)

    def firms(self, area: str | None = None) -> list[FirmProfile]:
        """Enterprises seated in an area's subtree (all of them without ``area``)."""
        path = self._path(area) if area else "/"
        profiles = []
        for org in self.platform.organisations.list(kind="enterprise"):
            profile = firm_profile(self.platform, org)
            if profile.area_path.startswith(path) or (path == "/" and not profile.area_path):
                profiles.append(profile)
        return profiles

    # -- catalogue ----------------------------------------------------------------------

    def policy(self, code: str) -> Policy:
        try:
            return Policy(**self._t(tables.POLICY).get(code))
        except NotFound:
            raise NotFound("policy", code) from None

    def policies(self, *, topic: str | None = None, in_force_on: dt.date | None = None) -> list[Policy]:
        """The catalogue (public: no permission needed), by topic then code."""
        where = {"topic": topic} if topic else {}
        found = [Policy(**r) for r in self._t(tables.POLICY).rows(order_by="code", **where)]
        if in_force_on:
            found = [p for p in found if p.in_force_on(in_force_on)]
        return sorted(found, key=lambda p: (TOPICS.index(p.topic), p.code))

    def publish(self, actor: Actor, policy: Policy) -> list[Notice]:
        """Add a policy to the catalogue; returns the notice list of firms to reach."""
        self._require(actor, MANAGE)
        self._check_department(policy.department)
        table = self._t(tables.POLICY)
        if table.count(code=policy.code):
            raise ValidationError("code", f"policy {policy.code} already exists; change it instead")
        with self.platform.transaction():
            table.insert(attrs.evolve(policy, version=1).as_row())
            return self._notify(self.policy(policy.code))

    def change(self, actor: Actor, code: str, **changes: Any) -> list[Notice]:
        """Change a policy (new version); returns the notice list for the new version."""
        self._require(actor, MANAGE)
        current = self.policy(code)
        if "code" in changes or "version" in changes:
            raise ValidationError("code", "a policy keeps its code; its version counts changes")
        updated = attrs.evolve(current, **changes, version=current.version + 1)
        self._check_department(updated.department)
        row = updated.as_row()
        with self.platform.transaction():
            self._t(tables.POLICY).update(code, {k: v for k, v in row.items() if k != "code"})
            return self._notify(updated)

    def _check_department(self, code: str) -> None:
        org = self.platform.organisations.find(code)
        if org is None:
            raise ValidationError("department", f"unknown organisation {code}")

    def notices_in_scope(self, actor: Actor, policy: str, version: int | None = None) -> list[Notice]:
        """The notice list, cut to the firms seated where ``actor`` may read HR records."""
        def readable(firm: str) -> bool:
            org = self.platform.organisations.find(firm)
            if org is None or org.area_code is None:
                return actor.has(MANAGE)
            path = self.platform.areas.path_of(org.area_code)
            return any(actor.covers(p, path) for p in (READ, MANAGE))
        return [n for n in self.notices(policy, version) if readable(n.firm)]

    def notices(self, policy: str, version: int | None = None) -> list[Notice]:
        """The stored notice list of a policy version (the latest by default)."""
        version = version or self.policy(policy).version
        return [Notice(**r) for r in self._t(tables.NOTICE).rows(policy=policy, version=version, order_by="id")]

    def notice_list(self, policy: Policy) -> list[Notice]:
        """Subscribers of the policy's topic, and eligible firms not yet reached for it."""
        now = self.platform.now()
        subscribed = {s.firm for s in self.subscriptions(topic=policy.topic)}
        reached = self.reached_firms(policy.code)
        eligible = {f.code for f in self._eligible_firms(policy) if f.code not in reached}
        out = []
        for firm in sorted(subscribed | eligible):
            reason = ("subscribed_eligible" if firm in subscribed and firm in eligible
                      else "subscribed" if firm in subscribed else "eligible")
            out.append(Notice(policy=policy.code, version=policy.version, firm=firm, reason=reason, created_at=now))
        return out

    def _notify(self, policy: Policy) -> list[Notice]:
        notices = self.notice_list(policy)
        rows = [{k: v for k, v in attrs.asdict(n).items() if k != "id"} for n in notices]
        self._t(tables.NOTICE).insert_all(rows)
        return notices

    # -- eligibility --------------------------------------------------------------------

    def _eligible_firms(self, policy: Policy, area: str | None = None) -> list[FirmProfile]:
        return [f for f in self.firms(area) if evaluate(policy.rules, f).eligible]

    def policies_for_firm(self, actor: Actor, firm: str, *, on: dt.date | None = None,
                          all_policies: bool = False) -> list[tuple[Policy, Verdict]]:
        """Policies in force that the firm may qualify for, each with the reasons; with
        ``all_policies`` also those it does not qualify for (eligible first)."""
        profile = self.firm(firm)
        if actor.org_code != firm:
            self.require_read(actor, profile.area_code)
        day = on or self.today()
        judged = [(p, evaluate(p.rules, profile)) for p in self.policies(in_force_on=day)]
        if not all_policies:
            judged = [(p, v) for p, v in judged if v.eligible]
        return sorted(judged, key=lambda pv: (not pv[1].eligible, TOPICS.index(pv[0].topic), pv[0].code))

    def reached_firms(self, policy: str | None = None, *, area: str | None = None,
                      since: dt.date | None = None, until: dt.date | None = None) -> set[str]:
        """Firms that attended a held session (covering ``policy`` when given)."""
        sessions = [s.id for s in self.sessions(area=area, since=since, until=until, status="held")
                    if policy is None or policy in s.policies]
        rows = self._t(tables.ATTENDANCE).rows(session_id__in=sessions, attended=True)
        return {r["firm"] for r in rows}

    def candidates(self, actor: Actor, policy: str, *, area: str | None = None,
                   include_reached: bool = False) -> list[tuple[FirmProfile, Verdict]]:
        """Firms in the area that may qualify for the policy and have not been reached yet."""
        self.require_read(actor, area)
        p = self.policy(policy)
        reached = set() if include_reached else self.reached_firms(policy)
        out = []
        for firm in self.firms(area):
            if firm.code in reached:
                continue
            verdict = evaluate(p.rules, firm)
            if verdict.eligible:
                out.append((firm, verdict))
        return sorted(out, key=lambda fv: (-(fv[0].headcount or 0), fv[0].code))

    def invitation_list(self, actor: Actor, policies: Sequence[str], *, area: str | None = None,
                        limit: int | None = None) -> list[Candidate]:
        """The firms to invite to a session on ``policies``: those that may qualify for at
        least one of them and were not reached for it yet, most matching policies first."""
        self.require_read(actor, area)
        chosen = [self.policy(code) for code in dict.fromkeys(policies)]
        if not chosen:
            raise ValidationError("policies", "pick at least one policy")
        reached = {p.code: self.reached_firms(p.code) for p in chosen}
        found = []
        for firm in self.firms(area):
            verdicts = tuple((p.code, evaluate(p.rules, firm)) for p in chosen)
            open_codes = tuple(code for code, v in verdicts if v.eligible and firm.code not in reached[code])
            if open_codes:
                found.append(Candidate(firm=firm, verdicts=verdicts, open_policies=open_codes))
        found.sort(key=lambda c: (-len(c.open_policies), -(c.firm.headcount or 0), c.firm.code))
        return found[:limit] if limit else found

    # -- sessions -----------------------------------------------------------------------

    def plan_session(self, actor: Actor, *, title: str, held_on: dt.date, venue_area: str, venue: str,
                     hosts: Sequence[str], policies: Sequence[str], invite: Iterable[str] = ()) -> Session:
        """Plan a session and record the firms invited to it."""
        self._require(actor, MANAGE, venue_area)
        session = Session(title=title, held_on=held_on, venue_area=venue_area, venue=venue,
                          hosts=list(hosts), policies=list(policies))
        for host in session.hosts:
            org = self.platform.organisations.find(host)
            if org is None:
                raise ValidationError("hosts", f"unknown organisation {host}")
        for code in session.policies:
            self.policy(code)
        invited = list(dict.fromkeys(invite))
        for firm in invited:
            self.firm(firm)
        with self.platform.transaction():
            new_id = self._t(tables.SESSION).insert(session.as_row())
            self._t(tables.ATTENDANCE).insert_all(
                [{"session_id": new_id, "firm": f, "invited": True, "attended": False, "attendees": 0, "contact": ""}
                 for f in invited])
        return self.session(new_id)

    def session(self, session_id: int) -> Session:
        try:
            return Session(**self._t(tables.SESSION).get(int(session_id)))
        except NotFound:
            raise NotFound("session", session_id) from None

    def sessions(self, *, area: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                 status: str | None = None) -> list[Session]:
        """Sessions whose venue lies in the area, held on a day in ``[since, until)``."""
        where: dict[str, Any] = {}
        if status:
            where["status"] = status
        if since:
            where["held_on__gte"] = since
        if until:
            where["held_on__lt"] = until
        found = [Session(**r) for r in self._t(tables.SESSION).rows(order_by="held_on", **where)]
        if area:
            path = self._path(area)
            found = [s for s in found if self.platform.areas.path_of(s.venue_area).startswith(path)]
        return found

    def sessions_in_scope(self, actor: Actor, *, area: str | None = None) -> list[Session]:
        """The sessions whose venue lies where ``actor`` may read HR records."""
        return [s for s in self.sessions(area=area)
                if any(actor.covers(p, self.platform.areas.path_of(s.venue_area)) for p in (READ, MANAGE))]

    def _move(self, session: Session, move: str, **params: Any) -> str:
        """The status ``session`` takes on by ``move``; a refusal names the session (a
        :class:`ValidationError` of the field ``session``, as it always was)."""
        lifecycle = records.SESSION_LIFECYCLE
        reason = lifecycle.refusal(session.status, move, record=attrs.asdict(session), params=params)
        if reason:
            raise ValidationError("session", f"session {session.id}: {reason}")
        return lifecycle.moves[move].target

    def invite(self, actor: Actor, session_id: int, firms: Iterable[str]) -> int:
        """Add firms to a planned session's invitations; returns how many were new."""
        session = self.session(session_id)
        self._require(actor, MANAGE, session.venue_area)
        self._move(session, "invite")
        known = {a.firm for a in self.attendance(session_id)}
        new = [f for f in dict.fromkeys(firms) if f not in known]
        for firm in new:
            self.firm(firm)
        self._t(tables.ATTENDANCE).insert_all(
            [{"session_id": session.id, "firm": f, "invited": True, "attended": False, "attendees": 0, "contact": ""}
             for f in new])
        return len(new)

    def attendance(self, session_id: int) -> list[Attendance]:
        return [Attendance(**r) for r in self._t(tables.ATTENDANCE).rows(session_id=int(session_id), order_by="id")]

    def record_attendance(self, actor: Actor, session_id: int, firm: str, attendees: int,
                          *, contact: str = "") -> Attendance:
        """Record that a firm came with ``attendees`` people (0 marks it absent). A firm
        that was not invited is added as a walk-in. The session counts as held."""
        session = self.session(session_id)
        self._require(actor, MANAGE, session.venue_area)
        status = self._move(session, "attend", today=self.today())
        self.firm(firm)
        record = Attendance(session_id=session.id, firm=firm, attended=attendees > 0, attendees=attendees,
                            contact=contact)
        table = self._t(tables.ATTENDANCE)
        existing = table.rows(session_id=session.id, firm=firm)
        with self.platform.transaction():
            if existing:
                table.update(existing[0]["id"], {"attended": record.attended, "attendees": attendees,
                                                 "contact": contact or existing[0]["contact"]})
                record = attrs.evolve(record, id=existing[0]["id"], invited=bool(existing[0]["invited"]))
            else:
                record = attrs.evolve(record, invited=False)
                row = {k: v for k, v in attrs.asdict(record).items() if k != "id"}
                record = attrs.evolve(record, id=table.insert(row))
            if status != session.status:
                self._t(tables.SESSION).update(session.id, {"status": status})
        return record

    def cancel_session(self, actor: Actor, session_id: int) -> Session:
        session = self.session(session_id)
        self._require(actor, MANAGE, session.venue_area)
        self._t(tables.SESSION).update(session.id, {"status": self._move(session, "cancel")})
        return self.session(session_id)

    # -- subscriptions ------------------------------------------------------------------

    def subscribe(self, actor: Actor, firm: str, topic: str) -> Subscription:
        """Let a firm follow a topic (its own member, or an HR officer, may do this)."""
        if actor.org_code != firm:
            self._require(actor, MANAGE)
        self.firm(firm)
        sub = Subscription(firm=firm, topic=topic, since=self.today())
        table = self._t(tables.SUBSCRIPTION)
        existing = table.rows(firm=firm, topic=topic)
        if existing:
            return Subscription(**existing[0])
        return attrs.evolve(sub, id=table.insert({k: v for k, v in attrs.asdict(sub).items() if k != "id"}))

    def unsubscribe(self, actor: Actor, firm: str, topic: str) -> bool:
        if actor.org_code != firm:
            self._require(actor, MANAGE)
        rows = self._t(tables.SUBSCRIPTION).rows(firm=firm, topic=topic)
        for row in rows:
            self._t(tables.SUBSCRIPTION).delete(row["id"])
        return bool(rows)

    def subscriptions(self, *, firm: str | None = None, topic: str | None = None) -> list[Subscription]:
        where = {k: v for k, v in (("firm", firm), ("topic", topic)) if v}
        return [Subscription(**r) for r in self._t(tables.SUBSCRIPTION).rows(order_by="id", **where)]
