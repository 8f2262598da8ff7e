"""The core's data access: every SQL statement of gridgov lives in this package.

Services above this module deal in dicts and records; they never build SQL, and never
learn which engine (:mod:`.engine`: SQLite or PostgreSQL) runs underneath.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import NotFound, StaleUpdate
from . import migrate
from .counters import MetricCounters
from .engine import Engine
from .errors import IntegrityProblem
from .issue_rows import IssueRows, subtree_bounds
from .schema import CORE
from .tables import Migrations, SchemaEditor, Table, TableSpec, _encode, _problem, _where

CORE_TABLES = {
    "setting": "key",
    "area": "code",
    "organisation": "code",
    "member": "login",
    "role_assignment": "id",
    "pairing": "id",
    "dual_registration": "id",
    "access_log": "id",
    "issue": "id",
    "issue_event": "id",
    "plugin_failure": "id",
    "attachment": "id",
    "api_key": "id",
    "service_request": "issue_id",
}

AUTO_KEYS = frozenset({"role_assignment", "pairing", "dual_registration", "access_log", "issue", "issue_event",
                       "plugin_failure", "attachment", "api_key"})
"""Core tables whose integer key the database assigns."""


class Store(IssueRows, MetricCounters):
    """One open database: transactions, migrations, core rows and plugin tables, on the
    engine ``open_engine`` chose (SQLite file or PostgreSQL URL)."""

    def __init__(self, engine: Engine) -> None:
        self.sql = engine
        self._depth = 0
        self._savepoints = itertools.count()
        self._plugin_tables: dict[str, Table] = {}
        self._data_version: int | None = None
        self._directory_version: str = ""
        self._directory_read_at = 0.0

    @property
    def engine(self) -> str:
        """``sqlite`` or ``postgresql`` (for ``gridgov doctor`` and the deployment guide)."""
        return self.sql.name

    def close(self) -> None:
        self.sql.close()

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self, *, savepoint: bool = False) -> Iterator[Engine]:
        """A write transaction; everything inside commits together or not at all. On
        SQLite it begins with ``BEGIN IMMEDIATE`` (writers queue for the lock instead of
        failing with "database is locked"); on PostgreSQL at READ COMMITTED with a lock
        timeout (see :mod:`.pg_engine`).

        Nested calls join the outer transaction. With ``savepoint=True`` a nested call gets
        a savepoint, so its failure undoes only its own writes (used around plugin hooks).
        """
        sql = self.sql
        if self._depth:
            self._depth += 1
            try:
                if not savepoint:
                    yield sql
                    return
                name = f"sp{next(self._savepoints)}"
                sql.savepoint(name)
                try:
                    yield sql
                except BaseException:
                    sql.rollback_to(name)
                    raise
                else:
                    sql.release(name)
            finally:
                self._depth -= 1
            return
        sql.begin()
        self._depth = 1
        try:
            yield sql
        except BaseException:
            sql.rollback()
            raise
        else:
            sql.commit()
        finally:
            self._depth = 0

    @contextlib.contextmanager
    def read(self) -> Iterator[Engine]:
        """A transaction for reading only: several reads see one state of the database,
        without queueing for the write lock (SQLite: a deferred ``BEGIN``, which in WAL
        mode never waits for a writer; PostgreSQL: as :meth:`write`). Inside a write it
        joins the write. Nothing inside may write."""
        if self._depth:
            yield self.sql
            return
        if self.sql.name == "sqlite":
            self.sql.execute("BEGIN")
        else:
            self.sql.begin()
        self._depth = 1
        try:
            yield self.sql
        finally:
            self._depth = 0
            self.sql.rollback()

    @contextlib.contextmanager
    def bulk_load(self, cache_mb: int = 256, *, defer: Sequence[str] = ()) -> Iterator[None]:
        """A bigger page cache while a large load runs (the demo, imports), so index pages
        stay in memory between chunks instead of being read and spilled again (SQLite).

        ``defer`` names tables whose secondary indexes and insert triggers are set aside
        while the load runs (SQLite): each index is built once at the end by sorting, and
        the table's full-text index rebuilt in one pass, instead of both being updated row
        by row. The load is then one transaction: if it fails, the rollback takes back the
        rows and the indexes alike. Outside another transaction the database leaves WAL
        for a rollback journal meanwhile, so a load into new pages is written once, not to
        the WAL and again at the checkpoint.

        Commits inside (outside another transaction) are not synced one by one (``synchronous=NORMAL``: a power cut may
        take back the last of them, never corrupts the file); a checkpoint at the end
        syncs the whole load, so it is as durable as ever once this returns."""
        old = self.sql.cache_size(cache_mb)
        synchronous = None if self.in_write else self.sql.synchronous("NORMAL")
        journal = None
        try:
            if defer and self.sql.name == "sqlite":
                if not self.in_write:
                    journal = self.sql.journal_mode("TRUNCATE")
                with self.write(), self._indexes_deferred(defer):
                    yield
            else:
                yield
        finally:
            if journal is not None:
                self.sql.journal_mode(journal)
            if synchronous is not None:
                self.sql.synchronous(synchronous)
            if self.sql.name == "sqlite":
                self.sql.execute(f"PRAGMA cache_size = {int(old)}")
                if not self.in_write:
                    self.sql.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @contextlib.contextmanager
    def _indexes_deferred(self, tables: Sequence[str]) -> Iterator[None]:
        """Drop the indexes and insert triggers of ``tables``; create them again after."""
        db = self.sql
        saved: list[tuple[str, str, str, str]] = []
        for table in tables:
            saved += [(table, kind, name, sql) for kind, name, sql in db.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "AND (type = 'index' OR (type = 'trigger' AND sql LIKE '%AFTER INSERT%')) ORDER BY type, name",
                [table])]
        for _table, kind, name, _sql in saved:
            db.execute(f'DROP {kind.upper()} "{name}"')
        yield
        # Helper threads sort for CREATE INDEX (an index of 7.4 million events: 17 s alone, 9 s with two).
        db.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        for _table, _kind, _name, sql in saved:
            db.execute(sql)
        for table in dict.fromkeys(t for t, kind, _, _ in saved if kind == "trigger"):
            fts = f"{table}_fts"
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [fts]).fetchone():
                db.execute(f"INSERT INTO \"{fts}\" (\"{fts}\") VALUES ('rebuild')")

    @property
    def in_write(self) -> bool:
        return self._depth > 0

    # -- schema -------------------------------------------------------------------------

    def migrate(self, plugin_sets: Iterable[Migrations] = (),
                on_failure: Callable[[str, BaseException], None] | None = None) -> list[str]:
        """Apply pending core and plugin migrations; returns the names applied.

        Nothing pending (the usual case) is found by reading alone, so opening a database
        never waits for a writer. Under the write lock the check is made again, since
        another process may have applied them meanwhile. Each plugin's set runs in a
        savepoint: one that raises is undone and reported to ``on_failure(namespace, exc)``
        (which disables the plugin), and the rest go on."""
        plugin_sets = list(plugin_sets)
        if not self.pending_migrations(plugin_sets):
            return []
        applied: list[str] = []
        with self.write() as sql:
            migrate.lock(sql)
            applied += [f"gridgov.core:{name}" for name in migrate.apply(sql, ("gridgov.core", CORE))]
            for plugin_set in plugin_sets:
                try:
                    with self.write(savepoint=True):
                        applied += self._apply_plugin_set(plugin_set)
                except Exception as exc:
                    if on_failure is None:
                        raise
                    on_failure(plugin_set.namespace, exc)
        return applied

    def _apply_plugin_set(self, plugin_set: Migrations) -> list[str]:
        editor = SchemaEditor(migrate.schema_ops(self.sql), plugin_set.namespace)
        done = migrate.apply(self.sql, (f"plugin:{plugin_set.namespace}", plugin_set.steps), lambda: editor)
        for spec in plugin_set.specs().values():
            if spec.columns.get(spec.pk) == "int":
                self.sql.sync_sequence(spec.name, spec.pk)
        return [f"{plugin_set.namespace}:{name}" for name in done]

    def pending_migrations(self, plugin_sets: Iterable[Migrations] = ()) -> list[str]:
        found = [f"gridgov.core:{name}" for name in migrate.pending(self.sql, ("gridgov.core", CORE))]
        for plugin_set in plugin_sets:
            found += [f"{plugin_set.namespace}:{name}"
                      for name in migrate.pending(self.sql, (f"plugin:{plugin_set.namespace}", plugin_set.steps))]
        return found

    def register_table(self, spec: TableSpec) -> Table:
        """Make a plugin table available through :meth:`table` (done by the platform)."""
        self._plugin_tables[spec.name] = Table(self, spec)
        return self._plugin_tables[spec.name]

    def table(self, name: str) -> Table:
        """A plugin table by its full name (``mediation_dispute``)."""
        try:
            return self._plugin_tables[name]
        except KeyError:
            raise NotFound("plugin table", name) from None

    def table_names(self) -> list[str]:
        return self.sql.table_names()

    # -- generic core rows --------------------------------------------------------------

    def get(self, table: str, key: Any) -> dict[str, Any]:
        pk = CORE_TABLES[table]
        row = self.sql.execute(f"SELECT * FROM {table} WHERE {pk} = ?", [key]).fetchone()
        if row is None:
            raise NotFound(table, key)
        return self._row(table, row)

    def find(self, table: str, key: Any) -> dict[str, Any] | None:
        try:
            return self.get(table, key)
        except NotFound:
            return None

    def _row(self, table: str, values: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(self._columns(table), values, strict=True))

    def _columns(self, table: str) -> list[str]:
        return self.sql.columns(table)

    def select(
        self,
        table: str,
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **where: Any,
    ) -> list[dict[str, Any]]:
        if table not in CORE_TABLES:
            raise NotFound("table", table)
        clause, params = _where(where, self.sql.like)
        sql = f"SELECT * FROM {table}{clause}"
        if order_by:
            sql += f" ORDER BY {order_by.lstrip('-')}{' DESC' if order_by.startswith('-') else ''}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset or 0)}"
        return [self._row(table, r) for r in self.sql.execute(sql, params)]

    def count(self, table: str, **where: Any) -> int:
        clause, params = _where(where, self.sql.like)
        return self.sql.execute(f"SELECT count(*) FROM {table}{clause}", params).fetchone()[0]

    def insert(self, table: str, row: Mapping[str, Any]) -> Any:
        pk = CORE_TABLES[table]
        values = {k: _encode(v) for k, v in row.items() if not (k == pk and v is None)}
        sql = f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"
        with self.write() as db:
            try:
                if pk in values:
                    db.execute(sql, list(values.values()))
                    if table in AUTO_KEYS:
                        db.sync_sequence(table, pk)
                    return values[pk]
                return db.insert_returning(sql, list(values.values()), pk)
            except IntegrityProblem as exc:
                raise _problem(table, values, exc) from None

    def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows in one statement batch, inside the current transaction."""
        if not rows:
            return 0
        pk = CORE_TABLES[table]
        columns = [c for c in rows[0] if not (c == pk and rows[0][c] is None)]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        with self.write() as db:
            try:
                db.executemany(sql, ([_encode(r.get(c)) for c in columns] for r in rows))
            except IntegrityProblem as exc:
                raise _problem(table, {}, exc) from None
            if pk in columns and table in AUTO_KEYS:
                db.sync_sequence(table, pk)
        return len(rows)

    def update(self, table: str, key: Any, values: Mapping[str, Any], *, version: int | None = None) -> None:
        """Update a row; with ``version``, only if the row still has it (and bump it)."""
        pk = CORE_TABLES[table]
        sets = {k: _encode(v) for k, v in values.items()}
        sql = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)}"
        params = list(sets.values())
        if version is not None:
            sql += ", version = version + 1"
        sql += f" WHERE {pk} = ?"
        params.append(key)
        if version is not None:
            sql += " AND version = ?"
            params.append(version)
        with self.write() as db:
            try:
                cursor = db.execute(sql, params)
            except IntegrityProblem as exc:
                raise _problem(table, sets, exc) from None
            if cursor.rowcount == 0:
                current = self.get(table, key)
                raise StaleUpdate(key, version or 0, current.get("version", 0), record=table)

    def delete(self, table: str, key: Any) -> None:
        pk = CORE_TABLES[table]
        with self.write() as db:
            try:
                db.execute(f"DELETE FROM {table} WHERE {pk} = ?", [key])
            except IntegrityProblem as exc:
                raise _problem(table, {}, exc) from None

    # -- settings -----------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.sql.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )

    def instants_to_utc(self, table: str, columns: Sequence[str], zone_name: str) -> None:
        """Rewrite naive wall-clock text of ``zone_name`` in ``columns`` as UTC instants."""
        from .schema import _local_to_utc
        from .sqlite_engine import SqliteEngine

        if not isinstance(self.sql, SqliteEngine):
            return  # PostgreSQL deployments began with aware instants
        self.sql.conn.create_function("gridgov_utc", 1, _local_to_utc(zone_name), deterministic=True)
        sets = ", ".join(f'"{c}" = gridgov_utc("{c}")' for c in columns)
        with self.write() as db:
            db.execute(f'UPDATE "{table}" SET {sets}')

    # -- change detection ---------------------------------------------------------------

    def directory_version(self) -> str:
        """A token that changes whenever any process changes the area tree or its levels.

        ``PRAGMA data_version`` changes only when another connection commits, and reading it
        touches no page, so the common case (nothing changed) costs one pragma; only then is
        the version row read."""
        counter = self.sql.change_counter()
        if counter is None:
            # PostgreSQL has no change counter: read the row at most once a second.
            now = time.monotonic()
            if self._data_version is None or now - self._directory_read_at > 1.0:
                self._directory_version = str(self.setting("directory_version", ""))
                self._directory_read_at, self._data_version = now, 0
            return self._directory_version
        if counter != self._data_version:
            self._data_version = counter
            self._directory_version = str(self.setting("directory_version", ""))
        return self._directory_version

    def bump_directory_version(self) -> None:
        """Mark the tree as changed (inside the transaction that changes it).

        A fresh random token rather than a counter: if this transaction rolls back, no
        other process can later write the token this one cached."""
        self.set_setting("directory_version", uuid.uuid4().hex)
        self._data_version = None

    def distinct_values(self, table: str, column: str) -> list[Any]:
        if table not in CORE_TABLES or column not in self._columns(table):
            raise NotFound("column", f"{table}.{column}")
        return [r[0] for r in self.sql.execute(f"SELECT DISTINCT {column} FROM {table} ORDER BY 1")]

    # -- area tree ----------------------------------------------------------------------

    def subtree(self, table: str, path: str, *, column: str = "path", limit: int | None = None,
                offset: int = 0, order_by: str | None = None, **where: Any) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``column`` lies in the subtree of ``path``."""
        low, high = subtree_bounds(path)
        clause, params = _where(where, self.sql.like)
        clause = (clause + " AND" if clause else " WHERE") + f" {column} >= ? AND {column} < ?"
        sql = f"SELECT * FROM {table}{clause}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [self._row(table, r) for r in self.sql.execute(sql, [*params, low, high])]

    def seated_in(self, table: str, path: str, *, column: str = "area_code", order_by: str | None = None,
                  limit: int | None = None, offset: int = 0, **where: Any) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``column`` names an area in the subtree of ``path``: one
        statement however large the subtree (a district's codes passed one by one would
        pass the engines' limit on parameters)."""
        low, high = subtree_bounds(path)
        clause, params = _where(where, self.sql.like)
        clause = (clause + " AND" if clause else " WHERE") + \
            f" {column} IN (SELECT code FROM area WHERE path >= ? AND path < ?)"
        sql = f"SELECT * FROM {table}{clause}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [self._row(table, r) for r in self.sql.execute(sql, [*params, low, high])]

    def count_subtree(self, table: str, path: str, *, column: str = "path", **where: Any) -> int:
        low, high = subtree_bounds(path)
        clause, params = _where(where, self.sql.like)
        clause = (clause + " AND" if clause else " WHERE") + f" {column} >= ? AND {column} < ?"
        return self.sql.execute(f"SELECT count(*) FROM {table}{clause}", [*params, low, high]).fetchone()[0]

    def members_in_subtree(self, path: str, *, post: str | None = None, limit: int | None = None,
                           offset: int = 0) -> list[dict[str, Any]]:
        """Members placed in the subtree of ``path``: by home area, by a post over an area
        there, or by belonging to (or holding a post in) an organisation seated there."""
        low, high = subtree_bounds(path)
        posts = (
            "SELECT r.login FROM role_assignment r LEFT JOIN area a ON a.code = r.area_code"
            " LEFT JOIN organisation o ON o.code = r.org_code LEFT JOIN area s ON s.code = o.area_code"
            " WHERE ((a.path >= ? AND a.path < ?) OR (s.path >= ? AND s.path < ?))"
        )
        params: list[Any] = [low, high, low, high]
        if post:
            sql = f"SELECT m.* FROM member m WHERE m.login IN ({posts} AND r.post = ?)"
            params.append(post)
        else:
            sql = (
                f"SELECT m.* FROM member m WHERE m.login IN ({posts}"
                " UNION SELECT m2.login FROM member m2 JOIN area h ON h.code = m2.home_area"
                " WHERE h.path >= ? AND h.path < ?"
                " UNION SELECT m3.login FROM member m3 JOIN organisation o3 ON o3.code = m3.org_code"
                " JOIN area s3 ON s3.code = o3.area_code WHERE s3.path >= ? AND s3.path < ?)"
            )
            params += [low, high, low, high]
        sql += " ORDER BY m.login"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [self._row("member", r) for r in self.sql.execute(sql, params)]

    # -- access log ---------------------------------------------------------------------

    def log_access(self, actor: str, what: str, reason: str, at: dt.datetime, path: str | None = None) -> None:
        self.insert("access_log", {"actor": actor, "what": what, "reason": reason, "at": at, "area_path": path})

    def access_log_page(self, paths: Sequence[str], *, include_global: bool, limit: int = 100) -> list[dict[str, Any]]:
        """Newest access-log entries about records in the subtrees ``paths`` (and, with
        ``include_global``, those about the whole deployment)."""
        clauses, params = [], []
        for path in paths:
            clauses.append("(area_path >= ? AND area_path < ?)")
            params += list(subtree_bounds(path))
        if include_global:
            clauses.append("area_path IS NULL")
        sql = f"SELECT * FROM access_log WHERE {' OR '.join(clauses) or '1 = 0'} ORDER BY id DESC LIMIT ?"
        return [self._row("access_log", r) for r in self.sql.execute(sql, [*params, int(limit)])]
