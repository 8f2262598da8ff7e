"""What a plugin's terminal-UI screens build on (the public TUI API for plugins).

Plugin screens used to carry their own copy of a screen base (the app's platform, actor and
language, Chinese key labels, one-line error notices). This module is that base, a form
that keeps what was typed when the core refuses it, and a harness that opens a plugin
screen inside the real app for Pilot tests::

    class ProjectList(PluginScreen):
        KEY_LABELS_ZH = {"Open": "打开"}
        BINDINGS = [Binding("enter", "open", "Open", id="elevator.open")]

    async with open_plugin_screen(platform, "elevator_officer", "elevator.projects") as pilot:
        await pilot.press("enter")

Plugins import only :data:`__all__` of this module from ``gridgov.tui`` (a test holds the
built-in plugins to that).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

from gridgov.core import GridgovError, Platform
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label

__all__ = ["FormScreen", "PluginScreen", "field_row", "open_plugin_screen", "selected_key"]


def selected_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def field_row(label: str, widget: Widget) -> Horizontal:
    """A form line: a label of fixed width and the input beside it (fits 80 columns)."""
    return Horizontal(Label(label, classes="plugin-field-label"), widget, classes="plugin-field")


class _Context:
    """The app's platform, actor and language, which every plugin screen needs."""

    ctx: Any
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {}

    @property
    def platform(self) -> Platform:
        return self.ctx.platform

    @property
    def actor(self) -> Any:
        return self.ctx.actor

    @property
    def lang(self) -> str:
        return getattr(self.ctx, "lang", "en") or "en"

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def fail(self, exc: GridgovError | str) -> None:
        """Say why something was refused, in one line, and change nothing else."""
        self.notify(str(exc), severity="error", timeout=8)  # type: ignore[attr-defined]

    def done(self, message: str) -> None:
        self.notify(message, timeout=4)  # type: ignore[attr-defined]

    def _localize_keys(self) -> None:
        """Footer key labels in the UI's language (from :attr:`KEY_LABELS_ZH`)."""
        if self.lang != "zh" or not self.KEY_LABELS_ZH:
            return
        bindings = self._bindings  # type: ignore[attr-defined]
        for key, found in bindings.key_to_bindings.items():
            bindings.key_to_bindings[key] = [
                dataclasses.replace(b, description=self.KEY_LABELS_ZH.get(b.description, b.description)) for b in found
            ]
        self.refresh_bindings()  # type: ignore[attr-defined]


class PluginScreen(_Context, Screen):
    """A plugin's full screen; ``ctx`` is the app (``ScreenSpec.factory(app)`` passes it)."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "app.pop_screen", "Back", id="plugin.back")]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {"Back": "返回"}
    DEFAULT_CSS = """
    PluginScreen DataTable { height: 1fr; }
    .plugin-field { height: auto; }
    .plugin-field-label { width: 16; padding: 1 1 0 0; }
    .plugin-field Input { width: 1fr; }
    """

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self._localize_keys()


class FormScreen(_Context, ModalScreen[Any]):
    """A modal form. :meth:`fields` yields the rows, :meth:`values` reads them (raise
    ``ValidationError`` for bad input), :meth:`save` does the work. A refusal is shown and
    the form stays open with everything typed; success closes it with the result. The
    first input is focused when the form opens."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {"Cancel": "取消", "Save": "保存"}
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > Vertical { width: 76; height: auto; max-height: 22; border: round $accent; padding: 0 1; background: $surface; }
    FormScreen .title { text-style: bold; padding: 0 0 1 0; }
    .plugin-field { height: auto; }
    .plugin-field-label { width: 16; padding: 1 1 0 0; }
    .plugin-field Input { width: 1fr; }
    """

    def __init__(self, ctx: Any, save: Callable[[dict[str, Any]], Any] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.fields()

    def fields(self) -> ComposeResult:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        return {w.id: w.value for w in self.query(Input) if w.id}

    def save(self, values: dict[str, Any]) -> Any:
        if self._save is None:
            return values
        return self._save(values)

    def text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def on_mount(self) -> None:
        self._localize_keys()
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        try:
            result = self.save(self.values())
        except GridgovError as exc:
            self.fail(exc)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


@contextlib.asynccontextmanager
async def open_plugin_screen(platform: Platform, login: str, screen: str | Callable[[Any], Screen], *,
                             lang: str = "en", size: tuple[int, int] = (120, 40)) -> AsyncIterator[Pilot]:
    """The real app as ``login``, with a plugin screen open on top (a ``ScreenSpec`` id or
    a factory taking the app), for a Pilot test; the app closes when the block ends."""
    from .app import GridgovApp

    app = GridgovApp(platform, platform.actor(login), lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        factory = platform.screens[screen].factory if isinstance(screen, str) else screen
        app.push_screen(factory(app))
        await pilot.pause()
        yield pilot
