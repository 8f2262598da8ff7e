"""The rules of people's mediation that the workflow hooks apply: who may mediate (the
mediator post, no conflict of interest), where a dispute goes at each level, and keeping a
dispute in step with its core case.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from typing import Any

from gridgov.core import Actor, Issue, NotFound, Platform, Route, mask_id_number, mask_phone

from .records import CATEGORY, DISPUTE, DISPUTE_KINDS, MEDIATOR

_OWN_ACTIONS = ("resolve", "refer", "withdraw")
# Set while the plugin's service drives the case itself, so that the veto can refuse the
# same actions taken through the generic workflow, where the agreement's terms would be lost.
_recording: contextvars.ContextVar[bool] = contextvars.ContextVar("mediation_recording", default=False)


@contextlib.contextmanager
def driving() -> Iterator[None]:
    """Mark the plugin's own settling actions (see :func:`veto`)."""
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


def is_mediator(platform: Platform, login: str, on: dt.date | None = None) -> bool:
    """``login`` holds the mediator post on ``on`` (default today)."""
    day = on or platform.today()
    return any(a.active_on(day) for a in platform.members.assignments(login, post=MEDIATOR))


def mediators(platform: Platform, area: str) -> list[str]:
    """Logins holding the mediator post over ``area`` (at it or an ancestor) or with a
    mediation body seated there or above, active today."""
    today = platform.today()
    codes = set(platform.areas.ancestor_codes(area))
    found = []
    for a in platform.members.assignments(post=MEDIATOR):
        if not a.active_on(today):
            continue
        seat = None
        if a.org_code:
            org = platform.organisations.find(a.org_code)
            seat = org.area_code if org else None
        if a.area_code in codes or seat in codes:
            found.append(a.login)
    return sorted(set(found))


def conflict(platform: Platform, issue_id: int, login: str) -> str | None:
    """Why ``login`` may not mediate the dispute of case ``issue_id``, or None: the
    member is a party (by login, phone or ID number), or is paired with a party's
    household (``member_household``)."""
    rows = platform.table("mediation_dispute").rows(issue_id=issue_id)
    if not rows:
        return None
    parties = platform.table("mediation_party").rows(dispute_id=rows[0]["id"])
    for p in parties:
        if p["member_login"] == login:
            return f"{login} is a party to this dispute ({p['name']})"
    reason = _same_person(platform, login, rows[0], parties)
    if reason:
        return reason
    mine = _households(platform, login)
    for p in parties:
        theirs = {p["household"]} if p["household"] else set()
        if p["member_login"]:
            theirs |= _households(platform, p["member_login"])
        shared = mine & theirs
        if shared:
            return f"{login} is paired with household {sorted(shared)[0]} of party {p['name']}"
    return None


def _households(platform: Platform, login: str) -> set[str]:
    today = platform.today()
    return {
        p.household for p in platform.pairings.list(Actor.system(), member=login, kind="member_household")
        if p.household and (p.ends is None or p.ends >= today)
    }  # fmt: skip


def _same_person(platform: Platform, login: str, dispute: dict[str, Any],
                 parties: list[dict[str, Any]]) -> str | None:
    """Compare the member's phone and ID number with the parties'. Masked views are
    compared first, so the full numbers are read (and the reads logged) only for a
    near match."""
    candidates = [p for p in parties if p["phone"] or p["id_number"]]
    if not candidates:
        return None
    try:
        masked = platform.members.get(Actor.system(), login)
    except NotFound:
        return None
    near = [
        p for p in candidates
        if (p["phone"] and masked.phone and mask_phone(p["phone"]) == masked.phone)
        or (p["id_number"] and masked.id_number and mask_id_number(p["id_number"]) == masked.id_number)
    ]  # fmt: skip
    if not near:
        return None
    reason = "mediation conflict-of-interest check"
    full = platform.members.get(Actor.system(), login, unmask_reason=reason)
    table = platform.table("mediation_party").unmasked(platform, Actor.system(), reason, path=dispute["area_path"],
                                                       what=f"mediation_dispute:{dispute['id']}:parties")
    near = [table.get(p["id"]) for p in near]
    for p in near:
        if (p["phone"] and p["phone"] == full.phone) or (p["id_number"] and p["id_number"] == full.id_number):
            return f"{login} is a party to this dispute ({p['name']}, same phone or ID number)"
    return None


def route(platform: Platform, issue: Issue) -> Route | None:
    """The mediation body at the case's handling level: the grid's mediation room,
    else the nearest committee above, so escalation moves the dispute up a level."""
    for code in platform.areas.ancestor_codes(issue.handling_area or issue.area_code):
        bodies = platform.organisations.list(kind="mediation_committee", area_code=code)
        if bodies:
            return Route(org_code=bodies[0].code, reason=f"mediation body of {code}")
    return None


def on_change(platform: Platform, issue: Issue, action: str, at: dt.datetime) -> None:
    """Keep the dispute in step with its case (``issue_changed`` hook)."""
    rows = platform.table("mediation_dispute").rows(issue_id=issue.id)
    if not rows:
        return
    row = rows[0]
    disputes = platform.table("mediation_dispute")
    if action in ("dispatch", "escalate", "return"):
        disputes.update(row["id"], {"level": issue.level, "body_org": issue.assignee_org,
                                    "mediator": issue.assignee_member})  # fmt: skip
    elif action in ("reject", "merge") and DISPUTE.refusal(row["status"], "not_accept") is None:
        disputes.update(row["id"], {"status": DISPUTE.moves["not_accept"].target, "closed_at": at})
    elif action in ("rework", "reopen") and DISPUTE.refusal(row["status"], "reopen") is None:
        # The agreement did not hold: mediation goes on, and the case's events keep the record.
        platform.table("mediation_outcome").delete(row["id"])
        disputes.update(row["id"], {"status": DISPUTE.moves["reopen"].target, "closed_at": None})


def veto(platform: Platform, issue: Issue, action: str, params: dict[str, Any]) -> str | None:
    """Refuse a conflicted mediator, and settling a dispute outside this plugin."""
    if issue.category != CATEGORY:
        return None
    if action == "report":
        meta = issue.payload.get("mediation", {}) if isinstance(issue.payload, dict) else {}
        kind = meta.get("kind", "other") if isinstance(meta, dict) else None
        if kind not in DISPUTE_KINDS:
            return f"payload mediation.kind must be one of {', '.join(DISPUTE_KINDS)}"
        return None
    if action == "dispatch" and params.get("member"):
        return conflict(platform, issue.id, params["member"])
    if action in _OWN_ACTIONS and not _recording.get():
        command = "agree" if action == "resolve" else action
        return (f"record this dispute's outcome in the mediation screens or with `gridgov mediation {command}`,"
                " so that its terms are kept")
    return None

