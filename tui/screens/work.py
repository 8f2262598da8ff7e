"""My work: the cases waiting on the person using the UI, overdue first, then soonest
due, each with the step that is theirs (accept, resolve, verify…). The home screen of
handlers, officers and mediators; key 5 for everybody else. Enter opens a case; the list
reloads when a case changed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from ..labels import OVERDUE_STYLE, due_state, plain
from ..messages import OpenIssue
from ..widgets.issue_table import IssueTable
from ..widgets.who_bar import WhoBar
from ..work import waiting_on
from .base import GridgovScreen


class WorkScreen(GridgovScreen):
    BINDINGS = [Binding("r", "reload", "Reload", id="work.reload")]

    def __init__(self) -> None:
        super().__init__()
        self.seen_changes = -1
        self.items: list = []

    def compose(self) -> ComposeResult:
        yield WhoBar(self.t("nav.work"))
        yield Static(id="work-summary")
        yield IssueTable(id="work", extra="next")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        if self.seen_changes != self.gg.changes:
            self.reload()
        self.query_one(IssueTable).focus()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.seen_changes = self.gg.changes
        now = self.platform.now()
        self.items, more = waiting_on(self.platform, self.actor)
        table = self.query_one(IssueTable)
        steps = {item.issue.id: " / ".join(self.labels.action(a) for a in item.actions) for item in self.items}
        table.show([item.issue for item in self.items], now, steps)
        states = [due_state(self.platform, item.issue, now) for item in self.items]
        summary = self.query_one("#work-summary", Static)
        if not self.items:
            summary.update(plain(self.t("work.nothing"), "dim"))
            return
        text = Text(self.t("work.summary", n=len(self.items)), style="bold")
        overdue, today = states.count("overdue"), states.count("today")
        if overdue:
            text.append("  " + self.t("work.overdue", n=overdue), style=OVERDUE_STYLE)
        if today:
            text.append("  " + self.t("work.today", n=today), style="bold yellow")
        if more:
            text.append("  " + self.t("work.more"), style="dim")
        summary.update(text)

    @on(DataTable.RowSelected, "#work")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.post_message(OpenIssue(int(event.row_key.value)))
