"""The newest pairing plan: its unit links with why, and the rotation diff (``d``)."""

from __future__ import annotations

from typing import ClassVar

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from ..plans import PlanService

CHANGE_NAMES = {"kept": ("保持", "kept"), "rotated": ("轮换", "rotated"), "new": ("新增", "new"),
                "ended": ("结束", "ended")}  # fmt: skip
PAGE = 500


class PlanScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        *PluginScreen.BINDINGS,
        Binding("d", "toggle", "Links / diff", id="assessment.toggle"),
        Binding("m", "members", "Members", id="assessment.members"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Links / diff": "结对/轮换",
                                               "Members": "党员"}

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.service = PlanService(ctx.platform)
        self.view, self.kind = "links", "unit"
        self.plan = None

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield DataTable(id="plan", cursor_type="row", zebra_stripes=True)
        yield Static("", id="why")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        try:
            self.plan = self.service.latest(self.actor)
        except GridgovError as exc:
            self.query_one("#title", Static).update(self.t("还没有结对方案", "no pairing plan yet"))
            self.fail(exc)
            return
        self.reload()

    def reload(self) -> None:
        plan, t = self.plan, self.t
        table = self.query_one(DataTable)
        table.clear(columns=True)
        who = t("单位", "units") if self.kind == "unit" else t("党员", "members")
        if self.view == "links":
            title = t(f"方案 {plan.id}（{plan.year}年，{plan.status}）· {who}结对及理由",
                      f"plan {plan.id} ({plan.year}, {plan.status}) · {who}: links and why")
            table.add_columns(t("对象", "subject"), t("区域", "area"), t("理由", "why"))
            for row in self.service.plan_links(self.actor, plan.id, kind=self.kind, limit=PAGE):
                why = row["explanation"].split(": ", 1)[-1]
                table.add_row(row["subject"], row["area_code"], why, key=str(row["id"]))
        else:
            counts = self.service.diff_counts(self.actor, plan.id)[self.kind]
            summary = ", ".join(f"{self.t(*CHANGE_NAMES[c])} {counts.get(c, 0)}" for c in CHANGE_NAMES)
            title = t(f"方案 {plan.id} · {who}轮换对比：{summary}", f"plan {plan.id} · {who} rotation diff: {summary}")
            table.add_columns(t("对象", "subject"), t("变化", "change"), t("原", "before"), t("现", "after"),
                              t("原因", "why"))
            for row in self.service.diff(self.actor, plan.id, kind=self.kind, limit=PAGE):
                table.add_row(row["subject"], self.t(*CHANGE_NAMES[row["change"]]), row["before_area"] or "—",
                              row["after_area"] or "—", row["why"], key=str(row["id"]))
        self.query_one("#title", Static).update(title)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = event.data_table.get_row(event.row_key) if event.row_key is not None else None
        if row:
            self.query_one("#why", Static).update(str(row[-1]))

    def action_toggle(self) -> None:
        if self.plan is not None:
            self.view = "diff" if self.view == "links" else "links"
            self.reload()

    def action_members(self) -> None:
        if self.plan is not None:
            self.kind = "member" if self.kind == "unit" else "unit"
            self.reload()
