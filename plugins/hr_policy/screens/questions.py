"""The questions queue: questions raised at sessions, soonest due first; answer one by
typing the answer and pressing Enter (this resolves its case)."""

from __future__ import annotations

from gridgov.core import GridgovError
from gridgov.tui.plugin import selected_key
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static

from ..records import topic_name
from .base import HrScreen


class QuestionsScreen(HrScreen):
    BINDINGS = [("o", "toggle_open", "Open only")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="counts")
        yield DataTable(id="queue", cursor_type="row")
        yield Static(id="detail")
        yield Input(placeholder=self.t("输入答复后回车", "type the answer, Enter to resolve"), id="answer")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.title = self.t("企业提问", "Questions queue")
        self.open_only = True
        self.query_one("#queue", DataTable).add_columns(
            "#", self.t("案件", "issue"), self.t("状态", "status"), self.t("时限", "due"), self.t("企业", "firm"),
            self.t("类别", "topic"), self.t("问题", "question"))
        self.reload()

    def reload(self) -> None:
        table = self.query_one("#queue", DataTable)
        row = table.cursor_row
        table.clear()
        now = self.platform.now()
        found = self.service.questions(self.actor, status="open" if self.open_only else None)
        for q in found:
            this_year = q.due_at is not None and self.platform.time.local(q.due_at).year == self.platform.today().year
            due = self.platform.time.format(q.due_at, "%m-%d %H:%M" if this_year else "%Y-%m-%d %H:%M") if q.due_at else "-"
            late = " !" if q.overdue_at(now) else ""
            table.add_row(str(q.id), str(q.issue_id or "-"), q.status, due + late, q.firm,
                          topic_name(q.topic, self.lang), q.text[:30], key=str(q.id))
        if found:
            table.move_cursor(row=min(row, len(found) - 1))
        overdue = sum(q.overdue_at(now) for q in found)
        shown = self.t("未答复", "open") if self.open_only else self.t("全部", "all")
        self.query_one("#counts", Static).update(f"{shown}: {len(found)} · {self.t('超期', 'overdue')} {overdue}")

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is None or event.row_key.value is None:
            return
        q = self.service.question(int(event.row_key.value))
        text = f"{q.text}\n{self.t('提问人', 'asked by')}: {q.asked_by or '-'}"
        if q.answer:
            text += f"\n{self.t('答复', 'answer')}: {q.answer}"
        self.query_one("#detail", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        key = selected_key(self.query_one("#queue", DataTable))
        if key is None or not event.value.strip():
            return
        try:
            q = self.service.answer(self.actor, int(key), event.value.strip())
        except GridgovError as exc:
            self.fail(exc)
            return
        event.input.value = ""
        self.done(self.t(f"问题{q.id}已答复", f"question {q.id} answered"))
        self.reload()
