"""What the finance screens share: the app context, the language, one-line error notices."""

from __future__ import annotations

import dataclasses
from typing import Any

from gridgov.core import GridgovError
from textual.screen import Screen
from textual.widgets import DataTable

from ..service import FinanceService

ZH_KEYS = {
    "Back": "返回", "Queue": "队列", "Firm": "查企业", "Reload": "刷新", "Open": "打开",
    "Filter": "筛选", "Refer": "转介", "Grant": "授信", "Decline": "未获授信", "Withdraw": "撤回",
    "Firm history": "企业记录",
}  # fmt: skip


class FinanceScreen(Screen):
    """A finance screen; ``ctx`` is the app (or any object with platform, actor, lang)."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.service = FinanceService(ctx.platform)

    def on_mount(self) -> None:
        """Footer key labels in the UI's language (Textual reads them from the bindings)."""
        if self.lang != "zh":
            return
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                dataclasses.replace(b, description=ZH_KEYS.get(b.description, b.description))
                for b in bindings
            ]
        self.refresh_bindings()

    @property
    def lang(self) -> str:
        return getattr(self.ctx, "lang", "en")

    @property
    def actor(self):
        return self.ctx.actor

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def fail(self, exc: GridgovError) -> None:
        self.notify(str(exc), severity="error", timeout=8)

    @staticmethod
    def selected_key(table: DataTable) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
