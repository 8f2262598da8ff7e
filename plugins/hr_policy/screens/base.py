"""What the HR screens share: the app context (platform, actor, language) and a table
helper. Screens only call :class:`HrPolicyService`; no rules live here."""

from __future__ import annotations

from typing import Any

from gridgov.core import GridgovError
from textual.screen import Screen
from textual.widgets import DataTable

from ..service import HrPolicyService


class HrScreen(Screen):
    """A screen of the HR plugin; ``ctx`` has ``platform``, ``actor`` and ``lang``."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    HrScreen DataTable { height: 1fr; }
    HrScreen SelectionList { height: auto; max-height: 12; }
    HrScreen Horizontal { height: auto; }
    HrScreen Horizontal Input { width: 1fr; }
    HrScreen Horizontal Button { margin: 0 1; }
    HrScreen #detail, HrScreen #reasons { height: auto; max-height: 8; padding: 0 1; }
    HrScreen #sessions { height: 10; }
    """

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.service = HrPolicyService(ctx.platform)

    @property
    def lang(self) -> str:
        return getattr(self.ctx, "lang", "en")

    @property
    def actor(self):
        return self.ctx.actor

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def fail(self, exc: GridgovError) -> None:
        self.notify(str(exc), severity="error")

    def selected_key(self, table: DataTable) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
