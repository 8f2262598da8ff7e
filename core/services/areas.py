"""The area tree: levels, codes, materialised paths and subtree queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..access import Actor
from ..converter import from_dict, to_row
from ..errors import NotFound, ValidationError
from ..geo import check_point
from ..models import DEFAULT_LEVELS, Area
from .area_index import AreaIndex
from .base import Service


class AreaService(Service):
    """Areas are public within the platform (names of places), so reading needs no grant;
    changing the tree needs ``area.manage``."""

    def __init__(self, platform) -> None:
        super().__init__(platform)
        self._paths: dict[str, str] = {}
        self._cache: dict[str, Area] = {}
        self._roots_paths: list[str] | None = None
        self._seen_version: str | None = None
        self._index: AreaIndex | None = None

    def forget(self) -> None:
        """Drop cached areas. Reporting reads an area and its ancestors on every case, so
        areas are cached; a change of the tree (here or in another process) bumps the
        directory version, and :meth:`fresh` drops the caches when it moved."""
        self._paths.clear()
        self._cache.clear()
        self._roots_paths = None
        self._index = None
        self.platform.issues.forget()
        self._seen_version = self.store.directory_version()

    def fresh(self) -> None:
        """Drop the caches if the tree changed since they were filled (cheap when it did
        not: SQLite answers from its change counter without reading a page)."""
        version = self.store.directory_version()
        if self._seen_version is None:
            self._seen_version = version
        elif version != self._seen_version:
            self.forget()

    def _changed(self) -> None:
        """Record a change of the tree or its levels, inside the writing transaction."""
        self.store.bump_directory_version()
        self.forget()

    # -- levels -------------------------------------------------------------------------

    def levels(self) -> tuple[str, ...]:
        """The deployment's level names, top first (e.g. district … building)."""
        return tuple(self.store.setting("area_levels", DEFAULT_LEVELS))

    def set_levels(self, actor: Actor, levels: Sequence[str]) -> None:
        """Name the deployment's levels, top first (the whole deployment: global admins only)."""
        self.platform.require_global(actor, "area.manage")
        if len(set(levels)) != len(levels) or not levels:
            raise ValidationError("levels", "must be distinct names, at least one")
        used = set(self.store.distinct_values("area", "level"))
        missing = used - set(levels)
        if missing:
            raise ValidationError("levels", f"areas already use {', '.join(sorted(missing))}")
        with self.store.write():
            self.store.set_setting("area_levels", list(levels))
            self._changed()

    def handling_level(self) -> str:
        """The level whose staff take cases first ("small matters stay in the grid")."""
        levels = self.levels()
        return self.store.setting("handling_level", "grid" if "grid" in levels else levels[-1])

    def set_handling_level(self, actor: Actor, level: str) -> None:
        """Make ``level`` the one whose staff take cases first (Suyu: the compound); new
        cases route to it at once, in this process and in others."""
        self.platform.require_global(actor, "area.manage")
        if level not in self.levels():
            raise ValidationError("handling_level", f"{level!r} is not a level of this deployment ({', '.join(self.levels())})")
        with self.store.write():
            self.store.set_setting("handling_level", level)
            self._changed()

    # -- reading ------------------------------------------------------------------------

    def get(self, code: str) -> Area:
        self.fresh()
        area = self._cache.get(code)
        if area is None:
            area = from_dict(Area, self.store.get("area", code))
            if len(self._cache) < 20_000:
                self._cache[code] = area
        return area

    def find(self, code: str) -> Area | None:
        row = self.store.find("area", code)
        return from_dict(Area, row) if row else None

    def path_of(self, code: str) -> str:
        """The materialised path of an area (cached: paths change only when moving areas)."""
        self.fresh()
        path = self._paths.get(code)
        if path is None:
            path = self.get(code).path
            self._paths[code] = path
        return path

    def paths(self) -> dict[str, str]:
        return {r["code"]: r["path"] for r in self.store.select("area", limit=None)}

    def children(self, code: str | None) -> list[Area]:
        where: dict[str, Any] = {"parent_code": code}
        return [from_dict(Area, r) for r in self.store.select("area", order_by="code", **where)]

    def roots(self) -> list[Area]:
        return self.children(None)

    def subtree(self, code: str, *, level: str | None = None, limit: int | None = None) -> list[Area]:
        where: dict[str, Any] = {"level": level} if level else {}
        rows = self.store.subtree("area", self.path_of(code), order_by="path", limit=limit, **where)
        return [from_dict(Area, r) for r in rows]

    def count(self, code: str | None = None, *, level: str | None = None) -> int:
        where = {"level": level} if level else {}
        if code is None:
            return self.store.count("area", **where)
        return self.store.count_subtree("area", self.path_of(code), **where)

    def ancestors(self, code: str) -> list[Area]:
        """The area and its ancestors, nearest first."""
        codes = self.path_of(code).strip("/").split("/")
        return [self.get(c) for c in reversed(codes)]

    def ancestor_codes(self, code: str) -> list[str]:
        return list(reversed(self.path_of(code).strip("/").split("/")))

    def search(self, text: str, *, limit: int = 20) -> list[Area]:
        """Areas whose code starts with, or whose name contains, ``text`` (for completion)."""
        rows = self.store.select("area", code__startswith=text, limit=limit, order_by="path")
        if len(rows) < limit:
            seen = {r["code"] for r in rows}
            more = self.store.select("area", name__contains=text, limit=limit, order_by="path")
            rows += [r for r in more if r["code"] not in seen][: limit - len(rows)]
        return [from_dict(Area, r) for r in rows]

    # -- places -------------------------------------------------------------------------

    def spatial_index(self) -> AreaIndex:
        """The polygons of the areas that have one, built on first use and kept until
        :meth:`forget` (a Longgang-sized tree takes a fraction of a second to index)."""
        if self._index is None:
            self._index = AreaIndex(self.store.select("area", geometry__isnull=False, order_by="code"))
        return self._index

    def locate(self, lat: float, lon: float) -> Area | None:
        """The deepest area whose polygon holds the WGS-84 point, or None outside them all.

        A point on a shared border goes to the area with the lowest code. Areas are public,
        so no actor is needed. GCJ-02 or BD-09 points (AMap, Tencent, Baidu) must be
        converted first (:mod:`gridgov.core.geo`).
        """
        lat, lon = check_point(lat, lon)
        code = self.spatial_index().locate(lat, lon)
        return None if code is None else self.get(code)

    def locate_path(self, lat: float, lon: float) -> list[Area]:
        """:meth:`locate` with the area's ancestors, top first (empty outside every area)."""
        found = self.locate(lat, lon)
        return [] if found is None else list(reversed(self.ancestors(found.code)))

    # -- writing ------------------------------------------------------------------------

    def prepare(self, area: Area, *, known_paths: dict[str, str] | None = None,
                known_levels: dict[str, str] | None = None) -> Area:
        """Check an area against the tree and fill in its path (for add and import)."""
        levels = self.levels()
        if area.level not in levels:
            raise ValidationError("level", f"{area.level!r} is not a level of this deployment ({', '.join(levels)})")
        if area.parent_code is None:
            return attrs.evolve(area, path=f"/{area.code}/")
        parent_path = (known_paths or {}).get(area.parent_code)
        parent_level = (known_levels or {}).get(area.parent_code)
        if parent_path is None:
            parent = self.store.find("area", area.parent_code)
            if parent is None:
                raise ValidationError("parent_code", f"unknown parent area {area.parent_code}")
            parent_path, parent_level = parent["path"], parent["level"]
        if f"/{area.code}/" in parent_path:
            raise ValidationError("parent_code", f"{area.parent_code} lies below {area.code}: that would make a cycle")
        if levels.index(area.level) <= levels.index(parent_level):
            raise ValidationError(
                "level", f"{area.level} cannot sit under {parent_level} {area.parent_code}"
            )
        return attrs.evolve(area, path=f"{parent_path}{area.code}/")

    def require_manage(self, actor: Actor, code: str | None) -> None:
        """``area.manage`` over the area ``code`` (None: a new root, the whole deployment)."""
        if code is None:
            self.platform.require_global(actor, "area.manage")
        else:
            actor.require("area.manage", self.path_of(code), what=f"area {code}")

    def add(self, actor: Actor, area: Area) -> Area:
        """Add an area under a parent the actor manages (a new root: global admins only)."""
        if area.parent_code is not None:
            self.require_exists(area.parent_code, "parent_code")
        self.require_manage(actor, area.parent_code)
        area = self.prepare(area)
        with self.store.write():
            self.store.insert("area", to_row(area))
            self._changed()
        return area

    def update(self, actor: Actor, code: str, *, version: int | None = None, **changes) -> Area:
        """Change an area's name, level, population, households, geometry or centroid
        (``move`` changes the parent). A new geometry without a centroid gets a new one; an
        area whose geometry is removed keeps its point. ``version`` is the one the caller
        saw; a change made since raises StaleUpdate."""
        current = self.require_exists(code, "code")
        self.require_manage(actor, code)
        if "parent_code" in changes or "path" in changes or "code" in changes:
            raise ValidationError("parent_code", "use move() to change an area's place in the tree")
        if changes.get("geometry") is not None and "centroid_lat" not in changes and "centroid_lon" not in changes:
            changes = {**changes, "centroid_lat": None, "centroid_lon": None}
        updated = attrs.evolve(current, **changes)
        self.prepare(updated)
        with self.store.write():
            self.store.update("area", code, {k: getattr(updated, k) for k in changes},
                              version=version or current.version)
            self._changed()
        return self.get(code)

    def move(self, actor: Actor, code: str, new_parent: str) -> Area:
        """Put an area (with its subtree) under another parent; refuses cycles. The actor
        manages both the area and its new parent."""
        area = self.require_exists(code, "code")
        self.require_exists(new_parent, "parent_code")
        self.require_manage(actor, code)
        self.require_manage(actor, new_parent)
        moved = self.prepare(attrs.evolve(area, parent_code=new_parent))
        old_prefix, new_prefix = area.path, moved.path
        if self.store.count_subtree("issue", old_prefix, column="area_path"):
            raise ValidationError(
                "parent_code", f"{code} has cases; their recorded places would change, so it cannot move"
            )
        with self.store.write():
            for row in self.store.subtree("area", old_prefix):
                self.store.update("area", row["code"], {"path": new_prefix + row["path"][len(old_prefix):]})
            self.store.update("area", code, {"parent_code": new_parent}, version=area.version)
            self._changed()
        return self.get(code)

    def require_exists(self, code: str, field: str = "area_code") -> Area:
        try:
            return self.get(code)
        except NotFound:
            raise ValidationError(field, f"unknown area {code}") from None

    def roots_paths(self) -> list[str]:
        """The roots' paths (cached: every check of a deployment-wide grant asks)."""
        self.fresh()
        if self._roots_paths is None:
            self._roots_paths = [a.path for a in self.roots()]
        return list(self._roots_paths)
