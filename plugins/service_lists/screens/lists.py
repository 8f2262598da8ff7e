"""The three lists on one screen (1 needs, 2 resources, 3 services) and, for a need, the
suggested resources with their reasons; ``d`` records the body's decision for one."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from gridgov.core import GridgovError, ValidationError
from gridgov.tui.plugin import FormScreen, PluginScreen, field_row, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from ..projects import ProjectService
from ..records import STATE_NAMES, Decision
from ..service import ListsService

PAGE = 100
LISTS = {"needs": ("需求清单", "needs"), "resources": ("资源清单", "resources"), "services": ("服务清单", "services")}


class ListsScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("1", "show('needs')", "Needs", id="service_lists.needs"),
        Binding("2", "show('resources')", "Resources", id="service_lists.resources"),
        Binding("3", "show('services')", "Services", id="service_lists.services"),
        Binding("s", "suggest", "Suggestions", id="service_lists.suggest"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Needs": "需求", "Resources": "资源",
                                               "Services": "服务", "Suggestions": "推荐资源"}

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.which = "needs"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="caption")
        yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()

    def reload(self) -> None:
        t, service = self.t, ListsService(self.platform)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        try:
            rows = getattr(service, self.which)(self.actor, limit=PAGE)
        except GridgovError as exc:
            rows = []
            self.fail(exc)
        if self.which == "needs":
            table.add_columns(t("编号", "id"), t("区域", "area"), t("状态", "status"), t("标签", "tags"), t("需求", "need"))
            for r in rows:
                zh, en = STATE_NAMES[r["status"]]
                table.add_row(str(r["id"]), r["area_code"], t(zh, en), ",".join(r["tags"]), r["title"], key=str(r["id"]))
        elif self.which == "resources":
            table.add_columns(t("编号", "id"), t("单位", "org"), t("已用/容量", "used/capacity"), t("标签", "tags"),
                              t("资源", "resource"))
            for r in rows:
                table.add_row(str(r["id"]), r["org_code"], f"{r['used']}/{r['capacity']}", ",".join(r["tags"]),
                              r["title"], key=str(r["id"]))
        else:
            table.add_columns(t("编号", "id"), t("单位", "org"), t("月容量", "per month"), t("对象", "audience"),
                              t("服务", "service"))
            for r in rows:
                table.add_row(str(r["id"]), r["org_code"], str(r["monthly_capacity"]), r["audience"], r["title"],
                              key=str(r["id"]))
        zh, en = LISTS[self.which]
        self.query_one("#caption", Static).update(t(f"{zh}（{len(rows)}条）", f"{en} ({len(rows)} rows)"))

    def action_show(self, which: str) -> None:
        self.which = which
        self.reload()

    def action_suggest(self) -> None:
        key = selected_key(self.query_one(DataTable))
        if self.which != "needs" or key is None:
            self.fail(self.t("请先在需求清单中选择一条需求", "choose a need on the needs list first"))
            return
        self.app.push_screen(SuggestionsScreen(self.ctx, int(key)), lambda _: self.reload())


class DecideForm(FormScreen):
    """The body's decision on one suggestion: the due date and what it decided."""

    def __init__(self, ctx: Any, need_id: int, resource_id: int) -> None:
        super().__init__(ctx)
        self.need_id, self.resource_id = need_id, resource_id

    def fields(self) -> ComposeResult:
        yield field_row(self.t("完成期限", "due (YYYY-MM-DD)"), Input(id="due"))
        yield field_row(self.t("决定内容", "decision"), Input(id="note"))

    def save(self, values: dict[str, Any]) -> Any:
        try:
            due = dt.date.fromisoformat(values.get("due", "").strip())
        except ValueError:
            raise ValidationError("due", "give the due date as YYYY-MM-DD") from None
        decision = Decision(decided_on=self.platform.today(), note=values.get("note", ""))
        return ProjectService(self.platform).decide(self.actor, self.need_id, self.resource_id, decision, due=due)


class SuggestionsScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [Binding("d", "decide", "Decide", id="service_lists.decide")]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Decide": "立项"}

    def __init__(self, ctx: Any, need_id: int) -> None:
        super().__init__(ctx)
        self.need_id = need_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="need")
        yield DataTable(id="suggestions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reasons")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        need = ListsService(self.platform).need(self.actor, self.need_id)
        self.query_one("#need", Static).update(f"{t('需求', 'need')} {need['id']} {need['area_code']}: {need['title']}")
        table = self.query_one(DataTable)
        table.add_columns(t("资源", "resource"), t("单位", "org"), t("得分", "score"), t("可提供", "offers"),
                          t("理由", "reasons"))
        self.found = ListsService(self.platform).suggest(self.actor, self.need_id)
        for s in self.found:
            table.add_row(f"{s.resource_id} {s.title}", s.org_code, f"{s.score:.2f}", str(s.units),
                          s.reason_text(self.lang), key=str(s.resource_id))
        if not self.found:
            self.query_one("#reasons", Static).update(t("没有可推荐的资源", "no resource can meet this need"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        found = [s for s in self.found if str(s.resource_id) == event.row_key.value]
        if found:
            self.query_one("#reasons", Static).update("\n".join(r.text(self.lang) for r in found[0].reasons))

    def action_decide(self) -> None:
        key = selected_key(self.query_one(DataTable))
        if key is not None:
            self.app.push_screen(DecideForm(self.ctx, self.need_id, int(key)), self.decided)

    def decided(self, project: dict[str, Any] | None) -> None:
        if project is not None:
            self.done(self.t(f"已立项：项目{project['id']}", f"project {project['id']} decided"))
            self.app.pop_screen()
