"""Storage guarantees integrators rely on: connection settings, the append-only event log,
full-text search on Chinese text, and several processes writing one file at once."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from gridgov.core import Actor, Platform, PluginHost, ValidationError, sample
from gridgov.core.storage import connect
from gridgov.core.storage.connection import BUSY_TIMEOUT_MS
from gridgov.core.storage.errors import IntegrityProblem

pytestmark = pytest.mark.gridgov_engines


@pytest.fixture
def gridgov_platform(gridgov_make_platform):
    return gridgov_make_platform(builtins=())


def _pragma(platform_or_db, name):
    db = getattr(platform_or_db, "_store", None)
    db = db.sql if db is not None else platform_or_db
    return db.execute(f"PRAGMA {name}").fetchone()[0]


@pytest.mark.sqlite_only
def test_every_connection_has_wal_foreign_keys_and_busy_timeout(gridgov_platform, tmp_path):
    second = Platform(gridgov_platform.path, hooks=PluginHost(builtins=(), entry_points=False))
    try:
        for platform in (gridgov_platform, second):
            assert _pragma(platform, "foreign_keys") == 1
            assert _pragma(platform, "journal_mode") == "wal"
            assert _pragma(platform, "busy_timeout") == BUSY_TIMEOUT_MS
            assert BUSY_TIMEOUT_MS >= 5000
    finally:
        second.close()
    raw = connect(tmp_path / "other.db")
    assert (_pragma(raw, "foreign_keys"), _pragma(raw, "journal_mode"), _pragma(raw, "busy_timeout")) == (1, "wal", BUSY_TIMEOUT_MS)
    raw.conn.close()


def test_foreign_keys_are_enforced(gridgov_platform):
    with pytest.raises(ValidationError) as e:
        gridgov_platform._store.insert("role_assignment", {"login": "nobody", "post": "grid_worker", "area_code": "SX01"})
    assert e.value.field == "reference"


def _issue_with_events(platform, actors):
    issue = platform.issues.report(actors["worker_sx01"], area="SX01", category="road.repair", title="路面塌陷")
    platform.issues.act(actors["leader_sx01"], issue.id, "register")
    return issue


def test_issue_event_refuses_update_and_delete(gridgov_platform, gridgov_actors):
    issue = _issue_with_events(gridgov_platform, gridgov_actors)
    sql_engine = gridgov_platform._store.sql
    before = gridgov_platform._store.events(issue.id)
    assert [e["action"] for e in before] == ["report", "register"]
    for sql in (
        "UPDATE issue_event SET note = 'rewritten'",
        "UPDATE issue_event SET to_status = 'closed' WHERE action = 'register'",
        "DELETE FROM issue_event",
        f"DELETE FROM issue_event WHERE issue_id = {issue.id} AND seq = 2",
    ):
        with pytest.raises(IntegrityProblem, match="issue_event is append-only: rows cannot be changed or removed"):
            sql_engine.execute(sql)
    with pytest.raises(ValidationError, match="append-only"):
        gridgov_platform._store.delete("issue_event", before[0]["id"])
    assert gridgov_platform._store.events(issue.id) == before


def test_failed_write_leaves_nothing_half_written(gridgov_platform, gridgov_actors):
    issue = _issue_with_events(gridgov_platform, gridgov_actors)
    store = gridgov_platform._store
    with pytest.raises(RuntimeError):
        with gridgov_platform.transaction():
            gridgov_platform.issues.act(gridgov_actors["leader_sx01"], issue.id, "dispatch", org="CGJ")
            raise RuntimeError("crash after the change")
    assert store.issue_row(issue.id)["status"] == "registered"
    assert len(store.events(issue.id)) == 2
    assert gridgov_platform.metrics.for_area(Actor.system(), "LG").counts["dispatched"] == 0


def test_full_text_search_finds_chinese_text(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    worker = gridgov_actors["worker_sx01"]
    lift = platform.issues.report(worker, area="SX01-B1", category="elevator.retrofit", title="申请加装电梯",
                                  description="1栋老人多，希望加装电梯，已征得八成住户同意")
    desc_only = platform.issues.report(worker, area="SX01-B2", category="elevator.retrofit", title="老楼改造咨询",
                                       description="居民询问电梯补贴")
    platform.issues.report(worker, area="SX01", category="road.repair", title="路面破损", description="井盖松动")
    assert [i.id for i in platform.issues.list(worker, search="加装电梯")] == [lift.id]
    assert [i.id for i in platform.issues.list(worker, search="八成住户同意")] == [lift.id]
    assert {i.id for i in platform.issues.list(worker, search="电梯")} == {lift.id, desc_only.id}
    assert [i.id for i in platform.issues.list(worker, search="梯")] != []
    assert platform.issues.list(worker, search="垃圾清运") == []
    assert platform.issues.list(worker, search="垃圾") == []
    assert platform.issues.count(worker, search="电梯") == 2
    # Quotes, FTS operators and LIKE wildcards in the query are text, not syntax.
    assert platform.issues.list(worker, search='"加装" OR 电梯') == []
    assert platform.issues.list(worker, search="%") == []
    assert platform.issues.list(worker, search="_") == []
    assert platform.issues.list(worker, search="梯%") == []
    percent = platform.issues.report(worker, area="SX01", category="road.repair", title="完成率仅50%的整改")
    assert [i.id for i in platform.issues.list(worker, search="0%")] == [percent.id]


def test_search_sees_changes_and_respects_scope(gridgov_platform, gridgov_actors):
    platform = gridgov_platform
    issue = platform.issues.report(gridgov_actors["worker_sx01"], area="SX01", category="elevator.retrofit", title="加装电梯")
    platform.issues.report(gridgov_actors["worker_bnk01"], area="BNK01", category="elevator.retrofit", title="加装电梯")
    assert [i.id for i in platform.issues.list(gridgov_actors["worker_sx01"], search="加装电梯")] == [issue.id]
    platform.issues.act(gridgov_actors["leader_sx01"], issue.id, "register")
    assert [i.id for i in platform.issues.list(gridgov_actors["worker_sx01"], search="加装电梯")] == [issue.id]
    assert len(platform.issues.list(gridgov_actors["dispatcher_ph"], search="加装电梯")) == 2


# -- several processes ------------------------------------------------------------------------


def _report_many(path: str, worker: str, count: int, queue) -> None:
    errors: list[str] = []
    ids: list[int] = []
    try:
        platform = Platform(path, hooks=PluginHost(builtins=(), entry_points=False))
        actor = platform.actor(worker)
        area = {"worker_sx01": "SX01", "worker_bnk01": "BNK01"}[worker]
        for n in range(count):
            try:
                issue = platform.issues.report(actor, area=area, category="road.repair", title=f"{worker} 第{n}件")
                ids.append(issue.id)
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))
        platform.close()
    except Exception as exc:  # reported to the parent, which fails the test
        errors.append(f"{type(exc).__name__}: {exc}")
    queue.put((worker, ids, errors))


def _open_fresh(path: str, queue) -> None:
    try:
        with Platform(path, hooks=PluginHost(builtins=(), entry_points=False)) as platform:
            queue.put(sorted(platform._store.table_names()))
    except Exception as exc:
        queue.put(f"{type(exc).__name__}: {exc}")


def _run(target, args_list, timeout=60):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, queue)) for args in args_list]
    for p in procs:
        p.start()
    results = [queue.get(timeout=timeout) for _ in procs]
    for p in procs:
        p.join(timeout)
        assert p.exitcode == 0
    return results


def test_two_processes_reporting_at_once(tmp_path):
    path = str(tmp_path / "shared.db")
    with Platform(path, hooks=PluginHost(builtins=(), entry_points=False)) as platform:
        sample.build(platform)
    per_process = 400
    results = _run(_report_many, [(path, "worker_sx01", per_process), (path, "worker_bnk01", per_process)])
    for worker, ids, errors in results:
        assert errors == [], f"{worker}: {errors[:3]}"
        assert len(ids) == per_process
    all_ids = [i for _, ids, _ in results for i in ids]
    assert len(set(all_ids)) == 2 * per_process
    with Platform(path, hooks=PluginHost(builtins=(), entry_points=False)) as platform:
        store = platform._store
        assert store.count("issue") == 2 * per_process
        assert store.count("issue_event") == 2 * per_process
        assert sorted(r["id"] for r in store.select("issue")) == sorted(all_ids)
        counts = platform.metrics.for_area(Actor.system(), "PH").counts
        assert counts["received"] == 2 * per_process
        assert platform.metrics.for_area(Actor.system(), "SX").counts["received"] == per_process


def test_two_processes_creating_the_same_database(tmp_path):
    path = str(tmp_path / "fresh.db")
    first, second = _run(_open_fresh, [(path,), (path,)])
    assert isinstance(first, list), first
    assert first == second
    assert {"issue", "issue_event", "area", "metric_daily"} <= set(first)


def test_large_scope_queue_pages_like_the_small_scope_plan(gridgov_platform, gridgov_actors, monkeypatch):
    """Above LARGE_SCOPE cases a queue over all states walks the due-time index; it must give
    exactly the pages and counts of the plan used for small scopes."""
    import random

    from gridgov.core.storage import issue_rows as store_module

    platform, rng = gridgov_platform, random.Random(7)
    reporter, desk = gridgov_actors["worker_sx01"], gridgov_actors["dispatcher_sx"]
    for i in range(60):
        issue = platform.issues.report(reporter, area=rng.choice(["SX01", "SX01-B1"]), category="road.repair",
                                       title=f"路面破损第{i}处", priority=rng.choice(["low", "normal", "urgent"]))
        if rng.random() < 0.7:
            platform.issues.act(desk, issue.id, "register")
            if rng.random() < 0.7:
                platform.issues.act(desk, issue.id, "dispatch", org="CGJ")
        gridgov_platform._clock.advance(minutes=rng.randint(1, 300))
    admin = gridgov_actors["admin"]
    queries = [{}, {"status": "registered"}, {"status": ["dispatched", "reported"]}, {"area": "SX"}, {"search": "破损第1"}]

    def pages(**query):
        listed = [[i.id for i in platform.issues.list(admin, limit=7, offset=o, **query)] for o in (0, 7, 49)]
        return listed, platform.issues.count(admin, **query)

    small = {i: pages(**q) for i, q in enumerate(queries)}
    monkeypatch.setattr(store_module, "LARGE_SCOPE", 0)
    large = {i: pages(**q) for i, q in enumerate(queries)}
    assert large == small
    assert small[0][1] == 60 and small[0][0][0]
    if platform._store.engine != "sqlite":
        return  # PostgreSQL's planner chooses its own index; the pages above agree
    plan = platform._store.sql.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM issue INDEXED BY issue_due WHERE area_path >= '/LG/' ORDER BY due_at, id LIMIT 5"
    ).fetchall()
    assert "issue_due" in str(plan) and "TEMP B-TREE" not in str(plan)


def _schema_of(store, *tables):
    return sorted(store.sql.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({', '.join('?' * len(tables))})", list(tables)))


@pytest.mark.sqlite_only
def test_a_bulk_load_builds_indexes_and_search_at_the_end(gridgov_platform, gridgov_actors):
    """Indexes and the full-text trigger are set aside while a bulk load runs and come
    back after it: the same schema, and search finds what the load wrote."""
    platform, store = gridgov_platform, gridgov_platform._store
    before = _schema_of(store, "issue", "issue_event")
    worker = gridgov_actors["worker_sx01"]
    with store.bulk_load(defer=("issue", "issue_event")):
        assert not any(kind == "index" for kind, _, _ in _schema_of(store, "issue"))
        platform.issues.report(worker, area="SX01-B1", category="elevator.retrofit", title="申请加装电梯")
    assert _schema_of(store, "issue", "issue_event") == before
    assert len(platform.issues.list(worker, search="加装电梯")) == 1
    assert _pragma(platform, "journal_mode") == "wal"
    assert _pragma(platform, "synchronous") == 2  # FULL again


@pytest.mark.sqlite_only
def test_a_failed_bulk_load_leaves_neither_rows_nor_a_changed_schema(gridgov_platform, gridgov_actors):
    platform, store = gridgov_platform, gridgov_platform._store
    before, count = _schema_of(store, "issue", "issue_event"), store.count("issue")
    with pytest.raises(RuntimeError):
        with store.bulk_load(defer=("issue", "issue_event")):
            platform.issues.report(gridgov_actors["worker_sx01"], area="SX01", category="road.repair", title="路面破损")
            raise RuntimeError("the load failed half-way")
    assert store.count("issue") == count
    assert _schema_of(store, "issue", "issue_event") == before
    assert _pragma(platform, "journal_mode") == "wal"


@pytest.mark.sqlite_only
def test_organisations_of_a_subtree_larger_than_the_parameter_limit(gridgov_platform, gridgov_actors):
    """Listing by area reads the subtree inside the statement: a district's areas passed as
    parameters would pass the engine's limit (here lowered to 5 so the sample tree does)."""
    platform = gridgov_platform
    everything = platform.organisations.list()
    seated_under_ph = [o.code for o in everything
                       if o.area_code and platform.areas.path_of(o.area_code).startswith(platform.areas.path_of("PH"))]
    assert platform.areas.count("PH") > 5 and seated_under_ph
    platform._store.sql.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 5)
    assert [o.code for o in platform.organisations.list(area="PH")] == sorted(seated_under_ph)
    assert [o.code for o in platform.organisations.list(area="PH", limit=1, offset=1)] == sorted(seated_under_ph)[1:2]
