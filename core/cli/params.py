"""Parameter types for ids, offsets and limits: numbers the database can hold.

SQLite integers are 64-bit, so ``gridgov issue show 99999999999999999999`` would end in an
``OverflowError`` deep in the driver. These types refuse such a value while the command
line is read, with one line naming the argument or option, like every other bad input.
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import ValidationError
from .output import CommandError

MAX_ID = 2**63 - 1
"""The largest id SQLite stores (a signed 64-bit integer)."""


def record_id(value: Any, field: str) -> int:
    """``value`` as a record id (1 … 2^63−1), or a :class:`ValidationError` naming ``field``."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not 1 <= number <= MAX_ID:
        raise ValidationError(field, f"{value!r} is not a record id (a whole number from 1 to {MAX_ID})")
    return number


def _label(param: click.Parameter | None) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    if param is not None:
        return param.human_readable_name
    return "value"


class RecordId(click.ParamType):
    """A record id: a whole number from 1 to 2^63−1."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
            return value
        try:
            return record_id(value, _label(param))
        except ValidationError as exc:
            raise CommandError(exc) from None


class Bounded(click.ParamType):
    """A whole number between ``low`` and ``high`` (an offset, a limit, a version)."""

    name = "integer"

    def __init__(self, low: int, high: int = MAX_ID) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high:
            return value
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            raise CommandError(ValidationError(_label(param), f"{value!r} is not a whole number from {self.low} to {self.high}"))
        return number


RECORD_ID = RecordId()
OFFSET = Bounded(0)
"""Rows to skip: 0 … 2^63−1."""
LIMIT = Bounded(1, 10_000)
"""Rows in one page: 1 … 10,000."""
VERSION = Bounded(0)
"""A record's version for the stale-update check."""
