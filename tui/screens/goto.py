"""Open a case by its number — the one a resident quotes when calling to complain, or a
closed case no queue lists by default. Enter opens it (the case screen says if it cannot
be shown), Esc goes back. The result is the number or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from ..labels import plain
from .base import GridgovModal


class GotoCase(GridgovModal):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="goto", classes="dialog"):
            yield Label(self.t("goto.title"), classes="dialog-title")
            yield Input(placeholder="123", type="integer", id="number")
            yield Static(id="form-error")
            yield Label(self.t("goto.keys"), classes="dim")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _open(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not raw.isdigit():
            self.query_one("#form-error", Static).update(plain(self.t("goto.need_number")))
            return
        self.dismiss(int(raw))

    def action_cancel(self) -> None:
        self.dismiss(None)
