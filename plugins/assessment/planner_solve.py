"""Solving one independent part of a pairing rule with HiGHS (through SciPy).

The model: one 0/1 variable per candidate pair; rows bound the units per area, the areas
per unit and, with a balance rule, the households per unit (or the weight of units sharing
an area); fixed links are variables with lower bound 1. The objective sums the pairs'
points (:mod:`.planner_scope`).

With balance off the rows form a transportation problem, so the LP relaxation is already
whole and optimal. With balance on it is a generalised assignment problem: the LP
relaxation is solved first (a few tenths of a second at a subdistrict's 100 branches × 364
grids), its whole part kept, and only the areas it split are solved as a MIP; the LP value
bounds the result, so the gap reported is proven. When that repair fails (or when asked
to be thorough) the full MIP runs under ``time_limit``. A model with no solution is
diagnosed by dropping one rule at a time and solving again.
"""

from __future__ import annotations

import math
import time

import attrs
import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix

from .planner_checks import Bands, counted
from .planner_records import PlanInfeasible, ScopeStats
from .planner_scope import RuleScope
from .tree import AreaTree

WHOLE = 1e-6
GROUPS = ("units_per_area", "areas_per_unit", "balance", "fixed")
# The repair MIP first offers each split area only its cheapest units (and those the LP
# used): a tenth of the variables, solved in a fraction of the time; all units if that fails.
REPAIR_SHORTLIST = 15


@attrs.define
class Model:
    """One component's rows: ``group[r]`` names the rule row ``r`` comes from."""

    pairs: np.ndarray
    cost: np.ndarray
    matrix: csc_matrix
    low: np.ndarray
    high: np.ndarray
    group: np.ndarray
    fixed: np.ndarray


def build_model(tree: AreaTree, scope: RuleScope, bands: Bands, component: int) -> Model:
    rule = scope.rule
    pairs = np.nonzero(scope.component == component)[0]
    units = np.nonzero(scope.unit_component == component)[0]
    areas = np.nonzero(scope.area_component == component)[0]
    u_local = np.full(len(scope.units), -1)
    u_local[units] = np.arange(len(units))
    a_local = np.full(len(scope.area_rows), -1)
    a_local[areas] = np.arange(len(areas))
    pu, pa = u_local[scope.pair_unit[pairs]], a_local[scope.pair_area[pairs]]
    cols = np.arange(len(pairs))
    lo_a, hi_a = rule.units_per_area
    lo_u, hi_u = rule.areas_per_unit
    rows, vals, low, high, group = [pa], [np.ones(len(pairs))], [np.full(len(areas), lo_a)], \
        [np.full(len(areas), math.inf if hi_a is None else hi_a)], [np.full(len(areas), 0)]
    offset = len(areas)
    rows.append(offset + pu)
    vals.append(np.ones(len(pairs)))
    low.append(np.full(len(units), lo_u))
    high.append(np.full(len(units), math.inf if hi_u is None else hi_u))
    group.append(np.full(len(units), 1))
    offset += len(units)
    if bands.shape == "unit":
        rows.append(offset + pu)
        vals.append(tree.households[scope.area_rows[scope.pair_area[pairs]]].astype(float))
        low.append(bands.unit_low[units])
        high.append(bands.unit_high[units])
        group.append(np.full(len(units), 2))
        offset += len(units)
    elif bands.shape == "area":
        rows.append(offset + pa)
        vals.append(scope.weight[scope.pair_unit[pairs]].astype(float))
        low.append(bands.area_low[areas])
        high.append(bands.area_high[areas])
        group.append(np.full(len(areas), 2))
        offset += len(areas)
    matrix = csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.tile(cols, len(rows)))),
                        shape=(offset, len(pairs)))
    return Model(pairs=pairs, cost=scope.cost[pairs], matrix=matrix, low=np.concatenate(low).astype(float),
                 high=np.concatenate(high).astype(float), group=np.concatenate(group), fixed=scope.fixed[pairs])


def _run(model: Model, *, whole: bool, time_limit: float, gap: float, drop: str | None = None,
         free: np.ndarray | None = None, values: np.ndarray | None = None):
    """Solve ``model`` (or, with ``free``, only those variables, the rest held at
    ``values``); ``drop`` leaves one rule group out. None when the rows cannot hold."""
    keep_rows = model.group != GROUPS.index(drop) if drop in GROUPS[:3] else np.ones(len(model.group), dtype=bool)
    matrix, low, high = model.matrix, model.low, model.high
    lower = np.where(model.fixed & (drop != "fixed"), 1.0, 0.0)
    cost = model.cost
    if free is not None:
        held = matrix[:, ~free] @ values[~free]
        matrix, low, high, lower, cost = matrix[:, free], low - held, high - held, lower[free], cost[free]
        touched = np.diff(matrix.tocsr().indptr) > 0
        if np.any(~touched & keep_rows & ((low > WHOLE) | (high < -WHOLE))):
            return None
        keep_rows = keep_rows & touched
    matrix = matrix.tocsr()[keep_rows]
    constraints = [LinearConstraint(matrix, low[keep_rows], high[keep_rows])] if matrix.shape[0] else []
    options = {"time_limit": max(time_limit, 0.1), "mip_rel_gap": gap, "presolve": True}
    result = milp(cost, constraints=constraints, integrality=np.full(len(cost), 1 if whole else 0),
                  bounds=Bounds(lower, np.ones(len(cost))), options=options)
    return result if result.x is not None else None


def solve_component(tree: AreaTree, scope: RuleScope, bands: Bands, component: int, label: str, *,
                    time_limit: float, thorough: bool) -> tuple[np.ndarray, ScopeStats]:
    """The chosen pairs (indices into the scope's pair arrays) of one component.

    The LP relaxation comes first; when it splits areas, its whole part is kept and the
    split areas are solved as a MIP ("lp+mip"). ``thorough`` then also runs the full MIP
    under ``time_limit`` and keeps the better plan; the full MIP also runs when the
    repair finds nothing."""
    started = time.perf_counter()
    model = build_model(tree, scope, bands, component)
    if len(model.pairs) == 0:
        return model.pairs, _stats(scope, model, label, "lp", 0.0, 0.0, started)
    lp = _run(model, whole=False, time_limit=time_limit, gap=1e-4)
    if lp is None:
        diagnose(scope, model, label, whole=False, time_limit=time_limit)
    x = lp.x
    split = (x > WHOLE) & (x < 1 - WHOLE)
    bound = float(lp.fun)
    if not split.any():
        chosen = x > 0.5
        return model.pairs[chosen], _stats(scope, model, label, "lp", float(model.cost[chosen].sum()), bound, started)
    split_areas = np.unique(scope.pair_area[model.pairs[split]])
    free = np.isin(scope.pair_area[model.pairs], split_areas)
    values = np.where(free, 0.0, np.round(x))
    if bands.shape == "unit":
        free &= (_room(tree, scope, bands, model, values) >= 0) | model.fixed
    best, method = None, "lp+mip"
    for shortlist in (REPAIR_SHORTLIST, None):
        chosen_free = free if shortlist is None else _shortlist(model, scope, free, x, shortlist)
        repair = _run(model, whole=True, time_limit=time_limit, gap=1e-3, free=chosen_free, values=values)
        if repair is not None:
            values[chosen_free] = np.round(repair.x)
            best = values > 0.5
            break
    if best is None or thorough:
        left = time_limit - (time.perf_counter() - started)
        full = _run(model, whole=True, time_limit=left, gap=1e-3)
        if full is not None:
            whole = np.round(full.x) > 0.5
            if best is None or model.cost[whole].sum() < model.cost[best].sum():
                best, method = whole, "mip"
            dual = getattr(full, "mip_dual_bound", None)
            if dual is not None and np.isfinite(dual):
                bound = max(bound, float(dual))
        elif best is None:
            if time.perf_counter() - started < time_limit * 0.95:
                diagnose(scope, model, label, whole=True, time_limit=time_limit)
            raise PlanInfeasible(f"{scope.rule.name}.solver", f"{label}: no plan found within {time_limit:g} s; "
                                                              f"loosen the balance or allow more time")
    objective = float(model.cost[best].sum())
    return model.pairs[best], _stats(scope, model, label, method, objective, min(bound, objective), started)


def _shortlist(model: Model, scope: RuleScope, free: np.ndarray, x: np.ndarray, size: int) -> np.ndarray:
    """The free pairs the LP used, and each split area's ``size`` cheapest free pairs."""
    keep = free & ((x > WHOLE) | model.fixed)
    areas = scope.pair_area[model.pairs]
    order = np.lexsort((model.cost, areas))
    ranked = order[free[order]]
    firsts = np.r_[0, np.nonzero(np.diff(areas[ranked]))[0] + 1]
    position = np.arange(len(ranked)) - np.repeat(firsts, np.diff(np.r_[firsts, len(ranked)]))
    keep[ranked[position < size]] = True
    return keep


def _room(tree: AreaTree, scope: RuleScope, bands: Bands, model: Model, values: np.ndarray) -> np.ndarray:
    """Per pair: households its unit could still take under its band, less the area's."""
    units = scope.pair_unit[model.pairs]
    households = tree.households[scope.area_rows[scope.pair_area[model.pairs]]].astype(float)
    held = np.bincount(units, weights=households * values, minlength=len(scope.units))
    return bands.unit_high[units] - held[units] - households


def _gap(objective: float, bound: float) -> float:
    return (objective - bound) / max(abs(bound), 1.0)


def _stats(scope: RuleScope, model: Model, label: str, method: str, objective: float, bound: float,
           started: float) -> ScopeStats:
    units = len(np.unique(scope.pair_unit[model.pairs]))
    areas = len(np.unique(scope.pair_area[model.pairs]))
    return ScopeStats(rule=scope.rule.name, scope=label, units=units, areas=areas, pairs=len(model.pairs),
                      method=method, objective=objective, bound=bound, gap=round(_gap(objective, bound), 6),
                      seconds=round(time.perf_counter() - started, 4))


def describe(scope: RuleScope, group: str) -> str:
    rule = scope.rule
    kind, level = rule.unit_kind, rule.area_level
    if group == "units_per_area":
        return f"{counted(rule.units_per_area, kind)} per {level}"
    if group == "areas_per_unit":
        return f"{counted(rule.areas_per_unit, level)} per {kind}"
    if group == "balance":
        per = "member" if rule.balance_by == "headcount" else kind
        return f"households per {per} within ±{rule.balance:.0%} of the mean"
    return "the fixed links"


def diagnose(scope: RuleScope, model: Model, label: str, *, whole: bool, time_limit: float) -> None:
    """Raise :class:`PlanInfeasible` naming the rule whose removal alone makes a plan possible."""
    present = [g for g in GROUPS if (g == "fixed" and model.fixed.any()) or
               (g != "fixed" and np.any(model.group == GROUPS.index(g)))]
    culprits = [g for g in present
                if _run(model, whole=whole, time_limit=min(time_limit, 10.0), gap=0.05, drop=g) is not None]
    if culprits:
        first = culprits[0]
        also = "" if len(culprits) == 1 else "; so would dropping " + " or ".join(describe(scope, g) for g in culprits[1:])
        raise PlanInfeasible(f"{scope.rule.name}.{first}",
                             f"{label}: no plan keeps every rule; {describe(scope, first)} cannot hold with the "
                             f"others (without it a plan exists{also})")
    raise PlanInfeasible(f"{scope.rule.name}.rules",
                         f"{label}: no plan keeps every rule, and dropping any one of "
                         f"{', '.join(describe(scope, g) for g in present)} alone does not help")
