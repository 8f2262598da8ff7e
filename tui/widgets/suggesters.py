"""Inline completion for area and dispatch-target inputs, backed by indexed look-ups.

A suggestion starts with what was typed (Textual shows the rest greyed and → accepts
it): typing a code prefix offers ``SX01 山厦社区第01网格``, typing a name prefix offers
``山厦社区第01网格 SX01``. Either form, or the bare code, resolves back to the record.
"""

from __future__ import annotations

from gridgov.core import Actor, Area, NotFound, Platform
from textual.suggester import Suggester


class AreaSuggester(Suggester):
    def __init__(self, platform: Platform) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.platform = platform

    async def get_suggestion(self, value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        for area in self.platform.areas.search(text, limit=8):
            if area.code.casefold().startswith(text):
                return f"{area.code} {area.name}"
            if area.name.casefold().startswith(text):
                return f"{area.name} {area.code}"
        return None


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


class TargetSuggester(Suggester):
    """Dispatch targets: organisations responsible for the case's area first, then any
    organisation or member whose code or login starts with the text."""

    def __init__(self, platform: Platform, area_code: str) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.platform = platform
        self.area_code = area_code
        self._nearby = [org for org, _ in platform.organisations.responsible_for(area_code, None)]

    async def get_suggestion(self, value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        for org in self._nearby:
            if org.code.casefold().startswith(text):
                return f"{org.code} {org.name}"
        for org in self.platform.organisations.list(code__startswith=text, limit=1):
            return f"{org.code} {org.name}"
        for org in self.platform.organisations.list(name__startswith=text, limit=1):
            return f"{org.name} {org.code}"
        return text if member_exists(self.platform, text) else None


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
    return None


def member_exists(platform: Platform, login: str) -> bool:
    try:
        platform.members.get(Actor.system(), login)
    except NotFound:
        return False
    return True
