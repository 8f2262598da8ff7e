"""Issues: reporting, the workflow actions, queues, duplicates and replay.

Each change runs in one write transaction: read the case, check the action against the
transition table, the actor's scope and the plugins' vetoes, write the new row (only if
its version is still the one read), append the event, add to the area counters, and let
plugins react, each in a savepoint of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs

from ..access import ALL, Actor
from ..converter import from_dict
from ..errors import AccessDenied, NotFound, StaleUpdate, TransitionRefused, ValidationError
from ..identifiers import mask_phone
from ..models import RATINGS, SOURCES, Event, Issue
from ..workflow import apply_event, event_row, issue_row, make_event, metric_deltas, replay
from .base import Service


class IssueService(Service):
    # -- reading ------------------------------------------------------------------------

    def _load(self, issue_id: int) -> Issue:
        try:
            return from_dict(Issue, self.store.issue_row(issue_id))
        except NotFound:
            raise NotFound("issue", issue_id) from None

    def can_read(self, actor: Actor, issue: Issue) -> bool:
        if actor.covers("issue.read", issue.area_path):
            return True
        if issue.assignee_member and issue.assignee_member == actor.login:
            return True
        return bool(issue.assignee_org and issue.assignee_org in actor.orgs_for("issue.read"))

    def mask(self, issue: Issue) -> Issue:
        return attrs.evolve(issue, requester_phone=mask_phone(issue.requester_phone))

    def get(self, actor: Actor, issue_id: int, *, unmask_reason: str | None = None) -> Issue:
        """A case the actor may see; the requester's phone is masked unless unmasked (logged)."""
        issue = self._load(issue_id)
        if not self.can_read(actor, issue):
            raise AccessDenied(f"{actor.login} may not see issue {issue_id}: outside their scope")
        if unmask_reason is None:
            return self.mask(issue)
        self.platform.members.unmask_check(actor, unmask_reason)
        self.platform.log_access(actor, f"issue:{issue_id}:requester_phone", unmask_reason)
        return issue

    def events(self, actor: Actor, issue_id: int) -> list[Event]:
        self.get(actor, issue_id)
        return [from_dict(Event, r) for r in self.store.events(issue_id)]

    def replay(self, issue_id: int) -> Issue:
        """The issue rebuilt from its event log alone."""
        return replay([from_dict(Event, r) for r in self.store.events(issue_id)])

    def _scope_args(self, actor: Actor, area: str | None) -> dict[str, Any]:
        paths = actor.paths_for("issue.read")
        if area:
            path = self.platform.areas.path_of(area)
            if any(path.startswith(p) for p in paths):
                return {"path": path}
            inner = [p for p in paths if p.startswith(path)]
            if not inner:
                raise AccessDenied(f"{actor.login} may not see cases of {area}")
            return {"path": inner[0], "extra_paths": inner[1:]}
        return {
            "path": paths[0] if paths else None,
            "extra_paths": paths[1:],
            "orgs": actor.orgs_for("issue.read"),
            "members": [actor.login] if actor.has("issue.read") else [],
        }

    def list(
        self,
        actor: Actor,
        *,
        area: str | None = None,
        status: str | list[str] | None = None,
        open_only: bool = False,
        category: str | None = None,
        level: str | None = None,
        overdue: bool = False,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
        due_before: dt.datetime | None = None,
    ) -> list[Issue]:
        """A page of the actor's cases, soonest due first (the queue).

        ``due_before`` keeps open cases due before that moment (``overdue`` is the same
        with the current time)."""
        rows = self.store.issue_page(
            **self._scope_args(actor, area),
            **self._filters(status, open_only, category, level, overdue, search, due_before),
            limit=limit,
            offset=offset,
        )
        return [self.mask(from_dict(Issue, r)) for r in rows]

    def count(self, actor: Actor, *, area: str | None = None, status: str | list[str] | None = None,
              open_only: bool = False, category: str | None = None, level: str | None = None,
              overdue: bool = False, search: str | None = None,
              due_before: dt.datetime | None = None) -> int:
        return self.store.issue_page(
            **self._scope_args(actor, area),
            **self._filters(status, open_only, category, level, overdue, search, due_before),
            count=True,
        )

    def _filters(self, status, open_only, category, level, overdue, search, due_before=None) -> dict[str, Any]:
        statuses = [status] if isinstance(status, str) else list(status or [])
        return {
            "status": statuses,
            "open_only": open_only,
            "category": category,
            "level": level,
            "overdue_before": self.platform.now() if overdue else due_before,
            "search": search or None,
        }

    def similar(self, actor: Actor, *, category: str, area: str, text: str, limit: int = 5) -> list[Issue]:
        """Open cases of the same category in the same handling area with similar text:
        the likely duplicates to show before saving a report."""
        handling = self.handling_area_for(area)
        rows = self.store.similar_open_issues(
            category=category, path=self.platform.areas.path_of(handling), text=text, limit=limit
        )
        return [self.mask(from_dict(Issue, r)) for r in rows if self.can_read(actor, from_dict(Issue, r))]

    # -- reporting ----------------------------------------------------------------------

    def forget(self) -> None:
        self._handling = {}

    def handling_area_for(self, area_code: str) -> str:
        """The nearest area at the handling level (the grid) at or above ``area_code``."""
        cache = self.__dict__.setdefault("_handling", {})
        if area_code in cache:
            return cache[area_code]
        level = self.platform.areas.handling_level()
        levels = self.platform.areas.levels()
        found = area_code
        for area in self.platform.areas.ancestors(area_code):
            if area.level == level or (level in levels and levels.index(area.level) < levels.index(level)):
                found = area.code
                break
        cache[area_code] = found
        return found

    def report(
        self,
        actor: Actor,
        *,
        area: str,
        category: str,
        title: str,
        description: str = "",
        priority: str | None = None,
        source: str = "visit",
        requester_name: str | None = None,
        requester_phone: str | None = None,
        payload: dict[str, Any] | None = None,
        at: dt.datetime | None = None,
    ) -> Issue:
        """Take in a new case; returns it (requester phone masked)."""
        cat = self.platform.categories.get(category)
        if cat is None:
            raise ValidationError("category", f"unknown category {category}; see `gridgov issue categories`")
        if source not in SOURCES:
            raise ValidationError("source", f"{source!r} is not one of {', '.join(SOURCES)}")
        if requester_phone and "*" in requester_phone:
            # Records accept masked values so masked views can exist; storing one would
            # lose the real number for good.
            raise ValidationError("requester_phone", "is masked; give the full number")
        area_row = self.platform.areas.require_exists(area, "area")
        actor.require("issue.report", area_row.path, what=f"area {area}")
        handling = self.handling_area_for(area)
        now = at or self.platform.now()
        issue = Issue(
            title=title,
            description=description,
            category=category,
            priority=priority or cat.default_priority,
            area_code=area,
            area_path=area_row.path,
            handling_area=handling,
            level=self.platform.areas.get(handling).level,
            source=source,
            reporter=actor.login,
            requester_name=requester_name,
            requester_phone=requester_phone,
            reported_at=now,
            payload=payload or {},
        )
        self._veto(actor, issue, "report", {})
        changes = {k: v for k, v in attrs.asdict(issue, recurse=False).items() if k not in ("id", "status", "version")}
        with self.store.write():
            event = make_event(None, issue_id=0, action="report", to_status="reported", actor=actor.login,
                               at=now, changes=changes, level=issue.level)
            row = issue_row(issue)
            row["version"] = 1
            issue_id = self.store.insert_issue(row, event_row(event, {"received": 1}))
            event = attrs.evolve(event, issue_id=issue_id)
            issue = attrs.evolve(issue, id=issue_id, version=1)
            self._count(issue, now, metric_deltas(None, issue, "report"))
            self.platform.hooks.call("issue_created", wrap=self.platform.plugin_savepoint,
                                     platform=self.platform, actor=actor, issue=issue)
        return self.mask(issue)

    # -- acting -------------------------------------------------------------------------

    def available_actions(self, actor: Actor, issue: Issue) -> list[str]:
        """Actions this actor may take on the case now (state, permission and scope)."""
        names = []
        for transition in self.platform.transitions.values():
            if issue.status in transition.sources and self._refusal(actor, issue, transition, None) is None:
                if transition.action == "urge" and not issue.overdue_at(self.platform.now()):
                    continue
                if transition.action == "reopen" and issue.rating != "dissatisfied":
                    continue
                if transition.action == "escalate" and issue.handling_area == issue.area_path.strip("/").split("/")[0]:
                    continue
                names.append(transition.action)
        return names

    def _refusal(self, actor: Actor, issue: Issue, transition, _params) -> str | None:
        permission = transition.permission
        if transition.scope == "assignee":
            if any(ALL in g.permissions and g.area_path and issue.area_path.startswith(g.area_path) for g in actor.grants):
                return None
            if not actor.has(permission):
                return f"{actor.login} lacks {permission}"
            if issue.assignee_member and issue.assignee_member == actor.login:
                return None
            if issue.assignee_org and issue.assignee_org in actor.orgs_for(permission):
                return None
            return f"the case is assigned to {issue.assignee_member or issue.assignee_org}, not to {actor.login}"
        if transition.scope == "site":
            path = issue.area_path
        else:
            path = self.platform.areas.path_of(issue.handling_area or issue.area_code)
        if not actor.covers(permission, path):
            where = issue.area_code if transition.scope == "site" else issue.handling_area
            return f"{actor.login} lacks {permission} over {where} (not in scope)"
        return None

    def act(
        self,
        actor: Actor,
        issue_id: int,
        action: str,
        *,
        note: str = "",
        org: str | None = None,
        member: str | None = None,
        rating: str | None = None,
        merge_into: int | None = None,
        expected_version: int | None = None,
        at: dt.datetime | None = None,
    ) -> Issue:
        """Take a workflow action; raises TransitionRefused (with the reason),
        StaleUpdate, or AccessDenied."""
        transition = self.platform.transitions.get(action)
        if transition is None:
            raise TransitionRefused(issue_id, action, f"unknown action; known: {', '.join(self.platform.transitions)}")
        now = at or self.platform.now()
        params = {"note": note, "org": org, "member": member, "rating": rating, "merge_into": merge_into}
        with self.store.write():
            issue = self._load(issue_id)
            # Stale first: a case that changed since it was read may also have left the
            # actor's scope (returned, escalated), and "reload" is the answer that helps.
            if expected_version is not None and expected_version != issue.version:
                raise StaleUpdate(issue_id, expected_version, issue.version)
            if not self.can_read(actor, issue):
                raise AccessDenied(f"{actor.login} may not see issue {issue_id}: outside their scope")
            if issue.status not in transition.sources:
                raise TransitionRefused(
                    issue_id, action,
                    f"the case is {issue.status}; {action} needs {' or '.join(sorted(transition.sources))}",
                )
            refusal = self._refusal(actor, issue, transition, params)
            if refusal:
                raise TransitionRefused(issue_id, action, refusal)
            changes = self._changes(actor, issue, transition, params, now)
            self._veto(actor, issue, action, params)
            target = transition.target or issue.status
            event = make_event(issue, issue_id=issue_id, action=action, to_status=target, actor=actor.login,
                               at=now, changes=changes, note=note, level=changes.get("level", issue.level))
            updated = apply_event(issue, event)
            deltas = metric_deltas(issue, updated, action, self.platform.areas.levels())
            self.store.update_issue(issue_row(updated), event_row(event, deltas), expected_version=issue.version)
            self._count(updated, now, deltas)
            self.platform.hooks.call("issue_changed", wrap=self.platform.plugin_savepoint,
                                     platform=self.platform, actor=actor, issue=updated, event=event)
        return self.mask(updated)

    def _require(self, issue: Issue, action: str, field: str, present: bool) -> None:
        if not present:
            raise TransitionRefused(issue.id, action, f"{field} is required")

    def _changes(self, actor: Actor, issue: Issue, transition, params: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
        action = transition.action
        req = transition.requires
        if "note" in req:
            self._require(issue, action, "a note (reason or result)", bool((params["note"] or "").strip()))
        if "rating" in req:
            self._require(issue, action, "a rating", bool(params["rating"]))
            if params["rating"] not in RATINGS:
                raise TransitionRefused(issue.id, action, f"rating must be one of {', '.join(RATINGS)}")
        changes: dict[str, Any] = {}
        if action == "register":
            changes["registered_at"] = now
        elif action == "merge":
            target_id = params["merge_into"]
            self._require(issue, action, "the master issue to merge into", target_id is not None)
            if target_id == issue.id:
                raise TransitionRefused(issue.id, action, "an issue cannot be merged into itself")
            try:
                master = self._load(int(target_id))
            except NotFound:
                raise TransitionRefused(issue.id, action, f"master issue {target_id} does not exist") from None
            if not master.is_open:
                raise TransitionRefused(issue.id, action, f"master issue {target_id} is {master.status}")
            if not self.can_read(actor, master):
                # The merged case is followed up through its master; one the actor cannot
                # see (another grid's) is not a duplicate they can vouch for.
                raise TransitionRefused(issue.id, action, f"master issue {target_id} is outside {actor.login}'s scope")
            changes["merged_into"] = master.id
        elif action == "dispatch":
            changes.update(self._dispatch_target(actor, issue, params))
            cat = self.platform.categories.get(issue.category) or issue.category
            response_due, resolve_due = self.platform.sla.deadlines(cat, issue.priority, now)
            changes.update(dispatched_at=now, response_due=response_due, resolve_due=resolve_due, accepted_at=None)
        elif action == "accept":
            changes["accepted_at"] = now
        elif action == "return":
            changes.update(assignee_org=None, assignee_member=None, return_count=issue.return_count + 1)
        elif action == "resolve":
            changes["resolved_at"] = now
        elif action == "rework":
            changes.update(resolved_at=None, rework_count=issue.rework_count + 1)
        elif action == "close":
            changes.update(closed_at=now, rating=params["rating"])
        elif action == "reopen":
            if issue.rating != "dissatisfied":
                raise TransitionRefused(issue.id, action, f"only a case rated dissatisfied reopens; this one is {issue.rating}")
            changes.update(closed_at=None, rating=None, resolved_at=None, registered_at=issue.registered_at)
        elif action == "escalate":
            handling = issue.handling_area or issue.area_code
            parent = self.platform.areas.get(handling).parent_code
            if parent is None:
                raise TransitionRefused(issue.id, action, f"{handling} is the top of the tree; there is no level above")
            changes.update(
                handling_area=parent,
                level=self.platform.areas.get(parent).level,
                assignee_org=None,
                assignee_member=None,
                response_due=None,
                resolve_due=None,
                dispatched_at=None,
                accepted_at=None,
                escalation_count=issue.escalation_count + 1,
            )
        elif action == "urge":
            if not issue.overdue_at(now):
                raise TransitionRefused(issue.id, action, "only an overdue case can be urged")
            changes["urge_count"] = issue.urge_count + 1
        else:
            changes.update(self._generic_changes(transition.target, now))
        return changes

    @staticmethod
    def _generic_changes(target: str | None, now: dt.datetime) -> dict[str, Any]:
        """Timestamps for plugin actions, by the state they lead to."""
        field = {"closed": "closed_at", "resolved": "resolved_at", "in_progress": "accepted_at",
                 "registered": "registered_at", "dispatched": "dispatched_at"}.get(target or "")
        return {field: now} if field else {}

    def _dispatch_target(self, actor: Actor, issue: Issue, params: dict[str, Any]) -> dict[str, Any]:
        org, member = params.get("org"), params.get("member")
        if not org and not member:
            found = self.platform.route(issue)
            if found is None:
                raise TransitionRefused(issue.id, "dispatch", "a target is required: no router found a handler for this case")
            org, member = found.org_code, found.member_login
        if org and not self.store.find("organisation", org):
            raise TransitionRefused(issue.id, "dispatch", f"unknown organisation {org}")
        if member and not self.store.find("member", member):
            raise TransitionRefused(issue.id, "dispatch", f"unknown member {member}")
        if member and not self.platform.actor(member).has("issue.accept"):
            # Nobody else can accept or return a case sent to one person: it would be stuck.
            raise TransitionRefused(issue.id, "dispatch", f"{member} holds no post that may accept cases")
        return {"assignee_org": org, "assignee_member": member}

    def _veto(self, actor: Actor, issue: Issue, action: str, params: dict[str, Any]) -> None:
        for plugin, reason in self.platform.hooks.call(
            "veto_action", platform=self.platform, actor=actor, issue=issue, action=action, params=params
        ):
            raise TransitionRefused(issue.id, action, f"vetoed by {plugin}: {reason}")

    def _count(self, issue: Issue, at: dt.datetime, deltas: dict[str, int]) -> None:
        if deltas:
            codes = issue.area_path.strip("/").split("/")
            self.store.add_metrics(codes, at.date(), deltas)

    # -- bulk ---------------------------------------------------------------------------

    def iter_all(self, batch: int = 5000) -> Iterator[Issue]:
        offset = 0
        while True:
            rows = self.store.select("issue", order_by="id", limit=batch, offset=offset)
            if not rows:
                return
            for r in rows:
                yield from_dict(Issue, r)
            offset += batch
