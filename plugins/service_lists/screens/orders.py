"""The orders queue: a unit's orders (or those of the actor's areas) soonest due first; one
key takes the next step, another sends an order that cannot be served on as a case."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from gridgov.core import GridgovError, ValidationError
from gridgov.tui.plugin import FormScreen, PluginScreen, field_row, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from ..orders import LIFECYCLE, STATUS_NAMES, OrderService

FORWARD = ("dispatch", "take", "schedule", "complete", "rate")
FIELDS = {"scheduled_for": ("预约时间", "when (YYYY-MM-DD HH:MM)"), "note": ("说明", "note"),
          "rating": ("评价", "rating (satisfied / basically_satisfied / dissatisfied)")}


class MoveForm(FormScreen):
    def __init__(self, ctx: Any, row: dict[str, Any], name: str) -> None:
        super().__init__(ctx)
        self.row, self.move_name = row, name

    def fields(self) -> ComposeResult:
        for field in ("scheduled_for", "note", "rating"):
            if field in LIFECYCLE.moves[self.move_name].requires:
                zh, en = FIELDS[field]
                yield field_row(self.t(zh, en), Input(id=field))

    def save(self, values: dict[str, Any]) -> Any:
        when = None
        if "scheduled_for" in values:
            try:
                when = dt.datetime.strptime(values["scheduled_for"].strip(), "%Y-%m-%d %H:%M")
            except ValueError:
                raise ValidationError("scheduled_for", "give the time as YYYY-MM-DD HH:MM") from None
        return OrderService(self.platform).move(self.actor, self.row["id"], self.move_name,
                                                note=values.get("note", ""), rating=values.get("rating") or None,
                                                scheduled_for=when, expected_version=self.row["version"])


class OrdersScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("n", "next", "Next step", id="service_lists.next"),
        Binding("x", "unserved", "Cannot serve", id="service_lists.unserved"),
    ]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Next step": "下一步",
                                               "Cannot serve": "无法办理"}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="caption")
        yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        self.query_one(DataTable).add_columns(t("编号", "id"), t("状态", "status"), t("单位", "unit"), t("区域", "area"),
                                              t("接单期限", "take by"), t("超期", "late"), t("居民", "resident"))
        self.reload()

    def reload(self) -> None:
        service = OrderService(self.platform)
        rows = service.queue(self.actor, limit=100)
        table = self.query_one(DataTable)
        table.clear()
        now = self.platform.now()
        for r in rows:
            zh, en = STATUS_NAMES[r["status"]]
            table.add_row(str(r["id"]), self.t(zh, en), r["org_code"], r["area_code"],
                          self.platform.time.format(r["take_due"]), self.t("超期", "late") if service.overdue(r, now) else "",
                          r["resident_name"], key=str(r["id"]))
        self.query_one("#caption", Static).update(self.t(f"点单队列（{len(rows)}单）", f"orders queue ({len(rows)})"))

    def selected(self) -> dict[str, Any] | None:
        key = selected_key(self.query_one(DataTable))
        return self.platform.table("service_lists_order").get(int(key)) if key is not None else None

    def take(self, row: dict[str, Any], name: str) -> None:
        if LIFECYCLE.moves[name].requires:
            self.app.push_screen(MoveForm(self.ctx, row, name), self.moved)
            return
        try:
            self.moved(OrderService(self.platform).move(self.actor, row["id"], name, expected_version=row["version"]))
        except GridgovError as exc:
            self.fail(exc)

    def moved(self, row: dict[str, Any] | None) -> None:
        if row is not None:
            zh, en = STATUS_NAMES[row["status"]]
            self.done(self.t(f"点单{row['id']}：{zh}", f"order {row['id']}: {en}"))
            self.reload()

    def action_next(self) -> None:
        row = self.selected()
        if row is None:
            return
        offered = OrderService(self.platform).available(self.actor, row)
        forward = [m for m in FORWARD if m in offered]
        if forward:
            self.take(row, forward[0])
        else:
            self.fail(self.t("没有可办理的下一步", "no next step for this order"))

    def action_unserved(self) -> None:
        row = self.selected()
        if row is None:
            return
        offered = OrderService(self.platform).available(self.actor, row)
        choice = next((m for m in ("decline", "refer") if m in offered), None)
        if choice is None:
            self.fail(self.t("无权转为案件", "you cannot send this order on as a case"))
        else:
            self.take(row, choice)
