"""The demo loader runs the plugin's services: its rows are what the services would store
(late flags agree with a recount of the times, the plan is applied as pairings)."""

from __future__ import annotations

import random

from gridgov.core import Actor
from gridgov.plugins.assessment.demo import load
from gridgov.plugins.assessment.duties import DutyService

SYSTEM = Actor.system()


def test_the_demo_loader_fills_the_tables_through_the_services(gridgov_platform):
    for code, households in (("SX01", 300), ("SX02", 320), ("BNK01", 280)):
        gridgov_platform.areas.update(SYSTEM, code, households=households)
    stages = []
    load(gridgov_platform, "small", random.Random(5), lambda stage, done, total: stages.append(stage))
    duties = gridgov_platform.table("assessment_duty").rows()
    assert {(d["subject"], d["duty"]) for d in duties if d["duty"] != "household_visit"} == {
        ("leader_sx01", "weekly_patrol"), ("leader_sx01", "monthly_summary"), ("leader_sx01", "quarterly_report")}
    checkins = gridgov_platform.table("assessment_checkin").rows()
    assert all(c["late"] == (c["at"] >= c["due_at"]) for c in checkins)
    visits = [c for c in checkins if c["duty"] == "household_visit"]
    assert gridgov_platform.areas.roots()[0].code == "LG"
    # The first community in the tree with counted grids is BNK (one grid of 280 households).
    assert len({c["household"] for c in visits}) == round(0.944 * 280)
    _, total = DutyService(gridgov_platform).coverage(SYSTEM, "BNK")
    assert (total.visited, total.households, f"{total.rate:.1%}") == (264, 280, "94.3%")
    plans = gridgov_platform.table("assessment_plan").rows()
    assert [(p["status"], p["year"]) for p in plans] == [("draft", gridgov_platform.today().year + 1)]
    assert gridgov_platform.table("assessment_plan_link").count() > 0
    assert gridgov_platform.pairings.count(kind="branch_grid") == 3  # the draft writes no pairing
    assert "assessment plan" in stages
