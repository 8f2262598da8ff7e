"""Candidate pairs of one pairing rule, their costs, and the independent parts to solve.

A unit's candidates are the areas of the rule's level within its reach. Each pair carries
the facts its cost comes from (wish rank, needs met, avoided, distance, last year's link),
kept so the explanation of a link repeats exactly what the solver weighed. Units and areas
that share no candidate cannot affect each other, so each connected part of the candidate
graph is solved on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .planner_records import Link, PairingRule, PlanUnit, Preference, Weights
from .tree import AreaTree


@attrs.define
class RuleScope:
    """Everything one rule's solve needs, as arrays indexed by local unit, area and pair."""

    rule: PairingRule
    units: list[PlanUnit]
    area_rows: np.ndarray          # tree rows of the rule's areas
    reach_root: np.ndarray         # per unit: tree row its reach is under, -1 for everywhere
    home_row: np.ndarray           # per unit: tree row of home, -1 for none
    weight: np.ndarray             # per unit: 1, or headcount with balance_by="headcount"
    pair_unit: np.ndarray
    pair_area: np.ndarray          # local area index
    cost: np.ndarray
    wish_rank: np.ndarray          # 0 when no wish matched, else 1-based rank
    needs_met: np.ndarray
    avoided: np.ndarray
    distance: np.ndarray           # -1 without a home
    last_year: np.ndarray
    fixed: np.ndarray
    component: np.ndarray = attrs.field(default=None)      # per pair
    unit_component: np.ndarray = attrs.field(default=None)
    area_component: np.ndarray = attrs.field(default=None)
    components: int = 0

    def area_code(self, tree: AreaTree, local: int) -> str:
        return tree.codes[int(self.area_rows[local])]


def need_index(tree: AreaTree, area_rows: np.ndarray) -> dict[str, np.ndarray]:
    """For each need tag: which of ``area_rows`` have it."""
    index: dict[str, np.ndarray] = {}
    for i, row in enumerate(area_rows.tolist()):
        for tag in tree.areas[row].needs:
            index.setdefault(tag, np.zeros(len(area_rows), dtype=bool))[i] = True
    return index


def wish_mask(tree: AreaTree, area_rows: np.ndarray, wish: Preference,
              needs: dict[str, np.ndarray], local: np.ndarray | None = None) -> np.ndarray:
    """Which of ``area_rows`` (the rule's areas, or the subset ``local`` of them) a wish
    names: the area itself or anything under it, or the areas that need a tag."""
    rows = area_rows if local is None else area_rows[local]
    if wish.area is not None:
        if wish.area not in tree.index:
            return np.zeros(len(rows), dtype=bool)
        return tree.is_under(rows, tree.index[wish.area])
    tagged = needs.get(wish.tag)
    if tagged is None:
        return np.zeros(len(rows), dtype=bool)
    return tagged if local is None else tagged[local]


def reach_root(tree: AreaTree, rule: PairingRule, home: int) -> int:
    """The area under which a unit homed at ``home`` may pair: its home's ancestor at the
    reach level, or its home itself when that lies above the level; -1 for anywhere."""
    if rule.reach is None or home < 0:
        return -1
    root = tree.ancestor_at_level(home, rule.reach)
    return home if root < 0 else root


def build_scope(tree: AreaTree, rule: PairingRule, units: Sequence[PlanUnit], previous: Sequence[Link],
                fixed: Sequence[Link], weights: Weights) -> RuleScope:
    area_rows = np.array(tree.at_level(rule.area_level), dtype=np.int64)
    needs_of = need_index(tree, area_rows)
    homes = np.array([tree.index[u.home] if u.home else -1 for u in units], dtype=np.int64)
    roots = np.array([reach_root(tree, rule, int(h)) for h in homes], dtype=np.int64)
    under: dict[int, np.ndarray] = {}
    for root in dict.fromkeys(roots.tolist()):
        under[root] = np.arange(len(area_rows)) if root < 0 else np.nonzero(tree.is_under(area_rows, root))[0]
    last = _links_by_subject(previous)
    pinned = _links_by_subject(fixed)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in
                                          ("unit", "area", "rank", "needs", "avoid", "dist", "last", "fixed")}
    for u, unit in enumerate(units):
        cand = under[int(roots[u])]
        rows = area_rows[cand]
        rank = np.zeros(len(cand), dtype=np.int64)
        for r, wish in reversed(list(enumerate(unit.prefer, start=1))):
            rank = np.where(wish_mask(tree, area_rows, wish, needs_of, cand), r, rank)
        avoid = np.zeros(len(cand), dtype=bool)
        for wish in unit.avoid:
            avoid |= wish_mask(tree, area_rows, wish, needs_of, cand)
        needs = np.zeros(len(cand), dtype=np.int64)
        for tag in unit.tags:
            if tag in needs_of:
                needs += needs_of[tag][cand]
        dist = tree.distances(np.full(len(cand), homes[u]), rows) if homes[u] >= 0 else np.full(len(cand), -1)
        parts["unit"].append(np.full(len(cand), u, dtype=np.int64))
        parts["area"].append(cand)
        parts["rank"].append(rank)
        parts["needs"].append(needs)
        parts["avoid"].append(avoid)
        parts["dist"].append(dist)
        parts["last"].append(_marks(rows, last.get(unit.code, ()), tree))
        parts["fixed"].append(_marks(rows, pinned.get(unit.code, ()), tree))
    joined = {k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64)) for k, v in parts.items()}
    for key in ("avoid", "last", "fixed"):
        joined[key] = joined[key].astype(bool)
    n_wishes = np.array([len(u.prefer) for u in units] or [0], dtype=np.int64)[joined["unit"]] \
        if len(units) else np.zeros(0, dtype=np.int64)
    cost = _cost(rule, weights, joined, n_wishes)
    weight = np.array([u.size if rule.balance_by == "headcount" else 1 for u in units], dtype=np.int64)
    scope = RuleScope(rule=rule, units=list(units), area_rows=area_rows, reach_root=roots, home_row=homes,
                      weight=weight, pair_unit=joined["unit"], pair_area=joined["area"], cost=cost,
                      wish_rank=joined["rank"], needs_met=joined["needs"], avoided=joined["avoid"],
                      distance=joined["dist"], last_year=joined["last"], fixed=joined["fixed"])
    _split_components(scope)
    return scope


def _links_by_subject(links: Sequence[Link]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for link in links:
        if link.kind == "unit":
            found.setdefault(link.subject, []).append(link.area)
    return found


def _marks(rows: np.ndarray, codes: Sequence[str], tree: AreaTree) -> np.ndarray:
    wanted = [tree.index[c] for c in codes if c in tree.index]
    return np.isin(rows, np.array(wanted, dtype=np.int64)) if wanted else np.zeros(len(rows), dtype=bool)


def _cost(rule: PairingRule, w: Weights, p: dict[str, np.ndarray], n_wishes: np.ndarray) -> np.ndarray:
    """Points per pair: wishes and needs met lower it, avoided areas and distance raise it;
    last year's link is rewarded or penalised as the rotation asks."""
    rank = p["rank"]
    bonus = np.where(rank > 0, (w.prefer * (n_wishes - rank + 1)) // np.maximum(n_wishes, 1), 0)
    cost = -bonus - w.fit * p["needs"] + w.avoid * p["avoid"] + w.distance * np.maximum(p["dist"], 0)
    if rule.rotation == "keep":
        cost = cost - w.keep * p["last"]
    elif rule.rotation == "rotate":
        cost = cost + w.keep * p["last"]
    return cost.astype(np.float64)


def _split_components(scope: RuleScope) -> None:
    nu, na = len(scope.units), len(scope.area_rows)
    if nu + na == 0:
        scope.component = np.zeros(0, dtype=np.int64)
        scope.unit_component = np.zeros(0, dtype=np.int64)
        scope.area_component = np.zeros(0, dtype=np.int64)
        return
    graph = coo_matrix((np.ones(len(scope.pair_unit)), (scope.pair_unit, nu + scope.pair_area)),
                       shape=(nu + na, nu + na))
    count, labels = connected_components(graph, directed=False)
    # Number the parts in order of first appearance (units first), independent of scipy's labelling.
    order = {label: i for i, label in enumerate(dict.fromkeys(labels.tolist()))}
    relabel = np.array([order[label] for label in range(count)], dtype=np.int64)
    labels = relabel[labels]
    scope.components = count
    scope.unit_component = labels[:nu]
    scope.area_component = labels[nu:]
    scope.component = scope.unit_component[scope.pair_unit] if len(scope.pair_unit) else np.zeros(0, dtype=np.int64)

