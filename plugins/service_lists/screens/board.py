"""The project board: the projects of the actor's areas with how each stands today (on
track, late, stalled, completed) and why; enter opens its timeline."""

from __future__ import annotations

from typing import Any, ClassVar

from gridgov.tui.plugin import PluginScreen, selected_key
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ..projects import ProjectService
from ..records import STATE_NAMES

STATES = ("on_track", "late", "stalled", "completed")


class BoardScreen(PluginScreen):
    BINDINGS: ClassVar[list[Binding]] = [Binding("t", "timeline", "Timeline", id="service_lists.timeline")]
    KEY_LABELS_ZH: ClassVar[dict[str, str]] = {**PluginScreen.KEY_LABELS_ZH, "Timeline": "进展"}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="caption")
        yield DataTable(id="projects", cursor_type="row", zebra_stripes=True)
        yield Static("", id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        t = self.t
        self.query_one(DataTable).add_columns(t("编号", "id"), t("区域", "area"), t("单位", "owner"), t("进度", "done"),
                                              t("状态", "standing"), t("原因", "why"), t("项目", "project"))
        self.reload()

    def reload(self) -> None:
        projects = ProjectService(self.platform)
        rows = [r for r in projects.list(self.actor, limit=200) if r["status"] != "cancelled"]
        today = self.platform.today()
        counts = dict.fromkeys(STATES, 0)
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            state, zh, en = projects.standing(r, today)
            counts[state] += 1
            name_zh, name_en = STATE_NAMES[state]
            table.add_row(str(r["id"]), r["area_code"], r["org_code"], f"{r['percent']}%", self.t(name_zh, name_en),
                          self.t(zh, en), r["title"], key=str(r["id"]))
        summary = "  ".join(f"{self.t(*STATE_NAMES[s])} {counts[s]}" for s in STATES)
        self.query_one("#caption", Static).update(self.t(f"项目看板　{summary}", f"project board  {summary}"))

    def action_timeline(self) -> None:
        key = selected_key(self.query_one(DataTable))
        if key is None:
            return
        items: list[dict[str, Any]] = ProjectService(self.platform).timeline(self.actor, int(key))
        self.query_one("#timeline", Static).update(
            "\n".join(f"{self.platform.time.format(i['at'])}  {i['kind']}  {i['text']}" for i in items))
