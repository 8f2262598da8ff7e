"""One consultation: the firm, the ask, the outcome, and one key per open action
(r refer, g grant, d decline, w withdraw; h the firm's history)."""

from __future__ import annotations

from gridgov.core import GridgovError
from gridgov.tui.plugin import PluginScreen
from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from ..money import format_yuan
from ..records import NEED_NAMES, STATUS_NAMES
from ..service import FinanceService, institution_type
from .forms import FormModal


class ConsultationScreen(PluginScreen):
    KEY_LABELS_ZH = {"Back": "返回", "Refer": "转介", "Grant": "授信", "Decline": "未获授信",
                     "Withdraw": "撤回", "Firm history": "企业记录"}  # fmt: skip
    BINDINGS = [
        ("r", "refer", "Refer"),
        ("g", "grant", "Grant"),
        ("d", "decline", "Decline"),
        ("w", "withdraw", "Withdraw"),
        ("h", "history", "Firm history"),
    ]

    def __init__(self, ctx, consultation_id: int) -> None:
        super().__init__(ctx)
        self.service = FinanceService(self.platform)
        self.consultation_id = consultation_id
        self.consultation = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="consultation")
        yield Static(id="actions")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.t(f"咨询 {self.consultation_id}", f"Consultation {self.consultation_id}")
        self.reload()

    def reload(self) -> None:
        try:
            c = self.consultation = self.service.get(self.actor, self.consultation_id)
            firm = self.service.enterprise(c.enterprise)
            station = self.service.station(c.station)
        except GridgovError as exc:
            self.fail(exc)
            return
        rows = [
            (self.t("状态", "status"), self.t(*STATUS_NAMES[c.status])),
            (self.t("企业", "firm"), f"{firm.name}  {firm.uscc}"),
            (self.t("行业/规模", "industry/size"), f"{firm.industry or ''} / {firm.size or ''}"),
            (self.t("驿站", "station"), f"{station.name} ({station.code})"),
            (self.t("需求", "need"), self.t(*NEED_NAMES[c.need])),
            (self.t("申请额", "asked"), format_yuan(c.amount_asked) if c.amount_asked is not None else ""),
            (self.t("受理时间", "opened"), self.platform.time.format(c.opened_at)),
            (self.t("对接机构", "institution"), c.institution or ""),
            (self.t("授信额", "granted"), format_yuan(c.granted_amount) if c.granted_amount else ""),
            (self.t("普惠型小微贷款", "inclusive micro-loan"), self.t("是", "yes") if c.inclusive else ""),
            (self.t("原因", "reason"), c.reason),
            (self.t("关联诉求", "case"), str(c.issue_id or "")),
        ]
        self.query_one("#consultation", Static).update("\n".join(f"{k}: {v}" for k, v in rows if v))
        keys = {"refer": "r", "grant": "g", "decline": "d", "withdraw": "w"}
        actions = self.service.available(c)
        self.query_one("#actions", Static).update(
            "  ".join(f"[{keys[a]}] {a}" for a in actions) or self.t("已办结", "finished")
        )

    def _run(self, call) -> None:
        try:
            call()
        except GridgovError as exc:
            self.fail(exc)
            return
        self.reload()

    def _partners(self, types: tuple[str, ...]) -> str:
        station = self.service.station(self.consultation.station)
        orgs = [self.platform.organisations.find(code) for code in station.partners]
        return ", ".join(org.code for org in orgs if org is not None and institution_type(org) in types)

    def action_refer(self) -> None:
        if self.consultation is None:
            return
        hint = self._partners(("bank", "insurer", "broker"))
        self.app.push_screen(
            FormModal(self.ctx, self.t("转介金融机构", "Refer to an institution"),
                      [("institution", self.t(f"机构代码（{hint}）", f"institution ({hint})"), "")]),
            lambda v: v and self._run(lambda: self.service.refer(self.actor, self.consultation_id, v["institution"])),
        )  # fmt: skip

    def action_grant(self) -> None:
        if self.consultation is None:
            return
        self.app.push_screen(
            FormModal(self.ctx, self.t("登记授信", "Record credit granted"),
                      [("amount", self.t("授信额（如 300万、1.5亿、12.34）", "amount (300万, 1.5亿, 12.34)"), ""),
                       ("note", self.t("备注", "note"), "")],
                      switches=[("inclusive", self.t("普惠型小微企业贷款", "inclusive micro-loan"))]),
            lambda v: v and self._run(lambda: self.service.grant(
                self.actor, self.consultation_id, v["amount"], inclusive=v["inclusive"], note=v["note"])),
        )  # fmt: skip

    def action_decline(self) -> None:
        if self.consultation is None:
            return
        self.app.push_screen(
            FormModal(self.ctx, self.t("未获授信", "Declined"), [("reason", self.t("原因", "reason"), "")]),
            lambda v: v and self._run(lambda: self.service.decline(self.actor, self.consultation_id, v["reason"])),
        )  # fmt: skip

    def action_withdraw(self) -> None:
        if self.consultation is None:
            return
        self.app.push_screen(
            FormModal(self.ctx, self.t("企业撤回", "Withdrawn"), [("reason", self.t("原因（可空）", "reason (optional)"), "")]),
            lambda v: v is not None and self._run(
                lambda: self.service.withdraw(self.actor, self.consultation_id, v["reason"])),
        )  # fmt: skip

    def action_history(self) -> None:
        from .firm import FirmScreen

        if self.consultation is not None:
            self.app.push_screen(FirmScreen(self.ctx, self.consultation.enterprise))
