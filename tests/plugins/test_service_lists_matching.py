"""Hypothesis tests of matching: a suggestion never exceeds the capacity left and never
serves an area the resource may not serve; through the service, decisions never take more
than a resource has."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import ValidationError
from gridgov.plugins.service_lists import matching
from gridgov.plugins.service_lists.projects import ProjectService
from gridgov.plugins.service_lists.records import Decision
from gridgov.plugins.service_lists.service import ListsService
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_service_lists_support import need, resource, staff

PATHS = ("/LG/", "/LG/PH/", "/LG/PH/SX/", "/LG/PH/BNK/", "/LG/PH/SX/SX01/", "/LG/PH/SX/SX02/",
         "/LG/PH/BNK/BNK01/", "/LG/PH/SX/SX01/SX01-B1/", "/LG/PH/BNK/BNK01/BNK01-B1/")
TAGS = ("助老", "助餐", "助学", "就业", "法律", "保洁", "维修")
DAY = dt.date(2026, 6, 1)

candidates = st.builds(
    matching.Candidate,
    resource_id=st.integers(1, 10_000),
    org_code=st.sampled_from(("A", "B", "C")),
    title=st.just("r"),
    tags=st.frozensets(st.sampled_from(TAGS), min_size=1, max_size=4),
    capacity=st.integers(1, 20),
    used=st.integers(0, 25),
    serve_paths=st.lists(st.sampled_from(PATHS), min_size=1, max_size=3),
    home_path=st.sampled_from(PATHS),
    starts=st.sampled_from((dt.date(2026, 1, 1), dt.date(2026, 7, 1))),
    ends=st.sampled_from((dt.date(2026, 5, 31), dt.date(2026, 12, 31))),
    rating=st.none() | st.floats(0, 1),
    rated=st.integers(0, 9),
)


@given(need_path=st.sampled_from(PATHS), tags=st.frozensets(st.sampled_from(TAGS), min_size=1, max_size=3),
       units=st.integers(1, 12), pool=st.lists(candidates, max_size=12, unique_by=lambda c: c.resource_id))
def test_suggestions_respect_capacity_and_serving_areas(need_path, tags, units, pool):
    found = matching.suggest(need_path, tags, units, pool, DAY, limit=50)
    by_id = {c.resource_id: c for c in pool}
    for s in found:
        c = by_id[s.resource_id]
        assert 1 <= s.units <= c.remaining and s.units <= units
        assert any(need_path.startswith(p) for p in c.serve_paths)
        assert c.starts <= DAY <= c.ends and set(s.shared_tags) == tags & c.tags != set()
        assert [r.kind for r in s.reasons] == ["tags", "distance", "capacity", "rating"]
        assert 0 <= s.score <= 1
    eligible = {c.resource_id for c in pool if matching.exclusion(need_path, tags, DAY, c) is None}
    assert {s.resource_id for s in found} == eligible  # nothing eligible is left out
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


@given(a=st.sampled_from(PATHS), b=st.sampled_from(PATHS), c=st.sampled_from(PATHS))
def test_tree_distance_is_a_metric(a, b, c):
    d = matching.tree_distance
    assert d(a, a) == 0 and d(a, b) == d(b, a) and d(a, c) <= d(a, b) + d(b, c)
    assert (d(a, b) == 0) == (a == b)


@pytest.fixture
def world(gridgov_platform):
    return gridgov_platform, staff(gridgov_platform)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacities=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       asks=st.lists(st.tuples(st.integers(1, 3), st.sampled_from(("SX01-B1", "SX02-B1", "BNK01-B1"))),
                     min_size=1, max_size=6),
       serve=st.sampled_from((("SX01",), ("SX",), ("SX01", "SX02"))))
def test_decisions_through_the_service_never_take_more_than_is_left(world, capacities, asks, serve):
    platform, actors = world
    keeper, lists, projects = actors["keeper_sx"], ListsService(platform), ProjectService(platform)
    made = [resource(platform, keeper, capacity=c, serve=serve, tags=("助老",)) for c in capacities]
    for units, area in asks:
        raiser = platform.actor({"SX01-B1": "worker_sx01", "SX02-B1": "worker_sx02", "BNK01-B1": "worker_bnk01"}[area])
        wanted = need(platform, raiser, area=area, units=units)
        suggestions = lists.suggest(keeper if area != "BNK01-B1" else actors["admin"], wanted["id"], limit=50)
        mine = [s for s in suggestions if s.resource_id in {r["id"] for r in made}]
        serves = any(wanted["area_path"].startswith(platform.areas.path_of(a)) for a in serve)
        if not serves:
            assert mine == []  # never a resource that may not serve the need's area
        if area == "BNK01-B1":
            continue
        if mine:
            projects.decide(keeper, wanted["id"], mine[0].resource_id,
                            Decision(decided_on=dt.date(2026, 10, 30), note="同意"), due=dt.date(2027, 6, 30))
        for r in made:
            full = [s for s in suggestions if s.resource_id == r["id"]]
            assert all(s.units <= s.remaining for s in full)
    for r in made:
        row = lists.resource(r["id"])
        taken = platform.table("service_lists_project").sum("units", resource_id=r["id"], status__ne="cancelled")
        assert row["used"] == taken <= row["capacity"]
        if row["used"] == row["capacity"]:
            extra = need(platform, actors["worker_sx01"], units=1)
            with pytest.raises(ValidationError, match="no capacity left"):
                projects.decide(keeper, extra["id"], r["id"], Decision(decided_on=dt.date(2026, 10, 30), note="x"),
                                due=dt.date(2027, 6, 30))
