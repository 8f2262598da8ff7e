"""The order loop: every move, every refusal, the core's deadlines and ratings, and an
order that cannot be served becoming a core case."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import (
    AccessDenied,
    SlaBook,
    SlaRule,
    StaleUpdate,
    TransitionRefused,
    ValidationError,
)
from gridgov.core.testing import local_time
from gridgov.plugins.service_lists.orders import LIFECYCLE, OrderService
from gridgov.plugins.service_lists.records import Order
from gridgov.plugins.service_lists.service import ListsService
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_service_lists_support import SYSTEM, service, staff

TUESDAY_10 = local_time(2026, 11, 3, 10, 0)


@pytest.fixture
def platform(gridgov_platform):
    return gridgov_platform


@pytest.fixture
def actors(platform):
    return staff(platform)


@pytest.fixture
def menu(platform, actors):
    return service(platform, actors["keeper_sx"], capacity=3)


def place(platform, actors, menu, login="worker_sx01", area="SX01-B1", **kw):
    return OrderService(platform).place(platform.actor(login), Order(
        service_id=menu["id"], area_code=area, resident_name="王奶奶", resident_phone="13812345678",
        request="想请人上门理发", **kw))


def walk(platform, actors, order, *moves):
    orders = OrderService(platform)
    who = {"dispatch": "keeper_sx", "take": "unit_pb01", "schedule": "unit_pb01", "complete": "unit_pb01",
           "rate": "worker_sx01"}
    row = order
    for name in moves:
        kw = {"schedule": {"scheduled_for": TUESDAY_10}, "complete": {"note": "已上门理发", "at": TUESDAY_10},
              "rate": {"rating": "satisfied", "at": TUESDAY_10 + dt.timedelta(hours=2)}}.get(name, {})
        row = orders.move(actors[who[name]], row["id"], name, **kw)
    return row


@pytest.mark.gridgov_engines
def test_an_order_goes_round_the_loop_with_the_cores_deadlines(platform, actors, menu):
    order = place(platform, actors, menu)
    assert (order["status"], order["org_code"], order["resident_phone"]) == ("placed", "SX-PB01", "138****5678")
    orders = OrderService(platform)
    dispatched = walk(platform, actors, order, "dispatch")
    now = platform.now()
    assert dispatched["take_due"] - now == dt.timedelta(hours=24)  # the category's response hours
    assert dispatched["complete_due"] - now == dt.timedelta(hours=120)
    assert orders.available(actors["unit_pb01"], dispatched) == ["take", "decline"]
    assert orders.available(actors["keeper_sx"], dispatched) == ["refer", "cancel"]
    done = walk(platform, actors, dispatched, "take", "schedule", "complete", "rate")
    assert (done["status"], done["rating"], done["result"], done["version"]) == ("rated", "satisfied", "已上门理发", 6)
    assert done["completed_at"] <= done["complete_due"]
    history = orders.history(actors["worker_sx01"], order["id"])
    assert [h["move"] for h in history] == ["place", "dispatch", "take", "schedule", "complete", "rate"]
    assert LIFECYCLE.available("rated") == []


def test_the_deployments_sla_rules_decide_order_deadlines(platform, actors, menu):
    platform.set_sla(SYSTEM, SlaBook(rules=(SlaRule(category="service_lists.order", response_hours=2, resolve_hours=48),)))
    row = walk(platform, actors, place(platform, actors, menu, priority="urgent"), "dispatch")
    assert row["take_due"] - platform.now() == dt.timedelta(hours=2)


def test_placing_is_refused_outside_the_menu(platform, actors, menu):
    with pytest.raises(ValidationError, match="area: service 1 is not offered to BNK01-B1"):
        place(platform, actors, menu, login="worker_bnk01", area="BNK01-B1")
    with pytest.raises(AccessDenied, match="worker_sx02 lacks issue.report over area SX01-B1"):
        place(platform, actors, menu, login="worker_sx02")
    elderly = service(platform, actors["keeper_sx"], audience="elderly", title="助浴")
    with pytest.raises(ValidationError, match="resident_group: service 2 is for elderly, not all"):
        place(platform, actors, elderly)
    assert place(platform, actors, elderly, resident_group="elderly")["status"] == "placed"
    first = [place(platform, actors, menu) for _ in range(3)]
    with pytest.raises(ValidationError, match="service_id: service 1 is full for 2026-11 \\(3 orders\\)"):
        place(platform, actors, menu)
    OrderService(platform).move(actors["worker_sx01"], first[0]["id"], "cancel", note="居民改期")
    assert place(platform, actors, menu)["status"] == "placed"  # a cancelled order frees its place
    ListsService(platform).set_service_active(actors["keeper_sx"], menu["id"], False)
    with pytest.raises(ValidationError, match="withdrawn from the list"):
        place(platform, actors, menu)


@pytest.mark.parametrize(("moves", "login", "name", "kw", "reason"), [
    ((), "worker_sx01", "dispatch", {}, "worker_sx01 lacks service_lists.manage"),
    ((), "unit_pb01", "take", {}, "the order is placed; take needs dispatched"),
    (("dispatch",), "keeper_sx", "take", {}, "keeper_sx does not act for SX-PB01"),
    (("dispatch",), "handler_zjj", "take", {}, "handler_zjj does not act for SX-PB01"),
    (("dispatch", "take"), "unit_pb01", "schedule", {}, "scheduled_for is required"),
    (("dispatch", "take"), "unit_pb01", "schedule", {"scheduled_for": local_time(2026, 11, 7, 10)},
     "the service is not given on Saturdays"),
    (("dispatch", "take"), "unit_pb01", "schedule", {"scheduled_for": local_time(2026, 11, 3, 18)},
     "18:00 is outside the service's hours 09:00–17:00"),
    (("dispatch", "take"), "unit_pb01", "schedule", {"scheduled_for": local_time(2026, 11, 9, 10)},
     "the order must be completed by 2026-11-07 09:30; decline it if it cannot be served in time"),
    (("dispatch", "take"), "unit_pb01", "schedule", {"scheduled_for": local_time(2026, 11, 2, 9)},
     "the time is before the order was taken"),
    (("dispatch", "take", "schedule"), "unit_pb01", "complete", {"at": TUESDAY_10}, "note is required"),
    (("dispatch", "take", "schedule"), "unit_pb01", "complete", {"note": "done", "at": local_time(2026, 11, 3, 9)},
     "cannot be completed before the time it was scheduled for"),
    (("dispatch", "take", "schedule", "complete"), "worker_sx01", "rate", {}, "rating is required"),
    (("dispatch", "take", "schedule", "complete"), "worker_sx01", "rate", {"rating": "great"},
     "rating must be one of satisfied, basically_satisfied, dissatisfied"),
    (("dispatch", "take", "schedule", "complete"), "unit_pb01", "rate", {"rating": "satisfied"},
     "unit_pb01 lacks issue.report"),
    (("dispatch", "take", "schedule", "complete"), "worker_sx01", "cancel", {"note": "x"},
     "the order is completed; cancel needs dispatched or placed or scheduled or taken"),
    ((), "worker_sx01", "cancel", {}, "note is required"),
    ((), "keeper_sx", "decline", {"note": "x"}, "the order is placed; decline needs dispatched or taken"),
    (("dispatch",), "unit_pb01", "decline", {}, "note is required"),
    (("dispatch",), "worker_sx01", "refer", {"note": "x"}, "worker_sx01 lacks service_lists.manage"),
    ((), "keeper_sx", "fly", {}, "unknown move; order moves are dispatch, take"),
])  # fmt: skip
def test_every_refusal_names_the_order_and_changes_nothing(platform, actors, menu, moves, login, name, kw, reason):
    row = walk(platform, actors, place(platform, actors, menu), *moves)
    with pytest.raises(TransitionRefused, match=f"order {row['id']}: {name} refused: .*{reason.split(';')[0]}") as caught:
        OrderService(platform).move(platform.actor(login), row["id"], name, **kw)
    assert reason in str(caught.value)
    assert platform.table("service_lists_order").get(row["id"]) == row


def test_a_stale_screen_is_refused(platform, actors, menu):
    row = place(platform, actors, menu)
    walk(platform, actors, row, "dispatch")
    with pytest.raises(StaleUpdate):
        OrderService(platform).move(actors["keeper_sx"], row["id"], "cancel", note="x", expected_version=row["version"])


@pytest.mark.gridgov_engines
def test_a_declined_order_becomes_a_core_case_for_the_resident(platform, actors, menu):
    row = walk(platform, actors, place(platform, actors, menu), "dispatch", "take")
    unserved = OrderService(platform).move(actors["unit_pb01"], row["id"], "decline", note="理发师本周请假")
    assert (unserved["status"], unserved["closed_at"]) == ("unserved", platform.now())
    case = platform.issues.get(SYSTEM, unserved["issue_id"])
    assert (case.category, case.area_code, case.status, case.requester_name) == (
        "service_lists.order", "SX01-B1", "reported", "王奶奶")
    assert case.payload["service_lists"] == {"order_id": row["id"], "service_id": menu["id"], "move": "decline",
                                             "by": "unit_pb01", "org_code": "SX-PB01"}
    assert platform.issues.find_raw(case.id).requester_phone == "13812345678"  # the resident can be called back
    assert "理发师本周请假" in case.description
    assert LIFECYCLE.available("unserved") == []


def test_an_overdue_order_is_referred_as_a_case_by_the_community(platform, actors, menu, gridgov_clock):
    row = walk(platform, actors, place(platform, actors, menu), "dispatch")
    orders = OrderService(platform)
    assert not orders.overdue(row, platform.now())
    gridgov_clock.advance(hours=25)
    assert orders.overdue(row, platform.now())
    assert [r["id"] for r in orders.queue(actors["unit_pb01"], org="SX-PB01")] == [row["id"]]
    referred = orders.move(actors["keeper_sx"], row["id"], "refer", note="超时未接单")
    assert referred["status"] == "unserved" and referred["issue_id"] is not None
    assert orders.queue(actors["unit_pb01"], org="SX-PB01") == []
    with pytest.raises(AccessDenied, match="keeper_sx does not act for SX-PB01"):
        orders.queue(actors["keeper_sx"], org="SX-PB01")


# -- every sequence of moves against an independent table of the loop ---------------------------

EXPECTED = {  # move: (states it starts from, state it leads to, who may take it)
    "dispatch": ({"placed"}, "dispatched", {"keeper_sx"}),
    "take": ({"dispatched"}, "taken", {"unit_pb01"}),
    "schedule": ({"taken"}, "scheduled", {"unit_pb01"}),
    "complete": ({"scheduled"}, "completed", {"unit_pb01"}),
    "rate": ({"completed"}, "rated", {"worker_sx01", "keeper_sx"}),
    "decline": ({"dispatched", "taken"}, "unserved", {"unit_pb01"}),
    "refer": ({"placed", "dispatched", "taken", "scheduled"}, "unserved", {"keeper_sx"}),
    "cancel": ({"placed", "dispatched", "taken", "scheduled"}, "cancelled", {"worker_sx01", "keeper_sx"}),
}
PARAMS = {"schedule": {"scheduled_for": TUESDAY_10}, "complete": {"note": "ok", "at": TUESDAY_10},
          "rate": {"rating": "basically_satisfied"}, "decline": {"note": "x"}, "refer": {"note": "x"},
          "cancel": {"note": "x"}}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(EXPECTED)),
                                st.sampled_from(("keeper_sx", "unit_pb01", "worker_sx01", "handler_zjj"))),
                      min_size=1, max_size=8))
def test_any_sequence_of_moves_follows_the_table(gridgov_platform, steps):
    platform = gridgov_platform
    if platform.table("service_lists_service").count() == 0:  # the first example sets up the fixture's platform
        staff(platform)
        service(platform, platform.actor("keeper_sx"), capacity=1000)
    actors = {login: platform.actor(login) for login in ("keeper_sx", "unit_pb01", "worker_sx01")}
    menu = platform.table("service_lists_service").rows(limit=1)[0]
    orders = OrderService(platform)
    row = place(platform, actors, menu)
    status = "placed"
    for name, login in steps:
        sources, target, who = EXPECTED[name]
        allowed = status in sources and login in who
        try:
            row = orders.move(platform.actor(login), row["id"], name, **PARAMS.get(name, {}))
        except TransitionRefused:
            assert not allowed, (status, name, login)
            continue
        assert allowed, (status, name, login)
        status = target
        assert row["status"] == status
        assert (row["issue_id"] is not None) == (status == "unserved")
    moves = [h["move"] for h in orders.history(SYSTEM, row["id"])]
    assert len(moves) == row["version"] and moves[0] == "place"  # one history row per move taken

