"""Bindings carry an id and an English description; the footer and the help screen show
the description from the catalog (``key.<id>``) in the UI's language."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from .catalog import Catalog


def localize_bindings(node: DOMNode, t: Catalog) -> None:
    """Replace the descriptions of ``node``'s bindings that have an id with catalog text."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=t(f"key.{b.id}")) if b.id and t.has(f"key.{b.id}") else b
            for b in bindings
        ]

