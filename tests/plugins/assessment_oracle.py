"""An independent check of a plan against its rules, written from the rules' wording and
not from the planner's code: plain dicts and parent chains, no numpy, no solver."""

from __future__ import annotations

from gridgov.plugins.assessment.planner import Plan, PlanInput


class Tree:
    def __init__(self, areas):
        self.area = {a.code: a for a in areas}
        self.parent = {a.code: a.parent_code for a in areas}
        self.children = {}
        for a in areas:
            self.children.setdefault(a.parent_code, []).append(a.code)
        self._candidates = {}

    def subtree(self, code):
        """``code`` and every area under it."""
        out, todo = [], [code]
        while todo:
            node = todo.pop()
            out.append(node)
            todo += self.children.get(node, [])
        return out

    def chain(self, code):
        """``code`` and its ancestors, nearest first."""
        out = []
        while code is not None:
            out.append(code)
            code = self.parent[code]
        return out

    def under(self, code, top):
        return top in self.chain(code)

    def distance(self, a, b):
        ca, cb = self.chain(a), self.chain(b)
        common = [x for x in ca if x in cb]
        if not common:
            return len(ca) + len(cb)
        return ca.index(common[0]) + cb.index(common[0])

    def reach_root(self, rule, unit):
        if rule.reach is None or unit.home is None:
            return None
        for code in self.chain(unit.home):
            if self.area[code].level == rule.reach:
                return code
        return unit.home


def candidates(tree, rule, unit):
    root = tree.reach_root(rule, unit)
    key = (rule.area_level, root)
    if key not in tree._candidates:
        pool = tree.area if root is None else tree.subtree(root)
        tree._candidates[key] = [c for c in pool if tree.area[c].level == rule.area_level]
    return tree._candidates[key]


def groups(tree, rule, units):
    """Units that compete for the same areas, joined: two units are in one group when some
    area is a candidate of both, or when a chain of such units links them. A unit with no
    candidate area (its reach holds no area of the rule's level) competes with nobody and
    is a group of its own, so it does not lower the others' mean."""
    label = {u.code: i for i, u in enumerate(units)}
    first_of = {}
    for unit in units:
        for a in candidates(tree, rule, unit):
            if a not in first_of:
                first_of[a] = unit.code
                continue
            old, new = label[unit.code], label[first_of[a]]
            if old != new:
                label = {k: (new if v == old else v) for k, v in label.items()}
    return label


def rule_problems(tree, rule, units, links, fixed):
    """Every broken rule of one pairing rule's ``links`` ({unit: [areas]}), as text."""
    problems = []
    areas = [c for c, a in tree.area.items() if a.level == rule.area_level]
    lo_a, hi_a = rule.units_per_area
    lo_u, hi_u = rule.areas_per_unit
    count = {a: 0 for a in areas}
    for unit in units:
        mine = links.get(unit.code, [])
        if len(mine) != len(set(mine)):
            problems.append(f"{unit.code} linked twice to one area")
        if len(mine) < lo_u or (hi_u is not None and len(mine) > hi_u):
            problems.append(f"{unit.code} has {len(mine)} areas")
        allowed = set(candidates(tree, rule, unit))
        for a in mine:
            if a not in allowed:
                problems.append(f"{unit.code} → {a} out of reach or wrong level")
            else:
                count[a] += 1
    for a in areas:
        if count[a] < lo_a or (hi_a is not None and count[a] > hi_a):
            problems.append(f"{a} has {count[a]} units")
    for link in fixed:
        if link.kind == "unit" and any(u.code == link.subject for u in units) \
                and tree.area[link.area].level == rule.area_level and link.area not in links.get(link.subject, []):
            problems.append(f"fixed link {link.subject} → {link.area} missing")
    if rule.balance is not None and not problems:
        problems += balance_problems(tree, rule, units, links)
    return problems


def weight(rule, unit):
    return unit.size if rule.balance_by == "headcount" else 1


def loads(tree, rule, units, links):
    """Households per unit weight of each unit's areas, an area's households shared by weight."""
    on = {}
    for unit in units:
        for a in links.get(unit.code, []):
            on[a] = on.get(a, 0) + weight(rule, unit)
    return {u.code: sum(tree.area[a].households / on[a] for a in links.get(u.code, [])) for u in units}


def means(tree, rule, units):
    label = groups(tree, rule, units)
    result = {}
    for g in set(label.values()):
        members = [u for u in units if label[u.code] == g]
        cover = set()
        for u in members:
            cover.update(candidates(tree, rule, u))
        households = sum(tree.area[a].households for a in cover)
        result.update({u.code: households / sum(weight(rule, v) for v in members) for u in members})
    return result


def balance_problems(tree, rule, units, links):
    t = rule.balance
    mean = means(tree, rule, units)
    load = loads(tree, rule, units, links)
    found = []
    for unit in units:
        per_weight = load[unit.code]
        if not (mean[unit.code] * (1 - t) - 1e-6 <= per_weight <= mean[unit.code] * (1 + t) + 1e-6):
            found.append(f"{unit.code} load {per_weight:.1f} outside ±{t} of {mean[unit.code]:.1f}")
    return found


def plan_problems(request: PlanInput, plan: Plan) -> list[str]:
    """Everything wrong with ``plan`` as a solution of ``request`` (empty when it keeps every rule)."""
    tree = Tree(request.areas)
    problems = []
    for rule in request.rules:
        units = [u for u in request.units if u.kind == rule.unit_kind]
        links = {}
        for k in plan.unit_links:
            if k.rule == rule.name:
                links.setdefault(k.unit, []).append(k.area)
                if not k.explanation.startswith(f"{k.unit} → {k.area}: ") or not k.reasons:
                    problems.append(f"{k.unit} → {k.area} unexplained")
        problems += rule_problems(tree, rule, units, links, request.fixed)
        problems += diff_problems(request, plan, rule, units, links, tree)
    if request.member_rule is not None:
        problems += member_problems(request, plan, tree)
    return problems


def member_problems(request, plan, tree):
    rule = request.member_rule
    areas_of = {}
    for k in plan.unit_links:
        if k.rule == rule.rule:
            areas_of.setdefault(k.unit, []).append(k.area)
    placed = {}
    problems = []
    for k in plan.member_links:
        if k.login in placed:
            problems.append(f"{k.login} placed twice")
        placed[k.login] = k
    per_building = {}
    for m in request.members:
        k = placed.get(m.login)
        if k is None:
            problems.append(f"{m.login} not placed")
            continue
        b = tree.area[k.building]
        if b.level != rule.building_level or not any(tree.under(k.building, a) for a in areas_of.get(m.unit, [])):
            problems.append(f"{m.login} in {k.building}, not a building of {m.unit}'s areas")
        if m.home is not None and k.distance != tree.distance(m.home, k.building):
            problems.append(f"{m.login} distance {k.distance} is not {tree.distance(m.home, k.building)}")
        per_building.setdefault(m.unit, {}).setdefault(k.building, 0)
        per_building[m.unit][k.building] += 1
    for unit, counts in per_building.items():
        if rule.max_per_building and max(counts.values()) > rule.max_per_building:
            problems.append(f"{unit}: a building over its cap")
        if rule.cover and max(counts.values()) > 1:
            buildings = [c for g in areas_of[unit] for c in tree.subtree(g) if tree.area[c].level == rule.building_level]
            empty = [b for b in buildings if b not in counts]
            if empty:
                problems.append(f"{unit}: a building has two members while {empty[0]} has none")
    return problems


def diff_problems(request, plan, rule, units, links, tree):
    problems = []
    mine = [c for c in plan.changes if c.rule == rule.name and c.kind == "unit"]
    for unit in units:
        before = {k.area for k in request.previous if k.kind == "unit" and k.subject == unit.code
                  and (k.area not in tree.area or tree.area[k.area].level == rule.area_level)}
        after = set(links.get(unit.code, []))
        changes = [c for c in mine if c.subject == unit.code]
        kept = {c.after for c in changes if c.change == "kept"}
        gained = [c.after for c in changes if c.change in ("rotated", "new")]
        lost = [c.before for c in changes if c.change in ("rotated", "ended")]
        if kept != before & after or sorted(gained) != sorted(after - before) or sorted(lost) != sorted(before - after):
            problems.append(f"{unit.code}: diff {kept}/{gained}/{lost} does not match {before} → {after}")
        if any(not c.why for c in changes):
            problems.append(f"{unit.code}: a change without a reason")
    return problems


def brute_force_plan(request: PlanInput, rule):
    """Some assignment keeping every rule of ``rule``, found by trying them all, or None."""
    tree = Tree(request.areas)
    units = [u for u in request.units if u.kind == rule.unit_kind]
    pairs = [(u.code, a) for u in units for a in candidates(tree, rule, u)]
    if len(pairs) > 16:
        raise ValueError("too many pairs to try them all")
    for mask in range(2 ** len(pairs)):
        links = {}
        for i, (u, a) in enumerate(pairs):
            if mask >> i & 1:
                links.setdefault(u, []).append(a)
        if not rule_problems(tree, rule, units, links, request.fixed):
            return links
    return None


__all__ = ["Tree", "brute_force_plan", "candidates", "loads", "means", "plan_problems", "rule_problems"]
