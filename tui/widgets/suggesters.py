"""Completion and look-up for area and dispatch-target inputs, backed by indexed queries.

Inline completion: a suggestion starts with what was typed (Textual shows the rest greyed
and → accepts it): a code prefix offers ``SX01 山厦社区第01网格``, a name prefix
``山厦社区第01网格 SX01``. The match lists (:mod:`.finder`) find any part of a name.
Either form, or the bare code, resolves back to the record.
"""

from __future__ import annotations

from gridgov.core import Actor, Area, NotFound, Platform
from gridgov.core.services.lookup import dispatch_targets
from textual.suggester import Suggester

from .finder import Search


class AreaSuggester(Suggester):
    """Completes areas under ``paths`` (the subtrees the actor may report in)."""

    def __init__(self, platform: Platform, paths: list[str] | None = None) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.platform = platform
        self.paths = paths

    async def get_suggestion(self, value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        for area in self.platform.areas.search(text, limit=20):
            if self.paths is not None and not any(area.path.startswith(p) for p in self.paths):
                continue
            if area.code.casefold().startswith(text):
                return f"{area.code} {area.name}"
            if area.name.casefold().startswith(text):
                return f"{area.name} {area.code}"
        return None


def area_search(app, permission: str = "issue.report") -> Search:
    """Areas the actor may report in whose code starts with, or whose name contains, the
    text; each named with the grid a building is in and its level."""
    paths = app.actor.paths_for(permission)

    def search(text: str) -> list[tuple[str, str]]:
        out = []
        for area in app.platform.areas.search(text.strip(), limit=40):
            if not any(area.path.startswith(p) for p in paths):
                continue
            place = app.labels.place(area.code)
            out.append((f"{area.code} {area.name}", f"{place} · {app.t.level(area.level)} · {area.code}"))
        return out[:8]

    return search


def target_search(app, handling_area: str) -> Search:
    """Organisations and members a case handled at ``handling_area`` may go to, by any
    part of their name, their code or login."""
    def search(text: str) -> list[tuple[str, str]]:
        out = []
        for kind, code, name in dispatch_targets(app.platform, handling_area, text):
            what = app.t("form.target_member") if kind == "member" else app.t("form.target_org")
            out.append((f"{code} {name}", f"{name} · {code} · {what}"))
        return out

    return search


def resolve_area(platform: Platform, text: str) -> Area | None:
    """The area meant by an input: a code, ``code name``, ``name code`` or a unique name."""
    text = text.strip()
    if not text:
        return None
    for token in [text, *text.split()]:
        area = platform.areas.find(token)
        if area is not None:
            return area
    matches = [a for a in platform.areas.search(text, limit=2) if a.name == text]
    return matches[0] if len(matches) == 1 else None


def resolve_target(platform: Platform, text: str) -> tuple[str | None, str | None] | None:
    """``(org_code, member_login)`` meant by a dispatch-target input; (None, None) for an
    empty input (the default router decides); None when nothing matches."""
    text = text.strip()
    if not text:
        return None, None
    for token in [text, *text.split()]:
        if platform.organisations.find(token):
            return token, None
        if member_exists(platform, token):
            return None, token
    named = platform.organisations.list(name=text, limit=2)
    if len(named) == 1:
        return named[0].code, None
    return None


def member_exists(platform: Platform, login: str) -> bool:
    try:
        platform.members.get(Actor.system(), login)
    except NotFound:
        return False
    return True
