"""Run every benchmark, print one JSON document, and keep it in ``bench/results/latest.json``.

Each benchmark runs in its own process (so one's caches do not help the next) and prints
JSON; this script gathers them with the machine's description and a summary of the
DESIGN.md budgets (met or missed, by how much). The first run builds the Longgang demo
databases of 10k, 100k and 1M cases under ``bench/data/`` (git-ignored), which takes a
while; later runs reuse them.

Every timed figure is a median over interleaved runs with its spread, the interquartile
range over the median (see common.py). A run in which any timed figure spreads wider
than ``--max-spread`` (25 % by default) or has fewer than 3 runs is not trusted: the
document is printed with ``"trusted": false`` and the figures that failed, nothing is
written, and the exit status is 1. ``--force`` writes it anyway, the flag kept.

    .venv/bin/python bench/run.py            # everything (builds the 1M database once)
    .venv/bin/python bench/run.py --quick    # small sizes only, a few minutes
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import (
    BENCH,
    DEFAULT_MAX_SPREAD,
    MIN_RUNS,
    RESULTS,
    demo_database,
    log,
    machine,
    untrusted,
)

PYTHON = sys.executable


def bench_commands(quick: bool, tui_db: Path | None) -> dict[str, list[str]]:
    """Each benchmark's command. Quick mode shrinks the big inputs; reports keep 300 cases,
    since shorter runs are dominated by the disk's noise on each commit."""
    sizes = "10000,100000" if quick else "10000,100000,1000000"
    commands = {
        "bulk_import_issues": ["import_bench.py", "--issues", "5000" if quick else "20000"],
        "report_one_issue": ["report_bench.py", "--cases", "300"],
        "queue_and_metrics_scaling": ["queue_bench.py", "--sizes", sizes],
        "event_replay": ["replay_bench.py", "--issues", "10000", "--sample", "1000" if quick else "3000"],
        "area_geometry": ["geo_bench.py", "--points", "5000" if quick else "20000"],
        "report_and_queue_vs_orm": ["orm_bench.py", "--profile", "--cases", "300"],
    }
    commands["concurrent_writers"] = [
        "concurrency_bench.py", "--workers", "4" if quick else "16", "--seconds", "5" if quick else "30",
        *(["--pg"] if os.environ.get("GRIDGOV_TEST_PG_URL") else [])]
    if (BENCH / "import_members.py").exists():
        commands["import_members"] = ["import_members.py", *(["--rows", "20000"] if quick else [])]
    if (BENCH / "tui_bench.py").exists():
        commands["tui_startup_and_paging"] = ["tui_bench.py", *(["--db", str(tui_db)] if tui_db else ["--pages", "10"])]
    return commands


def run_one(name: str, args: list[str]) -> dict:
    log(f"== {name}: {' '.join(args)}")
    started = time.perf_counter()
    done = subprocess.run([PYTHON, str(BENCH / args[0]), *args[1:]], cwd=BENCH, capture_output=True, text=True)
    if done.stderr:
        sys.stderr.write(done.stderr)
    seconds = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        return {"error": f"exit code {done.returncode}", "stderr_tail": done.stderr[-2000:], "wall_seconds": seconds}
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": "did not print JSON", "stdout_tail": done.stdout[-2000:], "wall_seconds": seconds}
    result.pop("machine", None)
    result["wall_seconds"] = seconds
    return result


def budgets(results: dict) -> list[dict]:
    """Each budget (DESIGN.md's, and gridgov against the ORM): the figure, the target, met
    or missed and by how much. Ratios are medians of the interleaved rounds' ratios."""
    out = []
    for name, target in (("bulk_import_issues", 0.5), ("report_one_issue", 0.25)):
        r = results.get(name, {})
        if "ratio" in r:
            out.append({"budget": name, "ratio": r["ratio"], "cpu_ratio": r.get("cpu_ratio"), "target": f">= {target}",
                        "met": r["ratio"] >= target, "shortfall": round(max(0.0, target - r["ratio"]) / target, 3)})
    orm = results.get("report_and_queue_vs_orm", {}).get("report_vs_orm")
    if orm:
        out.append({"budget": "report_vs_orm", "ratio": orm["ratio"], "target": ">= 1.0", "met": orm["met"],
                    "shortfall": orm["shortfall"], "what": orm["what"]})
    q = results.get("queue_and_metrics_scaling", {})
    if "series" in q:
        largest = q["series"][str(q["sizes"][-1])]
        for key in ("grid_worker_queue_page", "busiest_grid_worker_queue_page", "subdistrict_dispatcher_queue_page",
                    "subdistrict_metrics_year"):
            median = largest[key]["wall"]["median"]
            out.append({"budget": key, "median_ms_at_largest": median,
                        "growth_largest_over_smallest": q["growth_largest_over_smallest"][key],
                        "target": "milliseconds, flat", "met": median < 50
                        and q["growth_largest_over_smallest"][key] < 3})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (no 1M database)")
    parser.add_argument("--only", help="comma list of benchmark names to run")
    parser.add_argument("--runs", type=int, help="runs of every benchmark (default: each benchmark's own, 3 to 7)")
    parser.add_argument("--max-spread", type=float, default=DEFAULT_MAX_SPREAD,
                        help="largest (max - min) / median of a timed figure that is still trusted (default 0.25)")
    parser.add_argument("--force", action="store_true", help="record the run even when it is not trusted")
    args = parser.parse_args()
    tui_db = None if args.quick else demo_database("longgang", 1_000_000, log=log)
    commands = bench_commands(args.quick, tui_db)
    if args.only:
        wanted = set(args.only.split(","))
        commands = {k: v for k, v in commands.items() if k in wanted}
    if args.runs:
        commands = {k: [*v, "--runs", str(args.runs)] for k, v in commands.items()}
    results = {name: run_one(name, cmd) for name, cmd in commands.items()}
    problems = untrusted(results, args.max_spread)
    document = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "trusted": not problems,
        "max_spread": args.max_spread,
        "untrusted_figures": problems,
        "machine": machine(),
        "budgets": budgets(results),
        "results": results,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    print(text)
    for problem in problems:
        why = (f"spread {problem['spread']:.0%} > {args.max_spread:.0%}" if problem["reason"] == "spread"
               else f"{problem['runs']} run(s), fewer than {MIN_RUNS}")
        log(f"not trusted: {problem['figure']}: {why} (median {problem['median']} {problem['unit']}, "
            f"min {problem['min']}, max {problem['max']}, {problem['runs']} runs)")
    target = RESULTS / ("quick.json" if args.quick else "latest.json")
    if problems and not args.force:
        log(f"{len(problems)} figure(s) spread too wide: {target.name} not written (rerun on a quieter "
            "machine, raise --max-spread, or --force to record it marked untrusted)")
        sys.exit(1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    if problems:
        log(f"recorded in {target.name} marked untrusted (--force)")


if __name__ == "__main__":
    main()
