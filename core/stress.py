"""Many processes writing one deployment at once, and the checks that nothing was lost.

Used by the concurrency tests (a few seconds, both engines) and by
``bench/concurrency_bench.py`` (16 processes for 30 s on SQLite and PostgreSQL in one
run). Two workloads: *acting* — every worker keeps reading cases and acting on the version
it read, a few hot cases shared by all so that conflicts surely happen; *reporting* — every
worker reports new cases as fast as it can. Afterwards each case's version must count
exactly the changes workers saw succeed, its events must be numbered 1…n, replaying them
must give the row, and the daily counters must equal a recount from the events.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from collections import Counter
from typing import Any

from . import sample
from .access import Actor
from .errors import DatabaseBusy, StaleUpdate, WriteConflict
from .models import RATINGS
from .platform import Platform
from .plugins import PluginHost

LOGINS = [m[0] for m in sample.MEMBERS] + ["system"]
FORWARD = {"register", "dispatch", "accept", "resolve", "verify", "close", "reopen", "rework", "return"}
PLACES = [("SX01-B1", "worker_sx01"), ("SX02", "worker_sx02"), ("BNK01", "worker_bnk01")]


def _host() -> PluginHost:
    return PluginHost(builtins=(), entry_points=False)


def prepare(location: str, issues: int) -> None:
    """The sample deployment with ``issues`` reported cases, for the acting workload."""
    with Platform(location, hooks=_host()) as platform:
        if not platform._store.count("area"):
            sample.build(platform)
        for n in range(issues):
            area, login = PLACES[n % len(PLACES)]
            platform.issues.report(platform.actor(login), area=area, category="road.repair", title=f"第{n}号路面破损")


def _blank() -> dict[str, Any]:
    return {"acts": Counter(), "stale": 0, "busy": [], "unexpected": [], "tries": 0, "reported": [], "seconds": []}


def _act_worker(location: str, seed: int, issues: int, hot: int, seconds: float, start: Any, queue: Any) -> None:
    rng = random.Random(seed)
    report = _blank()
    try:
        platform = Platform(location, hooks=_host())
        actors = {login: platform.actor(login) for login in LOGINS}
        system = Actor.system()
        start.wait(60)
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            issue_id = rng.randint(1, hot) if rng.random() < 0.4 else rng.randint(1, issues)
            try:
                issue = platform.issues.get(system, issue_id)
                offers = [(login, action) for login in LOGINS
                          for action in platform.issues.available_actions(actors[login], issue) if action != "merge"]
                if not offers:
                    continue
                forward = [o for o in offers if o[1] in FORWARD]
                login, action = rng.choice(forward if forward and rng.random() < 0.85 else offers)
                report["tries"] += 1
                time.sleep(rng.random() * 0.004)  # the user looks at the case before acting
                rating = "dissatisfied" if rng.random() < 0.8 else rng.choice(RATINGS)  # closed cases reopen
                began = time.perf_counter()
                platform.issues.act(actors[login], issue_id, action, note="并发测试",
                                    rating=rating if action == "close" else None, expected_version=issue.version)
                report["seconds"].append(time.perf_counter() - began)
                report["acts"][issue_id] += 1
            except StaleUpdate:
                report["stale"] += 1
            except (DatabaseBusy, WriteConflict) as exc:
                report["busy"].append(str(exc))
            except Exception as exc:
                report["unexpected"].append(f"{type(exc).__name__}: {exc}")
        platform.close()
    except Exception as exc:
        report["unexpected"].append(f"worker: {type(exc).__name__}: {exc}")
    queue.put(report)


def _report_worker(location: str, seed: int, seconds: float, start: Any, queue: Any) -> None:
    report = _blank()
    try:
        platform = Platform(location, hooks=_host())
        actors = {login: platform.actor(login) for _, login in PLACES}
        start.wait(60)
        stop = time.monotonic() + seconds
        n = 0
        while time.monotonic() < stop:
            area, login = PLACES[(seed + n) % len(PLACES)]
            report["tries"] += 1
            try:
                began = time.perf_counter()
                created = platform.issues.report(actors[login], area=area, category="road.repair",
                                                 title=f"并发上报{seed}-{n}")
                report["seconds"].append(time.perf_counter() - began)
                report["reported"].append(created.id)
            except (DatabaseBusy, WriteConflict) as exc:
                report["busy"].append(str(exc))
            except Exception as exc:
                report["unexpected"].append(f"{type(exc).__name__}: {exc}")
            n += 1
        platform.close()
    except Exception as exc:
        report["unexpected"].append(f"worker: {type(exc).__name__}: {exc}")
    queue.put(report)


def _run(target: Any, args_for: Any, workers: int) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    queue, start = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=target, args=(*args_for(seed), start, queue)) for seed in range(workers)]
    for proc in procs:
        proc.start()
    time.sleep(0.5)
    start.set()
    reports = [queue.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(60)
    if any(proc.exitcode != 0 for proc in procs):
        raise RuntimeError(f"a worker exited with {[p.exitcode for p in procs]}")
    return reports


def run_acting(location: str, *, workers: int, seconds: float, issues: int = 50, hot: int = 5) -> dict[str, Any]:
    """``workers`` processes acting on the same ``issues`` cases for ``seconds``."""
    reports = _run(_act_worker, lambda seed: (location, seed, issues, hot, seconds), workers)
    acts: Counter[int] = sum((r["acts"] for r in reports), Counter())
    return {"workload": "acting", "workers": workers, "seconds": seconds, "issues": issues,
            "applied": sum(acts.values()), "stale": sum(r["stale"] for r in reports),
            "tries": sum(r["tries"] for r in reports), "busy": [m for r in reports for m in r["busy"]],
            "unexpected": [m for r in reports for m in r["unexpected"]], "acts": dict(acts),
            "latency_ms": _latency([s for r in reports for s in r["seconds"]])}


def run_reporting(location: str, *, workers: int, seconds: float) -> dict[str, Any]:
    """``workers`` processes reporting new cases for ``seconds``."""
    reports = _run(_report_worker, lambda seed: (location, seed + 1000, seconds), workers)
    ids = [i for r in reports for i in r["reported"]]
    return {"workload": "reporting", "workers": workers, "seconds": seconds, "applied": len(ids),
            "tries": sum(r["tries"] for r in reports), "busy": [m for r in reports for m in r["busy"]],
            "unexpected": [m for r in reports for m in r["unexpected"]], "reported": ids,
            "latency_ms": _latency([s for r in reports for s in r["seconds"]])}


def _latency(seconds: list[float]) -> dict[str, float | None]:
    if not seconds:
        return {"p50": None, "p99": None}
    ordered = sorted(seconds)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99)}


def verify(location: str, *, acts: dict[int, int] | None = None, reported: list[int] | None = None) -> dict[str, Any]:
    """Check what the workers left behind; returns the problems found (empty: none)."""
    problems: list[str] = []
    operator = Actor.system()
    with Platform(location, hooks=_host()) as platform:
        store = platform._store
        top = store.max_issue_id()
        ids = [r["id"] for r in store.select("issue", order_by="id")]
        if reported is not None and sorted(set(reported)) != sorted(reported):
            problems.append("an id was handed out twice")
        if reported is not None and not set(reported) <= set(ids):
            problems.append(f"{len(set(reported) - set(ids))} acknowledged reports are missing")
        for issue_id in ids:
            row = platform.issues.find_raw(issue_id)
            events = store.events(issue_id)
            expected = 1 + (acts or {}).get(issue_id, 0) if acts is not None else len(events)
            if row is None or row.version != len(events) or row.version != expected:
                problems.append(f"issue {issue_id}: version {row.version if row else None}, "
                                f"{len(events)} events, {expected} expected")
            if [e["seq"] for e in events] != list(range(1, len(events) + 1)):
                problems.append(f"issue {issue_id}: events not numbered 1…n")
            if row is not None and platform.issues.replay(operator, issue_id) != platform.issues.mask(row):
                problems.append(f"issue {issue_id}: replay differs from the row")
        recount: Counter = Counter()
        for event in store.iter_events():
            for key, value in json.loads(event["metrics"] or "{}").items():
                recount[key] += value
        stored = platform.metrics.for_area(operator, "LG").counts
        differing = {k: (stored[k], recount[k]) for k in stored if stored[k] != recount.get(k, 0)}
        if differing:
            problems.append(f"counters differ from a recount of the events: {differing}")
    return {"issues": len(ids), "max_id": top, "problems": problems}
