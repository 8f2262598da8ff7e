"""Modal forms that collect a session, an outcome or a follow-up visit. They check the
input's shape and hand back keyword arguments for the service, which checks the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridgov.core import ValidationError
from gridgov.tui.plugin import FormScreen, field_row
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from ..records import OUTCOMES, REFERRAL_TARGETS
from .common import OUTCOME_NAMES, TARGET_NAMES, name, parse_day, parse_moment, split_list


class MediationForm(FormScreen):
    """A form with Save and Cancel buttons and one-line, borderless fields (eight fit)."""

    DEFAULT_CSS = """
    MediationForm > Vertical { width: 84; max-height: 100%; border: thick $accent; }
    MediationForm .title { margin-bottom: 1; padding: 0; }
    MediationForm .plugin-field { height: 1; margin-bottom: 1; }
    MediationForm .plugin-field-label { width: 22; padding: 0; }
    MediationForm .plugin-field > Select { width: 1fr; }
    MediationForm .buttons { height: auto; align-horizontal: right; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.fields()
            with Horizontal(classes="buttons"):
                yield Button(self.t("保存", "Save"), id="save", variant="primary")
                yield Button(self.t("取消", "Cancel"), id="cancel")

    @staticmethod
    def field(label: str, widget: Input | Select) -> Horizontal:
        widget.compact = True
        return field_row(label, widget)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.action_cancel()
        else:
            self.action_submit()


class SessionForm(MediationForm):
    def fields(self) -> ComposeResult:
        t, now = self.t, self.platform.now()
        yield Label(t("记录调解", "Record a session"), classes="title")
        yield self.field(t("时间", "time"), Input(f"{self.platform.time.local(now):%Y-%m-%d %H:%M}", placeholder="YYYY-MM-DD HH:MM", id="at"))
        yield self.field(t("地点", "place"), Input(id="place"))
        yield self.field(t("调解员", "mediators"), Input(self.actor.login, placeholder=t("逗号分隔", "comma-separated logins"), id="mediators"))
        yield self.field(t("到场人员", "who attended"), Input(placeholder=t("逗号分隔", "comma-separated"), id="attendees"))
        yield self.field(t("调解情况", "notes"), Input(id="notes"))

    def values(self) -> dict[str, Any]:
        place = self.text("place").strip()
        if not place:
            raise ValidationError("place", "must not be empty")
        return {"at": parse_moment("at", self.text("at"), self.platform.time), "place": place,
                "mediators": split_list(self.text("mediators")), "attendees": split_list(self.text("attendees")),
                "notes": self.text("notes")}  # fmt: skip


class OutcomeForm(MediationForm):
    def fields(self) -> ComposeResult:
        t, today = self.t, self.platform.today()
        yield Label(t("记录调解结果", "Record the outcome"), classes="title")
        yield self.field(t("结果", "outcome"), Select([(name(self, OUTCOME_NAMES, k), k) for k in OUTCOMES],
                                                      value="agreement", allow_blank=False, id="kind"))  # fmt: skip
        yield self.field(t("协议内容", "agreement terms"), Input(id="terms"))
        yield self.field(t("签订日期", "signed on"), Input(today.isoformat(), placeholder="YYYY-MM-DD", id="signed_on"))
        yield self.field(t("履行期限", "perform by"),
                         Input((today + dt.timedelta(days=30)).isoformat(), placeholder="YYYY-MM-DD", id="perform_by"))
        yield self.field(t("移送至", "refer to"), Select([(name(self, TARGET_NAMES, k), k) for k in REFERRAL_TARGETS],
                                                      prompt="—", id="to"))  # fmt: skip
        yield self.field(t("接收单位", "receiving body"), Input(id="receiving_body"))
        yield self.field(t("说明", "note"), Input(placeholder=t("移送或撤回的原因", "why referred or withdrawn"), id="note"))

    def values(self) -> dict[str, Any]:
        kind = self.query_one("#kind", Select).value
        if kind == "agreement":
            return {"kind": kind, "terms": self.text("terms"), "signed_on": parse_day("signed_on", self.text("signed_on")),
                    "perform_by": parse_day("perform_by", self.text("perform_by"))}  # fmt: skip
        if kind == "referred":
            to = self.query_one("#to", Select).value
            if to is Select.NULL:
                raise ValidationError("referred_to", f"choose one of {', '.join(REFERRAL_TARGETS)}")
            return {"kind": kind, "to": to, "receiving_body": self.text("receiving_body"), "note": self.text("note")}
        return {"kind": kind, "note": self.text("note")}


class FollowUpForm(MediationForm):
    def fields(self) -> ComposeResult:
        t, today = self.t, self.platform.today()
        yield Label(t("安排回访", "Schedule a follow-up visit"), classes="title")
        yield self.field(t("回访日期", "due on"), Input((today + dt.timedelta(days=14)).isoformat(), placeholder="YYYY-MM-DD", id="due_on"))
        yield self.field(t("回访人", "who visits"), Input(self.actor.login, placeholder="login", id="by_login"))
        yield self.field(t("备注", "notes"), Input(id="notes"))

    def values(self) -> dict[str, Any]:
        return {"due_on": parse_day("due_on", self.text("due_on")), "by_login": self.text("by_login").strip() or None,
                "notes": self.text("notes")}  # fmt: skip


class PerformanceForm(MediationForm):
    def fields(self) -> ComposeResult:
        t = self.t
        yield Label(t("记录协议履行", "Record that the agreement was performed"), classes="title")
        yield self.field(t("履行日期", "performed on"),
                         Input(self.platform.today().isoformat(), placeholder="YYYY-MM-DD", id="performed_on"))

    def values(self) -> dict[str, Any]:
        return {"performed_on": parse_day("performed_on", self.text("performed_on"))}
