"""SQLite through sqlite-utils: the embedded engine.

Transactions begin with ``BEGIN IMMEDIATE`` (see :mod:`.connection`): a read-then-write
transaction begun with a plain ``BEGIN`` fails with "database is locked" when another
process commits between its read and its write. Writers are serialised by the database
lock; readers never wait in WAL mode.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import DatabaseBusy
from .connection import BUSY_TIMEOUT_MS, connect
from .errors import from_sqlite


class SqliteEngine:
    name = "sqlite"
    like = "LIKE"

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self.db: sqlite_utils.Database = connect(path, synchronous=synchronous)
        self.conn = self.db.conn
        self._columns: dict[str, list[str]] = {}

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise from_sqlite(exc) from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise from_sqlite(exc) from exc

    def insert_returning(self, sql: str, params: Sequence[Any], pk: str) -> Any:
        return self.execute(sql, params).lastrowid

    def stream(self, sql: str, params: Sequence[Any] = (), *, batch: int = 5000) -> Iterator[Sequence[Any]]:
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield from rows

    def begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusy(BUSY_TIMEOUT_MS // 1000) from None
            raise

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def savepoint(self, name: str) -> None:
        self.conn.execute(f"SAVEPOINT {name}")

    def rollback_to(self, name: str) -> None:
        if self.conn.in_transaction:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")

    def release(self, name: str) -> None:
        self.conn.execute(f"RELEASE {name}")

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = [c[1] for c in self.conn.execute(f'PRAGMA table_info("{table}")')]
        return self._columns[table]

    def table_names(self) -> list[str]:
        return self.db.table_names()

    def change_counter(self) -> int | None:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def sync_sequence(self, table: str, pk: str) -> None:
        """SQLite's integer keys continue after the largest by themselves."""

    def cache_size(self, megabytes: int | None) -> int:
        """Set the page cache (negative: KiB) and return the previous setting."""
        old = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        if megabytes is not None:
            self.conn.execute(f"PRAGMA cache_size = {-int(megabytes) * 1024}")
        return old

    def synchronous(self, mode: str) -> str:
        """Set how commits are synced (FULL, NORMAL) and return the previous setting."""
        old = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[self.conn.execute("PRAGMA synchronous").fetchone()[0]]
        self.conn.execute(f"PRAGMA synchronous = {mode}")
        return old

    def journal_mode(self, mode: str) -> str:
        """Switch the journal mode (WAL, TRUNCATE…) and return the previous one; a
        database in memory or shared with another connection keeps its own."""
        old = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if old.lower() not in ("memory", mode.lower()):
            with contextlib.suppress(sqlite3.OperationalError):
                self.conn.execute(f"PRAGMA journal_mode = {mode}")
        return old

    def close(self) -> None:
        self.conn.close()
