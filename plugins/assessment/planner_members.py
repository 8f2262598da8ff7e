"""Placing each unit's members in buildings of the unit's areas: one small assignment per unit.

Once units have their areas, members of different units never compete, so each unit is
its own problem: members × building places, solved exactly with SciPy's
``linear_sum_assignment``. A building offers places 0, 1, 2, … (up to its cap); a member
pays ``distance`` points per step from home, the first place of a building earns the
``cover`` bonus when covering is on, and each later place costs ``spread`` more than the
one before, so every building gets a member before any gets a second, nearest first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .planner_checks import plural
from .planner_explain import steps
from .planner_records import (
    Change,
    Link,
    MemberLink,
    MemberRule,
    PlanInfeasible,
    PlanMember,
    Weights,
)
from .tree import AreaTree


def place_members(tree: AreaTree, rule: MemberRule, kind: str, areas_of: dict[str, list[str]],
                  members: Sequence[PlanMember], previous: Sequence[Link],
                  weights: Weights) -> tuple[list[MemberLink], list[Change]]:
    by_unit: dict[str, list[PlanMember]] = {}
    for member in members:
        by_unit.setdefault(member.unit, []).append(member)
    last = {k.subject: k.area for k in previous if k.kind == "member"}
    buildings_all = np.array(tree.at_level(rule.building_level), dtype=np.int64)
    links: list[MemberLink] = []
    for unit, crew in by_unit.items():
        areas = areas_of.get(unit, [])
        inside = np.zeros(len(buildings_all), dtype=bool)
        for code in areas:
            inside |= tree.is_under(buildings_all, tree.index[code])
        buildings = buildings_all[inside]
        links += _place_unit(tree, rule, kind, unit, areas, crew, buildings, last, weights)
    return links, member_changes(rule, members, links, last, tree, areas_of)


def _place_unit(tree: AreaTree, rule: MemberRule, kind: str, unit: str, areas: list[str],
                crew: list[PlanMember], buildings: np.ndarray, last: dict[str, str],
                weights: Weights) -> list[MemberLink]:
    name = f"{rule.rule}.members"
    n = len(crew)
    if len(buildings) == 0:
        where = ", ".join(areas) if areas else "no area"
        verb = "has" if len(areas) == 1 else "have"
        raise PlanInfeasible(name, f"{kind} {unit}'s {plural('area', len(areas))} ({where}) {verb} no "
                                   f"{plural(rule.building_level)} for its {n} {plural('member', n)}")
    cap = min(rule.max_per_building or n, n)
    if cap * len(buildings) < n:
        raise PlanInfeasible(name, f"{kind} {unit} has {n} members but its {len(buildings)} "
                                   f"{plural(rule.building_level, len(buildings))} take at most {cap} each "
                                   f"({cap * len(buildings)})")
    homes = np.array([tree.index[m.home] if m.home else -1 for m in crew], dtype=np.int64)
    has_home = homes >= 0
    dist = np.zeros((n, len(buildings)), dtype=np.int64)
    if has_home.any():
        rows, cols = np.nonzero(np.broadcast_to(has_home[:, None], dist.shape))
        dist[rows, cols] = tree.distances(homes[rows], buildings[cols])
    kept = np.zeros((n, len(buildings)), dtype=bool)
    for i, member in enumerate(crew):
        if member.login in last and last[member.login] in tree.index:
            kept[i] = buildings == tree.index[last[member.login]]
    base = weights.distance * dist
    if rule.rotation == "keep":
        base = base - weights.keep * kept
    elif rule.rotation == "rotate":
        base = base + weights.keep * kept
    place = np.arange(cap)
    extra = weights.spread * place - (weights.cover if rule.cover else 0) * (place == 0)
    cost = (base[:, :, None] + extra[None, None, :]).reshape(n, len(buildings) * cap)
    rows, cols = linear_sum_assignment(cost)
    chosen = cols // cap
    count = np.bincount(chosen, minlength=len(buildings))
    rows_of = {tree.index[code]: code for code in areas}
    area_of = {int(b): next(rows_of[int(r)] for r in tree.ancestors[:, b] if int(r) in rows_of)
               for b in buildings[np.unique(chosen)]}
    links = []
    for i, b in zip(rows.tolist(), chosen.tolist(), strict=True):
        member = crew[i]
        building = int(buildings[b])
        grid = area_of[building]
        links.append(MemberLink(login=member.login, unit=unit, building=tree.codes[building], area=grid,
                                distance=int(dist[i, b]) if has_home[i] else None,
                                explanation=_explain(tree, rule, member, i, b, buildings, dist, has_home, kept,
                                                     count, grid)))
    return links


def _explain(tree: AreaTree, rule: MemberRule, member: PlanMember, i: int, b: int, buildings: np.ndarray,
             dist: np.ndarray, has_home: np.ndarray, kept: np.ndarray, count: np.ndarray, grid: str) -> str:
    code = tree.codes[int(buildings[b])]
    reasons = [f"{rule.building_level} {code} of {grid}"]
    if has_home[i]:
        nearest = int(dist[i].min())
        if dist[i, b] == nearest:
            reasons.append(f"nearest to home {member.home} ({steps(nearest)})")
        else:
            why = "every building gets a member before any gets two" if rule.cover else "buildings spread evenly"
            if rule.max_per_building:
                why += f", at most {rule.max_per_building} each"
            reasons.append(f"{steps(int(dist[i, b]))} from home {member.home}; nearer ones ({steps(nearest)}) "
                           f"went to other members ({why})")
    else:
        reasons.append("no home given")
    if kept[i, b]:
        reasons.append("same building as last year")
    if count[b] > 1:
        reasons.append(f"shared with {count[b] - 1} other {plural('member', int(count[b]) - 1)}")
    elif rule.cover:
        reasons.append(f"the {rule.building_level}'s only member")
    return f"{member.login} → {code}: " + "; ".join(reasons)


def member_changes(rule: MemberRule, members: Sequence[PlanMember], links: Sequence[MemberLink],
                   last: dict[str, str], tree: AreaTree, areas_of: dict[str, list[str]]) -> list[Change]:
    placed = {k.login: k for k in links}
    changes = []
    for member in members:
        link = placed[member.login]
        before = last.get(member.login)
        why = link.explanation.split(": ", 1)[1]
        if before is None:
            changes.append(Change(rule=rule.rule, kind="member", subject=member.login, change="new", before=None,
                                  after=link.building, why=f"no building last year; {why}"))
        elif before == link.building:
            changes.append(Change(rule=rule.rule, kind="member", subject=member.login, change="kept",
                                  before=before, after=before, why=why))
        else:
            gone = "no longer listed" if before not in tree.index else \
                f"{before} is not under the areas of {member.unit} now" if not _under_any(tree, before, areas_of[member.unit]) \
                else f"{before} went to another member or the nearer choice changed"
            changes.append(Change(rule=rule.rule, kind="member", subject=member.login, change="rotated",
                                  before=before, after=link.building, why=f"{gone}; {why}"))
    known = {m.login for m in members}
    for login, before in last.items():
        if login not in known:
            changes.append(Change(rule=rule.rule, kind="member", subject=login, change="ended", before=before,
                                  after=None, why=f"member {login} is no longer listed"))
    return changes


def _under_any(tree: AreaTree, building: str, areas: list[str]) -> bool:
    above = set(tree.ancestors[:, tree.index[building]].tolist())
    return any(tree.index[code] in above for code in areas)
