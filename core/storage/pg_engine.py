"""PostgreSQL through psycopg 3 and psycopg_pool: the engine for a district's shared
deployment.

Connections come from a pool per process and URL and are held only for one transaction
or one statement, so nothing the store relies on lives in a session: the store works
behind pgbouncer in transaction mode. Transactions run at READ COMMITTED: concurrent
writers do not fail with serialisation errors; lost updates are prevented where it
matters by version-checked updates (a case, a member, a plugin's versioned row: the second
writer finds the version changed and gets StaleUpdate), counters are single atomic
upserts, and a lock held longer than 30 s ends the waiting transaction with one clear
line instead of hanging. Values come back as SQLite gives them (instants as UTC ISO text,
days as text, JSON as text), so the layers above see no difference.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
import psycopg_pool
from psycopg import errors as pg_errors

from ..errors import DatabaseBusy, WriteConflict
from .engine import to_format_style
from .errors import IntegrityProblem

LOCK_TIMEOUT = "30s"
_POOLS: dict[tuple[int, str], psycopg_pool.ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(url: str) -> psycopg_pool.ConnectionPool:
    """The process's pool for ``url`` (a new one after a fork: pools do not survive it)."""
    key = (os.getpid(), url)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            size = int(os.environ.get("GRIDGOV_PG_POOL", "8"))
            prepare = None if os.environ.get("GRIDGOV_PG_PREPARE", "on") == "off" else 5
            pool = psycopg_pool.ConnectionPool(
                url, min_size=1, max_size=max(size, 1), open=True, name=f"gridgov-{os.getpid()}",
                kwargs={"autocommit": True, "prepare_threshold": prepare},
            )
            _POOLS[key] = pool
        return pool


@atexit.register
def _close_pools() -> None:
    for (pid, _), pool in list(_POOLS.items()):
        if pid == os.getpid():
            pool.close()


@lru_cache(maxsize=2048)
def _sql(text: str) -> str:
    return to_format_style(text)


def _plain(value: Any) -> Any:
    """A PostgreSQL value as the SQLite engine returns it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat(timespec="seconds")
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview):
        return value.tobytes()
    return value


class _Result:
    """A finished statement's rows (fetched at once, so the connection can go back to
    the pool), with the reading half of a DB-API cursor."""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self._rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()] if cursor.description else []
        self._next = 0

    def fetchone(self) -> tuple | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int = 1) -> list[tuple]:
        found = self._rows[self._next:self._next + size]
        self._next += len(found)
        return found

    def fetchall(self) -> list[tuple]:
        found = self._rows[self._next:]
        self._next = len(self._rows)
        return found

    def __iter__(self) -> Iterator[tuple]:
        while (row := self.fetchone()) is not None:
            yield row


def _translate(exc: psycopg.Error) -> Exception:
    diag = exc.diag
    if isinstance(exc, pg_errors.UniqueViolation):
        detail = diag.message_detail or ""
        column = detail.split("(", 1)[1].split(")", 1)[0].split(",")[-1].strip() if "(" in detail else "row"
        return IntegrityProblem("unique", column, str(exc))
    if isinstance(exc, pg_errors.ForeignKeyViolation):
        return IntegrityProblem("foreign_key", diag.column_name or "reference", str(exc))
    if isinstance(exc, pg_errors.NotNullViolation):
        return IntegrityProblem("not_null", diag.column_name or "value", str(exc))
    if isinstance(exc, pg_errors.RaiseException) and "append-only" in str(exc):
        return IntegrityProblem("append_only", diag.table_name or "row", diag.message_primary or str(exc))
    if isinstance(exc, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
        return DatabaseBusy(30)
    if isinstance(exc, pg_errors.DeadlockDetected | pg_errors.SerializationFailure):
        return WriteConflict()
    return exc


class PostgresEngine:
    name = "postgresql"
    like = "ILIKE"

    def __init__(self, url: str) -> None:
        self.url = url
        self.pool = pool_for(url)
        self._conn: psycopg.Connection | None = None
        self._columns: dict[str, list[str]] = {}

    @property
    def in_transaction(self) -> bool:
        return self._conn is not None

    def _run(self, conn: psycopg.Connection, sql: str, params: Sequence[Any]) -> _Result:
        try:
            return _Result(conn.execute(_sql(sql), list(params)))
        except psycopg.Error as exc:
            raise _translate(exc) from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        if self._conn is not None:
            return self._run(self._conn, sql, params)
        with self.pool.connection() as conn:
            return self._run(conn, sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [list(r) for r in rows]
        if not rows:
            return

        def run(conn: psycopg.Connection) -> None:
            try:
                with conn.cursor() as cursor:
                    cursor.executemany(_sql(sql), rows)
            except psycopg.Error as exc:
                raise _translate(exc) from exc

        if self._conn is not None:
            run(self._conn)
        else:
            with self.pool.connection() as conn:
                run(conn)

    def insert_returning(self, sql: str, params: Sequence[Any], pk: str) -> Any:
        row = self.execute(f'{sql} RETURNING "{pk}"', params).fetchone()
        return row[0] if row else None

    def stream(self, sql: str, params: Sequence[Any] = (), *, batch: int = 5000) -> Iterator[Sequence[Any]]:
        """A server-side cursor, so a million events are never all in memory."""
        def read(conn: psycopg.Connection) -> Iterator[Sequence[Any]]:
            with conn.cursor(name=f"gridgov_stream_{id(self)}") as cursor:
                cursor.itersize = batch
                cursor.execute(_sql(sql), list(params))
                for row in cursor:
                    yield tuple(_plain(v) for v in row)

        if self._conn is not None:
            yield from read(self._conn)
            return
        with self.pool.connection() as conn, conn.transaction():
            yield from read(conn)

    # -- transactions -------------------------------------------------------------------

    def begin(self) -> None:
        conn = self.pool.getconn()
        try:
            conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        except BaseException:
            self.pool.putconn(conn)
            raise
        self._conn = conn

    def _end(self, verb: str) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(verb)
        except psycopg.Error as exc:
            if verb == "COMMIT":
                raise _translate(exc) from exc
        finally:
            self.pool.putconn(conn)

    def commit(self) -> None:
        self._end("COMMIT")

    def rollback(self) -> None:
        self._end("ROLLBACK")

    def savepoint(self, name: str) -> None:
        self.execute(f"SAVEPOINT {name}")

    def rollback_to(self, name: str) -> None:
        if self._conn is not None:
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.execute(f"RELEASE SAVEPOINT {name}")

    def release(self, name: str) -> None:
        self.execute(f"RELEASE SAVEPOINT {name}")

    # -- catalogue ----------------------------------------------------------------------

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            rows = self.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            if not rows:
                return []
            self._columns[table] = [r[0] for r in rows]
        return self._columns[table]

    def forget_columns(self) -> None:
        self._columns.clear()

    def table_names(self) -> list[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
        return [r[0] for r in rows]

    def change_counter(self) -> int | None:
        return None

    def sync_sequence(self, table: str, pk: str) -> None:
        self.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
            f'coalesce((SELECT max("{pk}") FROM "{table}"), 0) + 1, false)')

    def cache_size(self, megabytes: int | None) -> int:
        return 0

    def journal_mode(self, mode: str) -> str:
        return mode

    def synchronous(self, mode: str) -> str:
        return mode

    def close(self) -> None:
        if self._conn is not None:
            self.rollback()
