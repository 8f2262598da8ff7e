"""Reading the UI the way a person does: the screen as text, the notices shown."""

from __future__ import annotations

from gridgov.tui.app import GridgovApp


def screen_text(app: GridgovApp) -> str:
    """Every line of the active screen, as plain text."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def notices(app: GridgovApp) -> list[str]:
    """The texts of the notifications the app has shown (newest last)."""
    return [str(n.message) for n in app._notifications]


def region_text(app: GridgovApp, widget) -> str:
    """The lines of the screen inside ``widget``'s region, as plain text."""
    region = widget.region
    strips = app.screen._compositor.render_strips()
    lines = ("".join(seg.text for seg in strips[y].crop(region.x, region.right)) for y in range(region.y, region.bottom))
    return "\n".join(lines)


def flat(text: str) -> str:
    """Text without whitespace, box drawing or scroll bars: what wrapped across lines reads as one."""
    return "".join(ch for ch in text if not ch.isspace() and not 0x2500 <= ord(ch) <= 0x259F)
