"""The records that move in and out of gridgov: their kinds, reading CSV and JSON into
checked records, and encoding them as rows (the part of an import that needs no database).
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ..converter import from_dict
from ..errors import ValidationError
from ..identifiers import mask_id_number, mask_phone
from ..models import Area, DualRegistration, Issue, Member, Organisation, Pairing, RoleAssignment
from ..workflow import due_key
from .transfer_cells import (
    DEFAULT_ZONE,
    MAX_INT,
    MIN_INT,
    check_int,
    check_record_id,
    parse_instant,
)

FORMATS = ("csv", "json")
CHUNK = 5000
LOOKUP_CHUNK = 500

ProgressFn = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class Kind:
    """One kind of record that moves in and out: its model, table and key."""

    name: str
    model: type
    table: str
    key: str
    order: str
    personal: dict[str, Callable[[str | None], str | None]] = attrs.field(factory=dict)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(name="areas", model=Area, table="area", key="code", order="path"),
        Kind(name="organisations", model=Organisation, table="organisation", key="code", order="code"),
        Kind(name="members", model=Member, table="member", key="login", order="login",
             personal={"phone": mask_phone, "id_number": mask_id_number}),
        Kind(name="roles", model=RoleAssignment, table="role_assignment", key="id", order="id"),
        Kind(name="pairings", model=Pairing, table="pairing", key="id", order="id"),
        Kind(name="dual-registrations", model=DualRegistration, table="dual_registration", key="id", order="id"),
        Kind(name="issues", model=Issue, table="issue", key="id", order="id",
             personal={"requester_phone": mask_phone}),
    )
}  # fmt: skip


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValidationError("kind", f"{name!r} is not one of {', '.join(KINDS)}") from None


def format_of(path: str | Path | None, fmt: str | None) -> str:
    """The format given, else the one the file name ends in."""
    if fmt:
        if fmt not in FORMATS:
            raise ValidationError("format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    if suffix in FORMATS:
        return suffix
    raise ValidationError("format", f"cannot tell the format of {Path(path).name if path else 'stdin'}: "
                          "name it .csv or .json, or give --format")


def field_names(kind: Kind) -> list[str]:
    """The CSV header of a kind: the record's fields in declaration order."""
    return [a.name for a in attrs.fields(kind.model)]


# -- values -----------------------------------------------------------------------------------

_OMIT = object()
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否"}


@attrs.frozen
class _Shape:
    """What each field of a record holds, for reading CSV text into it."""

    kinds: dict[str, type]

    @classmethod
    def of(cls, model: type) -> _Shape:
        hints = typing.get_type_hints(model)
        kinds = {}
        for a in attrs.fields(model):
            hint = hints[a.name]
            if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
                hint = next(t for t in typing.get_args(hint) if t is not type(None))
            kinds[a.name] = typing.get_origin(hint) or hint
        return cls(kinds)


_SHAPES = {name: _Shape.of(kind.model) for name, kind in KINDS.items()}


def _value(kind: type, field: str, value: Any, zone: dt.tzinfo) -> Any:
    """A cell or JSON value made ready for the record; empty means "not given"."""
    if kind is str and isinstance(value, str):
        return value if value else _OMIT
    if value is None or (isinstance(value, str) and not value.strip()):
        return _OMIT
    if isinstance(value, str):
        text = value.strip()
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValidationError(field, f"{value!r} is not true or false")
        if kind is int:
            try:
                return int(text)
            except ValueError:
                raise ValidationError(field, f"{value!r} is not a whole number") from None
        if kind is float:
            try:
                return float(text)
            except ValueError:
                raise ValidationError(field, f"{value!r} is not a number") from None
        if kind is dict:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValidationError(field, f"is not JSON: {exc.msg}") from None
    if kind is dt.datetime:
        try:
            return parse_instant(value, zone)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValidationError(field, str(exc)) from None
    if kind is dt.date:
        if isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        try:
            return dt.datetime.fromisoformat(str(value).strip()).date()
        except ValueError as exc:
            raise ValidationError(field, str(exc)) from None
    if kind is dict and not isinstance(value, dict):
        raise ValidationError(field, "must be a JSON object")
    if kind is bool and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        raise ValidationError(field, f"{value!r} is not true or false")
    return value


_IDS = frozenset({"id", "merged_into"})
"""Fields that name a record by its id (1 … 2^63−1)."""


def build_record(kind: Kind, raw: dict[str, Any], zone: dt.tzinfo = DEFAULT_ZONE) -> Any:
    """One record from a raw CSV row or JSON object; validators run. Datetime cells are read
    by :func:`~.transfer_cells.parse_instant` in ``zone`` (the deployment's)."""
    kinds = _SHAPES[kind.name].kinds
    data: dict[str, Any] = {}
    for field, value in raw.items():
        expected = kinds.get(field)
        if expected is None:
            raise ValidationError(str(field), f"unknown field; {kind.name} have {', '.join(kinds)}")
        if value is None or value == "":
            continue
        if type(value) is not expected or expected is dt.datetime:
            value = _value(expected, field, value, zone)
            if value is _OMIT:
                continue
        if expected is int and type(value) is int:
            if field in _IDS:
                check_record_id(field, value)
            elif not MIN_INT <= value <= MAX_INT:
                check_int(field, value)
        elif field in kind.personal and isinstance(value, str) and "*" in value:
            raise ValidationError(field, f"{value} is masked; export with --unmask --reason to move personal data")
        data[field] = value
    try:
        # Values already have their types, so the record's own constructor (with its
        # validators) is all that is left to run; it is three times cheaper than cattrs.
        return kind.model(**data)
    except TypeError:
        return from_dict(kind.model, data)  # names the missing or ill-typed field


def record_row(record: Any, **overrides: Any) -> dict[str, Any]:
    """A checked record as a table row; the store encodes dates, booleans and dicts."""
    row = {a.name: getattr(record, a.name) for a in attrs.fields(type(record))}
    row.update(overrides)
    return row


RECEIVED = {"received": 1}
CHANGED_BY_IMPORT = tuple(a.name for a in attrs.fields(Issue) if a.name not in ("id", "status", "version"))


def encoded_row(record: Any) -> dict[str, Any]:
    """The record as :func:`~gridgov.core.converter.to_row` stores it, without cattrs'
    per-field dispatch, which costs more than the insert itself on a large issue import.
    A test checks that this and ``issue_row``/``event_row`` give the same rows."""
    names, special = _ENCODING.get(type(record)) or _encoding(type(record))
    row = {name: getattr(record, name) for name in names}
    for name, encode in special:
        value = row[name]
        if value is not None:
            row[name] = encode(value)
    return row


_ENCODING: dict[type, tuple[tuple[str, ...], tuple[tuple[str, Callable[[Any], Any]], ...]]] = {}


def _encoding(model: type) -> tuple[tuple[str, ...], tuple[tuple[str, Callable[[Any], Any]], ...]]:
    to_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # = json.dumps(…), built once
    encoders = {
        dt.datetime: lambda v: v.isoformat(timespec="seconds"),
        dt.date: lambda v: v.isoformat(),
        dict: to_json,
        list: to_json,
    }
    kinds = _Shape.of(model).kinds
    special = tuple((name, encoders[kind]) for name, kind in kinds.items() if kind in encoders)
    _ENCODING[model] = (tuple(kinds), special)
    return _ENCODING[model]


def fast_issue_row(issue: Issue) -> dict[str, Any]:
    """Same as :func:`~gridgov.core.workflow.issue_row`, faster."""
    row = encoded_row(issue)
    row["is_open"] = int(issue.is_open)
    row["due_at"] = due_key(issue)
    return row


def cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def parent_first(items: list[tuple[str, Any]], key: Callable[[Any], Any],
                  parent: Callable[[Any], Any], *, field: str = "parent_code") -> list[tuple[str, Any]]:
    """Records ordered so that a parent in the same batch comes before its children.

    Raises on a cycle, naming the first record on it and the loop of keys."""
    by_key = {key(r): (where, r) for where, r in items}
    children: dict[Any, list[tuple[str, Any]]] = defaultdict(list)
    queue: deque[tuple[str, Any]] = deque()
    for where, record in items:
        up = parent(record)
        if up is not None and up in by_key:
            children[up].append((where, record))
        else:
            queue.append((where, record))
    ordered = []
    while queue:
        item = queue.popleft()
        ordered.append(item)
        queue.extend(children.pop(key(item[1]), ()))
    if len(ordered) < len(items):
        placed = {key(r) for _, r in ordered}
        where, record = next((w, r) for w, r in items if key(r) not in placed)
        chain = [key(record)]
        up = parent(record)
        while up not in chain:
            chain.append(up)
            up = parent(by_key[up][1])
        loop = chain[chain.index(up):] + [up]
        raise ValidationError(field, f"cycle: {' → '.join(map(str, loop))}", record=where)
    return ordered
