"""A table of cases: one page at a time, the row key is the issue id.

Column widths come from the texts they must hold in the UI's language (the longest
status, the deadline with its kind), so statuses and deadlines are never cut; the title
and the place share what is left, and a resize fits the columns again. The deadline says
which one it is (to accept, to resolve) and is marked ``!`` when overdue and ``•`` when
due today. At narrow widths high and urgent titles are bold instead of a priority column,
the category is left out and places drop their community's name (``第01网格 1栋``). Cells are plain
``Text``: a title like ``[red]x`` shows as typed.
"""

from __future__ import annotations

import datetime as dt

from gridgov.core import PRIORITIES, STATES, Issue
from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from ..labels import plain

NARROW = 100
PADDING = 2  # a DataTable cell's padding, left and right
MIN_TITLE = 14


def _cell(value: str, style: str = "") -> Text:
    return plain(value, style, no_wrap=True, overflow="ellipsis")


class IssueTable(DataTable):
    DEFAULT_CSS = """
    IssueTable { height: 1fr; }
    """

    def __init__(self, *, extra: str | None = None, **kwargs) -> None:
        """``extra``: a column key (``next``) whose cell text :meth:`show` is given per issue."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.extra = extra
        self.narrow = False
        self.widths: dict[str, int] = {}
        self._shown: tuple[list[Issue], dt.datetime, dict[int, str]] = ([], dt.datetime.now(dt.UTC), {})

    # -- columns --------------------------------------------------------------------------

    def _fixed_widths(self, issues: list[Issue], extras: dict[int, str]) -> dict[str, int]:
        app = self.app
        t, labels = app.t, app.labels
        header = {key: cell_len(t(f"column.{key}")) for key in ("id", "due", "status", "priority", "category")}
        longest_id = max((len(str(i.id)) for i in issues), default=4)
        due_cells = [labels.due(i, self._shown[1]).cell_len for i in issues] or [0]
        kinds = max(cell_len(t("due.response")), cell_len(t("due.resolve")))
        widths = {
            "id": max(header["id"], longest_id),
            "due": max(header["due"], max(due_cells), 2 + cell_len("00-00 00:00") + 1 + kinds),
            "status": max(header["status"], *(cell_len(t.status(s)) for s in STATES)),
        }
        if not self.narrow:
            widths["priority"] = max(header["priority"], *(cell_len(t.priority(p)) for p in PRIORITIES))
            names = [cell_len(labels.category(c)) for c in app.platform.categories]
            widths["category"] = max(header["category"], min(max(names, default=8), 18))
        if self.extra:
            widths[self.extra] = max([cell_len(t(f"column.{self.extra}"))] + [cell_len(v) for v in extras.values()])
            widths[self.extra] = min(widths[self.extra], 24)
        return widths

    def _layout(self, issues: list[Issue], extras: dict[int, str]) -> dict[str, int]:
        """Widths of every column for the current width: fixed ones first, then the
        place as wide as this page's places need (at most 30 cells), the title the rest."""
        fixed = self._fixed_widths(issues, extras)
        available = max(self.size.width or self.app.size.width, 40) - 2  # the scrollbar
        rest = available - sum(fixed.values()) - PADDING * (len(fixed) + 2)
        labels = self.app.labels
        places = [cell_len(labels.place(i.area_code, short=self.narrow)) for i in issues]
        area = min(max(places, default=10), 30, max(10, rest - MIN_TITLE))
        title = max(MIN_TITLE, rest - area)
        order = ["id", "title", "due", "status", "priority", "category", "area"]
        if self.extra:
            order.insert(3, self.extra)
        widths = {**fixed, "title": title, "area": area}
        return {key: widths[key] for key in order if key in widths}

    def _rebuild_columns(self, widths: dict[str, int]) -> None:
        t = self.app.t
        self.clear(columns=True)
        for key, width in widths.items():
            self.add_column(_cell(t(f"column.{key}")), key=key, width=width)
        self.widths = widths

    def on_mount(self) -> None:
        self.narrow = self.app.size.width < NARROW
        self._rebuild_columns(self._layout([], {}))

    def on_resize(self, _event: events.Resize) -> None:
        narrow = self.app.size.width < NARROW
        issues, now, extras = self._shown
        if narrow != self.narrow or self._layout(issues, extras) != self.widths:
            self.narrow = narrow
            self.show(issues, now, extras)

    # -- rows -----------------------------------------------------------------------------

    def show(self, issues: list[Issue], now: dt.datetime, extras: dict[int, str] | None = None) -> None:
        """Show one page; ``extras`` gives the ``extra`` column's text by issue id."""
        app = self.app
        t, labels = app.t, app.labels
        extras = extras or {}
        self._shown = (issues, now, extras)
        cursor = self.cursor_row
        widths = self._layout(issues, extras)
        if widths != self.widths:
            self._rebuild_columns(widths)
        else:
            self.clear()
        for issue in issues:
            urgent = issue.priority in ("high", "urgent")
            title = _cell(issue.title, "bold" if urgent and self.narrow else "")
            cells: dict[str, Text] = {
                "id": _cell(str(issue.id)),
                "title": title,
                "due": labels.due(issue, now),
                "status": _cell(t.status(issue.status)),
                "priority": _cell(t.priority(issue.priority), "bold" if urgent else ""),
                "category": _cell(labels.category(issue.category)),
                "area": _cell(labels.place(issue.area_code, short=self.narrow)),
            }
            if self.extra:
                cells[self.extra] = _cell(extras.get(issue.id, ""))
            self.add_row(*(cells[key] for key in self.widths), key=str(issue.id))
        if self.row_count:
            self.move_cursor(row=min(max(cursor, 0), self.row_count - 1))
