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


CORE_OWNER = "gridgov"
"""The name under which the core registers its categories (and the rest of its records)."""


@attrs.frozen(kw_only=True)
class Category:
    """An issue category with its default priority, deadlines and handling organisation kind.

    ``plugin`` is the category's owner (filled in at registration). The core registers the
    department categories of a deployment (``elevator.retrofit``, ``road.repair``…) before
    any department has a plugin; a plugin that serves one registers the same code with
    ``adopt=True`` and takes it over (the rule: :func:`admit_category`). ``replaces`` is then
    the core's record, which comes back if the plugin is taken out."""

    code: str = attrs.field(validator=_category_code)
    name_zh: str
    name_en: str
    default_priority: str = attrs.field(default="normal", validator=attrs.validators.in_(PRIORITIES))
    response_hours: float = attrs.field(default=4.0, validator=attrs.validators.gt(0))
    resolve_hours: float = attrs.field(default=72.0, validator=attrs.validators.gt(0))
    handler_kind: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.in_(ORGANISATION_KINDS))
    )
    plugin: str = CORE_OWNER
    adopt: bool = False
    replaces: Category | None = attrs.field(default=None, repr=False)

    @property
    def adopted_from(self) -> str | None:
        """The owner this category was taken over from (the core), or None."""
        return self.replaces.plugin if self.replaces is not None else None


def admit_category(categories: dict[str, Category], plugin: str, category: Category) -> Category:
    """The ownership rule for category codes; returns the record to keep under its code.

    * A new code belongs to the plugin that registers it.
    * A code the core registered may be adopted by one plugin: it registers the code again
      with ``adopt=True``, and its record (names, default priority, deadlines, handler
      kind, so routing and SLA defaults) replaces the core's.
    * Any other repeat is refused, naming the owner: two plugins cannot share a code, and
      a plugin cannot adopt what another plugin already adopted.

    ``adopt=True`` for a code the core does not register is refused, so a misspelt code
    does not quietly become a second category."""
    code = category.code
    current = categories.get(code)
    if current is None:
        if category.adopt and plugin != CORE_OWNER:
            raise ValueError(f"categories {code}: adopt=True, but the core registers no {code} to adopt")
        return attrs.evolve(category, plugin=plugin, replaces=None)
    if current.replaces is not None:
        raise ValueError(f"categories {code} is already adopted by plugin {current.plugin}")
    if current.plugin == CORE_OWNER and plugin != CORE_OWNER:
        if category.adopt:
            return attrs.evolve(category, plugin=plugin, replaces=current)
        raise ValueError(f"categories {code} is already registered by the core; a plugin serving it "
                         "takes it over with Category(..., adopt=True)")
    raise ValueError(f"categories {code} is already registered by plugin {current.plugin}")


def category_owner(categories: dict[str, Category], prefix: str) -> Category | None:
    """The first registered category whose code is ``prefix`` or starts with ``prefix.``
    (a plugin named ``elevator`` would put its categories there)."""
    for code in sorted(categories):
        if code == prefix or code.startswith(prefix + "."):
            return categories[code]
    return None


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
