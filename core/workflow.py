"""The closed loop as data: states, the transition table, and how an event changes a case.

The table says which action moves which state, which permission it needs, whose scope
decides, and what the action requires. :func:`apply_event` is the only code that turns an
event into a new issue state; the live path and replay both use it, so a replayed issue
is the stored issue by construction, and the replay test checks exactly that.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import attrs

from .access import frozen_strings
from .converter import from_dict, to_dict
from .models import Event, Issue

STATES = (
    "reported", "registered", "rejected", "merged", "dispatched", "returned",
    "in_progress", "resolved", "verified", "closed", "reopened",
)  # fmt: skip
TERMINAL_STATES = frozenset({"rejected", "merged", "closed"})
OPEN_STATES = frozenset(STATES) - TERMINAL_STATES
_WORKING = frozenset({"registered", "dispatched", "in_progress", "returned", "reopened"})

REQUIREMENTS = ("note", "target", "rating", "merge_into")


@attrs.frozen(kw_only=True)
class ActionContext:
    """What an action's check and effect see: the platform's services, the actor, the
    case as read inside the transaction, the action's parameters and the instant."""

    platform: Any
    actor: Any
    issue: Issue
    transition: Transition
    params: dict[str, Any]
    now: dt.datetime

    def refuse(self, reason: str) -> NoReturn:
        from .errors import TransitionRefused

        raise TransitionRefused(self.issue.id, self.transition.action, reason)


Effect = Callable[[ActionContext], dict[str, Any]]
Check = Callable[[ActionContext], str | None]


def _timestamps_by_target(ctx: ActionContext) -> dict[str, Any]:
    """The default effect (plugin actions): the timestamp of the state the action leads to."""
    field = {"closed": "closed_at", "resolved": "resolved_at", "in_progress": "accepted_at",
             "registered": "registered_at", "dispatched": "dispatched_at"}.get(ctx.transition.target or "")
    return {field: ctx.now} if field else {}


@attrs.frozen(kw_only=True)
class Transition:
    """One row of the workflow table: what an action needs and what it does.

    ``scope`` says whose area decides the permission check: ``handling`` (the level that
    owns the case now), ``site`` (where the issue is), or ``assignee`` (the organisation or
    member the case is dispatched to). ``target`` None keeps the status (urge).
    ``check(ctx)`` returns why the action cannot apply to this case now (or None), and
    hides it from the actions offered; ``effect(ctx)`` returns the fields the action
    changes (default: the timestamp of the state it leads to). ``categories``, when
    given, limits a (plugin) action to cases of those categories.
    """

    action: str
    sources: frozenset[str] = attrs.field(converter=frozen_strings)
    target: str | None
    permission: str
    scope: str = attrs.field(validator=attrs.validators.in_(("handling", "site", "assignee")))
    requires: frozenset[str] = attrs.field(default=frozenset(), converter=frozen_strings)
    name_zh: str = ""
    name_en: str = ""
    key: str = ""
    plugin: str = "gridgov"
    check: Check | None = attrs.field(default=None, eq=False)
    effect: Effect = attrs.field(default=_timestamps_by_target, eq=False)
    categories: frozenset[str] | None = attrs.field(
        default=None, converter=attrs.converters.optional(frozen_strings))

    @requires.validator
    def _known(self, attribute: attrs.Attribute, value: frozenset[str]) -> None:
        unknown = value - set(REQUIREMENTS)
        if unknown:
            raise ValueError(f"unknown requirements {sorted(unknown)}; use {REQUIREMENTS}")

    def applies_to(self, issue: Issue) -> bool:
        """The case is in a source state and of a category this action serves."""
        return issue.status in self.sources and (self.categories is None or issue.category in self.categories)

    @property
    def closes(self) -> bool:
        return self.target == "closed"


def _t(action: str, sources: set[str], target: str | None, scope: str, requires: set[str], zh: str, en: str,
       key: str, effect: Effect | None = None, check: Check | None = None, permission: str | None = None) -> Transition:
    from . import effects

    return Transition(action=action, sources=sources, target=target, permission=permission or f"issue.{action}",
                      scope=scope, requires=requires, name_zh=zh, name_en=en, key=key,
                      effect=effect or effects.EFFECTS.get(action, _timestamps_by_target),
                      check=check or effects.CHECKS.get(action))  # fmt: skip


CORE_TRANSITIONS = (
    _t("register", {"reported"}, "registered", "handling", set(), "立案", "register", "g"),
    _t("reject", {"reported"}, "rejected", "handling", {"note"}, "不予立案", "reject", "x"),
    _t("merge", {"reported"}, "merged", "handling", {"merge_into"}, "合并", "merge", "m"),
    _t("dispatch", {"registered", "returned", "reopened"}, "dispatched", "handling", {"target"}, "派遣", "dispatch", "d"),
    _t("accept", {"dispatched"}, "in_progress", "assignee", set(), "接单", "accept", "a"),
    _t("return", {"dispatched"}, "returned", "assignee", {"note"}, "退回", "return", "b"),
    _t("resolve", {"in_progress"}, "resolved", "assignee", {"note"}, "处置反馈", "resolve", "f"),
    _t("verify", {"resolved"}, "verified", "site", set(), "核查通过", "verify", "v"),
    _t("rework", {"resolved"}, "in_progress", "site", {"note"}, "返工", "rework", "w"),
    _t("close", {"verified"}, "closed", "handling", {"rating"}, "结案", "close", "c"),
    _t("reopen", {"closed"}, "reopened", "handling", {"note"}, "重新办理", "reopen", "o"),
    _t("escalate", set(_WORKING), "registered", "handling", {"note"}, "上移", "escalate", "e"),
    _t("urge", set(OPEN_STATES), None, "site", {"note"}, "督办", "urge", "u"),
    _t("unmerge", {"merged"}, "reported", "handling", {"note"}, "撤销合并", "unmerge", "M", permission="issue.merge"),
    _t("callback", set(OPEN_STATES) | {"closed"}, None, "site", {"note"}, "回访记录", "call-back", "k"),
    _t("complaint", {"closed"}, "reopened", "site", {"note"}, "投诉重办", "reopen on complaint", "O"),
)


def handling_depth(issue: Issue) -> int:
    """Depth of the handling area in the issue's area path (0 = root of the tree)."""
    codes = issue.area_path.strip("/").split("/")
    try:
        return codes.index(issue.handling_area or issue.area_code)
    except ValueError:
        return len(codes) - 1


def apply_event(issue: Issue | None, event: Event) -> Issue:
    """The issue after ``event``: its changes applied, the status moved, the version bumped."""
    data: dict[str, Any] = to_dict(issue) if issue is not None else {}
    data.update(event.changes)
    data["id"] = event.issue_id
    data["status"] = event.to_status
    data["version"] = (issue.version if issue is not None else 0) + 1
    return from_dict(Issue, data)


def replay(events: list[Event]) -> Issue:
    """Rebuild an issue from its whole event log."""
    issue: Issue | None = None
    for event in events:
        issue = apply_event(issue, event)
    if issue is None:
        raise ValueError("no events to replay")
    return issue


def metric_deltas(before: Issue | None, after: Issue, action: str, levels: Sequence[str] | None = None) -> dict[str, int]:
    """What one change adds to the daily counters of the issue's area and its ancestors.

    ``levels`` (the deployment's level names) makes the settled-at counter the handling
    level's place in that list, which stays right where the tree skips a level; without
    it the depth of the handling area in the path is used (the same in a complete tree)."""
    deltas: dict[str, int] = {}
    counter = {
        "report": "received", "register": "registered", "reject": "rejected", "merge": "merged",
        "dispatch": "dispatched", "accept": "accepted", "return": "returned", "resolve": "resolved",
        "rework": "reworked", "verify": "verified", "close": "closed", "reopen": "reopened",
        "escalate": "escalated", "urge": "urged", "complaint": "reopened",
    }.get(action)  # fmt: skip
    # A plugin action that ends the case (mediation's "refer") closes it as surely as
    # "close" does; the closure counters must see it or closure rates undercount.
    closes = action == "close" or (
        counter is None and after.status == "closed" and before is not None and before.status != "closed"
    )
    if counter:
        deltas[counter] = 1
    elif closes:
        deltas["closed"] = 1
    if action == "accept" and after.accepted_at and (after.response_due is None or after.accepted_at <= after.response_due):
        deltas["accepted_on_time"] = 1
    if closes and after.closed_at:
        if after.resolve_due is None or after.closed_at <= after.resolve_due:
            deltas["closed_on_time"] = 1
        deltas["close_seconds"] = int((after.closed_at - after.reported_at).total_seconds())
        if after.rating:
            deltas["rated"] = 1
            if after.rating in ("satisfied", "basically_satisfied"):
                deltas["satisfied"] = 1
        depth = levels.index(after.level) if levels and after.level in levels else handling_depth(after)
        deltas[f"settled_depth_{min(depth, 5)}"] = 1
    return deltas


def cohort_flags(issue: Issue) -> dict[str, int]:
    """What a registered case contributes to its registration day's cohort now (0 or 1
    each). Every rate is one of these over another, so no rate can pass 100 %: a case
    reopened and closed again is still one closed case."""
    if issue.registered_at is None:
        return {}
    closed = issue.status == "closed"
    accepted = issue.accepted_at
    responded = accepted is not None
    return {
        "registered": 1,
        "responded": int(responded),
        "responded_on_time": int(accepted is not None and (issue.response_due is None or accepted <= issue.response_due)),
        "closed": int(closed),
        "closed_on_time": int(closed and issue.closed_at is not None
                              and (issue.resolve_due is None or issue.closed_at <= issue.resolve_due)),
        "rated": int(closed and issue.rating is not None),
        "satisfied": int(closed and issue.rating in ("satisfied", "basically_satisfied")),
        "reworked": int(issue.rework_count > 0),
    }


def cohort_deltas(before: Issue | None, after: Issue,
                  day_of: Callable[[dt.datetime], dt.date]) -> list[tuple[dt.date, dict[str, int]]]:
    """How one change moves the cohort counters: ``(registration day, deltas)`` pairs."""
    old = cohort_flags(before) if before is not None else {}
    new = cohort_flags(after)
    if before is not None and old and new and after.registered_at is not None and before.registered_at == after.registered_at:
        deltas = {k: new[k] - old[k] for k in new if new[k] != old[k]}
        return [(day_of(after.registered_at), deltas)] if deltas else []
    out = []
    if old and before is not None and before.registered_at is not None:
        out.append((day_of(before.registered_at), {k: -v for k, v in old.items() if v}))
    if new and after.registered_at is not None:
        out.append((day_of(after.registered_at), {k: v for k, v in new.items() if v}))
    return out


NO_DEADLINE = "9999-12-31T23:59:59"


def due_key(issue: Issue) -> str:
    """The queue's sort key: the deadline that matters now, or :data:`NO_DEADLINE`, so that
    cases without a deadline sort last and an index on the column gives the queue order."""
    due = issue.due_at
    return due.isoformat(timespec="seconds") if due else NO_DEADLINE


def issue_row(issue: Issue, now_open: bool | None = None) -> dict[str, Any]:
    """The issue as a database row, with the derived columns the queue index uses."""
    from .converter import to_row

    row = to_row(issue)
    row["is_open"] = int(issue.is_open if now_open is None else now_open)
    row["due_at"] = due_key(issue)
    return row


def event_row(event: Event, metrics: dict[str, int]) -> dict[str, Any]:
    from .converter import to_row

    row = to_row(event)
    row["metrics"] = to_row_json(metrics)
    return row


_ROW_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def to_row_json(value: Any) -> str:
    """JSON text as event rows store it (keys sorted, Chinese kept readable). One encoder
    for every call: ``json.dumps`` with options builds a new one each time."""
    return _ROW_JSON.encode(value)


def make_event(
    before: Issue | None,
    *,
    issue_id: int,
    action: str,
    to_status: str,
    actor: str,
    at: dt.datetime,
    changes: dict[str, Any],
    note: str = "",
    level: str | None = None,
) -> Event:
    """An event whose ``changes`` hold JSON-safe values (as they are stored)."""
    from .converter import encode_instant

    safe = {k: (encode_instant(v) if isinstance(v, dt.datetime) else v) for k, v in changes.items()}
    org = safe.get("assignee_org", before.assignee_org if before else None)
    member = safe.get("assignee_member", before.assignee_member if before else None)
    if action == "return" and before is not None:
        org, member = before.assignee_org, before.assignee_member
    return Event(
        issue_id=issue_id,
        seq=(before.version if before else 0) + 1,
        at=at,
        actor=actor,
        action=action,
        from_status=before.status if before else None,
        to_status=to_status,
        level=level,
        note=note,
        changes=safe,
        org=org,
        member=member,
    )
