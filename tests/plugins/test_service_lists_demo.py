"""The demo generator on the small deployment: every record comes from the services and
lies inside the demo period."""

from __future__ import annotations

from gridgov.core.demo import load_demo
from gridgov.plugins.service_lists import metrics


def test_the_small_demo_fills_the_lists_through_the_services(gridgov_make_platform):
    platform = gridgov_make_platform(with_sample=False)
    load_demo(platform, "small", issues=400)
    assert platform.plugin_failures == []
    start, end = platform.demo_period()
    t = platform.table
    needs, projects, orders = (t(f"service_lists_{n}").rows() for n in ("need", "project", "order"))
    assert len(projects) == 24 and len(needs) == 62 and t("service_lists_resource").count() == 41
    assert all(start <= n["raised_at"] <= end for n in needs)
    assert all(start <= o["placed_at"] <= end and (o["closed_at"] is None or o["closed_at"] <= end) for o in orders)
    for r in t("service_lists_resource").rows():
        assert r["used"] == t("service_lists_project").sum("units", resource_id=r["id"], status__ne="cancelled") \
            <= r["capacity"]
    statuses = {o["status"] for o in orders}
    assert {"rated", "unserved"} <= statuses
    assert all(o["issue_id"] for o in orders if o["status"] == "unserved")
    assert t("service_lists_notice").count() > 0 and t("service_lists_check").count() > 0
    s = metrics.compute(platform, platform.actor("lists_keeper"))
    assert s.orders_placed == len(orders) and s.needs_matched == len(projects)


def test_suggestions_read_only_the_resources_that_may_serve_the_need(gridgov_make_platform):
    """Candidates found through the serving areas' index suggest exactly what matching
    makes of every resource sharing a tag (it excludes the ones that may not serve)."""
    from gridgov.plugins.service_lists import matching
    from gridgov.plugins.service_lists.service import ListsService

    platform = gridgov_make_platform(with_sample=False)
    load_demo(platform, "small", issues=200)
    lists = ListsService(platform)
    end = platform.demo_period()[1].date()
    checked = 0
    for need in platform.table("service_lists_need").rows():
        every = lists.candidates(need["tags"])
        serving = lists.candidates(need["tags"], serving=need["area_path"])
        assert {c.resource_id for c in serving} <= {c.resource_id for c in every}
        assert matching.suggest(need["area_path"], need["tags"], need["units"], every, end) == \
            matching.suggest(need["area_path"], need["tags"], need["units"], serving, end)
        if serving:
            assert lists.candidate(serving[0].resource_id) == serving[0]
            checked += 1
    assert checked > 20
