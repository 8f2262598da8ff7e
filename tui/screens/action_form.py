"""The form an action needs before it runs: a dispatch target (with completion; empty
lets the router choose), the master issue of a merge, a rating, a reason or result note.
Enter in a field or Ctrl+S confirms, Esc cancels."""

from __future__ import annotations

from typing import Any

from gridgov.core import RATINGS, Issue, Transition
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from ..widgets.suggesters import TargetSuggester, resolve_target
from .base import GridgovModal


class ActionForm(GridgovModal):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Confirm", id="form.submit"),
    ]

    def __init__(self, issue: Issue, transition: Transition) -> None:
        super().__init__()
        self.issue = issue
        self.transition = transition

    def compose(self) -> ComposeResult:
        t, req = self.t, self.transition.requires
        with Vertical(id="action-form", classes="dialog"):
            yield Label(t("form.title", action=self.labels.action(self.transition.action), id=self.issue.id),
                        classes="dialog-title")
            if "target" in req:
                yield Label(t("form.target"))
                yield Input(placeholder=t("form.target_hint"), id="target",
                            suggester=TargetSuggester(self.platform, self.issue.area_code))
            if "merge_into" in req:
                yield Label(t("form.merge_into"))
                yield Input(placeholder="123", type="integer", id="merge_into")
            if "rating" in req:
                yield Label(t("form.rating"))
                yield Select([(t.rating(r), r) for r in RATINGS], value=RATINGS[0], allow_blank=False, id="rating")
            yield Label(t("form.note") if "note" in req else t("form.note_optional"))
            yield Input(placeholder=t("form.note_hint"), id="note")
            yield Static(id="form-error")
            yield Label(t("form.keys"), classes="dim")

    def values(self) -> dict[str, Any] | None:
        """The action's parameters, or None after showing what is missing."""
        t, req = self.t, self.transition.requires
        out: dict[str, Any] = {}
        if "target" in req:
            target = resolve_target(self.platform, self.query_one("#target", Input).value)
            if target is None:
                return self._error(t("form.unknown_target"))
            out["org"], out["member"] = target
        if "merge_into" in req:
            raw = self.query_one("#merge_into", Input).value.strip()
            if not raw.isdigit():
                return self._error(t("form.need_merge"))
            out["merge_into"] = int(raw)
        if "rating" in req:
            out["rating"] = self.query_one("#rating", Select).value
        note = self.query_one("#note", Input).value.strip()
        if "note" in req and not note:
            return self._error(t("form.need_note"))
        out["note"] = note
        return out

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)
        return None

    def action_submit(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()
