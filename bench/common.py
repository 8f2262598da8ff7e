"""What the benchmarks share: timing, the machine's description, cached demo databases.

Benchmark databases are built by the demo generator and cached under ``bench/data/``
(git-ignored), keyed by scale, number of cases and seed, so a second run measures
instead of rebuilding. Every benchmark prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import platform as host
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
SEED = 20261031

if str(BENCH.parent) not in sys.path:
    sys.path.insert(0, str(BENCH.parent))


def machine() -> dict[str, Any]:
    """The machine and software the figures were taken on."""
    info: dict[str, Any] = {
        "python": host.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": f"{host.system()} {host.release()}",
        "cpus": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False, indent=2))


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of one call, and its value.

    Both are reported: on a shared machine the wall clock also counts waiting for a core
    and for the disk, the CPU time only the work done."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - start, time.process_time() - cpu, value


def median_ms(fn: Callable[[], Any], repeat: int = 30, warmup: int = 3) -> dict[str, float]:
    """Median and 90th percentile of ``repeat`` calls, in milliseconds, after a warm-up."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 3), "p90_ms": round(times[int(len(times) * 0.9) - 1], 3)}


def database_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in database_files(path) if f.exists()) / 1e6, 1)


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a cached database (checkpointed first, so one file is enough)."""
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for file in database_files(target):
        file.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def open_platform(path: Path, *, plugins: bool = True):
    from gridgov.core import Platform, PluginHost

    hooks = PluginHost(entry_points=False) if plugins else PluginHost(builtins=(), entry_points=False)
    return Platform(path, hooks=hooks)


def demo_database(scale: str, issues: int, *, plugins: bool = True, seed: int = SEED,
                  log: Callable[[str], None] | None = None) -> Path:
    """The cached demo database of ``scale`` with ``issues`` cases, built if missing."""
    from gridgov.core.demo import load_demo

    DATA.mkdir(parents=True, exist_ok=True)
    name = f"{scale}-{issues}-{seed}{'' if plugins else '-core'}.db"
    path = DATA / name
    done = path.with_name(name + ".ok")
    if path.exists() and done.exists():
        return path
    for file in database_files(path):
        file.unlink(missing_ok=True)
    platform = open_platform(path, plugins=plugins)
    try:
        started = time.perf_counter()
        last = [0.0]

        def progress(stage: str, n: int, total: int) -> None:
            now = time.perf_counter()
            if log and (now - last[0] > 30 or n == total):
                last[0] = now
                log(f"{name}: {stage} {n}/{total} ({now - started:.0f} s)")

        load_demo(platform, scale, seed=seed, issues=issues, progress=progress)
    finally:
        platform.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    done.write_text(json.dumps({"seconds": round(time.perf_counter() - started, 1), "size_mb": size_mb(path)}))
    return path


def plain_connection(path: Path, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """A bare sqlite3 connection with the settings every gridgov connection has."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
