"""The topic-chain view: one topic across levels in one place, and the list of topics
moved up in the actor's areas that leads to it."""

from __future__ import annotations

from typing import Any, ClassVar

from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from ..records import ORIGIN_NAMES, TOPIC_STATUS_NAMES, name
from ..service import JointMeetingsService

MOVE_NAMES = {"raise": ("提出", "raised"), "move_up": ("上移", "moved up"), "settle": ("议决", "settled"),
              "withdraw": ("撤回", "withdrawn")}  # fmt: skip


class ChainScreen(PluginScreen):
    """Where the topic was raised, each move up with the minutes that went with it, where
    it was settled, the decision, the bodies told, and the core case's status."""

    def __init__(self, ctx: Any, topic_id: int) -> None:
        super().__init__(ctx)
        self.topic_id = topic_id

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield DataTable(id="steps", cursor_type="row", zebra_stripes=True)
        yield Static("", id="decisions")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        self.query_one(DataTable).add_columns(t("时间", "when"), t("步骤", "step"), t("层级", "level"),
                                              t("机构", "body"), t("纪要/说明", "minutes / note"))
        chain = JointMeetingsService(self.platform).chain(self.actor, self.topic_id)
        topic = chain.topic
        case = f"  {t('案件', 'case')} #{topic.issue_id}: {chain.case_status or '—'}" if topic.issue_id else ""
        self.query_one("#title", Static).update(
            f"{t('议题', 'topic')} {topic.id} {topic.title}  [{name(ORIGIN_NAMES[topic.origin], self.lang)}] "
            f"{name(TOPIC_STATUS_NAMES[topic.status], self.lang)}{case}")
        table = self.query_one(DataTable)
        for i, s in enumerate(chain.steps):
            where = s.body_name + (f" → {s.to_body_name}" if s.to_body_name else "")
            table.add_row(self.platform.time.format(s.at), name(MOVE_NAMES[s.move], self.lang), s.level, where,
                          (s.minutes or s.note)[:50], key=str(i))
        lines = [t(f"决定：{d.text}（{d.owner_org}，{d.due}前）", f"decision: {d.text} ({d.owner_org}, due {d.due})")
                 for d in chain.decisions]
        if chain.reported_back_to:
            lines.append(t("已反馈：", "reported back to: ") + "、".join(chain.reported_back_to))
        self.query_one("#decisions", Static).update("\n".join(lines))


class MovedTopicsScreen(PluginScreen):
    """Topics in the actor's areas that have moved up at least once, newest first."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("enter", "chain", "Chain", id="joint.moved_chain")]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Chain": "上移链"}

    def compose(self) -> ComposeResult:
        yield Static(self.t("上移议题", "Topics moved up"), id="title")
        yield DataTable(id="moved", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        table = self.query_one(DataTable)
        table.add_columns(t("议题", "topic"), t("状态", "status"), t("上移次数", "moves"), t("层级", "level"), t("标题", "title"))
        found = self.platform.table("joint_meetings_topic").rows(scope=self.actor, moves__gt=0, order_by="-raised_at",
                                                                 limit=200)
        for row in found:
            table.add_row(str(row["id"]), name(TOPIC_STATUS_NAMES[row["status"]], self.lang), str(row["moves"]),
                          row["level"], row["title"], key=str(row["id"]))

    def action_chain(self) -> None:
        key = selected_key(self.query_one(DataTable))
        if key:
            self.app.push_screen(ChainScreen(self.ctx, int(key)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_chain()
