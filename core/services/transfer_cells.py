"""What one cell of an import or export may hold: instants read in the deployment zone,
text a spreadsheet will not run as a formula, numbers SQLite can store.

**Times.** :func:`parse_instant` is the one rule for datetime cells: a value with an offset
(``+08:00``, ``Z``) is that instant; a value without one is a wall-clock time in the
deployment zone (``platform.zone``, Asia/Shanghai by default). Both come out as aware UTC,
as the records take them.

**Formulas (OWASP CSV injection).** A spreadsheet runs a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return. :func:`escape_formula` puts a ``'`` before such a
cell, and before a cell that is already ``'``-quoted text of that shape, so that
:func:`unescape_formula` can take exactly one off again: every string survives an export
and an import unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import ValidationError

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
"""How far past the platform's clock an imported event may lie (clocks of two systems differ)."""

MAX_INT = 2**63 - 1
"""SQLite integers are signed 64-bit."""
MIN_INT = -(2**63)
FIELD_LIMIT = 1024 * 1024
"""The most one CSV field may hold, in characters: far above any description, and what keeps a
stray quote from reading a whole file into one field."""
FIELD_LIMIT_TEXT = "1 MB"


def deployment_zone(platform: Any) -> ZoneInfo:
    """The zone wall-clock times are read in: the platform's, else Asia/Shanghai."""
    return getattr(platform, "zone", None) or DEFAULT_ZONE


# -- times --------------------------------------------------------------------------------------


def parse_instant(value: str | dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A datetime cell as an aware UTC instant (see the module's docstring).

    Raises ``ValueError`` for text that is not an ISO 8601 date and time."""
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def shown(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """A time for an error message: in the deployment zone, with its offset."""
    return str(parse_instant(moment, zone).astimezone(zone))


def future_limit(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The latest time an imported event may carry: the platform's clock plus
    :data:`FUTURE_TOLERANCE`."""
    return now.astimezone(UTC) + FUTURE_TOLERANCE


# -- numbers ------------------------------------------------------------------------------------


def check_int(field: str, value: int) -> int:
    if not MIN_INT <= value <= MAX_INT:
        raise ValidationError(field, f"{value} is too large: SQLite holds whole numbers from {MIN_INT} to {MAX_INT}")
    return value


def check_record_id(field: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise ValidationError(field, f"{value!r} is not a record id (a whole number from 1 to {MAX_INT})")


# -- formulas -----------------------------------------------------------------------------------

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def escape_formula(text: str) -> str:
    """``text`` made safe to open in a spreadsheet (one more leading ``'``), reversibly."""
    return "'" + text if _FORMULA.match(text) else text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` was given."""
    return text[1:] if _ESCAPED.match(text) else text
