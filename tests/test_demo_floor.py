"""``bench/demo_floor.py`` measures the plain-sqlite3 floor under a demo load by writing the
demo's cases and events again. Its figures only mean something if the copy is the same
database: same rows, same indexes and triggers, a working text index."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import demo_floor  # noqa: E402


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from gridgov.core import Platform, PluginHost
    from gridgov.core.demo import DEMO_END, load_demo

    path = tmp_path_factory.mktemp("floor") / "demo.db"
    with Platform(path, hooks=PluginHost(entry_points=False), clock=lambda: DEMO_END) as platform:
        load_demo(platform, "small", seed=3, issues=300)
    return path


def _contents(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        return {
            "issue": conn.execute("SELECT * FROM issue ORDER BY rowid").fetchall(),
            "issue_event": conn.execute("SELECT * FROM issue_event ORDER BY rowid").fetchall(),
            "schema": sorted(conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('issue', 'issue_event') "
                "OR name = 'issue_fts'"
            ).fetchall()),
            "search": conn.execute(
                "SELECT rowid FROM issue_fts WHERE issue_fts MATCH ? ORDER BY rowid", ['"路灯不亮"']
            ).fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.parametrize("copy", [demo_floor.by_executemany, demo_floor.by_insert_select])
def test_the_floor_writes_the_same_cases_events_and_indexes(demo_db, tmp_path, copy):
    seconds = copy(demo_db, tmp_path / "copy.db")
    source, written = _contents(demo_db), _contents(tmp_path / "copy.db")
    assert source["issue"] and source["issue_event"] and source["search"]
    assert written == source
    assert {"insert", "indexes", "text_index", "commit"} <= set(seconds)
    assert all(value >= 0 for value in seconds.values())
