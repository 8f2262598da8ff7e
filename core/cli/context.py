"""Shared state of one CLI invocation: the database path, the language, the platform."""

from __future__ import annotations

import functools
import locale
import os
from collections.abc import Callable
from typing import Any, ClassVar

import click

from ..access import Actor
from ..errors import ValidationError
from ..platform import Platform


def detect_lang() -> str:
    """``zh`` when the locale is Chinese, else ``en``."""
    for name in ("GRIDGOV_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if code.lower().startswith("zh") else "en"


class AppContext:
    startup_failures: ClassVar[list] = []

    def __init__(self, db_path: str | None, lang: str | None, config: str | None = None) -> None:
        self.db_path = db_path
        self.config = config
        self.lang = lang or detect_lang()
        self._platform: Platform | None = None
        self._shown_failures = 0

    @property
    def platform(self) -> Platform:
        if self._platform is None:
            self._platform = Platform(self.db_path, config=self.config)
            from .output import set_display_zone

            set_display_zone(self._platform.zone)
            shown = dict.fromkeys(str(f) for f in [*self.startup_failures, *self._platform.plugin_failures])
            for failure in shown:
                click.echo(f"warning: {failure}", err=True)
            self._shown_failures = len(self._platform.plugin_failures)
        return self._platform

    def actor(self, login: str | None) -> Actor:
        """The actor for ``--as``; the local operator only when no ``--as`` is given (an
        empty ``--as ""`` is refused, never read as the operator)."""
        if login is None:
            return Actor.system()
        if not login.strip():
            raise ValidationError("--as", "is empty; give a member's login")
        return self.platform.actor(login)

    def warn_new_failures(self) -> None:
        """Print the plugin failures met while the command ran (a hook that raised in
        ``issue_changed`` does not stop the case, but the user must hear of it)."""
        if self._platform is None:
            return
        for failure in self._platform.plugin_failures[self._shown_failures:]:
            click.echo(f"warning: {failure}", err=True)
        self._shown_failures = len(self._platform.plugin_failures)

    def close(self) -> None:
        if self._platform is not None:
            self.warn_new_failures()
            self._platform.close()
            self._platform = None


def get_platform(ctx: click.Context | None = None) -> Platform:
    """The platform of the running command (for plugin commands)."""
    ctx = ctx or click.get_current_context()
    app = ctx.find_object(AppContext)
    if app is None:
        raise click.UsageError("gridgov commands run under the gridgov command line")
    return app.platform


def pass_app(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the :class:`AppContext` as the first argument of a command."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(click.get_current_context().find_object(AppContext), *args, **kwargs)

    return wrapper
