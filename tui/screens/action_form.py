"""The form an action needs before it runs: a dispatch target (found by any part of its
name or its code; empty lets the router choose), the master issue of a merge, a rating
(none chosen in advance: the requester's answer is typed in, not assumed), a reason or
result note. An escalation says where the case will go. A call-back records its outcome
(reached, not reached, asked to call later) at the head of the note; a handler's result
may bring files (paths, ``;`` between them). Enter in the last field or Ctrl+S confirms,
Esc cancels.

With ``submit`` the form takes the action itself and stays open on a refusal, showing
the core's reason in its error line, so what was typed can be corrected.

:class:`ConfirmAction` asks before an action that needs nothing typed but cannot be taken
back lightly (verify: the case then goes to closing), showing what is being confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gridgov.core import RATINGS, Issue, Transition
from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from ..attachments import FileProblem, read_files
from ..labels import plain
from ..widgets.finder import FinderInput, Matches
from ..widgets.suggesters import resolve_target, target_search
from .base import GridgovModal

OUTCOMES = ("reached", "not_reached", "call_later")
OUTCOME_ACTIONS = frozenset({"callback"})
"""Actions whose note starts with the outcome chosen in the form."""
ATTACH_ACTIONS = frozenset({"resolve"})
"""Actions whose form takes files, attached at the step the action writes."""


class ActionForm(GridgovModal):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Confirm", id="form.submit"),
    ]

    def __init__(self, issue: Issue, transition: Transition, *, info: Text | None = None,
                 submit: Callable[[dict[str, Any]], str | None] | None = None) -> None:
        super().__init__()
        self.issue = issue
        self.transition = transition
        self.info = info
        self.submit = submit

    def compose(self) -> ComposeResult:
        t, req = self.t, self.transition.requires
        with Vertical(id="action-form", classes="dialog"):
            yield Label(plain(t("form.title", action=self.labels.action(self.transition.action), id=self.issue.id)),
                        classes="dialog-title")
            if self.transition.action == "escalate":
                yield Static(self._destination(), id="destination")
            if self.info is not None:
                yield Static(self.info, id="form-info")
            if "target" in req:
                yield Label(t("form.target"))
                yield FinderInput(placeholder=t("form.target_hint"), id="target")
                yield Matches("target", target_search(self.gg, self.issue.handling_area or self.issue.area_code))
            if "merge_into" in req:
                yield Label(t("form.merge_into"))
                yield Input(placeholder="123", type="integer", id="merge_into")
            if "rating" in req:
                yield Label(t("form.rating"))
                yield Select([(t.rating(r), r) for r in RATINGS], prompt=t("form.choose_rating"), id="rating")
            if self.transition.action in OUTCOME_ACTIONS:
                yield Label(t("form.outcome"))
                yield Select([(t(f"outcome.{o}"), o) for o in OUTCOMES], prompt=t("form.choose_outcome"),
                             id="outcome")
            note_needed = "note" in req and self.transition.action not in OUTCOME_ACTIONS
            yield Label(t("form.note") if note_needed else t("form.note_optional"))
            yield Input(placeholder=t("form.note_hint"), id="note")
            if self.transition.action in ATTACH_ACTIONS:
                yield Label(t("form.files"))
                yield Input(placeholder=t("form.files_hint"), id="files")
            yield Static(id="form-error")
            yield Label(t("form.keys"), classes="dim")

    def on_mount(self) -> None:
        super().on_mount()
        first = next(iter(self.query("Input, Select")), None)
        if first is not None:
            first.focus()

    def _destination(self) -> Text:
        """Where an escalated case goes: the area above, its level and its dispatchers."""
        areas = self.platform.areas
        here = self.issue.handling_area or self.issue.area_code
        parent = areas.get(here).parent_code
        if parent is None:
            return plain(self.t("form.no_level_above"), "dim")
        area = areas.get(parent)
        desks = self.platform.members.holders("dispatcher", parent)
        text = Text(self.t("form.goes_to"), style="bold")
        text.append(f" {area.name} ({self.t.level(area.level)})")
        if desks:
            text.append("\n" + self.t("form.desks", logins=", ".join(desks)), style="dim")
        return text

    @on(Input.Changed, "#target")
    def _target_changed(self, event: Input.Changed) -> None:
        self.query_one("#target-matches", Matches).update_for(event.value)

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
            rating = self.query_one("#rating", Select).value
            if rating is Select.NULL:
                return self._error(t("form.need_rating"))
            out["rating"] = rating
        note = self.query_one("#note", Input).value.strip()
        if self.transition.action in OUTCOME_ACTIONS:
            outcome = self.query_one("#outcome", Select).value
            if outcome is Select.NULL:
                return self._error(t("form.need_outcome"))
            # The core keeps one note: the outcome leads it, so the log reads as a call record.
            note = f"{t(f'outcome.{outcome}')}{t('form.outcome_sep')}{note}" if note else t(f"outcome.{outcome}")
        if "note" in req and not note:
            return self._error(t("form.need_note"))
        out["note"] = note
        if self.transition.action in ATTACH_ACTIONS:
            try:
                out["files"] = read_files(self.query_one("#files", Input).value)
            except FileProblem as exc:
                return self._error(str(exc))
        return out

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(plain(message))
        return None

    def action_submit(self) -> None:
        values = self.values()
        if values is None:
            return
        if self.submit is not None:
            refusal = self.submit(values)
            if refusal:
                self._error(refusal)
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter confirms; in a target field that names nobody yet, it takes the first
        match instead."""
        if event.input.id == "target" and resolve_target(self.platform, event.value) is None:
            matches = self.query_one("#target-matches", Matches)
            if matches.values:
                event.input.value = matches.values[0]
                matches.hide()
                return
        self.action_submit()


class ConfirmAction(GridgovModal):
    """``y`` takes the action, ``n`` or Esc (or Enter on the focused Cancel) does not."""

    BINDINGS = [
        Binding("y", "confirm", "Yes", id="confirm.yes"),
        Binding("n,escape", "cancel", "No", id="confirm.no"),
    ]

    def __init__(self, issue: Issue, transition: Transition, detail: RenderableType, *, wide: bool = False) -> None:
        super().__init__()
        self.issue = issue
        self.transition = transition
        self.detail = detail
        self.wide = wide

    def compose(self) -> ComposeResult:
        t = self.t
        action = self.labels.action(self.transition.action)
        with Vertical(id="confirm", classes="dialog wide" if self.wide else "dialog"):
            yield Label(plain(t("confirm.title", action=action, id=self.issue.id)), classes="dialog-title")
            yield Static(self.detail, id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(t("confirm.cancel"), id="confirm-cancel")
                yield Button(t("confirm.do", action=action), id="confirm-do", variant="warning")
            yield Label(t("confirm.keys", action=action), classes="dim")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#confirm-cancel", Button).focus()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-do")
