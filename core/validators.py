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
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ValidationError(attribute.name, f"{value!r} is not a code (letters, digits, _ . - ; at most 64)")


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
_UNSAFE_ALWAYS = "\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(_BIDI))
# One regular expression per kind of text: a search runs in C, where a loop over the
# characters cost a bulk load (a million cases) seconds in this function alone.
_UNSAFE_LINE = re.compile(f"[\x00-\x0a\x0d{_UNSAFE_ALWAYS}]")
_UNSAFE_MULTILINE = re.compile(f"[\x00-\x08{_UNSAFE_ALWAYS}]")


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` is unsafe to store and print, or None: control characters (NUL,
    terminal escapes; line breaks and tabs only in ``multiline`` text) and bidirectional
    overrides, which make a terminal show something other than what is stored."""
    found = (_UNSAFE_MULTILINE if multiline else _UNSAFE_LINE).search(text)
    if found is None:
        return None
    ch = found.group()
    if ch in _BIDI:
        return f"contains the bidirectional override U+{ord(ch):04X}; remove it"
    return f"contains the control character U+{ord(ch):04X}; remove it"


def valid_text(max_len: int, *, required: bool = True, multiline: bool = False) -> Validator:
    """Text of at most ``max_len`` characters without control characters (newlines and
    tabs allowed when ``multiline``); empty or None only when not ``required``."""

    def check(_inst: Any, attribute: attrs.Attribute, value: str | None) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise ValidationError(attribute.name, "must not be empty")
            return
        if not isinstance(value, str):
            raise ValidationError(attribute.name, "must be text")
        if len(value) > max_len:
            raise ValidationError(attribute.name, f"is {len(value)} characters, at most {max_len}")
        problem = control_problem(value, multiline=multiline)
        if problem:
            raise ValidationError(attribute.name, problem)

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
