"""Import and export of areas, organisations, members, role assignments, pairings, dual
registrations and issues, as CSV or JSON.

Imports are all-or-nothing. Every record of a file is checked first, in Python: the
record's own validators (through :func:`~gridgov.core.converter.from_dict`), then its
references (parent areas, organisations, members…) against the database and the rest of
the same file. The first bad record stops the import with one error naming the file, the
line or record number, the field and the reason, and nothing is written. Only then are the
rows written, in large batches inside one transaction, so a district's directory loads in
seconds instead of the minutes per-record service calls would take.

Imported issues start a new event log: one ``import`` event whose changes rebuild the row
(replay equals the stored issue), counted as ``received`` on the day reported. Plugins'
``issue_created`` hooks do not run for imported cases.

Exports mask phone and ID numbers unless the actor holds ``personal.unmask`` and gives a
reason, and every export is written to the access log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import types
import typing
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from ..access import EXPORT, IMPORT, Actor
from ..converter import from_dict, to_dict
from ..errors import ValidationError
from ..identifiers import mask_id_number, mask_phone
from ..models import Area, DualRegistration, Issue, Member, Organisation, Pairing, RoleAssignment
from ..workflow import STATES, due_key, make_event, to_row_json
from .base import Service
from .pairings import _EXPECTED as PAIRING_LEVELS

FORMATS = ("csv", "json")
CHUNK = 5000
_LOOKUP_CHUNK = 500

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


# -- reading files --------------------------------------------------------------------------

Located = tuple[str, dict[str, Any]]


def read_records(path: str | Path, fmt: str | None = None) -> list[Located]:
    """The raw records of a file, each with where it came from (``members.csv line 12``)."""
    path = Path(path)
    fmt = format_of(path, fmt)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError("file", "does not exist", record=str(path)) from None
    except UnicodeDecodeError:
        raise ValidationError("file", "is not UTF-8 text", record=path.name) from None
    return parse_records(text, fmt, path.name)


def parse_records(text: str, fmt: str, source: str) -> list[Located]:
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError("json", exc.msg, record=f"{source} line {exc.lineno}") from None
        if not isinstance(data, list):
            raise ValidationError("json", "must be a list of records", record=source)
        out = []
        for i, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise ValidationError("json", "a record must be an object", record=f"{source} record {i}")
            out.append((f"{source} record {i}", item))
        return out
    reader = csv.DictReader(io.StringIO(text, newline=""))
    out, last_line = [], 1
    for row in reader:
        where = f"{source} line {last_line + 1}"
        last_line = reader.line_num
        if None in row:
            raise ValidationError("row", "has more cells than the header", record=where)
        out.append((where, row))
    return out


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


def _value(kind: type, field: str, value: Any) -> Any:
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
        if kind is dict:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValidationError(field, f"is not JSON: {exc.msg}") from None
    if kind is dt.datetime or kind is dt.date:
        if isinstance(value, kind):
            return value
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValidationError(field, str(exc)) from None
        return parsed if kind is dt.datetime else parsed.date()
    if kind is dict and not isinstance(value, dict):
        raise ValidationError(field, "must be a JSON object")
    if kind is bool and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        raise ValidationError(field, f"{value!r} is not true or false")
    return value


def build_record(kind: Kind, raw: dict[str, Any]) -> Any:
    """One record from a raw CSV row or JSON object; validators run."""
    kinds = _SHAPES[kind.name].kinds
    data: dict[str, Any] = {}
    for field, value in raw.items():
        expected = kinds.get(field)
        if expected is None:
            raise ValidationError(str(field), f"unknown field; {kind.name} have {', '.join(kinds)}")
        if value is None or value == "":
            continue
        if type(value) is not expected:  # values already of the right type (JSON) need no work
            value = _value(expected, field, value)
            if value is _OMIT:
                continue
        if field in kind.personal and isinstance(value, str) and "*" in value:
            raise ValidationError(field, f"{value} is masked; export with --unmask --reason to move personal data")
        data[field] = value
    try:
        # Values already have their types, so the record's own constructor (with its
        # validators) is all that is left to run; it is three times cheaper than cattrs.
        return kind.model(**data)
    except TypeError:
        return from_dict(kind.model, data)  # names the missing or ill-typed field


def _row(record: Any, **overrides: Any) -> dict[str, Any]:
    """A checked record as a table row; the store encodes dates, booleans and dicts."""
    row = {a.name: getattr(record, a.name) for a in attrs.fields(type(record))}
    row.update(overrides)
    return row


RECEIVED = {"received": 1}
_CHANGED_BY_IMPORT = tuple(a.name for a in attrs.fields(Issue) if a.name not in ("id", "status", "version"))


def _encoded(record: Any) -> dict[str, Any]:
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
    row = _encoded(issue)
    row["is_open"] = int(issue.is_open)
    row["due_at"] = due_key(issue)
    return row


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parent_first(items: list[tuple[str, Any]], key: Callable[[Any], Any],
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


# -- the service ----------------------------------------------------------------------------


class TransferService(Service):
    """CSV and JSON in and out of the platform (``platform.transfer``)."""

    # -- export -------------------------------------------------------------------------

    def export(self, actor: Actor, kind: str, *, unmask_reason: str | None = None) -> Iterator[dict[str, Any]]:
        """The records of a kind as dicts, personal data masked unless unmasked with a reason.

        Checks the permission and writes the access-log entry before returning the
        (lazy) records, so a refused export leaves no trace and an allowed one always does.
        """
        spec = kind_of(kind)
        actor.require(EXPORT)
        if unmask_reason is not None:
            self.platform.members.unmask_check(actor, unmask_reason)
        self.platform.log_access(actor, f"export:{spec.name}", unmask_reason or "export")
        return self._export_rows(spec, unmask=unmask_reason is not None)

    def _export_rows(self, spec: Kind, *, unmask: bool) -> Iterator[dict[str, Any]]:
        last = None
        while True:
            where = {f"{spec.order}__gt": last} if last is not None else {}
            rows = self.store.select(spec.table, order_by=spec.order, limit=CHUNK, **where)
            if not rows:
                return
            for row in rows:
                record = to_dict(from_dict(spec.model, row))
                if not unmask:
                    for field, mask in spec.personal.items():
                        record[field] = mask(record[field])
                yield record
            last = rows[-1][spec.order]

    def write(self, kind: str, records: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
        """Write exported records as CSV (header = field names) or a JSON list; returns the count."""
        spec = kind_of(kind)
        count = 0
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            names = field_names(spec)
            writer.writerow(names)
            for record in records:
                writer.writerow([_cell(record.get(n)) for n in names])
                count += 1
            return count
        out.write("[")
        for record in records:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count

    # -- import -------------------------------------------------------------------------

    def import_file(self, actor: Actor, kind: str, path: str | Path, *, fmt: str | None = None,
                    progress: ProgressFn | None = None) -> int:
        """Import a CSV or JSON file, all-or-nothing; returns the number of records written."""
        kind_of(kind)
        actor.require(IMPORT)
        return self.import_records(actor, kind, read_records(path, fmt), source=Path(path).name, progress=progress)

    def import_records(self, actor: Actor, kind: str, located: Sequence[Located], *, source: str = "import",
                       progress: ProgressFn | None = None) -> int:
        """Import raw records (each with its location for errors), all-or-nothing.

        ``progress(done, total)`` counts two units per record: checked, then written.
        """
        spec = kind_of(kind)
        actor.require(IMPORT)
        total = 2 * len(located)
        tick = progress or (lambda done, total: None)
        records = []
        for i, (where, raw) in enumerate(located, 1):
            try:
                records.append((where, build_record(spec, raw)))
            except ValidationError as exc:
                raise exc.at(where) from None
            if i % 1000 == 0:
                tick(i, total)
        plan = getattr(self, "_plan_" + spec.table)
        batches = plan(actor, records, source)
        tick(len(located), total)
        written = 0
        with self.platform.transaction():
            for table, rows in batches:
                if table == "issue":
                    pairs, counts = rows
                    while batch := list(itertools.islice(pairs, CHUNK)):
                        self.store.bulk_insert_issues([i for i, _ in batch], [e for _, e in batch])
                        written += len(batch)
                        tick(len(located) + written, total)
                    self.store.add_metrics_many((code, day, {"received": n}) for (code, day), n in sorted(counts.items()))
                    continue
                for chunk in _chunks(rows, CHUNK):
                    self.store.insert_many(table, chunk)
                    written += len(chunk)
                    tick(len(located) + written, total)
        return len(records)

    # -- lookups ------------------------------------------------------------------------

    def _existing(self, table: str, column: str, values: Iterable[Any]) -> dict[Any, dict[str, Any]]:
        """Rows of ``table`` whose ``column`` is one of ``values``, by that value."""
        wanted = sorted({v for v in values if v is not None}, key=str)
        found: dict[Any, dict[str, Any]] = {}
        for chunk in _chunks(wanted, _LOOKUP_CHUNK):
            for row in self.store.select(table, **{f"{column}__in": list(chunk)}):
                found[row[column]] = row
        return found

    def _unique(self, records: list[tuple[str, Any]], field: str, what: str, table: str,
                column: str | None = None) -> None:
        """Refuse a value that appears twice in the file or already exists in the database."""
        seen: dict[Any, str] = {}
        for where, record in records:
            value = getattr(record, field)
            if value is None:
                continue
            if value in seen:
                raise ValidationError(field, f"{what} {value} appears twice (also at {seen[value]})", record=where)
            seen[value] = where
        for value in self._existing(table, column or field, seen):
            raise ValidationError(field, f"{what} {value} already exists", record=seen[value])

    def _references(self, records: list[tuple[str, Any]], field: str, table: str, what: str,
                    also: Iterable[Any] = ()) -> dict[Any, dict[str, Any]]:
        """Check that every non-empty ``field`` names a row of ``table`` (or one of ``also``)."""
        also = set(also)
        found = self._existing(table, CORE_KEYS[table], (getattr(r, field) for _, r in records))
        for where, record in records:
            value = getattr(record, field)
            if value is not None and value not in found and value not in also:
                raise ValidationError(field, f"unknown {what} {value}", record=where)
        return found

    def _ids(self, table: str, records: list[tuple[str, Any]]) -> list[int]:
        """Ids for id-keyed records: the given id when it is free, else a new one."""
        given = [r.id for _, r in records if r.id is not None]
        taken = set(self._existing(table, "id", given))
        top = self.store.select(table, order_by="-id", limit=1)
        next_id = max([top[0]["id"] if top else 0, *given]) + 1
        ids, used = [], set()
        for _, record in records:
            if record.id is not None and record.id not in taken and record.id not in used:
                ids.append(record.id)
            else:
                ids.append(next_id)
                next_id += 1
            used.add(ids[-1])
        return ids

    # -- plans: checked rows, per table, in insertion order ------------------------------

    def _plan_area(self, actor: Actor, records: list[tuple[str, Area]], source: str) -> list:
        self._unique(records, "code", "area", "area")
        levels = self.platform.areas.levels()
        in_file = {r.code for _, r in records}
        outside = self._existing("area", "code", (r.parent_code for _, r in records if r.parent_code not in in_file))
        paths = {code: row["path"] for code, row in outside.items()}
        level_of = {code: row["level"] for code, row in outside.items()}
        for where, area in records:
            if area.level not in levels:
                raise ValidationError("level", f"{area.level!r} is not a level of this deployment "
                                      f"({', '.join(levels)}); see gridgov init --levels", record=where)
            if area.parent_code and area.parent_code not in in_file and area.parent_code not in paths:
                raise ValidationError("parent_code", f"unknown parent area {area.parent_code}", record=where)
        rows = []
        for where, area in _parent_first(records, lambda a: a.code, lambda a: a.parent_code):
            if area.parent_code:
                parent_level = level_of[area.parent_code]
                if levels.index(area.level) <= levels.index(parent_level):
                    raise ValidationError("level", f"{area.level} cannot sit under {parent_level} "
                                          f"{area.parent_code}", record=where)
                path = f"{paths[area.parent_code]}{area.code}/"
            else:
                path = f"/{area.code}/"
            paths[area.code], level_of[area.code] = path, area.level
            rows.append(_row(area, path=path))
        return [("area", rows)]

    def _plan_organisation(self, actor: Actor, records: list[tuple[str, Organisation]], source: str) -> list:
        self._unique(records, "code", "organisation", "organisation")
        self._unique(records, "uscc", "credit code", "organisation")
        self._references(records, "area_code", "area", "area")
        self._references(records, "parent_code", "organisation", "organisation", also={r.code for _, r in records})
        ordered = _parent_first(records, lambda o: o.code, lambda o: o.parent_code)
        return [("organisation", [_row(org) for _, org in ordered])]

    def _plan_member(self, actor: Actor, records: list[tuple[str, Member]], source: str) -> list:
        self._unique(records, "login", "login", "member")
        self._references(records, "org_code", "organisation", "organisation")
        self._references(records, "home_area", "area", "area")
        return [("member", [_row(m) for _, m in records])]

    def _plan_role_assignment(self, actor: Actor, records: list[tuple[str, RoleAssignment]], source: str) -> list:
        for where, assignment in records:
            if assignment.post not in self.platform.roles:
                raise ValidationError("post", f"unknown post {assignment.post}; known: "
                                      f"{', '.join(sorted(self.platform.roles))}", record=where)
        self._references(records, "login", "member", "member")
        self._references(records, "area_code", "area", "area")
        self._references(records, "org_code", "organisation", "organisation")
        ids = self._ids("role_assignment", records)
        return [("role_assignment", [_row(r, id=i) for (_, r), i in zip(records, ids, strict=True)])]

    def _plan_pairing(self, actor: Actor, records: list[tuple[str, Pairing]], source: str) -> list:
        self._references(records, "org_code", "organisation", "organisation")
        self._references(records, "member_login", "member", "member")
        areas = self._references(records, "area_code", "area", "area")
        levels = self.platform.areas.levels()
        for where, pairing in records:
            expected = PAIRING_LEVELS.get(pairing.kind)
            if not (pairing.area_code and expected and any(level in levels for level in expected)):
                continue
            level = areas[pairing.area_code]["level"]
            if level not in expected:
                raise ValidationError("area_code", f"a {pairing.kind} pairing links to a {' or '.join(expected)}, "
                                      f"{pairing.area_code} is a {level}", record=where)
        ids = self._ids("pairing", records)
        return [("pairing", [_row(r, id=i) for (_, r), i in zip(records, ids, strict=True)])]

    def _plan_dual_registration(self, actor: Actor, records: list[tuple[str, DualRegistration]], source: str) -> list:
        self._references(records, "login", "member", "member")
        for field in ("paired_community", "home_community"):
            areas = self._references(records, field, "area", "area")
            for where, registration in records:
                area = areas[getattr(registration, field)]
                if area["level"] != "community":
                    raise ValidationError(field, f"{area['code']} is a {area['level']}, not a community", record=where)
        seen: dict[tuple[str, str], str] = {}
        for where, r in records:
            pair = (r.login, r.paired_community)
            if pair in seen:
                raise ValidationError("paired_community", f"{r.login} is registered with {r.paired_community} twice "
                                      f"(also at {seen[pair]})", record=where)
            seen[pair] = where
        stored = self._existing_rows("dual_registration", "login", {login for login, _ in seen})
        for row in stored:
            pair = (row["login"], row["paired_community"])
            if pair in seen:
                raise ValidationError("paired_community", f"{pair[0]} is already registered with {pair[1]}",
                                      record=seen[pair])
        ids = self._ids("dual_registration", records)
        return [("dual_registration", [_row(r, id=i) for (_, r), i in zip(records, ids, strict=True)])]

    def _existing_rows(self, table: str, column: str, values: Iterable[Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(sorted(set(values)), _LOOKUP_CHUNK):
            rows += self.store.select(table, **{f"{column}__in": list(chunk)})
        return rows

    def _plan_issue(self, actor: Actor, records: list[tuple[str, Issue]], source: str) -> list:
        states = set(STATES) | {t.target for t in self.platform.transitions.values() if t.target}
        for where, issue in records:
            if issue.category not in self.platform.categories:
                raise ValidationError("category", f"unknown category {issue.category}; see gridgov issue categories",
                                      record=where)
            if issue.status not in states:
                raise ValidationError("status", f"{issue.status!r} is not a state ({', '.join(sorted(states))})",
                                      record=where)
        areas = self._references(records, "area_code", "area", "area")
        areas.update(self._references(records, "handling_area", "area", "area"))
        self._references(records, "assignee_org", "organisation", "organisation")
        self._references(records, "assignee_member", "member", "member")
        ids = self._ids("issue", records)
        new_id = {r.id: i for (_, r), i in zip(records, ids, strict=True) if r.id is not None}
        masters = self._existing("issue", "id", (r.merged_into for _, r in records if r.merged_into not in new_id))
        handling: dict[str, str] = {}
        prepared: list[tuple[str, Issue]] = []
        for (where, issue), issue_id in zip(records, ids, strict=True):
            master = issue.merged_into
            if master is not None:
                if master not in new_id and master not in masters:
                    raise ValidationError("merged_into", f"unknown issue {master}", record=where)
                master = new_id.get(master, master)
            hand = issue.handling_area
            if hand is not None and f"/{hand}/" not in areas[issue.area_code]["path"]:
                raise ValidationError("handling_area", f"{hand} is not {issue.area_code} or above it", record=where)
            if hand is None:
                hand = handling.get(issue.area_code)
                if hand is None:
                    hand = handling[issue.area_code] = self.platform.issues.handling_area_for(issue.area_code)
                    if hand not in areas:
                        areas[hand] = self.store.get("area", hand)
            derived = {"id": issue_id, "area_path": areas[issue.area_code]["path"], "handling_area": hand,
                       "level": issue.level or areas[hand]["level"], "merged_into": master, "version": 1}
            prepared.append((where, (issue, derived)))
        ordered = _parent_first(prepared, lambda r: r[1]["id"], lambda r: r[1]["merged_into"], field="merged_into")
        counts: dict[tuple[str, str], int] = defaultdict(int)
        received = to_row_json(RECEIVED)

        def rows() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
            """Issue and event rows, made as they are written (a million rows do not wait in memory)."""
            for _, (issue, derived) in ordered:
                # The derived fields come from the database, so they are set on the row rather
                # than through attrs.evolve, which would run every validator a second time.
                row = fast_issue_row(issue)
                row.update(derived)
                changes = {name: row[name] for name in _CHANGED_BY_IMPORT}
                changes["payload"] = issue.payload
                event = make_event(None, issue_id=derived["id"], action="import", to_status=issue.status,
                                   actor=actor.login, at=issue.reported_at, changes=changes,
                                   note=f"imported from {source}", level=derived["level"])
                day = row["reported_at"][:10]
                for code in derived["area_path"].strip("/").split("/"):
                    counts[(code, day)] += 1
                yield row, {**_encoded(event), "metrics": received}

        return [("issue", (rows(), counts))]


CORE_KEYS = {"area": "code", "organisation": "code", "member": "login", "issue": "id"}
