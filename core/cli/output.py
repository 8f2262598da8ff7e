"""What every gridgov command shares: ``--as``, one-line errors, tables that align Chinese
text, and JSON that keeps Chinese readable.

Terminals draw CJK characters two columns wide, so padding by ``len()`` breaks every table
with a Chinese name in it; :func:`display_width` counts columns the way the terminal does.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import click

from ..access import Actor
from ..converter import to_dict
from ..errors import AccessDenied, GridgovError, NotFound, ValidationError
from .context import AppContext


class CommandError(click.ClickException):
    """A :class:`GridgovError` on its way out of a command: one line, the error's exit code.

    Raising it as a click exception makes the same line appear whether the command runs
    under :func:`gridgov.core.cli.main` or under ``click.testing.CliRunner``.
    """

    def __init__(self, error: GridgovError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance
        self.error = error

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the core's errors raised inside a command into :class:`CommandError`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GridgovError as exc:
            raise CommandError(exc) from None

    return wrapper


def as_option(*, required: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--as LOGIN`` option; without it (where optional) the local operator acts."""
    help_text = "Act as this member (login)." + ("" if required else " Default: the local operator.")
    return click.option("--as", "login", metavar="LOGIN", required=required, help=help_text)


def resolve_actor(app: AppContext, login: str | None) -> Actor:
    """The actor for ``--as``, with a one-line error for a login nobody has or a member
    who has been deactivated."""
    try:
        actor = app.actor(login)
    except NotFound:
        raise ValidationError("--as", f"no member has the login {login!r}") from None
    if not actor.active:
        raise AccessDenied(f"{login} is deactivated: a deactivated member holds no post and cannot act")
    return actor


def parse_day(value: str | None, field: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value, or a one-line error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


# -- JSON -----------------------------------------------------------------------------------


def _default(value: Any) -> Any:
    if attrs.has(type(value)):
        return to_dict(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def json_text(data: Any) -> str:
    """Indented JSON, Chinese kept as characters, records and dates encoded."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def echo_json(data: Any) -> None:
    click.echo(json_text(data))


# -- tables ---------------------------------------------------------------------------------


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns (with ``…``), then padded to exactly ``width``."""
    if display_width(text) > width:
        out, used = [], 0
        for ch in text:
            w = char_width(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - display_width(text))


_display_zone: contextvars.ContextVar[Any] = contextvars.ContextVar("display_zone", default=None)


def set_display_zone(zone: Any) -> None:
    """Show instants in the deployment's zone (set when a command opens its platform)."""
    _display_zone.set(zone)


def printable(text: str, *, multiline: bool = False) -> str:
    """Untrusted text made safe for a terminal: control characters and bidirectional
    overrides (which the validators refuse, but older data may hold) shown as ``\\xNN``."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n" and multiline:
            out.append(ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or ch in _UNSAFE:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_UNSAFE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u2028\u2029")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        zone = _display_zone.get()
        if value.tzinfo is not None and zone is not None:
            value = value.astimezone(zone)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    return printable(str(value))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, max_width: int = 48) -> str:
    """A plain-text table whose columns line up with Chinese text in them.

    Columns are as wide as their widest cell, at most ``max_width`` columns; the last column
    is never cut, so long titles stay whole at the end of the line.
    """
    text_rows = [[cell(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in text_rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], min(display_width(value), max_width))
    last = len(headers) - 1

    def line(values: Sequence[str]) -> str:
        parts = [v if i == last else fit(v, widths[i]) for i, v in enumerate(values)]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(row) for row in text_rows]
    return "\n".join(out)


def fields_block(pairs: Iterable[tuple[str, Any]]) -> str:
    """``label  value`` lines with the labels padded to one width."""
    pairs = [(label, cell(value)) for label, value in pairs]
    width = max((display_width(label) for label, _ in pairs), default=0)
    return "\n".join(f"{fit(label, width)}  {value}".rstrip() for label, value in pairs)
