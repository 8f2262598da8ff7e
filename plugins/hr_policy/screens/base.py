"""What the HR screens share beyond :class:`PluginScreen`: the service and the layout.
Screens only call :class:`HrPolicyService`; no rules live here."""

from __future__ import annotations

from typing import Any, ClassVar

from gridgov.tui.plugin import PluginScreen

from ..service import HrPolicyService


class HrScreen(PluginScreen):
    """A screen of the HR plugin; ``ctx`` has ``platform``, ``actor`` and ``lang``."""

    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Topic": "类别", "Open only": "仅未答复",
                                               "+1 person": "+1人", "Absent": "缺席"}
    DEFAULT_CSS = """
    HrScreen SelectionList { height: auto; max-height: 12; }
    HrScreen Horizontal { height: auto; }
    HrScreen Horizontal Input { width: 1fr; }
    HrScreen Horizontal Button { margin: 0 1; }
    HrScreen #detail, HrScreen #reasons { height: auto; max-height: 8; padding: 0 1; }
    HrScreen #sessions { height: 10; }
    """

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.service = HrPolicyService(self.platform)
