"""The area tree, loading each branch's children when it is first expanded."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode


class AreaTree(Tree[str]):
    DEFAULT_CSS = """
    AreaTree { height: 1fr; }
    """

    def __init__(self, roots: list[str], **kwargs) -> None:
        super().__init__("areas", **kwargs)
        self.root_codes = roots
        self.show_root = False
        self.guide_depth = 2

    def on_mount(self) -> None:
        platform = self.app.platform
        for code in self.root_codes:
            node = self._add(self.root, platform.areas.get(code))
            self._load(node)
            node.expand()
        self.root.expand()
        self.cursor_line = 0

    def _label(self, area) -> Text:
        return Text(f"{area.name} {area.code} · {self.app.t.level(area.level)}")

    def _add(self, parent: TreeNode[str], area) -> TreeNode[str]:
        node = parent.add(self._label(area), data=area.code, allow_expand=True)
        node._gridgov_loaded = False  # type: ignore[attr-defined]
        return node

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        self._load(event.node)

    def _load(self, node: TreeNode[str]) -> None:
        if node.data is None or getattr(node, "_gridgov_loaded", True):
            return
        node._gridgov_loaded = True  # type: ignore[attr-defined]
        children = self.app.platform.areas.children(node.data)
        for child in children:
            self._add(node, child)
        if not children:
            node.allow_expand = False
