"""Several processes act on the same cases at once, each on the version it read, and
several report new cases at once, on SQLite and on PostgreSQL. Nothing may be lost: every
conflict is a StaleUpdate (never "database is locked"), each case's version counts exactly
the changes the workers saw succeed, replay equals the row, and the counters equal a
recount of the events. (``bench/concurrency_bench.py`` runs the same for 16 processes ×
30 s on both engines and prints the figures.)"""

from __future__ import annotations

import pytest
from gridgov.core import stress

pytestmark = pytest.mark.gridgov_engines
WORKERS = 6


@pytest.fixture
def location(gridgov_engine, gridgov_pg_databases, tmp_path):
    if gridgov_engine == "sqlite":
        yield str(tmp_path / "busy.db")
        return
    url = gridgov_pg_databases.database(("empty",), lambda url: None)
    yield url
    gridgov_pg_databases.drop(url)


def test_processes_acting_on_the_same_cases_lose_no_update(location):
    stress.prepare(location, 50)
    result = stress.run_acting(location, workers=WORKERS, seconds=3.0)
    assert result["busy"] == [], result["busy"][:3]
    assert result["unexpected"] == [], result["unexpected"][:3]
    assert result["applied"] + result["stale"] == result["tries"]  # every try went through or was stale
    assert result["stale"] > 0, "the hot cases should have produced conflicts"
    assert result["applied"] > 50
    checked = stress.verify(location, acts={int(k): v for k, v in result["acts"].items()})
    assert checked["problems"] == [], checked["problems"][:5]
    assert checked["issues"] == 50


def test_processes_reporting_at_once_lose_no_case(location):
    stress.prepare(location, 0)
    result = stress.run_reporting(location, workers=WORKERS, seconds=2.0)
    assert result["busy"] == [] and result["unexpected"] == [], (result["busy"] + result["unexpected"])[:3]
    assert result["applied"] == result["tries"] > 0
    checked = stress.verify(location, reported=result["reported"])
    assert checked["problems"] == [], checked["problems"][:5]
    assert checked["issues"] == result["applied"]
