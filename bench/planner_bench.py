"""Solve times of the pairing planner at Longgang scale (SEEDS 000) and Donggang's (004).

Each run plans the same seeded input from scratch in this process: 733 agencies into 11
subdistricts, 1,120 branches over 4,000 grids (reach: the branch's subdistrict, households
per branch within ±25 %), 21,000 members each into a building of their branch's grids.
Prints JSON: median, min and max of ``--runs`` runs (at least 3) for the whole plan and
each phase, the sizes, how each part was solved and the proven gaps; Longgang twice, with
one worker process per CPU (the default) and in one process. CPU seconds include the
workers'.

    .venv/bin/python bench/planner_bench.py [--runs 3] [--thorough]
"""

from __future__ import annotations

import argparse
import collections
import resource
import statistics
import time

from common import emit, machine
from gridgov.plugins.assessment.planner import plan
from gridgov.plugins.assessment.planner_input import donggang_input, longgang_input


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def measure(make, runs: int, thorough: bool, workers: int | None = None) -> dict:
    started = time.perf_counter()
    request = make()
    generate = time.perf_counter() - started
    walls, cpus, phases, result = [], [], collections.defaultdict(list), None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = plan(request, thorough=thorough, workers=workers)
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
        for name, seconds in result.seconds.items():
            phases[name].append(seconds)
    wishing = {u.code for u in request.units if u.prefer}
    met = {k.unit for k in result.unit_links if any(r.startswith("wish #") for r in k.reasons)}
    return {
        "sizes": {
            "areas": dict(collections.Counter(a.level for a in request.areas)),
            "units": dict(collections.Counter(u.kind for u in request.units)),
            "members": len(request.members),
            "candidate_pairs": {rule.name: sum(s.pairs for s in result.stats if s.rule == rule.name)
                                for rule in request.rules},
            "parts_solved": len(result.stats),
        },
        "generate_seconds": round(generate, 3),
        "plan_seconds": spread(walls),
        "plan_cpu_seconds": spread(cpus),
        "phase_seconds": {name: spread(values) for name, values in phases.items()},
        "methods": dict(collections.Counter(f"{s.rule}:{s.method}" for s in result.stats)),
        "gap": {rule.name: {"max": max((s.gap for s in result.stats if s.rule == rule.name), default=0.0),
                            "mean": round(statistics.fmean([s.gap for s in result.stats if s.rule == rule.name] or [0]), 6)}
                for rule in request.rules},
        "wishes_met": f"{len(met & wishing)} of {len(wishing)}",
        "notes": len(result.notes),
        "changes": dict(collections.Counter(f"{c.kind}:{c.change}" for c in result.changes)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--thorough", action="store_true", help="also run the full MIP in every balanced part")
    args = parser.parse_args()
    runs = max(args.runs, 3)
    emit({
        "benchmark": "planner",
        "runs": runs,
        "thorough": args.thorough,
        "longgang": measure(longgang_input, runs, args.thorough),
        "longgang_one_process": measure(longgang_input, runs, args.thorough, workers=1),
        "donggang": measure(donggang_input, runs, args.thorough),
        "machine": machine(),
    })


if __name__ == "__main__":
    main()
