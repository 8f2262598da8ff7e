"""A mediator's own calendar: the sessions they mediate, from a month back onwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridgov.tui.plugin import PluginScreen
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from ..service import MediationService
from .common import kind

DAYS_BACK = 30


class CalendarScreen(PluginScreen):
    DEFAULT_CSS = "CalendarScreen > #title { text-style: bold; }"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.service = MediationService(self.platform)
        self.dispute_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(self.t(f"我的调解日程（{self.actor.name}）", f"My mediation sessions ({self.actor.name})"), id="title")
        yield DataTable(id="calendar", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        table = self.query_one(DataTable)
        table.add_columns(t("日期", "date"), t("时间", "time"), t("地点", "place"), t("纠纷", "dispute"),
                          t("类型", "kind"), t("区域", "area"))  # fmt: skip
        now = self.platform.now()
        since = self.platform.time.day_of(now) - dt.timedelta(days=DAYS_BACK)
        upcoming = None
        for i, (session, dispute) in enumerate(self.service.calendar(self.actor, since=since)):
            local = self.platform.time.local(session.at)
            table.add_row(f"{local:%Y-%m-%d}", f"{local:%H:%M}", session.place, str(dispute.id),
                          kind(self, dispute.kind), dispute.area_code, key=f"{session.id}")  # fmt: skip
            self.dispute_ids.append(dispute.id)
            if upcoming is None and session.at >= now:
                upcoming = i
        if upcoming is not None:
            table.move_cursor(row=upcoming)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from .detail import DisputeDetailScreen

        self.app.push_screen(DisputeDetailScreen(self.ctx, self.dispute_ids[event.cursor_row]))
