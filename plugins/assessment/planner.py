"""The pairing planner: who pairs with which area this year, and why.

>>> from gridgov.plugins.assessment.planner import plan, PlanInput, PlanArea, PlanUnit, PairingRule
>>> areas = [PlanArea(code="C", level="community"),
...          PlanArea(code="G1", level="grid", parent_code="C", households=300, needs=["elderly_care"]),
...          PlanArea(code="G2", level="grid", parent_code="C", households=320)]
>>> units = [PlanUnit(code="B1", kind="branch", tags=["elderly_care"]), PlanUnit(code="B2", kind="branch")]
>>> result = plan(PlanInput(areas=areas, units=units,
...                         rules=[PairingRule(name="branch-grid", unit_kind="branch", area_level="grid")]))
>>> result.areas_of("B1"), result.areas_of("B2")
(['G1'], ['G2'])
>>> result.unit_links[0].explanation
'B1 → G1: functions meet needs: elderly_care'

Each rule (:class:`PairingRule`) is solved on its own, part by independent part
(:mod:`.planner_scope`), after its necessary conditions are checked
(:mod:`.planner_checks`), with HiGHS (:mod:`.planner_solve`). Members are then placed in
buildings of their unit's areas, one exact assignment per unit (:mod:`.planner_members`).
A rule set that cannot hold raises :class:`PlanInfeasible` naming the rule and the reason.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
from gridgov.core import ValidationError

from .planner_checks import check_rule, scope_label
from .planner_explain import link_records, loads, notes, unit_changes
from .planner_members import place_members
from .planner_records import (
    Change,
    Link,
    Load,
    MemberLink,
    MemberRule,
    Note,
    PairingRule,
    Plan,
    PlanArea,
    PlanInfeasible,
    PlanInput,
    PlanMember,
    PlanUnit,
    Preference,
    ScopeStats,
    UnitLink,
    Weights,
)
from .planner_scope import build_scope
from .planner_solve import solve_component
from .tree import AreaTree

__all__ = [
    "Change", "Link", "Load", "MemberLink", "MemberRule", "Note", "PairingRule", "Plan", "PlanArea",
    "PlanInfeasible", "PlanInput", "PlanMember", "PlanUnit", "Preference", "ScopeStats", "UnitLink",
    "Weights", "plan",
]  # fmt: skip


# Parts of a rule are independent; below this many candidate pairs in all, starting worker
# processes costs more than it saves.
PARALLEL_PAIRS = 50_000


def plan(request: PlanInput, *, time_limit: float = 60.0, thorough: bool = False,
         workers: int | None = None) -> Plan:
    """Solve every rule of ``request`` and place the members.

    ``time_limit`` bounds each independent part's MIP in seconds. A balanced rule is solved
    from its LP relaxation (the whole part kept, the split areas solved as a MIP);
    ``thorough`` also runs the full MIP and keeps the better plan, which narrows the gap
    (``Plan.stats``) at many times the cost. ``workers`` processes (default: one per CPU)
    solve a rule's independent parts side by side where the system can fork. Raises :class:`PlanInfeasible` (a ``ValidationError``) when a rule cannot
    hold, and ``ValidationError`` for input that names unknown areas, units or rules."""
    started = time.perf_counter()
    tree = AreaTree(request.areas)
    _validate(request, tree)
    seconds: dict[str, float] = {}
    unit_links: list[UnitLink] = []
    all_loads: list[Load] = []
    all_notes: list[Note] = []
    changes: list[Change] = []
    stats: list[ScopeStats] = []
    for rule in request.rules:
        began = time.perf_counter()
        units = [u for u in request.units if u.kind == rule.unit_kind]
        fixed = [k for k in request.fixed if k.kind == "unit" and tree.level[tree.index[k.area]] == rule.area_level]
        scope = build_scope(tree, rule, units, request.previous, fixed, request.weights)
        bands = check_rule(tree, scope, fixed)
        picked = []
        for pairs, stat in _solve_parts(tree, scope, bands, time_limit, thorough, workers):
            picked.append(pairs)
            if stat.pairs:
                stats.append(stat)
        chosen = np.sort(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)
        rule_loads = loads(tree, scope, chosen, bands)
        links = link_records(tree, scope, chosen, {k.unit: k for k in rule_loads})
        unit_links += links
        all_loads += rule_loads
        all_notes += notes(tree, scope, chosen, bands)
        changes += unit_changes(tree, scope, links, request.previous)
        seconds[rule.name] = round(time.perf_counter() - began, 4)
    member_links: list[MemberLink] = []
    if request.member_rule is not None and request.members:
        began = time.perf_counter()
        rule = next(r for r in request.rules if r.name == request.member_rule.rule)
        areas_of: dict[str, list[str]] = {}
        for link in unit_links:
            if link.rule == rule.name:
                areas_of.setdefault(link.unit, []).append(link.area)
        member_links, member_diff = place_members(tree, request.member_rule, rule.unit_kind, areas_of,
                                                  request.members, request.previous, request.weights)
        changes += member_diff
        seconds["members"] = round(time.perf_counter() - began, 4)
    seconds["total"] = round(time.perf_counter() - started, 4)
    return Plan(unit_links=tuple(unit_links), member_links=tuple(member_links), loads=tuple(all_loads),
                notes=tuple(all_notes), changes=tuple(changes), stats=tuple(stats), seconds=seconds)


_PARTS: tuple | None = None


def _solve_part(component: int) -> tuple[np.ndarray, ScopeStats]:
    tree, scope, bands, time_limit, thorough = _PARTS
    return solve_component(tree, scope, bands, component, scope_label(tree, scope, component),
                           time_limit=time_limit, thorough=thorough)


def _solve_parts(tree: AreaTree, scope, bands, time_limit: float, thorough: bool,
                 workers: int | None) -> list[tuple[np.ndarray, ScopeStats]]:
    """Each independent part's chosen pairs and stats, in part order; in worker processes
    (forked, so they share the arrays) when there are several large parts."""
    global _PARTS
    count = min(workers or os.cpu_count() or 1, scope.components)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    _PARTS = (tree, scope, bands, time_limit, thorough)
    try:
        if count > 1 and forkable and len(scope.pair_unit) >= PARALLEL_PAIRS:
            with multiprocessing.get_context("fork").Pool(count) as pool:
                return pool.map(_solve_part, range(scope.components), chunksize=1)
        return [_solve_part(c) for c in range(scope.components)]
    finally:
        _PARTS = None


def _validate(request: PlanInput, tree: AreaTree) -> None:
    levels = set(tree.level)
    units: dict[str, PlanUnit] = {}
    for unit in request.units:
        if unit.code in units:
            raise ValidationError("units", f"unit {unit.code} is listed twice")
        units[unit.code] = unit
        if unit.home is not None and unit.home not in tree.index:
            raise ValidationError("home", f"unit {unit.code}: home {unit.home} is not a listed area")
        for wish in (*unit.prefer, *unit.avoid):
            if wish.area is not None and wish.area not in tree.index:
                raise ValidationError("prefer", f"unit {unit.code}: area {wish.area} is not listed")
    names = [r.name for r in request.rules]
    for rule in request.rules:
        if names.count(rule.name) > 1:
            raise ValidationError("rules", f"rule {rule.name} is listed twice")
        if rule.reach is not None and rule.reach not in levels:
            raise ValidationError("reach", f"rule {rule.name}: no area has level {rule.reach!r}")
    for link in request.fixed:
        where = f"fixed link {link.subject} → {link.area}"
        if link.kind != "unit":
            raise ValidationError("fixed", f"{where}: only unit links can be fixed")
        if link.subject not in units:
            raise ValidationError("fixed", f"{where}: {link.subject} is not a listed unit")
        if link.area not in tree.index:
            raise ValidationError("fixed", f"{where}: area {link.area} is not listed")
        level = tree.level[tree.index[link.area]]
        kind = units[link.subject].kind
        paired = [r for r in request.rules if r.unit_kind == kind]
        if not any(r.area_level == level for r in paired):
            rules = " or ".join(f"rule {r.name} pairs {r.area_level}s" for r in paired) or f"no rule pairs {kind}s"
            raise ValidationError("fixed", f"{where}: {link.area} is a {level}, {rules}")
    _validate_members(request, tree, units)


def _validate_members(request: PlanInput, tree: AreaTree, units: dict[str, PlanUnit]) -> None:
    if not request.members:
        return
    rule: MemberRule | None = request.member_rule
    if rule is None:
        raise ValidationError("member_rule", "members are given but no member rule says where they go")
    pairing: PairingRule | None = next((r for r in request.rules if r.name == rule.rule), None)
    if pairing is None:
        raise ValidationError("member_rule", f"rule {rule.rule} is not among the pairing rules")
    if pairing.areas_per_unit[0] < 1:
        raise ValidationError("member_rule", f"rule {pairing.name}: members need every {pairing.unit_kind} to take "
                                             f"at least one {pairing.area_level} (areas_per_unit minimum 1)")
    logins: set[str] = set()
    for member in request.members:
        if member.login in logins:
            raise ValidationError("members", f"member {member.login} is listed twice")
        logins.add(member.login)
        unit = units.get(member.unit)
        if unit is None:
            raise ValidationError("unit", f"member {member.login}: unit {member.unit} is not listed")
        if unit.kind != pairing.unit_kind:
            raise ValidationError("unit", f"member {member.login}: unit {member.unit} is a {unit.kind}, "
                                          f"rule {pairing.name} pairs {pairing.unit_kind}s")
        if member.home is not None and member.home not in tree.index:
            raise ValidationError("home", f"member {member.login}: home {member.home} is not a listed area")
