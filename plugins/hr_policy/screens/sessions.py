"""Plan a session (pick policies, get the firms to invite) and record attendance."""

from __future__ import annotations

import datetime as dt

from gridgov.core import GridgovError, ValidationError
from gridgov.tui.plugin import selected_key
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Header, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from .base import HrScreen


class PlanSessionScreen(HrScreen):
    """Tick policies, name the venue area, find the eligible firms not yet reached, plan."""

    def compose(self) -> ComposeResult:
        yield Header()
        today = self.service.today()
        yield SelectionList[str](
            *(Selection(f"{p.code} {p.title(self.lang)}", p.code) for p in self.service.policies(in_force_on=today)),
            id="policies")
        with Horizontal(id="fields"):
            yield Input(placeholder=self.t("宣讲地区编号", "venue area code"), id="area")
            yield Input(placeholder=self.t("日期 YYYY-MM-DD", "date YYYY-MM-DD"),
                        value=(today + dt.timedelta(days=7)).isoformat(), id="date")
            yield Input(placeholder=self.t("地点", "venue"), id="venue")
            yield Input(placeholder=self.t("主题", "title"), id="title")
        with Horizontal(id="buttons"):
            yield Button(self.t("查找企业", "Find firms"), id="find")
            yield Button(self.t("确定宣讲会", "Plan session"), id="plan", variant="primary")
        yield Static(id="summary")
        yield DataTable(id="firms", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.title = self.t("策划宣讲会", "Plan a session")
        self.found: list[str] = []
        self.query_one("#firms", DataTable).add_columns(
            self.t("企业", "firm"), self.t("名称", "name"), self.t("地区", "area"), self.t("可享政策", "may qualify for"))

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def find(self) -> None:
        policies = list(self.query_one("#policies", SelectionList).selected)
        area = self._value("area") or None
        table = self.query_one("#firms", DataTable)
        table.clear()
        try:
            found = self.service.invitation_list(self.actor, policies, area=area)
        except GridgovError as exc:
            self.fail(exc)
            return
        self.found = [c.firm.code for c in found]
        for c in found:
            table.add_row(c.firm.code, c.firm.name, c.firm.area_code, ", ".join(c.open_policies), key=c.firm.code)
        self.query_one("#summary", Static).update(f"{self.t('待邀请企业', 'firms to invite')}: {len(found)}")

    def plan(self) -> None:
        policies = list(self.query_one("#policies", SelectionList).selected)
        try:
            if not self._value("area"):
                raise ValidationError("venue_area", "must not be empty")
            try:
                held_on = dt.date.fromisoformat(self._value("date"))
            except ValueError:
                raise ValidationError("held_on", f"{self._value('date')!r} is not a date") from None
            hosts = list(dict.fromkeys(self.service.policy(code).department for code in policies))
            if not self.found:
                self.find()
            session = self.service.plan_session(
                self.actor, title=self._value("title") or self.t("惠企政策宣讲会", "policy outreach session"),
                held_on=held_on, venue_area=self._value("area"), venue=self._value("venue") or self._value("area"),
                hosts=hosts, policies=policies, invite=self.found)
        except GridgovError as exc:
            self.fail(exc)
            return
        self.planned = session
        self.query_one("#summary", Static).update(
            f"{self.t('已策划宣讲会', 'planned session')} {session.id}: "
            f"{self.t('邀请', 'invited')} {len(self.found)}")
        self.done(f"session {session.id}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "find":
            self.find()
        elif event.button.id == "plan":
            self.plan()


class AttendanceScreen(HrScreen):
    """Pick a session; on a firm, ``a`` adds one attending person, ``x`` marks it absent;
    type a firm code below to add a walk-in."""

    BINDINGS = [("a", "attend", "+1 person"), ("x", "absent", "Absent")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="sessions", cursor_type="row")
        yield Static(id="totals")
        yield DataTable(id="attendance", cursor_type="row")
        yield Input(placeholder=self.t("现场签到企业编号", "walk-in firm code"), id="walkin")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.title = self.t("签到登记", "Record attendance")
        self.session_id: int | None = None
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns("#", self.t("日期", "date"), self.t("状态", "status"), self.t("地点", "venue"),
                             self.t("主题", "title"))
        today = self.service.today()
        found = self.service.sessions()
        # today's and past sessions first (most recent on top), then the planned ones
        ordered = [s for s in reversed(found) if s.held_on <= today] + [s for s in found if s.held_on > today]
        for s in ordered:
            sessions.add_row(str(s.id), str(s.held_on), s.status, s.venue, s.title, key=str(s.id))
        self.query_one("#attendance", DataTable).add_columns(
            self.t("企业", "firm"), self.t("名称", "name"), self.t("邀请", "invited"), self.t("人数", "people"))
        if sessions.row_count:
            self.show(int(selected_key(sessions)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "sessions" and event.row_key is not None:
            self.show(int(event.row_key.value))

    def show(self, session_id: int) -> None:
        self.session_id = session_id
        table = self.query_one("#attendance", DataTable)
        row = table.cursor_row
        table.clear()
        rows = self.service.attendance(session_id)
        for a in rows:
            org = self.platform.organisations.find(a.firm)
            table.add_row(a.firm, org.name if org else "", "✓" if a.invited else self.t("现场", "walk-in"),
                          str(a.attendees) if a.attended else "-", key=a.firm)
        if rows:
            table.move_cursor(row=min(row, len(rows) - 1))
        came = [a for a in rows if a.attended]
        self.query_one("#totals", Static).update(
            f"{self.t('到会企业', 'firms attending')} {len(came)}/{len(rows)} · "
            f"{self.t('人数', 'people')} {sum(a.attendees for a in came)}")

    def _set(self, firm: str, people: int) -> None:
        try:
            self.service.record_attendance(self.actor, self.session_id, firm, people)
        except GridgovError as exc:
            self.fail(exc)
            return
        self.show(self.session_id)

    def action_attend(self) -> None:
        firm = selected_key(self.query_one("#attendance", DataTable))
        if firm and self.session_id is not None:
            current = {a.firm: a.attendees for a in self.service.attendance(self.session_id)}
            self._set(firm, current.get(firm, 0) + 1)

    def action_absent(self) -> None:
        firm = selected_key(self.query_one("#attendance", DataTable))
        if firm and self.session_id is not None:
            self._set(firm, 0)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.session_id is not None and event.value.strip():
            self._set(event.value.strip(), 1)
            event.input.value = ""
