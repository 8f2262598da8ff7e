"""The policy catalogue, and a firm's view of the policies it may qualify for."""

from __future__ import annotations

from gridgov.core import GridgovError
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static

from ..eligibility import describe
from ..records import TOPICS, topic_name
from .base import HrScreen


class CatalogueScreen(HrScreen):
    """Every policy with its topic, dates and eligibility; ``t`` cycles the topic filter."""

    BINDINGS = [("t", "next_topic", "Topic")]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.topic: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filter")
        yield DataTable(id="policies", cursor_type="row")
        yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.title = self.t("政策目录", "Policy catalogue")
        table = self.query_one("#policies", DataTable)
        table.add_columns(*(self.t(zh, en) for zh, en in (
            ("编号", "code"), ("类别", "topic"), ("政策", "policy"), ("有效期", "in force"), ("条件", "eligibility"))))
        self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one("#policies", DataTable)
        table.clear()
        today = self.service.today()
        for p in self.service.policies(topic=self.topic):
            state = f"{p.effective_from}–{p.effective_until or '…'}" + ("" if p.in_force_on(today) else " ✗")
            table.add_row(p.code, topic_name(p.topic, self.lang), p.title(self.lang), state,
                          describe(p.rules, self.lang), key=p.code)
        shown = topic_name(self.topic, self.lang) if self.topic else self.t("全部", "all")
        self.query_one("#filter", Static).update(f"{self.t('类别', 'Topic')}: {shown} ({table.row_count})")

    def action_next_topic(self) -> None:
        order = [None, *TOPICS]
        self.topic = order[(order.index(self.topic) + 1) % len(order)]
        self.refresh_rows()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is None or event.row_key.value is None:
            return
        p = self.service.policy(event.row_key.value)
        self.query_one("#detail", Static).update(
            f"{p.title_zh} / {p.title_en}  v{p.version}\n{self.t('发布部门', 'Department')}: {p.department}\n"
            f"{describe(p.rules, self.lang)}\n{p.summary}")


class FirmPoliciesScreen(HrScreen):
    """Type a firm's code: the policies in force it may qualify for (✓) or not (✗), and why."""

    def __init__(self, ctx, firm: str | None = None) -> None:
        super().__init__(ctx)
        self.firm = firm or getattr(self.actor, "org_code", None) or None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(value=self.firm or "", placeholder=self.t("企业编号", "firm code"), id="firm")
        yield Static(id="who")
        yield DataTable(id="judged", cursor_type="row")
        yield Static(id="reasons")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.title = self.t("企业可享政策", "A firm's policies")
        self.query_one("#judged", DataTable).add_columns(
            "", self.t("编号", "code"), self.t("政策", "policy"), self.t("类别", "topic"))
        if self.firm:
            self.show(self.firm)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.show(event.value.strip())

    def show(self, firm: str) -> None:
        table = self.query_one("#judged", DataTable)
        table.clear()
        self.verdicts = {}
        try:
            profile = self.service.firm(firm)
            judged = self.service.policies_for_firm(self.actor, firm, all_policies=True)
        except GridgovError as exc:
            self.query_one("#who", Static).update(str(exc))
            return
        self.firm = firm
        eligible = sum(v.eligible for _, v in judged)
        self.query_one("#who", Static).update(
            f"{profile.name} · {profile.industry} · {profile.size} · {profile.headcount} · "
            f"{self.t('认定人才', 'talents')} {profile.certified_talents} — "
            f"{self.t('可享', 'may qualify for')} {eligible}/{len(judged)}")
        for p, v in judged:
            self.verdicts[p.code] = v
            table.add_row("✓" if v.eligible else "✗", p.code, p.title(self.lang), topic_name(p.topic, self.lang),
                          key=p.code)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        verdict = self.verdicts.get(event.row_key.value) if event.row_key else None
        if verdict is not None:
            self.query_one("#reasons", Static).update(
                "\n".join(f"{'✓' if r.met else '✗'} {r.text(self.lang)}" for r in verdict.reasons)
                or self.t("无限制条件", "no conditions"))
