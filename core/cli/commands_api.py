"""``@command``: what a plugin's command needs, without the boilerplate.

A plugin command used to open the platform, resolve ``--as``, turn the core's errors into
one line and remember the language, each by hand. ``@command(group)`` does all of it and
passes a :class:`CommandContext` first::

    @click.group("elevator")
    def elevator() -> None:
        "Elevator retrofits."

    @command(elevator, "list")
    @click.option("--json", "as_json", is_flag=True)
    def list_(ctx: CommandContext, as_json: bool) -> None:
        rows = ctx.platform.table("elevator_project").rows(scope=ctx.actor)
        ctx.echo_json(rows) if as_json else ctx.echo(f"{len(rows)} projects")

``--as LOGIN`` is required unless ``as_required=False``, where leaving it out means the
local operator (``Actor.system()``); an empty ``--as ""``, an unknown login and a
deactivated member are refused with one line. A :class:`~gridgov.core.GridgovError`
raised inside (a refusal, a stale update, bad input) prints ``error: …`` and exits with the
error's code; the record it names is the one the plugin gave (``consultation 12: grant
refused: …``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import click

from ..access import Actor
from ..errors import GridgovError
from .context import AppContext
from .output import CommandError, as_option, echo_json, resolve_actor, table


@attrs.frozen
class CommandContext:
    """The running command's platform, actor and language."""

    app: AppContext
    actor: Actor

    @property
    def platform(self) -> Any:
        return self.app.platform

    @property
    def lang(self) -> str:
        return self.app.lang

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def echo(self, text: str = "") -> None:
        click.echo(text)

    def echo_json(self, data: Any) -> None:
        echo_json(data)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        click.echo(table(headers, rows))


def command(group: click.Group, name: str | None = None, *, as_required: bool = True,
            **click_kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """Register the decorated function as ``group``'s command ``name`` (default: the
    function's name, ``_`` → ``-``, a trailing ``_`` dropped), with ``--as`` and one-line
    errors; the function receives a :class:`CommandContext` first."""

    def decorate(fn: Callable[..., Any]) -> click.Command:
        @functools.wraps(fn)
        def run(*args: Any, login: str | None = None, **kwargs: Any) -> Any:
            app = click.get_current_context().find_object(AppContext)
            if app is None:
                raise click.UsageError("gridgov commands run under the gridgov command line")
            try:
                return fn(CommandContext(app=app, actor=resolve_actor(app, login)), *args, **kwargs)
            except GridgovError as exc:
                raise CommandError(exc) from None

        command_name = name or fn.__name__.rstrip("_").replace("_", "-")
        return group.command(command_name, **click_kwargs)(as_option(required=as_required)(run))

    return decorate
