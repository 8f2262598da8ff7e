"""Every hook a gridgov plugin can implement.

Registration hooks receive a ``register`` callback: the host validates what is passed to
it and records which plugin registered it (the pattern of llm and datasette). Workflow
hooks run inside the transaction of the change they see, each plugin in its own
savepoint: a plugin that raises is reported by name and its writes are undone, while the
case itself goes through. ``docs/hooks.md`` documents each hook with an example, and a
test fails when a hook here lacks documentation or a test.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from .access import Actor, Role
    from .models import Event, Issue
    from .platform import Platform
    from .registry import Category, MetricSpec, PaletteCommand, Route, ScreenSpec
    from .storage import Migrations
    from .workflow import Transition

hookspec = pluggy.HookspecMarker("gridgov")
hookimpl = pluggy.HookimplMarker("gridgov")


# -- registration -----------------------------------------------------------------------


@hookspec
def register_categories(register: Callable[[Category], None]) -> None:
    """Register issue categories, with default priority, deadlines and handler kind."""


@hookspec
def register_roles(register: Callable[[Role], None]) -> None:
    """Register posts (roles) and the permissions they carry."""


@hookspec
def register_actions(register: Callable[[Transition], None]) -> None:
    """Register workflow actions beyond the core's (rows of the transition table)."""


@hookspec
def register_migrations(register: Callable[[Migrations], None]) -> None:
    """Register the migration set that creates and evolves the plugin's tables."""


@hookspec
def register_cli_commands(cli: click.Group) -> None:
    """Add commands or command groups to the ``gridgov`` command line."""


@hookspec
def register_screens(register: Callable[[ScreenSpec], None]) -> None:
    """Register terminal UI screens (listed in Browse → Plugins and the palette)."""


@hookspec
def register_palette_commands(register: Callable[[PaletteCommand], None]) -> None:
    """Register command-palette entries for the terminal UI."""


@hookspec
def register_metrics(register: Callable[[MetricSpec], None]) -> None:
    """Register dashboard cards shown on the TUI home screen and in ``gridgov stats``."""


# -- workflow ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def route_issue(platform: Platform, issue: Issue) -> Route | None:
    """Choose where a case is dispatched when the dispatcher names no target.

    The first plugin that returns a :class:`Route` wins; return None to pass."""


@hookspec
def veto_action(
    platform: Platform, actor: Actor, issue: Issue, action: str, params: dict[str, Any]
) -> str | None:
    """Refuse an action: return a reason (any veto wins), or None to allow it.

    ``action`` is ``report`` for a new issue (then ``issue.id`` is None)."""


@hookspec
def issue_created(platform: Platform, actor: Actor, issue: Issue) -> None:
    """React to a new issue, inside its transaction."""


@hookspec
def issue_changed(platform: Platform, actor: Actor, issue: Issue, event: Event) -> None:
    """React to a workflow action on an issue (``event.action``), inside its transaction."""


# -- demo -------------------------------------------------------------------------------


@hookspec
def load_demo_data(
    platform: Platform, scale: str, rng: random.Random, progress: Callable[[str, int, int], None]
) -> None:
    """Add the plugin's records to a demo deployment after the core's demo data is in."""
