"""Horizontal bars: the share of closed cases settled at each level of the area tree.

The bars are drawn for the width the widget has when it is drawn, so a resize refits
them instead of wrapping a bar drawn for another width."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget


class LevelBars(Widget):
    DEFAULT_CSS = """
    LevelBars { height: auto; min-height: 3; border: round $primary-darken-1; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shares: list[tuple[str, float]] = []
        self.empty = ""

    def show(self, shares: list[tuple[str, float]], empty: str) -> None:
        self.shares, self.empty = shares, empty
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.shares))

    def render(self) -> Text:
        if not self.shares:
            return Text(self.empty, style="dim")
        label_width = max(cell_len(label) for label, _ in self.shares)
        width = max(4, self.content_region.width - label_width - 8)
        text = Text(no_wrap=True, overflow="crop")
        for i, (label, share) in enumerate(self.shares):
            pad = " " * (label_width - cell_len(label))
            filled = round(share * width)
            if i:
                text.append("\n")
            text.append(f"{label}{pad} ")
            text.append("█" * filled, style="green")
            text.append("░" * (width - filled), style="dim")
            text.append(f" {share * 100:5.1f}%")
        return text
