"""Case: one issue's fields and event timeline, and only the actions this actor may take
on it now — each on its transition's key, in the footer and in the command palette.

Every action sends the version the screen shows; if somebody changed the case in the
meantime the core refuses with a stale-update error, and the screen says so and reloads.
An action that takes the case out of the actor's view (a return, an escalation past their
area) says where the case went and closes the screen; the list underneath reloads.
Verify asks first, showing the handler's result that is being confirmed.

The fields show where the case is (area, address, point) and the requester with the
phone masked; ``p`` shows the full number in a dialog, only with a reason (logged). A
master lists the cases merged into it with their requesters, who must be answered too
(``D`` opens one); a merged case names its master (``T`` opens it). Merge suggests the
likely masters and shows both cases before merging; a wrong merge is undone with ``M``.
The timeline lists the files attached with each step. A form's refusal by the core stays
in the form; the screen reloads after every change, and when shown again after a change
made elsewhere (a duplicate unmerged on top of its master).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any

from gridgov.core import AccessDenied, GridgovError, Issue, NotFound, StaleUpdate
from gridgov.core.access import UNMASK
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from ..attachments import attach_all
from ..keys import localize_bindings
from ..labels import OVERDUE_STYLE, plain
from ..messages import OpenIssue
from ..widgets.timeline import Timeline
from ..widgets.who_bar import WhoBar
from .action_form import ActionForm, ConfirmAction
from .base import GridgovScreen
from .case_picker import CasePicker
from .merge import MergeForm, requester, side_by_side
from .unmask import UnmaskDialog


def degrees(value: float) -> str:
    """A coordinate to six places (about 0.1 m), without trailing zeros: ``22.69``."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


CONFIRM = frozenset({"verify"})
"""Actions that need nothing typed but are asked about first."""


class CaseScreen(GridgovScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="case.back"),
        Binding("r", "reload", "Reload", id="case.reload"),
        Binding("p", "unmask", "Show number", id="case.unmask"),
        Binding("D", "duplicates", "Duplicates", id="case.duplicates"),
        Binding("T", "master", "Master case", id="case.master"),
    ]

    def __init__(self, issue_id: int) -> None:
        super().__init__()
        self.issue_id = issue_id
        self.issue: Issue | None = None
        self.actions: list[str] = []
        self.result_note = ""
        self.duplicates: list[Issue] = []
        self.seen_changes = -1
        self._done: tuple[str, Issue] | None = None
        self._base_bindings = self._bindings.copy()

    def compose(self) -> ComposeResult:
        yield WhoBar(self.t("case.title", id=self.issue_id))
        with Horizontal(id="case-body"):
            with VerticalScroll(id="case-fields-box"):
                yield Static(id="case-fields")
            yield Timeline(id="timeline")
        yield Static(id="case-actions")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def on_screen_resume(self) -> None:
        if self.seen_changes != self.gg.changes:
            self.load()

    # -- loading --------------------------------------------------------------------------

    def load(self) -> None:
        self.seen_changes = self.gg.changes
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
        events = self.platform.issues.events(self.actor, self.issue_id)
        self.result_note = next((e.note for e in reversed(events) if e.action == "resolve" and e.note), "")
        self.duplicates = self.platform.issues.duplicates(self.actor, self.issue_id)
        attachments = self.platform.issues.attachments(self.actor, self.issue_id)
        for attachment in attachments:
            if isinstance(attachment["at"], str):
                attachment["at"] = dt.datetime.fromisoformat(attachment["at"])
        self.query_one("#case-fields", Static).update(self._fields(self.issue))
        self.query_one(Timeline).show(events, attachments)
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
                # The action bar above the footer lists them; the footer keeps room for the rest.
                bindings.key_to_bindings.setdefault(transition.key, []).insert(
                    0, Binding(transition.key, f"act('{action}')", self.labels.action(action), id=f"case.act.{action}",
                               show=False)
                )
        self._bindings = bindings
        localize_bindings(self, self.t)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys for the phone, the duplicates and the master only where they apply."""
        issue = self.issue
        if action == "unmask":
            return issue is not None and bool(issue.requester_phone) and self.actor.covers(UNMASK, issue.area_path)
        if action == "duplicates":
            return bool(self.duplicates)
        if action == "master":
            return issue is not None and issue.merged_into is not None
        return True

    def _show_actions(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if not self.actions:
            text.append(self.t("case.no_actions"), style="dim")
        for action in self.actions:
            key = self.platform.transitions[action].key
            text.append(f" {key or '·'} ", style="reverse bold")
            text.append(f" {self.labels.action(action)}  ")
        self.query_one("#case-actions", Static).update(text)

    def _deadline(self, issue: Issue, which: str) -> Text:
        due = getattr(issue, f"{which}_due")
        text = plain(self.labels.when(due))
        applies = issue.is_open and issue.due_at is not None and issue.due_at == due
        if applies:
            text.append(f"  ← {self.t('case.applies_now')}", style="dim")
            if issue.overdue_at(self.platform.now()):
                text.append(f" {self.t('case.overdue')}", style=OVERDUE_STYLE)
        return text

    def _fields(self, issue: Issue) -> Table:
        t, labels = self.t, self.labels
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        assignee = " / ".join(x for x in (labels.organisation(issue.assignee_org) if issue.assignee_org else "",
                                          issue.assignee_member or "") if x) or "—"
        rows: list[tuple[str, Any]] = [
            ("title", plain(issue.title, "bold")),
            ("status", plain(t.status(issue.status))),
            *([(f"{issue.due_stage}_due", self._deadline(issue, issue.due_stage))]
              if issue.is_open and issue.due_stage in ("register", "dispatch") else []),
            ("response_due", self._deadline(issue, "response")),
            ("resolve_due", self._deadline(issue, "resolve")),
            ("assignee", plain(assignee)),
            ("area", plain(f"{labels.place(issue.area_code)} {issue.area_code}")),
            ("handling", plain(f"{labels.area(issue.handling_area)} · {t.level(issue.level)}")),
            ("category", plain(f"{labels.category(issue.category)} · {t.priority(issue.priority)}")),
            ("requester", plain(requester(issue))),
            *([("address", plain(issue.address))] if issue.address else []),
            *([("point", plain(f"{degrees(issue.lat)}, {degrees(issue.lon)}"))]
              if issue.lat is not None and issue.lon is not None else []),
            ("reported", plain(f"{labels.when(issue.reported_at)} · {issue.reporter or '—'}")),
            ("rating", plain(t.rating(issue.rating))),
            ("counts", plain(t("case.counts", rework=issue.rework_count, returns=issue.return_count,
                               escalations=issue.escalation_count, urges=issue.urge_count,
                               callbacks=issue.callback_count))),
            ("description", plain(issue.description or "—")),
        ]
        if self.result_note:
            rows.insert(5, ("result", plain(self.result_note)))
        if issue.merged_into:
            rows.insert(2, ("merged_into", plain(f"#{issue.merged_into}")))
        if self.duplicates:  # near the top: visible without scrolling on a small terminal
            rows.insert(2, ("duplicates", self._duplicates()))
        for key, value in rows:
            table.add_row(t(f"field.{key}"), value)
        return table

    def _duplicates(self) -> Text:
        """The cases merged into this one, each with its requester: they are owed an answer too."""
        text = Text(self.t("case.answer_them", n=len(self.duplicates)), style="dim")
        for dup in self.duplicates:
            text.append(f"\n#{dup.id} ", style="bold")
            text.append(f"{requester(dup)} · ")
            text.append(dup.title)
        return text

    # -- acting ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss_if_top()

    def action_reload(self) -> None:
        self.load()

    def action_act(self, action: str) -> None:
        if self.issue is None or action not in self.actions:
            return
        transition = self.platform.transitions[action]
        if action == "merge":
            self.app.push_screen(MergeForm(self.issue), self._merge_chosen)
        elif transition.requires:
            info = self._answer_too() if transition.closes else None
            self.app.push_screen(ActionForm(self.issue, transition, info=info, submit=partial(self.attempt, action)),
                                 partial(self._submitted, action))
        elif action in CONFIRM:
            detail = Text(self.t("confirm.result"), style="bold")
            detail.append("\n")
            detail.append(self.result_note or self.t("confirm.no_result"), style="" if self.result_note else "dim")
            self.app.push_screen(ConfirmAction(self.issue, transition, detail),
                                 lambda yes: self.perform(action, {}) if yes else None)
        else:
            self.perform(action, {})

    def _answer_too(self) -> Text | None:
        """On closing a master: the duplicates' requesters, to be answered as well."""
        if not self.duplicates:
            return None
        text = Text(self.t("case.answer_too"), style="bold")
        for dup in self.duplicates:
            text.append(f"\n#{dup.id} {requester(dup)}")
        return text

    def _merge_chosen(self, values: dict[str, Any] | None) -> None:
        if values is None or self.issue is None:
            return
        master = values.pop("master")
        transition = self.platform.transitions["merge"]
        detail = side_by_side(self.t, self.labels, self.issue, master)
        self.app.push_screen(ConfirmAction(self.issue, transition, detail, wide=True),
                             lambda yes: self.perform("merge", values) if yes else None)

    def _submitted(self, action: str, values: dict[str, Any] | None) -> None:
        """After a form that took the action itself (or gave up on a stale case)."""
        if values is None:
            return
        done, self._done = self._done, None
        if done is not None and self._after(*done):
            return
        self.load()

    def _take(self, action: str, values: dict[str, Any]) -> Issue:
        """The action and the files that come with it, in one transaction: a file the
        core refuses undoes the step."""
        assert self.issue is not None
        files = values.pop("files", [])
        with self.platform.transaction():
            updated = self.platform.issues.act(self.actor, self.issue_id, action,
                                               expected_version=self.issue.version, **values)
            attach_all(self.platform, self.actor, self.issue_id, files)
        return updated

    def attempt(self, action: str, values: dict[str, Any]) -> str | None:
        """Take ``action`` from its form: the core's refusal to show in the form, or None
        (done, or the case changed meanwhile: the form closes and the screen reloads)."""
        try:
            updated = self._take(action, dict(values))
        except StaleUpdate:
            self.notify(self.t("case.stale", id=self.issue_id), severity="warning")
            return None
        except GridgovError as exc:
            return str(exc)
        self._done = (action, updated)
        return None

    def perform(self, action: str, values: dict[str, Any]) -> None:
        assert self.issue is not None
        name = self.labels.action(action)
        try:
            updated = self._take(action, dict(values))
        except StaleUpdate:
            self.notify(self.t("case.stale", id=self.issue_id), severity="warning")
        except GridgovError as exc:
            self.notify(str(exc), title=name, severity="error")
        else:
            if self._after(action, updated):
                return
        self.load()

    def _after(self, action: str, updated: Issue) -> bool:
        """Tell the app and the actor; True when the case left the actor's view (closed here)."""
        name = self.labels.action(action)
        self.gg.issue_changed(self.issue_id, action)
        self.seen_changes = self.gg.changes  # shown again after the form: nothing to reload twice
        raw = self.platform.issues.find_raw(self.issue_id)
        if raw is not None and not self.platform.issues.can_read(self.actor, raw):
            self.notify(self.t("case.left_view", action=name, id=self.issue_id, where=self._holder(updated)))
            self.dismiss_if_top()
            return True
        self.notify(self.t("case.done", action=name, id=self.issue_id))
        return False

    # -- the phone and linked cases ---------------------------------------------------------

    def action_unmask(self) -> None:
        if self.issue is not None and self.check_action("unmask", ()):
            self.app.push_screen(UnmaskDialog(self.issue))

    def action_duplicates(self) -> None:
        if self.duplicates:
            self.app.push_screen(CasePicker(self.t("case.duplicates", n=len(self.duplicates)), self.duplicates),
                                 self._open_linked)

    def action_master(self) -> None:
        if self.issue is not None and self.issue.merged_into is not None:
            self._open_linked(self.issue.merged_into)

    def _open_linked(self, issue_id: int | None) -> None:
        if issue_id is not None:
            self.app.post_message(OpenIssue(issue_id))

    def _holder(self, issue: Issue) -> str:
        """Who has the case now: its assignee, else the desk of its handling area."""
        if issue.assignee_org or issue.assignee_member:
            return self.labels.organisation(issue.assignee_org) if issue.assignee_org else str(issue.assignee_member)
        return f"{self.labels.area(issue.handling_area)} ({self.t.level(issue.level)})"

    def palette_entries(self) -> Iterator[tuple[str, str, Any]]:
        for action in self.actions:
            key = self.platform.transitions[action].key
            yield (f"{self.labels.action(action)} #{self.issue_id}", self.t("palette.action", key=key or "—"),
                   partial(self.action_act, action))
