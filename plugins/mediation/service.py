"""People's mediation: taking in disputes, sessions, outcomes, follow-ups, and the
conflict-of-interest rule, on top of the core's issue workflow.

Every dispute is a core case of category ``mediation.dispute``; the plugin keeps what the
core does not (the parties, the sessions, the agreement and its performance) and drives
the case through the core's own actions, so escalation, deadlines and the core metrics
work for disputes exactly as for any other case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import attrs
from gridgov.core import (
    AccessDenied,
    Actor,
    Issue,
    NotFound,
    Platform,
    Table,
    ValidationError,
)

from . import rules
from .records import (
    CATEGORY,
    DISPUTE,
    DISPUTE_KINDS,
    Dispute,
    FollowUp,
    Outcome,
    Party,
    Session,
)


def _dt(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _d(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else (value or [])


def subtree_range(path: str) -> dict[str, str]:
    """Table lookups selecting rows whose ``area_path`` lies in the subtree of ``path``."""
    return {"area_path__gte": path, "area_path__lt": path[:-1] + "0"}


class MediationService:
    """The plugin's domain logic; every call takes the acting member."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def table(self, name: str):
        return self.platform.table(f"mediation_{name}")

    # -- rows to records ----------------------------------------------------------------

    @staticmethod
    def _party(row: dict[str, Any]) -> Party:
        return Party(id=row["id"], dispute_id=row["dispute_id"], name=row["name"], role=row["role"],
                     phone=row["phone"], id_number=row["id_number"], member_login=row["member_login"],
                     household=row["household"])  # fmt: skip

    def _dispute(self, row: dict[str, Any], *, parties: Table | None = None, with_parties: bool = True) -> Dispute:
        """A dispute with its parties, read through ``parties`` (the masked table unless an
        unmasked view is passed)."""
        table = parties or self.table("party")
        found = table.rows(dispute_id=row["id"], order_by="id") if with_parties else []
        return Dispute(
            id=row["id"], issue_id=row["issue_id"], kind=row["kind"], area_code=row["area_code"],
            area_path=row["area_path"], summary=row["summary"], status=row["status"],
            level=row["level"], body_org=row["body_org"], mediator=row["mediator"],
            opened_at=_dt(row["opened_at"]), closed_at=_dt(row["closed_at"]),
            parties=tuple(self._party(p) for p in found),
        )  # fmt: skip

    @staticmethod
    def _session(row: dict[str, Any]) -> Session:
        return Session(id=row["id"], dispute_id=row["dispute_id"], at=_dt(row["at"]), place=row["place"],
                       mediators=_json(row["mediators"]), attendees=_json(row["attendees"]),
                       notes=row["notes"] or "", recorded_by=row["recorded_by"])  # fmt: skip

    @staticmethod
    def _outcome(row: dict[str, Any]) -> Outcome:
        return Outcome(
            dispute_id=row["dispute_id"], kind=row["kind"], at=_dt(row["at"]), level=row["level"],
            terms=row["terms"] or "", signed_on=_d(row["signed_on"]), perform_by=_d(row["perform_by"]),
            performed_on=_d(row["performed_on"]), referred_to=row["referred_to"],
            receiving_body=row["receiving_body"], note=row["note"] or "", recorded_by=row["recorded_by"],
        )  # fmt: skip

    @staticmethod
    def _follow_up(row: dict[str, Any]) -> FollowUp:
        return FollowUp(id=row["id"], dispute_id=row["dispute_id"], due_on=_d(row["due_on"]),
                        by_login=row["by_login"], visited_on=_d(row["visited_on"]), notes=row["notes"] or "")  # fmt: skip

    # -- intake -------------------------------------------------------------------------

    def open_from_issue(self, issue: Issue) -> int:
        """Create the dispute row of a new ``mediation.dispute`` case (the ``issue_created``
        hook calls this inside the report's transaction). A requester named on the case
        becomes the applicant unless the caller records the parties itself."""
        meta = issue.payload.get("mediation", {}) if isinstance(issue.payload, dict) else {}
        kind = meta.get("kind", "other")
        dispute = Dispute(issue_id=issue.id, kind=kind, area_code=issue.area_code, area_path=issue.area_path,
                          summary=issue.description or issue.title, level=issue.level, opened_at=issue.reported_at)  # fmt: skip
        row = {k: v for k, v in attrs.asdict(dispute, recurse=False).items() if k not in ("id", "parties")}
        dispute_id = self.table("dispute").insert(row)
        if not meta.get("parties_recorded") and issue.requester_name:
            phone = self._raw_requester_phone(issue)
            self._add_party(dispute_id, Party(name=issue.requester_name[:60], role="applicant", phone=phone))
        return dispute_id

    def _raw_requester_phone(self, issue: Issue) -> str | None:
        # The hook receives the case as written, so its phone is the requester's own number.
        return issue.requester_phone if issue.requester_phone and "*" not in issue.requester_phone else None

    def _add_party(self, dispute_id: int, party: Party) -> int:
        if party.member_login:
            self.platform.members.get(Actor.system(), party.member_login)
        row = {k: v for k, v in attrs.asdict(party, recurse=False).items() if k != "id"}
        row["dispute_id"] = dispute_id
        return self.table("party").insert(row)

    def open_dispute(
        self,
        actor: Actor,
        *,
        area: str,
        kind: str,
        title: str,
        parties: Iterable[Party],
        summary: str = "",
        priority: str | None = None,
        source: str = "walk_in",
        at: dt.datetime | None = None,
    ) -> Dispute:
        """Report a dispute: a core case of ``mediation.dispute`` plus its parties, in one
        transaction. The first party is the requester of the case."""
        parties = list(parties)
        if not parties:
            raise ValidationError("parties", "a dispute needs at least one party")
        if kind not in DISPUTE_KINDS:
            raise ValidationError("kind", f"{kind!r} is not one of {', '.join(DISPUTE_KINDS)}")
        with self.platform.transaction():
            issue = self.platform.issues.report(
                actor, area=area, category=CATEGORY, title=title, description=summary,
                priority=priority, source=source, requester_name=parties[0].name,
                requester_phone=parties[0].phone,
                payload={"mediation": {"kind": kind, "parties_recorded": True}}, at=at,
            )  # fmt: skip
            dispute_id = self._row_for_issue(issue.id)["id"]
            for party in parties:
                self._add_party(dispute_id, party)
        return self.get(actor, dispute_id)

    # -- reading ------------------------------------------------------------------------

    def _row_for_issue(self, issue_id: int) -> dict[str, Any]:
        rows = self.table("dispute").rows(issue_id=issue_id)
        if not rows:
            raise NotFound("dispute for issue", issue_id)
        return rows[0]

    def _readable_row(self, actor: Actor, dispute_id: int) -> dict[str, Any]:
        row = self.table("dispute").get(dispute_id)
        self.platform.issues.get(actor, row["issue_id"])  # raises AccessDenied outside the scope
        return row

    def get(self, actor: Actor, dispute_id: int, *, unmask_reason: str | None = None) -> Dispute:
        """A dispute the actor may see (that of a case they may see); parties' phone and ID
        masked unless the actor holds ``personal.unmask`` and gives a reason (logged)."""
        row = self._readable_row(actor, dispute_id)
        if unmask_reason is None:
            return self._dispute(row)
        parties = self.table("party").unmasked(self.platform, actor, unmask_reason, path=row["area_path"],
                                               what=f"mediation_dispute:{dispute_id}:parties")
        return self._dispute(row, parties=parties)

    def for_issue(self, actor: Actor, issue_id: int) -> Dispute:
        return self.get(actor, self._row_for_issue(issue_id)["id"])

    def list(self, actor: Actor, *, area: str | None = None, status: str | None = None,
             kind: str | None = None, limit: int = 50, offset: int = 0) -> list[Dispute]:
        """The disputes the actor may see, newest first: those in the actor's areas, those
        with the actor's mediation bodies, and those assigned to the actor."""
        where: dict[str, Any] = {}
        if status:
            where["status"] = status
        if kind:
            where["kind"] = kind
        wanted = limit + offset
        scopes: list[dict[str, Any]] = []
        paths = actor.paths_for("issue.read")
        if area:
            path = self.platform.areas.path_of(area)
            inside = [p for p in paths if path.startswith(p)]
            paths = [path] if inside else [p for p in paths if p.startswith(path)]
            if not paths:
                raise AccessDenied(f"{actor.login} may not see disputes of {area}")
            scopes = [subtree_range(p) for p in paths]
        else:
            scopes = [subtree_range(p) for p in paths]
            orgs = actor.orgs_for("issue.read")
            if orgs:
                scopes.append({"body_org__in": orgs})
            if actor.has("issue.read"):
                scopes.append({"mediator": actor.login})
        found: dict[int, dict[str, Any]] = {}
        for scope in scopes:
            for row in self.table("dispute").rows(order_by="-opened_at", limit=wanted, **scope, **where):
                found[row["id"]] = row
        rows = sorted(found.values(), key=lambda r: (r["opened_at"], r["id"]), reverse=True)
        return [self._dispute(r) for r in rows[offset:wanted]]

    def sessions(self, actor: Actor, dispute_id: int) -> list[Session]:
        self._readable_row(actor, dispute_id)
        return [self._session(r) for r in self.table("session").rows(dispute_id=dispute_id, order_by="at")]

    def outcome(self, actor: Actor, dispute_id: int) -> Outcome | None:
        self._readable_row(actor, dispute_id)
        rows = self.table("outcome").rows(dispute_id=dispute_id)
        return self._outcome(rows[0]) if rows else None

    def follow_ups(self, actor: Actor, dispute_id: int) -> list[FollowUp]:
        self._readable_row(actor, dispute_id)
        return [self._follow_up(r) for r in self.table("follow_up").rows(dispute_id=dispute_id, order_by="due_on")]

    def calendar(self, actor: Actor, login: str | None = None, *, since: dt.date | None = None,
                 until: dt.date | None = None) -> list[tuple[Session, Dispute]]:
        """A mediator's sessions in time order (``until`` exclusive), with their disputes.
        Anyone sees their own; another mediator's needs that member to be visible."""
        login = login or actor.login
        if login != actor.login:
            self.platform.members.get(actor, login)
        where: dict[str, Any] = {"login": login}
        where.update(self.platform.time.period_lookups("at", since, until))
        out = []
        for link in self.table("session_mediator").rows(order_by="at", **where):
            session = self._session(self.table("session").get(link["session_id"]))
            out.append((session, self._dispute(self.table("dispute").get(session.dispute_id), with_parties=False)))
        return out

    # -- mediators and conflicts --------------------------------------------------------

    def is_mediator(self, login: str, on: dt.date | None = None) -> bool:
        return rules.is_mediator(self.platform, login, on)

    def mediators(self, area: str) -> list[str]:
        return rules.mediators(self.platform, area)

    def conflict(self, issue_id: int, login: str) -> str | None:
        return rules.conflict(self.platform, issue_id, login)

    # -- sessions -----------------------------------------------------------------------

    def _open_row(self, actor: Actor, dispute_id: int, move: str) -> dict[str, Any]:
        """The dispute's row, if it offers ``move`` (of :data:`DISPUTE`) now. Refused as bad
        input (exit 2, "no longer open"), as the plugin always did."""
        actor.require("mediation.record", anywhere=True)
        row = self._readable_row(actor, dispute_id)
        if DISPUTE.refusal(row["status"], move):
            raise ValidationError("dispute", f"dispute {dispute_id} is {row['status']}, no longer open")
        return row

    def record_session(self, actor: Actor, dispute_id: int, *, at: dt.datetime, place: str,
                       mediators: Iterable[str], attendees: Iterable[str] = (), notes: str = "") -> Session:
        """Record a mediation session. Every mediator must hold the mediator post and have
        no conflict of interest with the parties."""
        row = self._open_row(actor, dispute_id, "session")
        session = Session(dispute_id=dispute_id, at=at, place=place, mediators=tuple(dict.fromkeys(mediators)),
                          attendees=tuple(attendees), notes=notes, recorded_by=actor.login)  # fmt: skip
        if self.platform.time.day_of(at) < self.platform.time.day_of(_dt(row["opened_at"])):
            raise ValidationError("at", f"{self.platform.time.local(at):%Y-%m-%d} is before the dispute was received ({self.platform.time.local(_dt(row['opened_at'])):%Y-%m-%d})")
        for login in session.mediators:
            if not self.is_mediator(login, self.platform.time.day_of(at)):
                raise ValidationError("mediators", f"{login} does not hold the mediator post")
            reason = self.conflict(row["issue_id"], login)
            if reason:
                raise ValidationError("mediators", f"conflict of interest: {reason}")
        with self.platform.transaction():
            values = {k: v for k, v in attrs.asdict(session, recurse=False).items() if k != "id"}
            values["mediators"], values["attendees"] = list(session.mediators), list(session.attendees)
            session_id = self.table("session").insert(values)
            self.table("session_mediator").insert_all(
                [{"session_id": session_id, "login": m, "at": at} for m in session.mediators]
            )
        return attrs.evolve(session, id=session_id)

    # -- outcomes -----------------------------------------------------------------------

    def _take(self, actor: Actor, issue_id: int, at: dt.datetime) -> Issue:
        """The case, accepted by the actor first if it was only dispatched."""
        issue = self.platform.issues.get(actor, issue_id)
        if issue.status == "dispatched":
            issue = self.platform.issues.act(actor, issue_id, "accept", at=at)
        return issue

    def _conclude(self, actor: Actor, row: dict[str, Any], outcome: Outcome, action: str, note: str) -> Outcome:
        with self.platform.transaction(), rules.driving():
            issue = self._take(actor, row["issue_id"], outcome.at) if action == "resolve" else \
                self.platform.issues.get(actor, row["issue_id"])
            level = issue.level
            self.platform.issues.act(actor, row["issue_id"], action, note=note, at=outcome.at)
            outcome = attrs.evolve(outcome, level=level, recorded_by=actor.login)
            values = attrs.asdict(outcome, recurse=False)
            values["area_path"] = row["area_path"]
            values["days"] = round((outcome.at - _dt(row["opened_at"])).total_seconds() / 86400, 4)
            self.table("outcome").insert(values)
            step = DISPUTE.step(row["status"], outcome.kind, key=row["id"])
            self.table("dispute").update(row["id"], {"status": step.target, "closed_at": outcome.at})
        return outcome

    def record_agreement(self, actor: Actor, dispute_id: int, *, terms: str, signed_on: dt.date,
                         perform_by: dt.date, at: dt.datetime | None = None) -> Outcome:
        """A mediation agreement: the core case is resolved (then verified and closed as
        usual), and the level that settled it is kept for the Fengqiao ratios."""
        row = self._open_row(actor, dispute_id, "agreement")
        at = at or self.platform.now()
        outcome = Outcome(dispute_id=dispute_id, kind="agreement", at=at, terms=terms,
                          signed_on=signed_on, perform_by=perform_by)  # fmt: skip
        return self._conclude(actor, row, outcome, "resolve", f"调解协议 / mediation agreement: {terms}")

    def record_referral(self, actor: Actor, dispute_id: int, *, to: str, receiving_body: str, note: str,
                        at: dt.datetime | None = None) -> Outcome:
        """Mediation failed: the dispute goes to arbitration, a court or the police, and the
        core case is closed as referred."""
        row = self._open_row(actor, dispute_id, "referred")
        at = at or self.platform.now()
        outcome = Outcome(dispute_id=dispute_id, kind="referred", at=at, referred_to=to,
                          receiving_body=receiving_body, note=note)  # fmt: skip
        return self._conclude(actor, row, outcome, "refer", f"{note} → {to}: {receiving_body}")

    def record_withdrawal(self, actor: Actor, dispute_id: int, *, note: str, at: dt.datetime | None = None) -> Outcome:
        """The parties withdrew the dispute; the core case is closed."""
        row = self._open_row(actor, dispute_id, "withdrawn")
        at = at or self.platform.now()
        outcome = Outcome(dispute_id=dispute_id, kind="withdrawn", at=at, note=note)
        return self._conclude(actor, row, outcome, "withdraw", note)

    def record_performance(self, actor: Actor, dispute_id: int, *, performed_on: dt.date) -> Outcome:
        """The agreement was performed on ``performed_on``."""
        actor.require("mediation.record", anywhere=True)
        self._readable_row(actor, dispute_id)
        current = self.outcome(actor, dispute_id)
        if current is None or current.kind != "agreement":
            raise ValidationError("dispute", f"dispute {dispute_id} has no agreement to perform")
        if current.signed_on and performed_on < current.signed_on:
            raise ValidationError("performed_on", f"{performed_on} is before the signing date {current.signed_on}")
        self.table("outcome").update(dispute_id, {"performed_on": performed_on})
        return attrs.evolve(current, performed_on=performed_on)

    # -- follow-up visits ---------------------------------------------------------------

    def schedule_follow_up(self, actor: Actor, dispute_id: int, *, due_on: dt.date,
                           by_login: str | None = None, notes: str = "") -> FollowUp:
        """Plan a return visit after an agreement."""
        actor.require("mediation.record", anywhere=True)
        self._readable_row(actor, dispute_id)
        current = self.outcome(actor, dispute_id)
        if current is None or current.kind != "agreement":
            raise ValidationError("dispute", f"dispute {dispute_id} has no agreement to follow up")
        if current.signed_on and due_on < current.signed_on:
            raise ValidationError("due_on", f"{due_on} is before the agreement was signed ({current.signed_on})")
        by_login = by_login or actor.login
        if by_login != "system":
            self.platform.members.get(Actor.system(), by_login)
        follow_up = FollowUp(dispute_id=dispute_id, due_on=due_on, by_login=by_login, notes=notes)
        new_id = self.table("follow_up").insert({k: v for k, v in attrs.asdict(follow_up).items() if k != "id"})
        return attrs.evolve(follow_up, id=new_id)

    def record_visit(self, actor: Actor, follow_up_id: int, *, visited_on: dt.date, notes: str) -> FollowUp:
        """Record that a planned follow-up visit took place, with what was found."""
        actor.require("mediation.record", anywhere=True)
        current = self._follow_up(self.table("follow_up").get(follow_up_id))
        self._readable_row(actor, current.dispute_id)
        if not notes.strip():
            raise ValidationError("notes", "say what the visit found")
        updated = attrs.evolve(current, visited_on=visited_on, notes=notes)
        self.table("follow_up").update(follow_up_id, {"visited_on": visited_on, "notes": notes})
        return updated
