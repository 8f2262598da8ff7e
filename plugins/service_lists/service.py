"""The three lists (needs, resources, services) and the suggestions for a need.

Every call takes the acting member and names the area it touches: raising a need needs
``issue.report`` over its area (the grid staff who heard it), listing a resource or a
service needs ``service_lists.manage`` over every area it is listed for, and reading needs
``issue.read`` over the area read. Matching itself is in :mod:`.matching`; this module
gathers the candidates with indexed lookups (a need's tags, then those resources' serving
areas and their organisations' ratings), so a district's 400 resources are never all read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from gridgov.core import AccessDenied, Actor, NotFound, Platform, ValidationError, any_of

from . import matching
from .records import CATEGORY, MANAGE, NEED_STATUSES, Need, Resource, Service
from .tables import NEED, RATING, RESOURCE, RESOURCE_AREA, RESOURCE_TAG, SERVICE, SERVICE_AREA

_FEW = 2_000
"""Up to this many resources serving an area are looked up by key (one parameter each)."""


def prefixes(path: str) -> list[str]:
    """The paths of an area and its ancestors: ``/LG/PH/SX/`` → ``/LG/``, ``/LG/PH/``, ``/LG/PH/SX/``."""
    parts = matching.segments(path)
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class ListsService:
    """Needs, resources and services, and the suggestions that match them."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def t(self, name: str):
        return self.platform.table(name)

    # -- areas and access -----------------------------------------------------------------

    def _paths(self, actor: Actor, area: str | None, permission: str = "issue.read") -> list[str]:
        """The subtrees a read covers: the area asked for (which the actor must cover), or
        every subtree where the actor holds ``permission``."""
        if area:
            path = self.platform.areas.path_of(area)
            actor.require(permission, path, what=f"area {area}")
            return [path]
        paths = actor.paths_for(permission)
        if not paths:
            raise AccessDenied(actor.refusal(f"{actor.login} lacks {permission}"))
        return paths

    def _area_paths(self, codes: Iterable[str], field: str) -> list[tuple[str, str]]:
        out = []
        for code in codes:
            self.platform.areas.require_exists(code, field)
            out.append((code, self.platform.areas.path_of(code)))
        return out

    def _org_path(self, org_code: str) -> str:
        org = self.platform.organisations.find(org_code)
        if org is None:
            raise ValidationError("org_code", f"unknown organisation {org_code}")
        if org.area_code is None:
            return self.platform.areas.roots_paths()[0]
        return self.platform.areas.path_of(org.area_code)

    # -- needs ----------------------------------------------------------------------------

    def add_need(self, actor: Actor, need: Need, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """Put a need on its area's list. A need raised from a core case names the case
        (``source_ref``), which the actor must be able to read."""
        area = self.platform.areas.require_exists(need.area_code, "area")
        path = self.platform.areas.path_of(area.code)
        actor.require("issue.report", path, what=f"area {area.code}")
        if need.source == "case":
            if not ((need.source_ref or "").isascii() and (need.source_ref or "").isdigit()):
                raise ValidationError("source_ref", "a need raised from a case names the case's id")
            self.platform.issues.get(actor, int(need.source_ref))
        row = {**attrs.asdict(need), "tags": list(need.tags), "area_path": path, "status": "open",
               "raised_by": actor.login, "raised_at": at or self.platform.now()}
        key = self.t(NEED).insert(row)
        return self.t(NEED).get(key)

    def need(self, actor: Actor, need_id: int) -> dict[str, Any]:
        row = self.t(NEED).get(need_id)
        actor.require("issue.read", row["area_path"], what=f"need {need_id}")
        return row

    def needs(self, actor: Actor, *, area: str | None = None, status: str | None = None, limit: int = 50,
              offset: int = 0) -> list[dict[str, Any]]:
        """Needs in the actor's areas (or ``area``'s subtree), most urgent and oldest first."""
        if status is not None and status not in NEED_STATUSES:
            raise ValidationError("status", f"{status!r} is not one of {', '.join(NEED_STATUSES)}")
        where: dict[str, Any] = {"status": status} if status else {}
        groups = any_of(*[{"area_path__under": p} for p in self._paths(actor, area)])
        return self.t(NEED).rows(groups, order_by=["-id"], limit=limit, offset=offset, **where)

    def close_need(self, actor: Actor, need_id: int, *, note: str) -> dict[str, Any]:
        """Take an open need off the list (met otherwise, withdrawn), with the reason."""
        row = self.t(NEED).get(need_id)
        actor.require(MANAGE, row["area_path"], what=f"need {need_id}")
        if not note.strip():
            raise ValidationError("note", "say why the need is closed")
        if row["status"] != "open":
            raise ValidationError("need", f"need {need_id} is {row['status']}, not open")
        self.t(NEED).update(need_id, {"status": "closed"}, expected_version=row["version"])
        return self.t(NEED).get(need_id)

    # -- resources ------------------------------------------------------------------------

    def add_resource(self, actor: Actor, resource: Resource, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """List what an organisation offers, for the areas it may serve (the actor keeps
        the lists of each of them)."""
        home = self._org_path(resource.org_code)
        serve = self._area_paths(resource.serve_areas, "serve_areas")
        for code, path in serve:
            actor.require(MANAGE, path, what=f"area {code}")
        row = {**attrs.asdict(resource), "tags": list(resource.tags), "serve_areas": list(resource.serve_areas),
               "area_path": home, "used": 0, "listed_by": actor.login, "listed_at": at or self.platform.now()}
        with self.platform.transaction():
            key = self.t(RESOURCE).insert(row)
            self.t(RESOURCE_TAG).insert_all([{"resource_id": key, "tag": tag} for tag in resource.tags])
            self.t(RESOURCE_AREA).insert_all([{"resource_id": key, "area_code": c, "area_path": p} for c, p in serve])
        return self.t(RESOURCE).get(key)

    def _serving(self, link: str, column: str, paths: list[str], limit: int, offset: int) -> list[int]:
        """Ids of the resources (or services) listed for an area of ``paths``, for one
        above it, or for one below it."""
        groups = []
        for path in paths:
            groups += [{"area_path__in": prefixes(path)}, {"area_path__under": path}]
        ids: dict[int, None] = {}
        for row in self.t(link).iter_rows(any_of(*groups), order_by=column):
            ids[row[column]] = None
        return sorted(ids, reverse=True)[offset: offset + limit]

    def resources(self, actor: Actor, *, area: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Resources that may serve the actor's areas (or ``area``), newest first."""
        ids = self._serving(RESOURCE_AREA, "resource_id", self._paths(actor, area), limit, offset)
        return self.t(RESOURCE).rows(id__in=ids, order_by="-id")

    def resource(self, resource_id: int) -> dict[str, Any]:
        return self.t(RESOURCE).get(resource_id)

    # -- services -------------------------------------------------------------------------

    def add_service(self, actor: Actor, service: Service, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """List a unit's orderable service for the areas whose residents may order it."""
        home = self._org_path(service.org_code)
        areas = self._area_paths(service.order_areas, "order_areas")
        for code, path in areas:
            actor.require(MANAGE, path, what=f"area {code}")
        row = {**attrs.asdict(service), "tags": list(service.tags), "weekdays": list(service.weekdays),
               "opens": service.opens.strftime("%H:%M"), "closes": service.closes.strftime("%H:%M"),
               "order_areas": list(service.order_areas), "order_paths": [p for _, p in areas],
               "area_path": home, "active": True, "listed_by": actor.login, "listed_at": at or self.platform.now()}
        with self.platform.transaction():
            key = self.t(SERVICE).insert(row)
            self.t(SERVICE_AREA).insert_all([{"service_id": key, "area_code": c, "area_path": p} for c, p in areas])
        return self.t(SERVICE).get(key)

    def services(self, actor: Actor, *, area: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Services the residents of the actor's areas (or ``area``) may order: the menu."""
        ids = self._serving(SERVICE_AREA, "service_id", self._paths(actor, area), limit, offset)
        return self.t(SERVICE).rows(id__in=ids, active=True, order_by="-id")

    def service(self, service_id: int) -> dict[str, Any]:
        return self.t(SERVICE).get(service_id)

    def set_service_active(self, actor: Actor, service_id: int, active: bool) -> dict[str, Any]:
        row = self.t(SERVICE).get(service_id)
        for path in row["order_paths"]:
            actor.require(MANAGE, path, what=f"service {service_id}")
        self.t(SERVICE).update(service_id, {"active": active}, expected_version=row["version"])
        return self.t(SERVICE).get(service_id)

    # -- matching -------------------------------------------------------------------------

    def ratings_of(self, org_codes: Iterable[str]) -> dict[str, tuple[float, int]]:
        """Each organisation's mean satisfaction share over its rated projects, and how many."""
        sums: dict[str, list[float]] = {}
        codes = sorted(set(org_codes))
        for row in self.t(RATING).iter_rows(org_code__in=codes):
            sums.setdefault(row["org_code"], []).append(row["share"])
        return {code: (round(sum(v) / len(v), 4), len(v)) for code, v in sums.items()}

    def candidates(self, tags: Iterable[str], *, serving: str | None = None) -> list[matching.Candidate]:
        """The resources sharing a tag with ``tags``, as matching sees them; with
        ``serving`` (a need's area path) only those that may serve it, found by the
        index rather than by building every resource of a common tag (a district has
        thousands)."""
        tags = sorted(set(tags))
        serving_ids: list[int] | None = None
        if serving is not None:
            serving_ids = sorted({r["resource_id"] for r in self.t(RESOURCE_AREA).iter_rows(area_path__in=prefixes(serving))})
        if serving_ids is not None and len(serving_ids) <= _FEW:
            # Those serving the area are few; a common tag is shared by thousands.
            ids = {r["resource_id"] for r in self.t(RESOURCE_TAG).iter_rows(tag__in=tags, resource_id__in=serving_ids)}
        else:
            ids = {r["resource_id"] for r in self.t(RESOURCE_TAG).iter_rows(tag__in=tags)}
            if serving_ids is not None:
                ids &= set(serving_ids)
        if not ids:
            return []
        return self._as_candidates(self.t(RESOURCE).rows(id__in=sorted(ids)))

    def _as_candidates(self, resources: list[dict[str, Any]]) -> list[matching.Candidate]:
        ids = [r["id"] for r in resources]
        serve: dict[int, list[str]] = {}
        for link in self.t(RESOURCE_AREA).iter_rows(resource_id__in=ids):
            serve.setdefault(link["resource_id"], []).append(link["area_path"])
        ratings = self.ratings_of(r["org_code"] for r in resources)
        return [matching.Candidate(
            resource_id=r["id"], org_code=r["org_code"], title=r["title"], tags=r["tags"], capacity=r["capacity"],
            used=r["used"], serve_paths=serve.get(r["id"], []), home_path=r["area_path"], starts=r["starts"],
            ends=r["ends"], rating=ratings.get(r["org_code"], (None, 0))[0], rated=ratings.get(r["org_code"], (None, 0))[1],
        ) for r in resources]  # fmt: skip

    def suggest(self, actor: Actor, need_id: int, *, limit: int = 10, on: dt.date | None = None) -> list[matching.Suggestion]:
        """Resources suggested for a need, best first, each with its reasons."""
        need = self.need(actor, need_id)
        found = self.candidates(need["tags"], serving=need["area_path"])
        return matching.suggest(need["area_path"], need["tags"], need["units"], found,
                                on or self.platform.today(), limit=limit)  # fmt: skip

    def candidate(self, resource_id: int) -> matching.Candidate:
        """One resource as matching sees it."""
        row = self.t(RESOURCE).find(resource_id)
        if row is None:
            raise NotFound("resource", resource_id)
        return self._as_candidates([row])[0]


__all__ = ["CATEGORY", "ListsService", "prefixes"]
