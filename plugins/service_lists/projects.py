"""The project list: a need matched with a resource, decided by the community body,
carried out by the owner unit with milestones and progress reports, checked monthly,
reported in a quarterly inspection notice and rated by residents at year end (SEEDS 001;
Decidim's accountability results: a status, a progress percentage and a timeline).

The decision is the community body's own record, or a link to a joint-meetings decision
when that plugin is installed; the link is checked only when its table is loaded, so this
plugin never depends on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from gridgov.core import AccessDenied, Actor, Platform, TransitionRefused, ValidationError, any_of

from . import matching, rules
from .records import DECIDE, MANAGE, RATINGS_NEEDED, Decision, Milestone
from .service import ListsService
from .tables import CHECK, MILESTONE, NEED, NOTICE, PROGRESS, PROJECT, RATING, RESOURCE

JOINT_DECISIONS = "joint_meetings_decision"
INSTANT = dt.timedelta(seconds=1)  # instants are stored to the second: "up to and including now" is < now + 1 s


class ProjectService:
    """Projects from decision to year-end rating; every call takes the acting member."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.lists = ListsService(platform)

    def t(self, name: str):
        return self.platform.table(name)

    # -- decision -------------------------------------------------------------------------

    def _check_joint_decision(self, ref: int, need_path: str) -> None:
        """When the joint-meetings plugin is loaded, its decision must exist and belong to
        the need's area or one above it; without the plugin the id is kept as given."""
        if JOINT_DECISIONS not in self.platform.plugin_of_table:
            return
        row = self.platform.table(JOINT_DECISIONS).find(ref)
        if row is None:
            raise ValidationError("decision_ref", f"no joint-meetings decision {ref}")
        path = row.get("area_path")
        if path and not need_path.startswith(path):
            raise ValidationError("decision_ref", f"decision {ref} belongs to another area ({path})")

    def decide(self, actor: Actor, need_id: int, resource_id: int, decision: Decision, *, due: dt.date,
               starts: dt.date | None = None, units: int | None = None, title: str | None = None,
               milestones: Iterable[Milestone] = (), at: dt.datetime | None = None) -> dict[str, Any]:
        """The community body matched ``need_id`` with ``resource_id``: a project of the
        resource's organisation, taking ``units`` of its capacity (default: what the need
        asks, up to what is left)."""
        need = self.t(NEED).get(need_id)
        actor.require(DECIDE, need["area_path"], what=f"need {need_id}")
        if need["status"] != "open":
            raise ValidationError("need_id", f"need {need_id} is {need['status']}, not open")
        at = at or self.platform.now()
        starts = starts or self.platform.time.day_of(at)
        if due < starts:
            raise ValidationError("due", f"{due} is before the start {starts}")
        candidate = self.lists.candidate(resource_id)
        reason = matching.exclusion(need["area_path"], frozenset(need["tags"]), starts, candidate)
        if reason:
            raise ValidationError("resource_id", f"resource {resource_id} {reason}")
        units = min(need["units"], candidate.remaining) if units is None else units
        if not 1 <= units <= candidate.remaining:
            raise ValidationError("units", f"{units} units asked; resource {resource_id} has {candidate.remaining} left")
        if decision.decision_ref is not None:
            self._check_joint_decision(decision.decision_ref, need["area_path"])
        milestones = list(milestones)
        for m in milestones:
            if not starts <= m.due <= due:
                raise ValidationError("milestones", f"milestone {m.title!r} is due {m.due}, outside {starts} to {due}")
        resource = self.t(RESOURCE).get(resource_id)
        with self.platform.transaction():
            key = self.t(PROJECT).insert({
                "need_id": need_id, "resource_id": resource_id, "org_code": resource["org_code"],
                "area_code": need["area_code"], "area_path": need["area_path"], "title": title or need["title"],
                "units": units, "status": "planned", "percent": 0, "starts": starts, "due": due,
                "decision_kind": decision.kind, "decision_body": decision.body, "decided_on": decision.decided_on,
                "decision_note": decision.note, "decision_ref": decision.decision_ref, "decided_by": actor.login,
                "created_at": at,
            })  # fmt: skip
            self.t(RESOURCE).update(resource_id, {"used": resource["used"] + units}, expected_version=resource["version"])
            self.t(NEED).update(need_id, {"status": "matched", "matched_at": at}, expected_version=need["version"])
            self.t(MILESTONE).insert_all([{"project_id": key, "title": m.title, "due": m.due} for m in milestones])
        return self.t(PROJECT).get(key)

    # -- reading --------------------------------------------------------------------------

    def get(self, actor: Actor, project_id: int) -> dict[str, Any]:
        row = self.t(PROJECT).get(project_id)
        if not (actor.covers("issue.read", row["area_path"]) or rules.acts_for(actor, row["org_code"])):
            raise AccessDenied(actor.refusal(f"{actor.login} may not see project {project_id}"))
        return row

    def list(self, actor: Actor, *, area: str | None = None, status: str | None = None, org: str | None = None,
             limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Projects in the actor's areas (or ``area``), or of the unit ``org`` the actor acts for."""
        where: dict[str, Any] = {"status": status} if status else {}
        if org is not None:
            rules.require_unit(actor, org, "these projects")
            return self.t(PROJECT).rows(org_code=org, order_by="-id", limit=limit, offset=offset, **where)
        groups = any_of(*[{"area_path__under": p} for p in self.lists._paths(actor, area)])
        return self.t(PROJECT).rows(groups, order_by="-id", limit=limit, offset=offset, **where)

    def timeline(self, actor: Actor, project_id: int) -> list[dict[str, Any]]:
        """Decision, milestones, progress reports and checks in time order."""
        project = self.get(actor, project_id)
        zone = self.platform.time
        items = [{"at": project["created_at"], "kind": "decision",
                  "text": f"{project['decision_body'] or ''} {project['decided_on']}: {project['decision_note'] or ''}"}]
        for p in self.t(PROGRESS).iter_rows(project_id=project_id, order_by="at"):
            items.append({"at": p["at"], "kind": "progress", "text": f"{p['percent']}% {p['note'] or ''}".strip()})
        for m in self.t(MILESTONE).iter_rows(project_id=project_id, order_by="due"):
            when = zone.start_of(m["done_on"] or m["due"])
            items.append({"at": when, "kind": "milestone",
                          "text": f"{m['title']} ({'done ' + str(m['done_on']) if m['done_on'] else 'due ' + str(m['due'])})"})
        for c in self.t(CHECK).iter_rows(project_id=project_id, order_by="at"):
            items.append({"at": c["at"], "kind": "check", "text": f"{c['month']:%Y-%m} {c['state']}: {c['reason']}"})
        return sorted(items, key=lambda i: i["at"])

    # -- the owner unit's work --------------------------------------------------------------

    def _workable(self, actor: Actor, project_id: int) -> dict[str, Any]:
        row = self.t(PROJECT).get(project_id)
        if not (rules.acts_for(actor, row["org_code"]) or actor.covers(MANAGE, row["area_path"])):
            raise AccessDenied(actor.refusal(f"{actor.login} neither acts for {row['org_code']} nor keeps the lists of project {project_id}'s area"))
        if row["status"] in ("completed", "cancelled"):
            raise TransitionRefused(project_id, "report", f"the project is {row['status']}", record="project")
        return row

    def report_progress(self, actor: Actor, project_id: int, *, percent: int, note: str = "",
                        at: dt.datetime | None = None, expected_version: int | None = None) -> dict[str, Any]:
        """A progress report; the share never goes down, and 100% completes the project."""
        row = self._workable(actor, project_id)
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValidationError("percent", f"{percent!r} is not a whole percentage from 0 to 100")
        if percent < row["percent"]:
            raise ValidationError("percent", f"{percent}% is below the {row['percent']}% already reported")
        at = at or self.platform.now()
        if row["last_progress_at"] and at < row["last_progress_at"]:
            raise ValidationError("at", "a report cannot come before the last one")
        values: dict[str, Any] = {"percent": percent, "last_progress_at": at,
                                  "status": "completed" if percent == 100 else "in_progress"}
        if percent == 100:
            values["completed_at"] = at
        with self.platform.transaction():
            self.t(PROGRESS).insert({"project_id": project_id, "at": at, "percent": percent, "note": note,
                                     "reported_by": actor.login})
            self.t(PROJECT).update(project_id, values,
                                   expected_version=row["version"] if expected_version is None else expected_version)
        return self.t(PROJECT).get(project_id)

    def milestones(self, actor: Actor, project_id: int) -> list[dict[str, Any]]:
        self.get(actor, project_id)
        return self.t(MILESTONE).rows(project_id=project_id, order_by="due")

    def milestone_done(self, actor: Actor, milestone_id: int, *, done_on: dt.date) -> dict[str, Any]:
        m = self.t(MILESTONE).get(milestone_id)
        row = self._workable(actor, m["project_id"])
        if m["done_on"] is not None:
            raise ValidationError("milestone", f"milestone {milestone_id} was done on {m['done_on']}")
        if done_on < row["starts"]:
            raise ValidationError("done_on", f"{done_on} is before the project started ({row['starts']})")
        self.t(MILESTONE).update(milestone_id, {"done_on": done_on})
        return self.t(MILESTONE).get(milestone_id)

    def cancel(self, actor: Actor, project_id: int, *, note: str) -> dict[str, Any]:
        """The body withdraws a project: its units go back to the resource and the need is
        open again."""
        row = self.t(PROJECT).get(project_id)
        actor.require(DECIDE, row["area_path"], what=f"project {project_id}")
        if not note.strip():
            raise ValidationError("note", "say why the project is withdrawn")
        if row["status"] in ("completed", "cancelled"):
            raise TransitionRefused(project_id, "cancel", f"the project is {row['status']}", record="project")
        resource = self.t(RESOURCE).get(row["resource_id"])
        need = self.t(NEED).get(row["need_id"])
        with self.platform.transaction():
            self.t(PROJECT).update(project_id, {"status": "cancelled", "decision_note": f"{row['decision_note'] or ''} / 撤销: {note}"},
                                   expected_version=row["version"])
            self.t(RESOURCE).update(resource["id"], {"used": resource["used"] - row["units"]},
                                    expected_version=resource["version"])
            self.t(NEED).update(need["id"], {"status": "open", "matched_at": None}, expected_version=need["version"])
        return self.t(PROJECT).get(project_id)

    # -- how projects stand -----------------------------------------------------------------

    def standing(self, project: dict[str, Any], as_of: dt.date, *, until: dt.datetime | None = None) -> tuple[str, str, str]:
        """``rules.classify`` for one project on day ``as_of``, from what was reported
        before ``until`` (default: everything)."""
        reports = self.t(PROGRESS).rows(project_id=project["id"], order_by="-at", limit=1,
                                        **({"at__lt": until} if until else {}))
        percent = reports[0]["percent"] if reports else 0
        last = self.platform.time.day_of(reports[0]["at"]) if reports else None
        completed = project["completed_at"] is not None and (until is None or project["completed_at"] < until)
        open_ms = [(m["title"], m["due"]) for m in self.t(MILESTONE).iter_rows(project_id=project["id"])
                   if m["done_on"] is None or m["done_on"] > as_of]
        return rules.classify(completed=completed, percent=percent, starts=project["starts"], due=project["due"],
                              last_progress=last, open_milestones=open_ms, as_of=as_of)

    def monthly_check(self, actor: Actor, area: str, *, at: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Check every running project of ``area``'s subtree this month: one row per project
        and month (a second check in the month changes nothing and returns the first)."""
        path = self.platform.areas.path_of(area)
        actor.require(DECIDE, path, what=f"area {area}")
        at = at or self.platform.now()
        day = self.platform.time.day_of(at)
        month = rules.month_of(day)
        out = []
        with self.platform.transaction():
            for project in self.t(PROJECT).iter_rows(area_path__under=path, status__in=["planned", "in_progress"],
                                                     created_at__lte=at, order_by="id"):
                done = self.t(CHECK).rows(project_id=project["id"], month=month)
                if done:
                    out.append(done[0])
                    continue
                state, reason_zh, _ = self.standing(project, day, until=at + INSTANT)
                key = self.t(CHECK).insert({"project_id": project["id"], "area_path": project["area_path"],
                                            "month": month, "state": state, "reason": reason_zh,
                                            "percent": project["percent"], "checked_by": actor.login, "at": at})
                out.append(self.t(CHECK).get(key))
        return out

    def quarterly_notice(self, actor: Actor, area: str, quarter: str, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """The inspection notice of ``area`` for ``quarter`` (``2026Q3``): every project
        decided before the quarter's end (or now, in the current quarter) and not withdrawn,
        as it stood then: on track, late, stalled or completed, each with its reason."""
        path = self.platform.areas.path_of(area)
        actor.require(DECIDE, path, what=f"area {area}")
        at = at or self.platform.now()
        first, following = rules.quarter_days(quarter)
        if self.platform.time.day_of(at) < first:
            raise ValidationError("quarter", f"{quarter} has not begun")
        # Everything up to the quarter's end, or up to and including the moment of issue.
        until = min(at + INSTANT, self.platform.time.start_of(following))
        as_of = self.platform.time.day_of(until - INSTANT)
        counts = {"on_track": 0, "late": 0, "stalled": 0, "completed": 0}
        items = []
        for project in self.t(PROJECT).iter_rows(area_path__under=path, status__ne="cancelled",
                                                 created_at__lt=until, order_by="id"):
            state, reason_zh, reason_en = self.standing(project, as_of, until=until)
            counts[state] += 1
            items.append({"project_id": project["id"], "title": project["title"], "area_code": project["area_code"],
                          "org_code": project["org_code"], "state": state, "reason_zh": reason_zh,
                          "reason_en": reason_en})
        body = {"quarter": quarter, "as_of": as_of.isoformat(), "counts": counts, "projects": items}
        key = self.t(NOTICE).insert({"area_code": area, "area_path": path, "quarter": quarter, "as_of": until,
                                     "body": body, **counts, "issued_by": actor.login, "issued_at": at})
        return self.t(NOTICE).get(key)

    def notices(self, actor: Actor, area: str) -> list[dict[str, Any]]:
        path = self.platform.areas.path_of(area)
        actor.require("issue.read", path, what=f"area {area}")
        return self.t(NOTICE).rows(area_path__under=path, order_by="-id", limit=50)

    # -- year-end rating by residents -----------------------------------------------------

    def rate_year_end(self, actor: Actor, project_id: int, *, year: int, satisfied: int, basically_satisfied: int,
                      dissatisfied: int, at: dt.datetime | None = None) -> dict[str, Any]:
        """The residents' year-end scoring of a project (Suyu's report-back scored by
        residents): counts of the core's three ratings from at least the configured
        number of residents, once per project and year, from December of that year."""
        row = self.t(PROJECT).get(project_id)
        actor.require(DECIDE, row["area_path"], what=f"project {project_id}")
        at = at or self.platform.now()
        day = self.platform.time.day_of(at)
        if day < dt.date(year, 12, 1):
            raise ValidationError("year", f"the {year} year-end rating opens on {year}-12-01")
        if row["status"] == "cancelled" or row["starts"].year > year:
            raise ValidationError("year", f"project {project_id} was not under way in {year}")
        counts = {"satisfied": satisfied, "basically_satisfied": basically_satisfied, "dissatisfied": dissatisfied}
        for field, value in counts.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(field, f"{value!r} is not a whole number ≥ 0")
        needed = int(self.platform.plugin_settings("service_lists").get("year_end_raters", RATINGS_NEEDED))
        total = sum(counts.values())
        if total < needed:
            raise ValidationError("ratings", f"{total} residents rated; at least {needed} are needed")
        if self.t(RATING).rows(project_id=project_id, year=year):
            raise ValidationError("year", f"project {project_id} was already rated for {year}")
        share = round((satisfied + basically_satisfied) / total, 4)
        key = self.t(RATING).insert({"project_id": project_id, "org_code": row["org_code"], "area_path": row["area_path"],
                                     "year": year, **counts, "share": share, "rated_by": actor.login, "at": at})
        return self.t(RATING).get(key)

