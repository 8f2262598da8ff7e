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

import sqlite_utils

from ..errors import NotFound, ValidationError

if TYPE_CHECKING:
    from .store import Store

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_OPS = {"eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "like": "LIKE"}
COLUMN_TYPES = {"text": str, "int": int, "float": float, "json": str, "date": str, "datetime": str, "bool": int}


class Migrations:
    """An ordered set of schema steps for one plugin's tables.

    >>> migrations = Migrations("mediation")
    >>> @migrations()
    ... def m001_disputes(schema):
    ...     schema.create_table("dispute", {"id": "int", "kind": "text"}, pk="id")
    """

    def __init__(self, namespace: str) -> None:
        if not _NAME.match(namespace):
            raise ValidationError("namespace", f"{namespace!r} must be lowercase letters, digits, _")
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
        return list(self.schema())

    def schema(self) -> dict[str, dict[str, str]]:
        """Each table's columns and declared types after all steps (found by a dry run)."""
        recorder = _Recorder(self.namespace)
        for _, fn in self.steps:
            fn(recorder)
        return recorder.columns


class SchemaEditor:
    """What a plugin migration may do: create, extend and index tables of its namespace."""

    def __init__(self, db: sqlite_utils.Database, namespace: str) -> None:
        self._db = db
        self.namespace = namespace

    def name(self, table: str) -> str:
        if not _NAME.match(table):
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
    ) -> None:
        """Create ``<namespace>_<table>``. Column types: text, int, float, json, date,
        datetime, bool. ``references`` maps a column to ``"table.column"``, where the table
        is a core table (``issue``, ``area``, ``member``, ``organisation``) or one of this
        namespace's own (given without prefix)."""
        bad = [c for c, t in columns.items() if t not in COLUMN_TYPES]
        if bad:
            raise ValidationError("columns", f"unknown type for {', '.join(bad)}; use {', '.join(COLUMN_TYPES)}")
        fks = []
        for column, target in (references or {}).items():
            other, other_column = target.split(".")
            if other not in {"issue", "area", "member", "organisation"}:
                other = self.name(other)
            fks.append((column, other, other_column))
        self._db[self.name(table)].create(
            {c: COLUMN_TYPES[t] for c, t in columns.items()},
            pk=pk,
            not_null=set(not_null),
            foreign_keys=fks,
        )

    def add_column(self, table: str, column: str, kind: str) -> None:
        self._db[self.name(table)].add_column(column, COLUMN_TYPES[kind])

    def create_index(self, table: str, columns: list[str], *, unique: bool = False) -> None:
        self._db[self.name(table)].create_index(columns, unique=unique)


class _Recorder(SchemaEditor):
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.columns: dict[str, dict[str, str]] = {}

    def create_table(self, table: str, columns: Mapping[str, str], **_: Any) -> None:
        self.columns[self.name(table)] = dict(columns)

    def add_column(self, table: str, column: str, kind: str) -> None:
        self.columns.setdefault(self.name(table), {})[column] = kind

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


class Table:
    """Rows of one plugin table; every write joins the current :meth:`Store.write` transaction
    (or runs in its own)."""

    def __init__(self, store: Store, name: str, pk: str, types: Mapping[str, str]) -> None:
        self._store = store
        self.name = name
        self.pk = pk
        self._json = frozenset(c for c, t in types.items() if t == "json")
        self._bool = frozenset(c for c, t in types.items() if t == "bool")

    def _decode(self, row: dict[str, Any]) -> dict[str, Any]:
        """Rows come back as they went in: json columns parsed, bool columns as bools."""
        for column in self._json:
            if isinstance(row.get(column), str):
                row[column] = json.loads(row[column])
        for column in self._bool:
            if row.get(column) is not None:
                row[column] = bool(row[column])
        return row

    def insert(self, row: Mapping[str, Any]) -> Any:
        """Insert a row; returns its primary key."""
        values = {k: _encode(v) for k, v in row.items()}
        with self._store.write() as db:
            columns = ", ".join(f'"{c}"' for c in values)
            marks = ", ".join("?" for _ in values)
            cursor = db.execute(f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})', list(values.values()))
            return values.get(self.pk, cursor.lastrowid)

    def insert_all(self, rows: list[Mapping[str, Any]]) -> int:
        """Insert many rows in one transaction; returns how many."""
        if not rows:
            return 0
        columns = list(rows[0])
        sql = f'INSERT INTO "{self.name}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) VALUES ({", ".join("?" for _ in columns)})'
        with self._store.write() as db:
            db.conn.executemany(sql, [[_encode(r.get(c)) for c in columns] for r in rows])
        return len(rows)

    def update(self, key: Any, values: Mapping[str, Any]) -> None:
        """Change some columns of the row with primary key ``key``."""
        sets = ", ".join(f'"{c}" = ?' for c in values)
        with self._store.write() as db:
            cursor = db.execute(
                f'UPDATE "{self.name}" SET {sets} WHERE "{self.pk}" = ?',
                [*(_encode(v) for v in values.values()), key],
            )
            if cursor.rowcount == 0:
                raise NotFound(self.name, key)

    def delete(self, key: Any) -> None:
        with self._store.write() as db:
            db.execute(f'DELETE FROM "{self.name}" WHERE "{self.pk}" = ?', [key])

    def get(self, key: Any) -> dict[str, Any]:
        """The row with primary key ``key``; raises NotFound."""
        for row in self.rows(**{self.pk: key}):
            return row
        raise NotFound(self.name, key)

    def rows(
        self,
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **where: Any,
    ) -> list[dict[str, Any]]:
        """Rows matching ``where``: ``status="open"``, ``status__in=[…]``, ``at__gte=day``.
        ``order_by`` is a column, ``-column`` for descending."""
        return list(self.iter_rows(order_by=order_by, limit=limit, offset=offset, **where))

    def iter_rows(
        self,
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **where: Any,
    ) -> Iterator[dict[str, Any]]:
        clause, params = _where(where)
        sql = f'SELECT * FROM "{self.name}"{clause}'
        if order_by:
            column = order_by.lstrip("-")
            _check_column(column)
            sql += f' ORDER BY "{column}"{" DESC" if order_by.startswith("-") else ""}'
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
            if offset:
                sql += f" OFFSET {int(offset)}"
        cursor = self._store.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield self._decode(dict(zip(names, values, strict=True)))

    def count(self, **where: Any) -> int:
        clause, params = _where(where)
        return self._store.db.execute(f'SELECT count(*) FROM "{self.name}"{clause}', params).fetchone()[0]

    def sum(self, column: str, **where: Any) -> int | float:
        """The sum of a numeric column over matching rows (0 when none): exact for integers."""
        _check_column(column)
        clause, params = _where(where)
        value = self._store.db.execute(
            f'SELECT total("{column}"), sum("{column}") FROM "{self.name}"{clause}', params
        ).fetchone()
        return value[1] if value[1] is not None else 0

    def distinct(self, column: str, **where: Any) -> int:
        """How many distinct non-null values ``column`` takes over matching rows."""
        _check_column(column)
        clause, params = _where(where)
        return self._store.db.execute(
            f'SELECT count(DISTINCT "{column}") FROM "{self.name}"{clause}', params
        ).fetchone()[0]


def _check_column(column: str) -> None:
    if not _NAME.match(column):
        raise ValidationError("column", f"{column!r} is not a column name")


def _where(where: Mapping[str, Any]) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for key, value in where.items():
        column, _, op = key.partition("__")
        _check_column(column)
        if op == "in":
            values = list(value)
            if not values:
                parts.append("0")
                continue
            parts.append(f'"{column}" IN ({", ".join("?" for _ in values)})')
            params.extend(_encode(v) for v in values)
        elif op == "isnull":
            parts.append(f'"{column}" IS {"" if value else "NOT "}NULL')
        elif value is None and op in ("", "eq"):
            parts.append(f'"{column}" IS NULL')
        else:
            if op and op not in _OPS:
                raise ValidationError(key, f"unknown lookup {op}; use {', '.join(_OPS)}, in, isnull")
            parts.append(f'"{column}" {_OPS[op or "eq"]} ?')
            params.append(_encode(value))
    return (" WHERE " + " AND ".join(parts)) if parts else "", params
