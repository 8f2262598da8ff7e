"""One station's consultations, oldest first; ``f`` cycles the status filter, Enter opens one."""

from __future__ import annotations

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from ..money import format_short
from ..records import NEED_NAMES, STATUS_NAMES
from ..service import FinanceService

FILTERS = (None, ("open",), ("referred",), ("open", "referred"), ("granted",), ("declined", "withdrawn"))
PAGE = 200


class StationQueueScreen(PluginScreen):
    KEY_LABELS_ZH = {"Back": "返回", "Open": "打开", "Filter": "筛选", "Reload": "刷新"}
    BINDINGS = [
        ("enter", "open_consultation", "Open"),
        ("f", "next_filter", "Filter"),
        ("r", "reload", "Reload"),
    ]

    def __init__(self, ctx, station: str) -> None:
        super().__init__(ctx)
        self.service = FinanceService(self.platform)
        self.station_code = station
        self.filter_index = 3

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="queue-filter")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.add_columns(*(self.t("编号", "id"), self.t("状态", "status"), self.t("需求", "need"),
                            self.t("企业", "firm"), self.t("申请额", "asked"), self.t("机构", "institution"),
                            self.t("授信", "granted"), self.t("受理", "opened")))  # fmt: skip
        try:
            station = self.service.station(self.station_code)
        except GridgovError as exc:
            self.fail(exc)
            return
        self.title = station.name
        self.action_reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_reload()

    @property
    def statuses(self) -> list[str] | None:
        chosen = FILTERS[self.filter_index]
        return list(chosen) if chosen else None

    def action_next_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self.action_reload()

    def action_reload(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear()
        names = ", ".join(self.t(*STATUS_NAMES[s]) for s in self.statuses) if self.statuses else self.t("全部", "all")
        self.query_one("#queue-filter", Static).update(
            self.t(f"筛选：{names}（f 切换）", f"showing: {names} (f to change)")
        )
        try:
            items = self.service.queue(self.actor, self.station_code, status=self.statuses, limit=PAGE)
        except GridgovError as exc:
            self.fail(exc)
            return
        for c in items:
            table.add_row(c.id, self.t(*STATUS_NAMES[c.status]), self.t(*NEED_NAMES[c.need]), c.enterprise,
                          format_short(c.amount_asked) if c.amount_asked is not None else "",
                          c.institution or "", format_short(c.granted_amount) if c.granted_amount else "",
                          self.platform.time.format(c.opened_at, "%Y-%m-%d"), key=str(c.id))  # fmt: skip

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_consultation()

    def action_open_consultation(self) -> None:
        from .detail import ConsultationScreen

        key = selected_key(self.query_one("#queue", DataTable))
        if key:
            self.app.push_screen(ConsultationScreen(self.ctx, int(key)))
