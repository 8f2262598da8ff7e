"""Issues: reporting, the workflow actions, queues, duplicates and replay.

Each change runs in one write transaction: read the case, check the action against the
transition table, the actor's scope and the plugins' vetoes, write the new row (only if
its version is still the one read), append the event, add to the area counters, and let
plugins react, each in a savepoint of its own.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ..access import ALL, Actor
from ..converter import from_dict
from ..errors import AccessDenied, NotFound, StaleUpdate, TransitionRefused, ValidationError
from ..identifiers import mask_phone
from ..models import RATINGS, SOURCES, Event, Issue
from ..timezone import instant
from ..validators import control_problem
from ..workflow import (
    ActionContext,
    Transition,
    apply_event,
    cohort_deltas,
    event_row,
    issue_row,
    make_event,
    metric_deltas,
    replay,
)
from .base import Service

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
_CONTENT_TYPE = re.compile(r"[a-z]+/[a-z0-9][a-z0-9.+-]{0,100}")


class IssueService(Service):
    # -- reading ------------------------------------------------------------------------

    def _load(self, issue_id: int) -> Issue:
        try:
            return from_dict(Issue, self.store.issue_row(issue_id))
        except NotFound:
            raise NotFound("issue", issue_id) from None

    def find_raw(self, issue_id: int) -> Issue | None:
        """The stored case, unmasked and unchecked: for the core's own rules (a merge's
        master, a plugin's hook), never handed to an actor."""
        try:
            return self._load(issue_id)
        except NotFound:
            return None

    def can_read(self, actor: Actor, issue: Issue) -> bool:
        if actor.covers("issue.read", issue.area_path):
            return True
        if issue.assignee_member and issue.assignee_member == actor.login:
            return True
        return bool(issue.assignee_org and issue.assignee_org in actor.orgs_for("issue.read"))

    def mask(self, issue: Issue) -> Issue:
        return attrs.evolve(issue, requester_phone=mask_phone(issue.requester_phone))

    def _readable(self, actor: Actor, issue_id: int) -> Issue:
        issue = self._load(issue_id)
        if not self.can_read(actor, issue):
            raise AccessDenied(actor.refusal(f"{actor.login} may not see issue {issue_id}: outside their scope"))
        return issue

    def _unmask(self, actor: Actor, issue: Issue, reason: str, what: str) -> None:
        self.platform.members.unmask_check(actor, reason, issue.area_path)
        self.platform.log_access(actor, f"issue:{issue.id}:{what}", reason, path=issue.area_path)

    def get(self, actor: Actor, issue_id: int, *, unmask_reason: str | None = None) -> Issue:
        """A case the actor may see; the requester's phone is masked unless unmasked (logged)."""
        issue = self._readable(actor, issue_id)
        if unmask_reason is None:
            return self.mask(issue)
        self._unmask(actor, issue, unmask_reason, "requester_phone")
        return issue

    def events(self, actor: Actor, issue_id: int, *, unmask_reason: str | None = None) -> builtins.list[Event]:
        """The case's timeline. Each event's ``changes`` echo the fields it set, the
        requester's phone among them, so they are masked like the case itself."""
        issue = self._readable(actor, issue_id)
        events = [from_dict(Event, r) for r in self.store.events(issue_id)]
        if unmask_reason is not None:
            self._unmask(actor, issue, unmask_reason, "events")
            return events
        return [mask_event(e) for e in events]

    def replay(self, actor: Actor, issue_id: int, *, unmask_reason: str | None = None) -> Issue:
        """The issue rebuilt from its event log alone (the integrity check), masked unless
        unmasked with a reason; maintenance jobs pass ``Actor.system()`` and a reason."""
        issue = self._readable(actor, issue_id)
        rebuilt = replay([from_dict(Event, r) for r in self.store.events(issue_id)])
        if unmask_reason is None:
            return self.mask(rebuilt)
        self._unmask(actor, issue, unmask_reason, "replay")
        return rebuilt

    def scope_size(self, actor: Actor) -> int:
        """How many cases, in every state, the areas ``actor`` reads have received — from
        the daily counters, so it costs the same at any size. A screen uses it to choose
        whether counting and searching the scope must leave its main thread."""
        return sum(self.store.subtree_size(p) for p in actor.paths_for("issue.read"))

    def _scope_args(self, actor: Actor, area: str | None) -> dict[str, Any]:
        if not actor.active:
            raise AccessDenied(actor.refusal(""))
        paths = actor.paths_for("issue.read")
        if area:
            path = self.platform.areas.path_of(area)
            if any(path.startswith(p) for p in paths):
                return {"path": path}
            inner = [p for p in paths if p.startswith(path)]
            if not inner:
                raise AccessDenied(actor.refusal(f"{actor.login} may not see cases of {area}"))
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
        status: str | Sequence[str] | None = None,
        open_only: bool = False,
        category: str | None = None,
        level: str | None = None,
        overdue: bool = False,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
        due_before: dt.datetime | None = None,
    ) -> builtins.list[Issue]:
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

    def count(self, actor: Actor, *, area: str | None = None, status: str | Sequence[str] | None = None,
              open_only: bool = False, category: str | None = None, level: str | None = None,
              overdue: bool = False, search: str | None = None,
              due_before: dt.datetime | None = None) -> int:
        return self.store.issue_count(
            **self._scope_args(actor, area),
            **self._filters(status, open_only, category, level, overdue, search, due_before),
        )

    def _filters(self, status: str | Sequence[str] | None, open_only: bool, category: str | None,
                 level: str | None, overdue: bool, search: str | None,
                 due_before: dt.datetime | None = None) -> dict[str, Any]:
        statuses = [status] if isinstance(status, str) else builtins.list(status or [])
        if search and control_problem(search):
            raise ValidationError("search", control_problem(search) or "")
        return {
            "status": statuses,
            "open_only": open_only,
            "category": category,
            "level": level,
            "overdue_before": self.platform.now() if overdue else instant(due_before, "due_before"),
            "search": search or None,
        }

    def similar(self, actor: Actor, *, category: str, area: str, text: str, limit: int = 5) -> builtins.list[Issue]:
        """Open cases of the same category in the same handling area with similar text:
        the likely duplicates to show before saving a report."""
        handling = self.handling_area_for(area)
        rows = self.store.similar_open_issues(
            category=category, path=self.platform.areas.path_of(handling), text=text, limit=limit
        )
        found = [from_dict(Issue, r) for r in rows]
        return [self.mask(issue) for issue in found if self.can_read(actor, issue)]

    # -- reporting ----------------------------------------------------------------------

    def forget(self) -> None:
        self._handling: dict[str, str] = {}

    def handling_area_for(self, area_code: str) -> str:
        """The nearest area at the handling level (the grid) at or above ``area_code``."""
        self.platform.areas.fresh()
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
        area: str | None = None,
        category: str,
        title: str,
        description: str = "",
        priority: str | None = None,
        source: str = "visit",
        requester_name: str | None = None,
        requester_phone: str | None = None,
        payload: dict[str, Any] | None = None,
        at: dt.datetime | None = None,
        address: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
    ) -> Issue:
        """Take in a new case; returns it (requester phone masked). ``at`` (aware) backdates
        the report, e.g. a hotline record typed in later. Without ``area``, a point (``lat``,
        ``lon``, WGS-84) finds it: the deepest area whose polygon holds the point. The case
        is due for registering from the moment of report (the SLA's register hours)."""
        cat = self.platform.categories.get(category)
        if cat is None:
            raise ValidationError("category", f"unknown category {category}; see `gridgov issue categories`")
        if source not in SOURCES:
            raise ValidationError("source", f"{source!r} is not one of {', '.join(SOURCES)}")
        if requester_phone and "*" in requester_phone:
            # Records accept masked values so masked views can exist; storing one would
            # lose the real number for good.
            raise ValidationError("requester_phone", "is masked; give the full number")
        if area is None:
            area = self._area_of_point(lat, lon)
        area_row = self.platform.areas.require_exists(area, "area")
        actor.require("issue.report", area_row.path, what=f"area {area}")
        handling = self.handling_area_for(area)
        now = instant(at, "at") or self.platform.now()
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
            register_due=self.platform.sla.stage_deadline(cat, priority or cat.default_priority, "register", now,
                                                          self.platform.zone),
            payload=payload or {},
            address=address,
            lat=lat,
            lon=lon,
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
            self._count(None, issue, now, metric_deltas(None, issue, "report"))
            self.platform.hooks.call("issue_created", wrap=self.platform.plugin_savepoint,
                                     platform=self.platform, actor=actor, issue=issue)
        return self.mask(issue)

    def _area_of_point(self, lat: float | None, lon: float | None) -> str:
        if lat is None or lon is None:
            raise ValidationError("area", "is required (or give lat and lon, and the area is found from the point)")
        found = self.platform.areas.locate(lat, lon)
        if found is None:
            raise ValidationError("lat", f"no area of this deployment holds the point {lat}, {lon}")
        return found.code

    # -- duplicates and attachments -------------------------------------------------------

    def duplicates(self, actor: Actor, issue_id: int) -> builtins.list[Issue]:
        """The cases merged into this one (their requesters must be answered too)."""
        self._readable(actor, issue_id)
        rows = self.store.select("issue", order_by="id", merged_into=issue_id)
        return [self.mask(i) for i in (from_dict(Issue, r) for r in rows) if self.can_read(actor, i)]

    def attach(self, actor: Actor, issue_id: int, *, name: str, content_type: str, data: bytes) -> dict[str, Any]:
        """Attach a photo or a file to a case (at intake, or with a handler's result): the
        store keeps it, up to :data:`MAX_ATTACHMENT_BYTES`; it is listed in the timeline at
        the step it came with. Needs ``issue.attach`` over the case's place, or the case
        assigned to the actor."""
        problem = control_problem(name) if isinstance(name, str) else "must be text"
        if not isinstance(name, str) or not name.strip() or problem or "/" in name or "\\" in name or len(name) > 200:
            raise ValidationError("name", problem or "must be a file name (no folders), at most 200 characters")
        if not _CONTENT_TYPE.fullmatch(content_type or ""):
            raise ValidationError("content_type", f"{content_type!r} is not a media type such as image/jpeg")
        if not isinstance(data, bytes | bytearray) or not data:
            raise ValidationError("data", "is empty")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError("data", f"is {len(data):,} bytes; at most {MAX_ATTACHMENT_BYTES:,}")
        with self.store.write():
            issue = self._readable(actor, issue_id)
            assigned = actor.login == issue.assignee_member or (
                issue.assignee_org is not None and issue.assignee_org in actor.orgs_for("issue.attach"))
            if not (actor.covers("issue.attach", issue.area_path) or assigned):
                raise AccessDenied(actor.denial("issue.attach", f"issue {issue_id}"))
            row = {"issue_id": issue_id, "seq": issue.version, "name": name.strip(), "content_type": content_type,
                   "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "data": bytes(data),
                   "at": self.platform.now(), "actor": actor.login}
            row["id"] = self.store.insert("attachment", row)
        return {k: v for k, v in row.items() if k != "data"}

    def attachments(self, actor: Actor, issue_id: int) -> builtins.list[dict[str, Any]]:
        """The case's attachments (without their bytes), oldest first."""
        self._readable(actor, issue_id)
        rows = self.store.sql.execute(
            "SELECT id, issue_id, seq, name, content_type, size, sha256, at, actor FROM attachment "
            "WHERE issue_id = ? ORDER BY id", [issue_id])
        names = ["id", "issue_id", "seq", "name", "content_type", "size", "sha256", "at", "actor"]
        return [dict(zip(names, r, strict=True)) for r in rows]

    def attachment_data(self, actor: Actor, issue_id: int, attachment_id: int) -> bytes:
        self._readable(actor, issue_id)
        row = self.store.find("attachment", attachment_id)
        if row is None or row["issue_id"] != issue_id:
            raise NotFound("attachment", attachment_id)
        return bytes(row["data"])

    # -- acting -------------------------------------------------------------------------

    def _context(self, actor: Actor, issue: Issue, transition: Transition, params: dict[str, Any],
                 now: dt.datetime) -> ActionContext:
        return ActionContext(platform=self.platform, actor=actor, issue=issue, transition=transition,
                             params=params, now=now)

    def available_actions(self, actor: Actor, issue: Issue) -> builtins.list[str]:
        """Actions this actor may take on the case now (state, category, permission,
        scope and each action's own check)."""
        names = []
        now = self.platform.now()
        for transition in self.platform.transitions.values():
            if not transition.applies_to(issue) or self._refusal(actor, issue, transition) is not None:
                continue
            if transition.check and transition.check(self._context(actor, issue, transition, {}, now)):
                continue
            names.append(transition.action)
        return names

    def _refusal(self, actor: Actor, issue: Issue, transition: Transition) -> str | None:
        permission = transition.permission
        if not actor.active:
            return actor.denial(permission)
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
        now = instant(at, "at") or self.platform.now()
        params = {"note": note, "org": org, "member": member, "rating": rating, "merge_into": merge_into}
        with self.store.write():
            issue = self._load(issue_id)
            # Stale first: a case that changed since it was read may also have left the
            # actor's scope (returned, escalated), and "reload" is the answer that helps.
            if expected_version is not None and expected_version != issue.version:
                raise StaleUpdate(issue_id, expected_version, issue.version)
            if not self.can_read(actor, issue):
                raise AccessDenied(actor.refusal(f"{actor.login} may not see issue {issue_id}: outside their scope"))
            if issue.status not in transition.sources:
                raise TransitionRefused(
                    issue_id, action,
                    f"the case is {issue.status}; {action} needs {' or '.join(sorted(transition.sources))}",
                )
            if transition.categories is not None and issue.category not in transition.categories:
                raise TransitionRefused(
                    issue_id, action, f"{action} applies to {', '.join(sorted(transition.categories))} cases, "
                                      f"not to {issue.category}")
            refusal = self._refusal(actor, issue, transition)
            if refusal:
                raise TransitionRefused(issue_id, action, refusal)
            self._check_requirements(issue, transition, params)
            ctx = self._context(actor, issue, transition, params, now)
            reason = transition.check(ctx) if transition.check else None
            if reason:
                raise TransitionRefused(issue_id, action, reason)
            changes = transition.effect(ctx)
            self._veto(actor, issue, action, params)
            target = transition.target or issue.status
            event = make_event(issue, issue_id=issue_id, action=action, to_status=target, actor=actor.login,
                               at=now, changes=changes, note=note, level=changes.get("level", issue.level))
            updated = apply_event(issue, event)
            deltas = metric_deltas(issue, updated, action, self.platform.areas.levels())
            self.store.update_issue(issue_row(updated), event_row(event, deltas), expected_version=issue.version)
            self._count(issue, updated, now, deltas)
            self.platform.hooks.call("issue_changed", wrap=self.platform.plugin_savepoint,
                                     platform=self.platform, actor=actor, issue=updated, event=event)
        return self.mask(updated)

    @staticmethod
    def _check_requirements(issue: Issue, transition: Transition, params: dict[str, Any]) -> None:
        action, req = transition.action, transition.requires
        if "note" in req and not (params["note"] or "").strip():
            raise TransitionRefused(issue.id, action, "a note (reason or result) is required")
        if "rating" in req:
            if not params["rating"]:
                raise TransitionRefused(issue.id, action, "a rating is required")
            if params["rating"] not in RATINGS:
                raise TransitionRefused(issue.id, action, f"rating must be one of {', '.join(RATINGS)}")
        if "merge_into" in req and params["merge_into"] is None:
            raise TransitionRefused(issue.id, action, "the master issue to merge into is required")

    # -- dispatch targets ---------------------------------------------------------------

    def dispatch_target(self, ctx: ActionContext) -> dict[str, Any]:
        """Who a case is dispatched to: the named organisation and/or member, or the
        router's choice. A target must serve the handling area (seated or paired in it,
        below it or above it; a member through a post there), so a dispatcher cannot send
        a case to any organisation in the district."""
        issue, params = ctx.issue, ctx.params
        org, member = params.get("org"), params.get("member")
        chosen = ""
        if not org and not member:
            found = self.platform.route(issue)
            if found is None:
                ctx.refuse("a target is required: no router found a handler for this case")
            org, member, chosen = found.org_code, found.member_login, " (the router's choice)"
        handling = issue.handling_area or issue.area_code
        path = self.platform.areas.path_of(handling)
        if org:
            if self.platform.organisations.find(org) is None:
                ctx.refuse(f"unknown organisation {org}")
            if not self.platform.organisations.serves(org, path):
                ctx.refuse(f"{org}{chosen} does not serve {handling}: it is neither seated nor paired "
                           f"in, below or above it")
        if member:
            row = self.store.find("member", member)
            if row is None:
                ctx.refuse(f"unknown member {member}")
            target = self.platform.actor(member)
            if not target.active:
                ctx.refuse(f"{member} is deactivated")
            if not target.has("issue.accept"):
                # Nobody else can accept or return a case sent to one person: it would be stuck.
                ctx.refuse(f"{member} holds no post that may accept cases")
            if not self._member_serves(target, path):
                ctx.refuse(f"{member}{chosen} holds no post that serves {handling}")
        return {"assignee_org": org, "assignee_member": member}

    def _member_serves(self, target: Actor, path: str) -> bool:
        for grant in target.grants:
            if not grant.allows("issue.accept"):
                continue
            if grant.area_path and (path.startswith(grant.area_path) or grant.area_path.startswith(path)):
                return True
            if grant.org_code and self.platform.organisations.serves(grant.org_code, path):
                return True
        return False

    def _veto(self, actor: Actor, issue: Issue, action: str, params: dict[str, Any]) -> None:
        """Any veto refuses. A veto hook that raises refuses too (fail closed), naming the
        plugin; its failure stays in the plugin failures."""
        for plugin, reason in self.platform.hooks.call(
            "veto_action", platform=self.platform, actor=actor, issue=issue, action=action, params=params,
            on_error=lambda plugin, exc: f"its veto check failed ({type(exc).__name__}: {exc}), so the action is refused",
        ):
            raise TransitionRefused(issue.id, action, f"vetoed by {plugin}: {reason}")

    def _count(self, before: Issue | None, after: Issue, at: dt.datetime, deltas: dict[str, int]) -> None:
        codes = after.area_path.strip("/").split("/")
        if deltas:
            self.store.add_metrics(codes, self.platform.time.day_of(at), deltas)
        cohorts = cohort_deltas(before, after, self.platform.time.day_of)
        if cohorts:
            self.store.add_cohorts(codes, cohorts)

    # -- bulk ---------------------------------------------------------------------------

    def iter_all(self, actor: Actor, *, unmask_reason: str | None = None, batch: int = 5000) -> Iterator[Issue]:
        """Every case in the actor's scope, in id order (exports, integrity checks);
        masked unless unmasked with a reason, which is logged once for the whole run."""
        paths = actor.paths_for("issue.read")
        if unmask_reason is not None:
            self.platform.members.unmask_check(actor, unmask_reason, paths or None)
            self.platform.log_access(actor, "issue:*", unmask_reason, path=paths[0] if len(paths) == 1 else None)
        for path in paths:
            last = 0
            while rows := self.store.subtree("issue", path, column="area_path", order_by="id", limit=batch,
                                             id__gt=last):
                for r in rows:
                    issue = from_dict(Issue, r)
                    yield issue if unmask_reason is not None else self.mask(issue)
                last = rows[-1]["id"]


def mask_event(event: Event) -> Event:
    """An event with the personal data its ``changes`` echo masked."""
    phone = event.changes.get("requester_phone")
    if not phone:
        return event
    return attrs.evolve(event, changes={**event.changes, "requester_phone": mask_phone(phone)})
