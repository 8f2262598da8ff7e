"""Event replay: rebuilding cases from their event logs.

Two ways, each against plain sqlite3 reading the same event rows and decoding their JSON:
``platform.issues.replay(actor, id)`` for a random sample of cases (what ``issue show`` and the
replay checks do), and a sequential pass over the whole log with
:func:`gridgov.core.workflow.replay` per case (what an audit of the whole database does).
Every replayed case is compared with its stored row; ``mismatches`` must be 0. Each way
and its baseline take turns: one warm-up each, then ``--runs`` rounds.

    .venv/bin/python bench/replay_bench.py [--issues 10000] [--sample 3000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from itertools import groupby

from common import (
    Timing,
    demo_database,
    describe,
    emit,
    interleave,
    log,
    machine,
    open_platform,
    ratios,
)
from gridgov.core import Actor, mask_phone
from gridgov.core.converter import from_dict
from gridgov.core.models import Event
from gridgov.core.workflow import issue_row, replay

OPERATOR = Actor.system()


def run(issues: int, sample: int, runs: int, warmup: int) -> dict:
    path = demo_database("longgang", issues, log=log)
    platform = open_platform(path)
    store = platform._store
    ids = [row[0] for row in store.sql.execute("SELECT id FROM issue ORDER BY id")]
    chosen = random.Random(9).sample(ids, min(sample, len(ids)))
    events_in_sample = store.sql.execute(
        f"SELECT count(*) FROM issue_event WHERE issue_id IN ({', '.join(map(str, chosen))})").fetchone()[0]
    total_events = store.count("issue_event")
    plain = sqlite3.connect(path)
    mismatches: list[int] = []
    replayed: list[int] = []

    def timed_side(fn, keep: list[int] | None = None):
        def side() -> Timing:
            start, cpu = time.perf_counter(), time.process_time()
            value = fn()
            timing = Timing(time.perf_counter() - start, time.process_time() - cpu)
            if keep is not None:
                keep.append(value)
            return timing
        return side

    def by_id() -> int:
        bad = 0
        for issue_id in chosen:
            expected = issue_row(platform.issues.replay(OPERATOR, issue_id))  # the phone masked
            stored = store.issue_row(issue_id)
            stored["requester_phone"] = mask_phone(stored["requester_phone"])
            bad += any(stored[k] != v for k, v in expected.items())
        return bad

    def plain_by_id() -> None:
        for issue_id in chosen:
            cursor = plain.execute("SELECT * FROM issue_event WHERE issue_id = ? ORDER BY seq", [issue_id])
            names = [d[0] for d in cursor.description]
            for row in cursor:
                record = dict(zip(names, row, strict=True))
                record["changes"] = json.loads(record["changes"])
            plain.execute("SELECT * FROM issue WHERE id = ?", [issue_id]).fetchone()

    def whole_log() -> int:
        count = 0
        for _, rows in groupby(store.iter_events(), key=lambda r: r["issue_id"]):
            replay([from_dict(Event, r) for r in rows])
            count += 1
        return count

    def plain_log() -> None:
        cursor = plain.execute("SELECT * FROM issue_event ORDER BY issue_id, seq")
        for row in cursor:
            json.loads(row[10])

    try:
        timings = interleave({"by_id": timed_side(by_id, mismatches), "plain_by_id": timed_side(plain_by_id),
                              "whole_log": timed_side(whole_log, replayed), "plain_log": timed_side(plain_log)},
                             runs=runs, warmup=warmup)
    finally:
        plain.close()
        platform.close()

    def side(name: str, count: int, per: str) -> dict:
        figures = describe(timings[name])
        return {**figures, per: round(count / figures["wall"]["median"])}

    by_id_ratio = ratios(timings["by_id"], timings["plain_by_id"])
    log_ratio = ratios(timings["whole_log"], timings["plain_log"])
    cpu_median = describe(timings["by_id"])["cpu"]["median"]
    log_cpu_median = describe(timings["whole_log"])["cpu"]["median"]
    return {
        "bench": "event_replay",
        "database_issues": len(ids),
        "by_id": {
            "issues": len(chosen), "events": events_in_sample, "mismatches": max(mismatches),
            "gridgov": side("by_id", len(chosen), "issues_per_s"),
            "plain_sqlite3_read": side("plain_by_id", len(chosen), "issues_per_s"),
            "ratio": by_id_ratio["wall"]["median_of_pairs"],
            "cpu_ratio": by_id_ratio["cpu"]["median_of_pairs"],
            "ratios": by_id_ratio,
            "issues_per_cpu_s": round(len(chosen) / cpu_median),
        },
        "whole_log": {
            "issues": replayed[-1], "events": total_events,
            "gridgov": side("whole_log", total_events, "events_per_s"),
            "plain_sqlite3_read": side("plain_log", total_events, "events_per_s"),
            "ratio": log_ratio["wall"]["median_of_pairs"],
            "cpu_ratio": log_ratio["cpu"]["median_of_pairs"],
            "ratios": log_ratio,
            "events_per_cpu_s": round(total_events / log_cpu_median),
        },
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    emit(run(args.issues, args.sample, args.runs, args.warmup))


if __name__ == "__main__":
    main()
