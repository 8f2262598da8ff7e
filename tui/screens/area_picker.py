"""Pick an area from the tree (children load when a branch opens, never the whole tree)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from ..widgets.area_tree import AreaTree
from .base import GridgovModal


class AreaPicker(GridgovModal):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, roots: list[str]) -> None:
        super().__init__()
        self.roots = roots

    def compose(self) -> ComposeResult:
        with Vertical(id="area-picker", classes="dialog"):
            yield Label(self.t("intake.pick_area"), classes="dialog-title")
            yield AreaTree(self.roots, id="picker-tree")
            yield Label(self.t("picker.keys"), classes="dim")

    @on(AreaTree.NodeSelected)
    def _chosen(self, event: AreaTree.NodeSelected) -> None:
        if event.node.data:
            self.dismiss(event.node.data)

    def action_cancel(self) -> None:
        self.dismiss(None)
