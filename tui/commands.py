"""The command palette: navigation, the actions open on the current case, plugin screens
and plugin commands, Textual's own commands and the language switch — all titled in the
UI's language, each once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, Callable[[], object]]


class GridgovCommands(Provider):
    def entries(self) -> Iterator[Entry]:
        seen: set[str] = set()
        for title, help_text, run in self._all():
            if title not in seen:
                seen.add(title)
                yield title, help_text, run

    def _all(self) -> Iterator[Entry]:
        app = self.app
        t = app.t
        modes = ["work", "queue", "intake", "browse"] if app.home == "work" else ["home", "work", "queue",
                                                                                   "intake", "browse"]
        for mode in modes:
            yield t(f"nav.{mode}"), t("palette.go"), partial(app.go, mode)
        yield t("key.app.help"), t("palette.help"), app.action_help
        screen_entries = getattr(self.screen, "palette_entries", None)
        if screen_entries is not None:
            yield from screen_entries()
        for spec in app.plugin_screens():
            yield app.title_of(spec), t("palette.plugin_screen", plugin=spec.plugin), partial(app.open_plugin_screen, spec)
        for command in app.platform.palette_commands.values():
            help_text = t.pick(command.help_zh, command.help_en) or t("palette.plugin_command", plugin=command.plugin)
            yield app.title_of(command), help_text, partial(app.run_plugin_command, command)
        for command in app.get_system_commands(self.screen):
            yield command.title, command.help, command.callback

    async def discover(self) -> Hits:
        for title, help_text, run in self.entries():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self.entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)
