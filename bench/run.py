"""Run every benchmark, print one JSON document, and keep it in ``bench/results/latest.json``.

Each benchmark runs in its own process (so one's caches do not help the next) and prints
JSON; this script gathers them with the machine's description and a summary of the
DESIGN.md budgets (met or missed, by how much). The first run builds the Longgang demo
databases of 10k, 100k and 1M cases under ``bench/data/`` (git-ignored), which takes a
while; later runs reuse them.

    .venv/bin/python bench/run.py            # everything (builds the 1M database once)
    .venv/bin/python bench/run.py --quick    # small sizes only, a couple of minutes
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH, RESULTS, demo_database, log, machine

PYTHON = sys.executable


def bench_commands(quick: bool, tui_db: Path | None) -> dict[str, list[str]]:
    sizes = "10000,100000" if quick else "10000,100000,1000000"
    commands = {
        "bulk_import_issues": ["import_bench.py", "--issues", "5000" if quick else "20000"],
        "report_one_issue": ["report_bench.py", "--cases", "100" if quick else "300"],
        "queue_and_metrics_scaling": ["queue_bench.py", "--sizes", sizes],
        "event_replay": ["replay_bench.py", "--issues", "10000", "--sample", "1000" if quick else "3000"],
        "area_geometry": ["geo_bench.py", "--points", "5000" if quick else "20000"],
    }
    if (BENCH / "import_members.py").exists():
        commands["import_members"] = ["import_members.py", *(["--rows", "20000"] if quick else [])]
    if (BENCH / "tui_bench.py").exists():
        commands["tui_startup_and_paging"] = ["tui_bench.py", *(["--db", str(tui_db)] if tui_db else [])]
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
    """Each DESIGN.md budget: the figure, the target, met or missed and by how much."""
    out = []
    for name, target in (("bulk_import_issues", 0.5), ("report_one_issue", 0.25)):
        r = results.get(name, {})
        if "ratio" in r:
            out.append({"budget": name, "ratio": r["ratio"], "cpu_ratio": r.get("cpu_ratio"), "target": f">= {target}",
                        "met": r["ratio"] >= target, "shortfall": round(max(0.0, target - r["ratio"]) / target, 3)})
    q = results.get("queue_and_metrics_scaling", {})
    if "series" in q:
        largest = q["series"][str(q["sizes"][-1])]
        for key in ("grid_worker_queue_page", "busiest_grid_worker_queue_page", "subdistrict_dispatcher_queue_page",
                    "subdistrict_metrics_year"):
            out.append({"budget": key, "median_ms_at_largest": largest[key]["median_ms"],
                        "growth_largest_over_smallest": q["growth_largest_over_smallest"][key],
                        "target": "milliseconds, flat", "met": largest[key]["median_ms"] < 50
                        and q["growth_largest_over_smallest"][key] < 3})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (no 1M database)")
    parser.add_argument("--only", help="comma list of benchmark names to run")
    args = parser.parse_args()
    tui_db = None if args.quick else demo_database("longgang", 1_000_000, log=log)
    commands = bench_commands(args.quick, tui_db)
    if args.only:
        wanted = set(args.only.split(","))
        commands = {k: v for k, v in commands.items() if k in wanted}
    results = {name: run_one(name, cmd) for name, cmd in commands.items()}
    document = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "budgets": budgets(results),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    (RESULTS / ("quick.json" if args.quick else "latest.json")).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
