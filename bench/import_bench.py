"""Bulk import of issues: ``platform.transfer.import_records(actor, "issues", …)`` against a
plain ``sqlite3.executemany`` of the very rows the import wrote, into the same schema.

The records come from exporting a demo database (as ``gridgov export issues`` would), so
the import checks and converts real data; the baseline inserts the resulting issue and
event rows into a copy of the same empty deployment, triggers and indexes included, in one
transaction at the platform's durability setting (``synchronous=FULL``).
Budget (DESIGN.md): the import reaches at least half the baseline's rate.

    .venv/bin/python bench/import_bench.py [--issues 20000]
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
import tempfile
from pathlib import Path

from common import (
    SEED,
    copy_database,
    demo_database,
    emit,
    log,
    machine,
    open_platform,
    plain_connection,
    timed,
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


def run(issues: int, repeat: int = 3) -> dict:
    source = demo_database("small", issues, plugins=False, log=log)
    with open_platform(source, plugins=False) as platform:
        records = [(f"record {i}", row) for i, row in enumerate(platform.transfer.export(Actor.system(), "issues", unmask_reason="benchmark"), 1)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = empty_deployment(work)
        runs, plain_runs, bulk_runs = [], [], []
        for attempt in range(repeat):
            target = copy_database(template, work / f"import-{attempt}.db")
            with open_platform(target, plugins=False) as platform:
                seconds, cpu, count = timed(lambda: platform.transfer.import_records(Actor.system(), "issues", records))
            runs.append((seconds, cpu))
            with sqlite3.connect(target) as conn:
                issue_rows = conn.execute(f"SELECT {', '.join(ISSUE_COLUMNS)} FROM issue ORDER BY id").fetchall()
                event_rows = conn.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM issue_event ORDER BY id").fetchall()
            conn = plain_connection(copy_database(template, work / f"plain-{attempt}.db"), "FULL")
            plain_seconds, plain_cpu, _ = timed(functools.partial(plain_insert, conn, issue_rows, event_rows))
            plain_runs.append((plain_seconds, plain_cpu))
            conn.close()
            issue_dicts = [dict(zip(ISSUE_COLUMNS, r, strict=True)) for r in issue_rows]
            event_dicts = [dict(zip(EVENT_COLUMNS, r, strict=True)) for r in event_rows]
            with open_platform(copy_database(template, work / f"bulk-{attempt}.db"), plugins=False) as platform:
                bulk_runs.append(timed(functools.partial(bulk_path, platform, issue_dicts, event_dicts))[:2])
    seconds, cpu = min(runs)
    plain_seconds, plain_cpu = min(plain_runs)
    bulk_seconds, bulk_cpu = min(bulk_runs)
    rate, plain_rate = count / seconds, len(issue_rows) / plain_seconds
    ratio, cpu_ratio = rate / plain_rate, plain_cpu / cpu
    return {
        "bench": "bulk_import_issues",
        "issues": count,
        "events": len(event_rows),
        "repeat": repeat,
        "note": "best of the repeats for each side, each on a fresh copy of the empty deployment",
        "gridgov": {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "issues_per_s": round(rate)},
        "plain_sqlite3_executemany": {"seconds": round(plain_seconds, 3), "cpu_seconds": round(plain_cpu, 3),
                                      "issues_per_s": round(plain_rate)},
        "store_bulk_path": {"seconds": round(bulk_seconds, 3), "cpu_seconds": round(bulk_cpu, 3),
                            "issues_per_s": round(count / bulk_seconds),
                            "ratio": round(plain_seconds / bulk_seconds, 3),
                            "what": "store.bulk_insert_issues of the same rows as dicts (the demo loader's path)"},
        "ratio": round(ratio, 3),
        "cpu_ratio": round(cpu_ratio, 3),
        "budget_ratio": 0.5,
        "meets_budget": ratio >= 0.5,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    emit(run(args.issues, args.repeat))


if __name__ == "__main__":
    main()
