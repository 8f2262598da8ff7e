"""Terminal UI screens of the joint-meetings plugin."""

from __future__ import annotations


def bodies_screen(app):  # replaced below
    raise NotImplementedError


chain_screen = agenda_screen = bodies_screen
