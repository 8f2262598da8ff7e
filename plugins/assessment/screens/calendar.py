"""A check-in calendar: the duties in the actor's scope (their own first), and for the
selected duty every period — on time, late, missed or open — with a key to check in now."""

from __future__ import annotations

from typing import ClassVar

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Static

from ..duties import DutyService
from ..records import duty_name

STATE_NAMES = {"on_time": ("按时", "on time"), "late": ("迟交", "late"), "missed": ("漏报", "missed"),
               "open": ("进行中", "open")}  # fmt: skip


class CalendarScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        *PluginScreen.BINDINGS,
        Binding("c", "check_in", "Check in", id="assessment.check_in"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Check in": "打卡"}
    DEFAULT_CSS = """
    CalendarScreen Horizontal { height: 1fr; }
    CalendarScreen #duties { width: 1fr; }
    CalendarScreen #periods { width: 1fr; }
    """

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.service = DutyService(ctx.platform)

    def compose(self) -> ComposeResult:
        yield Static(self.t("履职打卡日历", "Duty check-in calendar"), id="title")
        with Horizontal():
            yield DataTable(id="duties", cursor_type="row")
            yield DataTable(id="periods", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        duties = self.query_one("#duties", DataTable)
        duties.add_columns(self.t("编号", "id"), self.t("对象", "subject"), self.t("职责", "duty"),
                           self.t("区域", "area"))
        periods = self.query_one("#periods", DataTable)
        periods.add_columns(self.t("周期", "period"), self.t("状态", "state"), self.t("截止", "due"),
                            self.t("次数", "check-ins"))
        own = self.service.list_duties(self.actor, subject=self.actor.login)
        seen = {d.id for d in own}
        others = [d for d in self.service.list_duties(self.actor, limit=200) if d.id not in seen]
        for d in [*own, *others]:
            if d.duty != "household_visit":
                duties.add_row(str(d.id), d.subject, duty_name(d.duty, self.lang), d.area_code, key=str(d.id))
        self.show_periods()

    def duty_id(self) -> int | None:
        key = selected_key(self.query_one("#duties", DataTable))
        return int(key) if key is not None else None

    def show_periods(self) -> None:
        table = self.query_one("#periods", DataTable)
        table.clear()
        duty_id = self.duty_id()
        if duty_id is None:
            return
        for s in self.service.calendar(self.actor, duty_id)[-60:]:
            table.add_row(s.period, self.t(*STATE_NAMES[s.state]), self.platform.time.format(s.due_at),
                          str(s.checkins), key=s.period)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "duties":
            self.show_periods()

    def action_check_in(self) -> None:
        duty_id = self.duty_id()
        if duty_id is None:
            return
        try:
            record = self.service.check_in(self.actor, duty_id, channel="tui")
        except GridgovError as exc:
            self.fail(exc)
            return
        self.done(self.t(f"已打卡 {record.period}", f"checked in for {record.period}"))
        self.show_periods()
