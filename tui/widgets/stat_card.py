"""A small bordered card: a big number or rate under its label."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatCard(Static):
    DEFAULT_CSS = """
    StatCard { border: round $primary-darken-1; height: 3; width: 1fr; min-width: 10; padding: 0 1; }
    StatCard.warn { border: round $warning; }
    StatCard.bad { border: round $error; }
    """

    def __init__(self, label: str, value: str = "—", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = label
        self.value = value

    def set_value(self, value: str, note: str = "") -> None:
        self.value = value
        text = Text(value, style="bold")
        if note:
            text.append(f"\n{note}", style="dim")
        self.update(text)

    def on_mount(self) -> None:
        self.set_value(self.value)
