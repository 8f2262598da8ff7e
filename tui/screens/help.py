"""Keys: every binding of the app and of the screen underneath, with its id and what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from .base import GridgovModal


class HelpScreen(GridgovModal):
    BINDINGS = [Binding("escape,q,f1", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Label(self.t("help.title"), classes="dialog-title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Label(self.t("help.palette"), classes="dim")

    def on_mount(self) -> None:
        t = self.t
        table = self.query_one("#keys", DataTable)
        for key in ("key", "id", "description"):
            table.add_column(t(f"column.{key}"), key=key)
        stack = self.app.screen_stack
        under = stack[-2] if len(stack) > 1 else None
        seen: set[str] = set()
        for node in (under, self.app):
            if node is None:
                continue
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    if b.id and b.id not in seen:
                        seen.add(b.id)
                        description = t(f"key.{b.id}") if t.has(f"key.{b.id}") else b.description
                        table.add_row(b.key_display or b.key, b.id, description)
        if "app.palette" not in seen:
            table.add_row("ctrl+p", "app.palette", t("key.app.palette"))
        table.add_row("ctrl+q", "app.quit", t("key.app.quit"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
