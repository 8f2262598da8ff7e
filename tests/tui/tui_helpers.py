"""Reading the UI the way a person does: the screen as text, the notices shown."""

from __future__ import annotations

from gridgov.tui.app import GridgovApp


def screen_text(app: GridgovApp) -> str:
    """Every line of the active screen, as plain text."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def notices(app: GridgovApp) -> list[str]:
    """The texts of the notifications the app has shown (newest last)."""
    return [str(n.message) for n in app._notifications]
