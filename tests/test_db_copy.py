"""Moving a deployment between engines: ``gridgov db copy`` SQLite → PostgreSQL → SQLite
keeps every row of every core and plugin table, the events replay to their rows, a
non-empty target is refused, and ``gridgov doctor`` passes on the copy."""

from __future__ import annotations

import os

import pytest
from cli_support import run
from gridgov.core import Actor, Platform, PluginHost
from gridgov.core.demo import load_demo
from gridgov.core.storage.copy import copy_tables, row_counts
from gridgov.core.testing import PG_URL_ENV

pytestmark = pytest.mark.skipif(not os.environ.get(PG_URL_ENV),
                                reason=f"needs a PostgreSQL server: set {PG_URL_ENV} (see docs/deploy.md)")


@pytest.fixture
def empty_pg(gridgov_pg_databases):
    url = gridgov_pg_databases.database(("empty",), lambda url: None)
    yield url
    gridgov_pg_databases.drop(url)


def test_a_deployment_goes_to_postgresql_and_back_unchanged(tmp_path, empty_pg):
    source = tmp_path / "demo.db"
    with Platform(source, hooks=PluginHost(entry_points=False)) as platform:
        load_demo(platform, "small", issues=200)
        tables = copy_tables(platform._store)
        before = row_counts(platform._store, tables)
        platform.members.get(Actor.system(), "admin", unmask_reason="复制前核对")  # an access-log row too
        before["access_log"] += 1
    assert before["issue"] > 200 and before["mediation_dispute"] > 0 and before["metric_cohort"] > 0  # plugins add cases

    there = run("db", "copy", str(source), empty_pg, "--sample", "50")
    assert there.exit_code == 0, there.output
    assert "counts equal; 50 replayed cases equal their rows" in there.stdout
    back = tmp_path / "back.db"
    again = run("db", "copy", empty_pg, str(back), "--sample", "50")
    assert again.exit_code == 0, again.output

    with Platform(back, hooks=PluginHost(entry_points=False)) as copied, \
            Platform(source, hooks=PluginHost(entry_points=False)) as original:
        after = row_counts(copied._store, tables)
        assert {t: n for t, n in after.items() if t != "setting"} == {t: n for t, n in before.items() if t != "setting"}
        for issue_id in (1, 57, 200):
            assert copied.issues.find_raw(issue_id) == original.issues.find_raw(issue_id)
        system = Actor.system()
        assert copied.metrics.for_area(system, copied.areas.roots()[0].code).as_dict() == \
            original.metrics.for_area(system, original.areas.roots()[0].code).as_dict()
        assert copied.table("mediation_party").rows(order_by="id") == original.table("mediation_party").rows(order_by="id")
        # New cases continue after the copied ids on both engines.
        worker = copied.actor(copied.members.holders("grid_worker", copied.issues.find_raw(1).handling_area)[0])
        created = copied.issues.report(worker, area=copied.issues.find_raw(1).area_code, category="road.repair",
                                       title="复制之后的新案件")
        assert created.id == before["issue"] + 1
    with Platform(empty_pg, hooks=PluginHost(entry_points=False)) as pg:
        worker = pg.actor(pg.members.holders("grid_worker", pg.issues.find_raw(1).handling_area)[0])
        assert pg.issues.report(worker, area=pg.issues.find_raw(1).area_code, category="road.repair",
                                title="复制之后的新案件").id == before["issue"] + 1
        assert pg.issues.list(Actor.system(), search="复制之后")[0].id == before["issue"] + 1
    doctor = run("--db", empty_pg, "doctor")
    assert doctor.exit_code == 0, doctor.output
    assert "ok   pg_trgm" in doctor.stdout and "ok   issue_event append-only" in doctor.stdout


def test_a_copy_into_a_database_that_holds_data_is_refused(tmp_path, empty_pg):
    source = tmp_path / "a.db"
    with Platform(source, hooks=PluginHost(entry_points=False)) as platform:
        load_demo(platform, "small", issues=10)
    assert run("db", "copy", str(source), empty_pg).exit_code == 0
    refused = run("db", "copy", str(source), empty_pg)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: TARGET: is not empty (")
    same = run("db", "copy", str(source), str(source))
    assert same.exit_code == 2 and "is the source" in same.stderr
