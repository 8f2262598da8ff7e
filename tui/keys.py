"""Bindings carry an id and an English description; the footer and the help screen show
the description from the catalog (``key.<id>``) in the UI's language. The screen keys
(``nav.*``) share one entry in the footer (``12345 Screens``), so a narrow footer keeps
room for the keys of the screen in use; the help screen lists each."""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from .catalog import Catalog


def localize_bindings(node: DOMNode, t: Catalog) -> None:
    """Replace the descriptions of ``node``'s bindings that have an id with catalog text."""
    screens = Binding.Group(t("key.group.nav"), compact=True)
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [_localized(b, t, screens) for b in bindings]


def _localized(binding: Binding, t: Catalog, screens: Binding.Group) -> Binding:
    if not binding.id or not t.has(f"key.{binding.id}"):
        return binding
    group = screens if binding.id.startswith("nav.") else binding.group
    return dataclasses.replace(binding, description=t(f"key.{binding.id}"), group=group)

