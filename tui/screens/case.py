"""Case: one issue's fields and event timeline, and only the actions this actor may take
on it now — each on its transition's key, in the footer and in the command palette.

Every action sends the version the screen shows; if somebody changed the case in the
meantime the core refuses with a stale-update error, and the screen says so and reloads.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from gridgov.core import AccessDenied, GridgovError, Issue, NotFound, StaleUpdate
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from ..keys import localize_bindings
from ..messages import IssueChanged
from ..widgets.timeline import Timeline
from ..widgets.who_bar import WhoBar
from .action_form import ActionForm
from .base import GridgovScreen


class CaseScreen(GridgovScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="case.back"),
        Binding("r", "reload", "Reload", id="case.reload"),
    ]

    def __init__(self, issue_id: int) -> None:
        super().__init__()
        self.issue_id = issue_id
        self.issue: Issue | None = None
        self.actions: list[str] = []
        self._base_bindings = self._bindings.copy()

    def compose(self) -> ComposeResult:
        yield WhoBar(self.t("case.title", id=self.issue_id))
        with Horizontal(id="case-body"):
            with VerticalScroll(id="case-fields-box"):
                yield Static(id="case-fields")
            yield Timeline(id="timeline")
        yield Static(id="case-actions")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading --------------------------------------------------------------------------

    def load(self) -> None:
        try:
            self.issue = self.platform.issues.get(self.actor, self.issue_id)
        except (AccessDenied, NotFound) as exc:
            self.notify(self.t("case.cannot_show", id=self.issue_id, error=exc), severity="error")
            self.issue = None
            self.actions = []
            self._bind_actions()
            self.call_after_refresh(self.dismiss_if_top)
            return
        self.actions = self.platform.issues.available_actions(self.actor, self.issue)
        self.query_one("#case-fields", Static).update(self._fields(self.issue))
        self.query_one(Timeline).show(self.platform.issues.events(self.actor, self.issue_id))
        self._bind_actions()
        self._show_actions()

    def dismiss_if_top(self) -> None:
        if self.app.screen is self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def _bind_actions(self) -> None:
        """Bind each available action's key (transition.key) to ``act('<action>')``."""
        bindings = self._base_bindings.copy()
        for action in self.actions:
            transition = self.platform.transitions[action]
            if transition.key:
                bindings.key_to_bindings.setdefault(transition.key, []).insert(
                    0, Binding(transition.key, f"act('{action}')", self.labels.action(action), id=f"case.act.{action}")
                )
        self._bindings = bindings
        localize_bindings(self, self.t)
        self.refresh_bindings()

    def _show_actions(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if not self.actions:
            text.append(self.t("case.no_actions"), style="dim")
        for action in self.actions:
            key = self.platform.transitions[action].key
            text.append(f" {key or '·'} ", style="reverse bold")
            text.append(f" {self.labels.action(action)}  ")
        self.query_one("#case-actions", Static).update(text)

    def _fields(self, issue: Issue) -> Table:
        t, labels = self.t, self.labels
        now = self.platform.now()
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        due = Text(labels.when(issue.due_at))
        if issue.overdue_at(now):
            due.append(f" {t('case.overdue')}", style="bold red")
        assignee = " / ".join(x for x in (labels.organisation(issue.assignee_org) if issue.assignee_org else "",
                                          issue.assignee_member or "") if x) or "—"
        rows: list[tuple[str, Any]] = [
            ("title", Text(issue.title, style="bold")),
            ("status", t.status(issue.status)),
            ("due", due),
            ("assignee", assignee),
            ("area", f"{labels.area(issue.area_code)} {issue.area_code}"),
            ("handling", f"{labels.area(issue.handling_area)} · {t.level(issue.level)}"),
            ("category", f"{labels.category(issue.category)} · {t.priority(issue.priority)}"),
            ("requester", " ".join(x for x in (issue.requester_name, issue.requester_phone) if x) or "—"),
            ("reported", f"{labels.when(issue.reported_at)} · {issue.reporter or '—'}"),
            ("rating", t.rating(issue.rating)),
            ("counts", t("case.counts", rework=issue.rework_count, returns=issue.return_count,
                         escalations=issue.escalation_count, urges=issue.urge_count)),
            ("description", issue.description or "—"),
        ]
        if issue.merged_into:
            rows.insert(2, ("merged_into", f"#{issue.merged_into}"))
        for key, value in rows:
            table.add_row(t(f"field.{key}"), value)
        return table

    # -- acting ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss_if_top()

    def action_reload(self) -> None:
        self.load()

    def action_act(self, action: str) -> None:
        if self.issue is None or action not in self.actions:
            return
        transition = self.platform.transitions[action]
        if transition.requires:
            self.app.push_screen(ActionForm(self.issue, transition), partial(self._submitted, action))
        else:
            self.perform(action, {})

    def _submitted(self, action: str, values: dict[str, Any] | None) -> None:
        if values is not None:
            self.perform(action, values)

    def perform(self, action: str, values: dict[str, Any]) -> None:
        assert self.issue is not None
        try:
            self.platform.issues.act(self.actor, self.issue_id, action, expected_version=self.issue.version, **values)
        except StaleUpdate:
            self.notify(self.t("case.stale", id=self.issue_id), severity="warning")
        except GridgovError as exc:
            self.notify(str(exc), title=self.labels.action(action), severity="error")
        else:
            self.notify(self.t("case.done", action=self.labels.action(action), id=self.issue_id))
            self.app.post_message(IssueChanged(self.issue_id, action))
        self.load()

    def palette_entries(self) -> Iterator[tuple[str, str, Any]]:
        for action in self.actions:
            key = self.platform.transitions[action].key
            yield (f"{self.labels.action(action)} #{self.issue_id}", self.t("palette.action", key=key or "—"),
                   partial(self.action_act, action))
