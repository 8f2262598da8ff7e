"""Plugin tables: declared through migrations, read and written through :class:`Table`.

Plugins never see a connection. A plugin's migration set receives a :class:`SchemaEditor`
that only creates and alters tables inside the plugin's namespace (``mediation_…``), and
its code reads and writes rows through :class:`Table`, whose small query vocabulary
(equality, ``__in``, ``__gte``/``__lt``…, ``order_by``, ``limit``) any SQL engine can serve.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import NotFound, StaleUpdate, ValidationError
from ..identifiers import mask_id_number, mask_phone
from .errors import IntegrityProblem

if TYPE_CHECKING:
    from .store import Store

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_OPS = {"eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
LOOKUPS = (*_OPS, "in", "isnull", "contains", "startswith", "under")
"""Every lookup ``column__<lookup>=value`` the table API understands (``eq`` is the default)."""
COLUMN_TYPES = {"text": str, "int": int, "float": float, "json": str, "date": str, "datetime": str, "bool": int}
"""The portable column types (SQLite's storage class shown; PostgreSQL's in :mod:`.ddl`)."""
PERSONAL_KINDS = ("phone", "id_number")

CORE_TABLE_NAMES = frozenset({
    "setting", "area", "organisation", "member", "role_assignment", "pairing", "dual_registration",
    "access_log", "issue", "issue_event", "metric_daily", "metric_cohort", "issue_fts", "api_key", "service_request",
    "attachment", "schema_migrations", "_sqlite_migrations",
})  # fmt: skip
RESERVED_NAMESPACES = frozenset(
    {name.split("_")[0] for name in CORE_TABLE_NAMES if name.split("_")[0]}
    | {"gridgov", "core", "plugin", "plugins", "sqlite", "pg", "sql", "system", "tui", "http"}
)
"""Namespaces no plugin may take: ``<namespace>_<table>`` must never name a core table
(a plugin called ``role`` would own ``role_assignment``), nor an engine's own."""


def check_namespace(namespace: str) -> None:
    if not _NAME.fullmatch(namespace) or "__" in namespace:
        raise ValidationError("namespace", f"{namespace!r} must be lowercase letters, digits, _")
    if namespace in RESERVED_NAMESPACES or namespace in CORE_TABLE_NAMES:
        raise ValidationError("namespace", f"{namespace!r} is reserved by the core; choose another plugin name")


@attrs.frozen(kw_only=True)
class TableSpec:
    """What a plugin declared about one of its tables (found by a dry run of its
    migrations): columns and types, the key, and the columns that place a row in the area
    tree or an organisation (so ``rows(scope=actor)`` works) or hold personal data."""

    name: str
    columns: dict[str, str]
    pk: str = "id"
    scope_path: str | None = None
    scope_org: str | None = None
    scope_permission: str = "issue.read"
    personal: dict[str, str] = attrs.field(factory=dict)

    @property
    def versioned(self) -> bool:
        return self.columns.get("version") == "int"


class Migrations:
    """An ordered set of schema steps for one plugin's tables.

    >>> migrations = Migrations("mediation")
    >>> @migrations()
    ... def m001_disputes(schema):
    ...     schema.create_table("dispute", {"id": "int", "kind": "text"}, pk="id")
    """

    def __init__(self, namespace: str) -> None:
        check_namespace(namespace)
        self.namespace = namespace
        self.steps: list[tuple[str, Callable[[SchemaEditor], None]]] = []

    def __call__(self, name: str | None = None) -> Callable[[Callable], Callable]:
        def add(fn: Callable[[SchemaEditor], None]) -> Callable[[SchemaEditor], None]:
            step = name or fn.__name__
            if any(existing == step for existing, _ in self.steps):
                raise ValueError(f"migration {step} is already in set {self.namespace}")
            self.steps.append((step, fn))
            return fn

        return add

    def tables(self) -> list[str]:
        """Names of the tables these migrations create (found by a dry run)."""
        return list(self.specs())

    def schema(self) -> dict[str, dict[str, str]]:
        """Each table's columns and declared types after all steps (found by a dry run)."""
        return {name: spec.columns for name, spec in self.specs().items()}

    def specs(self) -> dict[str, TableSpec]:
        """Each table's declaration after all steps (found by a dry run)."""
        recorder = _Recorder(self.namespace)
        for _, fn in self.steps:
            fn(recorder)
        return {name: TableSpec(name=name, **options) for name, options in recorder.tables.items()}


class SchemaEditor:
    """What a plugin migration may do: create, extend and index tables of its namespace,
    with portable column types (on SQLite and PostgreSQL alike; see :mod:`.ddl`)."""

    def __init__(self, ops: Any, namespace: str) -> None:
        self._ops = ops
        self.namespace = namespace

    def name(self, table: str) -> str:
        if not _NAME.fullmatch(table):
            raise ValidationError("table", f"{table!r} must be lowercase letters, digits, _")
        return f"{self.namespace}_{table}"

    def create_table(
        self,
        table: str,
        columns: Mapping[str, str],
        *,
        pk: str = "id",
        not_null: tuple[str, ...] = (),
        references: Mapping[str, str] | None = None,
        scope_path: str | None = None,
        scope_org: str | None = None,
        scope_permission: str = "issue.read",
        personal: Mapping[str, str] | None = None,
    ) -> None:
        """Create ``<namespace>_<table>``. Column types: text, int, float, json, date,
        datetime, bool. ``references`` maps a column to ``"table.column"``, where the table
        is a core table (``issue``, ``area``, ``member``, ``organisation``) or one of this
        namespace's own (given without prefix).

        ``scope_path`` names the column holding a row's area path and ``scope_org`` its
        organisation, so ``rows(scope=actor)`` keeps the rows in the actor's scope for
        ``scope_permission``. ``personal`` maps columns to ``phone`` or ``id_number``: they
        come back masked unless read through :meth:`Table.unmasked` (logged). A column
        ``version`` of type int makes updates version-checked."""
        _check_declaration(columns, pk, not_null, scope_path, scope_org, personal)
        fks = []
        for column, target in (references or {}).items():
            other, other_column = target.split(".")
            if other not in {"issue", "area", "member", "organisation"}:
                other = self.name(other)
            fks.append((column, other, other_column))
        self._ops.create_table(self.name(table), dict(columns), pk=pk, not_null=set(not_null), foreign_keys=fks)

    def add_column(self, table: str, column: str, kind: str) -> None:
        _check_declaration({column: kind})
        self._ops.add_column(self.name(table), column, kind)

    def create_index(self, table: str, columns: list[str], *, unique: bool = False) -> None:
        for column in columns:
            _check_column(column)
        self._ops.create_index(self.name(table), columns, unique=unique)


def _check_declaration(columns: Mapping[str, str], pk: str | None = None, not_null: tuple[str, ...] = (),
                       scope_path: str | None = None, scope_org: str | None = None,
                       personal: Mapping[str, str] | None = None) -> None:
    for column in columns:
        _check_column(column)
    bad = [c for c, t in columns.items() if t not in COLUMN_TYPES]
    if bad:
        raise ValidationError("columns", f"unknown type for {', '.join(bad)}; use {', '.join(COLUMN_TYPES)}")
    named = [c for c in (pk, scope_path, scope_org, *not_null, *(personal or {})) if c]
    missing = [c for c in named if c not in columns]
    if missing:
        raise ValidationError("columns", f"{', '.join(missing)} named but not among the columns")
    wrong = {c: k for c, k in (personal or {}).items() if k not in PERSONAL_KINDS}
    if wrong:
        raise ValidationError("personal", f"{wrong}: kinds are {', '.join(PERSONAL_KINDS)}")


class _Recorder(SchemaEditor):
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.tables: dict[str, dict[str, Any]] = {}

    def create_table(self, table: str, columns: Mapping[str, str], *, pk: str = "id",
                     not_null: tuple[str, ...] = (), references: Mapping[str, str] | None = None,
                     scope_path: str | None = None, scope_org: str | None = None,
                     scope_permission: str = "issue.read", personal: Mapping[str, str] | None = None) -> None:
        _check_declaration(columns, pk, not_null, scope_path, scope_org, personal)
        self.tables[self.name(table)] = {
            "columns": dict(columns), "pk": pk, "scope_path": scope_path, "scope_org": scope_org,
            "scope_permission": scope_permission, "personal": dict(personal or {}),
        }

    def add_column(self, table: str, column: str, kind: str) -> None:
        _check_declaration({column: kind})
        entry = self.tables.setdefault(self.name(table), {"columns": {}})
        entry["columns"][column] = kind

    def create_index(self, *_: Any, **__: Any) -> None:
        pass


def _encode(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValidationError("datetime", f"{value.isoformat()} has no time zone; store aware instants")
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


# -- conditions -------------------------------------------------------------------------------


@attrs.frozen
class Condition:
    """A group of lookups joined by AND (:func:`all_of`) or OR (:func:`any_of`); groups
    nest, and keyword lookups beside them are ANDed."""

    joiner: str
    parts: tuple[Any, ...]


def any_of(*groups: Condition | Mapping[str, Any], **lookups: Any) -> Condition:
    """Rows matching at least one: ``any_of(status="open", urgent=True)`` or
    ``any_of(all_of(a=1, b=2), c=3)``."""
    return Condition("OR", (*groups, *({k: v} for k, v in lookups.items())))


def all_of(*groups: Condition | Mapping[str, Any], **lookups: Any) -> Condition:
    """Rows matching every lookup (to group them inside :func:`any_of`)."""
    return Condition("AND", (*groups, *({k: v} for k, v in lookups.items())))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Table:
    """Rows of one plugin table; every write joins the current :meth:`Store.write`
    transaction (or runs in its own).

    Column names are checked against the table's declaration (nothing a caller passes is
    spliced into SQL unchecked); lookups are ``column__<op>=value`` with the ops of
    :data:`LOOKUPS`; :func:`any_of` / :func:`all_of` group them."""

    def __init__(self, store: Store, spec: TableSpec, *, unmasked: bool = False) -> None:
        self._store = store
        self.spec = spec
        self.name = spec.name
        self.pk = spec.pk
        self._unmasked = unmasked
        types = spec.columns
        self._json = frozenset(c for c, t in types.items() if t == "json")
        self._bool = frozenset(c for c, t in types.items() if t == "bool")
        self._instants = frozenset(c for c, t in types.items() if t == "datetime")
        self._days = frozenset(c for c, t in types.items() if t == "date")
        self._by_key = f'SELECT * FROM "{self.name}" WHERE "{self.pk}" = ?'

    # -- checking -------------------------------------------------------------------------

    def _column(self, column: str, what: str = "column") -> str:
        if column not in self.spec.columns:
            raise ValidationError(what, f"{column!r} is not a column of {self.name} "
                                        f"({', '.join(self.spec.columns)})")
        return f'"{column}"'

    def _values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        for column in row:
            self._column(column)
        return {k: _encode(v) for k, v in row.items()}

    # -- reading --------------------------------------------------------------------------

    def _decode(self, row: dict[str, Any]) -> dict[str, Any]:
        """Rows come back as they went in: json columns parsed, bool columns as bools,
        datetime columns as aware UTC datetimes and date columns as dates (the same on
        every engine); personal columns masked unless this is an :meth:`unmasked` view."""
        for column in self._json:
            if isinstance(row.get(column), str):
                row[column] = json.loads(row[column])
        for column in self._instants:
            if isinstance(row.get(column), str):
                row[column] = dt.datetime.fromisoformat(row[column])
        for column in self._days:
            if isinstance(row.get(column), str):
                row[column] = dt.date.fromisoformat(row[column][:10])
        for column in self._bool:
            if row.get(column) is not None:
                row[column] = bool(row[column])
        if not self._unmasked:
            for column, kind in self.spec.personal.items():
                if row.get(column):
                    row[column] = mask_phone(row[column]) if kind == "phone" else mask_id_number(row[column])
        return row

    def unmasked(self, platform: Any, actor: Any, reason: str, *, path: str | None = None,
                 what: str | None = None) -> Table:
        """This table with its personal columns in full, for an actor holding
        ``personal.unmask`` (over ``path``, the area of the rows, when given) who gives a
        reason; the view is written to the access log (as ``what``, default the table)."""
        platform.members.unmask_check(actor, reason, path)
        platform.log_access(actor, what or f"table:{self.name}", reason, path=path)
        return Table(self._store, self.spec, unmasked=True)

    def _where(self, conditions: tuple[Any, ...], where: Mapping[str, Any],
               scope: Any = None) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for condition in (*conditions, dict(where)):
            sql = self._condition(condition, params)
            if sql:
                parts.append(sql)
        if scope is not None:
            parts.append(self._scope(scope, params))
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def _condition(self, condition: Condition | Mapping[str, Any], params: list[Any]) -> str:
        if isinstance(condition, Condition):
            inner = [self._condition(part, params) for part in condition.parts]
            inner = [p for p in inner if p]
            if not inner:
                return "1 = 1" if condition.joiner == "AND" else "1 = 0"
            return "(" + f" {condition.joiner} ".join(inner) + ")"
        clauses = [self._lookup(key, value, params) for key, value in condition.items()]
        return " AND ".join(clauses)

    def _lookup(self, key: str, value: Any, params: list[Any]) -> str:
        column, _, op = key.partition("__")
        quoted = self._column(column, key)
        if op and op not in LOOKUPS:
            raise ValidationError(key, f"unknown lookup {op}; use {', '.join(LOOKUPS)}")
        if op == "in":
            values = list(value)
            if not values:
                return "1 = 0"
            params.extend(_encode(v) for v in values)
            return f"{quoted} IN ({', '.join('?' for _ in values)})"
        if op == "isnull":
            return f"{quoted} IS {'' if value else 'NOT '}NULL"
        if op == "under":
            low, high = subtree_range(str(value))
            params += [low, high]
            return f"({quoted} >= ? AND {quoted} < ?)"
        if op in ("contains", "startswith"):
            pattern = _like_escape(str(value))
            params.append(f"%{pattern}%" if op == "contains" else f"{pattern}%")
            return f"{quoted} {self._store.sql.like} ? ESCAPE '\\'"
        if value is None and op in ("", "eq"):
            return f"{quoted} IS NULL"
        params.append(_encode(value))
        return f"{quoted} {_OPS[op or 'eq']} ?"

    def _scope(self, scope: Any, params: list[Any]) -> str:
        """Rows in the actor's scope for the table's ``scope_permission``: under one of
        the actor's area subtrees, or of one of the organisations their posts cover."""
        spec = self.spec
        if spec.scope_path is None and spec.scope_org is None:
            raise ValidationError("scope", f"{self.name} declares no scope_path or scope_org column")
        branches = []
        if spec.scope_path:
            for path in scope.paths_for(spec.scope_permission):
                low, high = subtree_range(path)
                params += [low, high]
                branches.append(f'("{spec.scope_path}" >= ? AND "{spec.scope_path}" < ?)')
        if spec.scope_org:
            orgs = scope.orgs_for(spec.scope_permission)
            if orgs:
                params.extend(orgs)
                branches.append(f'"{spec.scope_org}" IN ({", ".join("?" for _ in orgs)})')
        return "(" + " OR ".join(branches) + ")" if branches else "1 = 0"

    def get(self, key: Any) -> dict[str, Any]:
        """The row with primary key ``key``; raises NotFound."""
        row = self.find(key)
        if row is None:
            raise NotFound(self.name, key)
        return row

    def find(self, key: Any) -> dict[str, Any] | None:
        """The row with primary key ``key``, or None.

        The busiest read of every plugin, so its statement is built once per table
        rather than through the lookup builder."""
        if key is None:
            return None
        cursor = self._store.sql.execute(self._by_key, [_encode(key)])
        found = cursor.fetchall()
        if not found:
            return None
        return self._decode(dict(zip([d[0] for d in cursor.description], found[0], strict=True)))

    def rows(self, *conditions: Condition, order_by: str | None = None, limit: int | None = None,
             offset: int | None = None, scope: Any = None, **where: Any) -> list[dict[str, Any]]:
        """Rows matching ``where``: ``status="open"``, ``status__in=[…]``, ``at__gte=day``,
        ``area_path__under=path``, ``name__contains="电梯"``, groups from :func:`any_of`;
        ``scope=actor`` keeps the actor's rows. ``order_by`` is a column, ``-column`` for
        descending (or a list of them)."""
        return list(self.iter_rows(*conditions, order_by=order_by, limit=limit, offset=offset, scope=scope, **where))

    def iter_rows(self, *conditions: Condition, order_by: str | list[str] | None = None,
                  limit: int | None = None, offset: int | None = None, scope: Any = None,
                  **where: Any) -> Iterator[dict[str, Any]]:
        clause, params = self._where(conditions, where, scope)
        sql = f'SELECT * FROM "{self.name}"{clause}'
        if order_by:
            orders = [order_by] if isinstance(order_by, str) else list(order_by)
            sql += " ORDER BY " + ", ".join(
                f"{self._column(o.lstrip('-'), 'order_by')}{' DESC' if o.startswith('-') else ''}" for o in orders)
        if limit is not None:
            sql += f" LIMIT {_bounded(limit, 'limit')}"
            if offset:
                sql += f" OFFSET {_bounded(offset, 'offset')}"
        cursor = self._store.sql.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield self._decode(dict(zip(names, values, strict=True)))

    def count(self, *conditions: Condition, scope: Any = None, **where: Any) -> int:
        clause, params = self._where(conditions, where, scope)
        return self._store.sql.execute(f'SELECT count(*) FROM "{self.name}"{clause}', params).fetchone()[0]

    def count_by(self, column: str, *conditions: Condition, scope: Any = None, **where: Any) -> dict[Any, int]:
        """How many matching rows take each value of ``column`` (one query for a whole
        dashboard card): ``{"open": 12, "closed": 40}``."""
        quoted = self._column(column, "count_by")
        clause, params = self._where(conditions, where, scope)
        sql = f'SELECT {quoted}, count(*) FROM "{self.name}"{clause} GROUP BY {quoted} ORDER BY {quoted}'
        decode = (lambda v: bool(v) if v is not None else None) if column in self._bool else (lambda v: v)
        return {decode(value): n for value, n in self._store.sql.execute(sql, params)}

    def sum(self, column: str, *conditions: Condition, scope: Any = None, **where: Any) -> int | float:
        """The sum of a numeric column over matching rows (0 when none): exact for integers."""
        quoted = self._column(column, "sum")
        clause, params = self._where(conditions, where, scope)
        value = self._store.sql.execute(f'SELECT sum({quoted}) FROM "{self.name}"{clause}', params).fetchone()
        return value[0] if value[0] is not None else 0

    def distinct(self, column: str, *conditions: Condition, scope: Any = None, **where: Any) -> int:
        """How many distinct non-null values ``column`` takes over matching rows."""
        quoted = self._column(column, "distinct")
        clause, params = self._where(conditions, where, scope)
        return self._store.sql.execute(
            f'SELECT count(DISTINCT {quoted}) FROM "{self.name}"{clause}', params
        ).fetchone()[0]

    # -- writing --------------------------------------------------------------------------

    def insert(self, row: Mapping[str, Any]) -> Any:
        """Insert a row; returns its primary key. A versioned table starts rows at version 1."""
        values = self._values(row)
        if self.spec.versioned:
            values.setdefault("version", 1)
        with self._store.write() as db:
            columns = ", ".join(f'"{c}"' for c in values)
            marks = ", ".join("?" for _ in values)
            sql = f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})'
            try:
                if values.get(self.pk) is not None:
                    db.execute(sql, list(values.values()))
                    if self.spec.columns.get(self.pk) == "int":
                        db.sync_sequence(self.name, self.pk)
                    return values[self.pk]
                return db.insert_returning(sql, list(values.values()), self.pk)
            except IntegrityProblem as exc:
                raise _problem(self.name, values, exc) from None

    def insert_all(self, rows: list[Mapping[str, Any]]) -> int:
        """Insert many rows in one transaction; returns how many."""
        if not rows:
            return 0
        columns = list(rows[0])
        for column in columns:
            self._column(column)
        extra = ["version"] if self.spec.versioned and "version" not in columns else []
        names = ", ".join(f'"{c}"' for c in (*columns, *extra))
        sql = f'INSERT INTO "{self.name}" ({names}) VALUES ({", ".join("?" for _ in (*columns, *extra))})'
        with self._store.write() as db:
            try:
                db.executemany(sql, [[*(_encode(r.get(c)) for c in columns), *([1] if extra else [])] for r in rows])
            except IntegrityProblem as exc:
                raise _problem(self.name, {}, exc) from None
            if self.pk in columns and self.spec.columns.get(self.pk) == "int":
                db.sync_sequence(self.name, self.pk)
        return len(rows)

    def update(self, key: Any, values: Mapping[str, Any], *, expected_version: int | None = None) -> None:
        """Change some columns of the row with primary key ``key``. On a versioned table
        the version goes up by one, and with ``expected_version`` (the version the caller
        saw) a row changed since raises :class:`StaleUpdate`."""
        encoded = self._values(values)
        encoded.pop("version", None)
        sets = [f'"{c}" = ?' for c in encoded]
        params = list(encoded.values())
        if self.spec.versioned:
            sets.append('"version" = coalesce("version", 0) + 1')
        elif expected_version is not None:
            raise ValidationError("expected_version", f"{self.name} has no version column")
        if not sets:
            return
        sql = f'UPDATE "{self.name}" SET {", ".join(sets)} WHERE "{self.pk}" = ?'
        params.append(key)
        if expected_version is not None:
            sql += ' AND "version" = ?'
            params.append(expected_version)
        with self._store.write() as db:
            try:
                cursor = db.execute(sql, params)
            except IntegrityProblem as exc:
                raise _problem(self.name, encoded, exc) from None
            if cursor.rowcount == 0:
                current = self.find(key)
                if current is None:
                    raise NotFound(self.name, key)
                raise StaleUpdate(key, expected_version or 0, current.get("version") or 0, record=self.name)

    def delete(self, key: Any) -> None:
        with self._store.write() as db:
            db.execute(f'DELETE FROM "{self.name}" WHERE "{self._column(self.pk)[1:-1]}" = ?', [key])


def _problem(table: str, values: Mapping[str, Any], problem: IntegrityProblem) -> ValidationError:
    if problem.kind == "unique":
        return ValidationError(problem.column, f"{values.get(problem.column, '')!s} already exists", record=table)
    if problem.kind == "foreign_key":
        return ValidationError("reference", "refers to a record that does not exist", record=table)
    if problem.kind == "not_null":
        return ValidationError(problem.column, "is required", record=table)
    return ValidationError("row", str(problem), record=table)


def subtree_range(path: str) -> tuple[str, str]:
    """The half-open text range of ``path`` and every path below it (``/a/b/`` →
    ``[/a/b/, /a/b0)``: ``0`` is the character after ``/``)."""
    if not path.endswith("/"):
        raise ValidationError("path", f"{path!r} is not an area path (it ends with /)")
    return path, path[:-1] + "0"


def _bounded(value: Any, field: str) -> int:
    number = int(value)
    if not 0 <= number < 2**63:
        raise ValidationError(field, f"{value} is out of range")
    return number


def _check_column(column: str) -> None:
    if not _NAME.fullmatch(column):
        raise ValidationError("column", f"{column!r} is not a column name")


def _where(where: Mapping[str, Any], like: str = "LIKE") -> tuple[str, list[Any]]:
    """WHERE clause for the core's own tables (columns checked as names; the core passes
    only its own). ``like`` is the engine's case-insensitive match operator."""
    parts: list[str] = []
    params: list[Any] = []
    for key, value in where.items():
        column, _, op = key.partition("__")
        _check_column(column)
        if op == "in":
            values = list(value)
            if not values:
                parts.append("1 = 0")
                continue
            parts.append(f'"{column}" IN ({", ".join("?" for _ in values)})')
            params.extend(_encode(v) for v in values)
        elif op == "isnull":
            parts.append(f'"{column}" IS {"" if value else "NOT "}NULL')
        elif op in ("contains", "startswith"):
            pattern = _like_escape(str(value))
            parts.append(f'"{column}" {like} ? ESCAPE \'\\\'')
            params.append(f"%{pattern}%" if op == "contains" else f"{pattern}%")
        elif value is None and op in ("", "eq"):
            parts.append(f'"{column}" IS NULL')
        else:
            if op and op not in _OPS:
                raise ValidationError(key, f"unknown lookup {op}; use {', '.join(_OPS)}, in, isnull, contains, startswith")
            parts.append(f'"{column}" {_OPS[op or "eq"]} ?')
            params.append(_encode(value))
    return (" WHERE " + " AND ".join(parts)) if parts else "", params
