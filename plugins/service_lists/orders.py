"""Orders: a resident orders a listed service (点单), the community dispatches it to the
offering unit (派单), the unit takes it (接单), schedules, completes, and the resident rates
it (SEEDS 003). A small closed loop of its own, on the SDK's :class:`Lifecycle`.

The deadlines are the core's: dispatching asks the deployment's SLA book for the
category ``service_lists.order`` (response hours to take it, resolution hours to complete
it; a deployment's rules for that category change them), and ratings are the core's three
(satisfied, basically satisfied, dissatisfied). An order that cannot be served (the unit
declines it, or the community refers it, e.g. overdue) becomes a core case of the same
category, in the resident's area, so the closed loop answers the resident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridgov.core import (
    RATINGS,
    AccessDenied,
    Actor,
    Lifecycle,
    Move,
    Platform,
    TransitionRefused,
    ValidationError,
    any_of,
)

from . import rules
from .records import CATEGORY, MANAGE, SERVE, Order
from .tables import ORDER, ORDER_HISTORY, SERVICE

COUNTING = ("placed", "dispatched", "taken", "scheduled", "completed", "rated")  # take a place in the month
OPEN = ("placed", "dispatched", "taken", "scheduled")
UNIT_MOVES = frozenset({"take", "schedule", "complete", "decline"})


def _rating(record: dict[str, Any], params: dict[str, Any]) -> str | None:
    rating = params.get("rating")
    if rating is not None and rating not in RATINGS:
        return f"rating must be one of {', '.join(RATINGS)}"
    return None


def _after_schedule(record: dict[str, Any], params: dict[str, Any]) -> str | None:
    at, planned = params.get("at"), record.get("scheduled_for")
    if at is not None and planned is not None and at < planned:
        return "the service cannot be completed before the time it was scheduled for"
    return None


LIFECYCLE = Lifecycle(
    "order",
    states=("placed", "dispatched", "taken", "scheduled", "completed", "rated", "unserved", "cancelled"),
    initial="placed",
    moves=(
        Move("dispatch", {"placed"}, "dispatched", permission=MANAGE, name_zh="派单", name_en="dispatch"),
        Move("take", {"dispatched"}, "taken", name_zh="接单", name_en="take"),
        Move("schedule", {"taken"}, "scheduled", requires={"scheduled_for"}, name_zh="预约", name_en="schedule"),
        Move("complete", {"scheduled"}, "completed", requires={"note"}, check=_after_schedule,
             name_zh="办结", name_en="complete"),
        Move("rate", {"completed"}, "rated", permission="issue.report", requires={"rating"}, check=_rating,
             name_zh="评价", name_en="rate"),
        Move("decline", {"dispatched", "taken"}, "unserved", requires={"note"}, name_zh="无法承接",
             name_en="decline"),
        Move("refer", {"placed", "dispatched", "taken", "scheduled"}, "unserved", permission=MANAGE,
             requires={"note"}, name_zh="转为案件", name_en="refer as a case"),
        Move("cancel", {"placed", "dispatched", "taken", "scheduled"}, "cancelled", permission="issue.report",
             requires={"note"}, name_zh="撤单", name_en="cancel"),
    ),
)  # fmt: skip
STATUS_NAMES = {
    "placed": ("已点单", "placed"), "dispatched": ("已派单", "dispatched"), "taken": ("已接单", "taken"),
    "scheduled": ("已预约", "scheduled"), "completed": ("已办结", "completed"), "rated": ("已评价", "rated"),
    "unserved": ("转为案件", "unserved"), "cancelled": ("已撤单", "cancelled"),
}  # fmt: skip


class OrderService:
    """Placing orders and moving them through the loop; every call takes the actor."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def t(self, name: str):
        return self.platform.table(name)

    # -- placing --------------------------------------------------------------------------

    def taken_in_month(self, service_id: int, month: dt.date) -> int:
        by = self.t(ORDER).count_by("status", service_id=service_id, month=month)
        return sum(n for status, n in by.items() if status in COUNTING)

    def place(self, actor: Actor, order: Order, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """A resident's order, taken in at the grid. Refused when the service is withdrawn,
        not offered to the resident's area or group, or full for the month."""
        area = self.platform.areas.require_exists(order.area_code, "area")
        path = self.platform.areas.path_of(area.code)
        actor.require("issue.report", path, what=f"area {area.code}")
        service = self.t(SERVICE).get(order.service_id)
        if not service["active"]:
            raise ValidationError("service_id", f"service {order.service_id} is withdrawn from the list")
        if not any(path.startswith(p) for p in service["order_paths"]):
            raise ValidationError("area", f"service {order.service_id} is not offered to {area.code}")
        if service["audience"] != "all" and order.resident_group != service["audience"]:
            raise ValidationError("resident_group", f"service {order.service_id} is for {service['audience']}, not {order.resident_group}")
        at = at or self.platform.now()
        month = rules.month_of(self.platform.time.day_of(at))
        with self.platform.transaction():
            if self.taken_in_month(order.service_id, month) >= service["monthly_capacity"]:
                raise ValidationError("service_id", f"service {order.service_id} is full for {month:%Y-%m} "
                                                    f"({service['monthly_capacity']} orders)")
            key = self.t(ORDER).insert({
                "service_id": order.service_id, "org_code": service["org_code"], "area_code": area.code,
                "area_path": path, "resident_name": order.resident_name, "resident_phone": order.resident_phone,
                "resident_group": order.resident_group, "request": order.request, "priority": order.priority,
                "status": LIFECYCLE.initial, "placed_by": actor.login, "placed_at": at, "month": month,
            })  # fmt: skip
            self.t(ORDER_HISTORY).insert({"record_id": key, "move": "place", "from_status": "", "to_status": "placed",
                                          "actor": actor.login, "at": at, "note": order.request})
        return self.t(ORDER).get(key)

    # -- reading --------------------------------------------------------------------------

    def get(self, actor: Actor, order_id: int) -> dict[str, Any]:
        row = self.t(ORDER).get(order_id)
        if not (actor.covers("issue.read", row["area_path"]) or rules.acts_for(actor, row["org_code"])):
            raise AccessDenied(actor.refusal(f"{actor.login} may not see order {order_id}"))
        return row

    def queue(self, actor: Actor, *, org: str | None = None, area: str | None = None, status: str | None = None,
              open_only: bool = True, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Orders soonest due first: a unit's queue (``org``, which the actor acts for), or
        those of the actor's areas (``area``'s subtree)."""
        where: dict[str, Any] = {}
        if status:
            where["status"] = status
        elif open_only:
            where["status__in"] = list(OPEN)
        order_by = ["take_due", "placed_at", "id"]
        if org is not None:
            rules.require_unit(actor, org, "this queue")
            return self.t(ORDER).rows(org_code=org, order_by=order_by, limit=limit, offset=offset, **where)
        groups: list[dict[str, Any]]
        if area:
            path = self.platform.areas.path_of(area)
            actor.require("issue.read", path, what=f"area {area}")
            groups = [{"area_path__under": path}]
        else:  # the actor's areas, and the units whose work the actor takes
            groups = [{"area_path__under": p} for p in actor.paths_for("issue.read")]
            orgs = sorted(set(actor.orgs_for("issue.accept")) | set(actor.orgs_for(SERVE)))
            if orgs:
                groups.append({"org_code__in": orgs})
        if not groups:
            return []
        return self.t(ORDER).rows(any_of(*groups), order_by=order_by, limit=limit, offset=offset, **where)

    def history(self, actor: Actor, order_id: int) -> list[dict[str, Any]]:
        self.get(actor, order_id)
        return self.t(ORDER_HISTORY).rows(record_id=order_id, order_by="id")

    def available(self, actor: Actor, row: dict[str, Any]) -> list[str]:
        """The moves this actor may take on the order now (a unit's moves only for those
        who act for the unit)."""
        unit = rules.acts_for(actor, row["org_code"])
        return [m for m in LIFECYCLE.available(row["status"], actor=actor, path=row["area_path"], record=row)
                if unit or m not in UNIT_MOVES]

    @staticmethod
    def overdue(row: dict[str, Any], now: dt.datetime) -> bool:
        if row["status"] == "dispatched":
            return row["take_due"] is not None and row["take_due"] < now
        if row["status"] in ("taken", "scheduled"):
            return row["complete_due"] is not None and row["complete_due"] < now
        return False

    # -- moving ---------------------------------------------------------------------------

    def _schedule_problem(self, service: dict[str, Any], row: dict[str, Any], when: dt.datetime) -> str | None:
        local = self.platform.time.local(when)
        if local.isoweekday() not in service["weekdays"]:
            return f"the service is not given on {local:%A}s (weekdays {', '.join(map(str, service['weekdays']))})"
        hhmm = local.strftime("%H:%M")
        if not service["opens"] <= hhmm < service["closes"]:
            return f"{hhmm} is outside the service's hours {service['opens']}–{service['closes']}"
        if row["taken_at"] and when < row["taken_at"]:
            return "the time is before the order was taken"
        if row["complete_due"] and when > row["complete_due"]:
            due = self.platform.time.format(row["complete_due"])
            return f"the order must be completed by {due}; decline it if it cannot be served in time"
        return None

    def move(self, actor: Actor, order_id: int, name: str, *, note: str = "", rating: str | None = None,
             scheduled_for: dt.datetime | None = None, at: dt.datetime | None = None,
             expected_version: int | None = None) -> dict[str, Any]:
        """Take move ``name`` (dispatch, take, schedule, complete, rate, decline, refer,
        cancel). A refusal raises TransitionRefused naming the order; ``expected_version``
        (what the screen showed) turns a concurrent change into StaleUpdate."""
        at = at or self.platform.now()
        table = self.t(ORDER)
        with self.platform.transaction():
            row = table.get(order_id)
            move = LIFECYCLE.move(name, order_id)
            if name in UNIT_MOVES and row["status"] in move.sources and not rules.acts_for(actor, row["org_code"]):
                raise TransitionRefused(order_id, name, actor.refusal(f"{actor.login} does not act for {row['org_code']}"),
                                        record="order")
            if scheduled_for is not None:
                scheduled_for = self.platform.time.read(scheduled_for, "scheduled_for")
            params = {"note": note, "rating": rating, "scheduled_for": scheduled_for, "at": at}
            step = LIFECYCLE.step(row["status"], name, key=order_id, actor=actor, path=row["area_path"],
                                  record=row, params=params)
            values: dict[str, Any] = {"status": step.target}
            if name == "dispatch":
                category = self.platform.categories[CATEGORY]
                take_due, complete_due = self.platform.sla.deadlines(category, row["priority"], at, self.platform.zone)
                values.update(dispatched_at=at, take_due=take_due, complete_due=complete_due)
            elif name == "take":
                values["taken_at"] = at
            elif name == "schedule":
                service = self.t(SERVICE).get(row["service_id"])
                problem = self._schedule_problem(service, row, scheduled_for)
                if problem:
                    raise TransitionRefused(order_id, name, problem, record="order")
                values["scheduled_for"] = scheduled_for
            elif name == "complete":
                values.update(completed_at=at, result=note)
            elif name == "rate":
                values.update(rating=rating, rated_at=at, closed_at=at)
            elif name in ("decline", "refer"):
                values.update(closed_at=at, issue_id=self._case_for(row, actor, name, note, at))
            elif name == "cancel":
                values["closed_at"] = at
            version = row["version"] if expected_version is None else expected_version
            table.update(order_id, values, expected_version=version)
            self.t(ORDER_HISTORY).insert(step.history(order_id, actor, at, note or (rating or "")))
        return table.get(order_id)

    def _case_for(self, row: dict[str, Any], actor: Actor, move: str, note: str, at: dt.datetime) -> int:
        """The core case an unserved order becomes: in the resident's area, with the
        resident as requester (their number read in full for it, and the read logged)."""
        system = Actor.system()
        full = self.t(ORDER).unmasked(self.platform, system, "点单未能办理，转为案件答复居民 / unserved order becomes a case",
                                      path=row["area_path"], what=f"service_lists_order:{row['id']}").get(row["id"])
        service = self.t(SERVICE).get(row["service_id"])
        issue = self.platform.issues.report(
            system, area=row["area_code"], category=CATEGORY, title=f"点单未能办理：{service['title']}"[:100],
            description=f"{row['request'] or ''}\n{'无法承接' if move == 'decline' else '转为案件'}（{actor.login}）：{note}".strip(),
            priority=row["priority"], source="plugin", requester_name=row["resident_name"],
            requester_phone=full["resident_phone"], at=at,
            payload={"service_lists": {"order_id": row["id"], "service_id": row["service_id"], "move": move,
                                       "by": actor.login, "org_code": row["org_code"]}},
        )  # fmt: skip
        return issue.id
