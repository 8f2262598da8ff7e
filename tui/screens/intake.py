"""Intake: take in a resident's request in seconds.

The area starts as the actor's own grid and is found by a code or any part of a name
(or picked from the tree); the priority follows the category's default; the title may be
left empty (the description's first line is used); the phone field takes digits only and
masks the number as soon as the cursor leaves it. Likely duplicates are shown before
anything is saved. After saving, and on Clear, the form starts again from the actor's
own grid: the next request is not filed under the last one's building.

Where exactly: an address as the resident says it, and optionally a point (``lat, lon``,
WGS-84, as a phone's map gives it). A point names the area that holds it (the core's
``areas.locate``) and fills the area field while that still holds the form's start value
or an earlier point's area; with the area field emptied, the core finds the area from
the point. Files (photos of the site; paths, ``;`` between them) are attached in the
same transaction as the report: a file the core refuses (too large) leaves nothing
saved, says why in one line and keeps the form as it was.

This screen is a form: the digit keys type, they never switch screens (Esc leaves).
"""

from __future__ import annotations

from gridgov.core import PRIORITIES, GridgovError, phone_problem
from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from ..attachments import FileProblem, attach_all, read_files
from ..labels import home_area, plain
from ..messages import OpenIssue
from ..widgets.finder import FinderInput, Matches
from ..widgets.phone_input import PhoneInput
from ..widgets.suggesters import AreaSuggester, area_search, resolve_area
from ..widgets.who_bar import WhoBar
from .area_picker import AreaPicker
from .base import GridgovScreen
from .duplicates import DuplicatesScreen

TITLE_FROM_DESCRIPTION = 40
FIELDS = ("category", "area", "priority", "title", "description", "requester", "address", "point", "files")


def parse_point(text: str) -> tuple[float, float] | None:
    """``22.69, 114.105`` (or with a space between) as (lat, lon); None when empty.
    Raises ValueError for anything else, or a point off the globe."""
    parts = text.replace("，", ",").replace(",", " ").split()
    if not parts:
        return None
    if len(parts) != 2:
        raise ValueError(text)
    lat, lon = float(parts[0]), float(parts[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(text)
    return lat, lon


class FormBody(VerticalScroll, can_focus=False):
    """The fields, scrolled to the focused one (Tab never stops on the container)."""


class IntakeScreen(GridgovScreen):
    FORM = True
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="intake.save"),
        Binding("ctrl+t", "pick_area", "Area tree", id="intake.pick_area"),
        Binding("ctrl+r", "clear", "Clear", id="intake.clear"),
        Binding("escape", "leave", "Leave", id="intake.leave"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        yield WhoBar(t("nav.intake"))
        with FormBody(id="intake"):
            with Horizontal(classes="row"):
                yield Label(t("field.category"), classes="label")
                yield Select(self._categories(), prompt=t("intake.choose_category"), id="category", compact=True)
            with Horizontal(classes="row tight"):
                yield Label(t("field.area"), classes="label")
                yield FinderInput(placeholder=t("intake.area_hint"), id="area",
                                  suggester=AreaSuggester(self.platform, self.actor.paths_for("issue.report")),
                                  compact=True)
            yield Matches("area", area_search(self.gg))
            yield Static(id="area-hint")
            with Horizontal(classes="row"):
                yield Label(t("field.priority"), classes="label")
                yield Select([(t.priority(p), p) for p in PRIORITIES], value="normal", allow_blank=False,
                             id="priority", compact=True)
            with Horizontal(classes="row"):
                yield Label(t("field.title"), classes="label")
                yield Input(placeholder=t("intake.title_hint"), id="title", max_length=200, compact=True)
            with Horizontal(classes="row description"):
                yield Label(t("field.description"), classes="label")
                yield TextArea(id="description", soft_wrap=True, tab_behavior="focus")
            with Horizontal(classes="row"):
                yield Label(t("field.requester"), classes="label")
                yield Input(placeholder=t("intake.name_hint"), id="requester-name", max_length=60, compact=True)
                yield PhoneInput(placeholder=t("intake.phone_hint"), id="phone", compact=True)
            with Horizontal(classes="row"):
                yield Label(t("field.address"), classes="label")
                yield Input(placeholder=t("intake.address_hint"), id="address", max_length=200, compact=True)
            with Horizontal(classes="row tight"):
                yield Label(t("field.point"), classes="label")
                yield Input(placeholder=t("intake.point_hint"), id="point", max_length=60, compact=True)
            yield Static(id="point-hint")
            with Horizontal(classes="row"):
                yield Label(t("field.files"), classes="label")
                yield Input(placeholder=t("intake.files_hint"), id="files", compact=True)
            yield Static(id="intake-error")
        yield Footer(compact=True)

    def _categories(self) -> list[tuple[str, str]]:
        options = []
        for code, cat in self.platform.categories.items():
            name = self.labels.category(code)
            options.append((name if cat.plugin == "gridgov" else f"{name} · {cat.plugin}", code))
        return options

    def on_mount(self) -> None:
        super().on_mount()
        width = max(cell_len(self.t(f"field.{key}")) for key in FIELDS) + 2
        for label in self.query(".label").results(Label):
            label.styles.width = width
        for selector, (top, bottom) in (("#area-matches", (0, 0)), ("#area-hint", (0, 1)), ("#point-hint", (0, 1)),
                                        ("#intake-error", (0, 0))):
            self.query_one(selector).styles.margin = (top, 0, bottom, width)
        self.home_area = home_area(self.platform, self.actor, "issue.report")
        self.reset()

    # -- reactions -------------------------------------------------------------------------

    @on(Select.Changed, "#category")
    def _category_changed(self, event: Select.Changed) -> None:
        category = self.platform.categories.get(event.value) if event.value is not Select.NULL else None
        if category is not None:
            self.query_one("#priority", Select).value = category.default_priority

    @on(Input.Changed, "#area")
    def _area_changed(self, event: Input.Changed) -> None:
        area = resolve_area(self.platform, event.value)
        hint = self.query_one("#area-hint", Static)
        matches = self.query_one("#area-matches", Matches)
        if area is None:
            hint.update(plain(self.t("intake.area_unknown")) if event.value.strip() else "")
            matches.update_for(event.value)
        else:
            path = " › ".join(self.labels.area(c) for c in area.path.strip("/").split("/"))
            hint.update(plain(f"✓ {path}"))
            matches.hide()

    @on(Input.Changed, "#point")
    def _point_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#point-hint", Static)
        try:
            point = parse_point(event.value)
        except ValueError:
            hint.update(plain(self.t("intake.bad_point"), "red"))
            return
        if point is None:
            hint.update("")
            return
        found = self.platform.areas.locate(*point)
        if found is None:
            hint.update(plain(self.t("intake.point_outside"), "red"))
            return
        hint.update(plain(self.t("intake.point_in", area=f"{self.labels.place(found.code)} {found.code}")))
        area = self.query_one("#area", Input)
        # Follow the point while the area is the form's start or what an earlier point gave
        # (the point is typed a digit at a time); never over an area the user chose.
        if area.value.strip() in ("", self.home_area or "", self.area_from_point):
            area.value = self.area_from_point = found.code

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "area" and resolve_area(self.platform, event.value) is None:
            matches = self.query_one("#area-matches", Matches)
            if matches.values:  # Enter on a name takes the first match
                event.input.value = matches.values[0]
                return
        self.focus_next()

    # -- actions ---------------------------------------------------------------------------

    def action_leave(self) -> None:
        self.gg.go(self.gg.home)

    def action_pick_area(self) -> None:
        roots = [g.area_code for g in self.actor.grants if g.area_code and g.allows("issue.report")]
        if not roots and self.actor.covers("issue.report", "/"):
            roots = [a.code for a in self.platform.areas.roots()]
        self.app.push_screen(AreaPicker(roots), self._picked)

    def _picked(self, code: str | None) -> None:
        if code:
            self.query_one("#area", Input).value = code
            self.query_one("#priority", Select).focus()

    def reset(self) -> None:
        """An empty form at the actor's own grid, the cursor on the first field."""
        for selector in ("#title", "#requester-name", "#address", "#point", "#files"):
            self.query_one(selector, Input).value = ""
        self.query_one("#area", Input).value = self.home_area or ""
        self.area_from_point = ""
        self.query_one("#description", TextArea).text = ""
        self.query_one(PhoneInput).clear_phone()
        self.query_one("#category", Select).clear()
        self.query_one("#priority", Select).value = "normal"
        self.query_one("#intake-error", Static).update("")
        self.query_one("#category", Select).focus()

    def action_clear(self) -> None:
        self.reset()

    def form(self) -> dict | None:
        """The report's arguments, or None after showing what is wrong."""
        t = self.t
        category = self.query_one("#category", Select).value
        if category is Select.NULL:
            return self._error(t("intake.need_category"))
        try:
            point = parse_point(self.query_one("#point", Input).value)
        except ValueError:
            return self._error(t("intake.bad_point"))
        area_text = self.query_one("#area", Input).value.strip()
        area = resolve_area(self.platform, area_text)
        if area is None and (area_text or point is None):
            return self._error(t("intake.area_unknown"))
        description = self.query_one("#description", TextArea).text.strip()
        title = self.query_one("#title", Input).value.strip()
        if not title:
            title = description.splitlines()[0][:TITLE_FROM_DESCRIPTION] if description else ""
        if not title:
            return self._error(t("intake.need_text"))
        phone = self.query_one(PhoneInput).current()
        if phone and phone_problem(phone):
            return self._error(t("intake.bad_phone", reason=phone_problem(phone)))
        try:
            files = read_files(self.query_one("#files", Input).value)
        except FileProblem as exc:
            return self._error(str(exc))
        return {
            "area": area.code if area is not None else None,
            "address": self.query_one("#address", Input).value.strip() or None,
            "lat": point[0] if point else None,
            "lon": point[1] if point else None,
            "files": files,
            "category": category,
            "title": title,
            "description": description,
            "priority": self.query_one("#priority", Select).value,
            "requester_name": self.query_one("#requester-name", Input).value.strip() or None,
            "requester_phone": phone or None,
        }

    def _error(self, message: str) -> None:
        self.query_one("#intake-error", Static).update(plain(message))
        return None

    def action_save(self) -> None:
        values = self.form()
        if values is None:
            return
        text = f"{values['title']} {values['description']}"
        area = values["area"]
        if area is None:
            found = self.platform.areas.locate(values["lat"], values["lon"])
            area = found.code if found else None
        try:
            similar = self.platform.issues.similar(self.actor, category=values["category"], area=area,
                                                   text=text) if area else []
        except GridgovError:
            similar = []
        if similar:
            self.app.push_screen(DuplicatesScreen(similar), lambda choice: self._after_duplicates(choice, values))
        else:
            self.report(values)

    def _after_duplicates(self, choice: tuple[str, int | None] | None, values: dict) -> None:
        if choice is None:
            return
        kind, issue_id = choice
        if kind == "open" and issue_id is not None:
            self.app.post_message(OpenIssue(issue_id))
        elif kind == "save":
            self.report(values)

    def report(self, values: dict) -> None:
        values = dict(values)
        files = values.pop("files")
        try:
            with self.platform.transaction():
                issue = self.platform.issues.report(self.actor, **values)
                attach_all(self.platform, self.actor, issue.id, files)
        except GridgovError as exc:
            self._error(str(exc))
            self.notify(str(exc), severity="error")
            return
        self.notify(self.t("intake.saved", id=issue.id))
        self.gg.issue_changed(issue.id, "report")
        self.reset()
        self.app.post_message(OpenIssue(issue.id))
