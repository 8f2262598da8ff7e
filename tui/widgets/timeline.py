"""A case's event log, oldest first: when, who, what, the status it moved to, the note."""

from __future__ import annotations

from gridgov.core import Event
from textual.widgets import DataTable


class Timeline(DataTable):
    DEFAULT_CSS = """
    Timeline { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        t = self.app.t
        for column in ("at", "actor", "action", "to_status", "note"):
            self.add_column(t(f"column.{column}"), key=column)

    def show(self, events: list[Event]) -> None:
        app = self.app
        self.clear()
        for event in events:
            action = app.t("action.report") if event.action == "report" else app.labels.action(event.action)
            self.add_row(
                app.platform.time.format(event.at, "%m-%d %H:%M"),
                event.actor,
                action,
                app.t.status(event.to_status),
                event.note or "",
                key=str(event.seq),
            )
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
