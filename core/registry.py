"""What plugins register: the records passed to the ``register`` callbacks of the hooks.

The host validates each record when it is registered, so a plugin with a typo fails at
start-up with its name in the message instead of misbehaving later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from .models import ORGANISATION_KINDS, PRIORITIES

if TYPE_CHECKING:
    from .access import Actor
    from .platform import Platform

_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def _category_code(_inst: Any, _attr: attrs.Attribute, value: str) -> None:
    if not _CATEGORY.fullmatch(value):
        raise ValueError(f"category code {value!r} must be dotted lowercase words, e.g. road.repair")


@attrs.frozen(kw_only=True)
class Category:
    """An issue category with its default priority, deadlines and handling organisation kind."""

    code: str = attrs.field(validator=_category_code)
    name_zh: str
    name_en: str
    default_priority: str = attrs.field(default="normal", validator=attrs.validators.in_(PRIORITIES))
    response_hours: float = attrs.field(default=4.0, validator=attrs.validators.gt(0))
    resolve_hours: float = attrs.field(default=72.0, validator=attrs.validators.gt(0))
    handler_kind: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.in_(ORGANISATION_KINDS))
    )
    plugin: str = "gridgov"


@attrs.frozen(kw_only=True)
class Route:
    """Where a router sends a case: an organisation and/or a member, and why."""

    org_code: str | None = None
    member_login: str | None = None
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.org_code and not self.member_login:
            raise ValueError("a route needs an organisation or a member")


@attrs.frozen(kw_only=True)
class ScreenSpec:
    """A TUI screen a plugin contributes. ``factory(app)`` returns a Textual ``Screen``."""

    id: str
    title_zh: str
    title_en: str
    factory: Callable[[Any], Any]
    permission: str | None = None
    plugin: str = ""


@attrs.frozen(kw_only=True)
class PaletteCommand:
    """A command-palette entry: ``run(app)`` is called when chosen."""

    id: str
    title_zh: str
    title_en: str
    run: Callable[[Any], Any]
    help_zh: str = ""
    help_en: str = ""
    plugin: str = ""


@attrs.frozen(kw_only=True)
class MetricSpec:
    """A dashboard card: ``compute(platform, actor, area_code, since, until)`` returns a
    mapping of label → value (numbers or short text) for the actor's scope.

    The labels are stable English keys (they are the JSON keys of ``gridgov stats``);
    ``labels_zh`` gives the Chinese text the terminal UI shows for each."""

    id: str
    title_zh: str
    title_en: str
    compute: Callable[[Platform, Actor, str, dt.date | None, dt.date | None], dict[str, Any]]
    labels_zh: dict[str, str] = attrs.field(factory=dict)
    plugin: str = ""

    def label(self, key: str, lang: str) -> str:
        """The label to show for ``key`` in ``lang`` (the key itself when untranslated)."""
        return self.labels_zh.get(key, key) if lang == "zh" else key

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@attrs.frozen(kw_only=True)
class OrganisationKind:
    """Reserved for plugins that need organisation kinds beyond the core list (not yet used)."""

    code: str
    name_zh: str
    name_en: str
