"""The one cattrs converter for the database and for JSON.

Dates and times travel as ISO 8601 text (which sorts correctly in SQLite), dicts as JSON
text in database rows. Nothing outside the core uses this module directly; the public
helpers are :func:`to_dict` and :func:`from_dict`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

import attrs
import cattrs

from .errors import ValidationError
from .timezone import instant

T = TypeVar("T")


def encode_instant(value: dt.datetime) -> str:
    """An instant as stored and sent: ISO 8601 in UTC with its offset, whole seconds
    (``2026-11-02T01:30:00+00:00``), so text order is time order.

    An instant already in UTC to the second (what the records hold) is put together from
    its day's text and its second's, each made once: ``isoformat`` of an aware datetime
    was a tenth of a bulk load's time (a year's demo encodes twenty million)."""
    if value.tzinfo is dt.UTC and not value.microsecond:
        day, second = divmod(int(value.timestamp()), 86_400)
        day_text = _DAY_TEXT.get(day)
        if day_text is None:
            day_text = _DAY_TEXT[day] = (_EPOCH + dt.timedelta(days=day)).isoformat() + "T"
        clock = _CLOCK_TEXT.get(second)
        if clock is None:
            hour, rest = divmod(second, 3600)
            clock = _CLOCK_TEXT[second] = f"{hour:02d}:{rest // 60:02d}:{rest % 60:02d}+00:00"
        return day_text + clock
    utc = instant(value)
    assert utc is not None
    return utc.isoformat(timespec="seconds")


_EPOCH = dt.date(1970, 1, 1)
_DAY_TEXT: dict[int, str] = {}
_CLOCK_TEXT: dict[int, str] = {}


def decode_instant(value: Any) -> dt.datetime:
    """An instant from a stored or sent value; text without an offset is refused."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError("at", f"{value!r} is not an ISO 8601 date and time") from None
    result = instant(value)
    assert result is not None
    return result

_converter = cattrs.Converter()
_converter.register_unstructure_hook(dt.datetime, lambda v: encode_instant(v))
_converter.register_structure_hook(dt.datetime, lambda v, _: decode_instant(v))
_converter.register_unstructure_hook(dt.date, lambda v: v.isoformat())
_converter.register_structure_hook(
    dt.date, lambda v, _: v if isinstance(v, dt.date) else dt.date.fromisoformat(v[:10])
)
_converter.register_structure_hook_func(
    lambda t: getattr(t, "__origin__", None) is dict,
    lambda v, _: json.loads(v) if isinstance(v, str) else dict(v or {}),
)
_converter.register_structure_hook(bool, lambda v, _: bool(int(v)) if isinstance(v, str) and v.isdigit() else bool(v))


def to_dict(record: Any) -> dict[str, Any]:
    """A JSON-safe dict of an attrs record."""
    return _converter.unstructure(record)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a record from a dict (a database row or parsed JSON); validators run.

    Keys the record does not have are ignored, so rows may carry extra columns.
    """
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(a.name for a in attrs.fields(cls))  # type: ignore[arg-type]
    try:
        return _converter.structure({k: v for k, v in data.items() if k in names}, cls)
    except cattrs.ClassValidationError as exc:
        raise _first_leaf(exc) from None


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def to_row(record: Any) -> dict[str, Any]:
    """A dict ready for a database row: nested dicts and lists become JSON text."""
    row = to_dict(record)
    for key, value in row.items():
        if isinstance(value, dict | list):
            row[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return row


def dumps(data: Any) -> str:
    """JSON text of records or plain data, keeping Chinese readable."""
    return json.dumps(to_dict(data) if attrs.has(type(data)) else data, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if attrs.has(type(value)):
        return to_dict(value)
    if isinstance(value, dt.datetime):
        return encode_instant(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _first_leaf(exc: BaseException) -> BaseException:
    """cattrs wraps errors in groups; the user wants the first real one, with its field."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    noted = next((n.name for n in getattr(exc, "__notes__", []) if hasattr(n, "name")), None)
    if isinstance(exc, ValidationError):
        # Structure hooks do not know the field they convert; cattrs' note does.
        return ValidationError(noted, exc.reason, record=exc.record) if noted and exc.field == "at" else exc
    field = noted or "value"
    if isinstance(exc, KeyError):
        return ValidationError(str(exc.args[0]), "is required")
    return ValidationError(field, str(exc))
