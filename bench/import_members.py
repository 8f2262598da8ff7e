"""Measure ``gridgov import members`` on a CSV of 100,000 generated members.

Prints JSON: {"rows", "seconds", "rows_per_s", "cpu_seconds"} for the whole import (reading the CSV,
validating every record, reference checks, one transaction of batched inserts), plus the
rate of a plain ``sqlite3.executemany`` of the same rows into the same table as a yardstick.

    .venv/bin/python bench/import_members.py [--rows 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from gridgov.core import Actor, Area, Platform, PluginHost
from gridgov.core import demo_vocabulary as vocab


def build_areas(platform: Platform) -> list[str]:
    system = Actor.system()
    grids = []
    with platform.transaction():
        platform.areas.add(system, Area(code="LG", name="龙岗区", level="district"))
        for s, name in enumerate(vocab.LONGGANG_SUBDISTRICTS[:2]):
            platform.areas.add(system, Area(code=f"S{s}", name=name, level="subdistrict", parent_code="LG"))
            taken: set[str] = set()
            for c in range(5):
                community = vocab.community_name(random.Random(s * 10 + c), taken)
                platform.areas.add(system, Area(code=f"S{s}C{c}", name=community, level="community", parent_code=f"S{s}"))
                for g in range(1, 6):
                    code = f"S{s}C{c}G{g:02d}"
                    platform.areas.add(system, Area(code=code, name=vocab.grid_name(community, g), level="grid",
                                                    parent_code=f"S{s}C{c}"))
                    grids.append(code)
    return grids


def write_members(path: Path, rows: int, grids: list[str], seed: int) -> None:
    rng = random.Random(seed)
    taken: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["login", "name", "home_area", "party_member", "phone", "id_number"])
        for _ in range(rows):
            name = vocab.person_name(rng)
            writer.writerow([vocab.pinyin_login(name, rng, taken), name, rng.choice(grids),
                             "true" if rng.random() < 0.3 else "false", vocab.phone(rng), vocab.id_number(rng)])


def baseline(path: Path, db_path: Path) -> float:
    """Rows per second of a bare executemany of the CSV's rows (no validation)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = [(r["login"], r["name"], r["home_area"], int(r["party_member"] == "true"), r["phone"], r["id_number"])
                for r in csv.DictReader(f)]
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE member (login TEXT PRIMARY KEY, name TEXT NOT NULL, home_area TEXT, "
                 "party_member INTEGER, phone TEXT, id_number TEXT)")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO member VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return len(rows) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        platform = Platform(tmp_path / "bench.db", hooks=PluginHost(builtins=(), entry_points=False))
        grids = build_areas(platform)
        csv_path = tmp_path / "members.csv"
        write_members(csv_path, args.rows, grids, args.seed)
        start, cpu = time.perf_counter(), time.process_time()
        count = platform.transfer.import_file(Actor.system(), "members", csv_path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert platform.members.count() == count == args.rows
        platform.close()
        plain = baseline(csv_path, tmp_path / "plain.db")
    print(json.dumps({
        "rows": count,
        "seconds": round(seconds, 3),
        "rows_per_s": round(count / seconds),
        "cpu_seconds": round(cpu, 3),
        "plain_executemany_rows_per_s": round(plain),
    }))


if __name__ == "__main__":
    main()
