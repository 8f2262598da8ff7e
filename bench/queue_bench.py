"""A grid's queue page and a subdistrict's metrics as the database grows.

Three Longgang demo databases with the same tree (same seed) and 10,000, 100,000 and
1,000,000 cases. For each: a grid worker's first page of open cases (50 rows, soonest due
first, as the terminal UI's queue asks for it, with its count) for the demo login's grid
and for the busiest grid, a subdistrict dispatcher's
first page, and the subdistrict's metrics for the year. Each figure is the time of one
call: a run makes enough calls to last ``--min-seconds``, and the figures take turns, one
warm-up round and then ``--runs`` rounds; the median, min, max and spread are over the
runs. ``growth`` is the 1M median over the 10k one (flat ≈ 1). The plain-SQL figure runs
the grid page's count and page query on a bare sqlite3 connection, interleaved with the
platform's, to show the platform's own share. Budget (DESIGN.md): milliseconds, flat from
10k to 1M.

    .venv/bin/python bench/queue_bench.py [--sizes 10000,100000,1000000] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3

from common import (
    calls_for,
    demo_database,
    describe,
    emit,
    interleave,
    log,
    machine,
    open_platform,
    per_call,
    ratios,
    size_mb,
)
from gridgov.core.demo import DEMO_END, demo_logins
from gridgov.core.storage.issue_rows import subtree_bounds

_IN_QUEUE = "area_path >= ? AND area_path < ? AND is_open = 1"
_PLAIN_COUNT = f"SELECT count(*) FROM issue WHERE {_IN_QUEUE}"
_PLAIN_PAGE = f"SELECT * FROM issue WHERE {_IN_QUEUE} ORDER BY due_at, id LIMIT 50"


def busiest_grid(platform):
    """The grid with the most cases (the same grid at every size: one tree, one seed) and
    its grid worker."""
    width = len(platform.areas.path_of(platform._store.select("area", level="grid", limit=1)[0]["code"]))
    prefix, _ = platform._store.sql.execute(
        "SELECT substr(area_path, 1, ?) AS grid, count(*) FROM issue WHERE length(area_path) >= ? "
        "GROUP BY grid ORDER BY 2 DESC LIMIT 1", [width, width]).fetchone()
    grid = prefix.strip("/").split("/")[-1]
    login = platform._store.select("role_assignment", post="grid_worker", area_code=grid, limit=1)[0]["login"]
    return grid, platform.actor(login)


def measure(size: int, runs: int, warmup: int, min_seconds: float) -> dict:
    path = demo_database("longgang", size, log=log)
    platform = open_platform(path)
    platform.set_clock(lambda: DEMO_END + dt.timedelta(hours=15))
    try:
        logins = {(d["post"], d["scope"]): d for d in demo_logins(platform)}
        worker = next(d for (post, _), d in logins.items() if post == "grid_worker")
        dispatcher = next(d for (post, scope), d in logins.items()
                          if post == "dispatcher" and platform.areas.get(scope).level == "subdistrict")
        worker_actor, dispatcher_actor = platform.actor(worker["login"]), platform.actor(dispatcher["login"])
        busy_grid, busy_actor = busiest_grid(platform)
        issues, metrics = platform.issues, platform.metrics
        since = (DEMO_END - dt.timedelta(days=365)).date()
        grid_path = platform.areas.path_of(worker["scope"])
        bounds = subtree_bounds(grid_path)
        plain = sqlite3.connect(path)

        def queue_page(actor):
            return lambda: (issues.count(actor, open_only=True), issues.list(actor, open_only=True, limit=50))

        work = {
            "grid_worker_queue_page": queue_page(worker_actor),
            "grid_worker_page_plain_sql": lambda: (plain.execute(_PLAIN_COUNT, bounds).fetchone(),
                                                   plain.execute(_PLAIN_PAGE, bounds).fetchall()),
            "busiest_grid_worker_queue_page": queue_page(busy_actor),
            "subdistrict_dispatcher_queue_page": queue_page(dispatcher_actor),
            "subdistrict_metrics_year": lambda: metrics.for_area(dispatcher_actor, dispatcher["scope"],
                                                                 since=since).as_dict(),
            "grid_worker_all_cases_page": lambda: issues.list(worker_actor, limit=50),
        }
        calls = {name: calls_for(fn, min_seconds) for name, fn in work.items()}
        timings = interleave({name: per_call(fn, calls[name]) for name, fn in work.items()},
                             runs=runs, warmup=warmup)
        result = {
            "issues": platform._store.count("issue"),
            "database_mb": size_mb(path),
            "grid": worker["scope"],
            "grid_open_cases": issues.count(worker_actor, open_only=True),
            "grid_cases": platform._store.count_subtree("issue", grid_path, column="area_path"),
            "busiest_grid": busy_grid,
            "busiest_grid_open_cases": issues.count(busy_actor, open_only=True),
            "subdistrict": dispatcher["scope"],
            "subdistrict_open_cases": issues.count(dispatcher_actor, open_only=True),
            "calls_per_run": calls,
            **{name: describe(t, "ms") for name, t in timings.items()},
            "grid_page_ratio": ratios(timings["grid_worker_queue_page"], timings["grid_worker_page_plain_sql"]),
        }
        plain.close()
        return result
    finally:
        platform.close()


def run(sizes: list[int], runs: int, warmup: int, min_seconds: float) -> dict:
    series = {str(size): measure(size, runs, warmup, min_seconds) for size in sizes}
    first, last = series[str(sizes[0])], series[str(sizes[-1])]
    keys = ("grid_worker_queue_page", "busiest_grid_worker_queue_page", "subdistrict_dispatcher_queue_page",
            "subdistrict_metrics_year", "grid_worker_page_plain_sql", "grid_worker_all_cases_page")
    growth = {k: round(last[k]["wall"]["median"] / max(first[k]["wall"]["median"], 1e-6), 2) for k in keys}
    budget_keys = keys[:4]
    worst = max(last[k]["wall"]["median"] for k in budget_keys)
    return {
        "bench": "queue_and_metrics_scaling",
        "sizes": sizes,
        "note": "each figure: milliseconds per call, median over the interleaved runs",
        "series": series,
        "growth_largest_over_smallest": growth,
        "budget": "milliseconds, flat from 10k to 1M",
        "meets_budget": worst < 50 and all(growth[k] < 3 for k in budget_keys),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--min-seconds", type=float, default=0.05, help="the least length of one run")
    args = parser.parse_args()
    emit(run([int(s) for s in args.sizes.split(",")], args.runs, args.warmup, args.min_seconds))


if __name__ == "__main__":
    main()
