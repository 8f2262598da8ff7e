"""Pairing plans: solve the year's plan from the deployment, store it with every link's
explanation and the rotation diff against last year's stored plan, and apply it — the
core's pairings written through ``platform.pairings.add`` in one transaction.

A plan is a draft until applied; applying a year's plan when another plan of that year
is applied already is refused (one plan per year holds). The core has no call to end a
pairing, so an applied plan's pairings carry the year as ``starts``..``ends`` (1 January
to 31 December): last year's pairings end by their own dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
from gridgov.core import Actor, NotFound, Pairing, Platform, ValidationError, to_dict

from .plan_input import MEMBER_KIND, InputReader, core_links, default_rules, rule_kind
from .planner import Link, PairingRule, Plan, PlanInput, plan


@attrs.frozen(kw_only=True)
class StoredPlan:
    """A plan as stored: its year, status and figures (links and changes read apart)."""

    id: int
    year: int
    area_code: str
    status: str
    stats: list[dict[str, Any]]
    loads: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    seconds: dict[str, float]
    rules: list[dict[str, Any]]
    created_at: dt.datetime
    created_by: str | None
    applied_at: dt.datetime | None
    pairings: int | None
    version: int


def _stored(row: dict[str, Any]) -> StoredPlan:
    return StoredPlan(id=row["id"], year=row["year"], area_code=row["area_code"], status=row["status"],
                      stats=row["stats"] or [], loads=row["loads"] or [], notes=row["notes"] or [],
                      seconds=row["seconds"] or {}, rules=row["rules"] or [], created_at=row["created_at"],
                      created_by=row["created_by"], applied_at=row["applied_at"], pairings=row["pairings"],
                      version=row["version"])  # fmt: skip


class PlanService:
    """Make, store, read, diff and apply pairing plans."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.plans = platform.table("assessment_plan")
        self.links = platform.table("assessment_plan_link")
        self.changes = platform.table("assessment_plan_change")
        self.wishes = platform.table("assessment_wish")

    # -- wishes -------------------------------------------------------------------------

    def set_wish(self, actor: Actor, year: int, subject: str, *, kind: str = "unit", tags: Sequence[str] = (),
                 prefer: Sequence[str] = (), avoid: Sequence[str] = (), note: str = "") -> dict[str, Any]:
        """A unit's functions and wishes (``prefer``/``avoid``: area codes or ``tag:<need>``)
        or an area's needs (``kind="area"``, ``tags``) for ``year``; replaces the year's row."""
        if kind == "area":
            path = self.platform.areas.path_of(self.platform.areas.require_exists(subject).code)
        elif kind == "unit":
            org = self.platform.organisations.find(subject)
            if org is None:
                raise ValidationError("subject", f"unknown organisation {subject}")
            path = self.platform.areas.path_of(org.area_code) if org.area_code else self._root_path()
        else:
            raise ValidationError("kind", f"{kind!r} is not unit or area")
        actor.require("assessment.manage", path, what=f"{kind} {subject}")
        for wish in (*prefer, *avoid):
            if not wish.startswith("tag:"):
                self.platform.areas.require_exists(wish)
        row = {"year": year, "subject": subject, "subject_kind": kind, "tags": list(tags), "prefer": list(prefer),
               "avoid": list(avoid), "note": note}
        with self.platform.transaction():
            for old in self.wishes.rows(year=year, subject=subject):
                self.wishes.delete(old["id"])
            row["id"] = self.wishes.insert(row)
        return row

    # -- making -------------------------------------------------------------------------

    def _root(self, root: str | None) -> str:
        if root is not None:
            return self.platform.areas.require_exists(root).code
        roots = self.platform.areas.roots()
        if len(roots) != 1:
            raise ValidationError("area", "name the area to plan (the deployment has several roots)")
        return roots[0].code

    def _root_path(self) -> str:
        return self.platform.areas.path_of(self._root(None))

    def rules(self) -> tuple[PairingRule, ...]:
        return default_rules(self.platform, self.platform.plugin_settings("assessment"))

    def previous_links(self, year: int, rules: Sequence[PairingRule]) -> tuple[list[Link], int | None]:
        """Last year's links: the newest applied plan before ``year``, else the core's
        pairings; with the plan's id (None for the core's)."""
        rows = self.plans.rows(year__lt=year, status="applied", order_by="-year", limit=1)
        if not rows:
            return core_links(self.platform, rules), None
        plan_id = rows[0]["id"]
        links = [Link(subject=r["subject"], area=r["area_code"], kind=r["kind"])
                 for r in self.links.rows(plan_id=plan_id, order_by="id")]
        return links, plan_id

    def build_input(self, year: int, *, root: str | None = None,
                    rules: Sequence[PairingRule] | None = None) -> tuple[PlanInput, int | None]:
        rules = tuple(rules or self.rules())
        previous, previous_id = self.previous_links(year, rules)
        return InputReader(self.platform, year, self._root(root)).read(rules, previous), previous_id

    def make(self, actor: Actor, year: int, *, root: str | None = None, rules: Sequence[PairingRule] | None = None,
             time_limit: float = 60.0, workers: int | None = None) -> tuple[StoredPlan, Plan]:
        """Solve ``year``'s plan over ``root`` (default: the whole deployment) and store it
        as a draft with its links, explanations, loads, notes and diff. Needs
        ``assessment.plan`` over ``root``; a rule set that cannot hold raises
        ``PlanInfeasible`` naming the rule, and nothing is stored."""
        code = self._root(root)
        path = self.platform.areas.path_of(code)
        actor.require("assessment.plan", path, what=f"area {code}")
        request, _ = self.build_input(year, root=code, rules=rules)
        result = plan(request, time_limit=time_limit, workers=workers)
        return self.store(actor, year, code, request, result), result

    def store(self, actor: Actor, year: int, root: str, request: PlanInput, result: Plan) -> StoredPlan:
        path = self.platform.areas.path_of(root)
        actor.require("assessment.plan", path, what=f"area {root}")
        data = result.to_dict()
        with self.platform.transaction():
            plan_id = self.plans.insert({
                "year": year, "area_code": root, "area_path": path, "status": "draft",
                "rules": [to_dict(r) for r in request.rules], "stats": data["stats"], "loads": data["loads"],
                "notes": data["notes"], "seconds": data["seconds"], "created_at": self.platform.now(),
                "created_by": actor.login,
            })
            links = [{"plan_id": plan_id, "rule": k.rule, "kind": "unit", "subject": k.unit, "unit": k.unit,
                      "area_code": k.area, "explanation": k.explanation, "reasons": list(k.reasons)}
                     for k in result.unit_links]
            links += [{"plan_id": plan_id, "rule": request.member_rule.rule if request.member_rule else "",
                       "kind": "member", "subject": k.login, "unit": k.unit, "area_code": k.building,
                       "explanation": k.explanation, "reasons": []} for k in result.member_links]
            self.links.insert_all(links)
            self.changes.insert_all([{"plan_id": plan_id, "rule": c.rule, "kind": c.kind, "subject": c.subject,
                                      "change": c.change, "before_area": c.before, "after_area": c.after,
                                      "why": c.why} for c in result.changes])
        return self.get(actor, plan_id)

    # -- reading ------------------------------------------------------------------------

    def get(self, actor: Actor, plan_id: int) -> StoredPlan:
        row = self.plans.get(plan_id)
        actor.require("assessment.read", row["area_path"], what=f"plan {plan_id}")
        return _stored(row)

    def list(self, actor: Actor, *, year: int | None = None) -> list[StoredPlan]:
        where = {"year": year} if year is not None else {}
        return [_stored(r) for r in self.plans.rows(scope=actor, order_by=["-year", "-id"], **where)]

    def latest(self, actor: Actor, year: int | None = None) -> StoredPlan:
        found = self.list(actor, year=year)
        if not found:
            raise NotFound("assessment plan", year if year is not None else "any year")
        return found[0]

    def plan_links(self, actor: Actor, plan_id: int, *, kind: str | None = None, subject: str | None = None,
                   area: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        self.get(actor, plan_id)
        where: dict[str, Any] = {"plan_id": plan_id}
        for key, value in (("kind", kind), ("subject", subject), ("area_code", area)):
            if value is not None:
                where[key] = value
        return self.links.rows(order_by="id", limit=limit, offset=offset or None, **where)

    def diff(self, actor: Actor, plan_id: int, *, change: str | None = None, kind: str | None = None,
             limit: int | None = None) -> list[dict[str, Any]]:
        """The stored rotation diff: kept, rotated (before → after), new, ended, each with why."""
        self.get(actor, plan_id)
        where: dict[str, Any] = {"plan_id": plan_id}
        if change:
            where["change"] = change
        if kind:
            where["kind"] = kind
        return self.changes.rows(order_by="id", limit=limit, **where)

    def diff_counts(self, actor: Actor, plan_id: int) -> dict[str, dict[str, int]]:
        self.get(actor, plan_id)
        return {kind: self.changes.count_by("change", plan_id=plan_id, kind=kind) for kind in ("unit", "member")}

    # -- applying -----------------------------------------------------------------------

    def apply(self, actor: Actor, plan_id: int, *, expected_version: int | None = None) -> StoredPlan:
        """Write the plan's pairings into the core in one transaction: every unit link as
        its rule's pairing kind, every member as ``member_building``, each for the plan's
        year. Each write checks ``pairing.manage`` over its area, so a refusal anywhere
        undoes the whole plan."""
        stored = self.get(actor, plan_id)
        actor.require("assessment.plan", self.plans.get(plan_id)["area_path"], what=f"plan {plan_id}")
        if stored.status != "draft":
            raise ValidationError("status", f"plan {plan_id} is {stored.status}, only a draft can be applied")
        if self.plans.count(year=stored.year, status="applied"):
            other = self.plans.rows(year=stored.year, status="applied", limit=1)[0]["id"]
            raise ValidationError("year", f"plan {other} is already applied for {stored.year}")
        starts, ends = dt.date(stored.year, 1, 1), dt.date(stored.year, 12, 31)
        wished = {(r["subject"], r["area_code"]) for r in self.links.rows(plan_id=plan_id, kind="unit")
                  if any(str(x).startswith("wish #") for x in (r["reasons"] or []))}
        written = 0
        with self.platform.transaction():
            for row in self.links.rows(plan_id=plan_id, order_by="id"):
                text = (row["explanation"] or "")[:500]
                if row["kind"] == "unit":
                    kind = rule_kind(row["rule"])
                    if kind == "leader_community":
                        pairing = Pairing(kind=kind, member_login=row["subject"], area_code=row["area_code"],
                                          starts=starts, ends=ends, commitments=text)
                    else:
                        pairing = Pairing(kind=kind, org_code=row["subject"], area_code=row["area_code"], starts=starts,
                                          ends=ends, voluntary=(row["subject"], row["area_code"]) in wished,
                                          commitments=text)
                else:
                    pairing = Pairing(kind=MEMBER_KIND, member_login=row["subject"], area_code=row["area_code"],
                                      starts=starts, ends=ends, commitments=text)
                self.platform.pairings.add(actor, pairing)
                written += 1
            self.plans.update(plan_id, {"status": "applied", "applied_at": self.platform.now(),
                                        "applied_by": actor.login, "pairings": written},
                              expected_version=expected_version if expected_version is not None else stored.version)
            for other in self.plans.rows(year=stored.year, status="draft"):
                if other["id"] != plan_id:
                    self.plans.update(other["id"], {"status": "superseded"})
        return self.get(actor, plan_id)
