"""Before saving a report: open cases of the same category nearby with similar text.

Enter opens the highlighted case instead of saving, ``s`` saves anyway, Esc goes back to
the form. The result is ``("open", id)``, ``("save", None)`` or None."""

from __future__ import annotations

from gridgov.core import Issue
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from ..labels import plain
from .base import GridgovModal


class DuplicatesScreen(GridgovModal):
    BINDINGS = [
        Binding("s", "save", "Save anyway", id="dup.save"),
        Binding("escape", "cancel", "Back to form", id="dup.cancel"),
    ]

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__()
        self.issues = issues

    def compose(self) -> ComposeResult:
        with Vertical(id="duplicates", classes="dialog"):
            yield Label(self.t("dup.title", n=len(self.issues)), classes="dialog-title")
            yield DataTable(id="dup-table", cursor_type="row")
            yield Label(self.t("dup.keys"), classes="dim")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        t, labels = self.t, self.labels
        for key in ("id", "status", "area", "title", "reported"):
            table.add_column(t(f"column.{key}"), key=key)
        for issue in self.issues:
            table.add_row(plain(issue.id), plain(t.status(issue.status)), plain(labels.place(issue.area_code)),
                          plain(issue.title), plain(labels.when(issue.reported_at)), key=str(issue.id))
        table.focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.dismiss(("open", int(event.row_key.value)))

    def action_save(self) -> None:
        self.dismiss(("save", None))

    def action_cancel(self) -> None:
        self.dismiss(None)
