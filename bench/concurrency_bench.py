"""Many writer processes on one deployment, SQLite and PostgreSQL in the same run; prints JSON.

Two workloads from :mod:`gridgov.core.stress`, each on a fresh database per engine:
*acting* (every worker reads cases and acts on the version it read, a few hot cases shared
by all, so version conflicts surely happen) and *reporting* (every worker reports new cases
as fast as it can). After each run the checks of ``stress.verify`` must find nothing: every
case's version counts exactly the changes that succeeded, events are numbered 1…n, replay
gives the row, every acknowledged report is stored, and the daily counters equal a recount.

    python bench/concurrency_bench.py                          # SQLite only
    .ci/with-postgres python bench/concurrency_bench.py --pg   # SQLite and PostgreSQL
    python bench/concurrency_bench.py --workers 4 --seconds 3  # a smoke run
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import emit, machine
from gridgov.core import stress


def _locations(pg: bool):
    """(engine, location, cleanup) for each engine of the run; a new database each."""
    directory = Path(tempfile.mkdtemp(prefix="gridgov-concurrency-"))
    counter = iter(range(1000))

    def sqlite():
        return "sqlite", str(directory / f"c{next(counter)}.db"), lambda: None

    def postgresql():
        from gridgov.core.storage import pg_admin

        server = os.environ["GRIDGOV_TEST_PG_URL"]
        name = f"gridgov_concurrency_{os.getpid()}_{next(counter)}"
        pg_admin.drop_database(server, name)
        url = pg_admin.create_database(server, name)

        def drop():
            pg_admin.close_pool(url)
            pg_admin.drop_database(server, name)
        return "postgresql", url, drop

    return [sqlite] + ([postgresql] if pg else [])


def _summary(result: dict, seconds: float, checked: dict) -> dict:
    return {
        "applied": result["applied"], "per_second": round(result["applied"] / seconds, 1),
        "tries": result["tries"], "stale": result.get("stale"),
        "busy": len(result["busy"]), "unexpected": result["unexpected"][:5],
        "latency_ms": result["latency_ms"], "cases_checked": checked["issues"],
        "problems": checked["problems"][:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--pg", action="store_true", help="also on the server of $GRIDGOV_TEST_PG_URL")
    args = parser.parse_args()
    if args.pg and not os.environ.get("GRIDGOV_TEST_PG_URL"):
        parser.error("--pg needs $GRIDGOV_TEST_PG_URL (run under .ci/with-postgres)")
    engines: dict[str, dict] = {}
    for make in _locations(args.pg):
        figures: dict[str, dict] = {}
        for workload in ("acting", "reporting"):
            engine, location, cleanup = make()
            try:
                stress.prepare(location, 50 if workload == "acting" else 0)
                started = time.perf_counter()
                if workload == "acting":
                    result = stress.run_acting(location, workers=args.workers, seconds=args.seconds)
                    checked = stress.verify(location, acts={int(k): v for k, v in result["acts"].items()})
                else:
                    result = stress.run_reporting(location, workers=args.workers, seconds=args.seconds)
                    checked = stress.verify(location, reported=result["reported"])
                figures[workload] = _summary(result, args.seconds, checked)
                figures[workload]["wall_seconds"] = round(time.perf_counter() - started, 1)
            finally:
                cleanup()
        engines[engine] = figures
    emit({"benchmark": "concurrency", "workers": args.workers, "seconds": args.seconds,
          "machine": machine(), "engines": engines,
          "ok": all(not f["problems"] and not f["unexpected"] and not f["busy"]
                    for e in engines.values() for f in e.values())})


if __name__ == "__main__":
    main()
