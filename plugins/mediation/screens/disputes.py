"""The dispute list: the disputes in the actor's scope, newest first, a page at a time."""

from __future__ import annotations

from typing import Any, ClassVar

from gridgov.tui.plugin import PluginScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from ..service import MediationService
from .common import STATUS_NAMES, kind, name

PAGE = 50
FILTERS = (None, "open", "agreed", "referred", "withdrawn")


class DisputeListScreen(PluginScreen):
    DEFAULT_CSS = "DisputeListScreen > #title { text-style: bold; }"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("s", "cycle_status", "Status filter"),
        Binding("n", "page(1)", "Next page"),
        Binding("p", "page(-1)", "Previous page"),
        Binding("r", "reload", "Reload"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Status filter": "状态筛选",
                                               "Next page": "下一页", "Previous page": "上一页", "Reload": "刷新"}

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.service = MediationService(self.platform)
        self.status_filter: str | None = None
        self.page_offset = 0
        self.ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(self.t("矛盾纠纷调解", "Disputes (mediation)"), id="title")
        yield Static("", id="filter")
        yield DataTable(id="disputes", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        t = self.t
        table.add_columns(t("编号", "No."), t("受理日期", "received"), t("状态", "status"),
                          t("层级", "level"), t("区域", "area"), t("类型", "kind"), t("概要", "summary"))  # fmt: skip
        self.reload()

    def reload(self) -> None:
        disputes = self.service.list(self.actor, status=self.status_filter, limit=PAGE, offset=self.page_offset)
        table = self.query_one(DataTable)
        table.clear()
        self.ids = [d.id for d in disputes]
        for d in disputes:
            table.add_row(str(d.id), f"{self.platform.time.local(d.opened_at):%Y-%m-%d}", name(self, STATUS_NAMES, d.status),
                          d.level or "", d.area_code, kind(self, d.kind), d.summary[:30], key=str(d.id))  # fmt: skip
        label = name(self, STATUS_NAMES, self.status_filter) if self.status_filter else self.t("全部", "all")
        page = self.page_offset // PAGE + 1
        self.query_one("#filter", Static).update(
            self.t(f"状态：{label}　第{page}页　共{len(disputes)}条", f"status: {label}  page {page}  {len(disputes)} rows")
        )

    def action_reload(self) -> None:
        self.reload()

    def action_cycle_status(self) -> None:
        self.status_filter = FILTERS[(FILTERS.index(self.status_filter) + 1) % len(FILTERS)]
        self.page_offset = 0
        self.reload()

    def action_page(self, step: int) -> None:
        if step > 0 and len(self.ids) < PAGE:
            return
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from .detail import DisputeDetailScreen

        self.app.push_screen(DisputeDetailScreen(self.ctx, int(event.row_key.value)), lambda _: self.reload())
