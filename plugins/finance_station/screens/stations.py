"""All stations with their figures; Enter opens a station's queue, ``/`` finds a firm."""

from __future__ import annotations

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from ..metrics import figures, require_reader
from ..money import format_short
from ..service import FinanceService
from .forms import FormModal


class StationsScreen(PluginScreen):
    KEY_LABELS_ZH = {"Back": "返回", "Queue": "队列", "Firm": "查企业", "Reload": "刷新"}
    BINDINGS = [
        ("enter", "open_queue", "Queue"),
        ("slash", "find_firm", "Firm"),
        ("r", "reload", "Reload"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.service = FinanceService(self.platform)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="finance-summary")
        yield DataTable(id="stations", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.t("金融驿站", "Finance stations")
        table = self.query_one("#stations", DataTable)
        table.add_columns(*(self.t("驿站", "station"), self.t("名称", "name"), self.t("产业", "cluster"),
                            self.t("咨询", "consultations"), self.t("授信企业", "firms granted"),
                            self.t("授信", "credit"), self.t("普惠", "inclusive")))  # fmt: skip
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        table = self.query_one("#stations", DataTable)
        table.clear()
        try:
            require_reader(self.platform, self.actor, None)
            stations = self.service.stations()
            total = figures(self.platform)
        except GridgovError as exc:
            self.fail(exc)
            return
        for s in stations:
            f = figures(self.platform, station=s.code)
            table.add_row(s.code, s.name, s.cluster, f.consultations, f.firms_granted, format_short(f.credit_fen),
                          format_short(f.inclusive_fen), key=s.code)
        share = total.inclusive_share
        self.query_one("#finance-summary", Static).update(
            self.t(
                f"{len(stations)}个驿站 · 咨询{total.consultations}次 · 授信企业{total.firms_granted}家 · "
                f"新增授信{format_short(total.credit_fen)} · 普惠型小微企业贷款{format_short(total.inclusive_fen)}"
                + (f"（{share * 100:.1f}%）" if share is not None else ""),
                f"{len(stations)} stations · {total.consultations} consultations · {total.firms_granted} firms "
                f"granted credit · credit {format_short(total.credit_fen)} · inclusive micro-loans "
                f"{format_short(total.inclusive_fen)}"
                + (f" ({share * 100:.1f}%)" if share is not None else ""),
            )
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_queue()

    def action_open_queue(self) -> None:
        from .queue import StationQueueScreen

        code = selected_key(self.query_one("#stations", DataTable))
        if code:
            self.app.push_screen(StationQueueScreen(self.ctx, code))

    def action_find_firm(self) -> None:
        def found(values: dict | None) -> None:
            if not values or not values.get("firm"):
                return
            from .firm import FirmScreen

            try:
                self.service.enterprise(values["firm"])
            except GridgovError as exc:
                self.fail(exc)
                return
            self.app.push_screen(FirmScreen(self.ctx, values["firm"]))

        self.app.push_screen(FormModal(self.ctx, self.t("查找企业", "Find a firm"),
                                       [("firm", self.t("企业代码或统一社会信用代码", "firm code or USCC"), "")]),
                             found)  # fmt: skip
