"""A case's event log, oldest first: when, who, what and the status it moved to on one
line, and the note under it in full — wrapped to the width there is, never cut, because
the result a handler reports is what the grid worker checks on site. Scrolls with the
arrow keys."""

from __future__ import annotations

from gridgov.core import Event
from rich.cells import cell_len
from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..labels import plain


class Timeline(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    Timeline { height: 1fr; }
    Timeline > Static { width: 1fr; padding: 0 1; }
    """

    def compose(self):
        yield Static(id="timeline-events")

    def show(self, events: list[Event]) -> None:
        app = self.app
        t, labels = app.t, app.labels
        whens = [labels.when(e.at) for e in events]
        actors = [e.actor or "" for e in events]
        when_width = max((cell_len(w) for w in whens), default=0)
        actor_width = max((cell_len(a) for a in actors), default=0)
        parts = []
        for event, when, actor in zip(events, whens, actors, strict=True):
            line = Text()
            line.append(when + " " * (when_width - cell_len(when) + 2), style="dim")
            line.append(actor + " " * (actor_width - cell_len(actor) + 2))
            line.append(labels.action(event.action), style="bold")
            line.append(f" → {t.status(event.to_status)}")
            parts.append(line)
            if event.note:
                parts.append(Padding(plain(event.note), (0, 0, 0, 2)))
        self.query_one("#timeline-events", Static).update(Group(*parts))
        self.call_after_refresh(self.scroll_end, animate=False)
