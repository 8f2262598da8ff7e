"""One dispute: parties (masked), sessions, outcome, follow-ups; keys to record a session,
an outcome, a follow-up visit or the agreement's performance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from ..service import MediationService
from .common import OUTCOME_NAMES, ROLE_NAMES, STATUS_NAMES, TARGET_NAMES, kind, name
from .forms import FollowUpForm, OutcomeForm, PerformanceForm, SessionForm


class DisputeDetailScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "dismiss_screen", "Back"),
        Binding("s", "session", "Session"),
        Binding("o", "outcome", "Outcome"),
        Binding("f", "follow_up", "Follow-up"),
        Binding("p", "performed", "Performed"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Session": "记录调解", "Outcome": "调解结果",
                                               "Follow-up": "回访", "Performed": "履行"}

    def __init__(self, app: Any, dispute_id: int) -> None:
        super().__init__(app)
        self.service = MediationService(self.platform)
        self.dispute_id = dispute_id

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="head")
            yield Static("", id="parties")
            yield Static("", id="sessions")
            yield Static("", id="outcome")
            yield Static("", id="follow-ups")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_view()

    def refresh_view(self) -> None:
        actor, t = self.actor, self.t
        d = self.service.get(actor, self.dispute_id)
        body = self.platform.organisations.find(d.body_org) if d.body_org else None
        self.query_one("#head", Static).update(
            f"{t('纠纷', 'Dispute')} {d.id} ({t('案件', 'case')} #{d.issue_id}) · {kind(self, d.kind)} · "
            f"{name(self, STATUS_NAMES, d.status)}\n{t('区域', 'area')} {d.area_code} · {t('层级', 'level')} {d.level} · "
            f"{t('调解组织', 'body')} {body.name if body else '—'} · {t('受理', 'received')} {self.platform.time.local(d.opened_at):%Y-%m-%d %H:%M}\n{d.summary}"
        )
        parties = [f"  {name(self, ROLE_NAMES, p.role)}: {p.name} {p.phone or ''} {p.household or ''}".rstrip() for p in d.parties]
        self.query_one("#parties", Static).update("\n".join([t("当事人", "Parties"), *parties]))
        sessions = [f"  {self.platform.time.local(s.at):%Y-%m-%d %H:%M} {s.place} · {', '.join(s.mediators)} · {s.notes}"
                    for s in self.service.sessions(actor, self.dispute_id)]  # fmt: skip
        self.query_one("#sessions", Static).update("\n".join([t("调解记录", "Sessions"), *(sessions or ["  —"])]))
        outcome = self.service.outcome(actor, self.dispute_id)
        lines = [t("调解结果", "Outcome")]
        if outcome is None:
            lines.append("  —")
        else:
            lines.append(f"  {name(self, OUTCOME_NAMES, outcome.kind)} · {self.platform.time.local(outcome.at):%Y-%m-%d} · {outcome.level}")
            if outcome.kind == "agreement":
                done = outcome.performed_on or t("未履行", "not yet performed")
                lines.append(f"  {outcome.terms}\n  {t('签订', 'signed')} {outcome.signed_on} · "
                             f"{t('履行期限', 'perform by')} {outcome.perform_by} · {done}")  # fmt: skip
            elif outcome.kind == "referred":
                lines.append(f"  → {name(self, TARGET_NAMES, outcome.referred_to)}: {outcome.receiving_body} · {outcome.note}")
            else:
                lines.append(f"  {outcome.note}")
        self.query_one("#outcome", Static).update("\n".join(lines))
        visits = [f"  {v.id}: {v.due_on} · {v.by_login} · {v.visited_on or t('待回访', 'pending')} {v.notes}"
                  for v in self.service.follow_ups(actor, self.dispute_id)]  # fmt: skip
        self.query_one("#follow-ups", Static).update("\n".join([t("回访", "Follow-up visits"), *(visits or ["  —"])]))

    def _form(self, form: Any, call: Callable[..., Any], done_zh: str, done_en: str) -> None:
        """Open ``form``; what it hands back goes to ``call`` (a refusal is one notice)."""

        def save(values: dict | None) -> None:
            if not values:
                return
            try:
                call(self.actor, self.dispute_id, **values)
            except GridgovError as exc:
                self.fail(exc)
                return
            self.done(self.t(done_zh, done_en))
            self.refresh_view()

        self.app.push_screen(form, save)

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)

    def action_session(self) -> None:
        self._form(SessionForm(self.ctx), self.service.record_session, "已记录调解", "session recorded")

    def action_outcome(self) -> None:
        methods = {"agreement": self.service.record_agreement, "referred": self.service.record_referral,
                   "withdrawn": self.service.record_withdrawal}  # fmt: skip
        self._form(OutcomeForm(self.ctx), lambda *args, kind, **values: methods[kind](*args, **values),
                   "已记录调解结果", "outcome recorded")  # fmt: skip

    def action_follow_up(self) -> None:
        self._form(FollowUpForm(self.ctx), self.service.schedule_follow_up, "已安排回访", "follow-up scheduled")

    def action_performed(self) -> None:
        self._form(PerformanceForm(self.ctx), self.service.record_performance, "已记录履行", "performance recorded")
