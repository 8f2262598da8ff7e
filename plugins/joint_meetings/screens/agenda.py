"""The agenda builder: what a body's next meeting should take up, put on a planned
meeting's agenda one key at a time (a core case becomes a topic on the way)."""

from __future__ import annotations

from typing import Any, ClassVar

from gridgov.core import GridgovError, ValidationError
from gridgov.tui.plugin import FormScreen, PluginScreen, field_row, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from ..service import JointMeetingsService

KIND_NAMES = {"moved_up": ("下级上移", "moved up"), "open": ("本级待议", "open here"), "case": ("上移案件", "escalated case")}


class ScheduleForm(FormScreen):
    """Plan a meeting: local date and time, and place."""

    def __init__(self, ctx: Any, body_id: int) -> None:
        super().__init__(ctx)
        self.body_id = body_id

    def fields(self) -> ComposeResult:
        yield Static(self.t("安排会议", "Plan a meeting"), classes="title")
        yield field_row(self.t("时间", "when"), Input(placeholder="YYYY-MM-DD HH:MM", id="at"))
        yield field_row(self.t("地点", "place"), Input(id="place"))

    def save(self, values: dict[str, Any]) -> Any:
        import datetime as dt

        try:
            local = dt.datetime.fromisoformat(values["at"].strip())
        except ValueError:
            raise ValidationError("at", f"{values['at']!r} is not YYYY-MM-DD HH:MM") from None
        at = self.platform.time.at(local.date(), local.time())
        return JointMeetingsService(self.platform).schedule(self.actor, self.body_id, at=at, place=values["place"])


class AgendaScreen(PluginScreen):
    """Proposals for the body's next planned meeting; ``a`` puts the selected one on its
    agenda, ``n`` plans a meeting when there is none."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("a", "add", "Add to agenda", id="joint.add"),
        Binding("n", "plan", "Plan meeting", id="joint.plan"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Add to agenda": "列入议程",
                                               "Plan meeting": "安排会议"}

    def __init__(self, ctx: Any, body_id: int) -> None:
        super().__init__(ctx)
        self.service = JointMeetingsService(self.platform)
        self.body_id = body_id
        self.proposals: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield Static("", id="meeting")
        yield DataTable(id="proposals", cursor_type="row", zebra_stripes=True)
        yield Static("", id="agenda")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        self.query_one(DataTable).add_columns(t("来源", "kind"), t("议题/案件", "topic/case"), t("标题", "title"),
                                              t("上移自", "from"))
        self.reload()

    def next_meeting(self):
        planned = [m for m in self.service.meetings(self.actor, self.body_id) if m.status == "planned"]
        return min(planned, key=lambda m: m.held_at) if planned else None

    def reload(self) -> None:
        body = self.service.body(self.actor, self.body_id)
        self.query_one("#title", Static).update(self.t(f"议程生成：{body.name}", f"Agenda builder: {body.name}"))
        meeting = self.next_meeting()
        self.query_one("#meeting", Static).update(
            self.t(f"下次会议：{self.platform.time.format(meeting.held_at)} {meeting.place}",
                   f"next meeting: {self.platform.time.format(meeting.held_at)} {meeting.place}") if meeting
            else self.t("尚无安排的会议（按 n 安排）", "no meeting planned (press n)"))
        on_agenda = {t.id for t in self.service.agenda(self.actor, meeting.id)} if meeting else set()
        table = self.query_one(DataTable)
        table.clear()
        self.proposals = {}
        for i, p in enumerate(self.service.build_agenda(self.actor, self.body_id)):
            if p.topic_id in on_agenda:
                continue
            key = str(i)
            self.proposals[key] = p
            kind = KIND_NAMES[p.kind][0 if self.lang == "zh" else 1]
            ref = f"#{p.topic_id}" if p.topic_id else f"{self.t('案件', 'case')} {p.issue_id}"
            table.add_row(kind, ref, p.title, p.from_body or "", key=key)
        agenda = self.service.agenda(self.actor, meeting.id) if meeting else []
        self.query_one("#agenda", Static).update(
            self.t("已列入议程：", "on the agenda: ") + ("；".join(t.title for t in agenda) or "—"))

    def action_add(self) -> None:
        meeting = self.next_meeting()
        key = selected_key(self.query_one(DataTable))
        if key is None:
            return
        if meeting is None:
            self.fail(self.t("请先安排会议（n）", "plan a meeting first (n)"))
            return
        p = self.proposals[key]
        try:
            topic_id = p.topic_id
            if topic_id is None:
                topic_id = self.service.raise_topic(self.actor, self.body_id, title=p.title, origin="case",
                                                    issue_id=p.issue_id).id
            self.service.add_to_agenda(self.actor, meeting.id, topic_id)
        except GridgovError as exc:
            self.fail(exc)
            return
        self.done(self.t(f"已列入议程：{p.title}", f"on the agenda: {p.title}"))
        self.reload()

    def action_plan(self) -> None:
        self.app.push_screen(ScheduleForm(self.ctx, self.body_id), lambda result: self.reload() if result else None)
