"""A short list of cases to open one of (the duplicates merged into a master): Enter
opens the highlighted case, Esc goes back. The result is the case's id or None."""

from __future__ import annotations

from gridgov.core import Issue
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from ..labels import plain
from .base import GridgovModal
from .merge import requester


class CasePicker(GridgovModal):
    BINDINGS = [Binding("escape", "cancel", "Back", id="picker.cancel")]

    def __init__(self, title: str, issues: list[Issue]) -> None:
        super().__init__()
        self.title_text = title
        self.issues = issues

    def compose(self) -> ComposeResult:
        with Vertical(id="case-picker", classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield DataTable(id="picked", cursor_type="row")
            yield Label(self.t("picker.keys"), classes="dim")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        t = self.t
        for key in ("id", "status", "title", "requester"):
            table.add_column(t(f"column.{key}"), key=key)
        for issue in self.issues:
            table.add_row(plain(issue.id), plain(t.status(issue.status)), plain(issue.title), plain(requester(issue)),
                          key=str(issue.id))
        table.focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.dismiss(int(event.row_key.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
