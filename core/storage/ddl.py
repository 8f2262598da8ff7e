"""Portable schema steps: one description of a table, an index, a trigger or a text index
that each engine carries out in its own dialect.

Column types are the portable names plugins use too: ``text``, ``int``, ``float``,
``json``, ``date``, ``datetime``, ``bool``. SQLite stores them through sqlite-utils as
TEXT/INTEGER/REAL; PostgreSQL as TEXT COLLATE "C" (byte order, as SQLite sorts: the
subtree ranges ``[/a/b/, /a/b0)`` depend on it), BIGINT, DOUBLE PRECISION, JSONB, DATE,
TIMESTAMPTZ and SMALLINT (0/1, like SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlite_utils
import sqlite_utils.db

SQLITE_TYPES = {"text": str, "int": int, "float": float, "json": str, "date": str, "datetime": str, "bool": int,
                "blob": bytes}
PG_TYPES = {"text": 'TEXT COLLATE "C"', "int": "BIGINT", "float": "DOUBLE PRECISION", "json": "JSONB",
            "date": "DATE", "datetime": "TIMESTAMPTZ", "bool": "SMALLINT", "blob": "BYTEA"}
ForeignKey = tuple[str, str, str]

_APPEND_ONLY_MESSAGE = "is append-only: rows cannot be changed or removed"


class SqliteSchema:
    """Schema steps on SQLite, through sqlite-utils."""

    engine = "sqlite"

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def _table(self, name: str) -> sqlite_utils.db.Table:
        return self.db.table(name)

    def create_table(self, name: str, columns: Mapping[str, str], *, pk: str | Sequence[str] = "id",
                     not_null: Iterable[str] = (), foreign_keys: Iterable[ForeignKey] = (),
                     defaults: Mapping[str, Any] | None = None, without_rowid: bool = False) -> None:
        if without_rowid:
            keys = [pk] if isinstance(pk, str) else list(pk)
            parts = []
            for column, kind in columns.items():
                sql_type = {str: "TEXT", int: "INTEGER", float: "REAL", bytes: "BLOB"}[SQLITE_TYPES[kind]]
                extra = " NOT NULL" if column in set(not_null) else ""
                if defaults and column in defaults:
                    extra += f" DEFAULT {defaults[column]!r}"
                parts.append(f"{column} {sql_type}{extra}")
            self.db.execute(f"CREATE TABLE {name} ({', '.join(parts)}, PRIMARY KEY ({', '.join(keys)})) WITHOUT ROWID")
            return
        self._table(name).create(
            {c: SQLITE_TYPES[t] for c, t in columns.items()},
            pk=pk if isinstance(pk, str) else tuple(pk),
            not_null=set(not_null),
            foreign_keys=list(foreign_keys),
            defaults=dict(defaults or {}),
        )

    def add_column(self, table: str, column: str, kind: str, *, default: Any = None) -> None:
        """A new column; with ``default`` it is NOT NULL and existing rows take the default."""
        self._table(table).add_column(column, SQLITE_TYPES[kind], not_null_default=default)

    def create_index(self, table: str, columns: Sequence[str], *, unique: bool = False, name: str | None = None,
                     where: str | None = None) -> None:
        if where is None:
            self._table(table).create_index(list(columns), index_name=name, unique=unique)
            return
        index = name or f"idx_{table}_{'_'.join(columns)}"
        self.db.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {index} ON {table}({', '.join(columns)}) WHERE {where}")

    def drop_index(self, name: str) -> None:
        self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def append_only(self, table: str) -> None:
        for verb in ("UPDATE", "DELETE"):
            self.db.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {_APPEND_ONLY_MESSAGE}'); END"
            )

    def text_search(self, table: str, columns: Sequence[str]) -> None:
        """Trigram full-text search (finds Chinese words, no tokeniser needed)."""
        self._table(table).enable_fts(list(columns), tokenize="trigram", create_triggers=True)

    def execute(self, sql: str) -> None:
        """Portable SQL (both engines understand it)."""
        self.db.execute(sql)

    def sqlite(self, sql: str) -> None:
        self.db.execute(sql)

    def postgresql(self, sql: str) -> None:
        """Only for PostgreSQL: nothing to do here."""


class PostgresSchema:
    """Schema steps on PostgreSQL, as DDL inside the migration's transaction."""

    engine = "postgresql"

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def _run(self, sql: str) -> None:
        self._engine.execute(sql)

    def create_table(self, name: str, columns: Mapping[str, str], *, pk: str | Sequence[str] = "id",
                     not_null: Iterable[str] = (), foreign_keys: Iterable[ForeignKey] = (),
                     defaults: Mapping[str, Any] | None = None, without_rowid: bool = False) -> None:
        keys = [pk] if isinstance(pk, str) else list(pk)
        required = set(not_null)
        parts = []
        for column, kind in columns.items():
            if len(keys) == 1 and column == keys[0] and kind == "int":
                parts.append(f'"{column}" BIGINT GENERATED BY DEFAULT AS IDENTITY')
                continue
            extra = " NOT NULL" if column in required else ""
            if defaults and column in defaults:
                extra += f" DEFAULT {defaults[column]!r}"
            parts.append(f'"{column}" {PG_TYPES[kind]}{extra}')
        parts.append(f"PRIMARY KEY ({', '.join(chr(34) + k + chr(34) for k in keys)})")
        for column, other, other_column in foreign_keys:
            parts.append(f'FOREIGN KEY ("{column}") REFERENCES "{other}" ("{other_column}") DEFERRABLE INITIALLY IMMEDIATE')
        self._run(f'CREATE TABLE "{name}" ({", ".join(parts)})')

    def add_column(self, table: str, column: str, kind: str, *, default: Any = None) -> None:
        extra = f" NOT NULL DEFAULT {default!r}" if default is not None else ""
        self._run(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {PG_TYPES[kind]}{extra}')
        if hasattr(self._engine, "forget_columns"):
            self._engine.forget_columns()

    def create_index(self, table: str, columns: Sequence[str], *, unique: bool = False, name: str | None = None,
                     where: str | None = None) -> None:
        index = name or f"idx_{table}_{'_'.join(columns)}"
        quoted = ", ".join(f'"{c}"' for c in columns)
        self._run(f'CREATE {"UNIQUE " if unique else ""}INDEX "{index}" ON "{table}" ({quoted})'
                  + (f" WHERE {where}" if where else ""))

    def drop_index(self, name: str) -> None:
        self._run(f'DROP INDEX IF EXISTS "{name}"')

    def append_only(self, table: str) -> None:
        self._run(
            "CREATE OR REPLACE FUNCTION gridgov_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '% {_APPEND_ONLY_MESSAGE}', TG_TABLE_NAME; END $$"
        )
        self._run(f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
                  "FOR EACH ROW EXECUTE FUNCTION gridgov_append_only()")

    def text_search(self, table: str, columns: Sequence[str]) -> None:
        """A pg_trgm GIN index over the columns joined, which serves ``LIKE '%…%'`` for
        Chinese text (two-character words included) without a tokeniser."""
        self._run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        self._run(f'CREATE INDEX "{table}_text_trgm" ON "{table}" USING gin (({text_expression(columns)}) gin_trgm_ops)')

    def execute(self, sql: str) -> None:
        self._run(sql)

    def sqlite(self, sql: str) -> None:
        """Only for SQLite: nothing to do here."""

    def postgresql(self, sql: str) -> None:
        self._run(sql)


def text_expression(columns: Sequence[str]) -> str:
    """The searched text of a row on PostgreSQL (what the trigram index is built on)."""
    return " || ' ' || ".join(f"coalesce(\"{c}\", '')" for c in columns)
