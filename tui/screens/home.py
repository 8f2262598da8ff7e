"""Home: the actor's scope at a glance — the queue now, the flow of the last 30 days,
the closed-loop rates of the cases registered in those days, the share settled at each
level, cases per day, the load of each child area, plugin cards.

Each row of figures says what kind it is: counts *now* (open, due today, overdue — by the
deadline that applies: to accept while dispatched, to resolve after), *flow* counts of
the period (received, closed), and *cohort* rates (of the cases registered in the period,
the share responded to, closed, closed on time, satisfied).

Counts of open and late cases use the open-queue index; rates and per-day figures come
from the daily counters, so the screen costs the same on a small and a huge database.
On a scope of more than :data:`~.queue.BACKGROUND_FROM` cases the counts are read in a
worker thread (the cards show "…" meanwhile), so keys answer while they run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridgov.core import AccessDenied, GridgovError, Metrics, MetricSpec, Platform
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from ..labels import home_area, plain
from ..widgets.daily_plot import DailyPlot
from ..widgets.level_bars import LevelBars
from ..widgets.stat_card import StatCard
from ..widgets.who_bar import WhoBar
from . import queue
from .base import GridgovScreen

NOW_CARDS = ("open", "due_today", "overdue")
FLOW_CARDS = ("received_30d", "closed_30d", "closed_week")
RATE_CARDS = ("response_rate", "closure_rate", "on_time_closure_rate", "satisfaction_rate")
PERIOD_DAYS = 30
MAX_CHILDREN = 40


def reader_platform(platform: Platform) -> tuple[Platform, bool]:
    """A second platform on the same database, for reading in a worker thread.

    Opening it registers the plugins again; failures they report are already known from
    start-up, so the shared list of failures is put back as it was. An in-memory
    database cannot be shared, so it is used as it is."""
    if str(platform.path) == ":memory:":
        return platform, False
    known = len(platform.hooks.failures)
    twin = Platform(platform.path, hooks=platform.hooks, clock=platform.now, migrate=False)
    del platform.hooks.failures[known:]
    return twin, True


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class HomeScreen(GridgovScreen):
    BINDINGS = [
        Binding("r", "reload", "Refresh", id="home.reload"),
        Binding("backspace", "up", "Up a level", id="home.up"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        yield WhoBar(t("nav.home"))
        with VerticalScroll(id="home"):
            yield Static(id="home-scope")
            with Horizontal(id="figures"):
                with Vertical(classes="group"):
                    yield Static(t("home.now"), classes="caption", id="caption-now")
                    with Horizontal(classes="cards", id="counts"):
                        for key in NOW_CARDS:
                            yield StatCard(t(f"home.{key}"), id=f"card-{key}")
                with Vertical(classes="group"):
                    yield Static(t("home.flow", days=PERIOD_DAYS), classes="caption", id="caption-flow")
                    with Horizontal(classes="cards", id="flows"):
                        for key in FLOW_CARDS:
                            yield StatCard(t(f"home.{key}"), id=f"card-{key}")
            yield Static(classes="caption", id="caption-cohort")
            with Horizontal(classes="cards", id="rates"):
                for key in RATE_CARDS:
                    yield StatCard(t(f"home.{key}"), id=f"card-{key}")
            with Horizontal(id="charts"):
                yield DailyPlot(id="daily")
                yield LevelBars(id="levels")
            yield Static(t("home.children"), classes="section")
            yield DataTable(id="children", cursor_type="row", zebra_stripes=True)
            specs = list(self.platform.metric_specs.values())
            if specs:
                yield Static(t("home.plugin_cards"), classes="section", id="plugin-title")
                with Grid(id="plugin-cards"):
                    for index, spec in enumerate(specs):
                        card = Static("…", classes="plugin-card", id=f"plugin-card-{index}")
                        card.border_title = t.pick(spec.title_zh, spec.title_en)
                        yield card
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#levels", LevelBars).border_title = self.t("home.level_shares")
        table = self.query_one("#children", DataTable)
        for key in ("area", "level", "open", "overdue", "received_30d", "closed_30d"):
            table.add_column(self.t(f"column.{key}"), key=key)
        self.home = home_area(self.platform, self.actor)
        self.area = self.home
        self.seen_changes = -1
        self.generation = 0
        self.background: bool | None = None

    def on_screen_resume(self) -> None:
        if self.seen_changes != self.gg.changes:
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_up(self) -> None:
        """Back towards the actor's own area, never above it."""
        if self.area is None or self.area == self.home:
            return
        parent = self.platform.areas.get(self.area).parent_code
        if parent and self.actor.covers("metrics.read", self.platform.areas.path_of(parent)):
            self.area = parent
            self.reload()

    @on(DataTable.RowSelected, "#children")
    def _drill(self, event: DataTable.RowSelected) -> None:
        """Enter on a child area shows the same figures for that area."""
        code = str(event.row_key.value)
        if self.actor.covers("metrics.read", self.platform.areas.path_of(code)):
            self.area = code
            self.reload()

    def reload(self) -> None:
        self.seen_changes = self.gg.changes
        self._scope_line()
        today = self.platform.today()
        period = self._metrics(today - dt.timedelta(days=PERIOD_DAYS - 1))
        week = self._metrics(today - dt.timedelta(days=today.weekday()))
        self._card("received_30d", str(period.counts["received"]) if period else "—")
        self._card("closed_30d", str(period.counts["closed"]) if period else "—")
        self._card("closed_week", str(week.counts["closed"]) if week else "—")
        for key in RATE_CARDS:
            self._card(key, percent(period.rates[key]) if period else "—")
        cohort = period.cohort["registered"] if period else 0
        self.query_one("#caption-cohort", Static).update(self.t("home.cohort", n=cohort, days=PERIOD_DAYS))
        self._levels(period)
        self._daily()
        self._children()
        self._counts()
        self._plugin_cards()

    # -- parts ---------------------------------------------------------------------------

    def _card(self, key: str, value: str, note: str = "") -> None:
        self.query_one(f"#card-{key}", StatCard).set_value(value, note)

    def _scope_line(self) -> None:
        line = self.query_one("#home-scope", Static)
        if self.area is None:
            line.display = False
            return
        path = " › ".join(self.labels.area(c) for c in self.platform.areas.path_of(self.area).strip("/").split("/"))
        hint = self.t("home.drill_hint") if self.area == self.home else self.t("home.up_hint")
        line.update(Text.assemble((path, "bold"), "  ", (hint, "dim")))

    def _counts(self) -> None:
        """Open, due-today and overdue cases of the scope and of each child area: read
        here on a small scope, in a worker on a large one."""
        area = self.area if self.area != self.home else None  # the whole scope at home
        children = [str(key.value) for key in self.query_one("#children", DataTable).rows]
        end_of_day = self.platform.time.at(self.platform.today() + dt.timedelta(days=1))
        self.generation += 1
        if self.background is None:
            self.background = self.platform.issues.scope_size(self.actor) > queue.BACKGROUND_FROM
        if self.background:
            for key in NOW_CARDS:
                self._card(key, "…")
            self._count_in_background(area, children, end_of_day, self.generation)
            return
        self._show_counts(self.generation, self._count(area, children, end_of_day))

    def _count(self, area: str | None, children: list[str], end_of_day: dt.datetime) -> dict[str | None, tuple[int, int, int]]:
        """(open, overdue, due today) of the scope (key None) and of each child area."""
        issues, actor = self.platform.issues, self.actor
        out: dict[str | None, tuple[int, int, int]] = {}
        for code in [area, *children]:
            overdue = issues.count(actor, area=code, overdue=True)
            due_today = issues.count(actor, area=code, due_before=end_of_day) - overdue if code == area else 0
            out[None if code == area else code] = (issues.count(actor, area=code, open_only=True), overdue, due_today)
        return out

    @work(thread=True, exclusive=True, group="home-counts", exit_on_error=False)
    def _count_in_background(self, area: str | None, children: list[str], end_of_day: dt.datetime, generation: int) -> None:
        try:
            counts = self._count(area, children, end_of_day)
        except GridgovError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        try:
            self.app.call_from_thread(self._show_counts, generation, counts)
        except RuntimeError:  # the app closed while the cases were counted
            return

    def _show_counts(self, generation: int, counts: dict[str | None, tuple[int, int, int]]) -> None:
        if generation != self.generation:  # counts of an area since left are dropped
            return
        open_count, overdue, due_today = counts.pop(None)
        self._card("open", str(open_count))
        self._card("due_today", str(due_today))
        self._card("overdue", str(overdue))
        self.query_one("#card-overdue", StatCard).set_class(overdue > 0, "bad")
        table = self.query_one("#children", DataTable)
        for code, (child_open, child_overdue, _) in counts.items():
            if code in table.rows:
                table.update_cell(code, "open", str(child_open))
                table.update_cell(code, "overdue", Text(str(child_overdue), style="bold red" if child_overdue else ""))

    def _metrics(self, since: dt.date | None) -> Metrics | None:
        if self.area is None:
            return None
        try:
            return self.platform.metrics.for_area(self.actor, self.area, since=since)
        except AccessDenied:
            return None

    def _levels(self, metrics: Metrics | None) -> None:
        shares = [(self.t.level(level), share) for level, share in (metrics.level_shares if metrics else {}).items()]
        self.query_one("#levels", LevelBars).show(shares, self.t("home.no_closed"))

    def _daily(self) -> None:
        plot = self.query_one("#daily", DailyPlot)
        if self.area is None:
            plot.display = False
            return
        days = self.platform.metrics.daily(self.actor, self.area, "received", days=PERIOD_DAYS)
        first, last = (self.labels.day(dt.date.fromisoformat(days[i][0])) for i in (0, -1))
        plot.show(days, self.t("home.per_day", days=PERIOD_DAYS), f"{first} – {last}")

    def _children(self) -> None:
        """One row per child area; its open and overdue counts come with :meth:`_counts`."""
        table = self.query_one("#children", DataTable)
        table.clear()
        if self.area is None:
            return
        since = self.platform.today() - dt.timedelta(days=PERIOD_DAYS - 1)
        for child in self.platform.areas.children(self.area)[:MAX_CHILDREN]:
            counts = self.platform.metrics.for_area(self.actor, child.code, since=since).counts
            table.add_row(
                plain(f"{child.name} {child.code}"),
                self.t.level(child.level),
                "…",
                "…",
                str(counts["received"]),
                str(counts["closed"]),
                key=child.code,
            )

    def _plugin_cards(self) -> None:
        """Fill one card per plugin metric from a worker thread.

        Plugins compute their cards however they like (some walk every enterprise of the
        district), so they run off the UI thread, on a connection of their own, and the
        screen is usable while they work."""
        specs = list(self.platform.metric_specs.values())
        if specs:
            for card in self.query(".plugin-card").results(Static):
                card.update("…")
            self._compute_cards(specs)

    @work(thread=True, exclusive=True, group="plugin-cards", exit_on_error=False)
    def _compute_cards(self, specs: list[MetricSpec]) -> None:
        platform, separate = reader_platform(self.platform)
        try:
            for index, spec in enumerate(specs):
                try:
                    values = spec.compute(platform, self.actor, self.area, None, None) if self.area else {}
                    outcome: dict[str, Any] | Exception = dict(values)
                except Exception as exc:  # a plugin's card must not take the home screen down
                    outcome = exc
                try:
                    self.app.call_from_thread(self._show_card, index, spec, outcome)
                except RuntimeError:  # the app closed while the card was computed
                    return
        finally:
            if separate:
                platform.close()

    def _show_card(self, index: int, spec: MetricSpec, outcome: dict[str, Any] | Exception) -> None:
        cards = self.query(f"#plugin-card-{index}")
        if not cards:
            return
        if isinstance(outcome, Exception):
            text = Text(self.t("home.card_failed", error=outcome), style="red")
            self.notify(self.t("app.plugin_error", plugin=spec.plugin or spec.id, error=outcome), severity="warning")
        else:
            lines = (f"{spec.label(label, self.app.lang)}: {value}" for label, value in outcome.items())
            text = plain("\n".join(lines) or "—")
        cards.first(Static).update(text)
