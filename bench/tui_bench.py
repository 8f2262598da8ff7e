"""The terminal UI on a big database: start-up to the first screen, and paging the queue.

For a few members of the demo deployment (a grid worker, a community and a subdistrict
dispatcher, the administrator when there is one) the app runs headless at 120×40 and
the script times:

* ``startup_s``: from opening the database (migrations check, plugins, actor) to the home
  screen drawn with its figures — what a person waits for after ``gridgov tui``;
* ``plugin_cards_ready_s``: until the plugins' home cards, computed in a worker thread
  while the screen is already usable, are filled in;
* ``queue_open_s``: pressing 2 until the queue's first page (with its total) is on screen;
* ``page_s``: each press of ``n`` until the next page of 50 is on screen, over ``--pages``
  pages (mean, median, max);
* ``page_query_ms``: the same pages asked of ``platform.issues.list`` directly (each five
  times), to show how much of a page is the database and how much the UI.

The queue shows open cases by default; ``--all-statuses`` also times the widest actor's
queue with every status, which sorts the actor's whole scope by due time.

Each figure is summarised over ``--runs`` runs (5 by default; each run starts the app
anew in a process of its own, after its imports) after one warm-up run; the members take
turns within a round. A run's page figures are the median over its pages.

    .venv/bin/python bench/tui_bench.py [--db PATH | PATH] [--pages 20] [--runs 5]

Without a database it builds the small sample with a few thousand cases (quick mode).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH.parent) not in sys.path:
    sys.path.insert(0, str(BENCH.parent))

SIZE = (120, 40)
QUERY_REPEAT = 5
"""Each page's query is timed this many times (it takes milliseconds, a screen tenths of a second)."""


def quick_database(issues: int) -> Path:
    """The sample deployment with ``issues`` cases spread over its grids and buildings."""
    from gridgov.core import Actor, Platform, PluginHost, sample

    path = Path(tempfile.mkdtemp()) / "tui-quick.db"
    platform = Platform(path, hooks=PluginHost(entry_points=False))
    sample.build(platform)
    admin = platform.actor("admin")
    areas = ["SX01", "SX01-B1", "SX01-B2", "SX02", "SX02-B1", "BNK01", "BNK01-B1"]
    categories = list(platform.categories)
    system = Actor.system()
    with platform.transaction():
        for i in range(issues):
            issue = platform.issues.report(admin, area=areas[i % len(areas)], category=categories[i % len(categories)],
                                           title=f"case {i}")
            if i % 3 == 0:
                platform.issues.act(system, issue.id, "register")
    platform.close()
    return path


def actors_to_measure(platform) -> list[str]:
    """Logins of a grid worker, a community and a subdistrict dispatcher, and the admin."""
    try:
        from gridgov.core.demo import demo_logins

        logins = demo_logins(platform)
    except ImportError:
        logins = []
    chosen: list[str] = []
    if logins:
        def level(d):
            return platform.areas.get(d["scope"]).level if platform.areas.find(d["scope"]) else ""

        for post, lvl in (("grid_worker", None), ("dispatcher", "community"), ("dispatcher", "subdistrict"),
                          ("admin", None)):
            found = next((d["login"] for d in logins if d["post"] == post and (lvl is None or level(d) == lvl)), None)
            if found and found not in chosen:
                chosen.append(found)
        return chosen
    return ["worker_sx01", "dispatcher_sx", "dispatcher_ph", "admin"]  # the sample deployment


def use_demo_clock(platform) -> None:
    """On a demo database, stand just after the simulated year (as queue_bench does)."""
    if platform._store.setting("demo"):
        from gridgov.core.demo import DEMO_END

        platform.set_clock(lambda: DEMO_END + dt.timedelta(hours=15))


async def measure(path: Path, login: str, pages: int, statuses: str) -> dict:
    from gridgov.core import Platform, PluginHost
    from gridgov.tui.app import GridgovApp
    from gridgov.tui.screens.home import HomeScreen
    from gridgov.tui.screens.queue import QueueScreen

    started = time.perf_counter()
    platform = Platform(path, hooks=PluginHost(entry_points=False))
    try:
        use_demo_clock(platform)
        actor = platform.actor(login)
        app = GridgovApp(platform, actor, "zh")
        result: dict = {"login": login, "posts": list(actor.posts),
                        "scope": [g.area_code or g.org_code for g in actor.grants]}
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            result["startup_s"] = round(time.perf_counter() - started, 3)
            result["home_open_cases"] = app.screen.query_one("#card-open").value
            await app.workers.wait_for_complete()
            await pilot.pause()
            result["plugin_cards_ready_s"] = round(time.perf_counter() - started, 3)

            t = time.perf_counter()
            await pilot.press("2")
            await pilot.pause()
            queue = app.screen
            assert isinstance(queue, QueueScreen)
            if statuses == "all":
                from textual.widgets import Select

                t = time.perf_counter()
                queue.query_one("#status", Select).value = "all"
                await pilot.pause()
            result["queue_open_s"] = round(time.perf_counter() - t, 3)
            result["queue_filter"] = statuses
            result["queue_total"] = queue.total
            times = []
            for _ in range(min(pages, queue.pages - 1)):
                t = time.perf_counter()
                await pilot.press("n")
                await pilot.pause()
                times.append(time.perf_counter() - t)
            result["pages_turned"] = len(times)
            result["last_page_shown"] = queue.page + 1
            if times:
                result["page_s"] = {"mean": round(statistics.mean(times), 4), "median": round(statistics.median(times), 4),
                                    "max": round(max(times), 4)}
            filters = queue.filters()
            query = []
            for page in range(max(1, len(times))):
                for _ in range(QUERY_REPEAT):
                    t = time.perf_counter()
                    platform.issues.list(actor, **filters, limit=queue.page_size, offset=page * queue.page_size)
                    query.append((time.perf_counter() - t) * 1000)
            result["page_query_ms"] = {"median": round(statistics.median(query), 2), "max": round(max(query), 2)}
        return result
    finally:
        platform.close()


TIMED = {"startup_s": "s", "plugin_cards_ready_s": "s", "queue_open_s": "s", "page_s": "s", "page_query_ms": "ms"}


def summarised(runs: list[dict]) -> dict:
    """One member's runs as one record: the last run's counts, each timed figure's summary
    (for pages, of each run's median)."""
    from common import summary

    out = {k: v for k, v in runs[-1].items() if k not in TIMED}
    for key, unit in TIMED.items():
        values = [r[key]["median"] if isinstance(r.get(key), dict) else r.get(key) for r in runs]
        if all(v is not None for v in values):
            out[key] = summary(values, unit)
    if "page_s" in runs[-1]:
        out["page_s_max"] = max(r["page_s"]["max"] for r in runs)
    return out


def measure_apart(path: Path, login: str, pages: int, statuses: str) -> dict:
    """:func:`measure` in a process of its own, as a person starting ``gridgov tui`` has:
    runs in one process slow down one after the other (the app's state piles up)."""
    import subprocess

    done = subprocess.run([sys.executable, __file__, "--measure-one", login, "--db", str(path), "--pages", str(pages),
                           "--statuses", statuses], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="database (same as --db)")
    parser.add_argument("--db", help="database to measure (default: a small quick database)")
    parser.add_argument("--pages", type=int, default=20, help="pages to turn in each queue")
    parser.add_argument("--login", action="append", help="measure these logins (repeatable)")
    parser.add_argument("--all-statuses", action="store_true", help="also time the widest queue with every status")
    parser.add_argument("--quick-issues", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--measure-one", metavar="LOGIN", help=argparse.SUPPRESS)
    parser.add_argument("--statuses", default="open", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_one:
        print(json.dumps(asyncio.run(measure(Path(args.db), args.measure_one, args.pages, args.statuses))))
        return
    db = args.db or args.path
    quick = db is None
    path = quick_database(args.quick_issues) if quick else Path(db)

    import sqlite3

    with sqlite3.connect(path) as conn:
        issues = conn.execute("SELECT max(id) FROM issue").fetchone()[0] or 0
        size_mb = round(path.stat().st_size / 1e6, 1)

    from gridgov.core import Platform, PluginHost

    with Platform(path, hooks=PluginHost(entry_points=False)) as platform:
        logins = args.login or actors_to_measure(platform)
    plan = [(login, "open") for login in logins]
    if args.all_statuses and logins:
        plan.append((logins[-1], "all"))
    for _ in range(args.warmup):
        measure_apart(path, plan[0][0], args.pages, plan[0][1])
    rounds = [[measure_apart(path, login, args.pages, statuses) for login, statuses in plan]
              for _ in range(args.runs)]
    runs = [summarised([r[i] for r in rounds]) for i in range(len(plan))]
    from common import emit, machine

    emit({
        "benchmark": "tui_startup_and_paging",
        "database": str(path),
        "issues": issues,
        "database_mb": size_mb,
        "quick": quick,
        "terminal": f"{SIZE[0]}x{SIZE[1]}",
        "page_size": 50,
        "runs": runs,
        "machine": machine(),
    })


if __name__ == "__main__":
    main()
