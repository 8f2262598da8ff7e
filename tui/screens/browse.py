"""Browse: the area tree with each area's members, posts and pairings; the members in
scope with each post and where it is held, found by any part of a name or a login; and
the screens plugins contribute (finance stations, mediation cases, HR sessions…),
opened with Enter."""

from __future__ import annotations

from gridgov.core import AccessDenied, Member
from gridgov.core.services.lookup import find_members
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from ..labels import plain
from ..widgets.area_tree import AreaTree
from ..widgets.who_bar import WhoBar
from .base import GridgovScreen

MEMBER_LIMIT = 200


class BrowseScreen(GridgovScreen):
    BINDINGS = [
        Binding("a", "tab('tab-areas')", "Areas", id="browse.areas"),
        Binding("m", "tab('tab-members')", "Members", id="browse.members"),
        Binding("p", "tab('tab-plugins')", "Plugins", id="browse.plugins"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        yield WhoBar(t("nav.browse"))
        with TabbedContent(id="browse-tabs"):
            with TabPane(t("browse.areas"), id="tab-areas"), Horizontal():
                yield AreaTree(self._roots(), id="area-tree")
                with VerticalScroll(id="area-detail"):
                    yield Static(id="area-info")
                    yield Static(t("browse.posts"), classes="section")
                    yield DataTable(id="area-posts", cursor_type="row")
                    yield Static(t("browse.pairings"), classes="section")
                    yield DataTable(id="area-pairings", cursor_type="row")
                    yield Static(t("browse.area_members"), classes="section")
                    yield DataTable(id="area-members", cursor_type="row")
            with TabPane(t("browse.members"), id="tab-members"):
                yield Input(placeholder=t("browse.member_search"), id="member-search", compact=True)
                yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
                yield Static(id="members-note", classes="dim")
            with TabPane(t("browse.plugins"), id="tab-plugins"):
                yield DataTable(id="plugin-screens", cursor_type="row", zebra_stripes=True)
                yield Static(id="plugin-note")
        yield Footer(compact=True)

    def _roots(self) -> list[str]:
        roots = [g.area_code for g in self.actor.grants if g.area_code]
        if self.actor.covers("issue.read", "/") and not roots:
            roots = [a.code for a in self.platform.areas.roots()]
        return list(dict.fromkeys(roots))

    def on_mount(self) -> None:
        t = self.t
        for table_id, columns in (
            ("#area-posts", ("login", "name", "post", "since")),
            ("#area-pairings", ("kind", "partner", "commitments")),
            ("#area-members", ("login", "name", "organisation")),
            ("#members", ("login", "name", "posts", "organisation")),
            ("#plugin-screens", ("title", "plugin")),
        ):
            table = self.query_one(table_id, DataTable)
            for key in columns:
                table.add_column(t(f"column.{key}"), key=key)
        self._members()
        self._plugins()
        roots = self._roots()
        if roots:
            self.show_area(roots[0])
        self.query_one("#area-tree").focus()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _focus_tab(self, event: TabbedContent.TabActivated) -> None:
        first = {"tab-areas": "#area-tree", "tab-members": "#member-search", "tab-plugins": "#plugin-screens"}
        target = first.get(event.pane.id or "")
        if target:
            self.query_one(target).focus()

    # -- areas -----------------------------------------------------------------------------

    @on(AreaTree.NodeHighlighted, "#area-tree")
    def _highlighted(self, event: AreaTree.NodeHighlighted) -> None:
        if event.node.data:
            self.show_area(event.node.data)

    def show_area(self, code: str) -> None:
        t, platform = self.t, self.platform
        area = platform.areas.get(code)
        facts = [f"{area.name} {area.code} · {t.level(area.level)}"]
        if area.population is not None or area.households is not None:
            facts.append(t("browse.people", population=area.population or "—", households=area.households or "—"))
        self.query_one("#area-info", Static).update(plain("\n".join(facts)))
        posts = self.query_one("#area-posts", DataTable)
        posts.clear()
        for a in platform.members.assignments(area=code):
            name = self._member_name(a.login)
            posts.add_row(plain(a.login), plain(name), plain(self.labels.post(a.post)), plain(a.starts or "—"))
        pairings = self.query_one("#area-pairings", DataTable)
        pairings.clear()
        for p in platform.pairings.list(self.actor, area=code):
            partner = self.labels.organisation(p.org_code) if p.org_code else (p.member_login or "—")
            pairings.add_row(plain(t(f"pairing.{p.kind}")), plain(partner), plain(p.commitments or ""))
        members = self.query_one("#area-members", DataTable)
        members.clear()
        try:
            found = platform.members.list(self.actor, area=code, limit=50)
        except AccessDenied:
            found = []
        for m in found:
            members.add_row(plain(m.login), plain(m.name), plain(self.labels.organisation(m.org_code)))

    def _member_name(self, login: str) -> str:
        try:
            return self.platform.members.get(self.actor, login).name
        except AccessDenied:
            return "—"

    # -- members and plugins -----------------------------------------------------------------

    def _members(self, search: str = "") -> None:
        """The members in scope (the first :data:`MEMBER_LIMIT`), or those found by
        ``search`` — a login's start or any part of a name."""
        table = self.query_one("#members", DataTable)
        table.clear()
        if search.strip():
            members = find_members(self.platform, self.actor, search, limit=MEMBER_LIMIT)
        else:
            try:
                members = self.platform.members.list(self.actor, limit=MEMBER_LIMIT)
            except AccessDenied:
                members = []
        for m in members:
            table.add_row(plain(m.login), plain(m.name), plain(self._posts(m)),
                          plain(self.labels.organisation(m.org_code)), key=m.login)
        note = self.query_one("#members-note", Static)
        if search.strip() and not members:
            note.update(plain(self.t("browse.no_member", search=search.strip())))
        elif len(members) >= MEMBER_LIMIT:
            note.update(plain(self.t("browse.members_first", n=MEMBER_LIMIT)))
        else:
            note.update("")

    def _posts(self, member: Member) -> str:
        """Each post with where it is held: ``网格员 · 福寮社区第01网格``."""
        parts = []
        for a in self.platform.members.assignments(member.login):
            where = self.labels.place(a.area_code) if a.area_code else self.labels.organisation(a.org_code)
            parts.append(f"{self.labels.post(a.post)} · {where}")
        return "; ".join(parts) or "—"

    @on(Input.Changed, "#member-search")
    def _search_members(self, event: Input.Changed) -> None:
        self._members(event.value)

    @on(Input.Submitted, "#member-search")
    def _to_members(self) -> None:
        self.query_one("#members", DataTable).focus()

    def _plugins(self) -> None:
        table = self.query_one("#plugin-screens", DataTable)
        specs = self.gg.plugin_screens()
        for spec in specs:
            table.add_row(plain(self.gg.title_of(spec)), plain(spec.plugin), key=spec.id)
        self.query_one("#plugin-note", Static).update(self.t("browse.plugin_hint" if specs else "browse.no_plugins"))

    @on(DataTable.RowSelected, "#plugin-screens")
    def _open_plugin(self, event: DataTable.RowSelected) -> None:
        spec = self.platform.screens.get(str(event.row_key.value))
        if spec is not None:
            self.gg.open_plugin_screen(spec)
