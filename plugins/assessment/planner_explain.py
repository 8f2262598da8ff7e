"""Why each link is there, what could not be given, and what changed from last year.

The reasons repeat the facts the solver weighed for the pair (fixed, wish, needs met,
avoided, distance, last year's link, the unit's load against its band). A wish the plan
did not meet gets a note naming the first obstacle found: out of reach, the area's places
taken, the balance band, or, failing those, the trade-off with other units' points.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .planner_checks import Bands, counted, plural
from .planner_records import Change, Link, Load, Note, PlanUnit, UnitLink
from .planner_scope import RuleScope, need_index, wish_mask
from .tree import AreaTree


def loads(tree: AreaTree, scope: RuleScope, chosen: np.ndarray, bands: Bands) -> list[Load]:
    rule = scope.rule
    households = tree.households[scope.area_rows]
    weight_on = np.bincount(scope.pair_area[chosen], weights=scope.weight[scope.pair_unit[chosen]],
                            minlength=len(scope.area_rows))
    total = np.zeros(len(scope.units))
    shared = np.zeros(len(scope.units))
    np.add.at(total, scope.pair_unit[chosen], households[scope.pair_area[chosen]])
    np.add.at(shared, scope.pair_unit[chosen], households[scope.pair_area[chosen]] / weight_on[scope.pair_area[chosen]])
    found = []
    for u, unit in enumerate(scope.units):
        mean = float(bands.mean[scope.unit_component[u]]) if len(bands.mean) else 0.0
        t = rule.balance
        found.append(Load(rule=rule.name, unit=unit.code, households=int(total[u]), load=round(float(shared[u]), 3),
                          target=round(mean, 3), low=None if t is None else round(mean * (1 - t), 3),
                          high=None if t is None else round(mean * (1 + t), 3)))
    return found


def link_records(tree: AreaTree, scope: RuleScope, chosen: np.ndarray, load_of: dict[str, Load]) -> list[UnitLink]:
    rule = scope.rule
    links = []
    for p in chosen.tolist():
        unit = scope.units[int(scope.pair_unit[p])]
        area = tree.areas[int(scope.area_rows[scope.pair_area[p]])]
        reasons = []
        if scope.fixed[p]:
            reasons.append("fixed in advance")
        rank = int(scope.wish_rank[p])
        if rank:
            reasons.append(f"wish #{rank} of {len(unit.prefer)} ({unit.prefer[rank - 1].label})")
        met = [t for t in unit.tags if t in area.needs]
        if met:
            reasons.append("functions meet needs: " + ", ".join(met))
        if scope.avoided[p]:
            named = [w.label for w in unit.avoid if _names(tree, w, area.code)]
            reasons.append(f"avoided ({', '.join(named)}), but no plan within the rules spares it at less cost")
        if scope.distance[p] >= 0:
            reasons.append(f"{steps(int(scope.distance[p]))} from home {unit.home}")
        if scope.last_year[p]:
            reasons.append({"keep": "kept from last year (rotation: keep)",
                            "rotate": "kept from last year although rotation favours a change",
                            "neutral": "same as last year"}[rule.rotation])
        if not (rank or met or scope.fixed[p]):
            reasons.append(f"every {rule.area_level} takes {counted(rule.units_per_area, rule.unit_kind)}")
        load = load_of[unit.code]
        if load.low is not None:
            per = "member" if rule.balance_by == "headcount" else rule.unit_kind
            reasons.append(f"load {load.load:,.0f} households per {per} (band {load.low:,.0f}–{load.high:,.0f})")
        links.append(UnitLink(rule=rule.name, unit=unit.code, area=area.code, reasons=tuple(reasons),
                              explanation=f"{unit.code} → {area.code}: " + "; ".join(reasons)))
    return links


def steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _names(tree: AreaTree, wish, code: str) -> bool:
    if wish.tag is not None:
        return wish.tag in tree.areas[tree.index[code]].needs
    if wish.area not in tree.index:
        return False
    return bool(tree.is_under(np.array([tree.index[code]]), tree.index[wish.area])[0])


def notes(tree: AreaTree, scope: RuleScope, chosen: np.ndarray, bands: Bands) -> list[Note]:
    """A note for each unit none of whose wishes was met, explaining its first wish."""
    rule = scope.rule
    picked = np.zeros(len(scope.pair_unit), dtype=bool)
    picked[chosen] = True
    holders: dict[int, list[int]] = {}
    for p in chosen.tolist():
        holders.setdefault(int(scope.pair_area[p]), []).append(int(scope.pair_unit[p]))
    starts = np.searchsorted(scope.pair_unit, np.arange(len(scope.units) + 1))
    needs_of = need_index(tree, scope.area_rows)
    households = tree.households[scope.area_rows]
    found = []
    for u, unit in enumerate(scope.units):
        mine = np.arange(starts[u], starts[u + 1])
        if unit.prefer and not np.any(scope.wish_rank[mine][picked[mine]] > 0):
            why = _why_not(tree, scope, u, unit, mine, picked, holders, households, bands, needs_of)
            found.append(Note(rule=rule.name, subject=unit.code,
                              text=f"wish #1 ({unit.prefer[0].label}) not met: {why}"))
    return found


def _why_not(tree: AreaTree, scope: RuleScope, u: int, unit: PlanUnit, mine: np.ndarray, picked: np.ndarray,
             holders: dict[int, list[int]], households: np.ndarray, bands: Bands,
             needs_of: dict[str, np.ndarray]) -> str:
    rule = scope.rule
    kind, level = rule.unit_kind, rule.area_level
    wish = unit.prefer[0]
    anywhere = wish_mask(tree, scope.area_rows, wish, needs_of)
    if not anywhere.any():
        return f"no {level} needs {wish.tag!r}" if wish.tag else f"it names no {level}"
    hits = mine[scope.wish_rank[mine] == 1]
    if len(hits) == 0:
        root = int(scope.reach_root[u])
        return f"outside the reach of {unit.code} ({tree.level[root]} {tree.codes[root]})"
    p = int(hits[np.argmin(scope.cost[hits])])
    a = int(scope.pair_area[p])
    code = scope.area_code(tree, a)
    taken = holders.get(a, [])
    hi_a = rule.units_per_area[1]
    if hi_a is not None and len(taken) >= hi_a:
        who = ", ".join(scope.units[v].code for v in taken)
        return f"{level} {code} takes at most {hi_a} {plural(kind, hi_a)} and went to {who}, which scored higher there"
    if bands.shape == "unit":
        now = float(households[scope.pair_area[mine[picked[mine]]]].sum())
        if now + households[a] > bands.unit_high[u]:
            return (f"{level} {code}'s {households[a]:,} households would bring the load to "
                    f"{now + households[a]:,.0f}, above the band's {bands.unit_high[u]:,.0f}")
    if bands.shape == "area":
        weight = float(sum(scope.weight[v] for v in taken)) + float(scope.weight[u])
        if weight > bands.area_high[a]:
            return (f"{level} {code}'s {households[a]:,} households carry at most {bands.area_high[a]:.0f} "
                    f"{'members' if rule.balance_by == 'headcount' else plural(kind)} within the balance band")
    return ("the plan scores better overall without it: giving it would cost other units more "
            "(their wishes, needs met and distance)")


def unit_changes(tree: AreaTree, scope: RuleScope, links: Sequence[UnitLink], previous: Sequence[Link]) -> list[Change]:
    rule = scope.rule
    codes = {u.code for u in scope.units}
    before: dict[str, list[str]] = {}
    for link in previous:
        if link.kind != "unit":
            continue
        at_level = link.area in tree.index and tree.level[tree.index[link.area]] == rule.area_level
        if link.subject in codes and (at_level or link.area not in tree.index):
            before.setdefault(link.subject, []).append(link.area)
    after: dict[str, list[UnitLink]] = {}
    holders: dict[str, list[str]] = {}
    for link in links:
        after.setdefault(link.unit, []).append(link)
        holders.setdefault(link.area, []).append(link.unit)
    changes = []
    for unit in scope.units:
        old = list(dict.fromkeys(before.get(unit.code, [])))
        new = after.get(unit.code, [])
        new_areas = [k.area for k in new]
        added = [k for k in new if k.area not in old]
        removed = [a for a in old if a not in new_areas]
        for k in new:
            if k.area in old:
                changes.append(Change(rule=rule.name, kind="unit", subject=unit.code, change="kept", before=k.area,
                                      after=k.area, why="; ".join(k.reasons)))
        for i, k in enumerate(added):
            if i < len(removed):
                gone = removed[i]
                changes.append(Change(rule=rule.name, kind="unit", subject=unit.code, change="rotated", before=gone,
                                      after=k.area, why=f"now {k.area}: {'; '.join(k.reasons)}; "
                                                        f"{gone}: {_ended(tree, gone, holders, unit.code)}"))
            else:
                start = "no link last year" if not old else "an extra link this year"
                changes.append(Change(rule=rule.name, kind="unit", subject=unit.code, change="new", before=None,
                                      after=k.area, why=f"{start}; {'; '.join(k.reasons)}"))
        for gone in removed[len(added):]:
            changes.append(Change(rule=rule.name, kind="unit", subject=unit.code, change="ended", before=gone,
                                  after=None, why=_ended(tree, gone, holders, unit.code)))
    for link in previous:
        if link.kind == "unit" and link.subject not in codes and link.area in tree.index \
                and tree.level[tree.index[link.area]] == rule.area_level:
            changes.append(Change(rule=rule.name, kind="unit", subject=link.subject, change="ended",
                                  before=link.area, after=None,
                                  why=f"{rule.unit_kind} {link.subject} is no longer listed"))
    return changes


def _ended(tree: AreaTree, area: str, holders: dict[str, list[str]], unit: str) -> str:
    if area not in tree.index:
        return "the area is no longer listed"
    now = [h for h in holders.get(area, []) if h != unit]
    return f"went to {', '.join(now)}" if now else "no unit takes it now"
