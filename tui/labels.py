"""Display names of platform records in the UI's language, and the actor's scope.

Categories, posts and actions carry their own Chinese and English names; areas have one
(Chinese) name and a code. Lookups of areas are cached per app: names do not change
while the UI runs, and the header, tables and forms ask for the same few again and again.

Dates: this year's show month and day; another year's show the year too, so a deadline
of last December never reads as this December.
"""

from __future__ import annotations

import datetime as dt

from gridgov.core import Actor, Area, Issue, Platform
from rich.text import Text

from .catalog import Catalog

OVERDUE_STYLE = "bold red"
DUE_TODAY_STYLE = "bold yellow"


def plain(value: object, style: str = "", **kwargs) -> Text:
    """Text shown as it is: titles, names and notes people typed are never read as markup."""
    return Text("" if value is None else str(value), style=style, **kwargs)


class Labels:
    def __init__(self, platform: Platform, t: Catalog) -> None:
        self.platform = platform
        self.t = t
        self._areas: dict[str, Area | None] = {}

    def category(self, code: str) -> str:
        cat = self.platform.categories.get(code)
        return self.t.pick(cat.name_zh, cat.name_en) if cat else code

    def post(self, post: str) -> str:
        role = self.platform.roles.get(post)
        return self.t.pick(role.name_zh, role.name_en) if role else post

    def action(self, action: str) -> str:
        if action == "report":
            return self.t("action.report")
        transition = self.platform.transitions.get(action)
        return self.t.pick(transition.name_zh, transition.name_en) if transition else action

    def _area(self, code: str) -> Area | None:
        if code not in self._areas:
            self._areas[code] = self.platform.areas.find(code)
        return self._areas[code]

    def area(self, code: str | None) -> str:
        if not code:
            return "—"
        area = self._area(code)
        return area.name if area else code

    def place(self, code: str | None, *, short: bool = False) -> str:
        """An area as a person locates it: a building with its grid (``福寮社区第01网格 1栋``),
        anything else by its name. ``short`` drops the name of the area above when the
        name repeats it (``第01网格 1栋``), for narrow tables."""
        area = self._area(code) if code else None
        if area is None:
            return self.area(code)
        name = area.name
        parent = self._area(area.parent_code) if area.parent_code else None
        if parent is not None and area.level == "building":
            return f"{self._shortened(parent) if short else parent.name} {name}"
        return self._shortened(area) if short else name

    def _shortened(self, area: Area) -> str:
        parent = self._area(area.parent_code) if area.parent_code else None
        if parent is not None and area.name.startswith(parent.name) and len(area.name) > len(parent.name):
            return area.name[len(parent.name):]
        return area.name

    def organisation(self, code: str | None) -> str:
        if not code:
            return "—"
        org = self.platform.organisations.find(code)
        return org.name if org else code

    def when(self, moment: dt.datetime | None, *, time: bool = True) -> str:
        """``11-02 09:30`` this year, ``2025-12-01 09:30`` another year (``time=False``
        leaves the time out)."""
        if moment is None:
            return "—"
        local = self.platform.time.local(moment)
        this_year = local.year == self.platform.today().year
        fmt = ("%m-%d" if this_year else "%Y-%m-%d") + (" %H:%M" if time else "")
        return local.strftime(fmt)

    def day(self, day: dt.date) -> str:
        return day.strftime("%m-%d" if day.year == self.platform.today().year else "%Y-%m-%d")

    def due_kind(self, issue: Issue) -> str:
        """Which deadline ``issue.due_at`` is: to register, dispatch, accept (response) or resolve."""
        return self.t(f"due.{issue.due_stage}")

    def due(self, issue: Issue, now: dt.datetime) -> Text:
        """The deadline that applies now, with its kind, marked when overdue or due today."""
        if issue.due_at is None or not issue.is_open:
            return plain("—", "dim")
        state = due_state(self.platform, issue, now)
        mark = {"overdue": ("! ", OVERDUE_STYLE), "today": ("• ", DUE_TODAY_STYLE)}.get(state, ("  ", ""))
        text = Text(mark[0], style=mark[1])
        text.append(self.when(issue.due_at), style=mark[1])
        text.append(f" {self.due_kind(issue)}", style="dim")
        return text

    def scope(self, actor: Actor) -> str:
        """Each post with the area or organisation it covers: ``网格员 · 山厦社区第01网格``."""
        parts = []
        for grant in actor.grants:
            where = self.area(grant.area_code) if grant.area_code else self.organisation(grant.org_code)
            if grant.area_path == "/" and not grant.area_code:
                where = self.t("scope.everywhere")
            parts.append(f"{self.post(grant.post)} · {where}")
        return "; ".join(parts) or self.t("scope.none")


def due_state(platform: Platform, issue: Issue, now: dt.datetime) -> str | None:
    """``overdue``, ``today`` (due before the end of today, deployment time) or None."""
    due = issue.due_at
    if due is None or not issue.is_open:
        return None
    if due < now:
        return "overdue"
    if due < platform.time.at(platform.time.day_of(now) + dt.timedelta(days=1)):
        return "today"
    return None


def home_area(platform: Platform, actor: Actor, permission: str = "metrics.read") -> str | None:
    """The area the home screen summarises: the actor's widest area with ``permission``."""
    for grant in sorted(actor.grants, key=lambda g: (g.area_path or "~").count("/")):
        if grant.area_code and grant.allows(permission):
            return grant.area_code
    if actor.covers(permission, "/"):
        roots = platform.areas.roots()
        return roots[0].code if roots else None
    return None
