"""gridgov against the peer an integrator would pick instead: SQLAlchemy 2's ORM over the
same tables, with plain sqlite3 as the floor, side by side in one run.

Two pieces of work, each done three ways on copies of the same demo database (same
schema, indexes and triggers, WAL, ``synchronous=FULL``, one transaction per case):

* **report one case.** gridgov: ``platform.issues.report(actor, …)``, the full path
  (validation, scope, routing, plugin vetoes and hooks, the issue row, its first event,
  the area counters). ORM: the issue and its first event as mapped objects
  (:mod:`orm_models`), ``session.add`` and ``session.commit`` in a session per case,
  ``BEGIN IMMEDIATE`` as gridgov. Plain: the two ``INSERT`` statements. The ORM and the
  plain side write the very rows gridgov wrote (read back from an untimed run; the ORM's
  are compared with them), so they do only the inserts;
* **queue page.** A grid worker's count of open cases and the 50 soonest due, on the
  database after the reports (so the page is full). gridgov: ``issues.count`` and
  ``issues.list`` (records with typed fields, masked phones); ORM: ``select(func.count())``
  and ``select(Issue)`` in a session per page; plain: the same two statements with
  ``fetchall``. The three pages must hold the same cases, and the query plans show each
  uses the open-queue index.

Sides take turns (A B C A B C …) after a warm-up. Ratios are rate ratios (the other
side's time over this side's), from the medians and as the median of the per-round
ratios. Target: gridgov's full path at least as fast as the ORM doing only the inserts
(``report_vs_orm`` ≥ 1.0); the figure is reported whatever it is. ``--profile`` adds where
gridgov's time per report and per page goes (cProfile, top entries).

    .venv/bin/python bench/orm_bench.py [--cases 300] [--runs 7] [--queue-runs 7] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy
from common import (
    BENCH,
    Timing,
    calls_for,
    copy_database,
    demo_database,
    describe,
    emit,
    interleave,
    log,
    machine,
    per_call,
    ratios,
    timing,
)
from gridgov.core.storage.issue_rows import EVENT_COLUMNS, ISSUE_COLUMNS, subtree_bounds
from orm_models import Issue, IssueEvent, engine_for, schema_differences
from report_bench import (
    TEMPLATE,
    grid_worker,
    gridgov_side,
    next_issue_id,
    open_at_demo_end,
    plain_side,
    reference_run,
    report_requests,
    side_figures,
    written_rows,
)
from sqlalchemy import func, select, true
from sqlalchemy.orm import sessionmaker

PAGE = 50
PROFILED_PAGES = 300
_IN_QUEUE = "area_path >= ? AND area_path < ? AND is_open = 1"
PLAIN_COUNT = f"SELECT count(*) FROM issue WHERE {_IN_QUEUE}"
PLAIN_PAGE = f"SELECT * FROM issue WHERE {_IN_QUEUE} ORDER BY due_at, id LIMIT {PAGE}"


def orm_side(template: Path, target: Path, issues: list[dict], events: list[dict], synchronous: str
             ) -> Callable[[], Timing]:
    """Each call: a fresh copy of the template, then each case as an ``Issue`` with its
    first ``IssueEvent``, added and committed in its own session."""
    def side() -> Timing:
        engine = engine_for(copy_database(template, target), synchronous)
        with engine.connect():
            pass  # the pooled connection opens before the clock starts, as gridgov's does
        session_for = sessionmaker(engine)

        def add_each() -> None:
            for issue, event in zip(issues, events, strict=True):
                with session_for() as session:
                    record = Issue(**issue)
                    record.events.append(IssueEvent(**event))
                    session.add(record)
                    session.commit()

        try:
            return timing(add_each)
        finally:
            engine.dispose()
    return side


def compare_reports(template: Path, work: Path, cases: int, synchronous: str, runs: int, warmup: int
                    ) -> tuple[dict[str, Any], Path, dict[str, Any]]:
    """The three ways of reporting ``cases`` cases; also the database after gridgov's
    reports (for the queue page) and the grid worker."""
    worker = grid_worker(template, work)
    requests = report_requests(worker["scope"], cases)
    issue_rows, event_rows = reference_run(template, work, worker["login"], requests, synchronous)
    issues = [dict(zip(ISSUE_COLUMNS[1:], row, strict=True)) for row in issue_rows]
    events = [dict(zip(EVENT_COLUMNS[1:], row, strict=True)) for row in event_rows]
    orm_target = work / "orm.db"
    timings = interleave({
        "gridgov": gridgov_side(template, work / "gridgov.db", worker["login"], requests, synchronous),
        "orm": orm_side(template, orm_target, issues, events, synchronous),
        "plain": plain_side(template, work / "plain.db", issue_rows, event_rows, synchronous),
    }, runs=runs, warmup=warmup)
    g, o, p = timings["gridgov"], timings["orm"], timings["plain"]
    result = {
        "cases": cases,
        "gridgov_report": side_figures(g, cases),
        "orm_add_commit": side_figures(o, cases),
        "plain_two_row_transaction": side_figures(p, cases),
        "orm_rows_match_gridgov": written_rows(orm_target, next_issue_id(template)) == (issue_rows, event_rows),
        "ratios": {"gridgov_over_orm": ratios(g, o), "orm_over_plain": ratios(o, p), "gridgov_over_plain": ratios(g, p)},
    }
    return result, work / f"reference-{synchronous}.db", worker


def query_plan(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[str]:
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def compare_queue_pages(path: Path, worker: dict[str, Any], runs: int, warmup: int, profile: bool = False
                        ) -> dict[str, Any]:
    """The grid worker's queue page three ways on the same database (read only)."""
    platform = open_at_demo_end(path, "FULL")
    engine = engine_for(path, "FULL", begin="BEGIN")
    plain = sqlite3.connect(path)
    try:
        actor = platform.actor(worker["login"])
        bounds = list(subtree_bounds(platform.areas.path_of(worker["scope"])))
        in_queue = (Issue.area_path >= bounds[0], Issue.area_path < bounds[1], Issue.is_open == true())
        orm_count = select(func.count()).select_from(Issue).where(*in_queue)
        orm_page_query = select(Issue).where(*in_queue).order_by(Issue.due_at, Issue.id).limit(PAGE)
        session_for = sessionmaker(engine)

        def gridgov_page():
            return (platform.issues.count(actor, open_only=True),
                    [i.id for i in platform.issues.list(actor, open_only=True, limit=PAGE)])

        def orm_page():
            with session_for() as session:
                return session.scalar(orm_count), [i.id for i in session.scalars(orm_page_query).all()]

        def plain_page():
            return (plain.execute(PLAIN_COUNT, bounds).fetchone()[0],
                    [row[0] for row in plain.execute(PLAIN_PAGE, bounds).fetchall()])

        pages = {"gridgov": gridgov_page(), "orm": orm_page(), "plain": plain_page()}
        compiled = orm_page_query.compile(engine)
        orm_sql, orm_params = str(compiled), [compiled.params[k] for k in compiled.positiontup]
        calls = {name: calls_for(fn) for name, fn in (("gridgov", gridgov_page), ("orm", orm_page),
                                                     ("plain", plain_page))}
        timings = interleave({"gridgov": per_call(gridgov_page, calls["gridgov"]),
                              "orm": per_call(orm_page, calls["orm"]),
                              "plain": per_call(plain_page, calls["plain"])}, runs=runs, warmup=warmup)
        g, o, p = timings["gridgov"], timings["orm"], timings["plain"]
        profiled = None
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(PROFILED_PAGES):
                gridgov_page()
            profiler.disable()
            profiled = {"pages": PROFILED_PAGES, **top_entries(profiler, PROFILED_PAGES)}
        return {
            **({"gridgov_profile": profiled} if profiled else {}),
            "grid": worker["scope"],
            "open_in_scope": pages["plain"][0],
            "rows": len(pages["plain"][1]),
            "same_page": pages["gridgov"] == pages["orm"] == pages["plain"],
            "query_plans": {"plain": query_plan(plain, PLAIN_PAGE, bounds),
                            "orm": query_plan(plain, orm_sql, orm_params)},
            "calls_per_run": calls,
            "gridgov": describe(g, "ms"),
            "orm": describe(o, "ms"),
            "plain": describe(p, "ms"),
            "ratios": {"gridgov_over_orm": ratios(g, o), "orm_over_plain": ratios(o, p),
                       "gridgov_over_plain": ratios(g, p)},
        }
    finally:
        plain.close()
        engine.dispose()
        platform.close()


def _where(code: tuple[str, int, str]) -> str:
    file, line, name = code
    for root in (str(BENCH.parent) + "/", "site-packages/"):
        if root in file:
            file = file.split(root, 1)[1]
    return f"{file}:{line}({name})" if line else name


def profile_reports(template: Path, work: Path, cases: int, synchronous: str, top: int = 10) -> dict[str, Any]:
    """Where gridgov's time per report goes: cProfile over ``cases`` reports."""
    worker = grid_worker(template, work)
    requests = report_requests(worker["scope"], cases)
    platform = open_at_demo_end(copy_database(template, work / "profile.db"), synchronous)
    try:
        actor = platform.actor(worker["login"])
        platform.issues.report(actor, **requests[0])  # imports and caches outside the profile
        statements: list[str] = []
        platform._store.sql.conn.set_trace_callback(lambda sql: statements.append(" ".join(sql.split())[:80]))
        platform.issues.report(actor, **requests[1])
        platform._store.sql.conn.set_trace_callback(None)
        profiler = cProfile.Profile()
        profiler.enable()
        for request in requests[2:]:
            platform.issues.report(actor, **request)
        profiler.disable()
    finally:
        platform.close()
    return {"reports": len(requests) - 2, **top_entries(profiler, len(requests) - 2, top),
            "statements_of_one_report": statements,
            "note": "as SQLite traces them: lines starting with -- are the full-text index's own statements, "
                    "and a statement shown again is the same one entering a trigger"}


def top_entries(profiler: cProfile.Profile, operations: int, top: int = 10) -> dict[str, Any]:
    """The profile's ``top`` functions by self time and by cumulative time, per operation."""
    entries = pstats.Stats(profiler).stats  # (file, line, name) -> (primitive calls, calls, self, cumulative, callers)
    total = sum(e[2] for e in entries.values())

    def row(code, entry) -> dict[str, Any]:
        return {"function": _where(code), "calls_each": round(entry[1] / operations, 2),
                "self_ms_each": round(entry[2] / operations * 1000, 4),
                "cumulative_ms_each": round(entry[3] / operations * 1000, 4),
                "self_share": round(entry[2] / total, 3)}

    ranked = list(entries.items())
    return {
        "profiled_ms_each": round(total / operations * 1000, 3),
        "by_self_time": [row(c, e) for c, e in sorted(ranked, key=lambda ce: -ce[1][2])[:top]],
        "by_cumulative_time": [row(c, e) for c, e in sorted(ranked, key=lambda ce: -ce[1][3])[:top]],
    }


def target(report: dict[str, Any]) -> dict[str, Any]:
    ratio = report["ratios"]["gridgov_over_orm"]["wall"]["median_of_pairs"]
    return {
        "what": "gridgov's full report path over the ORM's two inserts, rate ratio (median of the rounds)",
        "ratio": ratio,
        "target": 1.0,
        "met": ratio >= 1.0,
        "shortfall": round(max(0.0, 1.0 - ratio), 3),
        "gridgov_time_over_orm_time": round(1 / ratio, 3),
    }


def run(cases: int, runs: int, warmup: int, queue_runs: int, synchronous: str, profile: bool) -> dict:
    template = demo_database(*TEMPLATE, log=log)
    problems = schema_differences(template)
    if problems:
        raise SystemExit("the ORM classes no longer match the schema: " + "; ".join(problems))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report, after_reports, worker = compare_reports(template, work, cases, synchronous, runs, warmup)
        queue = compare_queue_pages(after_reports, worker, queue_runs, warmup, profile)
        profiled = profile_reports(template, work, cases, synchronous) if profile else None
    result = {
        "bench": "report_and_queue_vs_orm",
        "sqlalchemy": sqlalchemy.__version__,
        "synchronous": synchronous,
        "schema": "declared classes match the database's issue and issue_event tables",
        "report": report,
        "queue_page": queue,
        "report_vs_orm": target(report),
        "machine": machine(),
    }
    if profiled:
        result["gridgov_report_profile"] = profiled
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7, help="interleaved rounds of the report comparison")
    parser.add_argument("--queue-runs", type=int, default=7, help="interleaved rounds of the queue page")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--synchronous", default="FULL")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of gridgov's reports and pages")
    args = parser.parse_args()
    emit(run(args.cases, args.runs, args.warmup, args.queue_runs, args.synchronous.upper(), args.profile))


if __name__ == "__main__":
    main()
