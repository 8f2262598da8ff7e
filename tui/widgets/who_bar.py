"""The one-line header: who is working, in which post, over which scope."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class WhoBar(Static):
    DEFAULT_CSS = """
    WhoBar { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }
    """

    def __init__(self, section: str = "") -> None:
        super().__init__(id="who")
        self.section = section

    def on_mount(self) -> None:
        app = self.app
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("gridgov", style="bold")
        if self.section:
            text.append(f" › {self.section}", style="bold")
        text.append(f"  {app.actor.name} ({app.actor.login})")
        text.append(f"  {app.labels.scope(app.actor)}", style="italic")
        self.update(text)
