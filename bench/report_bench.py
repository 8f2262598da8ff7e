"""Reporting one issue through the full path against a plain two-row sqlite3 transaction.

The full path is ``platform.issues.report(actor, …)``: category and area checks, the
actor's scope, the handling area, plugin vetoes, the issue row and its first event, the
area counters, the plugins' ``issue_created`` hooks (each in a savepoint) and the commit;
one transaction per case, as a grid worker saves them. The baseline writes the same two
rows (the issue and its event, read back from the platform's run) in a ``BEGIN IMMEDIATE``
… ``COMMIT`` per case on a bare connection to a copy of the same database, WAL and the same
``synchronous`` setting (FULL, the platform default, then NORMAL), triggers and indexes included. Budget (DESIGN.md): at least a
quarter of the baseline's rate.

    .venv/bin/python bench/report_bench.py [--cases 300] [--synchronous NORMAL]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import copy_database, demo_database, emit, log, machine, plain_connection, timed
from gridgov.core import Platform, PluginHost
from gridgov.core import demo_vocabulary as vocab
from gridgov.core.demo import DEMO_END, demo_logins
from gridgov.core.storage.issue_rows import EVENT_COLUMNS, ISSUE_COLUMNS

CATEGORIES = ("road.repair", "environment.sanitation", "facility.repair", "parking", "noise", "greening")


def measure(template: Path, work: Path, cases: int, synchronous: str) -> dict:
    import random

    target = copy_database(template, work / f"full-{synchronous}.db")
    platform = Platform(target, hooks=PluginHost(entry_points=False), synchronous=synchronous,
                        clock=lambda: DEMO_END)
    worker = next(d for d in demo_logins(platform) if d["post"] == "grid_worker")
    actor = platform.actor(worker["login"])
    rng = random.Random(5)
    requests = []
    for i in range(cases):
        category = CATEGORIES[i % len(CATEGORIES)]
        title, description = vocab.issue_text(rng, category, "上水径花园")
        requests.append(dict(area=worker["scope"], category=category, title=title, description=description,
                             requester_name=vocab.requester_name(rng), requester_phone=vocab.phone(rng)))
    first_id = platform._store.max_issue_id() + 1

    def full_path() -> None:
        for request in requests:
            platform.issues.report(actor, **request)

    seconds, cpu, _ = timed(full_path)
    db = platform._store.db
    issue_rows = db.execute(f"SELECT {', '.join(ISSUE_COLUMNS[1:])} FROM issue WHERE id >= ? ORDER BY id", [first_id]).fetchall()
    event_rows = db.execute(f"SELECT {', '.join(EVENT_COLUMNS[1:])} FROM issue_event WHERE issue_id >= ? ORDER BY issue_id",
                            [first_id]).fetchall()
    platform.close()
    plain = plain_connection(copy_database(template, work / f"plain-{synchronous}.db"), synchronous)
    insert_issue = f"INSERT INTO issue ({', '.join(ISSUE_COLUMNS[1:])}) VALUES ({', '.join('?' * (len(ISSUE_COLUMNS) - 1))})"
    insert_event = f"INSERT INTO issue_event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"

    def two_rows() -> None:
        for issue, event in zip(issue_rows, event_rows, strict=True):
            plain.execute("BEGIN IMMEDIATE")
            issue_id = plain.execute(insert_issue, issue).lastrowid
            plain.execute(insert_event, (issue_id, *event))
            plain.execute("COMMIT")

    plain_seconds, plain_cpu, _ = timed(two_rows)
    plain.close()
    rate, plain_rate = cases / seconds, cases / plain_seconds
    return {
        "synchronous": synchronous,
        "cases": cases,
        "gridgov_report": {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "per_s": round(rate, 1),
                           "ms_each": round(seconds / cases * 1000, 3)},
        "plain_two_row_transaction": {"seconds": round(plain_seconds, 3), "cpu_seconds": round(plain_cpu, 3),
                                      "per_s": round(plain_rate, 1), "ms_each": round(plain_seconds / cases * 1000, 3)},
        "ratio": round(rate / plain_rate, 3),
        "cpu_ratio": round(plain_cpu / cpu, 3),
    }


def run(cases: int, synchronous: list[str]) -> dict:
    template = demo_database("small", 400, log=log)
    with tempfile.TemporaryDirectory() as tmp:
        runs = [measure(template, Path(tmp), cases, mode) for mode in synchronous]
    default = runs[0]
    return {
        "bench": "report_one_issue",
        "runs": runs,
        "ratio": default["ratio"],
        "cpu_ratio": default["cpu_ratio"],
        "budget_ratio": 0.25,
        "meets_budget": default["ratio"] >= 0.25,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--synchronous", default="FULL,NORMAL",
                        help="comma list; the first (FULL, the platform default) decides the budget")
    args = parser.parse_args()
    emit(run(args.cases, [s.strip().upper() for s in args.synchronous.split(",")]))


if __name__ == "__main__":
    main()
