"""What one cell of an import or export may hold: instants read in the deployment zone,
text a spreadsheet will not run as a formula, numbers SQLite can store.

**Times.** :func:`parse_instant` is the one rule for datetime cells: a value with an offset
(``+08:00``, ``Z``) is that instant; a value without one is a wall-clock time in the
deployment zone (``platform.zone``, Asia/Shanghai by default). Both come out as aware UTC.
:func:`model_time` hands the instant to the records in the form they take today.

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


MODEL_TIMES_ARE_NAIVE = True
"""TRANSITION: the core's records still hold naive wall-clock times of the deployment zone.
When they take aware UTC, set this to False (or delete it with :func:`_naive_local` and the
fast path below): :func:`model_time` then returns :func:`parse_instant` unchanged."""

_STEADY: dict[tuple[dt.tzinfo, int], bool] = {}


def model_time(value: str | dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A datetime cell in the form the records take: :func:`parse_instant`, then (while the
    records hold naive times) back to the wall clock of the deployment zone.

    A naive cell read in the zone and turned back into the zone's wall clock is itself,
    unless the zone changes its offset in that hour (daylight saving: a time that does not
    exist moves); that case, and every cell with an offset, takes the full conversion.
    The shortcut saves the two zone conversions, which would cost more than the rest of
    reading an issue."""
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value.strip())
    if not MODEL_TIMES_ARE_NAIVE:
        return parse_instant(parsed, zone)
    if parsed.tzinfo is None and steady_hour(parsed, zone):
        return parsed
    return _naive_local(parse_instant(parsed, zone), zone)


def _naive_local(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """TRANSITION: an instant as the naive wall-clock time the records take today."""
    return instant.astimezone(zone).replace(tzinfo=None)


def steady_hour(moment: dt.datetime, zone: dt.tzinfo) -> bool:
    """(TRANSITION, with :func:`model_time`'s shortcut.) Whether ``zone`` keeps one offset from an hour before ``moment``'s hour to an hour after."""
    key = (zone, moment.toordinal() * 24 + moment.hour)
    steady = _STEADY.get(key)
    if steady is None:
        start = moment.replace(minute=0, second=0, microsecond=0)
        offsets = {zone.utcoffset(start + dt.timedelta(hours=h)) for h in (-1, 0, 1, 2)}
        steady = _STEADY[key] = len(offsets) == 1
        if len(_STEADY) > 200_000:
            _STEADY.clear()
    return steady


def shown(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """A time for an error message: in the deployment zone, with its offset."""
    return str(parse_instant(moment, zone).astimezone(zone))


def future_limit(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The latest time an imported event may carry, in the form the records take: the
    platform's clock (a naive clock is the host's wall clock) plus :data:`FUTURE_TOLERANCE`."""
    limit = now.astimezone(UTC) + FUTURE_TOLERANCE
    return _naive_local(limit, zone) if MODEL_TIMES_ARE_NAIVE else limit


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
