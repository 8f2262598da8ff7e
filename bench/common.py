"""What the benchmarks share: timing and its statistics, the machine's description, cached
demo databases.

Benchmark databases are built by the demo generator and cached under ``bench/data/``
(git-ignored), keyed by scale, number of cases and seed, so a second run measures
instead of rebuilding. Every benchmark prints one JSON object on stdout.

Statistics (see docs/performance.md): every timed side runs a warm-up, then ``runs``
rounds in which the sides take turns (A B A B …), so a burst of noise from the machine
lands on both. Each side is summarised by the median of its runs with min, max and the
spread (interquartile range / median); a ratio between two sides is given from the
medians and as the median of the per-round ratios (the figure the budgets use). A run
whose spread on any timed figure exceeds the trust threshold is not recorded by
``run.py``.
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

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


class Timing(NamedTuple):
    """Wall-clock and CPU seconds of one measured run.

    Both are kept: on a shared machine the wall clock also counts waiting for a core and
    for the disk, the CPU time only the work done."""

    wall: float
    cpu: float


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of one call, and its value."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - start, time.process_time() - cpu, value


def timing(fn: Callable[[], Any]) -> Timing:
    """The :class:`Timing` of one call (its value dropped)."""
    wall, cpu, _ = timed(fn)
    return Timing(wall, cpu)


TIME_UNITS = {"s": 1.0, "ms": 1000.0}
DEFAULT_MAX_SPREAD = 0.25
"""A timed figure whose runs spread wider than this share of their median is not trusted."""
MIN_RUNS = 3
"""Fewer runs than this give no spread to judge a figure by."""


def _figure(x: float) -> float:
    """Four significant digits: the runs do not support more."""
    return float(f"{x:.4g}")


def spread(samples: Sequence[float]) -> float:
    """The interquartile range over the median: how far apart the middle half of the runs
    lie, as a share of the typical one (0 for fewer than two runs).

    The interquartile rather than the full range, because the figure reported is the
    median: one run slowed by a neighbour's burst moves the range but not the median,
    while middle runs that disagree mean the median itself is not to be relied on.
    Quartiles are ``statistics.quantiles(method="inclusive")``; with 3 runs the spread is
    half the full range, with 5 it is (4th − 2nd) / 3rd. The full range is reported as
    ``range_spread`` beside it."""
    if not samples:
        raise ValueError("no samples")
    if len(samples) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return _relative(q3 - q1, statistics.median(samples))


def range_spread(samples: Sequence[float]) -> float:
    """``(max − min) / median``: the full range of the runs against the typical one."""
    if not samples:
        raise ValueError("no samples")
    return _relative(max(samples) - min(samples), statistics.median(samples))


def _relative(width: float, middle: float) -> float:
    if middle > 0:
        return width / middle
    return 0.0 if width == 0 else 1e9


def summary(samples: Sequence[float], unit: str = "s") -> dict[str, Any]:
    """Median, min, max and spreads of a timed figure's runs (values in ``unit``)."""
    if not samples:
        raise ValueError("no samples")
    return {
        "median": _figure(statistics.median(samples)),
        "min": _figure(min(samples)),
        "max": _figure(max(samples)),
        "spread": round(spread(samples), 3),
        "range_spread": round(range_spread(samples), 3),
        "runs": len(samples),
        "unit": unit,
        "samples": [_figure(x) for x in samples],
    }


def describe(timings: Sequence[Timing], unit: str = "s") -> dict[str, dict[str, Any]]:
    """Summaries of the wall-clock and CPU times of a side's runs, in ``unit``."""
    scale = TIME_UNITS[unit]
    return {"wall": summary([t.wall * scale for t in timings], unit),
            "cpu": summary([t.cpu * scale for t in timings], unit)}


def speed_ratio(subject: Sequence[float], baseline: Sequence[float]) -> dict[str, Any]:
    """How fast ``subject`` runs against ``baseline``: baseline time over subject time
    (1.0 = as fast, 0.5 = half the rate), from the two medians and round by round.

    The two lists are the interleaved runs, round ``i`` of each taken one after the
    other; the median of the per-round ratios is the more robust figure, since noise
    that slows a whole round cancels within it."""
    if len(subject) != len(baseline) or not subject:
        raise ValueError("the sides need the same, non-zero number of runs")
    pairs = [b / s for s, b in zip(subject, baseline, strict=True)]
    return {
        "of_medians": round(statistics.median(baseline) / statistics.median(subject), 3),
        "median_of_pairs": round(statistics.median(pairs), 3),
        "pairs_min": round(min(pairs), 3),
        "pairs_max": round(max(pairs), 3),
    }


def ratios(subject: Sequence[Timing], baseline: Sequence[Timing]) -> dict[str, dict[str, Any]]:
    """:func:`speed_ratio` of wall-clock and of CPU times."""
    return {"wall": speed_ratio([t.wall for t in subject], [t.wall for t in baseline]),
            "cpu": speed_ratio([t.cpu for t in subject], [t.cpu for t in baseline])}


def interleave(sides: Mapping[str, Callable[[], Timing]], *, runs: int, warmup: int = 1) -> dict[str, list[Timing]]:
    """Run each side ``warmup`` times untimed, then ``runs`` rounds of every side in turn.

    A side is a callable that prepares its own run (a fresh copy of a database, say),
    times only the work and returns its :class:`Timing`."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    for _ in range(warmup):
        for side in sides.values():
            side()
    out: dict[str, list[Timing]] = {name: [] for name in sides}
    for _ in range(runs):
        for name, side in sides.items():
            out[name].append(side())
    return out


def calls_for(fn: Callable[[], Any], min_seconds: float = 0.05, limit: int = 100_000) -> int:
    """How many calls of a fast ``fn`` make a run of at least ``min_seconds`` (doubling,
    as ``timeit``'s autorange does), so each run is long against the clock's noise."""
    calls = 1
    while calls < limit:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_seconds:
            break
        calls *= 2
    return calls


def per_call(fn: Callable[[], Any], calls: int) -> Callable[[], Timing]:
    """A side that times ``calls`` calls of ``fn`` and returns the time of one."""
    def side() -> Timing:
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            fn()
        return Timing((time.perf_counter() - start) / calls, (time.process_time() - cpu) / calls)
    return side


def timed_summaries(document: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every summary of a timed figure in a benchmark's JSON, with its place in it."""
    if isinstance(document, Mapping):
        if document.get("unit") in TIME_UNITS and "spread" in document:
            yield path, document
            return
        for key, value in document.items():
            yield from timed_summaries(value, f"{path}.{key}" if path else str(key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from timed_summaries(value, f"{path}[{i}]")


def untrusted(results: Mapping[str, Any], max_spread: float = DEFAULT_MAX_SPREAD,
              min_runs: int = MIN_RUNS) -> list[dict[str, Any]]:
    """The timed figures not to be trusted, worst first: those whose spread exceeds
    ``max_spread`` and those with fewer than ``min_runs`` runs (no spread to judge by).
    A run with any of them is not to be recorded."""
    found = []
    for where, figure in timed_summaries(results):
        if figure["spread"] > max_spread or figure["runs"] < min_runs:
            found.append({"figure": where, "spread": figure["spread"], "max_spread": max_spread,
                          "runs": figure["runs"], "median": figure["median"], "min": figure["min"],
                          "max": figure["max"], "unit": figure["unit"],
                          "reason": "spread" if figure["spread"] > max_spread else "too few runs"})
    return sorted(found, key=lambda f: (f["reason"] != "spread", -f["spread"]))


def database_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in database_files(path) if f.exists()) / 1e6, 1)


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a cached database (checkpointed first, so one file is enough),
    flushed to the disk so that writing the copy back does not overlap the timed work."""
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for file in database_files(target):
        file.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    os.sync()
    return target


def open_platform(path: Path, *, plugins: bool = True):
    from gridgov.core import Platform, PluginHost

    hooks = PluginHost(entry_points=False) if plugins else PluginHost(builtins=(), entry_points=False)
    return Platform(path, hooks=hooks)


def demo_database(scale: str, issues: int, *, plugins: bool = True, seed: int = SEED,
                  log: Callable[[str], None] | None = None) -> Path:
    """The cached demo database of ``scale`` with ``issues`` cases, built if missing."""
    from gridgov.core.demo import DEMO_END, load_demo

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

        # A fixed end: the queue and report benchmarks set their clocks from DEMO_END.
        load_demo(platform, scale, seed=seed, issues=issues, until=DEMO_END, progress=progress)
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
