"""A case's event log, oldest first: when, who, what and the status it moved to on one
line, and the note under it in full — wrapped to the width there is, never cut, because
the result a handler reports is what the grid worker checks on site. The files attached
with a step (photos of the site at intake, of the repair with the result) are listed
under it: name, size, who and when. Scrolls with the arrow keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gridgov.core import Event
from rich.cells import cell_len
from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..labels import plain


def file_size(size: int) -> str:
    """``812 B``, ``12.3 KB``, ``4.8 MB``: enough to tell a photo from a scan."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class Timeline(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    Timeline { height: 1fr; }
    Timeline > Static { width: 1fr; padding: 0 1; }
    """

    def compose(self):
        yield Static(id="timeline-events")

    def show(self, events: list[Event], attachments: Sequence[Mapping[str, Any]] = ()) -> None:
        app = self.app
        t, labels = app.t, app.labels
        whens = [labels.when(e.at) for e in events]
        actors = [e.actor or "" for e in events]
        when_width = max((cell_len(w) for w in whens), default=0)
        actor_width = max((cell_len(a) for a in actors), default=0)
        by_step: dict[int, list[Mapping[str, Any]]] = {}
        for attachment in attachments:
            by_step.setdefault(attachment["seq"], []).append(attachment)
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
            for attachment in by_step.pop(event.seq, []):
                parts.append(Padding(self._attachment(attachment), (0, 0, 0, 2)))
        for rest in by_step.values():  # attached at a step no longer in the log: listed last
            parts.extend(Padding(self._attachment(a), (0, 0, 0, 2)) for a in rest)
        self.query_one("#timeline-events", Static).update(Group(*parts))
        self._to_newest = True
        self.call_after_refresh(self.scroll_end, animate=False)

    def watch_virtual_size(self, size: Any) -> None:
        """Keep the newest step and its note in view once the new log has been laid out
        (its height is known only then), until the user scrolls."""
        if getattr(self, "_to_newest", False):
            self.scroll_end(animate=False)

    def on_mouse_scroll_up(self) -> None:
        self._to_newest = False

    def on_key(self) -> None:
        self._to_newest = False

    def _attachment(self, attachment: Mapping[str, Any]) -> Text:
        app = self.app
        text = Text(f"{app.t('case.attachment')} ", style="dim")
        text.append(str(attachment["name"]), style="underline")
        text.append(f" · {file_size(int(attachment['size']))} · {attachment['actor'] or '—'} · "
                    f"{app.labels.when(attachment['at'])}", style="dim")
        return text
