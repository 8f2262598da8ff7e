"""The two storage engines behind one small interface.

The store and the plugin table API speak SQL through an :class:`Engine`: ``execute`` and
``executemany`` with ``?`` placeholders, explicit transactions and savepoints, a few
dialect fragments (text search, case-insensitive matching, returning a new key), and rows
whose values look the same on both engines (instants as ISO 8601 UTC text, days as
``YYYY-MM-DD``, JSON as text, integers as ``int``). SQLite is the embedded default (one
desk, demos, tests); PostgreSQL serves a district's shared deployment (many desks, an
HTTP service, its own replication and backups). Nothing outside ``core/storage`` knows
which one runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: str | Path | None) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


class Cursor(Protocol):
    """What an engine's ``execute`` returns: a DB-API cursor's reading half."""

    @property
    def description(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = 1) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Engine(Protocol):
    """The storage engine interface every part of ``core/storage`` uses."""

    name: str
    like: str
    """The operator that matches a pattern ignoring ASCII case (SQLite's LIKE does)."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def insert_returning(self, sql: str, params: Sequence[Any], pk: str) -> Any:
        """Run an INSERT and return the new row's key."""

    def stream(self, sql: str, params: Sequence[Any] = (), *, batch: int = 5000) -> Iterator[Sequence[Any]]:
        """Rows of a large query without holding them all in memory."""

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def savepoint(self, name: str) -> None: ...

    def rollback_to(self, name: str) -> None: ...

    def release(self, name: str) -> None: ...

    def columns(self, table: str) -> list[str]: ...

    def table_names(self) -> list[str]: ...

    def change_counter(self) -> int | None:
        """A number that changes when another connection commits (None: not known)."""

    def sync_sequence(self, table: str, pk: str) -> None:
        """After rows were inserted with explicit keys: new keys continue after them."""

    def cache_size(self, megabytes: int | None) -> int:
        """Set a bigger page cache for a bulk load (SQLite); returns the previous one."""

    def synchronous(self, mode: str) -> str:
        """Set how commits are synced for a bulk load (SQLite); returns the previous setting."""

    def journal_mode(self, mode: str) -> str:
        """Switch the journal mode for a bulk load (SQLite); returns the previous one."""

    def close(self) -> None: ...


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|%")


def to_format_style(sql: str) -> str:
    """``?`` placeholders as ``%s`` (psycopg), literal ``%`` doubled; quoted text kept."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return token.replace("%", "%%")

    return _PLACEHOLDER.sub(swap, sql)


def open_engine(location: str | Path, *, synchronous: str = "FULL") -> Engine:
    """The engine for ``location``: a ``postgresql://`` URL, else a SQLite file path."""
    if is_postgres_url(location):
        from .pg_engine import PostgresEngine

        return PostgresEngine(str(location))
    from .sqlite_engine import SqliteEngine

    return SqliteEngine(location, synchronous=synchronous)
