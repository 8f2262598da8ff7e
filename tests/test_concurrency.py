"""Four processes act on the same cases at once, each reading a case and acting on the
version it read. Nothing may be lost: every conflict is a StaleUpdate, never "database is
locked", and each case's version counts exactly the changes the workers saw succeed."""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import time
from collections import Counter

from gridgov.core import RATINGS, Actor, Platform, PluginHost, StaleUpdate, sample

WORKERS = 4
ISSUES = 50
HOT = 5  # a few cases every worker keeps returning to, so conflicts surely happen
SECONDS = 3.0
LOGINS = [m[0] for m in sample.MEMBERS] + ["system"]
FORWARD = {"register", "dispatch", "accept", "resolve", "verify", "close", "reopen", "rework", "return"}
PLACES = [("SX01-B1", "worker_sx01"), ("SX02", "worker_sx02"), ("BNK01", "worker_bnk01")]


def _host() -> PluginHost:
    return PluginHost(builtins=(), entry_points=False)


def _worker(path: str, seed: int, start, queue) -> None:
    rng = random.Random(seed)
    report: dict = {"acts": Counter(), "stale": 0, "locked": [], "unexpected": [], "tries": 0}
    try:
        platform = Platform(path, hooks=_host())
        actors = {login: platform.actor(login) for login in LOGINS}
        system = Actor.system()
        start.wait(30)
        stop = time.monotonic() + SECONDS
        while time.monotonic() < stop:
            issue_id = rng.randint(1, HOT) if rng.random() < 0.4 else rng.randint(1, ISSUES)
            try:
                issue = platform.issues.get(system, issue_id)
                offers = [(login, action) for login in LOGINS
                          for action in platform.issues.available_actions(actors[login], issue)
                          if action != "merge"]  # fmt: skip
                if not offers:
                    continue
                forward = [o for o in offers if o[1] in FORWARD]
                login, action = rng.choice(forward if forward and rng.random() < 0.85 else offers)
                report["tries"] += 1
                time.sleep(rng.random() * 0.004)  # the user looks at the case before acting
                # Mostly dissatisfied, so closed cases reopen and stay in play.
                rating = "dissatisfied" if rng.random() < 0.8 else rng.choice(RATINGS)
                platform.issues.act(
                    actors[login], issue_id, action, note="并发测试", org=None,
                    rating=rating if action == "close" else None,
                    expected_version=issue.version,
                )
                report["acts"][issue_id] += 1
            except StaleUpdate:
                report["stale"] += 1
            except sqlite3.OperationalError as exc:
                report["locked"].append(str(exc))
            except Exception as exc:
                report["unexpected"].append(f"{type(exc).__name__}: {exc}")
        platform.close()
    except Exception as exc:
        report["unexpected"].append(f"worker: {type(exc).__name__}: {exc}")
    queue.put(report)


def test_four_processes_lose_no_update(tmp_path):
    path = str(tmp_path / "busy.db")
    with Platform(path, hooks=_host()) as platform:
        sample.build(platform)
        for n in range(ISSUES):
            area, login = PLACES[n % len(PLACES)]
            platform.issues.report(platform.actor(login), area=area, category="road.repair", title=f"第{n}号路面破损")
    ctx = multiprocessing.get_context("spawn")
    queue, start = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_worker, args=(path, seed, start, queue)) for seed in range(WORKERS)]
    for p in procs:
        p.start()
    time.sleep(0.2)
    start.set()
    reports = [queue.get(timeout=90) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0

    locked = [m for r in reports for m in r["locked"]]
    unexpected = [m for r in reports for m in r["unexpected"]]
    assert locked == [], locked[:3]
    assert unexpected == [], unexpected[:3]
    acts = sum((r["acts"] for r in reports), Counter())
    stale = sum(r["stale"] for r in reports)
    tries = sum(r["tries"] for r in reports)
    assert sum(acts.values()) + stale == tries  # every attempt either went through or was stale
    assert stale > 0, "the hot cases should have produced conflicts"
    assert sum(acts.values()) > 50

    with Platform(path, hooks=_host()) as platform:
        for issue_id in range(1, ISSUES + 1):
            row = platform.issues.find_raw(issue_id)
            events = platform._store.events(issue_id)
            assert row.version == len(events) == 1 + acts[issue_id], issue_id
            assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
            assert platform.issues.replay(Actor.system(), issue_id, unmask_reason="integrity check") == row
        counts = platform.metrics.for_area(Actor.system(), "LG").counts
        assert counts["received"] == ISSUES
        changes = Counter(e["action"] for e in platform._store.iter_events() if e["action"] != "report")
        assert sum(changes.values()) == sum(acts.values())
        assert counts["registered"] == changes["register"] and counts["closed"] == changes["close"]
