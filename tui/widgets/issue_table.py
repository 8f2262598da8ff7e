"""A table of cases: one page at a time, overdue ones marked, the row key is the issue id.

Columns have fixed widths and cells are plain ``Text`` (no markup to parse), so turning a
page costs the rows on screen and nothing more. At narrow widths the title column is
shorter and areas show their name only.
"""

from __future__ import annotations

import datetime as dt

from gridgov.core import Issue
from rich.text import Text
from textual.widgets import DataTable

# column → (narrow width, wide width) in cells
COLUMNS = {
    "id": (7, 8),
    "title": (12, 40),
    "due": (11, 11),
    "status": (8, 8),
    "priority": (6, 8),
    "category": (8, 14),
    "area": (10, 30),
}


def _cell(value: str, style: str = "") -> Text:
    return Text(value, style=style, no_wrap=True, overflow="ellipsis")


class IssueTable(DataTable):
    DEFAULT_CSS = """
    IssueTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.narrow = False

    def on_mount(self) -> None:
        t = self.app.t
        self.narrow = self.app.size.width < 100
        for column, widths in COLUMNS.items():
            self.add_column(_cell(t(f"column.{column}")), key=column, width=widths[0 if self.narrow else 1])

    def show(self, issues: list[Issue], now: dt.datetime) -> None:
        app = self.app
        t, labels = app.t, app.labels
        self.clear()
        for issue in issues:
            overdue = issue.overdue_at(now)
            area = labels.area(issue.area_code) if self.narrow else f"{labels.area(issue.area_code)} {issue.area_code}"
            self.add_row(
                _cell(str(issue.id)),
                _cell(issue.title),
                _cell(labels.when(issue.due_at), "bold red" if overdue else ""),
                _cell(t.status(issue.status)),
                _cell(t.priority(issue.priority), "bold" if issue.priority in ("high", "urgent") else ""),
                _cell(labels.category(issue.category)),
                _cell(area),
                key=str(issue.id),
            )
