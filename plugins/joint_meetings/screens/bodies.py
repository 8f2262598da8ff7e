"""The bodies of the actor's areas with their cadence flags, and one body's topics."""

from __future__ import annotations

from typing import Any, ClassVar

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .. import cadence
from ..records import CADENCE_NAMES, ORIGIN_NAMES, TOPIC_STATUS_NAMES, name
from ..service import JointMeetingsService


class BodiesScreen(PluginScreen):
    """Every joint and co-building body in the actor's areas, top of the tree first; the
    overdue column is the cadence flag (no meeting this month or quarter)."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("enter", "open", "Open", id="joint.open"),
        Binding("a", "agenda", "Agenda", id="joint.agenda"),
        Binding("o", "overdue", "Overdue only", id="joint.overdue"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Open": "打开", "Agenda": "议程",
                                               "Overdue only": "仅逾期"}

    def __init__(self, ctx: Any, *, pick_for_agenda: bool = False) -> None:
        super().__init__(ctx)
        self.service = JointMeetingsService(self.platform)
        self.pick_for_agenda = pick_for_agenda
        self.overdue_only = False

    def compose(self) -> ComposeResult:
        title = self.t("议程生成：选择机构", "Agenda builder: choose a body") if self.pick_for_agenda else \
            self.t("联席会议", "Joint meetings")
        yield Static(title, id="title")
        yield Static("", id="summary")
        yield DataTable(id="bodies", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        self.query_one(DataTable).add_columns(t("编号", "id"), t("层级", "level"), t("名称", "name"),
                                              t("频次", "cadence"), t("上次召开", "last held"), t("逾期", "overdue"))
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        try:
            bodies = self.service.bodies(self.actor, kind="joint" if self.pick_for_agenda else None)
            flags = {f.body.id: f for f in cadence.flags(self.platform, self.actor)}
        except GridgovError as exc:
            self.fail(exc)
            return
        shown = 0
        for b in bodies:
            flag = flags.get(b.id)
            if self.overdue_only and not (flag and flag.overdue):
                continue
            late = self.t("逾期", "overdue") if flag and flag.overdue else ""
            table.add_row(str(b.id), b.level, b.name, name(CADENCE_NAMES[b.cadence], self.lang) if b.cadence else "—",
                          str(flag.last_held or "—") if flag else "—", late, key=str(b.id))
            shown += 1
        late = sum(1 for f in flags.values() if f.overdue)
        self.query_one("#summary", Static).update(self.t(f"共{shown}个机构，{late}个未按期开会",
                                                         f"{shown} bodies, {late} overdue"))

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.reload()

    def _selected(self) -> int | None:
        key = selected_key(self.query_one(DataTable))
        return int(key) if key else None

    def action_open(self) -> None:
        body_id = self._selected()
        if body_id is None:
            return
        if self.pick_for_agenda:
            self.action_agenda()
            return
        self.app.push_screen(BodyTopicsScreen(self.ctx, body_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_agenda(self) -> None:
        from .agenda import AgendaScreen

        body_id = self._selected()
        if body_id is not None:
            self.app.push_screen(AgendaScreen(self.ctx, body_id), lambda _: self.reload())


class BodyTopicsScreen(PluginScreen):
    """The topics lying at one body and the decisions reported back to it."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("enter", "chain", "Chain", id="joint.chain"),
                                         Binding("a", "agenda", "Agenda", id="joint.body_agenda")]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Chain": "上移链", "Agenda": "议程"}

    def __init__(self, ctx: Any, body_id: int) -> None:
        super().__init__(ctx)
        self.service = JointMeetingsService(self.platform)
        self.body_id = body_id

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield DataTable(id="topics", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reported")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        self.query_one(DataTable).add_columns(t("议题", "topic"), t("来源", "origin"), t("状态", "status"),
                                              t("上移次数", "moves"), t("标题", "title"))
        self.reload()

    def reload(self) -> None:
        body = self.service.body(self.actor, self.body_id)
        self.query_one("#title", Static).update(f"{body.name}（{body.level}）" if self.lang == "zh" else
                                                f"{body.name} ({body.level})")
        table = self.query_one(DataTable)
        table.clear()
        for topic in self.service.topics(self.actor, self.body_id, status=None):
            table.add_row(str(topic.id), name(ORIGIN_NAMES[topic.origin], self.lang),
                          name(TOPIC_STATUS_NAMES[topic.status], self.lang), str(topic.moves), topic.title, key=str(topic.id))
        back = self.service.reported_back(self.actor, self.body_id)
        lines = [self.t(f"上级反馈：{t.title} → {d.text}", f"reported back: {t.title} → {d.text}") for t, d in back[:5]]
        self.query_one("#reported", Static).update("\n".join(lines))

    def action_chain(self) -> None:
        from .chain import ChainScreen

        key = selected_key(self.query_one(DataTable))
        if key:
            self.app.push_screen(ChainScreen(self.ctx, int(key)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_chain()

    def action_agenda(self) -> None:
        from .agenda import AgendaScreen

        self.app.push_screen(AgendaScreen(self.ctx, self.body_id), lambda _: self.reload())
