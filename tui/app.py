"""The gridgov terminal UI: the app object plugins see, its modes and its entry point.

Screens do the work; the app holds the platform, the actor and the language (the
contract with plugin screens and palette commands), and routes the few app-wide
messages. Nothing here grows with the database: start-up reads the actor and the
registrations, and the home screen reads counters.

The digit keys switch screens, and only where nobody is typing: in a form (intake, any
dialog) or a text field they are off, so a phone number typed one Tab too far never
flicks through the screens. Switching shows the screen itself, not a case left open on
top of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gridgov.core import Actor, PaletteCommand, Platform, ScreenSpec
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea

from .catalog import LANGS, Catalog, choose_lang
from .commands import GridgovCommands
from .keys import localize_bindings
from .labels import Labels, home_area
from .messages import IssueChanged, OpenIssue
from .screens.browse import BrowseScreen
from .screens.case import CaseScreen
from .screens.help import HelpScreen
from .screens.home import HomeScreen
from .screens.intake import IntakeScreen
from .screens.queue import QueueScreen
from .screens.work import WorkScreen
from .session import resolve_actor

NAV_MODES = ("home", "queue", "intake", "browse", "work")
DESK = ("issue.register", "issue.dispatch", "issue.verify", "issue.close")


def home_mode(platform: Platform, actor: Actor) -> str:
    """The screen an actor starts on: the area dashboard for those who run an area's
    desk; their own to-do list for those who work cases sent to them (handlers, officers,
    mediators) or have no area to summarise."""
    if home_area(platform, actor) is None:
        return "work"
    works_cases = actor.has("issue.accept") or actor.has("issue.resolve")
    if works_cases and not any(actor.has(p) for p in DESK):
        return "work"
    return "home"


class GridgovApp(App[None]):
    CSS_PATH = ["app.tcss", "screens/home.tcss", "screens/queue.tcss", "screens/case.tcss",
                "screens/intake.tcss", "screens/browse.tcss"]
    TITLE = "gridgov"
    MODES = {"home": HomeScreen, "queue": QueueScreen, "intake": IntakeScreen, "browse": BrowseScreen,
             "work": WorkScreen}
    COMMANDS = {GridgovCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("1", "nav('home')", "Home", id="nav.home"),
        Binding("2", "nav('queue')", "Queue", id="nav.queue"),
        Binding("3", "nav('intake')", "Report", id="nav.intake"),
        Binding("4", "nav('browse')", "Browse", id="nav.browse"),
        Binding("5", "nav('work')", "My work", id="nav.work"),
        Binding("f1,question_mark", "help", "Keys", id="app.help", key_display="?"),
        Binding("ctrl+p", "command_palette", "Palette", id="app.palette", show=False, priority=True),
    ]

    def __init__(self, platform: Platform, actor: Actor, lang: str = "zh", **kwargs: Any) -> None:
        self.platform = platform
        self.actor = actor
        self.home = home_mode(platform, actor)
        self.DEFAULT_MODE = self.home  # read by App.__init__
        super().__init__(**kwargs)
        self.changes = 0
        self._set_lang(lang)

    def _set_lang(self, lang: str) -> None:
        self.lang = lang
        self.t = Catalog(lang)
        self.labels = Labels(self.platform, self.t)

    def on_mount(self) -> None:
        localize_bindings(self, self.t)
        self.title = self.t("app.title")
        for failure in self.platform.plugin_failures:
            self.notify(
                self.t("app.plugin_failed", plugin=failure.plugin, hook=failure.hook, error=failure.error),
                severity="warning",
                timeout=10,
            )

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Notices carry names, titles and notes people typed: shown as text, never as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- navigation ------------------------------------------------------------------------

    def typing(self) -> bool:
        """Whether keys belong to what the user is entering: a form or dialog is open, or
        a text field has the focus."""
        screen = self.screen
        if isinstance(screen, ModalScreen) or getattr(screen, "FORM", False):
            return True
        return isinstance(screen.focused, Input | TextArea)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "nav":
            return not self.typing()
        return True

    def action_nav(self, mode: str) -> None:
        self.go(self.home if mode == "home" else mode)

    def go(self, mode: str) -> None:
        """Show ``mode``'s own screen: cases opened on top of it are closed."""
        self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
            self.pop_screen()

    # -- app-wide messages ---------------------------------------------------------------

    def on_open_issue(self, message: OpenIssue) -> None:
        self.push_screen(CaseScreen(message.issue_id))

    def issue_changed(self, issue_id: int, action: str) -> None:
        """A case was reported or acted on: counts and lists reload when next shown.
        Counted at once (not through a message), so a screen shown right after the
        change already sees it."""
        self.changes += 1
        self.post_message(IssueChanged(issue_id, action))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- the command palette and the language ---------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.t("palette.placeholder")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, in the UI's language (the palette lists them once)."""
        t = self.t
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)
        yield SystemCommand(t("palette.quit"), t("palette.quit_help"), self.action_quit)
        yield SystemCommand(t("palette.screenshot"), t("palette.screenshot_help"),
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
        for lang in LANGS:
            if lang != self.lang:
                yield SystemCommand(t(f"palette.lang_{lang}"), t("palette.lang_help"),
                                    lambda lang=lang: self.switch_language(lang))

    def switch_language(self, lang: str) -> None:
        """Show every screen in ``lang``: the screens are built again, and the one in use
        comes back as it was opened (a case on top of it is closed)."""
        if lang == self.lang or lang not in LANGS:
            return
        self._set_lang(lang)
        localize_bindings(self, self.t)
        self.title = self.t("app.title")
        current = self.current_mode
        spare = next(m for m in NAV_MODES if m != current)
        for mode in NAV_MODES:
            if mode not in (current, spare):
                self._rebuild_mode(mode)
        self.switch_mode(spare)
        self._rebuild_mode(current)
        self.switch_mode(current)
        self._rebuild_mode(spare)
        self.notify(self.t("app.lang_switched"))

    def _rebuild_mode(self, mode: str) -> None:
        base = self.MODES[mode]
        self.remove_mode(mode)
        self.add_mode(mode, base)

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
