"""A firm's consultations across every station, oldest first; Enter opens one."""

from __future__ import annotations

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from ..money import format_short
from ..records import NEED_NAMES, STATUS_NAMES
from ..service import FinanceService


class FirmScreen(PluginScreen):
    KEY_LABELS_ZH = {"Back": "返回", "Open": "打开"}
    BINDINGS = [("enter", "open_consultation", "Open")]

    def __init__(self, ctx, enterprise: str) -> None:
        super().__init__(ctx)
        self.service = FinanceService(self.platform)
        self.enterprise = enterprise

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="firm")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_columns(*(self.t("编号", "id"), self.t("驿站", "station"), self.t("状态", "status"),
                            self.t("需求", "need"), self.t("申请额", "asked"), self.t("授信", "granted"),
                            self.t("受理", "opened")))  # fmt: skip
        try:
            org, items = self.service.history(self.actor, self.enterprise)
        except GridgovError as exc:
            self.fail(exc)
            return
        self.title = org.name
        granted = sum(c.granted_amount or 0 for c in items)
        self.query_one("#firm", Static).update(
            f"{org.name}  {org.uscc}  {org.industry or ''}  {org.size or ''}  · "
            + self.t(f"咨询{len(items)}次，累计授信{format_short(granted)}",
                     f"{len(items)} consultations, credit {format_short(granted)}"))  # fmt: skip
        for c in items:
            table.add_row(c.id, c.station, self.t(*STATUS_NAMES[c.status]), self.t(*NEED_NAMES[c.need]),
                          format_short(c.amount_asked) if c.amount_asked is not None else "",
                          format_short(c.granted_amount) if c.granted_amount else "",
                          self.platform.time.format(c.opened_at, "%Y-%m-%d"), key=str(c.id))  # fmt: skip
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_consultation()

    def action_open_consultation(self) -> None:
        from .detail import ConsultationScreen

        key = selected_key(self.query_one("#history", DataTable))
        if key:
            self.app.push_screen(ConsultationScreen(self.ctx, int(key)))
