"""Measure ``gridgov import members`` on a CSV of 100,000 generated members.

Prints JSON: the whole import's wall-clock and CPU seconds and rate (reading the CSV,
validating every record, reference checks, one transaction of batched inserts), and those
of a plain ``sqlite3.executemany`` of the same rows into a bare member table as a
yardstick. Each run starts from a fresh copy of a deployment with the areas and no
members; the two sides take turns (one warm-up each, then ``--runs`` rounds).

    .venv/bin/python bench/import_members.py [--rows 100000] [--seed 1] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
from pathlib import Path

from common import (
    Timing,
    copy_database,
    describe,
    emit,
    interleave,
    machine,
    plain_connection,
    ratios,
    timed,
    timing,
)
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


def csv_rows(path: Path) -> list[tuple]:
    with open(path, encoding="utf-8", newline="") as f:
        return [(r["login"], r["name"], r["home_area"], int(r["party_member"] == "true"), r["phone"], r["id_number"])
                for r in csv.DictReader(f)]


def plain_side(rows: list[tuple], db_path: Path) -> Timing:
    """A bare executemany of the CSV's rows (no validation) into a new member table."""
    for file in (db_path, db_path.with_name(db_path.name + "-wal")):
        file.unlink(missing_ok=True)
    conn = plain_connection(db_path, "NORMAL")
    conn.execute("CREATE TABLE member (login TEXT PRIMARY KEY, name TEXT NOT NULL, home_area TEXT, "
                 "party_member INTEGER, phone TEXT, id_number TEXT)")

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO member VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")

    try:
        return timing(insert)
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "areas.db"
        with Platform(template, hooks=PluginHost(builtins=(), entry_points=False)) as platform:
            grids = build_areas(platform)
        csv_path = work / "members.csv"
        write_members(csv_path, args.rows, grids, args.seed)
        rows = csv_rows(csv_path)
        counts: list[int] = []

        def import_side() -> Timing:
            platform = Platform(copy_database(template, work / "bench.db"), hooks=PluginHost(builtins=(), entry_points=False))
            try:
                wall, cpu, count = timed(lambda: platform.transfer.import_file(Actor.system(), "members", csv_path))
                assert platform.members.count() == count == args.rows
            finally:
                platform.close()
            counts.append(count)
            return Timing(wall, cpu)

        timings = interleave({"import": import_side, "plain": lambda: plain_side(rows, work / "plain.db")},
                             runs=args.runs, warmup=args.warmup)
    gridgov, plain = describe(timings["import"]), describe(timings["plain"])
    r = ratios(timings["import"], timings["plain"])
    emit({
        "bench": "import_members",
        "rows": counts[-1],
        "gridgov": {**gridgov, "rows_per_s": round(counts[-1] / gridgov["wall"]["median"])},
        "plain_executemany": {**plain, "rows_per_s": round(len(rows) / plain["wall"]["median"])},
        "ratio": r["wall"]["median_of_pairs"],
        "ratios": r,
        "machine": machine(),
    })


if __name__ == "__main__":
    main()
