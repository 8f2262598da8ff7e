"""Queue: the cases in the actor's scope, soonest due first, one page from the database
at a time, with filters (status, category, level, overdue) and full-text search (every
word typed must occur, in the title or the description; an empty result says what was
searched). ``#`` opens a case by its number, whatever its status (a closed case a
resident complains about).

Only the page on screen is read (``limit``/``offset``); the total is counted once per
change of filters, not per page. On a scope of more than :data:`BACKGROUND_FROM` cases
the count and the page are read in a worker thread, so keys answer at once while a
million-case scope is counted or searched; the pager says what is being looked for, and
only the answer to the latest filters is shown.
"""

from __future__ import annotations

from typing import Any

from gridgov.core import STATES, GridgovError, Issue
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Footer, Input, Select, Static

from ..labels import plain
from ..messages import OpenIssue
from ..widgets.issue_table import IssueTable
from ..widgets.who_bar import WhoBar
from .base import GridgovScreen
from .goto import GotoCase

PAGE_SIZE = 50
BACKGROUND_FROM = 20_000
"""Scopes that have received more cases than this are counted and searched off the UI thread."""


class QueueScreen(GridgovScreen):
    BINDINGS = [
        Binding("n,pagedown", "page(1)", "Next page", id="queue.next"),
        Binding("p,pageup", "page(-1)", "Previous page", id="queue.previous"),
        Binding("slash", "focus_search", "Search", id="queue.search", key_display="/"),
        Binding("o", "toggle_overdue", "Overdue", id="queue.overdue"),
        Binding("r", "reload", "Reload", id="queue.reload"),
        # Named in the pager line: the footer at 80 columns has no room left.
        Binding("number_sign", "goto", "Case #", id="queue.goto", key_display="#", show=False),
    ]

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.page_size = page_size
        self.page = 0
        self.total = 0
        self.seen_changes = -1
        self.loaded_filters: dict[str, Any] | None = None
        self.background: bool | None = None
        self.generation = 0

    def compose(self) -> ComposeResult:
        t = self.t
        yield WhoBar(t("nav.queue"))
        with Horizontal(id="filters"):
            yield Input(placeholder=t("queue.search_hint"), id="search", compact=True)
            yield Select(
                [(t("queue.open"), "open"), (t("queue.all"), "all")] + [(t.status(s), s) for s in STATES],
                value="open", allow_blank=False, id="status", compact=True,
            )
            yield Select(
                [(self.labels.category(c), c) for c in self.platform.categories],
                prompt=t("queue.any_category"), id="category", compact=True,
            )
            yield Select(
                [(t.level(level), level) for level in self.platform.areas.levels()],
                prompt=t("queue.any_level"), id="level", compact=True,
            )
            yield Checkbox(t("queue.overdue_only"), id="overdue", compact=True)
        yield IssueTable(id="queue")
        yield Static(id="pager")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        if self.seen_changes != self.gg.changes:
            self.reload(recount=True)
        self.query_one(IssueTable).focus()

    # -- the query ------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        status = self.query_one("#status", Select).value
        category = self.query_one("#category", Select).value
        level = self.query_one("#level", Select).value
        search = self.query_one("#search", Input).value.strip()
        return {
            "open_only": status == "open",
            "status": None if status in ("open", "all") else status,
            "category": None if category is Select.NULL else category,
            "level": None if level is Select.NULL else level,
            "overdue": self.query_one("#overdue", Checkbox).value,
            "search": search or None,
        }

    def reload(self, *, recount: bool = True) -> None:
        self.seen_changes = self.gg.changes
        filters = self.filters()
        self.loaded_filters = filters
        self.generation += 1
        if self.background is None:
            self.background = self.platform.issues.scope_size(self.actor) > BACKGROUND_FROM
        if self.background:
            waiting = self.t("queue.searching", search=filters["search"]) if filters["search"] else self.t("queue.loading")
            self.query_one("#pager", Static).update(plain(waiting))
            self._load_in_background(filters, recount, self.page, self.generation)
            return
        total, rows = self._query(filters, recount, self.page)
        self._show(filters, total, rows)

    def _query(self, filters: dict[str, Any], recount: bool, page: int) -> tuple[int | None, list[Issue]]:
        issues = self.platform.issues
        total = issues.count(self.actor, **filters) if recount else None
        if total is not None:
            page = min(page, max(0, -(-total // self.page_size) - 1))
        return total, issues.list(self.actor, **filters, limit=self.page_size, offset=page * self.page_size)

    @work(thread=True, exclusive=True, group="queue-load", exit_on_error=False)
    def _load_in_background(self, filters: dict[str, Any], recount: bool, page: int, generation: int) -> None:
        try:
            total, rows = self._query(filters, recount, page)
        except GridgovError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._arrive, generation, filters, total, rows)

    def _arrive(self, generation: int, filters: dict[str, Any], total: int | None, rows: list[Issue]) -> None:
        if generation == self.generation:  # an answer to filters since changed is dropped
            self._show(filters, total, rows)

    def _show(self, filters: dict[str, Any], total: int | None, rows: list[Issue]) -> None:
        if total is not None:
            self.total = total
            self.page = min(self.page, max(0, self.pages - 1))
        self.query_one(IssueTable).show(rows, self.platform.now())
        pager = self.query_one("#pager", Static)
        if not self.total and filters["search"]:
            pager.update(plain(self.t("queue.no_match", search=filters["search"])))
        else:
            pager.update(plain(self.t("queue.pager", page=self.page + 1, pages=self.pages, total=self.total)))

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    # -- actions ---------------------------------------------------------------------------

    def action_page(self, step: int) -> None:
        page = min(max(0, self.page + step), self.pages - 1)
        if page != self.page:
            self.page = page
            self.reload(recount=False)
            self.query_one(IssueTable).move_cursor(row=0)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#overdue", Checkbox)
        box.value = not box.value

    def action_reload(self) -> None:
        self.reload(recount=True)

    def action_goto(self) -> None:
        self.app.push_screen(GotoCase(), lambda number: self.app.post_message(OpenIssue(number)) if number else None)

    @on(Input.Submitted, "#search")
    def _search(self) -> None:
        self.page = 0
        self.reload()
        self.query_one(IssueTable).focus()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filter_changed(self) -> None:
        """Reload from the first page when a filter really changed (selects also report
        their initial value when they are mounted)."""
        if self.loaded_filters is not None and self.filters() != self.loaded_filters:
            self.page = 0
            self.reload()

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.post_message(OpenIssue(int(event.row_key.value)))
