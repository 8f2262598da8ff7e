"""attrs validators for gridgov records: the core's models use them, and plugins use them
for their own records so every refusal reads the same (``field: reason``).

>>> import attrs
>>> @attrs.frozen(kw_only=True)
... class Station:
...     code: str = attrs.field(validator=valid_code)
...     name: str = attrs.field(validator=valid_text(100))
...     cluster: str = attrs.field(validator=valid_choice(("电子信息", "智能制造")))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from .errors import ValidationError
from .identifiers import id_number_problem, phone_problem

Validator = Callable[[Any, attrs.Attribute, Any], None]

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def valid_code(_inst: Any, attribute: attrs.Attribute, value: str | None) -> None:
    """A code: letters, digits, ``_ . -``, at most 64 characters (None passes)."""
    if value is None:
        return
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValidationError(attribute.name, f"{value!r} is not a code (letters, digits, _ . - ; at most 64)")


def valid_text(max_len: int, *, required: bool = True) -> Validator:
    """Text of at most ``max_len`` characters; empty or None only when not ``required``."""

    def check(_inst: Any, attribute: attrs.Attribute, value: str | None) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise ValidationError(attribute.name, "must not be empty")
            return
        if not isinstance(value, str):
            raise ValidationError(attribute.name, "must be text")
        if len(value) > max_len:
            raise ValidationError(attribute.name, f"is {len(value)} characters, at most {max_len}")

    return check


def valid_choice(choices: tuple[str, ...], *, optional: bool = False) -> Validator:
    """One of ``choices`` (or None when ``optional``)."""

    def check(_inst: Any, attribute: attrs.Attribute, value: str | None) -> None:
        if value is None and optional:
            return
        if value not in choices:
            raise ValidationError(attribute.name, f"{value!r} is not one of {', '.join(choices)}")

    return check


def valid_count(_inst: Any, attribute: attrs.Attribute, value: int | None) -> None:
    """A whole number ≥ 0 (None passes; True/False do not count as numbers)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(attribute.name, f"must be a whole number ≥ 0, got {value!r}")


# A value with ``*`` is a masked view of personal data (``138****1234``): records handed to
# actors without the unmask permission carry it, so these two let it through. Writes refuse
# masked values separately, so they never overwrite a real number.


def valid_phone(_inst: Any, attribute: attrs.Attribute, value: str | None) -> None:
    """A mainland mobile or landline number (empty, None or masked passes)."""
    if value and "*" not in value:
        problem = phone_problem(value)
        if problem:
            raise ValidationError(attribute.name, problem)


def valid_id_number(_inst: Any, attribute: attrs.Attribute, value: str | None) -> None:
    """An 18-digit resident ID number with a correct check digit (empty, None or masked passes)."""
    if value and "*" not in value:
        problem = id_number_problem(value)
        if problem:
            raise ValidationError(attribute.name, problem)
