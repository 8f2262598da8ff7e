"""The gridgov terminal UI: the app object plugins see, its modes and its entry point.

Screens do the work; the app holds the platform, the actor and the language (the
contract with plugin screens and palette commands), and routes the few app-wide
messages. Nothing here grows with the database: start-up reads the actor and the
registrations, and the home screen reads counters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridgov.core import Actor, PaletteCommand, Platform, ScreenSpec
from textual.app import App
from textual.binding import Binding

from .catalog import Catalog, choose_lang
from .commands import GridgovCommands
from .keys import localize_bindings
from .labels import Labels
from .messages import IssueChanged, OpenIssue
from .screens.browse import BrowseScreen
from .screens.case import CaseScreen
from .screens.help import HelpScreen
from .screens.home import HomeScreen
from .screens.intake import IntakeScreen
from .screens.queue import QueueScreen
from .session import resolve_actor


class GridgovApp(App[None]):
    CSS_PATH = ["app.tcss", "screens/home.tcss", "screens/queue.tcss", "screens/case.tcss",
                "screens/intake.tcss", "screens/browse.tcss"]
    TITLE = "gridgov"
    MODES = {"home": HomeScreen, "queue": QueueScreen, "intake": IntakeScreen, "browse": BrowseScreen}
    DEFAULT_MODE = "home"
    COMMANDS = App.COMMANDS | {GridgovCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("1", "switch_mode('home')", "Home", id="nav.home"),
        Binding("2", "switch_mode('queue')", "Queue", id="nav.queue"),
        Binding("3", "switch_mode('intake')", "Report", id="nav.intake"),
        Binding("4", "switch_mode('browse')", "Browse", id="nav.browse"),
        Binding("f1,question_mark", "help", "Keys", id="app.help", key_display="?"),
    ]

    def __init__(self, platform: Platform, actor: Actor, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.platform = platform
        self.actor = actor
        self.lang = lang
        self.t = Catalog(lang)
        self.labels = Labels(platform, self.t)
        self.changes = 0

    def on_mount(self) -> None:
        localize_bindings(self, self.t)
        self.title = self.t("app.title")
        for failure in self.platform.plugin_failures:
            self.notify(
                self.t("app.plugin_failed", plugin=failure.plugin, hook=failure.hook, error=failure.error),
                severity="warning",
                timeout=10,
            )

    # -- app-wide messages ---------------------------------------------------------------

    def on_open_issue(self, message: OpenIssue) -> None:
        self.push_screen(CaseScreen(message.issue_id))

    def on_issue_changed(self, message: IssueChanged) -> None:
        self.changes += 1

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- plugins -------------------------------------------------------------------------

    def plugin_screens(self) -> list[ScreenSpec]:
        """Plugin screens this actor may open (ScreenSpec.permission, if set)."""
        return [s for s in self.platform.screens.values() if not s.permission or self.actor.has(s.permission)]

    def title_of(self, item: ScreenSpec | PaletteCommand) -> str:
        return self.t.pick(item.title_zh, item.title_en)

    def open_plugin_screen(self, spec: ScreenSpec) -> None:
        try:
            self.push_screen(spec.factory(self))
        except Exception as exc:  # a plugin's bug must not end the session
            self.notify(self.t("app.plugin_error", plugin=spec.plugin or spec.id, error=exc), severity="error")

    def run_plugin_command(self, command: PaletteCommand) -> None:
        try:
            command.run(self)
        except Exception as exc:  # a plugin's bug must not end the session
            self.notify(self.t("app.plugin_error", plugin=command.plugin or command.id, error=exc), severity="error")


def run(db_path: str | Path | None, login: str | None, lang: str | None = None) -> None:
    """Open the database, resolve the login and run the UI until the user quits."""
    platform = Platform(db_path)
    try:
        actor = resolve_actor(platform, login)
        GridgovApp(platform, actor, choose_lang(lang)).run()
    finally:
        platform.close()
