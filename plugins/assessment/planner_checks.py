"""Necessary conditions of each rule, checked before solving, and the balance bands.

A rule set that no plan can keep fails here with a sentence a planner can act on ("3–5
departments per community needs at least 63 departments for 21 communities; 40 given",
"grid G has no branch within reach"). What these counts cannot see, the solver finds by
relaxing one rule at a time (:mod:`.planner_solve`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np
from gridgov.core import ValidationError

from .planner_records import Link, PairingRule, PlanInfeasible
from .planner_scope import RuleScope
from .tree import AreaTree

INF = math.inf


def plural(word: str, n: int = 2) -> str:
    if n == 1:
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def span(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    return str(low) if low == high else f"{low}–{high}"


def counted(bounds: tuple[int, int | None], word: str) -> str:
    """``(3, 5), "department"`` → "3–5 departments"; ``(1, 1), "branch"`` → "1 branch"."""
    low, high = bounds
    return f"{span(low, high)} {plural(word, 1 if low == high == 1 else 2)}"


@attrs.define
class Bands:
    """The balance rule turned into bounds: per unit on the households it takes (shape
    "unit": one unit per area), or per area on the weight of units sharing it (shape
    "area": one area per unit). ``mean`` is households per weight, per component."""

    shape: str | None
    tolerance: float | None
    mean: np.ndarray
    unit_low: np.ndarray | None = None
    unit_high: np.ndarray | None = None
    area_low: np.ndarray | None = None
    area_high: np.ndarray | None = None


def balance_shape(rule: PairingRule) -> str | None:
    if rule.balance is None:
        return None
    if tuple(rule.units_per_area) == (1, 1):
        return "unit"
    if tuple(rule.areas_per_unit) == (1, 1) and rule.units_per_area[0] >= 1:
        return "area"
    raise ValidationError("balance", f"rule {rule.name}: balance needs each {rule.area_level} to take exactly one "
                                     f"{rule.unit_kind}, or each {rule.unit_kind} exactly one {rule.area_level}")


def scope_label(tree: AreaTree, scope: RuleScope, component: int) -> str:
    roots = list(dict.fromkeys(scope.reach_root[scope.unit_component == component].tolist()))
    if len(roots) == 1 and roots[0] >= 0:
        return f"{tree.level[roots[0]]} {tree.codes[roots[0]]}"
    if scope.components == 1:
        return "all areas"
    areas = np.nonzero(scope.area_component == component)[0]
    first = scope.area_code(tree, int(areas[0])) if len(areas) else "?"
    return f"the {len(areas)} {plural(scope.rule.area_level, len(areas))} from {first}"


def check_rule(tree: AreaTree, scope: RuleScope, fixed: Sequence[Link]) -> Bands:
    rule = scope.rule
    shape = balance_shape(rule)
    _check_counts(tree, scope)
    _check_reach(tree, scope)
    _check_fixed(tree, scope, fixed)
    return _bands(tree, scope, shape)


def _limits(scope: RuleScope) -> tuple[int, float, int, float]:
    lo_a, hi_a = scope.rule.units_per_area
    lo_u, hi_u = scope.rule.areas_per_unit
    return lo_a, INF if hi_a is None else hi_a, lo_u, INF if hi_u is None else hi_u


def _check_counts(tree: AreaTree, scope: RuleScope) -> None:
    rule = scope.rule
    lo_a, hi_a, lo_u, hi_u = _limits(scope)
    nu, na = len(scope.units), len(scope.area_rows)
    kind, level = rule.unit_kind, rule.area_level
    per_area = f"{counted(rule.units_per_area, kind)} per {level}"
    if lo_a * na > hi_u * nu:
        if hi_u == 1:
            reason = (f"{per_area} needs at least {lo_a * na} {plural(kind)} for {na} {plural(level, na)}; "
                      f"{nu} given")
        else:
            reason = (f"{per_area} needs at least {lo_a * na} links for {na} {plural(level, na)}; {nu} "
                      f"{plural(kind, nu)} take at most {int(hi_u * nu)} ({int(hi_u)} {plural(level, int(hi_u))} each)")
        raise PlanInfeasible(f"{rule.name}.units_per_area", reason)
    if lo_u * nu > hi_a * na:
        reason = (f"each {kind} takes {counted(rule.areas_per_unit, level)}: {nu} {plural(kind, nu)} need "
                  f"at least {lo_u * nu} links; {na} {plural(level, na)} take at most {int(hi_a * na)} "
                  f"({int(hi_a)} {plural(kind, int(hi_a))} each)")
        raise PlanInfeasible(f"{rule.name}.areas_per_unit", reason)


def _check_reach(tree: AreaTree, scope: RuleScope) -> None:
    rule = scope.rule
    lo_a, hi_a, lo_u, hi_u = _limits(scope)
    kind, level = rule.unit_kind, rule.area_level
    name = f"{rule.name}.reach" if rule.reach else f"{rule.name}.units_per_area"
    where = f" (reach: {rule.reach})" if rule.reach else ""
    per_area = np.bincount(scope.pair_area, minlength=len(scope.area_rows))
    short = np.nonzero(per_area < lo_a)[0]
    if len(short):
        a = int(short[0])
        have = int(per_area[a])
        code = scope.area_code(tree, a)
        text = f"{level} {code} has no {kind} within reach{where}" if have == 0 else \
            f"{level} {code} has {have} {plural(kind, have)} within reach{where}, needs {lo_a}"
        raise PlanInfeasible(name, text)
    per_unit = np.bincount(scope.pair_unit, minlength=len(scope.units))
    short = np.nonzero(per_unit < lo_u)[0]
    if len(short):
        unit = scope.units[int(short[0])]
        have = int(per_unit[int(short[0])])
        home = f" (home {unit.home})" if unit.home else ""
        text = f"{kind} {unit.code}{home} has no {level} within reach{where}" if have == 0 else \
            f"{kind} {unit.code}{home} has {have} {plural(level, have)} within reach{where}, needs {lo_u}"
        raise PlanInfeasible(f"{rule.name}.reach" if rule.reach else f"{rule.name}.areas_per_unit", text)
    if scope.components <= 1:
        return
    take_u = np.minimum(per_unit, hi_u)
    take_a = np.minimum(per_area, hi_a)
    for c in range(scope.components):
        units = scope.unit_component == c
        areas = scope.area_component == c
        need, give = lo_a * int(areas.sum()), float(take_u[units].sum())
        if need > give:
            n_u, n_a = int(units.sum()), int(areas.sum())
            raise PlanInfeasible(name, f"{scope_label(tree, scope, c)}: {n_a} {plural(level, n_a)} need at least "
                                       f"{need} links; its {n_u} {plural(kind, n_u)} take at most {int(give)}")
        need, give = lo_u * int(units.sum()), float(take_a[areas].sum())
        if need > give:
            n_u, n_a = int(units.sum()), int(areas.sum())
            raise PlanInfeasible(name, f"{scope_label(tree, scope, c)}: {n_u} {plural(kind, n_u)} need at least "
                                       f"{need} links; its {n_a} {plural(level, n_a)} take at most {int(give)}")


def _check_fixed(tree: AreaTree, scope: RuleScope, fixed: Sequence[Link]) -> None:
    rule = scope.rule
    _, hi_a, _, hi_u = _limits(scope)
    local = {u.code: i for i, u in enumerate(scope.units)}
    pinned = {(int(u), int(a)) for u, a in zip(scope.pair_unit[scope.fixed], scope.pair_area[scope.fixed], strict=True)}
    for link in fixed:
        if link.kind != "unit" or link.subject not in local:
            continue
        u = local[link.subject]
        a = int(np.nonzero(scope.area_rows == tree.index[link.area])[0][0])
        if (u, a) not in pinned:
            root = int(scope.reach_root[u])
            raise PlanInfeasible(f"{rule.name}.fixed", f"fixed link {link.subject} → {link.area}: {link.area} is outside "
                                                       f"the reach of {link.subject} ({tree.level[root]} {tree.codes[root]})")
    per_unit = np.bincount(scope.pair_unit[scope.fixed], minlength=len(scope.units))
    over = np.nonzero(per_unit > hi_u)[0]
    if len(over):
        u = int(over[0])
        raise PlanInfeasible(f"{rule.name}.fixed", f"{per_unit[u]} fixed links for {rule.unit_kind} "
                                                   f"{scope.units[u].code}; it takes at most {int(hi_u)}")
    per_area = np.bincount(scope.pair_area[scope.fixed], minlength=len(scope.area_rows))
    over = np.nonzero(per_area > hi_a)[0]
    if len(over):
        a = int(over[0])
        raise PlanInfeasible(f"{rule.name}.fixed", f"{per_area[a]} fixed links to {rule.area_level} "
                                                   f"{scope.area_code(tree, a)}; it takes at most {int(hi_a)}")


def _bands(tree: AreaTree, scope: RuleScope, shape: str | None) -> Bands:
    rule = scope.rule
    households = tree.households[scope.area_rows]
    comps = max(scope.components, 1)
    h_sum = np.bincount(scope.area_component, weights=households, minlength=comps)
    w_sum = np.bincount(scope.unit_component, weights=scope.weight, minlength=comps)
    mean = np.divide(h_sum, w_sum, out=np.zeros(comps), where=w_sum > 0)
    bands = Bands(shape=shape, tolerance=rule.balance, mean=mean)
    if shape is None:
        return bands
    t = float(rule.balance)
    name = f"{rule.name}.balance"
    kind, level = rule.unit_kind, rule.area_level
    per = "member" if rule.balance_by == "headcount" else kind
    if shape == "unit":
        target = mean[scope.unit_component] * scope.weight
        bands.unit_low = np.ceil(target * (1 - t) - 1e-9)
        bands.unit_high = np.floor(target * (1 + t) + 1e-9)
        h_pair = households[scope.pair_area]
        best_high = np.full(len(scope.area_rows), -1.0)
        np.maximum.at(best_high, scope.pair_area, bands.unit_high[scope.pair_unit])
        too_big = np.nonzero(households > best_high)[0]
        if len(too_big):
            a = int(too_big[0])
            raise PlanInfeasible(name, f"{level} {scope.area_code(tree, a)}'s {households[a]:,} households exceed the "
                                       f"band of every {kind} within reach (at most {int(best_high[a]):,}: ±{t:.0%} of "
                                       f"{mean[scope.area_component[a]]:,.0f} per {per})")
        reach = np.bincount(scope.pair_unit, weights=h_pair, minlength=len(scope.units))
        short = np.nonzero(reach < bands.unit_low)[0]
        if len(short):
            u = int(short[0])
            raise PlanInfeasible(name, f"{kind} {scope.units[u].code} reaches only {int(reach[u]):,} households, "
                                       f"needs at least {int(bands.unit_low[u]):,} (±{t:.0%} of "
                                       f"{mean[scope.unit_component[u]]:,.0f} per {per})")
        pinned = np.bincount(scope.pair_unit[scope.fixed], weights=h_pair[scope.fixed], minlength=len(scope.units))
        over = np.nonzero(pinned > bands.unit_high)[0]
        if len(over):
            u = int(over[0])
            raise PlanInfeasible(name, f"fixed links give {kind} {scope.units[u].code} {int(pinned[u]):,} households, "
                                       f"above its band's {int(bands.unit_high[u]):,}")
        return bands
    m = mean[scope.area_component]
    bands.area_low = np.ceil(households / (m * (1 + t)) - 1e-9)
    bands.area_high = np.floor(households / (m * (1 - t)) + 1e-9) if t < 1 else np.full(len(households), INF)
    reach_w = np.bincount(scope.pair_area, weights=scope.weight[scope.pair_unit], minlength=len(scope.area_rows))
    lo_a, hi_a = rule.units_per_area
    for a in range(len(scope.area_rows)):
        low, high = bands.area_low[a], bands.area_high[a]
        if rule.balance_by == "unit":
            low, high = max(low, lo_a), min(high, INF if hi_a is None else hi_a)
        if low > high or low > reach_w[a]:
            count = "members" if rule.balance_by == "headcount" else plural(kind)
            limits = "" if rule.balance_by == "headcount" else f" within {span(*rule.units_per_area)}"
            raise PlanInfeasible(name, f"{level} {scope.area_code(tree, a)}'s {households[a]:,} households cannot be "
                                       f"shared within ±{t:.0%} of {m[a]:,.0f} per {per} by any whole number of "
                                       f"{count}{limits} within reach (it would take {bands.area_low[a]:.0f}–"
                                       f"{bands.area_high[a]:.0f})")
    return bands
