"""Event replay: rebuilding cases from their event logs.

Two ways, each against plain sqlite3 reading the same event rows and decoding their JSON:
``platform.issues.replay(id)`` for a random sample of cases (what ``issue show`` and the
replay checks do), and a sequential pass over the whole log with
:func:`gridgov.core.workflow.replay` per case (what an audit of the whole database does).
Every replayed case is compared with its stored row; ``mismatches`` must be 0.

    .venv/bin/python bench/replay_bench.py [--issues 10000] [--sample 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
from itertools import groupby

from common import demo_database, emit, log, machine, open_platform, timed
from gridgov.core.converter import from_dict
from gridgov.core.models import Event
from gridgov.core.workflow import issue_row, replay


def run(issues: int, sample: int) -> dict:
    path = demo_database("longgang", issues, log=log)
    platform = open_platform(path)
    store = platform._store
    ids = [row[0] for row in store.db.execute("SELECT id FROM issue ORDER BY id")]
    chosen = random.Random(9).sample(ids, min(sample, len(ids)))
    events_in_sample = store.db.execute(
        f"SELECT count(*) FROM issue_event WHERE issue_id IN ({', '.join(map(str, chosen))})").fetchone()[0]

    def by_id() -> int:
        bad = 0
        for issue_id in chosen:
            expected = issue_row(platform.issues.replay(issue_id))
            stored = store.issue_row(issue_id)
            bad += any(stored[k] != v for k, v in expected.items())
        return bad

    seconds, cpu, mismatches = timed(by_id)
    plain = sqlite3.connect(path)

    def plain_by_id() -> None:
        for issue_id in chosen:
            cursor = plain.execute("SELECT * FROM issue_event WHERE issue_id = ? ORDER BY seq", [issue_id])
            names = [d[0] for d in cursor.description]
            for row in cursor:
                record = dict(zip(names, row, strict=True))
                record["changes"] = json.loads(record["changes"])
            plain.execute("SELECT * FROM issue WHERE id = ?", [issue_id]).fetchone()

    plain_seconds, plain_cpu, _ = timed(plain_by_id)

    def whole_log() -> int:
        count = 0
        for _, rows in groupby(store.iter_events(), key=lambda r: r["issue_id"]):
            replay([from_dict(Event, r) for r in rows])
            count += 1
        return count

    log_seconds, log_cpu, replayed = timed(whole_log)
    total_events = store.count("issue_event")

    def plain_log() -> None:
        cursor = plain.execute("SELECT * FROM issue_event ORDER BY issue_id, seq")
        for row in cursor:
            json.loads(row[10])

    plain_log_seconds, plain_log_cpu, _ = timed(plain_log)
    plain.close()
    platform.close()
    return {
        "bench": "event_replay",
        "database_issues": len(ids),
        "by_id": {
            "issues": len(chosen), "events": events_in_sample, "mismatches": mismatches,
            "gridgov": {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                        "issues_per_s": round(len(chosen) / seconds), "events_per_s": round(events_in_sample / seconds)},
            "plain_sqlite3_read": {"seconds": round(plain_seconds, 3), "cpu_seconds": round(plain_cpu, 3),
                                   "issues_per_s": round(len(chosen) / plain_seconds)},
            "ratio": round(plain_seconds / seconds, 3),
            "cpu_ratio": round(plain_cpu / cpu, 3),
            "issues_per_cpu_s": round(len(chosen) / cpu),
        },
        "whole_log": {
            "issues": replayed, "events": total_events,
            "gridgov": {"seconds": round(log_seconds, 3), "cpu_seconds": round(log_cpu, 3),
                        "events_per_s": round(total_events / log_seconds)},
            "plain_sqlite3_read": {"seconds": round(plain_log_seconds, 3), "cpu_seconds": round(plain_log_cpu, 3),
                                   "events_per_s": round(total_events / plain_log_seconds)},
            "ratio": round(plain_log_seconds / log_seconds, 3),
            "cpu_ratio": round(plain_log_cpu / log_cpu, 3),
            "events_per_cpu_s": round(total_events / log_cpu),
        },
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=3000)
    args = parser.parse_args()
    emit(run(args.issues, args.sample))


if __name__ == "__main__":
    main()
