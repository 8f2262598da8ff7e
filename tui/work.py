"""What is waiting on one person: the open cases they should act on now.

A case waits on someone when an action of theirs moves it on: cases assigned to them or
their organisation (to accept, resolve, return), cases in their area at a state their
post acts on (to register, dispatch, verify, close), and, for a supervisor, late cases
to urge. Escalating, urging, calling the requester back and the like can be done to almost
any open case and make nothing wait on anybody, so they count only as the supervisor's duty
on late cases.

The candidates come from the queue query (the open cases in scope at those states,
soonest due first); each is then checked with the same rule the case screen uses to
offer actions, so the list holds exactly the cases with an action open to the person.
"""

from __future__ import annotations

import attrs
from gridgov.core import OPEN_STATES, Actor, Issue, Platform

OPTIONAL = frozenset({"escalate", "urge", "callback", "complaint", "unmerge"})
CANDIDATES = 300
"""The most cases looked at (soonest due first); a person's to-do list is shorter."""


@attrs.frozen(kw_only=True)
class WorkItem:
    issue: Issue
    actions: tuple[str, ...]


def acting_states(platform: Platform, actor: Actor) -> set[str]:
    """The open states in which some action of the actor's posts moves a case on."""
    states: set[str] = set()
    for transition in platform.transitions.values():
        if transition.action not in OPTIONAL and actor.has(transition.permission):
            states |= set(transition.sources)
    return states & set(OPEN_STATES)


def waiting_on(platform: Platform, actor: Actor, *, limit: int = CANDIDATES) -> tuple[list[WorkItem], bool]:
    """The cases waiting on ``actor``, overdue first then soonest due, and whether more
    candidates were left unexamined."""
    issues = platform.issues
    found: dict[int, WorkItem] = {}
    states = acting_states(platform, actor)
    more = False
    if states:
        candidates = issues.list(actor, status=sorted(states), open_only=True, limit=limit + 1)
        more = len(candidates) > limit
        for issue in candidates[:limit]:
            actions = tuple(a for a in issues.available_actions(actor, issue) if a not in OPTIONAL)
            if actions:
                found[issue.id] = WorkItem(issue=issue, actions=actions)
    if actor.has("issue.urge"):
        for issue in issues.list(actor, overdue=True, limit=limit):
            if issue.id not in found and "urge" in issues.available_actions(actor, issue):
                found[issue.id] = WorkItem(issue=issue, actions=("urge",))
    items = sorted(found.values(), key=lambda item: (item.issue.due_at is None, item.issue.due_at or 0, item.issue.id))
    return items, more
