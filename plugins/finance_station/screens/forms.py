"""A small modal form: labelled inputs (and optional yes/no switches); dismisses with the
values typed, or None when cancelled."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label


class FormModal(ModalScreen[dict | None]):
    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > Vertical { width: 64; height: auto; border: round $accent; padding: 1 2; background: $surface; }
    FormModal Input { margin-bottom: 1; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        fields: Sequence[tuple[str, str, str]],
        switches: Sequence[tuple[str, str]] = (),
        ok: str = "OK",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.switches = list(switches)
        self.ok = ok

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="form-title")
            for name, label, value in self.fields:
                yield Label(label)
                yield Input(value=value, id=f"field-{name}")
            for name, label in self.switches:
                yield Checkbox(label, id=f"switch-{name}")
            yield Button(self.ok, variant="primary", id="form-ok")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0][0]}", Input).focus()

    def values(self) -> dict:
        data: dict = {
            name: self.query_one(f"#field-{name}", Input).value.strip()
            for name, _, _ in self.fields
        }
        data.update(
            {name: self.query_one(f"#switch-{name}", Checkbox).value for name, _ in self.switches}
        )
        return data

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(self.values())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)
