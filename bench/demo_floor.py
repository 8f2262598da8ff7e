"""The floor under ``gridgov demo``: writing a demo's cases and events with plain sqlite3.

A demo load simulates its cases and writes them. This benchmark takes a database the demo
built and writes its ``issue`` and ``issue_event`` rows again, into a new file with the same
tables, indexes, triggers and trigram text index, the way the fastest plain-sqlite3
program would: one transaction, rollback journal, indexes and text index built after the
rows. It does this twice:

* ``executemany``: rows handed from Python in batches (what any Python loader pays: the
  rows are read from the source first, only the inserts are timed);
* ``insert_select``: ``INSERT … SELECT`` from the attached source, no Python per row (the
  engine's own floor).

Both then build the same indexes (``PRAGMA threads`` as the demo sets it) and rebuild the
text index. The figures say how much of a demo's time is the writing any program must do,
whatever simulates the cases.

    .venv/bin/python bench/demo_floor.py SOURCE.db [--work DIR]

``SOURCE.db`` is a finished demo database (``gridgov --db SOURCE.db demo --scale longgang``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from common import emit, log, machine

TABLES = ("issue", "issue_event")
BATCH = 50_000


def open_source(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def schema(source: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """The statements creating the cases' tables (with the text index) as the source has
    them, and those to run after the rows: the indexes and triggers (the triggers keep
    the text index in step with later changes; the load rebuilds it once instead)."""
    rows = source.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "AND (tbl_name IN ('issue', 'issue_event') OR name = 'issue_fts') ORDER BY type = 'table' DESC, name"
    ).fetchall()
    tables = [sql for kind, _, _, sql in rows if kind == "table"]
    return tables, [sql for kind, _, _, sql in rows if kind in ("index", "trigger")]


def target(path: Path, tables: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = TRUNCATE")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("BEGIN")
    for sql in tables:
        conn.execute(sql)
    conn.execute("COMMIT")
    return conn


def finish(conn: sqlite3.Connection, later: list[str]) -> dict[str, float]:
    """Indexes, triggers and the text index after the rows; then commit."""
    seconds: dict[str, float] = {}
    conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
    start = time.perf_counter()
    for sql in later:
        conn.execute(sql)
    seconds["indexes"] = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("INSERT INTO issue_fts (issue_fts) VALUES ('rebuild')")
    seconds["text_index"] = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("COMMIT")
    seconds["commit"] = time.perf_counter() - start
    return seconds


def by_executemany(source_path: Path, path: Path) -> dict[str, float]:
    """Copy with rows handed from Python; the reading is timed apart (``read``)."""
    source = open_source(source_path)
    tables, later = schema(source)
    conn = target(path, tables)
    conn.execute("BEGIN")
    seconds = {"read": 0.0, "insert": 0.0}
    for table in TABLES:
        columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
        insert = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
        while True:
            start = time.perf_counter()
            batch = cursor.fetchmany(BATCH)
            seconds["read"] += time.perf_counter() - start
            if not batch:
                break
            start = time.perf_counter()
            conn.executemany(insert, batch)
            seconds["insert"] += time.perf_counter() - start
    seconds |= finish(conn, later)
    conn.close()
    source.close()
    return seconds


def by_insert_select(source_path: Path, path: Path) -> dict[str, float]:
    """Copy inside the engine: ``INSERT … SELECT`` from the attached source."""
    source = open_source(source_path)
    tables, later = schema(source)
    source.close()
    conn = target(path, tables)
    conn.execute("ATTACH DATABASE ? AS source", [f"file:{source_path}?mode=ro"])
    conn.execute("BEGIN")
    start = time.perf_counter()
    for table in TABLES:
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM source.{table} ORDER BY rowid")
    seconds = {"insert": time.perf_counter() - start}
    seconds |= finish(conn, later)
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a finished demo database")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="where to write the copies (default: a temporary folder)",
    )
    args = parser.parse_args()
    if not args.source.exists():
        parser.error(f"{args.source} does not exist")
    source = open_source(args.source)
    counts = {
        table: source.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
    }
    result: dict = {
        "benchmark": "demo_floor",
        "machine": machine(),
        "source": str(args.source),
        "rows": counts,
    }
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        for name, run in (
            ("executemany", by_executemany),
            ("insert_select", by_insert_select),
        ):
            path = Path(work) / f"{name}.db"
            log(f"{name}: writing {counts['issue']:,} cases and {counts['issue_event']:,} events")
            start, cpu = time.perf_counter(), time.process_time()
            seconds = run(args.source, path)
            seconds = {k: round(v, 1) for k, v in seconds.items()}
            seconds["wall"] = round(time.perf_counter() - start - seconds.get("read", 0.0), 1)
            seconds["cpu_main_thread_and_helpers"] = round(time.process_time() - cpu, 1)
            result[name] = seconds | {"database_gb": round(path.stat().st_size / 1e9, 2)}
            path.unlink()
    emit(result)


if __name__ == "__main__":
    main()
