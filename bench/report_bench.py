"""Reporting one issue through the full path against a plain two-row sqlite3 transaction.

The full path is ``platform.issues.report(actor, …)``: category and area checks, the
actor's scope, the handling area, plugin vetoes, the issue row and its first event, the
area counters, the plugins' ``issue_created`` hooks (each in a savepoint) and the commit;
one transaction per case, as a grid worker saves them. The baseline writes the same two
rows (the issue and its event, read back from the platform's run) in a ``BEGIN IMMEDIATE``
… ``COMMIT`` per case on a bare connection to a copy of the same database, WAL and the same
``synchronous`` setting (FULL, the platform default, then NORMAL), triggers and indexes
included. Each run starts from a fresh copy of the demo database; the two sides take turns
(one warm-up each, then ``--runs`` rounds). Budget (DESIGN.md): at least a quarter of the
baseline's rate.

    .venv/bin/python bench/report_bench.py [--cases 300] [--runs 7] [--synchronous FULL,NORMAL]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    Timing,
    copy_database,
    demo_database,
    describe,
    emit,
    interleave,
    log,
    machine,
    plain_connection,
    ratios,
    timing,
)
from gridgov.core import Platform, PluginHost
from gridgov.core import demo_vocabulary as vocab
from gridgov.core.demo import DEMO_END, demo_logins
from gridgov.core.storage.issue_rows import EVENT_COLUMNS, ISSUE_COLUMNS

CATEGORIES = ("road.repair", "environment.sanitation", "facility.repair", "parking", "noise", "greening")
TEMPLATE = ("small", 400)
"""The demo database every run starts from a copy of."""

INSERT_ISSUE = f"INSERT INTO issue ({', '.join(ISSUE_COLUMNS[1:])}) VALUES ({', '.join('?' * (len(ISSUE_COLUMNS) - 1))})"
INSERT_EVENT = f"INSERT INTO issue_event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"


def open_at_demo_end(path: Path, synchronous: str) -> Platform:
    return Platform(path, hooks=PluginHost(entry_points=False), synchronous=synchronous, clock=lambda: DEMO_END)


def grid_worker(template: Path, work: Path) -> dict[str, Any]:
    """The demo's grid worker login (login, scope), who reports every case (read from a
    copy: the cached template is never opened by the platform, which could migrate it)."""
    with open_at_demo_end(copy_database(template, work / "logins.db"), "NORMAL") as platform:
        return next(d for d in demo_logins(platform) if d["post"] == "grid_worker")


def next_issue_id(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) + 1 FROM issue").fetchone()[0]


def report_requests(scope: str, cases: int) -> list[dict[str, Any]]:
    """``cases`` reports for the worker's grid: the same ones in every run."""
    rng = random.Random(5)
    requests = []
    for i in range(cases):
        category = CATEGORIES[i % len(CATEGORIES)]
        title, description = vocab.issue_text(rng, category, "上水径花园")
        requests.append(dict(area=scope, category=category, title=title, description=description,
                             requester_name=vocab.requester_name(rng), requester_phone=vocab.phone(rng)))
    return requests


def written_rows(path: Path, first_id: int) -> tuple[list[tuple], list[tuple]]:
    """The issue rows (without id) and event rows (without issue_id) from ``first_id`` on."""
    with sqlite3.connect(path) as conn:
        issues = conn.execute(f"SELECT {', '.join(ISSUE_COLUMNS[1:])} FROM issue WHERE id >= ? ORDER BY id",
                              [first_id]).fetchall()
        events = conn.execute(f"SELECT {', '.join(EVENT_COLUMNS[1:])} FROM issue_event WHERE issue_id >= ? "
                              "ORDER BY issue_id", [first_id]).fetchall()
    return issues, events


def gridgov_side(template: Path, target: Path, login: str, requests: list[dict], synchronous: str
                 ) -> Callable[[], Timing]:
    """Each call: a fresh copy of the template, then every request through ``issues.report``."""
    def side() -> Timing:
        platform = open_at_demo_end(copy_database(template, target), synchronous)
        try:
            actor = platform.actor(login)
            return timing(lambda: [platform.issues.report(actor, **request) for request in requests])
        finally:
            platform.close()
    return side


def plain_side(template: Path, target: Path, issue_rows: list[tuple], event_rows: list[tuple], synchronous: str
               ) -> Callable[[], Timing]:
    """Each call: a fresh copy of the template, then the same rows, two per transaction."""
    def side() -> Timing:
        conn = plain_connection(copy_database(template, target), synchronous)

        def two_rows() -> None:
            for issue, event in zip(issue_rows, event_rows, strict=True):
                conn.execute("BEGIN IMMEDIATE")
                issue_id = conn.execute(INSERT_ISSUE, issue).lastrowid
                conn.execute(INSERT_EVENT, (issue_id, *event))
                conn.execute("COMMIT")

        try:
            return timing(two_rows)
        finally:
            conn.close()
    return side


def reference_run(template: Path, work: Path, login: str, requests: list[dict], synchronous: str
                  ) -> tuple[list[tuple], list[tuple]]:
    """One untimed run of the full path, for the rows the baselines write."""
    target = work / f"reference-{synchronous}.db"
    gridgov_side(template, target, login, requests, synchronous)()
    return written_rows(target, next_issue_id(template))


def side_figures(timings: list[Timing], cases: int) -> dict[str, Any]:
    figures = describe(timings)
    median = figures["wall"]["median"]
    return {**figures, "per_s": round(cases / median, 1), "ms_each": round(median / cases * 1000, 3)}


def measure(template: Path, work: Path, cases: int, synchronous: str, runs: int, warmup: int) -> dict:
    worker = grid_worker(template, work)
    requests = report_requests(worker["scope"], cases)
    issue_rows, event_rows = reference_run(template, work, worker["login"], requests, synchronous)
    timings = interleave({
        "gridgov": gridgov_side(template, work / f"full-{synchronous}.db", worker["login"], requests, synchronous),
        "plain": plain_side(template, work / f"plain-{synchronous}.db", issue_rows, event_rows, synchronous),
    }, runs=runs, warmup=warmup)
    r = ratios(timings["gridgov"], timings["plain"])
    return {
        "synchronous": synchronous,
        "cases": cases,
        "gridgov_report": side_figures(timings["gridgov"], cases),
        "plain_two_row_transaction": side_figures(timings["plain"], cases),
        "ratio": r["wall"]["median_of_pairs"],
        "ratio_of_medians": r["wall"]["of_medians"],
        "cpu_ratio": r["cpu"]["median_of_pairs"],
        "ratios": r,
    }


def run(cases: int, synchronous: list[str], runs: int, warmup: int) -> dict:
    template = demo_database(*TEMPLATE, log=log)
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(template, Path(tmp), cases, mode, runs, warmup) for mode in synchronous]
    default = results[0]
    return {
        "bench": "report_one_issue",
        "note": "ratio: median over the interleaved rounds of plain seconds / gridgov seconds (rate ratio)",
        "runs": results,
        "ratio": default["ratio"],
        "cpu_ratio": default["cpu_ratio"],
        "budget_ratio": 0.25,
        "meets_budget": default["ratio"] >= 0.25,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--synchronous", default="FULL,NORMAL",
                        help="comma list; the first (FULL, the platform default) decides the budget")
    args = parser.parse_args()
    emit(run(args.cases, [s.strip().upper() for s in args.synchronous.split(",")], args.runs, args.warmup))


if __name__ == "__main__":
    main()
