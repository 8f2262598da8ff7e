"""The planner's input read from a deployment: the area tree with households and needs,
agencies and party branches with their functions, wishes and headcount, their members,
and last year's links (the last applied plan, or the core's pairings before any plan).

Only public services are read: ``platform.areas``, ``organisations``, ``members``,
``pairings`` and the plugin's own ``assessment_wish`` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gridgov.core import Actor, Platform, ValidationError

from .planner import Link, MemberRule, PairingRule, PlanArea, PlanInput, PlanMember, PlanUnit

# Which core pairing kind each rule writes, and which it reads as last year's links.
RULE_KINDS = {"agency-subdistrict": "agency_subdistrict", "branch-grid": "branch_grid",
              "branch-compound": "branch_grid", "department-community": "department_community",
              "leader-community": "leader_community"}  # fmt: skip
MEMBER_KIND = "member_building"


def default_rules(platform: Platform, settings: dict[str, Any]) -> tuple[PairingRule, ...]:
    """Longgang's rules on the deployment's levels: each agency takes one subdistrict,
    members balanced ±20 %; each grid (or compound) one branch within its subdistrict,
    households balanced ±25 %. ``[plugins.assessment]`` may set ``agency_balance``,
    ``branch_balance`` and ``rotation``."""
    unit_level = platform.areas.handling_level()
    levels = platform.areas.levels()
    rules = []
    if "subdistrict" in levels:
        rules.append(PairingRule(name="agency-subdistrict", unit_kind="agency", area_level="subdistrict",
                                 units_per_area=(1, None), areas_per_unit=(1, 1),
                                 balance=settings.get("agency_balance", 0.2), balance_by="headcount",
                                 rotation=settings.get("agency_rotation", "rotate")))
    rules.append(PairingRule(name=f"branch-{unit_level}", unit_kind="branch", area_level=unit_level,
                             units_per_area=(1, 1), areas_per_unit=(1, None),
                             reach="subdistrict" if "subdistrict" in levels else None,
                             balance=settings.get("branch_balance", 0.25),
                             rotation=settings.get("branch_rotation", "keep")))
    return tuple(rules)


class InputReader:
    """Reads one deployment (or the subtree of ``root``) into a :class:`PlanInput`."""

    def __init__(self, platform: Platform, year: int, root: str) -> None:
        self.platform, self.year, self.root = platform, year, root
        self.system = Actor.system()
        self.wishes = {(r["subject_kind"], r["subject"]): r for r in
                       platform.table("assessment_wish").rows(year=year)}

    def read(self, rules: Sequence[PairingRule], previous: list[Link]) -> PlanInput:
        areas = self._areas()
        codes = {a.code for a in areas}
        orgs = [o for o in self.platform.organisations.list() if o.area_code is None or o.area_code in codes]
        agencies = [o for o in orgs if o.kind == "agency"]
        branches = [o for o in orgs if o.kind == "party_branch"]
        members, per_agency = self._members(agencies, branches, codes)
        branch_home = self._branch_homes(previous, areas)
        units = [self._unit(o, "agency", o.area_code, per_agency.get(o.code, 1), codes) for o in agencies]
        units += [self._unit(o, "branch", branch_home.get(o.code, o.area_code), 1, codes) for o in branches]
        kinds = {r.unit_kind for r in rules}
        units = [u for u in units if u.kind in kinds]
        member_rule = next((MemberRule(rule=r.name, rotation="keep") for r in rules if r.unit_kind == "branch"), None)
        unit_codes = {u.code for u in units}
        members = [m for m in members if m.unit in unit_codes] if member_rule else []
        known = codes | unit_codes | {m.login for m in members}
        previous = [k for k in previous if k.subject in known and k.area in codes]
        return PlanInput(areas=areas, units=units, rules=rules, members=members,
                         member_rule=member_rule if members else None, previous=previous)

    def _areas(self) -> list[PlanArea]:
        """The subtree of ``root``; an area without a household count adds up its children's
        (a subdistrict's households are its grids'), so balance rules have their weights."""
        found = list(self.platform.areas.subtree(self.root))
        own = {a.code: a.households for a in found}
        total: dict[str, int] = {}
        for area in sorted(found, key=lambda a: -a.path.count("/")):
            if own[area.code] is not None:
                total[area.code] = int(own[area.code])
            total.setdefault(area.code, 0)
            if area.parent_code in own and own[area.parent_code] is None:
                total[area.parent_code] = total.get(area.parent_code, 0) + total[area.code]
        areas = []
        for area in found:
            wish = self.wishes.get(("area", area.code))
            parent = None if area.code == self.root else area.parent_code
            areas.append(PlanArea(code=area.code, level=area.level, parent_code=parent,
                                  needs=tuple(wish["tags"] or ()) if wish else (), households=total[area.code]))
        return areas

    def _unit(self, org: Any, kind: str, home: str | None, size: int, codes: set[str]) -> PlanUnit:
        wish = self.wishes.get(("unit", org.code)) or {}
        tags = list(wish.get("tags") or org.profile.get("functions", []) or [])
        known = [w for w in (wish.get("prefer") or []) if w.startswith("tag:") or w in codes]
        avoid = [w for w in (wish.get("avoid") or []) if w.startswith("tag:") or w in codes]
        return PlanUnit(code=org.code, kind=kind, tags=tags, size=max(size, 1),
                        home=home if home in codes else None, prefer=known, avoid=avoid)

    def _members(self, agencies: list[Any], branches: list[Any], codes: set[str]) -> tuple[list[PlanMember], dict]:
        """In-service party members of an agency go to one of its branches (in turn, by
        login), a branch's own members to it; an agency's headcount is its members."""
        of_agency: dict[str, list[str]] = {}
        for b in sorted(branches, key=lambda o: o.code):
            if b.parent_code:
                of_agency.setdefault(b.parent_code, []).append(b.code)
        branch_codes = {b.code for b in branches}
        agency_codes = {a.code for a in agencies}
        people = sorted((m for m in self.platform.members.list(self.system, limit=None)
                         if m.active and m.party_member and m.in_service), key=lambda m: m.login)
        found, turn, per_agency = [], {}, {}
        for m in people:
            if m.org_code in agency_codes:
                per_agency[m.org_code] = per_agency.get(m.org_code, 0) + 1
            if m.org_code in branch_codes:
                unit = m.org_code
            elif m.org_code in of_agency:
                mine = of_agency[m.org_code]
                unit = mine[turn.get(m.org_code, 0) % len(mine)]
                turn[m.org_code] = turn.get(m.org_code, 0) + 1
            else:
                continue
            home = m.home_area if m.home_area in codes else None
            found.append(PlanMember(login=m.login, unit=unit, home=home))
        return found, per_agency

    def _branch_homes(self, previous: list[Link], areas: list[PlanArea]) -> dict[str, str]:
        """A branch sits where it served last year: the parent of its first area then."""
        parent = {a.code: a.parent_code for a in areas}
        homes: dict[str, str] = {}
        for link in previous:
            if link.kind == "unit" and link.subject not in homes and parent.get(link.area):
                homes[link.subject] = parent[link.area]
        return homes


def core_links(platform: Platform, rules: Sequence[PairingRule]) -> list[Link]:
    """The core's pairings of the rules' kinds (and members' buildings) as links: last
    year's plan when no plan was stored yet."""
    system = Actor.system()
    links = []
    for rule in rules:
        kind = RULE_KINDS.get(rule.name)
        if kind is None:
            continue
        links += [Link(subject=p.org_code or p.member_login, area=p.area_code)
                  for p in platform.pairings.list(system, kind=kind) if p.area_code and (p.org_code or p.member_login)]
    links += [Link(subject=p.member_login, area=p.area_code, kind="member")
              for p in platform.pairings.list(system, kind=MEMBER_KIND) if p.area_code and p.member_login]
    seen, unique = set(), []
    for link in links:
        key = (link.subject, link.area, link.kind)
        if key not in seen:
            seen.add(key)
            unique.append(link)
    return unique


def rule_kind(rule: str) -> str:
    if rule not in RULE_KINDS:
        raise ValidationError("rule", f"rule {rule} writes no core pairing; known: {', '.join(RULE_KINDS)}")
    return RULE_KINDS[rule]
