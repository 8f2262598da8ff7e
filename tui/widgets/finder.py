"""Find a record by any part of its name or by its code: an input with the matches listed
under it as you type (``住建`` finds ``区住房和建设局 ZJJ``, ``ZJ`` too).

↓ moves into the list, Enter takes the highlighted match into the input, Esc goes back to
the input. The input holds ``code name`` afterwards, which the form resolves as before;
a code typed in full needs no list at all.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

Search = Callable[[str], list[tuple[str, str]]]  # text → [(value for the input, label)]


class FinderInput(Input):
    """An input whose matches (a :class:`Matches` with id ``<id>-matches``) follow it."""

    BINDINGS = [Binding("down", "to_matches", "Matches", show=False)]

    def action_to_matches(self) -> None:
        matches = self.screen.query(f"#{self.id}-matches").results(Matches)
        for found in matches:
            if found.display and found.option_count:
                found.focus()
                found.highlighted = 0


class Matches(OptionList):
    """The records matching the text of the input ``for_input`` (hidden when none)."""

    DEFAULT_CSS = """
    Matches { height: auto; max-height: 7; display: none; border: none; padding: 0; margin: 0 0 0 0; }
    Matches.-shown { display: block; }
    """
    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    def __init__(self, for_input: str, search: Search, *, limit: int = 6, **kwargs) -> None:
        super().__init__(id=f"{for_input}-matches", markup=False, **kwargs)
        self.for_input = for_input
        self.search = search
        self.limit = limit
        self.values: list[str] = []

    @property
    def input(self) -> Input:
        return self.screen.query_one(f"#{self.for_input}", Input)

    def update_for(self, text: str) -> None:
        found = self.search(text)[: self.limit] if text.strip() else []
        if len(found) == 1 and found[0][0] == text.strip():
            found = []  # the input already holds the match
        self.values = [value for value, _ in found]
        self.set_options([Option(Text(label)) for _, label in found])
        self.set_class(bool(found), "-shown")

    def hide(self) -> None:
        self.values = []
        self.clear_options()
        self.remove_class("-shown")

    def action_back(self) -> None:
        self.input.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        value = self.values[event.option_index]
        target = self.input
        target.value = value
        target.cursor_position = len(value)
        self.hide()
        target.focus()
