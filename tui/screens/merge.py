"""Merge: which open case this report repeats, checked before anything changes.

The form lists the likely masters — open cases of the same category in the same handling
area whose text is similar (``issues.similar``, as the intake shows before saving) — and
takes one with the arrow keys and Enter, or a case number typed in the field below (Tab).
Before merging, :func:`side_by_side` shows both cases, so the dispatcher compares place,
text and requester; a merge that was wrong is undone with unmerge (``M``) on the merged
case. The result is ``{"merge_into": id, "note": text}`` or None.
"""

from __future__ import annotations

from gridgov.core import AccessDenied, GridgovError, Issue, NotFound
from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from ..labels import Labels, plain
from .base import GridgovModal

SUGGESTIONS = 5


def likely_masters(gg, issue: Issue) -> list[Issue]:
    """Open cases this one may repeat, most similar first (never the case itself)."""
    text = f"{issue.title} {issue.description}"
    try:
        found = gg.platform.issues.similar(gg.actor, category=issue.category, area=issue.area_code, text=text,
                                           limit=SUGGESTIONS + 1)
    except GridgovError:
        return []
    return [i for i in found if i.id != issue.id][:SUGGESTIONS]


def requester(issue: Issue) -> str:
    """The requester as the screens show them: the name and the masked phone."""
    return " ".join(x for x in (issue.requester_name, issue.requester_phone) if x) or "—"


def side_by_side(t, labels: Labels, duplicate: Issue, master: Issue) -> Table:
    """Both cases of a merge, field by field: the one merged and the one it joins."""
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    table.add_column(t("merge.this_case", id=duplicate.id), overflow="fold", ratio=1)
    table.add_column(t("merge.master", id=master.id), overflow="fold", ratio=1)
    rows = (
        ("title", lambda i: i.title),
        ("status", lambda i: t.status(i.status)),
        ("area", lambda i: labels.place(i.area_code)),
        ("address", lambda i: i.address or "—"),
        ("category", lambda i: labels.category(i.category)),
        ("requester", requester),
        ("reported", lambda i: labels.when(i.reported_at)),
        ("description", lambda i: i.description or "—"),
    )
    for key, value in rows:
        table.add_row(t(f"field.{key}"), plain(value(duplicate)), plain(value(master)))
    return table


class MergeForm(GridgovModal):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Confirm", id="form.submit"),
    ]

    def __init__(self, issue: Issue) -> None:
        super().__init__()
        self.issue = issue
        self.candidates: list[Issue] = []

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="merge-form", classes="dialog"):
            yield Label(plain(t("form.title", action=self.labels.action("merge"), id=self.issue.id)),
                        classes="dialog-title")
            yield Label(t("merge.suggested"))
            yield DataTable(id="masters", cursor_type="row")
            yield Static(id="masters-none", classes="dim")
            yield Label(t("form.merge_into"))
            yield Input(placeholder=t("merge.number_hint"), type="integer", id="merge_into", compact=True)
            yield Label(t("form.note_optional"))
            yield Input(placeholder=t("form.note_hint"), id="note", compact=True)
            yield Static(id="form-error")
            yield Label(t("merge.keys"), classes="dim")

    def on_mount(self) -> None:
        super().on_mount()
        t, labels = self.t, self.labels
        self.candidates = likely_masters(self.gg, self.issue)
        table = self.query_one("#masters", DataTable)
        for key in ("id", "status", "area", "title", "reported"):
            table.add_column(t(f"column.{key}"), key=key)
        for issue in self.candidates:
            table.add_row(plain(issue.id), plain(t.status(issue.status)), plain(labels.place(issue.area_code, short=True)),
                          plain(issue.title), plain(labels.when(issue.reported_at)), key=str(issue.id))
        if self.candidates:
            self.query_one("#masters-none").display = False
            table.focus()
        else:
            table.display = False
            self.query_one("#masters-none", Static).update(t("merge.none"))
            self.query_one("#merge_into", Input).focus()

    @on(DataTable.RowHighlighted, "#masters")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.query_one("#merge_into", Input).value = event.row_key.value

    @on(DataTable.RowSelected, "#masters")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.query_one("#merge_into", Input).value = str(event.row_key.value)
        self.action_submit()

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()

    def master(self) -> Issue | None:
        """The case typed or picked, read as the actor may see it; None after saying why not."""
        raw = self.query_one("#merge_into", Input).value.strip()
        if not raw.isdigit():
            return self._error(self.t("form.need_merge"))
        number = int(raw)
        if number == self.issue.id:
            return self._error(self.t("merge.itself"))
        try:
            return self.platform.issues.get(self.actor, number)
        except (AccessDenied, NotFound) as exc:
            return self._error(str(exc))

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(plain(message))
        return None

    def action_submit(self) -> None:
        master = self.master()
        if master is not None:
            self.dismiss({"merge_into": master.id, "note": self.query_one("#note", Input).value.strip(),
                          "master": master})

    def action_cancel(self) -> None:
        self.dismiss(None)

