"""Yearly sheets of members (``u`` switches to units): rating, work, duties, total, remarks."""

from __future__ import annotations

from typing import ClassVar

from gridgov.tui.plugin import PluginScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from ..sheets import SheetService

LIMIT = 300


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class SheetsScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [*PluginScreen.BINDINGS,
                                         Binding("u", "toggle", "Members / units", id="assessment.units")]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Members / units": "党员/单位"}

    def __init__(self, ctx, year: int | None = None) -> None:
        super().__init__(ctx)
        self.service = SheetService(ctx.platform)
        self.year = year or ctx.platform.today().year
        self.units = False

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield DataTable(id="sheets", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()

    def reload(self) -> None:
        t = self.t
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(t("对象", "subject"), t("评分", "rating"), t("工作", "work"), t("履职", "duties"),
                          t("总分", "total"), t("备注", "remarks"))
        if self.units:
            sheets = self.service.unit_sheets(self.actor, self.year)[:LIMIT]
        else:
            sheets = self.service.member_sheets(self.actor, self.year)[:LIMIT]
        for s in sheets:
            subject = s.unit if self.units else s.login
            table.add_row(subject, _num(s.rating), _num(s.work.score), _num(s.duty_score), _num(s.total),
                          "; ".join(s.remarks), key=subject)
        who = t("单位", "units") if self.units else t("党员", "members")
        self.query_one("#title", Static).update(t(f"{self.year}年度考核表 · {who}（{len(sheets)}）",
                                                  f"yearly sheets {self.year} · {who} ({len(sheets)})"))

    def action_toggle(self) -> None:
        self.units = not self.units
        self.reload()
