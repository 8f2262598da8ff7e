"""What each core action checks and changes: the rows of the transition table in code.

A row of :data:`~gridgov.core.workflow.CORE_TRANSITIONS` finds its effect in
:data:`EFFECTS` and its check in :data:`CHECKS` by the action's name. A check returns why the
action cannot apply to the case now (the case screen then does not offer it); an effect
returns the fields the action changes and may refuse with ``ctx.refuse(reason)``. A new
action is one row in the table and, if it needs them, two functions here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .workflow import ActionContext


def _stage_due(ctx: ActionContext, stage: str) -> Any:
    category = ctx.platform.categories.get(ctx.issue.category) or ctx.issue.category
    return ctx.platform.sla.stage_deadline(category, ctx.issue.priority, stage, ctx.now, ctx.platform.zone)


def register(ctx: ActionContext) -> dict[str, Any]:
    return {"registered_at": ctx.now, "dispatch_due": _stage_due(ctx, "dispatch")}


def merge(ctx: ActionContext) -> dict[str, Any]:
    issue, target_id = ctx.issue, ctx.params.get("merge_into")
    if target_id is None:
        ctx.refuse("the master issue to merge into is required")
    if target_id == issue.id:
        ctx.refuse("an issue cannot be merged into itself")
    master = ctx.platform.issues.find_raw(int(target_id))
    if master is None:
        ctx.refuse(f"master issue {target_id} does not exist")
    if not master.is_open:
        ctx.refuse(f"master issue {target_id} is {master.status}")
    if master.category != issue.category:
        ctx.refuse(f"master issue {target_id} is a {master.category} case, this one {issue.category}: "
                   "a duplicate reports the same kind of problem")
    if not ctx.platform.issues.can_read(ctx.actor, master):
        # The merged case is followed up through its master; one the actor cannot see
        # (another grid's) is not a duplicate they can vouch for.
        ctx.refuse(f"master issue {target_id} is outside {ctx.actor.login}'s scope")
    return {"merged_into": master.id}


def dispatch(ctx: ActionContext) -> dict[str, Any]:
    target = ctx.platform.issues.dispatch_target(ctx)
    category = ctx.platform.categories.get(ctx.issue.category) or ctx.issue.category
    response_due, resolve_due = ctx.platform.sla.deadlines(category, ctx.issue.priority, ctx.now, ctx.platform.zone)
    return {**target, "dispatched_at": ctx.now, "response_due": response_due, "resolve_due": resolve_due,
            "accepted_at": None}


def accept(ctx: ActionContext) -> dict[str, Any]:
    return {"accepted_at": ctx.now}


def return_(ctx: ActionContext) -> dict[str, Any]:
    return {"assignee_org": None, "assignee_member": None, "return_count": ctx.issue.return_count + 1,
            "dispatch_due": _stage_due(ctx, "dispatch")}


def resolve(ctx: ActionContext) -> dict[str, Any]:
    return {"resolved_at": ctx.now}


def verify(ctx: ActionContext) -> dict[str, Any]:
    return {}


def rework(ctx: ActionContext) -> dict[str, Any]:
    return {"resolved_at": None, "rework_count": ctx.issue.rework_count + 1}


def close(ctx: ActionContext) -> dict[str, Any]:
    return {"closed_at": ctx.now, "rating": ctx.params["rating"]}


def can_reopen(ctx: ActionContext) -> str | None:
    if ctx.issue.rating != "dissatisfied":
        return f"only a case rated dissatisfied reopens; this one is {ctx.issue.rating}"
    return None


def reopen(ctx: ActionContext) -> dict[str, Any]:
    return {"closed_at": None, "rating": None, "resolved_at": None, "registered_at": ctx.issue.registered_at,
            "dispatch_due": _stage_due(ctx, "dispatch")}


def unmerge(ctx: ActionContext) -> dict[str, Any]:
    """A wrong merge undone: the case is a report of its own again, due for registering."""
    return {"merged_into": None, "register_due": _stage_due(ctx, "register")}


def can_escalate(ctx: ActionContext) -> str | None:
    handling = ctx.issue.handling_area or ctx.issue.area_code
    if ctx.platform.areas.get(handling).parent_code is None:
        return f"{handling} is the top of the tree; there is no level above"
    return None


def escalate(ctx: ActionContext) -> dict[str, Any]:
    issue = ctx.issue
    parent = ctx.platform.areas.get(issue.handling_area or issue.area_code).parent_code
    return {
        "handling_area": parent,
        "level": ctx.platform.areas.get(parent).level,
        "assignee_org": None,
        "assignee_member": None,
        "response_due": None,
        "resolve_due": None,
        "dispatched_at": None,
        "accepted_at": None,
        "escalation_count": issue.escalation_count + 1,
        "dispatch_due": _stage_due(ctx, "dispatch"),
    }


def can_urge(ctx: ActionContext) -> str | None:
    return None if ctx.issue.overdue_at(ctx.now) else "only an overdue case can be urged"


def urge(ctx: ActionContext) -> dict[str, Any]:
    return {"urge_count": ctx.issue.urge_count + 1}


def callback(ctx: ActionContext) -> dict[str, Any]:
    """A call to the requester, its outcome in the note; the case's state is unchanged."""
    return {"callback_count": ctx.issue.callback_count + 1}


EFFECTS = {
    "register": register, "merge": merge, "dispatch": dispatch, "accept": accept, "return": return_,
    "resolve": resolve, "verify": verify, "rework": rework, "close": close, "reopen": reopen,
    "escalate": escalate, "urge": urge, "unmerge": unmerge, "callback": callback, "complaint": reopen,
}  # fmt: skip
CHECKS = {"reopen": can_reopen, "escalate": can_escalate, "urge": can_urge}
