"""Horizontal bars: the share of closed cases settled at each level of the area tree."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static


class LevelBars(Static):
    DEFAULT_CSS = """
    LevelBars { height: auto; min-height: 3; border: round $primary-darken-1; padding: 0 1; }
    """

    def show(self, shares: list[tuple[str, float]], empty: str) -> None:
        if not shares:
            self.update(Text(empty, style="dim"))
            return
        label_width = max(cell_len(label) for label, _ in shares)
        width = max(10, (self.size.width or 40) - label_width - 12)
        text = Text(no_wrap=True)
        for i, (label, share) in enumerate(shares):
            pad = " " * (label_width - cell_len(label))
            filled = round(share * width)
            if i:
                text.append("\n")
            text.append(f"{label}{pad} ")
            text.append("█" * filled, style="green")
            text.append("░" * (width - filled), style="dim")
            text.append(f" {share * 100:5.1f}%")
        self.update(text)
