"""Show the requester's full number, for a call: only with a reason, and logged.

The case screen shows the phone masked. Calling the resident back needs the number, so
this dialog asks why; the core checks ``personal.unmask`` over the case's place, refuses
an empty reason and writes the view to the access log with the reason. Without a reason
nothing is shown; the number stays in this dialog and is gone when it closes."""

from __future__ import annotations

from gridgov.core import GridgovError, Issue
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from ..labels import plain
from .base import GridgovModal


class UnmaskDialog(GridgovModal):
    BINDINGS = [Binding("escape", "close", "Close", id="unmask.close")]

    def __init__(self, issue: Issue) -> None:
        super().__init__()
        self.issue = issue
        self.shown: str | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="unmask", classes="dialog"):
            yield Label(plain(t("unmask.title", id=self.issue.id)), classes="dialog-title")
            yield Static(plain(t("unmask.masked", phone=self.issue.requester_phone or "—")))
            yield Label(t("unmask.reason"))
            yield Input(placeholder=t("unmask.reason_hint"), id="reason", max_length=200)
            yield Static(id="form-error")
            yield Static(id="unmask-number")
            yield Label(t("unmask.keys"), classes="dim")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _show(self, event: Input.Submitted) -> None:
        error = self.query_one("#form-error", Static)
        number = self.query_one("#unmask-number", Static)
        reason = event.value.strip()
        if not reason:
            error.update(plain(self.t("unmask.need_reason")))
            return
        try:
            issue = self.platform.issues.get(self.actor, self.issue.id, unmask_reason=reason)
        except GridgovError as exc:
            error.update(plain(str(exc)))
            return
        error.update("")
        self.shown = issue.requester_phone
        text = Text(self.t("unmask.number"), style="bold")
        text.append(f" {issue.requester_phone or '—'}", style="bold reverse")
        if issue.requester_name:
            text.append(f"  {issue.requester_name}")
        text.append("\n" + self.t("unmask.logged"), style="dim")
        number.update(text)

    def action_close(self) -> None:
        self.dismiss(None)
