"""Display names of platform records in the UI's language, and the actor's scope.

Categories, posts and actions carry their own Chinese and English names; areas have one
(Chinese) name and a code. Lookups of areas are cached per app: names do not change
while the UI runs, and the header, tables and forms ask for the same few again and again.
"""

from __future__ import annotations

import datetime as dt

from gridgov.core import Actor, Platform

from .catalog import Catalog


class Labels:
    def __init__(self, platform: Platform, t: Catalog) -> None:
        self.platform = platform
        self.t = t
        self._areas: dict[str, str] = {}

    def category(self, code: str) -> str:
        cat = self.platform.categories.get(code)
        return self.t.pick(cat.name_zh, cat.name_en) if cat else code

    def post(self, post: str) -> str:
        role = self.platform.roles.get(post)
        return self.t.pick(role.name_zh, role.name_en) if role else post

    def action(self, action: str) -> str:
        transition = self.platform.transitions.get(action)
        return self.t.pick(transition.name_zh, transition.name_en) if transition else action

    def area(self, code: str | None) -> str:
        if not code:
            return "—"
        if code not in self._areas:
            area = self.platform.areas.find(code)
            self._areas[code] = area.name if area else code
        return self._areas[code]

    def organisation(self, code: str | None) -> str:
        if not code:
            return "—"
        org = self.platform.organisations.find(code)
        return org.name if org else code

    def when(self, moment: dt.datetime | None) -> str:
        """``11-02 09:30`` this year, ``2025-12-01`` for another year."""
        if moment is None:
            return "—"
        local = self.platform.time.local(moment)
        this_year = local.year == self.platform.today().year
        return local.strftime("%m-%d %H:%M" if this_year else "%Y-%m-%d")

    def scope(self, actor: Actor) -> str:
        """Each post with the area or organisation it covers: ``网格员 · 山厦社区第01网格``."""
        parts = []
        for grant in actor.grants:
            where = self.area(grant.area_code) if grant.area_code else self.organisation(grant.org_code)
            if grant.area_path == "/" and not grant.area_code:
                where = self.t("scope.everywhere")
            parts.append(f"{self.post(grant.post)} · {where}")
        return "; ".join(parts) or self.t("scope.none")


def home_area(platform: Platform, actor: Actor, permission: str = "metrics.read") -> str | None:
    """The area the home screen summarises: the actor's widest area with ``permission``."""
    for grant in sorted(actor.grants, key=lambda g: (g.area_path or "~").count("/")):
        if grant.area_code and grant.allows(permission):
            return grant.area_code
    if actor.covers(permission, "/"):
        roots = platform.areas.roots()
        return roots[0].code if roots else None
    return None

