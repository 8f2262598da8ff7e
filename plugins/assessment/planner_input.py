"""Seeded planner inputs at the scale of the source documents, for tests and benchmarks.

:func:`longgang_input` follows SEEDS 000: 11 subdistricts, 110 communities, ~4,000 grids
with their buildings, 733 agencies into subdistricts, 1,120 branches over the grids and
21,000 members each to one building of a grid of their branch, with last year's plan, a
few fixed links and stated wishes. :func:`donggang_input` follows SEEDS 004: 78
departments linked 3–5 per community to 21 communities, 32 leaders each to one community.

Only ``random.Random(seed)`` draws, over lists in a fixed order, so one seed gives the same
input in every process whatever the hash seed.
"""

from __future__ import annotations

import random

from .planner_records import (
    Link,
    MemberRule,
    PairingRule,
    PlanArea,
    PlanInput,
    PlanMember,
    PlanUnit,
)

NEEDS = ("elderly_care", "child_care", "employment", "enterprise_service", "finance", "legal_aid", "housing",
         "public_safety", "health", "education", "environment", "culture", "veterans", "disability",
         "migrant_workers")  # fmt: skip


def split(total: int, parts: int, rng: random.Random, spread: float = 0.3) -> list[int]:
    """``total`` cut into ``parts`` whole shares of roughly equal size (±``spread``) that add up exactly."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    order = sorted(range(parts), key=lambda i: (shares[i] - weights[i] * scale, i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def longgang_input(seed: int = 20261031, *, subdistricts: int = 11, communities: int = 110, grids: int = 4000,
                   agencies: int = 733, branches: int = 1120, members: int = 21_000,
                   agency_balance: float = 0.2, branch_balance: float = 0.25) -> PlanInput:
    rng = random.Random(seed)
    areas = [PlanArea(code="440307", level="district")]
    subs, comms, grid_rows, buildings = [], [], [], []
    community_of, subdistrict_of, buildings_of = {}, {}, {}
    per_sub = split(communities, subdistricts, rng)
    per_comm = split(grids, communities, rng)
    c = 0
    for i, n_comm in enumerate(per_sub):
        sub = f"440307{i + 1:03d}"
        sub_needs = rng.sample(NEEDS, rng.randint(2, 4))
        sub_grids = []
        for j in range(n_comm):
            comm = f"{sub}{j + 1:03d}"
            comm_needs = rng.sample(NEEDS, rng.randint(2, 3))
            comm_grids = []
            for k in range(per_comm[c]):
                code = f"{comm}{k + 1:02d}"
                households = rng.randint(250, 800)
                pool = comm_needs if rng.random() < 0.6 else NEEDS
                needs = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
                comm_grids.append(PlanArea(code=code, level="grid", parent_code=comm, needs=needs,
                                           households=households))
                community_of[code], subdistrict_of[code] = comm, sub
                n_build = rng.randint(3, 7)
                shares = split(households, n_build, rng, 0.5)
                buildings_of[code] = [f"{code}{b + 1:03d}" for b in range(n_build)]
                buildings += [PlanArea(code=f"{code}{b + 1:03d}", level="building", parent_code=code,
                                       households=shares[b]) for b in range(n_build)]
            c += 1
            comms.append(PlanArea(code=comm, level="community", parent_code=sub, needs=comm_needs,
                                  households=sum(g.households for g in comm_grids)))
            grid_rows += comm_grids
            sub_grids += comm_grids
        subs.append(PlanArea(code=sub, level="subdistrict", parent_code="440307", needs=sub_needs,
                             households=sum(g.households for g in sub_grids)))
    areas += subs + comms + grid_rows + buildings
    sub_codes = [s.code for s in subs]
    sub_needs_of = {s.code: s.needs for s in subs}

    owner = list(range(agencies)) + [rng.randrange(agencies) for _ in range(branches - agencies)]
    rng.shuffle(owner)
    crew = split(members, branches, rng, 0.6)
    grid_count = [sum(1 for g in grid_rows if g.parent_code == cm.code) for cm in comms]
    branch_home = rng.choices([cm.code for cm in comms], weights=grid_count, k=branches)
    agency_tags = [rng.sample(NEEDS, rng.randint(1, 2)) for _ in range(agencies)]
    headcount = [0] * agencies
    for b in range(branches):
        headcount[owner[b]] += crew[b]

    units: list[PlanUnit] = []
    for a in range(agencies):
        home = "440307" if rng.random() < 0.85 else rng.choice(sub_codes)
        prefer: list[str] = []
        if rng.random() < 0.6:
            fitting = [s for s in sub_codes if set(agency_tags[a]) & set(sub_needs_of[s])]
            prefer = rng.sample(fitting, min(len(fitting), rng.randint(1, 3))) if fitting else \
                [f"tag:{agency_tags[a][0]}"]
        avoid = [rng.choice(sub_codes)] if rng.random() < 0.08 else []
        avoid = [s for s in avoid if s not in prefer]
        units.append(PlanUnit(code=f"AG{a + 1:04d}", kind="agency", tags=agency_tags[a], size=max(headcount[a], 1),
                              home=home, prefer=prefer, avoid=avoid))
    grids_of_comm: dict[str, list[str]] = {}
    for g in grid_rows:
        grids_of_comm.setdefault(g.parent_code, []).append(g.code)
    for b in range(branches):
        home = branch_home[b]
        prefer = []
        roll = rng.random()
        if roll < 0.2:
            prefer = [home]
        elif roll < 0.35:
            prefer = rng.sample(grids_of_comm[home], min(2, len(grids_of_comm[home])))
        elif roll < 0.45:
            prefer = [f"tag:{agency_tags[owner[b]][0]}"]
        units.append(PlanUnit(code=f"PB{b + 1:05d}", kind="branch", tags=agency_tags[owner[b]], size=crew[b],
                              home=home, prefer=prefer))

    all_buildings = [x.code for x in buildings]
    people: list[PlanMember] = []
    n = 0
    for b in range(branches):
        near = [x for g in grids_of_comm[branch_home[b]] for x in buildings_of[g]]
        for _ in range(crew[b]):
            n += 1
            roll = rng.random()
            home = None if roll < 0.35 else rng.choice(near) if roll < 0.6 else rng.choice(all_buildings)
            people.append(PlanMember(login=f"m{n:06d}", unit=f"PB{b + 1:05d}", home=home))

    previous = [Link(subject=u.code, area=rng.choice(sub_codes)) for u in units if u.kind == "agency"]
    homed: dict[str, list[int]] = {}
    for b in range(branches):
        homed.setdefault(subdistrict_of[grids_of_comm[branch_home[b]][0]], []).append(b)
    last_grids: dict[str, list[str]] = {}
    for sub in sub_codes:
        crew_here = homed.get(sub, [])
        codes = [g.code for g in grid_rows if subdistrict_of[g.code] == sub]
        for i, code in enumerate(codes):
            if crew_here and rng.random() < 0.9:
                branch = f"PB{crew_here[i * len(crew_here) // len(codes)] + 1:05d}"
                previous.append(Link(subject=branch, area=code))
                last_grids.setdefault(branch, []).append(code)
    for person in people:
        mine = last_grids.get(person.unit)
        if mine and rng.random() < 0.8:
            previous.append(Link(subject=person.login, area=rng.choice(buildings_of[rng.choice(mine)]),
                                 kind="member"))
    offices = [u for u in units if u.kind == "agency" and u.home != "440307"][:3]
    fixed = [Link(subject=u.code, area=u.home) for u in offices]
    pinned: dict[str, str] = {}
    for b in range(0, min(branches, 30), 10):
        pinned.setdefault(grids_of_comm[branch_home[b]][0], f"PB{b + 1:05d}")
    fixed += [Link(subject=branch, area=grid) for grid, branch in pinned.items()]
    rules = (
        PairingRule(name="agency-subdistrict", unit_kind="agency", area_level="subdistrict",
                    units_per_area=(1, None), areas_per_unit=(1, 1), balance=agency_balance,
                    balance_by="headcount", rotation="rotate"),
        PairingRule(name="branch-grid", unit_kind="branch", area_level="grid", units_per_area=(1, 1),
                    areas_per_unit=(1, None), reach="subdistrict", balance=branch_balance),
    )
    return PlanInput(areas=areas, units=units, rules=rules, members=people,
                     member_rule=MemberRule(rule="branch-grid", rotation="keep"), previous=previous, fixed=fixed)


def donggang_input(seed: int = 20261031, *, communities: int = 21, departments: int = 78,
                   leaders: int = 32, balance: float | None = 0.5) -> PlanInput:
    rng = random.Random(seed)
    areas = [PlanArea(code="210681", level="city")]
    per_sub = split(communities, 4, rng)
    comm_codes = []
    for i, n in enumerate(per_sub):
        sub = f"210681{i + 1:03d}"
        areas.append(PlanArea(code=sub, level="subdistrict", parent_code="210681"))
        for j in range(n):
            code = f"{sub}{j + 1:03d}"
            comm_codes.append(code)
            areas.append(PlanArea(code=code, level="community", parent_code=sub,
                                  needs=rng.sample(NEEDS, rng.randint(2, 4)), households=rng.randint(2500, 6000)))
    units = []
    for d in range(departments):
        tags = rng.sample(NEEDS, rng.randint(1, 2))
        prefer = rng.sample(comm_codes, rng.randint(1, 3)) if rng.random() < 0.5 else []
        units.append(PlanUnit(code=f"DP{d + 1:03d}", kind="department", tags=tags, size=rng.randint(8, 60),
                              home="210681", prefer=prefer))
    for k in range(leaders):
        units.append(PlanUnit(code=f"LD{k + 1:03d}", kind="leader", home="210681",
                              prefer=[rng.choice(comm_codes)] if rng.random() < 0.4 else []))
    previous = [Link(subject=u.code, area=rng.choice(comm_codes)) for u in units]
    rules = (
        PairingRule(name="department-community", unit_kind="department", area_level="community",
                    units_per_area=(3, 5), areas_per_unit=(1, 1), balance=balance, rotation="rotate"),
        PairingRule(name="leader-community", unit_kind="leader", area_level="community", units_per_area=(1, 2),
                    areas_per_unit=(1, 1), rotation="rotate"),
    )
    return PlanInput(areas=areas, units=units, rules=rules, previous=previous)
