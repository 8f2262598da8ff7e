"""Bulk import of issues: ``platform.transfer.import_records(actor, "issues", …)`` against a
plain ``sqlite3.executemany`` of the very rows the import wrote, into the same schema.

The records come from exporting a demo database (as ``gridgov export issues`` would), so
the import checks and converts real data; the baseline inserts the resulting issue and
event rows into a copy of the same empty deployment, triggers and indexes included, in one
transaction at the platform's durability setting (``synchronous=FULL``). Every run starts
from a fresh copy of the empty deployment; the import, the baseline and the store's bulk
path take turns (one warm-up each, then ``--runs`` rounds, 3 by default: the import is the
heaviest benchmark). Budget (DESIGN.md): the import reaches at least half the baseline's
rate.

    .venv/bin/python bench/import_bench.py [--issues 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from common import (
    SEED,
    Timing,
    copy_database,
    demo_database,
    describe,
    emit,
    interleave,
    log,
    machine,
    open_platform,
    plain_connection,
    ratios,
    timed,
    timing,
)
from gridgov.core import Actor
from gridgov.core.demo import load_demo
from gridgov.core.storage.issue_rows import EVENT_COLUMNS, ISSUE_COLUMNS


def empty_deployment(work: Path) -> Path:
    """The small demo's directory and no cases (the import's target)."""
    path = work / "empty.db"
    platform = open_platform(path, plugins=False)
    try:
        load_demo(platform, "small", seed=SEED, issues=0)
    finally:
        platform.close()
    return path


def plain_insert(conn: sqlite3.Connection, issue_rows: list, event_rows: list) -> None:
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO issue ({', '.join(ISSUE_COLUMNS)}) VALUES ({', '.join('?' * len(ISSUE_COLUMNS))})", issue_rows)
    conn.executemany(f"INSERT INTO issue_event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", event_rows)
    conn.execute("COMMIT")


def bulk_path(platform, issue_dicts: list[dict], event_dicts: list[dict]) -> None:
    with platform.transaction():
        platform._store.bulk_insert_issues(issue_dicts, event_dicts)


def run(issues: int, runs: int = 3, warmup: int = 1) -> dict:
    source = demo_database("small", issues, plugins=False, log=log)
    with open_platform(source, plugins=False) as platform:
        records = [(f"record {i}", row) for i, row in enumerate(platform.transfer.export(Actor.system(), "issues", unmask_reason="benchmark"), 1)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = empty_deployment(work)
        imported: list[int] = []

        def import_side() -> Timing:
            with open_platform(copy_database(template, work / "import.db"), plugins=False) as platform:
                wall, cpu, count = timed(lambda: platform.transfer.import_records(Actor.system(), "issues", records))
            imported.append(count)
            return Timing(wall, cpu)

        import_side()  # an untimed run for the rows the other two sides write
        with sqlite3.connect(work / "import.db") as conn:
            issue_rows = conn.execute(f"SELECT {', '.join(ISSUE_COLUMNS)} FROM issue ORDER BY id").fetchall()
            event_rows = conn.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM issue_event ORDER BY id").fetchall()
        issue_dicts = [dict(zip(ISSUE_COLUMNS, r, strict=True)) for r in issue_rows]
        event_dicts = [dict(zip(EVENT_COLUMNS, r, strict=True)) for r in event_rows]

        def plain_side() -> Timing:
            conn = plain_connection(copy_database(template, work / "plain.db"), "FULL")
            try:
                return timing(lambda: plain_insert(conn, issue_rows, event_rows))
            finally:
                conn.close()

        def bulk_side() -> Timing:
            with open_platform(copy_database(template, work / "bulk.db"), plugins=False) as platform:
                return timing(lambda: bulk_path(platform, issue_dicts, event_dicts))

        timings = interleave({"import": import_side, "plain": plain_side, "bulk": bulk_side}, runs=runs, warmup=warmup)
    count = imported[-1]
    gridgov, plain, bulk = (describe(timings[k]) for k in ("import", "plain", "bulk"))
    main_ratio = ratios(timings["import"], timings["plain"])
    bulk_ratio = ratios(timings["bulk"], timings["plain"])
    ratio = main_ratio["wall"]["median_of_pairs"]
    return {
        "bench": "bulk_import_issues",
        "issues": count,
        "events": len(event_rows),
        "note": "each run on a fresh copy of the empty deployment; ratio: median over the rounds of "
                "plain seconds / import seconds",
        "gridgov": {**gridgov, "issues_per_s": round(count / gridgov["wall"]["median"])},
        "plain_sqlite3_executemany": {**plain, "issues_per_s": round(len(issue_rows) / plain["wall"]["median"])},
        "store_bulk_path": {**bulk, "issues_per_s": round(count / bulk["wall"]["median"]),
                            "ratio": bulk_ratio["wall"]["median_of_pairs"], "ratios": bulk_ratio,
                            "what": "store.bulk_insert_issues of the same rows as dicts (the demo loader's path)"},
        "ratio": ratio,
        "cpu_ratio": main_ratio["cpu"]["median_of_pairs"],
        "ratios": main_ratio,
        "budget_ratio": 0.5,
        "meets_budget": ratio >= 0.5,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    emit(run(args.issues, args.runs, args.warmup))


if __name__ == "__main__":
    main()
