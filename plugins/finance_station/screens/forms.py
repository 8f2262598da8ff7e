"""A small modal form on the SDK's :class:`~gridgov.tui.plugin.FormScreen`: labelled inputs
(and optional yes/no switches); dismisses with the values typed, or None when cancelled.
The calling screen does the work with them and shows a refusal itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gridgov.tui.plugin import FormScreen, field_row
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Label


class FormModal(FormScreen):
    def __init__(self, ctx: Any, title: str, fields: Sequence[tuple[str, str, str]],
                 switches: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(ctx)
        self.title_text = title
        self.inputs = list(fields)
        self.switches = list(switches)

    def fields(self) -> ComposeResult:
        yield Label(self.title_text, id="form-title", classes="title")
        for name, label, value in self.inputs:
            yield field_row(label, Input(value=value, id=f"field-{name}"))
        for name, label in self.switches:
            yield Checkbox(label, id=f"switch-{name}")

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: self.text(f"field-{name}").strip() for name, _, _ in self.inputs}
        data.update({name: self.query_one(f"#switch-{name}", Checkbox).value for name, _ in self.switches})
        return data
