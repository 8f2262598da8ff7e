"""``gridgov lists …`` end to end, and the figures against a recount of the rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from gridgov.plugins.service_lists import metrics
from test_service_lists_support import staff


@pytest.fixture
def platform(gridgov_platform):
    staff(gridgov_platform)
    return gridgov_platform


def run(cli, platform, *args, as_):
    result = cli(list(args), as_=as_, platform=platform)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_lists_from_need_to_rated_order_on_the_command_line(platform, gridgov_cli):
    need = run(gridgov_cli, platform, "lists", "need", "--area", "SX01-B1", "--title", "独居老人助餐", "--tags", "助老,助餐",
               as_="worker_sx01")
    res = run(gridgov_cli, platform, "lists", "resource", "--org", "SX-PB01", "--title", "支部助餐", "--tags", "助餐",
              "--capacity", "4", "--starts", "2026-01-01", "--ends", "2026-12-31", "--serve", "SX", as_="keeper_sx")
    suggested = run(gridgov_cli, platform, "lists", "suggest", need, as_="keeper_sx")
    assert suggested.splitlines()[1].strip() == ("tags match: 助餐 (1 of 2); 2 steps away in the area tree; "
                                                 "4 of 4 units left, offers 1; not rated yet")
    project = run(gridgov_cli, platform, "lists", "decide", need, res, "--due", "2027-03-31", "--note", "同意",
                  "--milestone", "摸排@2026-12-01", as_="keeper_sx")
    assert run(gridgov_cli, platform, "lists", "progress", project, "--percent", "40", as_="unit_pb01") == \
        f"project {project}: 40% in_progress"
    listed = json.loads(run(gridgov_cli, platform, "lists", "projects", "--json", as_="dispatcher_sx"))
    assert [(p["id"], p["percent"]) for p in listed] == [(int(project), 40)]
    svc = run(gridgov_cli, platform, "lists", "service", "--org", "SX-PB01", "--title", "上门理发", "--capacity", "2",
              "--area", "SX", as_="keeper_sx")
    order = run(gridgov_cli, platform, "lists", "order", svc, "--area", "SX01-B1", "--name", "王奶奶",
                "--phone", "13812345678", as_="worker_sx01")
    for login, args, out in [
        ("keeper_sx", ["dispatch"], "dispatched"), ("unit_pb01", ["take"], "taken"),
        ("unit_pb01", ["schedule", "--at", "2026-11-02 15:00"], "scheduled"),
    ]:
        assert run(gridgov_cli, platform, "lists", "move", order, *args, as_=login) == f"order {order}: {out}"
    queue = run(gridgov_cli, platform, "lists", "orders", "--org", "SX-PB01", as_="unit_pb01")
    assert "scheduled" in queue and "王奶奶" in queue
    refused = gridgov_cli(["lists", "move", order, "rate", "--rating", "satisfied"], as_="worker_sx01", platform=platform)
    assert (refused.exit_code, refused.stderr) == (
        4, f"error: order {order}: rate refused: the order is scheduled; rate needs completed\n")
    bad = gridgov_cli(["lists", "need", "--area", "SX01", "--title", "x", "--tags", ",", ], as_="worker_sx01",
                      platform=platform)
    assert (bad.exit_code, bad.stderr) == (2, "error: tags: give at least one tag\n")
    notice = run(gridgov_cli, platform, "lists", "notice", "--area", "SX", "--quarter", "2026Q4", as_="keeper_sx")
    assert notice.splitlines()[1] == "on track 1  late 0  stalled 0  completed 0"
    figures = json.loads(run(gridgov_cli, platform, "lists", "stats", "--area", "SX", "--json", as_="dispatcher_sx"))
    assert (figures["needs_raised"], figures["needs_matched"], figures["orders_placed"], figures["orders_taken"],
            figures["capacity"], figures["used"]) == (1, 1, 1, 1, 4, 1)
    shown = run(gridgov_cli, platform, "lists", "stats", "--area", "SX", as_="dispatcher_sx")
    assert "resources used: 1/4 (25.0%)" in shown and "completed on time: 0 (—)" in shown


def test_the_figures_agree_with_a_recount_by_area_unit_and_period(platform, gridgov_cli):
    from gridgov.core import Actor
    from gridgov.core.testing import local_time
    from gridgov.plugins.service_lists.orders import OrderService
    from gridgov.plugins.service_lists.records import Order
    from test_service_lists_support import service

    orders = OrderService(platform)
    menu = service(platform, platform.actor("keeper_sx"), capacity=50, weekdays=range(1, 8))
    for i in range(6):
        placed = local_time(2026, 10, 12 + i, 9)
        row = orders.place(platform.actor("worker_sx01"), Order(service_id=menu["id"], area_code="SX01-B1",
                                                                 resident_name=f"居民{i}"), at=placed)
        row = orders.move(platform.actor("keeper_sx"), row["id"], "dispatch", at=placed)
        if i % 3 == 0:
            continue
        row = orders.move(platform.actor("unit_pb01"), row["id"], "take", at=placed + dt.timedelta(hours=2))
        when = local_time(2026, 10, 19 + i, 10) if i < 5 else placed + dt.timedelta(hours=3)
        row = orders.move(platform.actor("unit_pb01"), row["id"], "schedule", scheduled_for=placed + dt.timedelta(hours=3),
                          at=placed + dt.timedelta(hours=2))
        row = orders.move(platform.actor("unit_pb01"), row["id"], "complete", note="ok", at=when)
        orders.move(platform.actor("worker_sx01"), row["id"], "rate", rating=("satisfied", "dissatisfied")[i % 2],
                    at=when + dt.timedelta(hours=1))
    rows = platform.table("service_lists_order").rows()
    late = sum(1 for r in rows if r["completed_at"] and r["completed_at"] > r["complete_due"])
    s = metrics.compute(platform, Actor.system(), "SX", dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    done = [r for r in rows if r["completed_at"]]
    assert (s.orders_placed, s.orders_taken, s.orders_completed) == (6, len(done), len(done))
    assert s.completed_on_time == len(done) - late and 0 <= s.on_time_rate <= 1
    assert (s.orders_rated, s.orders_satisfied) == (len(done), sum(1 for r in done if r["rating"] == "satisfied"))
    unit = metrics.compute(platform, platform.actor("unit_pb01"), None, None, None, org="SX-PB01")
    assert unit.orders_placed == 6 and unit.scope == "org:SX-PB01"
    assert metrics.compute(platform, Actor.system(), "BNK").orders_placed == 0
    assert metrics.compute(platform, Actor.system(), "SX", dt.date(2026, 11, 1)).orders_placed == 0
    card = platform.metric_specs["service_lists"].compute(platform, platform.actor("dispatcher_sx"), "SX", None, None)
    assert card["orders placed"] == 6
